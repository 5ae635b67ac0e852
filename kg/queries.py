"""Canned queries: ``queries/<name>.rq`` files with a ``#+`` header, bound with typed terms.

Header format (grlc-style)::

    #+ summary: One line shown in lists
    #+ description: What the query answers and how it decides
    #+ params:
    #+   - min_cells: xsd:double = 1e8 ; threshold of cells per administration
    #+   - condition: xsd:string ; a word of the condition's name (no default: required)

Parameters are passed to Oxigraph as SEP-0007 ``substitutions`` (typed RDF terms), never
pasted into the query text. Oxigraph binds only variables of the SELECT projection, so
a canned query projects its parameters (and groups by them where it aggregates);
:meth:`CannedQuery.execute` drops those constant columns from the result. An optional
parameter with an empty default stays unbound: test it with ``COALESCE(<test>, true)``
(a substituted variable is a constant, so ``BOUND(?param)`` cannot tell).

Paging: a listing that can return most of the store declares ``#+ page: N`` (its default
page size) and then takes two more parameters, ``limit`` (rows per page, at most
:data:`MAX_PAGE`) and ``offset`` (rows to skip). A page is the query with ``LIMIT
limit+1 OFFSET offset`` after its solution modifiers (the extra row says whether there is
a next page), so such a query must have no outer LIMIT/OFFSET of its own, and must not
sort the whole store (Oxigraph evaluates ORDER BY fully): it reads an index in a stable
order and looks each row's details up (LATERAL), so the first page costs what its rows
cost, whatever the store's size, and the same store gives the same pages.
:meth:`CannedQuery.execute` without ``limit``/``offset`` returns the whole listing;
:meth:`CannedQuery.execute_page` one page (the default page when none is given).
A listing whose pages look each row up may also have a whole-listing text,
``queries/whole/<name>.rq`` (same parameters and columns): every row in one pass with hash
joins, in the pages' order, used when every row is asked for (:meth:`CannedQuery.whole_text`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Triple, Variable

from kg.bundled import bundled
from kg.rdf import PREFIXES, curie_to_iri
from kg.results import Table

if TYPE_CHECKING:
    from kg.remote import Endpoint

Term: TypeAlias = NamedNode | BlankNode | Literal | Triple

__all__ = [
    "MAX_PAGE",
    "PAGE_PARAMS",
    "PORTABLE_DIR",
    "QUERIES_DIR",
    "CannedQuery",
    "Page",
    "Paging",
    "Param",
    "ParamError",
    "load_queries",
    "load_query",
]

QUERIES_DIR = bundled("queries")
# Standard SPARQL 1.1 forms of the canned queries that use an Oxigraph extension (LATERAL),
# for other servers (kg.remote): queries/portable/<name>.rq, same parameters and columns.
PORTABLE_DIR = "portable"
# Whole-listing forms of paged listings: queries/whole/<name>.rq (every row, one pass).
WHOLE_DIR = "whole"
XSD = PREFIXES["xsd"]
_PARAM_RE = re.compile(
    r"^-\s*(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[\w:]+)\s*(?:=\s*(?P<default>[^;]*?))?\s*(?:;\s*(?P<doc>.*))?$"
)
# The paging parameters of a query with a ``#+ page:`` header (no query may declare them).
PAGE_PARAMS = ("limit", "offset")
MAX_PAGE = 10_000  # rows of one page at most (the server's row cap by default)
_PAGE_RE = re.compile(r"^page:\s*(?P<size>\d+)\s*$")
TYPES = ("xsd:double", "xsd:decimal", "xsd:integer", "xsd:string", "xsd:boolean", "iri", "curie")


class ParamError(ValueError):
    """A parameter value that does not fit its declared type (names the parameter)."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(f"parameter {name!r}: {reason}")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str

    def term(self, raw: str) -> Literal | NamedNode:
        """The typed RDF term for a raw value, or ParamError."""
        value = raw.strip()
        if self.type in ("xsd:double", "xsd:decimal"):
            try:
                number = float(value)
            except ValueError:
                raise ParamError(self.name, f"{raw!r} is not a number") from None
            if not math.isfinite(number):
                raise ParamError(self.name, f"{raw!r} is not a finite number")
            lexical = repr(number) if self.type == "xsd:double" else _decimal(number)
            return Literal(lexical, datatype=NamedNode(XSD + self.type[4:]))
        if self.type == "xsd:integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise ParamError(self.name, f"{raw!r} is not an integer")
            return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
        if self.type == "xsd:boolean":
            if value.lower() not in ("true", "false", "1", "0"):
                raise ParamError(self.name, f"{raw!r} is not true or false")
            return Literal(
                str(value.lower() in ("true", "1")).lower(), datatype=NamedNode(XSD + "boolean")
            )
        if self.type == "iri":
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value, re.I):
                raise ParamError(self.name, f"{raw!r} is not an absolute IRI")
            return NamedNode(value)
        if self.type == "curie":
            try:
                return NamedNode(curie_to_iri(value))
            except ValueError as exc:
                raise ParamError(self.name, str(exc)) from None
        return Literal(value)


@dataclass(frozen=True, slots=True)
class Paging:
    """One page of a paged listing: ``limit`` rows from row ``offset`` (0-based)."""

    limit: int
    offset: int = 0

    def clause(self) -> str:
        """The solution modifiers of this page, one row more than the page (to tell
        whether there is a next one)."""
        return f"\nLIMIT {self.limit + 1}\nOFFSET {self.offset}\n"


@dataclass(frozen=True, slots=True)
class Page:
    """A page of a listing: its rows, where it starts, and where the next one does (None
    on the last page)."""

    table: Table
    paging: Paging
    next_offset: int | None


def _decimal(number: float) -> str:
    text = f"{number:.10f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


@dataclass(frozen=True, slots=True)
class CannedQuery:
    name: str
    path: Path
    summary: str
    description: str
    params: tuple[Param, ...]
    text: str
    portable: str | None = None
    page_size: int | None = None  # rows of a default page, for a paged listing
    whole: str | None = None  # the whole-listing text (queries/whole/<name>.rq), if any

    @property
    def pages(self) -> bool:
        """Whether the query is a paged listing (``#+ page:`` in its header)."""
        return self.page_size is not None

    def paging(self, values: dict[str, str]) -> tuple[dict[str, str], Paging | None]:
        """Split ``limit``/``offset`` off the parameter values: the other values, and the
        page they ask for (None when they ask for none). ParamError for a query that does
        not page, or for a value that is not a count."""
        rest = {k: v for k, v in values.items() if k not in PAGE_PARAMS}
        asked = {k: values[k] for k in PAGE_PARAMS if k in values}
        if not asked:
            return rest, None
        if self.page_size is None:
            name = next(iter(asked))
            raise ParamError(name, f"{self.name} is not a paged listing (it returns every row)")
        return rest, Paging(
            _count(asked.get("limit"), "limit", self.page_size, 1, MAX_PAGE),
            _count(asked.get("offset"), "offset", 0, 0, None),
        )

    def default_paging(self, values: dict[str, str]) -> tuple[dict[str, str], Paging | None]:
        """Like :meth:`paging`, but a paged query with no page asked for gets its first
        page (what the web pages and ``kg query`` show unless told otherwise)."""
        rest, paging = self.paging(values)
        if paging is None and self.page_size is not None:
            paging = Paging(min(self.page_size, MAX_PAGE), 0)
        return rest, paging

    def whole_text(self, values: dict[str, str]) -> str:
        """The text that returns every row: the whole-listing form where there is one, unless
        ``values`` give an optional parameter (empty by default: it narrows the listing, and
        the pages' form looks up only what that part needs); else the text itself."""
        narrowed = any(values.get(p.name, "").strip() for p in self.params if p.default == "")
        return self.whole if self.whole is not None and not narrowed else self.text

    @staticmethod
    def paged_text(text: str, paging: Paging | None) -> str:
        """The query text of one page (the text itself without a page)."""
        return text if paging is None else text.rstrip() + "\n" + paging.clause()

    def text_for(self, dialect: str) -> str:
        """The query text for a target: ``oxigraph`` (the file itself) or ``sparql11``
        (the portable form where there is one; a query that needs one and has none is an
        error, never sent)."""
        if dialect == "oxigraph" or self.portable is None:
            if dialect != "oxigraph" and uses_lateral(self.text):
                raise ValueError(
                    f"canned query {self.name} uses LATERAL (an Oxigraph extension) and has "
                    f"no portable form in queries/{PORTABLE_DIR}/{self.name}.rq"
                )
            return self.text
        return self.portable

    @property
    def kind(self) -> str:
        body = re.sub(r"(?m)^\s*(#.*|PREFIX\s.*|BASE\s.*)$", "", self.text)
        match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
        return match.group(1).upper() if match else "SELECT"

    def substitutions(
        self, values: dict[str, str]
    ) -> dict[Variable, NamedNode | BlankNode | Literal | Triple]:
        """Typed terms for every parameter: given values, else defaults. Unknown names and
        missing required values are errors."""
        known = {p.name for p in self.params}
        for name in values:
            if name not in known:
                allowed = ", ".join(sorted(known)) or "none"
                raise ParamError(name, f"unknown parameter (this query takes: {allowed})")
        out: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {}
        for param in self.params:
            raw = values.get(param.name, param.default)
            if raw is None or raw == "":
                if param.default is None:
                    raise ParamError(param.name, "required, and no value was given")
                continue
            out[Variable(param.name)] = param.term(raw)
        return out

    def execute(self, store: Store, values: dict[str, str], *, limit: int | None = None) -> Table:
        """Run on a store (default graph = union of all graphs); ParamError for bad values.
        A paged listing returns every row unless ``values`` ask for a page (``limit``,
        ``offset``)."""
        values, paging = self.paging(values)
        if paging is not None:
            return self.execute_page(store, values, paging).table
        result = store.query(
            self.whole_text(values),
            use_default_graph_as_union=True,
            substitutions=self.substitutions(values),
        )
        if not isinstance(result, QuerySolutions):
            raise TypeError(f"canned query {self.name} is not a SELECT query")
        return Table.from_solutions(result, drop=[p.name for p in self.params], limit=limit)

    def stream(
        self, store: Store, values: dict[str, str]
    ) -> tuple[tuple[str, ...], Iterator[tuple[Term | None, ...]]]:
        """The whole answer (every page of a listing) as columns and rows read as the
        store gives them (for ``kg query --all``: nothing held in memory)."""
        values, paging = self.paging(values)
        if paging is not None:
            raise ParamError("limit", "every row was asked for: give no limit or offset")
        result = store.query(
            self.whole_text(values),
            use_default_graph_as_union=True,
            substitutions=self.substitutions(values),
        )
        if not isinstance(result, QuerySolutions):
            raise TypeError(f"canned query {self.name} is not a SELECT query")
        names = [v.value for v in result.variables]
        dropped = {p.name for p in self.params}
        keep = [i for i, n in enumerate(names) if n not in dropped]
        rows = (tuple(solution[i] for i in keep) for solution in result)
        return tuple(names[i] for i in keep), rows

    def execute_page(
        self, store: Store, values: dict[str, str], paging: Paging | None = None
    ) -> Page:
        """One page of a paged listing (``values`` may hold ``limit``/``offset``; else
        ``paging``, else the first page)."""
        values, asked = self.default_paging(values)
        paging = paging or asked
        if paging is None:
            raise ParamError("limit", f"{self.name} is not a paged listing (it returns every row)")
        result = store.query(
            self.paged_text(self.text, paging),
            use_default_graph_as_union=True,
            substitutions=self.substitutions(values),
        )
        if not isinstance(result, QuerySolutions):
            raise TypeError(f"canned query {self.name} is not a SELECT query")
        table = Table.from_solutions(result, drop=[p.name for p in self.params])
        return _page(table, paging)

    def execute_remote(
        self,
        endpoint: Endpoint,
        values: dict[str, str],
        *,
        dialect: str | None = None,
        limit: int | None = None,
    ) -> Table:
        """Run on a remote SPARQL endpoint (:mod:`kg.remote`): the same parameter checks,
        the parameters' terms bound in the query text (never the raw values), the form of
        the query the target understands; the same columns as :meth:`execute`."""
        values, paging = self.paging(values)
        if paging is not None:
            return self.execute_remote_page(endpoint, values, paging, dialect=dialect).table
        table = self._remote(endpoint, values, None, dialect)
        return Table(table.columns, table.rows[:limit]) if limit is not None else table

    def execute_remote_page(
        self,
        endpoint: Endpoint,
        values: dict[str, str],
        paging: Paging | None = None,
        *,
        dialect: str | None = None,
    ) -> Page:
        """One page of a paged listing from a remote endpoint (as :meth:`execute_page`)."""
        values, asked = self.default_paging(values)
        paging = paging or asked
        if paging is None:
            raise ParamError("limit", f"{self.name} is not a paged listing (it returns every row)")
        return _page(self._remote(endpoint, values, paging, dialect), paging)

    def _remote(
        self, endpoint: Endpoint, values: dict[str, str], paging: Paging | None, dialect: str | None
    ) -> Table:
        from kg.remote import bind_parameters

        terms = {v.value: t for v, t in self.substitutions(values).items()}
        text = bind_parameters(self.text_for(dialect or endpoint.detect()), terms)
        result = endpoint.select(self.paged_text(text, paging))
        if not isinstance(result, QuerySolutions):
            raise TypeError(f"canned query {self.name} is not a SELECT query")
        table = Table.from_solutions(result, drop=[p.name for p in self.params])
        if _outer_distinct(text):
            # Virtuoso 7.2 repeats rows whose values are unbound, DISTINCT or not.
            table = Table(table.columns, tuple(dict.fromkeys(table.rows)))
        return table


def _page(table: Table, paging: Paging) -> Page:
    """The page of a result fetched with one row more than the page."""
    more = len(table.rows) > paging.limit
    rows = table.rows[: paging.limit]
    return Page(Table(table.columns, rows), paging, paging.offset + paging.limit if more else None)


def _count(raw: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if raw is None or raw.strip() == "":
        return default
    if not re.fullmatch(r"\s*\d+\s*", raw):
        raise ParamError(name, f"{raw!r} is not a whole number")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ParamError(name, f"{raw!r} is out of range ({bound})")
    return value


def _outer_distinct(text: str) -> bool:
    """Whether the query's first SELECT is a SELECT DISTINCT."""
    from kg.remote import _tokens

    words = [tok.upper() for kind, tok in _tokens(text) if kind == "word"]
    return "SELECT" in words and words[words.index("SELECT") + 1 :][:1] == ["DISTINCT"]


def uses_lateral(text: str) -> bool:
    """Whether the query uses LATERAL (outside comments, strings and IRIs)."""
    from kg.remote import _tokens

    return any(kind == "word" and tok.upper() == "LATERAL" for kind, tok in _tokens(text))


def _parse(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    summary = description = ""
    params: list[Param] = []
    page_size: int | None = None
    in_params = False
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[2:].strip()
        if body.startswith("summary:"):
            summary, in_params = body[8:].strip(), False
        elif body.startswith("description:"):
            description, in_params = body[12:].strip(), False
        elif body.startswith("params:"):
            in_params = True
        elif m := _PAGE_RE.match(body):
            page_size, in_params = int(m["size"]), False
            if not 1 <= page_size <= MAX_PAGE:
                raise ValueError(f"{path}: page size {page_size} is not from 1 to {MAX_PAGE}")
        elif in_params and (m := _PARAM_RE.match(body)):
            if m["type"] not in TYPES:
                raise ValueError(f"{path}: parameter {m['name']} has unknown type {m['type']}")
            if m["name"] in PAGE_PARAMS:
                raise ValueError(f"{path}: {m['name']} is a paging parameter, not a query's own")
            default = m["default"].strip() if m["default"] is not None else None
            params.append(Param(m["name"], m["type"], default, (m["doc"] or "").strip()))
        elif description and not in_params:
            description += " " + body
        else:
            raise ValueError(f"{path}: cannot read header line {line!r}")
    if not summary:
        raise ValueError(f"{path}: the header has no '#+ summary:' line")
    portable_path = path.parent / PORTABLE_DIR / path.name
    portable = portable_path.read_text(encoding="utf-8") if portable_path.is_file() else None
    whole_path = path.parent / WHOLE_DIR / path.name
    whole = whole_path.read_text(encoding="utf-8") if whole_path.is_file() else None
    if whole is not None and page_size is None:
        raise ValueError(f"{whole_path}: a whole-listing form of a query that does not page")
    if page_size is not None and _OUTER_SLICE.search(_strip_comments(text)):
        raise ValueError(f"{path}: a paged query has no LIMIT or OFFSET of its own")
    return CannedQuery(
        path.stem, path, summary, description, tuple(params), text, portable, page_size, whole
    )


# An outer LIMIT/OFFSET: the last solution modifier of the text.
_OUTER_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*(\b(LIMIT|OFFSET)\s+\d+\s*)?\Z", re.I)


def _strip_comments(text: str) -> str:
    from kg.remote import _tokens

    return " ".join(tok for kind, tok in _tokens(text) if kind != "comment")


def load_queries(directory: Path = QUERIES_DIR) -> dict[str, CannedQuery]:
    """Every canned query of the folder, by name."""
    return {p.stem: _parse(p) for p in sorted(directory.glob("*.rq"))}


def load_query(name: str, directory: Path = QUERIES_DIR) -> CannedQuery:
    path = directory / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        known = ", ".join(load_queries(directory)) or "none"
        raise KeyError(f"no canned query named {name!r} (known: {known})")
    return _parse(path)
