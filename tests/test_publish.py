"""``kg publish`` and ``kg query --endpoint`` against a real Oxigraph server (the PyPI
``oxigraph`` package's ``oxigraph serve``), started by the tests on a free port.

* after publishing, every canned query over ``--endpoint`` (the Oxigraph form and the
  portable SPARQL 1.1 form) gives the rows the embedded store gives, for the seeds (with
  default and other parameters) and for all of ../shared/data (slow);
* a rebuild that changes one record publishes that record's graph and the derived graphs
  that changed, and deletes the old record graph: counted at a proxy in front of the server;
* retries, refusals, resume, --dry-run and --auth-env, seen from the server's side.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store
from servers import OXIGRAPH, counting_proxy, oxigraph_server

from kg.cli import main
from kg.publish import graph_ntriples, journal_path, read_journal
from kg.queries import load_queries, uses_lateral
from kg.remote import Endpoint, bind_parameters
from kg.results import Table
from kg.store import open_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BASE = "https://w3id.org/celltrials/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Other values than the defaults, so that each parameter is seen bound on the server too.
OTHER_PARAMS: dict[str, list[dict[str, str]]] = {
    "uc-msc-above-dose": [{"min_cells": "1e7", "body_weight_kg": "60"}],
    "arm-doses": [{"trial_iri": f"{BASE}trial/NCT05018637"}],
    "trials-under-condition": [{"min_score": "0.6"}, {"mondo": "MONDO:0005265"}],
    "products-under-tissue": [{"uberon": "UBERON:0003422"}, {"uberon": "UBERON:0000305"}],
    "trials-by-country": [{"cell_products_only": "true"}],
    "trials-by-registry": [{"cell_products_only": "true"}],
    "trials-by-condition": [
        {"condition_text": "osteo"},
        {"condition_text": 'x" } UNION { ?s ?p ?o } #'},  # bound as one literal, never as text
    ],
    "adverse-events-by-dose": [{"serious_only": "false"}, {"term": "UBERON:0002331"}],
    "source-conflicts": [{"trial_iri": f"{BASE}trial/NCT05018637"}],
}

pytestmark = pytest.mark.skipif(not OXIGRAPH.exists(), reason="the dev dependency oxigraph")


def rows(table: Table, text: str = "") -> list[tuple[str, ...]]:
    """The table's rows as N-Triples terms, sorted (ORDER BY may leave ties in any order);
    a GROUP_CONCAT of the query (``text``) is compared as the set of its parts, whose order
    SPARQL leaves open."""
    concat = {
        m["name"]: m["sep"]
        for m in re.finditer(
            r'GROUP_CONCAT\([^)]*separator\s*=\s*"(?P<sep>[^"]*)"\)\s+AS\s+\?(?P<name>\w+)', text
        )
    }
    out = []
    for row in table.rows:
        cells = []
        for column, term in zip(table.columns, row, strict=True):
            shown = "" if term is None else str(term)
            if column in concat and isinstance(term, Literal):
                shown = concat[column].join(sorted(term.value.split(concat[column])))
            cells.append(shown)
        out.append(tuple(cells))
    return sorted(out)


def publish(store: Path, url: str, *extra: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(
        main, ["publish", "--store", str(store), "--to", url, "--quiet", *extra], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


def assert_same_rows(store: Path, query_url: str, *, dialects: tuple[str, ...]) -> int:
    """Every canned query, every parameter set, every dialect: the server's rows are the
    store's. Returns the number of comparisons with at least one row."""
    gs = open_store(store, read_only=True)
    compared = 0
    for name, cq in load_queries().items():
        for values in [{}, *OTHER_PARAMS.get(name, [])]:
            local = cq.execute(gs.store, values)
            for dialect in dialects:
                endpoint = Endpoint(query_url, dialect=dialect)
                remote = cq.execute_remote(endpoint, values)
                assert remote.columns == local.columns, (name, dialect)
                assert rows(remote, cq.text) == rows(local, cq.text), (name, values, dialect)
                compared += bool(local.rows)
    return compared


@pytest.fixture(scope="module")
def published_seeds(
    seed_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    work = tmp_path_factory.mktemp("publish-seeds")
    store = work / "store"
    shutil.copytree(seed_store, store)
    with oxigraph_server(work / "server") as base:
        publish(store, f"{base}/store")
        yield base, store


def test_every_canned_query_over_the_endpoint_gives_the_stores_rows(
    published_seeds: tuple[str, Path],
) -> None:
    base, store = published_seeds
    compared = assert_same_rows(store, f"{base}/query", dialects=("oxigraph", "sparql11"))
    assert compared >= 20  # most comparisons have rows: the seeds answer them


def test_every_lateral_query_has_a_portable_form() -> None:
    for name, cq in load_queries().items():
        if uses_lateral(cq.text):
            assert cq.portable is not None, name
        if cq.portable is not None:
            assert not uses_lateral(cq.portable), name


def test_the_server_holds_the_stores_graphs_exactly(published_seeds: tuple[str, Path]) -> None:
    base, store = published_seeds
    gs = open_store(store, read_only=True)
    endpoint = Endpoint(f"{base}/query")
    for graph in gs.store.named_graphs():
        assert isinstance(graph, NamedNode)
        served = endpoint.graph(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"
        )
        there = Store()
        there.extend(Quad(t.subject, t.predicate, t.object, graph) for t in served)
        assert graph_ntriples(there, graph.value) == graph_ntriples(gs.store, graph.value)


def test_gzip_bodies_arrive_whole(seed_store: Path, tmp_path: Path) -> None:
    """``--gzip``: the bodies go compressed (Content-Encoding: gzip) and the server holds
    the store's graphs exactly."""
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    gs = open_store(store, read_only=True)
    with oxigraph_server(tmp_path / "server") as base:
        out = publish(store, f"{base}/store", "--gzip")
        found = re.search(r"\(([\d.]+) MB, [\d.]+ MB/s, ([\d.]+) MB gzip\)", " ".join(out.split()))
        assert found and float(found[2]) < float(found[1]) / 3, out
        endpoint = Endpoint(f"{base}/query")
        for graph in gs.store.named_graphs():
            assert isinstance(graph, NamedNode)
            served = endpoint.graph(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"
            )
            there = Store()
            there.extend(Quad(t.subject, t.predicate, t.object, graph) for t in served)
            assert graph_ntriples(there, graph.value) == graph_ntriples(gs.store, graph.value)


def test_cli_query_over_the_endpoint_writes_the_same_output(
    published_seeds: tuple[str, Path],
) -> None:
    base, store = published_seeds
    runner = CliRunner()
    for args in (
        ["--canned", "uc-msc-above-dose", "--param", "min_cells=1e7", "--format", "csv"],
        ["--canned", "arm-doses", "--format", "json"],
        ["SELECT ?t WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> } ORDER BY ?t"],
        ["ASK { ?t a <https://w3id.org/celltrials/ontology#Trial> }", "--format", "xml"],
    ):
        local = runner.invoke(main, ["query", "--store", str(store), *args])
        remote = runner.invoke(main, ["query", "--endpoint", f"{base}/query", *args])
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout
    construct = "CONSTRUCT { ?t a ?c } WHERE { ?t a ?c } ORDER BY ?t"
    local = runner.invoke(main, ["query", "--store", str(store), construct, "--format", "ntriples"])
    remote = runner.invoke(
        main, ["query", "--endpoint", f"{base}/query", construct, "--format", "ntriples"]
    )
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
    assert local.stdout.count("\n") > 5


def test_cli_query_over_the_endpoint_checks_parameters_and_refuses_updates(
    published_seeds: tuple[str, Path],
) -> None:
    base, _ = published_seeds
    runner = CliRunner()
    url = f"{base}/query"
    bad = runner.invoke(
        main,
        ["query", "--endpoint", url, "--canned", "uc-msc-above-dose", "--param", "min_cells=lots"],
    )
    assert bad.exit_code == 2 and "'lots' is not a number" in bad.output
    unknown = runner.invoke(
        main, ["query", "--endpoint", url, "--canned", "arm-doses", "--param", "x=1"]
    )
    assert unknown.exit_code == 2 and "unknown parameter" in unknown.output
    both = runner.invoke(main, ["query", "--endpoint", url, "--store", "x", "ASK {}"])
    assert both.exit_code == 2 and "either --store or --endpoint" in both.output
    alone = runner.invoke(main, ["query", "--dialect", "sparql11", "ASK {}"])
    assert alone.exit_code == 2 and "apply to --endpoint only" in alone.output
    update = runner.invoke(main, ["query", "--endpoint", url, "DROP ALL"])
    assert update.exit_code == 1 and "updates are not accepted here" in update.output
    refused = runner.invoke(main, ["query", "--endpoint", url, "SELECT * WHERE { ?s ?p }"])
    assert refused.exit_code == 1 and "refused the query: HTTP 400" in refused.output
    count = runner.invoke(
        main,
        [
            "query",
            "--endpoint",
            url,
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        ],
    )
    assert int(count.stdout.splitlines()[1]) > 1000  # DROP ALL never reached the server


def test_parameters_are_bound_as_terms_not_text() -> None:
    text = (
        'SELECT ?a ?p WHERE { ?a <http://e/q#?p> "?p" . # ?p in a comment\n'
        "  { SELECT ?a ?p WHERE { ?a <http://e/v> ?v FILTER(?v = ?p) } } }\n"
        "GROUP BY ?a ?p"
    )
    bound = bind_parameters(
        text, {"p": Literal('a" } ; DROP ALL ; { "', datatype=NamedNode(XSD + "string"))}
    )
    term = '"a\\" } ; DROP ALL ; { \\""'
    assert bound == (
        f'SELECT ?a WHERE {{ ?a <http://e/q#?p> "?p" . # ?p in a comment\n'
        f"  {{ SELECT ?a WHERE {{ ?a <http://e/v> ?v FILTER(?v = {term}) }} }} }}\n"
        "GROUP BY ?a"
    )
    Store().query(bound)  # parses: the value stayed one literal
    assert bind_parameters("ASK { FILTER(!BOUND( ?p ) || BOUND(?q)) }", {"p": Literal("1")}) == (
        "ASK { FILTER(!true || BOUND(?q)) }"
    )
    for misuse in ("SELECT * { BIND(1 AS ?p) }", "SELECT * { VALUES ?p { 1 } }"):
        with pytest.raises(ValueError, match="no value can be bound"):
            bind_parameters(misuse, {"p": Literal("1")})
    with pytest.raises(ValueError, match="projects only parameters"):
        bind_parameters("SELECT ?p WHERE { ?s ?q ?p }", {"p": Literal("1")})


class Reads:
    """Counts the graphs kg publish reads: hashed (kg.graph_versions.content_sha256) and
    serialised to be sent (kg.publish.graph_body)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import kg.graph_versions
        import kg.publish

        self.hashed: list[str] = []
        self.sent: list[str] = []
        hash_, body = kg.graph_versions.content_sha256, kg.publish.graph_body

        def hashed(store: Store, graph: str) -> tuple[str, int]:
            self.hashed.append(graph)
            return hash_(store, graph)

        def sent(store: Store, graph: str) -> bytes:
            self.sent.append(graph)
            return body(store, graph)

        monkeypatch.setattr(kg.graph_versions, "content_sha256", hashed)
        monkeypatch.setattr(kg.publish, "graph_body", sent)

    def clear(self) -> None:
        self.hashed.clear()
        self.sent.clear()


def test_rebuild_changing_one_record_publishes_one_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What changed is known from the versions the build recorded: a publication with
    nothing to send reads no graph, one after a rebuild reads only the graphs it sends."""
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    store = tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(inputs), "--store", str(store), "--quiet"])
    assert built.exit_code == 0, built.output
    reads = Reads(monkeypatch)
    with oxigraph_server(tmp_path / "server") as base, counting_proxy(base) as proxy:
        publish(store, f"{proxy.url}/store")
        first = {s.graph for s in proxy.graph_requests()}
        assert all(s.method == "PUT" and s.status in (201, 204) for s in proxy.graph_requests())
        before = _hashes(store)
        assert first == set(before)
        assert set(reads.sent) == first and len(reads.sent) == len(first)
        reads.clear()

        proxy.seen.clear()
        out = publish(store, f"{proxy.url}/store")
        assert proxy.seen == []  # nothing changed, nothing sent
        assert reads.hashed == [] and reads.sent == []  # and no graph read
        assert "the build's versions" in out

        # A rebuild that changes nothing keeps every version.
        again = runner.invoke(main, ["build", str(inputs), "--store", str(store), "--quiet"])
        assert again.exit_code == 0, again.output
        reads.clear()  # the build hashed its small derived graphs (in this process)
        publish(store, f"{proxy.url}/store")
        assert proxy.seen == [] and reads.hashed == [] and reads.sent == []

        doc = inputs / "002_42c5b03fb3f2fa22.txt"
        text = doc.read_text(encoding="utf-8")
        assert "sufficient enough" in text
        doc.write_text(text.replace("sufficient enough", "good enough"), encoding="utf-8")
        rebuilt = runner.invoke(main, ["build", str(inputs), "--store", str(store), "--quiet"])
        assert rebuilt.exit_code == 0, rebuilt.output
        after = _hashes(store)
        reads.clear()
        publish(store, f"{proxy.url}/store")
        puts = {s.graph for s in proxy.graph_requests() if s.method == "PUT"}
        assert reads.hashed == [] and set(reads.sent) == puts and len(reads.sent) == len(puts)
        deletes = {s.graph for s in proxy.graph_requests() if s.method == "DELETE"}
        record_puts = {g for g in puts if g and not _derived(g)}
        assert len(record_puts) == 1 and record_puts == set(after) - set(before)
        assert deletes == set(before) - set(after) and len(deletes) == 1
        changed_derived = {g for g in after if _derived(g) and before.get(g) != after[g]}
        assert {g for g in puts if g and _derived(g)} == changed_derived
        assert len(proxy.graph_requests()) == 2 + len(changed_derived) <= 5
        assert_same_rows(store, f"{base}/query", dialects=("oxigraph",))

        # --force rewrites every graph (perhaps with new linking data): every record
        # graph is sent again, never one left out.
        forced = runner.invoke(
            main, ["build", str(inputs), "--store", str(store), "--quiet", "--force"]
        )
        assert forced.exit_code == 0, forced.output
        proxy.seen.clear()
        publish(store, f"{proxy.url}/store")
        assert {s.graph for s in proxy.graph_requests() if s.method == "PUT"} >= {
            g for g in after if not _derived(g)
        }


def test_without_the_builds_versions_every_graph_is_read(
    seed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store changed by other means than kg build (here: a triple added to a record
    graph, as a writable kg serve could) has no recorded versions: kg publish hashes every
    graph, and the changed graph is sent."""
    from kg.graph_versions import VERSIONS_FILE, forget

    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    assert (store / VERSIONS_FILE).exists()
    forget(store)
    reads = Reads(monkeypatch)
    with oxigraph_server(tmp_path / "server") as base, counting_proxy(base) as proxy:
        url = f"{proxy.url}/store"
        out = publish(store, url)
        graphs = set(_hashes(store))
        assert "hashed, no versions" in out and set(reads.hashed) == graphs
        record = sorted(g for g in graphs if not _derived(g))[0]
        writable = Store(str(store))
        writable.add(
            Quad(NamedNode(BASE + "x"), NamedNode(BASE + "y"), Literal("z"), NamedNode(record))
        )
        del writable
        reads.clear()
        proxy.seen.clear()
        publish(store, url)
        assert [(s.method, s.graph) for s in proxy.seen] == [("PUT", record)]
        assert set(reads.hashed) == graphs
        assert_same_rows(store, f"{base}/query", dialects=("oxigraph",))


def _derived(graph: str) -> bool:
    return graph.removeprefix(BASE + "graph/") in ("meta", "terms", "stats", "ontology", "listings")


def _hashes(store: Path) -> dict[str, str]:
    from kg.publish import store_graphs

    gs = open_store(store, read_only=True)
    try:
        return {g.iri: g.sha256 for g in store_graphs(gs.store)}
    finally:
        del gs


def test_failed_graphs_are_retried_reported_and_resumed(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    graphs = sorted(_hashes(store))
    flaky = dict.fromkeys(graphs[:3], 2)  # 503 twice, then through
    refused = graphs[3]

    def fail(method: str, graph: str | None) -> int | None:
        if graph == refused:
            return 400
        if graph in flaky and flaky[graph] > 0:
            flaky[graph] -= 1
            return 503
        return None

    runner = CliRunner()
    with oxigraph_server(tmp_path / "server") as base:
        with counting_proxy(base, fail=fail) as proxy:
            url = f"{proxy.url}/store"
            result = runner.invoke(
                main, ["publish", "--store", str(store), "--to", url, "-q", "--retries", "3"]
            )
            assert result.exit_code == 1
            assert f"failed {refused}: HTTP 400: refused by the test proxy" in " ".join(
                result.output.split()
            )
            tries = [s for s in proxy.graph_requests() if s.graph == graphs[0]]
            assert [s.status for s in tries] == [503, 503, 201]
            assert (
                len([s for s in proxy.graph_requests() if s.graph == refused]) == 1
            )  # a 400 is not retried
            assert set(read_journal(journal_path(store, url))) == set(graphs) - {refused}

            # The next run sends only the graph that failed.
            proxy.fail = None
            proxy.seen.clear()
            publish(store, url)
            assert [(s.method, s.graph) for s in proxy.seen] == [("PUT", refused)]
        assert_same_rows(store, f"{base}/query", dialects=("oxigraph",))


def test_dry_run_sends_nothing_and_auth_comes_from_the_environment(
    seed_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    runner = CliRunner()
    with (
        oxigraph_server(tmp_path / "server") as base,
        counting_proxy(base, token="Bearer s3cret") as proxy,
    ):
        url = f"{proxy.url}/store"
        dry = runner.invoke(main, ["publish", "--store", str(store), "--to", url, "--dry-run"])
        assert dry.exit_code == 0, dry.output
        assert dry.stdout.count("PUT\t") == len(_hashes(store)) and proxy.seen == []
        no_token = runner.invoke(main, ["publish", "--store", str(store), "--to", url, "-q"])
        assert no_token.exit_code == 1 and "HTTP 401" in no_token.output
        missing = runner.invoke(
            main, ["publish", "--store", str(store), "--to", url, "--auth-env", "KG_NOPE"]
        )
        assert missing.exit_code == 2 and "KG_NOPE" in missing.output
        proxy.seen.clear()
        publish(store, url, "--auth-env", "KG_TEST_TOKEN", env={"KG_TEST_TOKEN": "s3cret"})
        assert {s.status for s in proxy.seen} <= {201, 204} and len(proxy.seen) == len(
            _hashes(store)
        )


@pytest.mark.slow
def test_all_shared_data_over_the_endpoint(test_data: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    built = CliRunner().invoke(main, ["build", str(test_data), "--store", str(store), "--quiet"])
    assert built.exit_code in (0, 1), built.output  # a broken fixture document is reported
    with oxigraph_server(tmp_path / "server") as base:
        publish(store, f"{base}/store", "--jobs", "4")
        compared = assert_same_rows(store, f"{base}/query", dialects=("oxigraph", "sparql11"))
        assert compared >= 25


def test_doctests() -> None:
    import doctest

    import kg.remote

    assert doctest.testmod(kg.remote).failed == 0


def test_split_export_loads_with_oxigraphs_bulk_loader(seed_store: Path, tmp_path: Path) -> None:
    """The bulk path: gzip N-Quads parts of whole graphs, loaded by ``oxigraph load`` (the
    export's own script), serve the store's rows; --mark-loaded then makes the next
    publication send nothing."""
    import gzip
    import subprocess

    out = tmp_path / "export"
    runner = CliRunner()
    args = ["export", "--store", str(seed_store), "--format", "nquads", "-o", str(out)]
    done = runner.invoke(main, [*args, "--split-size", "0.01"])
    assert done.exit_code == 0, done.output
    parts = sorted(out.glob("part-*.nq.gz"))
    assert len(parts) >= 3
    again = tmp_path / "again"
    assert runner.invoke(main, [*args[:-1], str(again), "--split-size", "0.01"]).exit_code == 0
    assert [p.read_bytes() for p in parts] == [
        p.read_bytes() for p in sorted(again.glob("part-*.nq.gz"))
    ]  # deterministic
    gs = open_store(seed_store, read_only=True)
    dumped = Store()
    for part in parts:
        graphs = {
            line.rsplit(" ", 2)[1]
            for line in gzip.decompress(part.read_bytes()).decode().splitlines()
        }
        dumped.load(gzip.decompress(part.read_bytes()), format=RdfFormat.N_QUADS)
        for other in parts:  # a graph is in one file only
            if other != part:
                text = gzip.decompress(other.read_bytes()).decode()
                assert not any(f" {g} .\n" in text for g in graphs)
    assert set(dumped) == set(gs.store)
    db = tmp_path / "db"
    subprocess.run(
        ["sh", str(out / "load-oxigraph.sh"), str(db)],
        check=True,
        env={"OXIGRAPH": str(OXIGRAPH), "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )
    with oxigraph_server(db) as base, counting_proxy(base) as proxy:
        assert_same_rows(seed_store, f"{base}/query", dialects=("oxigraph",))
        url = f"{proxy.url}/store"
        store = tmp_path / "store"
        shutil.copytree(seed_store, store)
        marked = runner.invoke(
            main, ["publish", "--store", str(store), "--to", url, "--mark-loaded", str(out)]
        )
        assert marked.exit_code == 0 and "left to send" in marked.output
        publish(store, url)
        assert proxy.seen == []


def test_a_killed_publication_resumes_where_it_stopped(seed_store: Path, tmp_path: Path) -> None:
    """``kg publish`` killed (SIGKILL) in the middle: the next run sends only the graphs the
    server had not yet accepted."""
    import signal
    import subprocess
    import sys
    import time

    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    graphs = set(_hashes(store))

    def slow(method: str, graph: str | None) -> int | None:
        time.sleep(0.3)
        return None

    kg = Path(sys.executable).parent / "kg"
    with oxigraph_server(tmp_path / "server") as base, counting_proxy(base, fail=slow) as proxy:
        url = f"{proxy.url}/store"
        proc = subprocess.Popen(
            [str(kg), "publish", "--store", str(store), "--to", url, "-q", "--jobs", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(proxy.seen) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first = [s.graph for s in proxy.seen if s.status in (201, 204)]
        assert 3 <= len(first) < len(graphs)
        journaled = set(read_journal(journal_path(store, url)))
        assert journaled <= set(first) and len(journaled) >= len(first) - 1
        proxy.fail = None
        proxy.seen.clear()
        publish(store, url)
        second = {s.graph for s in proxy.seen}
        assert second == graphs - journaled
        assert set(read_journal(journal_path(store, url))) == graphs
        assert_same_rows(store, f"{base}/query", dialects=("oxigraph",))


def test_a_store_opened_writable_by_kg_serve_loses_its_versions(
    seed_store: Path, tmp_path: Path
) -> None:
    """A query process started --writable (SPARQL Update, Graph Store writes may change any
    graph) removes the build's versions, so the next kg publish reads every graph; a
    read-only one leaves them."""
    import subprocess
    import sys

    from kg.graph_versions import VERSIONS_FILE, load

    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    worker = [sys.executable, "-m", "kg.server.worker", str(store)]
    subprocess.run(worker, stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=60)
    assert load(store) is not None
    subprocess.run(
        [*worker, "--writable"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert not (store / VERSIONS_FILE).exists() and load(store) is None
