"""How records write conditions, each rule with several phrasings: "X in/with/due to Y" (the
head condition, broader), fields that list several conditions (split, each part linked),
a prefix written joined or hyphenated, the registry's own MeSH heading of a name, a
registry's condition category, and names that are a measure or say only "disease"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.link import ConditionContext, Sources, condition_parts, link_condition
from kg.link.parts import split_parts
from kg.link.records import BROAD_MATCH, CLOSE_MATCH, EXACT_MATCH, MESH_XREF, PHRASE_IN_NAME
from kg.queries import load_query

ARDS = "MONDO:0006502"
PNEUMONIA = "MONDO:0005249"
RESPIRATORY_FAILURE = "MONDO:0021113"
COVID = "MONDO:0100096"


@pytest.fixture(scope="module")
def src(shared_dir: Path) -> Sources:
    return Sources(
        terms_dir=shared_dir / "ontologies" / "cellxgene",
        sssom_dir=shared_dir / "ontologies" / "mondo-sssom",
    )


# -- the head of "X in Y", "Y X" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("Acute respiratory distress syndrome in patients with COVID-19", ARDS),
        ("Acute respiratory distress syndrome (ARDS) caused by COVID-19", ARDS),
        ("COVID-19-associated acute respiratory distress syndrome", ARDS),
        ("Severe pneumonia induced by COVID-19", PNEUMONIA),
        ("Pneumonia due to SARS Cov2 (COVID-19)", PNEUMONIA),
        ("Severe pneumonia in context of COVID-19", PNEUMONIA),
        ("SARS-CoV-2 Pneumonia", PNEUMONIA),
        ("COVID-19 induced respiratory failure", RESPIRATORY_FAILURE),
        ("COVID19 respiratory failure", RESPIRATORY_FAILURE),
        ("Acute hypoxic respiratory failure of COVID-19 patients", RESPIRATORY_FAILURE),
        ("COVID-19 in patients with diabetes mellitus type 2", COVID),
        ("Hospitalized patients with COVID-19 pneumonia", COVID),  # curated: broader
        ("Suspected or Confirmed COVID-19", COVID),  # "or" joins what is said of one
        ("Hospitalized Moderate and Severe COVID-19 Patients", COVID),
    ],
)
def test_the_head_condition_of_a_longer_name_is_a_broad_match(
    src: Sources, name: str, curie: str
) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None, (name, g.reason)
    assert (g.link.curie, g.link.predicate, g.link.method) == (curie, BROAD_MATCH, PHRASE_IN_NAME)
    assert g.link.score <= 0.5


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("Xerostomia Due to Radiotherapy", "HP:0000217"),  # a finding, not the procedure
        ("Vasodilatory Shock", "HP:0031273"),
        ("Upper Respiratory Tract Infections", "HP:0011947"),
    ],
)
def test_a_finding_a_longer_name_names_is_a_broad_hpo_match(
    src: Sources, name: str, curie: str
) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None, (name, g.reason)
    assert (g.link.curie, g.link.predicate) == (curie, BROAD_MATCH)
    assert g.link.score <= 0.5


# -- fields that list several conditions ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        (
            "Pulmonary Embolism, Deep Vein Thrombosis",
            [("Pulmonary Embolism", "MONDO:0005279"), ("Deep Vein Thrombosis", None)],
        ),
        (
            "Acute Lung Injury/Acute Respiratory Distress Syndrome (ARDS)",
            [
                ("Acute Lung Injury", "MONDO:0015796"),
                ("Acute Respiratory Distress Syndrome (ARDS)", ARDS),
            ],
        ),
        (
            "Soft Tissue Tumor and/or Sarcoma",
            [("Soft Tissue Tumor", "MONDO:0006424"), ("Sarcoma", "MONDO:0005089")],
        ),
        (
            "Condition 1: Coronavirus (COVID-19)-induced pneumonia. Condition 2: COVID-19",
            [("Coronavirus (COVID-19)-induced pneumonia", PNEUMONIA), ("COVID-19", COVID)],
        ),
        (
            "COVID-19 severe pneumonia, acute lung injury, or acute respiratory distress syndrome",
            [
                ("COVID-19 severe pneumonia", PNEUMONIA),
                ("acute lung injury", "MONDO:0015796"),
                ("acute respiratory distress syndrome", ARDS),
            ],
        ),
    ],
)
def test_a_field_that_lists_conditions_is_linked_part_by_part(
    src: Sources, name: str, parts: list[tuple[str, str | None]]
) -> None:
    assert link_condition(name, sources=src).link is None  # not as a whole
    found = condition_parts(name, context=ConditionContext(), sources=src)
    assert [p for p, _ in found] == [p for p, _ in parts]
    for (_, link), (_, curie) in zip(found, parts, strict=True):
        if curie is not None:
            assert link.curie == curie


@pytest.mark.parametrize(
    "name",
    [
        "Diabetes Mellitus, Type 2, Cancer",  # "Type 2" is no condition: not cut
        "Covid-19, confirmed cases, positive test result",
        "Respiratory - Other respiratory disorders / diseases",  # one category, linked whole
    ],
)
def test_a_field_is_cut_only_where_every_part_is_a_condition(src: Sources, name: str) -> None:
    assert condition_parts(name, sources=src) == []


def test_an_inverted_heading_is_never_cut() -> None:
    assert split_parts("Pulmonary Nodule, Solitary") == ["Pulmonary Nodule", "Solitary"]
    assert split_parts("U07.2, U07") == []  # codes only
    assert split_parts("Carcinoma, Non-Small-Cell Lung") == ["Carcinoma", "Non-Small-Cell Lung"]


def test_the_parts_of_a_field_become_conditions_of_the_trial_in_a_build() -> None:
    from kg.build import enrich
    from kg.model import Condition, Provenance, Trial

    trial = Trial(
        provenance=Provenance("x.xml", "ictrp-xml", "0" * 64, "1", "ISRCTN1", "0" * 64),
        brief_title="Anticoagulation in hospital",
        conditions=[Condition("Pulmonary Embolism, Deep Vein Thrombosis")],
    )
    enrich(trial)
    names = [c.name for c in trial.conditions]
    assert names == ["Pulmonary Embolism", "Deep Vein Thrombosis"]
    assert all(c.link is not None for c in trial.conditions)


# -- prefixes, the registry's own MeSH heading, categories --------------------------------------


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("Posttraumatic Stress Disorder", "MONDO:0005146"),
        ("Posttraumatic Epilepsy", "MONDO:0043264"),
        ("Nonhodgkin Lymphoma", "MONDO:0018908"),
        ("Pre-diabetes", "MONDO:0006920"),
        ("Anti-phospholipid Syndrome", "MONDO:8000010"),
    ],
)
def test_a_prefix_joined_or_hyphenated_either_way(src: Sources, name: str, curie: str) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None and g.link.curie == curie, g
    assert g.link.predicate == EXACT_MATCH and g.link.score <= 0.85


@pytest.mark.parametrize(
    ("name", "mesh", "heading", "curie", "predicate"),
    [
        ("Alcohol Use Disorder", "D000437", "Alcoholism", "MONDO:0002046", CLOSE_MATCH),
        ("Pain, Nerve", "D009437", "Neuralgia", "MONDO:0021667", CLOSE_MATCH),
        ("Dermatologic Disorders", "D012871", "Skin Diseases", "MONDO:0005093", CLOSE_MATCH),
        ("Prediabetic State", "D011236", "Prediabetic State", "MONDO:0006920", EXACT_MATCH),
    ],
)
def test_the_registrys_own_mesh_heading_of_the_name(
    src: Sources, name: str, mesh: str, heading: str, curie: str, predicate: str
) -> None:
    g = link_condition(name, mesh_ids=(mesh,), mesh_terms=(heading,), sources=src)
    assert g.link is not None, g
    assert (g.link.curie, g.link.predicate, g.link.method) == (curie, predicate, MESH_XREF)
    assert g.link.matched_text == f"MESH:{mesh} {heading}"
    assert g.link.score < 1.0
    # without the heading the name alone links to nothing
    assert link_condition(name, sources=src).link is None


def test_a_heading_found_inside_the_name_is_not_its_synonym(src: Sources) -> None:
    g = link_condition(
        "Supracondylar Humerus Fracture",
        mesh_ids=("D050723",),
        mesh_terms=("Fractures, Bone",),
        sources=src,
    )
    assert g.link is not None and g.link.curie == "MONDO:0005319"  # humerus fracture
    assert g.link.predicate == BROAD_MATCH


@pytest.mark.parametrize(
    ("name", "curie", "predicate"),
    [
        ("Respiratory - Other respiratory disorders / diseases", "MONDO:0005087", BROAD_MATCH),
        ("Cancer - Any cancer", "MONDO:0004992", EXACT_MATCH),
        ("Respiratory - Asthma", "MONDO:0004979", EXACT_MATCH),
        ("Mental Health - Depression", "MONDO:0002050", EXACT_MATCH),
    ],
)
def test_a_registry_category(src: Sources, name: str, curie: str, predicate: str) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None, g
    assert (g.link.curie, g.link.predicate) == (curie, predicate)
    if predicate == BROAD_MATCH:
        assert g.link.score <= 0.6


# -- end to end: the graph, link-coverage and trials-under-condition ---------------------------

STUDY = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT09990002", "briefTitle": "Cells for lung injury"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "conditionsModule": {
            "conditions": [
                "Acute respiratory distress syndrome in patients with COVID-19",
                "Pulmonary Embolism, Deep Vein Thrombosis",
                "Alcohol Use Disorder",
                "Safety",
                "Disease",
            ]
        },
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1"]},
    },
    "derivedSection": {
        "conditionBrowseModule": {
            "meshes": [{"id": "D000437", "term": "Alcoholism"}],
            "browseLeaves": [
                {"id": "M3780", "name": "Alcoholism", "asFound": "Alcohol Use Disorder"}
            ],
        }
    },
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from kg.build import build
    from kg.store import open_store

    folder = tmp_path_factory.mktemp("phrases")
    doc = folder / "in" / "NCT09990002.json"
    doc.parent.mkdir()
    doc.write_text(json.dumps(STUDY), encoding="utf-8")
    report = build([doc.parent], folder / "store")
    assert not report.failed
    assert report.conditions is not None
    # 6 mentions (the listed field became two); "Safety" and "Disease" name no condition
    assert (report.conditions.linked, report.conditions.naming, report.conditions.mentions) == (
        4,
        4,
        6,
    )
    return open_store(folder / "store", read_only=True).store


def test_link_coverage_leaves_out_measures_and_unspecific_names(built: Store) -> None:
    rows = load_query("link-coverage").execute(built, {}).values()
    kinds = {r["kind"]: r["mentions"] for r in rows if r["section"] == "by kind"}
    assert kinds == {
        "linked: skos:exactMatch MONDO": "1",  # Pulmonary Embolism
        "linked: skos:broadMatch MONDO": "2",  # ARDS (head), Deep Vein Thrombosis
        "linked: skos:closeMatch MONDO": "1",  # Alcohol Use Disorder (MeSH Alcoholism)
        "unlinked: measure": "1",
        "unlinked: unspecific": "1",
    }
    coverage = {r["kind"]: r for r in rows if r["section"] == "coverage"}
    assert float(coverage["linked, of the mentions that name a condition"]["share"] or 0) == 100


@pytest.mark.parametrize(
    ("mondo", "condition", "predicate", "method", "kept_at", "dropped_at"),
    [
        (ARDS, "Acute respiratory distress syndrome in patients with COVID-19",
         "skos:broadMatch", "phrase in name", "0.5", "0.6"),
        ("MONDO:0005279", "Pulmonary Embolism", "skos:exactMatch", "exact label", "1", None),
        ("MONDO:0002046", "Alcohol Use Disorder", "skos:closeMatch", "mesh xref", "0.7", "0.8"),
    ],
)  # fmt: skip
def test_trials_under_condition_through_the_new_links(
    built: Store,
    mondo: str,
    condition: str,
    predicate: str,
    method: str,
    kept_at: str,
    dropped_at: str | None,
) -> None:
    def run(**params: str) -> list[dict[str, str | None]]:
        return load_query("trials-under-condition").execute(built, params).values()

    rows = run(mondo=mondo)
    assert [(r["condition"], r["predicate"], r["method"]) for r in rows] == [
        (condition, predicate, method)
    ]
    assert run(mondo=mondo, min_score=kept_at)
    if dropped_at is not None:  # min_score drops the broader and the chained links
        assert not run(mondo=mondo, min_score=dropped_at)


def test_a_parent_term_reaches_the_split_and_the_head_links(built: Store) -> None:
    def names(mondo: str) -> set[str | None]:
        rows = load_query("trials-under-condition").execute(built, {"mondo": mondo}).values()
        return {r["condition"] for r in rows}

    # respiratory system disorder: the head link; vascular disorder: both parts of the list
    assert names("MONDO:0005087") == {
        "Acute respiratory distress syndrome in patients with COVID-19"
    }
    assert names("MONDO:0005385") == {"Pulmonary Embolism", "Deep Vein Thrombosis"}


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("HIV", "MONDO:0005109"),
        ("Human Immunodeficiency Virus", "MONDO:0005109"),
        ("Coronavirus disease", "MONDO:0020753"),
    ],
)
def test_a_pathogen_named_as_the_condition_is_close_to_its_infection(
    src: Sources, name: str, curie: str
) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None, g
    assert (g.link.curie, g.link.predicate) == (curie, CLOSE_MATCH)
    assert g.link.score < 1.0


@pytest.mark.parametrize("name", ["Respiratory", "OSA", "Cornea"])
def test_not_every_short_name_is_a_pathogen(src: Sources, name: str) -> None:
    assert link_condition(name, sources=src).link is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Pregnancy", "population"),
        ("Postpartum", "population"),
        ("Wounds and Injuries", "unspecific"),
    ],
)
def test_more_names_that_name_no_condition(src: Sources, name: str, reason: str) -> None:
    assert link_condition(name, sources=src) == (None, reason)


def test_resectable_narrows_an_abbreviation_the_record_spells_out(src: Sources) -> None:
    context = ConditionContext(texts=("Surgery for Non-Small Cell Lung Cancer (NSCLC)",))
    g = link_condition("Resectable NSCLC", context=context, sources=src)
    assert g.link is not None and g.link.curie == "MONDO:0005233"
    assert g.link.predicate == BROAD_MATCH and g.link.score <= 0.6


@pytest.mark.parametrize("name", ["SARS", "Severe Acute Respiratory Syndrome", "SARS (Disease)"])
def test_sars_in_a_covid_19_record_is_covid_19_not_the_2003_disease(
    src: Sources, name: str
) -> None:
    covid = ConditionContext(texts=("Zofin for Patients With COVID-19", "Moderate to SARS"))
    g = link_condition(name, context=covid, sources=src)
    assert g.link is not None
    assert (g.link.curie, g.link.predicate) == (COVID, BROAD_MATCH) and g.link.score <= 0.5
    assert g.link.matched_text.endswith("(in a record about COVID-19)")
    sars = ConditionContext(texts=("Interferon for severe acute respiratory syndrome (SARS)",))
    g = link_condition(name, context=sars, sources=src)
    assert g.link is not None and g.link.curie == "MONDO:0005091"  # the 2003 disease
    assert g.link.predicate == EXACT_MATCH


def test_the_in_context_table_names_terms_of_the_release(src: Sources) -> None:
    from kg.link.in_context import rows

    mondo = src.terms("MONDO")
    assert rows()
    for row in rows():
        for curie in (row.term, row.context, row.target):
            assert mondo.label(curie), curie
        assert row.note


def test_the_new_unlinked_kinds_conform_to_the_shapes(built: Store, tmp_path: Path) -> None:
    from kg.validate import SHAPES_FILE, run_shacl

    findings = [f for f in run_shacl(built) if "unlinkedReason" in str(f)]
    assert not findings, findings
    # shapes without the two new kinds: the measure and the unspecific name are findings
    old = tmp_path / "shapes.ttl"
    text = SHAPES_FILE.read_text(encoding="utf-8")
    old.write_text(text.replace('"measure"^^xsd:string "unspecific"^^xsd:string ', ""), "utf-8")
    assert len([f for f in run_shacl(built, shapes_file=old) if "unlinkedReason" in str(f)]) == 2
