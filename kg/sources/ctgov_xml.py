"""ClinicalTrials.gov legacy XML (``<clinical_study>``, AllPublicXML) -> :class:`kg.model.Trial`.

One file holds one study. A document type declaration is refused before parsing (no
entity expansion, no external entities: the "billion laughs" and XXE attacks). The
legacy spellings ("Phase 1/Phase 2", "Double (Participant, Investigator)",
"Anticipated") are normalised by :mod:`kg.sources.ctgov_common`.

Format-specific decisions:

* Arms list no interventions in XML; an arm's ``intervention_names`` are the
  interventions whose ``<arm_group_label>`` names the arm, in document order.
* ``<reference>`` is a ``BACKGROUND`` reference and ``<results_reference>`` a ``RESULT``
  reference (the legacy schema's two kinds; AACT maps them the same way).
* ``<condition_browse>`` has MeSH terms without ids; they attach by name only.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import NoReturn
from xml.parsers import expat

from kg.model import MappingError, Provenance, Trial
from kg.sources import results_xml
from kg.sources.ctgov_common import (
    RawArm,
    RawDate,
    RawIntervention,
    RawSite,
    RawStudy,
    map_records,
)
from kg.sources.results_common import read_safely

__all__ = ["FORMAT", "MAPPER_VERSION", "check_no_dtd", "map_document", "read_study", "sniff"]

FORMAT = "ctgov-xml"
MAPPER_VERSION = "2"  # 2: posted results (kg.sources.results_*)

_XML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<")
_ROOT = re.compile(rb"<clinical_study[\s>]")


def sniff(head: bytes) -> bool:
    """True for an XML document with a ``<clinical_study>`` element."""
    return _XML_START.match(head) is not None and _ROOT.search(head) is not None


def map_document(
    data: bytes,
    *,
    source_file: str,
    sha256: str,
    keep: Callable[[Provenance], bool] | None = None,
) -> Iterator[Trial | MappingError | Provenance]:
    """The one Trial of a ``<clinical_study>`` file (or a MappingError for it)."""
    root = _parse(data, source_file)
    nct = _text(root, "id_info/nct_id")
    return map_records(
        [(nct.upper() if nct else None, lambda: (read_study(root), sha256))],
        source_file=source_file,
        fmt=FORMAT,
        sha256=sha256,
        mapper_version=MAPPER_VERSION,
        keep=keep,
    )


class _Refused(Exception):
    pass


def _refuse(*_: object) -> NoReturn:
    raise _Refused


_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF8_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[<\s]")
_XML_DECL = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*>")
_DECL_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']*)["']""")


def _read_as_utf8(data: bytes) -> bool:
    """True where expat reads ``data`` as UTF-8 (no UTF-16 byte order mark or pattern, no
    other encoding declared): then any declaration in it is in plain ASCII bytes."""
    if _UTF8_START.match(data) is None or b"\x00" in data[:4]:
        return False
    decl = _XML_DECL.match(data)
    encoding = _DECL_ENCODING.search(decl.group()) if decl is not None else None
    return encoding is None or encoding.group(1).lower() == b"utf-8"


def check_no_dtd(data: bytes, source_file: str) -> None:
    """Refuse DOCTYPE and ENTITY declarations (checked with expat, in any encoding)."""
    if _DECLARATION.search(data):
        raise MappingError(source_file, "XML with a DOCTYPE/ENTITY declaration refused")
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    try:
        parser.Parse(data, True)
    except _Refused:
        raise MappingError(source_file, "XML with a DOCTYPE/ENTITY declaration refused") from None
    except expat.ExpatError as exc:
        raise MappingError(source_file, f"invalid or truncated XML: {exc}") from None


def _parse(data: bytes, source_file: str) -> ET.Element:
    if not data.strip():
        raise MappingError(source_file, "empty file")
    # A UTF-8 document without the bytes of a declaration has none: the parse with expat
    # alone of check_no_dtd can only pass (the tree's parser is stricter: it also checks
    # namespaces), so it is made only where the tree's parse fails, to give the same error.
    fast = _read_as_utf8(data) and _DECLARATION.search(data) is None
    if not fast:
        check_no_dtd(data, source_file)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        if fast:
            check_no_dtd(data, source_file)
        raise MappingError(source_file, f"invalid or truncated XML: {exc}") from None
    if root.tag != "clinical_study":
        raise MappingError(
            source_file, f"root element is <{root.tag}>, not a <clinical_study> record"
        )
    return root


# --------------------------------------------------------------------------- element access
# Paths here are child tags joined by "/". ``Element.find``/``findall`` take a plain tag in
# C but hand any path with a "/" to the (slow) ElementPath module: these two walk such a
# path one tag at a time instead, with ElementPath's results (``find``: the first match in
# document order, which need not be under the first element matching the path's head).
def _find(el: ET.Element, path: str) -> ET.Element | None:
    if "/" not in path:
        return el.find(path)
    head, rest = path.split("/", 1)
    for child in el.findall(head):
        found = _find(child, rest)
        if found is not None:
            return found
    return None


def _findall(el: ET.Element, path: str) -> list[ET.Element]:
    if "/" not in path:
        return el.findall(path)
    head, rest = path.split("/", 1)
    return [found for child in el.findall(head) for found in _findall(child, rest)]


def _text(el: ET.Element, path: str) -> str | None:
    found = el.find(path) if "/" not in path else _find(el, path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _first_text(elements: list[ET.Element], tag: str) -> str | None:
    """``_text(parent, "<path>/tag")`` where ``elements`` are what ``<path>`` finds."""
    for el in elements:
        found = el.find(tag)
        if found is not None:
            return None if found.text is None else found.text.strip() or None
    return None


def _texts(el: ET.Element, path: str) -> list[str]:
    return [t.text.strip() for t in _findall(el, path) if t.text and t.text.strip()]


def _block(el: ET.Element, path: str) -> str | None:
    """A ``<textblock>``: line ends as LF, the common indentation removed."""
    found = _find(el, f"{path}/textblock")
    if found is None or found.text is None:
        return _text(el, path)
    text = found.text.replace("\r\n", "\n").replace("\r", "\n")
    return textwrap.dedent(text).strip() or None


def _typed(el: ET.Element, path: str) -> RawDate:
    """An element's text and its ``type`` attribute (dates, enrollment)."""
    found = _find(el, path)
    if found is None:
        return None, None
    return (found.text or "").strip() or None, found.get("type")


def _person(el: ET.Element) -> str | None:
    """``<first_name> <middle_name> <last_name>, <degrees>``: newer files put all in last_name."""
    name = " ".join(_texts(el, "first_name") + _texts(el, "middle_name") + _texts(el, "last_name"))
    degrees = _text(el, "degrees")
    return (f"{name}, {degrees}" if degrees else name) if name else None


# --------------------------------------------------------------------------- reading
def read_study(root: ET.Element) -> RawStudy:
    """The texts of one ``<clinical_study>``, as written."""
    raw = RawStudy()
    _identification(raw, root)
    _status(raw, root)
    _design(raw, root)
    raw.brief_summary = _block(root, "brief_summary")
    raw.detailed_description = _block(root, "detailed_description")
    raw.conditions = _texts(root, "condition")
    raw.keywords = _texts(root, "keyword")
    raw.meshes = [(None, term) for term in _texts(root, "condition_browse/mesh_term")]
    _arms(raw, root)
    _eligibility(raw, root)
    _sponsors(raw, root)
    _people(raw, root)
    raw.sites = [_site(loc) for loc in root.findall("location")]
    _references(raw, root)
    raw.results, raw.results_error = read_safely(
        results_xml.read_results, root.find("clinical_results")
    )
    return raw


def _identification(raw: RawStudy, root: ET.Element) -> None:
    raw.nct_id = _text(root, "id_info/nct_id")
    raw.nct_aliases = _texts(root, "id_info/nct_alias")
    raw.org_study_id = _text(root, "id_info/org_study_id")
    raw.secondary_ids = _texts(root, "id_info/secondary_id")
    raw.acronym = _text(root, "acronym")
    raw.brief_title = _text(root, "brief_title")
    raw.official_title = _text(root, "official_title")


def _status(raw: RawStudy, root: ET.Element) -> None:
    raw.status = _text(root, "overall_status")
    raw.start = _typed(root, "start_date")
    raw.primary_completion = _typed(root, "primary_completion_date")
    raw.completion = _typed(root, "completion_date")
    raw.last_update = _typed(root, "last_update_posted")
    if raw.last_update == (None, None):
        raw.last_update = _typed(root, "lastchanged_date")


def _design(raw: RawStudy, root: ET.Element) -> None:
    raw.study_type = _text(root, "study_type")
    phase = _text(root, "phase")
    raw.phases = [phase] if phase else []
    raw.allocation = _text(root, "study_design_info/allocation")
    raw.intervention_model = _text(root, "study_design_info/intervention_model")
    raw.masking = _text(root, "study_design_info/masking")
    raw.primary_purpose = _text(root, "study_design_info/primary_purpose")
    raw.enrollment, raw.enrollment_type = _typed(root, "enrollment")


def _arms(raw: RawStudy, root: ET.Element) -> None:
    raw.interventions = [
        RawIntervention(
            name=_text(i, "intervention_name"),
            type=_text(i, "intervention_type"),
            description=_text(i, "description"),
            other_names=_texts(i, "other_name"),
            arm_labels=_texts(i, "arm_group_label"),
        )
        for i in root.findall("intervention")
    ]
    raw.arms = []
    for a in root.findall("arm_group"):
        label = _text(a, "arm_group_label")
        names = [i.name for i in raw.interventions if i.name and label and label in i.arm_labels]
        raw.arms.append(
            RawArm(
                label=label,
                type=_text(a, "arm_group_type"),
                description=_text(a, "description"),
                intervention_names=names,
            )
        )


def _eligibility(raw: RawStudy, root: ET.Element) -> None:
    raw.sex = _text(root, "eligibility/gender")
    raw.min_age = _text(root, "eligibility/minimum_age")
    raw.max_age = _text(root, "eligibility/maximum_age")
    raw.healthy_volunteers = _text(root, "eligibility/healthy_volunteers")
    raw.criteria = _block(root, "eligibility/criteria")


def _sponsors(raw: RawStudy, root: ET.Element) -> None:
    lead = _find(root, "sponsors/lead_sponsor")
    if lead is not None:
        raw.lead_sponsor = (_text(lead, "agency"), _text(lead, "agency_class"))
    raw.collaborators = [
        (_text(c, "agency"), _text(c, "agency_class"))
        for c in _findall(root, "sponsors/collaborator")
    ]
    party = root.find("responsible_party")
    if party is not None:
        raw.rp_type = _text(party, "responsible_party_type")
        raw.rp_name = _text(party, "investigator_full_name")
        raw.rp_affiliation = _text(party, "investigator_affiliation")
        raw.rp_old_name = _text(party, "name_title")
        raw.rp_old_organization = _text(party, "organization")


def _people(raw: RawStudy, root: ET.Element) -> None:
    raw.officials = [
        (_person(o), _text(o, "role"), _text(o, "affiliation"))
        for o in root.findall("overall_official")
    ]
    contacts = root.findall("overall_contact") + root.findall("overall_contact_backup")
    raw.contacts = [_person(c) for c in contacts]


def _site(loc: ET.Element) -> RawSite:
    facilities = loc.findall("facility")
    addresses = [a for f in facilities for a in f.findall("address")]
    return RawSite(
        facility=_first_text(facilities, "name"),
        city=_first_text(addresses, "city"),
        state=_first_text(addresses, "state"),
        zip=_first_text(addresses, "zip"),
        country=_first_text(addresses, "country"),
        status=_text(loc, "status"),
    )


def _references(raw: RawStudy, root: ET.Element) -> None:
    kinds = (("reference", "background"), ("results_reference", "results_reference"))
    raw.references = [
        (_text(r, "citation"), _text(r, "PMID"), kind)
        for tag, kind in kinds
        for r in root.findall(tag)
    ]
    raw.see_also = [
        (_text(link, "url"), _text(link, "description")) for link in root.findall("link")
    ]
