"""The CT.gov mappers over all of the real data, and over broken input."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.model import MappingError, Trial
from kg.sources import ctgov_common, ctgov_v1, ctgov_v2, ctgov_xml

DATA = Path(
    os.environ.get("KG_TEST_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)
MODULES = {"ctgov-v2": ctgov_v2, "ctgov-v1": ctgov_v1, "ctgov-xml": ctgov_xml}
FOLDERS = {"ctgov-v2": "ctgov-v2", "ctgov-v1": "ctgov-v1", "ctgov-xml": "ctgov-xml"}
NOT_STUDY_DOCUMENTS = {"NCT06388018.expected-aact-rows.json", "LICENSE.mapClinical.txt"}
HEAD = 65536


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def data_dir() -> Path:
    assert DATA.is_dir(), f"test data missing: {DATA} (set KG_TEST_DATA)"
    return DATA


def _files(data_dir: Path, fmt: str) -> list[Path]:
    return sorted(p for p in (data_dir / FOLDERS[fmt]).iterdir() if p.is_file())


def _map_folder(data_dir: Path, fmt: str) -> list[Trial | MappingError]:
    module = MODULES[fmt]
    out: list[Trial | MappingError] = []
    for path in _files(data_dir, fmt):
        if path.name in NOT_STUDY_DOCUMENTS:
            continue
        data = path.read_bytes()
        out.extend(module.map_document(data, source_file=path.name, sha256=_sha(data)))
    return out


@pytest.fixture(scope="module")
def mapped(data_dir: Path) -> dict[str, list[Trial]]:
    result: dict[str, list[Trial]] = {}
    for fmt in MODULES:
        records = _map_folder(data_dir, fmt)
        errors = [r for r in records if isinstance(r, MappingError)]
        assert errors == []
        result[fmt] = [r for r in records if isinstance(r, Trial)]
    return result


# ----------------------------------------------------------------------------- all records
@pytest.mark.parametrize(
    ("fmt", "records", "distinct"),
    [("ctgov-v2", 211, 211), ("ctgov-v1", 276, 266), ("ctgov-xml", 128, 127)],
)
def test_every_record_maps(
    mapped: dict[str, list[Trial]], fmt: str, records: int, distinct: int
) -> None:
    trials = mapped[fmt]
    assert len(trials) == records
    assert len({t.nct_id for t in trials}) == distinct
    for t in trials:
        assert t.provenance.format == fmt
        assert t.provenance.mapper_version == "2"
        assert t.provenance.record_key == t.nct_id
        assert re.fullmatch(r"NCT\d{8}", t.nct_id or "")
        assert re.fullmatch(r"[0-9a-f]{64}", t.provenance.record_sha256)


def test_mapping_all_three_folders_is_fast(data_dir: Path) -> None:
    start = time.perf_counter()
    for fmt in MODULES:
        _map_folder(data_dir, fmt)
    assert time.perf_counter() - start < 5.0


def test_sniff_claims_exactly_the_own_format(data_dir: Path) -> None:
    for fmt in MODULES:
        for path in _files(data_dir, fmt):
            head = path.read_bytes()[:HEAD]
            claims = [name for name, module in MODULES.items() if module.sniff(head)]
            expected = [] if path.name in NOT_STUDY_DOCUMENTS else [fmt]
            assert claims == expected, path.name


V2_VALUES: dict[str, set[str | None]] = {
    "status": set(ctgov_common.STATUS.values()),
    "study_type": set(ctgov_common.STUDY_TYPE.values()),
    "allocation": set(ctgov_common.ALLOCATION.values()),
    "intervention_model": set(ctgov_common.MODEL.values()),
    "masking": set(ctgov_common.MASKING.values()),
    "primary_purpose": set(ctgov_common.PURPOSE.values()),
    "enrollment_type": {"ACTUAL", "ESTIMATED"},
}


@pytest.mark.parametrize("fmt", list(MODULES))
def test_all_controlled_values_use_v2_spellings(mapped: dict[str, list[Trial]], fmt: str) -> None:
    """v1 and XML spellings come out as the v2 vocabulary, as v2 data does."""
    for t in mapped[fmt]:
        for name, allowed in V2_VALUES.items():
            assert getattr(t, name) in allowed | {None}, (t.nct_id, name)
        assert set(t.phases) <= set(ctgov_common.PHASE.values())
        assert all(a.type in set(ctgov_common.ARM_TYPE.values()) | {None} for a in t.arms)
        assert all(
            i.type in set(ctgov_common.INTERVENTION_TYPE.values()) | {None} for i in t.interventions
        )
        assert t.eligibility.sex in {"ALL", "FEMALE", "MALE", None}
        assert all(s.agency_class in set(ctgov_common.AGENCY_CLASS.values()) for s in t.sponsors)
        assert all(s.status in V2_VALUES["status"] | {None} for s in t.sites)
        assert all(r.kind in {"BACKGROUND", "RESULT", "DERIVED"} for r in t.references)
        for d in (t.start_date, t.primary_completion_date, t.completion_date, t.last_update):
            assert d is None or (d.precision and d.kind in {"ACTUAL", "ESTIMATED", None})
        assert not [n for n in t.notes if n.startswith("unmapped")], t.notes


def test_related_nct_ids_from_text_and_links(mapped: dict[str, list[Trial]]) -> None:
    by_id = {(fmt, t.nct_id): t for fmt, ts in mapped.items() for t in ts}
    # expandedAccessInfo.nctId
    assert by_id["ctgov-v2", "NCT05693090"].related_nct_ids == ("NCT04809233",)
    # brief summary, in order of mention
    assert by_id["ctgov-v1", "NCT03818854"].related_nct_ids == ("NCT01775774", "NCT02097641")
    assert by_id["ctgov-v1", "NCT02097641"].related_nct_ids == ("NCT01775774",)


def test_arm_intervention_names_match_interventions(mapped: dict[str, list[Trial]]) -> None:
    """Type prefixes are stripped, so arms name interventions by their own name."""
    total = matched = 0
    for trials in mapped.values():
        for t in trials:
            names = {i.name for i in t.interventions}
            for a in t.arms:
                total += len(a.intervention_names)
                matched += sum(n in names for n in a.intervention_names)
    assert total > 1000
    assert matched / total > 0.99


# ----------------------------------------------------------------------------- privacy
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_DIGITS = re.compile(r"\+?\(?\d[\d\s().\-]{5,}\d")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _raw_contacts(data_dir: Path) -> tuple[set[str], set[str]]:
    """E-mail addresses and phone numbers as the raw documents give them in contact fields."""
    emails: set[str] = set()
    phones: set[str] = set()
    for fmt in MODULES:
        for path in _files(data_dir, fmt):
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in re.finditer(r'"(?:email|\w*EMail)"\s*:\s*"([^"]+)"|<email>([^<]+)<', text):
                emails.add((m.group(1) or m.group(2)).strip())
            for m in re.finditer(r'"(?:phone|\w*Phone)"\s*:\s*"([^"]+)"|<phone>([^<]+)<', text):
                phones.add((m.group(1) or m.group(2)).strip())
    return emails, phones


def test_no_email_or_phone_in_any_mapped_string(
    data_dir: Path, mapped: dict[str, list[Trial]]
) -> None:
    emails, phones = _raw_contacts(data_dir)
    assert len(emails) > 300 and len(phones) > 300  # the data is full of contact details
    assert all(_EMAIL.search(e) for e in emails)
    phone_digits = {d for d in (re.sub(r"\D", "", p) for p in phones) if len(d) >= 7}
    for trials in mapped.values():
        for t in trials:
            for text in _strings(t):
                assert not _EMAIL.search(text), (t.nct_id, text)
                for run in _PHONE_DIGITS.findall(text):  # compare digits, any punctuation
                    digits = re.sub(r"\D", "", run)
                    assert not [d for d in phone_digits if d in digits], (t.nct_id, run)
            people = [s for o in t.officials for s in (o.name, o.affiliation or "")]
            for text in [*people, t.responsible_party or ""]:
                assert not _PHONE_DIGITS.search(text), (t.nct_id, text)


def test_contacts_are_names_only(mapped: dict[str, list[Trial]]) -> None:
    contacts = [o for ts in mapped.values() for t in ts for o in t.officials if o.role == "CONTACT"]
    assert len(contacts) > 200
    assert all(o.affiliation is None for o in contacts)


# ----------------------------------------------------------------------------- broken input
JSON_MODULES = [ctgov_v2, ctgov_v1]


def _error(module: ModuleType, data: bytes, name: str = "bad.json") -> MappingError:
    with pytest.raises(MappingError) as info:
        list(module.map_document(data, source_file=name, sha256=_sha(data)))
    assert info.value.path == name
    assert name in str(info.value)
    return info.value


@pytest.mark.parametrize("module", [*JSON_MODULES, ctgov_xml])
def test_empty_file(module: ModuleType) -> None:
    for data in (b"", b"  \n"):
        assert _error(module, data).reason == "empty file"


@pytest.mark.parametrize("module", JSON_MODULES)
def test_invalid_json(module: ModuleType) -> None:
    assert "invalid or truncated JSON" in _error(module, b"{'studies': [}").reason


def test_truncated_json(data_dir: Path) -> None:
    v2 = (data_dir / "ctgov-v2" / "NCT00973089.json").read_bytes()
    v1 = (data_dir / "ctgov-v1" / "msc-allo-MSCs.json").read_bytes()
    assert "invalid or truncated JSON" in _error(ctgov_v2, v2[: len(v2) // 2]).reason
    assert "invalid or truncated JSON" in _error(ctgov_v1, v1[: len(v1) // 2]).reason


@pytest.mark.parametrize("data", [b'{"foo": 1}', b"42", b'"text"', b'{"studies": 3}'])
def test_json_of_neither_shape(data: bytes) -> None:
    assert "not ClinicalTrials.gov API v2 JSON" in _error(ctgov_v2, data).reason
    assert "no FullStudiesResponse" in _error(ctgov_v1, data).reason


def test_wrong_json_api_version() -> None:
    v1 = b'{"FullStudiesResponse": {"FullStudies": []}}'
    assert "classic API v1" in _error(ctgov_v2, v1).reason
    assert "no FullStudiesResponse" in _error(ctgov_v1, b'{"studies": []}').reason
    assert "no FullStudies list" in _error(ctgov_v1, b'{"FullStudiesResponse": {}}').reason


def test_aact_rows_are_not_a_study_document(data_dir: Path) -> None:
    path = data_dir / "ctgov-v2" / "NCT06388018.expected-aact-rows.json"
    data = path.read_bytes()
    assert not any(m.sniff(data[:HEAD]) for m in MODULES.values())
    error = _error(ctgov_v2, data, path.name)
    assert "neither a study object" in error.reason


def test_v1_page_with_a_study_without_nct_id(data_dir: Path) -> None:
    doc = json.loads((data_dir / "ctgov-v1" / "msc-ALLO-ASC.json").read_bytes())
    entries = doc["FullStudiesResponse"]["FullStudies"][:4]
    del entries[1]["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
    entries[2]["Study"]["ProtocolSection"]["ArmsInterventionsModule"]["ArmGroupList"] = "oops"
    data = json.dumps(doc | {"FullStudiesResponse": {"FullStudies": entries}}).encode()
    out = list(ctgov_v1.map_document(data, source_file="page.json", sha256=_sha(data)))
    assert [type(r).__name__ for r in out] == ["Trial", "MappingError", "MappingError", "Trial"]
    missing, shape = out[1], out[2]
    assert isinstance(missing, MappingError) and isinstance(shape, MappingError)
    assert (missing.path, missing.record, missing.reason) == (
        "page.json",
        "record-2",
        "the study has no NCT id",
    )
    assert str(missing) == "page.json [record-2]: the study has no NCT id"
    assert shape.record == entries[2]["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
    assert "'ArmGroupList' is a str, not an object" in shape.reason


def test_v2_list_with_broken_items(data_dir: Path) -> None:
    good = json.loads((data_dir / "ctgov-v2" / "NCT00973089.json").read_bytes())
    no_protocol: dict[str, Any] = {"derivedSection": {}}
    data = json.dumps([good, 7, no_protocol, {"protocolSection": {"identificationModule": []}}])
    out = list(ctgov_v2.map_document(data.encode(), source_file="list.json", sha256="0" * 64))
    assert isinstance(out[0], Trial) and out[0].nct_id == "NCT00973089"
    assert [(e.record, e.reason) for e in out[1:] if isinstance(e, MappingError)] == [
        ("record-2", "a study is a int, not an object"),
        ("record-3", "the study has no protocolSection"),
        ("record-4", "'identificationModule' is a list, not an object"),
    ]


def test_empty_results_are_not_errors() -> None:
    assert list(ctgov_v2.map_document(b"[]", source_file="e.json", sha256="")) == []
    page = b'{"studies": [], "nextPageToken": null}'
    assert list(ctgov_v2.map_document(page, source_file="e.json", sha256="")) == []
    v1 = b'{"FullStudiesResponse": {"NStudiesReturned": 0}}'
    assert list(ctgov_v1.map_document(v1, source_file="e.json", sha256="")) == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info>
<brief_title>&lol3;</brief_title></clinical_study>
"""


def test_xml_with_entities_is_refused() -> None:
    assert ctgov_xml.sniff(BILLION_LAUGHS)
    error = _error(ctgov_xml, BILLION_LAUGHS, "laughs.xml")
    assert error.reason == "XML with a DOCTYPE/ENTITY declaration refused"


def test_xml_with_entities_in_utf16_is_refused() -> None:
    data = BILLION_LAUGHS.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
    data = data.decode().encode("utf-16")
    assert "DOCTYPE/ENTITY declaration refused" in _error(ctgov_xml, data, "u16.xml").reason


def test_xml_external_entity_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<clinical_study><brief_title>&e;</brief_title></clinical_study>"
    )
    assert "refused" in _error(ctgov_xml, data, "xxe.xml").reason


def test_xml_that_is_not_a_clinical_study() -> None:
    data = b'<?xml version="1.0"?><study><nct_id>NCT00000001</nct_id></study>'
    assert not ctgov_xml.sniff(data)
    error = _error(ctgov_xml, data, "other.xml")
    assert error.reason == "root element is <study>, not a <clinical_study> record"


def test_truncated_xml(data_dir: Path) -> None:
    data = (data_dir / "ctgov-xml" / "NCT00739713.xml").read_bytes()
    error = _error(ctgov_xml, data[:2000], "cut.xml")
    assert error.reason.startswith("invalid or truncated XML")


def test_xml_without_nct_id() -> None:
    data = b"<clinical_study><brief_title>A study</brief_title></clinical_study>"
    out = list(ctgov_xml.map_document(data, source_file="no-id.xml", sha256=_sha(data)))
    assert len(out) == 1 and isinstance(out[0], MappingError)
    assert (out[0].record, out[0].reason) == ("record-1", "the study has no NCT id")


def test_unknown_spellings_are_kept_and_noted() -> None:
    data = b"""<clinical_study><id_info><nct_id>NCT00000002</nct_id></id_info>
      <overall_status>Paused</overall_status><phase>Phase 5</phase>
      <start_date type="Guessed">Sometime 2020</start_date>
      <eligibility><gender>Both</gender><minimum_age>Adult</minimum_age></eligibility>
    </clinical_study>"""
    (trial,) = ctgov_xml.map_document(data, source_file="odd.xml", sha256=_sha(data))
    assert isinstance(trial, Trial)
    assert (trial.status, trial.phases, trial.start_date) == (None, (), None)
    assert trial.eligibility.sex == "ALL"
    assert trial.notes == [
        "missing brief title and official title",
        "unmapped status spelling 'Paused' (kept as text in this note, not as a status)",
        "unmapped phase spelling 'Phase 5' (kept as text in this note, not as a phase)",
        "unparsed date 'Sometime 2020'",
        "unparsed age 'Adult'",
        "no lead sponsor",
    ]
