"""Tissue sources -> UBERON and cell types -> CL.

Both accept a CURIE (``"UBERON:0003422"``, ``"CL_0002537"``, an OBO PURL), which is checked
against the release (method ``"identifier"``; an obsolete id is replaced by its
``replaced_by`` term), or a word or phrase as trial records write it ("Wharton's jelly",
"WJ", "adipose-derived", "UC-MSCs"), matched against the curated table, then the release's
exact labels, exact synonyms and normalised strings.
"""

from __future__ import annotations

import re

from kg.link.curated import load_table
from kg.link.lexical import from_curated, from_curie, from_terms, variants
from kg.link.records import Link
from kg.link.sources import Sources, default_sources
from kg.link.terms import ONTOLOGIES, parse_curie

__all__ = ["ground_cell_type", "ground_tissue"]

_NOISE = re.compile(r"(?i)(?:^|[\s-])(?:derived|human|origin)\b")


def _names(value: str) -> list[str]:
    names = variants(value)
    for name in list(names):
        bare = _NOISE.sub(" ", name).strip(" -")
        if bare and bare not in names:
            names.append(bare)
    return names


def _ground(value: str, ontology: str, table: str, sources: Sources | None) -> Link | None:
    text = value.strip()
    if not text:
        return None
    ts = (sources or default_sources()).terms(ontology)
    parsed = parse_curie(text)
    if parsed is not None and parsed[0] in ONTOLOGIES:
        return from_curie(ts, text)  # an id of this ontology, or of another: no name matching
    names = _names(text)
    return from_curated(load_table(table), names, ts) or from_terms(ts, names, keep=ts.usable)


def ground_tissue(word_or_curie: str, *, sources: Sources | None = None) -> Link | None:
    """The UBERON term for a tissue source, or None."""
    return _ground(word_or_curie, "UBERON", "tissues.tsv", sources)


def ground_cell_type(word_or_curie: str, *, sources: Sources | None = None) -> Link | None:
    """The CL term for a cell type or cell-product name, or None."""
    return _ground(word_or_curie, "CL", "cell_types.tsv", sources)
