"""Render the results of bench/scale.py (OUT/scale-N*.json) as Markdown tables.

python bench/results_table.py [bench/out/scale-1000.json ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def f(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def build_table(results: list[dict[str, Any]]) -> list[str]:
    out = [
        row(
            [
                "N",
                "documents",
                "quads",
                "build s",
                "trials/s",
                "quads/s",
                "bulk_load s (strict)",
                "bulk quads/s",
                "build ÷ bulk_load",
                "peak RSS MB (tree)",
                "build proc / worker MB",
                "store MB",
            ]
        ),
        row(["---"] * 12),
    ]
    for r in results:
        b = r.get("build")
        if not isinstance(b, dict):
            continue
        bulk = r.get("bulk_load_strict", {})
        quads = b["totals"].get("quads", 0)
        out.append(
            row(
                [
                    f"{r['n']:,}",
                    f"{sum(b['statuses'].values()):,}",
                    f"{b['store_quads']:,}",
                    f(b["wall"]),
                    f(b["totals"].get("trials", 0) / b["wall"], 0),
                    f(quads / b["wall"], 0),
                    f(bulk.get("seconds")),
                    f(bulk["quads"] / bulk["seconds"], 0) if bulk else "–",
                    f(r.get("build_over_bulk_strict"), 2),
                    f(b["peak_tree_rss_mb"], 0),
                    f"{b['maxrss_self_mb']:,.0f} / {b['maxrss_children_mb']:,.0f}",
                    f(r.get("store_mb"), 0),
                ]
            )
        )
    return out


def phases_table(results: list[dict[str, Any]]) -> list[str]:
    out = [row(["N", "phases of the build (s)"]), row(["---"] * 2)]
    for r in results:
        b = r.get("build")
        if isinstance(b, dict):
            out.append(
                row([f"{r['n']:,}", ", ".join(f"{k} {v:.1f}" for k, v in b["timings"].items())])
            )
    return out


def rebuild_table(results: list[dict[str, Any]]) -> list[str]:
    out = [
        row(["N", "rebuild", "wall s (process)", "build() s", "documents", "phases (s)"]),
        row(["---"] * 6),
    ]
    for r in results:
        for name, b in r.get("rebuilds", {}).items():
            out.append(
                row(
                    [
                        f"{r['n']:,}",
                        name.replace("_", " "),
                        f(b["wall"], 2),
                        f(b["seconds"], 2),
                        ", ".join(f"{k} {v}" for k, v in b["statuses"].items()),
                        ", ".join(f"{k} {v:.2f}" for k, v in b["timings"].items()),
                    ]
                )
            )
    return out


def query_table(results: list[dict[str, Any]]) -> list[str]:
    names = sorted({q for r in results for q in r.get("queries", {})})
    sizes = [r for r in results if r.get("queries")]
    out = [
        row(["query", *(f"N={r['n']:,} p50 / p95 ms (rows)" for r in sizes)]),
        row(["---"] * (1 + len(sizes))),
    ]
    for name in names:
        cells: list[object] = [name]
        for r in sizes:
            q = r["queries"].get(name, {})
            if "p50_ms" in q:
                cells.append(f"{q['p50_ms']:,.1f} / {q['p95_ms']:,.1f} ({q['rows']})")
            else:
                cells.append(q.get("error", "–"))
        out.append(row(cells))
    return out


def http_table(results: list[dict[str, Any]]) -> list[str]:
    out = [
        row(
            [
                "N",
                "query",
                "oxigraph serve-read-only req/s",
                "our /sparql req/s",
                "our /queries/<name> req/s",
                "/sparql ÷ oxigraph",
            ]
        ),
        row(["---"] * 6),
    ]
    for r in results:
        for name, h in r.get("http", {}).items():
            if not isinstance(h, dict) or "skipped" in h:
                out.append(row([f"{r['n']:,}", name, "–", "–", "–", str(h)]))
                continue
            out.append(
                row(
                    [
                        f"{r['n']:,}",
                        name,
                        f(h["oxigraph"]["requests_per_s"]),
                        f(h["ours_sparql"]["requests_per_s"]),
                        f(h.get("ours_canned", {}).get("requests_per_s")),
                        f(h.get("sparql_fraction_of_oxigraph"), 2),
                    ]
                )
            )
    return out


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(
        (ROOT / "bench" / "out").glob("scale-*.json"),
        key=lambda p: int(p.stem.split("-")[1].split("_")[0]),
    )
    results = [json.loads(p.read_text()) for p in paths]
    for table in (build_table, phases_table, rebuild_table, query_table, http_table):
        print("\n".join(table(results)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
