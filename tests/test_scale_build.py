"""The scale paths of the build: parallel mapping into Oxigraph's bulk loader, and cheap
incremental rebuilds. Both must give exactly the graph of the one-document-at-a-time path.

(The large runs are benchmarks: bench/scale.py. These tests run at a few hundred records.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from pyoxigraph import RdfFormat

import kg.build as kb
from kg.build import PIPELINE_VERSION, build, map_document_file
from kg.rdf import Minter, source_quads
from kg.sources import iter_input_files
from kg.store import FILE_STATS, _recover, open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def nquads(store_path: Path) -> set[str]:
    gs = open_store(store_path, read_only=True)
    data = gs.store.dump(format=RdfFormat.N_QUADS)
    assert data is not None
    return set(data.decode().splitlines())


def one_by_one(roots: list[Path], store_path: Path) -> None:
    """The reference: each document mapped in this process and stored in its own
    transaction (Quad objects through GraphStore.replace_source), then the derived graphs."""
    gs = open_store(store_path)
    minter = Minter()
    for root in roots:
        for path in iter_input_files([root]):
            key = path.relative_to(root).as_posix() if root.is_dir() else path.name
            data = path.read_bytes()
            result, quads, _ = map_document_file(data, key, minter=minter)
            if result.status != "mapped":
                continue
            quads.extend(
                source_quads(
                    key,
                    sha256=hashlib.sha256(data).hexdigest(),
                    fmt=result.format or "",
                    pipeline_version=PIPELINE_VERSION,
                    minter=minter,
                )
            )
            gs.replace_source(key, quads)
    kb._finish(gs)
    gs.close()


def make_corpus_module() -> ModuleType:
    """bench/make_corpus.py (bench/ is not a package)."""
    if "make_corpus" in sys.modules:
        return sys.modules["make_corpus"]
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


def age(folder: Path, seconds: float = 60.0) -> None:
    """Date every file back, as files that were not just written (see RACY_SECONDS)."""
    past = time.time() - seconds
    for path in iter_input_files([folder]):
        os.utime(path, (past, past))


def test_parallel_bulk_build_gives_the_graph_of_the_one_by_one_path(
    tmp_path: Path, test_data: Path
) -> None:
    roots = [test_data / "ctgov-v2", test_data / "ctgov-xml", SEEDS]
    report = build(roots, tmp_path / "bulk", jobs=2)
    assert report.jobs == 2
    assert report.derived_from == "the loaded quads"  # terms and VoID from the stream
    assert report.count("trials") > 300
    one_by_one(roots, tmp_path / "ref")
    bulk, ref = nquads(tmp_path / "bulk"), nquads(tmp_path / "ref")
    assert len(bulk) == report.store_quads
    assert bulk == ref, (sorted(bulk - ref)[:5], sorted(ref - bulk)[:5])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus_module().make_corpus(160, folder, seed=7, data=shared_dir / "data", page_size=50)
    return folder


def test_corpus_is_deterministic_and_distinct(
    corpus: Path, tmp_path: Path, shared_dir: Path
) -> None:
    again = tmp_path / "again"
    make_corpus_module().make_corpus(160, again, seed=7, data=shared_dir / "data", page_size=50)
    files = sorted(p.relative_to(corpus) for p in iter_input_files([corpus]))
    assert files == sorted(p.relative_to(again) for p in iter_input_files([again]))
    assert all((corpus / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert {f.parts[0] for f in files} == {"v2", "xml", "pages"}


def test_incremental_rebuild_equals_a_clean_build(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    age(folder)
    store = tmp_path / "store"
    first = build([folder], store, jobs=2)
    assert first.statuses == {"mapped": first.n_documents}
    assert first.count("trials") == 160
    assert (store / FILE_STATS).is_file()

    # A rebuild with nothing changed reads no file: size and time tell.
    def no_mapping(*args: object, **kwargs: object) -> object:
        raise AssertionError("an unchanged document was read")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kb, "_map_task", no_mapping)
        noop = build([folder], store, jobs=1)
    assert noop.statuses == {"unchanged": first.n_documents}

    # Change one XML record, one study of a v2 page, touch a third file without changing
    # it, add a fourth: a rebuild trusts the file-stats table for the others.
    xml_files = sorted((folder / "xml").rglob("*.xml"))
    changed_xml = xml_files[0]
    text = changed_xml.read_text(encoding="utf-8")
    changed_xml.write_text(text.replace("<brief_title>", "<brief_title>Revised: ", 1), "utf-8")
    page = sorted((folder / "v2").glob("*.json"))[0]
    body = page.read_text(encoding="utf-8")
    page.write_text(body.replace('"briefTitle":"', '"briefTitle":"Revised: ', 1), "utf-8")
    os.utime(xml_files[1])  # same bytes, new time: hashed, found unchanged
    added = folder / "xml" / "added.xml"
    added.write_text(text.replace(text[text.index("NCT9") :][:11], "NCT98888888"), "utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kb.GraphStore, "sources", no_mapping)  # trusted: not read whole
        report = build([folder], store, jobs=1)
    mapped = {d.key for d in report.documents if d.status == "mapped"}
    assert mapped == {
        changed_xml.relative_to(folder).as_posix(),
        page.relative_to(folder).as_posix(),
        "xml/added.xml",
    }
    assert report.statuses["unchanged"] == first.n_documents - 2
    # the page's 49 other studies were recognised by their content hash, not re-extracted
    page_result = next(d for d in report.documents if d.key == "v2/" + page.name)
    assert (page_result.trials, len(page_result.kept)) == (1, 49)
    assert report.store_quads == len(nquads(store))

    # Delete a file and the text pages (the only records with cell products: their
    # tissues and cell types go out of use, the term closure changes); prune them.
    xml_files[2].unlink()
    pages = sorted(p.relative_to(folder).as_posix() for p in (folder / "pages").rglob("*.txt"))
    shutil.rmtree(folder / "pages")
    report = build([folder], store, prune=True, jobs=1)
    assert report.removed == sorted([xml_files[2].relative_to(folder).as_posix(), *pages])
    assert report.statuses == {"unchanged": first.n_documents + 1 - 1 - len(pages)}

    build([folder], tmp_path / "clean", jobs=2)
    after, clean = nquads(store), nquads(tmp_path / "clean")
    assert after == clean, (sorted(after - clean)[:5], sorted(clean - after)[:5])
    assert any("Revised: " in q for q in after)
    assert any("NCT98888888" in q for q in after)
    assert report.store_quads == len(after)
    # The pages' products are gone and the statistics follow; the records keep only products
    # of cells other than MSCs (the lung-cancer DC vaccine of the v2 data: kg/extract reads
    # such cell products since the extraction work on issue 12).
    typed = [
        q
        for q in after
        if "rdf-syntax-ns#type> <https://w3id.org/celltrials/ontology#CellProduct>" in q
    ]
    assert all("/graph/ctgov-" in q for q in typed), typed[:3]
    entities = [
        q
        for q in after
        if "/graph/stats>" in q and "class/CellProduct> <http://rdfs.org/ns/void#entities>" in q
    ]
    assert entities == [] if not typed else f'"{len(typed)}"^^' in entities[0]

    # A build killed while it updated the figures leaves the marker: the next one counts
    # everything again.
    (store / kb.DIRTY).write_bytes(b"")
    again = build([folder], store, jobs=1)
    assert again.statuses == {"unchanged": report.n_documents}
    assert not (store / kb.DIRTY).exists()
    assert nquads(store) == clean


def test_report_keeps_a_bounded_list_of_documents(corpus: Path, tmp_path: Path) -> None:
    report = kb.BuildReport(keep=3)
    seen: list[str] = []
    on_doc = seen.append

    def tick(result: kb.DocumentResult) -> None:
        report.add(result)
        on_doc(result.key)

    full = build([corpus / "xml"], tmp_path / "store", on_document=tick, jobs=1)
    assert report.n_documents == full.n_documents == len(seen) > 3
    assert len(report.documents) == 3  # no errors: only the first three are kept
    assert report.count("trials") == full.count("trials")
    assert report.notes_not_kept == sum(len(d.notes) for d in full.documents[3:])


def test_killed_parallel_build_leaves_nothing_behind(corpus: Path, tmp_path: Path) -> None:
    """A first build killed while its workers map: no store, and the next build's
    recovery removes the half-written folder."""
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [
            *(sys.executable, "-c", "from kg.cli import main; main()", "build", str(corpus)),
            *("--store", str(store), "--jobs", "2", "--quiet"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    workers: list[int] = []
    # Killed as soon as both workers are up (a warm term cache maps this corpus in
    # well under a second, so a fixed wait can miss the whole build).
    while len(workers) < 2 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
        if list(tmp_path.glob("store.building-*")):
            workers = children(proc.pid)
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not store.exists()
    assert list(tmp_path.glob("store.building-*"))  # killed midway: the aside folder
    _recover(store)
    assert not list(tmp_path.glob("store.building-*"))
    # its worker processes stop by themselves
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.time() < deadline:
        time.sleep(0.2)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]


def children(pid: int) -> list[int]:
    """Worker processes (multiprocessing spawn) whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmd:
            found.append(int(entry.name))
    return found


def test_stored_records_of_a_page_are_not_mapped_again(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose studies the store holds: each study is read and hashed, none is
    turned into a Trial again, and only the changed one is mapped."""
    from kg.sources import ctgov_common

    page = sorted((corpus / "v2").glob("*.json"))[0]
    data = page.read_bytes()
    m = Minter()
    first, _, trials = map_document_file(data, "v2/p.json", minter=m)
    graphs = {m.graph(t.provenance).value for t in trials}
    assert first.trials == len(graphs) > 1

    real = ctgov_common.build_trial
    calls: list[str | None] = []

    def counted(raw: ctgov_common.RawStudy, prov: kb.Provenance) -> kb.Trial:
        calls.append(prov.record_key)
        return real(raw, prov)

    monkeypatch.setattr(ctgov_common, "build_trial", counted)
    again, quads, mapped = map_document_file(data, "v2/p.json", minter=m, unchanged=graphs)
    assert calls == [] and mapped == [] and quads == []
    assert sorted(again.kept) == sorted(graphs) and again.status == "mapped"

    changed = data.replace(b'"briefTitle":"', b'"briefTitle":"Revised: ', 1)
    third, _, mapped = map_document_file(changed, "v2/p.json", minter=m, unchanged=graphs)
    assert len(calls) == 1 == len(mapped) == third.trials
    assert len(third.kept) == len(graphs) - 1


def test_a_stored_page_record_is_not_mapped_again() -> None:
    """The same keep test for the text pages (one record each)."""
    page = kb.SEEDS_DIR / sorted(p.name for p in kb.SEEDS_DIR.iterdir())[0]
    m = Minter()
    first, _, (trial,) = map_document_file(page.read_bytes(), page.name, minter=m)
    graph = m.graph(trial.provenance).value
    again, quads, mapped = map_document_file(
        page.read_bytes(), page.name, minter=m, unchanged={graph}
    )
    assert first.trials == 1 and mapped == [] and quads == [] and again.kept == [graph]
