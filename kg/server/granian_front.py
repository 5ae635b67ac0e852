"""``kg serve --front granian``: the same app under granian, a Rust HTTP server, instead of
gunicorn's gevent workers.

Why a second front: a ``/sparql`` point lookup costs the server ~0.30 ms of CPU under
gunicorn + gevent, of which the Python front (parsing, greenlets, the response) is
~0.07-0.10 ms; granian does that part in Rust (``bench/sparql_http.py``, bench/RESULTS.md).

What ``kg serve`` keeps under this front, as under gunicorn:

* web worker processes forked from the process that made the app (one store check);
  each worker starts its query processes before it serves (gunicorn's
  ``post_worker_init``) and closes them when it ends (``worker_exit``): :func:`_worker`;
* the access log: gunicorn's lines, written by the same :class:`AccessLogger`;
* ``X-Forwarded-Proto`` (and ``-Protocol``, ``-Ssl``) from a trusted proxy only
  (``$FORWARDED_ALLOW_IPS``), read as gunicorn's ``secure_scheme_headers``; two that
  disagree are a 400, as in gunicorn;
* the time limits: they are kept by the query pool (:mod:`kg.server.executor`), whatever
  the front; a request head must arrive within :data:`REQUEST_HEAD_TIMEOUT` s;
* a graceful stop on SIGTERM or SIGINT: each worker stops taking connections, finishes
  its requests (at most :data:`GRACEFUL_TIMEOUT` s, then it is killed), closes its pool;
* a worker that dies is started again.

The model differs in one way: granian runs the app in threads (``blocking_threads`` per
worker), not in greenlets of one thread. Idle and slow connections are held by granian's
Rust side and hold no thread; a thread is taken while the app answers a request. The
query pool's state is guarded by its lock (real threads here, gevent's patched ones
under gunicorn), a query process serves one request at a time, and a request waiting
for its query process waits in ``select()``, which lets the other threads run.
"""

from __future__ import annotations

import contextlib
import datetime
import multiprocessing
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.mp import MPServer, WorkerProcess
from gunicorn.config import Config as GunicornConfig

from kg.server.accesslog import AccessLogger
from kg.server.app import get_backend
from kg.server.backend import _trusted
from kg.server.config import ServerConfig
from kg.server.serve import REQUEST_HEAD_TIMEOUT, WORKER_CONNECTIONS

__all__ = ["GRACEFUL_TIMEOUT", "Front", "serve_granian"]

BACKLOG = 2048  # connections waiting to be accepted (gunicorn's default)
GRACEFUL_TIMEOUT = 10  # seconds a stopping worker may finish its requests (gunicorn's)

# gunicorn's secure_scheme_headers (its default), as WSGI environ keys
SECURE_SCHEME_HEADERS = {
    "HTTP_X_FORWARDED_PROTOCOL": "ssl",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_SSL": "on",
}
_PATH_SAFE = "/:@!$&'()*+,;=~-._"

StartResponse = Callable[..., Any]


class _Sent:
    """What gunicorn's access log reads of a response: its status and bytes sent."""

    __slots__ = ("sent", "status")

    def __init__(self) -> None:
        self.status: str = "500"
        self.sent: int | None = None


class _Counted:
    """A streamed body, counted as it goes; the access-log line when it is closed."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.body:
            self.sent += len(piece)
            yield piece

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.sent)


def access_logger(enabled: bool) -> AccessLogger | None:
    """gunicorn's access logger as ``kg serve`` configures it (stdout), or None."""
    if not enabled:
        return None
    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    cfg.set("loglevel", "info")
    return AccessLogger(cfg)


class Front:
    """The WSGI app as granian calls it: the scheme a trusted proxy says, then the app,
    then the access-log line (gunicorn's)."""

    def __init__(self, app: Flask, proxies: tuple[str, ...], logger: AccessLogger | None) -> None:
        self.app = app
        self.proxies = proxies
        self.logger = logger
        self._trust: dict[str, bool] = {}

    def trusted(self, peer: str) -> bool:
        known = self._trust.get(peer)
        if known is None:
            known = _trusted(peer, self.proxies)
            if len(self._trust) < 1024:
                self._trust[peer] = known
        return known

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.proxies and self.trusted(environ.get("REMOTE_ADDR", "")):
            schemes = {
                "https" if environ[key] == value else "http"
                for key, value in SECURE_SCHEME_HEADERS.items()
                if key in environ
            }
            if len(schemes) > 1:
                return _refuse(start_response, "Contradictory scheme headers\n", self, environ)
            if schemes:
                environ["wsgi.url_scheme"] = schemes.pop()
        if self.logger is None:
            return self.app(environ, start_response)
        return self._logged(environ, start_response)

    def _logged(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        sent = _Sent()
        began = datetime.datetime.now()

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent.status = status
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, capture)
        except BaseException:
            sent.status = "500"
            self.log(sent, environ, began)
            raise
        if isinstance(body, list):
            sent.sent = sum(len(piece) for piece in body)
            self.log(sent, environ, began)
            return body

        def done(size: int) -> None:
            sent.sent = size
            self.log(sent, environ, began)

        return _Counted(body, done)

    def log(self, sent: _Sent, environ: dict[str, Any], began: datetime.datetime) -> None:
        if self.logger is None:
            return
        if "RAW_URI" not in environ:  # gunicorn's: the request target as it came
            path = urllib.parse.quote(environ.get("PATH_INFO", ""), safe=_PATH_SAFE)
            qs = environ.get("QUERY_STRING", "")
            environ["RAW_URI"] = f"{path}?{qs}" if qs else path
        self.logger.access(sent, None, environ, datetime.datetime.now() - began)


def _refuse(
    start_response: StartResponse, message: str, front: Front, environ: dict[str, Any]
) -> list[bytes]:
    body = message.encode()
    start_response(
        "400 Bad Request",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    if front.logger is not None:
        sent = _Sent()
        sent.status, sent.sent = "400", len(body)
        front.log(sent, environ, datetime.datetime.now())
    return [body]


# The front of this process: set by serve_granian before granian forks its workers, read
# by each worker (fork start method: the workers inherit it; nothing is pickled).
_FRONT: dict[str, Front] = {}
_serve_wsgi_worker = MPServer._spawn_wsgi_worker.__wrapped__


def _load() -> Front:
    return _FRONT["front"]  # set by serve_granian before the workers start


@WorkerProcess.wrap_target  # type: ignore[untyped-decorator]
def _worker(worker_id: int, callback: Any, sock: Any, ipc: Any, loop: Any, *args: Any) -> None:
    """A granian WSGI worker whose query processes start before it serves and are closed
    when it has stopped (gunicorn's post_worker_init and worker_exit)."""
    front = _load()
    with front.app.app_context():
        pool = get_backend().pool
    pool.warm()
    try:
        _serve_wsgi_worker(worker_id, callback, sock, ipc, loop, *args)
    finally:
        pool.close()
        with contextlib.suppress(Exception):
            sys.stdout.flush()


def drop_header_variables() -> list[str]:
    """Remove the environment variables named like a request header (``HTTP_*``) from this
    process; returns their names."""
    names = sorted(k for k in os.environ if k.startswith("HTTP_"))
    for name in names:
        del os.environ[name]
    return names


def serve_granian(
    app: Flask,
    config: ServerConfig,
    *,
    host: str,
    port: int,
    workers: int,
    access_log: bool = True,
) -> None:
    """Serve ``app`` under granian until SIGTERM or SIGINT.

    granian starts each request's environ from the process's environment, so a variable of
    the server named ``HTTP_*`` (``HTTP_PROXY``, ``HTTP_X_FORWARDED_PROTO``) would read as a
    header the client never sent: the server's ``HTTP_*`` variables are removed from this
    process (and so from its workers) before they start. The server makes no outbound HTTP
    request that could want them.
    """
    drop_header_variables()
    _FRONT["front"] = Front(app, config.trusted_proxies, access_logger(access_log))
    # the workers must inherit the app (a Flask app cannot be pickled for "spawn")
    multiprocessing.set_start_method("fork", force=True)
    # a thread for every request the pool may run or queue; more wait in granian
    threads = config.processes + config.max_waiting
    server = MPServer(
        target="kg.server.granian_front",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # connections a worker holds at once (idle, slow or busy), as gunicorn's
        # worker_connections: granian stops accepting past this many
        backlog=BACKLOG,
        backpressure=WORKER_CONNECTIONS,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=REQUEST_HEAD_TIMEOUT * 1000),
        log_enabled=True,
        log_level=LogLevels.info,
        log_access=False,  # gunicorn's lines, written by Front
        workers_kill_timeout=GRACEFUL_TIMEOUT,
        respawn_failed_workers=True,
    )
    server.serve(spawn_target=_worker, target_loader=_load, wrap_loader=False)
