"""The dose and product queries against their earlier text, on the same stores, same run.

    python bench/headline_queries.py STORE [STORE ...] [--before REV] [--runs 20]
        [--budget 20] [--explain] [--out bench/out]

For each store and each query of QUERIES, the query as it stands (queries/NAME.rq) and as
it was at git revision REV (default: the commit before the build materialised the headline
figures), each run in turn in one process (``execute(store, params)``, as ``kg query`` and
the server run it) until RUNS runs or BUDGET seconds each; p50 and p95 in ms, and whether
the two give the same rows (sorted: ORDER BY may leave ties in any order). A query missing
at REV, or one whose earlier text reads triples the store lacks, is reported as such.

A paged listing is measured twice: its first page (``limit``: the query's page size, what
``kg query NAME``, the server and the README's example ask for) against the earlier whole
answer (same_rows: "in order" when the page is the earlier answer's first rows, "subset"
when its rows are among the earlier answer's in another order), and every row (no page:
``kg query NAME --all``). With --pages-text, a listing with a whole-listing text
(queries/whole/NAME.rq) is also timed with its pages' text run unpaged ("pages_text"), the
form --all ran before (slow: minutes at 550,000 trials). At the end a table: p50 / p95 ms
and rows of each text, per query and parameters.

With --explain, ``oxigraph query --explain --stats`` (the PyPI ``oxigraph`` CLI of the
venv) writes each query's plan for the store to OUT/plan-<store>-<name>-<before|after>.txt
(the parameters' defaults written into the text as constants). It opens the store for
writing: give it a copy, never a store in use.

Results are printed and written to OUT/headline-<store>.json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyoxigraph import Store  # noqa: E402

from kg.queries import CannedQuery, Paging, load_query  # noqa: E402

BEFORE = "4bf526e"  # HEAD before issue 15's materialisation (queries as measured in RESULTS)
QUERIES: dict[str, list[dict[str, str]]] = {
    "uc-msc-above-dose": [
        {"limit": "100"},  # the first page (earlier: the whole answer, ordered)
        {},  # every row
        {"limit": "100", "min_cells": "1e7", "body_weight_kg": "60"},
        {"min_cells": "1e7", "body_weight_kg": "60"},
        {"limit": "100", "min_cells": "1e10"},  # few rows: the page reads every candidate
    ],
    "products-under-tissue": [{}],
    "products-by-tissue": [{}],
    "doses-by-tissue-route": [{}],
    "adverse-events-by-dose": [{}],
    "arm-doses": [{"limit": "100"}, {}],  # the first page (earlier: the whole listing), all
}
PAGING = ("limit", "offset")


def earlier(name: str, rev: str, work: Path) -> CannedQuery | None:
    """The canned query as it was at ``rev`` (None if it did not exist)."""
    folder = work / rev
    (folder / "portable").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:queries/{name}.rq"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    (folder / f"{name}.rq").write_text(done.stdout, encoding="utf-8")
    return load_query(name, folder)


def same_rows(
    old: CannedQuery, new: CannedQuery, store: Store, params: dict[str, str]
) -> bool | str:
    """Sorted rows equal; for a page of a listing that did not page before, "in order" when
    the page equals the earlier answer's rows at its place, "subset" when its rows are
    among the earlier answer's (another order), else False."""
    a, b = old.execute(store, own(old, params)).rows, new.execute(store, own(new, params)).rows
    if own(old, params) != own(new, params):
        start = int(params.get("offset", "0"))
        if list(b) == list(a[start : start + len(b)]):
            return "in order"
        earlier = Counter(map(repr, a))
        return "subset" if not Counter(map(repr, b)) - earlier else False
    return sorted(map(repr, a)) == sorted(map(repr, b))


def own(cq: CannedQuery, params: dict[str, str]) -> dict[str, str]:
    """The parameters a query takes: an earlier text that did not page gets no page."""
    return params if cq.pages else {k: v for k, v in params.items() if k not in PAGING}


def timed(
    queries: dict[str, CannedQuery], store: Store, params: dict[str, str], runs: int, budget: float
) -> dict[str, dict[str, Any]]:
    """Run the queries in turn, so that both see the same machine and the same caches."""
    times: dict[str, list[float]] = {k: [] for k in queries}
    rows: dict[str, int] = {}
    start = time.perf_counter()
    while min(len(t) for t in times.values()) < runs and (
        time.perf_counter() - start < budget * len(queries)
        or min(len(t) for t in times.values()) < 3
    ):
        for key, cq in queries.items():
            t = time.perf_counter()
            rows[key] = len(cq.execute(store, own(cq, params)).rows)
            times[key].append(time.perf_counter() - t)
    out: dict[str, dict[str, Any]] = {}
    for key, ts in times.items():
        ts.sort()
        out[key] = {
            "p50_ms": round(1000 * statistics.median(ts), 2),
            "p95_ms": round(1000 * ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))], 2),
            "runs": len(ts),
            "rows": rows[key],
        }
    return out


def explain(cq: CannedQuery, store_path: Path, out: Path) -> None:
    """The plan of the query with its parameters' defaults as constants in the text."""
    text = cq.text
    head, where = text.split("WHERE {", 1)
    for param, term in cq.substitutions({}).items():
        name = param.value
        head = re.sub(rf"\?{name}\b", "", head)
        # (a sub-SELECT that projects the parameter: out of its projection too)
        where = re.sub(rf"(SELECT\b[^{{]*?) \?{name}\b", r"\1", where)
        where = re.sub(rf"\?{name}\b", str(term).replace("\\", "\\\\"), where)
    query = out.with_suffix(".rq")
    query.write_text(head + "WHERE {" + where, encoding="utf-8")
    raw = out.with_suffix(".raw.txt")
    with tempfile.NamedTemporaryFile(suffix=".csv") as results:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "oxigraph"),
                "query",
                "--location",
                str(store_path),
                "--query-file",
                str(query),
                "--union-default-graph",
                "--results-format",
                "csv",
                "-r",
                results.name,
                "--explain-file",
                str(raw),
                "--stats",
            ],
            check=True,
            capture_output=True,
        )
    lines, depth = [], 0
    node = r'name: "((?:[^"\\]|\\.)*)", number of results: (\d+), duration in seconds: ([\d.e-]+)'
    for m in re.finditer(node + r"|(children: \[)|(\] \})", raw.read_text(encoding="utf-8")):
        if m.group(4):
            depth += 1
        elif m.group(5):
            depth -= 1
        else:
            ms = float(m.group(3)) * 1000
            lines.append(f"{'  ' * depth}{m.group(1)[:160]}  [{m.group(2)} rows, {ms:.1f} ms]")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and text")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", nargs="*", default=list(QUERIES))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--pages-text", action="store_true", help="also time the pages' text")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for store_path in args.stores:
            store = Store.read_only(str(store_path))
            res: dict[str, Any] = {"store": str(store_path), "before": args.before}
            for name in args.only:
                old, new = earlier(name, args.before, Path(tmp)), load_query(name)
                for params in QUERIES[name]:
                    key = name + "".join(f" {k}={v}" for k, v in params.items())
                    both = {"after": new} if old is None else {"before": old, "after": new}
                    if args.pages_text and new.whole is not None and not set(params) & set(PAGING):
                        both["pages_text"] = replace(new, whole=None)  # --all before
                    entry: dict[str, Any] = timed(both, store, params, args.runs, args.budget)
                    if old is not None:
                        entry["same_rows"] = same_rows(old, new, store, params)
                    res[key] = entry
                    print(f"[{store_path.name}] {key}: {json.dumps(entry)}", flush=True)
            del store
            if args.explain:
                for name in args.only:
                    old = earlier(name, args.before, Path(tmp))
                    new = load_query(name)
                    texts = [("before", old), ("after", new)]
                    if new.page_size is not None:  # the first page's plan too
                        page = new.paged_text(new.text, Paging(new.page_size))
                        texts.append(("after-first-page", replace(new, text=page)))
                    for label, cq in texts:
                        if cq is not None:
                            explain(
                                cq,
                                store_path,
                                args.out / f"plan-{store_path.name}-{name}-{label}.txt",
                            )
            (args.out / f"headline-{store_path.name}.json").write_text(
                json.dumps(res, indent=1), encoding="utf-8"
            )
            print(table(res))
    return 0


def table(res: dict[str, Any]) -> str:
    """The results as a Markdown table: p50 / p95 ms (rows) of each text."""
    texts = ("before", "after", "pages_text")
    lines = [
        f"{res['store']} (before = {res['before']})",
        "| query | " + " | ".join(texts) + " | same rows |",
        "| --- |" + " --- |" * (len(texts) + 1),
    ]
    for key, entry in res.items():
        if not isinstance(entry, dict):
            continue
        cells = [
            f"{e['p50_ms']:,.1f} / {e['p95_ms']:,.1f} ({e['rows']:,})"
            if (e := entry.get(t))
            else ""
            for t in texts
        ]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {entry.get('same_rows', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
