"""N-Quads terms written as text, byte for byte as pyoxigraph serialises the same terms.

The build's workers make most of a record's quads only to serialise them at once
(:func:`kg.streamed.serialize_document`); making a pyoxigraph ``Quad`` and its ``Literal``
costs about as much as serialising them. The parts of a record that nothing reads as quads
before they are serialised (the posted results, :mod:`kg.rdf_results`) are written here as
N-Quads lines directly. ``tests/test_nquads.py`` compares every function with pyoxigraph's
own serialisation: every code point in a literal, language tags, datatypes, IRIs with
unusual characters.

pyoxigraph's escaping in a quoted literal: ``"`` and ``\\`` by a backslash; U+0008, tab,
newline, U+000C and carriage return as ``\\b \\t \\n \\f \\r``; the other C0 controls,
U+007F, U+FFFE and U+FFFF as ``\\uXXXX`` (upper-case hex); everything else as it is.
An IRI is written as it is between ``<`` and ``>``: the caller guarantees it is valid (a
pyoxigraph ``NamedNode`` checks that; :func:`checked_iri` does it here).
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

__all__ = ["checked_iri", "iri", "language_suffix", "literal", "quoted"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_NAMED = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_ESCAPE = {
    c: _NAMED.get(c, f"\\u{c:04X}") for c in (*range(0x20), 0x22, 0x5C, 0x7F, 0xFFFE, 0xFFFF)
}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')


def quoted(value: str) -> str:
    """A plain literal (``xsd:string``) as N-Quads writes it: ``"..."``, escaped."""
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return f'"{value.translate(_ESCAPE)}"'


def iri(value: str) -> str:
    """An IRI known to be valid (made of valid IRIs and IRI-safe parts) as N-Quads writes it."""
    return f"<{value}>"


def checked_iri(value: str) -> str:
    """Any IRI as N-Quads writes it, checked as pyoxigraph checks it (ValueError if invalid)."""
    return str(NamedNode(value))


_LANGUAGES: dict[str, str] = {}
_DATATYPES: dict[str, str] = {}


def language_suffix(language: str) -> str:
    """``@tag`` of a language-tagged literal: checked and normalised (lower case) by
    pyoxigraph once per tag."""
    suffix = _LANGUAGES.get(language)
    if suffix is None:
        text = str(Literal("", language=language))  # '""@tag'
        suffix = _LANGUAGES[language] = text[2:]
    return suffix


def literal(value: str, *, datatype: str | None = None, language: str | None = None) -> str:
    """A literal as N-Quads writes it: plain, ``@language`` or ``^^<datatype>`` (an
    ``xsd:string`` is written plain, as pyoxigraph does). The datatype IRI is checked once."""
    if language is not None:
        return quoted(value) + language_suffix(language)
    if datatype is None or datatype == XSD_STRING:
        return quoted(value)
    suffix = _DATATYPES.get(datatype)
    if suffix is None:
        suffix = _DATATYPES[datatype] = "^^" + checked_iri(datatype)
    return quoted(value) + suffix
