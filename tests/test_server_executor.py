"""The query processes: deadlines that kill, streaming of large replies, recovery."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import Dataset, RdfFormat, parse

from kg.server.executor import (
    ExecutorError,
    ExecutorPool,
    PoolBusy,
    ProcessDied,
    QueryFailed,
    QueryMemory,
    QueryTimeout,
)

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


def _in_thread(
    pool: ExecutorPool, text: str, client: str, out: dict[str, object]
) -> threading.Thread:
    def run() -> None:
        try:
            out[client + text[:3]] = pool.call(_query(text), timeout=3, client=client).read()
        except Exception as exc:
            out[client + text[:3]] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_one_client_cannot_take_every_process_and_a_full_queue_is_refused(
    seed_store: Path,
) -> None:
    pool = ExecutorPool(seed_store, size=3, client_processes=2, max_waiting=2, client_waiting=1)
    try:
        pool.warm()
        deadline = time.monotonic() + 30
        while pool.ready() < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.ready() == 3 and pool.started == 3
        out: dict[str, object] = {}
        slow = [_in_thread(pool, LONG + " " * i, "attacker", out) for i in range(2)]
        time.sleep(0.5)  # both slow queries run: two of the three processes
        # the attacker's third request waits (its share is 2), a fourth is refused at once
        waiting = _in_thread(pool, LONG + "   ", "attacker", out)
        time.sleep(0.2)
        assert pool.waiting() == 1
        started = time.monotonic()
        with pytest.raises(PoolBusy, match="too many requests from attacker"):
            pool.call(_query("ASK {}"), timeout=3, client="attacker")
        # another client is served at once by the third process
        assert pool.call(_query("ASK {}"), timeout=3, client="other").read().endswith(b"true}\n")
        assert time.monotonic() - started < 0.5
        # a full queue (2 waiting) refuses everyone at once
        queued = _in_thread(pool, LONG, "second", out)  # takes the third process
        time.sleep(0.2)
        queued2 = _in_thread(pool, "ASK {}", "third", out)
        time.sleep(0.2)
        assert pool.waiting() == 2
        with pytest.raises(PoolBusy, match="2 requests are already waiting"):
            pool.call(_query("ASK {}"), timeout=3, client="fourth")
        for thread in [*slow, waiting, queued, queued2]:
            thread.join(timeout=30)
        # the attacker's waiting query ran after the first two were stopped; the queued
        # ASK of "third" got a process when one was free
        assert isinstance(out["attackerSEL"], QueryTimeout)
        assert out["thirdASK"] == b'{"head":{},"boolean":true}\n'
    finally:
        pool.close()


def test_memory_ceiling_and_dead_process(seed_store: Path) -> None:
    pool = ExecutorPool(seed_store, size=1, memory_mib=300)
    try:
        big = "SELECT * WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } ORDER BY ?o"
        with pytest.raises(QueryMemory, match="more than 300 MiB"):
            pool.call(_query(big), timeout=20)
        assert pool.call(_query("ASK {}"), timeout=30).read().endswith(b"true}\n")
        # a process that dies under a request (killed from outside): ProcessDied
        result: dict[str, object] = {}
        thread = threading.Thread(target=lambda: result.update(r=_call_or_error(pool, LONG)))
        thread.start()
        busy: list[int] = []
        deadline = time.monotonic() + 10
        while not busy and time.monotonic() < deadline:
            time.sleep(0.1)
            busy = _busy_children(seed_store)
        (pid,) = busy
        os.kill(pid, signal.SIGSEGV)
        thread.join(timeout=30)
        assert isinstance(result["r"], ProcessDied) and result["r"].status == -signal.SIGSEGV
        assert pool.call(_query("ASK {}"), timeout=30).read().endswith(b"true}\n")
    finally:
        pool.close()


def _cpu_of_children(store: Path) -> dict[int, int]:
    """CPU ticks of the query processes of this test process for this store."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if (
            b"kg.server.worker" in cmdline
            and str(store).encode() in cmdline
            and int(stat[1]) == os.getpid()
        ):
            out[int(entry.name)] = int(stat[11]) + int(stat[12])
    return out


def _busy_children(store: Path) -> list[int]:
    """Query processes of this test process for this store that are burning CPU now
    (other pools of the test session have idle processes of the same store)."""
    before = _cpu_of_children(store)
    time.sleep(0.3)
    after = _cpu_of_children(store)
    tick = os.sysconf("SC_CLK_TCK")
    return [pid for pid, cpu in after.items() if cpu - before.get(pid, cpu) > 0.02 * tick]


def _call_or_error(pool: ExecutorPool, text: str) -> object:
    try:
        return pool.call(_query(text), timeout=20).read()
    except Exception as exc:
        return exc


def test_a_stream_that_cannot_be_finished_is_cut_visibly(seed_store: Path) -> None:
    # The headers are out: when the process dies mid-body the response must not end like
    # a complete one; the stream calls on_cut (the endpoint then breaks the connection).
    pool = ExecutorPool(seed_store, size=1, buffer_limit=4096)
    try:
        reply = pool.call({"op": "dump", "format": "nquads"}, timeout=30)
        stream = reply.chunks()
        cuts: list[str] = []
        stream.on_cut = lambda: cuts.append("cut")
        chunks = iter(stream)
        next(chunks)
        assert stream.proc is not None
        os.kill(stream.proc.proc.pid, signal.SIGKILL)
        rest = b"".join(chunks)
        assert cuts == ["cut"]
        whole = pool.call({"op": "dump", "format": "nquads"}, timeout=30)
        assert len(rest) < len(whole.read())
    finally:
        pool.close()
