"""`kg serve` under gunicorn on a free 127.0.0.1 port, driven by real SPARQL clients."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg.rdf import CTO
from kg.server.testing import live_server

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
LONG_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with live_server(seed_store, "--query-timeout", "2", workers=2, log=log) as url:
        yield url


def _post(
    url: str, data: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, str, bytes]:
    body = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


def test_curl_style_form_post(server: str) -> None:
    # curl -H 'Accept: application/sparql-results+json' --data-urlencode 'query=SELECT ...'
    status, ctype, body = _post(
        server + "/sparql",
        {"query": f"SELECT ?t WHERE {{ ?t a <{CTO}Trial> }}"},
        {"Accept": "application/sparql-results+json"},
    )
    assert status == 200 and ctype == "application/sparql-results+json"
    assert TRIAL in {b["t"]["value"] for b in json.loads(body)["results"]["bindings"]}


def test_sparqlwrapper_select_ask_construct(server: str) -> None:
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery(f"SELECT ?nct WHERE {{ <{TRIAL}> <{CTO}nctId> ?nct }}")
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [r["nct"]["value"] for r in rows] == ["NCT05018637"]
    sparql.setQuery(f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}")
    assert sparql.queryAndConvert()["boolean"] is True  # type: ignore[index]
    sparql.setQuery(f"CONSTRUCT {{ <{TRIAL}> ?p ?o }} WHERE {{ <{TRIAL}> ?p ?o }}")
    sparql.setReturnFormat(TURTLE)
    graph = Graph().parse(data=sparql.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert (URIRef(TRIAL), URIRef(CTO + "hasArm"), None) in graph
    sparql.setMethod("POST")
    sparql.setReturnFormat(JSON)
    sparql.setQuery("SELECT (1 AS ?one) {}")
    assert sparql.queryAndConvert()["results"]["bindings"][0]["one"]["value"] == "1"  # type: ignore[index]


def test_rdflib_sparqlstore_select_ask_construct(server: str) -> None:
    graph = Graph(SPARQLStore(server + "/sparql", returnFormat="json"))
    rows = list(
        graph.query(
            f"SELECT ?label WHERE {{ <{TRIAL}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
        )
    )
    assert len(rows) == 1 and "Wharton" not in str(rows[0][0])  # the title, as a literal
    assert graph.query(f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}").askAnswer is True
    constructed = graph.query(f"CONSTRUCT {{ <{TRIAL}> ?p ?o }} WHERE {{ <{TRIAL}> ?p ?o }}").graph
    assert constructed is not None and (URIRef(TRIAL), URIRef(CTO + "nctId"), None) in constructed


def _worker_cpu_seconds(store: Path) -> list[float]:
    """CPU time of every live query process serving this store (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"kg.server.worker" in cmdline and str(store).encode() in cmdline:
            out.append((int(stat[11]) + int(stat[12])) / tick)
    return out


def test_long_query_is_stopped_while_others_are_served(server: str, seed_store: Path) -> None:
    results: dict[str, tuple[int, bytes, float]] = {}

    def long_query() -> None:
        started = time.monotonic()
        status, _, body = _post(server + "/sparql", {"query": LONG_QUERY})
        results["long"] = (status, body, time.monotonic() - started)

    thread = threading.Thread(target=long_query)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = _post(
        server + "/sparql",
        {"query": f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}"},
        {"Accept": "application/sparql-results+json"},
    )
    small = time.monotonic() - started
    assert status == 200 and json.loads(body)["boolean"] is True
    assert small < 1.0, f"a small query waited {small:.2f} s behind a long one"
    thread.join(timeout=30)
    status, body, elapsed = results["long"]
    assert status == 503
    assert b"time limit of 2 s" in body
    assert 1.9 < elapsed < 6
    # The work really stopped: no query process of this server has burnt the 2 s.
    time.sleep(0.3)
    assert all(cpu < 1.5 for cpu in _worker_cpu_seconds(seed_store))
    status, _, _ = _post(server + "/sparql", {"query": "ASK {}"})
    assert status == 200


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        return


def test_writes_load_and_service_are_refused(server: str) -> None:
    listener = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{listener.server_port}"
    try:
        insert = _post(
            server + "/sparql", {"update": "INSERT DATA { <http://e/s> <http://e/p> 1 }"}
        )
        load = _post(server + "/sparql", {"update": f"LOAD <{target}/data.ttl>"})
        service = _post(
            server + "/sparql",
            {"query": f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"},
        )
        sneaky = _post(
            server + "/sparql",
            {"query": f"PREFIX x: <{target}/> SELECT * WHERE {{ SERVICEx:sparql {{ ?s ?p ?o }} }}"},
        )
    finally:
        listener.shutdown()
    assert [r[0] for r in (insert, load, service, sneaky)] == [403, 403, 403, 403]
    assert b"read-only" in insert[2] and b"read-only" in load[2]
    assert b"SERVICE is refused" in service[2] and b"SERVICE is refused" in sneaky[2]
    assert _Recorder.hits == []


def test_pages_and_dump_over_http(server: str) -> None:
    req = urllib.request.Request(server + "/trial/NCT05018637", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(req, timeout=30) as response:
        graph = Graph().parse(data=response.read(), format="turtle")
    assert (URIRef(TRIAL), URIRef(CTO + "nctId"), None) in graph
    with urllib.request.urlopen(server + "/dump.nq", timeout=30) as response:
        assert response.headers.get_content_type() == "application/n-quads"
        assert len(response.read().splitlines()) > 100
