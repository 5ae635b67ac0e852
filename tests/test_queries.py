"""Every canned query, run on the seed graph, with its rows checked."""

from __future__ import annotations

from typing import Any

import pytest
from pyoxigraph import Store

from kg.queries import CannedQuery, ParamError, load_queries, load_query

ALL = load_queries()


def run(store: Store, name: str, **params: str) -> list[dict[str, Any]]:
    return load_query(name).execute(store, params).values()


def test_every_query_has_a_header_and_a_test() -> None:
    tested = {
        "uc-msc-above-dose",
        "arm-doses",
        "trials-by-condition",
        "products-by-tissue",
        "trials-by-sponsor",
        "trials-by-country",
        "trials-by-registry",
        "source-conflicts",
        "trials-under-condition",
        "products-under-tissue",
        "doses-by-tissue-route",
        "link-coverage",  # and in tests/test_link_context.py on a graph with unlinked conditions
        # in tests/test_results_data.py, on the shared records with results:
        "adverse-events-by-dose",
        "outcomes-of-trial",
        "trials-with-results",
    }
    assert set(ALL) == tested
    for cq in ALL.values():
        assert cq.summary and cq.description, cq.name


@pytest.mark.parametrize("cq", ALL.values(), ids=lambda q: q.name)
def test_every_query_runs_with_its_defaults(seed_graph: Store, cq: CannedQuery) -> None:
    table = cq.execute(seed_graph, {})
    if cq.name == "source-conflicts":  # the seeds state each trial once: nothing to disagree on
        assert not table.rows
        return
    if cq.name in ("adverse-events-by-dose", "outcomes-of-trial", "trials-with-results"):
        # the seeds have no posted results
        assert not table.rows
        return
    assert table.rows, f"{cq.name} returns no rows on the seed graph"
    assert not {p.name for p in cq.params} & set(table.columns)


def test_uc_msc_above_default_threshold(seed_graph: Store) -> None:
    rows = run(seed_graph, "uc-msc-above-dose")
    assert [(r["arm"], float(r["dose_cells_max"])) for r in rows] == [
        ("Medium Dose Group", 1.2e8),
        ("High Dose Group", 2.4e8),
    ]
    assert {r["title"].split(" of ")[1][:7] for r in rows} == {"hMSC100"}
    assert {r["per_kg"] for r in rows} == {"false"}
    assert [r["evidence"] for r in rows] == ["1.2×10^8", "2.4×10^8"]  # the page: 1.2×10\\^8


def test_uc_msc_above_1e7_adds_wharton_jelly_and_ild(seed_graph: Store) -> None:
    rows = run(seed_graph, "uc-msc-above-dose", min_cells="1e7")
    by_trial: dict[str, list[float]] = {}
    for r in rows:
        by_trial.setdefault(r["trial"], []).append(float(r["dose_cells_max"]))
    assert by_trial["NCT05018637"] == [4e7]  # WJ-MSC: a part of the cord
    assert sorted(by_trial["NCT06534528"]) == [3e7, 6e7, 9e7]  # not 6e6
    hmsc = [k for k in by_trial if k.startswith("https://")]
    assert len(hmsc) == 1 and sorted(by_trial[hmsc[0]]) == [6e7, 1.2e8, 2.4e8]
    assert len(by_trial) == 3


def test_per_kg_doses_use_the_body_weight_parameter(seed_graph: Store) -> None:
    rows = run(seed_graph, "arm-doses")
    amnion = [r for r in rows if r["product"] and "hA-MSC" in r["product"] and r["dose_max"]]
    assert amnion and amnion[0]["dose_unit"] == "cells/kg"


def test_arm_doses_columns_and_seed_facts(seed_graph: Store) -> None:
    table = load_query("arm-doses").execute(seed_graph, {})
    assert list(table.columns) == [
        "trial", "arm", "product", "cell_type", "tissue", "donor", "route",
        "dose_min", "dose_max", "dose_unit", "per", "administrations", "evidence",
    ]  # fmt: skip
    rows = run(seed_graph, "arm-doses")
    amnion = [r for r in rows if r["tissue"] == "UBERON:0000305"]
    assert len(amnion) == 1
    a = amnion[0]
    assert (float(a["dose_min"]), float(a["dose_max"]), a["dose_unit"], a["per"], a["administrations"]) == (
        1e6, 1e6, "cells/kg", "administration", "2",
    )  # fmt: skip
    assert a["cell_type"] == "CL:0002537" and a["arm"] == "hA-MSCs+Climen"
    assert "1 million cells per kilogram of body weight" in a["evidence"]
    ra = [r for r in rows if r["product"] == "hiSCs"]
    assert len(ra) == 1
    assert ra[0]["trial"].startswith("https://w3id.org/celltrials/trial/doc-")
    assert ra[0]["arm"] is None and ra[0]["dose_min"] is None and ra[0]["evidence"] is None
    ild = sorted(float(r["dose_max"]) for r in rows if r["trial"] == "NCT06534528")
    assert ild == [6e6, 3e7, 6e7, 9e7]
    comparator = [r for r in rows if r["arm"] == "Teriparatide group"]
    assert len(comparator) == 1 and comparator[0]["product"] is None


def test_arm_doses_for_one_trial(seed_graph: Store) -> None:
    rows = run(seed_graph, "arm-doses", trial_iri="https://w3id.org/celltrials/trial/NCT05018637")
    assert {r["trial"] for r in rows} == {"NCT05018637"}
    wj = [r for r in rows if r["dose_max"]]
    assert [(float(r["dose_max"]), r["dose_unit"], r["tissue"]) for r in wj] == [
        (4e7, "cells", "UBERON:0003422")
    ]


def test_trials_by_condition(seed_graph: Store) -> None:
    rows = run(seed_graph, "trials-by-condition")
    conditions = {(r["condition"].lower(), r["trial"][:11]) for r in rows}
    assert ("osteoporotic fractures", "NCT05018637") in conditions
    assert ("vertebral compression fracture", "NCT05018637") in conditions
    names = {r["condition"].lower() for r in rows}
    assert {
        "osteoporosis",
        "rheumatoid arthritis",
        "interstitial lung disease",
        "premature ovarian insufficiency",
    } <= names
    only = run(seed_graph, "trials-by-condition", condition_text="RHEUMATOID")
    assert len(only) == 1 and only[0]["trial"].startswith("https://w3id.org/celltrials/trial/doc-")
    assert only[0]["found_in"] == "summary"


def test_products_by_tissue(seed_graph: Store) -> None:
    rows = run(seed_graph, "products-by-tissue")
    tissues = {r["tissue"] for r in rows}
    assert {"UBERON:0002331", "UBERON:0003422", "UBERON:0000305"} <= tissues
    assert any(r["product"] == "hiSCs" and r["tissue"] is None for r in rows)


def test_trials_by_sponsor_and_country(seed_graph: Store) -> None:
    sponsors = {(r["sponsor"], r["role"]) for r in run(seed_graph, "trials-by-sponsor")}
    assert ("Help Therapeutics", "lead") in sponsors
    assert ("Shanghai Life Science & Technology", "lead") in sponsors
    countries = run(seed_graph, "trials-by-country")
    assert [(r["country"], r["trials"]) for r in countries] == [("China", "2")]
    assert run(seed_graph, "trials-by-country", cell_products_only="true")[0]["trials"] == "2"


def test_trials_by_registry_counts_nct_ids_as_clinicaltrials_gov(seed_graph: Store) -> None:
    """The seeds are ClinicalTrials.gov pages: one row, its trials those with an NCT id.
    (Registries of ICTRP records: tests/test_sources_ictrp.py.)"""
    nct = seed_graph.query(
        "SELECT (COUNT(DISTINCT ?t) AS ?n) (COUNT(DISTINCT ?c) AS ?cells) WHERE { "
        "?t <https://w3id.org/celltrials/ontology#nctId> ?id "
        "OPTIONAL { ?t <https://w3id.org/celltrials/ontology#studiesProduct> ?p BIND(?t AS ?c) } }",
        use_default_graph_as_union=True,
    )
    n, cells = (term.value for term in next(iter(nct)))  # type: ignore[union-attr,arg-type]
    rows = run(seed_graph, "trials-by-registry")
    assert [(r["registry_name"], r["trials"], r["cell_product_trials"]) for r in rows] == [
        ("ClinicalTrials.gov", n, cells)
    ]
    assert int(n) >= 1


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("uc-msc-above-dose", {"min_cells": "lots"}, "min_cells"),
        ("uc-msc-above-dose", {"min_cells": "nan"}, "min_cells"),
        ("uc-msc-above-dose", {"weight": "70"}, "weight"),
        ("trials-by-country", {"cell_products_only": "maybe"}, "cell_products_only"),
        ("arm-doses", {"trial_iri": "not an iri"}, "trial_iri"),
    ],
)
def test_bad_parameters_name_the_parameter(name: str, params: dict[str, str], bad: str) -> None:
    with pytest.raises(ParamError, match=bad) as info:
        load_query(name).substitutions(params)
    assert info.value.name == bad


def test_parameters_are_typed_terms_not_text() -> None:
    cq = load_query("uc-msc-above-dose")
    subs = {k.value: v for k, v in cq.substitutions({"min_cells": "2.5e7"}).items()}
    assert subs["min_cells"].datatype.value.endswith("#double")  # type: ignore[union-attr]
    assert "2.5e7" not in cq.text and "25000000" not in cq.text


def test_unknown_query_name() -> None:
    with pytest.raises(KeyError, match="no canned query named"):
        load_query("../etc/passwd")


def test_trials_under_a_mondo_term_include_subtypes(seed_graph: Store) -> None:
    rows = run(seed_graph, "trials-under-condition")  # MONDO:0005298 osteoporosis
    assert [(r["condition"], r["term"], r["method"]) for r in rows] == [
        ("Osteoporosis", "MONDO:0005298", "exact label")
    ]
    assert rows[0]["trial"].startswith("https://w3id.org/celltrials/trial/doc-")
    fractures = run(seed_graph, "trials-under-condition", mondo="MONDO:0005315")  # bone fracture
    assert {(r["trial"], r["condition"]) for r in fractures} == {
        ("NCT05018637", "Osteoporotic Fractures"),
        ("NCT05018637", "Vertebral Compression Fracture"),  # spinal fracture, a subtype
    }
    assert {r["predicate"] for r in fractures} == {"skos:broadMatch"}
    poi = run(seed_graph, "trials-under-condition", mondo="MONDO:0005387")
    assert [r["condition"] for r in poi] == ["Premature Ovarian Insufficiency"]
    ild = run(seed_graph, "trials-under-condition", mondo="MONDO:0015925")
    assert [r["trial"] for r in ild] == ["NCT06534528"]
    ra = run(seed_graph, "trials-under-condition", mondo="MONDO:0008383")
    assert len(ra) == 1 and ra[0]["trial"].startswith("https://w3id.org/celltrials/trial/doc-")
    assert not run(seed_graph, "trials-under-condition", mondo="MONDO:0005298", min_score="1.5")


def test_products_under_a_tissue_include_its_parts(seed_graph: Store) -> None:
    rows = run(seed_graph, "products-under-tissue")  # UBERON:0002331 umbilical cord
    assert {(r["product"], r["tissue"]) for r in rows} == {
        ("hMSC100", "UBERON:0002331"),
        ("human umbilical cord mesenchymal stem cell", "UBERON:0002331"),
        ("WJ-MSC", "UBERON:0003422"),  # Wharton's jelly: a part of the cord
    }
    amnion = run(seed_graph, "products-under-tissue", uberon="UBERON:0000305")
    assert [(r["product"], r["cell_type"]) for r in amnion] == [("hA-MSCs", "CL:0002537")]
    with pytest.raises(ParamError, match="uberon"):
        load_query("products-under-tissue").substitutions({"uberon": "umbilical cord"})


def test_doses_by_tissue_and_route(seed_graph: Store) -> None:
    rows = run(seed_graph, "doses-by-tissue-route")
    got = {
        (r["tissue"], r["route"], r["dose_unit"], r["doses"], r["min_dose"], r["max_dose"])
        for r in rows
    }
    assert ("UBERON:0000305", "intravenous", "cells/kg", "1", "1000000", "1000000") in got
    assert ("UBERON:0003422", "intramedullary", "cells", "1", "40000000", "40000000") in got
    assert (
        "UBERON:0002331",
        "",
        "cells",
        "3",
        "60000000",
        "240000000",
    ) in got  # hMSC100: no route stated
    assert len(rows) == 4


def test_link_coverage_on_the_seeds(seed_graph: Store) -> None:
    rows = run(seed_graph, "link-coverage")
    coverage = {r["kind"]: r for r in rows if r["section"] == "coverage"}
    assert coverage["mentions that name a condition"]["mentions"] == "6"
    assert coverage["linked, of the mentions that name a condition"]["mentions"] == "6"
    assert coverage["linked, of the mentions that name a condition"]["share"] == "100"
    kinds = {r["kind"]: r["mentions"] for r in rows if r["section"] == "by kind"}
    assert kinds == {"linked: skos:exactMatch MONDO": "4", "linked: skos:broadMatch MONDO": "2"}
    assert not [r for r in rows if r["section"] == "top unlinked"]
