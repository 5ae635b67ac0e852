"""A remote SPARQL 1.1 endpoint: run the canned and ad-hoc queries there.

``kg query --endpoint URL`` sends the same queries to any server that speaks the SPARQL 1.1
Protocol (Oxigraph server, Fuseki, GraphDB, Virtuoso ...) and writes the answers in the
same formats as over the embedded store.

Two things differ from the embedded store:

* **Parameters.** pyoxigraph binds a canned query's parameters as ``substitutions``: the
  variable is a constant throughout the query, inside nested groups and sub-SELECTs that
  project it too. A ``VALUES`` block at the top of the query would not do the same under
  SPARQL's bottom-up evaluation (a ``FILTER`` in a nested group or sub-SELECT would not see
  it), so :func:`bind_parameters` puts each parameter's term, serialised as an RDF term
  from the checked value (:meth:`kg.queries.Param.term`), in place of the variable; it
  leaves ``GROUP BY`` (unless nothing else is grouped by: ``(term)``) and the projection (the canned query drops that constant
  column anyway, and Virtuoso fails on a decimal constant projected beside ORDER BY). The
  query is read token by token (comments, strings and IRIs are never touched) and a
  parameter in a place no term may stand (``BIND(… AS ?p)``, ``VALUES ?p``) is refused;
  ``BOUND(?p)`` of a bound parameter is ``true``, as the substitution makes it. (An optional
  parameter left empty stays an unbound variable: the portable forms test it with
  ``!BOUND(?p) || …``, since Virtuoso takes ``?x = ?unbound`` for false, not an error,
  and so breaks the ``COALESCE(?x = ?p, true)`` idiom.) No text the user typed reaches the query unserialised.
* **Dialect.** Some canned queries use Oxigraph's ``LATERAL`` (SEP-0006) to fix a join
  order; their standard SPARQL 1.1 form is ``queries/portable/<name>.rq``. The dialect is
  chosen by the target (:func:`detect_dialect`: an Oxigraph server says so in its
  ``Server`` header), or by ``--dialect``.

The default graph of the embedded store is the union of the named graphs. Virtuoso,
Fuseki (``tdb:unionDefaultGraph``) and GraphDB can be set up that way; for the Oxigraph
server the client asks for it per query (``union-default-graph``).
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import requests
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

__all__ = [
    "DIALECTS",
    "Endpoint",
    "RemoteError",
    "auth_from_env",
    "bind_parameters",
    "detect_dialect",
    "query_kind",
]

DIALECTS = ("oxigraph", "sparql11")
Term = NamedNode | BlankNode | Literal | Triple


class RemoteError(RuntimeError):
    """A remote endpoint that failed or refused (names the URL and the reason)."""


# ---------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?|:[A-Za-z0-9_\-.]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.S | re.X,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)]


def query_kind(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments,
    strings and IRIs (``SELECT`` when none is found).

    >>> query_kind('PREFIX s: <http://e/SELECT#> # ASK\\nCONSTRUCT { ?s ?p "SELECT" } WHERE {}')
    'CONSTRUCT'
    """
    for kind, tok in _tokens(text):
        if kind == "word" and tok.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok.upper()
    return "SELECT"


_XSD = "http://www.w3.org/2001/XMLSchema#"
# Numbers and booleans in SPARQL's own short syntax (the same RDF terms): Virtuoso fails on
# some typed forms ("0.6"^^xsd:decimal in a projection: "Numeric value out of range").
_SHORT = {
    _XSD + "integer": re.compile(r"[+-]?\d+"),
    _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    _XSD + "double": re.compile(r"[+-]?(?:\d+\.\d*|\.?\d+)[eE][+-]?\d+"),
    _XSD + "boolean": re.compile(r"true|false"),
}


def _term_text(term: Term) -> str:
    """A parameter's term in SPARQL syntax.

    >>> from pyoxigraph import Literal, NamedNode
    >>> [_term_text(Literal(v, datatype=NamedNode(_XSD + t))) for v, t in [("0.6", "decimal"), ("1e8", "double"), ("70.0", "double")]]
    ['0.6', '1e8', '"70.0"^^<http://www.w3.org/2001/XMLSchema#double>']
    """
    if isinstance(term, Literal):
        short = _SHORT.get(term.datatype.value)
        if short is not None and short.fullmatch(term.value):
            return term.value
        return str(term)  # N-Triples form, escaped by pyoxigraph
    if isinstance(term, NamedNode):
        return str(term)
    raise TypeError(f"a parameter must be an IRI or a literal, not {term!r}")


def bind_parameters(text: str, values: Mapping[str, Term]) -> str:
    """The query with each parameter variable replaced by its serialised term.

    >>> from pyoxigraph import Literal, NamedNode
    >>> q = 'SELECT ?x ?n WHERE { ?x <http://e/p> ?v FILTER(?v > ?n) } GROUP BY ?x ?n'
    >>> print(bind_parameters(q, {"n": Literal("3", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}))
    SELECT ?x WHERE { ?x <http://e/p> ?v FILTER(?v > 3) } GROUP BY ?x
    >>> print(bind_parameters('SELECT (COUNT(*) AS ?c) WHERE { ?x ?p ?n } GROUP BY ?n', {"n": Literal("a")}))
    SELECT (COUNT(*) AS ?c) WHERE { ?x ?p "a" } GROUP BY ("a")
    """
    terms = {name: _term_text(term) for name, term in values.items()}
    out: list[str] = []
    depth = 0  # braces
    paren = 0  # parentheses within the current clause
    clause = ""  # "select" (projection), "group" (GROUP BY) or ""
    projected = 0  # items of the current projection
    grouped = 0  # items of the current GROUP BY other than parameters
    group_constants: list[tuple[int, str]] = []  # parameters left out of it, where
    significant: list[str] = []  # the last significant tokens, upper-cased
    tokens = _bound_is_true(_tokens(text), set(terms))
    for i, (kind, tok) in enumerate(tokens):
        upper = tok.upper()
        if clause == "select" and (upper == "WHERE" or tok == "{") and not projected:
            raise ValueError("a SELECT that projects only parameters")
        if clause == "group" and group_constants and kind not in ("space", "comment"):
            ends = kind == "word" and upper in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES")
            if ends or tok == "}":
                if not grouped:
                    at, constant = group_constants[0]
                    out.insert(at, constant)
                group_constants.clear()
        if paren == 0 and (tok in ("*", "(") or (kind == "var" and tok[1:] not in terms)):
            projected += clause == "select"
            grouped += clause == "group"
        if kind == "word" and upper == "SELECT":
            clause, paren, projected = "select", 0, 0
        elif kind == "word" and upper == "WHERE" and clause == "select":
            clause = ""

        elif kind == "word" and upper == "BY" and significant and significant[-1] == "GROUP":
            clause, paren, grouped = "group", 0, 0
            group_constants.clear()

        elif kind == "word" and upper in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            clause = ""
        elif tok == "{":
            if clause == "select":
                clause = ""
            depth += 1
        elif tok == "}":
            depth -= 1
            clause = ""
        elif tok == "(":
            paren += 1
        elif tok == ")":
            paren -= 1
        if kind == "var" and tok[1:] in terms:
            name, term = tok[1:], terms[tok[1:]]
            before = significant[-1] if significant else ""
            before2 = significant[-2] if len(significant) > 1 else ""
            if before in {"AS", "VALUES"}:
                raise ValueError(
                    f"parameter ?{name} stands where no value can be bound ({before2} {before} ?{name})"
                )
            if clause == "select" and paren == 0:  # not projected: a constant column
                _drop_space(out, tokens, i)
                significant.append(tok.upper())
                continue
            if clause == "group" and paren == 0:
                # Left out of GROUP BY (a constant groups nothing; Virtuoso would add a
                # column for it), unless nothing else is grouped by: then ``(term)``.
                _drop_space(out, tokens, i)
                group_constants.append((len(out), f" ({term})"))
            else:
                out.append(term)
            significant.append(tok.upper())
            continue
        out.append(tok)
        if kind not in ("space", "comment"):
            significant.append(upper)
            del significant[:-4]
    if clause == "group" and group_constants and not grouped:
        at, constant = group_constants[0]
        out.insert(at, constant)
    return "".join(out)


def _bound_is_true(tokens: list[tuple[str, str]], names: set[str]) -> list[tuple[str, str]]:
    """``BOUND ( ?p )`` of a bound parameter as the one token ``true``."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        kind, tok = tokens[i]
        if kind == "word" and tok.upper() == "BOUND":
            rest = [(j, t) for j, t in enumerate(tokens[i + 1 :], i + 1) if t[0] != "space"][:3]
            if (
                len(rest) == 3
                and rest[0][1][1] == "("
                and rest[1][1][0] == "var"
                and rest[1][1][1][1:] in names
                and rest[2][1][1] == ")"
            ):
                out.append(("word", "true"))
                i = rest[2][0] + 1
                continue
        out.append((kind, tok))
        i += 1
    return out


def _drop_space(out: list[str], tokens: list[tuple[str, str]], i: int) -> None:
    """A projected parameter left out of a sub-SELECT: drop the space before it too."""
    if out and out[-1].isspace():
        out.pop()


# ---------------------------------------------------------------------- auth


def auth_from_env(var: str | None) -> dict[str, str]:
    """The ``Authorization`` header from an environment variable: ``user:password`` gives
    basic credentials, ``Bearer TOKEN`` or a bare token a bearer token.

    >>> os.environ["KG_DOCTEST_AUTH"] = "alice:s3cret"
    >>> auth_from_env("KG_DOCTEST_AUTH")
    {'Authorization': 'Basic YWxpY2U6czNjcmV0'}
    """
    if not var:
        return {}
    value = os.environ.get(var)
    if not value:
        raise RemoteError(f"--auth-env {var}: the environment variable is not set or empty")
    value = value.strip()
    if value.lower().startswith(("bearer ", "basic ")):
        return {"Authorization": value}
    if ":" in value:
        return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode("ascii")}
    return {"Authorization": f"Bearer {value}"}


# ---------------------------------------------------------------------- endpoint

_GRAPH_TYPES = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
}


def detect_dialect(response_headers: Mapping[str, str]) -> str:
    """``oxigraph`` for an Oxigraph server (its ``Server`` header), else ``sparql11``."""
    server = response_headers.get("Server", "") or response_headers.get("server", "")
    return "oxigraph" if server.lower().startswith("oxigraph") else "sparql11"


@dataclass
class Endpoint:
    """A SPARQL 1.1 Protocol query endpoint (form POST), with retries on 5xx/429."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 300.0
    retries: int = 3
    dialect: str | None = None  # the queries' form; None: the server's (detected)
    session: requests.Session = field(default_factory=requests.Session)
    server: str | None = None  # "oxigraph" or "sparql11", from the first answer

    def _post(self, text: str, accept: str) -> requests.Response:
        params = {}
        if self.server == "oxigraph":  # its default graph is the union only when asked
            params["union-default-graph"] = ""
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(2**attempt * 0.25, 8.0))
            try:
                response = self.session.post(
                    self.url,
                    params=params,
                    data={"query": text},
                    headers={"Accept": accept, **self.headers},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in (429, 502, 503, 504):  # busy or restarting
                last = f"HTTP {response.status_code}: {response.text[:300]}"
                continue
            if response.status_code >= 400:
                raise RemoteError(
                    f"{self.url} refused the query: HTTP {response.status_code}: "
                    f"{' '.join(response.text.split())[:500]}"
                )
            return response
        raise RemoteError(f"{self.url}: no answer after {self.retries + 1} tries ({last})")

    def detect(self) -> str:
        """The dialect for the canned queries: the one asked for, else the server's (asked
        once, with ``ASK {}``)."""
        if self.server is None:
            response = self._post("ASK {}", "application/sparql-results+json")
            self.server = detect_dialect(response.headers)
        return self.dialect or self.server

    def select(self, text: str) -> QuerySolutions | QueryBoolean:
        """A SELECT or ASK query's answer, read from SPARQL 1.1 JSON results."""
        self.detect()
        response = self._post(text, "application/sparql-results+json")
        try:
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.url} sent an answer that is not SPARQL JSON: {exc}") from None

    def graph(self, text: str) -> list[Triple]:
        """A CONSTRUCT or DESCRIBE query's triples."""
        self.detect()
        response = self._post(
            text, "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
        )
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        fmt = _GRAPH_TYPES.get(media)
        if fmt is None:
            raise RemoteError(f"{self.url} sent a graph as {media or 'an unknown type'}")
        try:
            return [q.triple for q in parse(response.content, format=fmt)]
        except SyntaxError as exc:
            raise RemoteError(f"{self.url} sent a graph that does not parse: {exc}") from None
