"""The on-disk cache of term data and lexical indexes gives exactly what reading the release
gives, and a damaged cache file is rebuilt rather than trusted."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import zstandard

from kg.link import clear_caches, ground_condition, load_terms
from kg.link.terms import (
    INDEX_CACHE_ENV,
    INDEX_CACHE_MAX_ENV,
    TermSet,
    evict,
    index_cache_dir,
    index_cache_limit,
)

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


def _release_copy(shared_dir: Path, where: Path) -> Path:
    """A copy of the CL release of ../shared (as another clone or venv would hold it)."""
    source = shared_dir / "ontologies" / "cellxgene"
    where.mkdir(parents=True)
    shutil.copy2(source / "latest_ontology_info.json", where)
    for release in source.glob("CL-ontology-*.json.zst"):
        shutil.copy2(release, where)
    return where


def test_cache_is_keyed_by_content_not_by_path(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv(INDEX_CACHE_ENV, str(cache))
    one = _release_copy(shared_dir, tmp_path / "venv-one")
    two = _release_copy(shared_dir, tmp_path / "clone-two" / "data")
    first = load_terms("CL", one)
    (written,) = cache.glob("CL-*.marshal")
    os.utime(written, (1_000_000, 1_000_000))
    clear_caches()
    second = load_terms("CL", two)  # same bytes elsewhere: the same cache file, read
    assert list(cache.glob("*.marshal")) == [written]
    assert type(second._terms).__name__ == "_Packed" and list(second) == list(first)
    assert written.stat().st_mtime > 1_000_000  # a hit counts as a use (evicted last)
    (release,) = two.glob("CL-ontology-*.json.zst")
    data = release.read_bytes()
    release.write_bytes(
        zstandard.ZstdCompressor(level=1).compress(
            zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 30)
        )
    )  # the same terms in other bytes: another release file, another cache file
    clear_caches()
    load_terms("CL", two)
    assert len(list(cache.glob("CL-*.marshal"))) == 2


def _fake(folder: Path, name: str, size: int, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_cache_is_bounded_least_recently_used_first(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    mb = 1 << 20
    oldest = _fake(cache, "MONDO-v1-0000000000000001.marshal", mb, 300)
    older = _fake(cache, "UBERON-v1-0000000000000002.marshal", mb, 200)
    recent = _fake(cache, "MONDO-v1-0000000000000003.marshal", mb, 100)
    other = _fake(cache, "HP-hpo3-1.0.version", 10, 400)  # not a term cache: left alone
    killed = _fake(cache, "CL-v1-0000000000000004.marshal.123.tmp", 10, 2 * 3600)
    monkeypatch.setenv(INDEX_CACHE_ENV, str(cache))
    release = _release_copy(shared_dir, tmp_path / "release")
    (cl,) = release.glob("CL-ontology-*.json.zst")
    monkeypatch.setenv(INDEX_CACHE_MAX_ENV, "4")  # MB
    load_terms("CL", release)  # writes ~2.4 MB: 5.4 MB in all, over the limit
    (written,) = cache.glob("CL-*.marshal")
    assert written.stat().st_size > mb
    assert not oldest.exists() and not older.exists() and not killed.exists()
    assert recent.exists() and other.exists()
    assert sum(p.stat().st_size for p in cache.glob("*.marshal")) <= 4 * mb
    # The file just written is kept even when it alone is over the limit.
    assert evict(cache, keep=written, limit=0) == [recent]
    assert written.exists()
    monkeypatch.setenv(INDEX_CACHE_MAX_ENV, "lots")
    with pytest.raises(ValueError, match="KG_INDEX_CACHE_MAX_MB='lots'"):
        index_cache_limit()
    assert cl.exists()
