"""Units of measure of results, as records write them, -> Units of Measurement Ontology terms.

A unit is linked only when the record's whole text is one of these spellings (case and a
final "s" aside); anything else ("Percentage of participants with a response", "score on
a scale") keeps only its text. Each row's UO id and label are checked against the UO
release in ``../shared/ontologies/obo/uo.obo`` by ``tests/test_results_units.py``.

>>> uo_unit("Years"), uo_unit("kg/m^2"), uo_unit("units on a scale")
('UO:0000036', 'UO:0000086', None)
"""

from __future__ import annotations

import unicodedata

__all__ = ["STATO", "UNITS", "stato_terms", "uo_unit"]

# UO id, UO label, spellings (lower case; a plural "s" of a word of 4 letters or more is
# taken off before the look-up).
UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("UO:0000036", "year", ("year", "yr", "yrs")),
    ("UO:0000035", "month", ("month",)),
    ("UO:0000034", "week", ("week",)),
    ("UO:0000033", "day", ("day",)),
    ("UO:0000032", "hour", ("hour", "hr", "hrs", "h")),
    ("UO:0000031", "minute", ("minute", "min")),
    ("UO:0000010", "second", ("second", "sec")),
    ("UO:0000009", "kilogram", ("kilogram", "kg")),
    ("UO:0000021", "gram", ("gram", "g")),
    ("UO:0000022", "milligram", ("milligram", "mg")),
    ("UO:0000023", "microgram", ("microgram", "µg", "mcg", "ug")),
    ("UO:0000008", "meter", ("meter", "metre", "m")),
    ("UO:0000015", "centimeter", ("centimeter", "centimetre", "cm")),
    ("UO:0000016", "millimeter", ("millimeter", "millimetre", "mm")),
    ("UO:0000098", "milliliter", ("milliliter", "millilitre", "ml")),
    ("UO:0000099", "liter", ("liter", "litre", "l")),
    ("UO:0000027", "degree Celsius", ("degree celsius", "°c")),
    ("UO:0000086", "kilogram per square meter", ("kg/m^2", "kg/m2", "kg/m²")),
    ("UO:0000272", "millimetres of mercury", ("mmhg", "mm hg")),
    ("UO:0010067", "milligram per deciliter", ("mg/dl",)),
    ("UO:0000187", "percent", ("percent", "%", "percentage")),
    (
        "UO:0000189",
        "count unit",
        ("participant", "patient", "subject", "count of participant", "number of participant"),
    ),
)


def _key(text: str) -> str:
    """Lower case, spaces collapsed, compatibility forms folded (the micro sign µ is μ)."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


_BY_SPELLING = {_key(spelling): uo for uo, _, spellings in UNITS for spelling in spellings}


def uo_unit(text: str | None) -> str | None:
    """The UO term of a unit of measure as written, or None."""
    if not text:
        return None
    key = _key(text)
    if key in _BY_SPELLING:
        return _BY_SPELLING[key]
    # A plural ("Years", "Participants"); never of a short symbol ("ms" is no metre).
    return _BY_SPELLING.get(key[:-1]) if key.endswith("s") and len(key) > 3 else None


# Parameter and dispersion types (API v2 spellings) -> STATO terms. Only the two codes whose
# label this project could confirm in two independent public sources; every other
# parameter ("MEDIAN", "LEAST_SQUARES_MEAN" ...) and every method keeps the record's words.
STATO = {
    "MEAN": ("STATO:0000401", "sample mean"),
    "STANDARD_DEVIATION": ("STATO:0000237", "standard deviation"),
}


def stato_terms(*types: str | None) -> list[str]:
    """The STATO terms of a measure's parameter and dispersion types.

    >>> stato_terms("MEAN", "STANDARD_DEVIATION"), stato_terms("MEDIAN", None)
    (['STATO:0000401', 'STATO:0000237'], [])
    """
    return [STATO[t][0] for t in types if t in STATO]
