"""How many condition mentions kg.link links, by kind, on a build of all the shared data.

Builds ``$KG_SHARED/data`` and ``seeds/`` into a store (``--store``, default a temporary
folder; an existing store is updated, as ``kg build`` would) and runs the canned query
``link-coverage`` on it: the share of the mentions that name a condition linked to MONDO or
HPO, every way a mention ended (linked by predicate and ontology, unlinked by reason), and
the most frequent unlinked names.

    .venv/bin/python bench/link_coverage.py [--store DIR] [--top 25]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from kg.build import build
from kg.link.coverage import condition_coverage
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def _shared_default() -> Path:
    env = os.environ.get("KG_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_shared_default())
    parser.add_argument("--store", type=Path, help="store folder (default: a temporary one)")
    parser.add_argument("--top", type=int, default=25, help="unlinked names to list (<= 25)")
    args = parser.parse_args()
    os.environ.setdefault("KG_ONTOLOGY_DIR", str(args.shared / "ontologies" / "mondo-sssom"))
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        t0 = time.perf_counter()
        report = build([args.shared / "data", ROOT / "seeds"], store)
        print(
            f"built {report.count('trials')} trials from {report.n_documents} documents "
            f"in {time.perf_counter() - t0:.1f} s ({len(report.failed)} with errors)"
        )
        gs = open_store(store, read_only=True)
        t1 = time.perf_counter()
        cov = condition_coverage(gs.store)
        print(f"link-coverage in {time.perf_counter() - t1:.2f} s\n")
        print(cov.summary())
        print("\nby kind:")
        for kind, n in sorted(cov.by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {kind:45s} {n:5d}  {n / cov.mentions:6.1%}")
        print(f"\nmost frequent unlinked names (top {args.top}):")
        for name, kind, n in cov.top_unlinked[: args.top]:
            print(f"  {n:4d}  {name}  [{kind.removeprefix('unlinked: ')}]")


if __name__ == "__main__":
    main()
