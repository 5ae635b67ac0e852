"""Numbers as registries write cell counts: ``1-2x10^6``, ``4 x 107``, ``0,7 x 10e6``, ``50 million``.

:func:`find_figures` finds every figure that can be a number of cells and returns its span
and value range; whether it *is* a cell dose is decided by :mod:`kg.extract.doses` from the
words around it.

Forms read (each gives the figure as stated, never rescaled):

* a mantissa times a power of ten: ``2 x 10^6``, ``2×10⁶``, ``2x10e6``, ``2 x 10E6``,
  ``2x10EE6``, ``2 x10(6)``, ``2x10x6``, ``2*10/6``, ``2 x 10 6``, ``2 x 10exp6``,
  ``2xE6``, ``2x10~6``, ``2x10 elevated to sixth power``, a lost superscript ``2 x 106`` (10⁶),
  ``2 x 1,000,000``; with a range mantissa ``1-2 x 10^6``; with a space only where the
  power is unmistakable (``1.5 10^6``);
* a bare power of ten ``10^6``, e-notation ``1.5e6``;
* a number with a scale word: ``50 million``, ``1,5 millions``, ``2 billion``, ``5 Mio``,
  ``25 M`` and ``100 MM`` (before a word), ``one million``, ``a hundred million``, ``5 lakh``
  (10⁵), ``2 crore`` (10⁷);
* a decimal without its leading zero: ``.5 million``, ``(.5 x 10^6/kg)`` (not a full stop
  after a word: ``weeks.9x10^9`` is 9x10^9);
* a plain large number ``1,000,000``, ``1000000``, ``500.000`` (a point between groups
  of three is a thousands separator);
* lists and ranges: ``0.5, 1.0, or 1.5 million`` is three figures (the scale is shared),
  ``between 1 and 2 million`` and ``1x10^6 - 2x10^6`` one range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kg.extract.text import NUMBER_WORDS

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
    # misspellings records write (a short table, never fuzzy matching)
    "sxth": 6,
    "sixht": 6,
    "sixt": 6,
    "fith": 5,
    "fifht": 5,
    "sevnth": 7,
    "seveth": 7,
    "eigth": 8,
    "eighht": 8,
    "nineth": 9,
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
    "lakh": 1e5,  # Indian numbering: "5 lakh cells" = 500,000
    "lakhs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "mm": 1e6,  # "100 MM cells" (MM: a million in trade usage)
}
_WORD_NUMBERS: dict[str, float] = {
    "a": 1,
    **NUMBER_WORDS,  # one .. twelve
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "half a": 0.5,
}
_WORD_NUM = (
    r"(?:(?P<cwn>a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty(?:-five)?|thirty|forty|fifty|sixty|seventy|eighty|ninety|half\s+a)"
    r"(?:\s+(?P<cwh>hundred))?|(?P<cwa>a|one)\s+(?P<cwh2>hundred))"
)

_NUM = r"\d{1,12}(?:[.,·]\d{1,12}){0,3}"  # bounded: no runaway backtracking on "1,1,1,..."
_RSEP = r"\s*(?:-|–|—|~|to)\s*"
_X = r"\s*(?:\\\*|[x×X✕✖*·⋅])\s*"
_POW = (
    r"10\s*(?:"
    r"(?:\\?\^|\*\*|[eE]{{1,2}}\+?|exp)\s*(?P<{g}p>\()?\s*\+?(?P<{g}1>\d{{1,2}})(?({g}p)\s*\))"
    r"|⁺?(?P<{g}2>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|\(\s*(?P<{g}5>\d{{1,2}})\s*\)"
    r"|\s+(?:elevated|raised)\s+to\s+(?:the\s+)?(?:power\s+of\s+)?(?P<{g}3>[a-z]+|\d{{1,2}})"
    r"(?:th|st|nd|rd)?(?:\s+power)?"
    r"|\s+to\s+the\s+(?:power\s+(?:of\s+)?)?(?P<{g}4>[a-z]+|\d{{1,2}})(?:th|st|nd|rd)?(?:\s+power)?"
    r"|\s+power\s+(?:of\s+)?(?P<{g}6>\d{{1,2}})(?![\d.,]?\d)"  # "1.5 x 10 power 6"
    r")"
)
# Written-out powers of ten that only follow "N x": "1x10/6", "1x10x6", "1x10*6", "2 x 10 6", "2xE6",
# a lost superscript "4 x 107", and "2 x 1,000,000".
_POW_AFTER_X = (
    r"10\s*/\s*(?P<aslash>\d{1,2})(?![\d.,]?\d)"
    r"|10\s*[xX*]\s*(?P<ax>\d{1,2})(?![\d.,]?\d)"  # "1x10x6", "1x10*6"
    r"|10\s*~\s*(?P<atilde>[3-9]|1[0-2])(?![\d.,]?\d)"  # "2x10~6": a tilde for the caret
    r"|10\s(?P<aspace>[3-9]|1[0-2])(?![\d.,]?\d)(?!\s*(?:-|–|to)\s*\d)"
    r"|[eE]\+?(?P<abare>\d{1,2})\b"
    r"|10(?P<alost>1[0-2]|[3-9])(?![\d.,]?\d)"
    r"|(?P<aplain>1(?:,000){2,4}|1(?:\.000){2,4}|10{6,12})(?![\d.,]?\d)(?!\s*(?:millions?|billions?)\b)"
)
# An explicit power that a mantissa precedes with only a space: "1.5 10^6", "2,5 10⁶".
_POW_SPACED = r"10\s*(?:\\?\^\s*\d|[⁰¹²³⁴⁵⁶⁷⁸⁹])"

# One alternation; the first alternative that matches at a position wins.
_FIGURE = re.compile(
    # every figure starts with a digit (a fast test at each position); not inside a word or
    # a number ("1.5" read from "5"); "weeks.9×10^9" starts at "9"
    r"(?=\d|\(\d)(?<![\w^\\/])(?<!\d\.)(?:"
    # A: mantissa (or range) x power of ten; a range may be bracketed: "(1-2) x 10^6"
    rf"(?:\((?={_NUM}{_RSEP}{_NUM}\))(?P<apar>))?"
    rf"(?P<am1>{_NUM})(?:{_RSEP}(?P<am2>{_NUM}))?(?(apar)\)){_X}"
    rf"(?:{_POW.format(g='ae')}|{_POW_AFTER_X})"
    # S: a decimal mantissa and an explicit power with only a space between: "1.5 10^6"
    rf"|(?P<sm>\d{{1,3}}[.,]\d{{1,3}})\s+(?={_POW_SPACED})(?P<spow>{_POW.format(g='se')})"
    # P: a full stop as the multiplication sign: "2.10^6", "1,5.10⁶" (not "2.10E6": that is
    # e-notation, 2.1 x 10^6)
    rf"|(?P<pm>\d{{1,3}}(?:,\d{{1,2}})?)\.(?=10\s*(?:\\?\^|[⁰¹²³⁴⁵⁶⁷⁸⁹]))"
    rf"(?P<ppow>{_POW.format(g='pe')})"
    # B: a bare power of ten
    # (never the power of a "N x 10^k" that A could not read: no wrong magnitude)
    rf"|(?<![x×X✕✖*·⋅])(?<![x×X✕✖*·⋅]\s)(?P<bpow>{_POW.format(g='be')})"
    # C: a number (or range) with a word scale: "1-2 million"
    rf"|(?P<cm1>{_NUM})(?:{_RSEP}(?P<cm2>{_NUM}))?\s*"
    r"(?P<cscale>thousand|millions?|mill|mln|mio(?:\.(?=\s*[a-z]))?|billions?|bn|lakhs?|crores?"
    r"|(?-i:MM?)(?=\s+[A-Za-z]|\s*/\s*kg\b))(?:\b|(?<=\.))"
    # D: e-notation "1.5e6", "2E+06" (and "10E6", read as 10^6)
    r"|(?P<dm>\d+(?:\.\d+)?)[eE]\+?(?P<de>\d{1,2})\b"
    # E: a plain large number; only a dose when a cell word follows (checked by the caller)
    r"|(?P<plain>\d{1,3}(?:,\d{3}){1,4}(?![.,]?\d)|[1-9]\d{0,2}(?:\.\d{3}){1,4}(?![.,]?\d)"
    r"|[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3}){1,4}(?![.,]?\d)(?![ \u00a0\u202f]\d)"
    r"|\d{4,15}(?![.,]?\d))"
    r")",
    re.IGNORECASE,
)

# A number in words with a scale word: "one million", "a hundred million", "half a million"
# (searched only in a text that has a scale word).
_WORD_FIGURE = re.compile(
    rf"(?<![\w^\\/-]){_WORD_NUM}\s+(?P<wscale>thousand|millions?|billions?|lakhs?|crores?)\b",
    re.IGNORECASE,
)
_SCALE_WORD = re.compile(r"thousand|million|billion|lakh|crore", re.IGNORECASE)

# Figure, a range separator, figure: "1x10^6 - 2x10^6", "10^6 to 10^7",
# "1 million cells/kg to 2 million cells/kg".
_BETWEEN_RANGE = re.compile(
    r"\s*(?:(?:cells?|MSCs?)\s*)?(?:(?:/|per)\s*(?:kg|kilogram)\s*)?(?:-|–|—|~|to|up\s+to)\s*",
    re.IGNORECASE,
)  # the first figure's unit may be repeated: "0.5x10^6/kg-1x10^6/kg"
_BETWEEN_WORD = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_BARE_POWER = re.compile(
    r"10\s*(?:\\?\^|\*\*|[eE]|exp|\(|[⁰¹²³⁴⁵⁶⁷⁸⁹]|\s+(?:elevated|raised|to|power)\b)"
)
# Bare numbers listed before a figure that share its power or scale: "0.5, 1.0, or 1.5 million".
_LIST_MEMBER = re.compile(
    r"(?<![\w.,/^-])(?P<n>\d{1,3}(?:[.,]\d{1,3})?)(?P<sep>\s*(?:,\s*(?:and|or)?|;|/|\band\b|\bor\b|&)\s*)$",
    re.IGNORECASE,
)
_LIST_BEFORE = re.compile(
    r"\b(?:days?|weeks?|months?|years?|hours?|visits?|groups?|cohorts?|arms?|levels?|steps?"
    r"|phases?|parts?|stages?|grades?|types?|patients?|subjects?|participants?|sites?"
    r"|injections?|infusions?|doses?|times?|n|no\.?|number|version|table|figure)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number that can be a count of cells, as written."""

    start: int
    end: int
    low: float
    high: float
    kind: str  # "power" (x 10^k), "scale" (million), "scale_m" (25 M), "enot" (1e6), "plain"
    factor: float = 1.0  # the power or scale the mantissa is multiplied by (1 for plain)


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


def _plain(s: str) -> float | None:
    """A plain count: a point between groups of three digits separates thousands.

    >>> _plain("500.000"), _plain("1.000.000"), _plain("1,500"), _plain("12000"), _plain("2 000 000")
    (500000.0, 1000000.0, 1500.0, 12000.0, 2000000.0)
    """
    if re.fullmatch(r"[1-9]\d{0,2}(?:[. \u00a0\u202f]\d{3})+", s):
        return float(re.sub(r"\D", "", s))
    return parse_number(s)


_MAX_EXPONENT = 30


def _exponent(m: re.Match[str], g: str) -> int | None:
    for i in "123456":
        raw = m.group(g + i)
        if raw is None:
            continue
        raw = raw.translate(_SUPERSCRIPTS).lower()
        if raw.isdigit():
            # "10⁶⁶⁶" is no power of ten a record means (and 10.0**666 overflows a float)
            return int(raw) if int(raw) <= _MAX_EXPONENT else None
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


def _after_x(m: re.Match[str]) -> int | None:
    """The exponent of a power written out after "N x" (None: not one of those forms)."""
    for g in ("aslash", "ax", "atilde", "aspace", "abare", "alost"):
        raw = m.group(g)
        if raw is not None:
            exp = int(raw)
            return exp if 2 <= exp <= 15 else None
    raw = m.group("aplain")
    if raw is not None:
        return len(re.sub(r"\D", "", raw)) - 1
    return _exponent(m, "ae")


def _word_number(m: re.Match[str]) -> float | None:
    if m.group("cwa") is not None:
        return 100.0
    raw = m.group("cwn")
    if raw is None:
        return None
    value = _WORD_NUMBERS.get(re.sub(r"\s+", " ", raw.lower()))
    if value is None:
        return None
    return value * 100 if m.group("cwh") is not None else value


def _value(m: re.Match[str]) -> tuple[float, float, str, float] | None:
    if m.group("am1") is not None:
        rng = _range(m, "am1", "am2")
        exp = _after_x(m)
        if rng is None or exp is None:
            return None
        f = 10.0**exp
        return (rng[0] * f, rng[1] * f, "power", f)
    if m.group("sm") is not None:
        mant = parse_number(m.group("sm"))
        exp = _exponent(m, "se")
        if mant is None or exp is None:
            return None
        return (mant * 10.0**exp, mant * 10.0**exp, "power", 10.0**exp)
    if m.group("pm") is not None:
        mant = parse_number(m.group("pm"))
        exp = _exponent(m, "pe")
        if mant is None or exp is None:
            return None
        return (mant * 10.0**exp, mant * 10.0**exp, "power", 10.0**exp)
    if m.group("bpow") is not None:
        exp = _exponent(m, "be")
        return None if exp is None else (10.0**exp, 10.0**exp, "power", 10.0**exp)
    if m.group("cscale") is not None:
        word = m.group("cscale")
        # "25 M MPCs", "100 MM cells": read only before a cell word
        kind = "scale_m" if word in {"M", "MM"} else "scale"
        scale = _SCALES[word.lower().rstrip(".")]
        rng = _range(m, "cm1", "cm2")
        return None if rng is None else (rng[0] * scale, rng[1] * scale, kind, scale)
    if m.group("dm") is not None:
        mant = float(m.group("dm"))
        exp = int(m.group("de"))
        if mant == 10.0:  # "10E6" as registries write it means 10^6
            mant = 1.0
        return (mant * 10.0**exp, mant * 10.0**exp, "enot", 1.0)
    plain = _plain(m.group("plain"))
    return None if plain is None else (plain, plain, "plain", 1.0)


def _word_value(m: re.Match[str]) -> tuple[float, float, str, float] | None:
    n = _word_number(m)
    scale = _SCALES[m.group("wscale").lower()]
    return None if n is None else (n * scale, n * scale, "scale", scale)


def _matches(text: str) -> list[tuple[re.Match[str], tuple[float, float, str, float] | None]]:
    """Digit figures, and (where the text has a scale word) figures in words, in text order."""
    out = [(m, _value(m)) for m in _FIGURE.finditer(text)]
    if _SCALE_WORD.search(text) is None:
        return out
    words = [(m, _word_value(m)) for m in _WORD_FIGURE.finditer(text)]
    taken = [(m.start(), m.end()) for m, _ in out]
    words = [(m, v) for m, v in words if not any(a < m.end() and m.start() < b for a, b in taken)]
    return sorted(out + words, key=lambda mv: mv[0].start())


_LEADING_POINT = re.compile(r"\d+(?![.,·]?\d)")


def _bare_point_before(text: str, start: int) -> bool:
    """A decimal point right before ``start`` with no digit before it (".5"), not a full stop
    after a word ("weeks.9x10^9")."""
    return (
        start >= 1
        and text[start - 1] == "."
        and (start == 1 or text[start - 2].isspace() or text[start - 2] in "(~≈:=")
    )


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text`` that can be a count of cells, ranges joined, in text order.

    >>> [(f.low, f.high) for f in find_figures("1-2x10^6 cells/kg and 4 x 107 WJ-MSCs")]
    [(1000000.0, 2000000.0), (40000000.0, 40000000.0)]
    >>> [f.low for f in find_figures("0.5, 1.0, or 1.5 million cells/kg")]
    [500000.0, 1000000.0, 1500000.0]
    >>> [(f.low, f.high) for f in find_figures("between 1 and 2 x 10^6 cells")]
    [(1000000.0, 2000000.0)]
    """
    figures: list[Figure] = []
    for m, value in _matches(text):
        if value is None:
            continue
        low, high, kind, factor = value
        if not (math.isfinite(low) and math.isfinite(high)) or low <= 0:
            continue
        end = m.end()
        while text[end - 1].isspace() or text[end - 1] == "(":
            end -= 1
        start = m.start()
        lead = _LEADING_POINT.match(text, start)
        if lead is not None and _bare_point_before(text, start):
            # ".5 million", "(.5 x 10^6)": the point is the decimal point of the first number
            scale = 10.0 ** -len(lead.group(0))
            if low == high:
                low = high = low * scale
            else:  # a range: only its first number lost its leading zero
                first = float(lead.group(0)) * factor
                other = high if math.isclose(low, first) else low
                low, high = sorted((first * scale, other))
            start -= 1
        fig = Figure(start, end, low, high, kind, factor)
        figures += _listed(text, fig, figures[-1].end if figures else 0)
        figures.append(fig)
    return _tolerances(text, _join_ranges(text, figures))


# A tolerance sign: "1 ± 0.5 x 10^6", "1 +/- 0.5", "(±10%)".
_TOLERANCE = r"\s*(?:±|\+\s*/\s*-|\+\s*-(?!\s*\d+\s*[-–]))\s*"
_TOLERANCE_BEFORE = re.compile(rf"(?<![\w.,])(?P<n>\d{{1,3}}(?:[.,]\d{{1,3}})?){_TOLERANCE}$")
_TOLERANCE_SIGN = re.compile(rf"{_TOLERANCE}$")


def _tolerances(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure after a tolerance sign is a tolerance, never a figure of its own.

    "1 ± 0.5 x 10^6 cells/kg" is one figure, 1 x 10^6 (the mantissa before the sign shares the
    tolerance's power); "2 x 10^6 ± 0.5 x 10^6 cells/kg" is 2 x 10^6, its span running over
    the tolerance to the unit; "2 x 10^6 cells/kg (±10%)" keeps 2 x 10^6 alone.

    >>> [(f.low, f.high) for f in find_figures("1 ± 0.5 x 10^6 MSC/kg")]
    [(1000000.0, 1000000.0)]
    >>> [(f.low, f.high) for f in find_figures("2x10^6 +/- 0.5x10^6 cells/kg (±10%)")]
    [(2000000.0, 2000000.0)]
    """
    if "±" not in text and "+" not in text:
        return figures
    out: list[Figure] = []
    for fig in figures:
        window = text[max(0, fig.start - 24) : fig.start]
        sign = _TOLERANCE_SIGN.search(window)
        if sign is None:
            out.append(fig)
            continue
        sign_start = fig.start - len(window) + sign.start()
        prev = out[-1] if out else None
        if prev is not None and text[prev.end : sign_start].strip() == "":
            # "2 x 10^6 ± 0.5 x 10^6": the tolerance of the figure before it
            out[-1] = Figure(prev.start, fig.end, prev.low, prev.high, prev.kind, prev.factor)
            continue
        m = _TOLERANCE_BEFORE.search(window)
        if m is not None and fig.factor > 1.0 and fig.kind != "plain":
            # "1 ± 0.5 x 10^6": the bare number before the sign is the figure, at this power
            n = parse_number(m.group("n"))
            if n is not None and n > 0:
                start = fig.start - len(window) + m.start()
                out = [f for f in out if f.end <= start]
                out.append(
                    Figure(start, fig.end, n * fig.factor, n * fig.factor, fig.kind, fig.factor)
                )
        # else: a tolerance alone ("±10%", "+/- 2 x 10^5"): no figure
    return out


def _listed(text: str, fig: Figure, floor: int) -> list[Figure]:
    """Bare numbers listed right before ``fig`` that share its power or scale:
    "0.5, 1.0, or 1.5 million" gives 0.5 and 1.0 million; "between 1 and 2 million" gives the
    low end of a range (joined by :func:`_join_ranges`)."""
    if fig.kind not in {"power", "scale", "scale_m"} or fig.factor <= 1.0 or fig.low != fig.high:
        return []
    own = text[fig.start : fig.end]
    if not re.match(r"\d", own) or _BARE_POWER.match(own):
        return []  # a bare power "10^6" or "one million" shares nothing
    out: list[Figure] = []
    pos = fig.start
    while len(out) < 8:
        m = _LIST_MEMBER.search(text, max(floor, pos - 40), pos)
        if m is None or m.end() != pos:
            break
        n = parse_number(m.group("n"))
        if n is None or n <= 0:
            return []  # "weeks 0, 4 and 8": a zero is no cell count, nor is its list
        if _LIST_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            return []  # "on days 1, 8 and 15": the numbers are not cell counts
        between = _BETWEEN_WORD.search(text, max(0, m.start() - 12), m.start())
        if between is not None and re.fullmatch(r"\s*and\s*", m.group("sep"), re.IGNORECASE):
            # "between 1 and 2 million": the low end of a range
            low = n * fig.factor
            return [Figure(between.start(), m.start("sep"), low, low, fig.kind, fig.factor)]
        out.append(
            Figure(m.start(), m.start("sep"), n * fig.factor, n * fig.factor, fig.kind, fig.factor)
        )
        pos = m.start()
    out.reverse()
    return out


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    out: list[Figure] = []
    for fig in figures:
        prev = out[-1] if out else None
        if prev is not None and prev.kind != "plain" and fig.kind != "plain":
            gap = text[prev.end : fig.start]
            ranged = _BETWEEN_RANGE.fullmatch(gap) is not None or (
                gap.strip().lower() == "and"
                and (
                    _BETWEEN_WORD.search(text[: prev.start]) is not None
                    or text[prev.start : prev.start + 7].lower() == "between"
                )
            )
            if ranged and prev.low <= fig.low:
                out[-1] = Figure(prev.start, fig.end, prev.low, fig.high, prev.kind, prev.factor)
                continue
        out.append(fig)
    return out
