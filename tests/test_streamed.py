"""A new store's term closure and VoID figures come from its quads as they stream to the
bulk loader (kg.streamed), and equal what the whole-store queries of kg.terms count.

(The one-by-one reference of tests/test_scale_build.py compares whole stores, stats and
terms graphs included; the rebuild test there compares a rebuilt store, whose figures
follow by difference, with a clean build, whose figures come from the stream.)
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

import kg.build as kb
from kg import terms
from kg.build import build
from kg.rdf import Minter
from kg.store import open_store
from kg.streamed import Streamed, serialize_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def store_figures(store_path: Path) -> tuple[Any, Any, set[str], set[str], int]:
    """(stored VoID figures, whole-store VoID count, terms graph, whole-store term
    closure, quads in the store)."""
    gs = open_store(store_path, read_only=True)
    m = gs.minter
    stored = terms.stored_void_counts(gs.store, m)
    counted = terms.void_counts(gs.store, m)
    graph = {str(q) for q in gs.store.quads_for_pattern(None, None, None, m.terms_graph())}
    closure = {str(q) for q in terms.term_quads(gs.store, m)}
    return stored, counted, graph, closure, len(gs.store)


def overlapping_roots(tmp_path: Path, test_data: Path) -> list[Path]:
    """Inputs in which trials sit in two documents: the v1 search results (some studies
    twice), ICTRP, the seeds, and an XML and a v2 record given again from a second folder."""
    again = tmp_path / "again"
    again.mkdir()
    xml = sorted((test_data / "ctgov-xml").glob("*.xml"))[0]
    v2 = sorted((test_data / "ctgov-v2").glob("*.json"))[0]
    shutil.copy(xml, again / "copy.xml")
    shutil.copy(v2, again / "copy.json")
    return [test_data / "ctgov-v1", test_data / "ictrp", SEEDS, xml, v2, again]


def test_streamed_figures_equal_the_whole_store_queries(
    tmp_path: Path, test_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The v1 search results hold some studies twice (one record graph in two documents);
    # a copy of an XML record and of a v2 record in a second folder puts one trial (and
    # one record graph) in two documents more. Both overlaps are corrected, not recounted.
    roots = overlapping_roots(tmp_path, test_data)
    corrections: dict[str, Any] = {}
    real_twice, real_over = Streamed._graphs_counted_twice, Streamed._overcounted

    def twice(self: Streamed, *args: Any) -> Any:
        corrections["graphs"] = real_twice(self, *args)
        return corrections["graphs"]

    def over(self: Streamed, *args: Any) -> Any:
        corrections["trials"] = real_over(self, *args)
        return corrections["trials"]

    monkeypatch.setattr(Streamed, "_graphs_counted_twice", twice)
    monkeypatch.setattr(Streamed, "_overcounted", over)
    report = build(roots, tmp_path / "store", jobs=1)
    assert report.derived_from == "the loaded quads"
    assert corrections["graphs"][0] > 0 and corrections["graphs"][1] > 0
    assert sum(corrections["trials"].values()) > 0
    stored, counted, graph, closure, size = store_figures(tmp_path / "store")
    assert stored == counted
    assert stored.classes["https://w3id.org/celltrials/ontology#Trial"] > 300
    assert graph == closure and len(graph) > 1000
    assert report.store_quads == size


def test_a_parallel_build_of_a_corpus_streams_its_figures(tmp_path: Path, shared_dir: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    make_corpus = sys.modules.get("make_corpus") or importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = make_corpus  # (its dataclasses look themselves up there)
    spec.loader.exec_module(make_corpus)
    corpus = tmp_path / "c"
    make_corpus.make_corpus(300, corpus, seed=3, data=shared_dir / "data", page_size=40)
    report = build([corpus], tmp_path / "store", jobs=2)
    assert report.derived_from == "the loaded quads"
    stored, counted, graph, closure, size = store_figures(tmp_path / "store")
    assert (stored, graph, report.store_quads) == (counted, closure, size)


def test_quads_the_sum_cannot_stand_for_are_counted_over_the_whole_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = serialize_document

    def odd(quads: list[Quad], records: Any, *, key: str, minter: Minter, **kw: Any) -> Any:
        payload, stats = real(quads, records, key=key, minter=minter, **kw)
        if key.startswith("001"):
            stats.unusual = f"{key}: planted"
        return payload, stats

    monkeypatch.setattr(kb, "serialize_document", odd)
    report = build([SEEDS], tmp_path / "store", jobs=1)
    assert report.derived_from.startswith("the whole store (001_")
    assert "planted" in report.derived_from
    stored, counted, graph, closure, size = store_figures(tmp_path / "store")
    assert (stored, graph, report.store_quads) == (counted, closure, size)


CTO = "https://w3id.org/celltrials/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def document(m: Minter) -> tuple[list[Quad], list[tuple[str, int, int]]]:
    g = NamedNode(m.base + "graph/ctgov-v2/NCT01-0123456789ab")
    t = NamedNode(m.base + "trial/NCT01")
    arm = NamedNode(m.base + "trial/NCT01/arm/a")
    sponsor = NamedNode(m.base + "sponsor/acme")
    meta = m.meta_graph()
    src = m.source("p.json")
    route = NamedNode(CTO + "route")
    record = [
        Quad(t, RDF_TYPE, NamedNode(CTO + "Trial"), g),
        Quad(arm, RDF_TYPE, NamedNode(CTO + "Arm"), g),
        Quad(arm, RDF_TYPE, NamedNode(CTO + "Arm"), g),  # twice: counted once
        Quad(sponsor, RDF_TYPE, NamedNode(CTO + "Organization"), g),
        Quad(arm, route, NamedNode("http://purl.obolibrary.org/obo/NCIT_C38276"), g),
        Quad(arm, route, Literal("> <" + CTO + "route> <http://purl.obolibrary.org/obo/X> <"), g),
        Quad(
            t,
            NamedNode(CTO + "note"),
            Literal("x\n> <" + RDF_TYPE.value + "> <" + CTO + "Arm> <" + g.value + "> ."),
            g,
        ),
    ]
    provenance = [
        Quad(g, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), src, meta),
        Quad(g, RDF_TYPE, NamedNode(CTO + "RecordGraph"), meta),
    ]
    source = [Quad(src, NamedNode(CTO + "sha256"), Literal("00"), meta)]
    return [*record, *provenance, *source], [(g.value, 0, len(record))]


def test_what_a_document_adds_up_to() -> None:
    m = Minter()
    quads, records = document(m)
    payload, stats = serialize_document(quads, records, key="p.json", minter=m)
    assert stats.unusual is None
    assert len(payload.splitlines()) == len(quads) - 1  # one of each
    g = records[0][0]
    assert stats.graphs == {g: (6, 2)}
    assert stats.meta == 1
    assert stats.trials == ["NCT01"]
    assert stats.classes == {CTO + "Trial": 1, CTO + "Arm": 1}  # not the literals' text
    assert sorted(stats.others) == [
        (g, CTO + "RecordGraph"),
        (m.base + "sponsor/acme", CTO + "Organization"),
    ]
    assert stats.used == {"http://purl.obolibrary.org/obo/NCIT_C38276"}


def test_quads_not_as_the_writer_makes_them_are_not_added_up() -> None:
    m = Minter()
    quads, records = document(m)
    g = NamedNode(records[0][0])
    end = records[0][2]
    # a blank node (the store would merge equal labels of two documents), a record's quad
    # in another graph, metadata about something else
    for odd, why in (
        (Quad(BlankNode("b1"), RDF_TYPE, NamedNode(CTO + "Arm"), g), "a blank node"),
        (Quad(g, RDF_TYPE, NamedNode(CTO + "Arm"), m.terms_graph()), "quads of other graphs"),
        (Quad(g, RDF_TYPE, NamedNode(CTO + "Arm")), "quads of other graphs"),
    ):
        changed = [*quads[:end], odd, *quads[end:]]
        _, stats = serialize_document(changed, [(g.value, 0, end + 1)], key="p.json", minter=m)
        assert stats.unusual is not None and why in stats.unusual
    stray = [
        *quads,
        Quad(NamedNode(m.base + "sponsor/acme"), RDF_TYPE, NamedNode(CTO + "X"), m.meta_graph()),
    ]
    _, stats = serialize_document(stray, records, key="p.json", minter=m)
    assert stats.unusual is not None and "metadata about" in stats.unusual
    s = Streamed()
    s.add("p.json", stats)
    assert s.fallback == stats.unusual
