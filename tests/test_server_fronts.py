"""`kg serve` under each HTTP front (``--front gunicorn``, the default, and ``--front
granian``), end to end on a free 127.0.0.1 port with the access log on: the same answers,
the same access-log lines, X-Forwarded-Proto from a trusted proxy only, the time limit,
and a graceful stop on SIGTERM that leaves no process behind.

The trusted proxy is 127.0.0.2 (``FORWARDED_ALLOW_IPS``): requests sent from that address
are the proxy's, requests from 127.0.0.1 a client's that is not trusted.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.rdf import CTO
from kg.server.testing import free_port, live_server

TRIAL = "https://w3id.org/celltrials/trial/NCT05018637"
JSON_TYPE = "application/sparql-results+json"
LONG_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
PROXY = "127.0.0.2"  # the trusted proxy's address
ACCESS_LINE = re.compile(
    r'(?P<h>\S+) - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(?P<r>[^"]*)" '
    r'(?P<s>\d{3}) (?P<b>\d+|-) "(?P<f>[^"]*)" "(?P<a>[^"]*)"'
)


@dataclass
class Server:
    url: str
    log: Path
    front: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def _get(
    server: Server, path: str, headers: dict[str, str] | None = None, *, source: str = "127.0.0.1"
) -> Answer:
    conn = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=30, source_address=(source, 0)
    )
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def _sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


@pytest.fixture(scope="module", params=["gunicorn", "granian"])
def server(
    seed_store: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    log = tmp_path_factory.mktemp(f"front-{request.param}") / "serve.log"
    with live_server(
        seed_store,
        "--query-timeout",
        "2",
        workers=2,
        log=log,
        front=request.param,
        access_log=True,
        # a server variable named like a header must not read as one (granian copies the
        # server's environment into each request's environ)
        env={"FORWARDED_ALLOW_IPS": PROXY, "HTTP_X_FORWARDED_PROTO": "https"},
    ) as url:
        yield Server(url, log, request.param)


def _access_line(server: Server, agent: str) -> re.Match[str]:
    """The access-log line of the request sent with this User-Agent (written after the
    answer: waited for)."""
    deadline = time.monotonic() + 5
    while True:
        for line in server.log.read_text(errors="replace").splitlines():
            found = ACCESS_LINE.fullmatch(line)
            if found and found["a"] == agent:
                return found
        assert time.monotonic() < deadline, f"no access-log line for {agent}"
        time.sleep(0.05)


def test_point_lookup_and_its_access_log_line(server: Server) -> None:
    path = _sparql(f"SELECT ?p ?o WHERE {{ <{TRIAL}> ?p ?o }}")
    agent = f"point-lookup-{server.front}"
    answer = _get(server, path, {"Accept": JSON_TYPE, "User-Agent": agent, "Referer": "x:y"})
    assert answer.status == 200 and answer.headers.get_content_type() == JSON_TYPE
    rows = json.loads(answer.body)["results"]["bindings"]
    assert {r["p"]["value"] for r in rows} >= {CTO + "nctId", CTO + "hasArm"}
    assert answer.headers["X-Result-Rows"] == str(len(rows))
    line = _access_line(server, agent)
    # gunicorn's default format: the request line as sent, the status, the bytes of the body
    assert line["h"] == "127.0.0.1" and line["f"] == "x:y"
    assert line["r"] == f"GET {path} HTTP/1.1"
    assert (line["s"], line["b"]) == ("200", str(len(answer.body)))


def test_heavy_query_goes_through_the_pool(server: Server) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = _get(server, _sparql(query), {"Accept": JSON_TYPE})
    assert answer.status == 200
    assert int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"]) > 1000


def test_time_limit_service_and_pages(server: Server) -> None:
    agent = f"long-{server.front}"
    started = time.monotonic()
    long = _get(server, _sparql(LONG_QUERY), {"User-Agent": agent})
    assert long.status == 503 and b"time limit of 2 s" in long.body
    assert 1.9 < time.monotonic() - started < 6
    assert _access_line(server, agent)["s"] == "503"
    service = _get(
        server, _sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }")
    )
    assert service.status == 403 and b"SERVICE is refused" in service.body
    page = _get(server, "/trial/NCT05018637", {"Accept": "text/html"})
    assert page.status == 200 and b"NCT05018637" in page.body
    home = _get(server, "/", {"Accept": "text/html"})
    assert home.status == 200 and home.headers.get_content_type() == "text/html"
    # a streamed answer (more than the 4 MiB a web worker buffers) arrives whole
    query = "SELECT ?s ?o WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 60000"
    big = _get(server, _sparql(query), {"Accept": "text/tab-separated-values"})
    assert big.status == 200 and big.headers.get("Content-Length") is None
    assert len(big.body.splitlines()) == 60001


def _endpoint(answer: Answer) -> str:
    found = re.search(rb'"endpoint": *"([^"]+)"', answer.body)
    assert found, answer.body[:300]
    return found[1].decode()


def test_forwarded_proto_from_the_trusted_proxy_only(server: Server) -> None:
    https = {"X-Forwarded-Proto": "https"}
    here = f"127.0.0.1:{server.port}/sparql"
    assert _endpoint(_get(server, "/editor", https, source=PROXY)) == f"https://{here}"
    assert _endpoint(_get(server, "/editor", source=PROXY)) == f"http://{here}"
    assert _endpoint(_get(server, "/editor", {"X-Forwarded-Ssl": "on"}, source=PROXY)) == (
        f"https://{here}"
    )
    # not from another address
    assert _endpoint(_get(server, "/editor", https)) == f"http://{here}"
    # two scheme headers that disagree: refused, as gunicorn refuses them
    both = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "off"}
    assert _get(server, "/editor", both, source=PROXY).status == 400
    assert _get(server, "/editor", both).status == 200  # untrusted: not read at all


def _descendants(pid: int) -> set[int]:
    """Every live process under ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("front", ["gunicorn", "granian"])
def test_sigterm_finishes_the_request_in_flight_and_leaves_nothing(
    seed_store: Path, tmp_path: Path, front: str
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-c", "from kg.cli import main; main()", "serve"]
    cmd += ["--store", str(seed_store), "--port", str(port), "--front", front]
    cmd += ["--query-timeout", "2", "--workers", "2"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", log, front)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if _get(server, "/sparql").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.1)
        # every query process of both workers started (warmed at worker start)
        deadline = time.monotonic() + 30
        while len(_descendants(proc.pid)) < 2 + 2 * 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        tree = _descendants(proc.pid)
        assert len(tree) >= 2 + 2 * 4, tree
        answers: list[Answer] = []
        client = threading.Thread(
            target=lambda: answers.append(_get(server, _sparql(LONG_QUERY), {"User-Agent": "x"}))
        )
        client.start()
        time.sleep(0.7)  # the long query is running
        os.kill(proc.pid, signal.SIGTERM)
        client.join(timeout=20)
        assert proc.wait(timeout=20) == 0
        # the request in flight got its whole answer (the time limit's), not a reset
        assert [a.status for a in answers] == [503] and b"time limit of 2 s" in answers[0].body
        time.sleep(0.5)
        assert [pid for pid in tree if _alive(pid)] == []  # workers and query processes
        with pytest.raises(OSError):
            _get(server, "/sparql")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
