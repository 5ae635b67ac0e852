"""Decoding and line handling shared by the text-page mappers."""

from __future__ import annotations

import re

from kg.model import MappingError

__all__ = [
    "EMAIL_RE",
    "PHONE_RE",
    "decode_text",
    "is_contact_line",
    "is_markdown_format",
    "unescape_markdown",
]

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers as registries print them for contacts: "+86-18565616060", "021-31162338",
# "(555) 123-4567". Only used on contact lines and lines standing alone.
PHONE_RE = re.compile(r"^\s*(?:\+?\d[\d\s().-]{6,}\d)(?:\s*(?:ext\.?|x)\s*\d+)?\s*$", re.I)


def decode_text(data: bytes, *, path: str) -> tuple[str, list[str]]:
    """Bytes of a text page -> (text with LF line ends, notes).

    UTF-8 (with or without BOM) is read as is; bytes that are not UTF-8 are read as
    Windows-1252/Latin-1 and a note says so. Empty and binary content are errors.

    >>> decode_text(b"\\xef\\xbb\\xbfTitle\\r\\nStatus: Recruiting\\r\\n", path="x.txt")
    ('Title\\nStatus: Recruiting\\n', [])
    """
    if not data.strip():
        raise MappingError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise MappingError(path, "binary content (NUL bytes), not a text page")
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        notes.append(f"not valid UTF-8 (byte {exc.start}); read as Windows-1252/Latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t")
    if controls > max(8, len(text) // 100):
        raise MappingError(path, "binary content (control characters), not a text page")
    return text, notes


def is_contact_line(line: str) -> bool:
    """True for a line that is an e-mail address or a phone number of a person."""
    return bool(EMAIL_RE.search(line) or PHONE_RE.match(line))


# Formats whose free text is markdown (CommonMark): the ClinicalTrials.gov API v2 ("markup"
# fields) and the text exports of trial pages. The classic API and the legacy XML hold plain
# text, where a backslash is a backslash.
MARKDOWN_FORMATS = frozenset({"ctgov-v2"})
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation


def is_markdown_format(fmt: str) -> bool:
    """Whether the free text of records of format ``fmt`` is markdown.

    >>> is_markdown_format("ctgov-v2"), is_markdown_format("page-veeva"), is_markdown_format("ctgov-v1")
    (True, True, False)
    """
    return fmt in MARKDOWN_FORMATS or fmt.startswith("page-")


def unescape_markdown(text: str) -> str:
    """The text as a reader of the rendered page sees it: CommonMark's backslash escapes of
    ASCII punctuation resolved (``\\^`` is ``^``, ``\\\\`` one backslash); any other backslash stays.

    >>> unescape_markdown("1.2×10\\\\^8 cells; 6.0\\\\*10\\\\^6, ECOG \\\\>2, C:\\\\Temp")
    '1.2×10^8 cells; 6.0*10^6, ECOG >2, C:\\\\Temp'
    """
    return _MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text
