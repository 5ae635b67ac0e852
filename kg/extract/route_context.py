"""The context of a route word: whether it gives the cells anything here.

A route word can name a disease ("intra-articular fracture"), a device or a procedure ("an
intravenous line is placed", "bronchoscopy with lavage at week 4"), the route of a drug, an
anaesthetic or a contrast named right after it ("intracoronary adenosine", "local injection of
lidocaine"), a tissue's harvest ("aspirated by intraosseous puncture"), earlier studies ("in a
previous study, MSCs were given intravenously"), or the artery a catheter goes in by; a broader
route yields to the finer one its sentence names, a plain dressing is no topical route. Used by
:mod:`kg.extract.routes`.

>>> sentence_bounds("MSCs are given. Then they are injected.", 20)
(15, 38)
>>> adjective("intra-articular"), adjective("intravenously"), adjective("into the knee")
(True, False, False)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Protocol, TypeVar

from kg.extract.schedules import background
from kg.extract.tables import ROUTE_ROWS

__all__ = [
    "GIVING",
    "access_yields",
    "adjective",
    "by_a_vessel",
    "finer_wins",
    "gives_nothing_after",
    "harvested_from",
    "not_a_giving",
    "not_this_trial",
    "plain_dressing",
    "sentence_bounds",
]


class Hit(Protocol):
    """A route found in a text (kg.extract.routes.RouteHit)."""

    @property
    def key(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def explicit(self) -> bool: ...


H = TypeVar("H", bound=Hit)

# The broader route of each finer one ("transendocardial" is a kind of "intracardiac").
_BROADER = {r.key: r.broader for r in ROUTE_ROWS}

# A word of giving: the act the cells are given by.
GIVING = re.compile(
    r"infus|inject|deliver|administ|catheter|transplant|implant|given|perfus|transfus|infiltrat"
    r"|instil",
    re.I,
)

# A route adjective naming a disease, a device, a procedure or an assessment, not a giving:
# "intra-articular fracture", "intracerebral haemorrhage", "intramedullary nail",
# "endobronchial biopsy", "epidural analgesia", "intrauterine adhesions".
_NOT_GIVING_AFTER = re.compile(
    r"[\s-]+(?:(?!(?:infusions?|injections?|administrations?|delivery|implantations?"
    r"|transplantations?|instillations?|route)\b)[\w-]+\s+){0,2}?"
    r"(?:fractures?|ha?emorrhag\w*|bleed\w*|ha?ematomas?|thromb\w*|emboli\w*|nail\w*|rods?"
    r"|screws?|adhesions?|ultrasound|ultrasonograph\w*|EBUS|biops\w*|fluid|pressures?|shunts?"
    r"|anal?gesi\w*|an(?:a)?esthe\w*|blocks?|insemination|devices?|growth|infections?|abscess\w*"
    r"|echocardiograph\w*|imaging|valves?|stents?|stenting|puncture|aspirat\w*|pumps?"
    r"|calcification\w*|lipomas?|cysts?|tumou?rs?|metasta\w*|neoplasm\w*|angiograph\w*"
    r"|fibros\w*|tests?|testing|tuberculin|intubat\w*|drain\w*|cholesta\w*|carcinoma\w*"
    r"|cancers?|hydration|premedicat\w*)\b",
    re.IGNORECASE,
)
# Agents given beside the cells whose route a route word right before them states:
# "intracoronary adenosine", "intramuscular injection of G-CSF", "local injection of lidocaine",
# "intravenous gadolinium".
_AGENT_AFTER = re.compile(
    r"[\s-]+(?:(?:injections?|infusions?|administrations?|instillations?|bolus)\s+)?"
    r"(?:(?:of|with)\s+)?(?:an?\s+|the\s+)?(?:(?:local|iodinated|low-dose|high-dose)\s+)?"
    r"(?:lidocaine|lignocaine|xylocaine|bupivacaine|ropivacaine|mepivacaine|procaine"
    r"|an(?:a)?esthe\w*|sedat\w*|analges\w*|contrast|gadolinium|gado\w+|radiotracers?|tracers?"
    r"|dyes?|fluorescein|indocyanine|G-CSF|filgrastim|heparin|insulin|(?:cortico)?steroids?"
    r"|methylprednisolone|prednisolone|dexamethasone|triamcinolone|hydrocortisone|hyaluron\w*"
    r"|PRP|platelet[\s-]+rich|adenosine|nitroglycerin|antibiotics?|r?t-?PA|alteplase"
    r"|tenecteplase|urokinase|thromboly\w*|baclofen|botulinum|methotrexate|chemotherap\w*"
    r"|cyclophosphamide|fludarabine|ATG|immunoglobulins?|IVIG|rituximab|tacrolimus|anti-VEGF"
    r"|ranibizumab|aflibercept|bevacizumab|glucose\s+tolerance|glucocorticoids?"
    r"|nitric\s+oxide|bronchodilators?|salbutamol|albuterol|oxygen|tranexamic|cefazolin"
    r"|vancomycin|iron)\b",
    re.IGNORECASE,
)
# A bronchoscope as the way in ("through a bronchoscope", "bronchoscopic instillation"), not
# a bronchoscopy done to look ("bronchoscopy with lavage at week 4").
_BRONCHOSCOPE_WAY = re.compile(
    r"(?:via|through|thru|by|using|under|during|with|per)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
_BRONCHOSCOPY_DONE = re.compile(
    r"[\s-]+(?:with\s+(?:[\w-]+\s+)?(?:lavage|BAL|biops\w*|brush\w*)|and\s+(?:[\w-]+\s+)?(?:lavage"
    r"|BAL|biops\w*)|(?:is|was|will\s+be|are|were|to\s+be)\s+(?:done|performed|carried\s+out"
    r"|repeated|scheduled|undertaken)|at\s+(?:baseline|screening|week|month|day)"
    r"|(?:findings|examination|assessment|evaluation|score))\b",
    re.IGNORECASE,
)

_BRONCHOSCOPIC_ACT = re.compile(
    r"[\s-]+(?:instillations?|infusions?|injections?|administrations?|delivery|transplantations?"
    r"|implantations?|route|spray\w*)\b",
    re.IGNORECASE,
)
# A line or cannula placed for care is no route ("an intravenous line is placed under
# sedation"); one the cells go through is ("via a peripheral intravenous cannula").
_ACCESS_AFTER = re.compile(r"[\s-]+(?:access|cannula\w*|cannulation|lines?)\b", re.IGNORECASE)
_WAY_BEFORE = re.compile(
    r"\b(?:via|through|thru|by|using|into|with|from)\s+(?:an?\s+|the\s+)?"
    r"(?:(?:peripheral|central|separate|dedicated|existing)\s+)?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")


def adjective(word: str) -> bool:
    """A route adjective ("intra-articular", "subcutaneous"), not an adverb or a phrase."""
    return re.fullmatch(r"[\w-]+", word) is not None and not word.lower().endswith("ly")


def gives_nothing_after(text: str, end: int) -> bool:
    """The route word ending at ``end`` is an adjective of a disease, device or procedure, or
    of a drug, anaesthetic or contrast ("IV antibiotics", "IV contrast", "IV thrombolysis")."""
    return bool(_AGENT_AFTER.match(text, end) or _NOT_GIVING_AFTER.match(text, end))


def not_a_giving(text: str, m: re.Match[str], key: str) -> bool:
    """A route word that gives nothing here: an adjective of a disease, device or procedure
    ("intra-articular fracture"), the route of a drug, anaesthetic or contrast named right
    after it ("intracoronary adenosine", "local injection of lidocaine"), or a bronchoscopy
    done to look rather than to give."""
    word = m.group(0)
    if adjective(word) and _NOT_GIVING_AFTER.match(text, m.end()):
        return True
    if (
        adjective(word)
        and _ACCESS_AFTER.match(text, m.end())
        and not _WAY_BEFORE.search(text, max(0, m.start() - 40), m.start())
    ):
        return True
    # (not after an adverb: "infused intravenously with heparin" is the cells' route)
    if not word.lower().endswith("ly") and _AGENT_AFTER.match(text, m.end()):
        return True
    if key == "endobronchial" and "bronchoscop" in word.lower():
        if _BRONCHOSCOPY_DONE.match(text, m.end()):
            return True  # "bronchoscopy with lavage at week 4": a look, not a way in
        lo = max(0, m.start() - 30)
        if word.lower().endswith(("ally", "ic")) and _BRONCHOSCOPIC_ACT.match(text, m.end()):
            return False
        if _BRONCHOSCOPE_WAY.search(text[lo : m.start()]) is None:
            start, end = sentence_bounds(text, m.start())
            # "Bronchoscopy ... MSCs are instilled", not "bronchoscopy is done at week 4"
            return GIVING.search(text, start, end) is None
    return False


# A tissue taken, not cells given: "adipose tissue is harvested from the subcutaneous tissue of
# the abdomen", "bone marrow aspirated by intraosseous puncture".
_HARVEST = re.compile(
    r"\b(?:harvest\w*|obtain\w*|collect\w*|aspirat\w*|liposuction|lipoaspirat\w*|biops\w*"
    r"|sampl\w*|withdrawn|procured|excised)\b",
    re.IGNORECASE,
)
_CLAUSE_STOP = re.compile(
    r"[.;:!?]|\band\s+(?:then\s+)?(?:the\s+)?(?:cells|MSCs?)\b", re.IGNORECASE
)


def harvested_from(text: str, start: int) -> bool:
    """A harvest word before the route word in its clause, with no word of giving between."""
    lo = max(0, start - 80)
    for stop in _CLAUSE_STOP.finditer(text, lo, start):
        lo = stop.end()
    ends = [h.end() for h in _HARVEST.finditer(text, lo, start)]
    return bool(ends) and GIVING.search(text, ends[-1], start) is None


# How far a sentence reaches on each side of a position at most (a text without stops is read
# in windows, so that checking every hit of a long text stays linear).
_REACH = 600


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence (up to ``.;!?`` before a space) around ``pos``, at most ``_REACH``
    characters on each side."""
    stops = _stops(text)
    i = bisect_left(stops, pos)
    lo = stops[i - 1] + 1 if i > 0 else 0
    hi = stops[i] if i < len(stops) else len(text)
    return max(lo, pos - _REACH), min(hi, pos + _REACH)


@lru_cache(maxsize=64)
def _stops(text: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _SENTENCE_END.finditer(text))


# An artery a catheter goes in by ("through the femoral artery, a catheter is advanced ...") is
# no route where the catheter's end is named next: the coronary artery, the heart's wall or
# another artery.
_ACCESS = re.compile(r"\b(?:femoral|radial|brachial)\b", re.IGNORECASE)
_ACCESS_END = frozenset({"intracoronary", "transendocardial", "intracardiac", "intra-arterial"})


def access_yields(text: str, hits: list[H]) -> list[H]:
    def access(h: Hit) -> bool:
        return h.key == "intra-arterial" and _ACCESS.search(text, h.start, h.end) is not None

    return [
        h
        for h in hits
        if not (
            access(h)
            and any(
                o.explicit
                and o.key in _ACCESS_END
                and not access(o)
                and abs(o.start - h.start) < 200
                for o in hits
            )
        )
    ]


# A route set against the trial's own: "unlike intravenous infusion, local injection ...".
_CONTRAST_BEFORE = re.compile(
    r"\b(?:unlike|rather\s+than|instead\s+of|as\s+opposed\s+to|in\s+contrast\s+to)\s+"
    r"(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


def not_this_trial(text: str, h: Hit) -> bool:
    """A route of earlier studies, animals or the literature ("In a previous study, MSCs were
    given intravenously"), or one the text sets against the trial's own ("unlike intravenous
    infusion")."""
    if _CONTRAST_BEFORE.search(text, max(0, h.start - 60), h.start):
        return True
    return background(text, *sentence_bounds(text, h.start))


def finer_wins(text: str, hits: list[H]) -> list[H]:
    """In one text, a broader route yields to a finer one it names ("transendocardial
    injection guided by NOGA mapping": transendocardial, not intracardiac too; "injected into
    the tendon ... the injection into the tear": intratendinous)."""
    finer = {_BROADER.get(h.key) for h in hits} - {None}
    return [h for h in hits if h.key not in finer] if finer else hits


# The way the cells reach an organ: "transplanted into the liver through the hepatic artery"
# is intra-arterial, "into the spinal cord by lumbar puncture" intrathecal.
_VESSEL_KEYS = frozenset({"intra-arterial", "intracoronary", "intravenous", "intrathecal"})


def by_a_vessel(text: str, pos: int, hits: list[H]) -> bool:
    lo, hi = sentence_bounds(text, pos)
    return any(h.key in _VESSEL_KEYS and h.explicit and lo <= h.start < hi for h in hits)


# A dressing with no cells in it: "the wound is covered with gauze", "a sterile dressing is
# placed on the wound" (after the cells were injected) is no route of the cells.
_DRESSING = re.compile(
    r"\b(?:gauze|dressings?|bandages?|films?|foam|tegaderm|vaseline|petrolatum|paraffin"
    r"|occlusive|sterile)\b",
    re.IGNORECASE,
)
_CELLS_NEAR = re.compile(
    r"\b(?:MSCs?|cells?|stem|stromal|mesenchymal|seeded|loaded|containing|secretome"
    r"|exosomes?)\b|MSC",
    re.IGNORECASE,
)


def plain_dressing(text: str, m: re.Match[str]) -> bool:
    lo, hi = max(0, m.start() - 40), min(len(text), m.end() + 40)
    lo = max([lo] + [e.end() for e in _SENTENCE_END.finditer(text, lo, m.start())])
    stop = _SENTENCE_END.search(text, m.end(), hi)
    hi = stop.start() if stop else hi
    window = text[lo:hi]
    if _DRESSING.search(window) is None:
        return False
    # the cells in the dressing's own words, not those of another clause
    return _CELLS_NEAR.search(text, lo, hi) is None or bool(
        re.search(r"\bafter\b|\bthen\b|\bfollowing\b", window, re.IGNORECASE)
    )
