"""Evidence is shown as the reader of the record saw it: a markdown record's backslash escapes
(`1.2×10\\^8` in the page's source) are resolved in cto:evidence, in the canned queries'
tables and on the trial pages, and the span as the source writes it stays in the graph
(cto:evidenceAsWritten). Plain-text formats keep their backslashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Store

from kg.cli import main
from kg.model import Arm, Dose, DosePer, DoseUnit, Provenance, Trial
from kg.rdf import CTO, trial_quads
from kg.server.app import create_app
from kg.server.config import ServerConfig

EVIDENCE, AS_WRITTEN = NamedNode(CTO + "evidence"), NamedNode(CTO + "evidenceAsWritten")
REGIMEN = NamedNode(CTO + "regimenEvidence")


def _record(fmt: str) -> Trial:
    arm = Arm(
        "A",
        "EXPERIMENTAL",
        "UC-MSC 1\\*10\\^6 cells/kg",
        doses=[
            Dose(
                1e6, 1e6, DoseUnit.CELLS_PER_KG, DosePer.ADMINISTRATION, "1\\*10\\^6 cells/kg", "f"
            )
        ],
        route="intravenous",
        regimen_evidence="IV \\[infusion\\]",
    )
    prov = Provenance("t", fmt, "0" * 64, "test", "NCT00000013", "0" * 64)
    return Trial(provenance=prov, nct_id="NCT00000013", arms=[arm])


def _values(store: Store, predicate: NamedNode) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(None, predicate, None)}


@pytest.mark.parametrize("fmt", ["ctgov-v2", "page-veeva"])
def test_markdown_record_shows_the_rendered_text(fmt: str) -> None:
    store = Store()
    store.extend(trial_quads(_record(fmt))[1])
    assert _values(store, EVIDENCE) == {"1*10^6 cells/kg"}
    assert _values(store, REGIMEN) == {"IV [infusion]"}
    assert _values(store, AS_WRITTEN) == {"1\\*10\\^6 cells/kg", "IV \\[infusion\\]"}


@pytest.mark.parametrize("fmt", ["ctgov-v1", "ctgov-xml"])
def test_plain_text_record_keeps_its_backslashes(fmt: str) -> None:
    store = Store()
    store.extend(trial_quads(_record(fmt))[1])
    assert _values(store, EVIDENCE) == {"1\\*10\\^6 cells/kg"}
    assert not _values(store, AS_WRITTEN)


def test_dose_iri_does_not_depend_on_the_display() -> None:
    def dose_iris(fmt: str) -> set[str]:
        quads = trial_quads(_record(fmt))[1]
        return {q.subject.value for q in quads if q.predicate == EVIDENCE}

    assert dose_iris("ctgov-v2") == dose_iris("ctgov-v1")


def test_canned_query_table_shows_the_rendered_evidence(seed_store: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", "--store", str(seed_store), "--canned", "uc-msc-above-dose"]
    )
    assert result.exit_code == 0, result.output
    assert "1.2×10^8" in result.stdout and "2.4×10^8" in result.stdout
    assert "\\^" not in result.stdout


def test_graph_keeps_the_span_as_written(seed_graph: Any) -> None:
    assert Literal("1.2×10\\^8") in {
        q.object for q in seed_graph.quads_for_pattern(None, AS_WRITTEN, None)
    }
    assert Literal("1.2×10^8") in {
        q.object for q in seed_graph.quads_for_pattern(None, EVIDENCE, None)
    }


@pytest.fixture(scope="module")
def client(seed_store: Path) -> Iterator[FlaskClient]:
    with create_app(ServerConfig(store=seed_store)).test_client() as c:
        yield c


def test_trial_page_shows_the_rendered_evidence(client: FlaskClient, seed_graph: Any) -> None:
    (row,) = seed_graph.query(
        f"""SELECT ?t WHERE {{ ?t <{CTO}hasArm> ?a .
            ?a <http://www.w3.org/2000/01/rdf-schema#label> "Medium Dose Group" }}""",
        use_default_graph_as_union=True,
    )
    trial = row["t"].value
    page = client.get(trial.removeprefix("https://w3id.org/celltrials"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1.2×10^8" in html and "2.4×10^8" in html
    assert "10\\^" not in html
    home = client.get("/queries/uc-msc-above-dose").get_data(as_text=True)
    assert "1.2×10^8" in home and "10\\^" not in home
