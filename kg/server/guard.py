"""What a SPARQL request may do: find its form and refuse SERVICE and LOAD, robustly.

The query text is tokenised the way a SPARQL lexer reads it (comments, strings, IRIs,
variables, prefixed names, words), so that a keyword inside a comment, a string literal,
an IRI or a variable name is not mistaken for a clause, and a clause cannot be hidden by
one of them either. Oxigraph's parser is a PEG parser that can split a keyword from the
word glued to it (``SERVICEex:x`` is read as ``SERVICE ex:x``), so every bare word and
every prefix of a prefixed name that merely *contains* a refused keyword is refused; the
text is checked both as given and with its ``\\uXXXX`` escapes decoded.

>>> find_refused("SELECT * { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }", ("SERVICE",))
'SERVICE'
>>> find_refused('SELECT * { ?s ?p "SERVICE <x> {}" } # SERVICE', ("SERVICE",)) is None
True
>>> query_form("PREFIX ex: <http://e/> ASK { ?s ex:select ?o }")
'ASK'
>>> nesting_depth("ASK { FILTER(!!(1 < 2)) }  # ((((")
4
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "MAX_NESTING",
    "Token",
    "add_using",
    "find_refused",
    "is_update",
    "nesting_depth",
    "query_form",
    "service_targets",
    "tokens",
    "too_deep",
    "unescape",
]

_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\r\n]|\\.)*"
                |'(?:[^'\\\r\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<bnode>_:[\w.\u00B7\u0300-\u036F\u203F-\u2040-]*)
    | (?P<pname>(?:[^\W\d_][\w.\u00B7\u0300-\u036F\u203F-\u2040-]*)?:(?:[\w.:%\u00B7-]|\\[^\s])*)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.X | re.S,
)
_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Deepest nesting a request may have. Oxigraph's parser and evaluator recurse once per
# level: on an 8 MiB stack ~1,000 nested CONCAT( or ~5,000 braces killed the process.
# Hand-written and generated queries stay far below 100.
MAX_NESTING = 200
_OPEN = {"{": "}", "(": ")", "[": "]"}
_UNARY = frozenset("!^")
_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # comment, string, iri, var, lang, bnode, pname, number, word, other
    text: str


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text, whitespace left out."""
    for tok, _ in _spans(text):
        yield tok


def _spans(text: str) -> Iterator[tuple[Token, int]]:
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "ws":
            yield Token(kind, match.group()), match.start()


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{ ( [`` in the text (comments, strings and IRIs aside),
    a run of unary ``!`` or ``^`` counting one level per operator."""
    depth = deepest = run = 0
    for tok, _ in _spans(text):
        if tok.kind != "other":
            run = 0
            continue
        char = tok.text
        if char in _OPEN:
            depth += 1
            run = 0
        elif char in ")}]":
            depth = max(0, depth - 1)
            run = 0
        elif char in _UNARY:
            run += 1
        else:
            run = 0
        deepest = max(deepest, depth + run)
    return deepest


def too_deep(text: str) -> int | None:
    """The nesting depth when it is over :data:`MAX_NESTING`, else None (text with fewer
    brackets and operators than that is not even tokenised)."""
    if sum(text.count(c) for c in "{([!^") <= MAX_NESTING:
        return None
    depth = nesting_depth(text)
    return depth if depth > MAX_NESTING else None


def add_using(text: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri``
    written as USING / USING NAMED clauses before the WHERE of each DELETE/INSERT operation.

    ValueError when the update names its own dataset (WITH, USING): the protocol calls
    that a conflict.

    >>> add_using("INSERT { ?s a <C> } WHERE { ?s ?p ?o }", ["http://g/1"], [])
    'INSERT { ?s a <C> } USING <http://g/1> WHERE { ?s ?p ?o }'
    """
    clause = " ".join(
        [f"USING <{iri}>" for iri in using] + [f"USING NAMED <{iri}>" for iri in using_named]
    )
    depth = 0
    previous = ""
    inserts: list[int] = []
    for tok, start in _spans(text):
        if tok.kind == "other" and tok.text == "{":
            depth += 1
        elif tok.kind == "other" and tok.text == "}":
            depth -= 1
        elif tok.kind == "word" and depth == 0:
            word = tok.text.upper()
            if word in ("WITH", "USING"):
                raise ValueError(
                    f"the update has its own {word} clause and the request gives a dataset"
                )
            if word == "WHERE" and previous != "DELETE":
                inserts.append(start)
        if tok.kind != "comment":
            previous = tok.text.upper()
    for start in reversed(inserts):
        text = text[:start] + clause + " " + text[start:]
    return text


def unescape(text: str) -> str:
    """The text with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE_RE.sub(char, text)


def _readings(text: str) -> list[str]:
    decoded = unescape(text)
    return [text] if decoded == text else [text, decoded]


def find_refused(text: str, keywords: tuple[str, ...]) -> str | None:
    """The first refused keyword the text may use as a keyword, or None.

    A word counts when it contains the keyword (case-insensitive); a prefixed name
    counts when its prefix does. Comments, strings, IRIs and variables never count.
    """
    wanted = [k.lower() for k in keywords]
    for reading in _readings(text):
        for tok in tokens(reading):
            if tok.kind == "word":
                probe = tok.text.lower()
            elif tok.kind == "pname":
                probe = tok.text.split(":", 1)[0].lower()
            else:
                continue
            for keyword in wanted:
                if keyword in probe:
                    return keyword.upper()
    return None


def _words(text: str) -> Iterator[str]:
    for tok in tokens(text):
        if tok.kind == "word":
            yield tok.text.upper()


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword, or None."""
    for word in _words(text):
        if word in _FORMS:
            return word
    return None


def is_update(text: str) -> bool:
    """Whether the text reads as a SPARQL update (its first operation keyword)."""
    for word in _words(text):
        if word in _FORMS:
            return False
        if word in _UPDATE_WORDS:
            return True
    return False


def service_targets(text: str) -> list[str | None]:
    """The endpoint IRI of each SERVICE clause (None where it is not a plain absolute IRI:
    a variable, a relative IRI, an undeclared prefix)."""
    toks = list(tokens(text))
    prefixes: dict[str, str] = {}
    out: list[str | None] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if (
            tok.kind == "word"
            and tok.text.upper() == "PREFIX"
            and i + 2 < len(toks)
            and toks[i + 1].kind == "pname"
            and toks[i + 2].kind == "iri"
        ):
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
            i += 3
            continue
        if tok.kind in ("word", "pname") and "service" in tok.text.lower().split(":", 1)[0]:
            j = i + 1
            if tok.kind == "word" and tok.text.upper() == "SERVICE":
                if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "SILENT":
                    j += 1
                target = toks[j] if j < len(toks) else None
                if target is not None and target.kind == "iri":
                    out.append(target.text[1:-1] if ":" in target.text else None)
                elif target is not None and target.kind == "pname":
                    prefix, _, local = target.text.partition(":")
                    out.append(prefixes[prefix] + local if prefix in prefixes else None)
                else:
                    out.append(None)
            else:
                out.append(None)  # a word or prefix glued to SERVICE: never allowed
        i += 1
    return out
