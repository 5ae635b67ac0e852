"""Cell doses in free text, each with the verbatim span it was read from.

A figure is a dose when the words around it say it counts the cells given: a cell word
after it ("MSCs", "cells", a product name or an abbreviation the text defines, with any
describing words between: "1.5 million adipose-tissue derived mesenchymal stem cells per
kg"), a "/kg", or (for a figure written as a power of ten) a cell word before it. Never a
dose: a cap ("up to", "a maximum of", "not to exceed", "no more than": kept apart as a
:class:`~kg.model.CellCap`, see :func:`extract_caps`; a range after a cap word, "up to
1~2x10^6 MSCs per kg", is a cap at its high end, docs/dose-labelling.md), a lower bound ("at least", "more than", "a minimum of", "(>5x10^9)":
the dose given above it is unknown and :class:`~kg.model.Dose` has no open upper end, so it
is kept apart as a :class:`CellFloor`, see :func:`extract_floors`, and noted by the
annotator), an infusion rate (cells/min), a
concentration (cells/mL), a vial's or bag's content, a count of anything else (mg, IU,
patients). A figure per cm² of wound, per eye, joint, lesion, vocal fold, limb or disc
keeps its unit. Figures are kept as stated, however odd (``ontology/qc`` flags the
implausible ones); a total stated next to a per-administration figure is not a second dose.
A tolerance is never a figure ("1 ± 0.5 x 10^6 cells/kg" is 1e6, see
:mod:`kg.extract.numbers`); a per-kg basis may follow a route or a verb ("MSCs IV per/kg body
weight"). A figure per injection site is no dose beside the session's total; alone it is kept
per site (other:cells/site). A total of one session ("in total per session", "total divided
into 10 injections") is per administration, its injections no count.

>>> [(d.min_cells, d.max_cells, d.unit.value, d.evidence)
...  for d in extract_doses("1-2X10^6 MSC per kg", field="intervention")]
[(1000000.0, 2000000.0, 'cells/kg', '1-2X10^6 MSC per kg')]
>>> extract_doses("20 µg teriparatide once daily; 2 milligrams of estradiol", field="arm")
[]
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract.numbers import Figure, find_figures, parse_number
from kg.extract.regimen import Resolved, drop_dose_levels, find_counts, resolve
from kg.extract.routes import find_routes, unmapped_routes
from kg.extract.strength import with_strength
from kg.extract.tables import MESENCHYMAL, MESENCHYMAL_SPELLINGS
from kg.extract.text import Sentences, clause_bounds, parse_count, sentences_of
from kg.extract.widths import as_written, has_wide, narrow
from kg.model import CellCap, Dose, DosePer, DoseUnit

__all__ = ["CellFloor", "defined_cell_names", "extract_caps", "extract_doses", "extract_floors"]

MIN_CELLS = 1e3  # least figure read as cells from its context alone (no cell word)
MAX_CELLS = 1e13  # most cells any figure is read as: above, a count of something else

_TOKEN = re.compile(
    # "個" (the Japanese counter of cells, "2×10^6個/kg") and "細胞" (cells) are words too
    r"\s*(?:(?P<word>[A-Za-zµμ$€][\w'’+-]*|個|細胞)|(?P<num>\d+(?:[.,]\d+)?)|(?P<punct>\S))"
)
_CELL_WORD = re.compile(
    r"(?:CSM|[A-Za-z0-9-]*MSCc"  # "MSCc": a registry's plural ("Umbilical core-derived MSCc")
    r"|(?:[A-Za-z0-9-]*(?:MSC|MSV|ASC|ADSC|MPC)|[A-Za-z0-9-]+SC)s?(?:-[A-Za-z0-9]+)*\d*)"
)
_CELL_WORD_I = re.compile(
    rf"(?:cells?|cellules?|stem|stromal|{MESENCHYMAL}|nucleated|mononuclear|個|細胞)", re.IGNORECASE
)
_KG = re.compile(r"(?:kg|kgs|kilo|kilos|kilogram|kilograms)\.?", re.IGNORECASE)
_KG_EXPONENT = re.compile(
    r"[·⋅∙•*.]?\s*kg\s*(?:(?:\^\s*)?\(?[-−–]\s*1\)?(?!\d)|⁻¹)",
    re.IGNORECASE,  # "kg-1", "kg⁻¹"
)
_BODY_WEIGHT = re.compile(
    r"\s*(?:of\s+)?(?:the\s+)?(?:(?:patient|recipient|subject|participant)(?:'s|’s|s)?\s+)?"
    r"(?:(?:body[\s-]*weight|recipient[\s-]*weight|bw|wt|weight)\b"
    r"|b\.\s?w\.)",
    re.IGNORECASE,
)
_VOLUME = re.compile(r"(?:ml|mls|cc|l|dl|µl|μl|ul|mm3|m2|m²|litre|liter)\.?", re.IGNORECASE)
_PER_ADMIN = re.compile(
    r"(?:person|patient|subject|participant|dose|injection|infusion|administration"
    r"|side|site|session|treatment|time|cycle|course)s?",
    re.IGNORECASE,
)
# "per eye", "/knee", "per lesion": a figure with its own basis, kept with it.
_SITE_UNITS: dict[str, DoseUnit] = {
    **dict.fromkeys(("eye", "eyes", "eyeball"), DoseUnit.CELLS_PER_EYE),
    **dict.fromkeys(
        ("joint", "joints", "knee", "knees", "hip", "hips", "shoulder", "shoulders", "ankle"),
        DoseUnit.CELLS_PER_JOINT,
    ),
    **dict.fromkeys(
        (
            "lesion",
            "lesions",
            "ulcer",
            "ulcers",
            "wound",
            "wounds",
            "defect",
            "defects",
            "fistula",
            "fistulas",
            "fistulae",
        ),
        DoseUnit.CELLS_PER_LESION,
    ),
    **dict.fromkeys(("limb", "limbs", "leg", "legs"), DoseUnit.CELLS_PER_LIMB),
    **dict.fromkeys(("disc", "discs", "disk", "disks"), DoseUnit.CELLS_PER_DISC),
    **dict.fromkeys(("site", "sites"), DoseUnit.CELLS_PER_SITE),
}
# A figure given at each injection site: "at 2 sites of 3,000,000 cells ... each", "at each of
# 30 sites", "at each (injection) site" (before or after the figure), "per (injection) site".
_SITES_BEFORE = re.compile(
    r"\b(?:at|in|into|to)\s+(?:each\s+of\s+)?(?:the\s+)?(?:\d{1,3}|two|three|four|five|six|seven"
    r"|eight|nine|ten|several|multiple)\s+(?:[\w-]+\s+){0,2}?sites?\s*(?:of|with|,|:)\s*$",
    re.IGNORECASE,
)
_SITES_AFTER = re.compile(
    r"\s*(?:\([^()]{0,30}\)\s*)?(?:each\b(?!\s+(?:patient|subject|participant|person|arm|group"
    # "4 x 10^7 cells each time / each infusion": per administration, not per site
    r"|times?|infusions?|injections?|doses?|administrations?|sessions?|treatments?|days?|weeks?"
    r"|months?|cycles?|visits?)\b)"
    r"|(?:(?:will|be|is|are|was|were|to|injected|administered|given|delivered|implanted)\s+){0,3}"
    r"(?:at|in|into)\s+each\s+(?:of\s+(?:the\s+)?(?:\d{1,3}|[a-z]+)\s+)?(?:[\w-]+\s+)?sites?\b)",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"(?:min|mins|minute|minutes|h|hr|hrs|hour|hours|s|sec|secs|second|seconds)\.?", re.I
)
_RATE_AFTER = re.compile(
    r"\s*(?:/|per\b)\s*(?:min|mins|minute|minutes|h|hr|hrs|hour|hours|sec)\b", re.I
)
_CONTAINER_AFTER = re.compile(
    r"\s*(?:/|per\b|in\s+(?:each|one|a|every)\b)\s*(?:vial|bag|ampoule|ampule|cryovial|cryobag"
    r"|container|syringe|tube|flask|straw|pack)s?\b",
    re.IGNORECASE,
)
_CONTAINER = re.compile(
    r"(?:vial|bag|ampoule|ampule|cryovial|cryobag|container|syringe|tube|flask|straw|pack)s?",
    re.IGNORECASE,
)
# One container given each time: its content is the dose of an administration ("Cell number:
# 1x10^8/bag; ... 1 bag each time", "one vial is injected", "1 vial per injection").
_ONE_CONTAINER = re.compile(
    r"\b(?:1|one|a\s+single)\s+(?:bag|vial|syringe|ampoule|cryobag|cryovial)\s*(?:/\s*|per\s+"
    r"|each\s+|every\s+|at\s+each\s+|for\s+each\s+)(?:time|dose|infusion|injection"
    r"|administration|session|treatment)\b"
    r"|\b(?:1|one|a\s+single)\s+(?:bag|vial|syringe|ampoule|cryobag|cryovial)\s+(?:is|will\s+be"
    r"|was|are)\s+(?:infused|injected|given|administered|transfused|thawed\s+and\s+infused)\b",
    re.IGNORECASE,
)
# Left context that makes a figure anything but a dose given: a container's content ...
_CONTENT_BEFORE = re.compile(
    r"\b(?:vials?|bags?|ampoules?|ampules?|cryovials?|cryobags?|containers?|syringes?"
    r"|tubes?|flasks?|straws?)(?:\s+(?:will\s+|shall\s+)?(?:contains?|containing|holds?"
    r"|holding|with|of))"
    r"(?:\s*(?:of|at|is|was|will|be|about|approximately|around|a|an|the|than|from|ranging"
    r"|between|each|final|:|=|~|≈|>|<|≥|≤))*[\s:=]*$",
    re.IGNORECASE,
)
# ... and a concentration, a rate, a yield (a figure per kilogram or per eye is a dose,
# whatever the text calls it: "a concentration of 2 X 10^6 cells per kilogram").
_CONCENTRATION_BEFORE = re.compile(
    r"\b(?:concentrations?|density|densities|rate|speed|yields?|yielding|seeded|seeding|plated"
    r"|plating|harvest(?:ed)?|viability|(?:expanded|grown|cultured|cultivated|propagated)"
    r"\s+(?:up\s+)?to|(?:to\s+)?(?:obtain|reach)(?:ed|ing)?|until|(?:extracted|isolated|lysed)"
    r"\s+from)"
    r"(?:\s*(?:of|at|is|was|will|be|about|approximately|around|a|an|the|than|from|ranging"
    r"|between|each|final|:|=|~|≈|>|<|≥|≤))*[\s:=]*$",
    re.IGNORECASE,
)
# A density of cells put into a culture vessel (per cm2 of its surface).
_SEEDING_BEFORE = re.compile(r"\b(?:seeded|seeding|plated|plating)\b[^.;]{0,30}$", re.IGNORECASE)
# A figure a dose may be changed to, on a condition: not a dose the arm is given.
_MAY_CHANGE = re.compile(
    r"\b(?:may|might|could|can)\s+(?:be\s+|also\s+be\s+)?(?:reduced|increased|decreased|lowered"
    r"|raised|adjusted|modified|changed|escalated|de-escalated)\s+to\b[^.;()]{0,60}$",
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
        "tu",
        "ffu",
        "ifu",
        "eid50",
        "ccid50",
        "ge",
        "dna",
        "rna",
        "bp",
        "kb",
        "kda",
        "molecules",
        "beads",
        "events",
        "reads",
        "bacteria",
        "spores",
        "ie",
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
        *MESENCHYMAL_SPELLINGS,
        "core",  # "Umbilical core-derived MSCc" (cord)
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
CAP = "up to"  # the qualifier of a cap: such a figure is never a dose
_QUALIFIER = re.compile(
    r"(?P<q>approximately|approx\.?|about|around|circa|ca\.|nearly|roughly|~|≈|up\s+to"
    r"|as\s+much\s+as|at\s+most|an?\s+max(?:imum|imal)\s+of|max(?:imum|imal)(?:\s+of)?|max\.?"
    r"|not\s+(?:to\s+)?exceed(?:ing)?|(?:no|not)\s+more\s+than|limited\s+to|capped\s+at"
    r"|at\s+(?:a\s+)?maximum(?:\s+of)?|maximally|≤|<=|at\s+least|a\s+minimum\s+of"
    r"|minimum(?:\s+of)?|(?<![\d\s]\s)(?<!\d)min\.?|no\s+less\s+than|≥|>=|more\s+than|greater\s+than"
    r"|>(?!=)|in\s+excess\s+of)"
    r"\s*(?:(?:a|the|total|cumulative|dose|doses|of|:)\s*){0,4}$",
    re.IGNORECASE,
)
_QUALIFIER_NAMES = (
    ("approximately", ("approx", "about", "around", "circa", "ca.", "nearly", "roughly", "~", "≈")),
    ("as much as", ("as much",)),  # a dose ("as much as 2 x 50 million"), not a cap
    (
        CAP,
        (
            "up",
            "at most",
            "at max",
            "at a max",
            "max",
            "a max",
            "an max",
            "not",
            "no more",
            "limited",
            "capped",
            "≤",
            "<=",
        ),
    ),
    (
        "at least",
        (
            "at least",
            "minimum",
            "a minimum",
            "min",
            "no less",
            "≥",
            ">",
            "more",
            "greater",
            "in excess",
        ),
    ),
)
_COUNT_PREFIX = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,2}|two|three|four|five|six)\s*[x×X*]\s*$", re.IGNORECASE
)
_TOTAL = re.compile(r"\b(?:total|cumulative|in\s+all|overall|altogether)\b", re.IGNORECASE)
_CUMULATIVE = re.compile(r"\bcumulative\b", re.IGNORECASE)
# A figure the text gives for each administration, right after it ("1x10^9 NK cells/dose",
# "2 x 10^6 cells/kg each", "... per infusion") or right before it ("each infusion of ..."):
# per administration, whatever a "total" nearby says about the schedule.
_EACH_AFTER = re.compile(
    r"\s*(?:(?:/|per\b|each\b|every\b|a\b|an\b)\s*(?:single\s+)?"
    r"(?:dose|infusion|injection|administration|application|transplantation|implantation|"
    r"treatment|instillation)\b|each\b)",
    re.IGNORECASE,
)
_EACH_IN_UNIT = re.compile(
    r"(?:/|\bper\b|\beach\b|\ba\b)\s*(?:single\s+)?(?:dose|infusion|injection|administration"
    r"|application|transplantation|implantation|treatment|instillation)\s*$",
    re.IGNORECASE,
)
_EACH_BEFORE = re.compile(
    r"\b(?:each|every|per)\s+(?:dose|infusion|injection|administration|application|"
    r"implantation|instillation)\s+(?:of|contains?|consists?\s+of|will\s+contain|with)\s*$",
    re.IGNORECASE,
)
_PLURAL_ADMIN = re.compile(
    r"\b(?:doses|infusions|injections|administrations|applications|implantations)\b", re.I
)
# A total of one session: "20 million cells in total per session", "total ... per visit", "a
# total of 150 million in one session of 30 injections", "total divided into 10 injections"
# (portions of one session's cells, as in regimen's rule on portions).
_SESSION_TOTAL = re.compile(
    r"\b(?:(?:per|each|every|a)\s+(?:(?:treatment|injection|therapy|implantation)\s+)?"
    r"(?:session|visit|procedure|sitting)s?"
    r"|in\s+(?:one|a|each|the|a\s+single)\s+(?:(?:single|treatment|injection)\s+)?"
    r"(?:session|visit|procedure|sitting)"
    r"|(?:divided|split|distributed|fractionated)\s+(?:in|into|over|among|across)\s+"
    r"(?:\d{1,3}|[a-z]+)\s+(?:(?:separate|equal|local|intralesional|small)\s+)?"
    r"(?:injections?|portions?|aliquots?|sites?|points?|deposits?))\b",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"\s*(?:,|;|/|&|\band\b|\bor\b)\s*(?:(?:and|or)\s+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CellFloor:
    """A stated lower bound on the cells given, not a dose: "(>5x10^9)", "more than 1 x 10^6
    cells/kg", "at least 2 million cells/kg". The model's :class:`~kg.model.Dose` has no open
    upper end, so such a figure is never stated as a point dose; the build notes keep it."""

    min_cells: float
    unit: DoseUnit
    evidence: str  # verbatim span of the source text
    evidence_field: str


@dataclass(frozen=True, slots=True)
class _After:
    """What follows a figure: a cell word, "per kg", a foreign unit, or nothing."""

    status: str  # "reject", "cells", "perkg" (a basis but no cell word), "none"
    unit: DoseUnit
    end: int  # end of the unit phrase (or of the figure)
    stop: str  # why the scan stopped: "end", "punct", "connector", "other", "unit"

    @property
    def per_kg(self) -> bool:
        return self.unit is DoseUnit.CELLS_PER_KG


@dataclass(frozen=True, slots=True)
class _Reading:
    fig: Figure
    after: _After
    start: int  # evidence start (count prefix / qualifier included)
    count: int | None
    qualifier: str | None
    evidence_end: int = 0  # a list member's evidence runs to the unit the list shares


Token = tuple[str, str, int, int]


def _tokens(text: str, pos: int, limit: int = 10) -> list[Token]:
    out: list[Token] = []
    end = min(len(text), pos + 160)
    while len(out) < limit and pos < end:
        m = _TOKEN.match(text, pos, end)
        if m is None or m.end() == pos:
            break
        kind = str(m.lastgroup)
        out.append((kind, m.group(kind), m.start(kind), m.end(kind)))
        pos = m.end()
    return out


_BRAND = re.compile(r"[a-z]+(?:stro|tem|lyo|trom)?cel(?:-[A-Za-z])?", re.IGNORECASE)


def _is_cell_word(word: str, names: Collection[str] = ()) -> bool:
    if word.endswith(("'s", "’s", "s'", "s’")) and len(word) > 3:
        word = word[:-2] if word[-2] in "'’" else word[:-1]  # "MSC's", "cells'"
    return (
        _CELL_WORD.fullmatch(word) is not None
        or _CELL_WORD_I.fullmatch(word) is not None
        or (bool(names) and word.lower() in names)
        or (len(word) > 5 and _BRAND.fullmatch(word) is not None)  # remestemcel-L, ...-cel
    )


_ABBREVIATION = re.compile(r"[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*")
_PER_LENGTH = re.compile(r"(?:cm|mm|mm2|mm²|inch|inches)\.?", re.IGNORECASE)
_CM2 = re.compile(r"(?:cm2|cm²|cm\^2|sq\.?cm)\.?", re.IGNORECASE)
_RESTATED = re.compile(
    r"[\d\s.,x×X*^\\eE+-]+(?:millions?|billions?)?"
    r"|(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a|one\s+hundred|hundred)"
    r"(?:\s+hundred)?\s+(?:millions?|billions?)(?:\s+cells?)?",
    re.IGNORECASE,
)
# A tolerance or an approximation between a figure and its unit: "100 million (±20%) cells",
# "2 x 10^6 (+/- 10%) cells/kg", "(approximately)".
_TOLERANCE_INSIDE = re.compile(
    r"(?:±|\+\s*/\s*-|\+\s*-)\s*[\d.,]+(?:\s*[x×*]\s*10\s*\^?\s*\d{1,2})?\s*%?"
    r"|approx(?:\.|imately)?|about|circa|ca\.?",
    re.IGNORECASE,
)
_DEFINED = re.compile(r"\(\s*(?P<abbr>[A-Za-z][A-Za-z0-9-]{1,15})\s*\)")
_DEFINING_CELL_WORDS = re.compile(
    rf"\b(?:cells?|MSCs?|stem|stromal|{MESENCHYMAL}|cellular|progenitors?|precursors?)\b"
    r"[\w\s'’,-]{0,30}$",
    re.IGNORECASE,
)


def defined_cell_names(text: str) -> frozenset[str]:
    """Abbreviations a text defines for cells, lower-cased with their plural:
    "expanded mesenchymal cells (EMC)" defines "emc" and "emcs".

    >>> sorted(defined_cell_names("expanded mesenchymal cells (EMC) in 10 mL (NaCl)"))
    ['emc', 'emcs']
    """
    out: set[str] = set()
    for m in _DEFINED.finditer(text):
        abbr = m.group("abbr")
        if not _ABBREVIATION.fullmatch(abbr) or abbr.lower() in _NON_CELL:
            continue
        if _DEFINING_CELL_WORDS.search(text, max(0, m.start() - 80), m.start()):
            low = abbr.lower()
            out |= {low, low + "s"} if not low.endswith("s") else {low, low[:-1]}
    return frozenset(out)


def _site_unit(toks: list[Token], j: int, depth: int = 0) -> tuple[DoseUnit, int] | None:
    """The basis a site word at token j names ("eye", "knee", "vocal fold", "cm2"), after at
    most two describing words ("per ischemic limb", "into each affected knee")."""
    kind, value, _, end = toks[j]
    if kind != "word":
        return None
    low = value.lower().rstrip(".")
    describing = low in {"each", "every", "one", "the", "treated", "affected"} or (
        low.isalpha()
        and low not in _SITE_UNITS
        and low not in _CONNECTORS
        and low not in _NON_CELL
        and _KG.fullmatch(low) is None
        and _VOLUME.fullmatch(low) is None
    )
    if depth < 2 and describing and j + 1 < len(toks) and low not in {"vocal", "square", "sq"}:
        return _site_unit(toks, j + 1, depth + 1)
    if low in _SITE_UNITS:
        return _SITE_UNITS[low], end
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if low == "vocal" and nxt is not None and nxt[1].lower() in {"fold", "folds", "cord", "cords"}:
        return DoseUnit.CELLS_PER_VOCAL_FOLD, nxt[3]
    if _CM2.fullmatch(value):
        return DoseUnit.CELLS_PER_CM2, end
    if low == "cm" and nxt is not None and nxt[1] in {"2", "²"} and nxt[2] - end <= 1:
        return DoseUnit.CELLS_PER_CM2, nxt[3]
    if (
        low in {"square", "sq"}
        and nxt is not None
        and re.fullmatch(r"(?:cm|centimet(?:er|re)s?)\.?", nxt[1], re.IGNORECASE)
    ):
        return DoseUnit.CELLS_PER_CM2, nxt[3]
    return None


def _per_unit(text: str, toks: list[Token], i: int) -> tuple[str, DoseUnit, int] | None:
    """Read "/kg", "per kilogram of body weight", "/4 ml", "/ person", "per eye", "/cm2" at
    token i (the "/" or "per")."""
    j = i + 1
    if j < len(toks) and toks[j][1] == "/" and toks[i][1].lower() == "per":
        j += 1  # "per/kg"
    if j >= len(toks):
        return None
    kind, value, start, end = toks[j]
    if (
        value.lower() in {"each", "every", "one", "1"}
        and j + 1 < len(toks)
        and _KG.fullmatch(toks[j + 1][1])
    ):
        kind, value, start, end = toks[j + 1]  # "per each kg", "per 1 kg"
    if kind == "word" and _KG.fullmatch(value):
        bw = _BODY_WEIGHT.match(text, end)
        return "perkg", DoseUnit.CELLS_PER_KG, bw.end() if bw else end
    bw = _BODY_WEIGHT.match(text, start) if kind == "word" else None
    if bw is not None:  # "/BW", "per body weight": per kilogram of body weight
        return "perkg", DoseUnit.CELLS_PER_KG, bw.end()
    if kind == "num" and j + 1 < len(toks) and _VOLUME.fullmatch(toks[j + 1][1]):
        return "cells", DoseUnit.CELLS, toks[j + 1][3]  # "40 million/4 ml": cells in a volume
    site = _site_unit(toks, j)
    if site is not None:
        return "perkg", site[0], site[1]
    if kind == "word" and _CONTAINER.fullmatch(value) and _ONE_CONTAINER.search(text):
        return "cells", DoseUnit.CELLS, end  # "1x10^8/bag ... 1 bag each time": one bag a dose
    if kind == "word" and (
        _VOLUME.fullmatch(value)
        or _PER_LENGTH.fullmatch(value)
        or _RATE.fullmatch(value)
        or _CONTAINER.fullmatch(value)
    ):
        return "reject", DoseUnit.CELLS, end  # a concentration, a rate, a vial's content
    if kind == "word" and _PER_ADMIN.fullmatch(value):
        return "cells", DoseUnit.CELLS, end
    return None


def _skip_parenthesis(text: str, toks: list[Token], i: int, names: Collection[str]) -> int | None:
    """Index after a parenthesis that only names the cells or restates the figure:
    "1.5 million (aMBMC) per kg", "20 million (2 x 10^7) MSCs"."""
    close = text.find(")", toks[i][3], toks[i][3] + 30)
    if close < 0:
        return None
    inner = text[toks[i][3] : close].strip()
    words = re.findall(r"[A-Za-z][\w-]*", inner)
    named = bool(words) and all(
        _is_cell_word(w, names) or (_ABBREVIATION.fullmatch(w) and w.lower() not in _NON_CELL)
        for w in words
    )
    if not (named or _RESTATED.fullmatch(inner) or _TOLERANCE_INSIDE.fullmatch(inner)):
        return None
    j = i + 1
    while j < len(toks) and toks[j][2] < close + 1:
        j += 1
    return j


# Words that end a run of describing words without a cell word: the figure counts these.
_COUNTED = re.compile(
    r"(?:dose|injection|infusion|administration|application|time|session|cycle|course"
    r"|treatment|sample|aliquot|unit|case|donor|year|month|week|day)s?",
    re.IGNORECASE,
)
_IN_EACH = frozenset(["in", "into", "per", "for", "at"])


def _describing(toks: list[Token], i: int, names: Collection[str]) -> int | None:
    """Index of the cell word that a run of describing words starting at token i leads to:
    "adipose-tissue derived mesenchymal stem cells", "bone marrow and adipose derived MSC"."""
    for k in range(i, min(len(toks), i + 8)):
        kind, value, _, _ = toks[k]
        if kind == "punct" and value == "," and k > i:
            continue  # "bone marrow-derived, culture-expanded MSCs"
        if kind != "word":
            return None
        low = value.lower()
        if _is_cell_word(value, names):
            return k
        if low in _NON_CELL or low.rstrip(".") in _NON_CELL or _COUNTED.fullmatch(value):
            return None
        if low in _CONNECTORS and (k == i or low not in {"of", "and", "from", "or"}):
            return None
    return None


def _name_like(word: str) -> bool:
    """A product's name or an abbreviation: "Stempeucel", "CYP-001", "EMC", "hMSC100"."""
    return bool(re.search(r"[A-Z0-9]", word)) and word.lower() not in _NON_CELL


# A route or a verb of giving between the cell word and its per-kg basis: "1-2 x 10^6 MSCs IV
# per/kg body weight", "2 x 10^6 cells infused per kg", "MSCs administered intravenously /kg".
_ROUTE_THEN_KG = re.compile(
    r"(?:\s+(?:IV|i\.v\.?|intra-?\s?venous(?:ly)?|intra-?\s?\w+ally|intra-?\s?\w+ly"
    r"|sub-?\s?cutaneous(?:ly)?|infused|injected|administered|administrated|given|delivered"
    r"|transplanted|implanted|transfused)){1,2}\s*(?:per\s*/?\s*|/\s*)"
    r"(?:kg|kgs|kilo|kilos|kilograms?)\b\.?",
    re.IGNORECASE,
)


def _scan_after(text: str, end: int, kind_of_figure: str, names: Collection[str]) -> _After:
    toks = _tokens(text, end, limit=20)
    cells = False
    unit_end = end
    modifiers = 0
    i = 0
    C = DoseUnit.CELLS
    if kind_of_figure == "power" and toks and toks[0][1].lower() in {"million", "millions"}:
        i = 1  # "1-2x10^6 million MSCs": the scale word repeats the power of ten
    while i < len(toks):
        kind, value, tok_start, tok_end = toks[i]
        low = value.lower()
        if (kind == "punct" and value in "·⋅∙•*.") or (kind == "word" and low.startswith("kg")):
            kg = _KG_EXPONENT.match(text, tok_start)  # "cells·kg-1", "cells kg−1"
            if kg is not None:
                return _After(
                    "cells" if cells else "perkg", DoseUnit.CELLS_PER_KG, kg.end(), "unit"
                )
        if (kind == "punct" and value == "/") or (kind == "word" and low == "per"):
            per = _per_unit(text, toks, i)
            if per is not None:
                status, unit, per_end = per
                if (
                    status == "reject"
                    or _RATE_AFTER.match(text, per_end)  # "cells/kg/min": a rate
                    or (  # "cells/1 mL/vial": content (unless one vial is a dose)
                        _CONTAINER_AFTER.match(text, per_end) and not _ONE_CONTAINER.search(text)
                    )
                ):
                    return _After("reject", C, per_end, "unit")
                if status == "perkg" and cells:
                    status = "cells"
                return _After(status, unit, per_end, "unit")
            return _After("cells" if cells else "none", C, unit_end, "other")
        if kind == "punct" and value in "(（":
            j = _skip_parenthesis(text, toks, i, names)
            if j is not None:
                i = j
                continue
        joins = (kind == "punct" and value == ",") or low in {"and", "or", "&"}
        if joins and modifiers and not cells and i + 1 < len(toks):
            k = _describing(toks, i + 1, names)  # "allogeneic, bone marrow-derived MSCs"
            if k is not None:
                i = k
                continue
        if kind == "punct":
            return _After("cells" if cells else "none", C, unit_end, "punct")
        if kind == "num":
            return _After("cells" if cells else "none", C, unit_end, "other")
        if _is_cell_word(value, names):
            cells = True
            unit_end = tok_end
            i += 1
            continue
        if low in _IN_EACH and i + 1 < len(toks) and toks[i + 1][1].lower() in {"each", "every"}:
            site = _site_unit(toks, i + 1)  # "(cells) into each eye"
            if site is not None:
                return _After("cells" if cells else "perkg", site[0], site[1], "unit")
        if cells and low == "of" and i + 1 < len(toks) and _is_cell_word(toks[i + 1][1], names):
            i += 2  # "1 million cells of MSCs per kg": the cells named again
            unit_end = toks[i - 1][3]
            continue
        if cells:
            kg = _ROUTE_THEN_KG.match(text, unit_end)  # "MSCs IV per/kg body weight"
            if kg is not None:
                bw = _BODY_WEIGHT.match(text, kg.end())
                return _After("cells", DoseUnit.CELLS_PER_KG, bw.end() if bw else kg.end(), "unit")
            return _After("cells", C, unit_end, "connector")
        if low in _NON_CELL or low.rstrip(".") in _NON_CELL:
            return _After("reject", C, tok_end, "unit")
        if low in _MODIFIERS and modifiers < 5:
            modifiers += 1
            i += 1
            continue
        if low not in _CONNECTORS and kind_of_figure != "plain":
            k = _describing(toks, i, names)
            if k is not None:
                modifiers += k - i
                i = k
                continue
            for j in range(i, min(len(toks), i + 4)):  # "Umbilical core-derived MSCc/BW"
                named = _named(text, toks, j, kind_of_figure)
                if named is not None:
                    return named
                w = toks[j][1].lower()
                if toks[j][0] != "word" or w in _CONNECTORS or w in _NON_CELL:
                    break
        stop = "connector" if low in _CONNECTORS else "other"
        return _After("none", C, unit_end, stop)
    return _After("cells" if cells else "none", C, unit_end, "end")


def _named(text: str, toks: list[Token], i: int, kind_of_figure: str) -> _After | None:
    """A product's name or abbreviation right after a power-of-ten figure, then "/kg" or
    nothing: "2 x 10^6 Stempeucel/kg", "250 x 10^6 EMC will be implanted"."""
    if kind_of_figure not in {"power", "scale", "enot"} or not _name_like(toks[i][1]):
        return None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is not None and (nxt[1] == "/" or nxt[1].lower() == "per"):
        per = _per_unit(text, toks, i + 1)
        if per is not None and per[0] == "perkg" and not _RATE_AFTER.match(text, per[2]):
            return _After("cells", per[1], per[2], "unit")
        return None
    quiet = nxt is None or nxt[0] == "punct" or nxt[1].lower() in _CONNECTORS
    if quiet and _ABBREVIATION.fullmatch(toks[i][1]) and len(toks[i][1]) <= 10:
        return _After("cells", DoseUnit.CELLS, toks[i][3], "connector")
    return None


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    m = _QUALIFIER.search(text[max(0, start - 50) : start])
    q = m.group("q").lower() if m is not None else ""
    for name, prefixes in _QUALIFIER_NAMES:
        if m is not None and q.startswith(prefixes):
            return name, start - (len(m.group(0)))
    cap = _CAP_CLAUSE.search(text, max(0, start - 70), start)
    if cap is not None:  # "Maximum dose as for 100kg subject or 150 million cells"
        return CAP, start
    return None, start


# A clause that states a maximum dose; the figure is its cap ("a maximal dose of 100 x 10^6
# cells", "Maximum dose as for 100kg subject or 150 million cells"), not a dose level
# ("maximum dose level", "maximum tolerated dose").
_CAP_CLAUSE = re.compile(
    r"\bmax(?:imum|imal|\.)?\s+(?:total\s+|single\s+|cell\s+)?dose\b(?!\s+(?:level|cohort|group))"
    r"[^.;:()\[\]]{0,55}$",
    re.IGNORECASE,
)


def _power_of_ten(value: float) -> bool:
    exp = round(math.log10(value))
    return math.isclose(value, 10.0**exp)


def _read(text: str, fig: Figure, names: Collection[str]) -> _Reading:
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
    return _Reading(fig, _scan_after(text, fig.end, fig.kind, names), start, count, qualifier)


def _cell_word_before(text: str, fig: Figure, names: Collection[str]) -> bool:
    left, _ = clause_bounds(text, fig.start, fig.end)
    window = text[max(left, fig.start - 60) : fig.start]
    return any(_is_cell_word(w, names) for w in re.findall(r"[A-Za-z][\w-]*", window))


def _accepted(text: str, r: _Reading, assume_cells: bool, names: Collection[str]) -> bool:
    fig, after = r.fig, r.after
    if after.status == "reject":
        return False
    if _CONTENT_BEFORE.search(text, max(0, r.start - 60), r.start) and not _ONE_CONTAINER.search(
        text
    ):
        return False  # a vial's content
    if after.unit is DoseUnit.CELLS and _CONCENTRATION_BEFORE.search(
        text, max(0, r.start - 60), r.start
    ):
        return False  # a concentration, a rate, a yield
    if after.unit is DoseUnit.CELLS_PER_CM2 and _SEEDING_BEFORE.search(
        text, max(0, r.start - 60), r.start
    ):
        lo, hi = sentences_of(text).bounds(r.start)
        if not _GIVE_WORDS.search(text, lo, hi):
            return False  # "seeded at 5,000 cells/cm2 for expansion": a culture's density
    if _MAY_CHANGE.search(text, max(0, r.start - 90), r.start):
        return False  # "subsequent doses may be reduced to 1 x 10^7 or increased to 1 x 10^8"
    if after.status == "cells":
        return True
    if after.status == "perkg":
        return fig.kind != "plain" or fig.low >= 1e4
    if fig.kind in {"plain", "scale_m"}:
        return False
    quiet = after.stop in {"end", "punct", "connector"}
    if _cell_word_before(text, fig, names):
        return True
    if assume_cells and quiet:
        return True
    return fig.kind in {"power", "enot"} and quiet


_BARE = re.compile(r"[\d.,]+")
# Between a lower bound and a cap that close one range: "at least 1 x 10^6 and up to 2 x 10^6
# cells/kg", "a minimum of 1 million cells/kg and a maximum of 2 million cells/kg".
_BOUNDS_GAP = re.compile(
    r"\s*(?:(?:cells?|MSCs?)\s*)?(?:(?:/|per)\s*(?:kg|kilogram)\s*)?(?:,\s*)?(?:and|but|to)?\s*",
    re.IGNORECASE,
)


def _join_bounds(text: str, readings: list[_Reading]) -> list[_Reading]:
    """A lower bound followed by a cap of the same unit is a range, not two limits: "at least
    1 x 10^6 and up to 2 x 10^6 cells/kg" is 1-2 x 10^6 cells/kg (docs/dose-labelling.md: a
    range stated by its two ends)."""
    out: list[_Reading] = []
    for r in readings:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.qualifier == "at least"
            and r.qualifier == CAP
            and prev.fig.low == prev.fig.high
            and prev.fig.low < r.fig.high
            and (prev.after.unit is r.after.unit or prev.after.status == "none")
            and _BOUNDS_GAP.fullmatch(text, max(prev.fig.end, prev.after.end), r.start)
        ):
            fig = Figure(
                prev.fig.start, r.fig.end, prev.fig.low, r.fig.high, r.fig.kind, r.fig.factor
            )
            out[-1] = replace(r, fig=fig, start=prev.start, qualifier=None)
            continue
        out.append(r)
    return out


def _propagate_units(text: str, readings: list[_Reading]) -> list[_Reading]:
    """In a list "6.0*10^6, 3.0*10^7 and 9.0*10^7 cells/kg" every member takes the unit.
    A cap is no member: "1.5 million cells/kg, up to 150 million cells" are two things."""
    out = list(readings)
    groups: list[list[int]] = []
    for i, r in enumerate(out):
        listed = i > 0 and (
            _LIST_GAP.fullmatch(text[out[i - 1].after.end : r.start]) is not None
            or _LIST_GAP.fullmatch(text[out[i - 1].fig.end : r.start]) is not None
        )
        if listed and r.qualifier != CAP and out[i - 1].qualifier != CAP:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        units = [out[i].after for i in group if out[i].after.status in {"cells", "perkg"}]
        if not units:
            continue
        unit = next((u.unit for u in units if u.unit is not DoseUnit.CELLS), DoseUnit.CELLS)
        for n, i in enumerate(group):
            a = out[i].after
            if a.status == "none":
                r = out[i]
                # a bare member of "0.5, 1.0, or 1.5 million cells/kg": its evidence runs to
                # the scale and unit it shares (those of the next member that states them)
                bare = _BARE.fullmatch(text, r.fig.start, r.fig.end) is not None
                later = [out[j].after.end for j in group[n + 1 :] if out[j].after.status != "none"]
                end = later[0] if bare and later else 0
                out[i] = replace(r, after=replace(a, status="cells", unit=unit), evidence_end=end)
    return out


def _session_total(text: str, r: _Reading, lo: int, hi: int) -> bool:
    """A "total" that the text says is of one session ("in total per session")."""
    window = (max(lo, r.start - 40), min(hi, r.after.end + 60))
    return (
        _TOTAL.search(text, *window) is not None
        and _SESSION_TOTAL.search(text, *window) is not None
        and _CUMULATIVE.search(text, *window) is None
    )


_PORTIONS = ("inject", "site", "portion", "aliquot", "deposit")


def _per(text: str, r: _Reading, lo: int, hi: int, count: Resolved) -> DosePer:
    """Course where the text says "cumulative", or "total" over several administrations;
    unknown for a "total" where the number of administrations is unclear."""
    before = text[max(lo, r.start - 40) : r.start]
    after = text[r.after.end : min(hi, r.after.end + 20)]
    if _CUMULATIVE.search(before):
        return DosePer.COURSE
    if (
        _EACH_AFTER.match(text, r.after.end, hi)
        or _EACH_IN_UNIT.search(text, r.start, r.after.end)
        or _EACH_BEFORE.search(before)
    ):
        return DosePer.ADMINISTRATION
    if not (_TOTAL.search(before) or _TOTAL.search(after)):
        return DosePer.ADMINISTRATION
    if _session_total(text, r, lo, hi):
        return DosePer.ADMINISTRATION  # the total of one session: a session is an administration
    if count.ambiguous:
        return DosePer.UNKNOWN
    if (count.value is not None and count.value > 1) or _PLURAL_ADMIN.search(text, lo, hi):
        return DosePer.COURSE
    return DosePer.ADMINISTRATION


_CLAUSE_BREAK = re.compile(
    r"[;,()（）\[\]]|\bfollowed\s+by\b|\bthen\b|\bafter\s+which\b|\bwhile\b", re.IGNORECASE
)


def _route(text: str, lo: int, hi: int, start: int, end: int) -> str | None:
    """The route stated in the clause of a figure (not one a later "followed by" names); a
    bare "infusion" is no route where the sentence names a way in without a route key ("via
    the CPB circuit", "into the portal vein")."""
    unmapped = bool(unmapped_routes(text[lo:hi]))
    lo, hi = max(lo, start - 200), min(hi, end + 200)
    left = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, start):
        left = m.end()
    m2 = _CLAUSE_BREAK.search(text, end, hi)
    right = m2.start() if m2 is not None else hi
    hits = find_routes(text[left:right])
    if not hits:
        return None
    explicit = [h for h in hits if h.explicit] or ([] if unmapped else hits)
    if not explicit:
        return None
    return min(explicit, key=lambda h: abs(h.start + left - start)).key


def extract_doses(
    text: str, *, field: str, assume_cells: bool = False, cell_names: Collection[str] = ()
) -> list[Dose]:
    """Every cell-dose figure in ``text``; ``evidence`` is the verbatim span of each.

    ``assume_cells`` reads a figure with no unit as a number of cells: set it for the text
    of an arm or intervention known to give cells ("Low Dose Group: 6.0×10^7").
    ``cell_names`` are names that count as cell words here (products and abbreviations the
    record defines elsewhere, lower-cased); abbreviations this text defines count anyway.
    """
    if not text:
        return []
    if has_wide(text):  # full-width digits: read as ASCII, evidence as written (kg.extract.widths)
        narrowed = narrow(text)
        found = extract_doses(
            narrowed, field=field, assume_cells=assume_cells, cell_names=cell_names
        )
        return [replace(d, evidence=as_written(d.evidence, text, narrowed)) for d in found]
    doses = _analyse(text, field, assume_cells, frozenset(cell_names))[0]
    if "Concentration unit:" in text:  # EUCTR's strength lines (kg.extract.strength)
        doses = with_strength(text, doses, field=field)
    if doses and (_BACKGROUND.search(text) or "et al" in text):
        sentences = sentences_of(text)
        doses = tuple(d for d in doses if not _background(text, sentences, d))
    if not doses or not _LAB_WORDS.search(text):
        return list(doses)
    sentences = sentences_of(text)
    return [d for d in doses if not _laboratory(text, sentences, d)]


# A sentence about earlier studies, animals or the literature, not this trial: "In a previous
# study, 2 x 10^6 MSCs/kg was safe", "Mice received 1 x 10^6 MSCs", "Le Blanc et al. infused
# ...". One that also speaks of this trial ("In this study", "patients will receive") keeps
# its figure.
_BACKGROUND = re.compile(
    r"\b(?:(?:previous(?:ly)?|prior|earlier|published|our)\s+(?:(?:phase\s+\w+|pilot|clinical"
    r"|randomi[sz]ed|animal)\s+)?(?:studies|study|trials?|reports?|work|experience|research"
    r"|publications?)|pre-?clinical|animal\s+(?:models?|studies|experiments?)|mice|mouse|murine"
    r"|rats|rodents?|porcine|swine|canine|rabbits|primates|monkeys|et\s+al\b|literature"
    r"|meta-?analys[ie]s|(?:has|have)\s+been\s+(?:shown|reported|tested|studied|given|used"
    r"|administered|infused)|(?:study|studies|trials?)\s+(?:showed"
    r"|demonstrated|found|has\s+shown|have\s+shown|reported))",
    re.IGNORECASE,
)
_ET_AL_BEFORE = re.compile(r"\bet\s+al\.?\s*$", re.IGNORECASE)
_THIS_TRIAL = re.compile(
    r"\b(?:this\s+(?:study|trial|protocol)|(?:the\s+)?(?:present|current)\s+(?:study|trial)"
    r"|will|shall|we\s+(?:plan|propose|intend)|are\s+(?:randomi[sz]ed|enrolled|assigned)"
    r"|(?:each|every)\s+(?:patient|participant|subject)"
    r"|(?:patients?|participants?|subjects?)\s+(?:receive|are\s+(?:given|treated|infused|injected)))\b",
    re.IGNORECASE,
)


def _background(text: str, sentences: Sentences, d: Dose) -> bool:
    pos = text.find(d.evidence)
    if pos < 0:
        return False
    lo, hi = sentences.bounds(pos)
    background = _BACKGROUND.search(text, lo, hi) or _ET_AL_BEFORE.search(text, max(0, lo - 12), lo)
    return background is not None and not _THIS_TRIAL.search(text, lo, hi)


# A sentence about handling cells in the laboratory, not giving them: "1 x 10^6 cells are
# seeded per flask", "2 x 10^6 MSCs were used for flow cytometry", "10^9 nucleated cells are
# harvested from the bone marrow", "(1 x 10^5 cells analysed)".
_LAB_WORDS = re.compile(
    r"\b(?:seeded|plated|flasks?|wells?|flow\s+cytometry|cytometr\w*|analy[sz]ed|counted"
    r"|harvested|nucleated\s+cells|sterility|endotoxins?|mycoplasma|karyotyp\w*"
    r"|quality\s+control|release\s+(?:testing|criteria))\b",
    re.IGNORECASE,
)
_GIVE_WORDS = re.compile(
    r"\b(?:infus\w*|inject\w*|administ\w*|transplant\w*|implant\w*|treat\w*|receiv\w*|given"
    r"|gives?|applied|deliver\w*|dos(?:e|es|ing)|instill\w*|transfus\w*)\b",
    re.IGNORECASE,
)


def _laboratory(text: str, sentences: Sentences, d: Dose) -> bool:
    """An absolute number of cells in a sentence with a word of laboratory handling and no
    word of giving (a figure per kilogram is always read as given)."""
    if d.unit is not DoseUnit.CELLS:
        return False
    pos = text.find(d.evidence)
    if pos < 0:
        return False
    lo, hi = sentences.bounds(pos)
    return bool(_LAB_WORDS.search(text, lo, hi)) and not _GIVE_WORDS.search(text, lo, hi)


def extract_caps(
    text: str, *, field: str, assume_cells: bool = False, cell_names: Collection[str] = ()
) -> list[CellCap]:
    """Stated upper limits on the cells given ("up to 150 million cells", "not to exceed
    2 x 10^8 cells"): read like doses, never returned as doses.

    >>> [(c.max_cells, c.unit.value, c.evidence) for c in extract_caps(
    ...     "1.5 million cells per kg, not to exceed 150 million cells", field="t")]
    [(150000000.0, 'cells', 'not to exceed 150 million cells')]
    """
    if not text:
        return []
    return list(_analyse(text, field, assume_cells, frozenset(cell_names))[1])


def extract_floors(
    text: str, *, field: str, assume_cells: bool = False, cell_names: Collection[str] = ()
) -> list[CellFloor]:
    """Stated lower bounds on the cells given ("more than 1 x 10^6 cells/kg", "(>5x10^9)",
    "at least 2 million cells/kg"): read like doses, never returned as doses (a minimum is
    not the dose given, and the dose's upper end is unknown).

    >>> [(f.min_cells, f.unit.value, f.evidence) for f in extract_floors(
    ...     "at least 2 million cells/kg", field="t")]
    [(2000000.0, 'cells/kg', 'at least 2 million cells/kg')]
    >>> extract_doses("at least 2 million cells/kg", field="t")
    []
    """
    if not text:
        return []
    return list(_analyse(text, field, assume_cells, frozenset(cell_names))[2])


# A volume of a cell-derived product: "2 x 10cc mesenchymal stem cell secretions",
# "5 mL of MSC-conditioned medium", "10 ml exosomes". A volume of anything else is no dose.
_DERIVED_VOLUME = re.compile(
    r"(?<![\w.,])(?:(?P<n>[1-9])\s*[x×X]\s*)?(?P<v>\d{1,3}(?:[.,]\d{1,2})?)\s*(?:cc|ml|mL|ML)\b"
    r"(?P<what>(?:\s+(?:of\s+)?[\w'’-]+){0,6}?\s+(?:of\s+)?(?:[\w-]*secretomes?|secretions?"
    r"|exosomes?|extracellular\s+vesicles?|EVs|[\w-]*conditioned\s+medi(?:um|a)|lysates?))\b",
)


def _volume_doses(text: str, field: str, sentences: Sentences) -> list[Dose]:
    out: list[Dose] = []
    pos = 0
    while (m := _DERIVED_VOLUME.search(text, pos)) is not None:
        pos = m.end()
        between = m.group("what")
        lysate = re.search(r"lysates?$", between, re.IGNORECASE) is not None
        if lysate and (
            re.search(r"platelet|blood|plasma", between, re.IGNORECASE)
            or not re.search(r"MSC|stem|stromal|mesenchymal|cell", between, re.IGNORECASE)
        ):
            continue  # "10 mL of platelet lysate": not cell-derived
        if re.search(r"\b(?:saline|nacl|placebo|vehicle|medium\s+alone|without)\b", between, re.I):
            pos = m.start() + 1  # "10cc saline and 10 mL secretome": look again inside
            continue
        value = parse_number(m.group("v"))
        if value is None or value <= 0:
            continue
        n = int(m.group("n")) if m.group("n") else None
        lo, hi = sentences.bounds(m.start())
        out.append(
            Dose(
                min_cells=value,
                max_cells=value,
                unit=DoseUnit.ML,
                per=DosePer.ADMINISTRATION,
                evidence=text[m.start() : m.end()],
                evidence_field=field,
                administrations=n,
                route=_route(text, lo, hi, m.start(), m.end()),
            )
        )
    return out


def _per_site(text: str, doses: list[Dose], sentences: Sentences) -> list[Dose]:
    """A figure per injection site is no second dose beside the session's total: where the
    same sentence states a total of cells, only the total is the dose (per administration:
    the sites are of one session); where it does not, the figure is kept per site
    (other:cells/site)."""
    sited: list[Dose] = []
    for d in doses:
        pos = text.find(d.evidence)
        if d.unit is DoseUnit.CELLS and pos >= 0:
            before = text[max(0, pos - 60) : pos]
            if _SITES_BEFORE.search(before) or _SITES_AFTER.match(text, pos + len(d.evidence)):
                sited.append(replace(d, unit=DoseUnit.CELLS_PER_SITE))
                continue
        sited.append(d)
    if not any(d.unit is DoseUnit.CELLS_PER_SITE for d in sited):
        return doses
    out: list[Dose] = []
    for d in sited:
        pos = text.find(d.evidence)
        bounds = sentences.bounds(max(pos, 0))
        same = [
            x
            for x in sited
            if x is not d
            and x.unit in (DoseUnit.CELLS, DoseUnit.CELLS_PER_KG)
            and (
                sentences.bounds(max(text.find(x.evidence), 0)) == bounds
                or _TOTAL.search(text, max(0, text.find(x.evidence) - 40), text.find(x.evidence))
                is not None
            )
        ]
        if d.unit is DoseUnit.CELLS_PER_SITE and same:
            continue  # the session's total is stated: the per-site figure is a part of it
        if (
            d.per is DosePer.COURSE
            and any(
                x.unit is DoseUnit.CELLS_PER_SITE
                and sentences.bounds(max(text.find(x.evidence), 0)) == bounds
                for x in sited
            )
            and not _CUMULATIVE.search(text, *bounds)
        ):
            out.append(replace(d, per=DosePer.ADMINISTRATION))  # a total over a session's sites
            continue
        out.append(d)
    return out


# What opens an aside on the dose just read: "(range", "(min.", "(i.e.", "(±".
_ASIDE = re.compile(
    r"\s*[(\[]\s*(?:(?:range|ranging|acceptable|tolerance|target|i\.e\.|ie|or|min(?:imum|\.)?"
    r"|max(?:imum|\.)?|from|between|±|\+/-|of)\s*[:=]?\s*){0,3}",
    re.IGNORECASE,
)


@lru_cache(maxsize=512)
def _analyse(
    text: str, field: str, assume_cells: bool, extra_names: frozenset[str]
) -> tuple[tuple[Dose, ...], tuple[CellCap, ...], tuple[CellFloor, ...]]:
    names = defined_cell_names(text) | extra_names
    readings = [_read(text, fig, names) for fig in find_figures(text)]
    readings = _join_bounds(text, _propagate_units(text, readings))
    sentences = sentences_of(text)
    levels: dict[tuple[int, int], set[tuple[float, float]]] = {}
    for x in readings:
        levels.setdefault(sentences.bounds(x.fig.start), set()).add((x.fig.low, x.fig.high))
    counts: dict[tuple[int, int], Resolved] = {}
    doses: list[Dose] = []
    caps: list[CellCap] = []
    floors: list[CellFloor] = []
    taken = 0  # end of the last accepted reading: a figure it restates is not read twice
    for r in readings:
        if r.fig.start < taken or not _accepted(text, r, assume_cells, names):
            continue
        # A figure the text names as cells is kept however small or large ("a total of 1500
        # cells", "10^14 cells": stated, and flagged by ontology/qc/dose-implausible-warning.rq);
        # one read as cells only from its context must lie within MIN_CELLS..MAX_CELLS.
        named = r.after.status == "cells"
        floor, ceiling = (1.0, 1e15) if named else (MIN_CELLS, MAX_CELLS)
        if not (floor <= r.fig.low <= r.fig.high <= ceiling):
            continue
        evidence = text[r.start : max(r.after.end, r.fig.end, r.evidence_end)]
        if doses and r.after.end <= r.fig.end and _ASIDE.fullmatch(text, taken, r.start):
            taken = r.fig.end  # "2x10^6 cells/kg (range 1.5-2.5 x10^6)": an aside on a dose
            continue
        taken = max(r.after.end, r.fig.end)
        if r.qualifier == CAP:
            # "up to 150 million cells"; "up to 1~2x10^6 MSCs per kg", a range after the cap
            # word, is a cap too (at its high end): docs/dose-labelling.md, no dose row
            caps.append(CellCap(r.fig.high, r.after.unit, evidence, field))
            continue
        if r.qualifier == "at least" and r.fig.low == r.fig.high:
            # a minimum ("(>5x10^9)", "more than 1 x 10^6 cells/kg", "minimum 0.5 x 10^6"
            # beside a dose) is no dose: the dose given is unknown above it
            floors.append(CellFloor(r.fig.low, r.after.unit, evidence, field))
            continue
        lo, hi = sentences.bounds(r.fig.start)
        if (lo, hi) not in counts:  # the sentence's number of administrations, read once
            stated = drop_dose_levels(find_counts(text, lo, hi), len(levels[(lo, hi)]))
            counts[(lo, hi)] = resolve(stated)
        count = r.count if r.count is not None else counts[(lo, hi)].value
        if r.count is None and _session_total(text, r, lo, hi):
            # "20 million in total per session (10 injections of 2 million)": the injections
            # are portions of one session, not administrations
            stated = drop_dose_levels(find_counts(text, lo, hi), len(levels[(lo, hi)]))
            count = resolve([c for c in stated if not c.noun.startswith(_PORTIONS)]).value
        doses.append(
            Dose(
                min_cells=r.fig.low,
                max_cells=r.fig.high,
                unit=r.after.unit,
                per=_per(text, r, lo, hi, counts[(lo, hi)]),
                evidence=evidence,
                evidence_field=field,
                administrations=count,
                route=_route(text, lo, hi, r.start, r.after.end),
                qualifier=r.qualifier,
            )
        )
    doses = _per_site(text, doses, sentences)
    doses += _volume_doses(text, field, sentences)
    if any(d.per is DosePer.ADMINISTRATION for d in doses):
        # a total next to a per-administration figure is not a dose of its own
        doses = [d for d in doses if d.per is not DosePer.COURSE]
    return tuple(doses), tuple(caps), tuple(floors)
