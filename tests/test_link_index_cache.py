"""The on-disk cache of term data and lexical indexes gives exactly what reading the release
gives, and a damaged cache file is rebuilt rather than trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.link import clear_caches, ground_condition, load_terms
from kg.link.terms import INDEX_CACHE_ENV, TermSet, index_cache_dir

INDEXES = ("by_fold", "by_bag", "by_phrase")


def fresh(name: str, monkeypatch: pytest.MonkeyPatch, cache: str) -> TermSet:
    monkeypatch.setenv(INDEX_CACHE_ENV, cache)
    clear_caches()
    return load_terms(name)


@pytest.fixture(autouse=True)
def _forget() -> object:
    clear_caches()
    yield None
    clear_caches()  # the other tests go back to the process's usual cache


@pytest.mark.parametrize("name", ["CL", "UBERON", "MONDO"])
def test_cached_release_equals_the_release(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = fresh(name, monkeypatch, "off")
    written = fresh(name, monkeypatch, str(tmp_path))  # reads the release, writes the cache
    assert [p.name for p in tmp_path.iterdir()] == [
        next(tmp_path.glob(f"{name}-{plain.version}-*.marshal")).name
    ]
    cached = fresh(name, monkeypatch, str(tmp_path))  # reads the cache file
    assert type(cached._terms).__name__ == "_Packed"
    for ts in (written, cached):
        assert (ts.name, ts.version, len(ts)) == (plain.name, plain.version, len(plain))
        assert list(ts) == list(plain)
        for index in INDEXES:
            mine, theirs = getattr(ts.index, index), getattr(plain.index, index)
            assert len(mine) == len(theirs)
            assert all(mine[k] == v for k, v in theirs.items()), index
    for curie in plain:
        assert cached.label(curie) == plain.label(curie)
        assert cached.synonyms(curie) == plain.synonyms(curie)
        assert cached.ancestors(curie) == plain.ancestors(curie)
        assert cached.current(curie) == plain.current(curie)
        assert cached.usable(curie) == plain.usable(curie)


def test_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh("MONDO", monkeypatch, str(tmp_path))
    (cache_file,) = tmp_path.glob("MONDO-*.marshal")
    cache_file.write_bytes(cache_file.read_bytes()[:1000])  # a build killed while writing
    ts = fresh("MONDO", monkeypatch, str(tmp_path))
    assert ts.label("MONDO:0005298") == "osteoporosis"
    link = ground_condition("Osteoporosis")
    assert link is not None and link.curie == "MONDO:0005298"
    assert cache_file.stat().st_size > 1_000_000  # written again, whole


def test_cache_can_be_turned_off_and_follows_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INDEX_CACHE_ENV, "off")
    assert index_cache_dir() is None
    monkeypatch.delenv(INDEX_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert index_cache_dir() == tmp_path / "celltrials-kg" / "indexes"
