"""Key facts of each seed page, written by reading the pages (not by running the mapper)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import MappingError, PartialDate, Trial
from kg.sources import detect, map_bytes

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> Trial:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    trials = [
        t for t in map_bytes(path.read_bytes(), source_file=path.name) if isinstance(t, Trial)
    ]
    assert len(trials) == 1
    return trials[0]


@pytest.mark.parametrize(
    ("prefix", "fmt"),
    [
        ("000", "page-ctgov-summary"),
        ("001", "page-veeva"),
        ("002", "page-ctgov-summary"),
        ("003", "page-veeva"),
        ("004", "page-trial-detail"),
    ],
)
def test_layout_detected_from_content(prefix: str, fmt: str, tmp_path: Path) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    assert detect(path.read_bytes(), path=path.name).name == fmt
    renamed = tmp_path / "no-hint.json"  # the name says nothing; content decides
    renamed.write_bytes(path.read_bytes())
    assert detect(renamed.read_bytes(), path=str(renamed)).name == fmt


def test_seed_000_hmsc100() -> None:
    t = seed("000")
    assert t.nct_id is None
    assert t.brief_title is not None and t.brief_title.startswith("A Single-center, Open-label")
    assert "hMSC100 (Human UC-MSC Injection)" in t.brief_title
    assert (t.status, t.phases, t.study_type) == ("RECRUITING", ("PHASE1",), "INTERVENTIONAL")
    assert t.intervention_types == ("BIOLOGICAL",)
    assert t.enrollment == 18
    assert t.start_date == PartialDate("2025-05")
    assert t.completion_date == PartialDate("2027-12", "ESTIMATED")
    e = t.eligibility
    assert (e.sex, e.min_age_years, e.max_age_years, e.healthy_volunteers) == (
        "FEMALE",
        45,
        85,
        False,
    )
    assert e.criteria is not None and "FRAX" in e.criteria
    assert [(a.label, a.type, a.description) for a in t.arms] == [
        ("Low Dose Group", "EXPERIMENTAL", "6.0×10\\^7"),
        ("Medium Dose Group", "EXPERIMENTAL", "1.2×10\\^8"),
        ("High Dose Group", "EXPERIMENTAL", "2.4×10\\^8"),
    ]
    assert [(s.name, s.role) for s in t.sponsors] == [
        ("Help Therapeutics", "lead"),
        (
            "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School",
            "collaborator",
        ),
    ]
    assert [(s.facility, s.city, s.country, s.status) for s in t.sites] == [
        ("HelpThera", "Nanjing", "China", "RECRUITING")
    ]
    assert [o.name for o in t.officials] == ["Jiaxian Wang, MD, PhD"]


def test_seed_001_wj_msc() -> None:
    t = seed("001")
    assert (t.nct_id, t.org_study_id) == ("NCT05018637", "2019-11-010")
    assert t.brief_title == (
        "Efficacy of WJ-derived Mesenchymal Stem Cells in Combination With Parathyroid Hormone "
        "for Vertebral Compression Fracture"
    )
    assert (t.status, t.phases, t.study_type) == ("UNKNOWN", ("PHASE2",), "INTERVENTIONAL")
    assert [c.name for c in t.conditions] == [
        "Osteoporotic Fractures",
        "Vertebral Compression Fracture",
    ]
    assert [(i.type, i.name) for i in t.interventions] == [
        ("DRUG", "Teriparatide"),
        ("DRUG", "WJ-MSC"),
    ]
    assert (t.allocation, t.intervention_model, t.masking, t.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "NONE",
        "TREATMENT",
    )
    assert (t.enrollment, t.enrollment_type) == (30, "ESTIMATED")
    e = t.eligibility
    assert (e.sex, e.min_age_years, e.max_age_years, e.healthy_volunteers) == (
        "FEMALE",
        40,
        None,
        False,
    )
    assert e.criteria is not None and e.criteria.startswith("Inclusion criteria:")
    assert "Exclusion criteria:" in e.criteria
    assert [(a.label, a.type, a.intervention_names) for a in t.arms] == [
        ("WJ-MSC group", "EXPERIMENTAL", ("Drug: WJ-MSC", "Drug: Teriparatide")),
        ("Teriparatide group", "ACTIVE_COMPARATOR", ("Drug: Teriparatide",)),
    ]
    assert t.arms[0].description is not None
    assert t.arms[0].description.startswith("intramedullary injection of 4 x 107 WJ-MSCs")
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [("Inbo Han", "lead", "OTHER")]
    wj = next(i for i in t.interventions if i.name == "WJ-MSC")
    assert wj.arm_labels == ("WJ-MSC group",)


def test_seed_002_amniotic() -> None:
    t = seed("002")
    assert t.nct_id is None
    assert t.phases == ("PHASE1", "PHASE2")
    assert t.intervention_types == ("DRUG", "BIOLOGICAL")
    assert t.start_date == PartialDate("2024-10-15")
    assert t.completion_date == PartialDate("2026-03-30", "ESTIMATED")
    assert t.enrollment == 50
    assert [(a.label, a.type) for a in t.arms] == [
        ("Climen", "ACTIVE_COMPARATOR"),
        ("hA-MSCs+Climen", "EXPERIMENTAL"),
    ]
    assert [(s.name, s.role) for s in t.sponsors] == [("Yan Hongli", "lead")]
    assert [(s.facility, s.city, s.country) for s in t.sites] == [
        ("Shanghai Changhai Hospital", "Shanghai", "China")
    ]
    assert (t.eligibility.min_age_years, t.eligibility.max_age_years) == (20, 40)


def test_seed_003_damaged_veeva() -> None:
    t = seed("003")
    assert t.nct_id is None and t.brief_title is None
    assert t.status is None and t.phases == () and t.conditions == []
    assert t.enrollment == 15
    assert t.arms == []
    assert (
        t.brief_summary is not None
        and "hiSCs for the treatment of rheumatoid arthritis" in t.brief_summary
    )
    assert t.eligibility.sex is None and t.eligibility.min_age_years is None
    assert [o.name for o in t.officials] == ["Huji Xu, Ph.D, MD"]
    assert any("no NCT id" in n for n in t.notes) and any("no title" in n for n in t.notes)


def test_seed_004_trial_detail() -> None:
    t = seed("004")
    assert (t.nct_id, t.org_study_id) == ("NCT06534528", "SHLF-MSC-ILD-101")
    assert t.brief_title == (
        "Human Umbilical Cord Mesenchymal Stem Cell Injection for the Treatment of Interstitial Lung Disease"
    )
    assert (t.status, t.phases, t.enrollment, t.study_type) == (
        "NOT_YET_RECRUITING",
        ("PHASE1",),
        24,
        "INTERVENTIONAL",
    )
    assert (t.start_date, t.completion_date, t.last_update) == (
        PartialDate("2025-10-01"),
        PartialDate("2027-10-01"),
        PartialDate("2025-05-25"),
    )
    assert (t.allocation, t.intervention_model, t.primary_purpose, t.masking) == (
        "NA",
        "SEQUENTIAL",
        "TREATMENT",
        "NONE",
    )
    assert t.related_nct_ids == (
        "NCT06823063",
        "NCT04996966",
        "NCT05983627",
        "NCT05495711",
        "NCT06984497",
    )
    assert [a.label for a in t.arms] == ["Dose escalation"]
    assert t.arms[0].intervention_names == ("Human umbilical cord mesenchymal stem cell injection",)
    assert [i.name for i in t.interventions] == [
        "Human umbilical cord mesenchymal stem cell injection"
    ]
    assert [(s.name, s.role, s.agency_class) for s in t.sponsors] == [
        ("Shanghai Life Science & Technology", "lead", "INDUSTRY")
    ]
    e = t.eligibility
    assert (e.sex, e.min_age_years, e.healthy_volunteers) == ("ALL", 18, False)
    assert len(t.references) == 8
    assert t.references[0].doi == "10.1001/jama.2024.3669"
    assert all(r.doi for r in t.references)
    assert t.conditions == []  # the page's Conditions section is empty


def test_contact_data_is_dropped() -> None:
    for prefix in ("000", "002"):
        t = seed(prefix)
        text = repr(t)
        assert "@" not in text
        assert "18565616060" not in text and "31162338" not in text


def test_unknown_layout_is_a_clear_error() -> None:
    with pytest.raises(MappingError, match=r"notes\.txt: unknown layout"):
        detect(b"Just some notes about a trial\nnothing else\n", path="notes.txt")
