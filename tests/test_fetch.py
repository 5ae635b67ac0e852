"""kg fetch: paging the ClinicalTrials.gov API v2 into the cache that kg build reads.

Every request goes to a replay server on 127.0.0.1 (tests/replay_server.py) serving the
100 real NSCLC study records of the shared data in pages, with scripted failures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from replay_server import FIRST, Fault, ReplayServer

import kg.fetch
from kg.cli import main
from kg.fetch import (
    MANIFEST,
    FetchError,
    RetryEvent,
    RetryPolicy,
    StudyQuery,
    _locked,
    _retry_after,
    fetch,
    query_dir,
)
from kg.sources import iter_input_files

ROOT = Path(__file__).resolve().parent.parent
PAGE = 30  # 100 studies -> pages of 30, 30, 30, 10
TOKENS = [FIRST, ReplayServer.token(30), ReplayServer.token(60), ReplayServer.token(90)]
FAST = RetryPolicy(retries=3, base=0.01, cap=0.05)


@pytest.fixture(scope="module")
def studies(test_data: Path) -> list[dict[str, Any]]:
    data = json.loads((test_data / "ctgov-v2" / "ctg-studies-nsclc.json").read_bytes())
    assert len(data) == 100
    return list(data)


@pytest.fixture
def server(studies: list[dict[str, Any]]) -> Iterator[ReplayServer]:
    with ReplayServer(studies).running() as s:
        yield s


@pytest.fixture(autouse=True)
def _no_proxy_no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Requests to 127.0.0.1 go straight to it; back-off waits are recorded, not slept."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    slept: list[float] = []
    monkeypatch.setattr(kg.fetch, "_sleep", slept.append)
    return slept


def nsclc(page_size: int = PAGE) -> StudyQuery:
    return StudyQuery.create(
        condition="non-small cell lung cancer", statuses=["recruiting"], page_size=page_size
    )


def manifest(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    return doc


def page_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def nct_ids(folder: Path) -> list[str]:
    out = []
    for name in page_files(folder):
        for study in json.loads((folder / name).read_bytes())["studies"]:
            out.append(study["protocolSection"]["identificationModule"]["nctId"])
    return out


# --------------------------------------------------------------------------- the query


def test_query_is_normalised_into_the_api_parameters() -> None:
    q = StudyQuery.create(
        condition="  Non-small   cell lung cancer ",
        term="mesenchymal",
        intervention="MSC",
        statuses=["recruiting", "completed|not yet recruiting", "Recruiting"],
        page_size=250,
    )
    assert q.params() == {
        "format": "json",
        "query.cond": "Non-small cell lung cancer",
        "query.term": "mesenchymal",
        "query.intr": "MSC",
        "filter.overallStatus": "COMPLETED,NOT_YET_RECRUITING,RECRUITING",
        "pageSize": "250",
    }
    same = StudyQuery.create(
        condition="Non-small cell lung cancer",
        term="mesenchymal ",
        intervention="MSC",
        statuses=["NOT_YET_RECRUITING,RECRUITING", "completed"],
        page_size=250,
    )
    assert same == q and same.key(kg.fetch.API_URL) == q.key(kg.fetch.API_URL)
    assert q.key(kg.fetch.API_URL) != q.key("http://127.0.0.1:1/api/v2/studies")
    other = StudyQuery.create(condition="Non-small cell lung cancer", page_size=250)
    assert other.key(kg.fetch.API_URL) != q.key(kg.fetch.API_URL)
    folder = query_dir(Path("cache"), q)
    assert folder.name.startswith("cond-non-small-cell-lung-cancer-")
    assert folder.name.endswith(q.key(kg.fetch.API_URL))
    with pytest.raises(ValueError, match="unknown status 'RECRUTING'"):
        StudyQuery.create(condition="x", statuses=["RECRUTING"])
    with pytest.raises(ValueError, match="1 to 1000"):
        StudyQuery.create(condition="x", page_size=1001)


def test_backoff_is_exponential_jittered_and_bounded() -> None:
    policy = RetryPolicy(base=1.0, cap=8.0)
    for attempt in range(12):
        d = min(8.0, 2.0**attempt)
        for _ in range(20):
            assert d / 2 <= policy.delay(attempt) <= d
    assert _retry_after("7") == 7.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
    assert _retry_after("soon") is None and _retry_after(None) is None


# --------------------------------------------------------------------------- fetching


def test_fetch_pages_the_query_into_the_cache(server: ReplayServer, tmp_path: Path) -> None:
    pages: list[int] = []
    result = fetch(
        nsclc(), tmp_path, base_url=server.url, timeout=5, on_page=lambda e: pages.append(e.number)
    )
    folder = result.folder
    assert folder == query_dir(tmp_path, nsclc(), server.url)
    assert (result.fetched, result.reused, result.complete) == (4, 0, True)
    assert pages == [1, 2, 3, 4]
    assert page_files(folder) == [f"page-0000{i}.json" for i in range(1, 5)]
    # each page is the API's body byte for byte
    for name, key in zip(page_files(folder), TOKENS, strict=True):
        assert (folder / name).read_bytes() == server.sent[key]
    assert len(set(nct_ids(folder))) == 100
    # the parameters the API takes: countTotal on the first page, then the tokens
    assert [r.params.get("pageToken", FIRST) for r in server.requests] == TOKENS
    for i, r in enumerate(server.requests):
        expected = {
            "format": "json",
            "query.cond": "non-small cell lung cancer",
            "filter.overallStatus": "RECRUITING",
            "pageSize": "30",
        }
        if i == 0:
            expected["countTotal"] = "true"
        else:
            expected["pageToken"] = TOKENS[i]
        assert r.params == expected
        assert r.headers["User-Agent"].startswith("celltrials-kg/")
    m = manifest(folder)
    assert m["url"] == server.url and m["params"] == nsclc().params()
    assert m["total_count"] == 100 and m["studies"] == 100 and m["complete"] is True
    assert [p["page_token"] for p in m["pages"]] == [None, *TOKENS[1:]]
    assert [p["next_page_token"] for p in m["pages"]] == [*TOKENS[1:], None]
    assert [p["studies"] for p in m["pages"]] == [30, 30, 30, 10]
    assert {p.name for p in folder.iterdir() if p.name.startswith(".")} == {MANIFEST, ".lock"}


def test_errors_are_retried_and_never_cached(
    server: ReplayServer, tmp_path: Path, _no_proxy_no_sleep: list[float]
) -> None:
    slept = _no_proxy_no_sleep
    server.fail(FIRST, Fault(status=500, body=b"Internal Server Error"))
    server.fail(TOKENS[1], Fault(status=429, headers={"Retry-After": "2"}))
    server.fail(TOKENS[2], Fault(truncate=True))
    server.fail(TOKENS[3], Fault(cut_connection=True), Fault(status=503))
    events: list[RetryEvent] = []
    result = fetch(
        nsclc(), tmp_path, base_url=server.url, timeout=5, policy=FAST, on_retry=events.append
    )
    assert result.complete and len(set(nct_ids(result.folder))) == 100
    assert [server.hits[t] for t in TOKENS] == [2, 2, 2, 3]
    reasons = [e.reason for e in events]
    assert reasons[0] == "HTTP 500 Internal Server Error"
    assert reasons[1].startswith("HTTP 429")
    assert "unreadable page" in reasons[2] and "invalid or truncated" not in reasons[2]
    assert "cut off" in reasons[3] or "connection" in reasons[3]
    assert reasons[4].startswith("HTTP 503")
    assert all(server.url in e.url for e in events)
    assert slept[1] == 2.0  # Retry-After honoured
    assert all(0.005 <= s <= 0.05 for i, s in enumerate(slept) if i != 1)  # the back-off
    for name, key in zip(page_files(result.folder), TOKENS, strict=True):
        assert (result.folder / name).read_bytes() == server.sent[key]
    assert not list(result.folder.glob("*.tmp")) and not list(result.folder.glob(".*.tmp"))


def test_a_slow_answer_times_out_and_is_retried(server: ReplayServer, tmp_path: Path) -> None:
    server.fail(TOKENS[2], Fault(sleep=1.0))
    events: list[RetryEvent] = []
    started = time.monotonic()
    result = fetch(
        nsclc(), tmp_path, base_url=server.url, timeout=0.3, policy=FAST, on_retry=events.append
    )
    assert time.monotonic() - started < 5
    assert result.complete and server.hits[TOKENS[2]] == 2
    assert [e.reason for e in events] == ["timed out after 0.3 s"]


def test_gives_up_after_the_retries_naming_url_and_status(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.fail(TOKENS[1], *[Fault(status=502, body=b"Bad Gateway")] * 10)
    with pytest.raises(FetchError) as info:
        fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, policy=FAST)
    message = str(info.value)
    assert message.startswith(f"GET {server.url}?")
    assert f"pageToken={TOKENS[1]}" in message
    assert "gave up after 4 attempts (3 retries)" in message and "HTTP 502" in message
    assert server.hits[TOKENS[1]] == 4
    folder = query_dir(tmp_path, nsclc(), server.url)
    assert page_files(folder) == ["page-00001.json"]  # what came before stays
    assert manifest(folder)["complete"] is False


def test_a_refusal_is_not_retried(server: ReplayServer, tmp_path: Path) -> None:
    server.fail(FIRST, Fault(status=400, body=b"filter.overallStatus: unknown value 'X'"))
    with pytest.raises(FetchError, match=r"HTTP 400 .*unknown value 'X'"):
        fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, policy=FAST)
    assert server.hits[FIRST] == 1


def test_a_long_retry_after_is_an_error(server: ReplayServer, tmp_path: Path) -> None:
    server.fail(FIRST, Fault(status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, policy=FAST)


def test_complete_query_fetches_nothing_until_refreshed(
    server: ReplayServer, tmp_path: Path
) -> None:
    fetch(nsclc(), tmp_path, base_url=server.url, timeout=5)
    again = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5)
    assert again.already_complete and again.fetched == 0 and again.reused == 4
    assert len(server.requests) == 4
    fresh = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, refresh=True)
    assert (fresh.fetched, fresh.reused, fresh.complete) == (4, 0, True)
    assert [server.hits[t] for t in TOKENS] == [2, 2, 2, 2]


def test_max_pages_then_continue(server: ReplayServer, tmp_path: Path) -> None:
    first = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, max_pages=2)
    assert (first.fetched, first.complete) == (2, False)
    assert manifest(first.folder)["complete"] is False
    rest = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5)
    assert (rest.fetched, rest.reused, rest.complete) == (2, 2, True)
    assert [server.hits[t] for t in TOKENS] == [1, 1, 1, 1]


def test_resume_trusts_the_page_files_not_only_the_manifest(
    server: ReplayServer, tmp_path: Path
) -> None:
    """A lost manifest, a damaged last page and a leftover temporary file are repaired."""
    folder = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5, max_pages=3).folder
    (folder / MANIFEST).unlink()
    page3 = folder / "page-00003.json"
    page3.write_bytes(page3.read_bytes()[:1000])
    (folder / ".page-00004.json.abc.tmp").write_bytes(b"{")
    result = fetch(nsclc(), tmp_path, base_url=server.url, timeout=5)
    assert (result.reused, result.fetched, result.complete) == (2, 2, True)
    assert [server.hits[t] for t in TOKENS] == [1, 1, 2, 1]
    assert len(set(nct_ids(folder))) == 100 and manifest(folder)["total_count"] == 100
    assert not list(folder.glob(".*.tmp"))


def test_one_writer_per_query(server: ReplayServer, tmp_path: Path) -> None:
    folder = query_dir(tmp_path, nsclc(), server.url)
    folder.mkdir(parents=True)
    with _locked(folder), pytest.raises(FetchError, match="another `kg fetch`"):
        fetch(nsclc(), tmp_path, base_url=server.url, timeout=5)
    assert not server.requests


def test_killed_fetch_resumes_without_refetching(server: ReplayServer, tmp_path: Path) -> None:
    server.delay = 0.2
    server.fail(TOKENS[2], Fault(sleep=3.0))  # page 3 is slow: time to kill the fetch
    cache = tmp_path / "cache"
    args = ["--condition", "non-small cell lung cancer", "--status", "RECRUITING"]
    args += ["--page-size", str(PAGE), "--cache", str(cache), "--base-url", server.url, "-q"]
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "fetch", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    folder = query_dir(cache, nsclc(), server.url)
    try:
        deadline = time.monotonic() + 30
        while not (folder / "page-00002.json").exists():
            assert proc.poll() is None, proc.communicate()[0].decode()
            assert time.monotonic() < deadline, "the fetch saved no second page in 30 s"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert page_files(folder) == ["page-00001.json", "page-00002.json"]
    before = {n: (folder / n).stat().st_mtime_ns for n in page_files(folder)}
    server.delay = 0
    server.faults.clear()
    result = CliRunner().invoke(main, ["fetch", *args])
    assert result.exit_code == 0, result.output
    assert "fetched 2 pages (2 were cached already)" in result.output
    assert "100 of 100 studies: complete" in result.output
    # the two finished pages were requested once, by the killed run, and kept as they were
    assert server.hits[TOKENS[0]] == 1 and server.hits[TOKENS[1]] == 1
    assert server.hits[TOKENS[3]] == 1  # the killed run may have asked for page 3 already
    assert {n: (folder / n).stat().st_mtime_ns for n in before} == before
    assert len(set(nct_ids(folder))) == 100


# --------------------------------------------------------------------------- the command


TRIALS = "SELECT DISTINCT ?t WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }"


def test_kg_fetch_then_kg_build(server: ReplayServer, tmp_path: Path) -> None:
    cache = tmp_path / "ctgov"
    nsclc_all = StudyQuery.create(condition="non-small cell lung cancer", page_size=PAGE)
    args = ["fetch", "--condition", "non-small cell lung cancer", "--page-size", "30"]
    args += ["--cache", str(cache), "--base-url", server.url, "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "fetched 4 pages (0 were cached already)" in result.output
    assert f"kg build {cache}" in result.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "already complete, 4 pages, 100 studies" in again.output
    assert len(server.requests) == 4
    # the manifest and the lock are hidden: kg build reads the four pages only
    assert [p.name for p in iter_input_files([cache])] == [
        f"page-0000{i}.json" for i in range(1, 5)
    ]
    store = tmp_path / "store"
    built = CliRunner().invoke(main, ["build", str(cache), "--store", str(store), "-q"])
    assert built.exit_code == 0, built.output
    assert "4 documents: 4 mapped, 0 unchanged, 0 with errors" in built.output
    assert "query.json" not in built.output and ".lock" not in built.output
    listed = CliRunner().invoke(main, ["query", TRIALS, "--store", str(store), "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    trials = {line.rsplit("/", 1)[-1] for line in listed.stdout.split()[1:]}
    assert trials == set(nct_ids(query_dir(cache, nsclc_all, server.url)))
    assert len(trials) == 100


def test_kg_fetch_gives_up_with_a_clear_error(server: ReplayServer, tmp_path: Path) -> None:
    server.fail(FIRST, *[Fault(status=503)] * 5)
    args = ["fetch", "--term", "msc", "--retries", "2", "--cache", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--base-url", server.url, "-q"])
    assert result.exit_code == 1
    assert f"GET {server.url}?" in result.output
    assert "gave up after 3 attempts (2 retries); last error: HTTP 503" in result.output
    assert "0 pages saved" in result.output and "run the same command again" in result.output


def test_kg_fetch_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(main, ["fetch", "--cache", str(tmp_path)])
    assert empty.exit_code == 2 and "whole registry" in empty.output
    status = runner.invoke(main, ["fetch", "--term", "x", "--status", "open"])
    assert status.exit_code == 2 and "unknown status 'open'" in status.output
    size = runner.invoke(main, ["fetch", "--term", "x", "--page-size", "5000"])
    assert size.exit_code == 2 and "--page-size" in size.output
