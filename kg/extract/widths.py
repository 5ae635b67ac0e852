"""Full-width digits and signs (Japanese and Chinese registry texts) read as their ASCII forms,
with the evidence kept as the record writes it.

JPRN and ChiCTR records sometimes write a figure in full-width characters ("１．０×１０＾８
cells", "２×１０^６個/kg"). :func:`narrow` maps each such character to its ASCII form one for
one, so the narrowed text has the same length and every offset into it is an offset into the
original; :func:`as_written` puts the original characters back into a reading's evidence.

>>> narrow("１．０×１０＾８ cells；")
'1.0×10^8 cells;'
>>> as_written("1.0×10^8 cells", "MSC １．０×１０＾８ cells", narrow("MSC １．０×１０＾８ cells"))
'１．０×１０＾８ cells'
"""

from __future__ import annotations

import re

__all__ = ["as_written", "has_wide", "narrow"]

_WIDE = {chr(0xFF10 + n): str(n) for n in range(10)}
_WIDE.update(
    {
        "．": ".",
        "，": ",",
        "＾": "^",
        "＋": "+",
        "－": "-",
        "／": "/",
        "ｘ": "x",
        "Ｘ": "X",
        "Ｅ": "E",
        "ｅ": "e",
        "（": "(",
        "）": ")",
        "～": "~",
        "：": ":",
        "；": ";",
        "　": " ",
    }
)
_TABLE = str.maketrans(_WIDE)
_DIGIT = re.compile("[０-９]")


def has_wide(text: str) -> bool:
    """True when ``text`` holds a full-width digit (the only case :func:`narrow` is for)."""
    return _DIGIT.search(text) is not None


def narrow(text: str) -> str:
    """``text`` with full-width digits and signs as ASCII, one character for one."""
    return text.translate(_TABLE)


def as_written(evidence: str, original: str, narrowed: str) -> str:
    """The span of ``original`` that a reading of ``narrowed`` took as ``evidence``."""
    pos = narrowed.find(evidence)
    return original[pos : pos + len(evidence)] if pos >= 0 else evidence
