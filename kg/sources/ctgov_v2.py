"""ClinicalTrials.gov API v2 JSON -> :class:`kg.model.Trial`.

A document is one study object (``{"protocolSection": ...}``), a JSON list of them
(the website's download) or an API page (``{"studies": [...], "nextPageToken": ...}``).
Values already use the v2 spellings; they still go through :mod:`kg.sources.ctgov_common`
so that an unknown value is reported the same way as in the other formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from kg.model import MappingError, Provenance, Trial
from kg.sources import results_v2
from kg.sources.ctgov_common import (
    RawArm,
    RawDate,
    RawIntervention,
    RawSite,
    RawStudy,
    RecordError,
    canonical_sha256,
    json_float,
    json_obj,
    json_objs,
    json_strs,
    json_text,
    load_json,
    map_records,
)
from kg.sources.results_common import read_safely

__all__ = ["FORMAT", "MAPPER_VERSION", "map_document", "read_study", "sniff"]

FORMAT = "ctgov-v2"
MAPPER_VERSION = "2"  # 2: posted results (kg.sources.results_*)

_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*[\[{]")


def sniff(head: bytes) -> bool:
    """True for a JSON document holding v2 studies (it names ``"protocolSection"``)."""
    return (
        _JSON_START.match(head) is not None
        and b'"protocolSection"' in head
        and b'"FullStudiesResponse"' not in head
    )


def map_document(
    data: bytes,
    *,
    source_file: str,
    sha256: str,
    keep: Callable[[Provenance], bool] | None = None,
) -> Iterator[Trial | MappingError | Provenance]:
    """One Trial (or MappingError) per study; MappingError for a broken document."""
    studies = _studies(data, source_file)
    return map_records(
        ((_peek(s), _reader(s)) for s in studies),
        source_file=source_file,
        fmt=FORMAT,
        sha256=sha256,
        mapper_version=MAPPER_VERSION,
        keep=keep,
    )


def _studies(data: bytes, source_file: str) -> list[Any]:
    doc = load_json(data, source_file)
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if "protocolSection" in doc:
            return [doc]
        if isinstance(doc.get("studies"), list):
            return list(doc["studies"])
        if "FullStudiesResponse" in doc:
            raise MappingError(source_file, "a classic API v1 document, not API v2")
    raise MappingError(
        source_file,
        "not ClinicalTrials.gov API v2 JSON: neither a study object (protocolSection), "
        "a list of studies nor an API page (studies)",
    )


def _peek(study: Any) -> str | None:
    if not isinstance(study, dict):
        return None
    ident = study.get("protocolSection", {})
    ident = ident.get("identificationModule", {}) if isinstance(ident, dict) else {}
    nct = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct, str) or not nct.strip():
        return None
    return nct.strip().upper()


def _reader(study: Any) -> Callable[[], tuple[RawStudy, str]]:
    def read() -> tuple[RawStudy, str]:
        if not isinstance(study, dict):
            raise RecordError(f"a study is a {type(study).__name__}, not an object")
        if not isinstance(study.get("protocolSection"), dict):
            raise RecordError("the study has no protocolSection")
        return read_study(study), canonical_sha256(study)

    return read


def read_study(study: dict[str, Any]) -> RawStudy:
    """The texts of one v2 study object, as written (RecordError on a wrong shape)."""
    p = json_obj(study, "protocolSection")
    raw = RawStudy()
    _identification(raw, json_obj(p, "identificationModule"))
    _status(raw, json_obj(p, "statusModule"))
    _design(raw, json_obj(p, "designModule"))
    desc = json_obj(p, "descriptionModule")
    raw.brief_summary = json_text(desc, "briefSummary")
    raw.detailed_description = json_text(desc, "detailedDescription")
    cond = json_obj(p, "conditionsModule")
    raw.conditions = json_strs(cond, "conditions")
    raw.keywords = json_strs(cond, "keywords")
    _mesh(raw, json_obj(json_obj(study, "derivedSection"), "conditionBrowseModule"))
    _arms(raw, json_obj(p, "armsInterventionsModule"))
    _eligibility(raw, json_obj(p, "eligibilityModule"))
    _sponsors(raw, json_obj(p, "sponsorCollaboratorsModule"))
    _contacts(raw, json_obj(p, "contactsLocationsModule"))
    _references(raw, json_obj(p, "referencesModule"))
    raw.results, raw.results_error = read_safely(
        results_v2.read_results, study.get("resultsSection")
    )
    return raw


def _identification(raw: RawStudy, ident: dict[str, Any]) -> None:
    raw.nct_id = json_text(ident, "nctId")
    raw.nct_aliases = json_strs(ident, "nctIdAliases")
    raw.org_study_id = json_text(json_obj(ident, "orgStudyIdInfo"), "id")
    raw.secondary_ids = [
        x for x in (json_text(s, "id") for s in json_objs(ident, "secondaryIdInfos")) if x
    ]
    raw.acronym = json_text(ident, "acronym")
    raw.brief_title = json_text(ident, "briefTitle")
    raw.official_title = json_text(ident, "officialTitle")


def _date(status: dict[str, Any], key: str) -> RawDate:
    struct = json_obj(status, key)
    return json_text(struct, "date"), json_text(struct, "type")


def _status(raw: RawStudy, status: dict[str, Any]) -> None:
    raw.status = json_text(status, "overallStatus")
    raw.start = _date(status, "startDateStruct")
    raw.primary_completion = _date(status, "primaryCompletionDateStruct")
    raw.completion = _date(status, "completionDateStruct")
    raw.last_update = _date(status, "lastUpdatePostDateStruct")
    linked = json_text(json_obj(status, "expandedAccessInfo"), "nctId")
    raw.linked_nct_ids = [linked] if linked else []


def _design(raw: RawStudy, design: dict[str, Any]) -> None:
    raw.study_type = json_text(design, "studyType")
    raw.phases = json_strs(design, "phases")
    info = json_obj(design, "designInfo")
    raw.allocation = json_text(info, "allocation")
    raw.intervention_model = json_text(info, "interventionModel")
    raw.masking = json_text(json_obj(info, "maskingInfo"), "masking")
    raw.primary_purpose = json_text(info, "primaryPurpose")
    enrollment = json_obj(design, "enrollmentInfo")
    raw.enrollment = json_text(enrollment, "count")
    raw.enrollment_type = json_text(enrollment, "type")


def _mesh(raw: RawStudy, browse: dict[str, Any]) -> None:
    for mesh in json_objs(browse, "meshes"):
        term = json_text(mesh, "term")
        if term:
            raw.meshes.append((json_text(mesh, "id"), term))
    for ancestor in json_objs(browse, "ancestors"):
        term = json_text(ancestor, "term")
        if term:
            raw.mesh_ancestors.append((json_text(ancestor, "id"), term))
    for leaf in json_objs(browse, "browseLeaves"):
        name, found = json_text(leaf, "name"), json_text(leaf, "asFound")
        if name and found:
            raw.mesh_leaves.append((name, found))


def _arms(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.arms = [
        RawArm(
            label=json_text(a, "label"),
            type=json_text(a, "type"),
            description=json_text(a, "description"),
            intervention_names=json_strs(a, "interventionNames"),
        )
        for a in json_objs(module, "armGroups")
    ]
    raw.interventions = [
        RawIntervention(
            name=json_text(i, "name"),
            type=json_text(i, "type"),
            description=json_text(i, "description"),
            other_names=json_strs(i, "otherNames"),
            arm_labels=json_strs(i, "armGroupLabels"),
        )
        for i in json_objs(module, "interventions")
    ]


def _eligibility(raw: RawStudy, elig: dict[str, Any]) -> None:
    raw.sex = json_text(elig, "sex")
    raw.min_age = json_text(elig, "minimumAge")
    raw.max_age = json_text(elig, "maximumAge")
    healthy = elig.get("healthyVolunteers")
    if healthy is not None and not isinstance(healthy, bool | str):
        raise RecordError(f"'healthyVolunteers' is a {type(healthy).__name__}, not a boolean")
    raw.healthy_volunteers = healthy
    raw.criteria = json_text(elig, "eligibilityCriteria")


def _sponsors(raw: RawStudy, module: dict[str, Any]) -> None:
    lead = json_obj(module, "leadSponsor")
    if lead:
        raw.lead_sponsor = (json_text(lead, "name"), json_text(lead, "class"))
    raw.collaborators = [
        (json_text(c, "name"), json_text(c, "class")) for c in json_objs(module, "collaborators")
    ]
    party = json_obj(module, "responsibleParty")
    raw.rp_type = json_text(party, "type")
    raw.rp_name = json_text(party, "investigatorFullName")
    raw.rp_affiliation = json_text(party, "investigatorAffiliation")
    raw.rp_old_name = json_text(party, "oldNameTitle")
    raw.rp_old_organization = json_text(party, "oldOrganization")


def _contacts(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.officials = [
        (json_text(o, "name"), json_text(o, "role"), json_text(o, "affiliation"))
        for o in json_objs(module, "overallOfficials")
    ]
    raw.contacts = [json_text(c, "name") for c in json_objs(module, "centralContacts")]
    raw.sites = [_site(loc) for loc in json_objs(module, "locations")]


def _site(loc: dict[str, Any]) -> RawSite:
    geo = json_obj(loc, "geoPoint")
    return RawSite(
        facility=json_text(loc, "facility"),
        city=json_text(loc, "city"),
        state=json_text(loc, "state"),
        zip=json_text(loc, "zip"),
        country=json_text(loc, "country"),
        status=json_text(loc, "status"),
        lat=json_float(geo, "lat"),
        lon=json_float(geo, "lon"),
    )


def _references(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.references = [
        (json_text(r, "citation"), json_text(r, "pmid"), json_text(r, "type"))
        for r in json_objs(module, "references")
    ]
    raw.see_also = [
        (json_text(s, "url"), json_text(s, "label")) for s in json_objs(module, "seeAlsoLinks")
    ]
