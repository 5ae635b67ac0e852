"""The build's materialised headline figures (kg/materialise.py) and the queries that read them.

* on the seeds and on all of ../shared/data: each product's cto:fromTissue is exactly its
  tissue plus that tissue's cto:hasAncestor closure; each per-administration dose in cells
  or cells/kg, and no other, has a cto:comparableCells equal to its figure (times the stated
  cto:referenceBodyWeight for cells/kg), and carries its evidence;
* the dose and product queries give the rows their earlier texts give, which read the
  stored facts only (kept below as the reference), for several parameter sets;
* arm-doses, paged trial by trial, gives the earlier query's rows in the earlier order;
  every row asked for at once (its whole-listing text, queries/whole/) gives the pages
  concatenated, in order;
* uc-msc-above-dose, a paged listing in index order: its pages concatenated are its whole
  answer in order, without a row twice, and the reference's rows;
* a per-kilogram dose with other body weights than the reference one;
* a rebuild after one record changes its product's tissue and its doses equals a clean build;
* the shapes refuse a comparable figure on a dose that is not comparable.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store

from kg.build import build
from kg.materialise import REFERENCE_BODY_WEIGHT_KG
from kg.queries import CannedQuery, load_query
from kg.store import open_store
from kg.validate import validate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CTO = "https://w3id.org/celltrials/ontology#"
PREFIX = "PREFIX cto: <https://w3id.org/celltrials/ontology#>\n"
PAGE = "000_66e03c00ef7c3da0.txt"  # hMSC100, umbilical cord MSCs, three dose groups

# The queries as they were before the materialisation (commit 4bf526e), reading the stored
# facts only: the reference the rewritten queries must agree with.
REFERENCE = {
    "uc-msc-above-dose": """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?trial ?title ?arm ?product ?dose_cells_max ?per_kg ?evidence ?min_cells ?body_weight_kg WHERE {
  { BIND(obo:UBERON_0002331 AS ?tissue) } UNION { ?tissue cto:hasAncestor obo:UBERON_0002331 }
  ?p cto:tissueSource ?tissue ; rdfs:label ?product .
  ?t cto:studiesProduct ?p .
  ?d cto:doseOf ?p ; cto:maxCells ?max ; cto:perKilogram ?per_kg ;
     cto:doseBasis cto:PerAdministration ; cto:evidence ?evidence ; cto:doseUnit ?unit .
  FILTER(?unit IN (cto:Cells, cto:CellsPerKilogram))
  ?owner cto:hasDose ?d .
  OPTIONAL { ?p cto:cellType ?cell }
  FILTER(!BOUND(?cell) || EXISTS { { FILTER(?cell = obo:CL_0000134) } UNION { ?cell cto:hasAncestor obo:CL_0000134 } })
  BIND(IF(?per_kg, ?max * ?body_weight_kg, ?max) AS ?dose_cells_max)
  FILTER(?dose_cells_max > ?min_cells)
  OPTIONAL { ?owner rdfs:label ?arm FILTER EXISTS { ?owner a cto:Arm } }
  OPTIONAL { ?t rdfs:label ?title }
  OPTIONAL { ?t cto:nctId ?nct }
  BIND(COALESCE(?nct, STR(?t)) AS ?trial)
}""",
    "products-under-tissue": """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?trial ?product ?tissue ?tissue_label ?cell_type ?cell_type_label ?uberon WHERE {
  ?ts cto:hasAncestor? ?uberon
  LATERAL {
    ?p cto:tissueSource ?ts ; rdfs:label ?product .
    ?t cto:studiesProduct ?p .
    OPTIONAL { ?ts rdfs:label ?tissue_label }
    OPTIONAL { ?p cto:cellType ?ct . OPTIONAL { ?ct rdfs:label ?cell_type_label } }
    OPTIONAL { ?t cto:nctId ?nct }
  }
  BIND(COALESCE(?nct, STR(?t)) AS ?trial)
  BIND(REPLACE(STR(?ts), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?tissue)
  BIND(REPLACE(STR(?ct), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?cell_type)
}""",
    "products-by-tissue": """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?tissue ?tissue_label ?cell_type ?cell_type_label ?product ?donor (COUNT(DISTINCT ?t) AS ?trials) (COUNT(DISTINCT ?d) AS ?doses) WHERE {
  ?t cto:studiesProduct ?p .
  ?p rdfs:label ?product .
  OPTIONAL { ?p cto:tissueSource ?ts . OPTIONAL { ?ts rdfs:label ?tissue_label } }
  OPTIONAL { ?p cto:cellType ?ct . OPTIONAL { ?ct rdfs:label ?cell_type_label } }
  OPTIONAL { ?p cto:donor ?dn . ?dn rdfs:label ?donor }
  OPTIONAL { ?d cto:doseOf ?p }
  BIND(REPLACE(STR(?ts), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?tissue)
  BIND(REPLACE(STR(?ct), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?cell_type)
}
GROUP BY ?tissue ?tissue_label ?cell_type ?cell_type_label ?product ?donor""",
    "doses-by-tissue-route": """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?tissue ?tissue_label ?route ?dose_unit (COUNT(DISTINCT ?t) AS ?trials) (COUNT(DISTINCT ?d) AS ?doses)
       (MIN(?max) AS ?min_dose) (MAX(?max) AS ?max_dose) (AVG(?max) AS ?mean_dose) WHERE {
  ?owner cto:hasDose ?d .
  ?d cto:maxCells ?max ; cto:doseUnit ?u ; cto:doseBasis cto:PerAdministration ; cto:doseOf ?p .
  ?t cto:studiesProduct ?p .
  OPTIONAL { ?p cto:tissueSource ?ts . OPTIONAL { ?ts rdfs:label ?tissue_label } }
  OPTIONAL { ?d cto:route ?dr }
  OPTIONAL { ?owner cto:route ?or }
  BIND(COALESCE(?dr, ?or, cto:none) AS ?r)
  OPTIONAL { ?r rdfs:label ?route_label }
  BIND(IF(?r = cto:none, "", COALESCE(?route_label, STR(?r))) AS ?route)
  VALUES (?u ?dose_unit) {
    (cto:Cells "cells") (cto:CellsPerKilogram "cells/kg")
    (cto:CellsPerSquareCentimetre "other:cells/cm2") (cto:CellsPerEye "other:cells/eye")
    (cto:CellsPerJoint "other:cells/joint") (cto:CellsPerLesion "other:cells/lesion")
    (cto:CellsPerVocalFold "other:cells/vocal fold") (cto:CellsPerLimb "other:cells/limb")
    (cto:CellsPerDisc "other:cells/disc") (cto:CellsPerSite "other:cells/site")
      (cto:Millilitres "other:mL")
  }
  BIND(COALESCE(REPLACE(STR(?ts), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:"), "") AS ?tissue)
}
GROUP BY ?tissue ?tissue_label ?route ?dose_unit""",
}
# arm-doses as it was before it paged: every row, sorted over the whole store.
ARM_DOSES_BEFORE = """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?trial ?arm ?product ?cell_type ?tissue ?donor ?route ?dose_min ?dose_max ?dose_unit ?per ?administrations ?evidence ?trial_iri WHERE {
  # Each property is read in one pass and hash-joined (a sub-SELECT is evaluated once)
  # instead of being looked up once per arm: most arms have no dose and no product.
  {
    # Every arm with its label, and every armless trial that gives a product or a dose.
    SELECT ?t ?owner ?arm ?trial_iri WHERE {
      {
        { SELECT ?t ?owner ?trial_iri WHERE { ?t cto:hasArm ?owner FILTER(COALESCE(?t = ?trial_iri, true)) } }
        { SELECT ?owner ?arm WHERE { ?owner rdfs:label ?arm } }
        { SELECT ?t WHERE { ?t a cto:Trial } }
      }
      UNION
      {
        { SELECT DISTINCT ?t ?trial_iri WHERE { ?t cto:administersProduct|cto:hasDose ?x FILTER(COALESCE(?t = ?trial_iri, true)) } }
        ?t a cto:Trial . FILTER NOT EXISTS { ?t cto:hasArm ?anyArm }
        BIND(?t AS ?owner)
      }
    }
  }
  OPTIONAL {
    # Every (owner, dose, product) with the product's and the dose's details: a small table.
    # cto:none stands for "none", so that the look-ups never match an unbound variable.
    SELECT DISTINCT ?owner ?product ?ct ?ts ?dn ?dose_min ?dose_max ?u ?b ?evidence ?dose_route ?dose_n WHERE {
      {
        { ?owner cto:hasDose ?d0 . OPTIONAL { ?d0 cto:doseOf ?p0 } }
        UNION
        { ?owner cto:administersProduct ?p0 . FILTER NOT EXISTS { ?owner cto:hasDose/cto:doseOf ?p0 } }
      }
      BIND(COALESCE(?d0, cto:none) AS ?d)
      BIND(COALESCE(?p0, cto:none) AS ?p)
      LATERAL { OPTIONAL { ?p rdfs:label ?product } }
      OPTIONAL { SELECT ?p ?ct WHERE { ?p cto:cellType ?ct } }
      OPTIONAL { SELECT ?p ?ts WHERE { ?p cto:tissueSource ?ts } }
      OPTIONAL { SELECT ?p ?dn WHERE { ?p cto:donor ?dn } }
      OPTIONAL {
        SELECT ?d ?dose_min ?dose_max ?u ?b ?evidence WHERE {
          { SELECT ?d ?dose_min WHERE { ?d cto:minCells ?dose_min } }
          { SELECT ?d ?dose_max WHERE { ?d cto:maxCells ?dose_max } }
          { SELECT ?d ?u WHERE { ?d cto:doseUnit ?u } }
          { SELECT ?d ?b WHERE { ?d cto:doseBasis ?b } }
          { SELECT ?d ?evidence WHERE { ?d cto:evidence ?evidence } }
        }
      }
      OPTIONAL { SELECT ?d ?dose_route WHERE { ?d cto:route ?dose_route } }
      OPTIONAL { SELECT ?d ?dose_n WHERE { ?d cto:administrations ?dose_n } }
    }
  }
  OPTIONAL { SELECT DISTINCT ?owner ?owner_route WHERE { ?owner cto:route ?owner_route } }
  OPTIONAL { SELECT DISTINCT ?owner ?owner_n WHERE { ?owner cto:administrations ?owner_n } }
  BIND(COALESCE(?dose_route, ?owner_route, cto:none) AS ?r)
  OPTIONAL { SELECT DISTINCT ?r ?route_label WHERE { ?x cto:route ?r . ?r rdfs:label ?route_label } }
  BIND(IF(?r = cto:none, ?unbound, COALESCE(?route_label, STR(?r))) AS ?route)
  BIND(COALESCE(?dose_n, ?owner_n) AS ?administrations)
  BIND(REPLACE(STR(?ct), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?cell_type)
  BIND(REPLACE(STR(?ts), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:") AS ?tissue)
  BIND(IF(?dn = cto:Autologous, "autologous", IF(?dn = cto:Allogeneic, "allogeneic", IF(BOUND(?dn), "unknown", ?unbound))) AS ?donor)
  # The unit as the dose keys spell it: cells, cells/kg, or other:<unit> for any other basis.
  OPTIONAL {
    VALUES (?unit_iri ?dose_unit) {
      (cto:Cells "cells") (cto:CellsPerKilogram "cells/kg")
      (cto:CellsPerSquareCentimetre "other:cells/cm2") (cto:CellsPerEye "other:cells/eye")
      (cto:CellsPerJoint "other:cells/joint") (cto:CellsPerLesion "other:cells/lesion")
      (cto:CellsPerVocalFold "other:cells/vocal fold") (cto:CellsPerLimb "other:cells/limb")
      (cto:CellsPerDisc "other:cells/disc") (cto:CellsPerSite "other:cells/site")
      (cto:Millilitres "other:mL")
    }
    FILTER(?unit_iri = ?u)
  }
  BIND(IF(?b = cto:PerAdministration, "administration", IF(?b = cto:PerCourse, "course", IF(BOUND(?b), "unknown", ?unbound))) AS ?per)
  OPTIONAL { SELECT DISTINCT ?t ?nct WHERE { ?t cto:nctId ?nct } }
  BIND(COALESCE(?nct, STR(?t)) AS ?trial)
}
ORDER BY ?trial ?arm ?product ?dose_min ?dose_max"""
PARAMS: dict[str, list[dict[str, str]]] = {
    "uc-msc-above-dose": [
        {},
        {"min_cells": "1e7"},
        {"min_cells": "0"},
        {"body_weight_kg": "60"},
        {"body_weight_kg": "60", "min_cells": "1e7"},
        {"body_weight_kg": "70.5", "min_cells": "1e6"},
        {"body_weight_kg": "3.5", "min_cells": "1e7"},
        {"body_weight_kg": "1000", "min_cells": "1e10"},
    ],
    "products-under-tissue": [
        {},
        {"uberon": "UBERON:0000305"},  # amnion
        {"uberon": "UBERON:0003422"},
        {"uberon": "UBERON:0001013"},  # adipose tissue
        {"uberon": "UBERON:0002371"},  # bone marrow
        {"uberon": "UBERON:0000061"},  # anatomical structure: nearly every product
        {"uberon": "UBERON:9999999"},  # no such term
    ],
    "products-by-tissue": [{}],
    "doses-by-tissue-route": [{}],
}


def select(store: Store, text: str) -> list[dict[str, object]]:
    result = store.query(PREFIX + text, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def sorted_rows(cq: CannedQuery, store: Store, values: dict[str, str]) -> list[str]:
    return sorted(repr(row) for row in cq.execute(store, values).rows)


def every_page(cq: CannedQuery, store: Store, values: dict[str, str], limit: int) -> list[object]:
    """The rows of every page of a listing, ``limit`` rows a page, one page after another."""
    rows: list[object] = []
    offset: int | None = 0
    while offset is not None:
        page = cq.execute_page(store, {**values, "limit": str(limit), "offset": str(offset)})
        assert len(page.table.rows) == limit or page.next_offset is None
        rows.extend(page.table.rows)
        offset = page.next_offset
    return rows


def assert_pages_are_the_whole(cq: CannedQuery, store: Store, values: dict[str, str]) -> None:
    """A paged listing's pages, concatenated, are its whole answer in its order, no row twice
    (at two page sizes, one that cuts the answer into several pages)."""
    whole = list(cq.execute(store, values).rows)
    assert len(set(whole)) == len(whole)
    for limit in (7, 100):
        assert every_page(cq, store, values, limit) == whole, (cq.name, values, limit)


def assert_materialised(store: Store) -> tuple[int, int]:
    """The materialised triples are exactly what the stored facts give; returns the number of
    (product, term) pairs and of comparable doses."""
    tissues = select(store, "SELECT ?p ?ts WHERE { ?p cto:tissueSource ?ts }")
    ancestors = select(store, "SELECT ?p ?a WHERE { ?p cto:tissueSource/cto:hasAncestor ?a }")
    stored = {(str(r["p"]), str(r["ts"])) for r in tissues}
    stored |= {(str(r["p"]), str(r["a"])) for r in ancestors}
    materialised = {
        (str(r["p"]), str(r["a"]))
        for r in select(store, "SELECT ?p ?a WHERE { ?p cto:fromTissue ?a }")
    }
    assert materialised == stored
    expected = {
        str(r["d"]): r
        for r in select(
            store,
            "SELECT ?d ?max ?u WHERE { ?d a cto:Dose ; cto:doseBasis cto:PerAdministration ; "
            "cto:maxCells ?max ; cto:doseUnit ?u FILTER(?u IN (cto:Cells, cto:CellsPerKilogram)) }",
        )
    }
    comparable = select(
        store,
        "SELECT ?d ?c ?ref ?ev WHERE { ?d cto:comparableCells ?c . "
        "OPTIONAL { ?d cto:referenceBodyWeight ?ref } OPTIONAL { ?d cto:evidence ?ev } }",
    )
    assert sorted(str(r["d"]) for r in comparable) == sorted(expected)
    for r in comparable:
        facts = expected[str(r["d"])]
        assert isinstance(r["c"], Literal) and isinstance(facts["max"], Literal)
        assert isinstance(r["ev"], Literal) and r["ev"].value, r  # the figure's evidence
        figure = float(facts["max"].value)
        if facts["u"] == NamedNode(CTO + "CellsPerKilogram"):
            assert isinstance(r["ref"], Literal)
            assert float(r["ref"].value) == REFERENCE_BODY_WEIGHT_KG
            assert float(r["c"].value) == figure * REFERENCE_BODY_WEIGHT_KG
        else:
            assert r["ref"] is None
            assert r["c"] == facts["max"]  # the same literal
    return len(materialised), len(comparable)


@pytest.fixture(scope="module")
def shared_store(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("materialise-shared") / "store"
    build([test_data], path)  # a broken fixture document is reported, the rest stored
    yield open_store(path, read_only=True).store


def test_materialised_triples_on_the_seeds(seed_graph: Store) -> None:
    pairs, doses = assert_materialised(seed_graph)
    assert pairs > 4 and doses >= 9  # the seeds' tissues have ancestors; their doses compare


@pytest.mark.slow
def test_materialised_triples_on_all_shared_data(shared_store: Store) -> None:
    pairs, doses = assert_materialised(shared_store)
    per_kg = select(shared_store, "SELECT ?d WHERE { ?d cto:referenceBodyWeight ?w }")
    assert pairs > 1000 and doses > 100 and len(per_kg) > 50


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_rows_as_the_stored_facts_give_them_on_the_seeds(seed_graph: Store, name: str) -> None:
    cq = load_query(name)
    for values in PARAMS[name]:
        expected = sorted_rows(_with_text(cq, REFERENCE[name]), seed_graph, values)
        assert sorted_rows(cq, seed_graph, values) == expected, (name, values)
        if cq.pages:
            assert_pages_are_the_whole(cq, seed_graph, values)
        portable = _with_text(cq, cq.portable) if cq.portable else None
        if portable is not None:
            assert sorted_rows(portable, seed_graph, values) == expected, (name, values)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_rows_as_the_stored_facts_give_them_on_all_shared_data(
    shared_store: Store, name: str
) -> None:
    cq = load_query(name)
    nonempty = 0
    for values in PARAMS[name]:
        expected = sorted_rows(_with_text(cq, REFERENCE[name]), shared_store, values)
        assert sorted_rows(cq, shared_store, values) == expected, (name, values)
        if cq.pages:
            assert_pages_are_the_whole(cq, shared_store, values)
        if cq.portable:
            assert sorted_rows(_with_text(cq, cq.portable), shared_store, values) == expected
        nonempty += bool(expected)
    assert nonempty >= len(PARAMS[name]) // 2  # the comparisons have rows to compare


def _with_text(cq: CannedQuery, text: str) -> CannedQuery:
    from dataclasses import replace

    return replace(cq, text=text, whole=None)


def _without_whole(cq: CannedQuery) -> CannedQuery:
    from dataclasses import replace

    return replace(cq, whole=None)


def _per_kg_page(folder: Path) -> Path:
    """The hMSC100 page with its high dose given per kilogram: 2×10^6 cells/kg."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (SEEDS / PAGE).read_text(encoding="utf-8")
    assert "2.4×10\\^8" in text
    (folder / PAGE).write_text(text.replace("2.4×10\\^8", "2×10\\^6 cells/kg"), encoding="utf-8")
    return folder


def test_a_per_kilogram_dose_at_other_body_weights(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    build([_per_kg_page(tmp_path / "in")], store_path)
    store = open_store(store_path, read_only=True).store
    cq = load_query("uc-msc-above-dose")
    [dose] = select(
        store,
        "SELECT ?c ?w WHERE { ?d cto:doseUnit cto:CellsPerKilogram ; "
        "cto:comparableCells ?c ; cto:referenceBodyWeight ?w }",
    )
    assert isinstance(dose["c"], Literal) and isinstance(dose["w"], Literal)
    assert float(dose["c"].value) == 1.4e8 and float(dose["w"].value) == 70.0

    def figures(**values: str) -> list[tuple[str, float, bool]]:
        table = cq.execute(store, values)
        arm, cells, per_kg = (table.columns.index(c) for c in ("arm", "dose_cells_max", "per_kg"))
        out = []
        for row in table.rows:
            a, c, k = row[arm], row[cells], row[per_kg]
            assert isinstance(a, Literal) and isinstance(c, Literal) and isinstance(k, Literal)
            out.append((a.value, float(c.value), k.value == "true"))
        return sorted(out)

    high = "High Dose Group"
    # The reference weight: 2×10^6 × 70 = 1.4×10^8 > 10^8.
    assert figures() == [(high, 1.4e8, True), ("Medium Dose Group", 1.2e8, False)]
    # 40 kg: 8×10^7, not above 10^8; the absolute dose is what it was.
    assert figures(body_weight_kg="40") == [("Medium Dose Group", 1.2e8, False)]
    # 60 kg: 1.2×10^8, above 1.1×10^8, and the figure is for 60 kg, not 70.
    assert figures(body_weight_kg="60", min_cells="1.1e8") == [
        (high, 1.2e8, True),
        ("Medium Dose Group", 1.2e8, False),
    ]
    # 100 kg, a threshold between the two weights' figures.
    assert figures(body_weight_kg="100", min_cells="1.5e8") == [(high, 2e8, True)]
    assert figures(body_weight_kg="70", min_cells="1.5e8") == []
    # The same rows as the stored facts give.
    reference = _with_text(cq, REFERENCE["uc-msc-above-dose"])
    for values in ({}, {"body_weight_kg": "40"}, {"body_weight_kg": "60", "min_cells": "1.1e8"}):
        assert sorted_rows(cq, store, values) == sorted_rows(reference, store, values)


def _nquads(path: Path) -> list[str]:
    data = open_store(path, read_only=True).store.dump(format=RdfFormat.N_QUADS)
    assert data is not None
    return sorted(data.decode().splitlines())


def test_rebuild_after_a_change_of_tissue_and_doses_equals_a_clean_build(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    store = tmp_path / "store"
    build([folder], store)
    page = folder / PAGE
    text = page.read_text(encoding="utf-8")
    # Other cells (from adipose tissue, no longer the cord) and a dose per kilogram.
    changed = text.replace("umbilical cord-derived", "adipose-derived").replace(
        "hMSC100 (Human UC-MSC Injection)", "hMSC100 (Human AD-MSC Injection)"
    )
    changed = changed.replace("2.4×10\\^8", "2×10\\^6 cells/kg")
    assert changed != text
    page.write_text(changed, encoding="utf-8")
    report = build([folder], store)
    assert [d.key for d in report.documents if d.status == "mapped"] == [PAGE]
    build([folder], tmp_path / "clean")
    assert _nquads(store) == _nquads(tmp_path / "clean")
    after = open_store(store, read_only=True).store
    assert_materialised(after)
    # The change reached the materialised triples: adipose tissue, not the cord, and a
    # per-kilogram comparable dose.
    terms = {
        str(r["a"])
        for r in select(
            after,
            "SELECT ?a WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> 'hMSC100' ; "
            "cto:fromTissue ?a }",
        )
    }
    assert "<http://purl.obolibrary.org/obo/UBERON_0001013>" in terms  # adipose tissue
    assert "<http://purl.obolibrary.org/obo/UBERON_0002331>" not in terms  # umbilical cord
    assert select(after, "SELECT ?d WHERE { ?d cto:referenceBodyWeight ?w }")


def test_the_shapes_refuse_a_figure_on_a_dose_that_does_not_compare(seed_graph: Store) -> None:
    copy = Store()
    copy.extend(seed_graph.quads_for_pattern(None, None, None, None))
    [row] = select(
        copy,
        "SELECT ?d ?g WHERE { GRAPH ?g { ?d cto:doseBasis cto:PerAdministration ; "
        "cto:doseUnit cto:Cells ; cto:comparableCells ?c } } LIMIT 1",
    )
    dose, graph = row["d"], row["g"]
    assert isinstance(dose, NamedNode) and isinstance(graph, NamedNode)
    assert not [f for f in validate(copy) if f.severity == "violation"]
    basis = NamedNode(CTO + "doseBasis")
    copy.remove(Quad(dose, basis, NamedNode(CTO + "PerAdministration"), graph))
    copy.add(Quad(dose, basis, NamedNode(CTO + "PerCourse"), graph))
    found = [f for f in validate(copy) if f.severity == "violation" and dose.value in f.focus]
    assert found and all("hasValue" in f.check or "HasValue" in f.check for f in found), found


def assert_arm_doses_as_before(store: Store) -> int:
    """arm-doses gives the earlier query's rows in the earlier order, whole or page by page,
    and for one trial; returns the number of rows."""
    cq = load_query("arm-doses")
    before = _with_text(cq, ARM_DOSES_BEFORE)
    rows = list(before.execute(store, {}).rows)
    assert cq.whole is not None and cq.whole_text({}) == cq.whole
    assert list(cq.execute(store, {}).rows) == rows  # the whole-listing text
    assert list(_without_whole(cq).execute(store, {}).rows) == rows  # the pages' text, unpaged
    assert every_page(cq, store, {}, 1000) == rows  # every page at the default size
    first = cq.execute_page(store, {"limit": "7"})
    assert list(first.table.rows) == rows[:7]
    if len(rows) > 7:
        assert first.next_offset == 7
        assert list(cq.execute_page(store, {"limit": "7", "offset": "7"}).table.rows) == rows[7:14]
    trials = {str(r[0]) for r in rows}
    for trial in sorted(trials)[:3]:
        iri = trial.strip('"') if trial.startswith('"http') else None
        values = {"trial_iri": iri or f"https://w3id.org/celltrials/trial/{trial.strip(chr(34))}"}
        assert cq.whole_text(values) == cq.text  # one trial: the pages' form, looked up
        assert list(cq.execute(store, values).rows) == list(before.execute(store, values).rows)
    return len(rows)


def test_arm_doses_pages_the_earlier_rows_in_their_order_on_the_seeds(seed_graph: Store) -> None:
    assert assert_arm_doses_as_before(seed_graph) >= 10


@pytest.mark.slow
def test_arm_doses_pages_the_earlier_rows_in_their_order_on_all_shared_data(
    shared_store: Store,
) -> None:
    assert assert_arm_doses_as_before(shared_store) > 1000
