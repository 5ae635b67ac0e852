"""A new store's condition link coverage is added up from its quads as they stream to the
bulk loader (kg.streamed_coverage) and equals what the whole-store query ``link-coverage``
counts (kg.link.coverage.condition_coverage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, serialize
from test_streamed import overlapping_roots

from kg.build import build
from kg.link.coverage import Coverage, condition_coverage
from kg.store import open_store
from kg.streamed import Streamed
from kg.streamed_coverage import Mentions, coverage_lines

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CTO = "https://w3id.org/celltrials/ontology#"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBO = "http://purl.obolibrary.org/obo/"


def whole_store(store_path: Path) -> Coverage:
    return condition_coverage(open_store(store_path, read_only=True).store)


def test_the_coverage_of_the_seeds_is_the_whole_store_query(tmp_path: Path) -> None:
    report = build([SEEDS], tmp_path / "store", jobs=1)
    assert report.derived_from == "the loaded quads"
    assert report.conditions is not None and report.conditions.mentions > 0
    assert report.conditions == whole_store(tmp_path / "store")


def test_trials_in_two_documents_are_counted_once(
    tmp_path: Path, test_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The v1 search results hold some studies twice; copies of an XML and a v2 record in a
    # second folder put their trials in two documents more: the sum counts their mentions
    # twice until corrected from those trials' graphs.
    summed: list[Coverage] = []
    real = Streamed.condition_coverage

    def spy(self: Streamed, *args: Any) -> Any:
        summed.append(self.conditions.coverage())
        return real(self, *args)

    monkeypatch.setattr(Streamed, "condition_coverage", spy)
    roots = overlapping_roots(tmp_path, test_data)
    report = build(roots, tmp_path / "store", jobs=1)
    assert report.derived_from == "the loaded quads"
    expected = whole_store(tmp_path / "store")
    assert report.conditions == expected
    assert summed and summed[0].mentions > expected.mentions  # the correction was needed
    assert expected.top_unlinked and expected.naming > expected.linked > 0


def test_the_coverage_of_all_the_shared_data_is_the_whole_store_query(
    tmp_path: Path, test_data: Path
) -> None:
    report = build([test_data, SEEDS], tmp_path / "store", jobs=2)
    assert report.derived_from == "the loaded quads"
    expected = whole_store(tmp_path / "store")
    assert report.conditions == expected and expected.mentions > 2000


def test_unusual_quads_fall_back_to_the_whole_store_query(tmp_path: Path) -> None:
    report = build([SEEDS], tmp_path / "store", jobs=1)
    assert report.conditions == whole_store(tmp_path / "store")
    streamed = Streamed()
    streamed.fallback = "planted"
    assert streamed.condition_coverage(Store(), open_store(tmp_path / "store").minter) is None


def quads() -> list[Quad]:
    """A record graph with mentions the way the query sees them: two labels on one
    mention, a mention linked twice (two predicates and terms on one mapping), reasons,
    no reason, a mention with two reasons, and the predicate's text inside a literal."""
    g = NamedNode("https://w3id.org/celltrials/graph/x/1")
    t = NamedNode("https://w3id.org/celltrials/trial/NCT00000001")
    out: list[Quad] = []

    def add(s: NamedNode, p: str | NamedNode, o: NamedNode | Literal) -> None:
        out.append(Quad(s, NamedNode(p) if isinstance(p, str) else p, o, g))

    def mention(name: str) -> NamedNode:
        c = NamedNode(f"{t.value}/condition/{name.lower().replace(' ', '-')}")
        add(t, CTO + "studiesCondition", c)
        add(c, LABEL, Literal(name))
        return c

    linked = mention("Crohn Disease")
    add(linked, LABEL, Literal('Crohn\'s "disease"\n'))
    m = NamedNode(linked.value + "/mapping")
    add(linked, CTO + "mapping", m)
    add(m, CTO + "mappingPredicate", NamedNode(SKOS + "exactMatch"))
    add(m, CTO + "mappingPredicate", NamedNode(SKOS + "broadMatch"))
    add(m, CTO + "mappedTerm", NamedNode(OBO + "MONDO_0005011"))
    add(m, CTO + "mappedTerm", NamedNode(OBO + "HP_0100280"))
    add(mention("Healthy"), CTO + "unlinkedReason", Literal("healthy volunteers"))
    mention("Odd thing")
    both = mention("Two reasons")
    add(both, CTO + "unlinkedReason", Literal("no term"))
    add(both, CTO + "unlinkedReason", Literal("procedure"))
    add(t, LABEL, Literal(f"x> <{CTO}studiesCondition> <{t.value}/condition/fake> ."))
    return out


def test_a_record_s_mentions_are_counted_as_the_query_counts_them() -> None:
    record = quads()
    store = Store()
    store.extend(record)
    data = serialize(record, format=RdfFormat.N_QUADS)
    assert data is not None
    lines: list[bytes] = []
    coverage_lines(data, lines)
    mentions = Mentions()
    mentions.add_lines(lines)
    assert mentions.unusual is None
    got = mentions.counts().coverage()
    assert got == condition_coverage(store)
    assert got.linked == 1 and got.naming == 2 and got.mentions == 8
    assert {k for k in got.by_kind if k.startswith("linked")} == {
        "linked: skos:exactMatch MONDO",
        "linked: skos:exactMatch HP",
        "linked: skos:broadMatch MONDO",
        "linked: skos:broadMatch HP",
    }
