"""Replay every request of the W3C SPARQL 1.1 Protocol test manifest against the app.

The manifest (``$KG_SHARED/w3c-sparql11-protocol/manifest.ttl``) is read with rdflib;
each test is one or more HTTP requests with the expected status, result format and
boolean. The data files go into a test store as named graphs (named by their
``rdfs:label``), as the manifest's ``ut:graphData`` says.

Two servers: the default read-only one, where every update test must get the 403
refusal the read-only rule promises (and its follow-up ASK must find nothing written);
and one configured with an update token, where the update tests must pass as the
manifest says.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS, Namespace

from kg.server.app import create_app

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "w3c-protocol-test-token-0123456789"


def _manifest_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    shared = Path(os.environ.get("KG_SHARED", root.parent / "shared")).resolve()
    return shared / "w3c-sparql11-protocol"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str | None
    headers: dict[str, str]
    statuses: tuple[str, ...]  # "2xx", "4xx", ...
    fmt: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graphs: tuple[tuple[str, str], ...]  # (file, graph IRI)
    requests: tuple[Request, ...]

    @property
    def is_update(self) -> bool:
        return self.name.startswith("update_")


def _load_manifest() -> list[ProtocolTest]:
    folder = _manifest_dir()
    path = folder / "manifest.ttl"
    if not path.is_file():
        pytest.fail(f"W3C protocol manifest missing at {path} (set KG_SHARED)")
    g = Graph()
    g.parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(g.subjects(MF.entries, None))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        assert isinstance(entry, URIRef)
        graphs = tuple(
            sorted(
                (Path(str(g.value(gd, UT.graph))).name, str(g.value(gd, RDFS.label)))
                for gd in g.objects(entry, UT.graphData)
            )
        )
        action = g.value(entry, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            body_node = g.value(req, HT.body)
            headers: dict[str, str] = {}
            headers_list = g.value(req, HT.headers)
            if headers_list is not None:
                for h in Collection(g, headers_list):
                    headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
            resp = g.value(req, HT.resp)
            statuses = tuple(
                sorted(str(s).removeprefix(HTS) for s in g.objects(resp, MF.expectedStatus))
            )
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            requests.append(
                Request(
                    method=str(g.value(req, HT.methodName)),
                    path=str(g.value(req, HT.absolutePath)),
                    body=str(g.value(body_node, CNT.chars)) if body_node is not None else None,
                    headers=headers,
                    statuses=statuses,
                    fmt=str(fmt) if fmt is not None else None,
                    boolean=bool(boolean.toPython()) if boolean is not None else None,
                )
            )
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(g.value(entry, MF.name)), graphs, tuple(requests)))
    return tests


TESTS = _load_manifest()
# The data every test may need: data1.nt ... as named graphs. Query tests never write,
# so one store serves them all (tests naming no data only use ASK {} and constants).
DATA = sorted({pair for t in TESTS for pair in t.graphs})


def _make_store(path: Path) -> Path:
    store = Store(str(path))
    folder = _manifest_dir()
    for file, graph in DATA:
        store.load(path=str(folder / file), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def read_only_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    store = _make_store(tmp_path_factory.mktemp("w3c") / "store")
    yield create_app({"store": store})


def _check_body(test: ProtocolTest, req: Request, response: Any) -> None:
    ctype = response.mimetype
    data = response.get_data()
    if req.fmt == "boolean":
        assert ctype in ("application/sparql-results+json", "application/sparql-results+xml"), ctype
    elif req.fmt == "tabular":
        assert ctype in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), ctype
    elif req.fmt == "RDF":
        assert ctype in (
            "application/rdf+xml",
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
        ), ctype
        Graph().parse(
            data=data,
            format={
                "text/turtle": "turtle",
                "application/n-triples": "nt",
                "application/rdf+xml": "xml",
                "application/ld+json": "json-ld",
            }[ctype],
        )
    if req.boolean is not None:
        assert _boolean(ctype, data) is req.boolean, f"{test.name}: expected {req.boolean}"


def _boolean(ctype: str, data: bytes) -> bool:
    if ctype == "application/sparql-results+json":
        return bool(json.loads(data)["boolean"])
    root = ElementTree.fromstring(data)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


def _send(app: Flask, req: Request, *, token: str | None = None) -> Any:
    path = re.sub(r"^/sparql/", "/sparql", req.path)
    headers = dict(req.headers)
    content_type = headers.pop("content-type", None)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with app.test_client() as client:
        return client.open(
            path,
            method=req.method,
            data=req.body.encode("utf-8") if req.body is not None else None,
            content_type=content_type,
            headers=headers,
        )


def _status_ok(status: int, expected: tuple[str, ...]) -> bool:
    return any(str(status)[0] == e[0] for e in expected)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_read_only_endpoint(test: ProtocolTest, read_only_app: Flask) -> None:
    first, *follow_ups = test.requests
    response = _send(read_only_app, first)
    if test.is_update:
        # The read-only rule: every update is refused, and nothing is written.
        assert response.status_code == 403, (test.name, response.status_code, response.get_data())
        for req in follow_ups:
            check = _send(read_only_app, req)
            assert check.status_code == 200
            assert _boolean(check.mimetype, check.get_data()) is False
        return
    assert _status_ok(response.status_code, first.statuses), (
        test.name,
        response.status_code,
        response.get_data()[:300],
    )
    if response.status_code < 300:
        _check_body(test, first, response)
    for req in follow_ups:
        response = _send(read_only_app, req)
        assert _status_ok(response.status_code, req.statuses)
        _check_body(test, req, response)


UPDATE_TESTS = [t for t in TESTS if t.is_update or t.name.startswith("bad_update")]


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.name for t in UPDATE_TESTS])
def test_update_endpoint_with_token(test: ProtocolTest, tmp_path: Path) -> None:
    """With an update token configured, the update tests pass as the manifest says
    (each on its own fresh store, since they write)."""
    app = create_app({"store": _make_store(tmp_path / "store"), "update_token": TOKEN})
    for req in test.requests:
        response = _send(app, req, token=TOKEN)
        assert _status_ok(response.status_code, req.statuses), (
            test.name,
            response.status_code,
            response.get_data()[:300],
        )
        if response.status_code < 300 and req.fmt:
            _check_body(test, req, response)


def test_update_needs_the_token(tmp_path: Path) -> None:
    app = create_app({"store": _make_store(tmp_path / "store"), "update_token": TOKEN})
    update = next(t for t in TESTS if t.name == "update_post_direct").requests[0]
    assert _send(app, update).status_code == 401
    assert _send(app, update, token="not-the-token-but-long-enough").status_code == 403
    assert _send(app, update, token=TOKEN).status_code in (200, 204)


def test_manifest_has_every_test() -> None:
    names = {t.name for t in TESTS}
    assert len(TESTS) == 34
    assert {"query_post_form", "bad_query_syntax", "update_base_uri"} <= names
