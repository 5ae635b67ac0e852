"""Results as triples: QC checks catch broken results; the writer keeps no contact data."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import QuerySolutions, Store

from kg.model import Arm, Provenance, Trial
from kg.rdf import trial_quads
from kg.results_join import join_results
from kg.results_model import (
    AdverseEvent,
    AdverseEventCount,
    AdverseEvents,
    EventGroup,
    Measure,
    Measurement,
    ResultGroup,
    TrialResults,
)
from kg.validate import run_qc

PROV = Provenance("x.json", "ctgov-v2", "0" * 64, "2", "NCT00000001", "1" * 64)


def _store(results: TrialResults) -> Store:
    trial = Trial(provenance=PROV, nct_id="NCT00000001", arms=[Arm("MSC"), Arm("Placebo")])
    trial.results = join_results(results, trial.arms)
    store = Store()
    store.extend(trial_quads(trial)[1])
    return store


def _violations(store: Store) -> set[str]:
    return {f.check for f in run_qc(store) if f.severity == "violation"}


def test_sound_results_pass_the_qc_checks() -> None:
    groups = (
        EventGroup(ResultGroup("EG000", "MSC"), serious_affected=2, serious_at_risk=10),
        EventGroup(ResultGroup("EG001", "Placebo"), serious_affected=1, serious_at_risk=10),
    )
    event = AdverseEvent(True, "Pneumonia", counts=(AdverseEventCount("EG000", 2, 10, 3),))
    assert not _violations(_store(TrialResults(adverse_events=AdverseEvents(groups, (event,)))))


def test_more_affected_than_at_risk_is_a_violation() -> None:
    groups = (EventGroup(ResultGroup("EG000", "MSC"), serious_affected=12, serious_at_risk=10),)
    event = AdverseEvent(False, "Headache", counts=(AdverseEventCount("EG000", 11, 10),))
    store = _store(TrialResults(adverse_events=AdverseEvents(groups, (event,))))
    findings = [f for f in run_qc(store) if f.check == "qc:results-affected-above-at-risk"]
    assert sorted(f.message for f in findings) == [
        "adverse event: 11 affected of 10 at risk (a rate above 1)",
        "serious adverse events: 12 affected of 10 at risk (a rate above 1)",
    ]


def test_a_value_of_a_group_its_results_do_not_list_is_a_violation() -> None:
    measure = Measure(
        "Pain",
        groups=(ResultGroup("OG000", "MSC"),),
        measurements=(Measurement("OG000", "3.2", 3.2), Measurement("OG009", "1.0", 1.0)),
    )
    store = _store(TrialResults(outcomes=(measure,)))
    findings = [f for f in run_qc(store) if f.check == "qc:results-value-without-group"]
    assert len(findings) == 1 and "OG009" in findings[0].message.upper()


def test_joins_are_in_the_graph() -> None:
    groups = (
        EventGroup(ResultGroup("EG000", "MSC"), serious_affected=0, serious_at_risk=5),
        EventGroup(ResultGroup("EG001", "Total"), serious_affected=0, serious_at_risk=10),
    )
    store = _store(TrialResults(adverse_events=AdverseEvents(groups)))
    ask = store.query(
        """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        ASK {
          ?g cto:groupId "EG000" ; cto:groupOfArm <https://w3id.org/celltrials/trial/NCT00000001/arm/msc> ;
             cto:armJoin [ cto:joinStatus "matched" ; cto:joinMethod "title equals arm label" ] .
          ?t cto:groupId "EG001" ; cto:armJoin [ cto:joinStatus "none" ; cto:joinMethod "pooled total" ] .
          FILTER NOT EXISTS { ?t cto:groupOfArm ?any }
        }""",
        use_default_graph_as_union=True,
    )
    assert bool(ask)


def test_a_results_section_of_the_wrong_shape_leaves_the_trial_mapped_with_a_note() -> None:
    import json

    from kg.sources import map_bytes

    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000002", "briefTitle": "A trial"},
            "armsInterventionsModule": {"armGroups": [{"label": "MSC"}]},
        },
        "resultsSection": {"adverseEventsModule": {"eventGroups": {"id": "EG000"}}},
    }
    (trial,) = map_bytes(json.dumps(study).encode(), source_file="bad-results.json")
    assert isinstance(trial, Trial)
    assert trial.results is None and trial.title == "A trial"
    assert "results left out: 'eventGroups' is not a list of objects" in trial.notes


def test_the_point_of_contact_is_never_read() -> None:
    import json

    from kg.sources import map_bytes

    study = {
        "protocolSection": {"identificationModule": {"nctId": "NCT00000003"}},
        "resultsSection": {
            "participantFlowModule": {"groups": [{"id": "FG000", "title": "MSC"}]},
            "moreInfoModule": {
                "pointOfContact": {
                    "title": "Dr Who",
                    "email": "who@example.org",
                    "phone": "555-0100",
                }
            },
        },
    }
    (trial,) = map_bytes(json.dumps(study).encode(), source_file="poc.json")
    assert isinstance(trial, Trial)
    text = " ".join(str(q.object) for q in trial_quads(trial)[1])
    assert "MSC" in text and "who@example.org" not in text and "555-0100" not in text
    assert "Dr Who" not in text


def test_source_conflicts_shows_results_counts_two_sources_disagree_on() -> None:
    from kg.queries import load_query
    from kg.rdf import provenance_quads, source_quads

    store = Store()
    for n, (key, fmt, affected) in enumerate(
        (("a.json", "ctgov-v2", 3), ("b.xml", "ctgov-xml", 4)), 1
    ):
        prov = Provenance(key, fmt, str(n) * 64, "2", "NCT00000001", str(n) * 64)
        trial = Trial(provenance=prov, nct_id="NCT00000001", arms=[Arm("MSC")])
        groups = (
            EventGroup(ResultGroup("EG000", "MSC"), serious_affected=affected, serious_at_risk=10),
        )
        trial.results = join_results(TrialResults(adverse_events=AdverseEvents(groups)), trial.arms)
        store.extend(trial_quads(trial)[1])
        store.extend(provenance_quads(prov, [], source_key=key))
        store.extend(source_quads(key, sha256=str(n) * 64, fmt=fmt, pipeline_version="x"))
    rows = load_query("source-conflicts").execute(store, {}).values()
    assert sorted((r["field"], r["value"], r["source"]) for r in rows) == [
        ("results/adverse-events/group/eg000 seriousAffected", "3", "a.json"),
        ("results/adverse-events/group/eg000 seriousAffected", "4", "b.xml"),
    ]


def test_a_rebuild_replaces_the_results_of_a_changed_record(
    test_data: Path, tmp_path: Path
) -> None:
    from kg.build import build
    from kg.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    record = folder / "NCT01642004.xml"
    record.write_bytes((test_data / "ctgov-xml" / "NCT01642004.xml").read_bytes())
    ask = """PREFIX cto: <https://w3id.org/celltrials/ontology#>
      SELECT ?n WHERE { <https://w3id.org/celltrials/trial/NCT01642004/results/adverse-events/group/e1>
                        cto:seriousAtRisk ?n }"""

    def at_risk() -> list[str]:
        gs = open_store(tmp_path / "store", read_only=True)
        result = gs.store.query(ask, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        values = sorted(row["n"].value for row in result)
        del gs
        return values

    build([folder], tmp_path / "store", jobs=1)
    before = at_risk()
    assert len(before) == 1
    text = record.read_text(encoding="utf-8")
    total = f'subjects_at_risk="{before[0]}"'
    assert total in text
    record.write_text(text.replace(total, 'subjects_at_risk="999"'), encoding="utf-8")
    report = build([folder], tmp_path / "store", jobs=1)
    assert report.statuses == {"mapped": 1}
    assert at_risk() == ["999"]  # the old count is gone with the record's old graph
