"""Drugs given beside the cells -> ChEBI, from the curated table ``data/drugs.tsv`` only.

A name not in the table gives None (the build report counts it); nothing is guessed from
ChEBI's 200k names, where brand names, salts and combinations mislead.
"""

from __future__ import annotations

import re

from kg.link.curated import load_table
from kg.link.lexical import from_curated, variants
from kg.link.records import Link

__all__ = ["ground_drug"]

_FORM = re.compile(
    r"(?i)\s+(?:tablets?|capsules?|injection|solution|oral product|infusion|cream|gel)$"
)


def ground_drug(name: str) -> Link | None:
    """The ChEBI term of a co-administered drug named in the curated table, or None."""
    names = variants(name)
    for n in list(names):
        bare = _FORM.sub("", n).strip()
        if bare and bare not in names:
            names.append(bare)
    return from_curated(load_table("drugs.tsv"), names, None) if names else None
