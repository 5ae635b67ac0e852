"""Terms a record uses for another disease that its own text names (``data/in_context.tsv``).

Registries index records with the headings they have: COVID-19 trials of early 2020 carry
MeSH's *Severe Acute Respiratory Syndrome* (the 2003 SARS-CoV disease, MONDO:0005091) as a
condition, and "SARS" in such a record means the severe respiratory syndrome of COVID-19. A
row of the table says: a condition linked to ``term`` in a record whose title or summary
names ``context`` is linked to ``target`` with ``predicate`` instead (the method and the
matched text say so). A record that does not name ``context`` keeps the link.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from importlib import resources

from kg.link.records import BROAD_MATCH, PREDICATES, Link

__all__ = ["TABLE", "ContextRow", "in_context", "rows"]

TABLE = "in_context.tsv"


@dataclass(frozen=True, slots=True)
class ContextRow:
    term: str
    context: str
    target: str
    predicate: str
    note: str


@functools.cache
def rows() -> tuple[ContextRow, ...]:
    text = resources.files("kg.link").joinpath("data").joinpath(TABLE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = []
    for n, rec in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        row = ContextRow(
            term=(rec.get("term") or "").strip(),
            context=(rec.get("context") or "").strip(),
            target=(rec.get("target") or "").strip(),
            predicate=(rec.get("predicate") or "").strip(),
            note=(rec.get("note") or "").strip(),
        )
        if not (row.term and row.context and row.target) or row.predicate not in PREDICATES:
            raise ValueError(f"{TABLE}: bad row {n}: {rec}")
        out.append(row)
    return tuple(out)


def in_context(
    link: Link,
    texts: Iterable[str],
    named: Callable[[str], Iterable[str]],
    label: Callable[[str], str | None],
) -> Link:
    """``link``, or the row's target where the record's ``texts`` name the row's context
    (``named(text)``: the MONDO terms a text names). A broader target scores 0.5."""
    wanted = [r for r in rows() if r.term == link.curie]
    if not wanted:
        return link
    found = {curie for text in texts for curie in named(text)}
    for row in wanted:
        if row.context in found:
            return replace(
                link,
                curie=row.target,
                label=label(row.target) or row.target,
                predicate=row.predicate,
                score=min(link.score, 0.5) if row.predicate == BROAD_MATCH else link.score,
                matched_text=f"{link.matched_text} (in a record about {label(row.context)})",
                source=f"{link.source}; {TABLE}",
            )
    return link
