"""`kg serve` on a free 127.0.0.1 port, driven by real SPARQL clients, under each HTTP
front (gunicorn, the default, and granian)."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, N3, RDFXML, TURTLE, SPARQLWrapper

from kg.rdf import CTO
from kg.server.testing import live_server

# SPARQLWrapper hands RDF/XML results over as rdflib's deprecated ConjunctiveGraph.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
LONG_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)


@pytest.fixture(scope="module", params=["gunicorn", "granian"])
def server(
    seed_store: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with live_server(
        seed_store,
        "--query-timeout",
        "2",
        "--query-memory",
        "400",
        "--max-rows",
        "100",
        workers=2,
        log=log,
        front=request.param,
    ) as url:
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


def test_sparqlwrapper_rdfxml_and_n3_construct(server: str) -> None:
    # SPARQLWrapper sends format=rdf+xml (or n3) beside its Accept: the Accept decides.
    construct = f"CONSTRUCT {{ <{TRIAL}> ?p ?o }} WHERE {{ <{TRIAL}> ?p ?o }}"
    for method in ("GET", "POST"):
        sparql = SPARQLWrapper(server + "/sparql")
        sparql.setMethod(method)
        sparql.setQuery(construct)
        sparql.setReturnFormat(RDFXML)
        result = sparql.query()
        assert result.response.headers.get_content_type() == "application/rdf+xml"
        graph = result.convert()
        assert isinstance(graph, Graph)
        assert (URIRef(TRIAL), URIRef(CTO + "hasArm"), None) in graph
        sparql.setReturnFormat(N3)
        result = sparql.query()
        assert result.response.headers.get_content_type() == "text/turtle"
        n3 = Graph().parse(data=result.convert(), format="n3")  # type: ignore[arg-type]
        assert len(n3) == len(graph)


def test_protocol_answers_are_whole(server: str, seed_graph: Any) -> None:
    # --max-rows 100: pages and the editor are cut there, a protocol client is not
    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert len(rows) == len(seed_graph) > 100
    # more than the 4 MiB the web process buffers: streamed, every row there
    query = "SELECT ?s ?o WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 60000"
    url = server + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get("Content-Length") is None  # streamed (chunked)
        assert response.headers.get("X-Result-Truncated") is None
        lines = response.read().splitlines()
    assert len(lines) == 60001 and sum(len(line) for line in lines) > 4 << 20
    # the editor asks for the cap with max-rows, and is told when it applied
    status, _, body = _post(server + "/sparql", {"query": query, "max-rows": "10000"})
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 100


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
    return [cpu for _, cpu in _query_processes(store)]


def _query_processes(store: Path) -> list[tuple[int, float]]:
    """(pid, CPU seconds) of every live query process serving this store (Linux /proc)."""
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
            out.append((int(entry.name), (int(stat[11]) + int(stat[12])) / tick))
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


def _burning(store: Path) -> list[int]:
    """Query processes of this store whose CPU time grew over 0.3 s."""
    before = dict(_query_processes(store))
    time.sleep(0.3)
    return [pid for pid, cpu in _query_processes(store) if cpu - before.get(pid, cpu) > 0.02]


def _ask_ms(server: str) -> float:
    """One ASK {} from a client of its own (a new connection), in milliseconds."""
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": JSON_TYPE})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200 and json.loads(body)["boolean"] is True
    return (time.monotonic() - started) * 1000


JSON_TYPE = "application/sparql-results+json"


def test_cheap_requests_are_answered_under_attack(server: str) -> None:
    """200 idle and 50 slowloris connections held for 20 s, and a client (another
    address, said by the trusted proxy 127.0.0.1) keeping two queries running into the
    2 s time limit: ASK {} from another client is answered in < 100 ms at p99."""
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    address = (host, int(port))
    idle = [socket.create_connection(address, timeout=5) for _ in range(200)]
    slow = [socket.create_connection(address, timeout=5) for _ in range(50)]
    for sock in slow:
        sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
    stop = threading.Event()
    long_answers: list[tuple[int, bytes]] = []

    def attacker() -> None:  # one slow query after another, until told to stop
        while not stop.is_set():
            long_answers.append(
                _post(server + "/sparql", {"query": LONG_QUERY}, {"X-Forwarded-For": "192.0.2.66"})[
                    ::2
                ]
            )

    def slowloris() -> None:  # a header line a second, never the end of the headers
        for line in range(60):
            if stop.wait(1):
                return
            for sock in slow:
                sock.sendall(b"X-Slow-%d: x\r\n" % line)

    threads = [threading.Thread(target=attacker) for _ in range(2)]
    threads.append(threading.Thread(target=slowloris))
    try:
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the two slow queries are running
        latencies = []
        end = time.monotonic() + 20
        while time.monotonic() < end and len(latencies) < 2000:
            latencies.append(_ask_ms(server))
            time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    try:
        # the server kept every idle and slow connection open all along
        for sock in idle + slow:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1, socket.MSG_PEEK)
    finally:
        for sock in idle + slow:
            sock.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)]
    assert len(latencies) > 300
    assert p99 < 100, f"ASK p99 {p99:.1f} ms (p50 {latencies[len(latencies) // 2]:.1f} ms)"
    assert len(long_answers) >= 10  # each ran into the limit, and was started again
    assert all(status == 503 and b"time limit of 2 s" in body for status, body in long_answers)


def test_memory_ceiling_ends_a_query_and_the_next_is_served(server: str) -> None:
    # ORDER BY over a cross product holds every row: ~700 MiB/s until the ceiling
    query = "SELECT * WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } ORDER BY ?o"
    started = time.monotonic()
    status, ctype, body = _post(server + "/sparql", {"query": query})
    assert status == 503 and ctype == "text/plain", body
    assert b"query stopped: it used more than 400 MiB of memory" in body
    assert time.monotonic() - started < 2  # the ceiling, not the time limit, ended it
    assert _ask_ms(server) < 1000


def test_deep_nesting_and_a_dead_query_process(server: str, seed_store: Path) -> None:
    status, _, body = _post(server + "/sparql", {"query": "ASK " + "{" * 5000 + "}" * 5000})
    assert status == 400 and b"levels deep" in body
    status, _, body = _post(
        server + "/sparql",
        {"query": "ASK { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }"},
    )
    assert status == 400 and b"levels deep" in body
    # a query process that dies under a request (here: killed from outside with the
    # signal a stack overflow gives) is a 503 with our message, and the next is served.
    # The process running it is the one burning CPU (other processes serving this store,
    # of this server, other servers and the test session's own pools, are idle once
    # they have started).
    deadline = time.monotonic() + 20
    while _burning(seed_store) and time.monotonic() < deadline:
        pass
    results: dict[str, tuple[int, str, bytes]] = {}
    thread = threading.Thread(
        target=lambda: results.setdefault("long", _post(server + "/sparql", {"query": LONG_QUERY}))
    )
    thread.start()
    deadline = time.monotonic() + 1.5
    busy: list[int] = []
    while not busy and time.monotonic() < deadline:
        busy = _burning(seed_store)
    assert len(busy) == 1, f"not one query process running the long query: {busy}"
    for pid in busy:
        os.kill(pid, signal.SIGSEGV)
    thread.join(timeout=30)
    status, ctype, body = results["long"]
    assert status == 503 and ctype == "text/plain", body
    assert b"the query process stopped while running this request (exit status -11)" in body
    assert _ask_ms(server) < 1000


def test_a_stream_cut_midway_is_an_incomplete_transfer(server: str) -> None:
    # A streamed answer that cannot be finished (here: the client reads too slowly for the
    # 2 s time limit) must reach the client as a broken transfer, never as a shorter body
    # that ends like a whole one. 150,000 rows of TSV (~11 MB) outgrow the socket buffers.
    query = "SELECT ?s ?o WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 150000"
    url = server + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.read(1024)
        time.sleep(2.5)  # past the deadline, with the rest still to come
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    assert 0 < len(cut.value.partial) < 11_000_000
    assert _ask_ms(server) < 1000
