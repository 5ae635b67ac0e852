"""SPARQL results as rows of RDF terms, and their writers (JSON, XML, CSV, TSV).

pyoxigraph serialises a whole ``QuerySolutions`` iterator; the endpoint first takes at
most ``max_rows`` rows (to say whether the answer was cut), and canned queries drop the
parameter columns they must project (Oxigraph's ``substitutions`` only binds projected
variables), so both write the rows themselves, following the W3C formats:
https://www.w3.org/TR/sparql11-results-json/ , -xml-res/ , -csv-tsv/ .

>>> from pyoxigraph import Literal, NamedNode
>>> out = []
>>> write_solutions(["x"], [[NamedNode("http://e/a")], [Literal("b", language="en")]], "csv", out.append)
>>> b"".join(out)
b'x\\r\\nhttp://e/a\\r\\nb\\r\\n'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Triple

__all__ = ["MEDIA_TYPES", "Table", "Term", "term_json", "write_boolean", "write_solutions"]

Term = NamedNode | BlankNode | Literal | Triple | None
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
_NS = "http://www.w3.org/2005/sparql-results#"

Write = Callable[[bytes], object]


def term_json(term: Any) -> dict[str, Any]:
    """The SPARQL 1.1 JSON results form of a term."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(getattr(direction, "value", direction)).lower()
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, NamedNode | Literal):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_value(term: Any) -> str:
    # N-Triples syntax escapes tabs and line breaks inside literals.
    return "" if term is None else str(term)


def write_solutions(
    variables: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, write: Write
) -> None:
    """Write the rows (each a value per variable, None when unbound) in ``fmt``."""
    batch: list[str] = []

    def emit(text: str) -> None:
        batch.append(text)
        if len(batch) >= 512:
            flush()

    def flush() -> None:
        if batch:
            write("".join(batch).encode("utf-8"))
            batch.clear()

    if fmt == "json":
        emit('{"head":{"vars":' + json.dumps(list(variables)) + '},"results":{"bindings":[')
        for i, row in enumerate(rows):
            binding = {
                v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None
            }
            emit(
                ("," if i else "") + json.dumps(binding, ensure_ascii=False, separators=(",", ":"))
            )
        emit("]}}\n")
    elif fmt == "xml":
        emit(f'<?xml version="1.0"?>\n<sparql xmlns="{_NS}"><head>')
        emit("".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        emit("</head><results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            emit(f"<result>{cells}</result>")
        emit("</results></sparql>\n")
    elif fmt == "csv":
        emit(",".join(_csv_value(Literal(v)) for v in variables) + "\r\n")
        for row in rows:
            emit(",".join(_csv_value(t) for t in row) + "\r\n")
    elif fmt == "tsv":
        emit("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            emit("\t".join(_tsv_value(t) for t in row) + "\n")
    else:
        raise ValueError(f"unknown results format {fmt!r}")
    flush()


def write_boolean(value: bool, fmt: str, write: Write) -> None:
    text = "true" if value else "false"
    if fmt == "json":
        write(('{"head":{},"boolean":' + text + "}\n").encode())
    elif fmt == "xml":
        write(
            f'<?xml version="1.0"?>\n<sparql xmlns="{_NS}"><head/><boolean>{text}</boolean></sparql>\n'.encode()
        )
    elif fmt in ("csv", "tsv"):
        write(f"{text}\n".encode())
    else:
        raise ValueError(f"unknown results format {fmt!r}")


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Term, ...], ...]

    @classmethod
    def from_solutions(
        cls, solutions: QuerySolutions, *, drop: Iterable[str] = (), limit: int | None = None
    ) -> Table:
        names = [v.value for v in solutions.variables]
        dropped = set(drop)
        keep = [i for i, n in enumerate(names) if n not in dropped]
        rows = []
        for n, solution in enumerate(solutions):
            if limit is not None and n >= limit:
                break
            rows.append(tuple(solution[i] for i in keep))
        return cls(tuple(names[i] for i in keep), tuple(rows))

    def values(self) -> list[dict[str, str | None]]:
        """Rows as dicts of lexical values (None for unbound)."""
        return [
            {
                c: (None if t is None else str(t) if isinstance(t, Triple) else t.value)
                for c, t in zip(self.columns, row, strict=True)
            }
            for row in self.rows
        ]

    def serialize(self, fmt: str) -> str:
        """The table in a SPARQL results format: json, xml, csv or tsv."""
        out: list[bytes] = []
        write_solutions(self.columns, self.rows, fmt, out.append)
        return b"".join(out).decode("utf-8")
