"""SELECT results as a table of RDF terms, written as SPARQL JSON, XML, CSV or TSV.

Canned queries project their parameter variables (Oxigraph's ``substitutions`` only
binds projected variables); :class:`Table` drops those constant columns before writing,
so the output has exactly the columns a query promises.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

__all__ = ["FORMATS", "MEDIA_TYPES", "Table", "Term"]

Term = NamedNode | BlankNode | Literal | None
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
FORMATS = ("json", "xml", "csv", "tsv")
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


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
                c: (t.value if t is not None else None)
                for c, t in zip(self.columns, row, strict=True)
            }
            for row in self.rows
        ]

    def serialize(self, fmt: str) -> str:
        if fmt == "json":
            return self._json()
        if fmt == "xml":
            return self._xml()
        if fmt == "csv":
            return self._csv()
        if fmt == "tsv":
            return self._tsv()
        raise ValueError(f"unknown results format {fmt!r} (known: {', '.join(FORMATS)})")

    # --- W3C SPARQL 1.1 Query Results JSON Format
    def _json(self) -> str:
        bindings = [
            {c: _json_term(t) for c, t in zip(self.columns, row, strict=True) if t is not None}
            for row in self.rows
        ]
        return json.dumps(
            {"head": {"vars": list(self.columns)}, "results": {"bindings": bindings}},
            ensure_ascii=False,
        )

    # --- W3C SPARQL Query Results XML Format
    def _xml(self) -> str:
        out = [
            '<?xml version="1.0"?>',
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "<head>",
        ]
        out += [f"<variable name={quoteattr(c)}/>" for c in self.columns]
        out += ["</head>", "<results>"]
        for row in self.rows:
            out.append("<result>")
            for c, t in zip(self.columns, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out += ["</results>", "</sparql>"]
        return "\n".join(out) + "\n"

    # --- W3C SPARQL 1.1 Query Results CSV and TSV Formats
    def _csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(
                [
                    "" if t is None else (f"_:{t.value}" if isinstance(t, BlankNode) else t.value)
                    for t in row
                ]
            )
        return buffer.getvalue()

    def _tsv(self) -> str:
        lines = ["\t".join(f"?{c}" for c in self.columns)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"


def _json_term(t: NamedNode | BlankNode | Literal) -> dict[str, str]:
    if isinstance(t, NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


def _xml_term(t: NamedNode | BlankNode | Literal) -> str:
    if isinstance(t, NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
    if t.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
    return f"<literal>{escape(t.value)}</literal>"
