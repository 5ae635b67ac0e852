"""Small reads answered in the web process (kg.server.smallread): which queries are in
the class, that they get the route's answer byte for byte, and that everything else (out
of the class, over the bound, refused by the engine) still goes to a query process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import Client

from kg.server.app import create_app
from kg.server.config import ServerConfig
from kg.server.fastpath import SparqlFastPath
from kg.server.smallread import LocalReads, small_read

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
CT = "https://w3id.org/celltrials/"
JSON = "application/sparql-results+json"

IN_CLASS = [
    f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}",
    f"select distinct ?o {{ <{TRIAL}> ?p ?o . }} limit 5 offset 2",
    f"ASK {{ <{TRIAL}> a ?t }}",
    f"ASK WHERE {{ <{TRIAL}> ?p ?o }}",
    f"PREFIX t: <{CT}trial/> SELECT * WHERE {{ t:NCT05018637 a ?t ; ?p ?o . }}",
    f'SELECT ?p WHERE {{ <{TRIAL}> ?p "x"@en ; ?q <{CT}z> }} # a comment',
    f"SELECT ?p WHERE {{ <{TRIAL}> ?p 'x' , '''y''' ; a ?t }}",
    f"SELECT ?a ?b WHERE {{ <{TRIAL}> ?p ?a . <{CT}trial/NCT00000000> ?q ?b }}",
]
OUT_OF_CLASS = [
    "SELECT ?s ?p WHERE { ?s ?p <https://w3id.org/celltrials/x> }",  # unbounded subject
    f"SELECT ?o WHERE {{ <{TRIAL}> <{CT}p>/<{CT}q> ?o }}",  # a path
    f"SELECT ?o WHERE {{ <{TRIAL}> <{CT}p>* ?o }}",
    f"SELECT ?o WHERE {{ <{TRIAL}> ^<{CT}p> ?o }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{TRIAL}> ?p ?o }}",  # an aggregate
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o }} ORDER BY ?o",
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o FILTER(isIRI(?o)) }}",
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o . ?o ?q ?r }}",  # a variable subject joined in
    f"SELECT ?o WHERE {{ GRAPH ?g {{ <{TRIAL}> ?p ?o }} }}",
    f"SELECT ?o FROM <{CT}graph/meta> WHERE {{ <{TRIAL}> ?p ?o }}",
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o }} VALUES ?o {{ 1 }}",
    f"SELECT ?o WHERE {{ SERVICE <http://10.0.0.1/s> {{ <{TRIAL}> ?p ?o }} }}",
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p [ ?q ?o ] }}",
    "SELECT ?o WHERE { _:b ?p ?o }",
    "SELECT ?o WHERE { <trial/NCT05018637> ?p ?o }",  # relative: resolved against the URL
    f"SELECT ?o WHERE {{ <{CT}x/../trial/NCT05018637> ?p ?o }}",  # a dot segment
    f"SELECT ?o WHERE {{ <{TRIAL}> ?p ?o }} LIMIT 1.5",
    f"CONSTRUCT WHERE {{ <{TRIAL}> ?p ?o }}",
    f"DESCRIBE <{TRIAL}>",
    f"SELECT ?o WHERE {{ <{TRIAL}\\u003E ?p ?o }}",  # escapes
    "SELECT ?o WHERE { ct:x ?p ?o }",  # an undeclared prefix
    f"PREFIX ct: <{CT}> SELECT ?o WHERE {{ OPTIONALct:x ?p ?o {{ }} }}",
    "ASK {}",  # no triple pattern: not a point lookup
    " ".join(["SELECT * WHERE {"] + [f"<{TRIAL}> ?p{i} ?o{i} ." for i in range(5)] + ["}"]),
]


@pytest.mark.parametrize("text", IN_CLASS)
def test_in_the_class(text: str) -> None:
    patterns = small_read(text)
    assert patterns is not None and all(p.subject.value.startswith(CT) for p in patterns)


@pytest.mark.parametrize("text", OUT_OF_CLASS)
def test_out_of_the_class(text: str) -> None:
    assert small_read(text) is None


@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    yield create_app(ServerConfig(store=seed_store, max_rows=50))


def _fast(app: Flask) -> SparqlFastPath:
    fast = app.wsgi_app
    assert isinstance(fast, SparqlFastPath)
    return fast


def _local(app: Flask) -> LocalReads:
    local = _fast(app).local
    assert local is not None
    return local


def _get(client: Client, text: str, accept: str) -> tuple[int, list[tuple[str, str]], bytes]:
    response = client.get(
        "/sparql",
        query_string={"query": text},
        headers={"Accept": accept},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    headers = [(k, v) for k, v in response.headers.items() if k != "Date"]
    return response.status_code, headers, response.get_data()


ACCEPTS = [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("case", range(len(IN_CLASS)))
def test_a_small_read_is_answered_here_as_the_route_answers(
    app: Flask, case: int, accept: str
) -> None:
    local = _local(app)
    before = local.answered
    answer = _get(Client(app), IN_CLASS[case], accept)
    assert local.answered == before + 1, "not answered in the web process"
    route = _get(Client(_fast(app).app), IN_CLASS[case], accept)  # Flask, query process
    assert answer == route
    assert answer[0] == 200


def test_a_point_lookup_has_rows(app: Flask) -> None:
    status, headers, body = _get(Client(app), IN_CLASS[0], JSON)
    rows = int(dict(headers)["X-Result-Rows"])
    assert status == 200 and rows > 10 and body.count(b'"p":') == rows


@pytest.mark.parametrize("text", OUT_OF_CLASS)
def test_anything_else_goes_to_a_query_process(app: Flask, text: str) -> None:
    local = _local(app)
    pool = app.extensions["kg"].pool
    before, calls = local.answered, pool.calls
    status, _, _ = _get(Client(app), text, JSON)
    assert local.answered == before
    if "SERVICE" not in text:  # the route refuses SERVICE itself (403)
        assert pool.calls > calls, (status, text)


def test_over_the_bound_goes_to_a_query_process(seed_store: Path) -> None:
    app = create_app(ServerConfig(store=seed_store, local_read_rows=5))
    local, pool = _local(app), app.extensions["kg"].pool
    calls = pool.calls  # the checks of create_app
    try:
        status, headers, _ = _get(Client(app), IN_CLASS[0], JSON)
        assert status == 200 and int(dict(headers)["X-Result-Rows"]) > 5
        assert local.answered == 0 and pool.calls == calls + 1
        # two patterns of 3 matches each: 9 rows at most, over 5
        two = f"SELECT * WHERE {{ <{TRIAL}> a ?t . <{TRIAL}> <{CT}x> ?o }}"
        status, _, _ = _get(Client(app), f"ASK {{ <{TRIAL}> a ?t }}", JSON)
        assert status == 200 and local.answered == 1
        _get(Client(app), two, JSON)
        assert local.answered == 2  # no statement with <x>: product 0
        many = f"SELECT * WHERE {{ <{TRIAL}> ?p ?o . <{TRIAL}> a ?t }}"
        _get(Client(app), many, JSON)
        assert local.answered == 2 and pool.calls == calls + 2
    finally:
        pool.close()


def test_an_engine_error_is_the_query_process_answer(app: Flask) -> None:
    text = f"SELECT ?o ?o WHERE {{ <{TRIAL}> ?p ?o }}"  # in the class, refused by the parser
    assert small_read(text) is not None
    local = _local(app)
    before = local.answered
    answer = _get(Client(app), text, JSON)
    assert local.answered == before
    assert answer == _get(Client(_fast(app).app), text, JSON)


def test_off_with_zero_rows_or_an_update_token(seed_store: Path, tmp_path: Path) -> None:
    off = create_app(ServerConfig(store=seed_store, local_read_rows=0))
    assert _fast(off).local is None
    status, _, _ = _get(Client(off), IN_CLASS[0], JSON)
    assert status == 200
    off.extensions["kg"].pool.close()
    copy = tmp_path / "store"
    shutil.copytree(seed_store, copy)
    writable = create_app(ServerConfig(store=copy, update_token="t" * 20))
    assert _fast(writable).local is None  # a read-only handle would not see the updates
    writable.extensions["kg"].pool.close()
    with pytest.raises(Exception, match="local_read_rows"):
        create_app(ServerConfig(store=seed_store, local_read_rows=-1))
