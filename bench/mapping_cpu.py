"""Benchmark: the build workers' mapping CPU per trial, this checkout against a base, in one
run (issue 15).

    python bench/mapping_cpu.py [--revert COMMIT ...] [--corpus DIR] [--runs 3]

Maps a fixed sample of a corpus (``bench/make_corpus.py`` layout: by default 300 XML files
chosen with random.Random(7), the first v2 page of 1,000 studies and 20 text pages of
/work/bench-data/corpus-10k) with ``kg.build._map_task``, as a build's worker does (read,
hash, map, extract, write, serialise, describe), and measures ``time.process_time`` of the
whole sample in a fresh process per measurement, after one warm-up document (imports,
ontology indexes). "after" is this checkout's ``kg``; "base" is a copy of the same ``kg``
with the changes of ``--revert`` undone (their diffs under kg/ applied in reverse, newest
first; default: the commits of issue 15's N-Quads writing), so that everything else,
everyone else's uncommitted work included, is the same on both sides. Base and after
alternate; each side's best of ``--runs``.

Also checks the output: each side's payloads (N-Quads of every document), document
results and streamed figures, hashed; the same hash means the same bytes. Prints one table
and the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The commits of the N-Quads writing (issue 15, engineer T), oldest first.
COMMITS = ["dbcbb36", "09d7bf1", "6f4ba39"]
CORPUS = Path("/work/bench-data/corpus-10k")


def sample(corpus: Path, n_xml: int, n_pages: int, n_text: int, seed: int) -> list[Path]:
    """The fixed sample: XML files and text pages chosen with random.Random(seed), the
    first v2 pages."""
    import random

    xml = sorted(corpus.glob("xml/**/*.xml"))
    v2 = sorted(corpus.glob("v2/**/*.json"))
    text = sorted(corpus.glob("pages/**/*.txt"))
    rnd = random.Random(seed)
    return (
        rnd.sample(xml, min(n_xml, len(xml)))
        + v2[:n_pages]
        + rnd.sample(text, min(n_text, len(text)))
    )


def child(corpus: Path, paths: list[Path]) -> None:
    """One measurement (run with PYTHONPATH=the tree): JSON on stdout."""
    import kg
    from kg.build import _map_task
    from kg.rdf import Minter

    minter = Minter()
    tasks = [(str(p), p.relative_to(corpus).as_posix(), None, frozenset[str]()) for p in paths]
    for p in paths:
        p.read_bytes()  # (the page cache)
    _map_task(tasks[0], minter)  # imports, indexes and caches that a worker loads once
    start = time.process_time()
    out = [_map_task(t, minter) for t in tasks]
    cpu = time.process_time() - start
    payload = hashlib.sha256()
    figures = hashlib.sha256()
    without_version = hashlib.sha256()
    for result, data, sha, stats in out:
        payload.update(data)
        for line in data.splitlines(keepends=True):
            if b"/ontology#pipelineVersion> " not in line:
                without_version.update(line)
        figures.update(repr((result, sha, stats)).encode())
    print(
        json.dumps(
            {
                "kg": str(Path(kg.__file__).parent),
                "cpu": cpu,
                "trials": sum(r.trials for r, *_ in out),
                "documents": len(out),
                "bytes": sum(len(d) for _, d, _, _ in out),
                "payload": payload.hexdigest()[:16],
                "without_version": without_version.hexdigest()[:16],
                "figures": figures.hexdigest()[:16],
            }
        )
    )


def base_tree(commits: list[str], into: Path) -> Path:
    """This checkout's kg with the changes of ``commits`` under kg/ undone."""
    tree = into / "base"
    shutil.copytree(
        ROOT / "kg", tree / "kg", symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("ontology", "queries", "seeds"):  # (kg/_data links to them)
        (tree / name).symlink_to(ROOT / name)
    for commit in reversed(commits):
        diff = subprocess.run(
            ["git", "-C", str(ROOT), "diff", f"{commit}^", commit, "--", "kg"],
            capture_output=True,
            check=True,
        ).stdout
        undone = subprocess.run(
            ["patch", "-R", "-p1", "-s", "--no-backup-if-mismatch", "-d", str(tree)],
            check=False,
            input=diff,
            capture_output=True,
        )
        if undone.returncode != 0:
            raise SystemExit(f"cannot undo {commit} in a copy of kg/: {undone.stdout.decode()}")
    return tree


def measure(tree: Path, corpus: Path, args: argparse.Namespace) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, __file__, "--child", "--corpus", str(corpus)]
    cmd += ["--xml", str(args.xml), "--pages", str(args.pages), "--text", str(args.text)]
    cmd += ["--seed", str(args.seed)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measurement in {tree} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--revert", nargs="+", default=COMMITS)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--xml", type=int, default=300)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--text", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    paths = sample(corpus, args.xml, args.pages, args.text, args.seed)
    if args.child:
        child(corpus, paths)
        return 0
    print(
        f"sample: {len(paths)} documents of {corpus} (seed {args.seed}); base = with {' '.join(args.revert)} undone"
    )
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory(prefix="mapping-cpu-") as tmp:
        trees = {"base": base_tree(args.revert, Path(tmp)), "after": ROOT}
        runs: dict[str, list[dict[str, object]]] = {"base": [], "after": []}
        for n in range(args.runs):
            for side, tree in trees.items():
                r = measure(tree, corpus, args)
                runs[side].append(r)
                print(
                    f"  run {n + 1} {side:5}: {r['cpu']:.2f} s CPU ({r['kg']}), load {load()}",
                    flush=True,
                )
    print(f"load average after: {load()}")
    best = {side: min(rs, key=lambda r: float(str(r["cpu"]))) for side, rs in runs.items()}
    print()
    print(
        "| side | trials | documents | N-Quads MB | best CPU s | ms/trial | runs (s) | payload sha | figures sha |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for side, r in best.items():
        cpu, trials = float(str(r["cpu"])), int(str(r["trials"]))
        all_runs = ", ".join(f"{float(str(x['cpu'])):.2f}" for x in runs[side])
        print(
            f"| {side} | {trials:,} | {r['documents']} | {int(str(r['bytes'])) / 1e6:.1f} | {cpu:.2f} | "
            f"{1000 * cpu / trials:.3f} | {all_runs} | {r['payload']} | {r['figures']} |"
        )
    b, a = float(str(best["base"]["cpu"])), float(str(best["after"]["cpu"]))
    print(f"\nafter / base: {a / b:.3f} ({100 * (a - b) / b:+.1f}% mapping CPU per trial)")
    same = {
        k: best["base"][k] == best["after"][k] for k in ("payload", "without_version", "figures")
    }
    if same["payload"] and same["figures"]:
        print("output: identical (every document's N-Quads, results and streamed figures)")
    elif same["without_version"]:
        print("output: identical apart from the cto:pipelineVersion literals")
    else:
        print(f"output: DIFFERENT {same}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
