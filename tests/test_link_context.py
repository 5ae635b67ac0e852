"""Conditions linked with the rest of the record: abbreviations in context, MeSH ancestors,
HPO findings, and the reason a condition stays unlinked; end to end through a build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.link import ConditionContext, Sources, link_condition
from kg.link.records import ABBREVIATION_IN_CONTEXT, BROAD_MATCH, EXACT_MATCH, MESH_ANCESTOR
from kg.link.unlinked import KINDS, not_a_condition, phrases
from kg.queries import load_query

NSCLC = "MONDO:0005233"


@pytest.fixture(scope="module")
def src(shared_dir: Path) -> Sources:
    return Sources(
        terms_dir=shared_dir / "ontologies" / "cellxgene",
        sssom_dir=shared_dir / "ontologies" / "mondo-sssom",
    )


def _ctx(*texts: str, mesh: tuple[str, ...] = (), ancestors: tuple[tuple[str, str], ...] = ()):  # type: ignore[no-untyped-def]
    return ConditionContext(texts=texts, mesh_ids=mesh, ancestors=ancestors)


# -- abbreviations ---------------------------------------------------------------------------


def test_an_abbreviation_is_linked_in_a_trial_that_names_its_field(src: Sources) -> None:
    ctx = _ctx("Chemotherapy Effectiveness for Metastatic Lung Cancer Patients")
    g = link_condition("NSCLC", context=ctx, sources=src)
    assert g.link is not None and g.reason is None
    assert (g.link.curie, g.link.predicate, g.link.method) == (
        NSCLC,
        EXACT_MATCH,
        ABBREVIATION_IN_CONTEXT,
    )
    assert g.link.score < 1.0 and g.link.matched_text.startswith("NSCLC = ")


def test_an_abbreviation_the_record_spells_out_takes_that_expansion(src: Sources) -> None:
    ctx = _ctx("Cells in Amyotrophic Lateral Sclerosis (ALS): a phase 2 study")
    g = link_condition("ALS", context=ctx, sources=src)
    assert g.link is not None and g.link.curie == "MONDO:0004976"
    assert g.link.matched_text == "ALS = Amyotrophic Lateral Sclerosis"


def test_an_abbreviation_without_context_stays_unlinked_with_its_reason(src: Sources) -> None:
    for ctx in (None, _ctx("Autologous cells for an unmet need")):
        g = link_condition("NSCLC", context=ctx, sources=src)
        assert g.link is None and g.reason == "ambiguous abbreviation"


def test_a_narrowed_abbreviation_is_a_broad_match_with_a_lower_score(src: Sources) -> None:
    ctx = _ctx("Non-Small Cell Lung Cancer (NSCLC) after chemotherapy")
    for name in ("Advanced NSCLC", "NSCLC Stage IV", "NSCLC, Recurrent"):
        g = link_condition(name, context=ctx, sources=src)
        assert g.link is not None and g.link.curie == NSCLC, name
        assert g.link.predicate == BROAD_MATCH and g.link.score <= 0.6, name


# -- MeSH ancestors --------------------------------------------------------------------------

BURNS = (("D002056", "Burns"), ("D014947", "Wounds and Injuries"))


def test_the_nearest_mesh_ancestor_mondo_maps_is_a_broad_match_with_its_path(src: Sources) -> None:
    ctx = _ctx(mesh=("D002057",), ancestors=BURNS)
    g = link_condition(
        "Burns, Chemical",
        mesh_ids=["D002057"],
        mesh_terms=["Burns, Chemical"],
        context=ctx,
        sources=src,
    )
    assert g.link is not None
    assert (g.link.curie, g.link.predicate, g.link.method) == (
        "MONDO:0043519",
        BROAD_MATCH,
        MESH_ANCESTOR,
    )
    assert g.link.score == 0.5
    assert g.link.matched_text == "MESH:D002057 Burns, Chemical < MESH:D002056 Burns"


def test_ancestors_of_a_study_with_other_mesh_terms_are_not_used(src: Sources) -> None:
    # ClinicalTrials.gov lists the ancestors of all the study's terms together
    ctx = _ctx(mesh=("D002057", "D003920"), ancestors=BURNS)
    g = link_condition(
        "Burns, Chemical",
        mesh_ids=["D002057"],
        mesh_terms=["Burns, Chemical"],
        context=ctx,
        sources=src,
    )
    # not through the ancestors: only the head word of the name itself ("Burns"), a broader term
    assert g.link is not None and g.link.method == "phrase in name", g.link
    assert (g.link.curie, g.link.predicate, g.link.score) == ("MONDO:0043519", BROAD_MATCH, 0.5)


def test_the_ancestor_on_the_branch_that_shares_the_terms_word_wins(src: Sources) -> None:
    # MeSH files mandibular fractures under skull fractures, hence under nervous-system trauma
    ancestors = (("D020196", "Trauma, Nervous System"), ("D007572", "Jaw Fractures"))
    ctx = _ctx(mesh=("D008337",), ancestors=ancestors)
    g = link_condition(
        "Mandibular Fractures",
        mesh_ids=["D008337"],
        mesh_terms=["Mandibular Fractures"],
        context=ctx,
        sources=src,
    )
    assert g.link is not None and g.link.curie == "MONDO:0100075"  # jaw fracture


# -- HPO findings, curated rows, qualifiers --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "curie", "predicate"),
    [
        ("Vertigo", "HP:0002321", EXACT_MATCH),  # a finding, not a MONDO disease
        ("Low Back Pain", "HP:0003419", EXACT_MATCH),
        ("Herniated Disc", "HP:0008441", EXACT_MATCH),  # curated: HPO's synonym
        ("Disk Herniated Lumbar", "HP:0008441", BROAD_MATCH),
        ("COVID-19 Disease", "MONDO:0100096", EXACT_MATCH),
        (
            "B972- Coronavirus as the cause of diseases classified elsewhere",
            "MONDO:0020753",
            "skos:closeMatch",
        ),
        ("Stage IVA Lung Cancer AJCC v8", "MONDO:0008903", BROAD_MATCH),
        ("Atrial Fibrillation Recurrent", "MONDO:0004981", BROAD_MATCH),  # MONDO before HPO
        ("Patients with COVID19", "MONDO:0100096", "skos:closeMatch"),  # phrase in name
        ("Carcinoma, Ductal", "MONDO:0004993", BROAD_MATCH),  # MeSH's inverted head word
    ],
)
def test_names_and_their_terms(src: Sources, name: str, curie: str, predicate: str) -> None:
    g = link_condition(name, sources=src)
    assert g.link is not None, name
    assert (g.link.curie, g.link.predicate) == (curie, predicate), g.link
    if predicate == BROAD_MATCH:
        assert g.link.score <= 0.6
    elif predicate != EXACT_MATCH:
        assert g.link.score < 1.0


# -- why unlinked ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Healthy Volunteers", "healthy volunteers"),
        ("Anxious Healthy Subjects", "healthy volunteers"),
        ("Surgery", "procedure"),
        ("Hematopoietic Stem Cell Transplantation", "procedure"),
        ("Mesenchymal Stem Cells", "intervention"),
        ("Umbilical Cord", "intervention"),
        ("Older People", "population"),
        ("Disease", "unspecific"),
        ("Syndrome", "unspecific"),
        ("Complications", "unspecific"),
        ("Recurrence", "unspecific"),
        ("Safety", "measure"),
        ("Viral Load", "measure"),
        ("Doses", "measure"),
        ("Effect of Drugs", "measure"),
        ("Endoscopic Submucosal Dissection", "procedure"),
        ("Catheter Ablation", "procedure"),
        ("Contact Person From COVID-19 Confirmed Patient", "population"),  # its first phrase
        ("Zygomatic Fractures", "no term"),
        ("Burn Out", "no term"),  # "burn" is not the name's head word
        ("Acute-On-Chronic Liver Failure", "no term"),  # not a chronic liver failure
        ("Post-COVID-19 Syndrome", "no term"),
        ("Diabetes Mellitus, Type 2, Cancer", "no term"),  # two conditions in one name
        ("Gastric or Gastroesophageal Junction Adenocarcinoma", "no term"),  # two places
        ("Fibrosis after Severe Coronavirus Disease 2019 (COVID-19) Pneumonia", "no term"),
        ("T cell exhaustion in COVID-19 patients", "no term"),  # not COVID-19 itself
    ],
)
def test_unlinked_names_say_why(src: Sources, name: str, reason: str) -> None:
    assert link_condition(name, sources=src) == (None, reason)


def test_a_condition_word_keeps_a_name_a_condition(src: Sources) -> None:
    assert not_a_condition("Kidney Transplantation") == "procedure"
    assert not_a_condition("Kidney Transplant Rejection") is None
    assert link_condition("Kidney Transplant Rejection", sources=src).reason != "procedure"
    assert link_condition("Anesthesia Complication", sources=src).reason != "procedure"


def test_a_drug_named_as_the_condition_is_an_intervention(src: Sources) -> None:
    assert link_condition("Hydroxychloroquine", sources=src) == (None, "intervention")


def test_the_reason_table_is_well_formed() -> None:
    assert phrases()
    assert {kind for _, kind in phrases()} <= set(KINDS)


# -- end to end: a build, the graph, link-coverage, trials-under-condition -------------------

STUDY = {
    "protocolSection": {
        "identificationModule": {
            "nctId": "NCT09990001",
            "briefTitle": "Cells for Metastatic Non-Small Cell Lung Cancer and Burns",
        },
        "statusModule": {"overallStatus": "RECRUITING"},
        "conditionsModule": {
            "conditions": [
                "NSCLC",
                "Burns, Chemical",
                "Healthy Volunteers",
                "Mesenchymal Stem Cells",
                "Zygomatic Fractures",
            ]
        },
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1"]},
        "armsInterventionsModule": {
            "interventions": [
                {"type": "DRUG", "name": "Favipiravir"},
                {"type": "DRUG", "name": "Hydroxychloroquine (placebo)"},
                {"type": "BIOLOGICAL", "name": "Umbilical cord MSC", "otherNames": ["heparin"]},
            ]
        },
    },
    "derivedSection": {
        "conditionBrowseModule": {
            "meshes": [{"id": "D002057", "term": "Burns, Chemical"}],
            "ancestors": [
                {"id": "D002056", "term": "Burns"},
                {"id": "D014947", "term": "Wounds and Injuries"},
            ],
        }
    },
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from kg.build import build
    from kg.store import open_store

    folder = tmp_path_factory.mktemp("context")
    doc = folder / "in" / "NCT09990001.json"
    doc.parent.mkdir()
    doc.write_text(json.dumps(STUDY), encoding="utf-8")
    report = build([doc.parent], folder / "store")
    assert not report.failed
    assert report.conditions is not None
    assert (report.conditions.linked, report.conditions.naming, report.conditions.mentions) == (
        2,
        3,
        5,
    )
    assert "2 of 3 mentions that name a condition" in report.conditions.summary()
    return open_store(folder / "store", read_only=True).store


def test_the_graph_says_how_each_condition_was_linked_or_why_not(built: Store) -> None:
    def ask(query: str) -> bool:
        return bool(built.query(prefix + query, use_default_graph_as_union=True))

    prefix = """PREFIX cto: <https://w3id.org/celltrials/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX obo: <http://purl.obolibrary.org/obo/>
    """
    assert ask(
        """ASK { ?c rdfs:label "NSCLC" ; skos:exactMatch obo:MONDO_0005233 ; cto:mapping ?m .
                  ?m cto:matchMethod "abbreviation in context" ; cto:matchedText ?t }"""
    )
    assert ask(
        """ASK { ?c rdfs:label "Burns, Chemical" ; skos:broadMatch obo:MONDO_0043519 ; cto:mapping ?m .
                  ?m cto:matchMethod "mesh ancestor" ; cto:matchScore 0.5 ;
                     cto:matchedText "MESH:D002057 Burns, Chemical < MESH:D002056 Burns" }"""
    )
    for name, reason in (
        ("Healthy Volunteers", "healthy volunteers"),
        ("Mesenchymal Stem Cells", "intervention"),
        ("Zygomatic Fractures", "no term"),
    ):
        assert ask(f'ASK {{ ?c rdfs:label "{name}" ; cto:unlinkedReason "{reason}" }}'), name
    assert not ask("ASK { ?c cto:mapping ?m ; cto:unlinkedReason ?r }")
    assert ask("ASK { ?c cto:unlinkedReason ?r }")


def test_link_coverage_counts_by_kind_and_names_the_unlinked(built: Store) -> None:
    rows = load_query("link-coverage").execute(built, {}).values()
    coverage = {r["kind"]: r for r in rows if r["section"] == "coverage"}
    assert coverage["linked, of the mentions that name a condition"]["mentions"] == "2"
    assert coverage["linked, of the mentions that name a condition"]["share"] == "66.7"
    assert coverage["mentions that name a condition"]["mentions"] == "3"
    kinds = {r["kind"]: r["mentions"] for r in rows if r["section"] == "by kind"}
    assert kinds == {
        "linked: skos:exactMatch MONDO": "1",
        "linked: skos:broadMatch MONDO": "1",
        "unlinked: healthy volunteers": "1",
        "unlinked: intervention": "1",
        "unlinked: no term": "1",
    }
    top = {(r["name"], r["kind"]) for r in rows if r["section"] == "top unlinked"}
    assert ("Zygomatic Fractures", "unlinked: no term") in top and len(top) == 3


def test_trials_under_condition_reach_broad_links_and_min_score_drops_them(built: Store) -> None:
    def run(**params: str) -> list[dict[str, str | None]]:
        return load_query("trials-under-condition").execute(built, params).values()

    burns = run(mondo="MONDO:0043519")
    assert [(r["condition"], r["predicate"], r["method"]) for r in burns] == [
        ("Burns, Chemical", "skos:broadMatch", "mesh ancestor")
    ]
    assert not run(mondo="MONDO:0043519", min_score="0.6")
    lung = run(mondo="MONDO:0008903")  # lung cancer: NSCLC is one of its subtypes
    assert [r["condition"] for r in lung] == ["NSCLC"]
    assert run(mondo="MONDO:0008903", min_score="0.85") and not run(
        mondo="MONDO:0008903", min_score="0.9"
    )


def test_drugs_beside_the_cells_are_linked_to_chebi(built: Store) -> None:
    def ask(query: str) -> bool:
        prefix = """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX obo: <http://purl.obolibrary.org/obo/>
        """
        return bool(built.query(prefix + query, use_default_graph_as_union=True))

    assert ask(
        """ASK { ?i a cto:Intervention ; rdfs:label "Favipiravir" ; cto:mapping ?m .
                  ?m cto:mappedTerm ?term ; cto:matchMethod "exact label" .
                  FILTER(STRSTARTS(STR(?term), STR(obo:CHEBI_))) }"""
    )
    # a placebo of a drug is not that drug; other names (co-medications) are not the product
    assert not ask(
        'ASK { ?i a cto:Intervention ; rdfs:label "Hydroxychloroquine (placebo)" ; cto:mapping ?m }'
    )
    assert not ask(
        'ASK { ?i a cto:Intervention ; rdfs:label "Umbilical cord MSC" ; cto:mapping ?m }'
    )


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("Teriparatide", "CHEBI:135983"),  # curated table
        ("Hyaluronic acid injection", "CHEBI:16336"),
        ("Tacrolimus", "CHEBI:61049"),
        ("Normal Saline (Placebo) Infusion", "CHEBI:26710"),
        ("Remdesivir", None),  # filled below: ChEBI's own label
        ("Placebo", None),
        ("Hydroxychloroquine (placebo)", None),
        ("Mesenchymal stem cells", None),
        ("Physiotherapy", None),
    ],
)
def test_ground_intervention(src: Sources, name: str, curie: str | None) -> None:
    from kg.link import ground_intervention

    link = ground_intervention(name, sources=src)
    if name == "Remdesivir":
        assert link is not None and link.method == "exact label" and link.label == "remdesivir"
        return
    assert (link.curie if link else None) == curie, link
