"""How many rows a SPARQL results document written by Oxigraph holds, without parsing it.

A whole protocol answer is written by pyoxigraph's own serialiser
(``QuerySolutions.serialize``) instead of row by row in Python, and the reply still says
how many rows it has (``X-Result-Rows``). Counting relies on what each format escapes:

* XML: one ``<result>`` element per row; ``<`` in text and attributes is escaped.
* JSON: Oxigraph writes compact JSON. Two rows meet at ``}},{"`` (the end of a term and
  of a row, the start of the next row's first variable name). The same bytes occur in
  a string value that ends with ``}},{``, and then only followed by ``}`` or ``,`` (the
  closing quote, then the end of the term or its next key); a variable name never
  starts with either, so those occurrences are taken away. A row that binds nothing
  (``{}``) has no such boundary: when ``{}`` occurs anywhere, the document is parsed.

Anything that does not look like Oxigraph's output is parsed (exact, slower), and
``None`` is returned for a format counted nowhere here (the caller writes those rows
itself).

>>> count_rows(b'{"head":{"vars":["x"]},"results":{"bindings":[]}}', "json")
0
>>> count_rows(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"a}},{"}},{"x":{"type":"uri","value":"http://e/"}}]}}', "json")
2
>>> count_rows(b'{"head":{"vars":[]},"results":{"bindings":[{},{}]}}', "json")
2
"""

from __future__ import annotations

import json

__all__ = ["COUNTED", "count_rows"]

COUNTED = frozenset({"json", "xml"})  # the formats count_rows counts
_JSON_START = b'{"head":'
_JSON_EMPTY = b'"bindings":[]}}'
_XML_END = b"</sparql>"


def count_rows(body: bytes, fmt: str) -> int | None:
    """The rows of a SELECT result serialised by Oxigraph in ``fmt`` (None: not counted)."""
    if fmt == "json":
        return _json_rows(body)
    if fmt == "xml":
        if not body.rstrip().endswith(_XML_END):
            raise ValueError("not a SPARQL XML results document")
        return body.count(b"<result>")
    return None


def _json_rows(body: bytes) -> int:
    if not body.startswith(_JSON_START) or b"{}" in body or b" " in body[:64]:
        return len(json.loads(body)["results"]["bindings"])
    if body.endswith(_JSON_EMPTY):
        return 0
    return 1 + body.count(b'}},{"') - body.count(b'}},{"}') - body.count(b'}},{",')
