"""The results section of a trial page: flow, outcome table, adverse events by arm with the
arm's dose; asked for as HTML, and as Turtle with SPARQL over the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, Store

from kg.build import build
from kg.server.app import create_app


@pytest.fixture(scope="module")
def client(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    store = tmp_path_factory.mktemp("results-page") / "store"
    files = [
        test_data / "ctgov-v1" / "msc-mesenchymal-stromal.json",
        test_data / "ctgov-xml" / "NCT01642004.xml",
    ]
    build(files, store, jobs=1)
    app = create_app({"store": store, "query_processes": 1})
    with app.test_client() as c:
        yield c


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_adverse_events_by_arm_beside_the_arm_dose(client: FlaskClient) -> None:
    page = client.get("/trial/NCT02097641", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h2>Results</h2>" in html
    section = _text(html.split("<h2>Results</h2>", 1)[1])
    # the hMSC group: joined to its arm, the arm's dose (10^7 cells/kg), 17 of 40 with a serious AE
    row = section.split("Adverse events by arm", 1)[1].split("Participant flow", 1)[0]
    assert re.search(
        r"Human Mesenchymal Stem Cells Human Mesenchymal Stromal Cells \(hMSCs\) .*cells/kg .*17 / 40 42\.5%",
        row,
    ), row
    assert "Plasma-Lyte A (placebo)" in row and "matched" in row
    # flow: STARTED / COMPLETED per group
    flow = section.split("Participant flow", 1)[1]
    assert re.search(r"STARTED (\d+) (\d+)", flow)
    # outcomes, with the arm each group is joined to
    assert "PaO2:FiO2 Change From Baseline to Day 3" in section
    assert "3.7 (-1.2 to 10.8)" in section


def test_a_p_value_with_its_method_and_a_trial_without_cells(client: FlaskClient) -> None:
    html = client.get("/trial/NCT01642004", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = _text(html.split("<h2>Results</h2>", 1)[1])
    assert "p=0.0004 (Log Rank)" in section
    assert "no dose stated" in section  # nivolumab and docetaxel: no cells, no dose


def test_results_as_turtle(client: FlaskClient) -> None:
    answer = client.get(
        "/trial/NCT02097641/results/adverse-events/group/eg000", headers={"Accept": "text/turtle"}
    )
    assert answer.status_code == 200
    g = Store()
    g.load(answer.get_data(), RdfFormat.TURTLE)
    assert bool(
        g.query(
            """PREFIX cto: <https://w3id.org/celltrials/ontology#>
            ASK { ?g cto:seriousAffected 17 ; cto:seriousAtRisk 40 ; cto:groupOfArm ?arm }"""
        )
    )
