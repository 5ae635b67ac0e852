"""The EU Clinical Trials Register's strength lines as a dose, where they state one.

EUCTR records (through the WHO ICTRP export) give each product's strength as three lines of
its intervention block, the unit first::

    Concentration unit: million organisms/ml million organisms/millilitre
    Concentration type: equal
    Concentration number: 10-

(the unit's symbol, then its name; the type ``equal``, ``range``, ``up to``, ``not less
than``, ``more than``; the number ``lo-hi`` with the upper bound empty unless a range). A
strength is a dose only where its unit is cells per kilogram of body weight ("cells/kg",
"million organisms/kg", "10^6 cells/kg"): that is what each patient is given per kilogram.
Per millilitre it is a concentration, and an absolute number of cells is the content of the
product's container: neither is a dose (docs/dose-labelling.md), nor is a cap ("up to") or a
lower bound ("not less than", "more than"). The evidence is the three lines as written.

>>> [(d.min_cells, d.max_cells, d.unit.value) for d in strength_doses(
...     "Concentration unit: million cells/kg\\nConcentration type: range\\n"
...     "Concentration number: 1-2", field="x")]
[(1000000.0, 2000000.0, 'cells/kg')]
>>> [d.min_cells for d in strength_doses("Concentration unit: x10^6 cells/kg\\n"
...     "Concentration type: equal\\nConcentration number: 2-", field="x")]
[2000000.0]
>>> strength_doses("Concentration unit: million organisms/ml million organisms/millilitre\\n"
...     "Concentration type: equal\\nConcentration number: 10-", field="x")
[]
"""

from __future__ import annotations

import re

from kg.model import Dose, DosePer, DoseUnit

__all__ = ["strength_doses", "with_strength"]

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?(?:[eE][+-]?[0-9]+)?"
_STRENGTH = re.compile(
    r"Concentration unit:[ \t]*(?P<unit>[^\n]*)\n"
    r"[ \t]*Concentration type:[ \t]*(?P<type>[^\n]*)\n"
    rf"[ \t]*Concentration number:[ \t]*(?P<lo>{_NUMBER})[ \t]*-?[ \t]*(?P<hi>{_NUMBER})?",
    re.IGNORECASE,
)
# The unit's symbol (its first word or words, up to the name the register repeats after it).
_PER_KG_CELLS = re.compile(
    r"^(?:x\s*)?(?P<scale>million|mio|billion|thousand|10\^?\s*(?P<exp>[0-9]{1,2})|10E(?P<exp2>[0-9]{1,2})|"
    r"E(?P<exp3>[0-9]{1,2}))?\s*(?:x\s*)?(?:cells?|organisms?|cell\(s\)|organism\(s\))\s*"
    r"(?:/|per\s+)(?:kg|kilogram)\b",
    re.IGNORECASE,
)
_SCALE = {"million": 1e6, "mio": 1e6, "billion": 1e9, "thousand": 1e3}
_EXACT = frozenset({"equal", "equal to", "="})


def _factor(m: re.Match[str]) -> float:
    scale = (m.group("scale") or "").casefold()
    exp = m.group("exp") or m.group("exp2") or m.group("exp3")
    if exp:
        return 10.0 ** int(exp)
    return _SCALE.get(scale, 1.0)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def strength_doses(text: str, *, field: str) -> list[Dose]:
    """The per-kilogram strengths of EUCTR product blocks in ``text`` as doses (each per
    administration, as the register states a strength); every other strength gives none."""
    out: list[Dose] = []
    for m in _STRENGTH.finditer(text):
        unit = _PER_KG_CELLS.match(m.group("unit").strip())
        kind = m.group("type").strip().casefold()
        if unit is None or (kind not in _EXACT and kind != "range"):
            continue
        lo = _number(m.group("lo")) * _factor(unit)
        hi_text = m.group("hi") if kind == "range" else None
        hi = _number(hi_text) * _factor(unit) if hi_text else lo
        if lo <= 0 or hi < lo:
            continue
        out.append(
            Dose(
                min_cells=lo,
                max_cells=hi,
                unit=DoseUnit.CELLS_PER_KG,
                per=DosePer.ADMINISTRATION,
                evidence=m.group(0),
                evidence_field=field,
            )
        )
    return out


_UNIT_LINE = re.compile(r"Concentration unit:[^\n]*", re.IGNORECASE)


def with_strength(text: str, doses: tuple[Dose, ...], *, field: str) -> tuple[Dose, ...]:
    r"""``doses`` read from ``text`` without those read from a ``Concentration unit:`` line
    alone (its "10^6 cells/kg" names the unit, it states no figure), and the strength doses.

    >>> text = "Concentration unit: 10^6 cells/kg\nConcentration type: up to\nConcentration number: 2-"
    >>> from kg.model import Dose, DosePer, DoseUnit
    >>> read = (Dose(1e6, 1e6, DoseUnit.CELLS_PER_KG, DosePer.ADMINISTRATION, "10^6 cells/kg", "x"),)
    >>> with_strength(text, read, field="x")
    ()
    """
    units = [m.group(0) for m in _UNIT_LINE.finditer(text)]
    kept = tuple(d for d in doses if not any(d.evidence in u for u in units))
    return (*kept, *strength_doses(text, field=field))
