"""Publishing a built store to an Oxigraph server, against the server's own bulk loader.

    python bench/publish_throughput.py STORE [--jobs 1 2 4] [--split-size 64]

For each --jobs value: a fresh ``oxigraph serve`` (the PyPI ``oxigraph`` package) on a free
port, ``kg publish --to .../store`` timed (graphs, MB, seconds, MB/s, graphs/s), then a
second publication with nothing changed (the cost of hashing the store). Then the bulk
path: ``kg export --format nquads --split-size MB`` and ``oxigraph load`` of those files
into a new database, each timed. Prints a markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
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


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stderr + done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2])
    parser.add_argument("--split-size", type=float, default=64.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-publish-bench-") as tmp:
        work = Path(tmp)
        for jobs in args.jobs:
            journal = args.store.with_name(f".{args.store.name}.published")
            shutil.rmtree(journal, ignore_errors=True)
            with oxigraph_server(work / f"server-{jobs}") as base:
                cmd = [str(KG), "publish", "--store", str(args.store), "--to", f"{base}/store"]
                seconds, out = timed([*cmd, "--quiet", "--jobs", str(jobs)])
                print(out, file=sys.stderr)
                again, out2 = timed([*cmd, "--quiet"])
                print(out2, file=sys.stderr)
            rows.append((f"kg publish --jobs {jobs}", seconds, out, again))
            shutil.rmtree(work / f"server-{jobs}", ignore_errors=True)
        export = work / "export"
        seconds_export, out = timed(
            [
                *(str(KG), "export", "--store", str(args.store), "--format", "nquads"),
                *("--split-size", str(args.split_size), "-o", str(export)),
            ]
        )
        print(out, file=sys.stderr)
        parts = sorted(str(p) for p in export.glob("part-*.nq.gz"))
        seconds_load, out = timed(
            [str(OXIGRAPH), "load", "--location", str(work / "db"), "--file", *parts]
        )
        print(out[-500:], file=sys.stderr)
        size = sum(Path(p).stat().st_size for p in parts)
    print("| path | seconds | note |")
    print("|---|---|---|")
    for name, seconds, out, again in rows:
        summary = " ".join(out.split())
        print(f"| {name} | {seconds:.1f} | {summary[-220:]}; unchanged re-run {again:.1f} s |")
    print(
        f"| kg export --split-size {args.split_size:g} | {seconds_export:.1f} | {len(parts)} files, {size / 1e6:.1f} MB gzip |"
    )
    print(f"| oxigraph load (those files) | {seconds_load:.1f} | |")


if __name__ == "__main__":
    main()
