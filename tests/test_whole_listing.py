"""Whole-listing forms of paged listings (queries/whole/<name>.rq, kg.queries): every row in
one pass when every row is asked for, the same columns and rows, in the same order, as the
pages; ``kg query NAME --all`` reads it, a narrowing parameter keeps the pages' form, and a
whole form of a query that does not page is refused."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.queries import QUERIES_DIR, WHOLE_DIR, load_queries, load_query
from kg.store import open_store


def test_every_whole_form_belongs_to_a_paged_listing_and_gives_its_rows(seed_store: Path) -> None:
    store = open_store(seed_store, read_only=True).store
    forms = sorted((QUERIES_DIR / WHOLE_DIR).glob("*.rq"))
    assert forms, "no whole-listing form: the test would check nothing"
    queries = load_queries()
    for path in forms:
        cq = queries[path.stem]
        assert cq.pages and cq.whole == path.read_text(encoding="utf-8")
        whole = cq.execute(store, {})
        pages = replace(cq, whole=None).execute(store, {})  # the pages' text, unpaged
        assert whole.columns == pages.columns and list(whole.rows) == list(pages.rows)
        assert len(whole.rows) > 5, cq.name


def test_kg_query_all_streams_the_pages_rows_in_their_order(seed_store: Path) -> None:
    runner = CliRunner()
    base = ["query", "--store", str(seed_store), "arm-doses", "--format", "csv"]
    every = runner.invoke(main, [*base, "--all"])
    assert every.exit_code == 0, every.output
    rows: list[dict[str, str]] = []
    offset: int | None = 0
    while offset is not None:
        page = runner.invoke(main, [*base, "--param", "limit=4", "--param", f"offset={offset}"])
        assert page.exit_code == 0, page.output
        got = list(csv.DictReader(io.StringIO(page.stdout)))
        rows.extend(got)
        offset = offset + 4 if len(got) == 4 else None
    assert list(csv.DictReader(io.StringIO(every.stdout))) == rows
    assert len(rows) > 8


def test_a_narrowing_parameter_keeps_the_pages_form() -> None:
    cq = load_query("arm-doses")
    assert cq.whole is not None
    assert cq.whole_text({}) == cq.whole
    assert cq.whole_text({"trial_iri": ""}) == cq.whole
    assert cq.whole_text({"trial_iri": "https://w3id.org/celltrials/trial/NCT05018637"}) == cq.text


def test_a_whole_form_of_a_query_that_does_not_page_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    (folder / WHOLE_DIR).mkdir(parents=True)
    shutil.copy(QUERIES_DIR / "products-by-tissue.rq", folder / "products-by-tissue.rq")
    (folder / WHOLE_DIR / "products-by-tissue.rq").write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="does not page"):
        load_query("products-by-tissue", folder)
