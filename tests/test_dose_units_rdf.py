"""Doses on other bases, caps and implausible figures in the graph: their RDF, the canned
queries that compare doses, and the QC warning that reports implausible figures without
making the graph invalid."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyoxigraph import QuerySolutions, Store

from kg.cli import main
from kg.model import (
    Arm,
    CellCap,
    CellProduct,
    Dose,
    DosePer,
    DoseUnit,
    Provenance,
    Trial,
)
from kg.queries import load_query
from kg.rdf import trial_quads
from kg.validate import qc_checks, run_qc

UC, MSC = "UBERON:0002331", "CL:0000134"


def _dose(low: float, high: float, unit: DoseUnit, evidence: str) -> Dose:
    return Dose(low, high, unit, DosePer.ADMINISTRATION, evidence, "arm 'A' description")


def _trial() -> Trial:
    product = CellProduct("UC-MSC", cell_type=MSC, tissue=UC, evidence="UC-MSC")
    arm = Arm(
        "A",
        "EXPERIMENTAL",
        "UC-MSC",
        products=[product],
        doses=[
            _dose(2e8, 2e8, DoseUnit.CELLS_PER_CM2, "2 x 10^8 cells/cm2"),
            _dose(5e7, 5e7, DoseUnit.CELLS, "5 x 10^7 cells"),
            _dose(2e6, 2e6, DoseUnit.CELLS_PER_KG, "2 x 10^6 cells/kg"),
            _dose(3e8, 3e8, DoseUnit.CELLS_PER_JOINT, "3 x 10^8 cells per knee"),
        ],
        caps=[CellCap(1.5e8, DoseUnit.CELLS, "up to 150 million cells", "arm 'A' description")],
    )
    prov = Provenance("t.json", "ctgov-v2", "0" * 64, "test", "NCT00000012", "0" * 64)
    return Trial(provenance=prov, nct_id="NCT00000012", brief_title="UC-MSC", arms=[arm])


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    _, quads = trial_quads(_trial())
    s.extend(quads)
    return s


def _run(store: Store, name: str, **params: str) -> list[dict[str, Any]]:
    return load_query(name).execute(store, params).values()


def test_arm_doses_shows_every_unit_and_no_cap(store: Store) -> None:
    rows = _run(store, "arm-doses")
    got = sorted((r["dose_unit"], float(r["dose_max"])) for r in rows)
    assert got == [
        ("cells", 5e7),
        ("cells/kg", 2e6),
        ("other:cells/cm2", 2e8),
        ("other:cells/joint", 3e8),
    ]
    assert all("150 million" not in (r["evidence"] or "") for r in rows)


def test_uc_msc_above_dose_compares_only_cells_and_cells_per_kg(store: Store) -> None:
    rows = _run(store, "uc-msc-above-dose", min_cells="1e7")
    got = sorted((float(r["dose_cells_max"]), r["per_kg"]) for r in rows)
    assert got == [(5e7, "false"), (1.4e8, "true")]  # 2e6/kg x 70 kg; no cm2, joint or cap
    assert not _run(store, "uc-msc-above-dose", min_cells="1.5e8")


def test_doses_by_tissue_route_keeps_units_apart(store: Store) -> None:
    rows = _run(store, "doses-by-tissue-route")
    assert sorted(r["dose_unit"] for r in rows) == [
        "cells",
        "cells/kg",
        "other:cells/cm2",
        "other:cells/joint",
    ]


def test_a_cap_is_a_cell_cap_not_a_dose(store: Store) -> None:
    q = """PREFIX cto: <https://w3id.org/celltrials/ontology#>
    SELECT ?max ?unit ?ev WHERE { ?arm cto:hasCellCap ?c . ?c a cto:CellCap ;
      cto:maxCellsCap ?max ; cto:capUnit ?unit ; cto:evidence ?ev .
      FILTER NOT EXISTS { ?c a cto:Dose } }"""
    result = store.query(q, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    rows = list(result)
    assert [
        (float(r["max"].value), r["unit"].value.rsplit("#")[-1], r["ev"].value) for r in rows
    ] == [(1.5e8, "Cells", "up to 150 million cells")]


def test_every_unit_is_in_the_queries_and_the_ontology() -> None:
    root = Path(__file__).resolve().parent.parent
    ontology = (root / "ontology" / "celltrials.ttl").read_text(encoding="utf-8")
    shapes = (root / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    for name in ("arm-doses", "doses-by-tissue-route"):
        text = (root / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        for unit in DoseUnit:
            assert f'"{unit.value}"' in text, (name, unit)
    from kg.rdf import _UNIT

    assert set(_UNIT) == set(DoseUnit)
    for local in _UNIT.values():
        assert f"cto:{local} a owl:NamedIndividual , cto:DoseUnit" in ontology, local
        assert f"cto:{local}" in shapes, local


# ---------------------------------------------------------------- QC warning


def _dose_store(low: float, high: float, unit: str, evidence: str) -> Store:
    s = Store()
    s.update(
        f"""PREFIX cto: <https://w3id.org/celltrials/ontology#>
        INSERT DATA {{ GRAPH <https://example.org/g> {{
          <https://example.org/arm> cto:hasDose <https://example.org/d> .
          <https://example.org/d> a cto:Dose ; cto:minCells {low:e} ; cto:maxCells {high:e} ;
             cto:doseUnit cto:{unit} ; cto:evidence "{evidence}" .
        }} }}"""
    )
    return s


@pytest.mark.parametrize(
    ("low", "high", "unit", "evidence", "reason"),
    [
        (2e8, 8e8, "CellsPerKilogram", "2-8x10^8 cell/kg", "more than 10^8 cells/kg"),
        (1500, 1500, "Cells", "a total of 1500 cells", "fewer than 10^4 cells"),
        (5e2, 5e2, "CellsPerKilogram", "500 cells/kg", "fewer than 10^4 cells/kg"),
        (1e12, 1e12, "Cells", "10^12 cells", "more than 10^11 cells"),
        (1e4, 1e7, "Cells", "10^4 to 10^7 cells", "hundredfold"),
    ],
)
def test_implausible_doses_are_warnings(
    low: float, high: float, unit: str, evidence: str, reason: str
) -> None:
    assert "dose-implausible" in qc_checks(severity="warning")
    assert "dose-implausible" not in qc_checks()
    (finding,) = run_qc(_dose_store(low, high, unit, evidence))
    assert finding.severity == "warning" and finding.check == "qc:dose-implausible"
    assert reason in finding.message and evidence in finding.message


@pytest.mark.parametrize(
    ("low", "high", "unit"),
    [(2e6, 2e6, "CellsPerKilogram"), (1e8, 1e8, "Cells"), (1e6, 5e6, "CellsPerKilogram"),
     (5e2, 5e2, "CellsPerSquareCentimetre")],
)  # fmt: skip
def test_plausible_doses_and_other_bases_are_not_flagged(
    low: float, high: float, unit: str
) -> None:
    assert run_qc(_dose_store(low, high, unit, "x")) == []


def test_a_warning_does_not_fail_validate(tmp_path: Path, seed_store: Path) -> None:
    from kg.store import open_store

    copy = tmp_path / "store"
    shutil.copytree(seed_store, copy)
    gs = open_store(copy)
    gs.store.update(
        """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT { GRAPH ?g { ?arm cto:hasDose <https://example.org/odd> .
          <https://example.org/odd> a cto:Dose ; cto:minCells "2e8"^^xsd:double ;
             cto:maxCells "8e8"^^xsd:double ; cto:doseUnit cto:CellsPerKilogram ;
             cto:perKilogram true ; cto:doseBasis cto:PerAdministration ;
             cto:evidence "2-8x10^8 cell/kg" } }
        WHERE { { SELECT ?g ?arm WHERE { GRAPH ?g { ?arm a cto:Arm } } ORDER BY ?arm LIMIT 1 } }"""
    )
    del gs
    r = CliRunner().invoke(main, ["validate", "--store", str(copy)])
    assert r.exit_code == 0, r.output
    assert "dose-implausible" in r.output and "1 warnings" in r.output
    r = CliRunner().invoke(main, ["validate", "--store", str(copy), "--json"])
    assert r.exit_code == 0 and '"severity": "warning"' in r.output


def test_other_units_and_caps_satisfy_the_shapes(store: Store) -> None:
    from kg.validate import run_shacl

    assert run_shacl(store) == [] and run_qc(store) == []
    broken = Store()
    broken.extend(store)
    broken.update(
        """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        DELETE { GRAPH ?g { ?c cto:evidence ?e } } WHERE { GRAPH ?g { ?c a cto:CellCap ; cto:evidence ?e } }"""
    )
    findings = run_shacl(broken)
    assert any("cell cap carries the verbatim text" in f.message for f in findings), findings
