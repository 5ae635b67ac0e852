"""Drugs given beside the cells -> ChEBI: the curated table ``data/drugs.tsv``, then ChEBI's
own labels.

A name is grounded by the curated table (by name, then normalised) or, failing that, when it
is exactly the label of a ChEBI entity (case aside; a dosage form such as "tablets" or
"injection" dropped). ChEBI's synonyms are not used: among its 200k entities, brand names,
salts and combinations mislead. A name that is neither gives None (placebo, procedures, the
cell products themselves).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.link.curated import load_table
from kg.link.lexical import from_curated, variants
from kg.link.normalise import fold
from kg.link.records import EXACT_LABEL, EXACT_MATCH, LEXICAL_MATCHING, Link
from kg.link.sources import Sources, default_sources

__all__ = ["ground_drug", "ground_intervention"]

_FORM = re.compile(
    r"(?i)\s+(?:tablets?|capsules?|injection|solution|oral product|infusion|cream|gel)$"
)
SALINE = "CHEBI:26710"  # sodium chloride: the vehicle of a saline placebo
# ChEBI roles and classes that are also everyday words of intervention names.
_TOO_GENERAL = frozenset(fold(t) for t in ("drug", "water", "placebo", "saline", "cell", "vaccine"))


def _names(name: str) -> list[str]:
    names = variants(name)
    for n in list(names):
        bare = _FORM.sub("", n).strip()
        if bare and bare not in names:
            names.append(bare)
    return names


def ground_drug(name: str) -> Link | None:
    """The ChEBI term of a co-administered drug named in the curated table, or None."""
    names = _names(name)
    return from_curated(load_table("drugs.tsv"), names, None) if names else None


def _chebi_label(names: Sequence[str], sources: Sources) -> Link | None:
    chebi = sources.terms("CHEBI")
    for text in names:
        if fold(text) in _TOO_GENERAL or len(text) < 4:
            continue
        hits = sorted(
            {
                s.curie
                for s in chebi.index.by_fold.get(fold(text), ())
                if s.is_label and chebi.usable(s.curie)
            }
        )
        if len(hits) == 1:
            return Link(
                curie=hits[0],
                label=chebi.label(hits[0]) or "",
                predicate=EXACT_MATCH,
                justification=LEXICAL_MATCHING,
                method=EXACT_LABEL,
                score=1.0,
                matched_text=chebi.label(hits[0]) or text,
                source=chebi.source,
            )
    return None


def ground_intervention(name: str, *, sources: Sources | None = None) -> Link | None:
    """The ChEBI term of an intervention, by its own name, or None.

    Its other names are not used: registries list combinations and co-medications there
    ("Mesenchymal stromal cell therapy", other name "methylprednisolone"). A placebo is linked
    only when it is saline ("Normal Saline (Placebo) Infusion"), never to the drug it imitates
    ("Hydroxychloroquine (placebo)").
    """
    src = sources or default_sources()
    found = ground_drug(name) or _chebi_label(_names(name), src)
    if found is not None and "placebo" in fold(name) and found.curie != SALINE:
        return None
    return found
