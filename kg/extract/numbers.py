"""Numbers as registries write cell counts: ``1-2x10^6``, ``4 x 107``, ``0,7 x 10e6``, ``50 million``.

:func:`find_figures` finds every figure that can be a number of cells and returns its span
and value range; whether it *is* a cell dose is decided by :mod:`kg.extract.doses` from the
words around it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Figure", "find_figures", "parse_number"]

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_EXPONENT_WORDS: dict[str, int] = {
    "third": 3,
    "three": 3,
    "fourth": 4,
    "four": 4,
    "fifth": 5,
    "five": 5,
    "sixth": 6,
    "six": 6,
    "seventh": 7,
    "seven": 7,
    "eighth": 8,
    "eight": 8,
    "ninth": 9,
    "nine": 9,
    "tenth": 10,
    "ten": 10,
}
_SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mill": 1e6,
    "mln": 1e6,
    "mio": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "m": 1e6,
}

_NUM = r"\d{1,12}(?:[.,·]\d{1,12}){0,3}"  # bounded: no runaway backtracking on "1,1,1,..."
_RSEP = r"\s*(?:-|–|—|~|to)\s*"
_X = r"\s*(?:\\\*|[x×X✕✖*·⋅])\s*"
_POW = (
    r"10\s*(?:"
    r"(?:\\?\^|\*\*|[eE]\+?|exp)\s*(?P<{g}p>\()?\s*\+?(?P<{g}1>\d{{1,2}})(?({g}p)\s*\))"
    r"|(?P<{g}2>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|\(\s*(?P<{g}5>\d{{1,2}})\s*\)"
    r"|\s+(?:elevated|raised)\s+to\s+(?:the\s+)?(?:power\s+of\s+)?(?P<{g}3>[a-z]+|\d{{1,2}})"
    r"(?:th|st|nd|rd)?(?:\s+power)?"
    r"|\s+to\s+the\s+(?P<{g}4>[a-z]+|\d{{1,2}})(?:th|st|nd|rd)?(?:\s+power)?"
    r")"
)

# One alternation; the first alternative that matches at a position wins.
_FIGURE = re.compile(
    r"(?<![\w.^\\/])(?:"
    # A: mantissa (or range) x power of ten, with "107" read as 10^7 after "N x"
    rf"(?P<am1>{_NUM})(?:{_RSEP}(?P<am2>{_NUM}))?{_X}"
    rf"(?:{_POW.format(g='ae')}|10(?P<alost>1[0-2]|[3-9])(?![\d.,]?\d))"
    # B: a bare power of ten
    rf"|(?P<bpow>{_POW.format(g='be')})"
    # C: a number (or range) with a word scale: "1-2 million"
    rf"|(?P<cm1>{_NUM})(?:{_RSEP}(?P<cm2>{_NUM}))?\s*"
    r"(?P<cscale>thousand|millions?|mill|mln|mio|billions?|bn|(?-i:M)(?=\s+[A-Za-z]))\b"
    # D: e-notation "1.5e6", "2E+06" (and "10E6", read as 10^6)
    r"|(?P<dm>\d+(?:\.\d+)?)[eE]\+?(?P<de>\d{1,2})\b"
    # E: a plain large number; only a dose when a cell word follows (checked by the caller)
    r"|(?P<plain>\d{1,3}(?:,\d{3}){1,4}(?![.,]?\d)|\d{4,15}(?![.,]?\d))"
    r")",
    re.IGNORECASE,
)

# Figure, a range separator, figure: "1x10^6 - 2x10^6", "10^6 to 10^7".
_BETWEEN_RANGE = re.compile(r"\s*(?:-|–|—|~|to)\s*")
_BETWEEN_WORD = re.compile(r"between\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number that can be a count of cells, as written."""

    start: int
    end: int
    low: float
    high: float
    kind: str  # "power" (x 10^k), "scale" (million), "scale_m" (25 M), "enot" (1e6), "plain"


def parse_number(s: str) -> float | None:
    """Read '1,000,000', '0,7' (decimal comma), '1.5', '1.000.000'.

    >>> parse_number("0,7"), parse_number("1,500"), parse_number("1.000.000"), parse_number("2·0")
    (0.7, 1500.0, 1000000.0, 2.0)
    """
    s = s.replace("·", ".")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        s = s.replace(grp, "").replace(dec, ".")
    elif "," in s:
        parts = s.split(",")
        thousands = len(parts[0]) <= 3 and parts[0] != "0" and all(len(p) == 3 for p in parts[1:])
        s = "".join(parts) if thousands else (s.replace(",", ".") if len(parts) == 2 else "")
    elif s.count(".") > 1:
        parts = s.split(".")
        s = "".join(parts) if all(len(p) == 3 for p in parts[1:]) else ""
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _exponent(m: re.Match[str], g: str) -> int | None:
    for i in "12345":
        raw = m.group(g + i)
        if raw is None:
            continue
        raw = raw.translate(_SUPERSCRIPTS).lower()
        if raw.isdigit():
            return int(raw)
        return _EXPONENT_WORDS.get(raw)
    return None


def _range(m: re.Match[str], a: str, b: str) -> tuple[float, float] | None:
    low = parse_number(m.group(a))
    if low is None:
        return None
    raw_high = m.group(b)
    high = parse_number(raw_high) if raw_high is not None else low
    if high is None:
        return None
    return (min(low, high), max(low, high))


def _value(m: re.Match[str]) -> tuple[float, float, str] | None:
    if m.group("am1") is not None:
        rng = _range(m, "am1", "am2")
        lost = m.group("alost")
        exp = int(lost) if lost is not None else _exponent(m, "ae")
        if rng is None or exp is None:
            return None
        return (rng[0] * 10.0**exp, rng[1] * 10.0**exp, "power")
    if m.group("bpow") is not None:
        exp = _exponent(m, "be")
        return None if exp is None else (10.0**exp, 10.0**exp, "power")
    if m.group("cm1") is not None:
        rng = _range(m, "cm1", "cm2")
        word = m.group("cscale")
        kind = "scale_m" if word == "M" else "scale"  # "25 M MPCs": read only before a cell word
        scale = _SCALES[word.lower()]
        return None if rng is None else (rng[0] * scale, rng[1] * scale, kind)
    if m.group("dm") is not None:
        mant = float(m.group("dm"))
        exp = int(m.group("de"))
        if mant == 10.0:  # "10E6" as registries write it means 10^6
            mant = 1.0
        return (mant * 10.0**exp, mant * 10.0**exp, "enot")
    plain = parse_number(m.group("plain"))
    return None if plain is None else (plain, plain, "plain")


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text`` that can be a count of cells, ranges joined, in text order.

    >>> [(f.low, f.high) for f in find_figures("1-2x10^6 cells/kg and 4 x 107 WJ-MSCs")]
    [(1000000.0, 2000000.0), (40000000.0, 40000000.0)]
    """
    figures: list[Figure] = []
    for m in _FIGURE.finditer(text):
        value = _value(m)
        if value is None:
            continue
        low, high, kind = value
        if not (math.isfinite(low) and math.isfinite(high)) or low <= 0:
            continue
        end = m.end()
        while text[end - 1].isspace() or text[end - 1] == "(":
            end -= 1
        figures.append(Figure(m.start(), end, low, high, kind))
    return _join_ranges(text, figures)


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    out: list[Figure] = []
    for fig in figures:
        prev = out[-1] if out else None
        if prev is not None and prev.kind != "plain" and fig.kind != "plain":
            gap = text[prev.end : fig.start]
            ranged = _BETWEEN_RANGE.fullmatch(gap) is not None or (
                gap.strip().lower() == "and" and _BETWEEN_WORD.search(text[: prev.start])
            )
            if ranged and prev.low <= fig.low:
                out[-1] = Figure(prev.start, fig.end, prev.low, fig.high, prev.kind)
                continue
        out.append(fig)
    return out
