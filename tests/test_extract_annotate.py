"""annotate_trial: which arm gets which cells, doses, route and number of administrations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import annotate_trial, extract_doses
from kg.model import Arm, Donor, DoseUnit, Intervention, Provenance, Trial

PROV = Provenance("test.json", "test", "0" * 64, "0", "NCT00000000", "0" * 64)


def _trial(**kw: object) -> Trial:
    return Trial(provenance=PROV, nct_id="NCT00000000", **kw)  # type: ignore[arg-type]


def _holders(t: Trial) -> list[Trial | Arm]:
    """The trial (documents without arms) and its arms: what annotate_trial fills."""
    return [t, *t.arms]


def _texts(t: Trial) -> list[str]:
    out = [
        x for x in (t.brief_title, t.official_title, t.brief_summary, t.detailed_description) if x
    ]
    for a in t.arms:
        out += [a.label, a.description or ""]
    for iv in t.interventions:
        out += [iv.name, iv.description or "", *iv.other_names]
    return out


def _evidence_ok(t: Trial) -> None:
    texts = _texts(t)
    for holder in _holders(t):
        for d in holder.doses:
            assert any(d.evidence in x for x in texts), d.evidence
        for p in holder.products:
            assert any(p.evidence in x for x in texts), p.evidence
        if holder.regimen_evidence is not None:
            assert any(holder.regimen_evidence in x for x in texts)


def test_dose_groups_get_the_product_of_the_title() -> None:
    """Seed 000: arms "Low Dose Group: 6.0×10\\^7" in a trial whose title names hMSC100."""
    t = _trial(
        official_title=(
            "A Single-center, Single-arm, 3+3 Dose-escalation Phase I Clinical Study to Evaluate "
            "hMSC100 (Human UC-MSC Injection) in Postmenopausal Women With Osteoporosis"
        ),
        brief_summary=(
            "The primary objective is to evaluate the safety of human umbilical cord-derived "
            "mesenchymal stem cells for injection (hMSC100) in postmenopausal women."
        ),
        arms=[
            Arm("Low Dose Group", "EXPERIMENTAL", "6.0×10\\^7"),
            Arm("Medium Dose Group", "EXPERIMENTAL", "1.2×10\\^8"),
            Arm("High Dose Group", "EXPERIMENTAL", "2.4×10\\^8"),
        ],
    )
    annotate_trial(t)
    for arm, value in zip(t.arms, (6e7, 1.2e8, 2.4e8), strict=True):
        assert [(p.name, p.cell_type, p.tissue) for p in arm.products] == [
            ("hMSC100", "CL:0002569", "UBERON:0002331")
        ]
        (d,) = arm.doses
        assert math.isclose(d.min_cells, value) and d.unit is DoseUnit.CELLS
        assert d.evidence_field == f"arm {arm.label!r} description"
        assert arm.route is None
    assert any("no route stated" in n for n in t.notes)
    _evidence_ok(t)


def test_comparator_and_placebo_arms_get_no_cells() -> None:
    t = _trial(
        brief_title="Allogeneic Mesenchymal Bone Marrow Cells in STEMI",
        official_title="A SINGLE INTRAVENOUS DOSE OF ALLOGENEIC MESENCHYMAL BONE MARROW CELLS",
        arms=[
            Arm(
                "Stem Cells",
                "EXPERIMENTAL",
                "ALLOGENEIC MESENCHYMAL BONE MARROW CELLS",
                ("Biological: Stem cells",),
            ),
            Arm(
                "Control",
                "PLACEBO_COMPARATOR",
                "Lactated Ringer's Solution",
                ("Biological: Stem cells",),
            ),
            Arm("Standard care", "NO_INTERVENTION"),
            Arm(
                "Teriparatide group",
                "ACTIVE_COMPARATOR",
                "subcutaneous injection of 20 µg teriparatide",
            ),
        ],
        interventions=[
            Intervention(
                "Stem cells",
                "BIOLOGICAL",
                "Allogeneic mesenchymal stem cells",
                (),
                ("Control", "Stem Cells"),
            ),
        ],
    )
    annotate_trial(t)
    cells, placebo, none, drug = t.arms
    assert [(p.cell_type, p.tissue, p.donor) for p in cells.products] == [
        ("CL:0002540", "UBERON:0002371", Donor.ALLOGENEIC)
    ]
    assert cells.route == "intravenous" and cells.administrations == 1  # from the official title
    assert cells.regimen_evidence is not None and "INTRAVENOUS" in cells.regimen_evidence
    for arm in (placebo, none, drug):
        assert arm.products == [] and arm.doses == [] and arm.route is None
    _evidence_ok(t)


def test_negated_arm_gets_no_cells() -> None:
    t = _trial(
        arms=[
            Arm(
                "Transplantation of Mesenchymal Stem Cell",
                "EXPERIMENTAL",
                "Mesenchymal stem cell will be given.",
            ),
            Arm(
                "No Transplantation of Mesenchymal Stem Cell",
                "ACTIVE_COMPARATOR",
                "Mesenchymal stem cell will be not given.",
            ),
        ],
        interventions=[
            Intervention(
                "Transplantation of mesenchymal stem cell",
                "DRUG",
                "Human umbilical cord-derived mesenchymal stem cell will be given through intravenous "
                "infusion.\n\nDose A - 1 million cells per kg Dose B - 5 million cells per kg",
                ("Intravenous infusion of mesenchymal stem cell",),
                ("Transplantation of Mesenchymal Stem Cell",),
            ),
            Intervention(
                "No transplantation of mesenchymal stem cell",
                "DRUG",
                "Human umbilical cord-derived mesenchymal stem cell will be not given.",
                (),
                ("No Transplantation of Mesenchymal Stem Cell",),
            ),
        ],
    )
    annotate_trial(t)
    given, not_given = t.arms
    assert [(d.min_cells, d.unit) for d in given.doses] == [
        (1e6, DoseUnit.CELLS_PER_KG),
        (5e6, DoseUnit.CELLS_PER_KG),
    ]
    assert [p.tissue for p in given.products] == ["UBERON:0002331"]
    assert given.products[0].donor is Donor.UNKNOWN  # never guessed
    assert given.route == "intravenous"
    assert not_given.products == [] and not_given.doses == []


def test_document_without_arms_fills_the_trial() -> None:
    t = _trial(
        brief_title="Allogeneic Mesenchymal Stem Cell for Graft-Versus-Host Disease Treatment",
        official_title="Allogeneic Mesenchymal Stem Cell Infusion for Treatment Of Steroid Resistant GVHD",
        brief_summary=(
            "It has been shown (mainly for BM-MSC) that MSC can down-regulate T cells activation. "
            "Present study aimed to demonstrate if human UC-MSC has in vivo immunosuppressive effect."
        ),
        interventions=[Intervention("MSC transplantation", "PROCEDURE", "1-2X10^6 MSC per kg")],
    )
    annotate_trial(t)
    (p,) = t.products
    assert (p.name, p.tissue, p.donor) == ("MSC", "UBERON:0002331", Donor.ALLOGENEIC)
    (d,) = t.doses
    assert (d.min_cells, d.max_cells, d.unit) == (1e6, 2e6, DoseUnit.CELLS_PER_KG)
    assert d.evidence == "1-2X10^6 MSC per kg"
    assert t.route == "intravenous"
    assert any("read as intravenous" in n for n in t.notes)  # "Infusion" with no route word
    _evidence_ok(t)


def test_summary_doses_go_to_the_one_arm_with_cells() -> None:
    summary = "Patients receive UC-MSC at Dose A - 1 million cells per kg or Dose B - 5 million cells per kg."
    arms = [Arm("MSC", "EXPERIMENTAL", "UC-MSC will be given."), Arm("Control", "NO_INTERVENTION")]
    t = _trial(brief_summary=summary, arms=arms)
    annotate_trial(t)
    assert [d.min_cells for d in t.arms[0].doses] == [1e6, 5e6]
    assert t.arms[0].doses[0].evidence_field == "brief summary"
    assert t.arms[1].doses == []
    # two arms get cells: the summary's figures are not given to either
    arms2 = [
        Arm("MSC low", "EXPERIMENTAL", "UC-MSC will be given."),
        Arm("MSC high", "EXPERIMENTAL", "UC-MSC again."),
    ]
    t2 = _trial(brief_summary=summary, arms=arms2)
    annotate_trial(t2)
    assert all(a.doses == [] for a in t2.arms)
    assert any("not attached" in n for n in t2.notes)


def test_administrations_per_arm() -> None:
    t = _trial(
        arms=[
            Arm(
                "One infusion of UCMSC",
                "EXPERIMENTAL",
                "Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous "
                "infusion of placebo at month 3. Each experimental infusion will consist of 1 million "
                "UCMSC/kg suspended in 50 ml of PlasmaLyte A.",
            ),
            Arm(
                "Two infusions of UCMSC",
                "EXPERIMENTAL",
                "Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous "
                "infusion of UCMSC at month 3. Each experimental infusion will consist of 1 million "
                "UCMSC/kg suspended in 50 ml of PlasmaLyte A.",
            ),
            Arm(
                "hA-MSCs+Climen",
                "EXPERIMENTAL",
                "Patients will receive the initial infusion of amniotic MSCs intravenously on the third "
                "day after the onset of menstruation, with a subsequent infusion administered after one "
                "month. The number of stem cells infused was calculated according to 1 million cells "
                "per kilogram of body weight.",
            ),
        ]
    )
    annotate_trial(t)
    assert [a.administrations for a in t.arms] == [1, 2, 2]
    assert [a.doses[0].administrations for a in t.arms] == [1, 2, 2]
    assert t.arms[2].doses[0].unit is DoseUnit.CELLS_PER_KG
    assert [p.tissue for p in t.arms[2].products] == ["UBERON:0000305"]
    _evidence_ok(t)


def test_tissue_and_donor_from_the_trial_texts_are_noted() -> None:
    t = _trial(
        brief_title="Treatment of Lupus Nephritis With Allogeneic Mesenchymal Stem Cells",
        brief_summary="The purpose of this study is to evaluate MSCs obtained from bone marrow.",
        arms=[
            Arm(
                "MSC",
                "EXPERIMENTAL",
                "a single Intravenous infusion of MSC 1.5 million cells per kg wt",
            )
        ],
    )
    annotate_trial(t)
    (p,) = t.arms[0].products
    assert (p.cell_type, p.tissue, p.donor) == ("CL:0002540", "UBERON:0002371", Donor.ALLOGENEIC)
    assert any("tissue of" in n and "brief summary" in n for n in t.notes)
    assert any("donor of" in n and "title" in n for n in t.notes)


def test_ipsc_derived_cells_have_no_cell_type_and_a_note() -> None:
    t = _trial(
        brief_title="iPSC-derived mesenchymal cells for knee osteoarthritis",
        arms=[
            Arm(
                "Cells",
                "EXPERIMENTAL",
                "intra-articular injection of 1x10^7 iPSC-derived mesenchymal cells",
            )
        ],
    )
    annotate_trial(t)
    (p,) = t.arms[0].products
    assert (p.name, p.cell_type, p.tissue) == ("iPSC-derived mesenchymal cells", None, None)
    assert any("no CL term for iPSC-derived cells" in n for n in t.notes)
    assert t.arms[0].route == "intra-articular"


def test_arm_without_product_in_a_trial_naming_several_gets_none() -> None:
    t = _trial(
        brief_title="Autologous adipose MSCs versus allogeneic umbilical cord MSCs",
        arms=[Arm("Low Dose Group", "EXPERIMENTAL", "1x10^6 cells/kg")],
    )
    annotate_trial(t)
    assert t.arms[0].products == [] and len(t.arms[0].doses) == 1
    assert any("names several" in n for n in t.notes)


def test_trial_without_cells_is_left_alone() -> None:
    t = _trial(
        brief_title="Pembrolizumab in NSCLC",
        brief_summary="Patients receive pembrolizumab 200 mg IV every 3 weeks for 4 cycles.",
        arms=[Arm("Pembrolizumab", "EXPERIMENTAL", "200 mg intravenously every 3 weeks")],
        interventions=[Intervention("Pembrolizumab", "DRUG", "200 mg IV", (), ("Pembrolizumab",))],
    )
    annotate_trial(t)
    arm = t.arms[0]
    assert arm.products == [] and arm.doses == [] and arm.route is None
    assert t.notes == []


TEXTS = st.text(max_size=200) | st.sampled_from(
    [
        "UC-MSC 1x10^6 cells/kg intravenously weekly for 4 weeks",
        "placebo without MSC",
        "6.0×10\\^7",
        "Allogeneic adipose-derived MSCs (Allo-ASC) 10 million cells intra-articular",
        "",
    ]
)


@given(
    TEXTS,
    TEXTS,
    st.lists(
        st.tuples(TEXTS, st.sampled_from(["EXPERIMENTAL", "PLACEBO_COMPARATOR", None]), TEXTS),
        max_size=3,
    ),
    st.lists(st.tuples(TEXTS, TEXTS), max_size=3),
)
@settings(max_examples=150, deadline=None)
def test_any_trial_is_annotated_soundly(
    title: str, summary: str, arms: list[tuple[str, str | None, str]], ivs: list[tuple[str, str]]
) -> None:
    t = _trial(
        brief_title=title or None,
        brief_summary=summary or None,
        arms=[Arm(label or "arm", kind, desc or None) for label, kind, desc in arms],
        interventions=[Intervention(name or "iv", None, desc or None) for name, desc in ivs],
    )
    annotate_trial(t)
    _evidence_ok(t)
    for holder in _holders(t):
        for d in holder.doses:
            assert 0 < d.min_cells <= d.max_cells and math.isfinite(d.max_cells)


def test_a_lower_bound_is_a_note_not_a_dose() -> None:
    """ICTRP ChiCTR style: each group's cells given as a minimum ('(>5x10^9)')."""
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in COVID-19",
        arms=[
            Arm(
                "High dose group",
                "EXPERIMENTAL",
                "mesenchymal stem cells (>5x10^9), intravenous infusion every two days, five times",
            ),
            Arm("Low dose group", "EXPERIMENTAL", "more than 1 x 10^6 UC-MSC/kg intravenously"),
            Arm("Standard group", "EXPERIMENTAL", "at least 2 million MSCs/kg intravenously"),
        ],
    )
    annotate_trial(t)
    for arm, bound in zip(
        t.arms,
        ("'>5x10^9'", "'more than 1 x 10^6 UC-MSC/kg'", "'at least 2 million MSCs/kg'"),
        strict=True,
    ):
        assert arm.products and arm.doses == []
        assert any(arm.label in n and "lower bound" in n and bound in n for n in t.notes), t.notes


@pytest.mark.parametrize(
    ("summary", "abbr", "description", "value"),
    [
        (
            "This trial tests expanded mesenchymal cells (EMC) in knee osteoarthritis.",
            "EMC",
            "Intra-articular injection of 20,000,000 EMC in 5 mL",
            2e7,
        ),
        (
            "Autologous bone marrow stromal cells (BMSTC) are injected into the knee.",
            "BMSTC",
            "One injection of 40.000.000 BMSTCs into the knee",
            4e7,
        ),
        (
            "Allogeneic umbilical cord-derived stromal cells (CDSTs) will be infused.",
            "CDST",
            "Intravenous infusion of 1,000,000 CDSTs per kg",
            1e6,
        ),
    ],
)
def test_an_abbreviation_defined_in_the_summary_is_a_cell_word_in_the_arm_texts(
    summary: str, abbr: str, description: str, value: float
) -> None:
    # the figure alone, in a text that names no cells, is no dose without the trial's name
    assert extract_doses(description, field="t") == []
    t = _trial(
        brief_title="A trial in knee osteoarthritis",
        brief_summary=summary,
        arms=[
            Arm("Treatment", "EXPERIMENTAL", "the study product", (f"Biological: {abbr}",)),
            Arm("Placebo", "PLACEBO_COMPARATOR", "Saline", ("Other: Saline",)),
        ],
        interventions=[
            Intervention(abbr, "BIOLOGICAL", description, arm_labels=("Treatment",)),
            Intervention("Saline", "OTHER", "5 mL saline", arm_labels=("Placebo",)),
        ],
    )
    annotate_trial(t)
    treated, placebo = t.arms
    (d,) = treated.doses
    assert math.isclose(d.min_cells, value) and d.evidence in description
    assert placebo.doses == [] and placebo.products == []
    _evidence_ok(t)


def test_a_product_of_two_tissues_is_two_products_with_a_note() -> None:
    t = _trial(
        brief_title="Mesenchymal Stem Cell Therapy For Covid 19",
        arms=[
            Arm(
                "Mesenchymal Stem Cells",
                "EXPERIMENTAL",
                "Mesenchymal Stem cells derived from umbilical cord and placenta, 1 x 10^6 "
                "cells/kg intravenously",
            ),
            Arm("Control", "NO_INTERVENTION", "Standard care"),
        ],
    )
    annotate_trial(t)
    treated, control = t.arms
    assert [p.tissue for p in treated.products] == ["UBERON:0002331", "UBERON:0001987"]
    (d,) = treated.doses
    assert d.min_cells == 1e6 and d.unit is DoseUnit.CELLS_PER_KG
    assert any("names 2 tissues" in n and "one product per tissue" in n for n in t.notes)
    assert control.products == []
    _evidence_ok(t)


def test_cells_other_than_mscs_are_products_of_their_arms_only() -> None:
    t = _trial(
        brief_title="Cord Blood NK Cells Combined With Cord Blood MSCs; T cell responses",
        brief_summary="MSCs modulate T cells and NK cells.",
        arms=[
            Arm("Combined", "EXPERIMENTAL", "1 x 10^9 NK cells and 1 x 10^6 MSCs/kg, infused"),
            Arm("MSC alone", "EXPERIMENTAL", "1 x 10^6 MSCs/kg intravenously"),
            Arm("DC vaccine", "EXPERIMENTAL", "", ("Biological: autologous dendritic cells",)),
            Arm("Control", "ACTIVE_COMPARATOR", "", ("Drug: ciclosporin",)),
        ],
        interventions=[
            Intervention(
                "autologous dendritic cells",
                "BIOLOGICAL",
                "2 x 10^7 autologous dendritic cells subcutaneously",
                arm_labels=("DC vaccine",),
            ),
            Intervention(
                "ciclosporin", "DRUG", "dose depends on T cell numbers", arm_labels=("Control",)
            ),
        ],
    )
    annotate_trial(t)
    combined, alone, dc, control = t.arms
    assert sorted(p.cell_type or "" for p in combined.products) == ["CL:0000134", "CL:0000623"]
    assert [p.cell_type for p in alone.products] == ["CL:0000134"]  # the summary's T/NK: none
    (dcp,) = dc.products
    assert (dcp.cell_type, dcp.donor) == ("CL:0000451", Donor.AUTOLOGOUS)
    (d,) = dc.doses
    assert d.min_cells == 2e7 and d.route == "subcutaneous"
    assert control.products == [] and control.doses == []
    _evidence_ok(t)
