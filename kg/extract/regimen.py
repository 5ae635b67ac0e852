"""How many times the cells are given: "single", "3 infusions", "weekly for 4 weeks",
"every 2 weeks, 4 times", "Day 1 ... Day 4 ... Day 11 ... Day 18", "a subsequent infusion".

A *strong* count is stated outright or as a schedule that multiplies out ("three infusions
a week for two weeks" = 6, "twice weekly for two weeks" = 4, "twice a week for two weeks and
weekly for two weeks" = 6, "on five consecutive days" = 5, "on days 1, 8, 15 and 22" = 4, "at
months 0 and 3" = 2, "administered once" = 1); a *weak* one is read from wording such as
"one infusion ... and one infusion", "a subsequent infusion", "then a second six weeks
later". A cap or a range is no count ("up to three infusions", "6-9 monthly infusions",
"two or three injections"), nor is an option ("may be repeated once") or an open-ended
frequency ("monthly"). :func:`resolve` prefers the strong counts and returns None where they
disagree; sub-groups named by different counts ("single infusion group ... double infusion
group") make the count unclear. A drug's days or schedule ("cyclophosphamide 500 mg/m2 on days
1, 8 and 15"), visits, samples and scans are no count; :func:`start_point` reads "at baseline
(day 0)" as one administration where nothing else is stated (the convention's one stated point).

Groups (:func:`group_tokens`, :func:`owner_of`, :func:`group_segments`): the names of
groups, cohorts, arms and dose levels in a text, the group a figure is named for, and the
stretch of text that belongs to a group, for :mod:`kg.extract.annotate` to give each arm
its own figure and count.

>>> resolve(find_counts("infused intravenously weekly for 4 weeks")).value
4
>>> resolve(find_counts("single infusion group; double infusion group")).value is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from kg.extract.schedules import (
    agent_before,
    background,
    doses_compared,
    local_portions,
    not_giving,
    per_place,
    points_across,
    scheduled_after,
    session_after,
    stated,
)
from kg.extract.text import (
    NUMBER_WORDS,
    ORDINAL_WORDS,
    Sentences,
    clause_bounds,
    parse_count,
    sentences_of,
)

__all__ = [
    "Count",
    "Names",
    "Resolved",
    "counts_across",
    "drop_dose_levels",
    "find_counts",
    "group_counts",
    "more_stated",
    "resolve",
    "respective_groups",
    "start_point",
]

_NUMWORD = "|".join(NUMBER_WORDS)
_N = rf"(?P<n>\d{{1,2}}|{_NUMWORD}|single|double|triple|quadruple)"
_NOUN = (
    r"infusions?|injections?|doses?|administrations?|applications?|implantations?"
    r"|transplantations?|transfusions?|instillations?|inoculations?|sessions?|rounds?"
    r"|deliver(?:y|ies)|occasions?"
)
_BLOCKED_FILLER = (
    r"(?:different|dose|doses|levels?|groups?|cohorts?|arms?|patients?|subjects?|participants?"
    r"|people|persons?|days?|weeks?|months?|years?|hours?|minutes?|times?|and|or|ml|mg|cc"
    r"|per|kg|million|millions|billion|thousand|x|min|h|hr|hrs|sec|by|of|with|from|to|in|at|on"
    r"|for|via|through|before|after|a|an|the|will|would|shall|be|been|is|are|was|were"
    r"|receives?|received|receiving|given|gets?|undergo\w*|single|double|triple|"
    + "|".join(NUMBER_WORDS)
    + r")"
)
_FILLER = rf"(?:(?!(?:{_BLOCKED_FILLER})\b)[A-Za-z][\w/+-]*|\([^()]{{1,15}}\))"
_N_NOUN = re.compile(
    rf"\b{_N}(?:\s*\(\d{{1,2}}\))?[\s-]+(?:{_FILLER}\s+){{0,6}}?(?P<noun>{_NOUN})\b"
    # "a two-dose regimen" is a count, "single- and multiple-dose regimens" are not
    r"(?![\s-]+(?:levels?|groups?|cohorts?|arms?|escalation|regimens|finding))",
    re.IGNORECASE,
)
# "single infusion group; double infusion group": sub-groups with their own counts.
_GROUP_COUNT = re.compile(
    rf"\b{_N}[\s-]+(?P<noun>infusions?|injections?|administrations?|transplantations?)"
    r"[\s-]+(?:groups?|cohorts?|arms?)\b",
    re.IGNORECASE,
)
# "1 infusion every 2 weeks": a rate, not a count
_PER_PERIOD = re.compile(
    rf"(?:\s+(?:per|a|each|every)\s+(?:(?:\d{{1,2}}|other|{_NUMWORD})\s+)?|\s*/\s*)"
    r"(?:days?|weeks?|months?|years?|cycles?)\b",
    re.I,
)
# "8 injections at designated sites", "20 injections ... (single procedure)": one session.
_AT_SITES = re.compile(
    r"[^.;]{0,80}?\b(?:sites?|points?|locations?|spots?|single\s+(?:procedure|session)"
    r"|(?:one|same)\s+(?:procedure|session))\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    rf"\b(?:(?P<n>\d{{1,2}}|{_NUMWORD})\s+(?:(?:consecutive|successive|separate)\s+)?times"
    r"|(?P<w>twice|thrice))\b"
    r"(?!\s+(?:a|per|each|every|daily|weekly|monthly|the|higher|lower|more|less|greater|as|"
    r"that|than|normal|ULN|upper)\b)",
    re.IGNORECASE,
)
_ONCE = re.compile(
    r"\b(?:only\s+once|once\s+only|one[\s-]time|a\s+single\s+time|single[\s-]shot)\b", re.I
)
# A schedule: a rate ("twice weekly", "three infusions a week", "every 2 weeks", "daily")
# for a duration ("for two weeks", "for the first 4 weeks", "for 5 consecutive days").
_NUM = rf"(?:\d{{1,2}}|{_NUMWORD})"
_RATE = (
    # "one infusion of MSCs per week", "1 injection of 2 x 10^7 cells each month"
    rf"(?:(?P<rn>{_NUM}|twice|thrice|once)\s+(?:times?\s*|(?:{_NOUN})(?:\s+of(?:\s+[^\s.;,]+){{1,5}}?)?\s*)?"
    r"(?:(?:a|per|each|every)\s+|/\s*)(?P<rp>day|week|month)"
    rf"|(?P<an>{_NUM}\s+times|twice|thrice|once)\s+(?P<ap>daily|weekly|monthly)"
    r"|(?P<f>daily|weekly|monthly|fortnightly)"
    # the prescription shorthand: "q.d. for 3 days", "qw for 4 weeks", "biw for 2 weeks"
    r"|(?<![\w.])(?P<qs>q\.?d|q\.?w|b\.?i\.?w|t\.?i\.?w)\.?(?=\s)"
    r"|/\s*(?P<sl>day|week|month)\b"  # "1 x 10^6/kg/week for 4 weeks"
    # "1 x 10^6 cells/kg per week for three weeks": a figure per period
    r"|(?:(?<=cells)|(?<=/kg)|(?<=MSCs))\s+per\s+(?P<pp>day|week|month)\b"
    rf"|every\s+(?:(?P<k>\d{{1,2}}|{_NUMWORD}|other)\s+)?(?P<fu>days?|weeks?|months?)"
    r"|(?:on\s+)?alternate\s+(?P<alt>days|weeks))"
)
_DURATION = (
    r"(?:[\s,]+(?:for|during|over)\s+(?:a\s+(?:period|total)\s+of\s+)?"
    r"(?:the\s+)?(?:(?:first|following|next|subsequent|last)\s+)?"
    # "Frequency: once a week; Duration: 4 weeks"
    r"|[\s,;.]+(?:(?:total|treatment)\s+)?duration(?:\s+of\s+(?:the\s+)?treatment)?\s*[:=-]?\s*"
    r"(?:of\s+)?"
    # "1 time/day, 5 days": the duration after a comma alone
    r"|(?P<c>\s*,\s*))"
    rf"(?P<n>{_NUM}|an?)\s+(?:consecutive\s+|successive\s+)?(?P<u>days?|weeks?|months?|years?)\b"
    r"(?![\s-]*\d)"
    r"(?(c)(?!\s+(?:after|before|later|post|following|from|of|apart|ago|prior|since)\b))"
)
# "weekly infusions for 4 weeks": the administration's noun may sit between the two
# "weekly intravenous MSC infusions over 4 weeks": two words may come before it
# "once weekly (±2 days) for 4 weeks": a tolerance between the rate and the duration
_TOLERANCE_IN = r"(?:\s*\(\s*(?:±|\+\s*/\s*-)[^()]{1,15}\))?"
_SCHEDULE = re.compile(
    rf"\b{_RATE}(?:(?:\s+[\w-]+){{0,2}}?\s+(?:{_NOUN}))?{_TOLERANCE_IN}{_DURATION}", re.IGNORECASE
)
_SCHEDULE_WORDS = ("day", "dail", "week", "month", "every", "alternate", "fortnight")
_CHAIN = re.compile(r"\s*,?\s*(?:and|then|followed\s+by|,)\s+(?:then\s+)?$", re.IGNORECASE)
# "on five consecutive days", "for 3 consecutive days": once a day.
_CONSECUTIVE_DAYS = re.compile(
    rf"\b(?:on|for|over|during)\s+(?P<n>{_NUM})\s+(?:consecutive|successive)\s+days\b",
    re.IGNORECASE,
)
_DAYS_PER = {"day": 1, "week": 7}
# How many of a rate's unit make one of the duration's unit ("every 2 months for 1 year" = 6,
# "every 2 weeks for 2 months" = 4, a month counted as four weeks).
_UNITS_IN: dict[tuple[str, str], int] = {
    ("day", "week"): 7,
    ("week", "month"): 4,
    ("month", "year"): 12,
}
# A day list may miss a comma ("day 0, 3 6"): a space alone parts two days only where the list
# has another separator, the days rise, and the next number is no figure ("day 0, 3 70 million").
_SPACE_GAP = (
    r"\s+(?=\d{1,3}\b(?!\s*(?:\.\d|,\d+\s*(?:[x×X*^]|(?i:million|billion))|[x×X*^%]|-|–|to\b"
    r"|(?i:million|billion|mill|cells?"
    r"|patients?|subjects?|mg|ml|kg|hours?|hrs?|h\b|min|minutes?|days?|weeks?|months?))))"
)
_DAY_LIST = re.compile(
    r"(?:\b(?P<u>(?i:days?|weeks?|months?))\s*|(?<![Vv]itamin\s)\b[Dd](?=\d{1,3}\b))"
    # "days 0, +7 and +14": days counted from the first
    rf"(?P<d>\+?\d{{1,3}}(?:(?:\s*(?:,\s*(?:and\s+)?|and|&|/)\s*|{_SPACE_GAP})\+?\d{{1,3}})*)\b"
    r"(?!\s*(?:-|–|to|through|until|till)\s*(?:(?i:days?|weeks?|months?)\s*|[Dd])?\d)"
)


def _day_list_members(listed: str) -> list[str]:
    """The days of a day list: "0, 3 6" gives 0, 3, 6 (a comma missed); a space alone counts
    only in a list with another separator whose days rise, else the list ends before it."""
    parts = re.split(r"(\s*(?:,\s*(?:and\s+)?|and|&|/)\s*|\s+)", listed)
    days, gaps = parts[::2], parts[1::2]
    spaced = [i for i, g in enumerate(gaps) if not g.strip()]
    if spaced:
        values = [int(d) for d in days]
        rising = all(a < b for a, b in pairwise(values))
        if len(spaced) == len(gaps) or not rising:
            return days[: spaced[0] + 1]
    return days


# "weekly x 4", "every 2 weeks × 3": a frequency times a count.
_FREQ_X = re.compile(
    r"\b(?:weekly|daily|monthly|every\s+(?:\d{1,2}\s+)?(?:days?|weeks?|months?)"
    # the prescription shorthand: "q2w x 3", "q4w × 4", "qw x 3"
    r"|q\s?\d{0,2}\s?(?:w|wks?|weeks?|d|days?|m|months?)"
    # "MSC injection x 2", "infusions × 3": the administration times a count
    r"|(?:infusions?|injections?|doses?|administrations?|implantations?|transplantations?))"
    r"\s*[x×]\s*"
    r"(?P<n>\d{1,2})\b(?!\s*(?:10|\^|[.,]\d|days?|weeks?|months?))",
    re.IGNORECASE,
)
# "weekly x 4 weeks", "once daily x 5 days": a step of one unit for that many units.
_FREQ_X_UNITS = re.compile(
    r"\b(?:(?:once\s+)?(?P<f>weekly|daily|monthly)|once\s*(?:/|a|per|every)\s*(?P<f2>week|day|month)"
    # the prescription shorthand: "qd x 5 days", "q.w. x 4 weeks"
    r"|q\.?(?P<q>d|w)\.?)"
    r"\s*[x×]\s*(?P<n>\d{1,2})\s+"
    r"(?P<u>days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_FREQ_UNIT = {"weekly": "week", "daily": "day", "monthly": "month"}
# "on day 0 only", "only on day 1": one stated point of the schedule, said to be the only one.
_ONLY_DAY = re.compile(
    r"\b(?:(?:on|at)\s+day\s+\d{1,3}\s+only|only\s+(?:on|at)\s+day\s+\d{1,3})\b", re.IGNORECASE
)
# "the injection will be repeated after 3 months", "repeated once", "is repeated 2 weeks
# later": a second administration.
# "MSC infusion, repeated at 6 months": the participle after the administration
_REPEATED = re.compile(
    r"(?:\b(?:will\s+be|is|are|was|were|to\s+be|being)|,|\band)\s+repeated\s+(?:once\b|(?:after|at|on|in"
    rf"|following)\b|(?:\d{{1,2}}|a|an|{_NUMWORD})\s+(?:days?|weeks?|months?)\s+later\b)",
    re.IGNORECASE,
)
# "at months 0 and 3", "at weeks 0, 4 and 8", "at 0, 4, and 8 weeks", "at baseline and 6 months"
_LIST_SEP = r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)"
_POINT_UNIT = r"(?:hours?|days?|weeks?|months?)"
_POINT_LIST = re.compile(
    # "infused at 1, 3 and 6 months", "infused 1, 3 and 6 months after surgery"
    r"(?:\b(?:at|on|in)\s+|(?<=infused\s)|(?<=injected\s)|(?<=given\s)|(?<=administered\s))"
    rf"(?:(?P<u1>weeks|months)\s+(?P<d1>\d{{1,2}}(?:{_LIST_SEP}\d{{1,2}})+)"
    # "at baseline, 3 months and 6 months", "at 1 month, 2 months and 3 months"
    rf"|(?P<d3>(?:baseline|\d{{1,3}}\s+{_POINT_UNIT})(?:{_LIST_SEP}(?:at\s+)?\d{{1,3}}\s+"
    rf"{_POINT_UNIT})+)"
    rf"|(?P<d2>(?:baseline|\d{{1,2}})(?:{_LIST_SEP}(?:at\s+)?(?:month\s+)?\d{{1,2}})+)\s+"
    rf"(?P<u2>{_POINT_UNIT}))\b(?![\s-]+(?:later|from|old|ago))",
    re.IGNORECASE,
)
# "administered once", "injected once along the fistula", "given once intravenously".
_ONCE_VERB = re.compile(
    r"\b(?:given|administered|administrated|injected|infused|transplanted|implanted|applied"
    r"|delivered|instilled|treated|performed|done|received|receive|receives"
    # the route as an adverb: "1 x 10^6 MSCs/kg intravenously once", "IV once"
    r"|intravenously|intra-?[a-z]+ly|subcutaneously|intramuscularly|intradermally|topically"
    r"|locally|(?<![\w(])i\.?v\.?(?![\w)])"
    # the cells or their figure: "1 x 10^6 cells/kg of MSCs once;"
    r"|[\w-]*MSCs?(?:/kg)?|cells?(?:/kg)?)"
    r"(?:\s+[\w-]+){0,2}?\s+once\b"
    # "once" as an adverb (not "once a week", not "once they are stable")
    r"(?=\s*(?:[,.;:()]|$|(?:intra-?\w+|i\.?v\.?|iv|only|at|on|into|along|with|by|via|during"
    r"|through|and|as\s+a|in\s+(?:the|one|a\s+single)|to\s+(?:the|each))\b))",
    re.IGNORECASE,
)
# "once" closing a list of the product's facts, as registries write an intervention field
# ("MSCs 3 x 10^5 cells/kg, intravenous, once", "... into the lower limb, once."); not "once a
# week" nor "once they are stable" (only an end of the list may follow).
# "..., 1 time" (as Chinese registries write "once") closes a list the same way.
_ONCE_ITEM = re.compile(
    r"[,;]\s*(?P<w>once|1\s+times?)(?=\s*(?:[.;)]|$))", re.IGNORECASE | re.MULTILINE
)
# A count that is a cap or a range is not a stated count ("up to three infusions", "6-9").
_CAP_BEFORE = re.compile(
    rf"(?:\bup\s+to|\bmaximum(?:\s+of)?|\bmax\.?|\bat\s+most|\bno\s+more\s+than|\bnot\s+more\s+than"
    rf"|\bnot\s+(?:to\s+)?exceed(?:ing)?|\bas\s+many\s+as|\bat\s+least|\bminimum(?:\s+of)?"
    rf"|(?:\b(?:{_NUM}|once|twice|thrice))\s*(?:-|–|—|to|or)\s*)\s*$",
    re.IGNORECASE,
)
_GROUP_NUMBER = re.compile(r"\b(?:group|cohort|arm|stratum|part|level)\s*\d{1,2}\s*$", re.I)
_RANGE_AFTER = re.compile(
    rf"\s*(?:-|–|—|to|or)\s*(?:{_NUM}|twice|thrice)\b|\s+or\s+more\b", re.IGNORECASE
)
_IN_A_NUMBER = re.compile(r"(?:[\^.,/×*\d]|\d[eE]|10\s|10\()$")
_TIME_POINT_BEFORE = re.compile(r"\b(?:days?|weeks?|months?|years?|visit|hours?|D)\s*[+-]?$", re.I)
_AT_A = re.compile(r"\bat\s+a\s+$", re.IGNORECASE)
# "20 million cells divided into 10 injections": portions of one session, not administrations.
_SPLIT_WORD = re.compile(r"divided|split|distributed|fractionated|spread", re.IGNORECASE)
_DIVIDED = re.compile(
    r"\b(?:divided|split|distributed|fractionated|spread|delivered|given)\s+(?:in|into|over|among"
    r"|across|as)\s*$",
    re.IGNORECASE,
)
# "a first injection ..., then a second six weeks later"
_SECOND_LATER = re.compile(
    r"\b(?:then|and|followed\s+by)\s+(?:a|the)\s+(?P<o>second|third|fourth)\b"
    r"(?:\s+(?:one|dose|infusion|injection|administration))?"
    r"(?:\s+[\w-]+){0,3}?\s+(?:days?|weeks?|months?)\s+later\b",
    re.IGNORECASE,
)
_ADMIN_WORDS = re.compile(
    r"infus|inject|dos(?:e|ing)|administ|receive|given|transplant|implant|MSC|cells", re.IGNORECASE
)
_OTHER_THING = re.compile(r"\b(?:placebo|saline|vehicle|sham|control)\b", re.IGNORECASE)
_FOLLOW_WORDS = re.compile(
    r"follow|visit|assess|evaluat|measur|examin|test|sampl|collect|drawn|aspirat|biops|MRI|scan"
    r"|imaging|questionnaire|record|monitor",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"\b(?P<o>second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)\s+(?:and\s+(?:last|final)\s+)?"
    # "second MSC infusion", "second intravenous injection"; not "second highest dose"
    r"(?:(?!(?:highest|lowest|higher|lower|largest|smallest|dose|level|cohort|group|line)\b)"
    r"[\w-]+\s+){0,2}?"
    r"(?:infusion|injection|dose|administration|implantation|transplantation)\b"
    r"(?![\s-]+(?:levels?|cohorts?|groups?|arms?))",
    re.IGNORECASE,
)
_SUBSEQUENT = re.compile(
    r"\b(?:subsequent|another|repeat(?:ed)?|booster)\s+(?:\w+\s+)?"
    r"(?:infusion|injection|dose|administration|implantation|transplantation)\b"
    # "with a booster at week 12": a booster of the cells named no further
    r"|\ba\s+booster\b(?!\s+(?:vaccin\w*|shots?|of\s+(?!(?:the\s+)?(?:cells?|MSCs?)\b)))",
    re.IGNORECASE,
)
_ORDINAL_DIGITS = {"2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6}
# "a second injection can be proposed": an option, not part of the regimen.
_CONDITIONAL = re.compile(
    r"\b(?:can|may|might|could|if|optional(?:ly)?|option|possibl\w*|discretion|in\s+case"
    # given only to some: "patients without a response", "non-responders", "who relapse"
    r"|non-?respon\w*|(?:partial|poor|incomplete)\s+respon\w*|responders?"
    r"|without\s+(?:a\s+)?(?:response|improvement)|unless|depending"
    r"|(?:who|that)\s+(?:do\s+not\s+|did\s+not\s+|fail\w*\s+to\s+)?(?:respond|relapse|improve)\w*"
    r"|in\s+(?:the\s+)?(?:absence|event)\s+of)\b",
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
    if low == "quadruple":
        return 4, True
    value = parse_count(low)
    return value, value is not None and (value != 1 or low.isdigit())


def _capped(text: str, start: int, end: int) -> bool:
    """A count written as a cap or a range ("up to three", "6-9", "two or three", "2 or more");
    not "Cohort 2 - two infusions" (a group's number, then a count in words)."""
    digits = text[start:end].isdigit()
    lo = max(0, start - 25)
    m = _CAP_BEFORE.search(text, lo, start)
    if m is not None:
        lead = re.match(r"\s*(\w+)", m.group(0))
        number = lead.group(1) if lead is not None else ""
        group_number = _GROUP_NUMBER.search(
            text, lo, m.start() + len(lead.group(0) if lead else "")
        )
        if not (number.isdigit() and not digits and group_number is not None):
            return True
    return _RANGE_AFTER.match(text, end) is not None


def _noun_counts(text: str, lo: int, hi: int) -> list[Count]:
    out: list[Count] = []
    pos = lo
    while True:
        m = _N_NOUN.search(text, pos, hi)
        if m is None:
            return out
        count = _noun_count(text, m)
        if count is None:
            pos = m.start() + 1  # "Cohort 2 - two infusions": try "two infusions" too
            continue
        out.append(count)
        pos = m.end()


# "a single transendocardial delivery", "one delivery of 20 million MSCs": a delivery counts
# only as the delivery of the cells (a way in named before it, or cells after it), and never
# beside a word of childbirth ("two vaginal deliveries", "a single caesarean delivery").
_DELIVERY_OF_CELLS = re.compile(
    r"\s+of\s+(?:[\w()+/^.-]+\s+){0,5}?(?:\d|cells?\b|\w*MSC|stem\b|stromal\b|mesenchymal\b)",
    re.IGNORECASE,
)
_DELIVERY_WAY = re.compile(
    r"\b(?:intra-?\w+|trans-?\w+|intravenous|local|endoscopic|percutaneous|catheter\w*"
    r"|surgical|subcutaneous|topical|cell)\b",
    re.IGNORECASE,
)
_CHILDBIRTH = re.compile(
    r"\b(?:vaginal|caesarean|cesarean|c-section|obstetric\w*|childbirths?|births?|labou?r"
    r"|parity|parous|multiparous|gravid\w*|twins?|instrumental|forceps|vacuum)\b",
    re.IGNORECASE,
)


def _cells_delivered(text: str, m: re.Match[str]) -> bool:
    if _CHILDBIRTH.search(text, max(0, m.start() - 60), min(len(text), m.end() + 60)):
        return False
    fillers = text[m.end("n") : m.start("noun")]
    return (
        bool(_DELIVERY_WAY.search(fillers)) or _DELIVERY_OF_CELLS.match(text, m.end()) is not None
    )


def _noun_count(text: str, m: re.Match[str]) -> Count | None:
    if m.group("noun").lower().startswith("deliver") and not _cells_delivered(text, m):
        return None
    value, strong = _n_value(m.group("n"))
    if value is None or value == 0 or value > 60:
        return None
    multiple = {"double", "triple", "quadruple"}
    if m.group("n").lower() in multiple and m.group("noun").lower().startswith("dose"):
        return None  # "Double dose": twice the amount of cells, not two administrations
    if _AT_A.search(text, max(0, m.start() - 6), m.start()):
        return None  # "administered at a single dose (of 5 x 10^7)": one dose level
    if _IN_A_NUMBER.search(text, max(0, m.start() - 4), m.start()):
        return None  # "1x10^6 MSC/kg dose": the 6 is an exponent
    if _TIME_POINT_BEFORE.search(text, max(0, m.start() - 8), m.start()):
        return None  # "Week 4 - MSC injection": a point of the schedule, not a count
    if _PER_PERIOD.match(text, m.end()) or _AT_SITES.match(text, m.end()):
        return None
    if session_after(text, m.end(), len(text)):
        return None  # "20 injections ... during the same catheterisation": one session
    if local_portions(text, m.start(), m.start("noun"), value, len(text)):
        return None  # "15 transendocardial injections": the portions of one session
    if (
        value > 1
        and m.group("noun").lower().startswith("injection")
        and per_place(text, m.end(), len(text))
    ):
        return None  # "2 injections of MSCs, one in each knee": one session
    noun = m.group("noun").lower()
    # a session is an administration: "given in two sessions" counts, unlike "given in 10
    # injections" (portions of one session); so are doses given ("given in four doses", "given
    # as one infusion"), unlike a figure "divided into 4 doses"
    divided = _DIVIDED.search(text, max(0, m.start() - 30), m.start())
    if divided is not None and (
        noun.startswith(("session", "round", "occasion"))
        or value == 1
        or (noun.startswith("dose") and not _SPLIT_WORD.match(divided.group(0)))
        # "given as three infusions, one week apart": a schedule, not portions
        or (not _SPLIT_WORD.match(divided.group(0)) and scheduled_after(text, m.end()))
    ):
        divided = None
    if _capped(text, m.start("n"), m.end("n")) or divided is not None:
        return None
    plural = m.group("noun").lower().endswith("s")
    if value == 1 and plural:
        return None
    fillers = len(text[m.start() : m.start("noun")].split()) - 1
    if value > 1 and not plural and fillers > 2:
        return None  # "25 M allogeneic MPCs by transendocardial injection" is no count
    return Count(value, m.start(), m.end(), strong, m.group("noun").lower())


def _rate(m: re.Match[str]) -> tuple[int, str, int] | None:
    """(administrations per step, unit of the step, step) of a schedule's rate."""
    raw = m.group("rn") or m.group("an") or ""
    if raw:
        low = raw.lower().replace(" times", "")
        n = {"twice": 2, "thrice": 3, "once": 1}.get(low) or parse_count(low)
        unit = (m.group("rp") or m.group("ap") or "").lower()
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}.get(unit, unit)
        return (n, unit, 1) if n else None
    if m.group("qs"):
        q = m.group("qs").lower().replace(".", "")
        return {"qd": (1, "day", 1), "qw": (1, "week", 1), "biw": (2, "week", 1)}.get(
            q, (3, "week", 1)
        )
    if m.group("sl"):
        return 1, m.group("sl").lower(), 1
    if m.group("pp"):
        return 1, m.group("pp").lower(), 1
    if m.group("f"):
        f = m.group("f").lower()
        return {"daily": (1, "day", 1), "weekly": (1, "week", 1), "monthly": (1, "month", 1)}.get(
            f, (1, "week", 2)
        )
    if m.group("alt"):
        return 1, m.group("alt").lower().rstrip("s"), 2
    k = (m.group("k") or "1").lower()
    step = 2 if k == "other" else parse_count(k)
    return (1, m.group("fu").lower().rstrip("s"), step) if step else None


def _schedule_value(m: re.Match[str]) -> int | None:
    rate = _rate(m)
    raw_n = m.group("n").lower()
    n = 1 if raw_n in {"a", "an"} else parse_count(raw_n)
    if rate is None or n is None:
        return None
    per, unit, step = rate
    dur_unit = m.group("u").lower().rstrip("s")
    if dur_unit == unit:
        span = n
    elif unit in _DAYS_PER and dur_unit in _DAYS_PER:
        span = n * _DAYS_PER[dur_unit]
        if span % _DAYS_PER[unit]:
            return None
        span //= _DAYS_PER[unit]
    elif (unit, dur_unit) in _UNITS_IN:
        span = n * _UNITS_IN[(unit, dur_unit)]
    else:
        return None
    if span % step:
        return None
    return per * (span // step)


# A drug's amount before "/day": "mg/kg/day", "µg/kg/day", "IU/day".
_DRUG_PER_KG = re.compile(
    r"(?<![^\W\d])(?:mg|µg|μg|mcg|ug|g|IU|U|ml)\s*(?:/\s*kg)?$", re.IGNORECASE
)


# A drug's amount ("500 mg/m2", "10 mg", "2 g"), or taking by mouth, in the clause before a
# schedule makes the schedule the drug's: "Cyclophosphamide 500 mg/m2 on days 1, 8 and 15",
# "prednisone 10 mg daily for 4 weeks" (unless the cells are named between).
_DRUG_AMOUNT = re.compile(
    r"\d\s*(?:mg|µg|μg|mcg|ug|g|IU|mmol)\b|\b(?:orally|oral|tablets?|capsules?|p\.?o\.?)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[.;:]\s|,\s*(?:then|and|followed\s+by|while|plus)\b|\b(?:then|followed\s+by|plus|after\s+which)\b",
    re.IGNORECASE,
)
_CELLISH = re.compile(r"\w*MSCs?\b|\bcells?\b|\bstem\b|\bstromal\b", re.IGNORECASE)


def _drug_clause(text: str, lo: int, start: int) -> bool:
    """The clause before ``start`` is about a drug: it states a drug's amount or an oral
    form and names no cells."""
    a = max(lo, start - 100)
    for m in _CLAUSE_BREAK.finditer(text, a, start):
        a = m.end()
    return _DRUG_AMOUNT.search(text, a, start) is not None and not _CELLISH.search(text, a, start)


def _other_clause(text: str, lo: int, start: int) -> bool:
    """The clause before ``start`` gives something else (placebo, saline, vehicle, sham) and
    names no cells."""
    a = max(lo, start - 100)
    for m in _POINT_CLAUSE_BREAK.finditer(text, a, start):
        a = m.end()
    return _OTHER_THING.search(text, a, start) is not None and not _CELLISH.search(text, a, start)


_POINT_CLAUSE_BREAK = re.compile(r"[.;:,]\s|\b(?:then|followed\s+by|and)\b", re.IGNORECASE)


def _schedule_counts(text: str, lo: int, hi: int) -> list[Count]:
    """Schedules multiplied out; "twice a week for two weeks and weekly for two weeks" = 6."""
    out: list[Count] = []
    for m in _SCHEDULE.finditer(text, lo, hi):
        if m.group("sl") and _DRUG_PER_KG.search(text, max(lo, m.start() - 12), m.start()):
            continue  # "ATG 3.5 mg/kg/day during 5 days": a drug's schedule
        if _FOLLOW_WORDS.search(text, max(lo, m.start() - 25), m.start()):
            continue  # "patients are evaluated weekly for 4 weeks": visits, not administrations
        if _drug_clause(text, lo, m.start()):
            continue  # "prednisone 10 mg daily for 4 weeks"
        value = _schedule_value(m)
        if value is None:
            continue
        if out and _CHAIN.fullmatch(text, out[-1].end, m.start()) and out[-1].noun == "schedule":
            prev = out.pop()
            out.append(Count(prev.value + value, prev.start, m.end(), True, "schedule"))
        elif 1 < value <= 60:
            out.append(Count(value, m.start(), m.end(), True, "schedule"))
    out = [c for c in out if 1 < c.value <= 60]
    taken = [(c.start, c.end) for c in out]
    for m in _CONSECUTIVE_DAYS.finditer(text, lo, hi):
        n = parse_count(m.group("n"))
        if n and 1 < n <= 60 and not any(a <= m.start() < b for a, b in taken):
            out.append(Count(n, m.start(), m.end(), True))
    return out


# A day offered, not given: "and optionally on day 7", "+/-7 (day 7 is optional)", "and, if
# needed, on day 10", "a fourth, optional dose may be given on day 7".
_OPTIONAL_BEFORE = re.compile(
    r"optional(?:ly)?|if\s+(?:needed|necessary|required|indicated)|discretion|\bmay\b|±|\+\s*/\s*-"
    r"|\bpossibl[ey]",
    re.IGNORECASE,
)
_OPTIONAL_AFTER = re.compile(
    r"\s*(?:\(\s*optional\s*\)|,?\s*(?:is|are|being|if|when|as)\s+(?:optional|needed|necessary"
    r"|required|indicated))",
    re.IGNORECASE,
)


_TOLERANCE = re.compile(
    r"^\s*\(?\s*(?:±|\+\s*/\s*-)\s*\d{1,2}(?:\s*(?:days?|d|hours?|h|weeks?|w))?\s*\)?",
    re.IGNORECASE,
)
_VISIT_NUMBER = re.compile(r"\bvisits?\s*\d{1,2}\b", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_RANGE_END = re.compile(r"(?:-|–|\bto|\bthrough|\buntil|\btill)\s*$", re.IGNORECASE)
# "at baseline and at week 12", "at baseline, week 4 and week 8": baseline is a point (day 0).
_BASELINE_BEFORE = re.compile(r"\bbaseline\s*(?:,|and|&)\s*(?:(?:at|on)\s+)?$", re.IGNORECASE)


def _day_counts(
    text: str, lo: int, hi: int, given_here: bool = False, agents: frozenset[str] = frozenset()
) -> list[Count]:
    points: list[tuple[int, int, str]] = []
    prev_end: int | None = None
    window = False  # "between day 1 and day 5": a window, not two points
    for m in _DAY_LIST.finditer(text, lo, hi):
        if window and re.fullmatch(r"\s*and\s*", text[prev_end or lo : m.start()]):
            window = False
            prev_end = m.end()
            continue
        window = _BETWEEN.search(text, max(lo, m.start() - 10), m.start()) is not None
        if window:
            prev_end = m.end()
            continue
        before = text[max(lo, m.start() - 25) if prev_end is None else prev_end : m.start()]
        if prev_end is not None:  # "Day 1 (±2 days) and Day 29": a tolerance, not an option
            before = _TOLERANCE.sub("", before, count=1)
        prev_end = m.end()
        if _OPTIONAL_BEFORE.search(before) or _OPTIONAL_AFTER.match(text, m.end()):
            continue  # an optional day is no administration stated
        if _RANGE_END.search(text, max(lo, m.start() - 10), m.start()):
            continue  # "from day 1 to day 5": the end of a range, no point of its own
        if _drug_clause(text, lo, m.start()):
            continue  # "cyclophosphamide 500 mg/m2 on days 1, 8 and 15": the drug's days
        if agent_before(text, lo, m.start(), agents):
            continue  # "Tocilizumab is given on day 0 and MSCs ...": the agent's point
        if _other_clause(text, lo, m.start()):
            continue  # "Placebo at week 0, MSCs at week 12": the placebo's point
        unit = (m.group("u") or "day").lower().rstrip("s")
        if _BASELINE_BEFORE.search(text, max(lo, m.start() - 30), m.start()):
            points.append((m.start(), m.end(), "0"))  # "at baseline and at week 12"
        for member in _day_list_members(m.group("d")):
            d = member.lstrip("+")
            points.append((m.start(), m.end(), "0" if d == "0" else f"{unit} {d}"))
    seg = text[lo:hi]
    # "Visit 2 (Day 0) and Visit 5 (Day 28): MSC infusion": a visit's number names a point
    follow = _FOLLOW_WORDS.search(_VISIT_NUMBER.sub("", seg) if "isit" in seg else seg)
    given = (given_here or bool(_ADMIN_WORDS.search(seg))) and not follow
    # "UCMSC at month 0 and placebo at month 3": the points are not all of the cells.
    if points and _OTHER_THING.search(text, points[0][0], points[-1][1]):
        given = False
    out: list[Count] = []
    if len({p for _, _, p in points}) > 1 and given:
        n = len({p for _, _, p in points})
        out.append(Count(n, points[0][0], points[-1][1], True, "points"))
    for m in _POINT_LIST.finditer(text, lo, hi):
        if _OPTIONAL_AFTER.match(text, m.end()) or _OPTIONAL_BEFORE.search(
            text, max(lo, m.start() - 25), m.start()
        ):
            continue  # "further injections at months 3 and 6 if needed"
        # "infused at baseline and 6 months (of follow-up)": a word of giving just before,
        # and no word of assessing between it and the list.
        before = text[max(lo, m.start() - 80) : m.start()]
        giving = list(_ADMIN_WORDS.finditer(before))
        if given_here and not giving:
            if _FOLLOW_WORDS.search(before):
                continue
        elif not giving or _FOLLOW_WORDS.search(before, giving[-1].end()):
            continue
        if _OTHER_THING.search(m.group(0)):
            continue
        listed = m.group("d1") or m.group("d3") or m.group("d2")
        values = re.findall(r"\d{1,3}|baseline", listed, re.IGNORECASE)
        distinct = {"0" if v.lower() == "baseline" else v for v in values}
        if len(distinct) > 1 and not any(c.start <= m.start() < c.end for c in out):
            out.append(Count(len(distinct), m.start(), m.end(), True, "points"))
    return out


def _conditional(text: str, sentences: Sentences, pos: int) -> bool:
    lo, hi = sentences.bounds(pos)
    return _CONDITIONAL.search(text, lo, hi) is not None


def find_counts(
    text: str,
    lo: int = 0,
    hi: int | None = None,
    *,
    given_here: bool = False,
    agents: frozenset[str] = frozenset(),
) -> list[Count]:
    """Every statement of a number of administrations in ``text[lo:hi]``; ``given_here``: the
    stretch is known to be about giving the cells (a group's part of a cell intervention's
    text: "Schedule A: on days 0 and 7"), so points in time need no word of giving;
    ``agents``: names of other agents the trial gives, whose points and counts are theirs."""
    end = len(text) if hi is None else hi
    low = text[lo:end].lower()  # cheap tests first: most sentences state no count
    out = _noun_counts(text, lo, end)
    if any(w in low for w in _SCHEDULE_WORDS):
        out += _schedule_counts(text, lo, end)
    in_schedule = [(c.start, c.end) for c in out if c.noun == "schedule"]
    if "twice" in low or "thrice" in low or "times" in low:
        for m in _TIMES.finditer(text, lo, end):
            if any(a <= m.start() < b for a, b in in_schedule) or _capped(text, m.start(), m.end()):
                continue
            w = (m.group("w") or "").lower()
            value = 2 if w == "twice" else 3 if w == "thrice" else parse_count(m.group("n") or "")
            if value is not None and 1 < value <= 60:
                out.append(Count(value, m.start(), m.end(), True))
    if (
        "once" in low
        or "one time" in low
        or "one-time" in low
        or "single" in low
        or "1 time" in low
    ):
        out += [Count(1, m.start(), m.end(), True) for m in _ONCE.finditer(text, lo, end)]
        once = list(_ONCE_VERB.finditer(text, lo, end))
        out += [Count(1, m.end() - 4, m.end(), True) for m in once if not _ONCE.search(m.group(0))]
        out += [
            Count(1, m.start("w"), m.end("w"), True) for m in _ONCE_ITEM.finditer(text, lo, end)
        ]
    if "day" in low or "week" in low or "month" in low or "hour" in low or re.search(r"\bd\d", low):
        out += _day_counts(text, lo, end, given_here, agents)
    if "group" in low or "cohort" in low or "arm" in low:
        out += group_counts(text, lo, end)
    sentences = sentences_of(text)
    if "repeated" in low:
        for m in _REPEATED.finditer(text, lo, end):
            if not _conditional(text, sentences, m.start()):
                out.append(Count(2, m.start(), m.end(), False))
    if " x" in low or "×" in low:
        for m in _FREQ_X.finditer(text, lo, end):
            n = int(m.group("n"))
            if 1 < n <= 60:
                out.append(Count(n, m.start(), m.end(), True, "schedule"))
        for m in _FREQ_X_UNITS.finditer(text, lo, end):
            n = int(m.group("n"))
            f, q = m.group("f"), m.group("q")
            step = (
                _FREQ_UNIT[f.lower()]
                if f
                else {"d": "day", "w": "week"}[q.lower()]
                if q
                else m.group("f2").lower()
            )
            same = step == m.group("u").lower().rstrip("s")
            if same and 1 < n <= 60 and not _capped(text, m.start("n"), m.end("n")):
                out.append(Count(n, m.start(), m.end(), True, "schedule"))
    if "only" in low:
        out += [Count(1, m.start(), m.end(), True) for m in _ONLY_DAY.finditer(text, lo, end)]
    if "later" in low:
        for m in _SECOND_LATER.finditer(text, lo, end):
            if not _conditional(text, sentences, m.start()):
                out.append(Count(ORDINAL_WORDS[m.group("o").lower()], m.start(), m.end(), False))
    for m in _ORDINAL.finditer(text, lo, end):
        if not _conditional(text, sentences, m.start()):
            o = m.group("o").lower()
            value = ORDINAL_WORDS.get(o) or _ORDINAL_DIGITS[o]
            out.append(Count(value, m.start(), m.end(), False))
    for m in _SUBSEQUENT.finditer(text, lo, end):
        if not _conditional(text, sentences, m.start()):
            out.append(Count(2, m.start(), m.end(), False))
    more = stated(text, lo, end)
    for s in more:
        if s.inner is not None:  # "2 cycles, each of 3 infusions": 6 replaces the 3
            a, b = s.inner
            out = [c for c in out if not a <= c.start < b]
    # a value of 0: the listed points are not the whole count, and it cannot be worked out
    out += [Count(s.value, s.start, s.end, s.strong, s.noun) for s in more if s.value]
    # a count in a clause about taking the cells or following the patients is not theirs
    out = [c for c in out if not not_giving(text, lo, c.start, end)]
    # "partial responders may receive 2 further infusions": a conditional extra, left out
    out = [c for c in out if not (c.strong and _conditional_extra(text, c))]
    # "A Phase 1/2 Study of Two Doses of MSCs": dose levels compared, not administrations
    out = [
        c
        for c in out
        if not (
            c.value > 1
            and c.noun.startswith("dose")
            and doses_compared(text, *sentences.bounds(c.start))
        )
    ]
    if out and _MAYBE_BACKGROUND.search(text, lo, end):
        out = [c for c in out if not background(text, *sentences.bounds(c.start))]
    out.sort(key=lambda c: c.start)
    return out


_FURTHER = re.compile(
    r"\b(?:further|additional|more|extra|another|second|repeat\w*|re-?(?:dos|treat|infus|inject)\w*"
    r"|retreat\w*|booster)\b",
    re.IGNORECASE,
)


def _conditional_extra(text: str, c: Count) -> bool:
    """The clause of ``c`` offers a further administration on a condition ("partial
    responders may receive 2 further infusions"); not a clause that states the firm schedule
    beside an option in another ("weekly for 4 weeks, with the option of an additional 4")."""
    lo, hi = clause_bounds(text, c.start, c.end)
    return (
        _FURTHER.search(text, lo, hi) is not None and _CONDITIONAL.search(text, lo, hi) is not None
    )


def counts_across(text: str, spans: list[tuple[int, int]]) -> list[Count]:
    """A count no one sentence states: one point of the schedule per sentence ("Day 0: MSC
    infusion. Day 7: MSC infusion.")."""
    s = points_across(text, spans)
    return [] if s is None else [Count(s.value, s.start, s.end, s.strong, s.noun)]


_MAYBE_BACKGROUND = re.compile(
    r"\b(?:previous|prior|earlier|published|our\b|clinical|animal|mice|mouse|murine|rats?\b"
    r"|rodent|porcine|swine|canine|rabbit|primate|monkey|et\s+al|literature|meta-?analys"
    r"|been|showed|demonstrated|found|reported)",
    re.IGNORECASE,
)


# One stated point of the schedule at its start: "at baseline (day 0)", "on day 0", "on Day 1",
# "at week 0", "on D0" (the convention's "one stated point of the schedule" = 1).
_START_POINT = re.compile(
    r"\b(?:(?:on|at)\s+(?:the\s+)?(?:(?:study\s+)?day\s*[+]?[01]|d[01]|(?:week|month)\s*0)"
    r"|at\s+baseline|\((?:day|d)\s*[01]\))\b"
    # not the start of a list or a range ("on day 0 and day 28", "day 0-3", "day 1 to 5")
    r"(?!\s*(?:\(\s*(?:day|d)\s*[01]\s*\)\s*)?(?:,?\s*(?:and|or|&)\s+(?:(?:on|at|in)\s+)?"
    r"(?:days?|d\d|weeks?|months?|\d|again|repeat\w*|every|then)|,\s*\d|-|–|to\b|\d))"
    # nor a point relative to another event ("day 1 after surgery", "day 0 of chemotherapy")
    r"(?!\s+(?:after|post|following|of(?!\s+(?:the\s+)?(?:study|trial))|before|prior|from"
    r"|relative))",
    re.IGNORECASE,
)
# Words that say there may be more: a repeat, a second or further administration, a cap.
_MORE = re.compile(
    r"\b(?:repeat\w*|second|further|additional|another|booster|subsequent|up\s+to|maximum"
    r"|re-?(?:infus|inject|administ|treat)\w*|again|possibl[ey]|optional\w*|depending"
    r"|if\s+(?:needed|necessary|required|indicated|not)|in\s+case)\b",
    re.IGNORECASE,
)


# A word of giving (not the cells' name: "MSCs manufactured from marrow collected at baseline")
_GIVING_VERB = re.compile(
    r"infus|inject|administ|given|receiv|transplant|implant|deliver|treated|treatment|dose"
    # a route says the cells are given: "MSCs 1 x 10^6/kg IV at week 0"
    r"|\bIV\b|\bi\.v\.|intra-?(?:venous|thecal|articular|muscular|dermal|lesional|arterial"
    r"|coronary|vitreal|discal|osseous)\w*|subcutaneous\w*",
    re.IGNORECASE,
)


# Taking and making the cells: a point of the schedule after these is not when they are given
_MAKING = re.compile(
    r"taken|harvest|obtain|aspirat|biops|grown|expan|cultur|isolat|manufactur|prepar|thaw"
    r"|process|produc|frozen|cryopreserv",
    re.IGNORECASE,
)


def more_stated(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` speaks of a repeat, a further administration or a cap."""
    return _MORE.search(text, lo, hi) is not None


def start_point(text: str, lo: int, hi: int) -> Count | None:
    """A single administration stated by one point of the schedule at its start ("MSCs are
    infused at baseline (day 0)"), with a word of giving before it and no word of assessing
    between, in a text that speaks of no repeat or further administration. Weak: any other
    count of the arm's texts comes first."""
    if _MORE.search(text, lo, hi):
        return None
    for m in _START_POINT.finditer(text, lo, hi):
        before = text[max(lo, m.start() - 80) : m.start()]
        giving = list(_GIVING_VERB.finditer(before))
        if (
            giving
            and not _FOLLOW_WORDS.search(before, giving[-1].end())
            and not _MAKING.search(before, giving[-1].end())
            and not _OTHER_THING.search(before, giving[-1].start())
        ):
            return Count(1, m.start(), m.end(), False, "point")
    return None


def group_counts(text: str, lo: int = 0, hi: int | None = None) -> list[Count]:
    """Counts named by sub-groups ("single infusion group ... double infusion group") where
    they differ: strong counts that make the arm's count unclear. Empty otherwise."""
    end = len(text) if hi is None else hi
    found = [(m, _n_value(m.group("n"))[0]) for m in _GROUP_COUNT.finditer(text, lo, end)]
    if len({v for _, v in found if v}) < 2:
        return []
    return [Count(v, m.start(), m.end(), True, "group") for m, v in found if v]


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


# ---------------------------------------------------------------- groups

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_LEVELS = {
    "low": "low",
    "lower": "low",
    "medium": "mid",
    "middle": "mid",
    "mid": "mid",
    "intermediate": "mid",
    "moderate": "mid",
    "high": "high",
    "higher": "high",
    "standard": "standard",
}
_GROUP_ID = rf"(?-i:[A-H](?![a-z]))|\d{{1,2}}(?-i:[ab])?|(?-i:I{{1,3}}|IV|V)\b|{_NUMWORD}"
# A name of a group, cohort, arm or dose level: "low-dose group", "Cohort 2", "group A",
# "dose level II", "B group".
_GROUP_TOKEN = re.compile(
    r"\b(?:(?P<lvl>low|lower|medium|middle|mid|intermediate|moderate|high|higher|standard)"
    r"[\s-]*doses?(?:[\s-]+(?:group|arm|cohort|level))?\b"
    rf"|(?:(?:group|cohort|arm|stratum|part|level)|dose(?:[\s-]*level)?)(?:\s*|-|\s*#\s*)"
    rf"(?P<gid>{_GROUP_ID})\b"
    r"|(?P<gid2>(?-i:[A-H]))[\s-]+(?:group|cohort|arm)\b"
    # "the first cohort", "the 2nd group": a group by its order
    r"|(?<=the\s)(?P<ord>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+(?:dose\s+)?"
    r"(?:group|cohort|arm)\b)",
    re.IGNORECASE,
)
# "group A and B", "groups 1, 2": a token that lists several groups names none of them.
_GROUP_LIST_AFTER = re.compile(
    rf"\)?\s*(?:,|and|or|&|/)\s*(?:(?:group|cohort|arm)s?\s*(?:{_GROUP_ID})\b"
    rf"|(?:{_GROUP_ID})(?=\s*(?:[,;:)]|and\b|or\b|(?:groups?|cohorts?|arms?)\b|will\b|receiv|$))"
    r"|(?:low|lower|medium|middle|mid|intermediate|moderate|high|higher)[\s-]*doses?\b)",
    re.IGNORECASE,
)
# A label that leads its stretch: "Cohort B: ...", "Group 2 (n=10) - ...", or one that opens
# a line.
_LIST_JOIN = re.compile(r"\)?\s*(?:,|and|or|&|/)\s*(?:the\s+)?", re.IGNORECASE)
_CLAUSE_BEFORE = re.compile(
    r"(?:[;:.]|,\s*(?:and|while|whereas)?|\b(?:and|while|whereas|then))\s*(?:the\s+|in\s+the\s+)?$",
    re.IGNORECASE,
)
_LEADS = re.compile(r"\s*(?:\([^()]{0,30}\)\s*)?[:–-]", re.IGNORECASE)
_TRAILING_LEAD = re.compile(
    r"^[^.;:\n]{0,30}?(?:\(|\bfor\s+(?:the\s+)?|\bin\s+(?:the\s+)?)\s*$", re.I
)


@dataclass(frozen=True, slots=True)
class GroupToken:
    """A group named in a text: its key ("level", "low") or ("id", "2") and span."""

    key: tuple[str, str]
    start: int
    end: int
    listed: bool  # part of a list of groups ("group A and B"): names none alone


def _group_key(m: re.Match[str]) -> tuple[str, str] | None:
    if m.group("lvl"):
        return "level", _LEVELS[m.group("lvl").lower()]
    if m.group("ord"):
        o = m.group("ord").lower()
        return "id", str(ORDINAL_WORDS.get(o) or _ORDINAL_DIGITS[o])
    raw = m.group("gid") or m.group("gid2") or ""
    low = raw.lower()
    if low in _ROMAN and raw.isupper():
        return "id", str(_ROMAN[low])
    if low in NUMBER_WORDS:
        return "id", str(NUMBER_WORDS[low])
    return ("id", raw.upper()) if raw else None


Names = tuple[tuple[str, tuple[str, str]], ...]


def _named_tokens(text: str, names: Names, taken: list[GroupToken]) -> list[GroupToken]:
    """Arm labels a text writes as labels ("Schedule A: ...", "UC-MSC (n=10): ..."), where
    no group word names them."""
    out: list[GroupToken] = []
    for name, key in names:
        pattern = rf"(?<![\w-]){re.escape(name)}(?=\s*(?:\([^()]{{0,30}}\)\s*)?[:–-]\s)"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if not any(t.start < m.end() and m.start() < t.end for t in taken + out):
                out.append(GroupToken(key, m.start(), m.end(), False))
    return out


def group_tokens(text: str, names: Names = ()) -> list[GroupToken]:
    """The groups a text names, in text order; ``names``: arm labels (with their keys) that
    name a group where the text writes them as labels.

    >>> [t.key for t in group_tokens("Low-dose group (5 x 10^7) and Cohort II; group A")]
    [('level', 'low'), ('id', '2'), ('id', 'A')]
    """
    out: list[GroupToken] = []
    for m in _GROUP_TOKEN.finditer(text):
        key = _group_key(m)
        if key is not None:
            listed = _GROUP_LIST_AFTER.match(text, m.end()) is not None
            # "low-dose group and high-dose group": the second one is listed too
            if out and _LIST_JOIN.fullmatch(text, out[-1].end, m.start()):
                listed = True
                if not out[-1].listed:
                    out[-1] = GroupToken(out[-1].key, out[-1].start, out[-1].end, True)
            out.append(GroupToken(key, m.start(), m.end(), listed))
    if names:
        out = sorted(out + _named_tokens(text, names, out), key=lambda t: t.start)
    return out


_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_ID_SEP = r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|/\s*)"
# "Groups A and B", "cohorts 1, 2 and 3", "arms I and II": one plural noun, several groups
_PLURAL_GROUPS = re.compile(
    rf"\b(?:groups|cohorts|arms|(?:dose\s+)?levels)\s+"
    rf"(?P<ids>(?:{_GROUP_ID})(?:{_ID_SEP}(?:{_GROUP_ID}))+)\b",
    re.IGNORECASE,
)


def _id_key(raw: str) -> tuple[str, str]:
    low = raw.lower()
    if low in _ROMAN and raw.isupper():
        return "id", str(_ROMAN[low])
    if low in NUMBER_WORDS:
        return "id", str(NUMBER_WORDS[low])
    return "id", raw.upper()


def respective_groups(text: str, lo: int, hi: int) -> list[tuple[str, str]]:
    """The groups a sentence lists in order and then gives figures "respectively": "Groups A
    and B receive 1 x 10^6 and 2 x 10^6 MSCs/kg, respectively", "the low-dose and high-dose
    groups receive 10 and 40 million cells, respectively". Empty where there is no such list.
    """
    if not _RESPECTIVELY.search(text, lo, hi):
        return []
    m = _PLURAL_GROUPS.search(text, lo, hi)
    if m is not None:
        ids = [x for x in re.split(_ID_SEP, m.group("ids")) if x]
        return [_id_key(x) for x in ids]
    run: list[GroupToken] = []
    for t in group_tokens(text[lo:hi]):
        if t.listed and (not run or _LIST_JOIN.fullmatch(text[lo:hi], run[-1].end, t.start)):
            run.append(t)
        elif len(run) > 1:
            break
        else:
            run = [t] if t.listed else []
    return [t.key for t in run] if len(run) > 1 else []


def owner_of(
    text: str, start: int, end: int, others: list[tuple[int, int]], names: Names = ()
) -> GroupToken | None:
    """The group a figure at ``text[start:end]`` is named for: a label right after it
    ("5 x 10^7 cells for the low-dose group", "3x10^7 (group 1)"), else the nearest label
    before it with no other figure (``others``) in between ("Cohort B: 1 x 10^6/kg").
    None where no group, or a list of groups, is named."""
    tokens = group_tokens(text, names)
    para_lo = text.rfind("\n\n", 0, start) + 1
    nxt = min((a for a, _ in others if a >= end), default=len(text))
    prev = max((b for _, b in others if b <= start), default=para_lo)
    for t in tokens:
        if end <= t.start < min(nxt, end + 60) and _TRAILING_LEAD.match(text[end : t.start]):
            if _leads(text, end, t, nxt):
                break  # ", in the high dose arm 3 x 10^6 cells/kg": it leads the next figure
            return None if t.listed else t
    # A label before the figure that is not itself the trailing label of an earlier figure.
    before = [t for t in tokens if max(prev, para_lo) <= t.start and t.end <= start]
    before = [
        t
        for t in before
        if not _TRAILING_LEAD.match(text[prev : t.start])
        or prev == para_lo
        or _leads(text, prev, t, start)
    ]
    if not before:
        return None
    t = before[-1]
    return None if t.listed else t


def _leads(text: str, after: int, t: GroupToken, figure: int) -> bool:
    """A label after a comma that opens the clause of the figure at ``figure`` (", in the high
    dose arm 3 x 10^6 cells/kg"), not the trailing label of the figure that ends at ``after``."""
    return (
        figure < len(text)
        and figure - t.end < 40
        and "," in text[after : t.start]
        and not re.search(r"[.;,]", text[t.end : figure])
    )


def group_segments(text: str, names: Names = ()) -> list[tuple[GroupToken, int, int]]:
    """Stretches of text that belong to one group: from a label that leads ("Cohort B: ...",
    a label opening a line or a clause: "...; group B will receive two infusions") to the
    next group named, the end of the line or 400 characters."""
    tokens = [t for t in group_tokens(text, names) if not t.listed]
    sentences = sentences_of(text)
    out: list[tuple[GroupToken, int, int]] = []
    # labelled groups of one line so far, and whether each owned one sentence only
    inline: list[bool] = []
    for i, t in enumerate(tokens):
        line_start = text.rfind("\n", 0, t.start) + 1
        opens_line = not text[line_start : t.start].strip(" \t-*•")
        opens_clause = _CLAUSE_BEFORE.search(text, max(line_start, t.start - 12), t.start) or (
            # "The first cohort receives ..." at the start of a line: its sentence
            re.fullmatch(r"\s*(?:in\s+)?the\s+", text[line_start : t.start], re.IGNORECASE)
        )
        labelled = _LEADS.match(text, t.end) is not None or opens_line
        if not (labelled or opens_clause):
            continue
        nxt = tokens[i + 1].start if i + 1 < len(tokens) else len(text)
        line_end = text.find("\n", t.end)
        line_end = len(text) if line_end < 0 else line_end
        hi = min(nxt, line_end)
        sentence_end = sentences.bounds(t.start)[1]
        if not labelled:  # a group that opens a clause owns that sentence only
            hi = min(hi, sentence_end)
        elif nxt < line_end:  # another group follows on this line
            inline.append(not text[sentence_end:nxt].strip(" \t;.,"))
        elif inline and all(inline):
            # "Arm A: 1 x 10^8 cells; Arm B: 2 x 10^8 cells. Cells are infused weekly for 3
            # weeks.": the last of an inline list whose groups own a sentence each owns its
            # own sentence, not what the line says of all of them after it
            hi = min(hi, sentence_end)
        if hi >= line_end:
            inline = []
        out.append((t, t.start, min(hi, t.end + 400)))
    return out
