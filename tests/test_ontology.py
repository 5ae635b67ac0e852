"""The project ontology: well-formed, documented, consistent under a reasoner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import QuerySolutions, RdfFormat, Store

from kg.terms import ONTOLOGY_FILE

CTO = rdflib.Namespace("https://w3id.org/celltrials/ontology#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def test_every_term_has_label_and_definition(ontology: rdflib.Graph) -> None:
    terms = {
        s
        for s in ontology.subjects()
        if isinstance(s, rdflib.URIRef) and str(s).startswith(str(CTO))
    }
    assert len(terms) > 60
    for term in sorted(terms):
        assert ontology.value(term, rdflib.RDFS.label) is not None, f"{term} has no label"
        assert ontology.value(term, SKOS.definition) is not None, f"{term} has no definition"


def test_alignments(ontology: rdflib.Graph) -> None:
    obo = rdflib.Namespace("http://purl.obolibrary.org/obo/")
    assert (CTO.Trial, rdflib.RDFS.subClassOf, obo.OBI_0003699) in ontology
    assert (
        CTO.Trial,
        rdflib.RDFS.subClassOf,
        rdflib.URIRef("https://schema.org/MedicalTrial"),
    ) in ontology


def test_graph_uses_only_declared_terms(seed_graph: Store, ontology: rdflib.Graph) -> None:
    result = seed_graph.query(
        """SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t }
             FILTER(STRSTARTS(STR(?t), "https://w3id.org/celltrials/ontology#")) }""",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, QuerySolutions)
    used = {rdflib.URIRef(row["t"].value) for row in result}  # type: ignore[union-attr]
    declared = set(ontology.subjects())
    assert used, "nothing used?"
    assert used <= declared, sorted(used - declared)


@pytest.mark.skipif(shutil.which("java") is None, reason="owlready2's HermiT reasoner needs Java")
def test_reasoner_finds_ontology_consistent(tmp_path: Path, ontology: rdflib.Graph) -> None:
    import owlready2

    path = tmp_path / "celltrials.nt"
    ontology.serialize(path, format="nt")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.skipif(shutil.which("java") is None, reason="owlready2's HermiT reasoner needs Java")
def test_reasoner_catches_an_inconsistency(tmp_path: Path, ontology: rdflib.Graph) -> None:
    """The check can fail: something both a Dose and a Trial (disjoint) is inconsistent."""
    import owlready2

    bad = rdflib.Graph()
    bad += ontology
    x = rdflib.URIRef("https://example.org/x")
    bad.add((x, rdflib.RDF.type, CTO.Dose))
    bad.add((x, rdflib.RDF.type, CTO.Trial))
    bad.add((x, rdflib.RDF.type, rdflib.OWL.NamedIndividual))
    path = tmp_path / "bad.nt"
    bad.serialize(path, format="nt")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto, pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)


@pytest.mark.skipif(shutil.which("java") is None, reason="owlready2's HermiT reasoner needs Java")
def test_reasoner_with_the_shipped_closure_and_the_seed_records(
    tmp_path: Path, seed_graph: Store
) -> None:
    """The ontology, the closure of the outside terms the graph uses (labels, ancestors,
    MONDO's mappings) and the seed records together are consistent.

    Dates are left out: OWL 2's datatype map has no xsd:date, xsd:gYearMonth or xsd:gYear,
    which the graph uses to keep partial dates at their precision, and HermiT refuses them.
    """
    import owlready2

    data = seed_graph.query(
        """CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o
             FILTER(!isLiteral(?o) || DATATYPE(?o) NOT IN (xsd:date, xsd:gYearMonth, xsd:gYear)) }""",
        use_default_graph_as_union=True,
        prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"},
    )
    path = tmp_path / "graph.nt"
    data.serialize(str(path), format=RdfFormat.N_TRIPLES)  # type: ignore[union-attr]
    text = path.read_text(encoding="utf-8")
    assert "hasAncestor" in text and "UBERON_0002331" in text
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
