"""Requests per second through `kg serve` (gunicorn, gevent workers, query processes).

    .venv/bin/python bench/http_throughput.py [--store DIR] [--workers 2] [--clients 8] [--seconds 5]
        [--pages [--trial NCT...]]

Starts the server on a free 127.0.0.1 port (building a store from the seeds into a
temporary folder when --store is not given), then runs each request from several client
threads for a few seconds and prints requests/s and latency percentiles (p50, p95, p99).

``--pages``: the trial page of each ``--trial`` (default NCT90000000, a trial of the
``bench/make_corpus.py`` corpora) and the overview ``/`` instead of the default requests,
with the load average before and after (the issue's target: both <= 100 ms at p95).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from kg.server.testing import live_server

REQUESTS = {
    "ASK {} (JSON)": "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
    "SELECT trials (JSON)": "/sparql?"
    + urllib.parse.urlencode(
        {"query": "SELECT ?t WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }"}
    ),
    "canned uc-msc-above-dose (JSON)": "/queries/uc-msc-above-dose?format=json",
    "trial page (HTML, 6 queries)": "/trial/NCT05018637",
}


def _run(
    host: str, port: int, path: str, clients: int, seconds: float
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        local: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request(
                "GET", path, headers={"Accept": "application/sparql-results+json, text/html;q=0.9"}
            )
            response = conn.getresponse()
            response.read()
            conn.close()
            local.append(time.perf_counter() - started)
            bad += response.status != 200
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--pages", action="store_true", help="time trial pages and / only")
    parser.add_argument("--trial", action="append", default=[], help="NCT id (with --pages)")
    args = parser.parse_args()
    requests = REQUESTS
    if args.pages:
        requests = {f"trial page {t}": f"/trial/{t}" for t in args.trial or ["NCT90000000"]}
        requests["overview /"] = "/"
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"  # kg serve builds it from the seeds
        with live_server(store, workers=args.workers) as url:
            host, port = url.removeprefix("http://").split(":")
            print(
                f"kg serve: gunicorn, {args.workers} gevent workers; {args.clients} client threads, "
                f"{args.seconds:g} s per request, new connection per request"
            )
            for name, path in requests.items():
                _run(host, int(port), path, 2, 0.5)  # warm up (query processes start)
                n, latencies, errors = _run(host, int(port), path, args.clients, args.seconds)
                q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
                print(
                    f"{name:34s} {n / args.seconds:8.0f} req/s   p50 {q[49] * 1000:6.1f} ms   "
                    f"p95 {q[94] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms   errors {errors}"
                )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
