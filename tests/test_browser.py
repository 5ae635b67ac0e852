"""Drive the workbench in headless Chromium (Debian's chromium, through playwright):
run a canned query from its form, run a query in the editor, open a trial page.

Screenshots of each are kept in tests/artifacts/ (git-ignored). The test skips only when
no chromium binary exists; CI (.ci/run) installs it, so there it always runs. The browser
may reach nothing but the test server: every other request is aborted and reported.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.server.testing import live_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = (
    os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("browser") / "serve.log"
    with live_server(seed_store, workers=2, log=log) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(server):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    yield pg
    context.close()
    assert outside == [], f"the page tried to reach outside addresses: {outside}"
    assert problems == [], problems


def _shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_canned_query_form(page: Any, server: str) -> None:
    page.goto(server + "/queries")
    card = page.locator("#q-uc-msc-above-dose")
    card.locator("input[name=min_cells]").fill("1e7")
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/queries/uc-msc-above-dose?**")
    table = page.locator("table.results")
    table.wait_for()
    assert "min_cells=1e7" in page.url
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:3] == ["trial", "title", "arm"]
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    assert "10" in table.locator("tbody").inner_text()
    assert _shot(page, "canned-query").stat().st_size > 10_000


def test_editor_runs_a_query(page: Any, server: str) -> None:
    page.goto(server + "/editor")
    page.locator(".yasqe .CodeMirror").wait_for()
    query = (
        "PREFIX cto: <https://w3id.org/celltrials/ontology#>\n"
        "SELECT ?dose ?max ?evidence WHERE { ?dose a cto:Dose ; cto:maxCells ?max ; cto:evidence ?evidence }\n"
        "ORDER BY DESC(?max)"
    )
    page.evaluate(
        "q => { const tab = window.celltrialsYasgui.getTab(); tab.getYasqe().setValue(q); }", query
    )
    page.locator("#add-prefixes").click()
    text = page.evaluate("() => window.celltrialsYasgui.getTab().getYasqe().getValue()")
    assert "PREFIX obo: <http://purl.obolibrary.org/obo/>" in text and "ORDER BY DESC(?max)" in text
    page.locator(".yasqe_queryButton").click()
    result = page.locator(".yasr table.dataTable, .yasr .dataTable")
    result.first.wait_for(timeout=20_000)
    text = page.locator(".yasr").inner_text()
    assert "evidence" in text and "4 x 107 WJ-MSCs" in text
    assert page.locator(".yasqe .cm-keyword, .yasqe span.cm-keyword").count() > 0  # highlighted
    assert _shot(page, "editor").stat().st_size > 10_000


def test_trial_page(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.locator("svg.chart circle").first.wait_for()
    _shot(page, "home")
    page.locator("table.trials a", has_text="NCT05018637").click()
    page.wait_for_url("**/trial/NCT05018637")
    doses = page.locator("table.doses")
    doses.first.wait_for()
    text = page.locator("main").inner_text()
    for needle in ("WJ-MSC group", "4 x 107 WJ-MSCs", "Wharton", "001_b5d87a7be4e55322.txt"):
        assert needle in text, needle
    assert page.locator("td.evidence blockquote").count() >= 1
    assert _shot(page, "trial").stat().st_size > 10_000
