"""A new store's listing statistics are added up from its quads as they stream to the bulk
loader (kg.streamed_listings) and equal what kg.listing_stats counts over the whole store;
no whole-store count runs in a fresh build."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_streamed import overlapping_roots

from kg import listing_coverage, listing_stats
from kg.build import build
from kg.store import open_store
from kg.streamed import Streamed

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def stored_and_counted(store_path: Path) -> tuple[set[str], set[str]]:
    """The stored listing graph, and the one a whole-store count gives (the listing
    statistics and the condition coverage)."""
    gs = open_store(store_path, read_only=True)
    g = listing_stats.graph(gs.minter)
    stored = {str(q) for q in gs.store.quads_for_pattern(None, None, None, g)}
    counted = {str(q) for q in listing_stats.quads(listing_stats.compute(gs.store), gs.minter)}
    coverage = listing_coverage.quads(listing_coverage.counts(gs.store), gs.minter, g)
    return stored, counted | {str(q) for q in coverage}


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Records the trials of every listing_stats.compute call (None: the whole store) and
    what the streamed sum gave."""
    seen: dict[str, Any] = {"compute": [], "figures": []}
    real_compute = listing_stats.compute
    real_figures = Streamed.listing_figures

    def compute(st: Any, trials: Any = None, *, parts: tuple[str, ...] = ("c", "r", "s")) -> Any:
        seen["compute"].append((None if trials is None else sorted(trials), parts))
        return real_compute(st, trials, parts=parts)

    def figures(self: Streamed, *args: Any) -> Any:
        out = real_figures(self, *args)
        seen["figures"].append((out, self.listing_fallback, dict(self._shared)))
        # every sponsor node's names and classes came with the streamed quads
        seen["unnamed"] = {iri for iri, _ in self.listings.sponsors} - set(self._sponsor_names)
        return out

    monkeypatch.setattr(listing_stats, "compute", compute)
    monkeypatch.setattr("kg.streamed.compute", compute)
    monkeypatch.setattr(Streamed, "listing_figures", figures)
    return seen


def test_seed_listings_come_from_the_stream(tmp_path: Path, spy: dict[str, Any]) -> None:
    build(None, tmp_path / "store", jobs=1)
    [(figures, fallback, shared)] = spy["figures"]
    assert fallback is None and figures is not None
    assert not shared
    assert not spy["unnamed"]
    assert all(trials is not None for trials, _ in spy["compute"]), spy["compute"]
    stored, counted = stored_and_counted(tmp_path / "store")
    assert stored == counted
    assert any("listingCountry" in q for q in stored)
    assert sum(1 for q in stored if "listingSponsor>" in q) > 3


def test_trials_in_two_documents_are_counted_once(
    tmp_path: Path, test_data: Path, spy: dict[str, Any]
) -> None:
    # v1 search results list some studies twice; a copy of an XML and of a v2 record in a
    # second folder puts those trials in two documents: each document's share of them is
    # taken out of the sum and the trials are counted from the store once.
    build(overlapping_roots(tmp_path, test_data), tmp_path / "store", jobs=2)
    [(figures, fallback, shared)] = spy["figures"]
    assert fallback is None and figures is not None
    assert len(shared) >= 2
    assert not spy["unnamed"]
    recounted = [trials for trials, _ in spy["compute"]]  # (before the test's own count)
    assert None not in recounted
    assert any(trials and len(trials) >= len(shared) for trials in recounted)
    stored, counted = stored_and_counted(tmp_path / "store")
    assert stored == counted
    for dimension in ("all", "tissue", "phase", "condition"):
        assert any(f'listingDimension> "{dimension}"' in q for q in stored), dimension
    assert sum(1 for q in stored if "listingCountry" in q) > 10


def test_a_replaced_record_and_a_fresh_build_agree(tmp_path: Path, test_data: Path) -> None:
    # A store whose copy of a v2 record is replaced (another country, the results gone) and
    # then pruned: the update's figures by difference equal a fresh build's from the stream,
    # and both equal the whole-store count.
    roots = overlapping_roots(tmp_path, test_data)
    store = tmp_path / "store"
    build(roots, store, jobs=1)
    copy = tmp_path / "again" / "copy.json"
    text = copy.read_text(encoding="utf-8")
    changed = text.replace('"hasResults": true', '"hasResults": false')
    changed = changed.replace('"country": "United States"', '"country": "Canada"')
    assert changed != text
    copy.write_text(changed, encoding="utf-8")
    build(roots, store, jobs=1)
    stored, counted = stored_and_counted(store)
    assert stored == counted
    build(roots, tmp_path / "fresh", jobs=1)
    assert stored_and_counted(tmp_path / "fresh")[0] == stored
    shutil.rmtree(tmp_path / "again")
    build(roots[:-1], store, jobs=1, prune=True)
    stored, counted = stored_and_counted(store)
    assert stored == counted
    build(roots[:-1], tmp_path / "fresh-2", jobs=1)
    assert stored_and_counted(tmp_path / "fresh-2")[0] == stored


def test_two_records_of_a_trial_in_one_document(
    tmp_path: Path, test_data: Path, spy: dict[str, Any]
) -> None:
    # A v2 page holding two versions of one study (other sites' country, no results in the
    # second): two record graphs of one trial in one document, so the worker leaves that
    # trial to the count from the store at the end.
    import json

    study = json.loads((test_data / "ctgov-v2" / "NCT00763412.json").read_text("utf-8"))
    other = json.loads(
        json.dumps(study)
        .replace('"country": "United States"', '"country": "Canada"')
        .replace('"hasResults": true', '"hasResults": false')
    )
    assert other != study
    extra = json.loads((test_data / "ctgov-v2" / "NCT02210780.json").read_text("utf-8"))
    folder = tmp_path / "in"
    folder.mkdir()
    page = {"studies": [study, other, extra]}
    (folder / "page.json").write_text(json.dumps(page), encoding="utf-8")
    build([folder], tmp_path / "store", jobs=1)
    [(figures, fallback, shared)] = spy["figures"]
    assert fallback is None and figures is not None and not shared
    trial = "https://w3id.org/celltrials/trial/NCT00763412"
    assert [trial] in [trials for trials, _ in spy["compute"]]
    stored, counted = stored_and_counted(tmp_path / "store")
    assert stored == counted
    assert any("Canada" in q for q in stored)
