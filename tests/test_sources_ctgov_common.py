"""Unit tests of the shared ClinicalTrials.gov normalisation (kg.sources.ctgov_common)."""

from __future__ import annotations

import doctest
from collections.abc import Callable

import pytest

from kg.model import Condition, PartialDate
from kg.sources import ctgov_common as cc
from kg.sources.ctgov_common import Norm

NORMALISERS: dict[str, Callable[[str | None], Norm[str | None]]] = {
    "status": cc.norm_status,
    "study type": cc.norm_study_type,
    "allocation": cc.norm_allocation,
    "intervention model": cc.norm_model,
    "masking": cc.norm_masking,
    "primary purpose": cc.norm_purpose,
    "arm type": cc.norm_arm_type,
    "intervention type": cc.norm_intervention_type,
    "sex": cc.norm_sex,
    "agency class": cc.norm_agency_class,
    "responsible party type": cc.norm_responsible_party_type,
    "official role": cc.norm_official_role,
    "reference type": cc.norm_reference_type,
    "date type": cc.norm_date_kind,
}

# The v2 spelling of every legacy (v1 / XML / web page) spelling, written from the
# ClinicalTrials.gov data element definitions, independently of the tables under test.
LEGACY_TO_V2: list[tuple[str, str, str]] = [
    ("status", "Recruiting", "RECRUITING"),
    ("status", "Not yet recruiting", "NOT_YET_RECRUITING"),
    ("status", "Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("status", "Enrolling by invitation", "ENROLLING_BY_INVITATION"),
    ("status", "Completed", "COMPLETED"),
    ("status", "Suspended", "SUSPENDED"),
    ("status", "Terminated", "TERMINATED"),
    ("status", "Withdrawn", "WITHDRAWN"),
    ("status", "Unknown status", "UNKNOWN"),
    ("status", "Available", "AVAILABLE"),
    ("status", "No longer available", "NO_LONGER_AVAILABLE"),
    ("status", "Temporarily not available", "TEMPORARILY_NOT_AVAILABLE"),
    ("status", "Approved for marketing", "APPROVED_FOR_MARKETING"),
    ("status", "Withheld", "WITHHELD"),
    ("study type", "Interventional", "INTERVENTIONAL"),
    ("study type", "Observational", "OBSERVATIONAL"),
    ("study type", "Observational [Patient Registry]", "OBSERVATIONAL"),
    ("study type", "Expanded Access", "EXPANDED_ACCESS"),
    ("allocation", "Randomized", "RANDOMIZED"),
    ("allocation", "Non-Randomized", "NON_RANDOMIZED"),
    ("allocation", "N/A", "NA"),
    ("intervention model", "Parallel Assignment", "PARALLEL"),
    ("intervention model", "Single Group Assignment", "SINGLE_GROUP"),
    ("intervention model", "Sequential Assignment", "SEQUENTIAL"),
    ("intervention model", "Crossover Assignment", "CROSSOVER"),
    ("intervention model", "Factorial Assignment", "FACTORIAL"),
    ("masking", "None (Open Label)", "NONE"),
    ("masking", "Single", "SINGLE"),
    ("masking", "Double", "DOUBLE"),
    ("masking", "Triple", "TRIPLE"),
    ("masking", "Quadruple", "QUADRUPLE"),
    ("masking", "Single (Outcomes Assessor)", "SINGLE"),
    ("masking", "Double (Participant, Investigator)", "DOUBLE"),
    ("masking", "Triple (Participant, Care Provider, Investigator)", "TRIPLE"),
    (
        "masking",
        "Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)",
        "QUADRUPLE",
    ),
    ("primary purpose", "Treatment", "TREATMENT"),
    ("primary purpose", "Prevention", "PREVENTION"),
    ("primary purpose", "Diagnostic", "DIAGNOSTIC"),
    ("primary purpose", "Supportive Care", "SUPPORTIVE_CARE"),
    ("primary purpose", "Screening", "SCREENING"),
    ("primary purpose", "Health Services Research", "HEALTH_SERVICES_RESEARCH"),
    ("primary purpose", "Basic Science", "BASIC_SCIENCE"),
    ("primary purpose", "Device Feasibility", "DEVICE_FEASIBILITY"),
    ("primary purpose", "Educational/Counseling/Training", "ECT"),
    ("primary purpose", "Other", "OTHER"),
    ("arm type", "Experimental", "EXPERIMENTAL"),
    ("arm type", "Active Comparator", "ACTIVE_COMPARATOR"),
    ("arm type", "Placebo Comparator", "PLACEBO_COMPARATOR"),
    ("arm type", "No Intervention", "NO_INTERVENTION"),
    ("arm type", "Sham Comparator", "SHAM_COMPARATOR"),
    ("arm type", "Other", "OTHER"),
    ("intervention type", "Biological", "BIOLOGICAL"),
    ("intervention type", "Drug", "DRUG"),
    ("intervention type", "Device", "DEVICE"),
    ("intervention type", "Procedure", "PROCEDURE"),
    ("intervention type", "Procedure/Surgery", "PROCEDURE"),
    ("intervention type", "Behavioral", "BEHAVIORAL"),
    ("intervention type", "Dietary Supplement", "DIETARY_SUPPLEMENT"),
    ("intervention type", "Diagnostic Test", "DIAGNOSTIC_TEST"),
    ("intervention type", "Genetic", "GENETIC"),
    ("intervention type", "Radiation", "RADIATION"),
    ("intervention type", "Combination Product", "COMBINATION_PRODUCT"),
    ("intervention type", "Other", "OTHER"),
    ("sex", "All", "ALL"),
    ("sex", "Both", "ALL"),
    ("sex", "Female", "FEMALE"),
    ("sex", "Male", "MALE"),
    ("agency class", "Other", "OTHER"),
    ("agency class", "Industry", "INDUSTRY"),
    ("agency class", "NIH", "NIH"),
    ("agency class", "U.S. Fed", "FED"),
    ("responsible party type", "Sponsor", "SPONSOR"),
    ("responsible party type", "Principal Investigator", "PRINCIPAL_INVESTIGATOR"),
    ("responsible party type", "Sponsor-Investigator", "SPONSOR_INVESTIGATOR"),
    ("official role", "Principal Investigator", "PRINCIPAL_INVESTIGATOR"),
    ("official role", "Study Chair", "STUDY_CHAIR"),
    ("official role", "Study Director", "STUDY_DIRECTOR"),
    ("official role", "Contact", "CONTACT"),
    ("reference type", "background", "BACKGROUND"),
    ("reference type", "result", "RESULT"),
    ("reference type", "derived", "DERIVED"),
    ("date type", "Actual", "ACTUAL"),
    ("date type", "Anticipated", "ESTIMATED"),
    ("date type", "Estimate", "ESTIMATED"),
]


def test_every_crosswalk_has_a_normaliser() -> None:
    assert set(cc.CROSSWALKS) == set(NORMALISERS) | {"phase"}


@pytest.mark.parametrize(
    ("what", "spelling", "v2"),
    [(what, k, v) for what, table in cc.CROSSWALKS.items() for k, v in table.items()],
)
def test_every_crosswalk_row(what: str, spelling: str, v2: str) -> None:
    """Each row maps as written, in upper and lower case, and its v2 value maps to itself."""
    if what == "phase":
        assert cc.norm_phase(spelling) == Norm((v2,))
        assert cc.norm_phase(v2) == Norm((v2,))
        return
    norm = NORMALISERS[what]
    for text in (spelling, spelling.upper(), spelling.lower(), f"  {spelling} "):
        assert norm(text) == Norm(v2), text
    assert norm(v2) == Norm(v2)


@pytest.mark.parametrize(("what", "spelling", "v2"), LEGACY_TO_V2)
def test_legacy_spellings_give_the_v2_value(what: str, spelling: str, v2: str) -> None:
    assert NORMALISERS[what](spelling) == Norm(v2)


@pytest.mark.parametrize("what", sorted(NORMALISERS))
def test_missing_is_none_without_note(what: str) -> None:
    assert NORMALISERS[what](None) == Norm(None)
    assert NORMALISERS[what]("  ") == Norm(None)


@pytest.mark.parametrize(
    ("norm", "what", "text"),
    [
        (cc.norm_status, "status", "Paused for lunch"),
        (cc.norm_allocation, "allocation", "Cluster-randomised"),
        (cc.norm_masking, "masking", "Blinded (Statistician)"),
        (cc.norm_arm_type, "arm type", "Run-in"),
        (cc.norm_sex, "sex", "Intersex"),
        (cc.norm_agency_class, "agency class", "Charity"),
    ],
)
def test_unknown_spelling_is_not_a_term_and_is_kept_in_a_note(
    norm: Callable[[str | None], Norm[str | None]], what: str, text: str
) -> None:
    # issue 13: a value outside the vocabulary was minted ("PAUSED_FOR_LUNCH") and failed
    # the shapes' sh:in; it is unknown, and the note keeps the text as written
    assert norm(text) == Norm(
        None, f"unmapped {what} spelling {text!r} (kept as text in this note, not as a {what})"
    )


def test_unmapped_note_cuts_a_long_value() -> None:
    note = cc.norm_study_type("word " * 10_000).note
    assert note is not None and len(note) < 400 and "[49,999 characters]" in note


def test_study_type_na_is_none_with_note() -> None:
    assert cc.norm_study_type("N/A") == Norm(None, "study type given as 'N/A'")


@pytest.mark.parametrize(
    ("text", "phases"),
    [
        ("Phase 1", ("PHASE1",)),
        ("Phase 1/Phase 2", ("PHASE1", "PHASE2")),
        ("Phase 2/Phase 3", ("PHASE2", "PHASE3")),
        ("Phase 1/2", ("PHASE1", "PHASE2")),
        ("Early Phase 1", ("EARLY_PHASE1",)),
        ("Phase 0", ("EARLY_PHASE1",)),
        ("N/A", ("NA",)),
        ("Not Applicable", ("NA",)),
        (["Phase 1", "Phase 2"], ("PHASE1", "PHASE2")),
        (["PHASE2", "PHASE3"], ("PHASE2", "PHASE3")),
        (["Phase 2", "PHASE2"], ("PHASE2",)),
        ([], ()),
        (None, ()),
    ],
)
def test_phases(text: str | list[str] | None, phases: tuple[str, ...]) -> None:
    assert cc.norm_phase(text) == Norm(phases)


def test_unknown_phase_is_noted() -> None:
    kept = "(kept as text in this note, not as a phase)"
    assert cc.norm_phase("Phase 5") == Norm((), f"unmapped phase spelling 'Phase 5' {kept}")
    assert cc.norm_phase(["Phase 1", "Pilot"]) == Norm(
        ("PHASE1",), f"unmapped phase spelling 'Pilot' {kept}"
    )


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2025-05", None, PartialDate("2025-05")),
        ("2025-05-01", "ACTUAL", PartialDate("2025-05-01", "ACTUAL")),
        ("2025", None, PartialDate("2025")),
        ("April 2020", "Anticipated", PartialDate("2020-04", "ESTIMATED")),
        ("April 1, 2020", "Actual", PartialDate("2020-04-01", "ACTUAL")),
        ("September 9, 2020", "Estimate", PartialDate("2020-09-09", "ESTIMATED")),
        ("Sept 30, 2021", None, PartialDate("2021-09-30")),
        ("December 31, 2021", "ESTIMATED", PartialDate("2021-12-31", "ESTIMATED")),
        (None, "Actual", None),
        ("", None, None),
    ],
)
def test_dates_keep_their_precision(
    text: str | None, kind: str | None, expected: PartialDate | None
) -> None:
    assert cc.parse_date(text, kind) == Norm(expected)


@pytest.mark.parametrize("text", ["soon", "2021-02-30", "February 30, 2021", "13/2020"])
def test_bad_dates_are_noted(text: str) -> None:
    assert cc.parse_date(text) == Norm(None, f"unparsed date {text!r}")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("18 Years", 18.0),
        ("1 Year", 1.0),
        ("6 Months", 0.5),
        ("18 Months", 1.5),
        ("28 Days", 0.0767),
        ("16 Weeks", 0.3066),
        ("0 Weeks", 0.0),
        ("N/A", None),
        (None, None),
    ],
)
def test_ages_in_years(text: str | None, years: float | None) -> None:
    assert cc.parse_age_years(text) == Norm(years)


def test_bad_age_is_noted() -> None:
    assert cc.parse_age_years("adult") == Norm(None, "unparsed age 'adult'")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (None, None),
        ("Accepts Healthy Volunteers", True),
        ("Yes", True),
        ("No", False),
    ],
)
def test_healthy_volunteers(value: str | bool | None, expected: bool | None) -> None:
    assert cc.norm_healthy_volunteers(value) == Norm(expected)


def test_counts() -> None:
    assert cc.parse_count("120") == Norm(120)
    assert cc.parse_count(0) == Norm(0)
    assert cc.parse_count(None) == Norm(None)
    assert cc.parse_count("about 40") == Norm(None, "unparsed enrollment count 'about 40'")


def test_scrub_text_removes_emails_and_labelled_phones() -> None:
    text = "Contact Dr. Li (lixuepku@hotmail.com), Tel: +86 10 8231 1234, for 4 x 10^7 cells."
    assert cc.scrub_text(text, "summary") == Norm(
        "Contact Dr. Li ([e-mail removed]), Tel: [phone removed], for 4 x 10^7 cells.",
        "e-mail address and phone number removed from summary",
    )
    unchanged = (
        "1-2 x 10^6 cells/kg on days 1, 8 and 15; NCT01234567 (2010-2012); stem cell"
        " 100 000 000 per infusion; pH 7.4; ISRCTN12345678"
    )
    assert cc.scrub_text(unchanged, "summary") == Norm(unchanged)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mohamad.mohty@inserm.fr", None),
        ("1-844-599-2273 (UCB)", "UCB"),
        ("Hospital X, tel. (312) 413-7494", "Hospital X, tel."),
        ("Guangzhou, Guangdong,China，511442", "Guangzhou, Guangdong,China，511442"),
        ("Jane Doe, MD", "Jane Doe, MD"),
    ],
)
def test_scrub_contact(text: str, expected: str | None) -> None:
    assert cc.scrub_contact(text, "official").value == expected


def test_find_nct_ids_order_and_exclusion() -> None:
    texts = ["follow-up of NCT00000001; see nct00000002", None, "NCT 00000003, NCT00000001"]
    assert cc.find_nct_ids(texts, exclude=["NCT00000002"]) == ("NCT00000001", "NCT00000003")


@pytest.mark.parametrize(
    ("citation", "doi"),
    [
        ("J Am Dent Assoc. 2008 Jun;139(6):705-12. doi: 10.14219/jada.archive.2008.0252.",
         "10.14219/jada.archive.2008.0252"),
        ("Can J Cardiol. 2015;31(5):671-8. doi: 10.1016/j.cjca.2014.12.024. Epub 2014 Dec 24.",
         "10.1016/j.cjca.2014.12.024"),
        ("See https://doi.org/10.1002/jcla.22223)", "10.1002/jcla.22223"),
        ("(J Nutr Biochem. doi: 10.1016/s0955-2863(99)00049-2.)", "10.1016/s0955-2863(99)00049-2"),
        ("Schacht JP, Anton RF, Voronin KE", None),
        (None, None),
    ],
)  # fmt: skip
def test_find_doi(citation: str | None, doi: str | None) -> None:
    assert cc.find_doi(citation) == doi


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Drug: Paclitaxel", "Paclitaxel"),
        ("Biological: Mesenchymal stem cell injection", "Mesenchymal stem cell injection"),
        ("Dietary Supplement: Fish oil", "Fish oil"),
        ("Procedure/Surgery: Biopsy", "Biopsy"),
        ("Other: Clinical Observation", "Clinical Observation"),
        ("Cohort A: 1e6 cells", "Cohort A: 1e6 cells"),
        ("MSC", "MSC"),
    ],
)
def test_strip_type_prefix(name: str, bare: str) -> None:
    assert cc.strip_type_prefix(name) == bare


def test_mesh_attaches_only_where_the_text_ties_it() -> None:
    conditions = ["Caries, Dental", "Alcohol Use Disorder", "Tibial Fracture"]
    meshes = [
        ("D003731", "Dental Caries"),  # asFound equals a condition
        ("D000437", "Alcoholism"),  # asFound equals a condition
        ("D000428", "Alcohol Drinking"),  # asFound equals a keyword: not attached
        ("D050723", "Fractures, Bone"),  # asFound inside a condition
        ("D002057", "Burns, Chemical"),  # asFound elsewhere (title): not attached
        ("D013978", "Tibial fracture"),  # the term equals a condition
    ]
    leaves = [
        ("Dental Caries", "Caries,Dental"),
        ("Alcoholism", "Alcohol Use Disorder"),
        ("Alcohol Drinking", "Alcohol Use"),
        ("Fractures, Bone", "Fracture"),
        ("Burns, Chemical", "Chemical Burn"),
    ]
    assert cc.attach_mesh(conditions, meshes, leaves, keywords=["alcohol use"]) == [
        Condition("Caries, Dental", "conditions", ("D003731",), ("Dental Caries",)),
        Condition("Alcohol Use Disorder", "conditions", ("D000437",), ("Alcoholism",)),
        Condition(
            "Tibial Fracture",
            "conditions",
            ("D050723", "D013978"),
            ("Fractures, Bone", "Tibial fracture"),
        ),
        Condition("Alcohol Drinking", "mesh", ("D000428",), ("Alcohol Drinking",)),
        Condition("Burns, Chemical", "mesh", ("D002057",), ("Burns, Chemical",)),
    ]


def test_mesh_terms_without_ids() -> None:
    assert cc.attach_mesh(["Depression", "PMS"], [(None, "Depression"), (None, "Mood")]) == [
        Condition("Depression", "conditions", (), ("Depression",)),
        Condition("PMS", "conditions"),
        Condition("Mood", "mesh", (), ("Mood",)),
    ]


def test_doctests() -> None:
    result = doctest.testmod(cc)
    assert result.attempted > 5
    assert result.failed == 0
