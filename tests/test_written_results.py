"""The posted results written as N-Quads lines (kg.rdf_results, kg.nquads) give the build
exactly the bytes that serialising the same quads with pyoxigraph gives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg.build import PIPELINE_VERSION, _map_task, map_document_file
from kg.model import Arm, Provenance, Site, Trial
from kg.rdf import Minter, source_quads, trial_quads, trial_record, written_part
from kg.rdf_results import results_nquads
from kg.results_join import join_results
from kg.results_model import (
    AdverseEvent,
    AdverseEventCount,
    AdverseEvents,
    Analysis,
    Count,
    EventGroup,
    Measure,
    Measurement,
    ResultGroup,
    TrialResults,
)
from kg.streamed import serialize_document
from kg.summary import summary_quads

PROV = Provenance("x.json", "ctgov-v2", "0" * 64, "2", "NCT00000001", "1" * 64)
AWKWARD = [
    'a "quoted" title',
    "back\\slash and \\n as written",
    "two\nlines\r\nand\ttab",
    "controls \x00\x01\x08\x0b\x0c\x1b\x7f\ufffe\uffff",
    "non-BMP \U0001f600 \U0010ffff, µ, ≥, 日本",
    "> <https://example.org/p> <https://example.org/o> .",
]


def awkward_trial() -> Trial:
    groups = tuple(
        EventGroup(ResultGroup(f"EG00{n}", text, description=text), serious_affected=n)
        for n, text in enumerate(AWKWARD)
    )
    events = tuple(
        AdverseEvent(
            n % 2 == 0, text, organ_system=text, counts=(AdverseEventCount("EG000", 1, 2),)
        )
        for n, text in enumerate(AWKWARD)
    )
    measure = Measure(
        title=AWKWARD[0],
        description=AWKWARD[2],
        unit=AWKWARD[3],
        groups=(ResultGroup("OG000", AWKWARD[1]),),
        denoms=(Count("OG000", AWKWARD[4], 3),),
        measurements=tuple(
            Measurement("OG000", text, 1.5e-7 * n, spread=text) for n, text in enumerate(AWKWARD)
        ),
        analyses=(Analysis(("OG000",), method=AWKWARD[5], p_value="<0.05", p_number=0.05),),
    )
    trial = Trial(provenance=PROV, nct_id="NCT00000001", arms=[Arm(AWKWARD[1]), Arm("Placebo")])
    results = TrialResults(outcomes=(measure,), adverse_events=AdverseEvents(groups, events))
    trial.results = join_results(results, trial.arms)
    return trial


def test_the_results_lines_are_pyoxigraph_s_serialisation_of_their_quads() -> None:
    trial = awkward_trial()
    m = Minter()
    data = results_nquads(trial, trial_node=m.trial(trial), graph=m.graph(PROV), minter=m)
    quads = list(parse(data, format=RdfFormat.N_QUADS))
    assert len(quads) == data.count(b"\n") > 100
    assert serialize(quads, format=RdfFormat.N_QUADS) == data
    values = {q.object.value for q in quads if isinstance(q.object, Literal)}
    assert set(AWKWARD) <= values  # each text as it was, after the round trip


def test_trial_quads_hold_the_results_where_the_record_writes_them() -> None:
    trial = awkward_trial()
    graph, quads, written = trial_record(trial)
    assert [part.at for part in written] == [len(quads)]  # (nothing after them here)
    _, everything = trial_quads(trial)
    results = list(parse(written[0].nquads, format=RdfFormat.N_QUADS))
    assert everything == [*quads, *results]
    assert all(q.graph_name == graph for q in everything)


def test_a_lone_surrogate_is_an_error_of_the_record() -> None:
    trial = awkward_trial()
    assert trial.results is not None and trial.results.adverse_events is not None
    event = AdverseEvent(True, "bad \udc80 text")
    trial.results = TrialResults(
        adverse_events=AdverseEvents(trial.results.adverse_events.groups, (event,))
    )
    with pytest.raises(ValueError, match="not valid Unicode"):
        trial_record(trial)


def test_lines_and_quads_without_duplicates_in_order_of_first_appearance() -> None:
    m = Minter()
    g = NamedNode(m.base + "graph/ctgov-v2/NCT01-0123456789ab")
    t = NamedNode(m.base + "trial/NCT01")
    p = NamedNode("https://w3id.org/celltrials/ontology#p")
    q1, q2, q3 = (Quad(t, p, Literal(x), g) for x in ("a", 'b"\n', "c"))
    meta = [Quad(g, p, Literal("m"), m.meta_graph())]
    # the record: q1 q1 [q2 q2] q1 q3 q1 [q4] q3: a written part repeats its own lines,
    # never the record's other quads (kg.rdf.WrittenPart)
    q4 = Quad(t, p, Literal("d"), g)
    l2, l4 = (serialize([q], format=RdfFormat.N_QUADS).decode() for q in (q2, q4))  # type: ignore[union-attr]
    quads = [q1, q1, q1, q3, q1, q3, *meta]
    parts = [written_part(2, [l2, l2]), written_part(5, [l4])]
    assert parts[0].unique == 1
    payload, stats = serialize_document(
        quads, [(g.value, 0, 6)], key="p.json", minter=m, written={g.value: parts}
    )
    assert payload == serialize([q1, q2, q3, q4, *meta], format=RdfFormat.N_QUADS)
    assert stats.graphs[g.value][0] == 4


def documents_with_results(test_data: Path) -> list[Path]:
    paths = sorted((test_data / "ctgov-xml").rglob("*.xml"))
    xml = [p for p in paths if b"<clinical_results>" in p.read_bytes()][:8]
    paths = sorted((test_data / "ctgov-v2").rglob("*.json"))
    v2 = [p for p in paths if b'"resultsSection"' in p.read_bytes()][:8]
    return xml + v2


def test_the_build_s_payloads_equal_those_of_the_quads(test_data: Path) -> None:
    """Each document's N-Quads and figures as the build's workers make them (results as
    lines) equal those of serialising all its quads (results as pyoxigraph quads)."""
    m = Minter()
    paths = documents_with_results(test_data)
    assert len(paths) >= 8
    results_lines = 0
    for path in paths:
        key = path.relative_to(test_data).as_posix()
        result, payload, sha, stats = _map_task((str(path), key, None, frozenset()), m)
        assert result.status == "mapped", result.errors
        data = path.read_bytes()
        assert sha == hashlib.sha256(data).hexdigest()
        records: list[tuple[str, int, int]] = []
        expected, quads, _ = map_document_file(data, key, minter=m, records=records)
        quads += source_quads(
            key,
            sha256=hashlib.sha256(data).hexdigest(),
            fmt=expected.format or "",
            pipeline_version=PIPELINE_VERSION,
            minter=m,
        )
        reference, reference_stats = serialize_document(quads, records, key=key, minter=m)
        assert payload == reference, key
        assert stats == reference_stats, key
        assert result.quads == len(quads), key
        results_lines += payload.count(b"/results")
    assert results_lines > 1000  # (the documents do hold results)


def test_the_sites_lines_are_pyoxigraph_s_serialisation_and_give_the_same_summaries() -> None:
    sites = [
        Site(facility=text, city=AWKWARD[n - 1], country=country, zip="75 013", lat=lat, lon=lon)
        for n, (text, country, lat, lon) in enumerate(
            zip(
                AWKWARD,
                ["France", 'Côte "d" Ivoire', "France", None, "日本", "France"],
                [48.85, None, 1e-05, -0.0, 35.0, 12.345678901234],
                [2.35, 0.5, None, 100.0, 139.7, -7.0],
                strict=True,
            )
        )
    ]
    sites += [sites[0], Site(city="call +1 (555) 123-4567", country="X"), Site()]  # twice
    trial = Trial(provenance=PROV, nct_id="NCT00000001", sites=sites)
    graph, quads, written = trial_record(trial)
    assert len(written) == 1
    assert not [q for q in quads if q.predicate.value.endswith("#site")]  # all in the part
    part = written[0]
    assert len(part.lines) > part.unique  # (the site given twice)
    back = list(parse(part.nquads, format=RdfFormat.N_QUADS))
    assert serialize(back, format=RdfFormat.N_QUADS) == part.nquads
    assert len(back) == part.unique
    assert "phone number removed" in part.nquads.decode()
    _, everything = trial_quads(trial)
    trial_node = Minter().trial(trial)
    summary = summary_quads(trial_node, everything, graph)  # from the quads, as before
    assert len(summary) == 4 * 4  # France, Côte "d" Ivoire, 日本, X
    assert everything[-len(summary) :] == summary
