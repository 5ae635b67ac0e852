"""More ways registries state how many times the cells are given, and statements that look
like counts but are not, for :func:`kg.extract.regimen.find_counts`.

Counts (each a :class:`Stated`):

* one session of several injections: "20 injections ... in a single procedure", "during the
  same catheterisation", "(single procedure)" = 1 (the session is the administration; its
  injections are portions);
* ordinal points: "on the 1st, 3rd and 5th day", "in the first week and the fourth week" = 3, 2;
* a start point and a later one: "at enrolment and again 4 weeks later", "at baseline and 3
  months later" = 2;
* counted time points: "given at two time points" = 2;
* counted cycles: "2 cycles, each of 3 infusions", "3 infusions per cycle, 2 cycles" = 6;
* "once" written short: "MSC infusion: once", "MSC injection x 1" = 1.

Not counts: a number of local injections into a muscle, the heart or the skin with no schedule
("15 transendocardial injections", "10 intradermal injections around the ulcer": portions of
one session, :func:`local_portions`); a count in a clause about taking the cells or following
the patients that says nothing of giving ("bone marrow is aspirated twice", "patients are seen
every 4 weeks for 6 months", :func:`not_giving`); a count in a sentence about earlier studies,
animals or the literature (:func:`background`).

>>> [(s.value, s.noun) for s in stated("MSCs are injected at 12 points in a single session.")]
[(1, 'session')]
>>> [s.value for s in stated("MSCs are infused on the 1st, 3rd and 5th day.")]
[3]
>>> [s.value for s in stated("MSCs: 3 infusions per cycle, 2 cycles.")]
[6]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.text import NUMBER_WORDS, ORDINAL_WORDS, parse_count

__all__ = [
    "Stated",
    "agent_before",
    "background",
    "doses_compared",
    "local_portions",
    "not_giving",
    "per_place",
    "points_across",
    "respective_counts",
    "scheduled_after",
    "session_after",
    "stated",
]

_NUMWORD = "|".join(NUMBER_WORDS)
_NUM = rf"(?:\d{{1,2}}|{_NUMWORD})"
_NOUN = (
    r"(?:infusions?|injections?|doses?|administrations?|applications?|implantations?"
    r"|transplantations?|transfusions?|instillations?|sessions?)"
)


@dataclass(frozen=True, slots=True)
class Stated:
    """A count read by one of this module's rules, with its span."""

    value: int
    start: int
    end: int
    strong: bool
    noun: str
    inner: tuple[int, int] | None = None  # a span whose own counts this one replaces


# A word of giving the cells, for a clause that states a count.
_GIVING = re.compile(
    r"infus|inject|administ|\bgiven\b|\bgive\b|receiv|transplant|implant|deliver|instill"
    r"|\btreat|\bdoses?\b|\bdrip\b|\bIV\b|i\.v\.|intra-?(?:venous|thecal|articular|muscular"
    r"|dermal|lesional|arterial|coronary|vitreal|discal|osseous|myocardial)\w*"
    r"|subcutaneous\w*|transendocardial",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:](?=\s|$)|\n")

# How far a rule looks for the ends of a clause, each side of a position (as
# kg.extract.route_context's sentence_bounds): a text with no clause break (a long arm text, a
# list run together) costs work in proportion to its length, not to its length squared.
_REACH = 600


def _end_within(end: re.Pattern[str], text: str, pos: int, hi: int) -> int:
    """The start of the first match of ``end`` in ``text[pos:hi]`` within ``_REACH``
    characters of ``pos``, else ``min(hi, pos + _REACH)``. A few characters after the reach
    stay visible, so a stop that starts before it is judged by what follows it, as in the
    whole text."""
    reach = min(hi, pos + _REACH)
    m = end.search(text, pos, min(hi, reach + 16))
    return m.start() if m is not None and m.start() < reach else reach


# ---------------------------------------------------------------- one session

# "in a single procedure", "during the same catheterisation", "in one sitting", "(single
# procedure)", "in a single-session procedure"
_SESSION_WORDS = (
    r"(?:procedures?|sessions?|sittings?|operations?|surgery|surgical\s+procedure"
    r"|catheteri[sz]ations?|interventions?|visits?)"
)
_ONE_SESSION = re.compile(
    r"(?:\b(?:in|during|within|at|over|on)\s+(?:a|one|the)?\s*(?:single|one|same)"
    r"(?:[\s-]+(?:single|session))?[\s-]+" + _SESSION_WORDS + r"|\(\s*(?:a\s+)?(?:single|one)\s+"
    r"(?:procedure|session|sitting)\s*\))",
    re.IGNORECASE,
)


def session_after(text: str, start: int, hi: int) -> bool:
    """The clause from ``start`` says the injections are given in one session ("20 injections
    of 0.5 mL each in a single procedure"): portions, not a count."""
    end = _CLAUSE_END.search(text, start, hi)
    return _ONE_SESSION.search(text, start, end.start() if end else hi) is not None


def _sessions(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _ONE_SESSION.finditer(text, lo, hi):
        a = lo
        for e in _CLAUSE_END.finditer(text, max(lo, m.start() - 200), m.start()):
            a = e.end()
        if _GIVING.search(text, a, m.start()) and not not_giving(text, lo, m.start(), hi):
            out.append(Stated(1, m.start(), m.end(), True, "session"))
    return out


# ---------------------------------------------------------------- local injections as portions

# Routes given as many injections in one session: into a muscle, the heart wall, the skin, a
# lesion's rim.
_LOCAL_ROUTE = re.compile(
    r"\b(?:intra-?muscular|i\.?m\.?|intra-?myocardial|trans-?endocardial|epicardial"
    r"|intra-?dermal|intra-?cutaneous|submucos\w*|peri-?lesional|intra-?lesional|perianal"
    r"|peri-?fistul\w*|peri-?urethral|intra-?sphincter\w*)\b",
    re.IGNORECASE,
)
_SCHEDULE_WORD = re.compile(
    r"\b(?:apart|interval\w*|every|each\s+(?:day|week|month)|weekly|monthly|daily|later"
    r"|consecutive|days?\s+\d|weeks?\s+\d|months?\s+\d|visits?|sessions?|occasions?)\b",
    re.IGNORECASE,
)


def scheduled_after(text: str, pos: int) -> bool:
    """The clause after ``pos`` states a schedule ("..., one week apart", "at 2-week
    intervals", "every 4 weeks")."""
    end = _CLAUSE_END.search(text, pos)
    return _SCHEDULE_WORD.search(text, pos, end.start() if end else len(text)) is not None


# "2 injections, one in each knee", "(one per eye)", "into 4 quadrants": one injection per place
_PER_PLACE = re.compile(
    r"\b(?:one|1|each)\s+(?:injection\s+)?(?:in|into|per|for|at)\s+(?:each|every|either|the\s+\w+)?\s*"
    r"(?:knees?|eyes?|sides?|quadrants?|joints?|hips?|shoulders?|legs?|arms?|limbs?|feet|foot"
    r"|hands?|ears?|lesions?|sites?|ulcers?|muscles?|kidneys?|lobes?|segments?)\b"
    r"|\b(?:into|in|at)\s+(?:\d{1,2}|two|three|four|five|six|eight|ten|both|the\s+two)\s+"
    r"(?:quadrants|sides|knees|eyes|joints|segments|lobes|regions|areas)\b",
    re.IGNORECASE,
)


def per_place(text: str, end: int, hi: int) -> bool:
    """The clause after an "N injections" says one goes to each place ("2 injections of MSCs,
    one in each knee", "4 injections into 4 quadrants"): portions of one session."""
    stop = _CLAUSE_END.search(text, end, hi)
    return _PER_PLACE.search(text, end, stop.start() if stop else hi) is not None and (
        _SCHEDULE_WORD.search(text, end, stop.start() if stop else hi) is None
    )


def local_portions(text: str, start: int, noun_start: int, value: int, hi: int) -> bool:
    """Five or more injections by a route of many injection sites ("15 transendocardial
    injections", "10 intradermal injections of MSCs around the ulcer"), in a sentence that
    states no schedule, are the portions of one session, not a count."""
    if value < 5 or not text[noun_start : noun_start + 9].lower().startswith("injection"):
        return False
    a = start
    for e in _CLAUSE_END.finditer(text, max(0, start - 120), start):
        a = e.end()
    end = _CLAUSE_END.search(text, noun_start, hi)
    b = end.start() if end else hi
    if not _LOCAL_ROUTE.search(text, a, b):
        return False
    return _SCHEDULE_WORD.search(text, a, b) is None


# ---------------------------------------------------------------- ordinal points

_ORD = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
    r"|tenth|eleventh|twelfth)"
)
_UNIT = r"(?:days?|weeks?|months?)"
_ORD_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)"
_ORDINAL_POINTS = re.compile(
    rf"(?:\b(?:on|in|at|during)\s+|:\s*)the\s+(?P<list>{_ORD}(?:\s+{_UNIT})?"
    rf"(?:{_ORD_SEP}(?:the\s+)?{_ORD}(?:\s+{_UNIT})?)+)\s*(?P<u>{_UNIT})?\b",
    re.IGNORECASE,
)
_ORD_ONE = re.compile(rf"(?P<o>{_ORD})(?:\s+(?P<u>{_UNIT}))?", re.IGNORECASE)


def _ordinal_value(raw: str) -> int | None:
    low = raw.lower()
    if low[:1].isdigit():
        return int(re.match(r"\d+", low).group(0))  # type: ignore[union-attr]
    return ORDINAL_WORDS.get(low)


def _ordinal_points(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _ORDINAL_POINTS.finditer(text, lo, hi):
        members = list(_ORD_ONE.finditer(m.group("list")))
        units = {(x.group("u") or "").lower().rstrip("s") for x in members} - {""}
        if m.group("u"):
            units.add(m.group("u").lower().rstrip("s"))
        if len(units) != 1 or not _giving_before(text, lo, m.start()):
            continue  # "the first and second arms": no unit of time, or none of giving
        values = {_ordinal_value(x.group("o")) for x in members}
        if None not in values and len(values) > 1:
            out.append(Stated(len(values), m.start(), m.end(), True, "points"))
    return out


def _giving_before(text: str, lo: int, start: int) -> bool:
    """A word of giving or the cells before ``start`` in its clause (at most ``_REACH``
    characters back), and no word of taking or following between it and ``start``."""
    a = max(lo, start - _REACH)
    for e in _CLAUSE_END.finditer(text, max(lo, start - 120), start):
        a = e.end()
    giving = list(_GIVING_OR_CELLS.finditer(text, a, start))
    return bool(giving) and _NOT_GIVING.search(text, giving[-1].end(), start) is None


_GIVING_OR_CELLS = re.compile(_GIVING.pattern + r"|MSC|\bcells?\b", re.IGNORECASE)

# ---------------------------------------------------------------- a start point and a later one

_EVENT = r"(?:surgery|operation|transplant\w*|implantation|engraftment)"
_START = (
    r"(?:baseline|enrol?ment|inclusion|randomi[sz]ation|admission|study\s+entry|entry"
    r"|day\s*[01]|week\s*0|month\s*0|the\s+(?:first|initial)\s+visit"
    # an event: "at surgery", "at the time of transplantation", "on the day of surgery"
    rf"|(?:the\s+(?:time|day|end)\s+of\s+(?:the\s+)?)?{_EVENT})"
)
_AGAIN_LATER = re.compile(
    rf"\b(?:at|on|during)\s+{_START}\s*,?\s+and\s+(?:then\s+)?(?:again\s+)?"
    rf"(?:(?:{_NUM}|a|an|one)\s+(?:days?|weeks?|months?|years?)\s+(?:later|afterwards)"
    rf"|(?:after|in)\s+(?:{_NUM}|a|an|one)\s+(?:days?|weeks?|months?|years?)"
    # "at surgery and day 4 post-transplant", "and on postoperative day 7"
    r"|(?:on\s+|at\s+)?(?:(?:post-?operative|post-?transplant)\s+)?(?:day|week)\s*\+?\d{1,3}"
    r"(?!\s*(?:,|and|&|-|–|to)\s*\+?\d))\b",
    re.IGNORECASE,
)


def _again_later(text: str, lo: int, hi: int) -> list[Stated]:
    return [
        Stated(2, m.start(), m.end(), True, "points")
        for m in _AGAIN_LATER.finditer(text, lo, hi)
        if _giving_before(text, lo, m.start())
    ]


# ---------------------------------------------------------------- counted time points

_TIME_POINTS = re.compile(
    rf"\b(?:given|administered|infused|injected|delivered|transplanted|implanted|applied)\s+"
    rf"(?:at|on|in)\s+(?P<n>{_NUM})\s+(?:different\s+|separate\s+|distinct\s+)?"
    r"(?:time[\s-]?points|time\s+points|occasions|visits)\b",
    re.IGNORECASE,
)


def _time_points(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _TIME_POINTS.finditer(text, lo, hi):
        n = parse_count(m.group("n"))
        if n and 1 < n <= 60:
            out.append(Stated(n, m.start(), m.end(), True, "points"))
    return out


# ---------------------------------------------------------------- counted cycles

_CYCLE = r"(?:cycles|courses|rounds)"
_CYCLES = re.compile(
    # "2 cycles, each of 3 MSC infusions", "2 cycles of 3 weekly infusions"
    rf"\b(?P<c>{_NUM})\s+{_CYCLE}\s*,?\s*(?:each\s+(?:of|with|consisting\s+of)|of|with"
    rf"|consisting\s+of)\s+(?P<n>{_NUM})\s+(?P<inner>(?:[\w-]+\s+){{0,2}}?{_NOUN})\b"
    # "3 infusions per cycle, 2 cycles", "3 injections in each course for 2 courses"
    rf"|\b(?P<n2>{_NUM})\s+(?:(?:[\w-]+\s+){{0,2}}?{_NOUN}|times)\s+(?:per|each|every|in\s+each"
    r"|as\s+(?:a|one)|in\s+(?:a|one))\s+"
    r"(?:cycle|course|round)(?:\s+of\s+treatment)?\s*[,;]?\s*"
    rf"(?:for\s+|and\s+|over\s+|x\s*|×\s*|total(?:ly)?\s+|in\s+total\s+)?(?P<c2>{_NUM})"
    rf"\s+{_CYCLE}\b",
    re.IGNORECASE,
)


# "on days 1 and 15 of each 28-day cycle for 3 cycles" = 6
_DAYS_PER_CYCLE = re.compile(
    r"(?P<at>\b(?:on|at)\s+)days?\s+(?P<list>\d{1,2}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)"
    r"\d{1,2})*)\s+of\s+(?:each|every)\s+(?:\d{1,2}[\s-]days?\s+)?(?:cycle|course)\s*,?\s*"
    rf"(?:for|x|×|over)\s*(?P<c>{_NUM})\s+(?:cycles|courses)\b",
    re.IGNORECASE,
)


def _cycles(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _CYCLES.finditer(text, lo, hi):
        c = parse_count(m.group("c") or m.group("c2"))
        n = parse_count(m.group("n") or m.group("n2"))
        if c and n and 1 < c * n <= 60:
            out.append(Stated(c * n, m.start(), m.end(), True, "schedule", (m.start(), m.end())))
    for m in _DAYS_PER_CYCLE.finditer(text, lo, hi):
        days = set(re.findall(r"\d{1,2}", m.group("list")))
        c = parse_count(m.group("c"))
        if c and 1 < len(days) * c <= 60 and _giving_before(text, lo, m.start()):
            n = len(days) * c
            out.append(Stated(n, m.start(), m.end(), True, "schedule", (m.start(), m.end())))
    return out


# ---------------------------------------------------------------- "once" written short

_ONCE_SHORT = re.compile(
    r"\b(?:infusions?|injections?|administrations?|doses?|[\w-]*MSCs?)\s*"
    r"(?::\s*once\b|[x×]\s*1\b(?!\s*(?:[x×*^]|[.,]\d|\d)))"
    # a field of a registry's form: "Frequency: once"
    r"|\bfrequency\s*[:=-]\s*(?:once|one\s+time|single)\b"
    r"(?!\s*(?:a|per|every|each|daily|weekly|monthly|/)\b)",
    re.IGNORECASE,
)
# "Number of doses: 2", "Number of injections: one"
_FIELD_COUNT = re.compile(
    rf"\bnumber\s+of\s+(?:doses|infusions|injections|administrations|sessions|applications)"
    rf"\s*[:=-]\s*(?P<n>{_NUM}|single)\b(?!\s*(?:-|–|to|or)\s*\d)",
    re.IGNORECASE,
)


def _once_short(text: str, lo: int, hi: int) -> list[Stated]:
    out = [Stated(1, m.start(), m.end(), True, "") for m in _ONCE_SHORT.finditer(text, lo, hi)]
    for m in _FIELD_COUNT.finditer(text, lo, hi):
        raw = m.group("n").lower()
        n = 1 if raw == "single" else parse_count(raw)
        if n and n <= 60:
            out.append(Stated(n, m.start(), m.end(), True, ""))
    return out


# ---------------------------------------------------------------- daily over a range of days

# "daily on days 1-5", "once a day from day 1 to day 5" = 5
_DAILY_RANGE = re.compile(
    r"\b(?:daily|once\s+(?:a|per)\s+day|every\s+day|each\s+day)\s+(?:on|from|for|during|over)\s+"
    r"days?\s*(?P<a>\d{1,2})\s*(?:-|–|to|through|until)\s*(?:day\s*)?(?P<b>\d{1,2})\b"
    r"|\b(?:on|from)\s+days?\s*(?P<a2>\d{1,2})\s*(?:-|–|to|through|until)\s*(?:day\s*)?"
    r"(?P<b2>\d{1,2})\s*,?\s+(?:daily|once\s+(?:a|per)\s+day|every\s+day)\b",
    re.IGNORECASE,
)


def _daily_range(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _DAILY_RANGE.finditer(text, lo, hi):
        a, b = int(m.group("a") or m.group("a2")), int(m.group("b") or m.group("b2"))
        if 1 < b - a + 1 <= 31 and _giving_before(text, lo, m.start()):
            out.append(Stated(b - a + 1, m.start(), m.end(), True, "schedule"))
    return out


# ---------------------------------------------------------------- a start, then repeats

# "at baseline, with repeat dosing at weeks 4 and 8" = 3: the start point and the listed
# repeats (the list alone would say 2).
_LIST_OF = r"\d{1,3}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\d{1,3})*"
_START_THEN_LIST = re.compile(
    r"(?:\b(?:at|on)\s+(?:baseline|day\s*0|week\s*0|month\s*0|enrol?ment|inclusion"
    r"|the\s+(?:start|beginning|outset))|\binitially)\b"
    r"[^.;]{0,40}?\b(?:repeat\w*|further|additional|booster|again|followed\s+by|then)\b[^.;]{0,30}?"
    rf"(?P<at>\b(?:at|on|in)\s+)(?:(?P<u>days?|weeks?|months?)\s+(?P<list>{_LIST_OF})\b"
    rf"|(?P<list2>{_LIST_OF})\s+(?P<u2>days|weeks|months)\b(?![\s-]+(?:later|after|from|old|ago)))",
    re.IGNORECASE,
)
_MAYBE = re.compile(
    r"\b(?:if|may|might|can|could|optional\w*|possibl\w*|depending|discretion|needed|unless"
    r"|in\s+case|(?:non-?|partial\s+|poor\s+)?respon(?:d|ders?|se)\w*|relaps\w*)\b",
    re.IGNORECASE,
)


def _start_then_list(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _START_THEN_LIST.finditer(text, lo, hi):
        end = _CLAUSE_END.search(text, m.end(), hi)
        if _MAYBE.search(text, m.start(), end.start() if end else hi) or not _giving_before(
            text, lo, m.start()
        ):
            continue
        if _NOT_GIVING.search(m.group(0)):
            continue  # "at baseline, then patients are seen at months 3 and 6"
        listed = m.group("list") or m.group("list2")
        later = {int(x) for x in re.findall(r"\d{1,3}", listed)} - {0}
        if later:
            span = (m.start("at"), m.end())
            out.append(Stated(1 + len(later), m.start(), m.end(), True, "points", span))
    return out


# ---------------------------------------------------------------- "3x"

# "MSCs 3x, 1 week apart", "2x infusions": a number times, where a schedule or an
# administration follows (not "3x10^6", not "2 x 3 patients").
_N_X = re.compile(
    r"(?<![\d.,^x×*])\b(?P<n>\d{1,2})\s?[x×](?=\s*(?:[,;.)]|$|(?:infusions?|injections?|doses?"
    r"|administrations?|weekly|daily|monthly)\b))",
    re.IGNORECASE,
)


def _n_x(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _N_X.finditer(text, lo, hi):
        n = int(m.group("n"))
        follows = text[m.end() : m.end() + 20].lstrip().lower()
        noun = follows[:1].isalpha()
        if 1 < n <= 60 and (noun or scheduled_after(text, m.end())):
            out.append(Stated(n, m.start(), m.end(), True, ""))
    return out


# ---------------------------------------------------------------- lumbar punctures, totals

# "two lumbar punctures one month apart": each puncture gives the cells (a puncture that
# collects fluid is no count: :func:`not_giving`)
_PUNCTURES = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?:separate\s+|consecutive\s+)?(?:lumbar\s+punctures|LPs)\b",
    re.IGNORECASE,
)
# "infusions at 4-week intervals for a total of 3"
_TOTAL_OF = re.compile(rf"\ba\s+total\s+of\s+(?P<n>{_NUM})(?=\s*(?:[.;,)]|$))", re.IGNORECASE)


def _punctures_totals(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for rx in (_PUNCTURES, _TOTAL_OF):
        for m in rx.finditer(text, lo, hi):
            n = parse_count(m.group("n"))
            if n and 1 < n <= 60 and _giving_before(text, lo, m.end()):
                out.append(Stated(n, m.start(), m.end(), True, ""))
    return out


# ---------------------------------------------------------------- ordinal lists

_ORDW = r"(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)"
# "the second and third infusions on days 7 and 14", "the second and third on days 7 and 14"
_ORDINAL_LIST = re.compile(
    rf"\b(?P<list>{_ORDW}(?:\s*,\s*(?:the\s+)?{_ORDW})*\s*,?\s+and\s+(?:the\s+)?{_ORDW})\b"
    r"(?P<noun>\s+(?:[\w-]+\s+)?(?:infusions|injections|doses|administrations|applications))?"
    r"(?P<rest>[^.;]{0,40}?\b(?:on|at|in)\s+(?P<u>days?|weeks?|months?)\s+"
    r"(?P<pts>\d{1,3}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\d{1,3})+))?",
    re.IGNORECASE,
)
_ORD_VALUE = {"2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}


def _ordinal_lists(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _ORDINAL_LIST.finditer(text, lo, hi):
        words = re.findall(_ORDW, m.group("list"), re.IGNORECASE)
        values = [_ORD_VALUE.get(w.lower()) or ORDINAL_WORDS[w.lower()] for w in words]
        points = re.findall(r"\d{1,3}", m.group("pts") or "")
        if m.group("pts") and len(set(points)) == len(values):
            span = (m.start("rest"), m.end())  # the listed points are these administrations
            out.append(Stated(max(values), m.start(), m.end(), True, "points", span))
        elif m.group("noun"):
            out.append(Stated(max(values), m.start(), m.end(), False, ""))
    return out


# ---------------------------------------------------------------- counts "respectively"

_RESP_N = rf"(?:{_NUM}|once|twice|thrice|single)"
# "one and two infusions", "once, twice and three times", "a single and a double infusion"
_RESPECTIVE_COUNTS = re.compile(
    rf"\b(?P<list>(?:an?\s+)?{_RESP_N}(?:\s*,\s*(?:an?\s+)?{_RESP_N})*\s*,?\s+(?:and|or)\s+"
    rf"(?:an?\s+)?(?:{_RESP_N}|double|triple))(?P<tail>\s+(?:times|(?:[\w-]+\s+){{0,2}}?{_NOUN}))?\b",
    re.IGNORECASE,
)
_RESP_VALUE = {"once": 1, "single": 1, "twice": 2, "double": 2, "thrice": 3, "triple": 3}


def respective_counts(text: str, lo: int, hi: int) -> list[int]:
    """The counts a sentence lists for its groups "respectively" ("Groups A and B receive one
    and two infusions, respectively"), in order; empty where it lists none."""
    if "respectively" not in text[lo:hi].lower():
        return []
    for m in _RESPECTIVE_COUNTS.finditer(text, lo, hi):
        words = re.findall(
            rf"{_NUM}|once|twice|thrice|single|double|triple", m.group("list"), re.IGNORECASE
        )
        times = any(w.lower() in _RESP_VALUE for w in words)
        if not (m.group("tail") or times):
            continue  # "1 and 2 x 10^6 cells/kg": figures, not counts
        values = [_RESP_VALUE.get(w.lower()) or parse_count(w) or 0 for w in words]
        if all(0 < v <= 60 for v in values):
            return values
    return []


# ---------------------------------------------------------------- points, then a rate until

# "at weeks 0 and 4, then every 4 weeks until week 24" = 0, 4, 8, ..., 24 = 7; where the
# steps do not fit (other units), the listed points are no count (value 0: only ``inner``).
_UNTIL = re.compile(
    rf"(?P<at>\b(?:at|on)\s+)(?P<u>days|weeks|months)\s+(?P<list>{_LIST_OF})\s*,?\s*"
    r"(?:and\s+)?(?:then|thereafter|followed\s+by\s+(?:infusions?|injections?|doses?))\s+"
    rf"(?:once\s+)?every\s+(?:(?P<k>\d{{1,2}}|{_NUMWORD}|other)\s+)?(?P<ku>days?|weeks?|months?)\s+"
    r"(?:until|till|through|up\s+to|to)\s+(?:(?P<mu>day|week|month)\s+(?P<m>\d{1,3})"
    r"|(?P<m2>\d{1,3})\s+(?P<mu2>days|weeks|months))\b",
    re.IGNORECASE,
)


def _until(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _UNTIL.finditer(text, lo, hi):
        if not _giving_before(text, lo, m.start()):
            continue
        units = {
            (m.group(g) or "").lower().rstrip("s") for g in ("u", "ku", "mu", "mu2") if m.group(g)
        }
        raw_k = (m.group("k") or "1").lower()
        k = 2 if raw_k == "other" else parse_count(raw_k)
        points = sorted({int(x) for x in re.findall(r"\d{1,3}", m.group("list"))})
        last = int(m.group("m") or m.group("m2"))
        value = 0
        if len(units) == 1 and k and points and last > points[-1]:
            more = range(points[-1] + k, last + 1, k)
            if 1 < len(points) + len(more) <= 60:
                value = len(points) + len(more)
        out.append(Stated(value, m.start(), m.end(), True, "schedule", (m.start("at"), m.end())))
    return out


# ---------------------------------------------------------------- a figure times N; re-dosing

# "1x10^6 cells/kg x 2", "1 x 10^6/kg x2, 4 weeks apart": a dose given N times (not "x 2
# patients", not a power of ten)
_FIGURE_X = re.compile(
    r"(?:\bcells?|MSCs?|/\s*kg|\bkg)\s*[x×]\s*(?P<n>\d{1,2})\b"
    r"(?!\s*(?:[\^.,]\d|\d|10|[x×*]|patients?|subjects?|participants?|cohorts?|groups?|arms?"
    r"|sites?|points?|mL|ml|cm|mm|vials?|bags?|hours?|days?|weeks?|months?|years?)\b)",
    re.IGNORECASE,
)
# "redosing at week 12", "re-infused at month 6", "re-injected after 3 months", "repeat after
# 1 month": one administration more (weak: what the first part states comes first)
_READMIN = re.compile(
    r"\b(?:re-?dos(?:ed|ing)|re-?infus(?:ed|ion)|re-?inject(?:ed|ion)|re-?administ\w*"
    r"|re-?transplant\w*|re-?implant\w*|repeat)\s+(?:(?:is|are|will\s+be)\s+\w+\s+)?"
    rf"(?:after|at|in|on)\s+(?:(?:day|week|month)\s*\d{{1,3}}|(?:{_NUM}|a|an|one)\s+"
    r"(?:days?|weeks?|months?|years?))\b",
    re.IGNORECASE,
)


def _figure_x_readmin(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    for m in _FIGURE_X.finditer(text, lo, hi):
        n = int(m.group("n"))
        if 1 < n <= 60:
            out.append(Stated(n, m.start(), m.end(), True, "schedule"))
    for m in _READMIN.finditer(text, lo, hi):
        stop = _end_within(_CLAUSE_END, text, m.end(), hi)
        a = max(lo, m.start() - _REACH)
        for e in _CLAUSE_END.finditer(text, max(lo, m.start() - 200), m.start()):
            a = e.end()
        if not _MAYBE.search(text, a, stop) and not _NOT_GIVING.search(text, a, m.start()):
            out.append(Stated(2, m.start(), m.end(), False, ""))
    return out


# ---------------------------------------------------------------- phases that add up

# "3 weekly injections followed by 3 monthly injections" = 6, "a loading dose followed by 3
# maintenance doses" = 4, "2 infusions one week apart, then 3 further infusions every month" = 5
_PHASE_N = rf"(?:{_NUM}|an?|one|single)"
_PHASES = re.compile(
    rf"\b(?P<n1>{_PHASE_N})\s+(?:(?!(?:and|then|followed|plus|of)\b)[\w-]+\s+){{0,2}}?{_NOUN}\b"
    r"(?P<mid>[^.;]{0,40}?)"
    r"\s*,?\s*(?:(?:and\s+)?then|followed\s+by|and\s+(?:an?\s+|the\s+)?[\w-]+\s+phase\s+of|plus)\s+"
    rf"(?P<n2>{_PHASE_N})\s+(?:(?!(?:and|then|of)\b)[\w-]+\s+){{0,2}}?{_NOUN}\b"
    r"(?!\s+of\s+(?:the\s+)?(?:placebo|saline|vehicle|control|sham))",
    re.IGNORECASE,
)
# "on 2 consecutive days per week for 2 weeks" = 4
_DAYS_PER_WEEK = re.compile(
    rf"\b(?:(?:on|for|over|during)\s+)?(?P<n>{_NUM})\s+(?:consecutive\s+)?days\s+(?:per|a|each|every)\s+week\s+"
    rf"(?:for|during|over)\s+(?P<m>{_NUM})\s+(?:consecutive\s+)?weeks\b",
    re.IGNORECASE,
)


def _phase_value(raw: str) -> int | None:
    low = raw.lower()
    return 1 if low in {"a", "an", "one", "single"} else parse_count(low)


_DPW_GATE = re.compile(r"days\s+(?:per|a|each|every)\s+week", re.IGNORECASE)
_ADMIN_NOUN_GATE = re.compile(r"infusion|injection|dose|administration|application|session", re.I)


def _phases(text: str, lo: int, hi: int) -> list[Stated]:
    out: list[Stated] = []
    nouns = _ADMIN_NOUN_GATE.finditer(text, lo, hi)
    two = next(nouns, None) is not None and next(nouns, None) is not None
    for m in _PHASES.finditer(text, lo, hi) if two else ():
        a, b = _phase_value(m.group("n1")), _phase_value(m.group("n2"))
        stop = _CLAUSE_END.search(text, m.end(), hi)
        if a is None or b is None or _MAYBE.search(text, m.start(), stop.start() if stop else hi):
            continue  # "2 infusions, then 2 more if there is no response": the extra is an option
        if _NOT_GIVING.search(m.group("mid")):
            continue
        if 1 < a + b <= 60:
            out.append(Stated(a + b, m.start(), m.end(), True, "schedule", (m.start(), m.end())))
    if not _DPW_GATE.search(text, lo, hi):
        return out
    for m in _DAYS_PER_WEEK.finditer(text, lo, hi):
        n, w = parse_count(m.group("n")), parse_count(m.group("m"))
        if n and w and 1 < n * w <= 60 and _giving_before(text, lo, m.start()):
            out.append(Stated(n * w, m.start(), m.end(), True, "schedule", (m.start(), m.end())))
    return out


def stated(text: str, lo: int = 0, hi: int | None = None) -> list[Stated]:
    """The counts this module's rules read in ``text[lo:hi]`` (cheap tests first: most
    sentences state no count)."""
    end = len(text) if hi is None else hi
    low = text[lo:end].lower()
    out: list[Stated] = []
    if _SESSION_GATE.search(low) and ("single" in low or "one" in low or "same" in low):
        out += _sessions(text, lo, end)
    ordinal = _ORDINAL_GATE.search(low) is not None
    if ordinal and "the " in low:
        out += _ordinal_points(text, lo, end)
    if " and " in low and _START_GATE.search(low):
        out += _again_later(text, lo, end)
    if "point" in low or "occasion" in low or "visit" in low:
        out += _time_points(text, lo, end)
    if _CYCLE_GATE.search(low):
        out += _cycles(text, lo, end)
    if "once" in low or "number of" in low or _ONE_X_GATE.search(low):
        out += _once_short(text, lo, end)
    if "day" in low and (
        "daily" in low or "a day" in low or "per day" in low or "every day" in low
    ):
        out += _daily_range(text, lo, end)
    if _REPEAT_GATE.search(low):
        out += _start_then_list(text, lo, end)
    if "every" in low and ("until" in low or "through" in low or " to " in low or "till" in low):
        out += _until(text, lo, end)
    if _N_X_GATE.search(low):
        out += _n_x(text, lo, end)
    if _FIGURE_X_GATE.search(low) or _READMIN_GATE.search(low):
        out += _figure_x_readmin(text, lo, end)
    if "puncture" in low or "lps" in low or "total of" in low:
        out += _punctures_totals(text, lo, end)
    if ordinal and " and " in low:
        out += _ordinal_lists(text, lo, end)
    if (
        "followed by" in low
        or "then" in low
        or "phase" in low
        or "plus" in low
        or "per week" in low
    ):
        out += _phases(text, lo, end)
    return out


_SESSION_GATE = re.compile(
    r"procedure|session|sitting|operation|surgery|catheteri|intervention|visit"
)
_START_GATE = re.compile(
    r"baseline|enrol|inclusion|randomi|admission|entry|day\s*[01]\b|(?:week|month)\s*0\b"
    r"|surger|operation|transplant|implantation|engraftment|visit"
)
_CYCLE_GATE = re.compile(r"\b(?:cycles?|courses?|rounds?)\b")
_ORDINAL_GATE = re.compile(r"\d(?:st|nd|rd|th)\b|first|second|third|fourth|fifth|sixth")
_ONE_X_GATE = re.compile(r"[x×]\s*1\b")
_REPEAT_GATE = re.compile(r"repeat|further|additional|booster|again|followed|then")
_FIGURE_X_GATE = re.compile(r"(?:cells?|mscs?|kg)\s*[x×]\s*\d")
_READMIN_GATE = re.compile(r"\bre-?(?:dos|infus|inject|administ|transplant|implant)|repeat")
_N_X_GATE = re.compile(r"\d\s?[x×](?!\s*\d)")


# ---------------------------------------------------------------- points across sentences

# One point of the schedule per sentence or line, each with a word of giving: "Day 0: MSC
# infusion. Day 7: MSC infusion. Day 14: MSC infusion." = 3.
_ONE_POINT = re.compile(
    r"\b(?:(?P<u>day|week|month)\s*(?P<d>[+-]?\d{1,3})|(?-i:D)(?P<d2>\d{1,3}))\b(?!\s*(?:-|–|to|,|and)\s*\d)",
    re.IGNORECASE,
)
_GIVING_NOUN = re.compile(
    r"infus|inject|administ|transplant|implant|instill|\bdos(?:e|ing)\b", re.IGNORECASE
)


_OTHER_AGENT = re.compile(
    r"\b(?:placebo|saline|vehicle|sham|control)\b|\d\s*(?:mg|µg|μg|mcg|ug|g|IU|mmol)\b"
    r"|\bday\s*-\s*\d",
    re.IGNORECASE,
)


def points_across(text: str, spans: list[tuple[int, int]]) -> Stated | None:
    """Consecutive sentences of ``spans`` that each state one point of the schedule and a word
    of giving (and nothing of taking or following), counted: two or more distinct points."""
    points: list[tuple[str, int, int]] = []
    for lo, hi in spans:
        found = list(_ONE_POINT.finditer(text, lo, hi))
        if len(found) != 1:
            continue
        if not _GIVING_NOUN.search(text, lo, hi) or _NOT_GIVING.search(text, lo, hi):
            continue
        if _OTHER_AGENT.search(text, lo, hi):
            return None  # "Placebo on day 0", "cyclophosphamide 50 mg/kg on day -3": not all cells
        if _MAYBE.search(text, lo, hi):
            continue
        m = found[0]
        unit = (m.group("u") or "day").lower()
        d = (m.group("d") or m.group("d2") or "").lstrip("+")
        points.append(("0" if d == "0" else f"{unit} {d}", m.start(), m.end()))
    distinct = {p for p, _, _ in points}
    if len(distinct) < 2 or len(points) != len(distinct):
        return None
    return Stated(len(distinct), points[0][1], points[-1][2], True, "points")


# ---------------------------------------------------------------- not giving

# Taking the cells' tissue, or following the patients: a count in such a clause is not the
# cells' ("bone marrow is aspirated twice", "two liposuction sessions", "patients are seen every
# 4 weeks for 6 months").
_NOT_GIVING = re.compile(
    r"\b(?:aspirat|harvest|liposuction|lipoaspirat|\w*apheres|biops|collect|obtain|thaw|wash|passag)"
    r"|\bdrawn\b|\bdraws?\b"
    r"|\btaken\b|\bsampl|\bseen\b|\breview|\bvisits?\b(?!\s*\d)|\bfollow[\s-]*ups?\b"
    r"|\bfollowed\s+(?:up|for)\b|\b(?:assess|evaluat|examin|measur)|\bscans?\b"
    r"|\bMRI\b|\bimaging|\bquestionnaire|\bmonitor|\bcontact|\b(?:tele)?phone",
    re.IGNORECASE,
)
_GIVING_CLAUSE = re.compile(
    r"infus|inject|administ|\bgiven\b|receiv|transplant|implant|deliver|instill|\btreat"
    r"|\bdoses?\b|\bdrip\b|\bIV\b|i\.v\.",
    re.IGNORECASE,
)
_SUB_CLAUSE = re.compile(r"[.;:](?=\s|$)|\n|,\s*(?:and|while|whereas|then)\s", re.IGNORECASE)


def not_giving(text: str, lo: int, pos: int, hi: int | None = None) -> bool:
    """The clause of ``pos`` (within ``text[lo:hi]``) is about taking the cells or following
    the patients and has no word of giving: a count there is not the cells'."""
    a = max(lo, pos - _REACH)
    for e in _SUB_CLAUSE.finditer(text, max(lo, pos - 150), pos):
        a = e.end()
    b = _end_within(_SUB_CLAUSE, text, pos, len(text) if hi is None else hi)
    return _NOT_GIVING.search(text, a, b) is not None and _GIVING_CLAUSE.search(text, a, b) is None


# ---------------------------------------------------------------- doses compared

# "A Phase 1/2 Study of Two Doses of MSCs", "two doses of MSCs are compared", "randomised to
# one of three doses": dose levels, not administrations (unless the sentence gives a schedule:
# "two doses of MSCs given 4 weeks apart").
_COMPARED = re.compile(
    r"\b(?:compar\w*|escalat\w*|versus|vs\.?|levels?|different|randomi[sz]\w*|one\s+of"
    r"|(?:study|trial|evaluation|comparison)\s+of|evaluat\w*|tested|explor\w*)\b",
    re.IGNORECASE,
)
_SCHEDULED = re.compile(
    r"\b(?:apart|interval\w*|later|every|weekly|monthly|daily|consecutive|once|twice"
    r"|(?:days?|weeks?|months?)\s+\+?\d|on\s+days?|at\s+(?:weeks?|months?|baseline)|each\s+patient"
    r"|(?:every|all)\s+patients?|patients?\s+receiv\w*|sessions?|times)\b",
    re.IGNORECASE,
)


def doses_compared(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` (a sentence or title with "N doses") compares dose levels and states no
    schedule: its "N doses" are levels, not administrations."""
    return _COMPARED.search(text, lo, hi) is not None and _SCHEDULED.search(text, lo, hi) is None


# ---------------------------------------------------------------- another agent's count

_CELLISH_WORDS = re.compile(r"\w*mscs?\b|\bcells?\b|\bstem\b|\bstromal\b", re.IGNORECASE)


def agent_before(text: str, lo: int, pos: int, agents: frozenset[str]) -> bool:
    """Between ``lo`` (a sentence's start) and ``pos``, the name of another agent given in the
    trial (``agents``, lower case) comes after the last word of the cells: a count or point at
    ``pos`` is the agent's ("MSCs on day 0 plus tocilizumab every 4 weeks for 3 doses")."""
    if not agents:
        return False
    before = text[lo:pos].lower()
    last_agent = max((before.rfind(a) for a in agents), default=-1)
    if last_agent < 0:
        return False
    cells = [m.end() for m in _CELLISH_WORDS.finditer(before)]
    return not cells or cells[-1] <= last_agent


# ---------------------------------------------------------------- background

# A sentence about earlier studies, animals or the literature, not this trial: "In a previous
# trial, two infusions of MSCs were safe", "In animal models, MSCs injected on days 1, 3 and 5".
# One that also speaks of this trial ("In this study", "patients will receive") keeps its count.
_BACKGROUND = re.compile(
    r"\b(?:(?:previous(?:ly)?|prior|earlier|published|our)\s+(?:(?:phase\s+\w+|pilot|clinical"
    r"|randomi[sz]ed|animal)\s+)?(?:studies|study|trials?|reports?|work|experience|research"
    r"|publications?)|pre-?clinical|animal\s+(?:models?|studies|experiments?)|mice|mouse|murine"
    r"|rats|rodents?|porcine|swine|canine|rabbits|primates|monkeys|et\s+al\b|literature"
    r"|meta-?analys[ie]s|(?:has|have)\s+been\s+(?:shown|reported|tested|studied|given|used"
    r"|administered|infused)|(?:study|studies|trials?)\s+(?:showed|demonstrated|found"
    r"|has\s+shown|have\s+shown|reported))",
    re.IGNORECASE,
)
_ET_AL_BEFORE = re.compile(r"\bet\s+al\.?\s*$", re.IGNORECASE)
_THIS_TRIAL = re.compile(
    r"\b(?:this\s+(?:study|trial|protocol)|(?:the\s+)?(?:present|current)\s+(?:study|trial)"
    r"|will|shall|we\s+(?:plan|propose|intend)|are\s+(?:randomi[sz]ed|enrolled|assigned)"
    r"|(?:each|every)\s+(?:patient|participant|subject)"
    r"|(?:patients?|participants?|subjects?)\s+(?:receive|are\s+(?:given|treated|infused"
    r"|injected)))\b",
    re.IGNORECASE,
)


def background(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` (a sentence) speaks of earlier studies, animals or the literature and
    not of this trial."""
    found = _BACKGROUND.search(text, lo, hi) or _ET_AL_BEFORE.search(text, max(0, lo - 12), lo)
    return found is not None and _THIS_TRIAL.search(text, lo, hi) is None
