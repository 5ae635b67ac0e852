"""The Flask app over the seed store: protocol, formats, limits, canned queries, pages."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph

from kg.rdf import CTO
from kg.server import guard
from kg.server.app import create_app
from kg.server.config import ConfigError, ServerConfig

# rdflib's own JSON-LD and N-Quads parsers use its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
SELECT_TRIALS = f"SELECT ?t WHERE {{ ?t a <{CTO}Trial> }} ORDER BY ?t"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    yield create_app(ServerConfig(store=seed_store, max_rows=50, max_body_bytes=64 * 1024))


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def _bindings(data: bytes) -> list[dict[str, Any]]:
    return list(json.loads(data)["results"]["bindings"])


# ------------------------------------------------------------------ config


def test_bad_config_is_refused_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        create_app(
            {
                "store": tmp_path / "missing",
                "base_iri": "not-absolute",
                "query_timeout": 0,
                "max_rows": -1,
                "cors_origins": "ftp://x",
            }
        )
    text = str(err.value)
    for needle in ("no store at", "base IRI", "query_timeout", "max_rows", "CORS origin"):
        assert needle in text


def test_unknown_setting_and_broken_store_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown setting 'stroe'"):
        create_app({"stroe": tmp_path})
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CURRENT").write_text("garbage\n")
    with pytest.raises(ConfigError, match="does not open"):
        create_app({"store": broken})


def test_store_built_with_another_base_is_refused(seed_store: Path) -> None:
    with pytest.raises(ConfigError, match=r"built with the base IRI https://w3id\.org/celltrials/"):
        create_app({"store": seed_store, "base_iri": "http://127.0.0.1:8000/"})


# ---------------------------------------------------------------- protocol


def test_query_get_form_post_and_direct_post_agree(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": SELECT_TRIALS}, headers={"Accept": JSON})
    by_form = client.post("/sparql", data={"query": SELECT_TRIALS}, headers={"Accept": JSON})
    by_direct = client.post(
        "/sparql",
        data=SELECT_TRIALS,
        content_type="application/sparql-query",
        headers={"Accept": JSON},
    )
    rows = _bindings(by_get.data)
    assert by_get.status_code == 200 and by_get.mimetype == JSON
    assert {r["t"]["value"] for r in rows} >= {TRIAL}
    assert _bindings(by_form.data) == rows == _bindings(by_direct.data)


@pytest.mark.parametrize(
    ("accept", "fmt", "mimetype"),
    [
        (JSON, None, JSON),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("*/*", "csv", "text/csv"),
        (None, "xml", "application/sparql-results+xml"),
        (None, None, JSON),
    ],
)
def test_select_formats(
    client: FlaskClient, accept: str | None, fmt: str | None, mimetype: str
) -> None:
    params = {"query": SELECT_TRIALS} | ({"format": fmt} if fmt else {})
    response = client.get(
        "/sparql", query_string=params, headers={"Accept": accept} if accept else {}
    )
    assert response.status_code == 200
    assert response.mimetype == mimetype
    body = response.get_data(as_text=True)
    if mimetype == JSON:
        values = {r["t"]["value"] for r in _bindings(response.data)}
    elif mimetype.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        values = {u.text or "" for u in ElementTree.fromstring(response.data).iter(f"{ns}uri")}
    elif mimetype == "text/csv":
        values = {row["t"] for row in csv.DictReader(io.StringIO(body))}
    else:
        lines = body.splitlines()
        assert lines[0] == "?t"
        values = {line.strip("<>") for line in lines[1:]}
    assert TRIAL in values


def test_ask_and_literal_details(client: FlaskClient) -> None:
    ask = client.get("/sparql", query_string={"query": f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}"})
    assert json.loads(ask.data) == {"head": {}, "boolean": True}
    xml = client.get(
        "/sparql",
        query_string={"query": "ASK {}"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert b"<boolean>true</boolean>" in xml.data
    query = 'SELECT ?a ?b ?c WHERE { BIND("x"@en AS ?a) BIND(1.5e0 AS ?b) BIND("q,\\"uote" AS ?c) }'
    row = _bindings(client.get("/sparql", query_string={"query": query}).data)[0]
    assert row["a"] == {"type": "literal", "value": "x", "xml:lang": "en"}
    assert row["b"]["datatype"].endswith("#double")
    assert "datatype" not in row["c"]
    csv_body = client.get("/sparql", query_string={"query": query, "format": "csv"}).get_data(
        as_text=True
    )
    assert csv_body.splitlines()[1] == 'x,1.5,"q,""uote"'


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_and_describe_formats(
    client: FlaskClient, accept: str, rdflib_format: str
) -> None:
    for query in (
        f"CONSTRUCT {{ <{TRIAL}> ?p ?o }} WHERE {{ <{TRIAL}> ?p ?o }}",
        f"DESCRIBE <{TRIAL}>",
    ):
        response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200
        assert response.mimetype == accept
        graph = Graph().parse(data=response.data, format=rdflib_format)
        assert graph.query(f"ASK {{ <{TRIAL}> <{CTO}nctId> 'NCT05018637' }}").askAnswer


def test_dataset_parameters(client: FlaskClient) -> None:
    meta = "https://w3id.org/celltrials/graph/meta"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{CTO}Trial> }}"
    union = _bindings(client.get("/sparql", query_string={"query": count}).data)[0]["n"]["value"]
    only_meta = client.get("/sparql", query_string={"query": count, "default-graph-uri": meta})
    assert int(union) >= 5
    assert _bindings(only_meta.data)[0]["n"]["value"] == "0"
    named = client.get(
        "/sparql",
        query_string={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": meta,
        },
    )
    assert [r["g"]["value"] for r in _bindings(named.data)] == [meta]


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "message"),
    [
        ("GET", {"query_string": {"query": "SELECT * WHERE { ?s ?p"}}, 400, "syntax error"),
        ("GET", {"query_string": {"query": ["ASK {}", "ASK {}"]}}, 400, "more than one"),
        ("PUT", {"query_string": {"query": "ASK {}"}}, 405, ""),
        ("DELETE", {}, 405, ""),
        ("POST", {"data": "ASK {}", "content_type": "text/plain"}, 415, "unsupported Content-Type"),
        ("POST", {"data": "ASK {}"}, 415, "needs a Content-Type"),
        (
            "POST",
            {"data": "ASK {}", "content_type": "application/sparql-query; charset=latin-1"},
            415,
            "UTF-8",
        ),
        ("GET", {"query_string": {"update": "CLEAR ALL"}}, 405, "by POST"),
        ("GET", {"query_string": {"query": "ASK {}", "format": "yaml"}}, 400, "unknown format"),
        (
            "GET",
            {"query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
            400,
            "absolute IRI",
        ),
    ],
)
def test_protocol_errors(
    client: FlaskClient, method: str, kwargs: dict[str, Any], status: int, message: str
) -> None:
    response = client.open("/sparql", method=method, **kwargs)
    assert response.status_code == status, response.data
    assert message in response.get_data(as_text=True)


def test_syntax_error_carries_the_parsers_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELEC * WHERE {}"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "error at 1:1" in response.get_data(as_text=True)


def test_body_size_limit(client: FlaskClient) -> None:
    big = "ASK {} #" + "x" * (70 * 1024)
    assert (
        client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    )
    response = client.post("/sparql", data={"query": big})
    assert response.status_code == 413 and response.mimetype == "text/plain"
    assert "request body too large: the limit is" in response.get_data(as_text=True)


def test_row_cap_only_when_asked(client: FlaskClient, seed_graph: Any) -> None:
    # A protocol client that does not ask for a cut gets the whole answer (the app's
    # max_rows is 50, the store holds far more): never a silent cut.
    everything = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    whole = client.get("/sparql", query_string={"query": everything})
    assert whole.status_code == 200
    assert len(_bindings(whole.data)) == len(seed_graph) > 50
    assert "X-Result-Truncated" not in whole.headers
    assert "X-Result-Limit" not in whole.headers
    assert whole.headers["X-Result-Rows"] == str(len(seed_graph))
    # max-rows=N (what the editor sends) cuts, and says so; never above the server's cap
    response = client.get("/sparql", query_string={"query": everything, "max-rows": "1000"})
    assert response.status_code == 200
    assert len(_bindings(response.data)) == 50
    assert response.headers["X-Result-Limit"] == "50"
    assert response.headers["X-Result-Truncated"].startswith("true")
    small = client.get("/sparql", query_string={"query": SELECT_TRIALS, "max-rows": "10"})
    assert "X-Result-Truncated" not in small.headers
    graph = client.post(
        "/sparql",
        data={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "max-rows": "20"},
        headers={"Accept": "text/turtle"},
    )
    assert graph.headers["X-Result-Truncated"].startswith("true")
    assert len(Graph().parse(data=graph.data, format="turtle")) == 20
    uncut = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(uncut.data.splitlines()) > 50 and "X-Result-Truncated" not in uncut.headers
    bad = client.get("/sparql", query_string={"query": "ASK {}", "max-rows": "-3"})
    assert bad.status_code == 400 and "max-rows" in bad.get_data(as_text=True)
    # pages keep the cap (a table in a browser)
    page = client.get("/queries/arm-doses", query_string={"format": "json"})
    assert page.headers["X-Result-Limit"] == "50"


def test_editor_asks_for_the_row_cap(client: FlaskClient) -> None:
    page = client.get("/editor").get_data(as_text=True)
    assert '"maxRows": 50' in page
    script = client.get("/static/workbench.js").get_data(as_text=True)
    assert 'name: "max-rows"' in script and "cfg.maxRows" in script


# ------------------------------------------------------------------ interop


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    params = {"query": SELECT_TRIALS}
    head = client.head("/sparql", query_string=params, headers={"Accept": JSON})
    get = client.get("/sparql", query_string=params, headers={"Accept": JSON})
    assert head.status_code == get.status_code == 200
    assert head.mimetype == get.mimetype == JSON
    assert head.data == b""
    assert client.head("/sparql", query_string={"query": "SELEC"}).status_code == 400


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("graph", "http://x/\n"),
        ("graph", "http://x/ y"),
        ("graph", "http://x/>"),
        ("default-graph-uri", "http://x/\n"),
        ("named-graph-uri", "urn:x\n"),
    ],
)
def test_iri_parameters_are_checked_to_their_end(
    client: FlaskClient, name: str, value: str
) -> None:
    value = value.replace("\\n", "\n")
    if name == "graph":
        response = client.get("/store", query_string={"graph": value})
    else:
        response = client.get("/sparql", query_string={"query": "ASK {}", name: value})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "is not an absolute IRI" in text and "error" not in text.lower()


def test_unknown_format_gives_way_to_accept(client: FlaskClient) -> None:
    construct = f"CONSTRUCT {{ <{TRIAL}> ?p ?o }} WHERE {{ <{TRIAL}> ?p ?o }}"
    for fmt, accept, mimetype in [
        ("rdf+xml", "application/rdf+xml", "application/rdf+xml"),  # SPARQLWrapper RDFXML
        ("n3", "application/turtle,text/turtle,text/rdf+n3,text/n3", "text/turtle"),  # N3
        ("xml", "application/rdf+xml", "application/rdf+xml"),  # a results name, a graph query
    ]:
        response = client.get(
            "/sparql", query_string={"query": construct, "format": fmt}, headers={"Accept": accept}
        )
        assert response.status_code == 200, (fmt, response.data)
        assert response.mimetype == mimetype
    # an unknown format and nothing in Accept to go by: still 400
    no_accept = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert no_accept.status_code == 400 and "unknown format" in no_accept.get_data(as_text=True)
    star = client.get(
        "/sparql", query_string={"query": "ASK {}", "format": "yaml"}, headers={"Accept": "*/*"}
    )
    assert star.status_code == 400


def test_accept_nothing_satisfies_is_406(client: FlaskClient) -> None:
    for query in ("ASK {}", f"DESCRIBE <{TRIAL}>"):
        response = client.get(
            "/sparql", query_string={"query": query}, headers={"Accept": "image/png"}
        )
        assert response.status_code == 406, query
        assert "names no format" in response.get_data(as_text=True)
    # a type of the other kind is not refused (rdflib's SPARQLStore asks for JSON results
    # for a CONSTRUCT and reads the Content-Type it gets)
    lenient = client.get(
        "/sparql",
        query_string={"query": f"DESCRIBE <{TRIAL}>"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert lenient.status_code == 200 and lenient.mimetype == "text/turtle"
    store = client.get(
        "/store",
        query_string={"graph": "https://w3id.org/celltrials/graph/meta"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert store.status_code == 406
    wildcard = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "*/*"})
    assert wildcard.status_code == 200 and wildcard.mimetype == JSON


# ------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "query",
    [
        "ASK " + "{" * 5000 + "}" * 5000,
        "ASK { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
        "ASK { FILTER(" + "CONCAT(" * 1000 + "'a'" + ")" * 1000 + ") }",
        "ASK { FILTER(" + "!" * 20000 + "true) }",
    ],
)
def test_deep_nesting_is_refused_before_parsing(client: FlaskClient, query: str) -> None:
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert f"at most {guard.MAX_NESTING} are accepted" in response.get_data(as_text=True)
    update = client.post("/sparql", data={"update": "INSERT DATA {" + "{" * 300 + "}"})
    assert update.status_code == 400
    # brackets in strings, comments and IRIs do not count
    quoted = f'SELECT * WHERE {{ ?s ?p "{"(" * 300}" }} # {"{" * 300}'
    assert client.post("/sparql", data={"query": quoted}).status_code == 200


def test_long_chains_do_not_kill_the_query_process(seed_store: Path) -> None:
    # 20,000 operands in a row are not nesting, but Oxigraph recurses over them: on an
    # 8 MiB stack this killed the query process (exit status -11); query processes have
    # an unlimited stack. (160 KB: the default body limit, not the fixture's 64 KiB.)
    chain = "ASK { FILTER(" + " && ".join(["true"] * 20000) + ") }"
    app = create_app({"store": seed_store, "query_processes": 1})
    with app.test_client() as c:
        response = c.post("/sparql", data=chain, content_type="application/sparql-query")
    app.extensions["kg"].pool.close()
    assert response.status_code == 200, response.data
    assert json.loads(response.data)["boolean"] is True


def test_a_dead_query_process_is_503(app: Flask) -> None:
    from kg.server.executor import ProcessDied, QueryMemory
    from kg.server.protocol import store_errors

    died = store_errors(ProcessDied(-11))
    assert died.code == 503 and "exit status -11" in died.message
    assert died.extra_headers["Retry-After"]
    memory = store_errors(QueryMemory(512))
    assert memory.code == 503 and "more than 512 MiB" in memory.message


# ------------------------------------------------------------------ safety


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/celltrials/graph/meta>",
    ],
)
def test_updates_are_refused(client: FlaskClient, update: str) -> None:
    for response in (
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data=update, content_type="application/sparql-update"),
        client.post("/sparql", data={"query": update}),
    ):
        assert response.status_code == 403, response.data
        assert "read-only" in response.get_data(as_text=True)
    assert (
        json.loads(
            client.get("/sparql", query_string={"query": "ASK { <http://e/s> ?p ?o }"}).data
        )["boolean"]
        is False
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "x" SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } } # "',
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p true SERVICE ?x { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert "SERVICE is refused" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> {}",
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
        "SELECT * WHERE { ?s ?p '''a\nSERVICE\n''' }",
        "SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#SERVICE> ?o }",
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT ?service WHERE { ?service a sd:Service }",
    ],
)
def test_service_lookalikes_are_allowed(client: FlaskClient, query: str) -> None:
    assert guard.find_refused(query, ("SERVICE",)) is None
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_service_allow_list(seed_store: Path) -> None:
    app = create_app({"store": seed_store, "allow_service": ["http://127.0.0.1:9/sparql"]})
    with app.test_client() as c:
        other = c.get(
            "/sparql",
            query_string={"query": "SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }"},
        )
        assert other.status_code == 403
        assert "allowed: http://127.0.0.1:9/sparql" in other.get_data(as_text=True)
        variable = c.get("/sparql", query_string={"query": "SELECT * { SERVICE ?x { ?s ?p ?o } }"})
        assert variable.status_code == 403
        # an allowed endpoint gets through the gate (the call itself then fails: port 9)
        allowed = c.get(
            "/sparql",
            query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
        )
        assert allowed.status_code == 400


def test_cors_is_off_by_default_and_configurable(client: FlaskClient, seed_store: Path) -> None:
    origin = {"Origin": "https://example.org"}
    assert "Access-Control-Allow-Origin" not in client.get("/sparql", headers=origin).headers
    app = create_app({"store": seed_store, "cors_origins": ["https://example.org"]})
    with app.test_client() as c:
        allowed = c.options("/sparql", headers=origin | {"Access-Control-Request-Method": "POST"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://example.org"
        assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
        other = c.get("/sparql", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers


def test_graph_store_reads_and_refuses_writes(client: FlaskClient) -> None:
    meta = "https://w3id.org/celltrials/graph/meta"
    response = client.get(
        "/store", query_string={"graph": meta}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert len(Graph().parse(data=response.data, format="nt")) > 10
    assert client.get("/store", query_string={"graph": "http://e/none"}).status_code == 404
    for method in ("PUT", "POST", "DELETE"):
        write = client.open(
            "/store",
            method=method,
            query_string={"graph": meta},
            data="<a:b> <a:c> <a:d> .",
            content_type="text/turtle",
        )
        assert write.status_code == 403


def test_graph_store_writes_with_the_token(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    token = "a-long-enough-update-token"
    app = create_app({"store": store, "update_token": token})
    auth = {"Authorization": f"Bearer {token}"}
    g = "http://example.org/uploaded"
    with app.test_client() as c:
        put = c.put(
            "/store",
            query_string={"graph": g},
            data="<http://e/s> <http://e/p> 1 .",
            content_type="text/turtle",
            headers=auth,
        )
        assert put.status_code == 201
        assert (
            c.put(
                "/store",
                query_string={"graph": g},
                data="<http://e/s> <http://e/p> 2 .",
                content_type="text/turtle",
                headers=auth,
            ).status_code
            == 204
        )
        got = c.get(
            "/store", query_string={"graph": g}, headers={"Accept": "application/n-triples"}
        )
        assert (
            got.get_data(as_text=True)
            .strip()
            .endswith('"2"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        )
        assert c.delete("/store", query_string={"graph": g}, headers=auth).status_code == 204
        assert c.get("/store", query_string={"graph": g}).status_code == 404
        load = c.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"}, headers=auth)
        assert load.status_code == 403 and "LOAD is refused" in load.get_data(as_text=True)


# ------------------------------------------------------- service description


def test_service_description_and_void(client: FlaskClient) -> None:
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert sd.status_code == 200 and sd.mimetype == "text/turtle"
    graph = Graph().parse(data=sd.data, format="turtle")
    assert graph.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        ASK { ?s a sd:Service ; sd:feature sd:UnionDefaultGraph ; sd:supportedLanguage sd:SPARQL11Query ;
              sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> }"""
    ).askAnswer
    assert "UNION of all named graphs" in sd.get_data(as_text=True)
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert len(Graph().parse(data=jsonld.data, format="json-ld")) == len(graph)
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    vg = Graph().parse(data=void.data, format="turtle")
    assert vg.query(
        "ASK { ?d a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#triples> ?n }"
    ).askAnswer
    assert client.get("/sparql", headers={"Accept": "text/html"}).mimetype == "text/html"


# ------------------------------------------------------------ canned queries


def test_canned_query_matches_the_cli(client: FlaskClient, seed_store: Path) -> None:
    from kg.cli import main

    http = client.get(
        "/queries/uc-msc-above-dose", query_string={"min_cells": "1e8", "format": "json"}
    )
    assert http.status_code == 200 and http.mimetype == JSON
    cli = CliRunner().invoke(
        main,
        [
            "query",
            "--store",
            str(seed_store),
            "--canned",
            "uc-msc-above-dose",
            "--param",
            "min_cells=1e8",
            "--format",
            "json",
        ],
    )
    assert cli.exit_code == 0, cli.output
    assert _bindings(http.data) == _bindings(cli.stdout.encode())
    assert len(_bindings(http.data)) >= 1


def test_canned_query_bad_parameter_names_it(client: FlaskClient) -> None:
    response = client.get(
        "/queries/uc-msc-above-dose", query_string={"min_cells": "lots", "format": "json"}
    )
    assert response.status_code == 400
    assert response.json is not None and response.json["parameter"] == "min_cells"
    assert "min_cells" in response.json["error"]
    html = client.get(
        "/queries/uc-msc-above-dose", query_string={"min_cells": "lots", "format": "html"}
    )
    assert html.status_code == 400 and b"min_cells" in html.data
    unknown = client.get("/queries/uc-msc-above-dose", query_string={"min_cel": "1"})
    assert (
        unknown.status_code == 400
        and unknown.json is not None
        and unknown.json["parameter"] == "min_cel"
    )
    assert client.get("/queries/no-such-query").status_code == 404


def test_canned_query_list_and_formats(client: FlaskClient) -> None:
    listing = client.get("/queries", headers={"Accept": "application/json"})
    names = {q["name"]: q for q in listing.json or []}
    assert {"uc-msc-above-dose", "arm-doses"} <= set(names)
    assert names["uc-msc-above-dose"]["params"][0]["name"] == "min_cells"
    assert client.get("/queries", headers={"Accept": "text/html"}).mimetype == "text/html"
    tsv = client.get("/queries/arm-doses", query_string={"format": "tsv"})
    assert tsv.mimetype == "text/tab-separated-values" and tsv.get_data(as_text=True).startswith(
        "?trial\t"
    )
    page = client.get("/queries/arm-doses", query_string={"trial_iri": TRIAL, "format": "html"})
    assert page.status_code == 200 and b"Teriparatide group" in page.data


# ------------------------------------------------------------- linked data


def test_trial_page_html_and_rdf(client: FlaskClient) -> None:
    page = client.get("/trial/NCT05018637", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for needle in (
        "WJ-MSC group",
        "4 x 107 WJ-MSCs",
        "001_b5d87a7be4e55322.txt",
        "UBERON:0003422",
        "http://purl.obolibrary.org/obo/UBERON_0003422",
        "https://clinicaltrials.gov/study/NCT05018637",
    ):
        assert needle in text, needle
    assert "4 × 10<sup>7</sup>" in text
    turtle = client.get("/trial/NCT05018637", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.data, format="turtle")
    assert graph.query(f"ASK {{ <{TRIAL}> a <{CTO}Trial> ; <{CTO}hasArm> ?arm }}").askAnswer
    jsonld = client.get(
        "/resource", query_string={"iri": TRIAL}, headers={"Accept": "application/ld+json"}
    )
    assert jsonld.mimetype == "application/ld+json"
    assert len(Graph().parse(data=jsonld.data, format="json-ld")) == len(graph)
    assert client.get("/trial/NCT05018637").mimetype == "text/html"  # curl's */*: the page


def test_every_minted_iri_resolves(client: FlaskClient) -> None:
    query = """SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id.org/celltrials/")
        && !CONTAINS(STR(?s), "#")) } ORDER BY ?s"""
    response = client.get("/sparql", query_string={"query": query})
    iris = [r["s"]["value"] for r in _bindings(response.data)]
    kinds = {iri.removeprefix("https://w3id.org/celltrials/").split("/")[0] for iri in iris}
    assert {"trial", "sponsor", "source", "graph"} <= kinds
    for iri in iris:
        path = "/" + iri.removeprefix("https://w3id.org/celltrials/")
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path
        assert (
            client.get(
                "/resource", query_string={"iri": iri}, headers={"Accept": "text/turtle"}
            ).status_code
            == 200
        )


def test_dose_and_term_pages(client: FlaskClient) -> None:
    dose_iri = _bindings(
        client.get(
            "/sparql",
            query_string={
                "query": f"SELECT ?d WHERE {{ <{TRIAL}> <{CTO}hasArm>/<{CTO}hasDose> ?d }} LIMIT 1"
            },
        ).data
    )[0]["d"]["value"]
    dose = client.get(
        dose_iri.removeprefix("https://w3id.org/celltrials"), headers={"Accept": "text/html"}
    )
    text = dose.get_data(as_text=True)
    assert "Evidence" in text and "derived from source document" in text
    term = client.get(
        "/resource", query_string={"iri": "http://purl.obolibrary.org/obo/UBERON_0003422"}
    )
    assert term.status_code == 200 and b"open at its source" in term.data
    assert client.get("/trial/NCT00000000", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/trial/NCT00000000", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/resource", query_string={"iri": "no iri"}).status_code == 400
    assert client.get("/ontology", headers={"Accept": "text/html"}).status_code == 200


def test_home_and_editor_pages(client: FlaskClient) -> None:
    home = client.get("/").get_data(as_text=True)
    assert "Doses by tissue source" in home and "NCT05018637" in home
    assert "/overview/doses" in home  # the chart is its own request (its cost: the doses)
    chart = client.get("/overview/doses").get_data(as_text=True)
    assert "<svg" in chart and "doses</figcaption>" in chart
    editor = client.get("/editor").get_data(as_text=True)
    assert "vendor/yasgui/yasgui.min.js" in editor and "editor-config" in editor
    assert client.get("/static/vendor/yasgui/yasgui.min.js").status_code == 200


def test_download_links_serve_what_they_say(client: FlaskClient) -> None:
    """The menu's "Download (Turtle)" and the footer's dump.ttl give Turtle, dump.nq N-Quads."""
    page = client.get("/queries").get_data(as_text=True)
    links = {
        text: href for href, text in re.findall(r'<a href="([^"]*dump[^"]*)">([^<]+)</a>', page)
    }
    assert set(links) == {"Download (Turtle)", "dump.ttl", "dump.nq"}, links
    for text in ("Download (Turtle)", "dump.ttl"):
        reply = client.get(links[text])
        assert reply.status_code == 200 and reply.mimetype == "text/turtle", (text, links[text])
        assert (
            Graph()
            .parse(data=reply.data, format="turtle")
            .query(f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}")
            .askAnswer
        )
    nquads = client.get(links["dump.nq"])
    assert nquads.mimetype == "application/n-quads" and nquads.data  # read: it is streamed
    assert client.get("/dump.xyz").status_code == 404


def test_dumps_stream_every_quad(client: FlaskClient, seed_graph: Any) -> None:
    nq = client.get("/dump.nq")
    assert nq.mimetype == "application/n-quads"
    assert "attachment" in nq.headers["Content-Disposition"]
    dataset = Dataset()
    dataset.parse(data=nq.data, format="nquads")
    assert sum(1 for _ in dataset.quads((None, None, None, None))) == len(seed_graph)
    ttl = client.get("/dump.ttl")
    assert ttl.mimetype == "text/turtle"
    graph = Graph().parse(data=ttl.data, format="turtle")
    assert graph.query(f"ASK {{ <{TRIAL}> a <{CTO}Trial> }}").askAnswer
