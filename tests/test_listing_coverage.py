"""The canned query link-coverage reads the condition coverage the build stores
(kg.listing_coverage, graph/listings) and gives the rows its portable form counts over the
whole store: after a fresh build (figures from the streamed quads) and after rebuilds that
add, replace and prune records (figures by difference)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import QuerySolutions, Store
from test_streamed import overlapping_roots

from kg import listing_coverage, listing_stats
from kg.build import build
from kg.link.coverage import condition_coverage
from kg.queries import load_query
from kg.results import Table
from kg.store import open_store

Rows = list[tuple[str, ...]]


def _strs(table: Table) -> Rows:
    return [tuple("" if v is None else str(v) for v in row) for row in table.rows]


def rows_both_ways(store: Store) -> tuple[Rows, Rows]:
    """The canned query's rows (stored figures), and its portable form's (counted over the
    store)."""
    q = load_query("link-coverage")
    stored = _strs(q.execute(store, {}))
    result = store.query(q.text_for("sparql11"), use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    return stored, _strs(Table.from_solutions(result))


def coverage_graph(store: Store, minter: Any) -> tuple[set[str], set[str]]:
    """The stored coverage quads, and those a whole-store count gives."""
    g = listing_stats.graph(minter)
    stored = {
        str(q)
        for q in store.quads_for_pattern(None, None, None, g)
        if "#coverage" in str(q.predicate)
    }
    counted = {str(q) for q in listing_coverage.quads(listing_coverage.counts(store), minter, g)}
    return stored, counted


def assert_same(store_path: Path) -> Rows:
    gs = open_store(store_path, read_only=True)
    stored, counted = rows_both_ways(gs.store)
    assert stored == counted
    graph, whole = coverage_graph(gs.store, gs.minter)
    assert graph == whole
    # what a build report of an update reads (kg.build, above a million triples)
    kept = listing_coverage.stored(gs.store, gs.minter, listing_stats.graph(gs.minter))
    assert kept is not None and kept.coverage() == condition_coverage(gs.store)
    return stored


def test_seed_coverage_rows(seed_store: Path) -> None:
    rows = assert_same(seed_store)
    assert {r[0] for r in rows} == {'"coverage"', '"by kind"'}, rows
    assert len(rows) >= 3


def test_overlapping_documents(tmp_path: Path, test_data: Path) -> None:
    build(overlapping_roots(tmp_path, test_data), tmp_path / "store", jobs=2)
    rows = assert_same(tmp_path / "store")
    assert len([r for r in rows if r[0] == '"top unlinked"']) == 25
    gs = open_store(tmp_path / "store", read_only=True)
    # kg.link.coverage counts the whole store (the portable form): the same figures.
    cov = condition_coverage(gs.store)
    linked = [r for r in rows if r[1] == '"linked, of the mentions that name a condition"']
    assert linked[0][2].startswith(f'"{cov.linked}"^^')
    # Every unlinked name is stored, not only the 25 shown.
    unlinked = sum(1 for q in coverage_graph(gs.store, gs.minter)[0] if "UnlinkedName" in q)
    assert unlinked > 25


def _v2(test_data: Path, nct: str) -> str:
    return (test_data / "ctgov-v2" / f"{nct}.json").read_text(encoding="utf-8")


def test_rebuilds_add_replace_prune(
    tmp_path: Path, test_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for nct in ("NCT00763412", "NCT02210780", "NCT03475563"):
        (folder / f"{nct}.json").write_text(_v2(test_data, nct), encoding="utf-8")
    store = tmp_path / "store"
    build([folder], store, jobs=1)
    first = assert_same(store)

    whole: list[Any] = []
    real = listing_coverage.counts

    def spy(st: Any, trials: Any = None) -> Any:
        whole.append(trials)
        return real(st, trials)

    monkeypatch.setattr(listing_coverage, "counts", spy)
    # add a record
    (folder / "NCT05594173.json").write_text(_v2(test_data, "NCT05594173"), encoding="utf-8")
    build([folder], store, jobs=1)
    assert whole and None not in whole  # by difference
    monkeypatch.setattr(listing_coverage, "counts", real)
    added = assert_same(store)
    assert added != first
    # replace a record: a condition nobody can link, another twice
    rec = folder / "NCT00763412.json"
    text = rec.read_text(encoding="utf-8")
    changed = text.replace('"Pancreatic Insufficiency"', '"Qwertyuiop zxcvbnm syndrome"', 1)
    assert changed != text
    rec.write_text(changed, encoding="utf-8")
    monkeypatch.setattr(listing_coverage, "counts", spy)
    whole.clear()
    build([folder], store, jobs=1)
    assert whole and None not in whole
    monkeypatch.setattr(listing_coverage, "counts", real)
    replaced = assert_same(store)
    assert any("Qwertyuiop" in r[4] for r in replaced if r[0] == '"top unlinked"')
    # prune a record
    (folder / "NCT02210780.json").unlink()
    build([folder], store, jobs=1, prune=True)
    pruned = assert_same(store)
    clean = tmp_path / "clean"
    build([folder], clean, jobs=1)
    assert assert_same(clean) == pruned
    shutil.rmtree(clean)
