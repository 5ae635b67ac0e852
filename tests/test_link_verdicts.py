"""The hand-checked sample of 100 condition links (bench/link-verdicts.tsv), re-scored with the
current linker: a link of the sample that changes fails here until its verdict is checked
again, and the verdicts must stay >= 95% right with none wrong."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("link_sample", ROOT / "bench" / "link_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["link_sample"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench(test_data: Path, monkeypatch_module: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch_module.setenv("KG_TEST_DATA", str(test_data))
    return _bench()


@pytest.fixture(scope="module")
def monkeypatch_module() -> object:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_the_sample_is_100_distinct_links_each_with_a_verdict_and_a_reason(
    bench: ModuleType,
) -> None:
    rows = bench.read_verdicts()
    assert len(rows) == 100
    assert len({(r["condition"].casefold(), r["term"]) for r in rows}) == 100
    for r in rows:
        assert r["verdict"] in bench.VERDICT_KINDS, r
        assert r["reason"].strip(), r


def test_at_least_95_right_and_none_wrong(bench: ModuleType) -> None:
    counts = Counter(r["verdict"] for r in bench.read_verdicts())
    assert counts["right"] >= 95, counts
    assert counts["wrong"] == 0, counts


def test_every_link_of_the_sample_is_the_one_that_was_checked(bench: ModuleType) -> None:
    rows = bench.read_verdicts()
    now = bench.relink(rows)
    changed = []
    for r in rows:
        cur = now.get((r["source"], r["trial"], r["condition"]))
        if cur is None or (cur.term, cur.predicate, cur.method) != (
            r["term"],
            r["predicate"],
            r["method"],
        ):
            changed.append(f"{r['condition']!r}: checked {r['term']} {r['predicate']}, now {cur}")
        elif r["predicate"] == "skos:broadMatch":
            assert cur.score < 1.0, r  # a broader link never scores like an exact one
    assert not changed, (
        "links changed since they were checked (bench/link-verdicts.tsv):\n" + "\n".join(changed)
    )
