"""kg serve's access log (kg.server.accesslog): the lines gunicorn's own logger writes."""

from __future__ import annotations

import datetime
from pathlib import Path
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


@pytest.mark.parametrize("fmt", [None, '%(h)s "%(r)s" %(s)s %({user-agent}i)s'])
@pytest.mark.parametrize("sent", [None, 0, 14279])
def test_the_same_lines_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str | None, sent: int | None
) -> None:
    """What AccessLogger.access writes (directly to the handler with the default format,
    through logging otherwise) is what gunicorn's Logger writes, line for line."""
    resp = SimpleNamespace(status="503 SERVICE UNAVAILABLE", sent=sent, headers=[])
    req = SimpleNamespace(headers=[("USER-AGENT", 'wrk "quoted"')])
    environ = {**ENVIRON, "HTTP_REFERER": 'http://e/"x"'}
    took = datetime.timedelta(microseconds=1234)
    written = []
    for cls in (Logger, AccessLogger):
        cfg = Config()
        cfg.set("accesslog", str(tmp_path / f"{cls.__name__}.log"))
        if fmt is not None:
            cfg.set("access_log_format", fmt)
        logger = cls(cfg)
        logger.now = lambda: "[07/Dec/2026:20:20:00 +0000]"
        _own_handlers(logger, monkeypatch)
        if cls is AccessLogger:  # the default format is written directly
            assert (logger._plain_handlers() is None) == (fmt is not None)
        logger.access(resp, req, environ, took)
        logger.access(resp, req, {**environ, "HTTP_AUTHORIZATION": "Bearer x"}, took)
        for h in logger.access_log.handlers:
            h.close()
        logger.access_log.handlers.clear()
        written.append((tmp_path / f"{cls.__name__}.log").read_text())
    assert written[0] == written[1]
    assert written[0].count("\n") == 2
    assert fmt is not None or 'user [07/Dec/2026:20:20:00 +0000] "GET /sparql' in written[0]


def test_a_filtered_access_log_goes_through_logging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler with a filter (or any formatter but the message alone) is given records:
    the filter decides, as with gunicorn's Logger."""
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "a.log"))
    logger = AccessLogger(cfg)
    resp = SimpleNamespace(status="200 OK", sent=1, headers=[])
    req = SimpleNamespace(headers=[])
    took = datetime.timedelta(microseconds=1)
    _own_handlers(logger, monkeypatch)
    (handler,) = logger.access_log.handlers
    assert logger._plain_handlers() == [handler]
    handler.addFilter(lambda record: False)
    assert logger._plain_handlers() is None
    logger.access(resp, req, ENVIRON, took)
    handler.close()
    logger.access_log.handlers.clear()
    assert (tmp_path / "a.log").read_text() == ""


def _own_handlers(logger: Logger, monkeypatch: pytest.MonkeyPatch) -> None:
    """The access log's handlers as gunicorn set them (pytest's capture handlers left out
    for the test: they would send every line through logging)."""
    own = [h for h in logger.access_log.handlers if getattr(h, "_gunicorn", False)]
    monkeypatch.setattr(logger.access_log, "handlers", own)
