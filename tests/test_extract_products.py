"""Cell products named in text: name as written, CL cell type, UBERON tissue, donor."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.extract.products
from kg.extract import extract_products
from kg.extract.products import _MENTION, _mention_matches, find_other_cells
from kg.model import Donor

UC, WJ, AMNION, PLACENTA = "UBERON:0002331", "UBERON:0003422", "UBERON:0000305", "UBERON:0001987"
BM, FAT, CORD_BLOOD = "UBERON:0002371", "UBERON:0001013", "UBERON:0012168"
MSC, UC_MSC, WJ_MSC = "CL:0000134", "CL:0002569", "CL:0002568"
AMNION_MSC, BM_MSC, FAT_MSC = "CL:0002537", "CL:0002540", "CL:0002570"

# (text, name, cell type, tissue)
PRODUCTS: list[tuple[str, str, str | None, str | None]] = [
    ("infusion of UC-MSC", "UC-MSC", UC_MSC, UC),
    ("infusion of hUC-MSCs", "hUC-MSCs", UC_MSC, UC),
    ("1 million UCMSC/kg", "UCMSC", UC_MSC, UC),
    ("huc-MSCs are effective", "huc-MSCs", UC_MSC, UC),
    (
        "Umbilical Cord-derived Mesenchymal Stromal Cells were given",
        "Umbilical Cord-derived Mesenchymal Stromal Cells",
        UC_MSC,
        UC,
    ),
    (
        "human umbilical cord mesenchymal stem cells",
        "human umbilical cord mesenchymal stem cells",
        UC_MSC,
        UC,
    ),
    (
        "mesenchymal stem cells from the umbilical cord",
        "mesenchymal stem cells from the umbilical cord",
        UC_MSC,
        UC,
    ),
    ("4 x 107 WJ-MSCs", "WJ-MSCs", WJ_MSC, WJ),
    (
        "Wharton's jelly-derived mesenchymal stem cells",
        "Wharton's jelly-derived mesenchymal stem cells",
        WJ_MSC,
        WJ,
    ),
    ("hA-MSCs therapy", "hA-MSCs", AMNION_MSC, AMNION),
    ("infusion of amniotic MSCs intravenously", "amniotic MSCs", AMNION_MSC, AMNION),
    ("Amniotic Mesenchymal Stem Cells", "Amniotic Mesenchymal Stem Cells", AMNION_MSC, AMNION),
    (
        "placenta-derived mesenchymal stromal cells",
        "placenta-derived mesenchymal stromal cells",
        MSC,
        PLACENTA,
    ),
    (
        "Allogeneic bone marrow-derived mesenchymal stromal cells",
        "Allogeneic bone marrow-derived mesenchymal stromal cells",
        BM_MSC,
        BM,
    ),
    ("BM-MSCs were expanded", "BM-MSCs", BM_MSC, BM),
    (
        "ALLOGENEIC MESENCHYMAL BONE MARROW CELLS",
        "ALLOGENEIC MESENCHYMAL BONE MARROW CELLS",
        BM_MSC,
        BM,
    ),
    ("bone marrow stromal cells", "bone marrow stromal cells", BM_MSC, BM),
    (
        "Mesenchymal Stem Cell (MSC) derived from donors adipose tissue",
        "Mesenchymal Stem Cell (MSC) derived from donors adipose tissue",
        FAT_MSC,
        FAT,
    ),
    (
        "The mesenchymal stem cells will be derived from human umbilical cord",
        "mesenchymal stem cells",
        UC_MSC,
        UC,
    ),
    (
        "stem cells drived from iliac bone marrow, then 40 X 10E6 Mesenchymal Stem Cells",
        "Mesenchymal Stem Cells",
        BM_MSC,
        BM,
    ),
    (
        "adipose-derived mesenchymal stem cells",
        "adipose-derived mesenchymal stem cells",
        FAT_MSC,
        FAT,
    ),
    ("ASCs were injected", "ASCs", FAT_MSC, FAT),
    ("AD-MSC suspension", "AD-MSC", FAT_MSC, FAT),
    ("High concentration of Allo-ASC", "Allo-ASC", FAT_MSC, FAT),
    (
        "Umbilical Cord Blood Derived Mesenchymal Stem Cells",
        "Umbilical Cord Blood Derived Mesenchymal Stem Cells",
        MSC,
        CORD_BLOOD,
    ),
    ("mesenchymal stromal cells", "mesenchymal stromal cells", MSC, None),
    ("Mesenchymal stem/stromal cells", "Mesenchymal stem/stromal cells", MSC, None),
    ("MSC transplantation", "MSC", MSC, None),
    ("iPSC-derived mesenchymal cells", "iPSC-derived mesenchymal cells", None, None),
    ("a single intra-articular injection of hiSCs", "hiSCs", None, None),
    ("Safety of hMSC100 in women", "hMSC100", None, None),
    # a code defined by a product in parentheses gets its cell type and tissue
    ("Tolerability of hMSC100 (Human UC-MSC Injection) in Women", "hMSC100", UC_MSC, UC),
    (
        "human umbilical cord-derived mesenchymal stem cells for injection (hMSC100) in women",
        "hMSC100",
        UC_MSC,
        UC,
    ),
    (
        "allogeneic adipose-derived mesenchymal stem cells (Allo-ASC) in patients",
        "Allo-ASC",
        FAT_MSC,
        FAT,
    ),
    ("TC-MSC: a cell product containing mesenchymal stromal cells", "TC-MSC", MSC, None),
    ("Dental pulp stem cells", "Dental pulp stem cells", "CL:4030035", "UBERON:0001754"),
]


@pytest.mark.parametrize(
    ("text", "name", "cell", "tissue"), PRODUCTS, ids=[p[0][:40] for p in PRODUCTS]
)
def test_product(text: str, name: str, cell: str | None, tissue: str | None) -> None:
    products = extract_products(text, field="test")
    assert [(p.name, p.cell_type, p.tissue) for p in products] == [(name, cell, tissue)]
    (p,) = products
    assert p.evidence in text and p.evidence_field == "test"


@pytest.mark.parametrize(
    ("text", "donor"),
    [
        ("Autologous transplantation of the patients own mesenchymal stem cells", Donor.AUTOLOGOUS),
        ("autologous MSCs", Donor.AUTOLOGOUS),
        ("Allogeneic UC-MSCs 20 x 10e6", Donor.ALLOGENEIC),
        ("Allogenic Mesenchymal Stem Cell", Donor.ALLOGENEIC),
        ("Allogenous mesenchymal stromal cells", Donor.ALLOGENEIC),
        ("third-party mesenchymal stromal cells", Donor.ALLOGENEIC),
        ("donor-derived mesenchymal stromal cells", Donor.ALLOGENEIC),
        ("Allo-ASC", Donor.ALLOGENEIC),
        ("mesenchymal stem cells", Donor.UNKNOWN),
        # a donor word about the transplant, not the cells
        ("patients after allogeneic stem cell transplantation receive MSC", Donor.UNKNOWN),
    ],
)
def test_donor_from_explicit_words_only(text: str, donor: Donor) -> None:
    (p,) = extract_products(text, field="t")
    assert p.donor is donor


@pytest.mark.parametrize(
    "text",
    [
        "Participants will receive a placebo infusion that does not contain any mesenchymal stem cells.",
        "Mesenchymal stem cell will be not given to preterm infants with BPD.",
        "No transplantation of mesenchymal stem cell",
        "Culture medium without MSC.",
        "MSC-derived exosomes",
        "2 x 10cc mesenchymal stem cell secretions from adipose tissue",
        "secretome MSC from Adipose",
        "With no thymus function, bone marrow stem cells do not develop into T cells",
        "Lactated Ringer's Solution",
        "in patients with systemic sclerosis (SSc) and primary sclerosing cholangitis (PSC)",
    ],
)
def test_no_product(text: str) -> None:
    assert extract_products(text, field="t") == []


def test_two_products_in_one_text() -> None:
    text = "Comparing Allogeneic Mesenchymal Cells Versus Autologous Mesenchymal Cells from bone marrow"
    got = [(p.name, p.donor) for p in extract_products(text, field="t")]
    assert got == [
        ("Allogeneic Mesenchymal Cells", Donor.ALLOGENEIC),
        ("Autologous Mesenchymal Cells from bone marrow", Donor.AUTOLOGOUS),
    ]


def test_doctests() -> None:
    assert doctest.testmod(kg.extract.products).failed == 0


@pytest.mark.parametrize("text", [p[0] for p in PRODUCTS])
def test_anchored_search_finds_what_a_full_scan_finds(text: str) -> None:
    """find_mentions tries the mention pattern only where an anchor matches (for speed)."""
    full = [m.span() for m in _MENTION.finditer(text)]
    assert [m.span() for m in _mention_matches(text)] == full


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_products_with_evidence(text: str) -> None:
    for p in extract_products(text, field="prop"):
        assert p.evidence in text and p.name
        assert p.cell_type is None or p.cell_type.startswith("CL:")
        assert p.tissue is None or p.tissue.startswith("UBERON:")


WORDS = st.sampled_from(
    [
        "MSC",
        "MSCs",
        "UC-MSC",
        "hMSC100",
        "hiSCs",
        "mesenchymal",
        "stem",
        "stromal",
        "cells",
        "cell",
        "from",
        "the",
        "umbilical",
        "cord",
        "bone",
        "marrow",
        "adipose",
        "derived",
        "-",
        "(",
        ")",
        ":",
        "allogeneic",
        "autologous",
        "not",
        "no",
        "without",
        "placebo",
        "exosomes",
        "Wharton's",
        "jelly",
        "iPSC",
        "Allo-ASC",
        "of",
        ".",
        ",",
        "placenta",
        "amniotic",
        "donor",
    ]
)


@given(st.lists(WORDS, max_size=40).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_product_like_text(text: str) -> None:
    test_any_text_gives_products_with_evidence.hypothesis.inner_test(text)  # type: ignore[attr-defined]


# ------------------------------------------------ misspellings registries write (known list)
@pytest.mark.parametrize(
    ("text", "name", "cell", "tissue"),
    [
        (
            "three doses of 500.000 cells/kg of umbilical cord mesechymal cells",
            "umbilical cord mesechymal cells",
            UC_MSC,
            UC,
        ),
        (
            "umbilical cord mesenchimal stem cells",
            "umbilical cord mesenchimal stem cells",
            UC_MSC,
            UC,
        ),
        (
            "bone marrow mesenchymel stromal cells",
            "bone marrow mesenchymel stromal cells",
            BM_MSC,
            BM,
        ),
        (
            "Mesenchimal stem cells from adipose tissue",
            "Mesenchimal stem cells from adipose tissue",
            FAT_MSC,
            FAT,
        ),
        (
            "mesechymal cells derived from the umbilical cord",
            "mesechymal cells derived from the umbilical cord",
            UC_MSC,
            UC,
        ),
        ("1 million Umbilical core-derived MSCc/BW", "Umbilical core-derived MSCc", UC_MSC, UC),
        (
            "Umbilical core-derived mesenchymal stem cells",
            "Umbilical core-derived mesenchymal stem cells",
            UC_MSC,
            UC,
        ),
        ("infusion of UC-MSCc", "UC-MSCc", UC_MSC, UC),
        ("Autologous Adipose MSC's", "Autologous Adipose MSC", FAT_MSC, FAT),
        (
            "mesenchymal stromal/stem cells (MSCs) from adipose tissue",
            "mesenchymal stromal/stem cells (MSCs) from adipose tissue",
            FAT_MSC,
            FAT,
        ),
        # a tissue named after "derived" in a garbled phrase
        (
            "Mesenchymal stem cell- derived Umbilical cord transplantation",
            "Mesenchymal stem cell",
            UC_MSC,
            UC,
        ),
        (
            "Mesenchymal stromal cells - derived bone marrow for infusion",
            "Mesenchymal stromal cells",
            BM_MSC,
            BM,
        ),
        ("mesenchymal stem cells derived placenta", "mesenchymal stem cells", MSC, PLACENTA),
    ],
)
def test_misspelled_cell_and_tissue_words(
    text: str, name: str, cell: str | None, tissue: str | None
) -> None:
    (p,) = extract_products(text, field="t")
    assert (p.name, p.cell_type, p.tissue) == (name, cell, tissue)


@pytest.mark.parametrize(
    "text",
    [
        "the apple core-derived extract",  # "core" is read as "cord" only after "umbilical"
        "the umbilical core temperature was measured",
        "mesenteric lymph nodes were resected",  # no fuzzy match on "mes..." words
        "MSC-derived exosomes",  # a product of the cells, not a tissue after "derived"
    ],
)
def test_misspelling_table_fires_on_no_other_words(text: str) -> None:
    assert [p.tissue for p in extract_products(text, field="t")] in ([], [None])
    assert not [p for p in extract_products(text, field="t") if p.tissue == UC]


# ------------------------------------------------ two tissues of one product
@pytest.mark.parametrize(
    ("text", "tissues"),
    [
        ("Mesenchymal Stem cells derived from umbilical cord and placenta", [UC, PLACENTA]),
        ("bone marrow and adipose derived MSCs", [BM, FAT]),
        ("MSCs from the bone marrow or adipose tissue", [BM, FAT]),
        ("umbilical cord and placenta-derived MSCs", [UC, PLACENTA]),
        ("umbilical cord/placenta-derived mesenchymal stem cells", [UC, PLACENTA]),
        ("mesenchymal stromal cells obtained from Wharton's jelly and bone marrow", [WJ, BM]),
    ],
)
def test_two_tissues_of_one_product_give_one_product_per_tissue(
    text: str, tissues: list[str]
) -> None:
    """CellProduct holds one tissue: a product named with two gives one product per tissue,
    same name and evidence, in text order; never the first tissue alone."""
    products = extract_products(text, field="t")
    assert [p.tissue for p in products] == tissues
    assert len({p.name for p in products}) == 1
    assert all(p.evidence in text for p in products)


@pytest.mark.parametrize(
    ("text", "tissues"),
    [
        ("MSCs isolated from umbilical cord and bone marrow progenitors were studied", [UC]),
        ("MSCs derived from umbilical cord. Placenta was also examined", [UC]),
        ("UC-MSCs and placenta", [UC]),
        ("MSCs from the umbilical cord and the umbilical cord", [UC]),
    ],
)
def test_one_tissue_stays_one_product(text: str, tissues: list[str]) -> None:
    assert [p.tissue for p in extract_products(text, field="t")] == tissues


# ------------------------------------------------ cells other than MSCs
NK, DC, T_CELL, HSC = "CL:0000623", "CL:0000451", "CL:0000084", "CL:0000037"
MNC, CHONDRO, KERATINO, FIBRO = "CL:0000842", "CL:0000138", "CL:0000312", "CL:0000057"


@pytest.mark.parametrize(
    ("text", "name", "cell", "tissue", "donor"),
    [
        ("High-dose NK cells (>5x10^9)and mesenchymal stem cells", "NK cells", NK, None, "unknown"),
        ("Natural Killer Cells infusion", "Natural Killer Cells", NK, None, "unknown"),
        ("Biological: NK Cells", "NK Cells", NK, None, "unknown"),
        ("infusion of cord blood NK cells", "cord blood NK cells", NK, CORD_BLOOD, "unknown"),
        ("CAR-NK cells targeting CD19", "CAR-NK cells", NK, None, "unknown"),
        (
            "COVID19 s-vax loaded autologous dendritic cell injection",
            "autologous dendritic cell",
            DC,
            None,
            "autologous",
        ),
        ("a DC vaccine given subcutaneously", "DC vaccine", DC, None, "unknown"),
        ("autologous CAR-T cells", "autologous CAR-T cells", T_CELL, None, "autologous"),
        ("CAR T-cell therapy", "CAR T-cell", T_CELL, None, "unknown"),
        ("virus-specific T cells from a third-party donor", "T cells", T_CELL, None, "unknown"),
        ("CD34+ selected cells", "CD34+ selected cells", HSC, None, "unknown"),
        ("one cord blood unit", "cord blood unit", HSC, CORD_BLOOD, "unknown"),
        ("co-infusion with HLA-mismatched PBSC", "PBSC", HSC, None, "unknown"),
        (
            "intracoronary infusion of autologous bone marrow mononuclear cells",
            "autologous bone marrow mononuclear cells",
            MNC,
            BM,
            "autologous",
        ),
        ("intramyocardial BM-MNC injection", "BM-MNC", MNC, BM, "unknown"),
        (
            "Autologous chondrocyte implantation",
            "Autologous chondrocyte",
            CHONDRO,
            None,
            "autologous",
        ),
        (
            "allogeneic keratinocytes sprayed on the wound",
            "allogeneic keratinocytes",
            KERATINO,
            None,
            "allogeneic",
        ),
        (
            "autologous fibroblasts injected into the gingiva",
            "autologous fibroblasts",
            FIBRO,
            None,
            "autologous",
        ),
    ],
)
def test_cells_other_than_mscs_are_products(
    text: str, name: str, cell: str, tissue: str | None, donor: str
) -> None:
    (m,) = find_other_cells(text)
    assert (m.name, m.cell_type, m.tissue, m.donor.value) == (name, cell, tissue, donor)
    assert m.cell_type != MSC


@pytest.mark.parametrize(
    "text",
    [
        "CD4+ T cell counts and NK cell activity will be measured",
        "T-cell subsets by flow cytometry",
        "the number of T cells in blood",
        "MSCs suppress T cell proliferation",
        "after hematopoietic stem cell transplantation",
        "Autologous Non-Hematopoietic Peripheral Blood Stem Cells (NHPBSC)",
        "MSCs were isolated from bone marrow mononuclear cells",
        "ex-vivo expanded MSCs from cryopreserved bone marrow mononuclear cells of the donor",
        "testing of T cell identity in the subjects",
        "UC-MSC co-cultured with T cells",
        "fibroblast growth factor",
        "PBMCs",
    ],
)
def test_other_cells_measured_or_used_as_a_source_are_no_products(text: str) -> None:
    assert find_other_cells(text) == ()


# How records name the donor besides "autologous"/"allogeneic" (engineer 7's probe of donor
# phrasings: healthy volunteers, donated birth tissue, a related donor named by kinship, the
# recipient's own cells, "autogenous").
@pytest.mark.parametrize(
    ("text", "donor"),
    [
        ("mesenchymal stem cells isolated from healthy volunteers", Donor.ALLOGENEIC),
        ("bone marrow MSCs of healthy adult volunteers", Donor.ALLOGENEIC),
        ("umbilical cord MSCs from donated umbilical cords", Donor.ALLOGENEIC),
        ("mesenchymal stromal cells from an HLA-matched sibling", Donor.ALLOGENEIC),
        ("mesenchymal stem cells from a family member", Donor.ALLOGENEIC),
        ("MSCs from universal donors", Donor.ALLOGENEIC),
        ("mesenchymal stem cells from the recipient's own bone marrow", Donor.AUTOLOGOUS),
        ("mesenchymal stem cells derived from the patients themselves", Donor.AUTOLOGOUS),
        ("autogenous mesenchymal stem cells", Donor.AUTOLOGOUS),
        ("mesenchymal stem cells from the same patient", Donor.AUTOLOGOUS),
        # healthy volunteers as the trial's subjects, not the cells' source
        ("mesenchymal stem cells in healthy volunteers", Donor.UNKNOWN),
    ],
)
def test_donor_phrasings(text: str, donor: Donor) -> None:
    (p,) = extract_products(text, field="t")
    assert p.donor is donor


@pytest.mark.parametrize("apostrophe", ["'", "’", "´", "`", " \u0301", "\u0301", ""])
def test_wharton_jelly_with_any_apostrophe(apostrophe: str) -> None:
    text = f"Mesenchymal Stem Cells from Wharton{apostrophe}s jelly"
    (p,) = extract_products(text, field="t")
    assert p.tissue == "UBERON:0003422"


def _donor_of_the_arm(summary: str) -> Donor:
    from kg.extract import annotate_trial
    from kg.model import Arm, Intervention, Provenance, Trial

    prov = Provenance("test.json", "test", "0" * 64, "0", "NCT00000000", "0" * 64)
    t = Trial(
        provenance=prov,
        nct_id="NCT00000000",
        brief_title="Bone marrow mesenchymal stem cells for Crohn's disease",
        brief_summary=summary,
        arms=[
            Arm("MSC", "EXPERIMENTAL", "MSC intravenous infusion, 2 x 10^6 cells/kg"),
            Arm("Placebo", "PLACEBO_COMPARATOR", "saline"),
        ],
        interventions=[Intervention("MSC", "BIOLOGICAL", None, (), ("MSC",))],
    )
    annotate_trial(t)
    (p,) = t.arms[0].products
    return p.donor


@pytest.mark.parametrize(
    ("summary", "donor"),
    [
        (
            "Bone marrow is harvested from each patient and MSCs are expanded for 3 weeks.",
            Donor.AUTOLOGOUS,
        ),
        (
            "Bone marrow will be aspirated from all the patients under local anaesthesia; MSCs are then cultured.",
            Donor.AUTOLOGOUS,
        ),
        (
            "60 ml of bone marrow is obtained from the participants to grow the MSCs.",
            Donor.AUTOLOGOUS,
        ),
        ("Bone marrow MSCs will be obtained from healthy donors and expanded.", Donor.ALLOGENEIC),
        (
            "Bone marrow is harvested from each patient's sibling donor and MSCs are expanded.",
            Donor.ALLOGENEIC,
        ),
        ("Blood samples will be collected from each patient at every visit.", Donor.UNKNOWN),
    ],
)
def test_donor_from_how_the_cells_are_obtained(summary: str, donor: Donor) -> None:
    assert _donor_of_the_arm(summary) is donor


DENTAL_PULP = "UBERON:0001754"


@pytest.mark.parametrize(
    ("text", "name", "tissue", "donor"),
    [
        # a maker's or donor's prefix before the tissue abbreviation (ICTRP / CT.gov names)
        ("HB-adMSCs", "HB-adMSCs", FAT, Donor.UNKNOWN),
        (
            "Hope Biosciences Autologous Mesenchymal Stem Cell Therapy (HB-adMSCs)",
            "HB-adMSCs",
            FAT,
            Donor.AUTOLOGOUS,
        ),
        ("infusion of Allo-BM-MSCs", "Allo-BM-MSCs", BM, Donor.ALLOGENEIC),
        ("Auto-AD-MSCs were injected", "Auto-AD-MSCs", FAT, Donor.AUTOLOGOUS),
        ("XY-UC-MSC 1 x 10^6/kg", "XY-UC-MSC", UC, Donor.UNKNOWN),
        # unchanged: one prefix only
        ("AD-MSCs", "AD-MSCs", FAT, Donor.UNKNOWN),
        ("hUC-MSCs", "hUC-MSCs", UC, Donor.UNKNOWN),
    ],
)
def test_a_prefix_before_the_tissue_abbreviation(
    text: str, name: str, tissue: str, donor: Donor
) -> None:
    [p] = extract_products(text, field="intervention")
    assert (p.name, p.tissue, p.donor) == (name, tissue, donor)


@pytest.mark.parametrize(
    ("text", "name", "tissue"),
    [
        ("Dental pulp mesenchymal stem cells", "Dental pulp mesenchymal stem cells", DENTAL_PULP),
        (
            "dental pulp-derived mesenchymal stromal cells",
            "dental pulp-derived mesenchymal stromal cells",
            DENTAL_PULP,
        ),
        ("tooth pulp mesenchymal stem cells", "tooth pulp mesenchymal stem cells", DENTAL_PULP),
        (
            "human amniotic membrane mesenchymal stem cells",
            "human amniotic membrane mesenchymal stem cells",
            AMNION,
        ),
    ],
)
def test_a_tissue_of_two_words_before_the_cell_words(text: str, name: str, tissue: str) -> None:
    [p] = extract_products(text, field="intervention")
    assert (p.name, p.tissue) == (name, tissue)


@pytest.mark.parametrize(
    "text",
    [
        "dental caries and mesenchymal stem cells",  # the tissue must be next to the cells
        "the pulp of the tooth; mesenchymal stem cells",
        "pulp mesenchymal stem cells",  # "pulp" alone names no tissue
    ],
)
def test_no_tissue_from_words_not_next_to_the_cells(text: str) -> None:
    assert [p.tissue for p in extract_products(text, field="intervention")] == [None]


@pytest.mark.parametrize(
    "text", ["non-MSC cells were counted", "anti-MSC antibodies", "levels of anti-MSCs"]
)
def test_non_and_anti_are_no_product(text: str) -> None:
    assert extract_products(text, field="intervention") == []
