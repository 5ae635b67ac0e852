"""SPARQL servers for the publishing tests, each started on a free 127.0.0.1 port and
stopped afterwards, and a counting proxy that records every request a server receives."""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, proc: subprocess.Popen[bytes], *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server ended with status {proc.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} in {timeout} s")


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """``oxigraph serve`` (the PyPI ``oxigraph`` package's server); yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Seen:
    method: str
    path: str
    graph: str | None
    status: int


@dataclass
class Proxy:
    """Forwards to ``upstream``; ``fail(method, graph)`` may answer a status instead;
    ``token`` (an Authorization value) is required when set."""

    upstream: str
    fail: Callable[[str, str | None], int | None] | None = None
    token: str | None = None
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def graph_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.graph is not None]


@contextlib.contextmanager
def counting_proxy(
    upstream: str,
    *,
    fail: Callable[[str, str | None], int | None] | None = None,
    token: str | None = None,
) -> Iterator[Proxy]:
    proxy = Proxy(upstream, fail, token)
    target = urlsplit(upstream)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            graph = parse_qs(urlsplit(self.path).query).get("graph", [None])[0]
            status: int | None = None
            if proxy.token is not None and self.headers.get("Authorization") != proxy.token:
                status = 401
            elif proxy.fail is not None:
                status = proxy.fail(self.command, graph)
            if status is not None:
                with lock:
                    proxy.seen.append(Seen(self.command, self.path, graph, status))
                payload = b"refused by the test proxy"
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=300)
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "connection", "authorization")
            }
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            with lock:
                proxy.seen.append(Seen(self.command, self.path, graph, response.status))
            self.send_response(response.status)
            for k, v in response.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()


VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}, {load_dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 600
"""


@dataclass
class Virtuoso:
    base: str  # http://127.0.0.1:PORT
    sql_port: int
    folder: Path

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def store_url(self) -> str:  # Graph Store Protocol, digest authentication (dba)
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, script: str) -> str:
        """Run SQL (Virtuoso's isql, as dba with the fresh database's password)."""
        isql = shutil.which("isql-vt") or shutil.which("isql")
        assert isql, "Virtuoso's isql"
        done = subprocess.run(
            [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script.encode(),
            capture_output=True,
            timeout=600,
            check=True,
        )
        return done.stdout.decode(errors="replace")


@contextlib.contextmanager
def virtuoso_server(folder: Path, *, load_dir: Path | None = None) -> Iterator[Virtuoso]:
    """Debian's ``virtuoso-opensource`` server on free ports, with its own ini and
    database in ``folder``; ``load_dir`` is allowed for its bulk loader (``ld_dir``)."""
    assert VIRTUOSO
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            d=folder, sql_port=sql_port, http_port=http_port, load_dir=load_dir or folder
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(ini), "+foreground"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(f"{base}/sparql?query=ASK%7B%7D", proc, timeout=120)
        yield Virtuoso(base, sql_port, folder)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
