"""The query processes: deadlines that kill, streaming of large replies, recovery."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pyoxigraph import Dataset, RdfFormat, parse

from kg.server.executor import ExecutorError, ExecutorPool, QueryFailed, QueryTimeout

LONG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _query(text: str, **extra: object) -> dict[str, object]:
    return {
        "op": "query",
        "query": text,
        "results_format": "json",
        "graph_format": "ntriples",
        "max_rows": 100,
    } | extra


def test_deadline_kills_the_process_and_the_next_request_gets_a_new_one(seed_store: Path) -> None:
    pool = ExecutorPool(seed_store, size=1)
    try:
        assert pool.ping(timeout=30)["kind"] == "pong"
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="time limit of 1 s"):
            pool.call(_query(LONG), timeout=1)
        assert time.monotonic() - started < 3
        assert pool.killed == 1
        assert pool.call(_query("ASK {}"), timeout=30).read() == b'{"head":{},"boolean":true}\n'
        assert pool.started == 2
    finally:
        pool.close()


def test_errors_keep_the_process(seed_store: Path) -> None:
    pool = ExecutorPool(seed_store, size=1)
    try:
        with pytest.raises(QueryFailed) as err:
            pool.call(_query("SELECT * WHERE {"), timeout=30)
        assert err.value.kind == "syntax"
        with pytest.raises(QueryFailed) as forbidden:
            pool.call({"op": "update", "update": "CLEAR ALL"}, timeout=30)
        assert forbidden.value.kind == "forbidden"
        pool.call(_query("ASK {}"), timeout=30)
        assert pool.started == 1
    finally:
        pool.close()


def test_large_replies_are_streamed_and_a_dropped_stream_frees_the_process(
    seed_store: Path,
) -> None:
    pool = ExecutorPool(seed_store, size=1, buffer_limit=4096)
    try:
        reply = pool.call({"op": "dump", "format": "nquads"}, timeout=30)
        assert reply.body is None  # more than 4 KiB: streamed
        data = b"".join(reply.chunks())
        dataset = Dataset(parse(data, RdfFormat.N_QUADS))
        assert len(dataset) > 500
        # a client that goes away mid-stream: the process is killed, a new one serves on
        partial = pool.call({"op": "dump", "format": "nquads"}, timeout=30)
        stream = partial.chunks()
        next(iter(stream))
        stream.close()
        assert pool.call(_query("ASK {}"), timeout=30).read().startswith(b'{"head"')
        assert pool.started == 2
    finally:
        pool.close()


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    pool = ExecutorPool(tmp_path / "nothing", size=1)
    with pytest.raises(ExecutorError, match="cannot open the store"):
        pool.ping(timeout=30)


def test_row_cap_and_dropped_columns(seed_store: Path) -> None:
    pool = ExecutorPool(seed_store, size=1)
    try:
        reply = pool.call(
            _query("SELECT ?s ?p WHERE { ?s ?p ?o }", max_rows=3, drop=["p"]), timeout=30
        )
        assert reply.header == {"kind": "select", "rows": 3, "truncated": True}
        assert b'"vars":["s"]' in reply.read()
    finally:
        pool.close()
