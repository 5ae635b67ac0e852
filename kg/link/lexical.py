"""Name -> term matching against one release's labels and exact synonyms.

Scores (see also :mod:`kg.link.conditions`):

==============================  =====  ==============================================
how                             score  predicate
==============================  =====  ==============================================
exact label (case-folded)       1.00   skos:exactMatch
exact synonym (no abbreviation) 0.90   skos:exactMatch
normalised string, label        0.85   skos:exactMatch
normalised string, synonym      0.80   skos:exactMatch
several terms share the text    -0.15  skos:closeMatch (the most general one is taken)
curated row, broader term       -0.40  skos:broadMatch (the row's predicate)
curated row, close term         -0.10  skos:closeMatch (the row's predicate)
==============================  =====  ==============================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from kg.link.curated import CuratedRow, CuratedTable
from kg.link.normalise import bag_key, fold
from kg.link.records import (
    BROAD_MATCH,
    CLOSE_MATCH,
    CURATED_TABLE,
    EXACT_LABEL,
    EXACT_MATCH,
    EXACT_SYNONYM,
    IDENTIFIER,
    LEXICAL_MATCHING,
    MANUAL_CURATION,
    NORMALISED_STRING,
    UNSPECIFIED_MATCHING,
    Link,
)
from kg.link.terms import Surface, TermSet, parse_curie

__all__ = ["choose", "curated_score", "from_curated", "from_curie", "from_terms", "variants"]

_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
AMBIGUITY_PENALTY = 0.15


def variants(name: str) -> list[str]:
    """``name`` and, where it has any, ``name`` without its bracketed parts."""
    out = [name.strip()]
    bare = _PARENS.sub("", name).strip(" ,;")
    if bare and bare != out[0]:
        out.append(bare)
    return [v for v in out if v]


def choose(ts: TermSet, curies: Iterable[str]) -> tuple[str, bool]:
    """One curie of several: the one that is an ancestor of all others, else the most general.

    Returns ``(curie, ambiguous)``.
    """
    unique = sorted(set(curies))
    if len(unique) == 1:
        return unique[0], False
    for c in unique:
        if all(c in ts.ancestors(o) for o in unique if o != c):
            return c, True
    return min(unique, key=lambda c: (len(ts.ancestors(c)), c)), True


def _link(ts: TermSet, surfaces: Sequence[Surface], method: str, score: float) -> Link:
    curie, ambiguous = choose(ts, (s.curie for s in surfaces))
    matched = next(s.text for s in surfaces if s.curie == curie)
    return Link(
        curie=curie,
        label=ts.label(curie) or "",
        predicate=CLOSE_MATCH if ambiguous else EXACT_MATCH,
        justification=LEXICAL_MATCHING,
        method=method,
        score=round(score - (AMBIGUITY_PENALTY if ambiguous else 0.0), 2),
        matched_text=matched,
        source=ts.source,
    )


def _exact(ts: TermSet, text: str, keep: Callable[[str], bool]) -> Link | None:
    found = [s for s in ts.index.by_fold.get(fold(text), ()) if keep(s.curie)]
    labels = [s for s in found if s.is_label]
    if labels:
        return _link(ts, labels, EXACT_LABEL, 1.0)
    # Abbreviations ("SCD", "RA") are left out: alone they name too many diseases.
    synonyms = [s for s in found if not s.is_abbreviation]
    if synonyms:
        return _link(ts, synonyms, EXACT_SYNONYM, 0.9)
    return None


def _normalised(ts: TermSet, text: str, keep: Callable[[str], bool]) -> Link | None:
    found = [s for s in ts.index.by_bag.get(bag_key(text), ()) if keep(s.curie)]
    labels = [s for s in found if s.is_label]
    if labels:
        return _link(ts, labels, NORMALISED_STRING, 0.85)
    if found:
        return _link(ts, found, NORMALISED_STRING, 0.8)
    return None


def from_terms(
    ts: TermSet, names: Sequence[str], keep: Callable[[str], bool] = lambda _: True
) -> Link | None:
    """Exact label, then exact synonym, then normalised string, over every name variant."""
    for text in names:
        if link := _exact(ts, text, keep):
            return link
    for text in names:
        if link := _normalised(ts, text, keep):
            return link
    return None


def from_curated(
    table: CuratedTable, names: Sequence[str], label_of: TermSet | None
) -> Link | None:
    """A curated row by folded name (score 1.0), then by normalised name (0.95)."""
    keyed: tuple[tuple[Mapping[str, CuratedRow], Callable[[str], str], float], ...] = (
        (table.by_fold, fold, 1.0),
        (table.by_bag, bag_key, 0.95),
    )
    for rows, key, score in keyed:
        for text in names:
            row = rows.get(key(text))
            if row is not None:
                label = (label_of.label(row.curie) if label_of else None) or row.label
                return Link(
                    curie=row.curie,
                    label=label,
                    predicate=row.predicate,
                    justification=MANUAL_CURATION,
                    method=CURATED_TABLE,
                    score=curated_score(row.predicate, score),
                    matched_text=row.name,
                    source=table.file,
                )
    return None


def curated_score(predicate: str, score: float) -> float:
    """A curated row's score: a broader term (``skos:broadMatch``) 0.4 less (0.6 at most), a
    close one (``skos:closeMatch``) 0.1 less."""
    penalty = {BROAD_MATCH: 0.4, CLOSE_MATCH: 0.1}.get(predicate, 0.0)
    return round(score - penalty, 2)


def from_curie(ts: TermSet, value: str) -> Link | None:
    """``value`` is already an id of ``ts``'s ontology: check it (follow ``replaced_by``)."""
    parsed = parse_curie(value)
    if parsed is None or parsed[0] != ts.name:
        return None
    curie = f"{parsed[0]}:{parsed[1]}"
    current = ts.current(curie)
    if current is None:
        return None
    return Link(
        curie=current,
        label=ts.label(current) or "",
        predicate=EXACT_MATCH,
        justification=UNSPECIFIED_MATCHING,
        method=IDENTIFIER,
        score=1.0 if current == curie else 0.9,
        matched_text=value.strip(),
        source=ts.source,
    )
