"""The typed results of :mod:`kg.link`: a :class:`Link` to an ontology term and a :class:`TermEdge`.

These are plain records. Only :mod:`kg.rdf` turns them into triples.

A :class:`Link` says how the name was tied to the term:

* ``predicate``: the SKOS mapping relation from the name (as the source used it) to the term:
  ``skos:exactMatch``; ``skos:closeMatch``; ``skos:broadMatch`` where the term is broader than
  the name ("Osteoporotic Fractures" -> MONDO "bone fracture", "Acute Stroke" -> "stroke");
  ``skos:relatedMatch`` where it is only related (a MeSH-derived term narrower than a vague
  name).
* ``justification``: a SEMAPV term (https://w3id.org/semapv/vocab/); :data:`JUSTIFICATIONS`
  are the ones :mod:`kg.link` makes itself, SSSOM rows may carry others.
* ``method``: one of :data:`METHODS`.
* ``score``: 0..1, how sure the method is (see :mod:`kg.link.conditions` for the scale).
* ``matched_text``: the term-side text the input matched: a label, an exact synonym, a curated
  table name, or a MeSH id; for a MeSH ancestor, the path (``MESH:D007405 Intervertebral
  Disc Displacement < MESH:D013122 Spinal Diseases``); for an abbreviation, the abbreviation
  and the expansion the record gives (``NSCLC = non-small cell lung cancer``).
* ``source``: the ontology release (``"MONDO v2026-05-05"``), the SSSOM file and its version, or
  the curated table file name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ABBREVIATION_IN_CONTEXT",
    "BROAD_MATCH",
    "CLOSE_MATCH",
    "CURATED_TABLE",
    "EXACT_LABEL",
    "EXACT_MATCH",
    "EXACT_SYNONYM",
    "IDENTIFIER",
    "JUSTIFICATIONS",
    "LEXICAL_MATCHING",
    "MANUAL_CURATION",
    "MAPPING_CHAINING",
    "MESH_ANCESTOR",
    "MESH_XREF",
    "METHODS",
    "NORMALISED_STRING",
    "PHRASE_IN_NAME",
    "PREDICATES",
    "RELATED_MATCH",
    "UNSPECIFIED_MATCHING",
    "Link",
    "TermEdge",
]

EXACT_MATCH = "skos:exactMatch"
CLOSE_MATCH = "skos:closeMatch"
RELATED_MATCH = "skos:relatedMatch"
BROAD_MATCH = "skos:broadMatch"
PREDICATES = frozenset({EXACT_MATCH, CLOSE_MATCH, RELATED_MATCH, BROAD_MATCH})

LEXICAL_MATCHING = "semapv:LexicalMatching"
MANUAL_CURATION = "semapv:ManualMappingCuration"
MAPPING_CHAINING = "semapv:MappingChaining"
UNSPECIFIED_MATCHING = "semapv:UnspecifiedMatching"
JUSTIFICATIONS = frozenset(
    {LEXICAL_MATCHING, MANUAL_CURATION, MAPPING_CHAINING, UNSPECIFIED_MATCHING}
)

EXACT_LABEL = "exact label"
EXACT_SYNONYM = "exact synonym"
MESH_XREF = "mesh xref"
CURATED_TABLE = "curated table"
NORMALISED_STRING = "normalised string"
IDENTIFIER = "identifier"  # the input already was a CURIE of the ontology: checked, not matched
# An abbreviation whose expansion the record's own text names (title, summary, MeSH terms).
ABBREVIATION_IN_CONTEXT = "abbreviation in context"
# The nearest MeSH ancestor (of the record's own MeSH term) that MONDO maps: skos:broadMatch.
MESH_ANCESTOR = "mesh ancestor"
# The one condition a longer name names ("Patients with COVID-19", "Pneumonia induced by
# covid19"): skos:closeMatch, or skos:broadMatch where the name says more.
PHRASE_IN_NAME = "phrase in name"
METHODS = frozenset(
    {
        EXACT_LABEL,
        EXACT_SYNONYM,
        MESH_XREF,
        CURATED_TABLE,
        NORMALISED_STRING,
        IDENTIFIER,
        ABBREVIATION_IN_CONTEXT,
        MESH_ANCESTOR,
        PHRASE_IN_NAME,
    }
)


@dataclass(frozen=True, slots=True)
class Link:
    """A name grounded to one ontology term, with how the link was made."""

    curie: str
    label: str
    predicate: str
    justification: str
    method: str
    score: float
    matched_text: str
    source: str

    def __post_init__(self) -> None:
        if self.predicate not in PREDICATES:
            raise ValueError(f"unknown mapping predicate {self.predicate!r}")
        if not self.justification.startswith("semapv:"):
            raise ValueError(f"unknown mapping justification {self.justification!r}")
        if self.method not in METHODS:
            raise ValueError(f"unknown linking method {self.method!r}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside 0..1")


@dataclass(frozen=True, slots=True, order=True)
class TermEdge:
    """``child`` has ``parent`` among its ancestors (is_a or part_of, merged by the release).

    ``distance`` is the number of steps of the shortest path the release records
    (1 = direct parent); ``None`` where the release does not say.
    """

    child: str
    parent: str
    distance: int | None = None
