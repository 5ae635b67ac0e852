"""A page's queries in one round trip to a query process (the ``batch`` request of
kg.server.worker, Backend.prefetch): the same page, two hops instead of one per query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import Client

from kg.server.app import create_app
from kg.server.backend import Backend
from kg.server.config import ServerConfig
from kg.server.executor import QueryFailed

TRIALS = ["NCT05018637", "NCT06534528"]


@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    app = create_app(ServerConfig(store=seed_store))
    yield app
    app.extensions["kg"].pool.close()


def _page(app: Flask, path: str) -> tuple[int, bytes, int]:
    pool = app.extensions["kg"].pool
    calls = pool.calls
    response = Client(app).get(path, headers={"Accept": "text/html"})
    return response.status_code, response.get_data(), pool.calls - calls


@pytest.mark.parametrize("nct", TRIALS)
def test_a_trial_page_is_the_same_in_two_hops(
    app: Flask, nct: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, page, hops = _page(app, f"/trial/{nct}")
    assert status == 200 and nct.encode() in page
    assert hops == 2  # the prefetched queries, then the provenance of the page's graphs
    monkeypatch.setattr(Backend, "prefetch", lambda self, queries: None)
    status, one_by_one, hops_before = _page(app, f"/trial/{nct}")
    assert status == 200 and hops_before >= 10
    assert page == one_by_one


def test_another_resource_and_a_missing_one(app: Flask) -> None:
    status, _, hops = _page(app, "/ontology#Trial")
    assert status == 200 and hops <= 3
    status, _, _ = _page(app, "/trial/NCT00000000")
    assert status == 404


def test_a_failing_query_fails_the_batch(app: Flask) -> None:
    backend = app.extensions["kg"]
    with app.test_request_context("/"):
        with pytest.raises(QueryFailed):
            backend.prefetch([("ASK {}", None), ("SELECT ?x WHERE { ?x", None)])
        backend.prefetch([("ASK {}", None), ("SELECT (1 AS ?x) {}", 5)])
        calls = backend.pool.calls
        assert backend.ask("ASK {}") is True
        variables, rows, truncated = backend.select("SELECT (1 AS ?x) {}", max_rows=5)
        assert variables == ["x"] and rows[0]["x"].value == "1" and not truncated
        assert backend.pool.calls == calls  # both answered from the batch
        backend.ask("ASK {}")  # once only: the second time goes to a query process
        assert backend.pool.calls == calls + 1
