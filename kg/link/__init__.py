"""Grounding of names to ontologies: conditions -> MONDO, tissues -> UBERON, cell types -> CL,
drugs -> ChEBI, each :class:`Link` saying how it was made; plus the ancestor closure.

Term data: the CL, UBERON, MONDO (and ChEBI) releases shipped by ``cellxgene-ontology-guide``
(:mod:`kg.link.terms`); MONDO's SSSOM mappings to MeSH and NCIT (:mod:`kg.link.sssom`,
downloaded by :func:`fetch_sssom`); small curated tables in ``kg/link/data/``.

Nothing here emits RDF: :mod:`kg.rdf` turns the records into triples.
"""

from __future__ import annotations

from kg.link.anatomy import ground_cell_type, ground_tissue
from kg.link.closure import ancestors, is_obsolete, term_label
from kg.link.conditions import (
    ConditionContext,
    Grounding,
    condition_parts,
    find_conditions,
    ground_condition,
    link_condition,
    mesh_to_mondo,
    mondo_xrefs,
)
from kg.link.drugs import ground_drug, ground_intervention
from kg.link.fetch import fetch_sssom
from kg.link.records import Link, TermEdge
from kg.link.sources import Sources, clear_caches, default_sources, set_default_sources
from kg.link.sssom import SSSOMNotFoundError, find_sssom_dir, load_sssom
from kg.link.terms import load_terms
from kg.link.unlinked import NO_TERM

__all__ = [
    "NO_TERM",
    "ConditionContext",
    "Grounding",
    "Link",
    "SSSOMNotFoundError",
    "Sources",
    "TermEdge",
    "ancestors",
    "clear_caches",
    "condition_parts",
    "default_sources",
    "fetch_sssom",
    "find_conditions",
    "find_sssom_dir",
    "ground_cell_type",
    "ground_condition",
    "ground_drug",
    "ground_intervention",
    "ground_tissue",
    "is_obsolete",
    "link_condition",
    "load_sssom",
    "load_terms",
    "mesh_to_mondo",
    "mondo_xrefs",
    "set_default_sources",
    "term_label",
]
