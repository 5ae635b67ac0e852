"""annotate_trial over every shared record (v1, v2, XML): sound output, no cells where none.

The 167 MSC trials of ``ctgov-v1/msc-*.json`` are the real test bed; the NSCLC and
herniated-disc downloads and the AACT/TREC XML samples are trials without cell products.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.extract import ROUTES, annotate_trial
from kg.extract.products import _MENTION, _mention_matches, is_other_cell
from kg.extract.routes import _ROUTE_RE, _route_matches
from kg.model import Arm, Trial
from kg.sources import map_bytes


def _trials(paths: list[Path]) -> Iterator[tuple[str, Trial]]:
    for path in paths:
        for item in map_bytes(path.read_bytes(), source_file=path.name):
            if isinstance(item, Trial):
                yield path.name, item


def _holders(t: Trial) -> list[Trial | Arm]:
    """The trial (documents without arms) and its arms: what annotate_trial fills."""
    return [t, *t.arms]


def _texts(t: Trial) -> list[str]:
    out = [
        x for x in (t.brief_title, t.official_title, t.brief_summary, t.detailed_description) if x
    ]
    for a in t.arms:
        out += [a.label, a.description or ""]
    for iv in t.interventions:
        out += [iv.name, iv.description or "", *iv.other_names]
    return out


@pytest.fixture(scope="module")
def annotated(test_data: Path) -> list[tuple[str, Trial]]:
    paths = sorted((test_data / "ctgov-v1").glob("*.json"))
    paths += sorted(p for p in (test_data / "ctgov-v2").glob("*.json") if "expected" not in p.name)
    paths += sorted((test_data / "ctgov-xml").glob("*.xml"))
    trials = list(_trials(paths))
    start = time.perf_counter()
    for _, t in trials:
        annotate_trial(t)
    per_trial = (time.perf_counter() - start) / len(trials)
    assert per_trial < 0.05, f"{1000 * per_trial:.1f} ms per trial"
    return trials


def test_output_is_sound(annotated: list[tuple[str, Trial]]) -> None:
    for _, t in annotated:
        texts = _texts(t)
        for holder in _holders(t):
            for d in holder.doses:
                assert any(d.evidence in x for x in texts), (t.nct_id, d.evidence)
                assert 0 < d.min_cells <= d.max_cells and math.isfinite(d.max_cells)
                assert d.route is None or d.route in ROUTES
            for p in holder.products:
                assert any(p.evidence in x for x in texts), (t.nct_id, p.evidence)
            assert holder.route is None or holder.route in ROUTES
            if holder.regimen_evidence is not None:
                assert any(holder.regimen_evidence in x for x in texts)
        assert not (t.arms and (t.products or t.doses)), "arm documents keep cells on arms"


def test_msc_trials_get_products(annotated: list[tuple[str, Trial]]) -> None:
    msc = [t for name, t in annotated if name.startswith("msc-")]
    named = [t for t in msc if t.products or any(a.products for a in t.arms)]
    dosed = [t for t in msc if t.doses or any(a.doses for a in t.arms)]
    assert len(named) / len(msc) > 0.95
    assert len(dosed) / len(msc) > 0.5


@pytest.mark.parametrize("prefix", ["ctg-studies-nsclc", "ctg-studies-herniated-disc", "NCT"])
def test_trials_without_cells_get_nothing(annotated: list[tuple[str, Trial]], prefix: str) -> None:
    """Lung-cancer and disc-herniation downloads, the single v2 studies and the XML samples:
    no MSCs; only the few trials of other cells (NK, dendritic, CAR-T cells, each checked by
    hand) get those cells, and doses only with them."""
    found = [
        (t.nct_id, [p.name for p in holder.products], [d.evidence for d in holder.doses])
        for name, t in annotated
        if name.startswith(prefix)
        for holder in _holders(t)
        if (holder.products or holder.doses)
        and not (holder.products and all(is_other_cell(p.cell_type) for p in holder.products))
    ]
    assert found == []
    others = {
        (t.nct_id, p.cell_type)
        for name, t in annotated
        if name.startswith(prefix)
        for holder in _holders(t)
        for p in holder.products
    }
    assert others <= OTHER_CELL_TRIALS


# Trials of cells other than MSCs in the non-MSC downloads (read by hand): CAR-T cells in
# digestive-tract tumours, NK cells and a dendritic-cell vaccine in lung cancer.
OTHER_CELL_TRIALS = {
    ("NCT04780529", "CL:0000084"),
    ("NCT06097962", "CL:0000623"),
    ("NCT06751849", "CL:0000451"),
}


def test_anchored_search_equals_full_scan(test_data: Path) -> None:
    """The fast anchored searches find exactly what a scan of every position finds."""
    texts: set[str] = set()

    def walk(o: object) -> None:
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        elif isinstance(o, str) and len(o) > 3:
            texts.add(o)

    for path in sorted((test_data / "ctgov-v1").glob("msc-*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    for text in texts:
        assert [m.span() for m in _mention_matches(text)] == [
            m.span() for m in _MENTION.finditer(text)
        ]
        assert [m.span() for m in _route_matches(text)] == [
            m.span() for m in _ROUTE_RE.finditer(text)
        ]
