"""The condition-link coverage of a build report after an update: counted over the whole
store only for a small store or when asked, so that a small change to a large store does not
cost a whole-store query (issue 15: a one-record rebuild stays cheap); a large store's
report reads the figures the update kept up to date (kg.listing_coverage)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

import kg.build
from kg.build import SEEDS_DIR, build
from kg.cli import main
from kg.link.coverage import Coverage, condition_coverage
from kg.store import open_store


def _seeds(tmp_path: Path) -> Path:
    src = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, src)
    return src


def _change_one(src: Path) -> None:
    page = sorted(src.glob("*.txt"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text("Revised: " + text, encoding="utf-8")  # the title line


def _whole_store(store: Path) -> Coverage:
    gs = open_store(store)
    try:
        return condition_coverage(gs.store)
    finally:
        gs.close()


def test_new_store_counts_from_the_loaded_quads(tmp_path: Path) -> None:
    src = _seeds(tmp_path)
    report = build([src], tmp_path / "store", jobs=1)
    assert report.conditions is not None
    assert report.conditions == _whole_store(tmp_path / "store")
    report = build([src], tmp_path / "other", jobs=1, coverage=False)
    assert report.conditions is None and "--no-coverage" in report.conditions_skipped


def test_update_of_a_small_store_recounts(tmp_path: Path) -> None:
    src = _seeds(tmp_path)
    build([src], tmp_path / "store", jobs=1)
    _change_one(src)
    report = build([src], tmp_path / "store", jobs=1)
    assert report.statuses["mapped"] == 1
    assert report.conditions is not None
    assert report.conditions == _whole_store(tmp_path / "store")


def test_update_of_a_large_store_does_not_query_the_whole_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _seeds(tmp_path)
    build([src], tmp_path / "store", jobs=1)
    calls: list[int] = []
    real = condition_coverage

    def counting(store: Store) -> Coverage:
        calls.append(1)  # not the store itself: a reference would keep it open
        return real(store)

    monkeypatch.setattr(kg.build, "condition_coverage", counting)
    monkeypatch.setattr(kg.build, "COVERAGE_RECOUNT_MAX", 10)  # "large": above 10 triples
    _change_one(src)
    report = build([src], tmp_path / "store", jobs=1)
    assert report.statuses["mapped"] == 1
    assert calls == []  # the stored figures, kept up to date by difference
    assert report.conditions is not None
    assert report.conditions == _whole_store(tmp_path / "store")
    # asked for: counted over the whole store, the same figures as the query
    _change_one(src)
    report = build([src], tmp_path / "store", jobs=1, coverage=True)
    assert len(calls) == 1
    assert report.conditions is not None
    assert report.conditions == _whole_store(tmp_path / "store")


def test_cli_says_why_there_is_no_coverage_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _seeds(tmp_path)
    store = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(src), "--store", str(store), "-q"])
    assert first.exit_code == 0, first.output
    assert "condition mentions" in first.output or "linked" in first.output
    monkeypatch.setattr(kg.build, "COVERAGE_RECOUNT_MAX", 10)
    _change_one(src)
    again = runner.invoke(main, ["build", str(src), "--store", str(store), "-q"])
    assert again.exit_code == 0, again.output
    assert "not recounted" not in again.output  # (the figures the update kept)
    assert "condition mentions" in again.output or "linked" in again.output
    _change_one(src)
    asked = runner.invoke(main, ["build", str(src), "--store", str(store), "-q", "--coverage"])
    assert asked.exit_code == 0, asked.output
    assert "not recounted" not in asked.output
