"""Paged listings (issue 15): the pages of a canned listing, walked by their next links
over HTTP (every format and the HTML view), by ``kg query`` offsets, and over a remote
endpoint, add up to the unpaged answer; ``--all`` streams every row; bad paging values
are refused with the parameter's name. Also the per-trial summaries the listings read
(kg/summary.py) and the overview's counts (the build's statistics)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import QuerySolutions, Store
from servers import OXIGRAPH, oxigraph_server

from kg.cli import main
from kg.queries import MAX_PAGE, Paging, ParamError, load_queries, load_query
from kg.remote import Endpoint
from kg.server.app import create_app
from kg.server.config import ServerConfig
from kg.store import open_store

PAGED = "trials-by-condition"
CTO = "https://w3id.org/celltrials/ontology#"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    yield create_app(ServerConfig(store=seed_store, max_rows=50))


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def _whole(store: Path, name: str = PAGED, values: dict[str, str] | None = None) -> Counter[str]:
    """The unpaged answer, as a multiset of rows (JSON of each row's values)."""
    gs = open_store(store, read_only=True)
    table = load_query(name).execute(gs.store, values or {})
    return Counter(
        json.dumps({k: v for k, v in row.items() if v is not None}, sort_keys=True)
        for row in table.values()
    )


def _next_link(header: str | None) -> str | None:
    for part in (header or "").split(","):
        m = re.fullmatch(r'\s*<([^>]*)>;\s*rel="next"\s*', part)
        if m:
            return m.group(1)
    return None


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_listings_page_and_the_others_do_not() -> None:
    queries = load_queries()
    paged = {name for name, cq in queries.items() if cq.pages}
    assert PAGED in paged
    for name in paged:
        cq = queries[name]
        assert cq.page_size is not None and 1 <= cq.page_size <= MAX_PAGE
        assert not {"limit", "offset"} & {p.name for p in cq.params}
    with pytest.raises(ParamError, match="limit"):
        load_query("trials-by-country").paging({"limit": "5"})
    cq = load_query(PAGED)
    for bad in ("0", "-1", "x", str(MAX_PAGE + 1)):
        with pytest.raises(ParamError, match="limit"):
            cq.paging({"limit": bad})
    with pytest.raises(ParamError, match="offset"):
        cq.paging({"offset": "1.5"})
    assert cq.default_paging({}) == ({}, Paging(cq.page_size or 0, 0))


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_next_links_walk_the_whole_listing_over_http(
    client: FlaskClient, seed_store: Path, fmt: str
) -> None:
    whole = _whole(seed_store)
    assert sum(whole.values()) >= 5  # enough rows for three pages of two
    url: str | None = f"/queries/{PAGED}?limit=2&format={fmt}"
    seen: Counter[str] = Counter()
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.data
        assert "X-Result-Truncated" not in response.headers  # a page is cut on purpose
        text = response.get_data(as_text=True)
        if fmt == "json":
            rows = [
                {k: v["value"] for k, v in b.items()}
                for b in json.loads(text)["results"]["bindings"]
            ]
        elif fmt == "csv":
            rows = [
                {k: v for k, v in r.items() if v != ""} for r in csv.DictReader(io.StringIO(text))
            ]
        else:
            lines = text.splitlines()
            names = [n.lstrip("?") for n in lines[0].split("\t")]
            rows = [
                {
                    n: v.strip('"').split('"^^')[0]
                    for n, v in zip(names, line.split("\t"), strict=True)
                    if v
                }
                for line in lines[1:]
            ]
        assert len(rows) <= 2
        seen.update(json.dumps(row, sort_keys=True) for row in rows)
        pages += 1
        url = _next_link(response.headers.get("Link"))
        if url is not None:
            assert f"format={fmt}" in url and "limit=2" in url
            url = _relative(url)
    assert pages == -(-sum(whole.values()) // 2)  # no empty last page
    assert seen == whole


def test_the_html_view_links_to_the_next_page(client: FlaskClient, seed_store: Path) -> None:
    url: str | None = f"/queries/{PAGED}?limit=2&format=html"
    rows = 0
    pages = 0
    while url is not None:
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        rows += html.count("<tr") - 1  # the header row
        pages += 1
        m = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = m.group(1).replace("&amp;", "&") if m else None
        if pages > 1:
            assert 'rel="prev"' in html
    assert rows == sum(_whole(seed_store).values())
    assert pages >= 3


def test_a_query_that_does_not_page_refuses_paging_values(client: FlaskClient) -> None:
    bad = client.get("/queries/trials-by-country", query_string={"limit": "5", "format": "json"})
    assert bad.status_code == 400
    assert bad.json is not None and bad.json["parameter"] == "limit"
    too_many = client.get(f"/queries/{PAGED}", query_string={"limit": "51", "format": "json"})
    assert too_many.status_code == 400 and "row limit" in too_many.json["error"]  # type: ignore[index]
    zero = client.get(f"/queries/{PAGED}", query_string={"limit": "0", "format": "json"})
    assert zero.status_code == 400
    whole = client.get("/queries/trials-by-country", query_string={"format": "json"})
    assert whole.status_code == 200 and "Link" not in whole.headers


def test_the_first_page_is_the_default(client: FlaskClient, seed_store: Path) -> None:
    cq = load_query(PAGED)
    response = client.get(f"/queries/{PAGED}", query_string={"format": "json"})
    rows = json.loads(response.data)["results"]["bindings"]
    assert len(rows) == min(cq.page_size or 0, sum(_whole(seed_store).values()))
    assert response.headers["X-Result-Offset"] == "0"


def test_cli_pages_offsets_and_all(seed_store: Path) -> None:
    runner = CliRunner()
    whole = _whole(seed_store)
    seen: Counter[str] = Counter()
    offset = 0
    while True:
        result = runner.invoke(
            main,
            [
                *("query", PAGED, "--store", str(seed_store), "--format", "json"),
                *("--param", "limit=2", "--param", f"offset={offset}"),
            ],
        )
        assert result.exit_code == 0, result.output
        bindings = json.loads(result.stdout)["results"]["bindings"]
        seen.update(
            json.dumps({k: v["value"] for k, v in b.items()}, sort_keys=True) for b in bindings
        )
        m = re.search(r"--param offset=(\d+)", result.stderr)
        if m is None:
            break
        assert int(m.group(1)) == offset + 2
        offset += 2
    assert seen == whole
    every = runner.invoke(main, ["query", "--canned", PAGED, "--store", str(seed_store), "--all"])
    assert every.exit_code == 0, every.output
    streamed = runner.invoke(
        main, ["query", PAGED, "--store", str(seed_store), "--all", "--format", "json"]
    )
    bindings = json.loads(streamed.stdout)["results"]["bindings"]
    assert (
        Counter(json.dumps({k: v["value"] for k, v in b.items()}, sort_keys=True) for b in bindings)
        == whole
    )
    assert "offset" not in streamed.stderr
    refused = runner.invoke(
        main, ["query", "trials-by-country", "--store", str(seed_store), "--param", "limit=2"]
    )
    assert refused.exit_code == 2 and "not a paged listing" in refused.output


def test_same_store_same_pages(seed_graph: Store) -> None:
    cq = load_query(PAGED)
    first = [cq.execute_page(seed_graph, {"limit": "3", "offset": str(o)}) for o in (0, 3)]
    again = [cq.execute_page(seed_graph, {"limit": "3", "offset": str(o)}) for o in (0, 3)]
    assert [p.table for p in first] == [p.table for p in again]
    assert first[0].next_offset == 3


@pytest.mark.skipif(not OXIGRAPH.exists(), reason="the dev dependency oxigraph")
def test_paging_over_a_remote_endpoint(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    runner = CliRunner()
    with oxigraph_server(tmp_path / "server") as base:
        published = runner.invoke(
            main, ["publish", "--store", str(store), "--to", f"{base}/store", "--quiet"]
        )
        assert published.exit_code == 0, published.output
        whole = _whole(store)
        cq = load_query(PAGED)
        for dialect in ("oxigraph", "sparql11"):
            endpoint = Endpoint(f"{base}/query", dialect=dialect)
            seen: Counter[str] = Counter()
            offset: int | None = 0
            while offset is not None:
                page = cq.execute_remote_page(endpoint, {"limit": "2", "offset": str(offset)})
                assert len(page.table.rows) <= 2
                seen.update(
                    json.dumps({k: v for k, v in r.items() if v is not None}, sort_keys=True)
                    for r in page.table.values()
                )
                offset = page.next_offset
            assert seen == whole, dialect
        first = runner.invoke(
            main, ["query", PAGED, "--endpoint", f"{base}/query", "--param", "limit=2"]
        )
        assert first.exit_code == 0, first.output
        assert "--param offset=2" in first.stderr
        every = runner.invoke(
            main, ["query", PAGED, "--endpoint", f"{base}/query", "--all", "--format", "json"]
        )
        assert every.exit_code == 0, every.output
        assert len(json.loads(every.stdout)["results"]["bindings"]) == sum(whole.values())


# ------------------------------------------------------------------ summaries


def _select(store: Store, text: str, *, union: bool = True) -> QuerySolutions:
    result = store.query(text, use_default_graph_as_union=union)
    assert isinstance(result, QuerySolutions)
    return result


def test_country_summaries_match_the_sites(seed_graph: Store) -> None:
    """Each trial's cto:countrySites nodes say what its sites say: one per country, with
    the number of distinct sites there; trials-by-country gives what counting the sites
    gives."""
    by_sites = {
        (r["t"].value, r["country"].value): int(r["n"].value)
        for r in _select(
            seed_graph,
            f"SELECT ?t ?country (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?t <{CTO}site> ?s . "
            f"?s <{CTO}country> ?country }} GROUP BY ?t ?country",
        )
    }
    summaries = {
        (r["t"].value, r["country"].value): int(r["n"].value)
        for r in _select(
            seed_graph,
            f"SELECT ?t ?country ?n WHERE {{ ?t <{CTO}countrySites> ?cs . ?cs a <{CTO}CountrySites> ; "
            f"<{CTO}inCountry> ?country ; <{CTO}siteCount> ?n }}",
        )
    }
    assert by_sites and summaries == by_sites
    rows = load_query("trials-by-country").execute(seed_graph, {}).values()
    expected: dict[str, list[int]] = {}
    for (_, country), n in by_sites.items():
        expected.setdefault(country, []).append(n)
    assert {r["country"]: (int(r["trials"] or 0), int(r["sites"] or 0)) for r in rows} == {
        c: (len(ns), sum(ns)) for c, ns in expected.items()
    }


def test_summaries_are_in_the_records_own_graph(seed_graph: Store) -> None:
    rows = list(
        _select(
            seed_graph,
            f"SELECT ?g ?g2 WHERE {{ GRAPH ?g {{ ?t <{CTO}countrySites> ?cs }} "
            f"GRAPH ?g2 {{ ?t <{CTO}site> ?s }} }}",
            union=False,
        )
    )
    assert rows and all(r["g"] == r["g2"] for r in rows)


# ------------------------------------------------------------------ the overview


def _overview_counts(store: Path) -> dict[str, int]:
    app = create_app(ServerConfig(store=store))
    with app.test_client() as c:
        html = c.get("/").get_data(as_text=True)
    return {
        name: int(n.replace(",", ""))
        for n, name in re.findall(r"<b>([\d,]+)</b><span>([^<]+)</span>", html)
    }


def _real_counts(store: Path) -> dict[str, int]:
    gs = open_store(store, read_only=True)

    def count(cls: str) -> int:
        (row,) = _select(
            gs.store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{CTO}{cls}> }}"
        )
        return int(row["n"].value)

    return {"trials": count("Trial"), "doses": count("Dose"), "sites": count("Site")}


def test_the_overview_counts_are_the_stores_after_a_build_and_a_rebuild(tmp_path: Path) -> None:
    from kg.build import build

    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    store = tmp_path / "store"
    assert not build([inputs], store).failed
    shown = _overview_counts(store)
    real = _real_counts(store)
    assert {k: shown[k] for k in real} == real
    # drop one seed page and rebuild incrementally (--prune): the figures follow
    victim = sorted(p for p in inputs.rglob("*") if p.is_file())[0]
    victim.unlink()
    report = build([inputs], store, prune=True)
    assert not report.failed and report.removed
    shown_after = _overview_counts(store)
    real_after = _real_counts(store)
    assert {k: shown_after[k] for k in real_after} == real_after
    assert real_after["trials"] == real["trials"] - 1


def test_the_overview_pages_its_trials(client: FlaskClient) -> None:
    first = client.get("/").get_data(as_text=True)
    assert "in order of NCT id" in first
    assert "NCT05018637" in first
    far = client.get("/", query_string={"offset": "1000"})
    assert far.status_code == 200 and 'rel="prev"' in far.get_data(as_text=True)
    assert client.get("/", query_string={"offset": "x"}).status_code == 400


def test_the_overview_chart_has_every_dose_in_cells(client: FlaskClient, seed_graph: Store) -> None:
    (row,) = _select(
        seed_graph,
        f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d <{CTO}maxCells> ?m ; <{CTO}doseUnit> ?u ; "
        f"<{CTO}doseOf> ?p . FILTER(?u IN (<{CTO}Cells>, <{CTO}CellsPerKilogram>)) "
        f"?t <{CTO}studiesProduct> ?p }}",
    )
    doses = int(row["n"].value)
    assert doses > 0
    chart = client.get("/overview/doses").get_data(as_text=True)
    assert f"· {doses} doses</figcaption>" in chart
    assert chart.count("<circle") >= doses


def test_the_trial_page_shows_sites_not_their_summaries(client: FlaskClient) -> None:
    page = client.get("/trial/doc-874a73b01c8a25c0", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/site/" in html  # the sites are linked
    assert "/sites-in/" not in html


def test_a_trial_two_records_state_counts_the_sites_of_both(seed_graph: Store) -> None:
    """Two records of one trial (a registry copy beside a ClinicalTrials.gov record), each
    with one site in China, not the same one: each record's summary says 1 site, the trial
    has 2, and trials-by-country says what counting the sites says."""
    from pyoxigraph import Literal, NamedNode, Quad

    from kg.summary import summary_quads

    trial = NamedNode("https://w3id.org/celltrials/trial/doc-874a73b01c8a25c0")
    (row,) = _select(
        seed_graph, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{trial.value}> a <{CTO}Trial> }} }}"
    )
    graph = row["g"]
    store = Store()
    store.extend(seed_graph.quads_for_pattern(None, None, None, None))
    second = NamedNode(f"{graph.value}-second-record")
    own = [
        q
        for q in seed_graph.quads_for_pattern(None, None, None, graph)
        if "/sites-in/" not in str(q.subject) + str(q.object)
        and "/site/" not in str(q.subject)
        and q.predicate.value != f"{CTO}site"
    ]
    site = NamedNode(f"{trial.value}/site/another-hospital-china")
    copy = [Quad(q.subject, q.predicate, q.object, second) for q in own] + [
        Quad(trial, NamedNode(f"{CTO}site"), site, second),
        Quad(
            site,
            NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            NamedNode(f"{CTO}Site"),
            second,
        ),
        Quad(site, NamedNode(f"{CTO}country"), Literal("China"), second),
    ]
    copy += summary_quads(trial, copy, second)
    store.extend(copy)
    # the listing's figures are the build's (kg.listing_stats): count them again, as a
    # build that wrote the second record would
    from kg import listing_stats
    from kg.rdf import Minter

    listing_stats.refresh(store, Minter(), None)
    by_sites = {
        r["country"].value: (int(r["trials"].value), int(r["sites"].value))
        for r in _select(
            store,
            f"SELECT ?country (COUNT(DISTINCT ?t) AS ?trials) (COUNT(DISTINCT ?s) AS ?sites) "
            f"WHERE {{ ?t <{CTO}site> ?s . ?s <{CTO}country> ?country }} GROUP BY ?country",
        )
    }
    rows = load_query("trials-by-country").execute(store, {}).values()
    assert {r["country"]: (int(r["trials"] or 0), int(r["sites"] or 0)) for r in rows} == by_sites
    before = {
        r["country"]: int(r["sites"] or 0)
        for r in load_query("trials-by-country").execute(seed_graph, {}).values()
    }
    assert by_sites["China"][1] == before["China"] + 1  # the second record's site counts
