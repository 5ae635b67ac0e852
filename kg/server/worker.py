"""A query process: owns one handle on the store and answers requests over a pipe.

The web process starts it (``python -m kg.server.worker STORE [--writable]``), sends it
one request at a time and kills it when a request outlives its time limit: pyoxigraph
cannot cancel a query, but the operating system can stop the process running it. It
imports only pyoxigraph and the standard library, so a replacement starts in ~50 ms.

Requests (JSON): ``ping``; ``query`` (text, dataset, substitutions, formats, row cap);
``batch`` (several ``query`` requests, one reply: a page's queries in one round trip);
``dump`` (the whole store as N-Quads, or the union graph as Turtle); ``update`` and
``gsp_write`` (only in a process started with ``--writable``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any, Protocol, cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    serialize,
)

from kg.results import write_boolean, write_solutions
from kg.server.rowcount import COUNTED, count_rows
from kg.server.sandbox import SandboxError, allowed_destinations, confine
from kg.server.wire import HEADER, decode, encode

__all__ = ["RDF_FORMATS", "Collect", "Sink", "answer_query", "main", "term_from_json"]

CHUNK = 64 * 1024
_NO_NETWORK = (
    "SERVICE is refused: this endpoint makes no outbound connection on a query's behalf "
    "except to the endpoints it was started with (--allow-service)"
)
RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}
# Whole SELECT answers in these formats are written by Oxigraph's own serialiser (its
# CSV and TSV differ from ours: numbers abbreviated, no quoting of triples).
_RESULTS_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
}
assert set(_RESULTS_FORMATS) <= COUNTED


class Sink(Protocol):
    """Where a reply goes: :class:`_Out` (the pipe) or the web process's collector
    (:mod:`kg.server.smallread`)."""

    def json(self, kind: bytes, value: Any) -> None: ...
    def frame(self, kind: bytes, payload: bytes = b"") -> None: ...
    def body(self, data: bytes) -> None: ...
    def write(self, data: bytes | memoryview) -> int: ...
    def flush(self) -> None: ...


class _Out:
    """Frames for the reply pipe. ``write`` collects body bytes into ``D`` frames; frames
    go out in one write per reply for small replies (header, body and end together), and
    in 64 KiB chunks for large ones."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()  # body bytes not yet framed
        self.pending = bytearray()  # frames not yet written to the pipe

    def _send(self) -> None:
        data = bytes(self.pending)
        self.pending.clear()
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def _frame_body(self) -> None:
        if self.buffer:
            self.pending += encode(b"D", bytes(self.buffer))
            self.buffer.clear()

    def frame(self, kind: bytes, payload: bytes = b"") -> None:
        self._frame_body()
        self.pending += encode(kind, payload)
        if kind != b"H":  # a header waits for its body (or the end)
            self._send()

    def json(self, kind: bytes, value: Any) -> None:
        self.frame(kind, json.dumps(value, separators=(",", ":")).encode("utf-8"))

    def body(self, data: bytes) -> None:
        """A whole body at once, framed in chunks."""
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            self.write(view[start : start + CHUNK])

    def write(self, data: bytes | memoryview) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self._frame_body()
            self._send()
        return len(data)

    def flush(self) -> None:
        """Called by pyoxigraph's serialisers; frames go out by size and at the end."""

    def discard(self) -> None:
        """Forget what was not sent yet (a reply that failed midway)."""
        self.buffer.clear()
        self.pending.clear()


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        data = os.read(fd, size - len(chunks))
        if not data:
            return None
        chunks += data
    return bytes(chunks)


def _requests(fd: int) -> Iterator[dict[str, Any]]:
    while True:
        head = _read_exact(fd, HEADER.size)
        if head is None:
            return
        _, length = HEADER.unpack(head)
        payload = _read_exact(fd, length)
        if payload is None:
            return
        yield decode(payload)


def term_from_json(value: dict[str, Any]) -> NamedNode | BlankNode | Literal | Triple:
    """The inverse of :func:`kg.results.term_json`."""
    kind = value["type"]
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(value["value"])
    if kind == "literal":
        if "xml:lang" in value:
            return Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            return Literal(value["value"], datatype=NamedNode(value["datatype"]))
        return Literal(value["value"])
    if kind == "triple":
        v = value["value"]
        subject, predicate = term_from_json(v["subject"]), term_from_json(v["predicate"])
        if isinstance(subject, Literal) or not isinstance(predicate, NamedNode):
            raise ValueError(
                "a quoted triple needs an IRI or blank node subject and an IRI predicate"
            )
        return Triple(subject, predicate, term_from_json(v["object"]))
    raise ValueError(f"unknown term type {kind!r}")


def _graphs(names: list[str | None] | None) -> list[NamedNode | DefaultGraph] | None:
    if names is None:
        return None
    return [DefaultGraph() if n is None else NamedNode(n) for n in names]


def answer_query(store: Store, req: dict[str, Any], out: Sink) -> None:
    """Run a ``query`` request and send its reply to ``out``."""
    kwargs: dict[str, Any] = {"base_iri": req.get("base_iri")}
    default_graph = _graphs(req.get("default_graph"))
    named_graphs = req.get("named_graphs")
    if default_graph is None and named_graphs is None:
        kwargs["use_default_graph_as_union"] = True
    else:
        kwargs["default_graph"] = default_graph or []
        kwargs["named_graphs"] = [NamedNode(n) for n in named_graphs or []]
    if req.get("substitutions"):
        kwargs["substitutions"] = {
            Variable(name): term_from_json(term) for name, term in req["substitutions"].items()
        }
    max_rows = int(req["max_rows"])
    result = store.query(req["query"], **kwargs)
    if isinstance(result, QuerySolutions):
        dropped = set(req.get("drop") or ())
        fmt = req["results_format"]
        if req.get("whole") and not dropped and fmt in _RESULTS_FORMATS:
            # No row cap, no column left out: Oxigraph writes the rows (several times
            # faster than row objects and a Python writer), then they are counted.
            body = result.serialize(format=_RESULTS_FORMATS[fmt])
            assert body is not None  # no output given: the bytes
            count = count_rows(body, fmt)
            out.json(b"H", {"kind": "select", "rows": count, "truncated": False})
            out.body(body)
            out.frame(b"E")
            return
        variables = [v.value for v in result.variables if v.value not in dropped]
        rows = [[s[v] for v in variables] for s in islice(result, max_rows + 1)]
        truncated = len(rows) > max_rows
        del rows[max_rows:]
        out.json(b"H", {"kind": "select", "rows": len(rows), "truncated": truncated})
        write_solutions(variables, rows, req["results_format"], out.write)
    elif isinstance(result, QueryBoolean):
        out.json(b"H", {"kind": "ask", "rows": 1, "truncated": False})
        write_boolean(bool(result), req["results_format"], out.write)
    else:
        assert isinstance(result, QueryTriples)
        triples = list(islice(result, max_rows + 1))
        truncated = len(triples) > max_rows
        del triples[max_rows:]
        out.json(b"H", {"kind": "graph", "rows": len(triples), "truncated": truncated})
        _serialize(triples, req["graph_format"], req.get("prefixes"), out)
    out.frame(b"E")


class Collect:
    """A :class:`Sink` that keeps one reply in memory: its header and body."""

    def __init__(self) -> None:
        self.header: dict[str, Any] | None = None
        self.buffer = bytearray()
        self.ended = False

    def json(self, kind: bytes, value: Any) -> None:
        if kind != b"H":
            raise RuntimeError(f"unexpected frame {kind!r}")
        self.header = value

    def frame(self, kind: bytes, payload: bytes = b"") -> None:
        if kind != b"E":
            raise RuntimeError(f"unexpected frame {kind!r}")
        self.ended = True

    def body(self, data: bytes) -> None:
        self.buffer += data

    def write(self, data: bytes | memoryview) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass


def _batch(store: Store, req: dict[str, Any], out: Sink) -> None:
    """Several query requests in one round trip (a page's queries): each answered as
    :func:`answer_query` would, then one reply whose header lists each part's header and
    length and whose body is the parts one after the other. A failing query fails the
    whole batch, as it would have failed the page."""
    parts: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    for query in req["queries"]:
        part = Collect()
        answer_query(store, query, part)
        parts.append({"header": part.header, "length": len(part.buffer)})
        bodies.append(bytes(part.buffer))
    out.json(b"H", {"kind": "batch", "parts": parts, "rows": len(parts), "truncated": False})
    for body in bodies:
        out.body(body)
    out.frame(b"E")


def _serialize(items: Iterable[Any], fmt: str, prefixes: dict[str, str] | None, out: Sink) -> None:
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) and prefixes:
        serialize(items, cast(IO[bytes], out), rdf_format, prefixes=prefixes)
    else:
        serialize(items, cast(IO[bytes], out), rdf_format)


def _dump(store: Store, req: dict[str, Any], out: _Out) -> None:
    fmt = req["format"]
    out.json(b"H", {"kind": "dump", "rows": -1, "truncated": False})
    if RDF_FORMATS[fmt].supports_datasets:
        store.dump(cast(IO[bytes], out), RDF_FORMATS[fmt])
    else:
        union = store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        assert isinstance(union, QueryTriples)
        _serialize(union, fmt, req.get("prefixes"), out)
    out.frame(b"E")


def _graph_exists(store: Store, graph: str | None) -> bool:
    if graph is None:
        return True
    return bool(store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")) or NamedNode(
        graph
    ) in set(store.named_graphs())


def _gsp_write(store: Store, req: dict[str, Any], out: _Out) -> None:
    """Graph Store Protocol PUT / POST / DELETE of one graph, each one transaction."""
    graph: str | None = req.get("graph")
    target = f"GRAPH <{graph}>" if graph else "DEFAULT"
    existed = _graph_exists(store, graph) if graph else True
    ops: list[str] = []
    if req["mode"] in ("put", "delete"):
        ops.append(f"DROP SILENT {target}" if graph else "CLEAR SILENT DEFAULT")
    if req["mode"] in ("put", "post"):
        triples = list(
            parse(
                req["data"].encode("utf-8"),
                RDF_FORMATS[req["format"]],
                base_iri=graph or req.get("base_iri"),
            )
        )
        lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        if lines:
            body = f"GRAPH <{graph}> {{\n{lines}\n}}" if graph else lines
            ops.append(f"INSERT DATA {{\n{body}\n}}")
    if ops and not (req["mode"] == "delete" and not existed):
        store.update(" ;\n".join(ops))
    out.json(b"H", {"kind": "gsp", "existed": existed, "rows": 0, "truncated": False})
    out.frame(b"E")


def _handle(store: Store, req: dict[str, Any], out: _Out, *, writable: bool) -> None:
    op = req.get("op")
    if op == "ping":
        out.json(b"H", {"kind": "pong", "pid": os.getpid(), "quads": len(store)})
        out.frame(b"E")
    elif op == "query":
        answer_query(store, req, out)
    elif op == "batch":
        _batch(store, req, out)
    elif op == "dump":
        _dump(store, req, out)
    elif op in ("update", "gsp_write") and not writable:
        out.json(b"X", {"kind": "forbidden", "message": "this query process is read-only"})
    elif op == "update":
        store.update(req["update"], base_iri=req.get("base_iri"))
        out.json(b"H", {"kind": "update", "rows": 0, "truncated": False})
        out.frame(b"E")
    elif op == "gsp_write":
        _gsp_write(store, req, out)
    else:
        out.json(b"X", {"kind": "error", "message": f"unknown operation {op!r}"})


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the web process that started it dies."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _arguments(args: list[str]) -> tuple[str, bool, list[str]]:
    """The store path, --writable and the --allow-service endpoints of the command line."""
    path: str | None = None
    writable = False
    allow: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--writable":
            writable = True
        elif arg == "--allow-service" and i + 1 < len(args):
            allow.append(args[i + 1])
            i += 1
        elif arg.startswith("--"):
            raise SystemExit(f"kg.server.worker: unknown option {arg}")
        else:
            path = arg
        i += 1
    if path is None:
        raise SystemExit("kg.server.worker: no store path given")
    return path, writable, allow


def main(argv: list[str] | None = None) -> int:
    path, writable, allow_service = _arguments(list(sys.argv[1:] if argv is None else argv))
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web process decides when we stop
    reply_fd = os.dup(1)
    os.dup2(2, 1)  # stray prints go to stderr, never into the reply pipe
    out = _Out(reply_fd)
    try:
        # Off the network before the store (and its threads) exist: a SERVICE clause
        # can then reach only the --allow-service endpoints, whatever the query text.
        confine(allowed_destinations(allow_service))
    except SandboxError as exc:
        out.json(b"X", {"kind": "sandbox", "message": f"query process not started: {exc}"})
        return 2
    try:
        store = Store(path) if writable else Store.read_only(path)
    except OSError as exc:
        out.json(b"X", {"kind": "store", "message": f"cannot open the store at {path}: {exc}"})
        return 2
    if writable:  # updates may change any graph: kg publish must read them again
        from kg.graph_versions import forget

        forget(path)
    out.json(b"R", {"pid": os.getpid(), "writable": writable})
    for req in _requests(0):
        try:
            _handle(store, req, out, writable=writable)
        except SyntaxError as exc:
            out.discard()
            out.json(b"X", {"kind": "syntax", "message": str(exc)})
        except PermissionError:
            # The network filter refused a connection (a SERVICE call): say so in our
            # words, never with what the engine made of it.
            out.discard()
            out.json(b"X", {"kind": "forbidden", "message": _NO_NETWORK})
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:
            out.discard()
            out.json(b"X", {"kind": "error", "message": f"{type(exc).__name__}: {exc}"})
    if writable:
        store.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
