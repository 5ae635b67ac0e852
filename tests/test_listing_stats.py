"""The listing statistics the build stores (kg.listing_stats, graph/listings): the listings
that read them give the rows of the live aggregates they replaced (kept here as they were),
and after any sequence of rebuilds the stored figures equal a clean build's."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from kg import listing_coverage, listing_stats
from kg.build import build
from kg.queries import CannedQuery, load_queries
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# The live aggregates the three listings ran before the build stored their figures (the
# sponsors' one also ordered by agency class: rows that tie on count, name and role came
# in no set order).
OLD_COUNTRY = """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
SELECT ?country (COUNT(?cs) AS ?trials) (SUM(?n) AS ?sites) ?cell_products_only WHERE {
  {
    { FILTER(COALESCE(!?cell_products_only, false)) }
    LATERAL {
      SELECT ?cs ?country (MAX(?k) AS ?n0) (COUNT(?k) AS ?records)
      WHERE { ?cs cto:inCountry ?country ; cto:siteCount ?k }
      GROUP BY ?cs ?country
    }
  } UNION {
    { FILTER(COALESCE(?cell_products_only, true)) }
    LATERAL {
      SELECT ?cs ?country (MAX(?k) AS ?n0) (COUNT(?k) AS ?records) WHERE {
        { SELECT DISTINCT ?t WHERE { ?t cto:studiesProduct ?p } }
        ?t cto:countrySites ?cs .
        ?cs cto:inCountry ?country ; cto:siteCount ?k .
      }
      GROUP BY ?cs ?country
    }
  }
  LATERAL {
    { FILTER(?records = 1) BIND(?n0 AS ?n) }
    UNION
    {
      { FILTER(?records > 1) }
      LATERAL {
        SELECT ?cs ?country (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?t cto:countrySites ?cs .
          ?t cto:site ?s .
          ?s cto:country ?country .
        }
        GROUP BY ?cs ?country
      }
    }
  }
}
GROUP BY ?country ?cell_products_only
ORDER BY DESC(?trials) ?country
"""

OLD_RESULTS = """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?dimension ?value ?label ?trials WHERE {
  {
    SELECT ?dimension ?key (COUNT(DISTINCT ?t) AS ?trials) WHERE {
      { SELECT DISTINCT ?t WHERE { ?t cto:hasResults ?r } }
      LATERAL {
        {
          BIND("all" AS ?dimension)
          BIND("" AS ?key)
        } UNION {
          ?t cto:studiesProduct/cto:tissueSource ?key .
          BIND("tissue" AS ?dimension)
        } UNION {
          ?t cto:phase ?key .
          BIND("phase" AS ?dimension)
        } UNION {
          ?t cto:studiesCondition ?c .
          ?c rdfs:label ?name .
          OPTIONAL { ?c cto:mapping/cto:mappedTerm ?term FILTER EXISTS { ?term rdfs:label ?term_label } }
          BIND("condition" AS ?dimension)
          BIND(COALESCE(?term, ?name) AS ?key)
        }
      }
    }
    GROUP BY ?dimension ?key
  }
  LATERAL { OPTIONAL { FILTER(isIRI(?key)) ?key rdfs:label ?term_label } }
  BIND(IF(?dimension = "all", ?none, IF(isIRI(?key), REPLACE(STR(?key), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_", "$1:"), ?key)) AS ?value)
  BIND(IF(?dimension = "condition", COALESCE(?term_label, ?key), ?term_label) AS ?label)
}
ORDER BY ?dimension DESC(?trials) ?value
"""

OLD_SPONSOR = """
PREFIX cto: <https://w3id.org/celltrials/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?sponsor ?agency_class ?role (COUNT(DISTINCT ?t) AS ?trials) (GROUP_CONCAT(DISTINCT ?trial; separator=" ") AS ?trial_ids) WHERE {
  { SELECT DISTINCT ?s WHERE { { ?x cto:leadSponsor ?s } UNION { ?x cto:collaborator ?s } } }
  LATERAL { SELECT DISTINCT ?s ?sponsor WHERE { ?s rdfs:label ?sponsor } }
  LATERAL { OPTIONAL { SELECT DISTINCT ?s ?agency_class WHERE { ?s cto:agencyClass ?agency_class } } }
  LATERAL { { ?t cto:leadSponsor ?s . BIND("lead" AS ?role) } UNION { ?t cto:collaborator ?s . BIND("collaborator" AS ?role) } }
  OPTIONAL { SELECT ?t ?nct WHERE { ?t cto:nctId ?nct } }
  BIND(COALESCE(?nct, STR(?t)) AS ?trial)
}
GROUP BY ?sponsor ?agency_class ?role
ORDER BY DESC(?trials) ?sponsor ?role ?agency_class
"""

OLD = {
    "trials-by-country": OLD_COUNTRY,
    "trials-with-results": OLD_RESULTS,
    "trials-by-sponsor": OLD_SPONSOR,
}


def _rows(cq: CannedQuery, store: Any, values: dict[str, str]) -> list[tuple[str, ...]]:
    table = cq.execute(store, values)
    return [tuple(str(term) for term in row) for row in table.rows]


def _trial_ids(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Sponsor rows with their trial ids as a set (GROUP_CONCAT's order is not set)."""
    return [(*r[:-1], " ".join(sorted(r[-1].strip('"').split()))) for r in rows]


def assert_listings_equal_live_aggregates(store_path: Path) -> int:
    """Each listing's rows (and the first page of the paged one) equal the live
    aggregate's; the number of rows compared."""
    store = open_store(store_path, read_only=True).store
    queries = load_queries()
    compared = 0
    for name, text in OLD.items():
        new = queries[name]
        old = dataclasses.replace(new, text=text, page_size=None, portable=None)
        settings: list[dict[str, str]] = [{}]
        if name == "trials-by-country":
            settings.append({"cell_products_only": "true"})
        for values in settings:
            want, got = _rows(old, store, values), _rows(new, store, values)
            if name == "trials-by-sponsor":
                want, got = _trial_ids(want), _trial_ids(got)
                page = new.execute_page(store, {}).table.rows
                assert len(page) == min(len(want), new.page_size or 0)
                first = [tuple(str(t) for t in row) for row in page]
                assert _trial_ids(first) == want[: len(first)]
            assert got == want, (name, values, sorted(set(want) ^ set(got))[:6])
            compared += len(want)
    return compared


def listing_graph(store_path: Path) -> set[str]:
    gs = open_store(store_path, read_only=True)
    g = listing_stats.graph(gs.minter)
    return {str(q) for q in gs.store.quads_for_pattern(None, None, None, g)}


def test_seed_listings_equal_the_live_aggregates(seed_store: Path) -> None:
    assert assert_listings_equal_live_aggregates(seed_store) > 5
    assert listing_graph(seed_store)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory, test_data: Path) -> Path:
    """A build of all the shared test data (ClinicalTrials.gov v1, v2, XML, ICTRP) and the
    seeds."""
    path = tmp_path_factory.mktemp("shared") / "store"
    build([test_data, SEEDS], path)
    return path


def test_shared_data_listings_equal_the_live_aggregates(shared_store: Path) -> None:
    assert assert_listings_equal_live_aggregates(shared_store) > 1000
    gs = open_store(shared_store, read_only=True)
    stored = listing_graph(shared_store)
    counted = {str(q) for q in listing_stats.quads(listing_stats.compute(gs.store), gs.minter)}
    g = listing_stats.graph(gs.minter)
    coverage = listing_coverage.quads(listing_coverage.counts(gs.store), gs.minter, g)
    assert stored == counted | {str(q) for q in coverage}


def _v2(test_data: Path, nct: str) -> str:
    return (test_data / "ctgov-v2" / f"{nct}.json").read_text(encoding="utf-8")


@pytest.fixture
def inputs(tmp_path: Path, test_data: Path) -> Path:
    """A few ClinicalTrials.gov records: a second record of one trial (another document
    key), a copy of another under a new NCT id that names the same lead sponsor."""
    folder = tmp_path / "in"
    (folder / "again").mkdir(parents=True)
    for nct in ("NCT00763412", "NCT02210780", "NCT03475563", "NCT05594173"):
        (folder / f"{nct}.json").write_text(_v2(test_data, nct), encoding="utf-8")
    twin = _v2(test_data, "NCT00763412").replace(
        "Washington University School of Medicine", "Another Site", 1
    )
    (folder / "again" / "NCT00763412.json").write_text(twin, encoding="utf-8")
    copy = _v2(test_data, "NCT02210780").replace("NCT02210780", "NCT99999991")
    (folder / "copy.json").write_text(copy, encoding="utf-8")
    return folder


def _clean(folder: Path, tmp_path: Path, n: int) -> set[str]:
    clean = tmp_path / f"clean-{n}"
    build([folder], clean, jobs=1)
    return listing_graph(clean)


def test_rebuilds_keep_the_figures_of_a_clean_build(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    build([inputs], store, jobs=1)
    assert listing_graph(store) == _clean(inputs, tmp_path, 0)
    assert assert_listings_equal_live_aggregates(store) > 10

    calls: list[tuple[Any, tuple[str, ...]]] = []
    real = listing_stats.compute

    def spy(st: Any, trials: Any = None, *, parts: tuple[str, ...] = ("c", "r", "s")) -> Any:
        calls.append((None if trials is None else sorted(trials), parts))
        return real(st, trials, parts=parts)

    monkeypatch.setattr(listing_stats, "compute", spy)
    # One record's sites move country: only its trial is counted again, before and after.
    copy = inputs / "copy.json"
    copy.write_text(copy.read_text(encoding="utf-8").replace("United States", "Canada"), "utf-8")
    report = build([inputs], store, jobs=1)
    assert [d.key for d in report.documents if d.status == "mapped"] == ["copy.json"]
    trial = "https://w3id.org/celltrials/trial/NCT99999991"
    assert calls and all(c == ([trial], ("c", "r", "s")) for c in calls[:1])
    assert all(trials is not None for trials, _ in calls), calls
    assert listing_graph(store) == _clean(inputs, tmp_path, 1)
    assert any("Canada" in q for q in listing_graph(store))

    # The copy's sponsor changes agency class: the sponsor is shared with a trial the
    # rebuild does not touch, whose rows move with it (the sponsors are counted again).
    calls.clear()
    text = copy.read_text(encoding="utf-8")
    lead = '"name": "Regeneron Pharmaceuticals",\n        "class": "INDUSTRY"'
    assert text.count(lead) == 1
    copy.write_text(text.replace(lead, lead.replace("INDUSTRY", "OTHER")), "utf-8")
    assert copy.read_text(encoding="utf-8") != text
    build([inputs], store, jobs=1)
    assert (None, ("s",)) in calls
    assert listing_graph(store) == _clean(inputs, tmp_path, 2)

    # The results of a trial go, a second record of a trial goes (pruned), another is removed.
    first = inputs / "NCT00763412.json"
    first.write_text(
        first.read_text(encoding="utf-8").replace('"hasResults": true', '"hasResults": false'),
        "utf-8",
    )
    shutil.rmtree(inputs / "again")
    (inputs / "NCT03475563.json").unlink()
    build([inputs], store, prune=True, jobs=1)
    assert listing_graph(store) == _clean(inputs, tmp_path, 3)
    assert assert_listings_equal_live_aggregates(store) > 10


def test_a_store_without_the_figures_gets_them_from_the_next_build(
    inputs: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    build([inputs], store, jobs=1)
    want = listing_graph(store)
    gs = open_store(store)
    graph = listing_stats.graph(gs.minter)
    gs.store.update(f"DROP GRAPH <{graph.value}>")  # as a build of an older version left it
    header, stats = gs.file_stats()
    gs.save_file_stats(
        stats, pipeline=header["pipeline"], base=header["base"], store_quads=str(len(gs.store))
    )
    gs.close()
    del gs
    assert listing_graph(store) == set()
    report = build([inputs], store, jobs=1)
    assert report.statuses == {"unchanged": report.n_documents}
    assert listing_graph(store) == want
    assert report.store_quads == len(open_store(store, read_only=True).store)
