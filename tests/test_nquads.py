"""kg.nquads writes terms byte for byte as pyoxigraph serialises them (kg.rdf_results writes
the posted results' N-Quads with it: a difference here would change the graph)."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg.nquads import checked_iri, iri, literal, quoted

S = NamedNode("https://w3id.org/celltrials/trial/NCT01")
P = NamedNode("https://w3id.org/celltrials/ontology#p")
G = NamedNode("https://w3id.org/celltrials/graph/ctgov-v2/NCT01-0123456789ab")
XSD = "http://www.w3.org/2001/XMLSchema#"


def pyoxigraph_object(o: Literal | NamedNode) -> str:
    """The object term of one quad as pyoxigraph's N-Quads serialiser writes it."""
    data = serialize([Quad(S, P, o, G)], format=RdfFormat.N_QUADS)
    assert data is not None
    line = data.decode("utf-8")
    head, tail = f"{S} {P} ", f" {G} .\n"
    assert line.startswith(head) and line.endswith(tail)
    return line[len(head) : -len(tail)]


def test_every_code_point_is_escaped_as_pyoxigraph_escapes_it() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    # each character alone, and between others (one quad per character: 1.1M quads)
    quads = [Quad(S, P, Literal(f"a{c}b"), G) for c in chars]
    data = serialize(quads, format=RdfFormat.N_QUADS)
    assert data is not None
    ours = "".join(f"{S} {P} {quoted(f'a{c}b')} {G} .\n" for c in chars)
    if ours.encode("utf-8") != data:  # name the first character that differs
        theirs = data.decode("utf-8").splitlines(keepends=True)
        for c, line, expected in zip(chars, ours.splitlines(keepends=True), theirs, strict=True):
            assert line == expected, f"U+{ord(c):04X}"
    assert ours.encode("utf-8") == data


AWKWARD = [
    "",
    "plain text",
    'a "quoted" word',
    "back\\slash \\n not a newline \\u0041",
    "line one\nline two\r\nthree\ttabbed",
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
    "\u0080\u0085\u00a0\u2028\u2029\ufeff\ufffd\ufffe\uffff",
    "non-BMP: \U0001f600 \U00010000 \U0010ffff",
    'mixed "\\\n\U0001d11e\x7f end\\',
    "1.2×10^8 cells/kg; ≥ 18 years; µL",
    '"',
    "\\",
    '\\\\""',
    "> <https://example.org/x> <https://example.org/y> .",
]


@pytest.mark.parametrize("value", AWKWARD)
def test_plain_literals(value: str) -> None:
    assert quoted(value) == pyoxigraph_object(Literal(value))
    assert literal(value) == pyoxigraph_object(Literal(value))
    assert literal(value, datatype=XSD + "string") == pyoxigraph_object(Literal(value))


@pytest.mark.parametrize("language", ["en", "EN-GB", "zh-Hant-TW", "de-CH-1901", "x-private"])
@pytest.mark.parametrize("value", AWKWARD)
def test_language_tagged_literals(value: str, language: str) -> None:
    expected = pyoxigraph_object(Literal(value, language=language))
    assert literal(value, language=language) == expected


def test_an_invalid_language_tag_is_refused_as_pyoxigraph_refuses_it() -> None:
    for language in ("", "en_GB", "en--gb", "toolongsubtag-x"):
        with pytest.raises(ValueError):
            Literal("x", language=language)
        with pytest.raises(ValueError):
            literal("x", language=language)


@pytest.mark.parametrize(
    "datatype",
    [
        XSD + "integer",
        XSD + "double",
        XSD + "decimal",
        XSD + "boolean",
        XSD + "gYearMonth",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "https://example.org/dt/ä?q=1#frag",
    ],
)
@pytest.mark.parametrize("value", [*AWKWARD, "12", "-0.5", "1.0E-3", "true", "NaN", "INF"])
def test_typed_literals(value: str, datatype: str) -> None:
    expected = pyoxigraph_object(Literal(value, datatype=NamedNode(datatype)))
    assert literal(value, datatype=datatype) == expected


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/celltrials/trial/NCT01234567/results/outcome/3/group/og001",
        "https://w3id.org/celltrials/trial/Key%20with%20spaces/arm/a-b",
        "https://w3id.org/celltrials/source/pages/0000/NCT9%C3%A9.txt",
        "http://example.org/é/日本/\U0001f600?q=a&b=c;d#frag!$'()*+,=:@~",
        "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "https://example.org/[x]",
        "http://[::1]:8080/path",
        "https://doi.org/10.1002/(SICI)1097-4636(199601)30:1<",
    ],
)
def test_iris(value: str) -> None:
    try:
        node = NamedNode(value)
    except ValueError:
        with pytest.raises(ValueError):
            checked_iri(value)
        return
    assert iri(value) == pyoxigraph_object(node)
    assert checked_iri(value) == pyoxigraph_object(node)


@pytest.mark.parametrize("value", ["http://a/b c", "http://a/<", 'http://a/"', "http://a/%zz", "x"])
def test_an_invalid_iri_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        checked_iri(value)


def test_lines_parse_back_to_the_same_quads() -> None:
    lines = "".join(
        f"{iri(S.value)} {iri(P.value)} {literal(v, language='en')} {iri(G.value)} .\n"
        for v in AWKWARD
    )
    back = list(parse(lines.encode("utf-8"), format=RdfFormat.N_QUADS))
    assert back == [Quad(S, P, Literal(v, language="en"), G) for v in AWKWARD]
