"""The web process's handle on the store: every request goes through the executor pool.

The web process asks a query process (the one exception: the small reads of
:mod:`kg.server.smallread`, answered before Flask) (see
:mod:`kg.server.executor`) with a deadline, so pages, canned queries and the SPARQL
endpoint all share the same time limit, row cap and read-only rule.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from flask import request as http_request
from pyoxigraph import BlankNode, Literal, NamedNode, Triple, Variable

from kg.rdf import CURIE_BASES, PREFIXES, iri_to_curie
from kg.results import term_json
from kg.server.config import ServerConfig
from kg.server.executor import LOCAL, ExecutorPool, Reply

__all__ = ["Backend", "Row", "Term", "client_address"]

XSD = PREFIXES["xsd"]
# The row cap the query process gets for an uncut result: more rows than any store holds.
UNCUT = 1 << 62
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as the pages need it (from SPARQL JSON results)."""

    type: str  # uri, bnode, literal, triple
    value: str
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Term:
        if data["type"] == "triple":
            return cls("triple", json.dumps(data["value"]))
        return cls(
            "bnode" if data["type"] == "bnode" else data["type"],
            str(data["value"]),
            data.get("xml:lang"),
            data.get("datatype"),
        )

    @property
    def is_iri(self) -> bool:
        return self.type == "uri"

    @property
    def is_literal(self) -> bool:
        return self.type == "literal"

    @property
    def curie(self) -> str | None:
        return iri_to_curie(self.value) if self.is_iri else None

    @property
    def number(self) -> float | None:
        if self.is_literal and self.datatype in _NUMERIC:
            try:
                return float(self.value)
            except ValueError:
                return None
        return None

    @property
    def is_obo(self) -> bool:
        return self.is_iri and any(self.value.startswith(b) for b in CURIE_BASES.values())

    def __str__(self) -> str:
        return self.value


Row = dict[str, Term]
_RdfTerm = NamedNode | Literal | BlankNode | Triple
Substitutions = Mapping[str, _RdfTerm] | Mapping[Variable, _RdfTerm]


def _trusted(address: str, proxies: Sequence[str]) -> bool:
    if "*" in proxies:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(remote: str | None, forwarded_for: str | None, proxies: Sequence[str]) -> str:
    """Who sent a request, for the per-client limits: the peer's address, or, when the
    peer is a trusted proxy (the same list gunicorn's ``forwarded_allow_ips`` gets), the
    last address of its ``X-Forwarded-For`` (the one that proxy saw).

    >>> client_address("127.0.0.1", "198.51.100.7, 203.0.113.9", ["127.0.0.1"])
    '203.0.113.9'
    >>> client_address("192.0.2.1", "203.0.113.9", ["127.0.0.1"])
    '192.0.2.1'
    """
    peer = remote or LOCAL
    if forwarded_for and _trusted(peer, proxies):
        last = forwarded_for.rsplit(",", 1)[-1].strip()
        if last:
            return last[:100]
    return peer


class Backend:
    """Queries, dumps and updates, each in a query process with a deadline."""

    def __init__(self, config: ServerConfig, pool: ExecutorPool) -> None:
        self.config = config
        self.pool = pool

    def client(self) -> str:
        """The client of the current request (``local`` outside a request)."""
        if not has_request_context():
            return LOCAL
        return client_address(
            http_request.remote_addr,
            http_request.headers.get("X-Forwarded-For"),
            self.config.trusted_proxies,
        )

    def _call(self, req: dict[str, Any], *, timeout: float, stream: bool = False) -> Reply:
        return self.pool.call(req, timeout=timeout, stream=stream, client=self.client())

    @property
    def base(self) -> str:
        return self.config.base_iri

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def run(
        self,
        text: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graph: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: Substitutions | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
        drop: Sequence[str] = (),
        uncut: bool = False,
        client: str | None = None,
    ) -> Reply:
        """Run one query; the default graph is the union of all graphs unless a dataset
        (``default_graph`` / ``named_graphs``) is given (None in ``default_graph``: the
        store's own default graph). ``drop``: variables left out of SELECT results (the
        parameters a canned query projects so that they can be substituted). ``uncut``:
        the whole result, however many rows (streamed; bounded by the time limit and the
        memory ceiling), instead of cutting it at ``max_rows``. ``client``: whose request
        it is (default: the current HTTP request's client)."""
        if (
            not substitutions
            and default_graph is None
            and named_graphs is None
            and not drop
            and base_iri is None
            and results_format == "json"
            and not uncut
            and has_request_context()
        ):
            kept: dict[tuple[str, int], Reply] | None = g.get("kg_prefetched")
            if kept:
                hit = kept.pop((text, max_rows or self.config.max_rows), None)
                if hit is not None:
                    return hit
        request = self.query_request(
            text,
            results_format=results_format,
            graph_format=graph_format,
            default_graph=default_graph,
            named_graphs=named_graphs,
            substitutions=substitutions,
            base_iri=base_iri,
            max_rows=max_rows,
            drop=drop,
            uncut=uncut,
        )
        if client is not None:
            return self.pool.call(request, timeout=self.config.query_timeout, client=client)
        return self._call(request, timeout=self.config.query_timeout)

    def prefetch(self, queries: Sequence[tuple[str, int | None]]) -> None:
        """Run these queries (text, row cap) in one round trip to a query process, within
        one time limit, and keep their answers for the current request: :meth:`run` of
        the same text and cap (JSON, no parameters or dataset) then answers from them,
        once. A page's queries cost one hop instead of one each."""
        if not has_request_context() or not queries:
            return
        requests = [self.query_request(text, max_rows=rows) for text, rows in queries]
        reply = self._call({"op": "batch", "queries": requests}, timeout=self.config.query_timeout)
        body = reply.read()
        kept: dict[tuple[str, int], Reply] = g.setdefault("kg_prefetched", {})
        offset = 0
        for request, part in zip(requests, reply.header["parts"], strict=True):
            end = offset + int(part["length"])
            kept[(request["query"], request["max_rows"])] = Reply(part["header"], body[offset:end])
            offset = end

    def query_request(
        self,
        text: str,
        *,
        results_format: str = "json",
        graph_format: str = "turtle",
        default_graph: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: Substitutions | None = None,
        base_iri: str | None = None,
        max_rows: int | None = None,
        drop: Sequence[str] = (),
        uncut: bool = False,
    ) -> dict[str, Any]:
        """The request :meth:`run` sends to a query process (same arguments)."""
        return {
            "op": "query",
            "query": text,
            "results_format": results_format,
            "graph_format": graph_format,
            "default_graph": list(default_graph) if default_graph is not None else None,
            "named_graphs": list(named_graphs) if named_graphs is not None else None,
            "substitutions": {
                k.value if isinstance(k, Variable) else k: term_json(v)
                for k, v in (substitutions or {}).items()
            },
            "base_iri": base_iri,
            "max_rows": UNCUT if uncut else (max_rows or self.config.max_rows),
            "whole": uncut,  # no cap: the query process may let Oxigraph write the rows
            "drop": list(drop),
            "prefixes": PREFIXES | {"celltrials": self.base},
        }

    def select(
        self,
        text: str,
        substitutions: Substitutions | None = None,
        *,
        max_rows: int | None = None,
        drop: Sequence[str] = (),
    ) -> tuple[list[str], list[Row], bool]:
        """Variables, rows and whether the rows were cut at the row cap."""
        reply = self.run(text, substitutions=substitutions, max_rows=max_rows, drop=drop)
        data = json.loads(reply.read())
        variables = list(data["head"]["vars"])
        rows = [
            {name: Term.from_json(value) for name, value in binding.items()}
            for binding in data["results"]["bindings"]
        ]
        return variables, rows, reply.truncated

    def rows(self, text: str, **subs: NamedNode | Literal) -> list[Row]:
        return self.select(text, subs)[1]

    def ask(self, text: str, **subs: NamedNode | Literal) -> bool:
        data = json.loads(self.run(text, substitutions=subs).read())
        return bool(data["boolean"])

    def dump(self, fmt: str) -> Reply:
        request = {"op": "dump", "format": fmt, "prefixes": PREFIXES | {"celltrials": self.base}}
        return self._call(request, timeout=self.config.dump_timeout, stream=True)

    def update(self, text: str, *, base_iri: str | None) -> Reply:
        request = {"op": "update", "update": text, "base_iri": base_iri}
        return self._call(request, timeout=self.config.query_timeout)

    def gsp_write(
        self, *, mode: str, graph: str | None, data: str, fmt: str, base_iri: str
    ) -> dict[str, Any]:
        request = {
            "op": "gsp_write",
            "mode": mode,
            "graph": graph,
            "data": data,
            "format": fmt,
            "base_iri": base_iri,
        }
        return self._call(request, timeout=self.config.query_timeout).header
