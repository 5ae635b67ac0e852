"""kg.link tissues (UBERON), cell types (CL), drugs (ChEBI), labels and the ancestor closure."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.link import (
    Sources,
    TermEdge,
    ancestors,
    ground_cell_type,
    ground_drug,
    ground_tissue,
    is_obsolete,
    term_label,
)


@pytest.fixture(scope="module")
def src(shared_dir: Path) -> Sources:
    return Sources(terms_dir=shared_dir / "ontologies" / "cellxgene")


@pytest.mark.parametrize(
    ("word", "curie", "method"),
    [
        ("Wharton's jelly", "UBERON:0003422", "curated table"),
        ("Wharton’s Jelly", "UBERON:0003422", "curated table"),
        ("WJ", "UBERON:0003422", "curated table"),
        ("umbilical cord", "UBERON:0002331", "exact label"),
        ("Umbilical cord-derived", "UBERON:0002331", "exact label"),
        ("UC", "UBERON:0002331", "curated table"),
        ("amniotic membrane", "UBERON:0000305", "curated table"),
        ("amnion", "UBERON:0000305", "exact label"),
        ("placenta", "UBERON:0001987", "exact label"),
        ("bone marrow", "UBERON:0002371", "exact label"),
        ("adipose tissue", "UBERON:0001013", "exact label"),
        ("adipose-derived", "UBERON:0001013", "curated table"),
        ("fat", "UBERON:0001013", "exact synonym"),
        ("dental pulp", "UBERON:0001754", "exact label"),
        ("umbilical cord blood", "UBERON:0012168", "exact label"),
    ],
)
def test_ground_tissue(src: Sources, word: str, curie: str, method: str) -> None:
    link = ground_tissue(word, sources=src)
    assert link is not None
    assert (link.curie, link.method) == (curie, method)
    assert link.label == term_label(curie, sources=src)


@pytest.mark.parametrize(
    ("word", "curie"),
    [
        ("MSC", "CL:0000134"),
        ("MSCs", "CL:0000134"),
        ("mesenchymal stem cells", "CL:0000134"),
        ("mesenchymal stromal cell", "CL:0000134"),
        ("WJ-MSCs", "CL:0002568"),
        ("UC-MSC", "CL:0002569"),
        ("hUC-MSCs", "CL:0002569"),
        ("hA-MSCs", "CL:0002537"),
        ("amnion mesenchymal stem cell", "CL:0002537"),
        ("ADSC", "CL:0002570"),
        ("BM-MSC", "CL:0002540"),
        ("dental pulp stem cell", "CL:4030035"),
        ("T cells", "CL:0000084"),
    ],
)
def test_ground_cell_type(src: Sources, word: str, curie: str) -> None:
    link = ground_cell_type(word, sources=src)
    assert link is not None and link.curie == curie


def test_stromal_names_are_close_not_exact(src: Sources) -> None:
    link = ground_cell_type("Mesenchymal Stromal Cells", sources=src)
    assert link is not None and link.predicate == "skos:closeMatch"


@pytest.mark.parametrize(
    "value", ["UBERON:0003422", "UBERON_0003422", "http://purl.obolibrary.org/obo/UBERON_0003422"]
)
def test_tissue_by_curie(src: Sources, value: str) -> None:
    link = ground_tissue(value, sources=src)
    assert link is not None
    assert (link.curie, link.method, link.label) == (
        "UBERON:0003422",
        "identifier",
        "mesenchyme of umbilical cord",
    )


def test_curie_of_another_ontology_or_unknown(src: Sources) -> None:
    assert ground_tissue("CL:0000134", sources=src) is None
    assert ground_cell_type("UBERON:0002331", sources=src) is None
    assert ground_cell_type("CL:9999999", sources=src) is None


def test_obsolete_curie_follows_replaced_by(src: Sources) -> None:
    cl = src.terms("CL")
    obsolete = next(c for c in sorted(cl) if cl.is_obsolete(c) and cl.current(c) not in (None, c))
    link = ground_cell_type(obsolete, sources=src)
    assert link is not None
    assert link.curie == cl.replaced_by(obsolete) and link.score < 1
    assert is_obsolete(obsolete, sources=src)


@pytest.mark.parametrize("word", ["", "jelly beans", "stromal vascular fraction soup"])
def test_unknown_words(src: Sources, word: str) -> None:
    assert ground_tissue(word, sources=src) is None


def test_ancestors_wharton_jelly_in_umbilical_cord(src: Sources) -> None:
    edges = ancestors(["UBERON:0003422"], sources=src)
    assert TermEdge("UBERON:0003422", "UBERON:0002331", 1) in edges
    assert all(e.child == "UBERON:0003422" for e in edges)


def test_ancestors_amnion_msc_is_an_msc(src: Sources) -> None:
    edges = ancestors(["CL:0002537", "CL:0002537", "NCIT:C38276", "CL:9999999"], sources=src)
    parents = {e.parent: e.distance for e in edges}
    assert parents["CL:0000134"] == 1
    assert {e.child for e in edges} == {"CL:0002537"}


def test_ancestors_between_ancestors(src: Sources) -> None:
    edges = ancestors(["CL:0002537"], sources=src, between_ancestors=True)
    assert TermEdge("CL:0000134", "CL:0000048", 1) in edges
    assert edges == sorted(set(edges))


def test_labels_and_obsolete(src: Sources) -> None:
    assert term_label("MONDO:0005298", sources=src) == "osteoporosis"
    assert term_label("UBERON:0002331", sources=src) == "umbilical cord"
    assert term_label("NCIT:C38276", sources=src) is None
    assert term_label("not a curie", sources=src) is None
    assert not is_obsolete("CL:0000134", sources=src)
    assert is_obsolete("MONDO:0005088", sources=src)  # obsolete rheumatoid arthritis
    assert not is_obsolete("CL:9999999", sources=src)


@pytest.mark.parametrize(
    ("name", "curie"),
    [
        ("Teriparatide", "CHEBI:135983"),
        ("teriparatide (PTH 1-34)", "CHEBI:135983"),
        ("Estradiol Valerate", "CHEBI:31561"),
        ("cyproterone acetate", "CHEBI:50743"),
        ("Hyaluronic Acid", "CHEBI:16336"),
        ("Fluoxetine Tablets", "CHEBI:5118"),
        ("0.9% Sodium Chloride", "CHEBI:26710"),
    ],
)
def test_ground_drug(name: str, curie: str) -> None:
    link = ground_drug(name)
    assert link is not None
    assert (link.curie, link.method, link.source) == (curie, "curated table", "drugs.tsv")


@pytest.mark.parametrize("name", ["Climen", "Placebo", "Standard of care", "WJ-MSC", ""])
def test_drug_not_in_table(name: str) -> None:
    assert ground_drug(name) is None
