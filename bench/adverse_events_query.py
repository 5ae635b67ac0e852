"""Time the canned query ``adverse-events-by-dose`` on a store (default: data/store).

Build a store of all shared data first::

    .venv/bin/kg build ../shared/data seeds --store /tmp/all
    .venv/bin/python bench/adverse_events_query.py /tmp/all

Prints the rows and the median, 95th percentile and maximum of 50 runs (after 3 warm-ups)
for the defaults, ``serious_only=false`` and a UBERON term.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from kg.queries import load_query
from kg.store import open_store


def main(argv: list[str]) -> int:
    store = open_store(Path(argv[1] if len(argv) > 1 else "data/store"), read_only=True).store
    query = load_query("adverse-events-by-dose")
    for params in ({}, {"serious_only": "false"}, {"term": "UBERON:0002371"}):
        times = []
        for i in range(53):
            start = time.perf_counter()
            rows = query.execute(store, params).rows
            if i >= 3:
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(
            f"{params or 'defaults'}: {len(rows)} rows; median {statistics.median(times):.1f} ms, "
            f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, max {times[-1]:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
