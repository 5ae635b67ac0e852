"""A shorter way through the web process for the commonest SPARQL request.

``GET /sparql?query=...`` with no other parameter, no ``Origin`` and a read query is
answered here, before Flask: the checks of :mod:`kg.server.protocol` are made once per
query text and once per ``Accept`` header (then remembered), and the reply of the query
process is handed to the server as it is. The query runs exactly as every other request
does (:meth:`kg.server.executor.ExecutorPool.call`: a query process with its time limit,
memory ceiling and network sandbox, the per-client share and the bounded queue), and the
answer carries the same status, headers and body as the Flask route's (the tests compare
them). Every other request, and every request this path would answer with an error
before running the query (an update, SERVICE, deep nesting, an Accept it cannot meet),
goes to Flask unchanged. A small read (:mod:`kg.server.smallread`: constant-subject
triple patterns within a bound of matching statements) is answered in this process from a
read-only handle, by the code a query process runs; anything else takes the pool.

A point lookup spent about a third of its web-process time in Flask and Werkzeug's
request machinery, content negotiation and the tokeniser (``bench/sparql_http.py``).
"""

from __future__ import annotations

import contextlib
import functools
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_current_url

from kg.server import guard
from kg.server.backend import Backend, client_address
from kg.server.executor import ExecutorError, QueryFailed, StreamCut, request_frame
from kg.server.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    acceptable,
    graph_format,
    results_format,
)
from kg.server.protocol import store_errors
from kg.server.smallread import LocalReads

__all__ = ["SparqlFastPath"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

PATHS = frozenset({"/sparql", "/sparql/"})
CACHED_TEXT = 8192  # longer query texts are checked each time


@functools.lru_cache(maxsize=1024)
def _plain_form(text: str) -> str | None:
    """The form of a query this path may run (SELECT, ASK, CONSTRUCT, DESCRIBE), or None
    when the Flask route must decide: an update, SERVICE anywhere, too deep, no form."""
    if guard.too_deep(text) is not None or guard.is_update(text):
        return None
    if guard.find_refused(text, ("SERVICE",)) is not None:
        return None
    return guard.query_form(text)


@functools.lru_cache(maxsize=1024)
def query_text(qs: str) -> str | None:
    """The query of a query string that holds ``query=`` and nothing else, decoded as
    Werkzeug decodes ``request.args``; None for anything else."""
    try:
        params = parse_qsl(
            qs.encode("latin-1").decode(), keep_blank_values=True, errors="werkzeug.url_quote"
        )
    except UnicodeError:
        return None
    if len(params) != 1 or params[0][0] != "query":
        return None
    return params[0][1]


@functools.lru_cache(maxsize=64)
def _base(
    scheme: str, host: str | None, server: str | None, port: str | None, root: str, path: str
) -> str:
    environ = {
        "wsgi.url_scheme": scheme,
        "SERVER_NAME": server,
        "SERVER_PORT": port,
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    return get_current_url(environ, strip_querystring=True)


def _base_url(environ: dict[str, Any]) -> str:
    """The request's URL without its query string, as Flask's ``request.base_url``."""
    return _base(
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
    )


def plain_form(text: str) -> str | None:
    if len(text) > CACHED_TEXT:
        return _plain_form.__wrapped__(text)
    return _plain_form(text)


@functools.lru_cache(maxsize=256)
def negotiate(accept: str | None, form: str) -> tuple[Format, Format] | None:
    """The results and graph formats for this Accept header, as the Flask route chooses
    them when no ``format`` parameter is given; None: the route answers 406."""
    if not acceptable(accept, RESULT_FORMATS + GRAPH_FORMATS):
        return None
    return results_format(accept, None), graph_format(accept, None)


class SparqlFastPath:
    """WSGI middleware: plain ``GET /sparql?query=`` requests here, the rest to ``app``."""

    def __init__(self, app: WsgiApp, backend: Backend) -> None:
        self.app = app
        self.backend = backend
        self.answered = 0  # requests answered here (for the tests)
        # the request to the query process, made and encoded once per query text,
        # formats and URL
        self._request = functools.lru_cache(maxsize=1024)(self._make_request)
        self._frame = functools.lru_cache(maxsize=1024)(self._make_frame)
        # small reads (kg.server.smallread) are answered in this process; not with an
        # update token (a read-only handle would not see the updates)
        config = backend.config
        self.local = (
            LocalReads(config.store, config.local_read_rows)
            if config.local_read_rows > 0 and not config.writable
            else None
        )

    def _make_request(self, text: str, results: str, graph: str, base_iri: str) -> dict[str, Any]:
        return self.backend.query_request(
            text, results_format=results, graph_format=graph, base_iri=base_iri, uncut=True
        )

    def _make_frame(self, text: str, results: str, graph: str, base_iri: str) -> bytes:
        return request_frame(self._request(text, results, graph, base_iri))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") in PATHS
            and environ.get("REQUEST_METHOD") == "GET"
            and "HTTP_ORIGIN" not in environ
        ):
            answer = self._query(environ, start_response)
            if answer is not None:
                return answer
        return self.app(environ, start_response)

    def _query(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes] | None:
        qs = environ.get("QUERY_STRING", "")
        if not qs.startswith("query="):
            return None
        text = query_text(qs)
        if text is None:
            return None
        form = plain_form(text)
        if form is None:
            return None
        formats = negotiate(environ.get("HTTP_ACCEPT"), form)
        if formats is None:
            return None
        results, graph = formats
        config = self.backend.config
        client = client_address(
            environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), config.trusted_proxies
        )
        try:
            base_iri = _base_url(environ)
        except HTTPException:  # a Host header Werkzeug refuses (SecurityError): the route's 400
            return None
        if self.local is not None:
            local = self.local.answer(text, self._request(text, results.name, graph.name, base_iri))
            if local is not None:
                return self._reply(start_response, local[0], [local[1]], results, graph)
        frame = self._frame(text, results.name, graph.name, base_iri)
        try:
            reply = self.backend.pool.call(frame, timeout=config.query_timeout, client=client)
        except (ExecutorError, QueryFailed) as exc:
            error = store_errors(exc).get_response()
            error.headers.setdefault("X-Content-Type-Options", "nosniff")
            self.answered += 1
            return error(environ, start_response)
        body: Iterable[bytes]
        if reply.body is not None:
            body = [reply.body]
        else:
            stream = reply.chunks()
            stream.on_cut = _breaker(environ.get("gunicorn.socket"))
            body = stream
        return self._reply(start_response, reply.header, body, results, graph)

    def _reply(
        self,
        start_response: StartResponse,
        header: dict[str, Any],
        body: Iterable[bytes],
        results: Format,
        graph: Format,
    ) -> Iterable[bytes]:
        fmt = graph if header.get("kind") == "graph" else results
        headers = [("Content-Type", fmt.media_type)]
        if isinstance(body, list):
            headers.append(("Content-Length", str(sum(len(b) for b in body))))
        headers.append(("Vary", "Accept"))
        if header.get("kind") in ("select", "graph"):
            headers.append(("X-Result-Rows", str(header.get("rows", 0))))
        headers.append(("X-Content-Type-Options", "nosniff"))
        start_response("200 OK", headers)
        self.answered += 1
        return body


def _breaker(sock: socket.socket | None) -> Callable[[], None]:
    """As :func:`kg.server.protocol._connection_breaker`: end a body that cannot be
    finished by closing the connection, so that the client sees an incomplete transfer."""

    def breaker() -> None:
        if sock is None:  # granian: the iteration's error breaks the transfer
            raise StreamCut("the body could not be finished")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    return breaker
