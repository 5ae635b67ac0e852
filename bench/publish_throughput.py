"""Publishing a built store to an Oxigraph server, against the server's own bulk loader.

    python bench/publish_throughput.py STORE [--jobs 1 2 4] [--split-size 64]

For each --jobs value: a fresh ``oxigraph serve`` (the PyPI ``oxigraph`` package) on a free
port, ``kg publish --to .../store`` timed (graphs, MB, seconds, MB/s, graphs/s), then a
second publication with nothing changed (with the build's graph versions: no graph read),
and beside it the cost of the old no-change path, hashing every graph's content
(``kg.publish.store_graphs``), in the same run. The server's database is deleted before
the bulk path: ``kg export --format nquads --split-size MB`` and ``oxigraph load`` of
those files into a new database, each timed. Prints the load average and a markdown
table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import OXIGRAPH, oxigraph_server  # noqa: E402

KG = Path(sys.executable).parent / "kg"
HASH_ALL = (
    "import sys, time\n"
    "from kg.publish import store_graphs\n"
    "from kg.store import open_store\n"
    "gs = open_store(__import__('pathlib').Path(sys.argv[1]), read_only=True)\n"
    "t = time.monotonic(); n = sum(1 for _ in store_graphs(gs.store))\n"
    "print(n, time.monotonic() - t)\n"
)


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stderr + done.stdout


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2])
    parser.add_argument("--split-size", type=float, default=64.0)
    parser.add_argument("--work", type=Path, help="folder for the databases (default: /tmp)")
    parser.add_argument("--skip-hash-all", action="store_true", help="not the old no-change path")
    args = parser.parse_args()
    rows = []
    print(f"load average at start: {load()}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="kg-publish-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        for jobs in args.jobs:
            journal = args.store.with_name(f".{args.store.name}.published")
            shutil.rmtree(journal, ignore_errors=True)
            with oxigraph_server(work / f"server-{jobs}") as base:
                cmd = [str(KG), "publish", "--store", str(args.store), "--to", f"{base}/store"]
                seconds, out = timed([*cmd, "--quiet", "--jobs", str(jobs)])
                print(out, f"load average: {load()}", file=sys.stderr)
                again, out2 = timed([*cmd, "--quiet"])
                print(out2, file=sys.stderr)
            rows.append((jobs, seconds, out, again, out2))
            shutil.rmtree(work / f"server-{jobs}", ignore_errors=True)
        hash_all = None
        if not args.skip_hash_all:
            _, out = timed([sys.executable, "-c", HASH_ALL, str(args.store)])
            hash_all = float(out.split()[1])
            print(
                f"hashing every graph (the old no-change path): {hash_all:.1f} s", file=sys.stderr
            )
        export = work / "export"
        seconds_export, out = timed(
            [
                *(str(KG), "export", "--store", str(args.store), "--format", "nquads"),
                *("--split-size", str(args.split_size), "-o", str(export)),
            ]
        )
        print(out, f"load average: {load()}", file=sys.stderr)
        parts = sorted(str(p) for p in export.glob("part-*.nq.gz"))
        seconds_load, out = timed(
            [str(OXIGRAPH), "load", "--location", str(work / "db"), "--file", *parts]
        )
        print(out[-500:], f"load average: {load()}", file=sys.stderr)
        size = sum(Path(p).stat().st_size for p in parts)
    bulk = seconds_export + seconds_load
    print(f"load average at the end: {load()}")
    print("| path | seconds | throughput | note |")
    print("|---|---|---|---|")
    for jobs, seconds, out, again, out2 in rows:
        summary = " ".join(out.split())
        found = re.search(r"(\d+) graphs sent \(([\d.]+) MB", summary)
        graphs, mb = (int(found[1]), float(found[2])) if found else (0, 0.0)
        print(
            f"| `kg publish --jobs {jobs}` (first publication) | {seconds:.1f} | "
            f"{mb / seconds:.1f} MB/s, {graphs / seconds:.0f} graphs/s | "
            f"{graphs} graphs, {mb:.1f} MB; {bulk and seconds / bulk:.2f}× the bulk path |"
        )
        print(f"| `kg publish`, nothing changed | {again:.1f} | | {' '.join(out2.split())[:160]} |")
    if hash_all is not None:
        print(f"| hashing every graph (the no-change cost before versions) | {hash_all:.1f} | | |")
    print(
        f"| `kg export --split-size {args.split_size:g}` | {seconds_export:.1f} | | "
        f"{len(parts)} files, {size / 1e6:.1f} MB gzip |"
    )
    print(f"| `oxigraph load` (those files) | {seconds_load:.1f} | | into a new database |")
    print(f"| bulk path (export + load) | {bulk:.1f} | | |")


if __name__ == "__main__":
    main()
