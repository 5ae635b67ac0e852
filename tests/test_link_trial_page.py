"""The trial page shows each link with its predicate, term, method, score and matched text:
conditions (or why one is not linked), interventions linked to ChEBI, cell products named
by INN with their NCIt concept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.build import build
from kg.server.app import create_app


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def client(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("link-page")
    # A shared record whose cell arm is rewritten to name remestemcel-L (a product of the
    # named-product table with an NCIt concept); its drug arm stays repaglinide (ChEBI).
    record = json.loads((test_data / "ctgov-v2" / "NCT00763412.json").read_bytes())
    arms = record["protocolSection"]["armsInterventionsModule"]
    arms["armGroups"][0]["description"] = "Patients receive remestemcel-L 2 million cells/kg"
    arms["armGroups"][0]["interventionNames"] = ["Biological: Remestemcel-L"]
    arms["interventions"][0].update({"type": "BIOLOGICAL", "name": "Remestemcel-L"})
    inputs = folder / "in"
    inputs.mkdir()
    (inputs / "NCT00763412.json").write_text(json.dumps(record), encoding="utf-8")
    store = folder / "store"
    build([inputs], store, jobs=1)
    app = create_app({"store": store, "query_processes": 1})
    with app.test_client() as c:
        yield c


@pytest.fixture(scope="module")
def page(client: FlaskClient) -> str:
    response = client.get("/trial/NCT00763412", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def test_interventions_show_their_chebi_link_and_how_it_was_made(page: str) -> None:
    section = page.split("Interventions", 1)[1].split("Arms, cell products and doses", 1)[0]
    assert re.search(
        r"repaglinide drug → skos:exactMatch repaglinide CHEBI:8805 ↗ "
        r"\((exact label|curated table), score 1\.00, matched “repaglinide”\)",
        section,
        re.IGNORECASE,
    ), section
    assert "Remestemcel-L biological" in section  # an intervention ChEBI has no term for


def test_a_cell_product_shows_its_ncit_concept(page: str) -> None:
    section = page.split("Interventions", 1)[1].split("Arms, cell products and doses", 1)[0]
    assert re.search(r"remestemcel-L cell product → NCIt concept .*NCIT:C67082", section), section


def test_conditions_show_method_score_and_matched_text(page: str) -> None:
    section = page.split("Conditions", 1)[1].split("Interventions", 1)[0]
    # each linked condition: predicate, term, then (method, score, matched text)
    rows = re.findall(
        r"→ (skos:\w+) .*?\(([a-z ]+), score (\d\.\d\d), matched “([^”]+)”\)", section
    )
    assert rows, section
    for predicate, method, score, _matched in rows:
        assert method and 0.0 < float(score) <= 1.0
        if predicate == "skos:broadMatch":
            assert float(score) <= 0.6  # a broader term never scores like an exact one
    assert "Pancreatic Insufficiency" in section
