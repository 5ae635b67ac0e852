"""No query reaches the network, whatever its text says (issue 11, item 1).

A listener on a local port stands for an internal web service. The query processes are
shut off the network by a seccomp filter they install themselves (kg.server.sandbox), so
neither the known bypass of the text check nor any other spelling of SERVICE makes a
connection; with ``--allow-service`` only the listed endpoint is reached.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.server.executor import ExecutorPool, QueryFailed
from kg.server.testing import live_server


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and answers 200 with SPARQL
    JSON results (so that an allowed SERVICE call succeeds)."""

    BODY = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        + f"Content-Length: {len(self.BODY)}\r\nConnection: close\r\n\r\n".encode()
                        + self.BODY
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    item = Listener()
    yield item
    item.close()


def _spellings(base: str) -> list[str]:
    """SERVICE and LOAD written in many ways: the reported bypass, comments, ``#>`` in IRIs,
    comparisons with ``<``, escapes, prefixed names glued to the keyword, nesting."""
    inner = "{ ?s ?p ?o }"
    return [
        # the reported bypass: a tokenizer reads `<2)SERVICEe:sparql#>` as one IRI
        f"PREFIX e: <{base}> SELECT * {{ FILTER(1<2)SERVICEe:sparql#>\n{inner} }}",
        f"PREFIX e: <{base}> SELECT * {{ FILTER(1<2)SERVICE e:sparql #>\n{inner} }}",
        f"SELECT * {{ SERVICE <{base}sparql> {inner} }}",
        f"SELECT * {{ SERVICE SILENT <{base}sparql> {inner} }}",
        f"SELECT * {{ service <{base}sparql> {inner} }}",
        f"SELECT * {{ SeRvIcE <{base}x#y> {inner} }}",
        f"PREFIX e: <{base}> SELECT * {{ SERVICEe:sparql {inner} }}",
        f"PREFIX e: <{base}> SELECT * {{ SERVICE#comment\ne:sparql {inner} }}",
        f"PREFIX e: <{base}> SELECT * {{ {{ {{ SERVICE e:a {inner} }} }} }}",
        f"SELECT * {{ OPTIONAL {{ SERVICE <{base}o> {inner} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{base}sub> {inner} }} }} }}",
        f"ASK {{ FILTER(1 < 2) SERVICE <{base}ask> {inner} }}",
        f"SELECT * {{ BIND(<{base}v> AS ?e) SERVICE ?e {inner} }}",
        f"SELECT * {{ SERVICE <{base}%3E> {inner} }}",
        f"BASE <{base}> SELECT * {{ SERVICE <rel> {inner} }}",
        f"SELECT * {{ FILTER(1<2)SERVICE<{base}q>{inner} }}",
        f"SELECT * {{ SERVIC\\u0045 <{base}esc> {inner} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{base}c> {inner} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{base}d> {inner} }}",
        f"LOAD <{base}data.ttl>",
    ]


def test_the_filter_refuses_internet_sockets_and_keeps_unix_ones() -> None:
    code = (
        "import socket, errno\n"
        "from kg.server.sandbox import confine\n"
        "confine()\n"
        "for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_STREAM),"
        " (socket.AF_INET, socket.SOCK_DGRAM), (socket.AF_NETLINK, socket.SOCK_RAW)):\n"
        "    try:\n"
        "        socket.socket(family, kind)\n"
        "        print('opened', family)\n"
        "    except PermissionError:\n"
        "        print('refused')\n"
        "a, b = socket.socketpair(); a.send(b'x'); print('unix', b.recv(1))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:5] == ["refused"] * 4 + ["unix b'x'"]


def test_query_process_cannot_connect_whatever_the_text(
    seed_store: Path, listener: Listener
) -> None:
    """Straight to the query process, past every text check of the web side."""
    pool = ExecutorPool(seed_store, size=1)
    try:
        for query in _spellings(listener.url):
            if query.startswith("LOAD"):
                continue  # an update: a read-only process refuses it before any I/O
            request = {
                "op": "query",
                "query": query,
                "results_format": "json",
                "graph_format": "turtle",
                "max_rows": 10,
            }
            try:
                pool.call(request, timeout=20).read()
            except QueryFailed as exc:
                assert exc.kind in ("forbidden", "syntax", "error"), exc
                assert "remote" not in exc.message
    finally:
        pool.close()
    assert listener.connections == 0


def _post(url: str, query: str) -> tuple[int, bytes]:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(
        url + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_live_endpoint_makes_no_connection(
    seed_store: Path, listener: Listener, tmp_path: Path
) -> None:
    with live_server(seed_store, workers=1, log=tmp_path / "serve.log") as url:
        answers = [_post(url, q) for q in _spellings(listener.url)]
        # the endpoint keeps answering afterwards
        assert _post(url, "ASK {}")[0] == 200
    assert listener.connections == 0
    for status, body in answers:
        assert status in (400, 403), (status, body[:300])
        assert b"remote" not in body
    bypass_status, bypass_body = answers[0]
    assert bypass_status == 403 and b"SERVICE is refused" in bypass_body


def test_allow_service_reaches_only_the_listed_endpoint(seed_store: Path, tmp_path: Path) -> None:
    allowed, other = Listener(), Listener()
    try:
        with live_server(
            seed_store,
            "--allow-service",
            allowed.url + "sparql",
            workers=1,
            log=tmp_path / "serve.log",
        ) as url:
            ok = _post(url, f"SELECT ?x {{ SERVICE <{allowed.url}sparql> {{ ?x ?p ?o }} }}")
            # the text check is fooled by the bypass spelling; the filter is not
            sneaky = _post(url, _spellings(other.url)[0])
            listed_host_other_port = _post(
                url, f"SELECT * {{ SERVICE <{other.url}sparql> {{ ?s ?p ?o }} }}"
            )
    finally:
        allowed.close()
        other.close()
    assert ok[0] == 200 and b"remote" in ok[1]
    assert allowed.connections == 1
    assert other.connections == 0
    assert sneaky[0] == 403 and listed_host_other_port[0] == 403
