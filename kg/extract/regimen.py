"""How many times the cells are given: "single", "3 infusions", "weekly for 4 weeks",
"every 2 weeks, 4 times", "Day 1 ... Day 4 ... Day 11 ... Day 18", "a subsequent infusion".

A *strong* count is stated outright; a *weak* one is read from wording such as "one
infusion ... and one infusion" or "a subsequent infusion". :func:`resolve` prefers the
strong counts and returns None where they disagree.

>>> resolve(find_counts("infused intravenously weekly for 4 weeks")).value
4
>>> resolve(find_counts("single infusion group; double infusion group")).value is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.text import NUMBER_WORDS, ORDINAL_WORDS, Sentences, parse_count, sentences_of

__all__ = ["Count", "Resolved", "drop_dose_levels", "find_counts", "resolve"]

_NUMWORD = "|".join(NUMBER_WORDS)
_N = rf"(?P<n>\d{{1,2}}|{_NUMWORD}|single|double|triple)"
_NOUN = (
    r"infusions?|injections?|doses?|administrations?|applications?|implantations?"
    r"|transplantations?|transfusions?|instillations?|inoculations?"
)
_BLOCKED_FILLER = (
    r"different|dose|doses|levels?|groups?|cohorts?|arms?|patients?|subjects?|participants?"
    r"|people|persons?|days?|weeks?|months?|years?|hours?|minutes?|times?|and|or|ml|mg|cc"
    r"|per|kg|million|millions|billion|thousand|x|min|h|hr|hrs|sec|by|of|with|from|to|in|at|on"
    r"|for|via|through|before|after"
)
_FILLER = rf"(?:(?!(?:{_BLOCKED_FILLER})\b)[A-Za-z][\w/+-]*|\([^()]{{1,15}}\))"
_N_NOUN = re.compile(
    rf"\b{_N}(?:\s*\(\d{{1,2}}\))?[\s-]+(?:{_FILLER}\s+){{0,6}}?(?P<noun>{_NOUN})\b"
    r"(?![\s-]+(?:levels?|groups?|cohorts?|arms?|escalation|regimens?|finding))",
    re.IGNORECASE,
)
_PER_PERIOD = re.compile(r"\s+(?:per|a|each|every)\s+(?:day|week|month|year|cycle)\b", re.I)
# "8 injections at designated sites", "20 injections ... (single procedure)": one session.
_AT_SITES = re.compile(
    r"[^.;]{0,80}?\b(?:sites?|points?|locations?|spots?|single\s+(?:procedure|session)"
    r"|(?:one|same)\s+(?:procedure|session))\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    rf"\b(?:(?P<n>\d{{1,2}}|{_NUMWORD})\s+times|(?P<w>twice|thrice))\b"
    r"(?!\s+(?:a|per|each|every|daily|weekly|monthly|the|higher|lower|more|less|greater|as|"
    r"that|than|normal|ULN|upper)\b)",
    re.IGNORECASE,
)
_ONCE = re.compile(r"\b(?:only\s+once|once\s+only|one[\s-]time|a\s+single\s+time)\b", re.I)
_FREQ_FOR = re.compile(
    r"\b(?:(?P<f>weekly|monthly|daily|once\s+(?:a|per|every)\s+(?:week|month|day)"
    r"|once\s+(?:weekly|monthly|daily)|every\s+(?:(?P<k>\d{1,2}|"
    + _NUMWORD
    + r")\s+)?(?P<fu>weeks?|months?|days?))"
    r"[\s,]+(?:for|during|over)\s+(?P<n>\d{1,2}|"
    + _NUMWORD
    + r")\s+(?:consecutive\s+|successive\s+)?(?P<u>weeks?|months?|days?))\b(?![\s-]*\d)",
    re.IGNORECASE,
)
_DAY_LIST = re.compile(r"\bdays?\s*(?P<d>\d{1,3}(?:\s*(?:,|and|&)\s*\d{1,3})*)\b", re.I)
_ADMIN_WORDS = re.compile(
    r"infus|inject|dose|administ|receive|given|transplant|implant|MSC|cells", re.IGNORECASE
)
_FOLLOW_WORDS = re.compile(r"follow|visit|assess|evaluat|measur|examin|test", re.IGNORECASE)
_ORDINAL = re.compile(
    r"\b(?P<o>second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)\s+(?:and\s+(?:last|final)\s+)?"
    r"(?:infusion|injection|dose|administration|implantation|transplantation)\b",
    re.IGNORECASE,
)
_SUBSEQUENT = re.compile(
    r"\b(?:subsequent|another|repeat(?:ed)?|booster)\s+(?:\w+\s+)?"
    r"(?:infusion|injection|dose|administration|implantation|transplantation)\b",
    re.IGNORECASE,
)
_ORDINAL_DIGITS = {"2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}
# "a second injection can be proposed": an option, not part of the regimen.
_CONDITIONAL = re.compile(
    r"\b(?:can|may|might|could|if|optional(?:ly)?|option|possibl\w*|discretion|in\s+case)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Count:
    """A number of administrations stated in a text, with its span."""

    value: int
    start: int
    end: int
    strong: bool
    noun: str = ""  # "doses", "infusions"... where the count names one


@dataclass(frozen=True, slots=True)
class Resolved:
    """The count a set of statements gives, or None with ``ambiguous`` where they disagree."""

    value: int | None
    evidence: Count | None
    ambiguous: bool


def _n_value(raw: str) -> tuple[int | None, bool]:
    low = raw.lower()
    if low == "single":
        return 1, True
    if low == "double":
        return 2, True
    if low == "triple":
        return 3, True
    value = parse_count(low)
    return value, value is not None and (value != 1 or low.isdigit())


def _noun_counts(text: str, lo: int, hi: int) -> list[Count]:
    out: list[Count] = []
    for m in _N_NOUN.finditer(text, lo, hi):
        value, strong = _n_value(m.group("n"))
        if value is None or value == 0 or value > 60:
            continue
        if _PER_PERIOD.match(text, m.end()) or _AT_SITES.match(text, m.end()):
            continue
        plural = m.group("noun").lower().endswith("s")
        if value == 1 and plural:
            continue
        fillers = len(text[m.start() : m.start("noun")].split()) - 1
        if value > 1 and not plural and fillers > 2:
            continue  # "25 M allogeneic MPCs by transendocardial injection" is no count
        out.append(Count(value, m.start(), m.end(), strong, m.group("noun").lower()))
    return out


def _freq_counts(text: str, lo: int, hi: int) -> list[Count]:
    out: list[Count] = []
    for m in _FREQ_FOR.finditer(text, lo, hi):
        n = parse_count(m.group("n"))
        unit = m.group("u").lower().rstrip("s")
        freq = (m.group("fu") or m.group("f")).lower()
        step = parse_count(m.group("k")) if m.group("k") else 1
        if n is None or step is None or step == 0 or unit not in freq:
            continue
        if n % step == 0 and 1 < n // step <= 60:
            out.append(Count(n // step, m.start(), m.end(), True))
    return out


def _day_counts(text: str, lo: int, hi: int) -> list[Count]:
    days: list[tuple[int, int, str]] = []
    for m in _DAY_LIST.finditer(text, lo, hi):
        for d in re.findall(r"\d{1,3}", m.group("d")):
            days.append((m.start(), m.end(), d))
    distinct = {d for _, _, d in days}
    if len(distinct) < 2:
        return []
    seg = text[lo:hi]
    if not _ADMIN_WORDS.search(seg) or _FOLLOW_WORDS.search(seg):
        return []
    return [Count(len(distinct), days[0][0], days[-1][1], True)]


def _conditional(text: str, sentences: Sentences, pos: int) -> bool:
    lo, hi = sentences.bounds(pos)
    return _CONDITIONAL.search(text, lo, hi) is not None


def find_counts(text: str, lo: int = 0, hi: int | None = None) -> list[Count]:
    """Every statement of a number of administrations in ``text[lo:hi]``."""
    end = len(text) if hi is None else hi
    out = _noun_counts(text, lo, end) + _freq_counts(text, lo, end)
    for m in _TIMES.finditer(text, lo, end):
        w = (m.group("w") or "").lower()
        value = 2 if w == "twice" else 3 if w == "thrice" else parse_count(m.group("n") or "")
        if value is not None and 1 < value <= 60:
            out.append(Count(value, m.start(), m.end(), True))
    out += [Count(1, m.start(), m.end(), True) for m in _ONCE.finditer(text, lo, end)]
    out += _day_counts(text, lo, end)
    sentences = sentences_of(text)
    for m in _ORDINAL.finditer(text, lo, end):
        if not _conditional(text, sentences, m.start()):
            o = m.group("o").lower()
            value = ORDINAL_WORDS.get(o) or _ORDINAL_DIGITS[o]
            out.append(Count(value, m.start(), m.end(), False))
    for m in _SUBSEQUENT.finditer(text, lo, end):
        if not _conditional(text, sentences, m.start()):
            out.append(Count(2, m.start(), m.end(), False))
    out.sort(key=lambda c: c.start)
    return out


def drop_dose_levels(counts: list[Count], levels: int) -> list[Count]:
    """Drop "three doses" where the text lists three dose figures: those are dose levels."""
    if levels < 2:
        return counts
    return [c for c in counts if not (c.noun.startswith("dose") and c.value == levels)]


def resolve(counts: list[Count]) -> Resolved:
    """One count from several statements: the strong ones if they agree, else the weak ones."""
    strong = [c for c in counts if c.strong]
    if strong:
        values = {c.value for c in strong}
        if len(values) == 1:
            return Resolved(strong[0].value, strong[0], False)
        return Resolved(None, None, True)
    if not counts:
        return Resolved(None, None, False)
    best = max(counts, key=lambda c: c.value)
    return Resolved(best.value, best, False)
