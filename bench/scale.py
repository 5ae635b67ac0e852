"""Benchmark at registry scale: build N trials and measure it against the store's own limits.

    python bench/scale.py 1000 10000 100000 [--jobs 2] [--http] [--out bench/out]

For each N, on a corpus from bench/make_corpus.py (made if missing), in one run:

* the whole build (``kg build``, mapping included) in trials/s and quads/s, against
  pyoxigraph's own ``bulk_load`` of the same quads (the built store dumped as N-Quads)
  into a new store, as a ratio;
* peak memory: ru_maxrss of the build process and of its worker processes, and the
  peak of their summed RSS (sampled from /proc every 0.2 s);
* the store's size on disk;
* rebuild times: nothing changed; one XML record changed; one study of a 1000-study v2
  page changed; 1000 XML records changed; one file deleted (--prune);
* p50 and p95 latency of every canned query (``execute(store, {})``), each in its own
  process with a time budget and a memory cap;
* with --http: requests/s of our ``/sparql`` and ``/queries/<name>`` against
  ``oxigraph serve-read-only`` on the same store and the same query, with wrk on
  127.0.0.1 (10 s per load).

Results are printed and written to OUT/scale-N.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
VENV_BIN = Path(PY).parent
QUERY_MEMORY = 6 << 30  # address-space cap of a canned-query process
PROGRESS: tuple[str, ...] = ()  # ("--progress",) with --progress
POINT_QUERY = "SELECT ?p ?o WHERE {{ <https://w3id.org/celltrials/trial/{nct}> ?p ?o }}"

BUILD_RUNNER = """
import json, resource, sys, time
from pathlib import Path
from kg.build import build
jobs = int(sys.argv[3]) if sys.argv[3] != "auto" else None
t = time.perf_counter()
seen = {"docs": 0, "trials": 0, "quads": 0}

def progress(d):
    seen["docs"] += 1
    seen["trials"] += d.trials
    seen["quads"] += d.quads
    if "--progress" in sys.argv and seen["docs"] % 2000 == 0:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"progress_s": round(time.perf_counter() - t, 1), **seen,
              "maxrss_self_mb": round(rss)}), file=sys.stderr, flush=True)

r = build([Path(sys.argv[1])], Path(sys.argv[2]), jobs=jobs, prune="--prune" in sys.argv,
          on_document=progress)
print(json.dumps({
    "seconds": time.perf_counter() - t, "statuses": dict(r.statuses), "totals": dict(r.totals),
    "timings": r.timings, "store_quads": r.store_quads, "jobs": r.jobs,
    "derived_from": getattr(r, "derived_from", ""),
    "failed": len(r.failed), "removed": len(r.removed),
    "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

BULK_RUNNER = """
import json, resource, sys, time
from pyoxigraph import RdfFormat, Store
t = time.perf_counter()
s = Store(sys.argv[2])
s.bulk_load(path=sys.argv[1], format=RdfFormat.N_QUADS, lenient=sys.argv[3] == "lenient")
s.flush()
print(json.dumps({"seconds": time.perf_counter() - t, "quads": len(s),
    "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

QUERY_RUNNER = """
import json, resource, sys, time
cap = int(sys.argv[5])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pyoxigraph import Store
from kg.queries import load_query
store = Store.read_only(sys.argv[1])
q = load_query(sys.argv[2])
budget, runs = float(sys.argv[3]), int(sys.argv[4])
times, rows = [], 0
start = time.perf_counter()
while len(times) < runs and (time.perf_counter() - start < budget or len(times) < 2):
    t = time.perf_counter()
    rows = len(q.execute(store, {}).rows)
    times.append(time.perf_counter() - t)
    print(json.dumps({"times": times, "rows": rows}), flush=True)
"""


# ------------------------------------------------------------------------ helpers


def machine() -> dict[str, Any]:
    import pyoxigraph

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    oxigraph = subprocess.run(
        [str(VENV_BIN / "oxigraph"), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    wrk = shutil.which("wrk")
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem, 1),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "oxigraph_server": oxigraph or None,
        "wrk": bool(wrk),
    }


def tree_rss_mb(pid: int) -> float:
    """Summed RSS of a process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total / 2**20


def run_measured(
    cmd: list[str], **kwargs: Any
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; (result, wall seconds, peak summed RSS of its process tree in MB)."""
    peak = 0.0
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    errors: list[str] = []

    def relay() -> None:  # progress lines as they come, with the tree's RSS now
        assert proc.stderr is not None
        for line in proc.stderr:
            errors.append(line)
            if line.startswith('{"progress_s"'):
                rss = tree_rss_mb(proc.pid)
                print(f'  {line.strip()[:-1]}, "tree_rss_mb": {rss:.0f}}}', flush=True)

    relay_thread = threading.Thread(target=relay, daemon=True)
    relay_thread.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait()
    relay_thread.join()
    err = "".join(errors)
    done.set()
    sampler.join()
    wall = time.perf_counter() - t
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode != 0:
        print(f"  ! {cmd[:4]} exited {proc.returncode}: {err[-2000:]}", file=sys.stderr)
    return result, wall, peak


def last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise ValueError(f"no JSON in output: {text[-500:]}")


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(corpus: Path, store: Path, jobs: str, *extra: str) -> dict[str, Any]:
    extra = (*extra, *PROGRESS)
    res, wall, peak = run_measured([PY, "-c", BUILD_RUNNER, str(corpus), str(store), jobs, *extra])
    out = last_json(res.stdout)
    out["wall"] = wall
    out["peak_tree_rss_mb"] = peak
    return out


# ------------------------------------------------------------------------ the steps


def step_build(n: int, corpus: Path, work: Path, jobs: str, res: dict[str, Any]) -> Path:
    store = work / f"store-{n}"
    shutil.rmtree(store, ignore_errors=True)
    print(f"[{n}] build ...", flush=True)
    b = build(corpus, store, jobs)
    res["build"] = b
    res["store_mb"] = du_mb(store)
    print(
        f"[{n}] build {b['wall']:.1f} s, {b['totals'].get('trials', 0) / b['wall']:.0f} trials/s, "
        f"{b['totals'].get('quads', 0) / b['wall']:.0f} quads/s, peak tree RSS {b['peak_tree_rss_mb']:.0f} MB",
        flush=True,
    )
    return store


def step_bulk(n: int, store: Path, work: Path, res: dict[str, Any], modes: list[str]) -> None:
    dump = work / f"dump-{n}.nq"
    from pyoxigraph import RdfFormat, Store

    t = time.perf_counter()
    Store.read_only(str(store)).dump(str(dump), RdfFormat.N_QUADS)
    res["dump_seconds"] = time.perf_counter() - t
    res["dump_mb"] = dump.stat().st_size / 2**20
    for mode in modes:
        target = work / f"bulk-{n}"
        shutil.rmtree(target, ignore_errors=True)
        r, _wall, peak = run_measured([PY, "-c", BULK_RUNNER, str(dump), str(target), mode])
        out = last_json(r.stdout)
        out["peak_tree_rss_mb"] = peak
        res[f"bulk_load_{mode}"] = out
        shutil.rmtree(target, ignore_errors=True)
        print(
            f"[{n}] bulk_load ({mode}) {out['seconds']:.1f} s, {out['quads'] / out['seconds']:.0f} quads/s",
            flush=True,
        )
    dump.unlink()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sorted_dump(store: Path, out: Path) -> None:
    """The store as N-Quads, lines sorted bytewise (``sort`` spills to disk: no whole
    store in memory)."""
    from pyoxigraph import RdfFormat, Store

    raw = out.with_suffix(".raw")
    Store.read_only(str(store)).dump(str(raw), RdfFormat.N_QUADS)
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(
        ["sort", "-S", "2G", "-T", str(out.parent), "-o", str(out), str(raw)], check=True, env=env
    )
    raw.unlink()


def verify_rebuilt(n: int, corpus: Path, store: Path, work: Path, jobs: str) -> dict[str, Any]:
    """Is the store, after all the rebuilds, the graph a clean build of the inputs as they
    now are gives? Both dumped, sorted and compared line by line."""
    clean = work / f"clean-{n}"
    shutil.rmtree(clean, ignore_errors=True)
    t = time.perf_counter()
    build(corpus, clean, jobs)
    a, b = work / "rebuilt.nq", work / "clean.nq"
    sorted_dump(store, a)
    sorted_dump(clean, b)
    shutil.rmtree(clean, ignore_errors=True)
    same = subprocess.run(["cmp", "-s", str(a), str(b)], check=False).returncode == 0
    lines = sum(1 for _ in a.open("rb"))
    diff = ""
    if not same:
        d = subprocess.run(["diff", str(a), str(b)], check=False, capture_output=True, text=True)
        diff = d.stdout[:4000]
    a.unlink()
    b.unlink()
    out = {"identical": same, "quads": lines, "seconds": time.perf_counter() - t, "diff_head": diff}
    print(f"[{n}] rebuilt store identical to a clean build: {same} ({lines} quads)", flush=True)
    return out


def step_rebuilds(
    n: int, corpus: Path, store: Path, jobs: str, res: dict[str, Any], verify: Path | None = None
) -> None:
    xml = sorted((corpus / "xml").rglob("*.xml"))
    pages = sorted((corpus / "v2").glob("*.json"))
    saved: dict[Path, bytes] = {}

    def change(path: Path, old: str, new: str) -> None:
        saved.setdefault(path, path.read_bytes())
        _edit(path, old, new)

    reb: dict[str, Any] = {}
    try:
        reb["noop"] = build(corpus, store, jobs)
        reb["noop_again"] = build(corpus, store, jobs)  # with the file-stats table it wrote
        change(xml[len(xml) // 2], "<brief_title>", "<brief_title>Revised: ")
        reb["one_xml_record"] = build(corpus, store, jobs)
        for i in range(2, 6):  # more samples: one rebuild's time varies with the store's state
            change(xml[len(xml) * i // 7], "<brief_title>", f"<brief_title>Revised {i}: ")
            reb[f"one_xml_record_{i}"] = build(corpus, store, jobs)
        if pages:
            change(pages[len(pages) // 2], '"briefTitle":"', '"briefTitle":"Revised: ')
            reb["one_study_of_a_v2_page"] = build(corpus, store, jobs)
        for path in xml[: min(1000, len(xml))]:
            change(path, "<brief_title>", "<brief_title>Revised again: ")
        reb[f"{min(1000, len(xml))}_xml_records"] = build(corpus, store, jobs)
        gone = xml[-1]
        saved.setdefault(gone, gone.read_bytes())
        gone.unlink()
        reb["prune_one_file"] = build(corpus, store, jobs, "--prune")
        if verify is not None:  # before the inputs are put back
            res["rebuild_verified"] = verify_rebuilt(n, corpus, store, verify, jobs)
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
    res["rebuilds"] = reb
    for name, r in reb.items():
        print(
            f"[{n}] rebuild {name}: {r['wall']:.2f} s ({r['statuses']}) timings {fmt_t(r['timings'])}",
            flush=True,
        )


def fmt_t(t: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in t.items())


def step_queries(n: int, store: Path, res: dict[str, Any], budget: float, timeout: float) -> None:
    from kg.queries import load_queries

    out: dict[str, Any] = {}
    for name in load_queries():
        proc = subprocess.Popen(
            [PY, "-c", QUERY_RUNNER, str(store), name, str(budget), "20", str(QUERY_MEMORY)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            out[name] = {"error": f"no answer within {timeout:.0f} s"}
        else:
            if proc.returncode != 0:
                why = (
                    "out of memory (cap 6 GB)"
                    if "memory" in stderr.lower()
                    else stderr.strip()[-300:]
                )
                out[name] = {"error": why}
        if name not in out or "times" not in out[name]:
            try:
                data = last_json(stdout)
            except ValueError:
                data = {}
            if data.get("times"):
                out[name] = {**out.get(name, {}), **data}
        if "times" in out[name]:
            ts = sorted(out[name]["times"])
            out[name]["p50_ms"] = 1000 * statistics.median(ts)
            out[name]["p95_ms"] = 1000 * ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]
            out[name]["runs"] = len(ts)
            del out[name]["times"]
        print(f"[{n}] query {name}: {out[name]}", flush=True)
    res["queries"] = out


@contextlib.contextmanager
def server(cmd: list[str], url: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    r.read()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"server did not start: {cmd}") from None
                time.sleep(0.5)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(url: str, headers: dict[str, str]) -> dict[str, Any]:
    cmd = ["wrk", "-t2", "-c8", "-d10s", "--timeout", "10s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = re.search(r"Latency\s+([\d.]+\w+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "requests_per_s": float(rps.group(1)) if rps else None,
        "mean_latency": lat.group(1) if lat else None,
        "requests": int(total.group(1)) if total else None,
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


def step_http(n: int, store: Path, res: dict[str, Any]) -> None:
    from kg.queries import load_query

    if not shutil.which("wrk"):
        res["http"] = {"error": "wrk not installed (apt-get install -y wrk)"}
        return
    q = load_query("uc-msc-above-dose")
    uc = res.get("queries", {}).get("uc-msc-above-dose", {})
    uc_ok = "p95_ms" in uc and uc["p95_ms"] < 2000
    values = " ".join(p.term(p.default or "").__str__() for p in q.params)
    uc_text = f"{q.text}\nVALUES ({' '.join('?' + p.name for p in q.params)}) {{ ({values}) }}"
    point = POINT_QUERY.format(nct="NCT90000001")
    accept = {"Accept": "application/sparql-results+json"}
    ours_port, ox_port = free_port(), free_port()
    out: dict[str, Any] = {}
    loads = {"point": point, **({"uc-msc-above-dose": uc_text} if uc_ok else {})}
    if not uc_ok:
        out["uc-msc-above-dose"] = {
            "skipped": f"in-process p95 {uc.get('p95_ms', uc.get('error'))}: too slow to load-test"
        }
    with server(
        [
            str(VENV_BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{ox_port}",
            "--union-default-graph",
        ],
        f"http://127.0.0.1:{ox_port}/query?query=" + urllib.parse.quote("ASK {}"),
    ):
        for name, text in loads.items():
            url = f"http://127.0.0.1:{ox_port}/query?query=" + urllib.parse.quote(text)
            out.setdefault(name, {})["oxigraph"] = wrk(url, accept)
    with server(
        [str(VENV_BIN / "kg"), "serve", "--store", str(store), "--port", str(ours_port)],
        f"http://127.0.0.1:{ours_port}/sparql?query=" + urllib.parse.quote("ASK {}"),
    ):
        for name, text in loads.items():
            url = f"http://127.0.0.1:{ours_port}/sparql?query=" + urllib.parse.quote(text)
            out[name]["ours_sparql"] = wrk(url, accept)
        if uc_ok:
            out["uc-msc-above-dose"]["ours_canned"] = wrk(
                f"http://127.0.0.1:{ours_port}/queries/uc-msc-above-dose?format=json", accept
            )
    for name, r in out.items():
        if "oxigraph" in r and r["oxigraph"]["requests_per_s"]:
            r["sparql_fraction_of_oxigraph"] = (r["ours_sparql"]["requests_per_s"] or 0) / r[
                "oxigraph"
            ]["requests_per_s"]
        print(f"[{n}] http {name}: {r}", flush=True)
    res["http"] = out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--jobs", default="auto")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[], choices=["bulk", "rebuilds", "queries"])
    parser.add_argument(
        "--query-budget", type=float, default=10.0, help="seconds of runs per query"
    )
    parser.add_argument("--query-timeout", type=float, default=60.0)
    parser.add_argument("--keep-store", action="store_true")
    parser.add_argument("--store", type=Path, help="use this store of the corpus (no build)")
    parser.add_argument(
        "--bulk-modes", nargs="+", default=["strict", "lenient"], choices=["strict", "lenient"]
    )
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument("--progress", action="store_true", help="print build progress")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="after the rebuilds, compare the store with a clean build of the changed inputs",
    )
    args = parser.parse_args()
    global PROGRESS  # noqa: PLW0603 - a switch of the whole run
    PROGRESS = ("--progress",) if args.progress else ()
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(json.dumps(info), flush=True)
    for n in args.sizes:
        corpus = args.out / f"corpus-{n}"
        res: dict[str, Any] = {"n": n, "machine": info}
        if not (corpus / ".corpus.json").is_file():
            t = time.perf_counter()
            subprocess.run(
                [PY, str(ROOT / "bench" / "make_corpus.py"), str(n), "--out", str(corpus)],
                check=True,
            )
            res["corpus_seconds"] = time.perf_counter() - t
        res["corpus"] = json.loads((corpus / ".corpus.json").read_text())
        res["corpus_mb"] = du_mb(corpus)
        work = Path(tempfile.mkdtemp(prefix=f"scale-{n}-", dir=args.out))
        try:
            if args.store:  # an existing store of this corpus: rebuild steps only
                store = args.store
                res["build"] = "reused " + str(store)
                args.skip = [*args.skip, "bulk"]
            else:
                store = step_build(n, corpus, work, args.jobs, res)
            if "bulk" not in args.skip:
                step_bulk(n, store, work, res, args.bulk_modes)
                b = res["build"]
                for mode in args.bulk_modes:
                    res[f"build_over_bulk_{mode}"] = b["wall"] / res[f"bulk_load_{mode}"]["seconds"]
            if "queries" not in args.skip:
                step_queries(n, store, res, args.query_budget, args.query_timeout)
            if args.http:
                step_http(n, store, res)
            if "rebuilds" not in args.skip:
                step_rebuilds(n, corpus, store, args.jobs, res, work if args.verify else None)
        finally:
            (args.out / f"scale-{n}{args.tag}.json").write_text(json.dumps(res, indent=1) + "\n")
            if args.keep_store:
                print(f"[{n}] kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
        summary = {k: v for k, v in res.items() if k.startswith("build_over")}
        print(f"[{n}] done: {summary}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
