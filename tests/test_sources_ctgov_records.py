"""Field-by-field expectations for real ClinicalTrials.gov records, in all three formats.

Every expected value below was written by reading the record itself (the JSON or XML
file under ``$KG_TEST_DATA``), not by running the mapper. Long prose is stated by its
exact beginning and end (and, for JSON, its length in characters).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.model import (
    Arm,
    Condition,
    Eligibility,
    Intervention,
    Official,
    PartialDate,
    Reference,
    Site,
    Sponsor,
    Trial,
)
from kg.sources import ctgov_v1, ctgov_v2, ctgov_xml

DATA = Path(
    os.environ.get("KG_TEST_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)

# The fields a CT.gov mapper fills; every expectation below states each of them.
MAPPED = [
    "nct_id", "org_study_id", "secondary_ids", "acronym", "brief_title", "official_title",
    "status", "phases", "study_type", "allocation", "intervention_model", "masking",
    "primary_purpose", "enrollment", "enrollment_type", "start_date",
    "primary_completion_date", "completion_date", "last_update", "brief_summary",
    "detailed_description", "conditions", "mesh_ancestors", "keywords", "arms", "interventions",
    "eligibility", "sponsors", "responsible_party", "officials", "sites", "references",
    "related_nct_ids", "see_also", "notes",
]  # fmt: skip


class Prose(str):
    """A long text known by its exact start and end (and length, where given).

    A ``str`` subclass, so that it can stand for a text inside the model's records; its
    ``==`` is tried first when compared with a plain ``str``.
    """

    start: str
    end: str
    length: int | None

    def __new__(cls, start: str, end: str, length: int | None = None) -> Prose:
        self = super().__new__(cls, f"{start} ... {end}")
        self.start, self.end, self.length = start, end, length
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, str)
            and other.startswith(self.start)
            and other.endswith(self.end)
            and (self.length is None or len(other) == self.length)
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Prose({self.start!r} ... {self.end!r}, length={self.length})"


@pytest.fixture(scope="module")
def data_dir() -> Path:
    assert DATA.is_dir(), f"test data missing: {DATA} (set KG_TEST_DATA)"
    return DATA


def _map(module: ModuleType, path: Path) -> list[Trial]:
    data = path.read_bytes()
    out = list(module.map_document(data, source_file=path.name, sha256=_sha(data)))
    assert all(isinstance(t, Trial) for t in out), out
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _trial(module: ModuleType, path: Path, nct: str) -> Trial:
    found = [t for t in _map(module, path) if t.nct_id == nct]
    assert len(found) == 1, f"{nct} in {path.name}: {len(found)}"
    return found[0]


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    assert f.default_factory is not dataclasses.MISSING
    return f.default_factory()


def check(trial: Trial, expected: dict[str, Any]) -> None:
    """Every mapped field equals its expectation; every other field keeps its default."""
    assert sorted(expected) == sorted(MAPPED), set(MAPPED) ^ set(expected)
    for f in dataclasses.fields(Trial):
        if f.name == "provenance":
            continue
        want = expected[f.name] if f.name in expected else _default(f)
        assert getattr(trial, f.name) == want, f.name


def _json_record_sha(study: Any) -> str:
    text = json.dumps(study, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# ----------------------------------------------------------------------------- API v2
def test_v2_nct00973089_withdrawn_month_dates(data_dir: Path) -> None:
    path = data_dir / "ctgov-v2" / "NCT00973089.json"
    trial = _trial(ctgov_v2, path, "NCT00973089")
    data = path.read_bytes()
    assert trial.provenance == dataclasses.replace(
        trial.provenance,
        source_file="NCT00973089.json",
        format="ctgov-v2",
        sha256=_sha(data),
        mapper_version="2",
        record_key="NCT00973089",
        record_sha256=_json_record_sha(json.loads(data)),
    )
    title = "Alternative Treatment of Deep Carious Lesions Based on Biological Evidences"
    citation = (
        "Thompson V, Craig RG, Curro FA, Green WS, Ship JA. Treatment of deep carious lesions"
        " by complete excavation or partial removal: a critical review. J Am Dent Assoc. 2008"
        " Jun;139(6):705-12. doi: 10.14219/jada.archive.2008.0252."
    )
    check(
        trial,
        {
            "nct_id": "NCT00973089",
            "org_study_id": "LSA001-HMO-CTIL",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": title,
            "official_title": title,
            "status": "WITHDRAWN",
            "phases": ("NA",),
            "study_type": "INTERVENTIONAL",
            "allocation": "RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "SINGLE",
            "primary_purpose": "TREATMENT",
            "enrollment": 0,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2010-05"),
            "primary_completion_date": PartialDate("2015-03", "ACTUAL"),
            "completion_date": PartialDate("2015-03", "ACTUAL"),
            "last_update": PartialDate("2015-08-19", "ESTIMATED"),
            "brief_summary": Prose(
                "The purpose of this study is to evaluate the success rate of alternative",
                "evaluates the cost-effectiveness of both methods of treatment of deep carious"
                " lesions.",
            ),
            "detailed_description": Prose(
                "The treatment provided today for deep carious lesions in deciduous teeth is",
                "The study also evaluates the cost-effectiveness of both methods of treatment of"
                " deep carious lesions.",
            ),
            "conditions": [
                Condition("Caries, Dental", "conditions", ("D000003731",), ("Dental Caries",))
            ],
            "mesh_ancestors": (
                ("D000017001", "Tooth Demineralization"),
                ("D000014076", "Tooth Diseases"),
                ("D000009057", "Stomatognathic Diseases"),
            ),
            "keywords": ("Primary tooth", "Caries, Dental", "Alternative treatment"),
            "arms": [
                Arm("Complete caries removal", "NO_INTERVENTION", "Control group"),
                Arm(
                    "Incomplete caries removal",
                    "OTHER",
                    "Test group",
                    ("Incomplete caries removal in primary teeth",),
                ),
            ],
            "interventions": [
                Intervention(
                    "Incomplete caries removal in primary teeth",
                    "OTHER",
                    Prose(
                        "Comparison between the success rate and cost-effectiveness of complete",
                        "versus incomplete removal of caries and avoiding pulp treatment.",
                    ),
                    ("Indirect pulp capping",),
                    ("Incomplete caries removal",),
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                5.0,
                8.0,
                True,
                Prose(
                    "Inclusion Criteria:\n\n* Healthy children\n* Patient's age is 5-8 years old",
                    "* Lack of cooperation\n* Clinical or radiographic signs of pathology",
                ),
            ),
            "sponsors": [Sponsor("Hadassah Medical Organization", "lead", "OTHER")],
            "responsible_party": (
                "PRINCIPAL_INVESTIGATOR: Moti Moskovitz, Hadassah Medical Organization"
            ),
            "officials": [],
            "sites": [
                Site(
                    "Hadassah Medical Organization",
                    "Jerusalem",
                    None,
                    None,
                    "Israel",
                    None,
                    31.76904,
                    35.21633,
                )
            ],
            "references": [
                Reference(citation, "18519994", "10.14219/jada.archive.2008.0252", "BACKGROUND")
            ],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v2_nct03475563_observational_with_contacts(data_dir: Path) -> None:
    trial = _trial(ctgov_v2, data_dir / "ctgov-v2" / "NCT03475563.json", "NCT03475563")
    summary = (
        "The BIOSS Lim C pharmacoactive Stent has characteristics of design that makes it very"
        " suitable for the treatment of bifurcational lesions . The objective of the study is"
        " providing deeper knowledge into the results of this stent in the treatment of"
        " bifurcational lesions."
    )
    check(
        trial,
        {
            "nct_id": "NCT03475563",
            "org_study_id": "BIOSS",
            "secondary_ids": (),
            "acronym": "BIOSS",
            "brief_title": "BiOSS Study (BiOSS LIM C Stent Registry in Bifurcated Lesions)",
            "official_title": "BiOSS LIM C Stent Registry in Bifurcated Lesions",
            "status": "UNKNOWN",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 100,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2018-08-16", "ACTUAL"),
            "primary_completion_date": PartialDate("2019-12-30", "ESTIMATED"),
            "completion_date": PartialDate("2019-12-30", "ESTIMATED"),
            "last_update": PartialDate("2019-11-27", "ACTUAL"),
            "brief_summary": summary,
            "detailed_description": summary,
            "conditions": [
                Condition(
                    "Coronary Artery Disease",
                    "conditions",
                    ("D000003324",),
                    ("Coronary Artery Disease",),
                )
            ],
            "mesh_ancestors": (
                ("D000003327", "Coronary Disease"),
                ("D000017202", "Myocardial Ischemia"),
                ("D000006331", "Heart Diseases"),
                ("D000002318", "Cardiovascular Diseases"),
                ("D000001161", "Arteriosclerosis"),
                ("D000001157", "Arterial Occlusive Diseases"),
                ("D000014652", "Vascular Diseases"),
            ),
            "keywords": (
                "Drug-eluting stent",
                "Dedicated bifurcation stent",
                "Cobalt-chromium",
                "Sirolimus-eluting stent",
            ),
            "arms": [
                Arm(
                    "Patients with coronary artery disease",
                    None,
                    "(coronary artery disease)",
                    ("Coronary angioplasty with stent implantation",),
                )
            ],
            "interventions": [
                Intervention(
                    "Coronary angioplasty with stent implantation",
                    "PROCEDURE",
                    "Coronary angioplasty with BiOSS LIM C stent implantation",
                    (),
                    ("Patients with coronary artery disease",),
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                None,
                False,
                Prose(
                    "Inclusion Criteria:\n\n* Age over 18 years.\n",
                    "* Total chronic occlusions.\n* Cardiogenic shock.",
                ),
            ),
            "sponsors": [
                Sponsor("Hospital Universitari Vall d'Hebron Research Institute", "lead", "OTHER")
            ],
            "responsible_party": "SPONSOR",
            "officials": [
                Official(
                    "Imanol Otaegui, MD",
                    "PRINCIPAL_INVESTIGATOR",
                    "Hospital Universitari Vall d'hebron Barcelona, Spain",
                ),
                Official("Imanol Otaegui, MD", "CONTACT"),
                Official("Imanol Otaegui", "CONTACT"),
            ],
            "sites": [
                Site(
                    "Hospital Universitari Parc Taulí",
                    "Sabadell",
                    "Barcelona",
                    "08208",
                    "Spain",
                    "RECRUITING",
                    41.54329,
                    2.10942,
                ),
                Site(
                    "Hospital Universitari Vall d'Hebron",
                    "Barcelona",
                    None,
                    "08035",
                    "Spain",
                    "RECRUITING",
                    41.38879,
                    2.15899,
                ),
                Site(
                    "Hospital Universitario de León",
                    "León",
                    None,
                    "24071",
                    "Spain",
                    "RECRUITING",
                    42.60003,
                    -5.57032,
                ),
            ],
            "references": [
                Reference(
                    "Gil RJ, Bil J, Dzavik V, Vassilev D, Kern A, Formuszewicz R, Zalewska-Adamiec"
                    " M, Dobrzycki S. Regular Drug-Eluting Stent vs Dedicated Coronary Bifurcation"
                    " BiOSS Expert Stent: Multicenter Open-Label Randomized Controlled POLBOS I"
                    " Trial. Can J Cardiol. 2015 May;31(5):671-8. doi:"
                    " 10.1016/j.cjca.2014.12.024. Epub 2014 Dec 24.",
                    "25828372",
                    "10.1016/j.cjca.2014.12.024",
                    "RESULT",
                ),
                Reference(
                    "Gil RJ, Bil J, Vassiliev D, Inigo Garcia LA. First-in-man study of dedicated"
                    " bifurcation sirolimus-eluting stent: 12-month results of BiOSS LIM(R)"
                    " Registry. J Interv Cardiol. 2015 Feb;28(1):51-60. doi: 10.1111/joic.12180.",
                    "25689548",
                    "10.1111/joic.12180",
                    "RESULT",
                ),
                Reference(
                    "Gil RJ, Bil J, Grundeken MJ, Inigo Garcia LA, Vassilev D, Kern A, Pawlowski"
                    " T, Wykrzykowska JJ, Serruys PW. Long-term effectiveness and safety of the"
                    " sirolimus-eluting BiOSS LIM(R) dedicated bifurcation stent in the treatment"
                    " of distal left main stenosis: an international registry. EuroIntervention."
                    " 2016 Nov 20;12(10):1246-1254. doi: 10.4244/EIJY15M10_05.",
                    "26465375",
                    "10.4244/EIJY15M10_05",
                    "RESULT",
                ),
            ],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v2_nct06171568_no_arms_collaborators(data_dir: Path) -> None:
    trial = _trial(ctgov_v2, data_dir / "ctgov-v2" / "NCT06171568.json", "NCT06171568")
    aphp = "Assistance Publique - Hôpitaux de Paris"
    citations = [
        ("Peeters W, van den Brande R, Polinder S...", "26269030"),
        ("Jourdan C, Azouvi P, Genet F, Selly N...", "29016402"),
        ("Langlois JA, Rutland-Brown W...", "16983222"),
        ("Stocchetti N, Zanier ER. Chronic impact...", "27323708"),
        ("Jourdan C, Bayen E, Bosserelle V...", "22460612"),
        ("Schnitzler A, Erbault M, Solomiac A...", "30031892"),
        ("Rodrigues JC, Becker N, Beckenkamp CL...", "31073378"),
        ("de Guise E, Leblanc J, Champoux MC...", "24102622"),
    ]
    check(
        trial,
        {
            "nct_id": "NCT06171568",
            "org_study_id": "APHP230528",
            "secondary_ids": ("2023-A00386-39",),
            "acronym": "ECOG",
            "brief_title": "Lariboisière Cognitive Assessment: Evaluation of the 1-year Outcomes",
            "official_title": (
                "Study of the One-year Outcomes of Patients Hospitalized in the Lariboisière"
                " Neurosurgery Department"
            ),
            "status": "NOT_YET_RECRUITING",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 400,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2024-02-01", "ESTIMATED"),
            "primary_completion_date": PartialDate("2025-02-01", "ESTIMATED"),
            "completion_date": PartialDate("2025-02-01", "ESTIMATED"),
            "last_update": PartialDate("2023-12-14", "ESTIMATED"),
            "brief_summary": "Cognitive sequelae are common following acquired brain injuries....",
            "detailed_description": "Traumatic brain injuries (TBI)...",
            "conditions": [
                Condition("Brain Injuries", "conditions", ("D000001930",), ("Brain Injuries",))
            ],
            "mesh_ancestors": (
                ("D000001927", "Brain Diseases"),
                ("D000002493", "Central Nervous System Diseases"),
                ("D000009422", "Nervous System Diseases"),
                ("D000006259", "Craniocerebral Trauma"),
                ("D000020196", "Trauma, Nervous System"),
                ("D000014947", "Wounds and Injuries"),
            ),
            "keywords": (
                "Brain injuries",
                "Prognosis",
                "Cognitive impairment",
                "Cognition",
                "Executive Function",
                "Neuropsychological tests",
                "Neuro-rehabilitation",
            ),
            "arms": [],
            "interventions": [
                Intervention(
                    "Tests and questionnaires",
                    "OTHER",
                    "1 year after discharge from neurosurgery department...",
                )
            ],
            "eligibility": Eligibility(
                "ALL", 18.0, None, False, "Inclusion Criteria:\n\n* Patient over 18 years..."
            ),
            "sponsors": [
                Sponsor(aphp, "lead", "OTHER"),
                Sponsor("SBT Human(s) Matter", "collaborator", "UNKNOWN"),
                Sponsor(
                    "Clinical Research Unit Saint Louis Lariboisière", "collaborator", "UNKNOWN"
                ),
            ],
            "responsible_party": "SPONSOR",
            "officials": [
                Official("Emmanuel Mandonnet, MD, PhD", "PRINCIPAL_INVESTIGATOR", aphp),
                Official("Alexis Schnitzler, MD, PhD", "STUDY_DIRECTOR", aphp),
                Official("Camille Heslot, MD", "CONTACT"),
                Official("Alexis Schnitzler, MD, PhD", "CONTACT"),
            ],
            "sites": [
                Site(
                    "Neurosurgery - Lariboisière hospital",
                    "Paris",
                    "Ile-de-France",
                    "75010",
                    "France",
                    None,
                    48.85341,
                    2.3488,
                )
            ],
            "references": [Reference(c, pmid, None, "BACKGROUND") for c, pmid in citations],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v2_nct04207047_devices_in_four_arms(data_dir: Path) -> None:
    trial = _trial(ctgov_v2, data_dir / "ctgov-v2" / "NCT04207047.json", "NCT04207047")
    title = "Histologic Evaluation of Tissue Following Lutronic System Exposure"
    end = "it at 7+3 days after the test spot exposure visit."
    check(
        trial,
        {
            "nct_id": "NCT04207047",
            "org_study_id": "L18006",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": title,
            "official_title": title,
            "status": "UNKNOWN",
            "phases": ("NA",),
            "study_type": "INTERVENTIONAL",
            "allocation": "NON_RANDOMIZED",
            "intervention_model": "SINGLE_GROUP",
            "masking": "NONE",
            "primary_purpose": "TREATMENT",
            "enrollment": 3,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2018-10-02", "ACTUAL"),
            "primary_completion_date": PartialDate("2018-10-31", "ACTUAL"),
            "completion_date": PartialDate("2020-03-31", "ESTIMATED"),
            "last_update": PartialDate("2019-12-20", "ACTUAL"),
            "brief_summary": Prose(
                "Enrollment of up to 25 subjects; subjects enrolled may be greater than",
                "d sites may be taken at investigator's discretion.",
                505,
            ),
            "detailed_description": Prose(
                "Enrolled subjects who qualify will be assigned to one of four groups d",
                " after the subject has been exited from the study.",
                1792,
            ),
            "conditions": [Condition("Abdominoplasty")],
            "mesh_ancestors": (),
            "keywords": (),
            "arms": [
                Arm(
                    "Group A",
                    "EXPERIMENTAL",
                    "Group A (up to n=5): Genius exposure 1-3 hours before tissue resection",
                    ("Genius",),
                ),
                Arm(
                    "Group B",
                    "EXPERIMENTAL",
                    Prose("Group B (up to n=5): Genius exposure 30+7 days, 14+3 days", end, 202),
                    ("Genius",),
                ),
                Arm(
                    "Group C",
                    "EXPERIMENTAL",
                    Prose("Group C (up to n=5): Genius exposure 90+14 days, 60+10 days", end, 205),
                    ("Genius",),
                ),
                Arm(
                    "Group D",
                    "EXPERIMENTAL",
                    Prose("Group D (up to n=10): Genius, LaseMD, LaseMD FLEX, eCO2", end, 246),
                    ("Genius", "eC02", "PicoPlus", "LaseMD", "LaseMD Flex"),
                ),
            ],
            "interventions": [
                Intervention(
                    "Genius",
                    "DEVICE",
                    Prose(
                        "The Infini Radiofrequency System (K121481) is the predicate device.",
                        " been redesigned to be lighter and more ergonomic.",
                        707,
                    ),
                    (),
                    ("Group A", "Group B", "Group C", "Group D"),
                ),
                Intervention(
                    "eC02",
                    "DEVICE",
                    Prose(
                        "The eCO2 Laser System (K091115) is indicated for use in dermatological",
                        "onal CO2 treatment of skin and is not yet cleared.",
                        470,
                    ),
                    (),
                    ("Group D",),
                ),
                Intervention(
                    "PicoPlus",
                    "DEVICE",
                    Prose(
                        "The PICOPLUS Laser System (K173700) is indicated for use in surgical a",
                        "tology and general and plastic surgery as follows:",
                        181,
                    ),
                    (),
                    ("Group D",),
                ),
                Intervention(
                    "LaseMD",
                    "DEVICE",
                    Prose(
                        "The LaseMD Laser System (K171009) is a 1927 factional thulium laser in",
                        "eckles). The cleared LaseMD system is a 5W system.",
                        375,
                    ),
                    (),
                    ("Group D",),
                ),
                Intervention(
                    "LaseMD Flex",
                    "DEVICE",
                    Prose(
                        "There are two new versions of the LaseMD system to be used in this stu",
                        "cifications remain the same as the cleared device.",
                        604,
                    ),
                    (),
                    ("Group D",),
                ),
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                None,
                True,
                Prose(
                    "Inclusion Criteria:\n\n1. Male or female, age 18 years and older.\n2. Sub",
                    "anding and signing the informed consent.\n\n       -",
                    3628,
                ),
            ),
            "sponsors": [Sponsor("LUTRONIC Corporation", "lead", "INDUSTRY")],
            "responsible_party": "SPONSOR",
            "officials": [],
            "sites": [
                Site(
                    "William LoVerme, MD",
                    "Billerica",
                    "Massachusetts",
                    "01821",
                    "United States",
                    None,
                    42.55843,
                    -71.26895,
                )
            ],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


NCT06388018_OTHER_NAMES = {
    "Clinical Observation": ("observation",),
    "Computed Tomography": (
        "CAT",
        "CAT Scan",
        "Computed Axial Tomography",
        "Computerized Axial Tomography",
        "Computerized axial tomography (procedure)",
        "Computerized Tomography",
        "Computerized Tomography (CT) scan",
        "CT",
        "CT Scan",
        "tomography",
    ),
    "External Beam Radiation Therapy": (
        "Definitive Radiation Therapy",
        "EBRT",
        "External Beam Radiation",
        "External Beam Radiotherapy",
        "External Beam Radiotherapy (conventional)",
        "External Beam RT",
        "external radiation",
        "External Radiation Therapy",
        "external-beam radiation",
        "Radiation, External Beam",
        "Teleradiotherapy",
        "Teletherapy",
        "Teletherapy Radiation",
    ),
    "High-Dose-Rate Vaginal Brachytherapy": (
        "HDR-IVB",
        "High-Dose-Rate Intra-Vaginal Brachytherapy",
    ),
    "Magnetic Resonance Imaging": (
        "Magnetic Resonance",
        "Magnetic Resonance Imaging (MRI)",
        "Magnetic resonance imaging (procedure)",
        "Magnetic Resonance Imaging Scan",
        "Medical Imaging, Magnetic Resonance / Nuclear Magnetic Resonance",
        "MR",
        "MR Imaging",
        "MRI",
        "MRI Scan",
        "MRIs",
        "NMR Imaging",
        "NMRI",
        "Nuclear Magnetic Resonance Imaging",
        "sMRI",
        "Structural MRI",
    ),
    "Positron Emission Tomography": (
        "Medical Imaging, Positron Emission Tomography",
        "PET",
        "PET Scan",
        "Positron emission tomography (procedure)",
        "Positron Emission Tomography Scan",
        "Positron-Emission Tomography",
        "proton magnetic resonance spectroscopic imaging",
        "PT",
    ),
    "Questionnaire Administration": (),
    "X-Ray Imaging": (
        "Conventional X-Ray",
        "Diagnostic Radiology",
        "Medical Imaging, X-Ray",
        "Plain film radiographs",
        "Radiographic Imaging",
        "Radiographic imaging procedure (procedure)",
        "Radiography",
        "RG",
        "Static X-Ray",
        "X-Ray",
    ),
}


def test_v2_nct06388018_api_page(data_dir: Path) -> None:
    path = data_dir / "ctgov-v2" / "NCT06388018-page.json"
    trial = _trial(ctgov_v2, path, "NCT06388018")
    page = json.loads(path.read_bytes())
    assert trial.provenance.record_sha256 == _json_record_sha(page["studies"][0])
    assert trial.provenance.record_key == "NCT06388018"
    all_three = ("Cohort A1", "Cohort A2", "Sub-study B")
    imaging = ("Computed Tomography", "Magnetic Resonance Imaging", "Positron Emission Tomography")
    ivs = [
        ("Clinical Observation", "OTHER", "Undergo observation", all_three),
        ("Computed Tomography", "PROCEDURE", "Undergo CT or PET/CT", all_three),
        ("External Beam Radiation Therapy", "RADIATION", "Undergo EBRT", ("Cohort A2",)),
        (
            "High-Dose-Rate Vaginal Brachytherapy",
            "PROCEDURE",
            "Undergo vaginal brachytherapy",
            ("Cohort A2", "Sub-study B"),
        ),
        ("Magnetic Resonance Imaging", "PROCEDURE", "Undergo MRI", all_three),
        ("Positron Emission Tomography", "PROCEDURE", "Undergo PET/CT", all_three),
        ("Questionnaire Administration", "OTHER", "Ancillary studies", all_three),
        ("X-Ray Imaging", "PROCEDURE", "Undergo x-ray imaging", all_three),
    ]
    sarcoma = ("D000012509", "D000018203"), ("Sarcoma", "Sarcoma, Endometrial Stromal")
    stages = ("I", "II", "III")
    end = " and as clinically indicated throughout the trial."
    check(
        trial,
        {
            "nct_id": "NCT06388018",
            "org_study_id": "NRG-GY032",
            "secondary_ids": ("NCI-2023-09355", "NRG-GY032", "U10CA180868"),
            "acronym": None,
            "brief_title": (
                "Tailoring Therapy in Post-surgical Patients With Low-risk Endometrial Cancer"
            ),
            "official_title": (
                "A Phase II Study of Tailored Adjuvant Therapy in Pole-Mutated and"
                " p53-Wildtype/NSMP Early-Stage Endometrial Cancer (RAINBO BLUE &Amp; TAPER)"
            ),
            "status": "RECRUITING",
            "phases": ("PHASE2",),
            "study_type": "INTERVENTIONAL",
            "allocation": "NON_RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "NONE",
            "primary_purpose": "TREATMENT",
            "enrollment": 325,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2025-01-16", "ESTIMATED"),
            "primary_completion_date": PartialDate("2027-01-16", "ESTIMATED"),
            "completion_date": PartialDate("2027-01-16", "ESTIMATED"),
            "last_update": PartialDate("2024-07-15", "ACTUAL"),
            "brief_summary": Prose(
                "This phase II trial tests how well tailoring therapy in post-surgery w",
                "diation and or chemotherapy should be recommended.",
                456,
            ),
            "detailed_description": Prose(
                "PRIMARY OBJECTIVE:\n\nI. Estimate the rate of pelvic recurrence at 3 yea",
                "n every 6 months for 3 years, and then every year.",
                1896,
            ),
            "conditions": [
                *(
                    Condition(
                        f"Stage {s} Uterine Corpus Endometrial Stromal Sarcoma AJCC v8",
                        "conditions",
                        *sarcoma,
                    )
                    for s in stages
                ),
                Condition(
                    "Endometrial Neoplasms", "mesh", ("D000016889",), ("Endometrial Neoplasms",)
                ),
            ],
            "mesh_ancestors": (
                ("D000018204", "Neoplasms, Connective and Soft Tissue"),
                ("D000009370", "Neoplasms by Histologic Type"),
                ("D000009369", "Neoplasms"),
                ("D000014594", "Uterine Neoplasms"),
                ("D000005833", "Genital Neoplasms, Female"),
                ("D000014565", "Urogenital Neoplasms"),
                ("D000009371", "Neoplasms by Site"),
                ("D000014591", "Uterine Diseases"),
                ("D000005831", "Genital Diseases, Female"),
                ("D000052776", "Female Urogenital Diseases"),
                ("D000005261", "Female Urogenital Diseases and Pregnancy Complications"),
                ("D000091642", "Urogenital Diseases"),
                ("D000091662", "Genital Diseases"),
                ("D000018193", "Neoplasms, Complex and Mixed"),
                ("D000036821", "Endometrial Stromal Tumors"),
            ),
            "keywords": (),
            "arms": [
                Arm(
                    "Cohort A1",
                    "ACTIVE_COMPARATOR",
                    Prose(
                        "Patients with POLE-mutated early-stage EC undergo observation", end, 197
                    ),
                    (
                        "Clinical Observation",
                        "Computed Tomography",
                        "Magnetic Resonance Imaging",
                        "Positron Emission Tomography",
                        "Questionnaire Administration",
                        "X-Ray Imaging",
                    ),
                ),
                Arm(
                    "Cohort A2",
                    "EXPERIMENTAL",
                    Prose(
                        "Patients with higher-risk POLE-mutated EC undergo observation", end, 244
                    ),
                    (
                        "Clinical Observation",
                        "Computed Tomography",
                        "External Beam Radiation Therapy",
                        "High-Dose-Rate Vaginal Brachytherapy",
                        *imaging[1:],
                        "Questionnaire Administration",
                        "X-Ray Imaging",
                    ),
                ),
                Arm(
                    "Sub-study B",
                    "ACTIVE_COMPARATOR",
                    Prose("Patients with p53 wildtype/NSMP ER+ EC undergo observation", end, 229),
                    (
                        "Clinical Observation",
                        "Computed Tomography",
                        "High-Dose-Rate Vaginal Brachytherapy",
                        *imaging[1:],
                        "Questionnaire Administration",
                        "X-Ray Imaging",
                    ),
                ),
            ],
            "interventions": [
                Intervention(name, kind, desc, NCT06388018_OTHER_NAMES[name], arms)
                for name, kind, desc, arms in ivs
            ],
            "eligibility": Eligibility(
                "FEMALE",
                18.0,
                None,
                False,
                Prose(
                    "Inclusion Criteria:\n\n* Patients must have had surgery consisting of hy",
                    "solated tumour cell(s) identified in lymph node(s)",
                    7097,
                ),
            ),
            "sponsors": [
                Sponsor("NRG Oncology", "lead", "OTHER"),
                Sponsor("National Cancer Institute (NCI)", "collaborator", "NIH"),
                Sponsor("Canadian Cancer Trials Group (CCTG)", "collaborator", "UNKNOWN"),
            ],
            "responsible_party": "SPONSOR",
            "officials": [Official("Matthew A Powell", "PRINCIPAL_INVESTIGATOR", "NRG Oncology")],
            "sites": [
                Site(
                    "Women and Infants Hospital",
                    "Providence",
                    "Rhode Island",
                    "02905",
                    "United States",
                    "RECRUITING",
                    41.82399,
                    -71.41283,
                )
            ],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v2_nct06388018_agrees_with_aact_rows(data_dir: Path) -> None:
    """The AACT project's expected table rows for the same study, as an oracle."""
    trial = _trial(ctgov_v2, data_dir / "ctgov-v2" / "NCT06388018-page.json", "NCT06388018")
    rows = json.loads((data_dir / "ctgov-v2" / "NCT06388018.expected-aact-rows.json").read_bytes())
    m = rows["models"]
    study = m["Study"][0]
    assert trial.brief_title == study["brief_title"]
    assert trial.official_title == study["official_title"]
    assert trial.status == study["overall_status"]
    assert trial.phases == tuple(study["phase"].split("/"))
    assert trial.study_type == study["study_type"]
    assert (trial.enrollment, trial.enrollment_type) == (
        study["enrollment"],
        study["enrollment_type"],
    )
    assert trial.acronym == study["acronym"]
    for ours, theirs in [
        (trial.start_date, "start"),
        (trial.primary_completion_date, "primary_completion"),
        (trial.completion_date, "completion"),
    ]:
        assert ours == PartialDate(study[f"{theirs}_date"], study[f"{theirs}_date_type"])
    assert trial.last_update == PartialDate(
        study["last_update_posted_date"], study["last_update_posted_date_type"]
    )
    design = m["Design"][0]
    assert (
        trial.allocation,
        trial.intervention_model,
        trial.masking,
        trial.primary_purpose,
    ) == (
        design["allocation"],
        design["intervention_model"],
        design["masking"],
        design["primary_purpose"],
    )
    elig = m["Eligibility"][0]
    assert trial.eligibility.sex == elig["gender"]
    assert trial.eligibility.healthy_volunteers == elig["healthy_volunteers"]
    assert trial.eligibility.criteria == elig["criteria"]
    calc = m["CalculatedValue"][0]
    assert trial.eligibility.min_age_years == calc["minimum_age_num"]
    assert trial.eligibility.max_age_years == calc["maximum_age_num"]
    assert trial.brief_summary == m["BriefSummary"][0]["description"]
    assert trial.detailed_description == m["DetailedDescription"][0]["description"]
    assert [c.name for c in trial.conditions if c.found_in == "conditions"] == [
        r["name"] for r in m["Condition"]
    ]
    mesh_list = {r["mesh_term"] for r in m["BrowseCondition"] if r["mesh_type"] == "mesh-list"}
    assert {t for c in trial.conditions for t in c.mesh_terms} == mesh_list
    assert [(a.label, a.type, a.description) for a in trial.arms] == [
        (g["title"], g["group_type"], g["description"]) for g in m["DesignGroup"]
    ]
    assert [(i.name, i.type, i.description) for i in trial.interventions] == [
        (r["name"], r["intervention_type"], r["description"]) for r in m["Intervention"]
    ]
    assert sorted(n for i in trial.interventions for n in i.other_names) == sorted(
        r["name"] for r in m["InterventionOtherName"]
    )
    assert sum(len(a.intervention_names) for a in trial.arms) == len(m["DesignGroupIntervention"])
    assert {(s.name, s.role, s.agency_class) for s in trial.sponsors} == {
        (r["name"], r["lead_or_collaborator"], r["agency_class"]) for r in m["Sponsor"]
    }
    assert [(o.name, o.role, o.affiliation) for o in trial.officials] == [
        (r["name"], r["role"], r["affiliation"]) for r in m["OverallOfficial"]
    ]
    assert [(s.facility, s.city, s.state, s.zip, s.country, s.status) for s in trial.sites] == [
        (r["name"], r["city"], r["state"], r["zip"], r["country"], r["status"])
        for r in m["Facility"]
    ]
    ids = m["IdInformation"]
    assert trial.org_study_id == next(
        r["id_value"] for r in ids if r["id_source"] == "org_study_id"
    )
    assert set(trial.secondary_ids) == {
        r["id_value"] for r in ids if r["id_source"] == "secondary_id"
    }
    assert trial.responsible_party == m["ResponsibleParty"][0]["responsible_party_type"]
    assert trial.keywords == tuple(r["name"] for r in m["Keyword"])
    assert len(trial.references) == len(m["StudyReference"])
    assert list(trial.see_also) == [r["url"] for r in m["Link"]]


def test_v2_nct01100827_missing_fields(data_dir: Path) -> None:
    path = data_dir / "ctgov-v2" / "ctg-studies-nsclc.json"
    trial = _trial(ctgov_v2, path, "NCT01100827")
    study = next(
        s
        for s in json.loads(path.read_bytes())
        if s["protocolSection"]["identificationModule"]["nctId"] == "NCT01100827"
    )
    assert trial.provenance.record_sha256 == _json_record_sha(study)
    assert trial.provenance.source_file == "ctg-studies-nsclc.json"
    label = "EGFR mutation status in patients"
    check(
        trial,
        {
            "nct_id": "NCT01100827",
            "org_study_id": "NS01/03/10",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": Prose(
                "A Retrospective Molecular Epidemiology Study in Singapore Patients Wit",
                "rmal Growth Factor Receptor (EGFR) Mutation Status",
                209,
            ),
            "official_title": None,
            "status": "UNKNOWN",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": None,
            "enrollment_type": None,
            "start_date": PartialDate("2013-02"),
            "primary_completion_date": PartialDate("2015-02", "ESTIMATED"),
            "completion_date": PartialDate("2015-02", "ESTIMATED"),
            "last_update": PartialDate("2013-12-11", "ESTIMATED"),
            "brief_summary": Prose(
                "To determine EGFR mutation status in patients with advanced stage aden",
                "a in advanced stage adenocarcinoma NSCLC patients.",
                216,
            ),
            "detailed_description": None,
            "conditions": [Condition("NSCLC")],
            "mesh_ancestors": (),
            "keywords": (
                "EGFR mutation status in patients with advanced stage adenocarcinoma NSCLC",
                "The association between EGFR mutation status and demographic data in advanced"
                " stage adenocarcinoma NSCLC patients.",
            ),
            "arms": [Arm(label, None, None, (label,))],
            "interventions": [Intervention(label, "OTHER", None, (), (label,))],
            "eligibility": Eligibility(
                "ALL", 1.0, None, None, "Inclusion Criteria:\n\nNil\n\nExclusion Criteria:\n\nNil"
            ),
            "sponsors": [Sponsor("National University Hospital, Singapore", "lead", "OTHER")],
            "responsible_party": None,
            "officials": [Official("Ross Andrew Soo, MBBS", "CONTACT")],
            "sites": [
                Site(
                    "National University Hospital Singapore",
                    "Singapore",
                    "Singapore",
                    None,
                    "Singapore",
                    "RECRUITING",
                    1.28967,
                    103.85007,
                )
            ],
            "references": [
                Reference(
                    Prose(
                        "Shigematsu H, Lin L, Takahashi T, Nomura M, Suzuki M, Wistuba II, Fong",
                        "2005 Mar 2;97(5):339-46. doi: 10.1093/jnci/dji055.",
                        346,
                    ),
                    "15741570",
                    "10.1093/jnci/dji055",
                    "BACKGROUND",
                ),
                Reference(
                    Prose(
                        "Miller VA, Kris MG, Shah N, Patel J, Azzoli C, Gomez J, Krug LM, Pao W",
                        "Mar 15;22(6):1103-9. doi: 10.1200/JCO.2004.08.158.",
                        369,
                    ),
                    "15020612",
                    "10.1200/JCO.2004.08.158",
                    "BACKGROUND",
                ),
            ],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v2_alias_is_not_a_related_trial(data_dir: Path) -> None:
    """NCT02300909 names its alias NCT02380456: the same trial, not a related one."""
    path = data_dir / "ctgov-v2" / "ctg-studies-herniated-disc.json"
    trial = _trial(ctgov_v2, path, "NCT02300909")
    assert trial.related_nct_ids == ()
    assert [c.name for c in trial.conditions] == ["Scarring", "Spinal Stenosis", "Herniated Disc"]
    assert [(c.mesh_ids, c.mesh_terms) for c in trial.conditions] == [
        ((), ()),
        (("D013130",), ("Spinal Stenosis",)),
        (("D007405",), ("Intervertebral Disc Displacement",)),
    ]


def test_v2_phone_number_in_official_affiliation(data_dir: Path) -> None:
    """NCT02552212 gives a phone number as its study director's affiliation."""
    trial = _trial(ctgov_v2, data_dir / "ctgov-v2" / "NCT02552212.json", "NCT02552212")
    assert Official("UCB Cares", "STUDY_DIRECTOR", "UCB") in trial.officials
    assert "phone number removed from official affiliation" in trial.notes


# ----------------------------------------------------------------------------- classic API v1
def _v1_trial(data_dir: Path, file: str, nct: str) -> Trial:
    return _trial(ctgov_v1, data_dir / "ctgov-v1" / file, nct)


def _v1_study(data_dir: Path, file: str, nct: str) -> Any:
    doc = json.loads((data_dir / "ctgov-v1" / file).read_bytes())
    return next(
        e["Study"]
        for e in doc["FullStudiesResponse"]["FullStudies"]
        if e["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"] == nct
    )


def test_v1_nct02140528_month_dates_see_also(data_dir: Path) -> None:
    file = "msc-allogeneic-mesenchymal.json"
    trial = _v1_trial(data_dir, file, "NCT02140528")
    assert trial.provenance.format == "ctgov-v1"
    assert trial.provenance.record_key == "NCT02140528"
    assert trial.provenance.record_sha256 == _json_record_sha(
        _v1_study(data_dir, file, "NCT02140528")
    )
    royan = "Royan Institute"
    check(
        trial,
        {
            "nct_id": "NCT02140528",
            "org_study_id": "Royan-Bone-012",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": (
                "Allogeneic Mesenchymal Stem Cell Transplantation in Tibial Closed Diaphyseal"
                " Fractures"
            ),
            "official_title": (
                "Evaluation the Safety and Efficacy of Allogeneic Mesenchymal Stem Cell"
                " Transplantation in Tibial Closed Diaphyseal Fractures"
            ),
            "status": "COMPLETED",
            "phases": ("PHASE2",),
            "study_type": "INTERVENTIONAL",
            "allocation": "RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "DOUBLE",
            "primary_purpose": "TREATMENT",
            "enrollment": 40,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2013-08", "ACTUAL"),
            "primary_completion_date": PartialDate("2016-03", "ACTUAL"),
            "completion_date": PartialDate("2016-04", "ACTUAL"),
            "last_update": PartialDate("2017-04-27", "ACTUAL"),
            "brief_summary": Prose(
                "This study is a case-control prospective, clinal trial to assess the s",
                " healing of recent tibial fracture in 40 patients.",
                217,
            ),
            "detailed_description": Prose(
                "In this study all eligible patients divided in 2 group.20 patients rec",
                "AS and biochemical analysis with laboratory tests.",
                415,
            ),
            "conditions": [
                Condition("Tibial Fracture", "conditions", ("D000050723",), ("Fractures, Bone",)),
                Condition("Tibial Fractures", "mesh", ("D000013978",), ("Tibial Fractures",)),
            ],
            "mesh_ancestors": (
                ("D000014947", "Wounds and Injuries"),
                ("D000007869", "Leg Injuries"),
            ),
            "keywords": ("Allogenic adipose derived mesenchymal stem cell tibial fracture",),
            "arms": [
                Arm(
                    "Mesenchymal stem cell receipients",
                    "EXPERIMENTAL",
                    "Transplantation of allogenic adipose derived mesenchymal stem cells in"
                    " patients with tibial fracture.",
                    ("Mesenchymal stem cell injection",),
                ),
                Arm(
                    "Placebo",
                    "PLACEBO_COMPARATOR",
                    "Placebo injection in the site of fracture in patients with tibia fracture.",
                    ("Placebo",),
                ),
            ],
            "interventions": [
                Intervention(
                    "Mesenchymal stem cell injection",
                    "BIOLOGICAL",
                    "Injection of adipose derived mesenchymal stem cell in the site of tibia"
                    " fracture .",
                    ("stem cell transplantation",),
                    ("Mesenchymal stem cell receipients",),
                ),
                Intervention("Placebo", "BIOLOGICAL", None, (), ("Placebo",)),
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                65.0,
                False,
                Prose(
                    "Inclusion Criteria:\n\nAge 18 to 65 years\nThe presence of tibial fractur",
                    "abetes or heart and lung disease\nimmune deficiency",
                    262,
                ),
            ),
            "sponsors": [Sponsor(royan, "lead", "OTHER_GOV")],
            "responsible_party": "SPONSOR",
            "officials": [
                Official("Hamid Gourabi, PhD", "STUDY_CHAIR", "Head of Royan Institute"),
                Official(
                    "Nasser Aghdami, MD,PhD",
                    "STUDY_DIRECTOR",
                    "Head of regenerative medicine department &cell therapy center of Royan"
                    " Institute",
                ),
                Official(
                    "Mohsen Emaddedin, MD",
                    "STUDY_DIRECTOR",
                    "Department or regenerative medicine of Royan Institute.",
                ),
                Official(
                    "Aziz Ahmadi, MD",
                    "PRINCIPAL_INVESTIGATOR",
                    "Scientific board of Iranian Orthopedic Association",
                ),
                Official(
                    "Maedeh Ghorbani, MD",
                    "PRINCIPAL_INVESTIGATOR",
                    "Department of Regenerative Medicine",
                ),
                Official(
                    "Afshin Farhadi, MD",
                    "PRINCIPAL_INVESTIGATOR",
                    "Scientific board of Iranian Orthopedic Association",
                ),
            ],
            "sites": [Site(royan, "Tehran", None, None, "Iran, Islamic Republic of")],
            "references": [],
            "related_nct_ids": (),
            "see_also": ("http://Royaninstitute.org",),
            "notes": [],
        },
    )


def test_v1_nct03967275_observational_mesh_from_title(data_dir: Path) -> None:
    trial = _v1_trial(data_dir, "msc-allogeneic-mesenchymal.json", "NCT03967275")
    foundation = "Fondation Ophtalmologique Adolphe de Rothschild"
    title = "Subconjunctival Injection of Allogeneic Mesenchymal Stem Cells in Severe Ocular"
    check(
        trial,
        {
            "nct_id": "NCT03967275",
            "org_study_id": "EGN_2018_11",
            "secondary_ids": (),
            "acronym": "SYMBOLpreclini",
            "brief_title": f"{title} Chemical Burn",
            "official_title": f"{title} Chemical Burn SyMbOL Pre Clinical Study",
            "status": "COMPLETED",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 7,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2020-09-09", "ACTUAL"),
            "primary_completion_date": PartialDate("2022-06-01", "ACTUAL"),
            "completion_date": PartialDate("2022-06-01", "ACTUAL"),
            "last_update": PartialDate("2022-07-05", "ACTUAL"),
            "brief_summary": Prose(
                "The objective of this pre-clinical study is to demonstrate the robustn",
                "ulate data about stability of cryopreserved cells.",
                518,
            ),
            "detailed_description": None,
            "conditions": [
                Condition("Bone Marrow Donor"),
                Condition("Burns, Chemical", "mesh", ("D000002057",), ("Burns, Chemical",)),
            ],
            "mesh_ancestors": (
                ("D000002056", "Burns"),
                ("D000014947", "Wounds and Injuries"),
            ),
            "keywords": (
                "Bone marrow harvest",
                "Bone Marrow derived Mesenchymal Stem Cells (BM-MSC)",
                "Pre-clinical",
            ),
            "arms": [],
            "interventions": [
                Intervention(
                    "bone marrow harvest",
                    "OTHER",
                    "During bone marrow harvest, an additional 10 mL sample will be collected for"
                    " the study.",
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                None,
                True,
                Prose(
                    "Inclusion criteria:\n\n- Patient with a bone marrow donation planned\n\nEx",
                    "cannot be obtained during the BM harvest procedure",
                    216,
                ),
            ),
            "sponsors": [Sponsor(foundation, "lead", "NETWORK")],
            "responsible_party": "SPONSOR",
            "officials": [],
            "sites": [Site("Saint Louis Hospital, APHP", "Paris", None, "75010", "France")],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v1_nct04780685_anticipated_dates_contacts(data_dir: Path) -> None:
    trial = _v1_trial(data_dir, "msc-allogeneic-mesenchymal.json", "NCT04780685")
    stemedica = "Stemedica Cell Technologies, Inc."
    saint_johns = "Providence Saint John's Health Center - Saint John's Cancer"
    check(
        trial,
        {
            "nct_id": "NCT04780685",
            "org_study_id": "STEM-107-COVID-19",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": (
                "A Phase II Study in Patients With Moderate to Severe ARDS Due to COVID-19"
            ),
            "official_title": Prose(
                "A Phase II, Double-blind, Placebo-controlled Study to Assess the Safet",
                "ients With Moderate to Severe ARDS Due to COVID-19",
                217,
            ),
            "status": "RECRUITING",
            "phases": ("PHASE2",),
            "study_type": "INTERVENTIONAL",
            "allocation": "RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "QUADRUPLE",
            "primary_purpose": "TREATMENT",
            "enrollment": 40,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2021-03-20", "ACTUAL"),
            "primary_completion_date": PartialDate("2022-09-30", "ESTIMATED"),
            "completion_date": PartialDate("2022-12-31", "ESTIMATED"),
            "last_update": PartialDate("2022-07-08", "ACTUAL"),
            "brief_summary": Prose(
                "This is a Phase II multi-center, double-blind, placebo-controlled, ran",
                " or other potential viral and bacterial pathogens.",
                197,
            ),
            "detailed_description": Prose(
                "This is a Phase II multi-center, double-blind, placebo-controlled, ran",
                "easons other than adverse events will be replaced.",
                706,
            ),
            "conditions": [
                Condition("Covid19", "conditions", ("D000086382",), ("COVID-19",)),
            ],
            "mesh_ancestors": (
                ("D000012141", "Respiratory Tract Infections"),
                ("D000007239", "Infections"),
                ("D000011024", "Pneumonia, Viral"),
                ("D000011014", "Pneumonia"),
                ("D000014777", "Virus Diseases"),
                ("D000018352", "Coronavirus Infections"),
                ("D000003333", "Coronaviridae Infections"),
                ("D000030341", "Nidovirales Infections"),
                ("D000012327", "RNA Virus Infections"),
                ("D000008171", "Lung Diseases"),
                ("D000012140", "Respiratory Tract Diseases"),
            ),
            "keywords": (),
            "arms": [
                Arm(
                    "hMSCs",
                    "EXPERIMENTAL",
                    "hMSCs will be given via IV administration.",
                    ("hMSC",),
                ),
                Arm(
                    "Lactated Ringer's Solution",
                    "PLACEBO_COMPARATOR",
                    "Lactated Ringer's Solution will be given via IV administration.",
                    ("hMSC",),
                ),
            ],
            "interventions": [
                Intervention(
                    "hMSC",
                    "BIOLOGICAL",
                    "IV administration",
                    ("allogeneic mesenchymal bone marrow cells",),
                    ("Lactated Ringer's Solution", "hMSCs"),
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                None,
                False,
                Prose(
                    "Inclusion Criteria:\n\nLaboratory-confirmed diagnosis of COVID-19 <= 14 ",
                    "ation\nReceiving concurrent investigational vaccine",
                    993,
                ),
            ),
            "sponsors": [
                Sponsor(stemedica, "lead", "INDUSTRY"),
                Sponsor("bioRASI, LLC", "collaborator", "INDUSTRY"),
            ],
            "responsible_party": "SPONSOR",
            "officials": [
                Official("Lev Verkh, PhD/MS", "STUDY_DIRECTOR", stemedica),
                Official("Santosh Kesari, MD", "PRINCIPAL_INVESTIGATOR", saint_johns),
                Official("Lev Verkh, PhD/MS", "CONTACT"),
            ],
            "sites": [
                Site(
                    "Providence Medical Foundation",
                    "Fullerton",
                    "California",
                    "92835",
                    "United States",
                    "RECRUITING",
                ),
                Site(
                    "Providence Saint John's Health Center - Saint John's Cancer Institute",
                    "Santa Monica",
                    "California",
                    "90404",
                    "United States",
                    "RECRUITING",
                ),
            ],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v1_two_versions_of_one_trial_are_both_kept(data_dir: Path) -> None:
    """NCT04780685 is in two v1 pages downloaded a year apart: two versions of the record."""
    new = _v1_trial(data_dir, "msc-allogeneic-mesenchymal.json", "NCT04780685")
    old = _v1_trial(data_dir, "results_1-with-results.json", "NCT04780685")
    assert old.provenance.record_key == new.provenance.record_key == "NCT04780685"
    assert old.provenance.record_sha256 != new.provenance.record_sha256
    assert old.last_update == PartialDate("2021-03-03", "ESTIMATED")
    assert old.start_date == PartialDate("2021-03-20", "ESTIMATED")
    assert [s.city for s in old.sites] == ["Santa Monica", "Mesquite"]
    assert (old.brief_title, old.arms, old.interventions) == (
        new.brief_title,
        new.arms,
        new.interventions,
    )


def test_v1_nct02166489_mesh_by_as_found(data_dir: Path) -> None:
    trial = _v1_trial(data_dir, "msc-mesenchymal-stem.json", "NCT02166489")
    royan = "Royan Institute"
    check(
        trial,
        {
            "nct_id": "NCT02166489",
            "org_study_id": "Royan-Kidney-003",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": (
                "Mesenchymal Stem Cells Transplantation in Patients With Chronic Renal Failure"
                " Due to Polycystic Kidney Disease"
            ),
            "official_title": (
                "Evaluation the Effect of Mesenchymal Stem Cells Transplantation in Patients With"
                " Chronic Renal Failure Due to Autosomal Dominant Polycystic Kidney Disease"
            ),
            "status": "COMPLETED",
            "phases": ("PHASE1",),
            "study_type": "INTERVENTIONAL",
            "allocation": "NA",
            "intervention_model": "SINGLE_GROUP",
            "masking": "NONE",
            "primary_purpose": "TREATMENT",
            "enrollment": 6,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2014-03"),
            "primary_completion_date": PartialDate("2015-12", "ACTUAL"),
            "completion_date": PartialDate("2016-01", "ACTUAL"),
            "last_update": PartialDate("2016-01-05", "ESTIMATED"),
            "brief_summary": Prose(
                "This study was designed to provide confirmation of safety of mesenchym",
                "osomal dominant polycystic kidney disease (ADPKD).",
                184,
            ),
            "detailed_description": Prose(
                "The investigators will assess the 18-month safety and potential effica",
                "hanges in GFR rate were evaluated by scan isotope.",
                421,
            ),
            "conditions": [
                Condition(
                    "Chronic Renal Failure",
                    "conditions",
                    ("D000051437", "D000007676", "D000051436"),
                    (
                        "Renal Insufficiency",
                        "Kidney Failure, Chronic",
                        "Renal Insufficiency, Chronic",
                    ),
                ),
                Condition(
                    "Polycystic Kidney Disease",
                    "conditions",
                    ("D000007674", "D000007690"),
                    ("Kidney Diseases", "Polycystic Kidney Diseases"),
                ),
            ],
            "mesh_ancestors": (
                ("D000014570", "Urologic Diseases"),
                ("D000052177", "Kidney Diseases, Cystic"),
                ("D000000015", "Abnormalities, Multiple"),
                ("D000000013", "Congenital Abnormalities"),
                ("D000072661", "Ciliopathies"),
                ("D000030342", "Genetic Diseases, Inborn"),
            ),
            "keywords": (
                "autologous mesenchymal stem cells",
                "polycystic kidney disease",
                "intravenous injection",
                "CRF",
            ),
            "arms": [
                Arm(
                    "mesenchymal stem cell transplantation",
                    "EXPERIMENTAL",
                    "Intravenous injection of mesenchymal stem cell in patients with PKD",
                    ("Intravenous injection autologous mesenchymal stem cells",),
                )
            ],
            "interventions": [
                Intervention(
                    "Intravenous injection autologous mesenchymal stem cells",
                    "BIOLOGICAL",
                    "Intravenous injection of mesenchymal stem cell in patients with PKD",
                    (),
                    ("mesenchymal stem cell transplantation",),
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                18.0,
                60.0,
                False,
                Prose(
                    "Inclusion Criteria:\n\nMale and Female\nADPKD symptoms\nADPKD confirmed wi",
                    "ergies to the ingredients used in the cell culture",
                    621,
                ),
            ),
            "sponsors": [Sponsor(royan, "lead", "OTHER_GOV")],
            "responsible_party": "SPONSOR",
            "officials": [
                Official("Hamid Gourabi, PhD", "STUDY_CHAIR", "Head of Royan Institute"),
                Official(
                    "Nasser Aghdami, MD,PhD",
                    "STUDY_DIRECTOR",
                    "Head of Department of Regenerative Medicine & Cell therapy center of Royan"
                    " Institute",
                ),
                Official(
                    "Atieh Makhlough, MD",
                    "STUDY_DIRECTOR",
                    "Mazandaran University of Medical Sciences, Mazandaran, Iran.",
                ),
                Official(
                    "Reza Moghadasali, PhD",
                    "PRINCIPAL_INVESTIGATOR",
                    "Department of Regenerative Medicine And Royan Cell Therapy Center Royan"
                    " Institute For stem Cell Biology and Technology",
                ),
            ],
            "sites": [Site(royan, "Tehran", None, None, "Iran, Islamic Republic of")],
            "references": [
                Reference(
                    Prose(
                        "Makhlough A, Shekarchian S, Moghadasali R, Einollahi B, Hosseini SE, J",
                        "7 May 23;8(1):116. doi: 10.1186/s13287-017-0557-7.",
                        285,
                    ),
                    "28535817",
                    "10.1186/s13287-017-0557-7",
                    "DERIVED",
                )
            ],
            "related_nct_ids": (),
            "see_also": ("http://Royaninstitute.org",),
            "notes": [],
        },
    )


def test_v1_nct00953485_old_responsible_party_no_arms(data_dir: Path) -> None:
    trial = _v1_trial(data_dir, "msc-allogeneic-mesenchymal.json", "NCT00953485")
    drum_tower = "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School"
    site = "the Affiliated Drum Tower Hospital of Nanjing University Medical School"
    check(
        trial,
        {
            "nct_id": "NCT00953485",
            "org_study_id": "NJGLYY002",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": (
                "Allogeneic Mesenchymal Stem Cells Transplantation for Primary Sjögren's Syndrome"
                " (pSS)"
            ),
            "official_title": (
                "Clinical Trial of Allogeneic Mesenchymal Stem Cells Transplantation for Primary"
                " Sjögren's Syndrome - Phase Ⅰ/Ⅱ"
            ),
            "status": "UNKNOWN",
            "phases": ("PHASE1", "PHASE2"),
            "study_type": "INTERVENTIONAL",
            "allocation": "NON_RANDOMIZED",
            "intervention_model": "SINGLE_GROUP",
            "masking": "NONE",
            "primary_purpose": "TREATMENT",
            "enrollment": 20,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2009-06"),
            "primary_completion_date": PartialDate("2010-12", "ESTIMATED"),
            "completion_date": PartialDate("2011-12", "ESTIMATED"),
            "last_update": PartialDate("2009-08-20", "ESTIMATED"),
            "brief_summary": Prose(
                "This study will explore safety and efficacy of allogeneic mesenchymal ",
                "l immune homeostasis that can be restored by MSCT.",
                355,
            ),
            "detailed_description": Prose(
                "To test a new approach using allogeneic derived mesenchymal stem cell ",
                "a flow rate at baseline with disease-free survival",
                486,
            ),
            "conditions": [
                Condition(
                    "Sjogren's Syndrome",
                    "conditions",
                    ("D000012859", "D000013577"),
                    ("Sjogren's Syndrome", "Syndrome"),
                ),
                Condition("Mesenchymal Stem Cells"),
            ],
            "mesh_ancestors": (
                ("D000004194", "Disease"),
                ("D000010335", "Pathologic Processes"),
                ("D000001172", "Arthritis, Rheumatoid"),
                ("D000001168", "Arthritis"),
                ("D000007592", "Joint Diseases"),
                ("D000009140", "Musculoskeletal Diseases"),
                ("D000012216", "Rheumatic Diseases"),
                ("D000014987", "Xerostomia"),
                ("D000012466", "Salivary Gland Diseases"),
                ("D000009059", "Mouth Diseases"),
                ("D000009057", "Stomatognathic Diseases"),
                ("D000015352", "Dry Eye Syndromes"),
                ("D000007766", "Lacrimal Apparatus Diseases"),
                ("D000005128", "Eye Diseases"),
                ("D000003240", "Connective Tissue Diseases"),
                ("D000001327", "Autoimmune Diseases"),
                ("D000007154", "Immune System Diseases"),
            ),
            "keywords": ("Sjogren's Syndrome", "Mesenchymal Stem Cells", "Transplantation"),
            "arms": [],
            "interventions": [
                Intervention(
                    "Allogeneic Mesenchymal Stem Cells (AlloMSC)",
                    "BIOLOGICAL",
                    "Allogeneic mesenchymal stem cells will be infused intravenously (single"
                    " dose, 10^6 cells/kg body weight).",
                )
            ],
            "eligibility": Eligibility(
                "ALL",
                15.0,
                70.0,
                False,
                Prose(
                    "Inclusion Criteria:\n\nAll patients fulfilled the international classifi",
                    "rm to nursing infants from this treatment regimen.",
                    1017,
                ),
            ),
            "sponsors": [Sponsor(drum_tower, "lead", "OTHER")],
            "responsible_party": (
                "the Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School"
            ),
            "officials": [
                Official("Lingyun Sun, MD", "PRINCIPAL_INVESTIGATOR", site),
                Official("Lingyun Sun, MD", "CONTACT"),
            ],
            "sites": [Site(site, "Nanjing", "Jiangsu", "210008", "China", "RECRUITING")],
            "references": [
                Reference(
                    Prose(
                        "Sun L, Akiyama K, Zhang H, Yamaza T, Hou Y, Zhao S, Xu T, Le A, Shi S.",
                        "lls. 2009 Jun;27(6):1421-32. doi: 10.1002/stem.68.",
                        247,
                    ),
                    "19489103",
                    "10.1002/stem.68",
                    "BACKGROUND",
                ),
                Reference(
                    Prose(
                        "Liang J, Zhang H, Hua B, Wang H, Wang J, Han Z, Sun L. Allogeneic mese",
                        "09 May;15(5):644-6. doi: 10.1177/1352458509104590.",
                        205,
                    ),
                    "19389752",
                    "10.1177/1352458509104590",
                    "BACKGROUND",
                ),
                Reference(
                    Prose(
                        "Zhou K, Zhang H, Jin O, Feng X, Yao G, Hou Y, Sun L. Transplantation o",
                        "l. 2008 Dec;5(6):417-24. doi: 10.1038/cmi.2008.52.",
                        234,
                    ),
                    "19118507",
                    "10.1038/cmi.2008.52",
                    "BACKGROUND",
                ),
                Reference(
                    Prose(
                        "Sun LY, Zhang HY, Feng XB, Hou YY, Lu LW, Fan LM. Abnormality of bone ",
                        "emic lupus erythematosus. Lupus. 2007;16(2):121-8.",
                        179,
                    ),
                    "17402368",
                    None,
                    "BACKGROUND",
                ),
                Reference(
                    Prose(
                        "Xu J, Wang D, Liu D, Fan Z, Zhang H, Liu O, Ding G, Gao R, Zhang C, Di",
                        "i: 10.1182/blood-2011-11-391144. Epub 2012 Aug 27.",
                        298,
                    ),
                    "22927248",
                    "10.1182/blood-2011-11-391144",
                    "DERIVED",
                ),
            ],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_v1_email_in_official_affiliation_is_removed(data_dir: Path) -> None:
    trial = _v1_trial(data_dir, "msc-mesenchymal-stromal.json", "NCT02814864")
    study = _v1_study(data_dir, "msc-mesenchymal-stromal.json", "NCT02814864")
    raw = study["ProtocolSection"]["ContactsLocationsModule"]["OverallOfficialList"]
    names = [o["OverallOfficialName"] for o in raw["OverallOfficial"]]
    assert [o.name for o in trial.officials if o.role != "CONTACT"] == names
    assert all("@" not in (o.affiliation or "") for o in trial.officials)
    assert "e-mail address removed from official affiliation" in trial.notes


# ----------------------------------------------------------------------------- legacy XML
def _xml_trial(data_dir: Path, file: str) -> Trial:
    path = data_dir / "ctgov-xml" / file
    trials = _map(ctgov_xml, path)
    assert len(trials) == 1
    assert trials[0].provenance.record_sha256 == _sha(path.read_bytes())
    assert trials[0].provenance.sha256 == trials[0].provenance.record_sha256
    assert trials[0].provenance.format == "ctgov-xml"
    return trials[0]


def test_xml_nct00739713_two_arms_both_reference_kinds(data_dir: Path) -> None:
    trial = _xml_trial(data_dir, "NCT00739713.xml")
    title = "Effects of Sea Buckthorn Oil on Dry Eye"
    other = ["Turku Municipal Health Department/evo-funding", "Turku University Hospital"]
    industry = ["Finnsusp Ltd.", "Aromtech Ltd."]
    other2 = [
        "Shiny Horse Ltd",
        "Valioravinto Ltd",
        "The Finnish Funding Agency for Technology and Innovation (TEKES)",
    ]
    check(
        trial,
        {
            "nct_id": "NCT00739713",
            "org_study_id": "DESB",
            "secondary_ids": (),
            "acronym": "DESB",
            "brief_title": title,
            "official_title": title,
            "status": "COMPLETED",
            "phases": ("NA",),
            "study_type": "INTERVENTIONAL",
            "allocation": "RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "QUADRUPLE",
            "primary_purpose": "TREATMENT",
            "enrollment": 100,
            "enrollment_type": "ACTUAL",
            "start_date": PartialDate("2008-09", "ACTUAL"),
            "primary_completion_date": PartialDate("2009-03", "ACTUAL"),
            "completion_date": PartialDate("2009-03", "ACTUAL"),
            "last_update": PartialDate("2018-03-20", "ACTUAL"),
            "brief_summary": (
                "The objective is to study the effect of sea buckthorn oil on dry eye."
            ),
            "detailed_description": Prose(
                "The objective is to study whether regular consumption of sea buckthorn berry"
                " oil can relieve\nthe symptoms of dry eye syndrome.",
                "made also 4 weeks after the participants have stopped consuming the study oils.",
            ),
            "conditions": [
                Condition("Dry Eye Syndromes", "conditions", (), ("Dry Eye Syndromes",)),
                Condition(
                    "Keratoconjunctivitis Sicca", "mesh", (), ("Keratoconjunctivitis Sicca",)
                ),
            ],
            "mesh_ancestors": (),
            "keywords": ("dry eye", "sea buckthorn", "Hippophaë"),
            "arms": [
                Arm(
                    "SB",
                    "EXPERIMENTAL",
                    "Sea buckthorn oil group",
                    ("Sea buckthorn (Hippophaë rhamnoides) oil",),
                ),
                Arm("PL", "PLACEBO_COMPARATOR", "Placebo group", ("Placebo comparison",)),
            ],
            "interventions": [
                Intervention(
                    "Sea buckthorn (Hippophaë rhamnoides) oil",
                    "DIETARY_SUPPLEMENT",
                    "Dosage 2 g/d, frequency twice/d, duration 3 months",
                    (),
                    ("SB",),
                ),
                Intervention(
                    "Placebo comparison",
                    "DIETARY_SUPPLEMENT",
                    "Placebo comparison, dosage 2 g/d, frequency twice/d, duration 3 months",
                    (),
                    ("PL",),
                ),
            ],
            "eligibility": Eligibility(
                "ALL",
                20.0,
                75.0,
                True,
                "Inclusion Criteria:\n\n  -  Dry eye symptoms\n\nExclusion Criteria:\n\n"
                "  -  Severe illness\n\n  -  Anticholinergic drugs\n\n  -  Smoking",
            ),
            "sponsors": [
                Sponsor("University of Turku", "lead", "OTHER"),
                *(Sponsor(n, "collaborator", "OTHER") for n in other),
                *(Sponsor(n, "collaborator", "INDUSTRY") for n in industry),
                *(Sponsor(n, "collaborator", "OTHER") for n in other2),
            ],
            "responsible_party": "Matti Viitanen/ Professor, University of Turku",
            "officials": [
                Official("Heikki P Kallio, Professor", "STUDY_DIRECTOR", "University of Turku")
            ],
            "sites": [Site("University of Turku", "Turku", None, "20014", "Finland")],
            "references": [
                Reference(
                    "Yang B, Kalimo KO, Mattila LM, Kallio SE, Katajisto JK, Peltola OJ, Kallio HP."
                    " Effects of dietary supplementation with sea buckthorn (Hippophae rhamnoides)"
                    " seed and pulp oils on atopic dermatitis. J Nutr Biochem. 1999"
                    " Nov;10(11):622-30. doi: 10.1016/s0955-2863(99)00049-2.",
                    "15539258",
                    "10.1016/s0955-2863(99)00049-2",
                    "BACKGROUND",
                ),
                Reference(
                    "Larmo PS, Jarvinen RL, Setala NL, Yang B, Viitanen MH, Engblom JR, Tahvonen"
                    " RL, Kallio HP. Oral sea buckthorn oil attenuates tear film osmolarity and"
                    " symptoms in individuals with dry eye. J Nutr. 2010 Aug;140(8):1462-8. doi:"
                    " 10.3945/jn.109.118901. Epub 2010 Jun 16.",
                    "20554904",
                    "10.3945/jn.109.118901",
                    "RESULT",
                ),
            ],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_xml_nct03182660_withheld_record(data_dir: Path) -> None:
    trial = _xml_trial(data_dir, "NCT03182660.xml")
    title = "[Trial of device that is not approved or cleared by the U.S. FDA]"
    check(
        trial,
        {
            "nct_id": "NCT03182660",
            "org_study_id": "LUM-ABU-AP-17-02",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": title,
            "official_title": title,
            "status": "WITHHELD",
            "phases": (),
            "study_type": None,
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": None,
            "enrollment_type": None,
            "start_date": None,
            "primary_completion_date": None,
            "completion_date": None,
            "last_update": PartialDate("2017-06-22", "ACTUAL"),
            "brief_summary": None,
            "detailed_description": None,
            "conditions": [],
            "mesh_ancestors": (),
            "keywords": (),
            "arms": [],
            "interventions": [],
            "eligibility": Eligibility(),
            "sponsors": [],
            "responsible_party": None,
            "officials": [],
            "sites": [],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": ["study type given as 'N/A'", "lead sponsor name redacted; left out"],
        },
    )


def test_xml_nct00001177_observational_no_arms(data_dir: Path) -> None:
    trial = _xml_trial(data_dir, "NCT00001177.xml")
    nimh = "National Institute of Mental Health (NIMH)"
    check(
        trial,
        {
            "nct_id": "NCT00001177",
            "org_study_id": "810126",
            "secondary_ids": ("81-M-0126",),
            "acronym": None,
            "brief_title": "Study of Premenstrual Syndrome and Premenstrual Dysphoria",
            "official_title": (
                "The Evaluation of Women With Menstrually Regulated Mood and Behavioral Disorders"
            ),
            "status": "RECRUITING",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 1600,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("1981-08-24", "ACTUAL"),
            "primary_completion_date": None,
            "completion_date": None,
            "last_update": PartialDate("2019-04-19", "ESTIMATED"),
            "brief_summary": Prose(
                "The purpose of this study is to identify and describe the symptoms of"
                " premenstrual syndrome\n(PMS).\n\nWomen who experience PMS symptoms",
                "Women with recurrent brief\ndepression will also be recruited to serve as a"
                " comparison group.",
            ),
            "detailed_description": Prose(
                "The relevance of changes in ovarian steroids in the pathophysiology of"
                " menstrually-regulated\nmood disorders",
                "are characterized with standard measures in this protocol and then offered"
                " participation in\nrelated studies.",
            ),
            "conditions": [
                Condition("PMS"),
                Condition("Premenstrual Mood Disorder"),
                Condition("PMDD"),
                Condition("Depression", "conditions", (), ("Depression",)),
                Condition("Mood Disorders", "mesh", (), ("Mood Disorders",)),
                Condition("Premenstrual Syndrome", "mesh", (), ("Premenstrual Syndrome",)),
            ],
            "mesh_ancestors": (),
            "keywords": (
                "Mood",
                "Depression",
                "Cognition",
                "Menstrual",
                "Neuroendocrine",
                "Genetics",
                "PMDD",
                "PMS Premenstrual Syndrome",
                "MRMD Menstrually Related Mood Disorder",
            ),
            "arms": [],
            "interventions": [],
            "eligibility": Eligibility(
                "FEMALE",
                18.0,
                50.0,
                True,
                Prose(
                    "-  INCLUSION CRITERIA:\n\nThe subjects of this study will be women who meet"
                    " the following criteria:",
                    "concurrent treatment intervention (e.g., antabuse or opiate\ntreatment, but"
                    " not including self-help groups).",
                ),
            ),
            "sponsors": [Sponsor(nimh, "lead", "NIH")],
            "responsible_party": "SPONSOR",
            "officials": [
                Official("Peter J Schmidt, M.D.", "PRINCIPAL_INVESTIGATOR", nimh),
                Official("Peter J Schmidt, M.D.", "CONTACT"),
            ],
            "sites": [
                Site(
                    "National Institutes of Health Clinical Center, 9000 Rockville Pike",
                    "Bethesda",
                    "Maryland",
                    "20892",
                    "United States",
                    "RECRUITING",
                )
            ],
            "references": [
                Reference(
                    "Rubinow DR. The premenstrual syndrome. New views. JAMA. 1992 Oct"
                    " 14;268(14):1908-12.",
                    "1404717",
                    None,
                    "BACKGROUND",
                ),
                Reference(
                    "Schmidt PJ, Nieman LK, Danaceau MA, Adams LF, Rubinow DR. Differential"
                    " behavioral effects of gonadal steroids in women with and in those without"
                    " premenstrual syndrome. N Engl J Med. 1998 Jan 22;338(4):209-16.",
                    "9435325",
                    None,
                    "BACKGROUND",
                ),
                Reference(
                    "Bancroft J. The premenstrual syndrome--a reappraisal of the concept and the"
                    " evidence. Psychol Med. 1993;Suppl 24:1-47. Review.",
                    "7906420",
                    None,
                    "BACKGROUND",
                ),
            ],
            "related_nct_ids": (),
            "see_also": ("https://clinicalstudies.info.nih.gov/cgi/detail.cgi?A_1981-M-0126.html",),
            "notes": [],
        },
    )


def test_xml_nct03459976_contacts_links_results_reference(data_dir: Path) -> None:
    trial = _xml_trial(data_dir, "NCT03459976.xml")
    asu = "Ain Shams University"
    check(
        trial,
        {
            "nct_id": "NCT03459976",
            "org_study_id": "HE4 in endometrial cancer",
            "secondary_ids": (),
            "acronym": "HE4",
            "brief_title": "4 (HE4) in Benign Endometrial Disease and Endometrial Cancer",
            "official_title": (
                "Evaluation of Serum Human Epididymis Secretory Protein 4 (HE4) in Benign"
                " Endometrial Disease and Endometrial Cancer"
            ),
            "status": "RECRUITING",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 84,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2017-12-01", "ACTUAL"),
            "primary_completion_date": PartialDate("2019-03-01", "ESTIMATED"),
            "completion_date": PartialDate("2019-04-01", "ESTIMATED"),
            "last_update": PartialDate("2018-03-09", "ACTUAL"),
            "brief_summary": (
                "Evaluation of Serum level of Human Epididymis Secretory Protein 4 (HE4) in Benign"
                " Endometrial\nDisease and Endometrial Cancer"
            ),
            "detailed_description": Prose(
                ".Endometrial cancer represents the most common gynecologic cancer, and it is"
                " expected to\nbecome",
                "yet their levels are significantly increased in EC compared to\nnormal"
                " endometrium (Jiang et al., 2013).",
            ),
            "conditions": [
                Condition("Endometrial Cancer"),
                Condition("Endometrial Neoplasms", "mesh", (), ("Endometrial Neoplasms",)),
                Condition("Uterine Diseases", "mesh", (), ("Uterine Diseases",)),
            ],
            "mesh_ancestors": (),
            "keywords": (),
            "arms": [
                Arm("2 groups", None, None, ("evaluate serum level HE4 in endometrial cancer",))
            ],
            "interventions": [
                Intervention(
                    "evaluate serum level HE4 in endometrial cancer",
                    "DIAGNOSTIC_TEST",
                    "HE4 in beignin endometrial diseases\nHE4 in endometrial cancer",
                    (),
                    ("2 groups",),
                )
            ],
            "eligibility": Eligibility(
                "FEMALE",
                40.0,
                70.0,
                None,
                Prose(
                    "Inclusion Criteria:\n\nAge (45 - 70 yr old).\n\nExclusion Criteria:\n\n"
                    "  1. Age more than 70 yr and less than 40 yr.",
                    "  7. Patients unfit for surgical intervention.\n\n  8. Smoker.",
                ),
            ),
            "sponsors": [Sponsor(asu, "lead", "OTHER")],
            "responsible_party": f"PRINCIPAL_INVESTIGATOR: f m dabnon, {asu}",
            "officials": [
                Official(
                    "M Elhafeez Assistant Professor Obstetrics and Gy, phD",
                    "STUDY_DIRECTOR",
                    "Obstetrics and Gynecology",
                ),
                Official(
                    "n khazragy lecturer, phD", "PRINCIPAL_INVESTIGATOR", "clinical pathology"
                ),
                Official("S Sayed Professor Obstetrics and Gynecology, phD", "CONTACT"),
                Official("H Fathy Assistant Professor Obstetrics and Gynecology, phD", "CONTACT"),
            ],
            "sites": [
                Site(asu, "Cairo", "Abbasyia", "+20", "Egypt", "RECRUITING"),
                Site(asu, "Cairo", None, None, "Egypt", "RECRUITING"),
            ],
            "references": [
                Reference(
                    "Benati M, Montagnana M, Danese E, Paviati E, Giudici S, Ruzzenente O, Franchi"
                    " M, Lippi G. The clinical significance of DJ-1 and HE4 in patients with"
                    " endometrial cancer. J Clin Lab Anal. 2018 Jan;32(1). doi: 10.1002/jcla.22223."
                    " Epub 2017 Apr 4.",
                    "28374920",
                    "10.1002/jcla.22223",
                    "RESULT",
                )
            ],
            "related_nct_ids": (),
            "see_also": (
                "http://www.ncbi.nlm.nih.gov/pubmed/28374920",
                "http://onlinelibrary.wiley.com/doi/10.1002/jcla.22223/abstract;jsessionid="
                "0351354EC031EFAFD74AB70BB821D13E.f02t03",
            ),
            "notes": [],
        },
    )


def test_xml_nct00739895_investigator_responsible_no_age_limits(data_dir: Path) -> None:
    trial = _xml_trial(data_dir, "NCT00739895.xml")
    calgary = "University of Calgary"
    check(
        trial,
        {
            "nct_id": "NCT00739895",
            "org_study_id": "Athletes_001",
            "secondary_ids": (),
            "acronym": None,
            "brief_title": (
                "Assessment of Cardiac Involvement of Common Cold in High Performing Athletes by"
                " Cardiac Magnetic Resonance Imaging (MRI)"
            ),
            "official_title": (
                "Left Ventricular Dilatation in Athletes With Common Colds; a Cardio-vascular MRI"
                " Study"
            ),
            "status": "TERMINATED",
            "phases": (),
            "study_type": "OBSERVATIONAL",
            "allocation": None,
            "intervention_model": None,
            "masking": None,
            "primary_purpose": None,
            "enrollment": 100,
            "enrollment_type": "ESTIMATED",
            "start_date": PartialDate("2007-06"),
            "primary_completion_date": PartialDate("2011-09", "ACTUAL"),
            "completion_date": PartialDate("2011-09", "ACTUAL"),
            "last_update": PartialDate("2011-10-04", "ESTIMATED"),
            "brief_summary": Prose(
                "Cardiovascular magnetic resonance (CMR) imaging will be used to assess the"
                " impact of common\ncolds",
                "physical exertion in questionnaires, which will reflect the degree of physical"
                " exertion\nperformed.",
            ),
            "detailed_description": Prose(
                "Cardiovascular magnetic resonance (CMR) imaging will be used to assess the"
                " impact of a common\ncolds",
                "function volume analysis techniques\nwill be implemented to assess left"
                " ventricular dilatation.",
            ),
            "conditions": [
                Condition("Ventricular Function, Left"),
                Condition("Common Cold", "mesh", (), ("Common Cold",)),
            ],
            "mesh_ancestors": (),
            "keywords": ("athletes",),
            "arms": [
                Arm(
                    "Athletes",
                    None,
                    "high performing athletes",
                    ("Cardiac magnetic Resonance study", "Blood testing"),
                )
            ],
            "interventions": [
                Intervention(
                    "Cardiac magnetic Resonance study",
                    "PROCEDURE",
                    "follow-up studies",
                    (),
                    ("Athletes",),
                ),
                Intervention(
                    "Blood testing",
                    "PROCEDURE",
                    "Blood sample tested for myocardial biomarkers",
                    (),
                    ("Athletes",),
                ),
            ],
            "eligibility": Eligibility(
                "ALL",
                None,
                None,
                True,
                Prose(
                    "Inclusion Criteria:\n\n  -  Informed consent;\n\n  -  feverish feeling with"
                    " last 72 hours;",
                    "  -  chronic diseases affecting the heart,\n\n  -  use of immuno-active drugs",
                ),
            ),
            "sponsors": [Sponsor(calgary, "lead", "OTHER")],
            "responsible_party": f"PRINCIPAL_INVESTIGATOR: Oliver Strohm, {calgary}",
            "officials": [
                Official("Matthias G Friedrich, MD, FESC", "PRINCIPAL_INVESTIGATOR", calgary)
            ],
            "sites": [
                Site(
                    "Stephenson CMR Centre at Foothills Medical Centre, University of Calgary",
                    "Calgary",
                    "Alberta",
                    "T2N 2T9",
                    "Canada",
                )
            ],
            "references": [],
            "related_nct_ids": (),
            "see_also": (),
            "notes": [],
        },
    )


def test_xml_alias_file_maps_to_the_primary_id(data_dir: Path) -> None:
    """NCT00980226.xml is the record of NCT00081588 (its alias is NCT00980226)."""
    a = _xml_trial(data_dir, "NCT00081588.xml")
    b = _xml_trial(data_dir, "NCT00980226.xml")
    assert a.nct_id == b.nct_id == "NCT00081588"
    assert b.provenance.record_key == "NCT00081588"
    assert "NCT00980226" not in b.related_nct_ids
    assert dataclasses.replace(a, provenance=b.provenance) == b
