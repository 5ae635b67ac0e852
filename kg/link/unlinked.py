"""Why a condition name stays unlinked: what it names instead, or why no term was chosen.

:data:`KINDS`, in the order they are decided:

* ``"healthy volunteers"``, ``"procedure"``, ``"population"``, ``"intervention"``,
  ``"measure"``: the name is not a disease, disorder, injury or finding ("Healthy
  Volunteers", "Surgery", "Adult", "Mesenchymal Stem Cells", "Safety", "Viral Load": a
  measurement, outcome or study topic), by the words of the table
  ``data/not_conditions.tsv``;
* ``"unspecific"``: the name says only that there is a disease ("Disease", "Syndrome",
  "Complications": MeSH headings a registry adds to a record) and names none;
  :data:`NOT_A_CONDITION` are these kinds;
* ``"ambiguous abbreviation"``: an abbreviation that names several terms, or one term the
  record's own text does not support (see :mod:`kg.link.conditions`);
* ``"no term"``: a condition for which the releases hold no term that fits.

The table is read only for a name nothing could be linked to: "Kidney Transplant Failure"
is linked to MONDO before the word "transplant" is ever looked at.

>>> not_a_condition("Healthy Volunteers"), not_a_condition("Hematopoietic Stem Cell Transplantation")
('healthy volunteers', 'procedure')
>>> not_a_condition("Lumbar Disc Herniation") is None
True
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

from kg.link.normalise import tokens

__all__ = [
    "AMBIGUOUS_ABBREVIATION",
    "CONDITION_WORDS",
    "KINDS",
    "NOT_A_CONDITION",
    "NO_TERM",
    "TABLE",
    "UNSPECIFIC",
    "not_a_condition",
    "phrases",
]

TABLE = "not_conditions.tsv"
AMBIGUOUS_ABBREVIATION = "ambiguous abbreviation"
NO_TERM = "no term"
UNSPECIFIC = "unspecific"
NOT_A_CONDITION = (
    "healthy volunteers",
    "procedure",
    "population",
    "intervention",
    "measure",
    UNSPECIFIC,
)
KINDS = (*NOT_A_CONDITION, AMBIGUOUS_ABBREVIATION, NO_TERM)


@functools.cache
def phrases() -> tuple[tuple[tuple[str, ...], str], ...]:
    """``((normalised words, kind), ...)`` of the table, longest phrase first."""
    text = resources.files("kg.link").joinpath("data").joinpath(TABLE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = []
    for n, rec in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        words = tuple(tokens(rec["phrase"] or ""))
        kind = (rec["kind"] or "").strip()
        if not words or kind not in NOT_A_CONDITION:
            raise ValueError(f"{TABLE}: bad row {n}: {rec}")
        rows.append((words, kind))
    return tuple(sorted(rows, key=lambda r: (-len(r[0]), r[0])))


# Words that make a name a condition whatever else it says ("Kidney Transplant Rejection").
CONDITION_WORDS = frozenset(
    tokens("rejection failure complication infection injury disease disorder syndrome pain")
)


def not_a_condition(name: str) -> str | None:
    """The kind (:data:`NOT_A_CONDITION`) of a name that names no condition, else None.

    >>> not_a_condition("Kidney Transplant Rejection") is None
    True
    """
    words = tokens(name)
    if CONDITION_WORDS.intersection(words):
        return None
    for phrase, kind in phrases():
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return kind
    return None
