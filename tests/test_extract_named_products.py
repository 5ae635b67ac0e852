"""Products named by brand, code or INN; tissue from the product's own description; the donor
of birth-tissue cells; build notes for cell interventions that give no product (issue 12,
patterns 4 and 8)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Store

from kg.extract import annotate_trial, extract_products
from kg.extract.products import (
    cell_intervention_notes,
    donor_words,
    find_mentions,
    find_named,
    harvest_tissues,
    inn_stem,
)
from kg.extract.tables import GENERIC_MSC, PRODUCT_ROWS
from kg.model import Arm, CellProduct, Donor, Eligibility, Intervention, Provenance, Trial
from kg.rdf import trial_quads
from kg.validate import run_max_counts, run_shacl

BM, FAT, UC, CORD_BLOOD = "UBERON:0002371", "UBERON:0001013", "UBERON:0002331", "UBERON:0012168"
PLACENTA = "UBERON:0001987"
BM_MSC, FAT_MSC = "CL:0002540", "CL:0002570"


def _one(text: str) -> CellProduct:
    products = extract_products(text, field="arm")
    assert len(products) == 1, products
    return products[0]


# ---------------------------------------------------------------- brands and INNs


@pytest.mark.parametrize(
    "text",
    [
        "Patients receive Prochymal 2 x 10^6 cells/kg",
        "PROCHYMAL® infusion twice weekly",
        "prochymal™ (ex vivo cultured adult human MSCs)",
        "remestemcel-L (Prochymal®) 2 million cells/kg",
        "Remestemcel-L will be infused",
        "remestemcel L infusion",
        "remestemcel‐L infusion",  # a Unicode hyphen
        "Ryoncil (remestemcel-L-rknd)",
        "treatment with remestemcel",
    ],
)
def test_remestemcel_phrasings(text: str) -> None:
    p = _one(text)
    assert (p.cell_type, p.tissue, p.donor) == (BM_MSC, BM, Donor.ALLOGENEIC)
    assert p.table_facts == ("cell_type", "tissue", "donor")
    assert p.ncit == "NCIT:C67082"


@pytest.mark.parametrize(
    ("text", "name", "tissue", "donor"),
    [
        ("Alofisel 120 million cells intralesional", "Alofisel", FAT, Donor.ALLOGENEIC),
        ("darvadstrocel (Cx601) injected into the fistula", "darvadstrocel", FAT, Donor.ALLOGENEIC),
        ("CX-601 injection", "CX-601", FAT, Donor.ALLOGENEIC),
        ("Cx 601 injection", "Cx 601", FAT, Donor.ALLOGENEIC),
        ("CARTISTEM® implantation", "CARTISTEM", CORD_BLOOD, Donor.ALLOGENEIC),
        ("Stempeucel - CLI intramuscular", "Stempeucel", BM, Donor.ALLOGENEIC),
        (
            "rexlemestrocel-L by transendocardial injection",
            "rexlemestrocel-L",
            BM,
            Donor.ALLOGENEIC,
        ),
        ("Revascor 75 M cells", "Revascor", BM, Donor.ALLOGENEIC),
        ("NurOwn (MSC-NTF cells)", "NurOwn", BM, Donor.AUTOLOGOUS),
        ("NeuroNata-R inj. intrathecally", "NeuroNata-R", BM, Donor.AUTOLOGOUS),
        ("lenzumestrocel intrathecal", "lenzumestrocel", BM, Donor.AUTOLOGOUS),
        ("MultiStem® 1.2 billion cells", "MultiStem", BM, Donor.ALLOGENEIC),
        ("temcell HS Inj. for aGVHD", "temcell HS Inj", BM, Donor.ALLOGENEIC),
        ("ELIXCYTE intra-articular", "ELIXCYTE", FAT, Donor.ALLOGENEIC),
        ("Lomecel-B infusion", "Lomecel-B", BM, Donor.ALLOGENEIC),
        ("Cupistem injection into the fistula", "Cupistem", FAT, Donor.AUTOLOGOUS),
        ("Cuepistem", "Cuepistem", FAT, Donor.AUTOLOGOUS),
        ("Hearticellgram-AMI intracoronary", "Hearticellgram-AMI", BM, Donor.AUTOLOGOUS),
        ("Stemirac Injection", "Stemirac", BM, Donor.AUTOLOGOUS),
        ("PLX-PAD intramuscular injections", "PLX-PAD", PLACENTA, Donor.ALLOGENEIC),
        ("PLX PAD cells", "PLX PAD", PLACENTA, Donor.ALLOGENEIC),
    ],
)
def test_brand_and_inn_products(text: str, name: str, tissue: str, donor: Donor) -> None:
    p = _one(text)
    assert (p.name, p.tissue, p.donor) == (name, tissue, donor)
    assert "tissue" in p.table_facts and "donor" in p.table_facts


@pytest.mark.parametrize(
    ("text", "donor"),
    [
        ("off-the-shelf MSCs intravenously", Donor.ALLOGENEIC),
        ("an off the shelf mesenchymal stromal cell product", Donor.ALLOGENEIC),
        ("MSCs from HLA mismatched donors", Donor.ALLOGENEIC),
        ("MSCs from related or unrelated HLA identical donors", Donor.ALLOGENEIC),
        ("cells obtained from a haploidentical healthy parent or sibling", Donor.ALLOGENEIC),
        ("marrow cells from the original BMT donor", Donor.ALLOGENEIC),
        ("MSCs expanded from the patient's own marrow", Donor.AUTOLOGOUS),
        ("autologous bone marrow MSCs", Donor.AUTOLOGOUS),
    ],
)
def test_donor_words(text: str, donor: Donor) -> None:
    assert {d for _, _, d in donor_words(text)} == {donor}


@pytest.mark.parametrize(
    "text",
    [
        "MSCs expanded in autologous serum",
        "cells suspended in autologous plasma",
        "cultured with autologous platelet lysate",
        "mixed with autologous platelet-rich plasma (PRP)",
        "in autologous fibrin glue",
    ],
)
def test_autologous_supplements_are_not_the_donor(text: str) -> None:
    assert donor_words(text) == []


def test_off_the_shelf_product_is_allogeneic() -> None:
    assert _one("off-the-shelf MSCs intravenously").donor is Donor.ALLOGENEIC


def test_multistem_has_no_cell_type_from_the_table() -> None:
    p = _one("MultiStem infusion")
    assert p.cell_type is None and p.table_facts == ("tissue", "donor")


def test_record_donor_words_win_over_the_table() -> None:
    p = _one("autologous NurOwn cells")
    assert p.donor is Donor.AUTOLOGOUS and "donor" not in p.table_facts
    # a record that says the opposite of the table is kept as the record says
    p = _one("an autologous Prochymal preparation")
    assert p.donor is Donor.AUTOLOGOUS and "donor" not in p.table_facts
    assert "tissue" in p.table_facts


def test_brand_named_with_a_generic_phrase_is_one_product() -> None:
    products = extract_products(
        "Allogeneic mesenchymal stem cells (Prochymal) will be given", field="arm"
    )
    assert [(p.name, p.tissue) for p in products] == [("Prochymal", BM)]


def test_unsourced_rows_give_untyped_products() -> None:
    p = _one("JointStem injection into the knee")
    assert (p.name, p.cell_type, p.tissue, p.donor, p.table_facts) == (
        "JointStem",
        None,
        None,
        Donor.UNKNOWN,
        (),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Adacel vaccine",
        "Sprycel 100 mg",
        "data entered in Excel",
        "cancel the visit",
        "Avicel excipient",
        "Lungcellgram",  # a brand of its own, not "Cellgram"
    ],
)
def test_words_that_are_not_named_cell_products(text: str) -> None:
    names = [n.row.name if n.row else n.stem for n in find_named(text)]
    assert names in ([], ["Lungcellgram"]), names


@pytest.mark.parametrize(
    ("word", "cell_type"),
    [
        ("rexlemestrocel", GENERIC_MSC),
        ("invimestrocel", GENERIC_MSC),
        ("debamestrocel", GENERIC_MSC),
        ("darvadstrocel", GENERIC_MSC),
        ("remestemcel", GENERIC_MSC),
        ("autotemcel", None),  # the gene-modified haematopoietic "autotemcel" products
        ("tisagenlecleucel", None),
        ("ciltacabtagene", "none"),
    ],
)
def test_inn_stems(word: str, cell_type: str | None) -> None:
    stem = inn_stem(word)
    if cell_type == "none":
        assert stem is None
    else:
        assert stem is not None and stem.cell_type == cell_type


@pytest.mark.parametrize(
    "text",
    ["Zylomestrocel-L 1 x 10^6/kg", "zylomestrocel infusion", "ZYLOMESTROCEL-L (a new product)"],
)
def test_inn_stem_without_a_table_row_gives_a_product(text: str) -> None:
    p = _one(text)
    assert p.cell_type == GENERIC_MSC and p.tissue is None and p.table_facts == ()


@given(
    name=st.sampled_from([n for row in PRODUCT_ROWS for n in row.names]),
    mark=st.sampled_from(["", "®", "™", " ®"]),
    case=st.sampled_from(["as", "upper", "lower"]),
    before=st.sampled_from(["", "Patients receive ", "Drug: ", "treated with "]),
    after=st.sampled_from(["", " infusion", " (2 x 10^6 cells/kg)", ". Then rest."]),
)
@settings(max_examples=150, deadline=None)
def test_every_table_name_is_found_in_context(
    name: str, mark: str, case: str, before: str, after: str
) -> None:
    written = {"as": name, "upper": name.upper(), "lower": name.lower()}[case]
    text = f"{before}{written}{mark}{after}"
    found = find_named(text)
    assert found, text
    row = found[0].row
    assert row is not None and name in row.names, (text, found)


# ---------------------------------------------------------------- tissue from the product itself


@pytest.mark.parametrize(
    "text",
    [
        "allogeneic MSCs promote coronary endothelial repair through rescue of bone marrow "
        "progenitors in type 2 diabetic patients",
        "MSCs restore the function of the bone marrow niche after chemotherapy.",
        "MSCs are given to patients with bone marrow failure.",
        "Mesenchymal stromal cells for graft failure after bone marrow transplantation.",
        "MSCs will be infused to support recovery of bone marrow hematopoiesis.",
        "MSCs to improve engraftment of bone marrow hematopoietic stem cells",
        "MSCs are multipotent cells that can be isolated from bone marrow.",
        "Mesenchymal stem cells could also be obtained from the umbilical cord.",
        "MSCs restore the bone marrow microenvironment of the patients",
    ],
)
def test_bone_marrow_mentioned_for_another_reason_is_not_the_tissue(text: str) -> None:
    products = extract_products(text, field="summary")
    assert products and all(p.tissue is None for p in products), products


@pytest.mark.parametrize(
    "text",
    [
        "MSCs derived from bone marrow will be infused.",
        "mesenchymal stem cells of the bone marrow will be infused",
        "MSCs isolated from the patient's bone marrow are infused",
        "bone marrow-derived MSCs",
        "Intracoronary injection of autologous bone marrow cells (MSCs) after infarction",
        "MSCs expanded from culture of bone marrow mononuclear cells are infused",
    ],
)
def test_bone_marrow_stated_for_the_product_is_the_tissue(text: str) -> None:
    assert _one(text).tissue == BM


@pytest.mark.parametrize(
    ("text", "tissue"),
    [
        ("Allogeneic MSC(M) 2 x 10^6/kg", BM),
        ("MSCs(AT) injected into the knee", FAT),
        ("infusion of MSC (WJ)", "UBERON:0003422"),
        ("MSC(CB) intratracheally", CORD_BLOOD),
        ("hMSC(BM) intravenously", BM),
        ("hCT-MSC 2 x 10^6/kg", UC),
        ("hBMSCs intrathecally", BM),
        ("MSC (sham) group", None),
        ("MSC (n=10)", None),
    ],
)
def test_tissue_codes_of_msc_abbreviations(text: str, tissue: str | None) -> None:
    assert _one(text).tissue == tissue


@pytest.mark.parametrize(
    ("text", "auto", "key"),
    [
        ("60 ml of bone marrow will be aspirated under local anaesthesia.", True, "bone_marrow"),
        (
            "Bone marrow is harvested from the iliac crest and MSCs are expanded.",
            False,
            "bone_marrow",
        ),
        ("Cells are harvested from the posterior iliac crest.", True, "bone_marrow"),
        ("Adipose tissue will be obtained by liposuction.", True, "adipose"),
        ("A lipoaspirate of 100 ml is taken and the cells cultured for 3 weeks.", False, "adipose"),
        ("Abdominal fat tissue (50 g) is collected for cell isolation.", False, "adipose"),
        (
            "Cord tissue is collected after delivery and the cells expanded.",
            False,
            "umbilical_cord",
        ),
        ("MSCs are isolated from Wharton's jelly of donated cords.", False, "whartons_jelly"),
    ],
)
def test_harvest_sentences_give_the_tissue(text: str, auto: bool, key: str) -> None:
    assert [t.key for t, _ in harvest_tissues(text, autologous=auto)] == [key]


def test_spinal_cord_tissue_is_not_umbilical_cord() -> None:
    text = "Bone marrow is harvested and the cells are injected into the spinal cord tissue."
    assert [t.key for t, _ in harvest_tissues(text, autologous=True)] == ["bone_marrow"]
    assert [
        t.key for t, _ in harvest_tissues("Cord tissue is collected for cells.", autologous=False)
    ] == ["umbilical_cord"]


@pytest.mark.parametrize(
    ("text", "auto"),
    [
        ("A bone marrow aspirate will be examined to assess engraftment.", True),
        ("Bone marrow biopsies are collected at baseline to assess blast cells.", False),
        ("Bone marrow biopsy to evaluate remission at day 28.", True),
        ("60 ml of bone marrow will be aspirated.", False),  # neither cells nor autologous
        ("MSCs can easily be obtained from adipose tissue by liposuction.", False),
        ("Patients with bone marrow failure will be enrolled.", True),  # no harvest word
    ],
)
def test_sentences_that_are_not_harvests(text: str, auto: bool) -> None:
    assert harvest_tissues(text, autologous=auto) == ()


# ---------------------------------------------------------------- whole trials

_PROV = Provenance("t.json", "ctgov-v1", "0" * 64, "test", "NCT00000001", "0" * 64)


def _trial(
    arm_text: str,
    *,
    summary: str | None = None,
    min_age: float | None = None,
    iv_type: str = "BIOLOGICAL",
    iv_name: str = "Cells",
    iv_description: str | None = None,
) -> Trial:
    iv = Intervention(iv_name, iv_type, iv_description, (), ("A",))
    arm = Arm("A", "EXPERIMENTAL", arm_text, (f"Biological: {iv_name}",))
    return Trial(
        _PROV,
        nct_id="NCT00000001",
        brief_title="A trial",
        brief_summary=summary,
        arms=[arm],
        interventions=[iv],
        eligibility=Eligibility(min_age_years=min_age),
    )


@pytest.mark.parametrize(
    ("arm_text", "min_age", "donor"),
    [
        ("umbilical cord MSCs 1 x 10^6/kg intravenously", 18.0, Donor.ALLOGENEIC),
        ("Wharton's jelly MSCs intravenously", 2.0, Donor.ALLOGENEIC),
        ("placenta-derived mesenchymal stromal cells", 40.0, Donor.ALLOGENEIC),
        ("hUC-MSCs infusion", 1.0, Donor.ALLOGENEIC),
        ("umbilical cord MSCs intravenously", None, Donor.UNKNOWN),  # no age stated
        ("umbilical cord MSCs intravenously", 0.0767, Donor.UNKNOWN),  # infants from 28 days
        ("umbilical cord MSCs intravenously", 0.0, Donor.UNKNOWN),  # newborns
        ("autologous umbilical cord MSCs", 2.0, Donor.AUTOLOGOUS),  # stated
        ("bone marrow MSCs intravenously", 18.0, Donor.UNKNOWN),  # not a birth tissue
    ],
)
def test_birth_tissue_donor_from_the_minimum_age(
    arm_text: str, min_age: float | None, donor: Donor
) -> None:
    trial = _trial(arm_text, min_age=min_age)
    annotate_trial(trial)
    (product,) = trial.arms[0].products
    assert product.donor is donor
    inferred = [n for n in trial.notes if "inferred allogeneic" in n]
    assert bool(inferred) == (donor is Donor.ALLOGENEIC and "autologous" not in arm_text)


def test_harvest_sentence_gives_tissue_and_donor_in_a_trial() -> None:
    trial = _trial(
        "Mesenchymal stem cells intravenously",
        summary="Bone marrow (60 ml) will be aspirated from the patient's own iliac crest and "
        "the cells expanded for 3 weeks.",
    )
    annotate_trial(trial)
    (product,) = trial.arms[0].products
    assert (product.tissue, product.donor) == (BM, Donor.AUTOLOGOUS)
    assert any("from how its cells are obtained" in n for n in trial.notes)


def test_harvest_donor_is_read_only_for_the_product_tissue() -> None:
    trial = _trial(
        "umbilical cord MSCs intravenously",
        summary="Bone marrow will be aspirated from the patient's own iliac crest and the cells "
        "expanded for a comparison in vitro.",
    )
    annotate_trial(trial)
    (product,) = trial.arms[0].products
    assert (product.tissue, product.donor) == (UC, Donor.UNKNOWN)


def test_brand_only_trial_gets_a_product_with_the_table_flag_in_rdf() -> None:
    trial = _trial("Prochymal 2 x 10^6 cells/kg IV", iv_name="Prochymal")
    annotate_trial(trial)
    (product,) = trial.arms[0].products
    assert product.table_facts == ("cell_type", "tissue", "donor")
    assert any("from the product table" in n for n in trial.notes)
    _, quads = trial_quads(trial)
    facts = {q.object.value for q in quads if q.predicate.value.endswith("#factFromProductTable")}
    assert facts == {"cell_type", "tissue", "donor"}
    ncit = [q for q in quads if q.predicate.value.endswith("#ncitConcept")]
    assert [q.object.value for q in ncit] == ["http://purl.obolibrary.org/obo/NCIT_C67082"]
    store = Store()
    store.extend(quads)
    assert run_shacl(store) == [] and run_max_counts(store) == []


# ---------------------------------------------------------------- cell interventions without product


@pytest.mark.parametrize(
    ("iv_name", "iv_type", "description", "noted"),
    [
        ("XYZ-101", "BIOLOGICAL", "Autologous expanded cells given intravenously", True),
        # CAR-T cells are a T-cell product now (CL:0000084, tables.OTHER_CELLS): no note
        ("CAR-T", "GENETIC", "CAR T cells targeting CD19", False),
        ("TIL", "BIOLOGICAL", "Autologous tumour-infiltrating lymphocyte cells", True),
        ("Cell therapy", "OTHER", None, True),
        ("XYZ-101", "DRUG", "Autologous expanded cells", False),  # not a cell-therapy type
        ("Placebo", "BIOLOGICAL", "Placebo without the MSCs", False),
        ("Saline", "OTHER", "Cell-free vehicle", False),
        ("Aspirin", "DRUG", "100 mg daily", False),
        ("Exercise", "OTHER", "Walking 30 minutes a day", False),
        ("Bone marrow analyses", "OTHER", "Properties of mesenchymal stromal cells", False),
        ("Sampling", "OTHER", "A biobank of bone marrow MSCs for in vitro study", False),
        ("Cells", "BIOLOGICAL", "A non-interventional study of MSCs", False),
    ],
)
def test_cell_interventions_without_a_product_get_a_note(
    iv_name: str, iv_type: str, description: str | None, noted: bool
) -> None:
    trial = _trial("Participants receive the study treatment.", iv_type=iv_type, iv_name=iv_name,
                   iv_description=description)  # fmt: skip
    annotate_trial(trial)
    notes = [n for n in trial.notes if "looks like a cell therapy" in n]
    assert bool(notes) == noted, trial.notes
    if noted:
        assert repr(iv_name) in notes[0] and "yields no cell product" in notes[0]


def test_cell_intervention_with_a_product_gets_no_note() -> None:
    trial = _trial("UC-MSCs 1 x 10^6/kg", iv_name="UC-MSC", iv_description="umbilical cord MSCs")
    annotate_trial(trial)
    assert trial.arms[0].products
    assert cell_intervention_notes(trial) == []


def test_mentions_keep_their_order_with_named_products() -> None:
    text = "UC-MSCs and then Prochymal and then adipose-derived MSCs"
    kinds = [m.kind for m in find_mentions(text)]
    assert kinds == ["abbr", "named", "abbr"]
