"""The build: bad input, determinism, incremental rebuilds, and safety against failures."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from kg.build import build
from kg.store import open_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def nquads(store_path: Path) -> set[str]:
    gs = open_store(store_path, read_only=True)
    data = gs.store.dump(format=RdfFormat.N_QUADS)
    assert data is not None
    return set(data.decode().splitlines())


def graph_quads(store_path: Path, graph_part: str) -> set[str]:
    return {q for q in nquads(store_path) if graph_part in q.rsplit(" ", 2)[-2]}


def copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    return folder


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\n", "empty file"),
    "binary.bin": (bytes(range(256)) * 4, "binary content"),
    "unknown.txt": (b"Meeting notes\nNothing about any trial here.\n", "unknown layout"),
    "broken.json": (b'{"protocolSection": {"identificationModule": {"nctId": "NCT0', "json"),
}


def test_bad_inputs_are_reported_and_the_rest_is_stored(tmp_path: Path) -> None:
    folder = copy_seeds(tmp_path)
    for name, (data, _) in BAD_INPUTS.items():
        (folder / name).write_bytes(data)
    # a truncated copy of a seed page: its closing marker is gone
    page = (SEEDS / "000_66e03c00ef7c3da0.txt").read_bytes()
    (folder / "truncated.txt").write_bytes(page[: len(page) // 2])
    report = build([folder], tmp_path / "store")
    failed = {d.key: " ".join(d.errors) for d in report.failed}
    assert set(failed) == {*BAD_INPUTS, "truncated.txt"}
    for name, (_, reason) in BAD_INPUTS.items():
        assert failed[name].startswith(name), failed[name]
        assert reason in failed[name].lower(), failed[name]
    assert "unknown layout" in failed["truncated.txt"]
    assert report.count("trials") == 5  # every seed is still stored
    gs = open_store(tmp_path / "store", read_only=True)
    assert bool(
        gs.store.query(
            "ASK { ?t <https://w3id.org/celltrials/ontology#nctId> 'NCT06534528' }",
            use_default_graph_as_union=True,
        )
    )


@pytest.mark.parametrize("variant", ["bom", "crlf", "latin1"])
def test_encodings_and_line_ends(tmp_path: Path, variant: str) -> None:
    text = (SEEDS / "001_b5d87a7be4e55322.txt").read_text(encoding="utf-8")
    if variant == "bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif variant == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    else:
        data = text.encode("latin-1", errors="replace")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.txt").write_bytes(data)
    report = build([folder], tmp_path / "store")
    assert not report.failed, report.failed
    gs = open_store(tmp_path / "store", read_only=True)
    ask = """PREFIX cto: <https://w3id.org/celltrials/ontology#>
             ASK { ?t cto:nctId "NCT05018637" ; cto:hasArm ?a . ?a <http://www.w3.org/2000/01/rdf-schema#label> "WJ-MSC group" }"""
    assert bool(gs.store.query(ask, use_default_graph_as_union=True))
    if variant == "latin1":
        assert any("Latin-1" in n for d in report.documents for n in d.notes)


def test_building_twice_gives_the_same_graph(tmp_path: Path) -> None:
    build(None, tmp_path / "a")
    build(None, tmp_path / "b")
    assert nquads(tmp_path / "a") == nquads(tmp_path / "b")
    report = build(None, tmp_path / "a")  # again, in place
    assert {d.status for d in report.documents} == {"unchanged"}
    assert nquads(tmp_path / "a") == nquads(tmp_path / "b")


def test_rebuild_replaces_only_the_changed_document(tmp_path: Path) -> None:
    folder = copy_seeds(tmp_path)
    store = tmp_path / "store"
    build([folder], store)
    before = nquads(store)
    page = folder / "004_0e34bf711cacdb3f.txt"
    page.write_text(
        page.read_text(encoding="utf-8").replace("24 participants", "30 participants"),
        encoding="utf-8",
    )
    report = build([folder], store)
    assert [d.key for d in report.documents if d.status == "mapped"] == ["004_0e34bf711cacdb3f.txt"]
    after = nquads(store)
    changed = {q.rsplit(" ", 2)[-2] for q in before ^ after}
    # only the changed record's graphs and the derived graphs (meta, stats) differ
    assert all(
        "NCT06534528" in g or g.endswith(("/graph/meta>", "/graph/stats>")) for g in changed
    ), changed
    assert any('"30"^^<http://www.w3.org/2001/XMLSchema#integer>' in q for q in after - before)
    assert not any("NCT06534528" in q and '"24"^^' in q for q in after)
    # the result equals a clean build of the changed inputs
    build([folder], tmp_path / "clean")
    assert after == nquads(tmp_path / "clean")


def test_failed_build_leaves_previous_store_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    build(None, store)
    before = nquads(store)
    import kg.build as kb

    calls = {"n": 0}
    real = kb.map_document_file

    # (An exception of one document is that document's error and the build goes on, see
    # test_robustness.py; an interrupt in the middle of the build stops it.)
    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("simulated Ctrl+C in the middle of a build")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kb, "map_document_file", failing)
    with pytest.raises(KeyboardInterrupt):
        build(None, store, force=True)
    assert nquads(store) == before
    # a first build that fails leaves no half store behind
    calls["n"] = 0
    with pytest.raises(KeyboardInterrupt):
        build(None, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert not list(tmp_path.glob("new.building-*"))


def test_killed_build_leaves_previous_store_usable(tmp_path: Path) -> None:
    """A build process killed midway (SIGKILL): the store it was updating still opens,
    answers queries, and the next build completes it."""
    folder = copy_seeds(tmp_path)
    store = tmp_path / "store"
    build([folder], store)
    for i in range(60):  # enough documents that the kill lands mid-build
        shutil.copy(folder / "004_0e34bf711cacdb3f.txt", folder / f"copy-{i:03d}.txt")
        text = (folder / f"copy-{i:03d}.txt").read_text(encoding="utf-8")
        (folder / f"copy-{i:03d}.txt").write_text(
            text.replace("NCT06534528", f"NCT9{i:07d}"), encoding="utf-8"
        )
    # The child slows each document down so that the kill lands mid-build.
    script = (
        "import sys, time, kg.build as kb\n"
        "real = kb.map_document_file\n"
        "def slow(*a, **k):\n"
        "    time.sleep(0.05)\n"
        "    return real(*a, **k)\n"
        "kb.map_document_file = slow\n"
        "from kg.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "build", str(folder), "--store", str(store), "--quiet"],
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    n = count_trials(store)  # the store opens and answers
    assert 5 <= n < 65
    report = build([folder], store)  # and the next build completes it
    assert not report.failed
    assert count_trials(store) == 65


def count_trials(store: Path) -> int:
    gs = open_store(store)
    result = gs.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }",
        use_default_graph_as_union=True,
    )
    return int(next(iter(result))["n"].value)  # type: ignore[call-overload]


def test_store_is_an_oxigraph_store_on_disk(seed_store: Path) -> None:
    store = Store.read_only(str(seed_store))
    assert len(store) > 500
    names = {g.value for g in store.named_graphs()}  # type: ignore[union-attr]
    assert any("/graph/page-veeva/NCT05018637-" in n for n in names)
    assert any(n.endswith("/graph/meta") for n in names)
