"""kg.link conditions: MONDO grounding by MeSH id, curated table, label, synonym, normalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.link import Link, Sources, find_conditions, ground_condition, mesh_to_mondo, mondo_xrefs
from kg.link.conditions import GENERIC_TERMS, STOP_TERMS, STOP_TEXTS
from kg.link.records import METHODS, PREDICATES


@pytest.fixture(scope="module")
def src(shared_dir: Path) -> Sources:
    return Sources(
        terms_dir=shared_dir / "ontologies" / "cellxgene",
        sssom_dir=shared_dir / "ontologies" / "mondo-sssom",
    )


def _ground(src: Sources, name: str, *mesh: str) -> Link:
    link = ground_condition(name, mesh_ids=mesh, sources=src)
    assert link is not None, name
    assert link.predicate in PREDICATES and link.method in METHODS
    assert 0 < link.score <= 1 and link.source
    return link


# -- the seeds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "curie", "method"),
    [
        ("Osteoporosis", "MONDO:0005298", "exact label"),
        ("Rheumatoid Arthritis", "MONDO:0008383", "exact label"),
        ("Interstitial Lung Disease", "MONDO:0015925", "exact label"),
        ("Premature Ovarian Insufficiency", "MONDO:0005387", "curated table"),
    ],
)
def test_seed_conditions_by_name(src: Sources, name: str, curie: str, method: str) -> None:
    link = _ground(src, name)
    assert (link.curie, link.method, link.predicate) == (curie, method, "skos:exactMatch")


def test_premature_ovarian_insufficiency_by_mesh(src: Sources) -> None:
    link = _ground(src, "Premature Ovarian Insufficiency", "D016649")
    assert link.curie == "MONDO:0005387"
    assert link.method == "mesh xref"
    assert link.matched_text == "MESH:D016649"
    assert link.justification == "semapv:MappingChaining"
    assert link.source.startswith("mondo_exactmatch_mesh.sssom.tsv")


def test_osteoporotic_fractures(src: Sources) -> None:
    # MONDO has no osteoporotic-fracture term and MONDO's SSSOM no row for MeSH D058866:
    # the curated table gives the nearest broader term.
    assert mesh_to_mondo("D058866", sources=src) == []
    for mesh in ((), ("D058866",)):
        link = _ground(src, "Osteoporotic Fractures", *mesh)
        assert (link.curie, link.predicate, link.method) == (
            "MONDO:0005315",
            "skos:broadMatch",
            "curated table",
        )
        assert link.label == "bone fracture"


def test_vertebral_compression_fracture(src: Sources) -> None:
    link = _ground(src, "Vertebral Compression Fracture")
    assert (link.curie, link.label, link.predicate) == (
        "MONDO:0005309",
        "spinal fracture",
        "skos:broadMatch",
    )
    # the MeSH "Spinal Fractures" heading (D016103) is MONDO's exact match of that term
    assert [k.curie for k in mesh_to_mondo("D016103", sources=src)] == ["MONDO:0005309"]


def test_word_order_and_plural(src: Sources) -> None:
    link = _ground(src, "Fractures, Osteoporotic")
    assert link.curie == "MONDO:0005315"
    link = _ground(src, "Liver Cirrhoses")
    assert (link.curie, link.method) == ("MONDO:0005155", "normalised string")
    assert link.score < 1


# -- MeSH ------------------------------------------------------------------------------------


def test_mesh_ids_padded_by_the_classic_api(src: Sources) -> None:
    a = mesh_to_mondo("D000003424", sources=src)
    b = mesh_to_mondo("MESH:D003424", sources=src)
    assert a == b and [k.curie for k in a] == ["MONDO:0005011"]
    assert a[0].predicate == "skos:exactMatch" and a[0].score == 1.0
    # nine-digit ids MeSH issues since 2013 stay themselves
    assert [k.curie for k in mesh_to_mondo("D000072657", sources=src)] == ["MONDO:0041656"]


def test_mesh_link_needs_the_name_to_agree(src: Sources) -> None:
    # ClinicalTrials.gov lists MeSH terms per trial: a MeSH id never grounds an unrelated name.
    mesh = ("D000007674", "D000003928")  # Kidney Diseases, Diabetic Nephropathies
    assert ground_condition("Mesenchymal Stem Cells", mesh_ids=mesh, sources=src) is None
    link = _ground(src, "Diabetic Nephropathy", *mesh)
    assert (link.curie, link.method, link.score) == ("MONDO:0005016", "mesh xref", 1.0)


def test_mesh_fallback_broader_term(src: Sources) -> None:
    link = _ground(src, "Ischemic Cardiomyopathy", "D009202")  # Cardiomyopathies
    assert (link.curie, link.predicate, link.method) == (
        "MONDO:0004994",
        "skos:broadMatch",
        "mesh xref",
    )
    assert link.score < 0.8


def test_mesh_fallback_rejects_a_partial_overlap(src: Sources) -> None:
    # "Laryngeal Stenosis" shares only "stenosis" with tracheal stenosis (MeSH D014135)
    # (it is an HPO finding of its own name, never the MeSH term's MONDO tracheal stenosis)
    link = ground_condition("Laryngeal Stenosis", mesh_ids=["D014135"], sources=src)
    assert link is not None and link.curie == "HP:0001602", link


def test_mondo_xrefs(src: Sources) -> None:
    xrefs = mondo_xrefs("MONDO:0005298", sources=src)
    assert xrefs == {"MESH": ["MESH:D010024"], "NCIT": ["NCIT:C3298"]}
    # the shared copies carry no DOID or Wikidata mapping sets: no such keys
    assert "DOID" not in xrefs and "Wikidata" not in xrefs


# -- what is never grounded ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Disease", "Syndrome", "injury", "Disorders", "Condition"])
def test_stop_list(src: Sources, name: str) -> None:
    assert ground_condition(name, sources=src) is None


def test_stop_list_entries_exist(src: Sources) -> None:
    mondo = src.terms("MONDO")
    for curie in STOP_TERMS | GENERIC_TERMS:
        assert curie in mondo and not mondo.is_obsolete(curie), curie
    assert "disease" in STOP_TEXTS


@pytest.mark.parametrize("name", ["SCD", "RA", "ARMS", "Healthy", "Umbilical Cord", ""])
def test_abbreviations_and_non_conditions_are_not_linked(src: Sources, name: str) -> None:
    assert ground_condition(name, sources=src) is None


def test_non_human_animal_terms_are_never_used(src: Sources) -> None:
    link = _ground(src, "bone fracture")
    assert link.curie == "MONDO:0005315"  # not MONDO:1013743 "bone fracture, non-human animal"


# -- free text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A Single-center, Open-label, Single-arm, 3+3 Dose-escalation Phase I Clinical Study"
            " to Evaluate Safety and Tolerability of hMSC100 (Human UC-MSC Injection) in"
            " Postmenopausal Women With Osteoporosis and at High Risk of Fracture",
            [("Osteoporosis", "MONDO:0005298")],
        ),
        (
            "Stem Cells for the Treatment of Interstitial Lung Disease",
            [("Interstitial Lung Disease", "MONDO:0015925")],
        ),
        (
            "a single intra-articular injection of hiSCs for the treatment of"
            " rheumatoid arthritis.",
            [("rheumatoid arthritis", "MONDO:0008383")],
        ),
        (
            "A Randomized, Open-label, Parallel-controlled Clinical Study of Amniotic Mesenchymal"
            " Stem Cells in the Treatment of Premature Ovarian Insufficiency",
            [("Premature Ovarian Insufficiency", "MONDO:0005387")],
        ),
    ],
)
def test_find_conditions_in_seed_titles(
    src: Sources, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(span, k.curie) for span, k in find_conditions(text, sources=src)] == expected


def test_generic_term_kept_when_nothing_more_specific(src: Sources) -> None:
    found = find_conditions("Patients at high risk of fracture", sources=src)
    assert [(s, k.curie) for s, k in found] == [("fracture", "MONDO:0005315")]


def test_longest_match_wins(src: Sources) -> None:
    found = find_conditions("children with acute graft-versus-host disease", sources=src)
    assert [(s, k.curie) for s, k in found] == [
        ("acute graft-versus-host disease", "MONDO:0020546")
    ]


def test_word_boundaries_and_abbreviations(src: Sources) -> None:
    # "arms" and "face" are lower-cased copies of MONDO abbreviations (ARMS, FACE); "RA" is
    # inside no word; "also" holds "als" only as letters, not as a word.
    text = "Two arms, also a face mask; RAinbow trial in GvHD"
    assert find_conditions(text, sources=src) == []


def test_each_term_once_in_text_order(src: Sources) -> None:
    text = "Crohn's disease and ulcerative colitis; Crohn disease again"
    found = find_conditions(text, sources=src)
    assert [(s, k.curie) for s, k in found] == [
        ("Crohn's disease", "MONDO:0005011"),
        ("ulcerative colitis", "MONDO:0005101"),
    ]
    assert found[0][1].method == "normalised string"
    assert found[1][1].method == "exact label"
