"""One trial from many sources: one Trial IRI, each source's statements in its own graph
with provenance, and the `source-conflicts` query showing where they disagree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pyoxigraph import QuerySolutions

from kg.build import build
from kg.queries import load_query
from kg.store import open_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"


def v2_record(enrollment: int, status: str) -> dict[str, object]:
    """A ClinicalTrials.gov API v2 record of seed 001's trial, as a second source."""
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": "NCT05018637",
                "orgStudyInfo": {"id": "2019-11-010"},
                "briefTitle": "Efficacy of WJ-derived Mesenchymal Stem Cells in Combination With "
                "Parathyroid Hormone for Vertebral Compression Fracture",
            },
            "statusModule": {"overallStatus": status},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "enrollmentInfo": {"count": enrollment, "type": "ACTUAL"},
            },
        }
    }


def test_one_trial_two_sources_and_their_conflicts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("001_*.txt")), folder / "veeva-page.txt")
    (folder / "NCT05018637.json").write_text(
        json.dumps(v2_record(28, "COMPLETED")), encoding="utf-8"
    )
    store = tmp_path / "store"
    report = build([folder], store)
    assert not report.failed
    gs = open_store(store, read_only=True)
    trials = gs.store.query(
        "SELECT DISTINCT ?t WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }",
        use_default_graph_as_union=True,
    )
    assert isinstance(trials, QuerySolutions)
    assert [row["t"].value for row in trials] == [TRIAL]  # type: ignore[union-attr]
    rows = load_query("source-conflicts").execute(gs.store, {}).values()
    by_field: dict[str, set[tuple[str | None, str | None, str | None]]] = {}
    for r in rows:
        assert r["trial"] == "NCT05018637"
        by_field.setdefault(str(r["field"]), set()).add((r["value"], r["source"], r["format"]))
    assert by_field["enrollment"] == {
        ("30", "veeva-page.txt", "page-veeva"),
        ("28", "NCT05018637.json", "ctgov-v2"),
    }
    assert by_field["overallStatus"] == {
        ("UNKNOWN", "veeva-page.txt", "page-veeva"),
        ("COMPLETED", "NCT05018637.json", "ctgov-v2"),
    }
    assert "phase" not in by_field and "briefTitle" not in by_field  # they agree
    one = load_query("source-conflicts").execute(gs.store, {"trial_iri": TRIAL})
    assert len(one.rows) == len(rows)
    del gs


def test_reingesting_a_newer_version_replaces_that_sources_statements(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("001_*.txt")), folder / "veeva-page.txt")
    record = folder / "NCT05018637.json"
    record.write_text(json.dumps(v2_record(28, "RECRUITING")), encoding="utf-8")
    store = tmp_path / "store"
    build([folder], store)
    record.write_text(json.dumps(v2_record(31, "COMPLETED")), encoding="utf-8")  # newer version
    report = build([folder], store)
    assert [d.key for d in report.documents if d.status == "mapped"] == ["NCT05018637.json"]
    rows = (
        load_query("source-conflicts").execute(open_store(store, read_only=True).store, {}).values()
    )
    values = {(r["field"], r["value"], r["source"]) for r in rows}
    assert ("enrollment", "31", "NCT05018637.json") in values
    assert ("enrollment", "28", "NCT05018637.json") not in values  # the old version is gone
    assert ("overallStatus", "RECRUITING", "NCT05018637.json") not in values
    assert ("enrollment", "30", "veeva-page.txt") in values  # the other source is untouched
