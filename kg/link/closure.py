"""Term labels, obsolescence and the ancestor closure of the terms a graph uses.

The releases record each term's ancestors (is_a and part_of merged, same ontology only) with
the shortest distance; :func:`ancestors` turns that into :class:`~kg.link.records.TermEdge`
records for the given terms only, so the graph carries just the hierarchy it needs for
"umbilical cord finds Wharton's jelly" queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.link.records import TermEdge
from kg.link.sources import Sources, default_sources
from kg.link.terms import parse_curie

__all__ = ["ancestors", "is_obsolete", "term_label"]


def _normal(curie: str) -> str | None:
    parsed = parse_curie(curie)
    return f"{parsed[0]}:{parsed[1]}" if parsed else None


def term_label(curie: str, *, sources: Sources | None = None) -> str | None:
    """The release's label of a CL, UBERON, MONDO or ChEBI term; None if unknown."""
    src = sources or default_sources()
    ts = src.term_set_of(curie)
    norm = _normal(curie)
    if ts is None or norm is None:
        return None
    return ts.label(norm) or None


def is_obsolete(curie: str, *, sources: Sources | None = None) -> bool:
    """True if the release marks the term deprecated (False for live or unknown terms)."""
    src = sources or default_sources()
    ts = src.term_set_of(curie)
    norm = _normal(curie)
    return bool(ts is not None and norm is not None and ts.is_obsolete(norm))


def ancestors(
    curies: Iterable[str], *, sources: Sources | None = None, between_ancestors: bool = False
) -> list[TermEdge]:
    """Edges from each given term to each of its ancestors in its release, sorted.

    Unknown, obsolete and non-CL/UBERON/MONDO/ChEBI ids give no edges. With
    ``between_ancestors`` the ancestors' own edges are added too (the closure of the whole
    induced sub-hierarchy), so that every ancestor can be browsed upwards as well.
    """
    src = sources or default_sources()
    edges: set[TermEdge] = set()
    todo = {n for c in curies if (n := _normal(c)) is not None}
    done: set[str] = set()
    while todo:
        child = todo.pop()
        done.add(child)
        ts = src.term_set_of(child)
        if ts is None or child not in ts or ts.is_obsolete(child):
            continue
        for parent, distance in ts.ancestors(child).items():
            edges.add(TermEdge(child, parent, distance))
            if between_ancestors and parent not in done:
                todo.add(parent)
    return sorted(edges)
