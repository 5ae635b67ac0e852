"""A stand-in for ``https://clinicaltrials.gov/api/v2/studies`` on 127.0.0.1, for the tests.

It serves recorded study objects in pages the way the API does: ``pageSize`` studies per
page, ``totalCount`` on the first page when ``countTotal=true``, an opaque
``nextPageToken`` while studies remain. It records every request (query parameters and
headers), counts requests per page token, and can be told to misbehave for a given page
(an HTTP error, a ``Retry-After``, a truncated body, a dropped connection, a slow answer).
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/api/v2/studies"
FIRST = ""  # the key of the first page (requested without a pageToken)


@dataclass
class Fault:
    """One bad answer, given instead of the page (then the page is served as usual)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    truncate: bool = False  # a 200 whose JSON is cut in half (Content-Length matches the cut)
    cut_connection: bool = False  # a 200 announcing the whole body, sending half, then closing
    sleep: float = 0.0  # wait this long before answering


@dataclass
class Request:
    params: dict[str, str]
    headers: dict[str, str]


class ReplayServer:
    def __init__(self, studies: list[dict[str, Any]], *, delay: float = 0.0) -> None:
        self.studies = studies
        self.delay = delay  # seconds before every page
        self.requests: list[Request] = []
        self.hits: Counter[str] = Counter()
        self.faults: dict[str, list[Fault]] = {}
        self.sent: dict[str, bytes] = {}  # the last page body served per token key
        self._lock = threading.Lock()
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- helpers for the tests

    @staticmethod
    def token(offset: int) -> str:
        """The nextPageToken that leads to the page starting at study ``offset``."""
        return base64.urlsafe_b64encode(f"replay:{offset}".encode()).decode().rstrip("=")

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{PATH}"

    def fail(self, key: str, *faults: Fault) -> None:
        with self._lock:
            self.faults.setdefault(key, []).extend(faults)

    # -- serving

    def _offset(self, token: str) -> int | None:
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except ValueError:
            return None
        prefix, _, number = text.partition(":")
        if prefix != "replay" or not number.isdigit():
            return None
        return int(number)

    def handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        if parts.path != PATH:
            _send(handler, 404, b"Not Found", "text/plain")
            return
        query = parse_qs(parts.query, keep_blank_values=True)
        params = {k: v[-1] for k, v in query.items()}
        key = params.get("pageToken", FIRST)
        with self._lock:
            self.requests.append(Request(params, dict(handler.headers.items())))
            self.hits[key] += 1
            queue = self.faults.get(key)
            fault = queue.pop(0) if queue else None
        if self.delay:
            time.sleep(self.delay)
        if fault and fault.sleep:
            time.sleep(fault.sleep)
        if params.get("format", "json") != "json":
            _send(handler, 400, b"format: only json here", "text/plain")
            return
        try:
            size = int(params.get("pageSize", "10"))
        except ValueError:
            size = -1
        if not 0 < size <= 1000:
            _send(handler, 400, b"pageSize: must be between 0 and 1000", "text/plain")
            return
        offset = 0 if key == FIRST else self._offset(key)
        if offset is None or offset >= len(self.studies):
            _send(handler, 400, b"pageToken: invalid token", "text/plain")
            return
        page: dict[str, Any] = {}
        if key == FIRST and params.get("countTotal") == "true":
            page["totalCount"] = len(self.studies)
        page["studies"] = self.studies[offset : offset + size]
        if offset + size < len(self.studies):
            page["nextPageToken"] = self.token(offset + size)
        body = json.dumps(page, ensure_ascii=False).encode()
        if fault and fault.status != 200:
            _send(handler, fault.status, fault.body or b"error", "text/plain", fault.headers)
            return
        if fault and fault.truncate:
            _send(handler, 200, body[: len(body) // 2], "application/json")
            return
        if fault and fault.cut_connection:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        with self._lock:
            self.sent[key] = body
        _send(handler, 200, body, "application/json")

    @contextmanager
    def running(self) -> Iterator[ReplayServer]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                try:
                    server.handle(self)
                except (BrokenPipeError, ConnectionResetError):  # the client went away
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        try:
            yield self
        finally:
            httpd.shutdown()
            httpd.server_close()
            self._thread.join()


def _send(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
