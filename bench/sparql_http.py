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
``kg`` (an older checkout's, for a before/after in the same run), or this one with
options of ``kg serve`` after it (``--kg-command '.venv/bin/kg --local-read-rows 0'``:
every query through a query process; ``--kg-command '.venv/bin/kg --front granian'``: the
granian front); give it twice or more to compare several: the commands take turns within
each repeat, so each is measured under the same load as the others.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
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


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of a process and every live descendant: a server and
    all its workers and query processes (these start sessions of their own)."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        ticks[pid] = int(fields[11]) + int(fields[12])
    total = 0
    for pid, used in ticks.items():
        up = pid
        while up > 1 and up != root:
            up = parent.get(up, 0)
        if up == root:
            total += used
    return total / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, headers: dict[str, str], seconds: int, session: int | None = None
) -> dict[str, Any]:
    """One wrk load (-t2 -c8, ``seconds`` long): requests/s, mean latency, non-2xx, and
    with ``session`` (the server's process id) the server's CPU milliseconds per request,
    which the other programs on a loaded machine disturb far less than requests/s."""
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cpu = tree_cpu(session) if session else 0.0
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    ).stdout
    cpu = tree_cpu(session) - cpu if session else 0.0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = re.search(r"Latency\s+([\d.]+\w+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    done = re.search(r"(\d+) requests in", out)
    return {
        "requests_per_s": float(rps.group(1)) if rps else None,
        "mean_latency": lat.group(1) if lat else None,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "cpu_ms_per_request": (
            round(1000 * cpu / int(done.group(1)), 3)
            if session and done and int(done.group(1))
            else None
        ),
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
        help="a kg executable (default: this venv's), optionally followed by options of "
        "kg serve ('.venv/bin/kg --local-read-rows 0'); repeat to compare several",
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
        with server(oxigraph, f"http://127.0.0.1:{port}/query?query={ask}") as proc:
            for name, text in queries.items():
                url = f"http://127.0.0.1:{port}/query?query=" + urllib.parse.quote(text)
                run[f"{name}/oxigraph"] = wrk(url, accept, args.seconds, proc.pid)
                print(f"[{repeat}] {name} oxigraph: {run[f'{name}/oxigraph']}", flush=True)
        for i, kg in enumerate(kgs):
            port = free_port()
            exe, *options = shlex.split(kg)
            cmd = [exe, "serve", "--store", str(args.store), "--port", str(port), *options]
            try:
                with server(cmd, f"http://127.0.0.1:{port}/sparql?query={ask}") as proc:
                    for name, text in queries.items():
                        url = f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote(text)
                        wrk(url, accept, 2)  # warm: every query process of both workers
                        time.sleep(2)  # requests of the closed connections still queued
                        run[f"{name}/ours{i}"] = wrk(url, accept, args.seconds, proc.pid)
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
        summary[name] = {
            "oxigraph_median": statistics.median(ox),
            "oxigraph_cpu_ms": _median_cpu(runs, f"{name}/oxigraph"),
        }
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
                "cpu_ms": _median_cpu(runs, f"{name}/ours{i}"),
            }
            ox_cpu, our_cpu = summary[name]["oxigraph_cpu_ms"], summary[name][f"ours{i}"]["cpu_ms"]
            # Oxigraph's CPU per request over ours: the throughput ratio where CPU bounds both
            summary[name][f"ours{i}"]["cpu_ratio"] = (
                round(ox_cpu / our_cpu, 3) if ox_cpu and our_cpu else None
            )
        print(f"{name}: {json.dumps(summary[name])}")
    if args.out:
        args.out.write_text(
            json.dumps(
                {"runs": runs, "summary": summary, "load": [load_before, load_after]}, indent=1
            )
        )
    return 0


def _median_cpu(runs: list[dict[str, Any]], key: str) -> float | None:
    """The median CPU milliseconds per request of one server over the repeats."""
    values = [r[key].get("cpu_ms_per_request") for r in runs]
    known = [v for v in values if v]
    return round(statistics.median(known), 3) if known else None


if __name__ == "__main__":
    sys.exit(main())
