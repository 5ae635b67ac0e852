"""How many rows a SPARQL results document written by Oxigraph holds, without parsing it.

A whole protocol answer is written by pyoxigraph's own serialiser
(``QuerySolutions.serialize``) instead of row by row in Python, and the reply still says
how many rows it has (``X-Result-Rows``). Counting relies on what each format escapes:

* XML: one ``<result>`` element per row; ``<`` in text and attributes is escaped.
* JSON: Oxigraph writes compact JSON, where ``},{`` occurs between two rows and nowhere
  else outside strings (terms are objects of strings; a triple term's parts are
  separated by ``},"``). Two rows meet at ``},{"`` (the end of a row, the start of the
  next row's first variable name) or at ``},{}`` (the next row binds nothing). In a
  string, ``},{"`` occurs only where a value ends with ``},{`` (a quote inside a string
  is escaped), and the closing quote is then followed by ``}`` or ``,`` (the end of the
  term or its next key), which a variable name never starts with: those are not
  counted. One regular-expression pass finds both kinds of boundary (four passes of
  ``bytes.count`` and ``in`` did: 25 µs of a 14 KB point lookup's 0.16 ms); when a
  ``},{}`` is among them (an empty row, or those bytes in a string), the document is
  parsed.

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
import re

__all__ = ["COUNTED", "count_rows"]

COUNTED = frozenset({"json", "xml"})  # the formats count_rows counts
_JSON_START = b'{"head":'
_JSON_EMPTY = b'"bindings":[]}}'
_XML_END = b"</sparql>"
# a row boundary, or those bytes in a string that ends with "},{" (followed by } or ,)
_JSON_BOUNDARY = re.compile(rb'\},\{(?:\}|"(?![},]))')
_EMPTY_ROW = b"},{}"


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
    if body.startswith(_JSON_START) and b" " not in body[:64]:
        if body.endswith(_JSON_EMPTY):
            return 0
        boundaries = _JSON_BOUNDARY.findall(body)
        if _EMPTY_ROW not in boundaries:
            return 1 + len(boundaries)
    return len(json.loads(body)["results"]["bindings"])
