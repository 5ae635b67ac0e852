"""Where a first ``kg publish`` spends its time: the client's CPU against the server's.

    python bench/publish_profile.py STORE [--graphs 2000] [--jobs 4]

Publishes the first N named graphs of STORE (IRI order) to a fresh ``oxigraph serve`` twice,
each time into a new database:

* ``before``: as kg publish did before the build recorded graph versions: every graph
  hashed first (sorted N-Triples lines built in Python, sha256), then each body built
  again the same way and hashed once more when sent;
* ``after``: as it does now: versions from the build (nothing read to plan), each body
  written by Oxigraph's own N-Triples serialiser (``Store.dump``).

For each: wall seconds, the client's CPU seconds (this process: planning, serialising,
HTTP) and the server's CPU seconds (``/proc/PID/stat``: parsing and storing, the server's
own cost). CPU seconds hold up on a shared machine where wall time does not; the load
average is printed beside them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pyoxigraph import NamedNode, Store  # noqa: E402
from servers import oxigraph_server  # noqa: E402

import kg.publish  # noqa: E402
from kg.graph_versions import content_sha256  # noqa: E402
from kg.publish import GraphState, Plan, Publisher, graph_ntriples  # noqa: E402
from kg.store import open_store  # noqa: E402


def server_cpu(location: Path) -> float:
    pids = subprocess.run(
        ["pgrep", "-f", f"location {location}"], capture_output=True, text=True, check=False
    ).stdout.split()
    fields = Path(f"/proc/{pids[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def old_body(store: Store, graph: str) -> bytes:
    body = graph_ntriples(store, graph)
    hashlib.sha256(body).hexdigest()  # the old put() hashed what it sent
    return body


def run(
    store_path: Path, names: list[str], jobs: int, work: Path, *, old: bool
) -> dict[str, float]:
    gs = open_store(store_path, read_only=True)
    location = work / ("db-before" if old else "db-after")
    with oxigraph_server(location) as base:
        cpu0, srv0, t0 = own_cpu(), server_cpu(location), time.monotonic()
        if old:
            send = [GraphState(n, *content_sha256(gs.store, n)) for n in names]
            kg.publish.graph_body = old_body
        else:
            send = [GraphState(n, "v", None) for n in names]
            kg.publish.graph_body = BODY
        publisher = Publisher(f"{base}/store", gs.store, work / "journal.tsv", jobs=jobs)
        report = publisher.run(Plan(send, [], 0), {})
        wall, cpu, srv = time.monotonic() - t0, own_cpu() - cpu0, server_cpu(location) - srv0
    (work / "journal.tsv").unlink()
    shutil.rmtree(location, ignore_errors=True)
    assert not report.failed, report.failed[:3]
    return {"wall": wall, "client": cpu, "server": srv, "mb": report.bytes / 1e6}


BODY = kg.publish.graph_body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--graphs", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    gs = open_store(args.store, read_only=True)
    names = sorted(g.value for g in gs.store.named_graphs() if isinstance(g, NamedNode))
    names = names[: args.graphs]
    del gs
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="kg-publish-profile-", dir=args.work) as tmp:
        before = run(args.store, names, args.jobs, Path(tmp), old=True)
        after = run(args.store, names, args.jobs, Path(tmp), old=False)
    end = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(names)} graphs, --jobs {args.jobs}; load average {load} at start, {end} at end")
    print("| client | wall s | client CPU s | server CPU s | MB | graphs/s |")
    print("|---|---|---|---|---|---|")
    for name, r in (("before (hash, Python N-Triples)", before), ("after (versions, dump)", after)):
        print(
            f"| {name} | {r['wall']:.1f} | {r['client']:.1f} | {r['server']:.1f} | "
            f"{r['mb']:.0f} | {len(names) / r['wall']:.0f} |"
        )
    print(
        f"client CPU per 1,000 graphs: {before['client'] / len(names) * 1000:.1f} s before, "
        f"{after['client'] / len(names) * 1000:.1f} s after; server "
        f"{after['server'] / len(names) * 1000:.1f} s"
    )


if __name__ == "__main__":
    main()
