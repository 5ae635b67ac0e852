"""Checks of source strings before any of them becomes part of an IRI.

A record's text reaches an IRI in a few places only (the NCT id of the trial and of
the trials it names, MeSH ids, PubMed ids, DOIs and see-also links). Each is checked
here against a strict pattern of what it is, and any IRI made from source text against
the IRI grammar as the store reads it, before it is minted: a string that fails is
kept as text with a note by the mapper, and never turns a record into an exception.

>>> is_nct_id("NCT00973089"), is_nct_id("NCT٠٠٩٧٣٠٨٩")
(True, False)
>>> is_mesh_id("D010024"), is_mesh_id("D00 1")
(True, False)
>>> is_iri("https://example.org/a"), is_iri("https://example.org/a b"), is_iri("https://x/\\ufffe")
(True, False, False)
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

__all__ = ["is_doi", "is_http_iri", "is_iri", "is_mesh_id", "is_nct_id", "is_pmid"]

# ASCII digits only: re's \d also matches Arabic-Indic, Devanagari ... digits.
_NCT_ID = re.compile(r"NCT[0-9]{8}")
# A descriptor (D), supplementary concept (C) ... : one letter, then 6 or 9 digits.
_MESH_ID = re.compile(r"[A-Z][0-9]{6}(?:[0-9]{3})?")
_PMID = re.compile(r"[1-9][0-9]{0,9}")
# A DOI as the doi.org resolver takes it: "10." + registrant + "/" + suffix, printable
# ASCII or other letters, none of the characters an IRI path cannot hold unescaped.
_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[^\s\"<>\\^`{|}]+")
_HTTP = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


def is_nct_id(text: str) -> bool:
    return _NCT_ID.fullmatch(text) is not None


def is_mesh_id(text: str) -> bool:
    return _MESH_ID.fullmatch(text) is not None


def is_pmid(text: str) -> bool:
    return _PMID.fullmatch(text) is not None


def is_doi(text: str) -> bool:
    return _DOI.fullmatch(text) is not None and is_iri(f"https://doi.org/{text}")


def is_iri(text: str) -> bool:
    """True for an absolute IRI (RFC 3987) as Oxigraph parses it: no spaces, no
    non-characters, no control characters, percent escapes well formed."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def is_http_iri(text: str) -> bool:
    """True for an ``http(s)`` IRI with a host (a see-also link worth linking)."""
    return _HTTP.fullmatch(text) is not None and is_iri(text)
