"""Small reads answered in the web process, without the hop to a query process.

A point lookup (``SELECT ?p ?o WHERE { <trial/NCT...> ?p ?o }``) spent about as much CPU
on the hop to a query process (the request and reply through a pipe, two wake-ups) as on
the query itself (``bench/sparql_http.py``). A query of the class below is answered by a
read-only handle on the store that each web worker opens once, with the same code the
query process runs (:func:`kg.server.worker.answer_query`), so the answer is the same
bytes; anything outside the class, and anything over its bound, goes to a query process.

**The class** (:func:`small_read`, decided on the query text, once per text): a SELECT
(``*`` or variables, optionally DISTINCT or REDUCED) or an ASK whose WHERE is one basic
graph pattern of 1 to :data:`MAX_PATTERNS` triple patterns, **each with a constant
subject** (an absolute IRI, written out or as a prefixed name declared in the query);
predicates are variables, IRIs or ``a``; objects are variables, IRIs or plain/language
strings; then at most a LIMIT and an OFFSET. Nothing else: no FILTER, OPTIONAL, UNION,
GRAPH, SERVICE, VALUES, BIND, sub-query, property path, aggregate, expression, FROM,
BASE, blank node or ``[]``, no backslash anywhere (no escapes, which SPARQL decodes
before parsing), no relative IRI and no IRI with a dot segment (which IRI resolution
would rewrite into another subject than the one counted). Every token of the text must
take its place in that grammar or the query is not in the class, so a keyword cannot
hide in it: what the tokeniser of :mod:`kg.server.guard` reads as a prefixed name in a
subject position (``OPTIONALex:x``) would need a ``{`` or ``(`` after it to be read as
anything else by Oxigraph's parser, and neither is allowed.

**Why its time is bounded:** every triple pattern has its subject fixed, so every index
range the engine reads for it (whatever the join order and whatever other variables
are bound by then) lies within that pattern's matches in the union of all graphs. Before
the query runs, each pattern's matches are counted from the store's subject index,
stopping at the bound: when the product of the counts (the most rows the join can make
and the most index entries it can read) is over ``limit`` (``--local-read-rows``, 2,000 by
default), the query goes to a query process. So a small read reads at most ``limit``
entries per pattern and writes at most ``limit`` rows of the store's own terms:
well under a millisecond for a trial's 40 statements, a few milliseconds at the bound.

**What else holds:** no network (no SERVICE in the class; the evaluation of a basic
graph pattern makes no call out); memory bounded by the rows; read-only handle; the
per-client share and the queue of query processes are not taken, because a small read
holds none of them (the web worker answers it in one go, like a static page); a query
that fails here (Oxigraph refuses its syntax) is sent to a query process, which answers
it as before. An update token (a writable store) turns the path off: the read-only
handle would not see the updates.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from kg.server import guard
from kg.server.worker import Collect, answer_query

__all__ = ["MAX_PATTERNS", "LocalReads", "Pattern", "small_read"]

log = logging.getLogger(__name__)

MAX_PATTERNS = 4
BOUNDS_CACHED = 65536  # query texts whose bound check is remembered
_SELECT_MODIFIERS = frozenset({"DISTINCT", "REDUCED"})
_INTEGER = re.compile(r"[0-9]+")
# a dot segment: IRI resolution would rewrite the path (another subject than counted)
_DOT_SEGMENT = re.compile(r"[/:]\.")
_PN_PREFIX = re.compile(r"(?:[^\W\d_][\w.\u00B7\u0300-\u036F\u203F-\u2040-]*)?")

Object = NamedNode | Literal


@dataclass(frozen=True, slots=True)
class Pattern:
    """A triple pattern with a constant subject (None: a variable)."""

    subject: NamedNode
    predicate: NamedNode | None
    object: Object | None


def _iri(text: str) -> NamedNode | None:
    if _DOT_SEGMENT.search(text):
        return None
    try:
        node = NamedNode(text)
    except ValueError:  # not an absolute IRI (a relative one resolves against the base)
        return None
    return node if node.value == text else None


class _NotSmall(Exception):
    pass


class _Reader:
    def __init__(self, text: str) -> None:
        self.toks = [t for t in guard.tokens(text) if t.kind != "comment"]
        self.i = 0
        self.prefixes: dict[str, str] = {}

    def peek(self) -> guard.Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> guard.Token:
        tok = self.peek()
        if tok is None:
            raise _NotSmall
        self.i += 1
        return tok

    def word(self, *words: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text.upper() in words:
            self.i += 1
            return tok.text.upper()
        return None

    def char(self, *chars: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind == "other" and tok.text in chars:
            self.i += 1
            return tok.text
        return None

    def constant(self, tok: guard.Token) -> NamedNode:
        if tok.kind == "iri":
            node = _iri(tok.text[1:-1])
        elif tok.kind == "pname":
            prefix, _, local = tok.text.partition(":")
            if prefix not in self.prefixes or local.endswith(".") or local[:1] in ("-", "."):
                raise _NotSmall
            node = _iri(self.prefixes[prefix] + local)
        else:
            node = None
        if node is None:
            raise _NotSmall
        return node

    def prefix_declarations(self) -> None:
        while self.word("PREFIX"):
            name, iri = self.next(), self.next()
            prefix, colon, local = name.text.partition(":")
            if name.kind != "pname" or not colon or local or not _PN_PREFIX.fullmatch(prefix):
                raise _NotSmall
            if prefix.endswith(".") or iri.kind != "iri" or _iri(iri.text[1:-1]) is None:
                raise _NotSmall
            self.prefixes[prefix] = iri.text[1:-1]

    def projection(self) -> None:
        if self.word("ASK"):
            return
        if not self.word("SELECT"):
            raise _NotSmall
        self.word(*_SELECT_MODIFIERS)
        if self.char("*"):
            return
        count = 0
        while (tok := self.peek()) is not None and tok.kind == "var":
            self.i += 1
            count += 1
        if not count:
            raise _NotSmall

    def predicate(self) -> NamedNode | None:
        tok = self.next()
        if tok.kind == "var":
            return None
        if tok.kind == "word" and tok.text == "a":
            return NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        return self.constant(tok)

    def object(self) -> Object | None:
        tok = self.next()
        if tok.kind == "var":
            return None
        if tok.kind == "string":
            quote = 3 if tok.text[:3] in ('"""', "'''") else 1
            value = tok.text[quote:-quote]
            lang = self.peek()
            if lang is not None and lang.kind == "lang":
                self.i += 1
                return Literal(value, language=lang.text[1:])
            return Literal(value)
        return self.constant(tok)

    def patterns(self) -> list[Pattern]:
        self.word("WHERE")
        if not self.char("{"):
            raise _NotSmall
        out: list[Pattern] = []
        while not self.char("}"):
            subject = self.constant(self.next())
            while True:  # predicate-object list
                predicate = self.predicate()
                while True:  # object list
                    out.append(Pattern(subject, predicate, self.object()))
                    if not self.char(","):
                        break
                if not self.char(";"):
                    break
                tok = self.peek()
                if tok is not None and tok.kind == "other" and tok.text in ".}":
                    break  # a ';' before the end of the triples
            if self.char("."):
                continue
            tok = self.peek()
            if tok is None or tok.kind != "other" or tok.text != "}":
                raise _NotSmall
        if not 1 <= len(out) <= MAX_PATTERNS:
            raise _NotSmall
        return out

    def modifiers(self) -> None:
        seen: set[str] = set()
        while (word := self.word("LIMIT", "OFFSET")) is not None:
            number = self.next()
            if word in seen or number.kind != "number" or not _INTEGER.fullmatch(number.text):
                raise _NotSmall
            seen.add(word)
        if self.peek() is not None:
            raise _NotSmall


@functools.lru_cache(maxsize=1024)
def small_read(text: str) -> tuple[Pattern, ...] | None:
    """The triple patterns of a query in the class of this module, or None.

    >>> small_read("SELECT ?p ?o WHERE { <http://e/s> ?p ?o }")
    (Pattern(subject=<NamedNode value=http://e/s>, predicate=None, object=None),)
    >>> small_read("SELECT * { ?s ?p <http://e/o> }") is None  # no constant subject
    True
    >>> small_read("SELECT ?o { <http://e/s> <http://e/p>/<http://e/q> ?o }") is None  # a path
    True
    """
    if "\\" in text or len(text) > 4096:
        return None
    reader = _Reader(text)
    try:
        reader.prefix_declarations()
        reader.projection()
        patterns = reader.patterns()
        reader.modifiers()
    except _NotSmall:
        return None
    return tuple(patterns)


class LocalReads:
    """The web worker's read-only handle on the store, opened on its first small read
    (after gunicorn has forked the worker), and the bound of :func:`small_read`."""

    def __init__(self, store: Path, limit: int) -> None:
        self.path = store
        self.limit = limit
        self._store: Store | None = None
        self._pid = 0
        self._failed = False
        self._opening = threading.Lock()
        self._bounds: dict[tuple[Pattern, ...], bool] = {}  # patterns: within the bound
        self.answered = 0  # queries answered here (for the tests and the bench)

    def _handle(self) -> Store | None:
        if self._failed:
            return None
        if self._store is None or self._pid != os.getpid():
            with self._opening:  # one handle, however many threads ask first (granian)
                if self._store is not None and self._pid == os.getpid():
                    return self._store
                return self._open()
        return self._store

    def _open(self) -> Store | None:
        try:
            self._store = Store.read_only(str(self.path))
        except OSError as exc:
            log.warning("small reads go to the query processes: %s", exc)
            self._failed = True
            return None
        self._pid = os.getpid()
        self._bounds.clear()
        return self._store

    def within_bound(self, store: Store, patterns: tuple[Pattern, ...]) -> bool:
        """Whether the product of the patterns' matches is at most the bound. Each count
        is made by the engine on its encoded terms, stopping past the bound (a sub-query
        with a LIMIT), and remembered: the handle is read-only, so it does not change."""
        known = self._bounds.get(patterns)
        if known is None:
            product = 1
            for p in patterns:
                product *= self._count(store, p)
                if product > self.limit:
                    break
            known = product <= self.limit
            if len(self._bounds) >= BOUNDS_CACHED:
                self._bounds.clear()
            self._bounds[patterns] = known
        return known

    def _count(self, store: Store, p: Pattern) -> int:
        # a literal object is left out: the engine may read it otherwise (a language
        # tag's case), and a pattern never matches more without it
        predicate = "?p" if p.predicate is None else str(p.predicate)
        obj = str(p.object) if isinstance(p.object, NamedNode) else "?o"
        text = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ {p.subject} {predicate} {obj} }}"
            f" LIMIT {self.limit + 1} }}"
        )
        rows = store.query(text, use_default_graph_as_union=True)
        assert isinstance(rows, QuerySolutions)
        count = next(iter(rows))[0]
        assert isinstance(count, Literal)
        return int(count.value)

    def answer(self, text: str, request: dict[str, Any]) -> tuple[dict[str, Any], bytes] | None:
        """The header and body a query process would send for ``request`` (a query
        request of :meth:`kg.server.backend.Backend.query_request` with the default
        dataset and no substitutions), or None: not a small read, over the bound, or
        refused by the engine (a query process answers it)."""
        if self.limit <= 0:
            return None
        patterns = small_read(text)
        if patterns is None:
            return None
        store = self._handle()
        if store is None or not self.within_bound(store, patterns):
            return None
        sink = Collect()
        try:
            answer_query(store, request, sink)
        except (SyntaxError, OSError, ValueError, RuntimeError, KeyError, TypeError):
            return None
        if sink.header is None or not sink.ended:
            return None
        self.answered += 1
        return sink.header, bytes(sink.buffer)
