"""The posted results written as N-Quads lines (kg.rdf_results, kg.nquads) give the build
exactly the bytes that serialising the same quads with pyoxigraph gives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg.build import PIPELINE_VERSION, _map_task, map_document_file
from kg.model import Arm, Provenance, Site, Trial
from kg.rdf import Minter, source_quads, trial_quads, trial_record
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


def test_trial_quads_are_the_record_s_lines_read_back() -> None:
    trial = awkward_trial()
    trial.brief_title = trial.brief_summary = AWKWARD[3]
    trial.official_title = AWKWARD[4]
    graph, record = trial_record(trial)
    _, everything = trial_quads(trial)
    assert len(everything) == len(record.lines) > 100
    # each line is pyoxigraph's serialisation of its quad; the record's, each once
    assert serialize(everything, format=RdfFormat.N_QUADS) == "".join(record.lines).encode()
    unique = list(dict.fromkeys(everything))
    assert serialize(unique, format=RdfFormat.N_QUADS) == record.nquads
    assert record.unique == len(unique)
    assert all(q.graph_name == graph for q in everything)
    assert {AWKWARD[3], AWKWARD[4]} <= {
        q.object.value for q in everything if isinstance(q.object, Literal)
    }


def test_a_lone_surrogate_is_an_error_of_the_record() -> None:
    trial = awkward_trial()
    assert trial.results is not None and trial.results.adverse_events is not None
    event = AdverseEvent(True, "bad \udc80 text")
    trial.results = TrialResults(
        adverse_events=AdverseEvents(trial.results.adverse_events.groups, (event,))
    )
    with pytest.raises(ValueError, match="not valid Unicode"):
        trial_record(trial)
    trial = awkward_trial()
    trial.brief_title = "bad \ud800 title"
    with pytest.raises(ValueError, match="not valid Unicode"):
        trial_record(trial)


def test_a_written_record_takes_the_place_of_its_quads() -> None:
    m = Minter()
    trial = awkward_trial()
    graph, record = trial_record(trial, minter=m)
    _, quads = trial_quads(trial, minter=m)
    meta = [Quad(graph, NamedNode(m.base + "p"), Literal("m"), m.meta_graph())]
    payload, stats = serialize_document(
        meta, [(graph.value, 0, 0)], key="p.json", minter=m, written={graph.value: record}
    )
    expected, expected_stats = serialize_document(
        [*quads, *meta], [(graph.value, 0, len(quads))], key="p.json", minter=m
    )
    assert payload == expected
    assert stats == expected_stats
    assert stats.graphs[graph.value][0] == record.unique
    with pytest.raises(ValueError, match="both"):
        serialize_document(
            [*quads, *meta],
            [(graph.value, 0, len(quads))],
            key="p.json",
            minter=m,
            written={graph.value: record},
        )


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
    graph, part = trial_record(trial)
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
