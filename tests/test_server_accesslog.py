"""kg serve's access log (kg.server.accesslog): the lines gunicorn's own logger writes."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from kg.server.accesslog import AccessLogger

ENVIRON = {
    "REMOTE_ADDR": "127.0.0.1",
    "REQUEST_METHOD": "GET",
    "RAW_URI": '/sparql?query=ASK%20%7B%7D&x="y"',
    "SERVER_PROTOCOL": "HTTP/1.1",
    "PATH_INFO": "/sparql",
    "QUERY_STRING": "query=ASK%20%7B%7D",
    "HTTP_USER_AGENT": 'wrk "quoted"',
    "HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz",
}


@pytest.mark.parametrize("fmt", [None, '%(h)s "%(r)s" %(s)s %(D)s %({user-agent}i)s'])
@pytest.mark.parametrize("sent", [None, 0, 14279])
def test_the_same_line_as_gunicorn(fmt: str | None, sent: int | None) -> None:
    cfg = Config()
    if fmt is not None:
        cfg.set("access_log_format", fmt)
    resp = SimpleNamespace(status="200 OK", sent=sent, headers=[("Content-Type", "text/x")])
    req = SimpleNamespace(headers=[("USER-AGENT", 'wrk "quoted"')])
    took = datetime.timedelta(microseconds=1234)
    lines = []
    for cls in (Logger, AccessLogger):
        logger = cls(cfg)
        logger.now = lambda: "[07/Dec/2026:20:20:00 +0000]"
        atoms = SafeAtoms(logger.atoms(resp, req, ENVIRON, took))
        lines.append(cfg.access_log_format % atoms)
    assert lines[0] == lines[1]
    assert "user" in lines[0] or fmt is not None
