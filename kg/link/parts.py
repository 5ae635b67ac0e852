"""Condition fields that list several conditions: where to cut them.

Registries, ICTRP's above all, often put several conditions in one field: "Pulmonary
Embolism, Deep Vein Thrombosis", "Acute Lung Injury/Acute Respiratory Distress Syndrome
(ARDS)", "Condition 1: Coronavirus (COVID-19)-induced pneumonia. Condition 2: COVID-19",
"novel coronavirus pneumonia; novel coronavirus infection". :func:`split_parts` cuts such a
field at its separators (never inside brackets); :mod:`kg.link.conditions` uses the parts
only when the whole field links to nothing and every part links on its own, so an inverted
MeSH heading ("Pulmonary Nodule, Solitary") or a name with a comma in it stays whole.

>>> split_parts("Pulmonary Embolism, Deep Vein Thrombosis")
['Pulmonary Embolism', 'Deep Vein Thrombosis']
>>> split_parts("Condition 1: Coronavirus (COVID-19)-induced pneumonia. Condition 2: COVID-19")
['Coronavirus (COVID-19)-induced pneumonia', 'COVID-19']
>>> split_parts("Acute Lung Injury/Acute Respiratory Distress Syndrome (ARDS)")
['Acute Lung Injury', 'Acute Respiratory Distress Syndrome (ARDS)']
>>> split_parts("SAD-RV Infection and COVID-19"), split_parts("U07.1 COVID-19")
(['SAD-RV Infection', 'COVID-19'], [])
>>> split_parts("Soft Tissue Tumor and/or Sarcoma; M17.1")
['Soft Tissue Tumor', 'Sarcoma']
>>> split_parts(", ".join(f"criterion {n}" for n in range(12)))
[]
"""

from __future__ import annotations

import re

__all__ = ["MAX_PARTS", "split_parts"]

# Separators between conditions: ";", a line break, "/", ",", "and", "or", "and/or", "&",
# a full stop before a capital, and "Condition 2:"-style labels.
_SEPARATOR = re.compile(
    r"(?i:\bcondition\s*\d+\s*:)|[;\n/,]|\s(?i:and/or|and|or|&)\s|\.\s+(?=[A-Z])"
)
_BRACKETED = re.compile(r"[(\[][^)\]]*[)\]]")
# More parts than this: not a list of conditions (eligibility text pasted into the field).
MAX_PARTS = 8
# A part that is only a classification code (ICD-10 "M17.1", "U07"), or no word at all.
_CODE_ONLY = re.compile(r"^[A-Z]\d{2}(?:\.\d{1,2})?-?$|^\W*$")


def split_parts(name: str) -> list[str]:
    """The parts of a field that lists several conditions (two to :data:`MAX_PARTS`), else
    ``[]``.

    A part that is only a classification code is left out (the text beside it names the
    condition); parts keep their words as written, stripped of separators and full stops.
    """
    masked = _BRACKETED.sub(lambda m: "\0" * len(m.group()), name)
    parts: list[str] = []
    start = 0
    for m in _SEPARATOR.finditer(masked):
        parts.append(name[start : m.start()])
        start = m.end()
    parts.append(name[start:])
    out: list[str] = []
    for part in parts:
        text = part.strip(" \t\r\n.,;:-")
        if text and not _CODE_ONLY.match(text) and text not in out:
            out.append(text)
    return out if 2 <= len(out) <= MAX_PARTS else []
