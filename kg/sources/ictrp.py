"""WHO ICTRP export (CSV or ``<Trials_downloaded_from_ICTRP>`` XML) -> :class:`kg.model.Trial`.

One document holds many trials from many registries (ClinicalTrials.gov, EUCTR, ChiCTR, IRCT,
CTRI, ISRCTN, ANZCTR, JPRN, PACTR, ReBEC, ...), one row (``<Trial>``) each, with ICTRP's
field names (:data:`kg.sources.ictrp_map.FIELDS` lists every spelling, and which fields are
never read: the contacts). Format-specific decisions:

* Identity: the record's own id (``TrialID``) and the registry ids it lists
  (``SecondaryIDs``, bridged ``Childs``) are :class:`~kg.model.RegistryId` values; the trial's
  IRI is minted from the canonical one among them (:func:`canonical_id`: a ClinicalTrials.gov
  id first, then the EudraCT number, then the other registries in a fixed order), so two
  registries' records of one trial that name each other meet at one IRI, whichever is read
  first. A ClinicalTrials.gov record keeps its NCT id as ``nct_id``.
* Dates are read in the registry's own format (ICTRP's table: ChiCTR ``2020-02-14``, CTRI
  ``13-07-2020``, most others ``14/04/2020``; ClinicalTrials.gov start dates also as
  ``April 12, 2020``); a date that does not fit is reported and left out.
* Controlled values (status, phase, study type, design, sex) are normalised to the API v2
  values; the registry's own spelling is kept beside each (:attr:`Trial.raw_values`). A
  spelling that states no single v2 value (ICTRP's "Not recruiting") leaves the value unknown.
* Arms are read from the interventions text as each registry writes it (ChiCTR
  ``Group:description;``, IRCT ``Intervention 1: … Control 1: …``, CTRI ``Intervention1:
  name: description<br>``, EUCTR ``Product Name: …<br>INN or Proposed INN: …`` blocks,
  ClinicalTrials.gov ``Type: name;``); the other registries' labelled groups (``Arm 1:``,
  ``Experimental group: …; Control group: …``, ``Group A: … Group B (Control): …``, REPEC's
  ``Group name:`` blocks; :mod:`kg.sources.ictrp_arms`) are arms too, the text said of all
  groups the trial's detailed description; PACTR's ``;name;name`` lists and CRiS's typed lines
  are interventions; a text with no labelled group is one intervention. EUCTR's placebo form
  and route lines are a ``Placebo`` intervention, not the product's.
* Text in another language than English (titles, criteria, outcomes) is kept as written and
  tagged with its language where its script or its function words say which
  (:func:`detect_language`); it is never translated or guessed into English.
* ``NA`` is the R export's missing value (the shared file was written by R): read as missing.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import lru_cache

from kg.iri import is_nct_id
from kg.model import (
    Arm,
    Condition,
    Eligibility,
    Intervention,
    MappingError,
    PartialDate,
    Provenance,
    RegistryId,
    Site,
    Sponsor,
    Trial,
)
from kg.sources import ictrp_arms
from kg.sources import ictrp_map as M
from kg.sources.ctgov_common import (
    RecordError,
    canonical_sha256,
    keep,
    norm_allocation,
    norm_intervention_type,
    norm_masking,
    norm_model,
    norm_phase,
    norm_purpose,
    parse_date,
    scrub_contact,
    scrub_text,
)
from kg.sources.ctgov_xml import check_no_dtd

__all__ = [
    "FORMAT",
    "MAPPER_VERSION",
    "canonical_id",
    "detect_language",
    "find_registry_ids",
    "map_document",
    "read_rows",
    "registry_of",
    "sniff",
]

FORMAT = "ictrp"
MAPPER_VERSION = "2"  # 2: labelled groups of the free-text registries as arms; EUCTR placebo lines

_CSV_HEADER = re.compile(rb"\A(?:\xef\xbb\xbf)?[^\n]*\bTrialID\b[^\n]*", re.IGNORECASE)
_TITLE_COLUMN = re.compile(rb"scientific_title|public_title", re.IGNORECASE)
_XML_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?\s*>\s*)?"
    rb"<Trials_downloaded_from_ICTRP[\s>]"
)


def sniff(head: bytes) -> bool:
    """True for an ICTRP export: a CSV whose header names ``TrialID`` and a title column,
    or XML whose root is ``<Trials_downloaded_from_ICTRP>``."""
    if _XML_ROOT.match(head):
        return True
    m = _CSV_HEADER.match(head)
    return m is not None and b"," in m.group() and _TITLE_COLUMN.search(m.group()) is not None


# --------------------------------------------------------------------------- reading
_FIELD_BY_KEY: dict[str, M.Field] = {M.field_key(name): f for f in M.FIELDS for name in f.names}


_ROW_ERROR = "\x00error"


def read_rows(data: bytes, *, source_file: str) -> tuple[list[dict[str, str]], list[str]]:
    """The records of an export as ``{target: value}`` (contacts never read) and the notes
    about the document (unknown columns, the encoding); MappingError for a broken one."""
    if _XML_ROOT.match(data[:4096]):
        rows = _xml_rows(data, source_file)
        notes: list[str] = []
    else:
        text, notes = _decode(data, source_file)
        rows = _csv_rows(text, source_file)
    out: list[dict[str, str]] = []
    unknown: dict[str, None] = {}
    for row in rows:
        if _ROW_ERROR in row:  # a row the CSV reader could not split into the header's cells
            out.append({_ROW_ERROR: row[_ROW_ERROR]})
            continue
        record: dict[str, str] = {}
        for name, value in row.items():
            f = _FIELD_BY_KEY.get(M.field_key(name or ""))
            if f is None:
                if name:
                    unknown.setdefault(name)
                continue
            if f.kind != "read":
                continue
            if value is not None and value.strip() and f.target not in record:
                record[f.target] = value
        out.append(record)
    notes += [f"ICTRP export column {u!r} is not in the field map; not read" for u in unknown]
    return out, notes


def _decode(data: bytes, source_file: str) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        note = f"not valid UTF-8 (byte {exc.start}); read as Windows-1252"
        return data.decode("cp1252", errors="replace"), [note]


def _csv_rows(text: str, source_file: str) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 26)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise MappingError(source_file, "empty ICTRP export") from None
    except csv.Error as exc:
        raise MappingError(source_file, f"unreadable CSV header: {exc}") from None
    rows: list[dict[str, str]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                # One broken row is that record's error, not the document's.
                rows.append(
                    {
                        _ROW_ERROR: f"CSV row ending at line {reader.line_num}: {len(cells)} cells, header has {len(header)}"
                    }
                )
                continue
            rows.append(dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        raise MappingError(
            source_file,
            f"broken CSV at line {reader.line_num}: {exc} (after {len(rows)} record(s))",
            record=f"record-{len(rows) + 1}",
        ) from None
    return rows


_LINE_COLUMN = re.compile(r"line (\d+), column (\d+)")
_TRIAL_ID_XML = re.compile(rb"<TrialID>([^<]{1,80})</TrialID>")


def _xml_rows(data: bytes, source_file: str) -> list[dict[str, str]]:
    """``<Trial>`` elements as ``{element name: text}``; DTDs and entities refused. A broken
    document's error names the record where it breaks (the records before it are whole)."""
    try:
        check_no_dtd(data, source_file)
    except MappingError as exc:
        where = _LINE_COLUMN.search(exc.reason)
        if where is None:
            raise
        lines = data.split(b"\n")
        line, column = int(where.group(1)), int(where.group(2))
        before = b"\n".join([*lines[: line - 1], lines[line - 1][:column] if lines else b""])
        whole = before.count(b"</Trial>")
        own = _TRIAL_ID_XML.findall(before[before.rfind(b"</Trial>") + 1 :])
        trial_id = own[-1].decode("utf-8", "replace").strip() if own else ""
        raise MappingError(
            source_file,
            f"{exc.reason} (in <Trial> record {whole + 1}, after {whole} whole record(s))",
            record=_iri_key(trial_id) or f"record-{whole + 1}",
        ) from None
    # Streamed: a full export holds hundreds of thousands of <Trial> elements; each is read
    # and cleared, so the tree never holds more than one.
    rows: list[dict[str, str]] = []
    depth = 0
    for event, el in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 1 and el.tag == "Trial":
            rows.append({child.tag: "".join(child.itertext()) for child in el})
            el.clear()
    return rows


# --------------------------------------------------------------------------- registries
@lru_cache(maxsize=1)
def _id_patterns() -> tuple[tuple[M.Registry, re.Pattern[str]], ...]:
    return tuple((r, re.compile(rf"(?:{r.id_pattern})", re.IGNORECASE)) for r in M.REGISTRIES)


_REGISTRY_BY_NAME = {
    re.sub(r"[^a-z0-9]+", "", n.casefold()): r for r in M.REGISTRIES for n in r.source_names
}
_REGISTRY_BY_CODE = {r.code: r for r in M.REGISTRIES}
_EUDRACT = re.compile(r"(?<![\w-])(\d{4}-\d{6}-\d{2})(?![\w])")


def registry_of(trial_id: str) -> M.Registry | None:
    """The registry whose id pattern a whole id matches.

    >>> registry_of("ChiCTR2000029817").code, registry_of("CTRI/2020/08/027043").code
    ('ChiCTR', 'CTRI')
    >>> registry_of("sponsor-code-12") is None
    True
    """
    for registry, pattern in _id_patterns():
        if pattern.fullmatch(trial_id.strip()):
            return registry
    return None


def _normal_id(registry: M.Registry, trial_id: str) -> str:
    """An id in its registry's spelling (``chictr2000…`` -> ``ChiCTR2000…``, ``nct…`` -> ``NCT…``)."""
    text = trial_id.strip()
    if registry.code == "ChiCTR":
        return "ChiCTR" + text[6:].upper()
    if registry.code in {"REBEC", "JPRN"}:
        return text[:4].upper() + text[4:]
    return text.upper()


def find_registry_ids(text: str | None) -> list[tuple[M.Registry, str]]:
    """Registry ids named in a list of ids (``SecondaryIDs``, ``Childs``); a bare EudraCT
    number ``2020-001266-11`` is the EU register's.

    >>> [(r.code, i) for r, i in find_registry_ids("2020-001266-11; NCT04348461, ABC-1")]
    [('EUCTR', 'EUCTR2020-001266-11'), ('CTGOV', 'NCT04348461')]
    """
    if not text:
        return []
    out: list[tuple[M.Registry, str]] = []
    for part in re.split(r"[;,\s]+", text):
        token = part.strip().strip(".()[]")
        if not token:
            continue
        registry = registry_of(token)
        if registry is not None:
            out.append((registry, _normal_id(registry, token)))
        elif _EUDRACT.fullmatch(token):
            out.append((_REGISTRY_BY_CODE["EUCTR"], f"EUCTR{token}"))
    return list(dict.fromkeys(out))


def _canonical_form(registry_code: str, trial_id: str) -> str:
    """EUCTR records of one trial (one per member state) share its EudraCT number."""
    if registry_code == "EUCTR":
        m = re.match(r"EUCTR(\d{4}-\d{6}-\d{2})", trial_id, re.IGNORECASE)
        if m:
            return f"EUCTR{m.group(1)}"
    return trial_id


def canonical_id(ids: Iterable[RegistryId]) -> str | None:
    """The registry id a trial's IRI is minted from: the first registry of
    :data:`~kg.sources.ictrp_map.CANONICAL_ORDER` among the ids, then the smallest id.

    Every record of a trial that names the same ids gets the same one, whichever is read
    first; an EUCTR id stands for its EudraCT number (one per trial, not per country).

    >>> canonical_id([RegistryId("EUCTR", "EUCTR2020-001266-11-ES"),
    ...               RegistryId("CTGOV", "NCT04348461", "secondary")])
    'NCT04348461'
    >>> canonical_id([RegistryId("EUCTR", "EUCTR2020-001266-11-DE")])
    'EUCTR2020-001266-11'
    """
    order = {code: n for n, code in enumerate(M.CANONICAL_ORDER)}
    keys = sorted(
        (order.get(i.registry, len(order)), _canonical_form(i.registry, i.id)) for i in ids
    )
    return keys[0][1] if keys else None


_NOT_IRI_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def _iri_key(trial_id: str) -> str:
    """An id as one IRI path segment (``CTRI/2020/08/027043`` -> ``CTRI-2020-08-027043``)."""
    return _NOT_IRI_KEY.sub("-", trial_id).strip("-")


# --------------------------------------------------------------------------- the document
def map_document(
    data: bytes,
    *,
    source_file: str,
    sha256: str,
    keep: Callable[[Provenance], bool] | None = None,
) -> Iterator[Trial | MappingError | Provenance]:
    """One Trial (or MappingError) per record of the export."""
    rows, doc_notes = read_rows(data, source_file=source_file)
    if not rows:
        raise MappingError(source_file, "the ICTRP export holds no trial record")
    return _map_rows(rows, doc_notes, source_file, sha256, keep)


def _map_rows(
    rows: list[dict[str, str]],
    doc_notes: list[str],
    source_file: str,
    sha256: str,
    keep_prov: Callable[[Provenance], bool] | None,
) -> Iterator[Trial | MappingError | Provenance]:
    for n, row in enumerate(rows, 1):
        key = _iri_key(_value(row, "trial_id") or "") or f"record-{n}"
        try:
            if _ROW_ERROR in row:
                raise RecordError(row[_ROW_ERROR])
            prov = Provenance(
                source_file, FORMAT, sha256, MAPPER_VERSION, key, canonical_sha256(row)
            )
            if keep_prov is not None and keep_prov(prov):
                yield prov
                continue
            trial = build_trial(row, prov)
            trial.notes = list(dict.fromkeys([*trial.notes, *doc_notes]))
            yield trial
        except Exception as exc:  # any failure of one record is that record's error
            reason = str(exc) if isinstance(exc, RecordError) else f"unreadable record: {exc!r}"
            yield MappingError(source_file, reason, record=key)


# --------------------------------------------------------------------------- one record
_MISSING = frozenset({"na", "n/a", "null", "none"})


def _value(row: Mapping[str, str], target: str) -> str | None:
    """A field's text, without HTML line breaks and entities; ``None`` when missing/``NA``."""
    raw = row.get(target)
    if raw is None:
        return None
    text = _plain(raw)
    return None if not text or text.casefold() == "na" else text


_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


def _plain(text: str) -> str:
    """``<br>`` as line breaks, entities decoded, lines trimmed, blank runs collapsed."""
    text = html.unescape(_BR.sub("\n", text.replace("\r\n", "\n")))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def build_trial(row: Mapping[str, str], prov: Provenance) -> Trial:
    """The typed record of one ICTRP row; RecordError when it has no TrialID."""
    trial_id = _value(row, "trial_id")
    if trial_id is None:
        raise RecordError("the record has no TrialID")
    notes: list[str] = []
    raw: dict[str, str] = {}
    trial = Trial(provenance=prov)
    registry = _identity(trial, row, trial_id, notes)
    _titles(trial, row, notes)
    _design(trial, row, registry, raw, notes)
    _dates(trial, row, registry, raw, notes)
    _eligibility(trial, row, raw, notes)
    conditions = _value(row, "conditions")
    if conditions is not None:
        conditions = keep(scrub_text(conditions, "conditions"), notes)
    trial.conditions = [Condition(c) for c in _conditions(conditions)]
    trial.sponsors = _sponsors(row, notes)
    trial.sites = [Site(country=c) for c in _split_unique(_value(row, "countries"), ";")]
    trial.interventions, trial.arms, shared = _interventions(
        _value(row, "interventions"), registry, notes
    )
    if shared is not None:
        # the interventions text said of all its groups ("Participants are randomised to MSCs
        # (1 x 10^6 cells/kg) or placebo."): the record's description of the trial as a whole,
        # read as such (it is no intervention of any one group, nor of every group)
        trial.detailed_description = shared
        notes.append("interventions text said of all groups kept as the detailed description")
    trial.primary_outcomes = tuple(_outcomes(_value(row, "primary_outcome"), notes))
    trial.secondary_outcomes = tuple(_outcomes(_value(row, "secondary_outcomes"), notes))
    _flags(trial, row, raw)
    results = _value(row, "results_url")
    trial.see_also = (results,) if results and results.startswith("http") else ()
    trial.raw_values = tuple(raw.items())
    trial.languages = _languages(trial)
    trial.notes = list(dict.fromkeys(notes))
    return trial


def _identity(trial: Trial, row: Mapping[str, str], trial_id: str, notes: list[str]) -> M.Registry:
    by_id = registry_of(trial_id)
    source = _value(row, "source_register")
    by_name = _REGISTRY_BY_NAME.get(re.sub(r"[^a-z0-9]+", "", (source or "").casefold()))
    registry = by_id or by_name
    if registry is None:
        raise RecordError(
            f"TrialID {trial_id!r} is of no known registry (Source Register {source!r})"
        )
    if by_id is not None and by_name is not None and by_id is not by_name:
        notes.append(
            f"Source Register {source!r} differs from the registry of its id {trial_id!r}; "
            f"the id's registry ({by_id.code}) is used"
        )
    if by_id is None:
        notes.append(f"TrialID {trial_id!r} does not have {registry.code}'s id form")
    own = _normal_id(registry, trial_id) if by_id is not None else trial_id
    url = _value(row, "url")
    ids = [
        RegistryId(registry.code, own, "primary", url if url and url.startswith("http") else None)
    ]
    others: list[str] = []
    for text, role in (
        (_value(row, "secondary_ids"), "secondary"),
        (_value(row, "childs"), "bridged"),
    ):
        found = find_registry_ids(text)
        ids += [RegistryId(r.code, i, role) for r, i in found if i != own]
        if role == "secondary" and text:
            named = {i for _, i in found}
            others += [
                p.strip()
                for p in re.split(r"[;,]", text)
                if p.strip() and not any(p.strip().upper() in i.upper() for i in named)
            ]
    unique: dict[str, RegistryId] = {}
    for rid in ids:
        unique.setdefault(rid.id.upper(), rid)
    trial.registry_ids = tuple(unique.values())
    trial.secondary_ids = tuple(dict.fromkeys([*(i.id for i in trial.registry_ids[1:]), *others]))
    trial.canonical_id = _iri_key(canonical_id(trial.registry_ids) or own)
    if registry.code == "CTGOV":
        if is_nct_id(own):  # ASCII digits only: the id becomes the trial's IRI
            trial.nct_id = own
        else:
            notes.append(
                f"ClinicalTrials.gov id {own[:40]!r} is not an NCT id; kept as a registry id"
            )
    trial.acronym = _value(row, "acronym")
    return registry


def _titles(trial: Trial, row: Mapping[str, str], notes: list[str]) -> None:
    for attr, target, where in (
        ("brief_title", "public_title", "public title"),
        ("official_title", "scientific_title", "scientific title"),
    ):
        text = _value(row, target)
        if text is not None:
            setattr(trial, attr, keep(scrub_text(" ".join(text.split()), where), notes))
    if trial.brief_title is None and trial.official_title is None:
        notes.append("missing public and scientific title")


# --------------------------------------------------------------------------- design
def _lookup(table: Mapping[str, str | None], text: str) -> tuple[bool, str | None]:
    key = re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()
    for spelling, value in table.items():
        if re.sub(r"[^a-z0-9]+", " ", spelling.casefold()).strip() == key:
            return True, value
    return False, None


def _design(
    trial: Trial,
    row: Mapping[str, str],
    registry: M.Registry,
    raw: dict[str, str],
    notes: list[str],
) -> None:
    status = _value(row, "recruitment_status")
    if status is not None:
        raw["status"] = status
        found, trial.status = _lookup(M.STATUS, status)
        if not found:
            notes.append(f"unmapped recruitment status spelling {status!r}")
        elif trial.status is None:
            notes.append(
                f"recruitment status {status!r} states no single ClinicalTrials.gov status"
            )
    study_type = _value(row, "study_type")
    if study_type is not None:
        raw["study_type"] = study_type
        found, trial.study_type = _lookup(M.STUDY_TYPE, study_type)
        if not found:
            notes.append(f"unmapped study type spelling {study_type!r}")
    phase = _value(row, "phase")
    if phase is not None:
        raw["phases"] = phase
        trial.phases = _phases(phase, notes)
    design = _value(row, "study_design")
    if design is not None:
        raw["study_design"] = design
        _study_design(trial, design, registry, notes)
    size = _value(row, "target_size")
    if size is not None:
        raw["enrollment"] = size
        trial.enrollment = _target_size(size, notes)
    kind = _value(row, "type_enrolment")
    if kind is not None:
        found, trial.enrollment_type = _lookup(
            {"Actual": "ACTUAL", "Anticipated": "ESTIMATED", "Estimated": "ESTIMATED"}, kind
        )


_EUCTR_PHASE = re.compile(r"\(Phase (I{1,3}|IV)\):\s*(yes|no)", re.IGNORECASE)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def _phases(text: str, notes: list[str]) -> tuple[str, ...]:
    """Registry phase spellings -> v2 phases.

    >>> _phases("2-3", []), _phases("Phase II/III", []), _phases("Phase-1", [])
    (('PHASE2', 'PHASE3'), ('PHASE2', 'PHASE3'), ('PHASE1',))
    >>> _phases("Human pharmacology (Phase I): no\\nTherapeutic exploratory (Phase II): yes", [])
    ('PHASE2',)
    >>> _phases("0 (exploratory trials)", [])
    ('EARLY_PHASE1',)
    """
    flags = _EUCTR_PHASE.findall(text)
    if flags:
        return tuple(f"PHASE{_ROMAN[n.upper()]}" for n, yes in flags if yes.lower() == "yes")
    whole = norm_phase(text)
    if whole.note is None:
        return whole.value
    t = re.sub(r"\s*\((?:exploratory trials)\)\s*$", "", text.strip(), flags=re.IGNORECASE)
    t = re.sub(r"(?i)\bphase[\s-]*", "Phase ", t)
    t = re.sub(r"\b(IV|I{1,3})\b", lambda m: _ROMAN[m.group(1)], t)
    parts = [p.strip() for p in re.split(r"\s*[-/]\s*(?=(?:Phase )?\d\b)|\s*/\s*", t) if p.strip()]
    spelled = [p if not re.fullmatch(r"\d", p) else f"Phase {p}" for p in parts]
    result = norm_phase(spelled)
    if result.note:
        notes.append(f"unmapped phase spelling {text!r}")
        return tuple(v for v in result.value if v in _V2_PHASES)
    return result.value


_V2_PHASES = frozenset({"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"})


def _target_size(text: str, notes: list[str]) -> int | None:
    """``"60"`` -> 60; ChiCTR's ``"Experimental group:30;Control group:30;"`` -> 60 (the
    groups' sizes as stated, added up)."""
    # ASCII digits, at most 9 of them: a count of people (Python refuses an int of 5,000)
    if re.fullmatch(r"[0-9]{1,9}", text.strip()):
        return int(text.strip())
    # the whole text's shape first (linear), then its figures: findall alone, tried from
    # every position of a long text with no ':', took quadratic time
    if re.fullmatch(r"(?:[^:;]+:\s*[0-9]{1,9}\s*;?\s*)+", text.strip()):
        groups = re.findall(r"[^:;]+:\s*([0-9]{1,9})\s*(?:;|$)", text)
        if groups:
            return sum(int(g) for g in groups)
    notes.append(f"target size {text!r} is not a number of participants")
    return None


_CTGOV_DESIGN = re.compile(
    r"(Allocation|Intervention model|Primary purpose|Masking):\s*(.*?)(?=\.\s+[A-Z][a-z ]+:|\.?\s*$)",
    re.DOTALL,
)
_IRCT_DESIGN = re.compile(r"(Randomization|Blinding|Assignment|Purpose):\s*([^,.]+)", re.IGNORECASE)
_IRCT_BLINDING = (
    ("not blind", "NONE"),
    ("single", "SINGLE"),
    ("double", "DOUBLE"),
    ("triple", "TRIPLE"),
    ("quadruple", "QUADRUPLE"),
)
_EUCTR_FLAG = re.compile(
    r"^(Randomised|Open|Single blind|Double blind|Parallel group|Cross over):\s*(yes|no)\s*$", re.M
)


def _study_design(trial: Trial, text: str, registry: M.Registry, notes: list[str]) -> None:
    """Design fields from the registries' structured design texts (ClinicalTrials.gov's
    ``Allocation: … Intervention model: …``, IRCT's ``Randomization: …, Blinding: …``, EUCTR's
    yes/no list, a bare model word); other texts stay as written only."""
    parts = dict(_CTGOV_DESIGN.findall(text)) if registry.code == "CTGOV" else {}
    if parts:
        trial.allocation = keep(norm_allocation(parts.get("Allocation")), notes)
        trial.intervention_model = keep(norm_model(parts.get("Intervention model")), notes)
        trial.primary_purpose = keep(norm_purpose(parts.get("Primary purpose")), notes)
        trial.masking = keep(norm_masking(parts.get("Masking")), notes)
        return
    irct = {k.casefold(): v.strip() for k, v in _IRCT_DESIGN.findall(text)}
    if registry.code == "IRCT" and "randomization" in irct and "blinding" in irct:
        rand = irct["randomization"].casefold()
        trial.allocation = (
            "NON_RANDOMIZED"
            if rand.startswith(("not", "non"))
            else "RANDOMIZED"
            if rand.startswith("random")
            else None
        )
        if "assignment" in irct:
            found = norm_model(irct["assignment"])
            trial.intervention_model = found.value if found.note is None else None
        if "purpose" in irct:
            found = norm_purpose(irct["purpose"])
            trial.primary_purpose = found.value if found.note is None else None
        blind = irct["blinding"].casefold()
        for word, value in _IRCT_BLINDING:
            if blind.startswith(word):
                trial.masking = value
                break
        return
    flags = {k.casefold(): v.casefold() == "yes" for k, v in _EUCTR_FLAG.findall(text)}
    if registry.code == "EUCTR" and flags:
        if "randomised" in flags:
            trial.allocation = "RANDOMIZED" if flags["randomised"] else None
        if flags.get("parallel group") and not flags.get("cross over"):
            trial.intervention_model = "PARALLEL"
        elif flags.get("cross over") and not flags.get("parallel group"):
            trial.intervention_model = "CROSSOVER"
        blinds = [
            m
            for m, k in (("NONE", "open"), ("SINGLE", "single blind"), ("DOUBLE", "double blind"))
            if flags.get(k)
        ]
        if len(blinds) == 1:
            trial.masking = blinds[0]
        return
    bare = norm_model(text)
    if bare.note is None:
        trial.intervention_model = bare.value
    elif re.fullmatch(r"(?i)single[\s-]+arm", text.strip()):
        trial.intervention_model = "SINGLE_GROUP"


# --------------------------------------------------------------------------- dates
_TEXT_MONTH = re.compile(r"[A-Za-z]")


def _date(
    text: str | None, registry: M.Registry, what: str, notes: list[str]
) -> PartialDate | None:
    """A date in its registry's format (ClinicalTrials.gov dates also as ``April 12, 2020``).

    >>> reg = {r.code: r for r in M.REGISTRIES}
    >>> _date("13-07-2020", reg["CTRI"], "x", []), _date("2020-02-14", reg["ChiCTR"], "x", [])
    (PartialDate(value='2020-07-13', kind=None), PartialDate(value='2020-02-14', kind=None))
    >>> notes = []; _date("2020-02-14", reg["EUCTR"], "registration date", notes), notes
    (None, ["registration date '2020-02-14' is not in EUCTR's date format (%d/%m/%Y)"])
    """
    if text is None:
        return None
    value = text.strip()
    try:
        return PartialDate(datetime.strptime(value, registry.date_format).date().isoformat())
    except ValueError:
        pass
    if registry.code == "CTGOV" and _TEXT_MONTH.search(value):
        found = parse_date(value)
        if found.value is not None:
            return found.value
    notes.append(
        f"{what} {value!r} is not in {registry.code}'s date format ({registry.date_format})"
    )
    return None


def _dates(
    trial: Trial,
    row: Mapping[str, str],
    registry: M.Registry,
    raw: dict[str, str],
    notes: list[str],
) -> None:
    registered = _value(row, "date_registration")
    if registered is not None:
        raw["registration_date"] = registered
        trial.registration_date = _date(registered, registry, "registration date", notes)
    enrolment = _value(row, "date_enrollment")
    if enrolment is not None:
        raw["start_date"] = enrolment
        trial.start_date = _date(enrolment, registry, "date of first enrolment", notes)
    refreshed = _value(row, "last_refreshed")
    if refreshed is not None:
        try:
            trial.last_update = PartialDate(
                datetime.strptime(refreshed.strip(), "%d %B %Y").date().isoformat()
            )
        except ValueError:
            notes.append(f"last refreshed date {refreshed!r} not read")


# --------------------------------------------------------------------------- eligibility
_AGE = re.compile(
    r"(?P<op>>=|=>|≥|<=|=<|≤|<|>)?\s*(?P<n>[0-9]{1,6}(?:\.[0-9]{1,6})?)\s*"
    r"(?P<unit>years?|year\(s\)|y|age old|months?|month\(s\)|weeks?|days?)?\s*(?:old)?",
    re.IGNORECASE,
)
_NO_LIMIT = frozenset({"no limit", "none", "not applicable", "n/a", "na", "no", "-"})


def _age(
    text: str | None, what: str, raw_key: str, raw: dict[str, str], notes: list[str]
) -> float | None:
    """An age limit in years: ``"18 Years"``, ``"18"`` (ChiCTR: years), ``"18Y"``, ``">= 20age
    old"``, ``"19 Year(s)"``; ``"no limit"`` -> None. A strict bound (``"< 80"``) or ``"0"``
    as a maximum states no inclusive limit: kept as written only, and reported."""
    if text is None:
        return None
    raw[raw_key] = text
    key = text.strip().casefold()
    if key in _NO_LIMIT:
        return None
    m = _AGE.fullmatch(text.strip())
    if not m:
        notes.append(f"unparsed {what} {text!r}")
        return None
    if m.group("op") in {"<", ">"}:
        notes.append(f"{what} {text!r} is a strict bound; kept as written only")
        return None
    value = float(m.group("n"))
    if what == "maximum age" and value == 0:
        notes.append(f"{what} {text!r} read as no limit stated")
        return None
    unit = (m.group("unit") or "years").casefold()
    if unit.startswith("month"):
        value /= 12.0
    elif unit.startswith("week"):
        value *= 7.0 / 365.25
    elif unit.startswith("day"):
        value /= 365.25
    return round(value, 4)


def _eligibility(
    trial: Trial, row: Mapping[str, str], raw: dict[str, str], notes: list[str]
) -> None:
    gender = _value(row, "gender")
    sex = None
    if gender is not None:
        raw["sex"] = gender
        found, sex = _lookup(M.SEX, gender)
        if not found:
            notes.append(f"unmapped sex spelling {gender!r}")
    criteria = [
        keep(scrub_text(text, "eligibility criteria"), notes)
        for text in (_value(row, "inclusion"), _value(row, "exclusion"))
        if text is not None
    ]
    trial.eligibility = Eligibility(
        sex=sex,
        min_age_years=_age(_value(row, "age_min"), "minimum age", "min_age", raw, notes),
        max_age_years=_age(_value(row, "age_max"), "maximum age", "max_age", raw, notes),
        criteria="\n\n".join(criteria) or None,
    )


# --------------------------------------------------------------------------- lists
def _split_unique(text: str | None, sep: str) -> list[str]:
    if text is None:
        return []
    return list(
        dict.fromkeys(
            p.strip() for p in text.split(sep) if p.strip() and p.strip().casefold() not in _MISSING
        )
    )


_CONDITION_PREFIX = re.compile(r"^(?:Health Condition \d+:\s*|-\s*)", re.IGNORECASE)


_CODE = re.compile(r"[A-Z]{1,2}\d[0-9A-Z.]*(?:-[A-Z]{1,2}\d[0-9A-Z.]*)?")


def _conditions(text: str | None) -> list[str]:
    """Conditions split at ``;`` and line breaks; CTRI's ``Health Condition 1:`` dropped;
    EUCTR's MedDRA block and therapeutic area lines left out (they classify, not name)."""
    if text is None:
        return []
    out: list[str] = []
    for line in re.split(r"[;\n]", text):
        item = _CONDITION_PREFIX.sub("", line.strip()).strip(" .")
        if not item or item.casefold() in _MISSING:
            continue
        if re.match(
            r"(?i)(MedDRA version|Level:|Classification code|Term:|System Organ Class|Therapeutic area)",
            item,
        ):
            continue
        if _CODE.fullmatch(item):
            continue  # a code alone (ICD-10 "U07.1", ICD-11 "RA01.0", MeSH "C000657245")
        out.append(item)
    return list(dict.fromkeys(out))


def _outcomes(text: str | None, notes: list[str]) -> list[str]:
    if text is None:
        return []
    items = [p.strip() for p in _split_outside_brackets(text, ";") if p.strip()]
    return [keep(scrub_text(i, "outcome"), notes) for i in items if i.casefold() not in _MISSING]


def _split_outside_brackets(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` where no bracket is open.

    >>> _split_outside_brackets("a (b; c); d", ";")
    ['a (b; c)', ' d']
    """
    out: list[str] = []
    depth = 0
    start = 0
    for n, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch == sep and depth == 0:
            out.append(text[start:n])
            start = n + 1
    out.append(text[start:])
    return out


def _sponsors(row: Mapping[str, str], notes: list[str]) -> list[Sponsor]:
    out: list[Sponsor] = []
    lead = keep(scrub_contact(_value(row, "primary_sponsor"), "primary sponsor"), notes)
    if lead is not None:
        out.append(Sponsor(lead.rstrip(" ,;"), "lead"))
    else:
        notes.append("no primary sponsor")
    for name in _split_unique(_value(row, "secondary_sponsors"), ";"):
        clean = keep(scrub_contact(name, "secondary sponsor"), notes)
        if clean is not None and clean != lead:
            out.append(Sponsor(clean.rstrip(" ,;"), "collaborator"))
    return out


def _flags(trial: Trial, row: Mapping[str, str], raw: dict[str, str]) -> None:
    flag = _value(row, "bridging_flag") or _value(row, "other_records")  # same fact, renamed
    if flag is not None:
        trial.bridging_flag = flag.strip().casefold() in {"true", "yes", "1"}
    trial.bridged_type = (_value(row, "bridged_type") or "").strip().casefold() or None
    retro = _value(row, "retrospective_flag")
    if retro is not None:
        trial.retrospective_registration = retro.strip().casefold() in {"true", "yes", "1"}


# --------------------------------------------------------------------------- interventions
_CTGOV_ITEM = re.compile(r"^\s*([A-Za-z /]{3,30}):\s*(.+)$", re.DOTALL)
_IRCT_SPLIT = re.compile(r"(?:^|(?<=[\s.;]))((?:Intervention|Control)\s*\d+)\s*:\s*", re.IGNORECASE)
_CTRI_ITEM = re.compile(
    r"^\s*((?:Control\s+)?Intervention\s*\d+)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL
)
_GROUP_LABEL = re.compile(
    r"^\s*([^:.;]{2,60}?(?:group|arm|cohort|series)[^:.;]{0,20}?)\s*:\s*", re.IGNORECASE
)
_EUCTR_KEY = re.compile(
    r"^(Product Name|Trade Name|INN or Proposed INN|Other descriptive name|Current Sponsor code|Product Code):\s*(.*)$",
    re.IGNORECASE,
)


_Read = tuple[list[Intervention], list[Arm], str | None]


def _interventions(text: str | None, registry: M.Registry, notes: list[str]) -> _Read:
    """Interventions and arms from the interventions text, as the registry writes it, and the
    part of the text said of all groups (where groups are read as arms)."""
    if text is None:
        return [], [], None
    text = keep(scrub_text(text, "interventions"), notes)
    if registry.code == "CTGOV":
        return _ctgov_interventions(text, notes), [], None
    if registry.code == "EUCTR":
        return _euctr_products(text), [], None
    if registry.code == "ChiCTR":
        arms = _labelled_arms(re.split(r"[;；]", text), ":")  # "；" as ChiCTR also writes it
        groups, shared = ictrp_arms.group_arms(text)
        if arms and len(groups) > len(arms):  # "A group:…. B group:…" with no ";" between
            notes.append(_groups_note(groups))
            return [], groups, shared
        if arms:
            return [], arms, None
    if registry.code == "CTRI":
        arms = _ctri_arms(text)
        if arms:
            return [], arms, None
    if registry.code == "IRCT":
        arms = _irct_arms(text)
        groups, shared = ictrp_arms.group_arms(text)
        if len(groups) > len(arms):  # "Intervention group 1: …; Intervention group 2: …"
            notes.append(_groups_note(groups))
            return [], groups, shared
        if arms:
            return [], arms, None
    return _other_registry(text, notes)


def _other_registry(text: str, notes: list[str]) -> _Read:
    """A registry without a layout of its own (:mod:`kg.sources.ictrp_arms`): PACTR's name
    list, CRiS's typed lines, labelled groups as arms (with the text said of all groups),
    else the whole text as one intervention."""
    names = ictrp_arms.name_list(text)
    if names is not None:
        return names, [], None
    typed = ictrp_arms.typed_lines(text)
    if typed is not None:
        if len(typed) == 1:  # one typed line that writes the groups: "Biological : Group A: ..."
            arms, shared = ictrp_arms.group_arms(typed[0].description or "")
            if arms:
                notes.append(_groups_note(arms))
                return [], arms, shared
        return typed, [], None
    repec = ictrp_arms.repec_groups(text)
    if repec is not None:
        notes.append(_groups_note(repec))
        return [], repec, None
    free = _free_text_intervention(text, notes)
    arms, shared = ictrp_arms.group_arms(free.description or "")
    if not arms:
        return [free], [], None
    notes.append(_groups_note(arms))
    return [], arms, shared


def _groups_note(arms: list[Arm]) -> str:
    return f"{len(arms)} group(s) of the interventions text read as arms: " + "; ".join(
        a.label for a in arms
    )


def _ctgov_interventions(text: str, notes: list[str]) -> list[Intervention]:
    out: list[Intervention] = []
    for item in (p.strip() for p in text.split(";")):
        if not item:
            continue
        m = _CTGOV_ITEM.match(item)
        kind = norm_intervention_type(m.group(1)) if m else None
        if m and kind is not None and kind.note is None:
            out.append(Intervention(name=m.group(2).strip(), type=kind.value))
        else:
            out.append(Intervention(name=item))
    return _unique_interventions(out)


def _unique_interventions(items: list[Intervention]) -> list[Intervention]:
    seen: dict[str, Intervention] = {}
    for iv in items:
        seen.setdefault(iv.name.casefold(), iv)
    return list(seen.values())


_EUCTR_PLACEBO = re.compile(
    r"^(?:Pharmaceutical form|Route of administration) of the placebo:", re.IGNORECASE
)


def _euctr_products(text: str) -> list[Intervention]:
    """One intervention per product block (``Product Name: …`` lines up to a blank line).

    The register appends the placebo's form and route to the block of the product it
    matches (``Pharmaceutical form of the placebo: …``, ``Route of administration of the
    placebo: …``): those lines are the placebo's, one intervention ``Placebo`` of their own,
    never the product's text (the placebo's route is not stated for the product)."""
    out: list[Intervention] = []
    placebo: list[str] = []
    for whole in re.split(r"\n\s*\n", text):
        lines = whole.split("\n")
        placebo += [line.strip() for line in lines if _EUCTR_PLACEBO.match(line.strip())]
        block = "\n".join(line for line in lines if not _EUCTR_PLACEBO.match(line.strip()))
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            m = _EUCTR_KEY.match(line.strip())
            if m and m.group(2).strip():
                fields.setdefault(m.group(1).casefold(), m.group(2).strip())
        name = (
            fields.get("product name")
            or fields.get("trade name")
            or fields.get("inn or proposed inn")
            or fields.get("product code")
            or fields.get("current sponsor code")
        )
        if name is None:
            continue
        others = [
            v
            for k, v in fields.items()
            if k
            in {
                "trade name",
                "inn or proposed inn",
                "other descriptive name",
                "current sponsor code",
            }
            and v != name
        ]
        out.append(
            Intervention(
                name=name, description=block.strip(), other_names=tuple(dict.fromkeys(others))
            )
        )
    if placebo:
        out.append(Intervention(name="Placebo", description="\n".join(dict.fromkeys(placebo))))
    return _unique_interventions(out)


def _labelled_arms(items: Iterable[str], sep: str) -> list[Arm]:
    """ChiCTR's ``Label:description`` items (``：`` too)."""
    arms: list[Arm] = []
    for raw_item in items:
        item = raw_item.strip()
        if not item:
            continue
        label, found, description = item.replace("：", ":").partition(sep)
        if not found or not label.strip() or len(label) > 80:
            return []
        arms.append(Arm(label=label.strip(), description=description.strip() or None))
    return _unique_arms(arms)


def _unique_arms(arms: list[Arm]) -> list[Arm]:
    """Arms with distinct labels (a repeated label gets its position appended)."""
    seen: set[str] = set()
    for n, arm in enumerate(arms, 1):
        if arm.label.casefold() in seen:
            arm.label = f"{arm.label} ({n})"
        seen.add(arm.label.casefold())
    return arms


def _ctri_arms(text: str) -> list[Arm]:
    """CTRI's ``Intervention1: name: description`` / ``Control Intervention1: …`` lines."""
    arms: list[Arm] = []
    for line in re.split(r"\n(?=\s*(?:Control\s+)?Intervention\s*\d+\s*:)", text):
        m = _CTRI_ITEM.match(line)
        if not m:
            continue
        name, _, description = m.group(2).partition(":")
        label = name.strip() or m.group(1).strip()
        if label.casefold() in {"not applicable", "nil", "none"}:
            label = m.group(1).strip()
        arms.append(Arm(label=label, description=(description.strip() or name.strip()) or None))
    return _unique_arms(arms)


def _irct_arms(text: str) -> list[Arm]:
    """IRCT's ``Intervention 1: Intervention group: … Intervention 2: Control group: …``, or a
    single ``Treatment group: …`` text."""
    pieces = _IRCT_SPLIT.split(text)
    arms: list[Arm] = []
    if len(pieces) >= 3:
        for number, piece in zip(pieces[1::2], pieces[2::2], strict=True):
            body = piece.strip()
            m = _GROUP_LABEL.match(body)
            label = m.group(1).strip() if m else number.strip()
            description = body[m.end() :].strip() if m else body
            arms.append(Arm(label=label, description=description or None))
        return _unique_arms(arms)
    m = _GROUP_LABEL.match(text)
    if m:
        return [Arm(label=m.group(1).strip(), description=text[m.end() :].strip() or None)]
    return []


_TAIL_SEGMENT = re.compile(r"[A-Za-z/ -]{3,40}")


def _type_tail(text: str) -> tuple[int, str] | None:
    """Where the trailing ``;descriptor;descriptor`` run starts, and the run without its
    first ``;`` (a walk back over the segments: linear, where a regular expression searched
    from every ``;`` took quadratic time on a long list).

    >>> _type_tail("Cells given IV.;Biological/vaccine;Transplantation; ")
    (15, 'Biological/vaccine;Transplantation')
    >>> _type_tail("Cells given IV; 2 doses") is None
    True
    """
    end = len(text.rstrip())
    if end and text[end - 1] == ";":
        end -= 1
    else:  # spaces right after the last descriptor are its own (as the expression read them)
        while end < len(text) and text[end] == " ":
            end += 1
    start, parts = end, []
    while (cut := text.rfind(";", 0, start)) >= 0 and _TAIL_SEGMENT.fullmatch(text, cut + 1, start):
        parts.append(text[cut + 1 : start])
        start = cut
    return (start, ";".join(reversed(parts))) if parts else None


def _free_text_intervention(text: str, notes: list[str]) -> Intervention:
    """A registry's free-text interventions as one intervention (ReBEC's trailing
    ``;Biological/vaccine;Transplantation`` descriptors become its type where one maps)."""
    kind: str | None = None
    tail = _type_tail(text)
    body = text
    if tail and "." in text[: tail[0]]:
        for word in re.split(r"[;/]", tail[1]):
            found = norm_intervention_type(word.strip())
            if word.strip() and found.note is None:
                kind = kind or found.value
        body = text[: tail[0]].strip()
    return Intervention(name="Interventions", type=kind, description=body)


# --------------------------------------------------------------------------- languages
# Function words that English does not share (each list: words frequent in trial titles and
# criteria). A text is tagged with a language other than English only on clear evidence.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and with for to on is are be by from at as this that patients study trial "
        "treatment efficacy safety effect randomized versus who will"
    ),
    "es": _words(
        "el los las del y con para por una que se al estudio ensayo pacientes tratamiento "
        "eficacia seguridad sobre infección fase aleatorio"
    ),
    "pt": _words(
        "os das dos do da e em com para uma não estudo ensaio pacientes tratamento "
        "eficácia segurança infecção ao pela pelo"
    ),
    "fr": _words(
        "le les des du et avec pour une dans aux étude essai patients traitement "
        "efficacité sécurité chez évaluer"
    ),
    "it": _words(
        "il gli della delle di e con per una che studio pazienti trattamento efficacia "
        "sicurezza nel sulla"
    ),
    "de": _words(
        "der die das und mit für von zu eine bei studie patienten behandlung wirksamkeit sicherheit"
    ),
    "nl": _words("het een en van met voor bij studie patiënten behandeling onderzoek"),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)
_PERSIAN = re.compile(r"[\u067e\u0686\u0698\u06af\u06a9\u06cc]")


def detect_language(text: str) -> str | None:
    """The BCP 47 tag of a text that is not in English, else ``None`` (English, or not clear).

    Non-Latin scripts decide by their letters (kana -> ``ja``, Han -> ``zh``, Hangul -> ``ko``,
    Persian letters -> ``fa``, other Arabic script -> ``ar``, Thai -> ``th``); Latin text by
    function words, only when another language's are at least three and outnumber English
    ones; a text with at least three of both is ``mul`` (several languages).

    >>> detect_language("Ensayo Clínico de Fase III, Aleatorio, Doble Ciego y Controlado Con Placebo")
    'es'
    >>> detect_language("Efficacy of vitamin D in patients with COVID-19") is None
    True
    >>> detect_language("间充质干细胞治疗新型冠状病毒肺炎")
    'zh'
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    for tag, pattern in _SCRIPTS:
        if len(pattern.findall(text)) * 3 >= len(letters):
            return "fa" if tag == "ar" and _PERSIAN.search(text) else tag
    words = {w.casefold() for w in _WORD.findall(text)}
    scores = {lang: len(words & fw) for lang, fw in _FUNCTION_WORDS.items()}
    english = scores.pop("en")
    lang, best = max(sorted(scores.items()), key=lambda kv: kv[1])
    if best < 3:
        return None
    if english < 3:
        return lang
    return "mul" if best * 2 >= english else None


def _languages(trial: Trial) -> tuple[tuple[str, str], ...]:
    texts: list[tuple[str, str | None]] = [
        ("brief_title", trial.brief_title),
        ("official_title", trial.official_title),
        ("criteria", trial.eligibility.criteria),
    ]
    texts += [(f"primary_outcomes[{n}]", o) for n, o in enumerate(trial.primary_outcomes)]
    texts += [(f"secondary_outcomes[{n}]", o) for n, o in enumerate(trial.secondary_outcomes)]
    out: list[tuple[str, str]] = []
    for name, text in texts:
        tag = detect_language(text) if text else None
        if tag is not None:
            out.append((name, tag))
    return tuple(out)
