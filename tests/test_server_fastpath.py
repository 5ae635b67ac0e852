"""The /sparql fast path (kg.server.fastpath) and the whole answers written by Oxigraph
(kg.server.rowcount, the query process): same answers as the Flask route, exact counts."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from pyoxigraph import QueryResultsFormat, QuerySolutions, Store
from werkzeug.test import Client

from kg.results import write_solutions
from kg.server.app import create_app
from kg.server.config import ServerConfig
from kg.server.executor import ExecutorPool
from kg.server.fastpath import SparqlFastPath
from kg.server.rowcount import count_rows
from kg.server.serve import MAX_REQUEST_LINE
from kg.server.testing import live_server

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
JSON = "application/sparql-results+json"
SRX = "{http://www.w3.org/2005/sparql-results#}"

# Literals that look like the structure of a results document (count_rows must not be
# fooled), empty rows, unbound values, language tags, datatypes, blank nodes, triples.
TRICKY = {
    "no rows": "SELECT ?x WHERE { FILTER(false) }",
    "one empty row": "SELECT * WHERE { }",
    "empty rows": "SELECT ?x WHERE { VALUES ?y { 1 2 3 } }",
    "structure in literals": r"""SELECT ?x ?y WHERE { VALUES (?x ?y) {
        ("a}},{" "b\n\"c}},{\"d\":{")
        (UNDEF <http://e/a>)
        ("x}},{"@en UNDEF)
        ("}},{\",{}" "1"^^<http://e/dt>)
        ("<result>" "tab\there\r\nline")
        ("\\" "}},{\\")
    } }""",
    "blank nodes": 'SELECT ?b ?n WHERE { BIND(BNODE() AS ?b) BIND("x,y" AS ?n) }',
    "triples": """SELECT ?t ?u WHERE {
        BIND(TRIPLE(<http://e/s>, <http://e/p>, "o}},{") AS ?t) VALUES ?u { 1 2 } }""",
    "unicode": 'SELECT ?x WHERE { VALUES ?x { "ünï}},{cødé" "日本"@ja } }',
    "empty first row": "SELECT ?x WHERE { VALUES ?x { UNDEF 1 2 } }",
    "empty middle row": "SELECT ?x WHERE { VALUES ?x { 1 UNDEF 2 } }",
    "boundaries in literals": r"""SELECT ?x ?y WHERE { VALUES (?x ?y) {
        ("a},{" "b},{}c")
        ("},{"@en "},{\"x")
        ("},{"^^<http://e/dt> UNDEF)
        (UNDEF "{},{")
    } }""",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_rows_of_oxigraph_output_are_counted_exactly(name: str, fmt: str) -> None:
    store = Store()
    expected = len(list(_solutions(store, TRICKY[name])))
    body = _solutions(store, TRICKY[name]).serialize(format=_RESULTS[fmt])
    assert body is not None
    assert count_rows(body, fmt) == expected
    assert count_rows(body, fmt) == _parsed_rows(body, fmt)


def test_rows_of_another_writer_are_counted_by_parsing() -> None:
    # Not Oxigraph's compact JSON (our own writer puts a space in "vars"): parsed, exact.
    out: list[bytes] = []
    write_solutions(["x", "y"], [[None, None], [None, None]], "json", out.append)
    assert count_rows(b"".join(out), "json") == 2
    assert count_rows(b"x\r\n", "csv") is None  # not counted: the caller writes CSV
    with pytest.raises(ValueError):
        count_rows(b"<html>", "xml")


@pytest.mark.parametrize("name", sorted(TRICKY))
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_oxigraph_writes_what_our_writer_wrote(name: str, fmt: str) -> None:
    """The rows Oxigraph serialises are the rows our Python writer wrote (parsed:
    spacing and attribute order may differ; blank node labels are compared by position)."""
    store = Store()
    solutions = _solutions(store, TRICKY[name])
    variables = [v.value for v in solutions.variables]
    rows = [[s[v] for v in variables] for s in solutions]
    ours: list[bytes] = []
    write_solutions(variables, rows, fmt, ours.append)
    theirs = _solutions(store, TRICKY[name]).serialize(format=_RESULTS[fmt])
    assert theirs is not None
    if name == "blank nodes":  # fresh labels each run: compare everything else
        assert _parsed_rows(theirs, fmt) == _parsed_rows(b"".join(ours), fmt) == 1
        return
    assert _normalised(theirs, fmt) == _normalised(b"".join(ours), fmt)


# ----------------------------------------------------------- the fast path


@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    yield create_app(ServerConfig(store=seed_store, max_rows=50))


REQUESTS: list[tuple[str, dict[str, str], dict[str, str]]] = [
    # (path, query string, headers)
    ("/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}"}, {"Accept": JSON}),
    ("/sparql", {"query": f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}"}, {}),
    ("/sparql/", {"query": f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}"}, {"Accept": "*/*"}),
    (
        "/sparql",
        {"query": f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}"},
        {"Accept": "application/sparql-results+xml"},
    ),
    ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"}, {"Accept": "text/csv"}),
    (
        "/sparql",
        {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"},
        {"Accept": "text/tab-separated-values"},
    ),
    ("/sparql", {"query": "ASK { ?s ?p ?o }"}, {"Accept": "application/sparql-results+xml"}),
    ("/sparql", {"query": f"DESCRIBE <{TRIAL}>"}, {"Accept": "text/turtle"}),
    ("/sparql", {"query": f"CONSTRUCT WHERE {{ <{TRIAL}> ?p ?o }}"}, {}),
    ("/sparql", {"query": "SELECT ?x WHERE { FILTER(false) }"}, {"Accept": JSON}),
    # relative IRIs resolve against the request's URL, as in the route
    ("/sparql", {"query": 'SELECT (IRI("x") AS ?i) (STR(<>) AS ?b) {}'}, {"Accept": JSON}),
    ("/sparql", {"query": 'SELECT ("ünïcødé" AS ?u) {}'}, {"Accept": JSON}),
    ("/sparql", {"query": "SELECT (<> AS ?b) {}"}, {"Accept": JSON, "Host": "example.org:8080"}),
    ("/sparql", {"query": "SELECT (<> AS ?b) {}"}, {"Accept": JSON, "Host": "bad host"}),
    ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}, {"Accept": "text/*"}),
    # X-Forwarded-For from a trusted proxy (127.0.0.1 by default) names the client
    ("/sparql", {"query": "ASK {}"}, {"Accept": JSON, "X-Forwarded-For": "203.0.113.9"}),
    # errors of the query process, in the route's words
    ("/sparql", {"query": "SELECT ?x WHERE { ?x"}, {"Accept": JSON}),
    ("/sparql", {"query": 'SELECT * WHERE { BIND(1/"x" AS ?y) }'}, {"Accept": JSON}),
]
# Requests the fast path leaves to the route (it would answer them with an error
# before the query runs, or they need what only the route does).
LEFT: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("GET", "/sparql", {}, {"Accept": "text/turtle"}),  # service description
    ("GET", "/sparql", {"query": "ASK {}", "format": "xml"}, {}),
    ("GET", "/sparql", {"query": "ASK {}", "max-rows": "3"}, {}),
    ("GET", "/sparql", {"query": "ASK {}", "default-graph-uri": "http://e/g"}, {}),
    ("GET", "/sparql", {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}, {}),
    ("GET", "/sparql", {"query": "SELECT * { SERVICE <http://10.0.0.1/s> { ?s ?p ?o } }"}, {}),
    ("GET", "/sparql", {"query": "ASK {" + "{" * 300 + "}" * 300 + "}"}, {}),
    ("GET", "/sparql", {"query": "ASK {}"}, {"Accept": "text/html"}),
    ("GET", "/sparql", {"query": "ASK {}"}, {"Origin": "https://example.org"}),
    ("GET", "/sparql", {"update": "CLEAR ALL"}, {}),
    ("HEAD", "/sparql", {"query": "ASK {}"}, {}),
    ("POST", "/sparql", {"query": "ASK {}"}, {}),
    ("GET", "/sparqlx", {"query": "ASK {}"}, {}),
]


def _fast(app: Flask) -> SparqlFastPath:
    fast = app.wsgi_app
    assert isinstance(fast, SparqlFastPath)
    return fast


Answer = tuple[int, list[tuple[str, str]], bytes]


def _answer(
    client: Client, method: str, path: str, qs: dict[str, str], headers: dict[str, str]
) -> Answer:
    peer = {"REMOTE_ADDR": "127.0.0.1"}  # as the Flask test client and gunicorn set it
    if method == "POST":
        response = client.open(path, method=method, data=qs, headers=headers, environ_base=peer)
    else:
        response = client.open(
            path, method=method, query_string=qs, headers=headers, environ_base=peer
        )
    return (
        response.status_code,
        [(k, v) for k, v in response.headers.items() if k != "Date"],
        response.get_data(),
    )


@pytest.mark.parametrize("case", range(len(REQUESTS)))
def test_the_fast_path_answers_as_the_route_does(app: Flask, case: int) -> None:
    path, qs, headers = REQUESTS[case]
    fast = _fast(app)
    via_fast = Client(app)  # app.wsgi_app: the fast path, then Flask
    via_route = Client(fast.app)  # Flask's own wsgi_app only
    before = fast.answered
    status, fast_headers, fast_body = _answer(via_fast, "GET", path, qs, headers)
    assert fast.answered == before + 1, "the fast path did not answer"
    route = _answer(via_route, "GET", path, qs, headers)
    assert (status, fast_headers) == route[:2]
    if "BNODE" in qs["query"] or "DESCRIBE" in qs["query"]:
        assert len(fast_body) == len(route[2])
    else:
        assert fast_body == route[2]
    assert status in (200, 400)


@pytest.mark.parametrize("case", range(len(LEFT)))
def test_other_requests_go_to_the_route(app: Flask, case: int) -> None:
    method, path, qs, headers = LEFT[case]
    fast = _fast(app)
    before = fast.answered
    status, fast_headers, body = _answer(Client(app), method, path, qs, headers)
    assert fast.answered == before
    route = _answer(Client(fast.app), method, path, qs, headers)
    if b"_:" in body:  # blank node labels (the service description): fresh each time
        assert status == route[0] == 200 and len(body) > 100
        return
    assert (status, fast_headers, body) == route


def test_the_fast_path_keeps_the_time_limit_and_the_client_share(seed_store: Path) -> None:
    app = create_app(
        ServerConfig(store=seed_store, query_timeout=1.0, query_processes=2, client_processes=1)
    )
    fast = _fast(app)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    started = time.monotonic()
    status, headers, body = _answer(Client(app), "GET", "/sparql", {"query": slow}, {})
    assert fast.answered == 1
    assert status == 503 and dict(headers)["Retry-After"] == "5"
    assert b"time limit of 1 s" in body
    assert time.monotonic() - started < 10
    pool = app.extensions["kg"].pool
    assert pool.killed == 1
    # One process for this client (127.0.0.1) is held by a download: its next request
    # through the fast path waits for its share and gets 503; another client (named by
    # the trusted proxy's X-Forwarded-For) is served meanwhile.
    held = pool.call(
        {"op": "dump", "format": "nquads"}, timeout=30, stream=True, client="127.0.0.1"
    )
    try:
        ask = {"query": "ASK {}"}
        status, _, body = _answer(Client(app), "GET", "/sparql", ask, {"Accept": JSON})
        assert status == 503 and b"busy" in body, body
        other = {"Accept": JSON, "X-Forwarded-For": "203.0.113.9"}
        status, _, body = _answer(Client(app), "GET", "/sparql", ask, other)
        assert status == 200 and json.loads(body)["boolean"] is True
        assert fast.answered == 3
    finally:
        held.chunks().close()
        pool.close()


# ----------------------------------------------------------------- helpers

_RESULTS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "tsv": QueryResultsFormat.TSV,
}


def _solutions(store: Store, query: str) -> QuerySolutions:
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    return result


def _parsed_rows(body: bytes, fmt: str) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return len(ElementTree.fromstring(body).findall(f"{SRX}results/{SRX}result"))
    raise ValueError(fmt)


def _normalised(body: bytes, fmt: str) -> Any:
    if fmt == "json":
        return json.loads(body)
    if fmt == "xml":
        root = ElementTree.fromstring(body)
        return [
            ElementTree.tostring(e, encoding="unicode")
            for e in root.iter()
            if e.tag in (f"{SRX}variable", f"{SRX}result", f"{SRX}boolean")
        ]
    raise ValueError(fmt)


def test_through_gunicorn_a_long_get_and_the_fast_path(seed_store: Path) -> None:
    """kg serve: a GET whose URL is over gunicorn's default 4094-byte request line is
    served (the headline query with a VALUES block is ~4.4 KB encoded); answers of the
    fast path carry the route's headers; a longer request line than the limit is a 4xx."""
    values = " ".join(f'"{i:04d}"' for i in range(700))
    long_query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    url_query = urllib.parse.urlencode({"query": long_query})
    assert 5000 < len(url_query) < MAX_REQUEST_LINE - 100
    with live_server(seed_store, workers=1) as url:
        request = urllib.request.Request(f"{url}/sparql?{url_query}", headers={"Accept": JSON})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert response.headers["X-Result-Rows"] == "1"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Vary"] == "Accept"
            data = json.loads(response.read())
        assert data["results"]["bindings"][0]["n"]["value"] == "700"
        too_long = urllib.parse.urlencode({"query": "ASK {} #" + "x" * MAX_REQUEST_LINE})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{url}/sparql?{too_long}", timeout=30)
        assert 400 <= err.value.code < 500


def test_waiting_requests_are_admitted_one_by_one_and_none_is_lost(seed_store: Path) -> None:
    """The pool wakes only the request it admits (kg.server.executor._dispatch): many
    requests of two clients through two processes all finish, each client within its
    share, and the pool ends with nothing running or waiting."""
    pool = ExecutorPool(seed_store, size=2, client_processes=1, max_waiting=64, client_waiting=64)
    try:
        answers: list[bytes] = []
        errors: list[BaseException] = []
        most = [0]
        lock = threading.Lock()

        def client(name: str) -> None:
            for _ in range(15):
                try:
                    reply = pool.call(_ask(), timeout=20, client=name)
                    with lock:
                        most[0] = max(most[0], pool._running.get(name, 0))
                    answers.append(reply.read())
                except BaseException as exc:
                    errors.append(exc)

        threads = [
            threading.Thread(target=client, args=("one" if i < 6 else "two",)) for i in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors
        assert len(answers) == 8 * 15
        assert set(answers) == {b'{"head":{},"boolean":true}\n'}
        assert most[0] == 1  # never more than its share at once
        assert pool.waiting() == 0 and pool._running == {}
        assert pool.ready() == 2 and pool.started == 2
    finally:
        pool.close()


def _ask() -> dict[str, object]:
    return {"op": "query", "query": "ASK {}", "results_format": "json", "max_rows": 10}
