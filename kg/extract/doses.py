"""Cell doses in free text, each with the verbatim span it was read from.

>>> [(d.min_cells, d.max_cells, d.unit.value, d.evidence)
...  for d in extract_doses("1-2X10^6 MSC per kg", field="intervention")]
[(1000000.0, 2000000.0, 'cells/kg', '1-2X10^6 MSC per kg')]
>>> extract_doses("20 µg teriparatide once daily; 2 milligrams of estradiol", field="arm")
[]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from kg.extract.numbers import Figure, find_figures
from kg.extract.regimen import Resolved, drop_dose_levels, find_counts, resolve
from kg.extract.routes import find_routes
from kg.extract.text import clause_bounds, parse_count, sentences_of
from kg.model import Dose, DosePer, DoseUnit

__all__ = ["extract_doses"]

MIN_CELLS = 1e3
MAX_CELLS = 1e13

_TOKEN = re.compile(
    r"\s*(?:(?P<word>[A-Za-zµμ$€][\w'’+-]*)|(?P<num>\d+(?:[.,]\d+)?)|(?P<punct>\S))"
)
_CELL_WORD = re.compile(
    r"(?:CSM|(?:[A-Za-z0-9-]*(?:MSC|MSV|ASC|ADSC|MPC)|[A-Za-z0-9-]+SC)s?(?:-[A-Za-z0-9]+)*\d*)"
)
_CELL_WORD_I = re.compile(
    r"(?:cells?|cellules?|stem|stromal|mesenchymal|nucleated|mononuclear)", re.IGNORECASE
)
_KG = re.compile(r"(?:kg|kgs|kilo|kilos|kilogram|kilograms)\.?", re.IGNORECASE)
_BODY_WEIGHT = re.compile(
    r"\s*(?:of\s+)?(?:the\s+)?(?:(?:body[\s-]*weight|recipient[\s-]*weight|bw|wt|weight)\b"
    r"|b\.\s?w\.)",
    re.IGNORECASE,
)
_VOLUME = re.compile(r"(?:ml|mls|cc|l|dl|µl|μl|ul|mm3|m2|m²|litre|liter)\.?", re.IGNORECASE)
_PER_ADMIN = re.compile(
    r"(?:person|patient|subject|participant|dose|injection|infusion|administration|eye|knee"
    r"|joint|side|site|lesion|ulcer|session|treatment|time|cycle|course)s?",
    re.IGNORECASE,
)
_NON_CELL = frozenset(
    [
        "mg",
        "g",
        "gr",
        "gram",
        "grams",
        "µg",
        "μg",
        "ug",
        "mcg",
        "ng",
        "pg",
        "ml",
        "mls",
        "cc",
        "l",
        "dl",
        "µl",
        "μl",
        "ul",
        "iu",
        "u",
        "unit",
        "units",
        "mmol",
        "µmol",
        "umol",
        "mol",
        "meq",
        "%",
        "percent",
        "copies",
        "cfu",
        "pfu",
        "vg",
        "vp",
        "gc",
        "tcid50",
        "particles",
        "genomes",
        "mm",
        "cm",
        "mmhg",
        "km",
        "m2",
        "m²",
        "year",
        "years",
        "yr",
        "yrs",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "hour",
        "hours",
        "hr",
        "hrs",
        "h",
        "minute",
        "minutes",
        "min",
        "people",
        "persons",
        "patients",
        "adults",
        "children",
        "subjects",
        "participants",
        "individuals",
        "deaths",
        "cases",
        "women",
        "men",
        "inhabitants",
        "population",
        "dollars",
        "usd",
        "rmb",
        "yuan",
        "euro",
        "euros",
        "$",
        "€",
        "platelets",
        "times",
        "fold",
        "americans",
        "chinese",
        "babies",
        "infants",
        "deliveries",
        "births",
        "visits",
    ]
)
_MODIFIERS = frozenset(
    [
        "of",
        "the",
        "viable",
        "living",
        "allogeneic",
        "allogenic",
        "allogenous",
        "allogeneous",
        "autologous",
        "autologus",
        "adult",
        "human",
        "expanded",
        "cultured",
        "total",
        "fresh",
        "frozen",
        "cryopreserved",
        "umbilical",
        "cord",
        "derived",
        "bone",
        "marrow",
        "adipose",
        "tissue",
        "wharton's",
        "jelly",
        "amniotic",
        "placental",
        "donor",
        "healthy",
        "third-party",
        "hUC",
        "UC",
        "BM",
        "AD",
        "WJ",
        "culture-expanded",
        "ex",
        "vivo",
        "mesenchymal",
        "stem",
        "stromal",
        "cd34+",
        "cd34-positive",
        "cd133+",
        "purified",
        "autologous",
        "autologous",
        "irradiated",
        "allo",
        "auto",
    ]
)
_CONNECTORS = frozenset(
    [
        "in",
        "at",
        "on",
        "for",
        "with",
        "per",
        "each",
        "followed",
        "via",
        "by",
        "and",
        "or",
        "to",
        "into",
        "diluted",
        "suspended",
        "resuspended",
        "dissolved",
        "given",
        "administered",
        "injected",
        "infused",
        "was",
        "were",
        "will",
        "be",
        "is",
        "are",
        "as",
        "respectively",
        "according",
        "once",
        "twice",
        "every",
        "weekly",
        "monthly",
        "daily",
        "intravenously",
        "intra-articularly",
        "intrathecally",
        "intramuscularly",
        "subcutaneously",
        "locally",
        "then",
        "who",
        "which",
        "that",
        "during",
        "over",
        "after",
        "before",
        "within",
        "from",
    ]
)
_QUALIFIER = re.compile(
    r"(?P<q>approximately|approx\.?|about|around|circa|ca\.|nearly|roughly|~|≈|up\s+to"
    r"|as\s+much\s+as|at\s+most|a\s+maximum\s+of|maximum(?:\s+of)?|max\.?"
    r"|not\s+(?:to\s+)?exceed(?:ing)?|no\s+more\s+than|≤|<=|at\s+least|a\s+minimum\s+of"
    r"|minimum(?:\s+of)?|min\.?|no\s+less\s+than|≥|>=|more\s+than|greater\s+than)"
    r"\s*(?:(?:a|the|total|cumulative|dose|doses|of|:)\s*){0,4}$",
    re.IGNORECASE,
)
_QUALIFIER_NAMES = (
    ("approximately", ("approx", "about", "around", "circa", "ca.", "nearly", "roughly", "~", "≈")),
    (
        "up to",
        ("up", "as much", "at most", "maximum", "a maximum", "max", "not", "no more", "≤", "<="),
    ),
    (
        "at least",
        ("at least", "minimum", "a minimum", "min", "no less", "≥", ">=", "more", "greater"),
    ),
)
_COUNT_PREFIX = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,2}|two|three|four|five|six)\s*[x×X*]\s*$", re.IGNORECASE
)
_TOTAL = re.compile(r"\b(?:total|cumulative|in\s+all|overall|altogether)\b", re.IGNORECASE)
_CUMULATIVE = re.compile(r"\bcumulative\b", re.IGNORECASE)
_PLURAL_ADMIN = re.compile(
    r"\b(?:doses|infusions|injections|administrations|applications|implantations)\b", re.I
)
_LIST_GAP = re.compile(r"\s*(?:,|;|/|&|\band\b|\bor\b)\s*(?:(?:and|or)\s+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _After:
    """What follows a figure: a cell word, "per kg", a foreign unit, or nothing."""

    status: str  # "reject", "cells", "perkg", "none"
    per_kg: bool
    end: int  # end of the unit phrase (or of the figure)
    stop: str  # why the scan stopped: "end", "punct", "connector", "other", "unit"


@dataclass(frozen=True, slots=True)
class _Reading:
    fig: Figure
    after: _After
    start: int  # evidence start (count prefix / qualifier included)
    count: int | None
    qualifier: str | None


def _tokens(text: str, pos: int, limit: int = 10) -> list[tuple[str, str, int, int]]:
    out: list[tuple[str, str, int, int]] = []
    end = min(len(text), pos + 160)
    while len(out) < limit and pos < end:
        m = _TOKEN.match(text, pos, end)
        if m is None or m.end() == pos:
            break
        kind = str(m.lastgroup)
        out.append((kind, m.group(kind), m.start(kind), m.end(kind)))
        pos = m.end()
    return out


def _is_cell_word(word: str) -> bool:
    return _CELL_WORD.fullmatch(word) is not None or _CELL_WORD_I.fullmatch(word) is not None


_ABBREVIATION = re.compile(r"[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*")
_PER_LENGTH = re.compile(r"(?:cm|mm|cm2|cm²|mm2|mm²|inch|inches)\.?", re.IGNORECASE)
_RESTATED = re.compile(r"[\d\s.,x×X*^\\eE+-]+(?:millions?|billions?)?", re.IGNORECASE)


def _per_unit(
    text: str, toks: list[tuple[str, str, int, int]], i: int
) -> tuple[str, bool, int] | None:
    """Read "/kg", "per kilogram of body weight", "/4 ml", "/ person" at token i (the "/")."""
    j = i + 1
    if j < len(toks) and toks[j][1] == "/" and toks[i][1].lower() == "per":
        j += 1  # "per/kg"
    if j >= len(toks):
        return None
    kind, value, _, end = toks[j]
    if kind == "word" and _KG.fullmatch(value):
        bw = _BODY_WEIGHT.match(text, end)
        return "perkg", True, bw.end() if bw else end
    if kind == "num" and j + 1 < len(toks) and _VOLUME.fullmatch(toks[j + 1][1]):
        return "cells", False, toks[j + 1][3]  # "40 million/4 ml": cells in a volume
    if kind == "word" and (_VOLUME.fullmatch(value) or _PER_LENGTH.fullmatch(value)):
        return "reject", False, end  # a concentration (cells/mL, cells/cm), not a dose
    if kind == "word" and _PER_ADMIN.fullmatch(value):
        return "cells", False, end
    return None


def _skip_parenthesis(text: str, toks: list[tuple[str, str, int, int]], i: int) -> int | None:
    """Index after a parenthesis that only names the cells or restates the figure:
    "1.5 million (aMBMC) per kg", "20 million (2 x 10^7) MSCs"."""
    close = text.find(")", toks[i][3], toks[i][3] + 30)
    if close < 0:
        return None
    inner = text[toks[i][3] : close].strip()
    words = re.findall(r"[A-Za-z][\w-]*", inner)
    named = bool(words) and all(
        _is_cell_word(w) or (_ABBREVIATION.fullmatch(w) and w.lower() not in _NON_CELL)
        for w in words
    )
    if not (named or _RESTATED.fullmatch(inner)):
        return None
    j = i + 1
    while j < len(toks) and toks[j][2] < close + 1:
        j += 1
    return j


def _scan_after(text: str, end: int, kind_of_figure: str) -> _After:
    toks = _tokens(text, end, limit=20)
    cells = False
    unit_end = end
    modifiers = 0
    i = 0
    if kind_of_figure == "power" and toks and toks[0][1].lower() in {"million", "millions"}:
        i = 1  # "1-2x10^6 million MSCs": the scale word repeats the power of ten
    while i < len(toks):
        kind, value, _, tok_end = toks[i]
        low = value.lower()
        if (kind == "punct" and value == "/") or (kind == "word" and low == "per"):
            per = _per_unit(text, toks, i)
            if per is not None:
                status, per_kg, per_end = per
                if status == "reject":
                    return _After("reject", False, per_end, "unit")
                return _After("perkg" if per_kg and not cells else "cells", per_kg, per_end, "unit")
            return _After("cells" if cells else "none", False, unit_end, "other")
        if kind == "punct" and value in "(（":
            j = _skip_parenthesis(text, toks, i)
            if j is not None:
                i = j
                continue
        if kind == "punct":
            return _After("cells" if cells else "none", False, unit_end, "punct")
        if kind == "num":
            return _After("cells" if cells else "none", False, unit_end, "other")
        if _is_cell_word(value):
            cells = True
            unit_end = tok_end
            i += 1
            continue
        if cells:
            return _After("cells", False, unit_end, "connector")
        if low in _NON_CELL or low.rstrip(".") in _NON_CELL:
            return _After("reject", False, tok_end, "unit")
        if low in _MODIFIERS and modifiers < 5:
            modifiers += 1
            i += 1
            continue
        stop = "connector" if low in _CONNECTORS else "other"
        return _After("none", False, unit_end, stop)
    return _After("cells" if cells else "none", False, unit_end, "end")


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    m = _QUALIFIER.search(text[max(0, start - 50) : start])
    if m is None:
        return None, start
    q = m.group("q").lower()
    for name, prefixes in _QUALIFIER_NAMES:
        if q.startswith(prefixes):
            return name, start - (len(m.group(0)))
    return None, start


def _power_of_ten(value: float) -> bool:
    exp = round(math.log10(value))
    return math.isclose(value, 10.0**exp)


def _read(text: str, fig: Figure) -> _Reading:
    start = fig.start
    count: int | None = None
    cp = _COUNT_PREFIX.search(text[max(0, fig.start - 12) : fig.start])
    if cp is not None and fig.kind != "power":
        n = parse_count(cp.group("n"))
        start -= len(cp.group(0))
        if n is not None and fig.kind == "plain" and _power_of_ten(fig.low):
            # "2×1,000,000 MSC/kg" is 2x10^6, not two doses of 10^6
            fig = replace(fig, start=start, low=fig.low * n, high=fig.high * n)
        else:
            count = n
    qualifier, qstart = _qualifier(text, start)
    if qualifier is not None and qstart >= start - 20:
        start = qstart
    return _Reading(fig, _scan_after(text, fig.end, fig.kind), start, count, qualifier)


def _cell_word_before(text: str, fig: Figure) -> bool:
    left, _ = clause_bounds(text, fig.start, fig.end)
    window = text[max(left, fig.start - 60) : fig.start]
    return any(_is_cell_word(w) for w in re.findall(r"[A-Za-z][\w-]*", window))


def _accepted(text: str, r: _Reading, assume_cells: bool) -> bool:
    fig, after = r.fig, r.after
    if after.status == "reject":
        return False
    if after.status == "cells":
        return True
    if after.status == "perkg":
        return fig.kind != "plain" or fig.low >= 1e4
    if fig.kind in {"plain", "scale_m"}:
        return False
    quiet = after.stop in {"end", "punct", "connector"}
    if _cell_word_before(text, fig):
        return True
    if assume_cells and quiet:
        return True
    return fig.kind in {"power", "enot"} and quiet


def _propagate_units(text: str, readings: list[_Reading]) -> list[_Reading]:
    """In a list "6.0*10^6, 3.0*10^7 and 9.0*10^7 cells/kg" every member takes the unit."""
    out = list(readings)
    groups: list[list[int]] = []
    for i, r in enumerate(out):
        if (i and _LIST_GAP.fullmatch(text[out[i - 1].after.end : r.start])) or (
            i and _LIST_GAP.fullmatch(text[out[i - 1].fig.end : r.start])
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        units = [out[i].after for i in group if out[i].after.status in {"cells", "perkg"}]
        if not units:
            continue
        per_kg = any(u.per_kg for u in units)
        for i in group:
            a = out[i].after
            if a.status == "none":
                out[i] = replace(out[i], after=replace(a, status="cells", per_kg=per_kg))
    return out


def _per(text: str, r: _Reading, lo: int, hi: int, count: Resolved) -> DosePer:
    """Course where the text says "cumulative", or "total" over several administrations;
    unknown for a "total" where the number of administrations is unclear."""
    before = text[max(lo, r.start - 40) : r.start]
    after = text[r.after.end : min(hi, r.after.end + 20)]
    if _CUMULATIVE.search(before):
        return DosePer.COURSE
    if not (_TOTAL.search(before) or _TOTAL.search(after)):
        return DosePer.ADMINISTRATION
    if count.ambiguous:
        return DosePer.UNKNOWN
    if (count.value is not None and count.value > 1) or _PLURAL_ADMIN.search(text, lo, hi):
        return DosePer.COURSE
    return DosePer.ADMINISTRATION


_CLAUSE_BREAK = re.compile(
    r"[;,()（）\[\]]|\bfollowed\s+by\b|\bthen\b|\bafter\s+which\b|\bwhile\b", re.IGNORECASE
)


def _route(text: str, lo: int, hi: int, start: int, end: int) -> str | None:
    """The route stated in the clause of a figure (not one a later "followed by" names)."""
    lo, hi = max(lo, start - 200), min(hi, end + 200)
    left = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, start):
        left = m.end()
    m2 = _CLAUSE_BREAK.search(text, end, hi)
    right = m2.start() if m2 is not None else hi
    hits = find_routes(text[left:right])
    if not hits:
        return None
    explicit = [h for h in hits if h.explicit] or hits
    return min(explicit, key=lambda h: abs(h.start + left - start)).key


def extract_doses(text: str, *, field: str, assume_cells: bool = False) -> list[Dose]:
    """Every cell-dose figure in ``text``; ``evidence`` is the verbatim span of each.

    ``assume_cells`` reads a figure with no unit as a number of cells: set it for the text
    of an arm or intervention known to give cells ("Low Dose Group: 6.0×10^7").
    """
    if not text:
        return []
    readings = [_read(text, fig) for fig in find_figures(text)]
    readings = _propagate_units(text, readings)
    sentences = sentences_of(text)
    levels: dict[tuple[int, int], set[tuple[float, float]]] = {}
    for x in readings:
        levels.setdefault(sentences.bounds(x.fig.start), set()).add((x.fig.low, x.fig.high))
    counts: dict[tuple[int, int], Resolved] = {}
    doses: list[Dose] = []
    taken = 0  # end of the last accepted reading: a figure it restates is not read twice
    for r in readings:
        if r.fig.start < taken or not _accepted(text, r, assume_cells):
            continue
        if not (MIN_CELLS <= r.fig.low <= r.fig.high <= MAX_CELLS):
            continue
        lo, hi = sentences.bounds(r.fig.start)
        if (lo, hi) not in counts:  # the sentence's number of administrations, read once
            stated = drop_dose_levels(find_counts(text, lo, hi), len(levels[(lo, hi)]))
            counts[(lo, hi)] = resolve(stated)
        count = r.count if r.count is not None else counts[(lo, hi)].value
        doses.append(
            Dose(
                min_cells=r.fig.low,
                max_cells=r.fig.high,
                unit=DoseUnit.CELLS_PER_KG if r.after.per_kg else DoseUnit.CELLS,
                per=_per(text, r, lo, hi, counts[(lo, hi)]),
                evidence=text[r.start : max(r.after.end, r.fig.end)],
                evidence_field=field,
                administrations=count,
                route=_route(text, lo, hi, r.start, r.after.end),
                qualifier=r.qualifier,
            )
        )
        taken = max(r.after.end, r.fig.end)
    return doses
