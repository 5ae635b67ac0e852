"""SPARQL 1.1 Protocol (``/sparql``), Graph Store Protocol reads (``/store``), the
service description, VoID (``/.well-known/void``) and the dumps.

Read-only by default: a SPARQL update or a Graph Store write gets 403 unless the server
has an update token, and then it needs ``Authorization: Bearer <token>``. ``SERVICE``
is refused unless its endpoint is on the allow list, and ``LOAD`` always is: the
server never fetches an address a request names.

A protocol answer is whole: no row cap unless the request asks for one (``max-rows=N``,
as the editor does); a result too large for the time limit or the memory ceiling is an
error, never a shorter answer that looks complete.
"""

from __future__ import annotations

import contextlib
import hmac
import re
import socket
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from kg.rdf import PREFIXES
from kg.server import guard
from kg.server.app import get_backend
from kg.server.executor import (
    ExecutorError,
    PoolBusy,
    ProcessDied,
    QueryFailed,
    QueryMemory,
    QueryTimeout,
    Reply,
    StreamCut,
)
from kg.server.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    FormatError,
    acceptable,
    graph_format,
    results_format,
    wants_html,
)

__all__ = ["ProtocolError", "graph_response", "protocol", "reply_response"]

protocol = Blueprint("protocol", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")  # used with fullmatch
_RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}
_UPLOAD_FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}


class ProtocolError(HTTPException):
    """An error answered as plain text with its status (the protocol's way)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.message = message
        self.extra_headers = headers or {}

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        return Response(
            self.message.rstrip("\n") + "\n",
            status=self.code,
            mimetype="text/plain",
            headers=self.extra_headers,
        )


def _fail(status: int, message: str, **headers: str) -> ProtocolError:
    return ProtocolError(status, message, {k.replace("_", "-"): v for k, v in headers.items()})


def store_errors(exc: Exception) -> ProtocolError:
    """The HTTP answer to an executor failure."""
    if isinstance(exc, QueryTimeout | QueryMemory):
        return _fail(503, str(exc), Retry_After="5")
    if isinstance(exc, PoolBusy):
        return _fail(503, f"server busy: {exc}; try again in a moment", Retry_After="2")
    if isinstance(exc, QueryFailed):
        if exc.kind == "syntax":
            return _fail(400, f"SPARQL syntax error: {exc.message}")
        if exc.kind == "forbidden":
            return _fail(403, exc.message)
        return _fail(400, f"query failed: {exc.message}")
    if isinstance(exc, ProcessDied):
        return _fail(503, str(exc), Retry_After="2")
    # A query process that did not start, or another failure of the machinery: the
    # service is unavailable for now, the request itself may be fine.
    return _fail(503, f"the query service is unavailable: {exc}", Retry_After="5")


# ------------------------------------------------------------------ requests


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(400, f"the request body is not UTF-8: {exc}") from None


def _operation() -> tuple[str | None, str, MultiDict[str, str]]:
    """("query" | "update" | None, text, parameters) of a protocol request."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise _fail(405, "an update must be sent by POST, not GET", Allow="POST")
        queries = args.getlist("query")
        if len(queries) > 1:
            raise _fail(400, "more than one query parameter")
        return ("query", queries[0], args) if queries else (None, "", args)
    mimetype = request.mimetype
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("-", "") != "utf8":
        raise _fail(415, f"only UTF-8 is accepted, not {charset}")
    if mimetype == "application/x-www-form-urlencoded":
        params: MultiDict[str, str] = MultiDict(args)
        for key, values in request.form.lists():
            for value in values:
                params.add(key, value)
        queries, updates = params.getlist("query"), params.getlist("update")
        if len(queries) + len(updates) > 1:
            raise _fail(400, "give exactly one query or one update")
        if queries:
            return "query", queries[0], params
        if updates:
            return "update", updates[0], params
        raise _fail(400, "the form has no query or update parameter")
    if mimetype in ("application/sparql-query", "application/sparql-update"):
        if "query" in args or "update" in args:
            raise _fail(400, "the query is in the body: no query/update parameter as well")
        kind = "query" if mimetype.endswith("query") else "update"
        return kind, _utf8(request.get_data()), args
    if not mimetype:
        raise _fail(
            415,
            "a POST needs a Content-Type: application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
        )
    raise _fail(415, f"unsupported Content-Type {mimetype!r} for a SPARQL request")


def _iris(params: MultiDict[str, str], name: str) -> list[str]:
    values = params.getlist(name)
    for value in values:
        if not _IRI.fullmatch(value):
            raise _fail(400, f"{name}: {value!r} is not an absolute IRI")
    return values


def _formats(params: MultiDict[str, str], form: str | None) -> tuple[Format, Format]:
    """The results and graph formats of a query (``form``: SELECT, ASK, CONSTRUCT,
    DESCRIBE, or None when it cannot be told). A ``format`` / ``output`` parameter that
    names no format we know gives way to ``Accept`` when that names one (SPARQLWrapper
    sends ``format=rdf+xml`` or ``n3`` beside its ``Accept``). An ``Accept`` that no
    format of ours satisfies gets 406; one that names only formats of the other kind
    gets the default of the query's kind (rdflib's SPARQLStore asks for JSON results
    whatever the query, and parses the Content-Type it gets)."""
    requested = params.get("format") or params.get("output")
    accept = request.headers.get("Accept")
    if requested and not _known_format(requested) and accept and not _wildcard_only(accept):
        requested = None  # the client's Accept decides
    if not requested:
        formats = RESULT_FORMATS + GRAPH_FORMATS
        if form is not None and not acceptable(accept, formats):
            kind = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS
            offered = ", ".join(f.media_type.split(";")[0] for f in kind)
            raise _fail(
                406,
                f"Accept: {accept!r} names no format this endpoint answers in "
                f"(for a {form} query: {offered})",
            )
        return results_format(accept, None), graph_format(accept, None)
    results: Format | None
    graph: Format | None
    try:
        results = results_format(accept, requested)
    except FormatError:
        results = None
    try:
        graph = graph_format(accept, requested)
    except FormatError:
        graph = None
    if results is None and graph is None:
        names = ", ".join(f.name for f in RESULT_FORMATS + GRAPH_FORMATS)
        raise _fail(400, f"format: unknown format {requested!r} (known: {names})")
    return results or results_format(accept, None), graph or graph_format(accept, None)


def _known_format(name: str) -> bool:
    for choose in (results_format, graph_format):
        try:
            choose(None, name)
        except FormatError:
            continue
        return True
    return False


def _wildcard_only(accept: str) -> bool:
    """Whether an Accept header names no type but ``*/*`` (then it decides nothing)."""
    types = [part.split(";")[0].strip() for part in accept.split(",")]
    return all(t in ("*/*", "") for t in types)


def _max_rows(params: MultiDict[str, str]) -> int | None:
    """The row cap a request asks for (``max-rows=N``, at most the server's), or None."""
    value = params.get("max-rows")
    if value is None:
        return None
    cap = get_backend().config.max_rows
    try:
        rows = int(value)
    except ValueError:
        rows = 0
    if rows <= 0:
        raise _fail(400, f"max-rows: {value!r} is not a positive whole number")
    return min(rows, cap)


def _check_nesting(text: str) -> None:
    depth = guard.too_deep(text)
    if depth is not None:
        raise _fail(
            400,
            f"the request nests {{ ( [ or unary operators {depth} levels deep; at most "
            f"{guard.MAX_NESTING} are accepted (write the query flatter)",
        )


def _check_service(text: str) -> None:
    if guard.find_refused(text, ("SERVICE",)) is None:
        return
    allowed = set(get_backend().config.allow_service)
    if allowed:
        decoded = guard.unescape(text)
        targets = guard.service_targets(text) + guard.service_targets(decoded)
        if targets and all(t is not None and t in allowed for t in targets):
            return
    raise _fail(
        403,
        "SERVICE is refused: this endpoint does not call other endpoints on a query's "
        "behalf" + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""),
    )


def _authorised() -> None:
    backend = get_backend()
    token = backend.config.update_token
    if token is None:
        raise _fail(
            403,
            "this endpoint is read-only: SPARQL updates and Graph Store writes are refused",
        )
    header = request.headers.get("Authorization", "")
    if not header:
        raise _fail(401, "updates need 'Authorization: Bearer <token>'", WWW_Authenticate="Bearer")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise _fail(403, "wrong update token")


# ------------------------------------------------------------------ responses


def _connection_breaker() -> Callable[[], None]:
    """How to end a response whose body cannot be finished: close the connection without
    the end of the chunked body, so that the client sees an incomplete transfer."""
    sock = request.environ.get("gunicorn.socket")

    def breaker() -> None:
        if sock is None:  # granian: the iteration's error breaks the transfer
            raise StreamCut("the body could not be finished")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    return breaker


def reply_response(
    reply: Reply,
    fmt: Format,
    *,
    download: str | None = None,
    limit: int | None = None,
) -> Response:
    """A Response for an executor reply (whole or streamed), with the result headers.
    ``limit``: the row cap the query ran with (None: the server's ``max_rows``; 0: none)."""
    body: Iterable[bytes] | bytes
    if reply.body is not None:
        body = reply.body
    else:
        stream = reply.chunks()
        stream.on_cut = _connection_breaker()
        body = stream
    response = Response(body, content_type=fmt.media_type)
    response.vary.add("Accept")
    header = reply.header
    if header.get("kind") in ("select", "graph"):
        cap = get_backend().config.max_rows if limit is None else limit
        if cap:
            response.headers["X-Result-Limit"] = str(cap)
        response.headers["X-Result-Rows"] = str(header.get("rows", 0))
        if header.get("truncated"):
            response.headers["X-Result-Truncated"] = (
                f"true; the result was cut at {header.get('rows')} rows (the server's row limit)"
            )
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


def graph_response(triples: Iterable[Triple], fmt: Format) -> Response:
    data = serialize(list(triples), format=_RDF_FORMATS[fmt.name], prefixes=_prefixes())
    response = Response(data, content_type=fmt.media_type)
    response.vary.add("Accept")
    return response


def _prefixes() -> dict[str, str]:
    return PREFIXES | {
        "sd": SD,
        "formats": FORMATS_NS,
        "celltrials": get_backend().base,
    }


# ------------------------------------------------------------------ routes


@protocol.route("/sparql/", methods=["GET", "POST", "OPTIONS"], endpoint="sparql_slash")
@protocol.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, POST, OPTIONS"})
    kind, text, params = _operation()
    if kind is None:
        return service_description()
    _check_nesting(text)
    if kind == "update":
        return _update(text, params)
    return _query(text, params)


def _query(text: str, params: MultiDict[str, str]) -> Response:
    backend = get_backend()
    if guard.is_update(text):
        if not backend.config.writable:
            raise _fail(403, "this endpoint is read-only: SPARQL updates are refused")
        raise _fail(
            400, "this is a SPARQL update: send it as update=... or application/sparql-update"
        )
    _check_service(text)
    results, graph = _formats(params, guard.query_form(text))
    default_graph = _iris(params, "default-graph-uri")
    named_graphs = _iris(params, "named-graph-uri")
    dataset_given = bool(default_graph or named_graphs)
    max_rows = _max_rows(params)
    try:
        reply = backend.run(
            text,
            results_format=results.name,
            graph_format=graph.name,
            default_graph=default_graph if dataset_given else None,
            named_graphs=named_graphs if dataset_given else None,
            base_iri=request.base_url,
            max_rows=max_rows,
            uncut=max_rows is None,
        )
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    fmt = graph if reply.header.get("kind") == "graph" else results
    return reply_response(reply, fmt, limit=max_rows or 0)


def _update(text: str, params: MultiDict[str, str]) -> Response:
    _authorised()
    using, using_named = _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
    if using or using_named:
        try:
            text = guard.add_using(text, using, using_named)
        except ValueError as exc:
            raise _fail(400, str(exc)) from None
    refused = guard.find_refused(text, ("LOAD", "SERVICE"))
    if refused:
        raise _fail(403, f"{refused} is refused: this endpoint never fetches other addresses")
    try:
        get_backend().update(text, base_iri=request.base_url)
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    return Response(status=204)


def service_description() -> Response:
    """The SPARQL service description (Turtle, JSON-LD, ... by Accept); HTML: the editor."""
    accept = request.headers.get("Accept")
    if wants_html(accept):
        return Response(render_template("editor.html", page="editor"))
    try:
        fmt = graph_format(accept, request.args.get("format"))
    except FormatError:
        raise _fail(400, "format: unknown graph format") from None
    backend = get_backend()
    cfg = backend.config
    endpoint = NamedNode(request.base_url.rstrip("/"))
    sd = NamedNode
    dataset = BlankNode()
    default = BlankNode()
    triples = [
        Triple(endpoint, RDF_TYPE, sd(SD + "Service")),
        Triple(endpoint, sd(SD + "endpoint"), endpoint),
        Triple(endpoint, sd(SD + "supportedLanguage"), sd(SD + "SPARQL11Query")),
        Triple(endpoint, sd(SD + "feature"), sd(SD + "UnionDefaultGraph")),
        Triple(
            endpoint,
            sd(SD + "defaultEntailmentRegime"),
            sd("http://www.w3.org/ns/entailment/Simple"),
        ),
        Triple(endpoint, sd(SD + "defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd(SD + "Dataset")),
        Triple(dataset, sd(SD + "defaultGraph"), default),
        Triple(default, RDF_TYPE, sd(SD + "Graph")),
        Triple(
            default,
            sd(PREFIXES["rdfs"] + "comment"),
            Literal("the union of all named graphs of the store"),
        ),
        Triple(dataset, sd(VOID + "sparqlEndpoint"), endpoint),
        Triple(
            endpoint,
            sd(PREFIXES["rdfs"] + "seeAlso"),
            NamedNode(request.host_url + ".well-known/void"),
        ),
        Triple(
            endpoint,
            sd(PREFIXES["rdfs"] + "comment"),
            Literal(
                "Cell-therapy clinical trials knowledge graph. The default graph of a query is "
                "the UNION of all named graphs (one per source record, plus graph/meta, "
                "graph/terms, graph/ontology, graph/stats) unless default-graph-uri / "
                "named-graph-uri or FROM say otherwise. "
                + (
                    "Read-only: updates are refused. "
                    if not cfg.writable
                    else "Updates need a bearer token. "
                )
                + f"Queries stop after {cfg.query_timeout:g} s or at {cfg.memory_mib} MiB of "
                "memory; results are whole (streamed) unless the request asks for a cut with "
                f"max-rows=N (at most {cfg.max_rows}; header X-Result-Truncated). "
                "SERVICE and LOAD are refused."
            ),
        ),
    ]
    if cfg.writable:
        triples.append(Triple(endpoint, sd(SD + "supportedLanguage"), sd(SD + "SPARQL11Update")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "RDF_XML",
        "JSON-LD",
    ):
        triples.append(Triple(endpoint, sd(SD + "resultFormat"), NamedNode(FORMATS_NS + name)))
    for name in ("meta", "terms", "ontology", "stats"):
        named = BlankNode()
        triples += [
            Triple(dataset, sd(SD + "namedGraph"), named),
            Triple(named, sd(SD + "name"), NamedNode(backend.graph(name))),
        ]
    return graph_response(triples, fmt)


@protocol.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset (from graph/stats)."""
    backend = get_backend()
    try:
        fmt = graph_format(request.headers.get("Accept"), request.args.get("format"))
    except FormatError:
        raise _fail(400, "format: unknown graph format") from None
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{backend.graph('stats')}> {{ ?s ?p ?o }} }}"
    try:
        # whole, never cut at max_rows: a description missing its triples count is wrong
        # rather than short (the statistics graph is small: classes, properties, counts)
        reply = backend.run(query, graph_format=fmt.name, uncut=True)
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    return reply_response(reply, fmt, limit=0)


@protocol.route("/dump.<any(ttl, nq):ext>")
def dump(ext: str) -> Response:
    """The whole graph: Turtle (the union graph) or N-Quads (with named graphs), streamed."""
    nquads = ext == "nq"
    fmt = (
        Format("nquads", "application/n-quads; charset=utf-8", ("application/n-quads",), "nq")
        if nquads
        else GRAPH_FORMATS[0]
    )
    try:
        reply = get_backend().dump("nquads" if nquads else "turtle")
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    return reply_response(reply, fmt, download="celltrials." + fmt.extension)


# ------------------------------------------------------------- graph store


def _target_graph() -> str | None:
    graph = request.args.get("graph")
    if graph is not None and "default" in request.args:
        raise _fail(400, "give either ?graph=IRI or ?default, not both")
    if graph is None:
        if "default" not in request.args:
            raise _fail(400, "name the graph: ?graph=IRI or ?default")
        return None
    if not _IRI.fullmatch(graph):
        raise _fail(400, f"graph: {graph!r} is not an absolute IRI")
    return graph


@protocol.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store() -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol (indirect identification). ``?default`` is
    the store's own default graph (the project puts everything in named graphs)."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, HEAD, PUT, POST, DELETE, OPTIONS"})
    graph = _target_graph()
    backend = get_backend()
    if request.method in ("PUT", "POST", "DELETE"):
        _authorised()
        return _graph_store_write(graph)
    accept = request.headers.get("Accept")
    if not request.args.get("format") and not acceptable(accept, GRAPH_FORMATS):
        offered = ", ".join(f.media_type.split(";")[0] for f in GRAPH_FORMATS)
        raise _fail(406, f"Accept: {accept!r} names no graph format of ours ({offered})")
    try:
        fmt = graph_format(accept, request.args.get("format"))
    except FormatError:
        raise _fail(400, "format: unknown graph format") from None
    try:
        if graph is not None and not backend.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
            raise _fail(404, f"no graph {graph} in the store")
        if graph is None:
            reply = backend.run(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                graph_format=fmt.name,
                default_graph=[None],  # the store's own default graph
                named_graphs=[],
                uncut=True,
            )
        else:
            reply = backend.run(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                graph_format=fmt.name,
                uncut=True,
            )
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    return reply_response(reply, fmt, limit=0)  # for HEAD the server sends no body


def _graph_store_write(graph: str | None) -> Response:
    backend = get_backend()
    mode = request.method.lower()
    data = ""
    fmt = "turtle"
    if mode != "delete":
        fmt_name = _UPLOAD_FORMATS.get(request.mimetype)
        if fmt_name is None:
            raise _fail(415, f"unsupported Content-Type {request.mimetype!r} for a graph")
        fmt = fmt_name
        data = _utf8(request.get_data())
    try:
        header = backend.gsp_write(
            mode=mode, graph=graph, data=data, fmt=fmt, base_iri=graph or request.base_url
        )
    except (ExecutorError, QueryFailed) as exc:
        if isinstance(exc, QueryFailed) and exc.kind == "error":
            raise _fail(400, f"cannot store the graph: {exc.message}") from None
        raise store_errors(exc) from None
    if mode == "delete" and not header.get("existed"):
        abort(404)
    if mode in ("put", "post") and not header.get("existed"):
        return Response(status=201)
    return Response(status=204)
