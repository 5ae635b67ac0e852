"""The mapping's shortcuts give what the slow ways they skip give.

Several hot spots of the mapping test a cheap necessary condition (a substring of the
lower-cased text, an "@") before a case-insensitive regex, or walk XML paths without
ElementPath. Each rests on facts about Unicode case mapping and ``re`` checked here over
every code point, and on equivalences checked on crafted inputs.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from functools import cache

import pytest

from kg.extract import products
from kg.model import MappingError
from kg.sources import ctgov_common, ctgov_xml


@cache
def _every_character() -> str:
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


# Letters of the words looked for in lower-cased text: the phone labels (kg.sources) and
# the words that start a cell-product mention (kg.extract.products).
LETTERS = sorted(set("telphonefaxmob" + "".join(products._MENTION_WORDS)))


@pytest.mark.parametrize("letter", LETTERS)
def test_only_the_letters_cases_match_a_letter_ignoring_case(letter: str) -> None:
    found = set(re.findall(letter, _every_character(), re.IGNORECASE))
    extra = {"i": {"ı", "İ"}, "s": {"ſ"}}.get(letter, set())  # why "i" and "s" are avoided
    assert found == {letter, letter.upper(), *extra}
    assert all(c.lower() == letter for c in found - extra)


def test_lower_casing_keeps_word_characters_and_boundaries() -> None:
    word = re.compile(r"\w")
    longer = [c for c in _every_character() if len(c.lower()) != 1]
    assert longer == ["İ"]  # the one character lower-cased to two (a word character)
    changed = [(c, c.lower()) for c in _every_character() if c.lower() != c]
    for c, low in changed:
        if len(low) == 1:
            assert bool(word.match(c)) == bool(word.match(low)), hex(ord(c))


TEXTS = [
    "",
    "Tel: 555 123 4567",
    "TELEPHONE 555-123-4567 or fax: (555) 123 4567",
    "hotel staff, intelligence, Mobility: 1234567 units",
    "Contact: Mobıle +1 555 123 4567",
    "İtel 5551234567, ſtromal cells",
    "x_tel 1234567; é-phone 7654321; —fax 1111111",
    "Multi-Bone xBONE _cord aCORD record according incidental dental Dental",
    "MSC from WHARTON's jelly; İmulti bone, ıstromal, ſvf SVF",
    "umbilical\u212a cord",
]


@pytest.mark.parametrize("text", TEXTS)
def test_phone_label_prefilter(text: str) -> None:
    if ctgov_common._PROSE_PHONE_RE.search(text):
        assert ctgov_common._may_have_phone_label(text)
    words = re.compile(r"\b(?:tel(?:ephone)?|phone|fax|mobile)\b", re.IGNORECASE)
    if words.search(text):
        assert ctgov_common._may_have_phone_label(text)


@pytest.mark.parametrize("text", TEXTS)
def test_mention_word_starts(text: str) -> None:
    expected = {m.start() for m in products._MENTION_WORD.finditer(text)}
    assert products._mention_word_starts(text) == expected


def test_scrubbing_with_and_without_prefilters() -> None:
    for text in [*TEXTS, "a.b@x.org", "Phone no. 0049 30 1234567 (ext 12)"]:
        out, emails = ctgov_common.EMAIL_RE.subn("[e-mail removed]", text)
        out, phones = ctgov_common._PROSE_PHONE_RE.subn(
            lambda m: m.group("label") + "[phone removed]", out
        )
        assert ctgov_common.scrub_text(text, "x").value == out
        assert (ctgov_common.scrub_text(text, "x").note is None) == (not emails and not phones)


def test_nct_ids_in_any_case() -> None:
    texts = ["see nCt 01234567", "NCT-07654321", "ınct01234568", "anct01234569 NCT0123456"]
    found = ctgov_common.find_nct_ids(texts)
    pattern = ctgov_common._NCT_RE
    expected = dict.fromkeys("NCT" + m.group(1) for t in texts for m in pattern.finditer(t))
    assert found == tuple(expected)


SITE_XML = """<clinical_study><location>
<facility><address><city>First</city></address></facility>
<facility><name>Named</name><address><zip>1</zip></address><address><city>Third</city>
<state>S</state></address></facility>
<status>Recruiting</status></location></clinical_study>"""


@pytest.mark.parametrize(
    "path",
    [
        "facility/name",
        "facility/address/city",
        "facility/address/state",
        "facility/address/zip",
        "facility/address/country",
        "status",
        "facility/nothing/city",
        "nothing",
    ],
)
def test_xml_paths_as_element_path(path: str) -> None:
    loc = ET.fromstring(SITE_XML).find("location")
    assert loc is not None
    assert ctgov_xml._find(loc, path) is loc.find(path)
    assert ctgov_xml._findall(loc, path) == loc.findall(path)
    assert ctgov_xml._text(loc, path) == (
        None if (el := loc.find(path)) is None or el.text is None else el.text.strip() or None
    )


def test_xml_site_as_paths() -> None:
    loc = ET.fromstring(SITE_XML).find("location")
    assert loc is not None
    site = ctgov_xml._site(loc)
    assert (site.facility, site.city, site.state, site.zip, site.country, site.status) == (
        "Named",
        "First",
        "S",
        "1",
        None,
        "Recruiting",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<clinical_study><x:y/><a></b></clinical_study>",  # namespace error, then syntax
        b"<clinical_study><a></b><x:y/></clinical_study>",
        b"<clinical_study><brief_title>cut",
        b"<?xml version='1.0' encoding='UTF-8'?><clinical_study>&nbsp;</clinical_study>",
        b"\xef\xbb\xbf<clinical_study><!DOCTYPE x></clinical_study>",
        b"<?xml version='1.0' encoding='latin-1'?><clinical_study>\xe9</clinical_study>",
    ],
)
def test_xml_errors_as_with_the_expat_check_first(data: bytes) -> None:
    def slow() -> str:
        try:
            ctgov_xml.check_no_dtd(data, "f.xml")
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            return f"f.xml: invalid or truncated XML: {exc}"
        except MappingError as exc:
            return str(exc)
        return root.tag

    try:
        got = ctgov_xml._parse(data, "f.xml").tag
    except MappingError as exc:
        got = str(exc)
    assert got == slow()
