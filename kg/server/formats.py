"""Result and graph formats: media types, short names, and content negotiation.

>>> results_format("application/sparql-results+json, */*;q=0.1", None).name
'json'
>>> graph_format("text/html, application/ld+json;q=0.9", None).name
'jsonld'
>>> results_format("*/*", "csv").media_type
'text/csv; charset=utf-8'
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "FormatError",
    "acceptable",
    "graph_format",
    "results_format",
    "wants_html",
]


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # short name, also the executor's format key
    media_type: str  # what the response says
    accepts: tuple[str, ...]  # media types (and aliases) a client may ask for
    extension: str


RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json; charset=utf-8",
        ("application/sparql-results+json", "application/json"),
        "srj",
    ),
    Format(
        "xml",
        "application/sparql-results+xml; charset=utf-8",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        "srx",
    ),
    Format("csv", "text/csv; charset=utf-8", ("text/csv",), "csv"),
    Format(
        "tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), "tsv"
    ),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), "ttl"),
    Format(
        "ntriples",
        "application/n-triples; charset=utf-8",
        ("application/n-triples", "text/plain"),
        "nt",
    ),
    Format("rdfxml", "application/rdf+xml; charset=utf-8", ("application/rdf+xml",), "rdf"),
    Format("jsonld", "application/ld+json; charset=utf-8", ("application/ld+json",), "jsonld"),
)
_ALIASES = {
    "srj": "json",
    "srx": "xml",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
    "json-ld": "jsonld",
}


class FormatError(ValueError):
    """A ``format`` parameter naming no known format."""


def _by_name(name: str, formats: tuple[Format, ...]) -> Format | None:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    for fmt in formats:
        if key == fmt.name or key in fmt.accepts or key == fmt.media_type.split(";")[0]:
            return fmt
    return None


def _negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format:
    """The client's preferred format among ``formats``; the first one when it states no
    preference we can meet (a lenient server answers rather than 406)."""
    header: MIMEAccept = parse_accept_header(accept or "*/*", MIMEAccept)
    offered = [media for fmt in formats for media in fmt.accepts]
    best = header.best_match(offered)
    if best:
        for fmt in formats:
            if best in fmt.accepts:
                return fmt
    return formats[0]


def acceptable(accept: str | None, formats: tuple[Format, ...]) -> bool:
    """Whether an Accept header admits one of ``formats`` (no header admits all).

    >>> acceptable("text/html", RESULT_FORMATS), acceptable("text/*", RESULT_FORMATS)
    (False, True)
    """
    if not accept or not accept.strip():
        return True
    header: MIMEAccept = parse_accept_header(accept, MIMEAccept)
    return any(header.quality(media) > 0 for fmt in formats for media in fmt.accepts)


def _choose(accept: str | None, requested: str | None, formats: tuple[Format, ...]) -> Format:
    if requested:
        fmt = _by_name(requested, formats)
        if fmt is None:
            raise FormatError(requested)
        return fmt
    return _negotiate(accept, formats)


def results_format(accept: str | None, requested: str | None) -> Format:
    """Format for SELECT/ASK results (``requested``: a ``format`` parameter, or None)."""
    return _choose(accept, requested, RESULT_FORMATS)


def graph_format(accept: str | None, requested: str | None) -> Format:
    """Format for CONSTRUCT/DESCRIBE graphs."""
    return _choose(accept, requested, GRAPH_FORMATS)


def wants_html(accept: str | None) -> bool:
    """Whether a browser is asking: HTML named explicitly and preferred over every RDF and
    results type (``*/*`` alone, as curl sends, is not a browser)."""
    if not accept:
        return False
    header: MIMEAccept = parse_accept_header(accept, MIMEAccept)
    html_q = max(
        (q for value, q in header if value in ("text/html", "application/xhtml+xml")), default=0
    )
    if html_q <= 0:
        return False
    machine = [m for f in RESULT_FORMATS + GRAPH_FORMATS for m in f.accepts if m != "text/plain"]
    return all(header[m] <= html_q for m in machine)
