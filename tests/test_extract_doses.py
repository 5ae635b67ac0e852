"""Dose figures as registries write them: one row per phrase, then properties of any text."""

from __future__ import annotations

import doctest
import math
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.extract.doses
import kg.extract.numbers
import kg.extract.regimen
import kg.extract.text
from kg.extract import extract_doses
from kg.extract.doses import extract_caps, extract_floors
from kg.model import DosePer, DoseUnit

C, KG = DoseUnit.CELLS, DoseUnit.CELLS_PER_KG

# (text, [(min, max, unit)], assume_cells)
PHRASES: list[tuple[str, list[tuple[float, float, DoseUnit]], bool]] = [
    ("6.0×10\\^7", [(6e7, 6e7, C)], False),  # markdown-escaped caret
    ("1.2×10^8", [(1.2e8, 1.2e8, C)], False),
    (
        "Each subject received a single dose of 6.0\\*10\\^6, 3.0\\*10\\^7,6.0\\*10\\^7, and "
        "9.0\\*10\\^7 cells / person.",
        [(6e6, 6e6, C), (3e7, 3e7, C), (6e7, 6e7, C), (9e7, 9e7, C)],
        False,
    ),
    ("intramedullary injection of 4 x 107 WJ-MSCs", [(4e7, 4e7, C)], False),  # lost superscript
    ("2 x 106 cells/kg", [(2e6, 2e6, KG)], False),
    ("1x108 cells", [(1e8, 1e8, C)], False),
    (
        "The number of stem cells infused was calculated according to 1 million cells per "
        "kilogram of body weight.",
        [(1e6, 1e6, KG)],
        False,
    ),
    ("1-2x10^6 cells/kg", [(1e6, 2e6, KG)], False),
    ("1-2X10^6 MSC per kg", [(1e6, 2e6, KG)], False),
    ("Allogeneic UC-MSCs 20 x 10e6 diluted on 3 mL of saline", [(2e7, 2e7, C)], False),
    ("MSC 2X10E6/kg recipient weight", [(2e6, 2e6, KG)], False),
    ("approximately 40 X 10E6 Mesenchymal Stem Cells (MSC)", [(4e7, 4e7, C)], False),
    ("10 million cells/kg", [(1e7, 1e7, KG)], False),
    ("injected intravenously at a dose of 1-2 million/kg", [(1e6, 2e6, KG)], False),
    ("100 x 10^6 cells", [(1e8, 1e8, C)], False),
    ("2x10 elevated to sixth power", [(2e6, 2e6, C)], False),
    ("Dosage 0,7 x 10e6 MSC/Kg/dose", [(7e5, 7e5, KG)], False),  # decimal comma
    ("Day 1: 0.7-1 x 106 MSC / kg", [(7e5, 1e6, KG)], False),
    (
        "injected intravenously with 1.5x10E6/kg and 2.0x10E6/kg",
        [(1.5e6, 1.5e6, KG), (2e6, 2e6, KG)],
        False,
    ),
    ("Intramuscular injection of 50 million allogeneic MSCs in 0.9% NaCl", [(5e7, 5e7, C)], False),
    ("Allo-ASC 0.5cc (Total: 10 million cells)", [(1e7, 1e7, C)], False),
    ("single dose, 10^6 cells/kg body weight", [(1e6, 1e6, KG)], False),
    ("approximately 2 x 106 cells/kg body weight", [(2e6, 2e6, KG)], False),
    ("1x10^6 - 2x10^6 cells/kg", [(1e6, 2e6, KG)], False),
    ("1.5 × 10⁶ cells/kg", [(1.5e6, 1.5e6, KG)], False),
    ("intra spinal injection of 1 ×10(8) mesenchymal stem cells", [(1e8, 1e8, C)], False),
    ("MSC 2×1,000,000 MSC/kg, IV", [(2e6, 2e6, KG)], False),
    ("1,000,000 cells/50 µL", [(1e6, 1e6, C)], False),
    ("2·0×106 cells/kg i.v.", [(2e6, 2e6, KG)], False),
    (
        "Dose A - 1 million cells per kg Dose B - 5 million cells per kg",
        [(1e6, 1e6, KG), (5e6, 5e6, KG)],
        False,
    ),
    ("Intra-articular injection 40 million/4 ml.", [(4e7, 4e7, C)], True),
    ("1.5 million (aMBMC) per kg", [(1.5e6, 1.5e6, KG)], False),
    ("Doses of MSCs will be 1-2x10^6 million MSCs per/kg body weight", [(1e6, 2e6, KG)], False),
    ("receive 25 M allogeneic MPCs by transendocardial injection", [(2.5e7, 2.5e7, C)], False),
    # a figure with no cell word, in the text of an arm known to give cells
    ("6.0×10\\^7", [(6e7, 6e7, C)], True),
    ("as much as 2 x 50 million followed by", [(5e7, 5e7, C)], True),
]

NOT_DOSES = [
    "subcutaneous injection of 20 µg teriparatide once daily for 6 months",
    "The first 11 tablets contain 2 milligrams of estradiol valerate each.",
    "Each placebo infusion will consist of 50 ml of PlasmaLyte A.",
    "aged 18 to 65 years, followed for 12 months, 24 hours after the infusion",
    "10% human serum albumin and 5 mM glucose",
    "A dose escalation using the 3+3 design",
    "hemoglobin less than 10 g/dL",
    "NCT05018637 registered in 2019; protocol 2019-11-010",
    "approximately 80 million American adults have one or more types of CVD",
    "In China, there are about 10 million psoriasis patients.",
    "cell concentration 5 x 10^6 cells/mL",
    "platelet count > 100 x 10^9/L",
    "pentostatin at a dose of 1 mg/m2",
    "HBV DNA below 10^4 copies/mL",
    "1.5 mL/kg Lactated Ringer's Solution",
    "Hyaluronic Acid 60mg/3ml administered intra-articularly.",
    "2 million cells/cm of tract",
]


@pytest.mark.parametrize(("text", "want", "assume"), PHRASES, ids=[p[0][:40] for p in PHRASES])
def test_phrase(text: str, want: list[tuple[float, float, DoseUnit]], assume: bool) -> None:
    doses = extract_doses(text, field="test", assume_cells=assume)
    got = [(d.min_cells, d.max_cells, d.unit) for d in doses]
    assert len(got) == len(want), got
    for (lo, hi, unit), (wlo, whi, wunit) in zip(got, want, strict=True):
        assert math.isclose(lo, wlo) and math.isclose(hi, whi) and unit is wunit, got
    for d in doses:
        assert d.evidence in text


@pytest.mark.parametrize("text", NOT_DOSES)
def test_not_a_dose(text: str) -> None:
    assert extract_doses(text, field="test") == []
    assert extract_doses(text, field="test", assume_cells=True) == []


def test_bare_figure_needs_a_cell_context() -> None:
    """A bare "50 million" is a cell dose only in an arm known to give cells."""
    assert extract_doses("a total of 50 million", field="t") == []
    assert len(extract_doses("a total of 50 million", field="t", assume_cells=True)) == 1


def test_qualifiers_and_evidence() -> None:
    (d,) = extract_doses("as much as 2 x 50 million cells", field="t")
    assert d.qualifier == "as much as" and d.min_cells == d.max_cells == 5e7
    (d,) = extract_doses("(approximately 2 x 106 cells/kg body weight)", field="t")
    assert d.qualifier == "approximately"
    assert d.evidence == "approximately 2 x 106 cells/kg body weight"
    (d,) = extract_doses("1-2X10^6 MSC per kg", field="intervention 'MSC' description")
    assert d.evidence == "1-2X10^6 MSC per kg"
    assert d.evidence_field == "intervention 'MSC' description"


def test_per_course_and_administration() -> None:
    # a total stated next to a per-administration figure is not a dose of its own
    text = "Dosage 0,7 x 10e6 MSC/Kg/dose (cumulative minimum dose: 2,8 x 10e6 CSM/Kg."
    (first,) = extract_doses(text, field="t")
    assert first.per is DosePer.ADMINISTRATION and math.isclose(first.min_cells, 7e5)
    # a minimum is no dose (its upper end is unknown): a lower bound, kept apart
    assert extract_doses("a cumulative minimum dose of 2,8 x 10e6 CSM/Kg", field="t") == []
    (floor,) = extract_floors("a cumulative minimum dose of 2,8 x 10e6 CSM/Kg", field="t")
    assert math.isclose(floor.min_cells, 2.8e6) and floor.unit is DoseUnit.CELLS_PER_KG
    text = (
        "the administration of 1x106 /kg UC-MSC per dose per three doses for the first three "
        "patients (total up to 3x106/kg)."
    )
    (per_dose,) = extract_doses(text, field="t")  # "total up to" is a cap, not a dose
    assert per_dose.per is DosePer.ADMINISTRATION and per_dose.administrations == 3
    (cap,) = extract_caps(text, field="t")
    assert cap.max_cells == 3e6 and cap.unit is KG and cap.evidence == "up to 3x106/kg"
    # "total" where the number of administrations is unclear
    (d,) = extract_doses("a total of 2 x 10^8 cells in a single infusion or 2 infusions", field="t")
    assert d.per is DosePer.UNKNOWN
    # "Total" of a single injection is the dose given
    (d,) = extract_doses(
        "Allo-ASC 0.5cc (Total: 10 million cells) by intra-tendon injection", field="t"
    )
    assert d.per is DosePer.ADMINISTRATION


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("with a dose of 2 x 50 million cells given with a distance of 1 month", 2),
        ("3 patients → 3 infusions of 1x106 cells /kg", 3),
        ("1 x 106 cells/kg administered intravenously (IV) weekly for 4 consecutive weeks", 4),
        (
            "MSC 2X10E6/kg recipient weight are infused over 15 minutes intravenously weekly for 4 weeks",
            4,
        ),
        (
            "injected intravenously with 1.5x10E6/kg at baseline and every 2 weeks, 4 times is a course",
            4,
        ),
        (
            "Each subject received a single dose of 6.0*10^6, 3.0*10^7 and 9.0*10^7 cells / person.",
            1,
        ),
        ("single dose, 10^6 cells/kg body weight", 1),
        (
            "to be injected intravenously at a dose of 1-2 million/kg at a frequency of once a month "
            "for 6-9 months",
            None,
        ),
        (
            "Intramuscular injection of 50 million allogeneic MSCs; 8 intramuscular injections at "
            "designated sites",
            None,
        ),
        # "three doses" that are three dose levels of a list is no number of administrations
        ("The three doses are 1 x 10^6, 3 x 10^6, and 5 x 10^6 hMSCs/kg.", None),
    ],
)
def test_administrations(text: str, count: int | None) -> None:
    doses = extract_doses(text, field="t")
    assert doses
    assert {d.administrations for d in doses} == {count}


def test_route_of_a_dose_is_that_of_its_clause() -> None:
    text = (
        "intrathecal implantation of allogeneic mesenchymal stem cells from the umbilical cord as "
        "much as 2 x 50 million followed by 2 x 10cc secretions intravenously"
    )
    d, secretome = extract_doses(text, field="t", assume_cells=True)
    assert d.route == "intrathecal" and d.administrations == 2
    # a volume of a cell-derived product keeps its unit (other:mL), never counted as cells
    assert secretome.unit is DoseUnit.ML and secretome.min_cells == secretome.max_cells == 10
    assert secretome.route == "intravenous" and secretome.administrations == 2


def test_doctests() -> None:
    for module in (kg.extract.doses, kg.extract.numbers, kg.extract.regimen, kg.extract.text):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


# ---------------------------------------------------------------- properties

WORDS = [
    "1",
    "2",
    "0,7",
    "1.5",
    "10",
    "106",
    "107",
    "10^6",
    "10\\^7",
    "10e6",
    "10E6",
    "x",
    "X",
    "×",
    "*",
    "\\*",
    "-",
    "to",
    "million",
    "millions",
    "billion",
    "M",
    "cells",
    "cell",
    "MSC",
    "MSCs",
    "UC-MSC",
    "/",
    "kg",
    "per",
    "kilogram",
    "of",
    "body",
    "weight",
    "/kg",
    "(",
    ")",
    ",",
    ".",
    ";",
    "and",
    "approximately",
    "up",
    "total",
    "cumulative",
    "dose",
    "doses",
    "infusions",
    "single",
    "twice",
    "weekly",
    "for",
    "4",
    "weeks",
    "times",
    "mg",
    "ml",
    "µg",
    "%",
    "Day",
    "elevated",
    "sixth",
    "power",
    "⁶",
    "1,000,000",
    "2019",
    "NCT01234567",
    " ",
]
DOSE_WORDS = st.sampled_from(WORDS)
dose_texts = st.lists(DOSE_WORDS, max_size=60).map(" ".join) | st.lists(
    DOSE_WORDS, max_size=60
).map("".join)


def _check(text: str, assume: bool) -> None:
    doses = extract_doses(text, field="prop", assume_cells=assume)
    assert isinstance(doses, list)
    for d in doses:
        assert d.evidence and d.evidence in text
        assert math.isfinite(d.min_cells) and math.isfinite(d.max_cells)
        assert 0 < d.min_cells <= d.max_cells
        assert d.administrations is None or d.administrations > 0
        assert d.evidence_field == "prop"


@given(st.text(max_size=400), st.booleans())
@settings(max_examples=300, deadline=None)
def test_any_text_gives_a_list(text: str, assume: bool) -> None:
    _check(text, assume)


@given(dose_texts, st.booleans())
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_dose_like_text_gives_sound_doses(text: str, assume: bool) -> None:
    _check(text, assume)


@given(st.integers(min_value=0, max_value=2**32))
@settings(max_examples=5, deadline=None)
def test_long_text_stays_fast(seed: int) -> None:
    """20,000 words of dose-like noise are read in well under a few seconds."""
    text = " ".join(random.Random(seed).choices(WORDS, k=20_000))
    start = time.perf_counter()
    _check(text, True)
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize(
    "text",
    [
        "1," * 5000,
        "1." * 5000,
        "10^" * 3000,
        "1 x " * 3000,
        "1-" * 5000 + "x10^6",
        "not " * 3000 + "MSC",
        "cord-derived " * 600 + "MSC",
        "intra " * 3000,
        "a-b-" * 3000 + "3 infusions",
        "Day 1, " * 2000,
        "(" * 5000 + "2 x 10^6 cells/kg",
    ],
    ids=lambda t: repr(t[:12]),
)
def test_adversarial_text_stays_fast(text: str) -> None:
    from kg.extract import annotate_trial, extract_products, find_route
    from kg.model import Arm, Provenance, Trial

    start = time.perf_counter()
    _check(text, True)
    extract_products(text, field="t")
    find_route(text)
    prov = Provenance("t", "test", "0", "0", "t", "0")
    annotate_trial(
        Trial(provenance=prov, brief_summary=text, arms=[Arm("a", "EXPERIMENTAL", text)])
    )
    assert time.perf_counter() - start < 5.0


# ---------------------------------------------------------------- issue 12: the language of records

J, EYE, LES = DoseUnit.CELLS_PER_JOINT, DoseUnit.CELLS_PER_EYE, DoseUnit.CELLS_PER_LESION
CM2, LIMB, VF = DoseUnit.CELLS_PER_CM2, DoseUnit.CELLS_PER_LIMB, DoseUnit.CELLS_PER_VOCAL_FOLD

RECORD_PHRASES: list[tuple[str, list[tuple[float, float, DoseUnit]]]] = [
    # words between the number and the unit
    (
        "Two serial doses of 1.5 million adipose-tissue derived mesenchymal stem cells per kg",
        [(1.5e6, 1.5e6, KG)],
    ),
    ("2 x 10^6 bone marrow-derived, culture expanded MSCs/kg", [(2e6, 2e6, KG)]),
    ("1 x 10^8 allogeneic umbilical cord Wharton's jelly derived stromal cells", [(1e8, 1e8, C)]),
    ("5 million autologous ex vivo expanded adipose derived regenerative cells", [(5e6, 5e6, C)]),
    ("3 x 10^7 human placenta-derived decidual stromal cells", [(3e7, 3e7, C)]),
    ("2 x 10^6 Stempeucel/kg", [(2e6, 2e6, KG)]),
    ("2 x 10^6 remestemcel-L/kg body weight", [(2e6, 2e6, KG)]),
    ("an infusion of 2 x 10^6 Prochymal per kg", [(2e6, 2e6, KG)]),
    ("1 x 10^6 CYP-001/kg", [(1e6, 1e6, KG)]),
    ("250 x 10^6 EMC will be implanted", [(2.5e8, 2.5e8, C)]),
    (
        "expanded mesenchymal cells (EMC) are given: 25 M EMC in 10 mL of saline",
        [(2.5e7, 2.5e7, C)],
    ),
    # exponent forms
    ("Intravenous infusion of ex vivo cultured umbilical cord MSC (2*10/7)", [(2e7, 2e7, C)]),
    ("1x10/6 cells/kg", [(1e6, 1e6, KG)]),
    ("1x10x6 MSC/kg", [(1e6, 1e6, KG)]),
    ("2 x 10 6 cells/kg", [(2e6, 2e6, KG)]),
    ("1xE7 cells are injected", [(1e7, 1e7, C)]),
    ("up to... no: a single infusion of 5 x 10EE6 allogeneic hMSCs/kg", [(5e6, 5e6, KG)]),
    ("1 x 1000000 cells/kg", [(1e6, 1e6, KG)]),
    ("2-4 x 1000000/kg", [(2e6, 4e6, KG)]),
    ("5 Mio cells/kg", [(5e6, 5e6, KG)]),
    ("1 billion cells", [(1e9, 1e9, C)]),
    ("one million cells per kg", [(1e6, 1e6, KG)]),
    ("500.000 cells/kg", [(5e5, 5e5, KG)]),
    ("1.000.000(one million) cells/kg, IV", [(1e6, 1e6, KG)]),
    ("1,5 10^6 MSC/kg", [(1.5e6, 1.5e6, KG)]),
    ("20 million (2 x 10^7) allogeneic MSC's in 10 injections", [(2e7, 2e7, C)]),
    ("a million cells per kg", [(1e6, 1e6, KG)]),
    ("a total of 1 000 000 cells", [(1e6, 1e6, C)]),
    ("1 × 10^6 cells·kg−1", [(1e6, 1e6, KG)]),
    ("2 x 10^6 MSC kg-1", [(2e6, 2e6, KG)]),
    ("escalating doses from 1 x 10^6 up to 1 x 10^8 cells", [(1e6, 1e8, C)]),
    # a range after a cap word is a cap (docs/dose-labelling.md), never the dose
    ("Intravenous administration of up to 1~2x10^6 MSCs per kg, for 2 times", []),
    ("1 × 10^6 cells/kg (minimum 0.5 × 10^6; maximum 2 × 10^6)", [(1e6, 1e6, KG)]),
    ("a target dose of 2x10^6 cells/kg (range 1.5-2.5 x10^6)", [(2e6, 2e6, KG)]),
    ("at least 1 x 10^6 cells/kg will be given", []),  # a lower bound, not a dose
    ("patients receive 1 million Umbilical cord-derived MSCc/BW by IV injection", [(1e6, 1e6, KG)]),
    ("2 x 10^6 MSC/BW", [(2e6, 2e6, KG)]),
    ("1 x 10^6 cells per body weight", [(1e6, 1e6, KG)]),
    (
        "given over 20-40 min. 100 million cells to subjects < 50 kg and 200 million cells to "
        "subjects 50-100 kg",
        [(1e8, 1e8, C), (2e8, 2e8, C)],
    ),
    (
        "with a concentration of 2 X 10^6 mesenchymal cells per kilogram of patient weight",
        [(2e6, 2e6, KG)],
    ),
    # lists and ranges
    (
        "IV infusion of Allogeneic Mesenchymal Bone Marrow Cells (0.5, 1.0, or 1.5 million "
        "cells/kg, up to 150 million cells)",
        [(5e5, 5e5, KG), (1e6, 1e6, KG), (1.5e6, 1.5e6, KG)],
    ),
    ("1.5 and 2.0 x 10^6 MSCs/kg", [(1.5e6, 1.5e6, KG), (2e6, 2e6, KG)]),
    ("1, 3 or 10 million cells/kg", [(1e6, 1e6, KG), (3e6, 3e6, KG), (1e7, 1e7, KG)]),
    ("between 1 and 2 million cells/kg", [(1e6, 2e6, KG)]),
    ("2-8x10^8 cell/kg mesenchymal stem cells will be infused", [(2e8, 8e8, KG)]),  # as stated
    ("a total of 1500 cells", [(1500, 1500, C)]),  # as stated, flagged by QC
    ("10^2 cells per injection", [(100, 100, C)]),  # as stated, flagged by QC
    ("2 x 10^14 MSCs", [(2e14, 2e14, C)]),  # as stated, flagged by QC
    # other bases
    ("5 x 10^6 cells/cm2 of wound", [(5e6, 5e6, CM2)]),
    ("1 x 10^6 cells per cm² of ulcer area", [(1e6, 1e6, CM2)]),
    ("2 x 10^5 cells/cm 2", [(2e5, 2e5, CM2)]),
    ("4 million cells per square centimeter", [(4e6, 4e6, CM2)]),
    ("1 million cells per eye", [(1e6, 1e6, EYE)]),
    ("1.5 x 10^6 MSCs into each eye", [(1.5e6, 1.5e6, EYE)]),
    ("10 million cells per knee", [(1e7, 1e7, J)]),
    ("25 million cells into each affected knee", [(2.5e7, 2.5e7, J)]),
    ("4 x 10^7 MSC/joint", [(4e7, 4e7, J)]),
    ("10^6 cells per lesion", [(1e6, 1e6, LES)]),
    ("5*10/7 per ischemic limb", [(5e7, 5e7, LIMB)]),
    ("1 million cells per vocal fold", [(1e6, 1e6, VF)]),
    ("5 mL of MSC-conditioned medium", [(5, 5, DoseUnit.ML)]),
    ("2 x 10cc mesenchymal stem cell secretions", [(10, 10, DoseUnit.ML)]),
    ("3 ml of umbilical cord MSC lysate", [(3, 3, DoseUnit.ML)]),
]

NOT_DOSES_RECORDS = [
    # caps
    "not to exceed 150 million cells",
    "up to 2 x 10^8 cells",
    "One time IV Infusion of up to 5 x 10^6 allogeneic hMSCs/kg of body weight",
    "to a maximum of 1 x 10^8 MSCs",
    "Participants receive a maximum dose of 3 x 10^6 cell/Kg by vein one time on Day 1.",
    "no more than 200 million cells",
    "a maximal dose of 100 x 10^6 cells",
    "at most 10^9 cells",
    # rates, concentrations, content, yields
    "infused at a rate of 2 x 10^6 cells/min",
    "5 x 10^6 cells per minute",
    "1 x 10^6 cells/kg/min",
    "at a concentration of 5 x 10^6 cells",
    "suspended at 10 million cells/mL",
    "ALLO-ASC 1xE7 cells/ml",
    "each vial contains 5 x 10^7 cells",
    "2.5 × 107 cells/1 mL/vial",
    "cryopreserved bags of 100 million cells",
    "10 million cells per vial",
    "seeded at a density of 5,000 cells",
    "MSCs will be expanded to 10^9 cells before cryopreservation",
    "cultured until reaching 2 x 10^8 cells",
    "RNA extracted from 1 x 10^6 cells",
    "white blood cells > 3 x 10^9/L and platelets > 100 x 10^9/L",
    "CD4 count above 200 cells/mm3",
    "with viability > 70% and 10^6 CFU",
    # conditional
    "Subsequent doses may be reduced to 1 x 10^7 or increased to 1 x 10^8",
    # counts of something else
    "10 million American adults and 2 million new cases",
    "5 x 10^9 TU/kg lentiviral vector",
    "2 x 10^11 vg/kg",
    "10 mL of saline",
    "10 mL of platelet lysate",
    "5 ml of hyaluronic acid",
]


@pytest.mark.parametrize(("text", "want"), RECORD_PHRASES, ids=[p[0][:40] for p in RECORD_PHRASES])
def test_record_phrase(text: str, want: list[tuple[float, float, DoseUnit]]) -> None:
    doses = extract_doses(text, field="test")
    got = [(d.min_cells, d.max_cells, d.unit) for d in doses]
    assert len(got) == len(want), got
    for (lo, hi, unit), (wlo, whi, wunit) in zip(got, want, strict=True):
        assert math.isclose(lo, wlo) and math.isclose(hi, whi) and unit is wunit, got
    for d in doses:
        assert d.evidence in text


@pytest.mark.parametrize("text", NOT_DOSES_RECORDS)
def test_not_a_dose_in_records(text: str) -> None:
    assert extract_doses(text, field="test") == []
    assert extract_doses(text, field="test", assume_cells=True) == []


def test_list_member_evidence_holds_its_scale() -> None:
    first, second, third = extract_doses("doses of 0.5, 1.0, or 1.5 million cells/kg", field="t")
    assert first.evidence == "0.5, 1.0, or 1.5 million cells/kg"
    assert second.evidence == "1.0, or 1.5 million cells/kg"
    assert third.evidence == "1.5 million cells/kg"


def test_cell_names_from_elsewhere_in_the_record() -> None:
    (d,) = extract_doses("Patients receive 2 x 10^7 ABC-7 in a single infusion", field="t")
    assert d.min_cells == 2e7 and d.unit is C  # an abbreviation right after a power of ten
    assert extract_doses("25 M XYZ-9 given once", field="t") == []  # "25 M" needs a cell word
    (d,) = extract_doses("25 M XYZ-9 given once", field="t", cell_names={"xyz-9"})
    assert d.min_cells == 2.5e7 and d.unit is C
    (d,) = extract_doses("25 M ORBCEL given once", field="t")  # an INN/brand stem (-cel)
    assert d.min_cells == 2.5e7


@pytest.mark.parametrize(
    ("text", "cap", "unit"),
    [
        ("1.5 million cells per kg, not to exceed 150 million cells", 1.5e8, C),
        ("(0.5, 1.0, or 1.5 million cells/kg, up to 150 million cells)", 1.5e8, C),
        ("2 x 10^6 cells/kg with a maximal dose of 100 x 10^6 cells", 1e8, C),
        ("Maximum dose as for 100kg subject or 150 million cells", 1.5e8, C),
        ("up to 5 x 10^6 allogeneic hMSCs/kg of body weight", 5e6, KG),
        ("no more than 2 x 10^8 MSCs in total", 2e8, C),
        ("(total up to 3x106/kg)", 3e6, KG),
    ],
)
def test_caps_are_kept_apart(text: str, cap: float, unit: DoseUnit) -> None:
    caps = extract_caps(text, field="t")
    assert [(c.max_cells, c.unit) for c in caps] == [(cap, unit)]
    assert caps[0].evidence in text
    assert all(not math.isclose(d.max_cells, cap) for d in extract_doses(text, field="t"))


CAP_WORDS = [
    "up to",
    "not to exceed",
    "not exceeding",
    "no more than",
    "not more than",
    "a maximum of",
    "maximum of",
    "at most",
    "at a maximum of",
    "limited to",
    "capped at",
    "maximally",
    "≤",
]
FIGURES = [
    ("2 x 10^6", 2e6),
    ("150 million", 1.5e8),
    ("1.5×10⁸", 1.5e8),
    ("10^7", 1e7),
    ("5 Mio", 5e6),
]
UNITS = [(" cells", C), (" MSCs", C), (" cells/kg", KG), (" MSC per kg of body weight", KG)]


@given(
    st.sampled_from(CAP_WORDS),
    st.sampled_from(FIGURES),
    st.sampled_from(UNITS),
    st.sampled_from(["", "Infusion of MSC, ", "Each patient receives "]),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_cap_is_never_a_dose(
    cap: str, figure: tuple[str, float], unit: tuple[str, DoseUnit], lead: str, assume: bool
) -> None:
    text = f"{lead}{cap} {figure[0]}{unit[0]}"
    assert extract_doses(text, field="t", assume_cells=assume) == []
    (c,) = extract_caps(text, field="t", assume_cells=assume)
    assert math.isclose(c.max_cells, figure[1]) and c.unit is unit[1]


NOT_GIVEN = [
    ("{f} cells/min", "rate"),
    ("{f} cells per minute", "rate"),
    ("{f} cells/kg/min", "rate"),
    ("{f} cells/mL", "concentration"),
    ("{f} cells per ml", "concentration"),
    ("at a concentration of {f} cells", "concentration"),
    ("each vial contains {f} cells", "content"),
    ("{f} cells per vial", "content"),
    ("bags containing {f} MSCs", "content"),
    ("{f} IU/kg", "another drug"),
    ("{f} copies/mL", "another count"),
    ("{f} patients", "another count"),
]


@given(st.sampled_from(NOT_GIVEN), st.sampled_from(FIGURES), st.booleans())
@settings(max_examples=300, deadline=None)
def test_rates_concentrations_content_are_never_doses(
    form: tuple[str, str], figure: tuple[str, float], assume: bool
) -> None:
    text = form[0].format(f=figure[0])
    assert extract_doses(text, field="t", assume_cells=assume) == [], form[1]


SITES = [
    ("per eye", EYE),
    ("/eye", EYE),
    ("into each eye", EYE),
    ("per knee", J),
    ("per joint", J),
    ("into each knee", J),
    ("per cm2", CM2),
    ("/cm²", CM2),
    ("per cm2 of wound", CM2),
    ("per lesion", LES),
    ("per ulcer", LES),
    ("per vocal fold", VF),
    ("per limb", LIMB),
]


@given(
    st.sampled_from(FIGURES), st.sampled_from([" cells ", " MSCs ", " "]), st.sampled_from(SITES)
)
@settings(max_examples=300, deadline=None)
def test_other_bases_keep_their_unit(
    figure: tuple[str, float], cells: str, site: tuple[str, DoseUnit]
) -> None:
    text = f"{figure[0]}{cells}{site[0]}"
    doses = extract_doses(text, field="t")
    assert [(d.max_cells, d.unit) for d in doses] == [(figure[1], site[1])], text


@given(
    st.lists(
        st.sampled_from(["0.5", "1", "1.5", "2", "2.5", "3", "5", "10"]),
        min_size=2,
        max_size=5,
        unique=True,
    ),
    st.sampled_from([(" million", 1e6), (" x 10^6", 1e6), (" ×10⁷", 1e7)]),
    st.sampled_from([" cells/kg", " MSCs/kg", " cells per kg"]),
    st.sampled_from([", or ", " or ", ", and ", " and "]),
)
@settings(max_examples=300, deadline=None)
def test_a_list_is_several_doses(
    members: list[str], scale: tuple[str, float], unit: str, joiner: str
) -> None:
    *first, last = members
    text = f"a single infusion of {', '.join(first)}{joiner}{last}{scale[0]}{unit}"
    doses = extract_doses(text, field="t")
    want = [float(m) * scale[1] for m in members]
    assert [d.unit for d in doses] == [KG] * len(members), text
    assert all(math.isclose(d.max_cells, w) for d, w in zip(doses, want, strict=True)), text


DESCRIBING = [
    "allogeneic",
    "autologous",
    "adipose-tissue",
    "adipose",
    "derived",
    "bone",
    "marrow-derived",
    "umbilical",
    "cord-derived",
    "Wharton's",
    "jelly",
    "placental",
    "ex",
    "vivo",
    "expanded",
    "culture-expanded",
    "cryopreserved",
    "human",
    "adult",
    "third-party",
    "off-the-shelf",
    "hypoxia-preconditioned",
    "early-passage",
]
CELL_NOUNS = [
    "mesenchymal stem cells",
    "mesenchymal stromal cells",
    "MSCs",
    "cells",
    "MSC",
    "hMSCs",
]


@given(
    st.sampled_from(FIGURES),
    st.lists(st.sampled_from(DESCRIBING), min_size=0, max_size=4),
    st.sampled_from(CELL_NOUNS),
    st.sampled_from([(" per kg", KG), ("/kg", KG), (" per kilogram of body weight", KG), ("", C)]),
    st.sampled_from(["", ", ", " and "]),
)
@settings(max_examples=300, deadline=None)
def test_describing_words_between_number_and_unit(
    figure: tuple[str, float],
    words: list[str],
    noun: str,
    unit: tuple[str, DoseUnit],
    joiner: str,
) -> None:
    """ "1.5 million adipose-tissue derived mesenchymal stem cells per kg" and its kin."""
    described = (joiner if len(words) > 1 else " ").join(words)
    text = f"Two serial doses of {figure[0]} {described} {noun}{unit[0]} will be given."
    text = " ".join(text.split())
    doses = extract_doses(text, field="t")
    assert [(d.max_cells, d.unit) for d in doses] == [(figure[1], unit[1])], text


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        (
            "three doses of 500.000 cells/kg of umbilical cord mesechymal cells",
            5e5,
            DoseUnit.CELLS_PER_KG,
        ),
        ("70 million mesenchimal stem cells on day 0", 7e7, DoseUnit.CELLS),
        ("1 x 10^8 mesenchymel stromal cells", 1e8, DoseUnit.CELLS),
        ("1 million Umbilical core-derived MSCc/BW", 1e6, DoseUnit.CELLS_PER_KG),
        ("2 x 10^7 umbilical core-derived MSCc", 2e7, DoseUnit.CELLS),
        ("1 x 10^6 MSC's/kg", 1e6, DoseUnit.CELLS_PER_KG),
    ],
)
def test_misspelled_cell_words_are_cell_words(text: str, value: float, unit: DoseUnit) -> None:
    (d,) = extract_doses(text, field="t")
    assert (d.min_cells, d.max_cells, d.unit) == (value, value, unit)


# ------------------------------------------------ lower bounds are no doses
@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("High-dose NK cells (>5x10^9) and mesenchymal stem cells (>5x10^9)", 5e9, DoseUnit.CELLS),
        ("more than 1 x 10^6 cells/kg", 1e6, DoseUnit.CELLS_PER_KG),
        ("at least 2 million cells/kg", 2e6, DoseUnit.CELLS_PER_KG),
        ("a minimum of 10^7 MSCs per patient", 1e7, DoseUnit.CELLS),
        ("no less than 5 x 10^7 MSCs", 5e7, DoseUnit.CELLS),
        ("≥2×10^6 MSC/kg", 2e6, DoseUnit.CELLS_PER_KG),
        ("> 1 x 10^8 MSCs will be infused", 1e8, DoseUnit.CELLS),
        ("greater than 5 x 10^7 cells", 5e7, DoseUnit.CELLS),
        ("in excess of 100 million MSCs", 1e8, DoseUnit.CELLS),
    ],
)
def test_a_lower_bound_is_no_point_dose(text: str, value: float, unit: DoseUnit) -> None:
    assert extract_doses(text, field="t") == []
    floors = extract_floors(text, field="t")
    assert floors and all(f.min_cells == value and f.unit is unit for f in floors)
    assert all(f.evidence in text for f in floors)


@pytest.mark.parametrize(
    "text",
    [
        "1 × 10^6 cells/kg (minimum 0.5 × 10^6; maximum 2 × 10^6)",  # an aside on the dose
        "CD105+ > 95% of the 1 x 10^6 cells/kg infused",  # a purity figure, not a bound
    ],
)
def test_a_dose_beside_a_minimum_stays_the_dose(text: str) -> None:
    (d,) = extract_doses(text, field="t")
    assert (d.min_cells, d.unit) == (1e6, DoseUnit.CELLS_PER_KG)


@settings(max_examples=40, deadline=None)
@given(
    word=st.sampled_from(["more than", "at least", "a minimum of", ">", "≥", "greater than"]),
    mantissa=st.integers(1, 9),
    power=st.integers(5, 9),
    unit=st.sampled_from(["cells/kg", "MSCs", "cells per kilogram", "mesenchymal stem cells"]),
)
def test_any_lower_bound_is_never_a_dose(word: str, mantissa: int, power: int, unit: str) -> None:
    text = f"Patients receive {word} {mantissa} x 10^{power} {unit} intravenously."
    assert extract_doses(text, field="t") == []
    (f,) = extract_floors(text, field="t")
    assert math.isclose(f.min_cells, mantissa * 10.0**power)


@pytest.mark.parametrize(
    "text",
    [
        "NK510 will be administered once a week for a total of six weeks.1×10^9 NK cells/dose.",
        "Given weekly, a total of six doses; 1 x 10^9 NK cells per dose.",
        "a total of 4 infusions of 1 x 10^9 cells each",
        "four infusions in total; each infusion of 1 x 10^9 cells",
        "In all, three injections are given, 1 x 10^9 MSCs per injection.",
        "a total of 6 administrations (1x10^9 cells/administration)",
    ],
)
def test_a_figure_for_each_administration_is_per_administration_whatever_the_total(
    text: str,
) -> None:
    doses = extract_doses(text, field="arm", assume_cells=True)
    assert [(d.min_cells, d.per.value) for d in doses] == [(1e9, "administration")]


@pytest.mark.parametrize(
    "text",
    [
        "a total of 4 x 10^9 cells over four infusions",
        "a cumulative dose of 4 x 10^9 cells",
        "in total 4 x 10^9 cells given as 4 infusions a week apart",
    ],
)
def test_a_total_over_several_administrations_stays_a_course(text: str) -> None:
    doses = extract_doses(text, field="arm", assume_cells=True)
    assert [(d.min_cells, d.per.value) for d in doses] == [(4e9, "course")]


@pytest.mark.parametrize(
    "text", ["10⁶⁶⁶", "2 x 10^400 cells/kg", "10^9999999 cells", "1 x 10⁹⁹ cells"]
)
def test_a_power_of_ten_beyond_any_cell_count_is_no_dose(text: str) -> None:
    """Hypothesis found "10⁶⁶⁶" overflowing a float; such a power is no figure at all."""
    assert extract_doses(text, field="t", assume_cells=True) == []


@pytest.mark.parametrize(
    "text",
    [
        "Intravenous administration of up to 1~2x10^6 MSCs per kg",
        "MSCs up to 1-2 x 10^6 cells/kg IV",
        "a maximum of 1 to 2 million cells/kg",
        "not exceeding 1-2 x 10^6 cells/kg",
    ],
)
def test_a_range_after_a_cap_word_is_a_cap_not_a_dose(text: str) -> None:
    assert extract_doses(text, field="arm") == []
    [cap] = extract_caps(text, field="arm")
    assert cap.max_cells == 2e6 and cap.evidence in text


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("escalating doses from 1 x 10^6 up to 1 x 10^8 cells", 1e6, 1e8),
        ("MSCs 1~2x10^6 MSCs per kg IV", 1e6, 2e6),
        ("1-2 x 10^6 cells/kg, up to 150 million cells in all", 1e6, 2e6),
    ],
)
def test_a_range_without_a_cap_word_before_it_is_the_dose(
    text: str, low: float, high: float
) -> None:
    [d] = extract_doses(text, field="arm")
    assert (d.min_cells, d.max_cells) == (low, high)
