"""The command line as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(store), "--quiet"])
    assert result.exit_code == 0, result.output
    return store


def test_build_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "s"), "--quiet"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "5 documents: 5 mapped" in out
    assert "5 trials" in out and "doses" in out and "quads" in out
    assert "no NCT id on the page" in out  # the report line for seeds without one


def test_build_exit_status_when_a_document_fails(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "zz-empty.txt").write_bytes(b"")
    result = CliRunner().invoke(
        main, ["build", str(folder), "--store", str(tmp_path / "s"), "--quiet"]
    )
    assert result.exit_code == 1
    assert "zz-empty.txt: empty file" in result.output
    again = CliRunner().invoke(
        main,
        [
            "query",
            "--store",
            str(tmp_path / "s"),
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }",
        ],
    )
    assert again.output.splitlines()[1].strip() == "5"


def test_canned_query_csv_json_table(built: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        main, ["query", "--store", str(built), "--canned", "uc-msc-above-dose", "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["arm"] for row in rows] == ["Medium Dose Group", "High Dose Group"]
    r = runner.invoke(
        main,
        [
            "query",
            "--store",
            str(built),
            "--canned",
            "uc-msc-above-dose",
            "--param",
            "min_cells=1e7",
            "--format",
            "json",
        ],
    )
    data = json.loads(r.stdout)
    assert len(data["results"]["bindings"]) == 7  # 3 hMSC100 + 1 WJ-MSC + 3 ILD doses
    r = runner.invoke(main, ["query", "--store", str(built), "--canned", "arm-doses"])
    assert r.exit_code == 0 and "hiSCs" in r.stdout and "cells/kg" in r.stdout


def test_bad_parameter_is_a_usage_error(built: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "query",
            "--store",
            str(built),
            "--canned",
            "uc-msc-above-dose",
            "--param",
            "min_cells=lots",
        ],
    )
    assert r.exit_code == 2 and "min_cells" in r.output


def test_query_from_rq_file_and_syntax_error(built: Path, tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text("ASK { ?s <https://w3id.org/celltrials/ontology#nctId> 'NCT05018637' }")
    r = CliRunner().invoke(main, ["query", "--store", str(built), str(q)])
    assert r.stdout.strip() == "true"
    r = CliRunner().invoke(main, ["query", "--store", str(built), "SELECT WHERE {"])
    assert r.exit_code == 1 and "syntax error" in r.output.lower()


@pytest.mark.parametrize("name", ["nonexistent.rq", "queries/missing.sparql", "my-question"])
def test_query_names_a_missing_file(built: Path, name: str) -> None:
    r = CliRunner().invoke(main, ["query", "--store", str(built), name])
    assert r.exit_code == 1
    assert f"no such file: {name}" in r.output and "syntax" not in r.output.lower()


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://e/s> <http://e/p> 1 }",
        "PREFIX e: <http://e/> # a comment\n DELETE WHERE { ?s e:p ?o }",
        "CLEAR ALL",
        "LOAD <http://example.org/x.ttl>",
    ],
)
def test_query_refuses_updates(built: Path, tmp_path: Path, text: str) -> None:
    r = CliRunner().invoke(main, ["query", "--store", str(built), text])
    assert r.exit_code == 1
    assert "updates are not accepted here" in r.output and "syntax" not in r.output.lower()
    q = tmp_path / "update.rq"  # the same from a file
    q.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["query", "--store", str(built), str(q)])
    assert r.exit_code == 1 and "updates are not accepted here" in r.output
    count = CliRunner().invoke(
        main, ["query", "--store", str(built), "--format", "csv", "ASK { <http://e/s> ?p ?o }"]
    )
    assert count.stdout.strip() == "false"


def test_query_long_text_is_not_taken_for_a_file(built: Path) -> None:
    text = "ASK { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(40)) + " }"
    r = CliRunner().invoke(main, ["query", "--store", str(built), text])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "true"


def test_export_turtle_round_trips(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump.ttl"
    r = CliRunner().invoke(
        main, ["export", "--store", str(built), "--format", "turtle", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    parsed = rdflib.Graph().parse(out, format="turtle")
    nt = tmp_path / "dump.nt"
    CliRunner().invoke(
        main, ["export", "--store", str(built), "--format", "ntriples", "-o", str(nt)]
    )
    reference = rdflib.Graph().parse(nt, format="nt")
    assert len(parsed) == len(reference) > 500
    assert isomorphic(parsed, reference)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_union_graph_formats(
    built: Path, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    """JSON-LD and RDF/XML hold the union graph, like Turtle: rdflib finds every triple."""
    out = tmp_path / f"dump.{fmt}"
    r = CliRunner().invoke(main, ["export", "--store", str(built), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    parsed = rdflib.Graph().parse(out, format=rdflib_format)
    nt = tmp_path / "dump.nt"
    CliRunner().invoke(
        main, ["export", "--store", str(built), "--format", "ntriples", "-o", str(nt)]
    )
    reference = rdflib.Graph().parse(nt, format="nt")
    assert len(parsed) == len(reference) > 500
    assert isomorphic(parsed, reference)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_export_other_formats_parse(built: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"dump.{fmt}"
    r = CliRunner().invoke(main, ["export", "--store", str(built), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    ds = rdflib.Dataset()
    ds.parse(out, format=fmt)
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/celltrials/graph/meta" in graphs and len(graphs) > 5, graphs
    assert sum(len(g) for g in ds.graphs()) > 500


def test_validate_passes_on_seed_graph(built: Path) -> None:
    r = CliRunner().invoke(main, ["validate", "--store", str(built)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


def test_validate_fails_on_a_broken_graph(built: Path, tmp_path: Path) -> None:
    from kg.store import open_store

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    gs = open_store(copy)
    gs.store.update(
        """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        INSERT DATA { GRAPH <https://example.org/g> {
          <https://example.org/d> a cto:Dose ; cto:minCells "5.0E6"^^<http://www.w3.org/2001/XMLSchema#double> ;
             cto:maxCells "1.0E6"^^<http://www.w3.org/2001/XMLSchema#double> .
          <https://example.org/t> a cto:Trial ; cto:nctId "NCT123" ; cto:briefSummary "mail me: someone@example.org" .
        } }"""
    )
    del gs
    r = CliRunner().invoke(main, ["validate", "--store", str(copy), "--json"])
    assert r.exit_code == 1
    text = r.output
    for expected in (
        "dose-without-evidence",
        "dose-range",
        "contact-data",
        "shacl:PatternConstraintComponent",
        "shacl:MinCountConstraintComponent",
        "dose-orphan",
    ):
        assert expected in text, expected


def test_console_script_is_installed() -> None:
    exe = shutil.which("kg") or str(Path(sys.executable).parent / "kg")
    assert Path(exe).exists(), "the `kg` command is not installed"
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("build", "query", "export", "validate"):
        assert command in out


def test_build_report_prints_a_bounded_number_of_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.cli

    monkeypatch.setattr(kg.cli, "NOTES_SHOWN", 2)
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "s"), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    shown = [line for line in lines if line.startswith("note ") and "more notes" not in line]
    more = [line for line in lines if "more notes are in the graph" in line]
    assert len(shown) == 2 and len(more) == 1
    hidden = int(more[0].split()[1])
    store = tmp_path / "s"
    counted = CliRunner().invoke(
        main,
        [
            "query",
            "--store",
            str(store),
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?d <https://w3id.org/celltrials/ontology#buildNote> ?x }",
        ],
    )
    assert int(counted.output.splitlines()[1]) == hidden + 2  # every note is in the graph
