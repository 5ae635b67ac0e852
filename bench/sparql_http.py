"""`/sparql` of `kg serve` against `oxigraph serve-read-only`: same store, same query, same run.

    .venv/bin/python bench/sparql_http.py STORE [--repeats 3] [--seconds 10] [--only point]
        [--kg-command KG ...]

For each repeat, back to back: wrk (``-t2 -c8``) against Oxigraph's ``/query``, then
against our ``/sparql`` (``kg serve`` with its defaults: 2 gevent workers, access log on,
stdout to /dev/null), for each query:

* ``point``: ``SELECT ?p ?o WHERE { <trial/NCT90000001> ?p ?o }`` (a point lookup);
* ``uc-msc-above-dose``: the headline canned query with its default parameters written
  as a ``VALUES`` block (a compute-bound query).

Prints each run, then the median requests/s of each server and the median of the
per-repeat ratios (ours ÷ Oxigraph), with the load average before and after. Every
answer should be a 200 (wrk's non-2xx count is printed: a 503 says the server was busy,
as when the warm-up's closed connections leave requests queued, hence a pause after
it). ``--uc-rev`` pins the headline query's text to a git revision (it changes while
issue 15 materialises its figures). ``--kg-command`` runs another
``kg`` (an older checkout's, for a before/after in the same run); give it twice or
more to compare several.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import POINT_QUERY, VENV_BIN, free_port, server


def wrk(url: str, headers: dict[str, str], seconds: int) -> dict[str, Any]:
    """One wrk load (-t2 -c8, ``seconds`` long): requests/s, mean latency, non-2xx."""
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = re.search(r"Latency\s+([\d.]+\w+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "requests_per_s": float(rps.group(1)) if rps else None,
        "mean_latency": lat.group(1) if lat else None,
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


def uc_query(rev: str | None) -> str:
    """The headline query with its default parameters as a VALUES block: the working
    tree's, or the text it had at git revision ``rev``."""
    from kg.queries import QUERIES_DIR, load_query

    with tempfile.TemporaryDirectory() as tmp:
        directory = QUERIES_DIR
        if rev:
            text = subprocess.run(
                ["git", "show", f"{rev}:queries/uc-msc-above-dose.rq"],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout
            directory = Path(tmp)
            (directory / "uc-msc-above-dose.rq").write_text(text)
        q = load_query("uc-msc-above-dose", directory)
    values = " ".join(str(p.term(p.default or "")) for p in q.params)
    return f"{q.text}\nVALUES ({' '.join('?' + p.name for p in q.params)}) {{ ({values}) }}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("store", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", choices=["point", "uc-msc-above-dose"])
    parser.add_argument("--nct", default="NCT90000001")
    parser.add_argument(
        "--uc-rev", help="take uc-msc-above-dose as it was at this git revision (a fixed text)"
    )
    parser.add_argument(
        "--kg-command",
        action="append",
        help="a kg executable (default: this venv's); repeat to compare several",
    )
    parser.add_argument("--out", type=Path, help="write the runs as JSON here")
    args = parser.parse_args()
    queries = {
        "point": POINT_QUERY.format(nct=args.nct),
        "uc-msc-above-dose": uc_query(args.uc_rev),
    }
    if args.only:
        queries = {args.only: queries[args.only]}
    kgs = args.kg_command or [str(VENV_BIN / "kg")]
    accept = {"Accept": "application/sparql-results+json"}
    ask = urllib.parse.quote("ASK {}")
    runs: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}", flush=True)
    for repeat in range(args.repeats):
        port = free_port()
        oxigraph = [
            str(VENV_BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(args.store),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ]
        run: dict[str, Any] = {"repeat": repeat, "loadavg": os.getloadavg()[0]}
        with server(oxigraph, f"http://127.0.0.1:{port}/query?query={ask}"):
            for name, text in queries.items():
                url = f"http://127.0.0.1:{port}/query?query=" + urllib.parse.quote(text)
                run[f"{name}/oxigraph"] = wrk(url, accept, args.seconds)
                print(f"[{repeat}] {name} oxigraph: {run[f'{name}/oxigraph']}", flush=True)
        for i, kg in enumerate(kgs):
            port = free_port()
            cmd = [kg, "serve", "--store", str(args.store), "--port", str(port)]
            try:
                with server(cmd, f"http://127.0.0.1:{port}/sparql?query={ask}"):
                    for name, text in queries.items():
                        url = f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote(text)
                        wrk(url, accept, 2)  # warm: every query process of both workers
                        time.sleep(2)  # requests of the closed connections still queued
                        run[f"{name}/ours{i}"] = wrk(url, accept, args.seconds)
                        print(f"[{repeat}] {name} ours{i}: {run[f'{name}/ours{i}']}", flush=True)
            except (RuntimeError, ProcessLookupError) as exc:  # did not start: no figure
                print(f"[{repeat}] ours{i}: {exc}", flush=True)
                for name in queries:
                    run[f"{name}/ours{i}"] = {"requests_per_s": None, "non_2xx": 0}
        run["loadavg_after"] = os.getloadavg()[0]
        runs.append(run)
    load_after = os.getloadavg()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    summary: dict[str, Any] = {}
    for name in queries:
        ox = [r[f"{name}/oxigraph"]["requests_per_s"] or 0.0 for r in runs]
        summary[name] = {"oxigraph_median": statistics.median(ox)}
        for i, kg in enumerate(kgs):
            pairs = [
                (r[f"{name}/ours{i}"]["requests_per_s"], x)
                for r, x in zip(runs, ox, strict=True)
                if r[f"{name}/ours{i}"]["requests_per_s"] and x
            ]
            if not pairs:
                continue
            ours = [o for o, _ in pairs]
            ratios = [o / x for o, x in pairs]
            summary[name][f"ours{i}"] = {
                "kg": kg,
                "median": statistics.median(ours),
                "ratio_median": round(statistics.median(ratios), 3),
                "ratios": [round(r, 3) for r in ratios],
                "non_2xx": sum(r[f"{name}/ours{i}"]["non_2xx"] for r in runs),
            }
        print(f"{name}: {json.dumps(summary[name])}")
    if args.out:
        args.out.write_text(
            json.dumps(
                {"runs": runs, "summary": summary, "load": [load_before, load_after]}, indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
