"""``kg publish`` to Debian's Virtuoso (``virtuoso-opensource``, ``virtuoso-t`` started by
the test with its own ini and database on free 127.0.0.1 ports), and every canned query
over ``kg query --endpoint`` (its portable SPARQL 1.1 form: Virtuoso is no Oxigraph)
against the embedded store's rows.

Virtuoso writes some literals in other lexical forms of the same value (``"1"^^xsd:boolean``
for true, ``"2.4e+08"^^xsd:double``) and gives AVG of doubles as an xsd:decimal (SPARQL
says xsd:double), so rows are compared by value: numbers as numbers (to nine significant
digits, whatever their numeric datatype), booleans as booleans; every other term exactly.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal
from servers import VIRTUOSO, virtuoso_server
from test_publish import OTHER_PARAMS

from kg.cli import main
from kg.queries import load_queries
from kg.remote import Endpoint
from kg.results import Table
from kg.store import open_store

pytestmark = pytest.mark.skipif(
    VIRTUOSO is None, reason="Debian's virtuoso-opensource (.ci/run installs it)"
)
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("double", "float", "decimal", "integer", "long", "int")}


def value(term: object) -> object:
    if isinstance(term, Literal) and term.datatype.value in NUMBERS:
        number = float(term.value)
        return ("number", round(number, 9 - int(math.log10(abs(number) or 1))))
    if isinstance(term, Literal) and term.datatype.value == XSD + "boolean":
        return ("boolean", term.value in ("1", "true"))
    return str(term)


def rows(table: Table, text: str) -> list[tuple[object, ...]]:
    concat = {
        m["name"]: m["sep"]
        for m in re.finditer(
            r'GROUP_CONCAT\([^)]*separator\s*=\s*"(?P<sep>[^"]*)"\)\s+AS\s+\?(?P<name>\w+)', text
        )
    }
    out = []
    for row in table.rows:
        cells: list[object] = []
        for column, term in zip(table.columns, row, strict=True):
            if column in concat and isinstance(term, Literal):
                cells.append(sorted(term.value.split(concat[column])))
            else:
                cells.append(value(term))
        out.append(tuple(cells))
    return sorted(out, key=repr)


def publish_and_compare(store: Path, folder: Path) -> int:
    runner = CliRunner()
    env = {"KG_TEST_VIRTUOSO": "digest dba:dba"}
    with virtuoso_server(folder) as virtuoso:
        args = ["publish", "--store", str(store), "--to", virtuoso.store_url, "-q"]
        result = runner.invoke(main, [*args, "--auth-env", "KG_TEST_VIRTUOSO"], env=env)
        assert result.exit_code == 0, result.output
        again = runner.invoke(main, [*args, "--auth-env", "KG_TEST_VIRTUOSO"], env=env)
        assert "0 graphs sent" in again.output and "0 requests" in again.output
        gs = open_store(store, read_only=True)
        endpoint = Endpoint(virtuoso.query_url)
        assert endpoint.detect() == "sparql11"
        compared = 0
        for name, cq in load_queries().items():
            for values in [{}, *OTHER_PARAMS.get(name, [])]:
                local = cq.execute(gs.store, values)
                remote = cq.execute_remote(endpoint, values)
                assert remote.columns == local.columns, name
                assert rows(remote, cq.text) == rows(local, cq.text), (name, values)
                compared += bool(local.rows)
        # The command line: the same table over Virtuoso as over the store.
        for args in (["--canned", "trials-by-country"], ["--canned", "products-by-tissue"]):
            there = runner.invoke(
                main, ["query", "--endpoint", virtuoso.query_url, *args, "--format", "csv"]
            )
            here = runner.invoke(main, ["query", "--store", str(store), *args, "--format", "csv"])
            assert there.exit_code == 0, there.output
            assert sorted(there.stdout.splitlines()) == sorted(here.stdout.splitlines())
    return compared


def test_publish_to_virtuoso_and_ask_every_canned_query(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    assert publish_and_compare(store, tmp_path / "virtuoso") >= 15


@pytest.mark.slow
def test_all_shared_data_on_virtuoso(test_data: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    built = CliRunner().invoke(main, ["build", str(test_data), "--store", str(store), "--quiet"])
    assert built.exit_code in (0, 1), built.output
    assert publish_and_compare(store, tmp_path / "virtuoso") >= 20


def test_split_export_loads_with_virtuosos_bulk_loader(seed_store: Path, tmp_path: Path) -> None:
    """The bulk path for Virtuoso: the export's load-virtuoso.sql (ld_dir, rdf_loader_run)
    run by isql; the canned queries then give the store's rows."""
    out = tmp_path / "export"
    done = CliRunner().invoke(
        main,
        [
            "export",
            "--store",
            str(seed_store),
            "--format",
            "nquads",
            "-o",
            str(out),
            "--split-size",
            "0.01",
        ],
    )
    assert done.exit_code == 0, done.output
    with virtuoso_server(tmp_path / "virtuoso", load_dir=out) as virtuoso:
        log = virtuoso.isql((out / "load-virtuoso.sql").read_text(encoding="utf-8"))
        assert "Error" not in log, log
        loaded = virtuoso.isql("SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_state = 2;")
        assert f"\n{len(list(out.glob('part-*.nq.gz')))}\n" in loaded.replace(" ", ""), loaded
        gs = open_store(seed_store, read_only=True)
        endpoint = Endpoint(virtuoso.query_url)
        for name, cq in load_queries().items():
            local = cq.execute(gs.store, {})
            assert rows(cq.execute_remote(endpoint, {}), cq.text) == rows(local, cq.text), name
