"""kg serve's web worker (kg.server.gworker): the bytes gunicorn's own response writes,
with the head and a short body in one send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gunicorn import util
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from kg.server import gworker
from kg.server.config import ServerConfig
from kg.server.serve import gunicorn_options


class Socket:
    def __init__(self) -> None:
        self.sends: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.sends.append(bytes(data))


def _request(cfg: Config, method: str, version: str = "1.1") -> Any:
    raw = f"{method} /sparql?query=ASK%7B%7D HTTP/{version}\r\nHost: x\r\n\r\n".encode()
    return next(iter(RequestParser(cfg, iter([raw]), ("127.0.0.1", 5000))))


CASES: dict[str, tuple[str, str, list[tuple[str, str]], list[bytes]]] = {
    # name: method, status, headers, body pieces
    "one piece": ("GET", "200 OK", [("Content-Length", "5")], [b"hello"]),
    "two pieces": ("GET", "200 OK", [("Content-Length", "6")], [b"hel", b"lo!"]),
    "length shorter than the piece": ("GET", "200 OK", [("Content-Length", "3")], [b"hello"]),
    "no length (chunked)": ("GET", "200 OK", [("Content-Type", "text/plain")], [b"ab", b"c"]),
    "empty body": ("GET", "200 OK", [("Content-Length", "0")], [b""]),
    "no body": ("GET", "200 OK", [("Content-Length", "0")], []),
    "HEAD": ("HEAD", "200 OK", [("Content-Length", "5")], [b"hello"]),
    "304": ("GET", "304 Not Modified", [], [b""]),
    "error": ("GET", "503 Service Unavailable", [("Content-Length", "4")], [b"busy"]),
    "large": ("GET", "200 OK", [], [b"x" * (gworker.ONE_SEND + 1)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_bytes_as_gunicorn(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(util, "http_date", lambda *a: "Mon, 07 Dec 2026 22:00:00 GMT")
    method, status, headers, pieces = CASES[name]
    cfg = Config()
    sent = []
    for cls in (wsgi.Response, gworker.Response):
        sock = Socket()
        resp = cls(_request(cfg, method), sock, cfg)
        resp.start_response(status, list(headers))
        for piece in pieces:
            resp.write(piece)
        resp.close()
        sent.append(sock.sends)
    gunicorn, ours = sent
    assert b"".join(ours) == b"".join(gunicorn)
    if name in ("one piece", "error"):  # a whole short body: one send, head included
        assert len(gunicorn) == 2 and len(ours) == 1
    elif name == "two pieces":
        assert len(ours) == len(gunicorn) - 1
    elif name in ("no length (chunked)", "large", "HEAD", "304", "empty body", "no body"):
        assert len(ours) == len(gunicorn)


def test_kg_serve_runs_this_worker(tmp_path: Path) -> None:
    options = gunicorn_options(ServerConfig(store=tmp_path), host="127.0.0.1", port=8000, workers=2)
    assert util.load_class(options["worker_class"]) is gworker.GeventWorker
