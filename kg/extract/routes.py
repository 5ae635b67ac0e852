"""Routes of administration: the route table (NCIt codes) and the words that state a route.

>>> find_route("MSC 2X10E6/kg recipient weight are infused over 15 minutes intravenously")
('intravenous', 'intravenously')
>>> find_route("Allogeneic mesenchymal stem cells will be infused intravenously (single dose)")
('intravenous', 'infused intravenously')
>>> find_route("single infusion group") # no route word: "infusion" read as intravenous
('intravenous', 'infusion')
>>> find_route("Treatment of scleroderma by injection of allogeneic MSCs") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from kg.extract.tables import (
    CDISC_ROUTES_URL,
    FDA_ROUTES_URL,
    NCIT_CONCEPT_URL,
    ROUTE_ROWS,
)

__all__ = ["ROUTES", "Route", "RouteHit", "find_route", "find_routes", "unmapped_routes"]


@dataclass(frozen=True, slots=True)
class Route:
    """A route of administration with its NCI Thesaurus code and where the code comes from."""

    key: str  # e.g. "intravenous"
    label: str  # e.g. "intravenous"
    ncit: str  # CURIE, e.g. "NCIT:C38276"
    source: str  # URL of the concept and the list it was read from
    broader: str | None = None  # key of a route this one is a kind of ("intratendinous")


def _source(ncit: str, term: str, only_cdisc: bool) -> str:
    code = ncit.split(":", 1)[1]
    lists = f"CDISC SDTM CT codelist C66729 ROUTE ({CDISC_ROUTES_URL})"
    if not only_cdisc:
        lists = f"FDA Route of Administration C-DRG-00301 ({FDA_ROUTES_URL}); {lists}"
    return f"{NCIT_CONCEPT_URL}{code} - term {term!r} in {lists}"


ROUTES: Mapping[str, Route] = MappingProxyType(
    {
        r.key: Route(
            r.key, r.label, r.ncit, _source(r.ncit, r.source_term, r.only_cdisc), r.broader
        )
        for r in ROUTE_ROWS
    }
)

# Words that state a route, per route key (case-insensitive). Data, checked by the tests.
ROUTE_WORDS: tuple[tuple[str, str], ...] = (
    (
        "intravenous",
        r"intra-?\s?venous(?:ly)?|endo-?venous(?:ly)?|\bi\.v\.?(?![a-z])"
        r"|(?:into|via|through)\s+(?:a|the)\s+(?:peripheral\s+|central\s+)?vein"
        r"|peripherally\s+inserted\s+central\s+(?:venous\s+)?catheter",
    ),
    (
        "intra-articular",
        r"intra-?\s?articular(?:ly)?|into\s+the\s+(?:(?:knee|hip|ankle|shoulder|affected)\s+)?joint",
    ),
    (
        "intrathecal",
        r"intra-?\s?t(?:h?ec|ech)h?al(?:ly)?"
        r"|(?:via|by|through|by\s+means\s+of)\s+(?:an?\s+|the\s+)?lumbar\s+puncture",
    ),
    ("intramuscular", r"intra-?\s?muscular(?:ly)?"),
    (
        "subcutaneous",
        r"sub-?\s?cutaneous(?:ly)?(?![\s-]+(?:fat|adipose|lipo\w*|abdominal\s+fat|emphysema"
        r"|nodules?|tissue\s+(?:biopsy|harvest\w*)))"
        # "injected under the skin" (not "fat from under the skin")
        r"|(?:inject|implant)\w*\s+(?:\w+\s+)?under\s+the\s+skin\b",
    ),
    ("intratendinous", r"intra-?\s?tend(?:on|inous|ineous)|into\s+the\s+(?:\w+\s+){0,2}tendons?"),
    (
        "intralesional",
        r"intra-?\s?lesional(?:ly)?|peri-?\s?lesional(?:ly)?"
        r"|peri-?\s?(?:fistul\w*|anal)\s+(?:injections?|administration|implantation)"
        r"|local(?:ly)?\s+(?:inject\w*|administ\w*|implant\w*)"
        # "injected directly into the lesion", "injected once along the fistula", "implanted
        # into the defect", "injected around the fistula opening"
        r"|(?:inject|implant)\w*\s+(?:of\s+(?:[\w-]+\s+){1,3}?)?"
        r"(?:(?:directly|once|twice|slowly|carefully|locally)\s+)?"
        r"(?:in|into|to|at|along|around|within|inside|throughout)\s+"
        # "into the tissue surrounding the internal opening of the fistula"
        r"(?:the\s+tissues?\s+(?:surrounding|around)\s+(?:(?:the\s+)?(?:[\w-]+\s+){1,2}of\s+)?)?"
        r"(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:site|lesion|defect|wound|ulcer|fistula|fistulae|tract"
        r"|scar|nonunion|non-union|sphincter)s?\b",
    ),
    ("intradiscal", r"intra-?\s?discal(?:ly)?|into\s+the\s+(?:intervertebral\s+)?discs?\b"),
    (
        "endobronchial",
        r"endo-?\s?bronchial(?:ly)?|intra-?\s?bronchial(?:ly)?|bronchoscop(?:e|y|ic|ically)\b",
    ),
    ("intratracheal", r"intra-?\s?trache(?:al|ally)|endo-?\s?tracheal(?:ly)?"),
    ("intramedullary", r"intra-?\s?medullary"),
    ("intraosseous", r"intra-?\s?osseo?us(?:ly)?|intra-?\s?bone[\s-]+marrow|intra-?\s?osteal"),
    ("intradermal", r"intra-?\s?dermal(?:ly)?|intra-?\s?cutaneous(?:ly)?"),
    ("intracoronary", r"intra-?\s?coronary"),
    (
        "intracardiac",
        r"intra-?\s?myocardial(?:ly)?|intra-?\s?cardiac(?:ally)?"
        r"|epi-?\s?cardial(?:ly)?\s+(?:injections?|implantation|delivery|administration)",
    ),
    # through the heart's inner wall by catheter: "transendocardial injection", "trans-endocardially"
    ("transendocardial", r"trans-?\s?endocardial(?:ly)?"),
    ("intra-arterial", r"intra-?\s?arterial(?:ly)?|intra-?\s?carotid"),
    ("intraperitoneal", r"intra-?\s?peritoneal(?:ly)?"),
    ("intravitreal", r"intra-?\s?vitreal(?:ly)?|intra-?\s?vitreous"),
    (
        "subretinal",
        r"sub-?\s?retinal(?:ly)?"
        r"|(?:inject|implant|transplant)\w*\s+(?:\w+\s+)?(?:under|beneath)\s+the"
        r"\s+retina\b",
    ),
    ("subconjunctival", r"sub-?\s?conjunctival(?:ly)?"),
    (
        "topical",
        r"topical(?:ly)?|applied\s+(?:(?:as|in)\s+(?:an?\s+)?[\w-]+\s+)?(?:on|onto|to|over)\s+the"
        r"\s+(?:[\w-]+\s+)?(?:wound|ulcer|burn|skin|lesion)s?\b"
        r"|\beye[\s-]?drops?\b",
    ),
    ("intranasal", r"intra-?\s?nasal(?:ly)?|nasal\s+(?:spray|drops?|administration|instillation)"),
    ("inhalation", r"inhal(?:ation|ed|ing)\b|nebuli[sz](?:ed|ation|er)|aerosoli[sz]ed"),
    (
        "intrauterine",
        r"intra-?\s?uterine(?:ly)?|into\s+the\s+uter(?:us|ine\s+cavity)|intra-?\s?endometrial",
    ),
    (
        "intracavernous",
        r"intra-?\s?cavern(?:os|ous)(?:al|um)?(?:ly)?|intra-?\s?corpor(?:al|a|us)\s+cavernos\w*",
    ),
    ("epidural", r"epidural(?:ly)?"),
    ("intracerebroventricular", r"intra-?\s?cerebro-?\s?ventricular(?:ly)?"),
    ("intracerebral", r"intra-?\s?cerebral(?:ly)?"),
    ("intraspinal", r"intra-?\s?spinal(?:ly)?"),
    ("intraovarian", r"intra-?\s?ovarian(?:ly)?|into\s+the\s+ovar(?:y|ies)"),
    ("intrahepatic", r"intra-?\s?hepatic(?:ally)?"),
    ("intrapleural", r"intra-?\s?pleural(?:ly)?"),
    ("submucosal", r"sub-?\s?mucosal(?:ly)?"),
)

_ROUTE_RE = re.compile(
    "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(ROUTE_WORDS)),
    re.IGNORECASE,
)
_ROUTE_KEYS = {f"r{i}": key for i, (key, _) in enumerate(ROUTE_WORDS)}
# Every route word starts with one of these (checked by the tests against ROUTE_WORDS).
_ROUTE_ANCHOR = re.compile(
    r"(?:intra|endo|sub|epi|peri|local|inject|implant|into|via|through|by|i\.v|topical|applied"
    r"|inhal|nebuli|aerosoli|nasal|bronchoscop|trans|eye)",
    re.IGNORECASE,
)
# "IV" written in capitals, but not "Phase IV", "grade III-IV", "IV-2".
_IV = re.compile(r"(?<![\w/-])IV(?![\w/-])(?!\s+drugs?\s+(?:use|users?|abuse|addict\w*))")
# "iv" in lower case only before the act: "iv infusion", "iv injection", "iv route".
_IV_LOWER = re.compile(
    r"(?<![\w/.-])iv(?=\s+(?:infusions?|injections?|administrations?|route|bolus|drip|push)\b)",
    re.IGNORECASE,
)
_IV_NOT = re.compile(
    r"(?:phase|grade|stage|type|class|level|part|group|arm|cohort|step|section|chapter)\s*$"
    # the end of a range or list of stages/grades: "stage III or IV", "grade II–IV"
    r"|\b(?:I{1,3}|V|VI{1,3})\s*(?:–|—|-|/|,|or|and|to)\s*$",
    re.IGNORECASE,
)
# A vessel named as the way in: "via (the) hepatic artery", "infused into the femoral artery",
# "to mesenteric artery", "into the coronary artery" (intracoronary), "hepatic arterial
# infusion", "via (a) peripheral vein"; "portal vein" and other named veins are not read.
_ARTERY = re.compile(
    r"\b(?:(?:into|via|through|thru|in|to|at|within)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?P<a>(?:[\w-]+\s+){0,3}?)arter(?:y|ies)\b"
    r"|(?P<b>(?:(?:hepatic|femoral|carotid|mesenteric|splenic|renal|vertebral|coronary|uterine"
    r"|pulmonary|iliac|brachial|radial)\s+)?)(?:trans-?)?arterial(?:ly)?\s+"
    r"(?:infusion|injection|delivery|administration|route|catheteri[sz]ation|perfusion)s?\b)",
    re.IGNORECASE,
)
_NOT_VESSEL = re.compile(r"\b(?:pressure|disease|blood|gas|wall|occlusion|line)\b", re.I)
_VEIN = re.compile(
    r"\b(?:into|via|through|thru|in|to|by)\s+(?:the\s+|a\s+)?"
    r"(?:(?:peripheral|cubital|antecubital|median\s+cubital|forearm|arm|superficial|central)"
    r"\s+)?(?:veins?|venous\s+(?:line|access|catheter))\b",
    re.IGNORECASE,
)
# The joint as the place: "injection in the articular cavity", "injected into the knee".
_JOINT = re.compile(
    r"\b(?:in|into|within|to)\s+(?:the\s+|a\s+|each\s+|both\s+)?(?:(?:affected|target|index|knee|hip"
    r"|ankle|shoulder)\s+)?(?:(?:articular|joint|synovial)\s+(?:cavity|cavities|space)"
    r"|knees?(?:\s+joints?)?)\b",
    re.IGNORECASE,
)
# The place the cells are put, after a word of giving: "injected into the myocardium".
_PLACE_WORDS: tuple[tuple[str, str], ...] = (
    (
        "intrathecal",
        r"cerebrospinal\s+fluid|csf|subarachnoid\s+space|spinal\s+canal|cisterna\s+magna",
    ),
    (
        "intracardiac",
        r"(?:infarcted\s+|ischemic\s+|left\s+ventricular\s+)?myocardium|heart\s+muscle",
    ),
    ("intramuscular", r"(?:[\w-]+\s+){0,2}?muscles?|gastrocnemius|quadriceps|deltoid"),
    ("intradiscal", r"nucleus\s+pulposus|(?:intervertebral\s+|degenerated\s+|lumbar\s+)?discs?"),
    ("intravitreal", r"vitreous(?:\s+cavity|\s+body)?"),
    ("intracavernous", r"corp(?:us|ora?)\s+cavernos(?:um|a)|cavernous\s+bod(?:y|ies)|penis"),
    ("intrauterine", r"endometrium|uterine\s+cavity|uterus"),
    ("intraspinal", r"spinal\s+cord(?:\s+lesion)?"),
    (
        "intracerebroventricular",
        r"(?:lateral\s+)?(?:cerebral\s+)?ventricles?\s+of\s+the\s+brain"
        r"|lateral\s+ventricles?",
    ),
    ("intracerebral", r"brain(?:\s+parenchyma)?|striatum|putamen"),
    ("intraperitoneal", r"peritoneal\s+cavity|peritoneum"),
    ("intrapleural", r"pleural\s+(?:cavity|space)"),
    ("intrahepatic", r"liver(?:\s+parenchyma)?"),
    ("intradermal", r"dermis|skin\s+(?:lesions?|layers?)"),
    ("intraosseous", r"(?:bone\s+marrow\s+cavity|femoral\s+head|medullary\s+cavity|bone\s+defect)"),
    ("intratracheal", r"trachea|endotracheal\s+tube"),
)
_PLACE = re.compile(
    r"\b(?:into|in|within|to)\s+(?:the\s+|a\s+|each\s+|both\s+)?(?:"
    + "|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(_PLACE_WORDS))
    + r")\b(?![\s-]+(?:injur\w*|patients?|diseases?|disorders?|damage|dysfunction|pain|isch[a]?emi\w*"
    r"|failure|cancers?|tumou?rs?|fibrosis|cirrhosis|degeneration|infarct\w*))",
    re.IGNORECASE,
)
_PLACE_KEYS = {f"p{i}": key for i, (key, _) in enumerate(_PLACE_WORDS)}
# A cell-laden dressing or sheet laid on a wound: topical.
# Abbreviations written in capitals before the act: "IA injection", "IM administration",
# "NOGA-guided injections".
_ABBREVIATED = re.compile(
    r"\b(?:(?P<ab>IA|IM|SC|IT|ID)\s+(?:injections?|administrations?|route|delivery)"
    r"|NOGA[\s-]+(?:guided|mapping))\b"
)
_ABBREVIATION_KEYS = {
    "IA": "intra-articular",
    "IM": "intramuscular",
    "SC": "subcutaneous",
    "IT": "intrathecal",
    "ID": "intradermal",
}
_TOPICAL_FORM = re.compile(
    r"\b(?:hydrogel\s+sheets?|(?:wound\s+)?dressings?\s+(?:containing|with|of|loaded)"
    r"|spray(?:ed)?\s+(?:on|onto|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:wounds?|burns?|ulcers?)"
    r"|(?:applied|sheets?)\s+(?:(?:applied|placed)\s+)?(?:on|onto|to|over)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:wounds?|ulcers?|ulcer\s+beds?|burns?|skin|lesions?)"
    # "surface application over the skin graft", "applied to the wound surface", "sprayed
    # onto the graft", "application onto the burn"
    r"|surface\s+application|(?:applied|application|sprayed|spread)\s+"
    r"(?:of\s+(?:[\w-]+\s+){1,3}?)?(?:on|onto|to|over)\s+"
    r"(?:the\s+)?(?:[\w()-]+\s+){0,3}?(?:grafts?|wound\s+(?:surface|bed)s?|burns?|ulcers?"
    r"|wounds?|surfaces?))\b",
    re.IGNORECASE,
)
# Cells on a plug that is put into the fistula: local delivery into the lesion ("a fistula
# plug coated with autologous MSCs", "the MSC-loaded fistula plug", "anal fistula plug seeded
# with cells"); a plug named without cells on it says nothing.
_LOCAL_CARRIER = re.compile(
    r"\b(?:(?:coated|loaded|seeded|impregnated)\s+(?:[\w-]+\s+){0,3}?(?:fistula|anal)\s+plugs?"
    r"|(?:(?:peri)?anal\s+)?(?:fistula|anal)\s+plugs?\s+(?:\([^()]{0,20}\)\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:coated|loaded|seeded|impregnated)\s+with)\b",
    re.IGNORECASE,
)
# "in", "at", "to" an artery say a route only after a word of giving ("infused ... in the").
_WEAK_PREP = re.compile(r"(?:in|at|within|to)\b", re.IGNORECASE)
_GIVING = re.compile(
    r"infus|inject|deliver|administ|catheter|transplant|implant|given|perfus|transfus", re.I
)
# Ways in that the route table has no key for ("via the portal vein", "intrasplenic"): they
# name the route, so a bare "infusion" next to them is not read as intravenous.
_UNMAPPED = re.compile(
    r"\b(?:(?:into|via|through|thru|in|to)\s+(?:the\s+)?(?:portal|splenic|hepatic|mesenteric"
    r"|umbilical)\s+veins?|intra-?\s?(?:portal|splenic|glandular|pancreatic|nodal|lymphatic"
    r"|tumou?ral|vesical|gastric|pericardial|cisternal|thymic|testicular|prostatic)(?:al)?(?:ly)?"
    r"|trans-?\s?(?:hepatic|portal)|(?:into|in)\s+the\s+(?:spleen|pancreas|kidneys?"
    r"|(?:\w+\s+)?glands?|lymph\s+nodes?)"
    # the heart-lung machine during surgery: "delivery through cardiopulmonary bypass (CPB)",
    # "via the CPB circuit", "into the bypass circuit", "added to the CPB prime"
    r"|(?:into|via|through|though|thru|in|to|using)\s+(?:the\s+)?(?:(?:cardiopulmonary\s+bypass"
    r"(?:\s*\(CPB\))?|CPB|ECMO|extracorporeal)(?:\s+(?:circuit|pump|machine|prime))?"
    r"|(?:cardiopulmonary\s+)?bypass\s+(?:circuit|pump|machine|prime))"
    r")\b",
    re.IGNORECASE,
)
_GENERIC_SITES = re.compile(
    r"(?:[\w-]+\s+)?inject\w*\s+(?:\S+\s+){0,4}?(?:at|in|into)\s+(?:\S+\s+){0,3}?sites?\b.*",
    re.IGNORECASE | re.DOTALL,
)
# "infusion" with no route word: read as intravenous (reported as such by annotate_trial).
_INFUSION = re.compile(
    r"\b(?:infus(?:e|ed|es|ing|ion|ions)|drip)\b"
    # a transfusion of the cells (not of blood): "transfusion of UC-MSCs", "MSCs are transfused"
    r"|\btransfusions?\s+of\s+(?:[\w-]+\s+){0,3}?(?=(?:MSCs?|[\w-]*MSCs?|cells?|mesenchymal)\b)"
    r"|(?:(?<=MSCs are )|(?<=MSCs were )|(?<=MSCs will be )|(?<=cells are )|(?<=cells were )"
    r"|(?<=cells will be ))transfused\b",
    re.IGNORECASE,
)
_VERB_BEFORE = re.compile(
    r"\b(?:infused|injected|administered|administrated|given|delivered|transplanted|implanted"
    r"|applied|instilled)\s+$",
    re.IGNORECASE,
)
_PUNCTURE = re.compile(r"lumbar\s+puncture", re.IGNORECASE)
_SAMPLED_BEFORE = re.compile(
    r"\b(?:obtained|collected|sampled|samples?|sampling|drawn|taken|withdrawn|aspirated"
    r"|analy[sz]ed|measured|diagnostic|diagnosis)\b",
    re.IGNORECASE,
)
_NOUN_AFTER = re.compile(
    r"\s+(?:infusions?|injections?|administrations?|transplantations?|implantations?|route"
    r"|delivery|application|drip|bolus|doses?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class RouteHit:
    """A route stated in a text: key, span, and whether a route word says it."""

    key: str
    start: int
    end: int
    explicit: bool  # False: read as intravenous from "infusion"/"infused" alone


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    m = _VERB_BEFORE.search(text[max(0, start - 20) : start])
    if m is not None:
        start -= len(m.group(0))
    m2 = _NOUN_AFTER.match(text, end)
    if m2 is not None:
        end = m2.end()
    return start, end


def find_routes(text: str) -> tuple[RouteHit, ...]:
    """Every route stated in ``text``, in text order (explicit words and bare "infusion")."""
    return _find_routes(text)


def _route_matches(text: str) -> list[re.Match[str]]:
    """Matches of the route words, tried only where a route word can start (fast)."""
    out: list[re.Match[str]] = []
    taken = 0
    for anchor in _ROUTE_ANCHOR.finditer(text):
        if anchor.start() < taken:
            continue
        m = _ROUTE_RE.match(text, anchor.start())
        if m is not None:
            out.append(m)
            taken = m.end()
    return out


@lru_cache(maxsize=4096)
def _find_routes(text: str) -> tuple[RouteHit, ...]:
    hits: list[RouteHit] = []
    for m in _route_matches(text):
        key = _ROUTE_KEYS[str(m.lastgroup)]
        if _PUNCTURE.search(m.group(0)) and _SAMPLED_BEFORE.search(
            text, max(0, m.start() - 40), m.start()
        ):
            continue  # "CSF obtained through a lumbar puncture": a sample taken, not cells given
        start, end = _widen(text, m.start(), m.end())
        hits.append(RouteHit(key, start, end, True))
    ivs = list(_IV.finditer(text)) + [m for m in _IV_LOWER.finditer(text) if m.group(0) != "IV"]
    for m in ivs:
        if _IV_NOT.search(text[max(0, m.start() - 12) : m.start()]) is None:
            start, end = _widen(text, m.start(), m.end())
            hits.append(RouteHit("intravenous", start, end, True))
    hits += _vessel_hits(text, hits)
    # "injected into 30 sites in the lower leg muscle": the place names the route.
    for i, h in enumerate(hits):
        if h.key == "intralesional":
            place = _PLACE.match(text, h.end + 1) if text[h.end : h.end + 1].isspace() else None
            if place is not None:
                hits[i] = RouteHit(_PLACE_KEYS[str(place.lastgroup)], h.start, place.end(), True)
    for m in _INFUSION.finditer(text):
        if not any(h.start <= m.start() < h.end for h in hits):
            hits.append(RouteHit("intravenous", m.start(), m.end(), False))
    generic = [_GENERIC_SITES.fullmatch(text, h.start, h.end) is not None for h in hits]
    named = any(h.explicit and not g for h, g in zip(hits, generic, strict=True))
    if named or _UNMAPPED.search(text) is not None:
        # "subconjunctival injection ... injection at 2 sites", "via the portal vein ...
        # injected at 3 sites": the named way in says where the injections go; a generic
        # injection "at sites" is no route of its own
        hits = [h for h, g in zip(hits, generic, strict=True) if not g]
    hits.sort(key=lambda h: (h.start, not h.explicit))
    return tuple(hits)


def _free(hits: list[RouteHit], start: int, end: int) -> bool:
    return not any(h.start < end and start < h.end for h in hits)


def _vessel_hits(text: str, found: list[RouteHit]) -> list[RouteHit]:
    """Routes stated by the vessel or the form: arteries, peripheral veins, dressings."""
    low = text.lower()
    out: list[RouteHit] = []
    if "arter" in low:
        for m in _ARTERY.finditer(text):
            words = (m.group("a") or m.group("b") or "").lower()
            if _NOT_VESSEL.search(words) or not _free(found + out, m.start(), m.end()):
                continue
            if _WEAK_PREP.match(m.group(0)) and not _GIVING.search(
                text, max(0, m.start() - 80), m.start()
            ):
                continue
            # "the infarct-related artery", "the left anterior descending artery": coronary
            coronary = ("coronary", "infarct", "descending", "circumflex")
            key = "intracoronary" if any(w in words for w in coronary) else "intra-arterial"
            start, end = _widen(text, m.start(), m.end())
            out.append(RouteHit(key, start, end, True))
    if "vein" in low or "venous" in low:
        for m in _VEIN.finditer(text):
            if _free(found + out, m.start(), m.end()):
                start, end = _widen(text, m.start(), m.end())
                out.append(RouteHit("intravenous", start, end, True))
    if " in" in low or " to " in low:
        for m in _PLACE.finditer(text):
            if _free(found + out, m.start(), m.end()) and _GIVING.search(
                text, max(0, m.start() - 60), m.start()
            ):
                start, end = _widen(text, m.start(), m.end())
                out.append(RouteHit(_PLACE_KEYS[str(m.lastgroup)], start, end, True))
    for m in _ABBREVIATED.finditer(text):
        if _free(found + out, m.start(), m.end()):
            key = _ABBREVIATION_KEYS.get(m.group("ab") or "", "intracardiac")
            out.append(RouteHit(key, m.start(), m.end(), True))
    if "knee" in low or "cavit" in low or "joint space" in low:
        for m in _JOINT.finditer(text):
            if _free(found + out, m.start(), m.end()) and _GIVING.search(
                text, max(0, m.start() - 60), m.start()
            ):
                start, end = _widen(text, m.start(), m.end())
                out.append(RouteHit("intra-articular", start, end, True))
    if any(w in low for w in ("sheet", "dressing", "applied", "spray", "applica", "spread")):
        for m in _TOPICAL_FORM.finditer(text):
            if _free(found + out, m.start(), m.end()):
                out.append(RouteHit("topical", m.start(), m.end(), True))
    if "plug" in low:
        for m in _LOCAL_CARRIER.finditer(text):
            if _free(found + out, m.start(), m.end()):
                out.append(RouteHit("intralesional", m.start(), m.end(), True))
    return out


def unmapped_routes(text: str) -> list[tuple[int, int]]:
    """Spans naming a way in that has no key in the route table ("via the portal vein",
    "intrasplenic", "into the submandibular glands")."""
    return [(m.start(), m.end()) for m in _UNMAPPED.finditer(text)]


def find_route(text: str) -> tuple[str, str] | None:
    """The first route a text states, with its verbatim span; None where none is stated.

    A route word wins over a bare "infusion", which is read as intravenous only where
    nothing else names the route (a way in the route table has no key for, such as the
    portal vein, leaves the route unknown).
    """
    hits = find_routes(text)
    explicit = [h for h in hits if h.explicit]
    if not explicit and unmapped_routes(text):
        return None
    best = explicit[0] if explicit else (hits[0] if hits else None)
    if best is None:
        return None
    return best.key, text[best.start : best.end]
