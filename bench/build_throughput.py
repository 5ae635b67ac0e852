"""Benchmark: documents per second through the whole build, and triples per second into
the store, against pyoxigraph's own bulk_load of the same triples, in the same run.

    python bench/build_throughput.py [INPUT ...]   (default: the seeds and ../shared/data)

Prints one table; ratios are against the bulk_load baseline measured in this run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph
from pyoxigraph import RdfFormat, Store

from kg.build import build

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    """Max resident set size so far of this process plus its largest child (kB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shared = Path(os.environ.get("KG_TEST_DATA", ROOT.parent / "shared" / "data"))
    inputs = args.inputs or [ROOT / "seeds", *([shared] if shared.is_dir() else [])]
    print(f"inputs: {', '.join(map(str, inputs))}")
    print(
        f"python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, {os.cpu_count()} cores"
    )
    rows = []
    peak_mb = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            store = Path(tmp) / f"store-{i}"
            t0 = time.perf_counter()
            report = build(inputs, store)
            build_s = time.perf_counter() - t0
            peak_mb = max(
                peak_mb, _peak_rss_mb()
            )  # the build ran first: the peak so far is its own
            docs = report.n_documents
            trials = report.count("trials")
            quads = report.count("quads")
            dump = Path(tmp) / "dump.nq"
            Store.read_only(str(store)).dump(str(dump), RdfFormat.N_QUADS)
            bulk_dir = Path(tmp) / f"bulk-{i}"
            t1 = time.perf_counter()
            bulk = Store(str(bulk_dir))
            bulk.bulk_load(path=str(dump), format=RdfFormat.N_QUADS)
            bulk.flush()
            bulk_s = time.perf_counter() - t1
            total = len(bulk)
            del bulk
            t2 = time.perf_counter()
            again = build(inputs, store)
            rebuild_s = time.perf_counter() - t2
            assert {d.status for d in again.documents} <= {"unchanged", "failed"}
            rows.append(
                (docs, trials, quads, total, build_s, bulk_s, rebuild_s, len(report.failed))
            )
            shutil.rmtree(store)
            shutil.rmtree(bulk_dir)
    print()
    print(
        "run  docs  trials   quads  store_quads  build_s  docs/s  trials/s  quads/s  bulk_load_s  bulk quads/s  build/bulk  noop_rebuild_s  failed"
    )
    for i, (docs, trials, quads, total, b, k, r, failed) in enumerate(rows, 1):
        print(
            f"{i:>3} {docs:>5} {trials:>7} {quads:>7} {total:>12} {b:>8.2f} {docs / b:>7.1f} {trials / b:>9.1f}"
            f" {quads / b:>8.0f} {k:>12.3f} {total / k:>13.0f} {b / k:>11.1f} {r:>15.3f} {failed:>7}"
        )
    best = min(rows, key=lambda r: r[4])
    print(
        f"\nbest: {best[0] / best[4]:.1f} documents/s, {best[1] / best[4]:.1f} trials/s, "
        f"{best[2] / best[4]:.0f} quads/s through the whole build; bulk_load of the same quads "
        f"{best[3] / best[5]:.0f} quads/s; the build takes {best[4] / best[5]:.1f}x the bulk_load time"
    )
    print(
        f"peak memory of the build (max RSS of this process and its worker processes): {peak_mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
