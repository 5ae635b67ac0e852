"""A plain-SVG strip chart: every dose as a dot on a log scale, one row per tissue.

No chart library: the page must work offline, and a strip chart is a few lines of SVG.

>>> svg = dose_strip_chart([DosePoint("amnion", 1e6, False, "NCT1", "1x10^6")])
>>> svg.startswith("<svg") and "amnion" in svg and "10<tspan" in svg
True
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

__all__ = ["DosePoint", "dose_strip_chart"]


@dataclass(frozen=True, slots=True)
class DosePoint:
    tissue: str
    cells: float  # absolute cells per administration (per-kg doses already multiplied)
    per_kg: bool
    trial: str
    evidence: str
    href: str = ""


def dose_strip_chart(
    points: Iterable[DosePoint], *, width: int = 1000, row_height: int = 34, body_weight: float = 70
) -> str:
    """SVG markup (safe to embed) of the doses by tissue source on a log10 axis."""
    by_tissue: dict[str, list[DosePoint]] = defaultdict(list)
    for p in points:
        if p.cells > 0 and math.isfinite(p.cells):
            by_tissue[p.tissue].append(p)
    if not by_tissue:
        return '<p class="muted">No doses in the graph yet.</p>'
    tissues = sorted(by_tissue, key=lambda t: (-len(by_tissue[t]), t))
    values = [p.cells for ps in by_tissue.values() for p in ps]
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    if hi == lo:
        hi += 1
    longest = max(len(f"{t} ({len(by_tissue[t])})") for t in tissues)
    left, right, top = min(max(120, 12 + int(longest * 7.2)), width // 2), 20, 16
    plot_w = width - left - right
    height = top + row_height * len(tissues) + 56

    def x(value: float) -> float:
        return left + (math.log10(value) - lo) / (hi - lo) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        'aria-label="Doses by tissue source, cells per administration, log scale">'
    ]
    axis_y = top + row_height * len(tissues)
    for exp in range(lo, hi + 1):
        gx = x(10.0**exp)
        out.append(f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{axis_y}" class="grid"/>')
        out.append(
            f'<text x="{gx:.1f}" y="{axis_y + 18}" text-anchor="middle" class="tick">'
            f'10<tspan dy="-6" font-size="9">{exp}</tspan></text>'
        )
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" class="axis"/>')
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{axis_y + 42}" text-anchor="middle" class="label">'
        "cells per administration (log scale)</text>"
    )
    for i, tissue in enumerate(tissues):
        cy = top + row_height * i + row_height / 2
        out.append(
            f'<line x1="{left}" y1="{cy:.1f}" x2="{left + plot_w}" y2="{cy:.1f}" class="row"/>'
        )
        n = len(by_tissue[tissue])
        out.append(
            f'<text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" class="tissue">'
            f"{escape(tissue)} ({n})</text>"
        )
        for j, p in enumerate(sorted(by_tissue[tissue], key=lambda p: p.cells)):
            jitter = ((j % 3) - 1) * 6
            kind = f"per-kg dose × {body_weight:g} kg" if p.per_kg else "cells"
            tip = f"{p.trial}: {p.cells:.3g} ({kind}) — “{p.evidence}”"
            dot = (
                f'<circle cx="{x(p.cells):.1f}" cy="{cy + jitter:.1f}" r="5" '
                f'class="{"dot perkg" if p.per_kg else "dot"}"><title>{escape(tip)}</title></circle>'
            )
            out.append(f'<a href="{escape(p.href)}">{dot}</a>' if p.href else dot)
    out.append("</svg>")
    return "".join(out)
