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

from kg.extract.route_context import (
    GIVING,
    access_yields,
    adjective,
    by_a_vessel,
    finer_wins,
    gives_nothing_after,
    harvested_from,
    not_a_giving,
    not_this_trial,
    plain_dressing,
)
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

# How an injection is made, between the act and the place: "percutaneously", "under
# ultrasound guidance", "with a 22-gauge needle" (never a route adverb: "intramuscularly").
_MANNER = (
    r"(?:once|twice|(?!(?:intra|sub|epi|peri|trans|endo|topical|stereo|system|parenter|oral|nasal|rectal)\w*ly\b)[a-z]+ly"
    r"|under\s+(?:[\w-]+\s+){1,2}?guidance|(?:with|using|through)\s+(?:an?\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:needles?|syringes?|cannula|trocar)"
    # "injected at the time of surgery into the defect", "during arthroscopy into the lesion"
    r"|(?:during|after|following|at\s+the\s+(?:time|end)\s+of)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)"
)
# Words of a local place: the lesion, or a structure torn or broken.
_LESION = (
    # (a tract is a fistula's or a sinus's, not an organ system's: "the intestinal / urinary /
    # respiratory / digestive / GI tract" is no lesion)
    r"lesion|defect|wound|ulcer|fistul\w*|(?<!al\s)(?<!ry\s)(?<!ve\s)(?<!gi\s)tract|scar|keloid"
    r"|nonunion|non-union"
    r"|fractured\s+site|peri-?anal\s+(?:region|area|tissue)"
    r"|(?:internal|external|fistul\w*)\s+(?:openings?|orifices?)"
    r"|(?:injur(?:y|ed)|lesion(?:ed)?|damaged|affected|target|treated)\s+(?:sites?|areas?|zones?|regions?)"
    r"|non\s+union(?:\s+sites?)?|sphincter|gap|fracture|tear|ligament|menisc(?:us|i)|fascia"
    r"|pseudarthrosis|periodontal\s+pocket|vocal\s+(?:fold|cord)"
)
# A lesion that is no skin surface: a carrier placed there is put into it, not laid on it.
_DEEP_LESION = (
    r"defects?|gaps?|fractures?|fracture\s+sites?|nonunions?|non-unions?|non\s+union\s+sites?"
    r"|tears?|lesion\s+sites?|(?:(?:osteo)?chondral|cartilage|bone|bony|tendon|meniscal)\s+lesions?"
    r"|fistulas?|fistula\s+tracts?"
    r"|sites?\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:defect|lesion|tear|fracture|injury|nonunion)"
    r"|(?:alveolar\s+)?clefts?"
)
# Filler words before a lesion word that make it another route's place: the muscle, the
# heart, the disc or a joint ("into the muscle around the ulcer", "into the myocardial scar").
_NOT_ORGAN = (
    r"(?!(?:muscles?|myocardi\w*|heart|infarct\w*|cardiac|ventric\w*|discs?|intervertebral"
    r"|joints?|knees?)\b)"
)
# Words before a lesion word that make it the patients' disease, not the place: "injected in
# patients with non-union", "administered to participants with a chronic wound".
_NOT_WHO = (
    r"(?!(?:patients?|subjects?|participants?|people|persons?|individuals|adults|children|cases"
    r"|those|with|who|having|suffering|affected|treatment|management|therapy|prevention"
    r"|setting|context|time|course)\b)"
)
_NOT_SKIN = r"(?!(?:skin|wounds?|ulcers?|burns?|dermal|cutaneous|graft)\b)"

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
        r"intra-?\s?articular(?:ly)?|into\s+the\s+(?:(?:knee|hip|ankle|shoulder|affected)\s+)?joint"
        # any joint named as the place: "into the sacroiliac joint", "into the facet joints"
        r"|into\s+(?:the|both|each)\s+(?:[\w-]+\s+){1,2}?joints?\b"
        r"(?!\s+(?:replacement|arthroplasty|surgery|pain|diseases?|lines?))",
    ),
    (
        "intrathecal",
        r"intra-?\s?t(?:h?ec|ech)h?al(?:ly)?"
        r"|(?:via|by|through|by\s+means\s+of)\s+(?:an?\s+|the\s+)?lumbar\s+puncture"
        # "by subarachnoid injection" (not a subarachnoid haemorrhage: a disease's adjective)
        r"|sub-?\s?arachnoid(?:al)?(?:ly)?",
    ),
    ("intramuscular", r"intra-?\s?muscular(?:ly)?"),
    (
        "subcutaneous",
        r"sub-?\s?cutaneous(?:ly)?(?![\s-]+(?:fat|adipose|lipo\w*|abdominal\s+fat|emphysema"
        r"|nodules?|tissue\s+(?:biopsy|harvest\w*)))"
        # "injected under the skin" (not "fat from under the skin")
        r"|(?:inject|implant)\w*\s+(?:\w+\s+)?under\s+the\s+skin\b",
    ),
    (
        "intratendinous",
        r"intra-?\s?tend(?:on|inous|ineous)(?:ly)?|peri-?\s?tend(?:on|inous)(?:ly)?"
        r"|into\s+the\s+(?:\w+\s+){0,2}(?:tendons?|rotator\s+cuff)",
    ),
    (
        "intralesional",
        r"intra-?\s?lesion(?:al)?(?:ly)?|peri-?\s?lesional(?:ly)?|intra-?\s?ligament(?:ous)?(?:ly)?"
        r"|intra-?\s?fistul(?:ar|ous)(?:ly)?|intra-?\s?sphincter(?:ic|al)(?:ly)?"
        # the place is the subject: "the fistula tract is filled with MSCs in fibrin glue"
        r"|\b(?:fistul\w*(?:\s+tracts?)?|tracts?|defects?|gaps?|lesions?)\s+(?:is|are|was|were"
        r"|will\s+be)\s+(?:then\s+|subsequently\s+)?(?:filled|packed|injected|infiltrated"
        r"|loaded)\s+with"
        r"|peri-?\s?(?:fistul\w*|anal)\s+(?:injections?|administration|implantation)"
        r"|peri-?\s?(?:fistul(?:ar|ous)|anal)ly\b"
        r"|local(?:ly)?\s+(?:inject\w*|administ\w*|implant\w*)"
        # "injected directly into the lesion", "injected once along the fistula", "implanted
        # into the defect", "injected around the fistula opening", "delivered to the nonunion
        # site", "injected percutaneously into the fracture gap", "injected under ultrasound
        # guidance into the lesion", "injected beneath the scar"
        # ("administered at the study site" is no place: "site" alone only after "inject")
        r"|\b(?:(?P<inj>inject|implant|infiltrat)|deliver|administ|instill)\w*\s+"
        r"(?:of\s+(?:[\w-]+\s+){1,6}?)?"
        rf"(?:{_MANNER}\s+)?"
        r"(?:in|into|to|at|along|around|within|inside|throughout|beneath|below)\s+"
        # "in multiple points around the edge of the wound", "at 4 sites along the tract"
        r"(?:(?:\d{1,3}|multiple|several|many|two|three|four|five|six|eight|ten)\s+"
        r"(?:points?|sites?|spots?|places?|locations?)\s+(?:around|along|at|in|into|on|within|of)\s+)?"
        # "into the tissue surrounding the internal opening of the fistula"
        r"(?:the\s+tissues?\s+(?:surrounding|around)\s+(?:(?:the\s+)?(?:[\w-]+\s+){1,2}of\s+)?)?"
        rf"(?:the\s+|an?\s+)?(?:{_NOT_ORGAN}{_NOT_WHO}[\w-]+\s+){{0,4}}?"
        rf"(?:{_LESION}|(?(inj)site|(?!)))s?\b"
        # a carrier laid into a bone, cartilage or soft-tissue lesion (not on the skin, which
        # is topical): "placed in the fracture gap", "applied onto the chondral lesion"
        r"|\b(?:placed|placement|applied|application|positioned|packed|filled|transplanted"
        r"|transplantation|grafted)\s+"
        rf"(?:of\s+(?:[\w-]+\s+){{1,6}}?)?(?:{_MANNER}\s+)?"
        # "in" only before an article: "transplantation in tibial fractures" names the disease
        r"(?:in\s+(?=the\s|an?\s)|into|onto|on|to|at|within|inside|over)\s*(?:the\s+|an?\s+)?"
        rf"(?:{_NOT_SKIN}{_NOT_WHO}[\w-]+\s+){{0,3}}?(?:{_DEEP_LESION})\b"
        # "patients received the cells in the fractured site"
        r"|\breceiv\w*\s+(?:(?!(?:in|into|at|to|with|by|via)\b)[\w-]+\s+){1,6}?(?:in|into|at)\s+the\s+"
        rf"(?:{_NOT_WHO}[\w-]+\s+){{0,2}}?(?:fractured?\s+sites?|fracture\s+gaps?|nonunion"
        r"|non-union|defects?|lesions?|fistula(?:\s+tracts?)?|scars?|ulcer\s+beds?)\b",
    ),
    ("intradiscal", r"intra-?\s?discal(?:ly)?|into\s+the\s+(?:intervertebral\s+)?discs?\b"),
    (
        "endobronchial",
        r"endo-?\s?bronchial(?:ly)?|intra-?\s?bronchial(?:ly)?|(?:\bfib(?:er|re|ro)-?)?bronchoscop(?:e|y|ic|ically)\b",
    ),
    ("intratracheal", r"intra-?\s?trache(?:al|ally)|endo-?\s?tracheal(?:ly)?"),
    ("intramedullary", r"intra-?\s?medullary"),
    ("intraosseous", r"intra-?\s?osseo?us(?:ly)?|intra-?\s?bone[\s-]+marrow|intra-?\s?osteal"),
    ("intradermal", r"intra-?\s?dermal(?:ly)?|intra-?\s?cutaneous(?:ly)?"),
    ("intracoronary", r"intra-?\s?coronar(?:y|ily)"),
    (
        "intracardiac",
        r"intra-?\s?myocardial(?:ly)?|intra-?\s?cardiac(?:ally)?"
        r"|(?:trans-?\s?)?epi-?\s?cardial(?:ly)?\s+(?:injections?|implantation|delivery"
        r"|administration|approach|route)|(?:trans-?\s?)?epi-?\s?cardially"
        # "direct myocardial injection", "injected transmyocardially" (not "myocardial infarction")
        r"|\b(?:trans-?\s?)?myocardial\s+(?:injections?|implantation|delivery|administration"
        r"|transplantation)|trans-?\s?myocardially",
    ),
    # through the heart's inner wall by catheter: "transendocardial injection", "trans-endocardially"
    # "percutaneous endomyocardial injection", "endoventricular injections" (not the biopsy)
    (
        "transendocardial",
        r"trans-?\s?endocardial(?:ly)?|\b(?:through|via|across)\s+the\s+endocardium"
        r"|endo-?\s?(?:myocardial|ventricular|cardial)(?:ly)?(?![\s-]+(?:biops\w*|fibros\w*))",
    ),
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
    (
        "intranasal",
        r"intra-?\s?nasal(?:ly)?|nasal\s+(?:spray|drops?|administration|instillation)|nasally",
    ),
    # "atomized inhalation", "by atomization"
    (
        "inhalation",
        r"inhal(?:ation|ed|ing)\b|nebuli[sz](?:ed|ation|er)|aerosoli[sz]ed"
        r"|\batomi[sz](?:ed|ation|er)\b",
    ),
    (
        "intrauterine",
        r"intra-?\s?uterine(?:ly)?|into\s+the\s+uter(?:us|ine\s+cavity)|intra-?\s?endometrial",
    ),
    (
        "intracavernous",
        r"intra-?\s?cavern(?:os|ous)(?:al|um)?(?:ly)?|intra-?\s?corpor(?:al|a|us)\s+cavernos\w*",
    ),
    ("epidural", r"epidural(?:ly)?"),
    # "intraventricular transplantation" (into the brain's ventricles; CDISC INTRAVENTRICULAR)
    (
        "intracerebroventricular",
        r"intra-?\s?cerebro-?\s?ventricular(?:ly)?|intra-?\s?ventricular(?:ly)?",
    ),
    (
        "intracerebral",
        r"intra-?\s?cerebral(?:ly)?|\bstereotactic(?:ally)?\s+(?:injections?|implantation"
        r"|transplantation|administration|delivery)|stereotactically",
    ),
    ("intraspinal", r"intra-?\s?spinal(?:ly)?"),
    (
        "intraovarian",
        r"intra-?\s?ovarian(?:ly)?|into\s+(?:the|both|each)\s+(?:\w+\s+)?ovar(?:y|ies)",
    ),
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
    r"|inhal|nebuli|aerosoli|nasal|bronchoscop|trans|eye)"
    # the words of the local phrasings, which their patterns take at a word's start only (an
    # anchor tried anywhere costs twice as much: these words are common)
    r"|\b(?:infiltrat|fistul|tract|defect|gap|lesion|stereotactic|myocard|fib|appl|deliver"
    r"|administ|instill|plac|position|packed|filled|graft|receiv|across|atomi)",
    re.IGNORECASE,
)
# "IV" written in capitals, but not "Phase IV", "grade III-IV", "IV-2".
_IV = re.compile(r"(?<![\w/-])IV(?![\w/-])(?!\s+drugs?\s+(?:use|users?|abuse|addict\w*))")
# "iv" in lower case only before the act: "iv infusion", "iv injection", "iv route".
_IV_LOWER = re.compile(
    r"(?<![\w/.-])iv(?=\s+(?:infusions?|injections?|administrations?|route|bolus|drip|push)\b)"
    # right after a dose's unit, as terse registry texts write it: "1x10^6 cells/kg iv, 3 times",
    # "2x10^6/kg iv once" (a unit, never a stage or grade, comes before)
    r"|(?:(?<=/kg\s)|(?<=cells\s)|(?<=MSCs\s)|(?<=MSC\s))iv(?![\w/-])"
    r"|(?<![\w/.-])iv(?=gtt\b)",  # "ivgtt": intravenous drip, as Chinese registries write it
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
    r"|knees?(?:\s+joints?)?"
    # "to the affected joint", "in the target joint(s)"
    r"|(?:affected|target|index|painful|treated|arthritic|osteoarthritic)\s+joints?)\b",
    re.IGNORECASE,
)
# A symptom of the joint, not the place: "given intravenously for pain in the affected joint".
_SYMPTOM_BEFORE = re.compile(
    r"\b(?:pain|swelling|stiffness|effusion|symptoms?|damage|function|inflammation)\s*$",
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
        r"(?:infarcted\s+|ischemic\s+|left\s+ventricular\s+|peri-?\s?infarct\s+|viable\s+"
        r"|hibernating\s+|border[\s-]+zone\s+)?myocardium|heart(?:\s+muscle)?"
        # "into the infarct border zone", "into the myocardial scar", "into the LV wall"
        r"|(?:infarct|scar)\s+border(?:[\s-]+zone)?|border[\s-]+zone|peri-?\s?infarct(?:ed)?"
        r"\s+(?:area|region|zone)|infarct(?:ed)?\s+(?:area|region|zone|territory)"
        r"|myocardial\s+(?:scar|wall|infarct\s+(?:area|zone))"
        r"|(?:left\s+ventricular|LV|ventricular)\s+(?:free\s+)?wall",
    ),
    (
        "intramuscular",
        r"(?:[\w-]+\s+){0,2}?muscles?|gastrocnemius|quadriceps|deltoid"
        # the limb's muscles named by the limb: "into the ischemic limb", "into the thigh"
        r"|gluteus(?:\s+maximus)?|vastus\s+lateralis|thighs?|calf|calves|buttocks?"
        r"|(?:ischa?emic\s+|affected\s+|lower\s+)?(?:limbs?|legs?)",
    ),
    ("intradiscal", r"nucleus\s+pulposus|(?:intervertebral\s+|degenerated\s+|lumbar\s+)?discs?"),
    ("intravitreal", r"vitreous(?:\s+cavity|\s+body)?"),
    ("intracavernous", r"corp(?:us|ora?)\s+cavernos(?:um|a)|cavernous\s+bod(?:y|ies)|penis"),
    ("intrauterine", r"endometrium|(?:uterine|endometrial)\s+cavity|uterus"),
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
    (
        "intraosseous",
        r"(?:bone\s+marrow\s+cavity|femoral\s+head|medullary\s+cavity|bone\s+defect"
        # the bone itself: "into the subchondral bone", "into the vertebral body"
        r"|subchondral\s+bone(?:\s+marrow)?(?:\s+lesions?)?|vertebral\s+bod(?:y|ies)"
        r"|bone\s+marrow\s+lesions?|(?:iliac|tibial|femoral|calcaneal)\s+bone"
        # "co-transplanted into the bone marrow" (after "into" only: not "home to the bone
        # marrow", nor a harvest, a donor or the cells' own tissue)
        r"|(?:(?<=into\s)|(?<=into\sthe\s))bone[\s-]+marrow(?![\s-]+(?:of\s+)?(?:donors?|aspirat\w*"
        r"|harvest\w*|samples?|biops\w*|transplant\w*|failure|stromal|mesenchymal|derived|cells?"
        r"|MSCs?|stem))(?:\s+cavity)?)",
    ),
    ("intratracheal", r"trachea|endotracheal\s+tube"),
)
_PLACE = re.compile(
    r"\b(?:into|in|within|to)\s+(?:the\s+|a\s+|each\s+|both\s+)?"
    # "into the injured part of the spinal cord", "into the infarcted region of the myocardium"
    r"(?:(?:[\w-]+\s+)?(?:part|area|region|segment|portion|zone)s?\s+of\s+(?:the\s+)?)?(?:"
    + "|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(_PLACE_WORDS))
    + r")\b(?![\s-]+(?:veins?|venous|arter(?:y|ies|ial)|vessels?|fat|adipose|skin|subcutane\w*"
    r"|injur\w*|patients?|diseases?|disorders?|damage|dysfunction|pain|isch[a]?emi\w*"
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
    r"|surface\s+application|(?:applied|application|sprayed|spread|smeared|dripped|coated)\s+"
    r"(?:of\s+(?:[\w-]+\s+){1,3}?)?(?:on|onto|to|over)\s+"
    r"(?:the\s+)?(?:[\w()-]+\s+){0,3}?(?:grafts?|wound\s+(?:surface|bed)s?|burns?|ulcers?"
    r"|wounds?|surfaces?)"
    # a carrier laid on the skin: "a seeded dermal substitute is placed on the wound", "the
    # ulcer is covered with the MSC sheet"
    r"|(?:placed|laid|positioned)\s+(?:on|onto|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:wounds?|ulcers?|ulcer\s+beds?|burns?|skin)"
    r"|(?:wounds?|ulcers?|burns?|ulcer\s+beds?)\s+(?:is|are|was|were|will\s+be)\s+(?:then\s+)?"
    r"covered\s+with)\b",
    re.IGNORECASE,
)
_TOPICAL_TRIGGERS = (
    "sheet",
    "dressing",
    "applied",
    "spray",
    "applica",
    "spread",
    "placed",
    "laid",
    "positioned",
    "covered",
    "smeared",
    "dripped",
    "coated",
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
# Ways in that the route table has no key for ("via the portal vein", "intrasplenic"): they
# name the route, so a bare "infusion" next to them is not read as intravenous.
_UNMAPPED = re.compile(
    r"\b(?:(?:into|via|through|thru|in|to)\s+(?:the\s+)?(?:portal|splenic|hepatic|mesenteric"
    r"|umbilical)\s+veins?|intra-?\s?(?:portal|splenic|glandular|pancreatic|nodal|lymphatic"
    r"|tumou?ral|vesical|gastric|pericardial|cisternal|thymic|testicular|prostatic|cameral"
    r"|tympanic)(?:al)?(?:ly)?"
    # the eye's ways in without a key: "sub-Tenon", "retrobulbar", "suprachoroidal"
    r"|sub-?\s?tenon'?s?|retro-?\s?bulbar|peri-?\s?bulbar|supra-?\s?choroidal|peri-?\s?urethral"
    r"|trans-?\s?(?:hepatic|portal)|(?:into|in)\s+the\s+(?:spleen|pancreas|kidneys?"
    r"|(?:\w+\s+)?glands?|lymph\s+nodes?)"
    # the heart's veins, backwards: "retrograde infusion via the coronary sinus"
    r"|(?:via|through|into|in)\s+the\s+coronary\s+sinus|retrograde\s+coronary\s+(?:sinus|venous)"
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
# An intralesional place inside a bone: "the necrotic lesion of the femoral head".
_BONE = re.compile(
    r"(?:^\s+of\s+the\s+(?:[\w-]+\s+){0,2}?)?(?:\b(?:femoral|humeral)\s+heads?\b"
    r"|\bsubchondral\s+bone\b|\bvertebral\s+bod(?:y|ies)\b|\bosteonecro\w*|\bnecrotic\s+bone\b)",
    re.IGNORECASE,
)
# An intralesional place that is a tendon: "into the tear of the Achilles tendon".
_TENDON = re.compile(
    r"\btendons?\b|\brotator\s+cuff\b|^\s+of\s+the\s+(?:[\w-]+\s+){0,2}?tendons?\b",
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
        if not_a_giving(text, m, key) or (
            adjective(m.group(0)) and harvested_from(text, m.start())
        ):
            continue
        if key == "intracerebroventricular" and _heart_ventricle(text, m):
            continue  # "intraventricular conduction delay" in a heart trial
        start, end = _widen(text, m.start(), m.end())
        if key == "intralesional" and (
            _TENDON.search(text, start, end) or _TENDON.match(text[end : end + 40])
        ):
            key = "intratendinous"  # "injected into the partial tear of the Achilles tendon"
        elif key == "intralesional" and (
            _BONE.search(text, start, end) or _BONE.match(text[end : end + 40])
        ):
            key = "intraosseous"  # "injected into the necrotic lesion of the femoral head"
        hits.append(RouteHit(key, start, end, True))
    ivs = list(_IV.finditer(text)) + [m for m in _IV_LOWER.finditer(text) if m.group(0) != "IV"]
    for m in ivs:
        if gives_nothing_after(text, m.end()):
            continue  # "IV contrast", "IV antibiotics", "IV thrombolysis"
        if _IV_NOT.search(text[max(0, m.start() - 12) : m.start()]) is None:
            start, end = _widen(text, m.start(), m.end())
            hits.append(RouteHit("intravenous", start, end, True))
    hits += _vessel_hits(text, hits)
    # "injected into 30 sites in the lower leg muscle": the place names the route.
    for i, h in enumerate(hits):
        if h.key == "intralesional":
            place = _PLACE.match(text, h.end + 1) if text[h.end : h.end + 1].isspace() else None
            finer = _place_key(text, place) if place is not None else None
            if place is not None and finer is not None:
                hits[i] = RouteHit(finer, h.start, place.end(), True)
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
    hits = finer_wins(text, hits)
    hits = access_yields(text, hits)
    hits = [h for h in hits if not not_this_trial(text, h)]
    hits.sort(key=lambda h: (h.start, not h.explicit))
    return tuple(hits)


# An infarct is the heart's unless the text speaks of the brain: "into the peri-infarct area"
# of a stroke trial is intracerebral.
_HEART = re.compile(r"myocard|heart|cardi|ventric|coronary|CABG|bypass", re.IGNORECASE)
_BRAIN = re.compile(r"stroke|brain|cerebr|stereotac|putamen|striat", re.IGNORECASE)


# "intraventricular" alone is the brain's ventricles where it gives the cells ("intraventricular
# transplantation", "intraventricular MSCs", "injected intraventricularly") or the text speaks of
# the brain; otherwise it is the heart's ("intraventricular conduction delay", "dyssynchrony").
_BARE_VENTRICULAR = re.compile(r"intra-?\s?ventricular", re.IGNORECASE)
_GIVES_AFTER = re.compile(
    r"[\s-]+(?:[\w-]+\s+){0,2}?(?:injections?|infusions?|administrations?|transplant\w*"
    r"|implant\w*|delivery|route|instillations?|MSCs?|cells?|stem|stromal|mesenchymal)\b",
    re.IGNORECASE,
)


def _heart_ventricle(text: str, m: re.Match[str]) -> bool:
    return (
        _BARE_VENTRICULAR.fullmatch(m.group(0)) is not None
        and _GIVES_AFTER.match(text, m.end()) is None
        and _BRAIN.search(text) is None
    )


def _place_key(text: str, m: re.Match[str]) -> str | None:
    key = _PLACE_KEYS[str(m.lastgroup)]
    words = m.group(0).lower()
    if key == "intracardiac" and words.endswith("heart") and not words.startswith("into"):
        return None  # "infused ... and travel to the heart", "to repair damage in the heart"
    if key == "intracardiac" and ("infarct" in words or "border" in words):
        if "myocard" in words or _HEART.search(text) or not _BRAIN.search(text):
            return key
        return "intracerebral"
    return key


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
            if _WEAK_PREP.match(m.group(0)) and not GIVING.search(
                text, max(0, m.start() - 80), m.start()
            ):
                continue
            # "the infarct-related artery", "the left anterior descending artery": coronary
            coronary = ("coronary", "infarct", "descending", "circumflex", "culprit")
            named = re.search(r"\b(?:lad|lcx|rca)\b", words) is not None  # "the LAD artery"
            key = (
                "intracoronary" if named or any(w in words for w in coronary) else "intra-arterial"
            )
            start, end = _widen(text, m.start(), m.end())
            out.append(RouteHit(key, start, end, True))
    if "vein" in low or "venous" in low:
        for m in _VEIN.finditer(text):
            if _free(found + out, m.start(), m.end()):
                start, end = _widen(text, m.start(), m.end())
                out.append(RouteHit("intravenous", start, end, True))
    if " in" in low or " to " in low:
        for m in _PLACE.finditer(text):
            if _free(found + out, m.start(), m.end()) and GIVING.search(
                text, max(0, m.start() - 60), m.start()
            ):
                place_key = _place_key(text, m)
                if place_key is not None and not by_a_vessel(text, m.start(), found + out):
                    start, end = _widen(text, m.start(), m.end())
                    out.append(RouteHit(place_key, start, end, True))
    for m in _ABBREVIATED.finditer(text):
        if _free(found + out, m.start(), m.end()):
            key = _ABBREVIATION_KEYS.get(m.group("ab") or "", "intracardiac")
            out.append(RouteHit(key, m.start(), m.end(), True))
    if "knee" in low or "cavit" in low or "joint" in low:
        for m in _JOINT.finditer(text):
            if (
                _free(found + out, m.start(), m.end())
                and GIVING.search(text, max(0, m.start() - 60), m.start())
                and not _SYMPTOM_BEFORE.search(text, max(0, m.start() - 30), m.start())
            ):
                start, end = _widen(text, m.start(), m.end())
                out.append(RouteHit("intra-articular", start, end, True))
    if any(w in low for w in _TOPICAL_TRIGGERS):
        for m in _TOPICAL_FORM.finditer(text):
            if _free(found + out, m.start(), m.end()) and not plain_dressing(text, m):
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
