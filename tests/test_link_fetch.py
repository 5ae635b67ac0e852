"""kg.link.fetch and kg.link.sssom: downloading MONDO's SSSOM files and finding them again.

The downloads come from a local HTTP server on 127.0.0.1 serving the shared copies.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kg.link import (
    Sources,
    SSSOMNotFoundError,
    clear_caches,
    fetch_sssom,
    find_sssom_dir,
    load_sssom,
    mondo_xrefs,
)
from kg.link.fetch import MONDO_MAPPINGS_URL, default_mappings_url
from kg.link.sssom import ENV_DIR, SSSOM_FILES, user_cache_dir


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(shared_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server on 127.0.0.1 whose /mappings/ holds the shared SSSOM files (and junk)."""
    root = tmp_path / "www"
    (root / "mappings").mkdir(parents=True)
    for name in SSSOM_FILES:
        src = shared_dir / "ontologies" / "mondo-sssom" / name
        (root / "mappings" / name).write_bytes(src.read_bytes())
    (root / "junk").mkdir()
    (root / "junk" / SSSOM_FILES[0]).write_text("<html>not found</html>\n")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


def test_fetch_then_load(served: tuple[str, Path], tmp_path: Path) -> None:
    base, root = served
    cache = tmp_path / "cache" / "ontologies"
    with requests.Session() as session:
        paths = fetch_sssom(cache, session=session, timeout=5, base_url=f"{base}/mappings/")
    assert [p.name for p in paths] == list(SSSOM_FILES)
    for path in paths:
        assert path.read_bytes() == (root / "mappings" / path.name).read_bytes()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary left
    index = load_sssom(cache)
    assert index.files == tuple(sorted(SSSOM_FILES))
    assert [r.subject_id for r in index.for_mesh("D016649")][:1] == ["MONDO:0005387"]


def test_failed_download_leaves_the_old_file(served: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = served
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / SSSOM_FILES[0]
    old.write_text("# old copy\nsubject_id\tpredicate_id\tobject_id\n")
    with pytest.raises(requests.HTTPError):
        fetch_sssom(cache, timeout=5, base_url=f"{base}/nowhere")
    with pytest.raises(ValueError, match="not an SSSOM"):
        fetch_sssom(cache, timeout=5, base_url=f"{base}/junk/")
    assert old.read_text().startswith("# old copy")
    assert sorted(p.name for p in cache.iterdir()) == [SSSOM_FILES[0]]


def test_default_url_is_the_packaged_mondo_release() -> None:
    url = default_mappings_url()
    assert url.startswith("https://raw.githubusercontent.com/monarch-initiative/mondo/v")
    assert url.endswith("/src/ontology/mappings/")
    assert default_mappings_url("master") == MONDO_MAPPINGS_URL.format(ref="master")


def test_lookup_order(shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = shared_dir / "ontologies" / "mondo-sssom"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(ENV_DIR, str(shared))
    assert find_sssom_dir(None) == shared  # 2. the environment
    assert find_sssom_dir(empty) == shared  # 1. explicit, but it is empty
    monkeypatch.delenv(ENV_DIR)
    cache = user_cache_dir()
    assert cache == tmp_path / "xdg" / "celltrials-kg" / "ontologies"
    cache.mkdir(parents=True)
    for name in SSSOM_FILES:
        (cache / name).write_bytes((shared / name).read_bytes())
    assert find_sssom_dir(None) == cache  # 3. the user cache
    assert find_sssom_dir(shared) == shared  # 1. explicit first


def test_clear_error_naming_the_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "env"))
    with pytest.raises(SSSOMNotFoundError) as err:
        load_sssom(tmp_path / "explicit")
    message = str(err.value)
    for place in ("explicit", "env", "xdg"):
        assert str(tmp_path / place) in message
    assert "fetch_sssom" in message and ENV_DIR in message


def test_optional_doid_mapping_set_is_read_when_present(shared_dir: Path, tmp_path: Path) -> None:
    # The shared copies hold no DOID set; this one row is made up for the test only.
    for name in SSSOM_FILES:
        src = shared_dir / "ontologies" / "mondo-sssom" / name
        (tmp_path / name).write_bytes(src.read_bytes())
    (tmp_path / "mondo_exactmatch_doid.sssom.tsv").write_text(
        "# mapping_set_version: http://purl.obolibrary.org/obo/mondo/releases/2026-01-01/x\n"
        "subject_id\tsubject_label\tpredicate_id\tobject_id\tmapping_justification\n"
        "MONDO:0005298\tosteoporosis\tskos:exactMatch\tDOID:0\tsemapv:ManualMappingCuration\n"
    )
    xrefs = mondo_xrefs("MONDO:0005298", sources=Sources(sssom_dir=tmp_path))
    assert xrefs["DOID"] == ["DOID:0"]
    assert "Wikidata" not in xrefs
