"""Units of measure of results, as records write them, -> Units of Measurement Ontology terms.

A unit is linked only when the record's whole text is one of these spellings (case and a
final "s" aside); anything else ("Percentage of participants with a response", "score on
a scale") keeps only its text. Each row's UO id and label are checked against the UO
release in ``../shared/ontologies/obo/uo.obo`` by ``tests/test_results.py``.

>>> uo_unit("Years"), uo_unit("kg/m^2"), uo_unit("units on a scale")
('UO:0000036', 'UO:0000086', None)
"""

from __future__ import annotations

__all__ = ["UNITS", "uo_unit"]

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

_BY_SPELLING = {spelling: uo for uo, _, spellings in UNITS for spelling in spellings}


def uo_unit(text: str | None) -> str | None:
    """The UO term of a unit of measure as written, or None."""
    if not text:
        return None
    key = " ".join(text.strip().lower().split())
    if key in _BY_SPELLING:
        return _BY_SPELLING[key]
    # A plural ("Years", "Participants"); never of a short symbol ("ms" is no metre).
    return _BY_SPELLING.get(key[:-1]) if key.endswith("s") and len(key) > 3 else None
