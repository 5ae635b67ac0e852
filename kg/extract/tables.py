"""Data tables of the extractors: tissue sources, cell types, routes of administration.

Data in tables, logic in code. Every ontology id below was checked against the real
releases (CL v2026-03-26 and UBERON v2026-04-01 as shipped by ``cellxgene-ontology-guide``;
``cl-basic.obo``); ``tests/test_extract_tables.py`` checks each id and label row by row.

Route codes are NCI Thesaurus concepts of the FDA / CDISC route-of-administration
terminology (FDA Data Standards Manual "Route of Administration", C-DRG-00301; CDISC SDTM
controlled terminology codelist C66729 ``ROUTE``). Each code was read from both lists
unless the row says otherwise.
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

__all__ = [
    "CDISC_ROUTES_URL",
    "CL_LABELS",
    "FDA_ROUTES_URL",
    "GENERIC_MSC",
    "INN_STEMS",
    "MESENCHYMAL",
    "MESENCHYMAL_SPELLINGS",
    "MSC_PREFIX_TISSUE",
    "NCIT_CONCEPT_URL",
    "OTHER_CELLS",
    "PRODUCT_ROWS",
    "PRODUCT_TABLE_FILE",
    "ROUTE_ROWS",
    "TISSUES",
    "UBERON_LABELS",
    "InnStem",
    "OtherCell",
    "ProductRow",
    "RouteRow",
    "Tissue",
    "load_product_rows",
]

GENERIC_MSC = "CL:0000134"  # mesenchymal stem cell

# "Mesenchymal" as registries spell it (each seen in registry records; tests in
# tests/test_extract_products.py). A short list of known spellings, never fuzzy matching.
MESENCHYMAL_SPELLINGS: tuple[str, ...] = (
    "mesenchymal",
    "mesechymal",  # ReBEC: "umbilical cord mesechymal cells"
    "mesenchimal",
    "mesenchymel",
)
MESENCHYMAL = "(?:" + "|".join(MESENCHYMAL_SPELLINGS) + ")"
# Names of a cell word that follow a tissue word: "(Umbilical core-derived) MSCc".
_CELL_AFTER_TISSUE = rf"(?:derived|{MESENCHYMAL}|MSC|stem|stromal)"


class Tissue(NamedTuple):
    """A tissue source of cells: its UBERON term, the CL type of MSCs from it, its words."""

    key: str
    uberon: str
    cell_type: str | None  # CL term of a mesenchymal stem/stromal cell from this tissue
    pattern: str  # regular expression (case-insensitive) for the tissue words


# Order matters: the first pattern that matches at a position wins ("cord blood" before
# "umbilical cord", "amniotic fluid" before "amniotic").
TISSUES: tuple[Tissue, ...] = (
    Tissue(
        "cord_blood",
        "UBERON:0012168",
        GENERIC_MSC,
        rf"(?:umbilical[\s-]+)?cord[\s-]+blood|\bh?UCB(?=[\s-]*(?:derived|MSC|{MESENCHYMAL}))",
    ),
    Tissue(
        "whartons_jelly",
        "UBERON:0003422",
        "CL:0002568",
        # "umbilical cord Wharton's jelly" is Wharton's jelly (the finer tissue)
        r"(?:umbilical[\s-]+cords?[\s-]+(?:\(UC\)[\s-]+)?)?"
        rf"wharton(?:[’'`´ʼ‘]|\s?\u0301)?s?[\s-]+jelly|\bh?WJ(?=[\s-]*(?:derived|MSC|{MESENCHYMAL}|stem|stromal))",
    ),
    Tissue(
        "umbilical_cord",
        "UBERON:0002331",
        "CL:0002569",
        rf"umbilical[\s-]+cords?|umbilical(?=[\s-]+(?:derived|{MESENCHYMAL}))"
        # "Umbilical core-derived MSCc" (IRCT): "core" for "cord", only before a cell word
        rf"|umbilical[\s-]+core(?=[\s-]*{_CELL_AFTER_TISSUE})"
        r"|(?<!spinal\s)(?<!spinal-)\bcord[\s-]+(?:tissue|derived|lining)"
        rf"|\bh?UC(?=[\s-]*(?:derived|MSC|{MESENCHYMAL}))",
    ),
    Tissue("amniotic_fluid", "UBERON:0000173", GENERIC_MSC, r"amniotic[\s-]+fluid"),
    Tissue(
        "amnion",
        "UBERON:0000305",
        "CL:0002537",
        r"amnion|amniotic(?:[\s-]+membrane)?|\bh?AM(?=-MSC)|\bhA(?=-MSC)",
    ),
    # before placenta: "placental decidua (basalis)" is the decidua (the finer tissue)
    Tissue(
        "decidua",
        "UBERON:0002450",
        GENERIC_MSC,
        rf"(?:placental[\s-]+)?decidua(?:[\s-]+(?:basalis|parietalis|capsularis))?(?!\w|-like)"
        rf"|decidual(?=[\s-]+(?:{_CELL_AFTER_TISSUE}|tissue))",
    ),
    Tissue("placenta", "UBERON:0001987", GENERIC_MSC, r"placenta(?:l)?|\bP[LD]?(?=-MSC)"),
    Tissue(
        "bone_marrow",
        "UBERON:0002371",
        "CL:0002540",
        r"(?:bone[\s-]+)?marrow(?![\s-]+(?:transplant\w*|failure|suppression|aplasia|edema"
        r"|oedema|lesions?|involvement|infiltration|fibrosis|recovery|toxicity|function|disease"
        rf"|examination|cellularity))|\bBM(?=[\s-]*(?:derived|MSC|{MESENCHYMAL}|stromal))",
    ),
    Tissue(
        "adipose",
        "UBERON:0001013",
        "CL:0002570",
        r"adipose(?:[\s-]+tissues?)?|lipoaspirate|liposuction"
        r"|\bfat\b(?![\s-]+(?:mass|free|content|intake|loss|percentage|distribution|embolism))"
        r"|\bAD(?=[\s-]*(?:derived|MSC))|\bAT(?=-MSC)",
    ),
    Tissue(
        "dental_pulp",
        "UBERON:0001754",
        "CL:4030035",
        r"dental[\s-]+pulp|tooth[\s-]+pulp|exfoliated[\s-]+deciduous[\s-]+teeth",
    ),
    # Tissues of fewer products (kg/link/data/tissues.tsv grounds the same words). The adjective
    # alone ("synovial", "gingival", "menstrual") names the tissue only before a cell word or
    # after a source word (the mention and source rules of kg/extract/products.py decide that),
    # so "synovial fluid", "gingival recession", "menstrual bleeding" give nothing.
    Tissue(
        "menstrual_blood",
        "UBERON:8480042",
        GENERIC_MSC,
        # endometrial regenerative cells are the stromal cells of menstrual blood
        rf"menstrual[\s-]+(?:blood|fluid)|menstrual(?=[\s-]+(?:{_CELL_AFTER_TISSUE}))"
        r"|endometrial(?=[\s-]+regenerative)|\bMen(?=SCs?\b)",
    ),
    Tissue(
        "chorion",
        "UBERON:0003124",
        GENERIC_MSC,
        rf"chorion(?:ic)?[\s-]+membrane|chorion(?:ic)?(?=[\s-]+(?:{_CELL_AFTER_TISSUE}))"
        r"|(?<![\w-])chorion(?![\w-])",
    ),
    Tissue(
        "gingiva",
        "UBERON:0001828",
        GENERIC_MSC,
        rf"gingiva(?!\w|-like)|gingival(?=[\s-]+(?:{_CELL_AFTER_TISSUE}|tissue))|\bG(?=-?MSC)",
    ),
    Tissue(
        "synovium",
        "UBERON:0007616",
        GENERIC_MSC,
        rf"synovium|synovial[\s-]+(?:membrane|tissue)|synovial(?=[\s-]+(?:{_CELL_AFTER_TISSUE}))",
    ),
    Tissue(
        "olfactory_mucosa",
        "UBERON:0005386",
        GENERIC_MSC,
        rf"olfactory[\s-]+mucosa(?:l)?|olfactory(?=[\s-]+(?:{_CELL_AFTER_TISSUE}))",
    ),
    Tissue("periodontal_ligament", "UBERON:0008266", GENERIC_MSC, r"periodontal[\s-]+ligament"),
    Tissue(
        "endometrium",
        "UBERON:0001295",
        GENERIC_MSC,
        rf"endometrium|endometrial(?=[\s-]+(?:{_CELL_AFTER_TISSUE}|tissue|biops))",
    ),
)

# Labels as the releases spell them (checked by the tests).
UBERON_LABELS: dict[str, str] = {
    "UBERON:0012168": "umbilical cord blood",
    "UBERON:0003422": "mesenchyme of umbilical cord",
    "UBERON:0002331": "umbilical cord",
    "UBERON:0000173": "amniotic fluid",
    "UBERON:0000305": "amnion",
    "UBERON:0001987": "placenta",
    "UBERON:0002371": "bone marrow",
    "UBERON:0001013": "adipose tissue",
    "UBERON:0001754": "dental pulp",
    "UBERON:8480042": "menstrual fluid",
    "UBERON:0003124": "chorion membrane",
    "UBERON:0002450": "decidua",
    "UBERON:0001828": "gingiva",
    "UBERON:0007616": "layer of synovial tissue",
    "UBERON:0005386": "olfactory segment of nasal mucosa",
    "UBERON:0008266": "periodontal ligament",
    "UBERON:0001295": "endometrium",
}

CL_LABELS: dict[str, str] = {
    "CL:0000134": "mesenchymal stem cell",
    "CL:0002568": "mesenchymal stem cell of Wharton's jelly",
    "CL:0002569": "mesenchymal stem cell of umbilical cord",
    "CL:0002537": "amnion mesenchymal stem cell",
    "CL:0002540": "mesenchymal stem cell of the bone marrow",
    "CL:0002570": "mesenchymal stem cell of adipose tissue",
    "CL:4030035": "dental pulp stem cell",
    "CL:0000623": "natural killer cell",
    "CL:0000451": "dendritic cell",
    "CL:0000084": "T cell",
    "CL:0000037": "hematopoietic stem cell",
    "CL:0000842": "mononuclear leukocyte",  # synonym "mononuclear cell"
    "CL:0000138": "chondrocyte",
    "CL:0000312": "keratinocyte",
    "CL:0000057": "fibroblast",
}


class OtherCell(NamedTuple):
    """A cell product other than MSCs: its key, CL term and words (a case-sensitive
    regular expression; use ``(?i:...)`` for words of any case)."""

    key: str
    cell_type: str
    pattern: str


# Cell products other than MSCs, read only in an arm's or intervention's own texts (ids checked
# against the CL release by tests/test_extract_tables.py). First match at a position wins.
OTHER_CELLS: tuple[OtherCell, ...] = (
    OtherCell(
        "nk",
        "CL:0000623",
        r"(?:(?i:CAR)[\s-]*)?(?:(?i:natural[\s-]+killer)|NK)(?:[\s-]*92)?[\s-]*(?i:cells?)\b",
    ),
    OtherCell(
        "dc",
        "CL:0000451",
        r"(?i:dendritic[\s-]+cells?)(?:[\s-]+(?i:vaccines?))?|\bDC[\s-]+(?i:vaccines?)",
    ),
    OtherCell(
        "t",
        "CL:0000084",
        r"\b(?i:CAR)[\s-]*T(?:[\s-]+(?i:cells?|lymphocytes?))?\b"
        r"|(?<![\w+-])T[\s-]+(?i:cells?|lymphocytes?)\b",
    ),
    OtherCell(
        "hsc",
        "CL:0000037",
        r"(?i:ha?ematopoietic[\s-]+(?:stem|progenitor)(?:[\s-]*(?:/|and)[\s-]*progenitor)?"
        r"[\s-]+cells?|cord[\s-]+blood[\s-]+units?|peripheral[\s-]+blood[\s-]+stem[\s-]+cells?)"
        r"|\bCD34\+?[\s-]+(?i:(?:selected[\s-]+)?cells?)|\bPBSCs?\b",
    ),
    OtherCell(
        "mnc",
        "CL:0000842",
        r"(?i:(?:(?:bone[\s-]+marrow|peripheral[\s-]+blood|cord[\s-]+blood)[\s-]+)?mononuclear"
        r"[\s-]+cells?)|\b(?:BM|PB|UCB|CB)?-?MNCs?\b",
    ),
    OtherCell("chondrocyte", "CL:0000138", r"(?i:chondrocytes?)\b"),
    OtherCell("keratinocyte", "CL:0000312", r"(?i:keratinocytes?)\b"),
    OtherCell("fibroblast", "CL:0000057", r"(?i:fibroblasts?)\b"),
)

# Prefixes of MSC abbreviations ("UC-MSC", "hWJMSC"...), lower-cased, to tissue keys.
MSC_PREFIX_TISSUE: dict[str, str | None] = {
    "": None,
    "h": None,
    "hu": None,
    "allo": None,
    "auto": None,
    "uc": "umbilical_cord",
    "huc": "umbilical_cord",
    "ct": "umbilical_cord",  # cord tissue ("hCT-MSC")
    "hct": "umbilical_cord",
    "hucb": "cord_blood",
    "ucb": "cord_blood",
    "cb": "cord_blood",
    "wj": "whartons_jelly",
    "hwj": "whartons_jelly",
    "bm": "bone_marrow",
    "hbm": "bone_marrow",
    "b": "bone_marrow",
    "hb": "bone_marrow",
    "ad": "adipose",
    "had": "adipose",
    "at": "adipose",
    "hat": "adipose",
    "ha": "amnion",
    "am": "amnion",
    "ham": "amnion",
    "p": "placenta",
    "hp": "placenta",
    "pl": "placenta",
    "pd": "placenta",
    "dp": "dental_pulp",
    "hdp": "dental_pulp",
    "af": "amniotic_fluid",
    "haf": "amniotic_fluid",
    "g": "gingiva",
    "hg": "gingiva",
}


class RouteRow(NamedTuple):
    """One route of administration: key, label, NCIt code, the source term, a broader key."""

    key: str
    label: str
    ncit: str
    source_term: str  # the term of the FDA / CDISC list the code belongs to
    broader: str | None = None  # a route key this one is a kind of
    only_cdisc: bool = False  # code read from the CDISC codelist only (not in the FDA table)


FDA_ROUTES_URL = "https://www.fda.gov/drugs/data-standards-manual-monographs/route-administration"
CDISC_ROUTES_URL = "https://evs.nci.nih.gov/ftp1/CDISC/SDTM/SDTM%20Terminology.html"
NCIT_CONCEPT_URL = (
    "https://ncit.nci.nih.gov/ncitbrowser/ConceptReport.jsp?dictionary=NCI_Thesaurus&code="
)

ROUTE_ROWS: tuple[RouteRow, ...] = (
    RouteRow("intravenous", "intravenous", "NCIT:C38276", "INTRAVENOUS"),
    RouteRow("intra-articular", "intra-articular", "NCIT:C38223", "INTRA-ARTICULAR"),
    RouteRow("intrathecal", "intrathecal", "NCIT:C38267", "INTRATHECAL"),
    RouteRow("intramuscular", "intramuscular", "NCIT:C28161", "INTRAMUSCULAR"),
    RouteRow("subcutaneous", "subcutaneous", "NCIT:C38299", "SUBCUTANEOUS"),
    RouteRow("intralesional", "intralesional / local injection", "NCIT:C38250", "INTRALESIONAL"),
    RouteRow(
        "intratendinous", "intratendinous", "NCIT:C38265", "INTRATENDINOUS", broader="intralesional"
    ),
    RouteRow("endobronchial", "endobronchial (bronchoscope)", "NCIT:C38225", "INTRABRONCHIAL"),
    RouteRow("intratracheal", "intratracheal", "NCIT:C38208", "ENDOTRACHEAL"),
    RouteRow("intramedullary", "intramedullary", "NCIT:C38253", "INTRAMEDULLARY"),
    RouteRow("intraosseous", "intraosseous", "NCIT:C64987", "INTRAOSSEOUS", only_cdisc=True),
    RouteRow("intradermal", "intradermal", "NCIT:C38238", "INTRADERMAL"),
    RouteRow("intracoronary", "intracoronary", "NCIT:C38218", "INTRACORONARY"),
    RouteRow("intracardiac", "intracardiac / intramyocardial", "NCIT:C38227", "INTRACARDIAC"),
    RouteRow(
        "transendocardial",
        "transendocardial",
        "NCIT:C79145",
        "TRANSENDOCARDIAL",
        broader="intracardiac",
        only_cdisc=True,
    ),
    RouteRow("intra-arterial", "intra-arterial", "NCIT:C38222", "INTRA-ARTERIAL"),
    RouteRow("intraperitoneal", "intraperitoneal", "NCIT:C38258", "INTRAPERITONEAL"),
    RouteRow("intravitreal", "intravitreal", "NCIT:C38280", "INTRAVITREAL"),
    RouteRow("subretinal", "subretinal", "NCIT:C79143", "SUBRETINAL", only_cdisc=True),
    RouteRow("subconjunctival", "subconjunctival", "NCIT:C38298", "SUBCONJUNCTIVAL"),
    RouteRow("topical", "topical", "NCIT:C38304", "TOPICAL"),
    RouteRow("intranasal", "intranasal", "NCIT:C38284", "NASAL"),
    RouteRow("inhalation", "inhalation", "NCIT:C38216", "RESPIRATORY (INHALATION)"),
    RouteRow("intrauterine", "intrauterine", "NCIT:C38272", "INTRAUTERINE"),
    RouteRow(
        "intracavernous",
        "intracavernous (corpus cavernosum)",
        "NCIT:C38235",
        "INTRACORPORUS CAVERNOSUM",
    ),
    RouteRow("intradiscal", "intradiscal", "NCIT:C38239", "INTRADISCAL"),
    RouteRow("epidural", "epidural", "NCIT:C38210", "EPIDURAL"),
    RouteRow("intracerebral", "intracerebral", "NCIT:C38232", "INTRACEREBRAL"),
    RouteRow(
        "intracerebroventricular", "intracerebroventricular", "NCIT:C38277", "INTRAVENTRICULAR"
    ),
    RouteRow("intraspinal", "intraspinal", "NCIT:C38263", "INTRASPINAL"),
    RouteRow("intraovarian", "intraovarian", "NCIT:C38256", "INTRAOVARIAN"),
    RouteRow("intrahepatic", "intrahepatic", "NCIT:C38248", "INTRAHEPATIC", only_cdisc=True),
    RouteRow("intrapleural", "intrapleural", "NCIT:C38259", "INTRAPLEURAL"),
    RouteRow("submucosal", "submucosal", "NCIT:C38301", "SUBMUCOSAL"),
)


# ---------------------------------------------------------------- named products

PRODUCT_TABLE_FILE = "kg/extract/products.tsv"
_PRODUCT_COLUMNS = (
    "name",
    "aliases",
    "kind",
    "cell_type",
    "cell_type_source",
    "tissue",
    "tissue_source",
    "donor",
    "donor_source",
    "ncit",
    "ncit_source",
    "note",
)


class ProductRow(NamedTuple):
    """A cell product named by brand, code or INN (``products.tsv``), with what is publicly
    known of it and the public source of each fact; an unsourced fact is ``None``."""

    name: str
    aliases: tuple[str, ...]
    kind: str  # "brand", "inn" or "code"
    cell_type: str | None  # CL CURIE
    cell_type_source: str | None
    tissue: str | None  # UBERON CURIE
    tissue_source: str | None
    donor: str | None  # "autologous" or "allogeneic"
    donor_source: str | None
    ncit: str | None  # "NCIT:C67082"
    ncit_source: str | None
    note: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _cell(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def load_product_rows(text: str) -> tuple[ProductRow, ...]:
    r"""Rows of a product table; ValueError naming the line for a malformed row.

    >>> rows = load_product_rows("name\taliases\tkind\tcell_type\tcell_type_source\t"
    ...     "tissue\ttissue_source\tdonor\tdonor_source\tncit\tncit_source\tnote\n"
    ...     "X-cel\tXcel|X cel\tinn\t\t\t\t\tallogeneic\thttps://example.org\t\t\tn\n")
    >>> rows[0].aliases, rows[0].donor, rows[0].cell_type
    (('Xcel', 'X cel'), 'allogeneic', None)
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t")
    header = tuple(next(reader))
    if header != _PRODUCT_COLUMNS:
        raise ValueError(f"product table: header {header} is not {_PRODUCT_COLUMNS}")
    rows: list[ProductRow] = []
    for n, rec in enumerate(reader, start=2):
        if len(rec) != len(_PRODUCT_COLUMNS):
            raise ValueError(f"product table row {n}: {len(rec)} fields, not {len(header)}")
        values = [_cell(v) for v in rec]
        name, aliases, kind = values[0], values[1], values[2]
        if name is None or kind not in {"brand", "inn", "code"}:
            raise ValueError(f"product table row {n}: no name or bad kind {kind!r}")
        if values[7] not in {None, "autologous", "allogeneic"}:
            raise ValueError(f"product table row {n}: bad donor {values[7]!r}")
        for fact, source in ((3, 4), (5, 6), (7, 8), (9, 10)):
            if (values[fact] is None) != (values[source] is None):
                raise ValueError(f"product table row {n}: {_PRODUCT_COLUMNS[fact]} without source")
        rows.append(
            ProductRow(
                name=name,
                aliases=tuple(a.strip() for a in (aliases or "").split("|") if a.strip()),
                kind=kind,
                cell_type=values[3],
                cell_type_source=values[4],
                tissue=values[5],
                tissue_source=values[6],
                donor=values[7],
                donor_source=values[8],
                ncit=values[9],
                ncit_source=values[10],
                note=values[11] or "",
            )
        )
    return tuple(rows)


PRODUCT_ROWS: tuple[ProductRow, ...] = load_product_rows(
    resources.files("kg.extract").joinpath("products.tsv").read_text(encoding="utf-8")
)


class InnStem(NamedTuple):
    """A stem of the international non-proprietary names of cell therapies (WHO INN
    Programme: names of cell-therapy substances end in ``-cel``; the syllables before it
    say what the cells are)."""

    stem: str
    cell_type: str | None  # CL CURIE of the cells the stem names; None: type unknown
    meaning: str


# Longest first: the first stem a name ends with wins. "-temcel" (stem cells) alone is not
# read as MSCs: the "autotemcel" gene therapies (betibeglogene autotemcel, ...) are
# haematopoietic stem cells; only "-mestemcel" (mesenchymal stem cells) is.
INN_STEMS: tuple[InnStem, ...] = (
    InnStem("mestrocel", GENERIC_MSC, "mesenchymal stromal cells"),
    InnStem("mestemcel", GENERIC_MSC, "mesenchymal stem cells"),
    InnStem("strocel", GENERIC_MSC, "stromal cells"),
    InnStem("temcel", None, "stem cells of an unstated type"),
    InnStem("leucel", None, "white blood cells"),
    InnStem("cel", None, "a cell therapy of an unstated type"),
)
