"""Cell products named in free text: name as written, cell type (CL), tissue (UBERON), donor.

How a product is read:

* From its words: MSC phrases and abbreviations ("UC-MSC", "adipose-derived stem cells",
  "mesenchymal stromal cells from the umbilical cord"), with the tissue and donor words next
  to them, else the tissue a sentence names as the source ("derived from bone marrow").
  A tissue that names other cells or a state of the tissue is not a source: "rescue of bone
  marrow progenitors", "bone marrow failure", "bone marrow transplantation".
  :class:`~kg.model.CellProduct` holds one tissue: a product named with two ("derived from
  umbilical cord and placenta", "bone marrow and adipose derived MSCs") is one product per
  tissue, same name and evidence, in text order (neither tissue is dropped). Known
  misspellings of the cell and tissue words are read from a short table
  (``tables.MESENCHYMAL_SPELLINGS``, "umbilical core" before a cell word, "MSCc"), never by
  fuzzy matching.
* Cells other than MSCs (:func:`find_other_cells`, ``tables.OTHER_CELLS``): NK cells
  (CL:0000623), dendritic cells (CL:0000451), T / CAR-T cells (CL:0000084), haematopoietic
  stem cells (CL:0000037: "CD34+ cells", "PBSC", "cord blood unit"), mononuclear cells
  (CL:0000842), chondrocytes, keratinocytes, fibroblasts, with the tissue and donor words
  beside them; not cells measured ("T cell subsets"), used as a source ("isolated from bone
  marrow mononuclear cells") or a transplant's context.
* From its brand, code or international non-proprietary name (INN), by the curated table
  ``products.tsv`` (each fact with its public source; an unsourced fact is left empty):
  "Prochymal®", "remestemcel-L", "Alofisel", "Cx 601" give the product with the table's cell
  type, tissue, donor and NCIt code, listed in ``CellProduct.table_facts`` (the graph's
  ``cto:factFromProductTable``). Donor words of the record win over the table. A name with a
  cell-therapy INN stem that the table lacks ("-mestrocel", "-strocel", "-mestemcel": MSCs;
  "-temcel", "-leucel", a long "-cel": cells of an unstated type) still gives a product, with a
  build note.
* :func:`finish_products` (per arm, with the trial at hand): the tissue (and donor) the
  record gives for how the cells are obtained ("60 ml of bone marrow will be aspirated",
  "harvested from the iliac crest", "liposuction", "from a haploidentical healthy parent"),
  for an MSC product whose own words name no tissue; the donor of birth-tissue cells (cord,
  Wharton's jelly, placenta, amnion, cord blood) inferred allogeneic when the record's minimum
  age is one year or more; build notes for both and for facts taken from the table.
* :func:`cell_intervention_notes`: every Biological / Genetic / Other intervention that names
  cells, a cell product, brand or INN but yields no product gets a build note saying why.

>>> [(p.name, p.cell_type, p.tissue, p.donor.value) for p in extract_products(
...     "intramedullary injection of 4 x 107 WJ-MSCs", field="arm")]
[('WJ-MSCs', 'CL:0002568', 'UBERON:0003422', 'unknown')]
>>> [(p.name, p.tissue) for p in extract_products(
...     "Safety of hMSC100 (Human UC-MSC Injection) in women", field="title")]
[('hMSC100', 'UBERON:0002331')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract.tables import (
    GENERIC_MSC,
    INN_STEMS,
    MESENCHYMAL,
    MSC_PREFIX_TISSUE,
    OTHER_CELLS,
    PRODUCT_ROWS,
    TISSUES,
    InnStem,
    ProductRow,
    Tissue,
)
from kg.extract.text import clause_bounds, is_negated, sentences_of, word_starts
from kg.model import Arm, CellProduct, Donor, Intervention, Trial

__all__ = [
    "PRODUCT_TABLE_NOTE",
    "Mention",
    "cell_intervention_notes",
    "cell_therapy_reason",
    "donor_words",
    "extract_products",
    "find_mentions",
    "find_named",
    "find_other_cells",
    "finish_products",
    "inn_stem",
    "is_other_cell",
    "merge_mentions",
    "tissue_by_uberon",
    "yields_product",
]

_TISSUE_BY_KEY: dict[str, Tissue] = {t.key: t for t in TISSUES}
_TISSUE_BY_UBERON: dict[str, Tissue] = {t.uberon: t for t in TISSUES}
_TISSUE_RE = re.compile(
    "|".join(f"(?P<{t.key}>{t.pattern})" for t in TISSUES),
    re.IGNORECASE,
)

_DERIVED_PRODUCT = (
    r"exosomes?|secretomes?|secretions?|conditioned|extracellular|vesicles?|EVs?\b|lysates?"
    r"|supernatants?|culture[\s-]+media|culture[\s-]+medium"
)
# A word for a product made from the cells, not the cells: "MSC-derived exosomes".
_NOT_CELLS_AFTER = re.compile(rf"[\s-]*(?:derived[\s-]+)?(?:{_DERIVED_PRODUCT})", re.IGNORECASE)
_NOT_CELLS_BEFORE = re.compile(
    rf"(?:{_DERIVED_PRODUCT})(?:[\s-]+(?:of|from|derived\s+from))?[\s-]*$", re.IGNORECASE
)

_CORE_TISSUE = (
    r"bone[\s-]+marrow|adipose(?:[\s-]+tissue)?|umbilical[\s-]+cord|placental?|amniotic"
    r"|wharton(?:[’'`´ʼ‘]|\s?\u0301)?s?[\s-]+jelly"
)
_MSC_PHRASE = (
    rf"(?:multi-?potent\s+)?{MESENCHYMAL}"
    rf"(?:[\s-]+(?:{_CORE_TISSUE})(?:[\s-]+derived)?)?"
    r"(?:[\s-]+(?:stem|stromal|progenitor|precursor)(?:\s*/\s*(?:stem|stromal|progenitor))?)?"
    r"[\s-]+cells?\b"
)
# "adipose-derived stem cells" are MSCs; "bone marrow stem cells" need not be (only
# "bone marrow stromal cells" are read).
_TISSUE_STEM_PHRASE = (
    r"(?:(?P<ts_tissue>dental[\s-]+pulp|adipose|umbilical[\s-]+cord|placenta|placental|amniotic"
    r"|amnion|wharton(?:[’'`´ʼ‘]|\s?\u0301)?s?[\s-]+jelly|menstrual(?:[\s-]+blood)?"
    r"|chorion(?:ic)?(?:[\s-]+membrane)?|decidual?|gingiva|gingival|synovium"
    r"|synovial(?:[\s-]+membrane)?|olfactory(?:[\s-]+mucosa)?|periodontal[\s-]+ligament"
    r"|endometrial|endometrium|(?:abdominal[\s-]+)?fat|umbilical[\s-]+cord[\s-]+matrix)"
    r"(?:[\s-]+(?:tissue|derived|origin))*[\s-]+(?:stem|stromal)"
    r"|(?P<ts_stromal>(?:bone[\s-]+)?marrow|cord[\s-]+blood)(?:[\s-]+(?:derived|origin))*[\s-]+stromal"
    # the stromal cells of menstrual blood, named for the endometrium they come from
    r"|(?P<ts_erc>endometrial[\s-]+regenerative)"
    r"|(?P<ts_weak>bone[\s-]+marrow|cord[\s-]+blood)(?:[\s-]+(?:derived|origin))*[\s-]+stem)"
    r"[\s-]+cells?\b"
)

# Mentions, in priority order of alternatives at one position (longest first in practice).
_MENTION = re.compile(
    r"(?P<ipsc>(?:(?<![\w-])(?:h|hu)?iPSCs?(?![\w])"
    r"|(?i:induced[\s-]+pluripotent[\s-]+stem[\s-]+cells?))"
    r"(?i:[\s-]*(?:derived|differentiated)(?:[\s-]+[A-Za-z]+){0,3}?[\s-]+"
    r"\w*(?:cells?|MSCs?|progenitors?|cytes|blasts|neurons))?)"
    rf"|(?P<phrase>(?i:{_MSC_PHRASE}))"
    rf"|(?P<tstem>(?i:{_TISSUE_STEM_PHRASE}))"
    # A maker's or donor's prefix before the tissue's ("HB-adMSCs", "Allo-BM-MSCs"): the
    # segment next to "MSC" is the tissue's; the ones before it are kept in the name.
    r"|(?<![\w-])(?P<msc>(?P<mbrand>(?:[A-Za-z0-9]{1,6}-){1,2}(?=[A-Za-z]{1,5}-?MSC))?"
    r"(?P<mpre>[A-Za-z]{1,5}-?)?MSC[sc]?(?P<msuf>(?:-(?!derived\b)[A-Za-z0-9]+)+|\d+)?)"
    r"(?![\w-])"
    r"|(?<![\w-])(?P<mpc>h?MPCs?)(?![\w-])"
    # a donor word joined to the abbreviation: "Allogeneic-MSCs", "Autologous-MSC"
    r"|(?<![\w-])(?P<dmsc>(?P<dword>(?i:allo-?gene?ic|allogenous|auto-?loge?ous|autologus))-MSC[sc]?)"
    r"(?![\w-])"
    r"|(?<![\w-])(?P<asc>(?P<apre>(?:Allo|allo|Auto|auto|hAT|AT|hAD|AD|h)-?)?(?:ADSC|ASC)s?)(?![\w-])"
    r"|(?<![\w-])(?P<dpsc>h?DPSCs?|SHEDs?)(?![\w-])"
    # SHED spelled out: "stem cells from (human) exfoliated deciduous teeth"
    r"|(?P<shed>(?i:stem[\s-]+cells?[\s-]+(?:from|of)[\s-]+(?:the[\s-]+)?(?:human[\s-]+)?"
    r"exfoliated[\s-]+deciduous[\s-]+teeth))"
    r"|(?P<svf>\bSVF\b|(?i:stromal[\s-]+vascular[\s-]+fraction)"
    # adipose-derived regenerative cells: the stromal vascular fraction by another name
    r"|(?<![\w-])ADRCs?(?![\w-])|(?i:adipose[\s-]+(?:tissue[\s-]+)?derived[\s-]+regenerative"
    r"[\s-]+cells?))"
    r"|(?<![\w-])(?P<code>[A-Za-z0-9]{1,13}SCs?)(?![\w-])"
)

# Every mention starts with one of these words, or is the word holding one of these letters.
_MENTION_WORDS = (
    "multi",
    "mese",  # "mesenchymal" and its misspellings (tables.MESENCHYMAL_SPELLINGS)
    "dental",
    "adipose",
    "umbilical",
    "placenta",
    "amnio",
    "wharton",
    "bone",
    "cord",
    "induced",
    "stromal",
    "svf",
    "menstru",
    "chorio",
    "decidu",
    "gingiv",
    "synov",
    "endometri",
    "marrow",
    "olfact",
    "periodont",
    "fat",
    "abdominal",
    "adrc",
)
_MENTION_WORD = re.compile(rf"\b(?:{'|'.join(_MENTION_WORDS)})", re.IGNORECASE)
_MENTION_CORE = re.compile(r"SC|MPC|SHED")
_STEM_WORD = re.compile(r"\bstem\b", re.IGNORECASE)

_LEFT_MODIFIERS = re.compile(
    r"(?:(?:human|adult|allogeneic|allogenic|allogenous|allogeneous|autologous|autologus"
    r"|(?:culture-)?expanded|cultured|ex[\s-]+vivo|derived|umbilical|cord|core|bone"
    r"|dental|tooth|pulp|amniotic[\s-]+(?:membrane|fluid)|menstrual(?:[\s-]+blood)?"
    r"|chorion(?:ic)?(?:[\s-]+membrane)?|decidual?|gingiva|gingival|synovial|synovium|lining"
    r"|olfactory|mucosa|periodontal|ligament|endometrial|abdominal|fat|matrix"
    r"|marrow|adipose|tissue|wharton(?:[’'`´ʼ‘]|\s?\u0301)?s?|jelly|amniotic|amnion|placental?|iliac|donor"
    r"|healthy|third[\s-]party|fetal|neonatal|allo|auto|hUC|UC|BM|AD|WJ|\w+-derived|GMP|blood"
    r"|peripheral"
    r"|off-the-shelf)[\s-]+)+$",
    re.IGNORECASE,
)
_SOURCE_MODIFIER = (
    r"(?:the|a|an|human|healthy|expanded|cultured|iliac|donors?|donor[’']s|autologous"
    r"|allogeneic|own|patients?[’']?s?|subcutaneous|abdominal|crest|fresh|full-term|term"
    r"|neonatal|newborn|expanded"
    # where the tissue was taken: "from the infrapatellar fat pad", "from the posterior iliac
    # crest bone marrow", "from periumbilical fat"
    r"|infrapatellar|periumbilical|gluteal|thigh|posterior|anterior|femoral|tibial)"
)
_RIGHT_SOURCE = re.compile(
    r"(?:\s*[(（][^()（）]{1,25}[)）])?[\s,]+"
    r"(?P<aux>(?:which\s+are|that\s+are|will\s+be|are|were|is|was)\s+)?"
    r"(?:(?:derived|isolated|obtained|expanded|harvested|prepared|sourced|taken|drived"
    r"|originated|originating|coming)\s+)?"
    rf"(?:from|of|origin\s+of)\s+(?:{_SOURCE_MODIFIER}[\s-]+){{0,2}}",
    re.IGNORECASE,
)
_SOURCE_BEFORE_TISSUE = re.compile(
    rf"(?:\bfrom|\bof)\s+(?:{_SOURCE_MODIFIER}[\s-]+){{0,2}}$", re.IGNORECASE
)
# A tissue named after "derived" in a garbled phrase: "Mesenchymal stem cell- derived
# Umbilical cord transplantation" (the cells derived from the cord, not a product of the cells).
_DERIVED_TISSUE_AFTER = re.compile(r"[\s-]+derived[\s-]+(?:from[\s-]+)?(?:the\s+)?", re.I)
_DERIVED_AFTER_TISSUE = re.compile(r"(?:[\s-]+tissue)?[\s-]*derived\b", re.IGNORECASE)
# A statement of what such cells are, not of this product: "MSCs can be isolated from ...".
_GENERIC_SOURCE = re.compile(
    r"\b(?:can|could|may|might)\s+(?:also\s+|easily\s+|readily\s+)?be\s+(?:\w+\s+)?"
    r"(?:isolated|obtained|derived|found|harvested|extracted|expanded|sourced|collected)"
    r"\s+(?:from|in)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# A tissue word naming other cells or a state of the tissue, not a source of the product:
# "(rescue of) bone marrow progenitors", "(function of the) bone marrow niche".
_OTHER_CELLS_AFTER_TISSUE = re.compile(
    r"(?:[\s-]+(?:derived|resident|origin))?[\s-]+(?:(?:hematopoietic|haematopoietic|endothelial"
    r"|CD34\+?)[\s-]+)*(?:progenitors?|precursors?|HSCs?|HSPCs?|EPCs?|niches?|microenvironments?"
    r"|hematopoie\w*|haematopoie\w*|(?:progenitor|precursor|endothelial|hematopoietic"
    r"|haematopoietic|blood)[\s-]+cells?|function\w*|cellularity|reserve|homing"
    r"|mobili[sz]ation|recovery|engraftment)",
    re.IGNORECASE,
)

_TRANSPLANT_CONTEXT = (
    r"(?![\s-]+(?:hematopoietic|haematopoietic|HSCT|HCT|SCT|BMT|HSC|PBSC|transplant\w*"
    r"|(?:peripheral\s+blood\s+)?stem[\s-]+cell[\s-]+transplant\w*|bone[\s-]+marrow[\s-]+transplant\w*"
    r"|cord[\s-]+blood[\s-]+transplant\w*|recipients?|grafts?\b|donors?\b"
    # an organ transplant: "an allogeneic kidney transplant"
    r"|(?:kidney|renal|liver|hepatic|heart|cardiac|lung|pancreas|islet|corneal|solid[\s-]+organ"
    r"|organ)[\s-]+(?:transplant\w*|grafts?|recipients?)))"
)
# "autologous serum / plasma / platelet lysate": a supplement or vehicle, not the cells' donor.
_SUPPLEMENT_AFTER = (
    r"(?![\s-]+(?:serum|plasma|platelets?|platelet[\s-]+(?:rich|lysate)\w*|PRP|PL\b|fibrin"
    r"|thrombin|blood[\s-]+serum))"
)
_DONOR_WORDS = re.compile(
    r"(?P<allo>(?:non[\s-]?autologous|allo-?\s?gene?ic|allogenous|allogeneous|allogenetic|\ballo\b|\ballo-"
    r"(?!HSCT|HCT|SCT|BMT|transplant))" + _TRANSPLANT_CONTEXT + r"|third[\s-]+party"
    r"|donor[\s-]+derived|(?:(?:healthy|unrelated|volunteer|universal)\s+){1,2}donors?"
    r"|from\s+(?:a\s+|the\s+)?donors?\b"
    # "from a single donor", "from the original stem cell donor", "from cadaveric donors",
    # "from the patient's HSCT donor"; not a harvest's "donor site"
    r"|from\s+(?:an?\s+|the\s+|one\s+)?(?:(?:single|same|original|deceased|cadaveric|living"
    r"|adult|young|screened|eligible|consenting|HSCT|HCT|BMT|transplant|stem\s+cell"
    r"|patient[’']?s?|recipient[’']?s?)\s+){1,2}donors?\b(?![’']?s?[\s-]+(?:sites?|areas?|regions?))"
    # "isolated from healthy volunteers", "MSCs of healthy adult donors", "donated umbilical
    # cords", "from an HLA-matched sibling", "from a family member"
    r"|(?:from|of)\s+(?:an?\s+|the\s+)?healthy\s+(?:adult\s+|young\s+)?(?:volunteers?|individuals?"
    r"|persons?|people|subjects?)\b"
    r"|\bdonated\s+(?:human\s+)?(?:umbilical|cord|placenta\w*|bone|adipose|tissues?|fat|teeth)"
    r"|(?:from\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?)?"
    r"(?:HLA[\s-]*(?:identical|matched|mismatched)|haplo-?identical)\s+(?:siblings?|relatives?"
    r"|brothers?|sisters?|parents?|family\s+members?)\b"
    r"(?![\s-]+(?:donors?[\s-]+)?(?:transplant\w*|HSCT|HCT|BMT|SCT|grafts?))"
    r"|from\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)(?:family\s+members?|relatives?"
    r"|parents?|mother|father|siblings?|brothers?|sisters?)\b"
    r"|off[\s-]+the[\s-]+shelf"
    # "HLA-unmatched MSCs": cells not matched to the patient are another person's
    r"|HLA[\s-]*(?:un-?|non-?|mis-?)matched(?=[\s,-]+(?:[\w-]+[\s-]+){0,3}?"
    r"(?:MSCs?|mesenchymal|stromal|cells?)\b(?![\s-]+(?:transplant|graft)))"
    r"|(?:HLA[\s-]*(?:identical|matched|mismatched)|haplo-?identical|sibling|related|family)\s+"
    r"(?:healthy\s+)?(?:donors?|parents?|siblings?|relatives?)\b"
    # "after HLA-matched sibling donor transplantation": the patients' transplant, not the MSCs
    r"(?![\s-]+(?:donors?[\s-]+)?(?:(?:stem[\s-]+cell|bone[\s-]+marrow|peripheral[\s-]+blood)[\s-]+)?"
    r"(?:transplant\w*|HSCT|HCT|BMT|SCT|allo-?HSCT|grafts?|kidney|liver|renal|organ))"
    r"|from\s+(?:the\s+|an?\s+)?(?:original\s+|same\s+)?(?:BMT|HSCT|HCT|transplant)\s+donors?\b"
    r"|\bdonors?[’']?s?\s+(?=(?:bone|adipose|umbilical|placenta|mese|MSC|cells)))"
    r"|(?P<auto>(?<!non-)(?<!non\s)(?:auto-?\s?loge?ous|autologus|autologue|autogen(?:ous|eic|ic)|\bauto\b"
    r"|\b(?:patient|recipient)[\s-]+(?:derived|specific)\b"
    r"|\bauto-(?!HSCT|HCT|SCT|BMT))"
    + _TRANSPLANT_CONTEXT
    + _SUPPLEMENT_AFTER
    + r"|(?:(?:patients?|recipients?|subjects?|participants?)[’']?\s*[’']?s?|their|his|her)"
    r"\s+own\b"
    + _SUPPLEMENT_AFTER
    + r"|self-derived"
    # "self MSCs", "self bone marrow MSCs" (not "self-renewing stem cells")
    + r"|\bself(?=[\s-]+(?:MSCs?|mesenchymal|stromal|bone[\s-]+marrow|adipose|fat|cells)\b)"
    # "derived from the patients themselves", "from the same patient"
    r"|from\s+(?:the\s+)?(?:patients?|recipients?)\s+(?:themselves|himself|herself)\b"
    r"|from\s+the\s+same\s+(?:patients?|recipients?|subjects?|individuals?)\b)",
    re.IGNORECASE,
)
_COLON_DEFINITION = re.compile(r"\s*:\s*(?:\w+\s+){0,6}")  # "TC-MSC: a cell product containing"
_PAREN_OPEN = re.compile(r"[®™]?\s*(?:(?:for\s+)?\w+\s+){0,2}[(（]\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where a text names a cell product."""

    start: int
    end: int
    name: str
    cell_type: str | None
    tissue: str | None  # UBERON CURIE
    donor: Donor
    kind: str  # "phrase", "abbr", "code", "ipsc", "svf", "named", "inn"; "weak": a tissue's
    # stem cells
    negated: bool = False
    table_facts: tuple[str, ...] = ()  # facts taken from the named-product table
    ncit: str | None = None  # NCIt concept of a named product (from the table)

    @property
    def specific(self) -> bool:
        """Typed beyond a generic MSC (a tissue, or a cell type other than CL:0000134)."""
        return self.tissue is not None or (
            self.cell_type is not None and self.cell_type != GENERIC_MSC
        )


def tissue_by_uberon(uberon: str) -> Tissue | None:
    return _TISSUE_BY_UBERON.get(uberon)


def _tissue_of(text: str) -> Tissue | None:
    m = _TISSUE_RE.search(text)
    return None if m is None else _TISSUE_BY_KEY[str(m.lastgroup)]


def _typed(tissue: Tissue | None) -> tuple[str | None, str | None]:
    """(cell type, tissue) of an MSC mention from ``tissue``."""
    if tissue is None:
        return GENERIC_MSC, None
    return tissue.cell_type, tissue.uberon


# Abbreviations of stem cells of a tissue that do not end in "MSC" (lower case, no plural s).
_SC_CODE_TISSUE = {"mensc": "menstrual_blood", "hmensc": "menstrual_blood"}


def _classify(m: re.Match[str]) -> tuple[str, str | None, str | None, Donor] | None:
    """(kind, cell type, tissue, donor) of one mention match."""
    donor = Donor.UNKNOWN
    if m.group("ipsc") is not None:
        return "ipsc", None, None, donor
    if m.group("phrase") is not None:
        cell, tissue = _typed(_tissue_of(m.group("phrase")))
        return "phrase", cell, tissue, donor
    if m.group("ts_weak") is not None:
        # "bone marrow stem cells": a tissue, but not necessarily MSCs; never a product
        tissue_t = _tissue_of(m.group("ts_weak"))
        return "weak", None, tissue_t.uberon if tissue_t else None, donor
    if m.group("tstem") is not None:
        cell, tissue = _typed(_tissue_of(m.group("tstem")))  # the cell word after it too
        return "phrase", cell, tissue, donor
    if m.group("shed") is not None:
        cell, tissue = _typed(_TISSUE_BY_KEY["dental_pulp"])
        return "abbr", cell, tissue, donor
    if m.group("msc") is not None:
        pre = (m.group("mpre") or "").rstrip("-").lower()
        suf = m.group("msuf") or ""
        if pre in {"non", "anti"}:
            return None  # "non-MSC cells", "anti-MSC antibodies": not a product
        for word in [*(m.group("mbrand") or "").lower().split("-"), pre]:
            if word in {"allo", "auto"}:
                donor = Donor.ALLOGENEIC if word == "allo" else Donor.AUTOLOGOUS
        if pre not in MSC_PREFIX_TISSUE:
            return "code", None, None, donor
        suf_tissue = _tissue_of(suf) if suf else None
        key = MSC_PREFIX_TISSUE[pre] or (suf_tissue.key if suf_tissue else None)
        if key is None and suf:
            return "code", None, None, donor  # "hMSC100": kept as written, untyped
        cell, tissue = _typed(_TISSUE_BY_KEY[key] if key else None)
        return "abbr", cell, tissue, donor
    if m.group("dmsc") is not None:
        auto = m.group("dword").lower().startswith("auto")
        return "abbr", GENERIC_MSC, None, Donor.AUTOLOGOUS if auto else Donor.ALLOGENEIC
    if m.group("mpc") is not None:  # mesenchymal precursor cells
        return "abbr", GENERIC_MSC, None, donor
    if m.group("asc") is not None:
        pre = (m.group("apre") or "").rstrip("-").lower()
        if pre in {"allo", "auto"}:
            donor = Donor.ALLOGENEIC if pre == "allo" else Donor.AUTOLOGOUS
        cell, tissue = _typed(_TISSUE_BY_KEY["adipose"])
        return "abbr", cell, tissue, donor
    if m.group("dpsc") is not None:
        cell, tissue = _typed(_TISSUE_BY_KEY["dental_pulp"])
        return "abbr", cell, tissue, donor
    if m.group("svf") is not None:
        return "svf", None, _TISSUE_BY_KEY["adipose"].uberon, donor
    code = m.group("code")
    if code.lower().rstrip("s") in _SC_CODE_TISSUE:  # "MenSCs": menstrual blood stem cells
        cell, tissue = _typed(_TISSUE_BY_KEY[_SC_CODE_TISSUE[code.lower().rstrip("s")]])
        return "abbr", cell, tissue, donor
    if not re.search(r"[a-z0-9]", code[: code.rindex("SC")]):
        return None  # "PSC", "HSCs": all-capital abbreviations are too ambiguous to read
    return "code", None, None, donor


# Tissue-of-origin codes of culture-adapted MSCs (ICCBBA-ISCT consensus statement, Cytotherapy
# 2021, https://www.isctglobal.org/blogs/felix-grignon/2021/06/28/iccbba-isct-publish-a-joint-
# statement-in-cytothera): MSC(M) bone marrow, MSC(CB) cord blood, MSC(AT) adipose tissue,
# MSC(WJ) Wharton's jelly; the other tissues by the abbreviations records use.
_ISCT_TISSUE = {
    "M": "bone_marrow",
    "BM": "bone_marrow",
    "CB": "cord_blood",
    "UCB": "cord_blood",
    "AT": "adipose",
    "AD": "adipose",
    "WJ": "whartons_jelly",
    "UC": "umbilical_cord",
    "P": "placenta",
    "PL": "placenta",
    "AM": "amnion",
    "DP": "dental_pulp",
}
_ISCT_TISSUE_CODE = re.compile(
    rf"\s?\((?i:({'|'.join(sorted(_ISCT_TISSUE, key=len, reverse=True))}))\)"
)


# Two tissues of one product: "derived from umbilical cord and placenta", "bone marrow and
# adipose derived MSCs". The model holds one tissue per product, so such a mention gives one
# product per tissue (same name and evidence), never the first tissue alone.
_TISSUE_JOIN = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*[/&]\s*)"
_SECOND_TISSUE_AFTER = re.compile(
    rf"{_TISSUE_JOIN}(?:(?:the|from|of)\s+){{0,2}}(?:{_TISSUE_RE.pattern})", re.IGNORECASE
)
_FIRST_TISSUE_BEFORE = re.compile(
    rf"(?:{_TISSUE_RE.pattern})(?:[\s-]+(?:tissues?|derived))?{_TISSUE_JOIN}$", re.IGNORECASE
)


def _second_tissue(text: str, pos: int, first: Tissue) -> tuple[Tissue, int] | None:
    """A second tissue joined to the one ending at ``pos`` ("... cord and placenta"), with
    its end; not one whose own cells follow ("and bone marrow progenitors")."""
    m = _SECOND_TISSUE_AFTER.match(text, pos)
    if m is None or _OTHER_CELLS_AFTER_TISSUE.match(text, m.end()):
        return None
    t = _TISSUE_BY_KEY[str(m.lastgroup)]
    return None if t.key == first.key else (t, m.end())


def _widen(
    text: str, start: int, end: int, kind: str
) -> tuple[int, int, Tissue | None, Tissue | None]:
    """Extend a mention over its modifiers ("human umbilical cord-derived ...", "... from the
    umbilical cord"); return the tissue the extension names, and a second tissue joined to it
    ("from umbilical cord and placenta"), else None."""
    tissue: Tissue | None = None
    if kind in {"phrase", "abbr", "code"}:
        left = _LEFT_MODIFIERS.search(text[max(0, start - 80) : start])
        if left is not None:
            start -= len(left.group(0))
            # a tissue word of the modifiers, read with the cell word after it ("Synovial MSCs")
            t = _TISSUE_RE.search(text[start:end])
            if t is not None and t.start() < len(left.group(0)):
                tissue = _TISSUE_BY_KEY[str(t.lastgroup)]
            before = _FIRST_TISSUE_BEFORE.search(text[max(0, start - 40) : start])
            if tissue is not None and before is not None and kind != "code":
                first = _TISSUE_BY_KEY[str(before.lastgroup)]
                if first.key != tissue.key:  # "bone marrow and adipose derived MSCs"
                    return start - len(before.group(0)), end, first, tissue
    if kind == "abbr" and text[start:end].rstrip("s").upper().endswith("MSC"):
        code = _ISCT_TISSUE_CODE.match(text, end)
        if code is not None:  # "MSC(M)", "MSC(AT)": the ISCT / ICCBBA tissue-of-origin codes
            tissue = _TISSUE_BY_KEY[_ISCT_TISSUE[code.group(1).upper()]]
            return start, code.end(), tissue, None
    if kind in {"phrase", "abbr"}:
        src = _RIGHT_SOURCE.match(text, end)
        if src is not None:
            t = _TISSUE_RE.match(text, src.end())
            if t is not None:
                found = _TISSUE_BY_KEY[str(t.lastgroup)]
                second = _second_tissue(text, t.end(), found) if tissue is None else None
                if src.group("aux") is None:  # "MSCs from the umbilical cord" is the name
                    end = second[1] if second is not None else t.end()
                if second is not None:
                    return start, end, found, second[0]
                tissue = tissue or found
    if kind in {"phrase", "abbr"} and tissue is None:
        garbled = _DERIVED_TISSUE_AFTER.match(text, end)
        t = _TISSUE_RE.match(text, garbled.end()) if garbled is not None else None
        if t is not None:
            return start, end, _TISSUE_BY_KEY[str(t.lastgroup)], None
    return start, end, tissue, None


def _not_cells(text: str, start: int, end: int) -> bool:
    return (
        _NOT_CELLS_AFTER.match(text, end) is not None
        or _NOT_CELLS_BEFORE.search(text[max(0, start - 40) : start]) is not None
    )


def _sentence_tissues(text: str, lo: int, hi: int) -> list[tuple[int, Tissue]]:
    """Tissues a sentence names as a source: "from (the) bone marrow", "adipose-derived"."""
    found: list[tuple[int, Tissue]] = []
    for t in _TISSUE_RE.finditer(text, lo, hi):
        before = text[max(lo, t.start() - 40) : t.start()]
        source = _SOURCE_BEFORE_TISSUE.search(before)
        if (
            source is not None
            and source.group(0).lower().startswith("of")
            and _OTHER_CELLS_AFTER_TISSUE.match(text, t.end())
        ):
            continue  # "rescue of bone marrow progenitors": other cells of the tissue
        if _GENERIC_SOURCE.search(text, max(lo, t.start() - 60), t.start()):
            continue  # "MSCs can be isolated from bone marrow": what MSCs are, not this product
        if source or _DERIVED_AFTER_TISSUE.match(text, t.end()):
            found.append((t.start(), _TISSUE_BY_KEY[str(t.lastgroup)]))
    return found


def _context_tissue(tissues: list[tuple[int, Tissue]], start: int, end: int) -> Tissue | None:
    distinct = {t.key for _, t in tissues}
    if len(distinct) == 1:
        return tissues[0][1]
    near = [(min(abs(p - start), abs(p - end)), t) for p, t in tissues]
    near = [x for x in near if x[0] <= 60]
    return min(near, key=lambda x: x[0])[1] if near else None


_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_NAME_SEP = rf"[\s{_DASHES}]*"


def _name_pattern(row: ProductRow, name: str) -> str:
    """A name as a pattern: its letter and digit runs with any spaces or dashes between
    ("Cx601" = "CX-601" = "Cx 601"); an INN's one-letter suffix is optional
    ("remestemcel-L" = "remestemcel")."""
    parts = re.findall(r"[A-Za-z]+|\d+", name)
    if row.kind == "inn" and len(parts) > 1 and len(parts[-1]) == 1 and parts[-1].isalpha():
        return _NAME_SEP.join(map(re.escape, parts[:-1])) + f"(?:{_NAME_SEP}{parts[-1]})?"
    return _NAME_SEP.join(map(re.escape, parts))


def _named_regex() -> tuple[re.Pattern[str], dict[str, ProductRow]]:
    groups: dict[str, ProductRow] = {}
    alternatives: list[tuple[int, str]] = []
    for i, row in enumerate(PRODUCT_ROWS):
        group = f"p{i}"
        groups[group] = row
        names = sorted(row.names, key=len, reverse=True)
        alternatives.append(
            (max(map(len, names)), f"(?P<{group}>{'|'.join(_name_pattern(row, n) for n in names)})")
        )
    alternatives.sort(key=lambda a: -a[0])
    body = "|".join(a for _, a in alternatives)
    return re.compile(rf"(?<![\w{_DASHES}])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE), groups


_NAMED, _NAMED_GROUPS = _named_regex()
# A word ending in "-cel", with an optional one-letter suffix ("rexlemestrocel-L").
_INN_WORD = re.compile(
    rf"(?<![\w{_DASHES}])(?P<word>[A-Za-z]{{4,}}[cC][eE][lL])(?:[{_DASHES}](?P<suf>[A-Z]))?"
    r"(?![A-Za-z0-9])"
)
# Words ending in "cel" that are not cell-therapy names (vaccines, a kinase inhibitor, an
# excipient, ordinary words and surnames).
_NOT_INN = frozenset(
    {
        "adacel", "daptacel", "pentacel", "quadracel", "sprycel", "avicel", "excel", "cancel",
        "parcel", "biocel", "bancel", "marcel", "valcarcel", "molcel", "mescel", "orbcel",
    }
)  # fmt: skip


def inn_stem(word: str, *, suffix: bool = False) -> InnStem | None:
    """The cell-therapy INN stem a word ends with, or None (not read as a cell INN).

    >>> [inn_stem(w).meaning for w in ("rexlemestrocel", "darvadstrocel", "remestemcel")]
    ['mesenchymal stromal cells', 'stromal cells', 'mesenchymal stem cells']
    >>> inn_stem("betibeglogene autotemcel".split()[1]).cell_type is None
    True
    >>> inn_stem("Excel"), inn_stem("Quadracel"), inn_stem("zilcel"), inn_stem("zilcel", suffix=True)
    (None, None, None, InnStem(stem='cel', cell_type=None, meaning='a cell therapy of an unstated type'))
    """
    low = word.lower()
    if low in _NOT_INN or not low.endswith("cel"):
        return None
    for stem in INN_STEMS:
        if low.endswith(stem.stem) and len(low) >= len(stem.stem) + 2:
            if stem.stem == "cel" and not suffix and len(low) < 10:
                return None  # a bare short "-cel" word: too ambiguous
            return stem
    return None


@dataclass(frozen=True, slots=True)
class Named:
    """A product named by a brand, code or INN of the product table, or by an INN stem."""

    start: int
    end: int
    row: ProductRow | None  # None: read from the name's INN stem only
    stem: InnStem | None = None


def find_named(text: str) -> list[Named]:
    """Products named by a brand, code or INN of the table, or by a cell-therapy INN stem.

    >>> [(n.row.name if n.row else n.stem.stem) for n in find_named(
    ...     "Remestemcel-L (Prochymal®) or ALOFISEL™ or Cx 601 or ixomestrocel-T")]
    ['remestemcel-L', 'remestemcel-L', 'darvadstrocel', 'darvadstrocel', 'mestrocel']
    """
    low = text.lower()
    out: list[Named] = []
    taken: list[tuple[int, int]] = []
    if any(k in low for k in _NAMED_HINTS):
        for m in _NAMED.finditer(text):
            out.append(Named(m.start(), m.end(), _NAMED_GROUPS[str(m.lastgroup)]))
            taken.append((m.start(), m.end()))
    if "cel" in low:
        for m in _INN_WORD.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            stem = inn_stem(m.group("word"), suffix=m.group("suf") is not None)
            if stem is not None:
                out.append(Named(m.start(), m.end(), None, stem))
    return sorted(out, key=lambda n: n.start)


# Lower-case pieces one of which every table name contains (a fast pre-filter).
_NAMED_HINTS = frozenset(
    re.findall(r"[a-z]+|\d+", name.lower())[0] for row in PRODUCT_ROWS for name in row.names
)


_SOURCE_START = re.compile(r"(?:from|of|donated)\b", re.IGNORECASE)
_DONOR_COMMA = re.compile(
    r"(?P<d>\b(?:allo-?\s?gene?ic|allogenous|autologous|autologus))\s*,\s*(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# Words between a mention and a later source that make the source another thing's: "MSCs in
# patients who received a graft from a single donor".
_OTHER_CLAUSE = re.compile(
    r"\b(?:who|which|whose|received?|receiving|grafts?|transplant\w*|organs?|patients?)\b",
    re.IGNORECASE,
)
_PAREN_DONOR = re.compile(
    r"\s*[(（]\s*(?P<d>[^()（）]{1,20}?)\s*[)）]",
)
# "MSCs derived from the patient's own bone marrow": the donor words right after a source word
_SOURCE_BEFORE = re.compile(
    r"\b(?:from|of)\s+(?:the|each|an?|their|his|her|one)?\s*"
    # "a healthy third-party", "HLA-haploidentical family donors": a few words of the donor
    r"(?:(?!(?:with|after|who|in|for|and|or|patients?|receiving|undergoing)\b)[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


_GAP = re.compile(r"[\s-]+")
_GRAFT_BEFORE = re.compile(
    r"\b(?:grafts?|transplant\w*|organs?|kidneys?|livers?|hearts?|lungs?|corneas?|HSCT|BMT)\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w+]*")
_MSC_WORD = re.compile(rf"(?i:{MESENCHYMAL}|MSC|stromal)")


def _before_other_cells(text: str, end: int) -> bool:
    """Donor words of other cells named right after them (up to two words between):
    "autologous chondrocyte implantation", "autologous bone marrow mononuclear cells"."""
    pos = end
    for _ in range(3):
        gap = _GAP.match(text, pos)
        if gap is None:
            return False
        pos = gap.end()
        if _OTHER_CELL_RE.match(text, pos):
            return True
        word = _WORD.match(text, pos)
        if word is None or _MSC_WORD.match(word.group(0)):
            return False
        pos = word.end()
    return False


def donor_words(
    text: str, lo: int = 0, hi: int | None = None, *, of_other_cells: bool = False
) -> list[tuple[int, int, Donor]]:
    """Explicit donor words in ``text[lo:hi]``: allogeneic/third-party/... or autologous/own;
    not those of other cells named right after them ("autologous chondrocytes") unless
    ``of_other_cells`` (the donor of those cells is wanted)."""
    out: list[tuple[int, int, Donor]] = []
    for m in _DONOR_WORDS.finditer(text, lo, len(text) if hi is None else hi):
        if hi is not None and _DONOR_WORDS.match(text, m.start()) is None:
            continue  # "autologous| plasma": the window cut the supplement word off
        if not of_other_cells and _before_other_cells(text, m.end()):
            continue
        if m.group(0)[:4].lower() == "from" and _GRAFT_BEFORE.search(
            text, max(0, m.start() - 30), m.start()
        ):
            continue  # "received a graft from a single donor": the donor of the graft
        donor = Donor.ALLOGENEIC if m.group("allo") is not None else Donor.AUTOLOGOUS
        out.append((m.start(), m.end(), donor))
    return out


def _mention_donor(text: str, start: int, end: int, prev_end: int, next_start: int) -> Donor:
    left, right = clause_bounds(text, start, end)
    lo = max(left, prev_end, start - 70)
    hi = min(right, next_start, end + 25)
    words = donor_words(text, lo, hi)
    if not words:
        # a source named a little further on: "MSCs isolated from healthy volunteers",
        # "cells derived from the patients themselves"
        far = min(right, next_start, end + 60)
        words = [
            w
            for w in donor_words(text, end, far)
            if (_SOURCE_START.match(text, w[0]) or _SOURCE_BEFORE.search(text, end, w[0]))
            and not _OTHER_CLAUSE.search(text, end, w[0])
        ]
    if not words:
        # "MSCs (autologous)": the donor word in brackets right after the mention
        paren = _PAREN_DONOR.match(text, end)
        if paren is not None:
            words = donor_words(text, paren.start("d"), paren.end("d"))
    if not words:
        # "Allogeneic, HLA-unmatched MSCs", "Autologous, culture-expanded MSCs": donor words
        # before a comma and a few more of the mention's adjectives
        lead = _DONOR_COMMA.search(text, max(prev_end, start - 60), start)
        if lead is not None:
            words = donor_words(text, lead.start(), lead.end("d"))
    if not words:
        return Donor.UNKNOWN
    nearest = min(words, key=lambda w: start - w[1] if w[1] <= start else w[0] - end + 30)
    return nearest[2]


def find_mentions(text: str) -> tuple[Mention, ...]:
    """Every cell-product mention in ``text`` (negated ones flagged), in text order."""
    return _find_mentions(text)


def _mention_word_starts(text: str) -> set[int]:
    """Where :data:`_MENTION_WORD` matches; found (faster) as the words' occurrences at word
    starts in the lower-cased text where that gives the same: a lower-cased text of the
    same length (no character lower-cased to two) without "ı" or "ſ". Ignoring case, no
    other character but the two cases of a letter of the words matches that letter, each
    lower-cases to it, and lower-casing keeps word characters word characters and others
    not (all checked over the whole of Unicode in the tests)."""
    low = text.lower()
    if len(low) != len(text) or "ı" in text or "ſ" in text:
        return {m.start() for m in _MENTION_WORD.finditer(text)}
    return set(word_starts(low, _MENTION_WORDS))


def _mention_matches(text: str) -> list[re.Match[str]]:
    """Matches of :data:`_MENTION`, tried only where a mention can start (fast)."""
    starts = _mention_word_starts(text)
    if "xfoliat" in text:  # "stem cells from human exfoliated deciduous teeth" starts at "stem"
        starts.update(m.start() for m in _STEM_WORD.finditer(text))
    for core in _MENTION_CORE.finditer(text):
        i = core.start()
        while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "-"):
            i -= 1
        starts.add(i)
    out: list[re.Match[str]] = []
    taken = 0
    for pos in sorted(starts):
        if pos < taken:
            continue
        m = _MENTION.match(text, pos)
        if m is not None:
            out.append(m)
            taken = m.end()
    return out


def _named_mentions(text: str) -> list[tuple[int, int, str, str | None, str | None, Named]]:
    out: list[tuple[int, int, str, str | None, str | None, Named]] = []
    for n in find_named(text):
        if n.row is not None:
            out.append((n.start, n.end, "named", n.row.cell_type, n.row.tissue, n))
        elif n.stem is not None:
            out.append((n.start, n.end, "inn", n.stem.cell_type, None, n))
    return out


@lru_cache(maxsize=4096)
def _find_mentions(text: str) -> tuple[Mention, ...]:
    raw: list[tuple[int, int, str, str | None, str | None, Donor]] = []
    named_at: dict[int, Named] = {}
    named = _named_mentions(text)
    last_end = -1
    for m in _mention_matches(text):
        if m.start() < last_end or _not_cells(text, m.start(), m.end()):
            continue
        if any(n[0] < m.end() and m.start() < n[1] for n in named):
            continue  # "MSC-NTF": the table's name, not an MSC abbreviation
        info = _classify(m)
        if info is None:
            continue
        kind, cell, tissue, donor = info
        start, end, wide_tissue, also = _widen(text, m.start(), m.end(), kind)
        start = max(start, last_end)
        if tissue is None and wide_tissue is not None and kind in {"phrase", "abbr"}:
            cell, tissue = _typed(wide_tissue)
        raw.append((start, end, kind, cell, tissue, donor))
        if also is not None and wide_tissue is not None and tissue == wide_tissue.uberon:
            raw.append((start, end, kind, *_typed(also), donor))  # one product per tissue
        last_end = end
    for start, end, kind, cell, tissue, n in named:
        if not any(r[0] < end and start < r[1] for r in raw):
            raw.append((start, end, kind, cell, tissue, Donor.UNKNOWN))
            named_at[start] = n
    raw.sort(key=lambda r: r[0])
    out: list[Mention] = []
    # each sentence's tissues read once (a long sentence naming the cells many times was
    # rescanned for every mention)
    tissues_of: dict[tuple[int, int], list[tuple[int, Tissue]]] = {}
    for i, (start, end, kind, raw_cell, raw_tissue, raw_donor) in enumerate(raw):
        cell, tissue, donor = raw_cell, raw_tissue, raw_donor
        if tissue is None and kind in {"phrase", "abbr"}:
            lo, hi = sentences_of(text).bounds(start)
            if (lo, hi) not in tissues_of:
                tissues_of[(lo, hi)] = _sentence_tissues(text, lo, hi)
            ctx = _context_tissue(tissues_of[(lo, hi)], start, end)
            if ctx is not None:
                cell, tissue = _typed(ctx)
        if donor is Donor.UNKNOWN:
            prev_end = raw[i - 1][1] if i else 0
            next_start = raw[i + 1][0] if i + 1 < len(raw) else len(text)
            donor = _mention_donor(text, start, end, prev_end, next_start)
        negated = is_negated(text, start, end)
        facts: tuple[str, ...] = ()
        ncit: str | None = None
        row = named_at[start].row if start in named_at else None
        if row is not None:
            if donor is Donor.UNKNOWN and row.donor is not None:
                donor = Donor(row.donor)  # the record's own donor words win over the table
                facts += ("donor",)
            facts = tuple(f for f, v in (("cell_type", cell), ("tissue", tissue)) if v) + facts
            ncit = row.ncit
        out.append(
            Mention(start, end, text[start:end], cell, tissue, donor, kind, negated, facts, ncit)
        )
    return tuple(out)


# Cell products other than MSCs (tables.OTHER_CELLS): NK, dendritic, T / CAR-T cells,
# haematopoietic stem cells, mononuclear cells, chondrocytes, keratinocytes, fibroblasts.
_OTHER_CELL_RE = re.compile("|".join(f"(?P<{o.key}>{o.pattern})" for o in OTHER_CELLS))
_OTHER_CELL_TYPES = frozenset(o.cell_type for o in OTHER_CELLS)
_OTHER_CELL_BY_KEY = {o.key: o for o in OTHER_CELLS}
# Cells that are measured, a source, or a procedure's context, not the cells given.
_OTHER_NOT_GIVEN_AFTER = re.compile(
    r"(?:\s*\([^()]{1,12}\))?[\s-]*(?:counts?|subsets?|subpopulations?|responses?|activit(?:y|ies)"
    r"|activation|proliferation|function\w*|levels?|markers?|numbers?|percentages?|frequenc\w+"
    r"|infiltrat\w*|exhaustion|depletion|recovery|reconstitution|engraftment|cytotoxicity"
    r"|mediated|dependent|immunity|transplant\w*|mobili[sz]\w*|chimerism|phenotypes?|ratios?"
    r"|assays?|differentiation|growth|collection|apoptosis|death|viability|senescence"
    r"|receptors?|epitopes?|clones?|lines?|exosomes?|secretome|conditioned|derived|lysates?"
    r"|identity|typing|testing|tests?|reactivity|specificity|repertoire|immunophenotyp\w*"
    r"|were\s+(?:measured|counted|analy[sz]ed)|will\s+be\s+(?:measured|counted|analy[sz]ed))\b",
    re.IGNORECASE,
)
_OTHER_NOT_GIVEN_BEFORE = re.compile(
    r"(?:\b(?:numbers?|counts?|levels?|percentages?|proportions?|frequenc\w+|activit\w+"
    r"|functions?|ratios?|expansion|recovery|reconstitution|depletion|activation|proliferation"
    r"|subsets?|profiles?|phenotyp\w+|analys[ie]s|measurement\w*|assessment\w*|effects?"
    r"|inhibition|suppression|modulation|regulation|response\w*)\s+(?:of|on|in)\s+(?:[\w+-]+\s+){0,3}"
    r"|\b(?:isolated|derived|obtained|separated|extracted|harvested|purified|cultured|expanded|"
    r"co-?cultured)\s+(?:from|with|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}"
    r"|\bCD\d+\+?\s*|\bnon[\s-]*ha?ematopoietic[\s-]+|\b(?:testing|typing)\s+of\s+(?:[\w-]+\s+){0,2}"
    # a comparator or an earlier treatment: "MSCs versus autologous chondrocytes", "compared
    # with autologous chondrocyte implantation", "after failed autologous chondrocyte ..."
    r"|\b(?:compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|versus|vs\.?|than|instead\s+of"
    r"|failed|previous|prior)\s+(?:[\w-]+\s+){0,2})$",
    re.IGNORECASE,
)
# A text about making MSCs ("ex-vivo expanded MSCs ... harvested bone marrow mononuclear cells
# from the donor"): its mononuclear cells are the MSCs' starting material, not a product.
_MSC_MAKING = re.compile(r"\b(?:expan\w*|cultur\w*|isolat\w*|passag\w*)", re.IGNORECASE)


def is_other_cell(cell_type: str | None) -> bool:
    """Whether a CL term is one of the non-MSC cell products of ``tables.OTHER_CELLS``."""
    return cell_type in _OTHER_CELL_TYPES


@lru_cache(maxsize=1024)
def find_other_cells(text: str) -> tuple[Mention, ...]:
    """Cell products other than MSCs an arm's or intervention's text names as given ("NK
    cells", "autologous dendritic cell injection", "CAR-T cells", "bone marrow mononuclear
    cells", "autologous chondrocytes"), with the tissue and donor words beside them; not cells
    measured or used as a source ("T cell subsets", "number of NK cells", "isolated from
    bone marrow mononuclear cells", "haematopoietic stem cell transplantation").

    >>> [(m.name, m.cell_type, m.tissue, m.donor.value) for m in find_other_cells(
    ...     "High-dose cord blood NK cells (>5x10^9) and MSCs")]
    [('cord blood NK cells', 'CL:0000623', 'UBERON:0012168', 'unknown')]
    >>> find_other_cells("CD4+ T cell counts and NK cell activity will be measured")
    ()
    """
    out: list[Mention] = []
    making = None
    for m in _OTHER_CELL_RE.finditer(text):
        if m.lastgroup == "mnc":
            if making is None:
                making = bool(_MSC_MAKING.search(text)) and any(
                    x.cell_type is not None and not is_other_cell(x.cell_type)
                    for x in _find_mentions(text)
                )
            if making:
                continue
        if _OTHER_NOT_GIVEN_AFTER.match(text, m.end()):
            continue
        if _OTHER_NOT_GIVEN_BEFORE.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        start, end = m.start(), m.end()
        tissue = _tissue_of(m.group(0))
        prefix = re.match(r"(BM|UCB|CB)-?MNC", m.group(0))
        if prefix is not None:  # "BM-MNC", "UCB-MNC"
            tissue = _TISSUE_BY_KEY["bone_marrow" if prefix.group(1) == "BM" else "cord_blood"]
        left = _LEFT_MODIFIERS.search(text[max(0, start - 80) : start])
        if left is not None:
            start -= len(left.group(0))
            tissue = tissue or _tissue_of(left.group(0))
        words = donor_words(text, start, end, of_other_cells=True)
        donor = words[0][2] if words else Donor.UNKNOWN
        cell = _OTHER_CELL_BY_KEY[str(m.lastgroup)].cell_type
        out.append(
            Mention(
                start,
                end,
                text[start:end],
                cell,
                tissue.uberon if tissue else None,
                donor,
                "other",
                is_negated(text, start, end),
            )
        )
    return tuple(out)


def _code_like(m: Mention) -> bool:
    return m.kind in {"abbr", "code", "named", "inn"} and " " not in m.name.strip()


def _merge_two(a: Mention, b: Mention, text: str) -> Mention:
    """One product named twice in a row: "Allo-ASC" defined as "adipose-derived MSCs"."""
    typed = a if a.specific else b if b.specific else a if a.cell_type else b
    named = b if _code_like(b) and not _code_like(a) else a
    start, end = min(a.start, b.start), max(a.end, b.end)
    # the record's own donor words win over a donor from the product table
    stated = [m for m in (a, b) if m.donor is not Donor.UNKNOWN and "donor" not in m.table_facts]
    donor_from = stated[0] if stated else a if a.donor is not Donor.UNKNOWN else b
    facts = tuple(f for f in typed.table_facts if f != "donor")
    if "donor" in donor_from.table_facts:
        facts += ("donor",)
    return Mention(
        start,
        end,
        named.name,
        typed.cell_type,
        typed.tissue,
        donor_from.donor,
        named.kind,
        a.negated and b.negated,
        facts,
        a.ncit or b.ncit,
    )


def _linked(a: Mention, b: Mention, text: str) -> bool:
    gap = text[a.end : b.start]
    if _PAREN_OPEN.fullmatch(gap) is not None or _PAREN_OPEN.search(gap) is not None:
        close = text.find(")", b.end, b.end + 30)
        close2 = text.find("）", b.end, b.end + 30)
        return (close >= 0 or close2 >= 0) and len(gap) <= 30
    return a.kind == "code" and _COLON_DEFINITION.fullmatch(gap) is not None


def merge_mentions(mentions: tuple[Mention, ...], text: str) -> list[Mention]:
    """Join a name and its definition in parentheses or after a colon into one mention."""
    out: list[Mention] = []
    for m in mentions:
        if out and _linked(out[-1], m, text):
            out[-1] = _merge_two(out[-1], m, text)
        else:
            out.append(m)
    return out


def _norm_name(name: str) -> str:
    return re.sub(r"[\s-]+", " ", name.lower()).rstrip("s ")


def extract_products(text: str, *, field: str) -> list[CellProduct]:
    """Cell products named in ``text`` (not negated ones), one per distinct name."""
    products: list[CellProduct] = []
    seen: dict[str, int] = {}
    spans: dict[int, tuple[int, int]] = {}
    for m in merge_mentions(find_mentions(text), text):
        if m.negated or m.kind == "weak":
            continue
        key = _norm_name(m.name)
        if key in seen and spans[seen[key]] == (m.start, m.end):
            key = f"{key} {m.tissue}"  # one mention of two tissues: one product per tissue
        product = CellProduct(
            name=m.name,
            cell_type=m.cell_type,
            tissue=m.tissue,
            donor=m.donor,
            evidence=text[m.start : m.end],
            evidence_field=field,
            table_facts=m.table_facts,
            ncit=m.ncit,
        )
        if key in seen:
            i = seen[key]
            old = products[i]
            products[i] = replace(
                old,
                cell_type=old.cell_type or product.cell_type,
                tissue=old.tissue or product.tissue,
                donor=old.donor if old.donor is not Donor.UNKNOWN else product.donor,
            )
            continue
        seen[key] = len(products)
        spans[len(products)] = (m.start, m.end)
        products.append(product)
    return products


# ---------------------------------------------------------------- finishing a trial's products

# Tissues of birth: their cells, given to anyone but a newborn, are another person's.
_BIRTH_TISSUES = {
    "UBERON:0002331": "umbilical cord",
    "UBERON:0003422": "Wharton's jelly",
    "UBERON:0001987": "placenta",
    "UBERON:0000305": "amnion",
    "UBERON:0012168": "umbilical cord blood",
}
# Patients at least this old cannot receive their own birth-tissue cells fresh; younger
# infants might (cord cells banked at birth), so their donor stays unknown.
_MIN_AGE_YEARS = 1.0
_FACT_WORDS = {"cell_type": "cell type", "tissue": "tissue", "donor": "donor"}


# An age the record states in words where its minimum-age field is empty: "aged 18-65 years",
# "≥ 18 years of age", "18 years or older", "adult patients" (not "adult stem cells").
_AGE_RANGE = re.compile(
    r"\bage[ds]?\s*(?:of\s*|between\s*|from\s*|:\s*)*(?P<a>\d{1,2})\s*(?:years?\s*)?(?:-|–|to|and)\s*"
    r"\d{1,3}\s*(?:years?|yrs?|y)\b",
    re.IGNORECASE,
)
_AGE_FLOOR = re.compile(
    r"(?:\bage[ds]?\s*(?:of\s*)?(?:≥|>=|>|over|above|at\s+least|more\s+than|older\s+than)"
    r"|(?:≥|>=|\bover|\babove|\bat\s+least|\bolder\s+than)\s*(?=\d{1,2}\s*(?:years?|yrs?)\s+"
    r"(?:of\s+age|old)))\s*(?P<a>\d{1,2})\s*(?:years?|yrs?|y)\b"
    r"|\b(?P<b>\d{1,2})\s*(?:years?|yrs?)\s*(?:of\s+age\s*|old\s*)?(?:or|and)\s+(?:older|above|over)\b",
    re.IGNORECASE,
)
_YOUNG = re.compile(
    r"\b(?:neonat\w*|new[\s-]?borns?|infan\w*|preterm|child\w*|p(?:a|ae)?ediatr\w*|juvenile"
    r"|adolescen\w*|teen\w*|bab(?:y|ies))",
    re.IGNORECASE,
)
_ADULTS = re.compile(
    r"\badult(?:s|\s+(?:patients?|subjects?|participants?|men|women|males?|females?|volunteers?))\b",
    re.IGNORECASE,
)


def _stated_min_age(trial: Trial) -> tuple[float, str] | None:
    """The youngest age the record's own text states for its patients (the eligibility
    criteria first, then the title, summary and description), with the words it was read
    from; None where the text states none."""
    texts = [
        trial.eligibility.criteria,
        trial.brief_title,
        trial.official_title,
        trial.brief_summary,
        trial.detailed_description,
    ]
    for text in texts:
        if not text:
            continue
        ages = [
            (float(next(g for g in m.groups() if g is not None)), m.group(0))
            for rx in (_AGE_RANGE, _AGE_FLOOR)
            for m in rx.finditer(text)
        ]
        if ages:
            return min(ages)
        adults = _ADULTS.search(text)
        if adults is not None and _YOUNG.search(text) is None:
            return 18.0, adults.group(0)
    return None


def _age(years: float) -> str:
    if years >= 1:
        return f"{years:g} years"
    return f"{round(years * 365.25):g} days"


def finish_products(
    products: list[CellProduct], trial: Trial, where: str, notes: list[str]
) -> list[CellProduct]:
    """Last step of a holder's products: report the facts taken from the product table and
    the products read from an INN stem only, and infer the donor of birth-tissue cells.

    The donor of cells from a birth tissue (umbilical cord, Wharton's jelly, placenta,
    amnion, cord blood) whose record states none is allogeneic when the record's minimum
    age of the patients is one year or more: the cells cannot be their own. Without a
    stated minimum age, or with newborns and infants eligible (whose own cord cells may have
    been kept at birth), it stays unknown.
    """
    out: list[CellProduct] = []
    min_age = trial.eligibility.min_age_years
    for given in products:
        p = given
        if p.table_facts:
            facts = ", ".join(_FACT_WORDS.get(f, f) for f in p.table_facts)
            notes.append(
                f"{where}: {facts} of {p.name!r} from the product table "
                f"({PRODUCT_TABLE_NOTE}), not from the record"
            )
        stem = _stem_of(p.name)
        if stem is not None:
            kind = "mesenchymal stromal cells" if stem.cell_type else stem.meaning
            notes.append(
                f"{where}: {p.name!r} read as a cell product from its INN stem '-{stem.stem}' "
                f"({kind}); it is not in the product table"
            )
        harvests = _harvests(p, trial) if p.cell_type == GENERIC_MSC or p.tissue else []
        if p.tissue is None and p.cell_type == GENERIC_MSC:
            harvest = _harvest_tissue(harvests)
            if harvest is not None:
                tissue, where_h, sentence = harvest
                p = replace(p, tissue=tissue.uberon, cell_type=tissue.cell_type)
                notes.append(
                    f"{where}: tissue of {p.name!r} ({tissue.uberon}) from how its cells are "
                    f"obtained ({where_h}: {sentence[:120]!r})"
                )
        own = [h for h in harvests if h[0].uberon == p.tissue]  # sentences about its tissue
        donor = _harvest_donor(own) if p.donor is Donor.UNKNOWN else None
        if donor is not None:
            p = replace(p, donor=donor[0])
            notes.append(
                f"{where}: donor of {p.name!r} ({donor[0].value}) from how its cells are "
                f"obtained ({donor[1]}: {donor[2][:120]!r})"
            )
        birth = _BIRTH_TISSUES.get(p.tissue or "")
        if p.donor is Donor.UNKNOWN and birth is not None:
            if min_age is not None and min_age >= _MIN_AGE_YEARS:
                p = replace(p, donor=Donor.ALLOGENEIC)
                notes.append(
                    f"{where}: donor of {p.name!r} inferred allogeneic: cells of a birth tissue "
                    f"({birth}) given to patients aged {_age(min_age)} or more, not newborns"
                )
            elif (
                min_age is None
                and (stated := _stated_min_age(trial)) is not None
                and (stated[0] >= _MIN_AGE_YEARS)
            ):
                p = replace(p, donor=Donor.ALLOGENEIC)
                notes.append(
                    f"{where}: donor of {p.name!r} inferred allogeneic: cells of a birth tissue "
                    f"({birth}) given to patients aged {_age(stated[0])} or more, not newborns "
                    f"(no minimum age field; the record's text says {stated[1]!r})"
                )
            else:
                why = "no minimum age stated" if min_age is None else "infants are eligible"
                notes.append(f"{where}: donor of {p.name!r} ({birth} cells) left unknown ({why})")
        out.append(p)
    return out


PRODUCT_TABLE_NOTE = "kg/extract/products.tsv"

# How a record says the cells are obtained: "60 ml of bone marrow will be aspirated",
# "harvested from the iliac crest", "lipoaspirate", "a liposuction".
_HARVEST = re.compile(
    r"\b(?:aspirat\w*|harvest\w*|collect\w*|obtain\w*|taken|drawn|withdrawn|extract\w*"
    r"|punctur\w*|biops\w*|removed|isolat\w*|liposuction|lipoaspirat\w*|lipectomy|procur\w*)",
    re.IGNORECASE,
)
# Words one of which every tissue word of TISSUES (or "iliac crest") contains: a fast filter.
_TISSUE_HINT = re.compile(
    r"marrow|BM|adipose|fat|lipo|cord|UC|wharton|WJ|placent|P[LD]?-MSC|amnio|amnion|AM-|hA-"
    r"|AD|AT-|pulp|teeth|iliac|menstru|chorio|decidu|gingiv|synov|olfact|periodont|endometri",
    re.IGNORECASE,
)
_GENERIC_HARVEST = re.compile(
    r"\b(?:can|could|may|might)\s+(?:also\s+|easily\s+|readily\s+)?be\s+(?:\w+\s+)?"
    r"(?:isolated|obtained|derived|found|harvested|extracted|expanded|sourced|collected)\b",
    re.IGNORECASE,
)
_ILIAC = re.compile(r"\biliac[\s-]+crests?\b", re.IGNORECASE)
_CULTURE = re.compile(
    r"\b(?:MSCs?|cultur\w*|expan\w*|isolat\w*|manufactur\w*|process\w*|laborator\w*"
    r"|GMP|passages?|grow\w*)\b",
    re.IGNORECASE,
)
_CELLS = re.compile(r"\bcells?\b", re.IGNORECASE)
# A sample of the tissue taken to examine the patient, not to make the product.
_DIAGNOSTIC = re.compile(
    r"\b(?:assess\w*|evaluat\w*|examin\w*|diagnos\w*|engraft\w*|chimerism|morpholog\w*"
    r"|cytogenet\w*|relapse|remission|residual\s+disease|smears?|histolog\w*|patholog\w*)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def harvest_tissues(text: str, *, autologous: bool) -> tuple[tuple[Tissue, str], ...]:
    """Tissues a text says the cells are taken from, with the sentence saying so: a tissue
    word ("bone marrow", "iliac crest", "fat", "lipoaspirate", "cord tissue") beside a word
    of harvesting, in a sentence about making the cells ("cells", "cultured", "expanded") or,
    for an autologous product, any sentence that does not examine the patient.

    >>> [(t.key, s) for t, s in harvest_tissues(
    ...     "60 ml of bone marrow will be aspirated. Then cells are expanded.", autologous=True)]
    [('bone_marrow', '60 ml of bone marrow will be aspirated.')]
    >>> harvest_tissues("Bone marrow aspiration to assess engraftment.", autologous=True)
    ()
    """
    out: list[tuple[Tissue, str]] = []
    if _HARVEST.search(text) is None:
        return ()
    for lo, hi in sentences_of(text).spans():
        sentence = text[lo:hi]
        if _HARVEST.search(sentence) is None or _TISSUE_HINT.search(sentence) is None:
            continue
        if _GENERIC_HARVEST.search(sentence):
            continue  # "MSCs can be obtained from adipose tissue by liposuction"
        making = _CULTURE.search(sentence) is not None  # making the product
        if _DIAGNOSTIC.search(sentence) and not making:
            continue  # "a bone marrow biopsy to assess blast cells"
        # a harvest "from each patient" is of the patients' own cells, as for an autologous one
        own = _FROM_THE_PATIENTS.search(sentence) is not None
        if not (making or _CELLS.search(sentence) or autologous or own):
            continue
        found = [_TISSUE_BY_KEY[str(t.lastgroup)] for t in _TISSUE_RE.finditer(sentence)]
        if _ILIAC.search(sentence):
            found.append(_TISSUE_BY_KEY["bone_marrow"])
        for tissue in found:
            if all(tissue.key != t.key for t, _ in out):
                out.append((tissue, sentence.strip()))
    return tuple(out)


def _harvests(p: CellProduct, trial: Trial) -> list[tuple[Tissue, str, str]]:
    """(tissue, field, sentence) of each tissue the trial's texts say cells are taken from."""
    texts = [("brief summary", trial.brief_summary)]
    texts.append(("detailed description", trial.detailed_description))
    texts += [(f"arm {a.label!r} description", a.description) for a in trial.arms]
    texts += [(f"intervention {iv.name!r}", iv.description) for iv in trial.interventions]
    found: list[tuple[Tissue, str, str]] = []
    for where, text in texts:
        if text:
            auto = p.donor is Donor.AUTOLOGOUS
            found += [(t, where, s) for t, s in harvest_tissues(text, autologous=auto)]
    return found


def _harvest_tissue(found: list[tuple[Tissue, str, str]]) -> tuple[Tissue, str, str] | None:
    """The one tissue of the harvest sentences, if they name one."""
    return found[0] if len({t.key for t, _, _ in found}) == 1 else None


# A harvest from the patients themselves: "bone marrow is harvested from each patient",
# "adipose tissue will be obtained from the participants by liposuction".
_FROM_THE_PATIENTS = re.compile(
    r"\b(?:harvest\w*|aspirat\w*|obtain\w*|collect\w*|taken|isolat\w*|extract\w*|biops\w*"
    r"|lipoaspirat\w*|withdrawn|drawn)\s+(?:\w+\s+){0,2}?from\s+(?:each|every|all|the|all\s+the)\s+"
    r"(?:enrolled\s+|included\s+|study\s+)?(?:patients?|participants?|subjects?|recipients?)\b"
    r"(?!\s*(?:'s|’s)?\s+(?:donors?|relatives?|siblings?|parents?))",
    re.IGNORECASE,
)


def _harvest_donor(found: list[tuple[Tissue, str, str]]) -> tuple[Donor, str, str] | None:
    """The one donor the harvest sentences state ("from a haploidentical healthy parent",
    "harvested from each patient")."""
    donors = [(d, where, s) for _, where, s in found for _, _, d in donor_words(s)]
    donors += [
        (Donor.AUTOLOGOUS, where, s) for _, where, s in found if _FROM_THE_PATIENTS.search(s)
    ]
    return donors[0] if len({d for d, _, _ in donors}) == 1 else None


def _stem_of(name: str) -> InnStem | None:
    """The INN stem of a product name that is not in the product table, if it has one."""
    m = _INN_WORD.fullmatch(name.strip())
    if m is None or _NAMED.fullmatch(name.strip()) is not None:
        return None
    return inn_stem(m.group("word"), suffix=m.group("suf") is not None)


_CELL_INTERVENTION_TYPES = frozenset({"BIOLOGICAL", "GENETIC", "OTHER"})
_CELLS_WORDS = re.compile(
    r"\bcells\b|\bstem[\s-]+cells?\b|\bcell[\s-]+(?:therap\w*|products?|transplant\w*|infusions?"
    r"|injections?|suspensions?|sheets?|grafts?)\b|\bcellular\s+(?:therap\w*|products?)",
    re.IGNORECASE,
)
_NOT_CELL_THERAPY = re.compile(
    r"\b(?:placebo|sham|vehicle|mock|saline|cell[\s-]+free|without\s+(?:the\s+)?(?:\w+\s+)?cells"
    r"|media\s+injection|no\s+(?:cells|intervention))\b",
    re.IGNORECASE,
)
# An intervention that studies cells rather than gives them.
_NOT_GIVEN_NAME = re.compile(
    r"\b(?:analys[ie]s|analy[sz]\w*|sampling|samples?|biops\w*|collection|monitoring"
    r"|blood\s+draws?|observation\w*|registry)\b",
    re.IGNORECASE,
)
_NOT_GIVEN = re.compile(
    r"\bnon[\s-]?interventional\b|\bbiobank\w*|\bwithout\s+(?:any\s+)?intervention\b",
    re.IGNORECASE,
)
_PLACEBO_ARM_TYPES = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION"})


def _norm_type(value: str | None) -> str:
    return re.sub(r"[\s-]+", "_", (value or "").strip().upper())


def _cell_reason(iv: Intervention) -> str | None:
    """Why an intervention looks like a cell therapy ("'cells' in its description"), or None."""
    parts = [("name", iv.name), *(("other name", o) for o in iv.other_names)]
    parts.append(("description", iv.description or ""))
    for where, text in parts:
        if find_named(text):
            return f"a cell-therapy brand or INN in its {where}"
        mentions = [m for m in find_mentions(text) if m.kind != "weak"]
        if mentions:
            return f"{mentions[0].name!r} in its {where}"
        words = _CELLS_WORDS.search(text)
        if words is not None:
            return f"{words.group(0)!r} in its {where}"
    return None


def _arms_of(trial: Trial, iv: Intervention) -> list[Arm]:
    labels = {a.strip().lower() for a in iv.arm_labels}
    name = iv.name.strip().lower()
    out = []
    for arm in trial.arms:
        names = {
            re.sub(r"^\s*[A-Za-z ]{2,30}:\s*", "", n).strip().lower()
            for n in arm.intervention_names
        }
        names |= {n.strip().lower() for n in arm.intervention_names}
        if arm.label.strip().lower() in labels or name in names:
            out.append(arm)
    return out


def cell_therapy_reason(iv: Intervention) -> str | None:
    """Why an intervention is a cell therapy, or None: its type is Biological, Genetic or
    Other, it is not a placebo / sham / vehicle / cell-free comparator, and its name, other
    names or description name cells, a cell product, or a cell-therapy brand or INN.

    >>> cell_therapy_reason(Intervention("XYZ-101", "BIOLOGICAL", "Autologous expanded cells"))
    "'cells' in its description"
    >>> cell_therapy_reason(Intervention("Placebo", "BIOLOGICAL", "Placebo without the MSCs"))
    """
    if _norm_type(iv.type) not in _CELL_INTERVENTION_TYPES:
        return None
    if _NOT_CELL_THERAPY.search(f"{iv.name} {' '.join(iv.other_names)}"):
        return None
    if _NOT_GIVEN_NAME.search(iv.name) or _NOT_GIVEN.search(iv.description or ""):
        return None  # "Bone marrow analyses": cells studied, not given
    text = " ".join([iv.name, *iv.other_names, iv.description or ""])
    if _NOT_CELL_THERAPY.search(text) and not find_named(text):
        return None  # "placebo without the cells": a comparator, not a cell therapy
    return _cell_reason(iv)


def yields_product(trial: Trial, iv: Intervention) -> bool:
    """Whether the arms an intervention is given in (the trial, without arms) hold a product."""
    arms = _arms_of(trial, iv) if trial.arms else []
    if trial.arms and not arms:
        return any(a.products for a in trial.arms)
    return any(a.products for a in arms) if arms else bool(trial.products)


def cell_intervention_notes(trial: Trial) -> list[str]:
    """A build note for each intervention that looks like a cell therapy
    (:func:`cell_therapy_reason`) but gave no cell product, naming it and saying why."""
    notes: list[str] = []
    for iv in trial.interventions:
        reason = cell_therapy_reason(iv)
        if reason is None or yields_product(trial, iv):
            continue
        text = " ".join([iv.name, *iv.other_names, iv.description or ""])
        arms = _arms_of(trial, iv) if trial.arms else []
        if arms and all(_norm_type(a.type) in _PLACEBO_ARM_TYPES for a in arms):
            why = "it is given only in placebo / sham / no-intervention arms"
        elif any(m.negated for m in find_mentions(text)):
            why = "its cells are named only in a negated phrase"
        else:
            why = "no cell type could be read from its name or description"
        notes.append(
            f"extract: intervention {iv.name!r} looks like a cell therapy (type {iv.type}, "
            f"{reason}) but yields no cell product: {why}"
        )
    return notes
