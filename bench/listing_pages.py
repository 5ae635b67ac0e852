"""Listings and pages at scale (issue 15): the canned listings' first page and the trial
page and overview, before and after, on one store in one run.

    .venv/bin/python bench/listing_pages.py STORE --baseline REV [--runs 10] [--budget 20]
        [--http] [--seconds 10] [--connections 4] [--trial NCT...] [--out FILE]

* Queries: each listing of :data:`QUERIES` as the baseline revision wrote it
  (``git show REV:queries/NAME.rq``) and as the working tree does (its first page, with
  the default page size, when it pages), run alternately in this process on the store
  (``use_default_graph_as_union``) until ``--runs`` runs or ``--budget`` seconds each; p50
  and p95 in ms, the rows, and whether the new query's whole answer (every page) has the
  baseline's rows (as a multiset; GROUP_CONCAT values compared as sets of their parts).
* Pages (``--http``): ``kg serve`` (gunicorn, 2 workers) of the baseline (a ``git
  worktree`` of REV) and of the working tree, one after the other on the same store;
  ``--connections`` client threads request ``/trial/<id>`` for each ``--trial`` and ``/``
  (and, after, ``/overview/doses``, the chart the overview now loads on its own) for
  ``--seconds`` each; p50 and p95 latency and requests/s.

Prints a table and writes the figures as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from kg.queries import CannedQuery, _parse, load_query
from kg.results import Table

ROOT = Path(__file__).resolve().parent.parent
QUERIES = (
    "trials-by-country",
    "trials-by-condition",
    "trials-with-results",
    "trials-by-registry",
    "trials-by-sponsor",
    "source-conflicts",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def baseline_query(rev: str, name: str, folder: Path) -> CannedQuery | None:
    try:
        text = subprocess.run(
            ["git", "show", f"{rev}:queries/{name}.rq"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except subprocess.CalledProcessError:
        return None
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return _parse(path)


def rows_multiset(table: Table, text: str) -> Counter[tuple[str, ...]]:
    concat = {
        m["name"]: m["sep"]
        for m in re.finditer(
            r'GROUP_CONCAT\([^)]*separator\s*=\s*"(?P<sep>[^"]*)"\)\s+AS\s+\?(?P<name>\w+)', text
        )
    }
    out: Counter[tuple[str, ...]] = Counter()
    for row in table.rows:
        cells = []
        for column, term in zip(table.columns, row, strict=True):
            shown = "" if term is None else str(getattr(term, "value", term))
            if column in concat:
                shown = concat[column].join(sorted(shown.split(concat[column])))
            cells.append(shown)
        out[tuple(cells)] += 1
    return out


def time_queries(store: Store, rev: str, runs: int, budget: float) -> list[dict[str, Any]]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in QUERIES:
            old = baseline_query(rev, name, Path(tmp))
            new = load_query(name)
            times: dict[str, list[float]] = {"before": [], "after": []}
            rows: dict[str, int] = {}
            spent = {"before": 0.0, "after": 0.0}
            for _ in range(runs):
                for label, cq in (("before", old), ("after", new)):
                    if cq is None or spent[label] > budget:
                        continue
                    started = time.perf_counter()
                    page = cq.execute_page(store, {}) if cq.pages else None
                    table = page.table if page is not None else cq.execute(store, {})
                    took = time.perf_counter() - started
                    spent[label] += took
                    times[label].append(took * 1000)
                    rows[label] = len(table.rows)
            same = None
            if old is not None:
                started = time.perf_counter()
                whole_new = new.execute(store, {})
                whole_old = old.execute(store, {})
                same = rows_multiset(whole_new, new.text) == rows_multiset(whole_old, old.text)
                whole = {
                    "rows": len(whole_new.rows),
                    "both_s": round(time.perf_counter() - started, 2),
                }
            else:
                whole = {}
            entry: dict[str, Any] = {
                "query": name,
                "pages": new.page_size,
                "same_rows_as_before": same,
                "whole": whole,
            }
            for label, values in times.items():
                if values:
                    entry[label] = {
                        "p50_ms": round(statistics.median(values), 1),
                        "p95_ms": round(percentile(values, 0.95), 1),
                        "runs": len(values),
                        "rows": rows[label],
                    }
            out.append(entry)
            print(json.dumps(entry), flush=True)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(store: Path, pythonpath: Path) -> Iterator[int]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    proc = subprocess.Popen(
        [
            *(sys.executable, "-c", "from kg.cli import main; main()", "serve"),
            *("--store", str(store), "--port", str(port), "--workers", "2"),
        ],
        env=env,
        cwd=pythonpath,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/sparql?query=ASK%7B%7D")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("kg serve did not answer in 120 s")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def load(port: int, path: str, connections: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop = 0.0  # set once the first request is answered

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "text/html"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 0  # the connection failed
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took)
                statuses[status] += 1

    # one request first, alone (the first query of a process opens the store)
    with contextlib.suppress(OSError, http.client.HTTPException):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Accept": "text/html"})
        conn.getresponse().read()
    started = time.monotonic()
    stop = started + seconds
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {
        "path": path,
        "requests": len(latencies),
        "per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "statuses": dict(statuses),
    }


def time_pages(
    store: Path, rev: str, trials: list[str], connections: int, seconds: float
) -> list[dict[str, Any]]:
    paths = [f"/trial/{t}" for t in trials] + ["/"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for label, tree in (("before", base), ("after", ROOT)):
                extra = ["/overview/doses"] if label == "after" else []  # the split-off chart
                with serve(store, tree) as port:
                    for path in paths + extra:
                        entry = {"version": label, **load(port, path, connections, seconds)}
                        out.append(entry)
                        print(json.dumps(entry), flush=True)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--baseline", required=True, help="git revision of the 'before'")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and side")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--trial", action="append", default=[])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result: dict[str, Any] = {
        "store": str(args.store),
        "baseline": args.baseline,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": os.getloadavg(),
    }
    if not args.skip_queries:
        store = Store.read_only(str(args.store))
        result["queries"] = time_queries(store, args.baseline, args.runs, args.budget)
        del store
    if args.http:
        trials = args.trial or ["NCT90000000"]
        result["pages"] = time_pages(
            args.store, args.baseline, trials, args.connections, args.seconds
        )
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
