"""The links of a trial page: each condition and each intervention with the outside term it is
linked to and how (SKOS predicate, method, score, matched text), or why it is not; cell
products named by brand, code or INN with their NCIt concept.

:func:`trial_links` asks the store three questions about one trial and shapes the answers for
``templates/links.html``. A mention that several sources state alike is shown once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kg.server.backend import Row

__all__ = ["CONDITION_LINKS", "INTERVENTION_LINKS", "PRODUCT_NCIT", "TrialLinks", "trial_links"]

# How a link was made, as kg.rdf writes it beside the SKOS triple (a cto:Mapping).
_HOW = """
    OPTIONAL { ?m cto:mappingPredicate ?predicate }
    OPTIONAL { ?m cto:matchMethod ?method }
    OPTIONAL { ?m cto:matchScore ?score }
    OPTIONAL { ?m cto:matchedText ?matched }
    OPTIONAL { ?term rdfs:label ?termLabel }"""

# THIS is the trial's IRI (replaced by the caller, as for the other trial queries).
CONDITION_LINKS = f"""
SELECT ?node ?label ?foundIn ?reason ?term ?termLabel ?predicate ?method ?score ?matched WHERE {{
  THIS cto:studiesCondition ?node .
  OPTIONAL {{ ?node rdfs:label ?label }}
  OPTIONAL {{ ?node cto:foundIn ?foundIn }}
  OPTIONAL {{ ?node cto:unlinkedReason ?reason }}
  OPTIONAL {{ ?node cto:mapping ?m . ?m cto:mappedTerm ?term .{_HOW} }}
}} ORDER BY ?label ?node ?term
"""

INTERVENTION_LINKS = f"""
SELECT ?node ?label ?kind ?term ?termLabel ?predicate ?method ?score ?matched WHERE {{
  THIS cto:hasIntervention ?node .
  OPTIONAL {{ ?node rdfs:label ?label }}
  OPTIONAL {{ ?node cto:interventionType ?kind }}
  OPTIONAL {{ ?node cto:mapping ?m . ?m cto:mappedTerm ?term .{_HOW} }}
}} ORDER BY ?label ?node ?term
"""

PRODUCT_NCIT = """
SELECT DISTINCT ?node ?label ?term ?termLabel WHERE {
  THIS cto:studiesProduct ?node .
  ?node cto:ncitConcept ?term .
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL { ?term rdfs:label ?termLabel }
} ORDER BY ?label ?node
"""


@dataclass
class TrialLinks:
    """Rows for the template: ``conditions`` and ``interventions`` (each with ``node``,
    ``label`` and, where linked, ``term``, ``termLabel``, ``predicate``, ``method``,
    ``score``, ``matched``; a condition also ``foundIn`` and, where unlinked, ``reason``),
    ``products`` (``node``, ``label``, ``term``: the NCIt concept)."""

    conditions: list[Row] = field(default_factory=list)
    interventions: list[Row] = field(default_factory=list)
    products: list[Row] = field(default_factory=list)


def _once(rows: list[Row]) -> list[Row]:
    """One row per mention and link (several sources may state the same)."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for row in rows:
        key = tuple(row[k].value if k in row else "" for k in ("node", "term", "predicate"))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def trial_links_queries(q: Callable[[str], str]) -> list[str]:
    """The queries :func:`trial_links` runs, in its order (a page prefetches them)."""
    return [q(CONDITION_LINKS), q(INTERVENTION_LINKS), q(PRODUCT_NCIT)]


def trial_links(rows: Callable[[str], list[Row]], q: Callable[[str], str]) -> TrialLinks:
    """The links of the trial ``q`` fills in (see :data:`CONDITION_LINKS`)."""
    return TrialLinks(
        conditions=_once(rows(q(CONDITION_LINKS))),
        interventions=_once(rows(q(INTERVENTION_LINKS))),
        products=_once(rows(q(PRODUCT_NCIT))),
    )
