"""ClinicalTrials.gov classic API v1 JSON (``FullStudiesResponse``) -> :class:`kg.model.Trial`.

A document is one page of the retired ``full_studies`` endpoint::

    {"FullStudiesResponse": {..., "FullStudies": [{"Rank": 1, "Study": {...}}, ...]}}

The classic API spells values for people ("Phase 1", "Anticipated", "Unknown status");
:mod:`kg.sources.ctgov_common` turns them into the API v2 spellings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from kg.model import MappingError, Provenance, Trial
from kg.sources import results_v1
from kg.sources.ctgov_common import (
    RawArm,
    RawDate,
    RawIntervention,
    RawSite,
    RawStudy,
    RecordError,
    canonical_sha256,
    json_obj,
    json_objs,
    json_strs,
    json_text,
    load_json,
    map_records,
)
from kg.sources.results_common import read_safely

__all__ = ["FORMAT", "MAPPER_VERSION", "map_document", "read_study", "sniff"]

FORMAT = "ctgov-v1"
MAPPER_VERSION = "2"  # 2: posted results (kg.sources.results_*)

_JSON_OBJECT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\{")
_KEY = re.compile(rb'"FullStudiesResponse"\s*:')


def sniff(head: bytes) -> bool:
    """True for a JSON object with a ``"FullStudiesResponse"`` key."""
    return _JSON_OBJECT.match(head) is not None and _KEY.search(head) is not None


def map_document(
    data: bytes,
    *,
    source_file: str,
    sha256: str,
    keep: Callable[[Provenance], bool] | None = None,
) -> Iterator[Trial | MappingError | Provenance]:
    """One Trial (or MappingError) per entry of ``FullStudies``; MappingError for a broken page."""
    entries = _entries(data, source_file)
    return map_records(
        ((_peek(e), _reader(e)) for e in entries),
        source_file=source_file,
        fmt=FORMAT,
        sha256=sha256,
        mapper_version=MAPPER_VERSION,
        keep=keep,
    )


def _entries(data: bytes, source_file: str) -> list[Any]:
    doc = load_json(data, source_file)
    response = doc.get("FullStudiesResponse") if isinstance(doc, dict) else None
    if not isinstance(response, dict):
        raise MappingError(
            source_file, "not a classic API v1 document: no FullStudiesResponse object"
        )
    studies = response.get("FullStudies")
    if studies is None and response.get("NStudiesReturned") == 0:
        return []
    if not isinstance(studies, list):
        raise MappingError(source_file, "FullStudiesResponse has no FullStudies list")
    return studies


def _peek(entry: Any) -> str | None:
    try:
        nct = entry["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
    except (KeyError, TypeError):
        return None
    if not isinstance(nct, str) or not nct.strip():
        return None
    return nct.strip().upper()


def _reader(entry: Any) -> Callable[[], tuple[RawStudy, str]]:
    def read() -> tuple[RawStudy, str]:
        study = entry.get("Study") if isinstance(entry, dict) else None
        if not isinstance(study, dict):
            raise RecordError("the entry has no Study object")
        if not isinstance(study.get("ProtocolSection"), dict):
            raise RecordError("the study has no ProtocolSection")
        return read_study(study), canonical_sha256(study)

    return read


def _nested(d: dict[str, Any], list_key: str, item_key: str) -> list[dict[str, Any]]:
    """v1 wraps lists: ``{"ArmGroupList": {"ArmGroup": [...]}}``."""
    return json_objs(json_obj(d, list_key), item_key)


def _nested_strs(d: dict[str, Any], list_key: str, item_key: str) -> list[str]:
    return json_strs(json_obj(d, list_key), item_key)


def read_study(study: dict[str, Any]) -> RawStudy:
    """The texts of one v1 ``Study`` object, as written (RecordError on a wrong shape)."""
    p = json_obj(study, "ProtocolSection")
    raw = RawStudy()
    _identification(raw, json_obj(p, "IdentificationModule"))
    _status(raw, json_obj(p, "StatusModule"))
    _design(raw, json_obj(p, "DesignModule"))
    desc = json_obj(p, "DescriptionModule")
    raw.brief_summary = json_text(desc, "BriefSummary")
    raw.detailed_description = json_text(desc, "DetailedDescription")
    cond = json_obj(p, "ConditionsModule")
    raw.conditions = _nested_strs(cond, "ConditionList", "Condition")
    raw.keywords = _nested_strs(cond, "KeywordList", "Keyword")
    _mesh(raw, json_obj(json_obj(study, "DerivedSection"), "ConditionBrowseModule"))
    _arms(raw, json_obj(p, "ArmsInterventionsModule"))
    _eligibility(raw, json_obj(p, "EligibilityModule"))
    _sponsors(raw, json_obj(p, "SponsorCollaboratorsModule"))
    _contacts(raw, json_obj(p, "ContactsLocationsModule"))
    _references(raw, json_obj(p, "ReferencesModule"))
    raw.results, raw.results_error = read_safely(
        results_v1.read_results, study.get("ResultsSection")
    )
    return raw


def _identification(raw: RawStudy, ident: dict[str, Any]) -> None:
    raw.nct_id = json_text(ident, "NCTId")
    raw.nct_aliases = _nested_strs(ident, "NCTIdAliasList", "NCTIdAlias")
    raw.org_study_id = json_text(json_obj(ident, "OrgStudyIdInfo"), "OrgStudyId")
    secondary = _nested(ident, "SecondaryIdInfoList", "SecondaryIdInfo")
    raw.secondary_ids = [x for x in (json_text(s, "SecondaryId") for s in secondary) if x]
    raw.acronym = json_text(ident, "Acronym")
    raw.brief_title = json_text(ident, "BriefTitle")
    raw.official_title = json_text(ident, "OfficialTitle")


def _date(status: dict[str, Any], name: str) -> RawDate:
    struct = json_obj(status, f"{name}Struct")
    return json_text(struct, name), json_text(struct, f"{name}Type")


def _status(raw: RawStudy, status: dict[str, Any]) -> None:
    raw.status = json_text(status, "OverallStatus")
    raw.start = _date(status, "StartDate")
    raw.primary_completion = _date(status, "PrimaryCompletionDate")
    raw.completion = _date(status, "CompletionDate")
    raw.last_update = _date(status, "LastUpdatePostDate")
    linked = json_text(json_obj(status, "ExpandedAccessInfo"), "ExpandedAccessNCTId")
    raw.linked_nct_ids = [linked] if linked else []


def _design(raw: RawStudy, design: dict[str, Any]) -> None:
    raw.study_type = json_text(design, "StudyType")
    raw.phases = _nested_strs(design, "PhaseList", "Phase")
    info = json_obj(design, "DesignInfo")
    raw.allocation = json_text(info, "DesignAllocation")
    raw.intervention_model = json_text(info, "DesignInterventionModel")
    raw.masking = json_text(json_obj(info, "DesignMaskingInfo"), "DesignMasking")
    raw.primary_purpose = json_text(info, "DesignPrimaryPurpose")
    enrollment = json_obj(design, "EnrollmentInfo")
    raw.enrollment = json_text(enrollment, "EnrollmentCount")
    raw.enrollment_type = json_text(enrollment, "EnrollmentType")


def _mesh(raw: RawStudy, browse: dict[str, Any]) -> None:
    for mesh in _nested(browse, "ConditionMeshList", "ConditionMesh"):
        term = json_text(mesh, "ConditionMeshTerm")
        if term:
            raw.meshes.append((json_text(mesh, "ConditionMeshId"), term))
    for ancestor in _nested(browse, "ConditionAncestorList", "ConditionAncestor"):
        term = json_text(ancestor, "ConditionAncestorTerm")
        if term:
            raw.mesh_ancestors.append((json_text(ancestor, "ConditionAncestorId"), term))
    for leaf in _nested(browse, "ConditionBrowseLeafList", "ConditionBrowseLeaf"):
        name = json_text(leaf, "ConditionBrowseLeafName")
        found = json_text(leaf, "ConditionBrowseLeafAsFound")
        if name and found:
            raw.mesh_leaves.append((name, found))


def _arms(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.arms = [
        RawArm(
            label=json_text(a, "ArmGroupLabel"),
            type=json_text(a, "ArmGroupType"),
            description=json_text(a, "ArmGroupDescription"),
            intervention_names=_nested_strs(
                a, "ArmGroupInterventionList", "ArmGroupInterventionName"
            ),
        )
        for a in _nested(module, "ArmGroupList", "ArmGroup")
    ]
    raw.interventions = [
        RawIntervention(
            name=json_text(i, "InterventionName"),
            type=json_text(i, "InterventionType"),
            description=json_text(i, "InterventionDescription"),
            other_names=_nested_strs(i, "InterventionOtherNameList", "InterventionOtherName"),
            arm_labels=_nested_strs(
                i, "InterventionArmGroupLabelList", "InterventionArmGroupLabel"
            ),
        )
        for i in _nested(module, "InterventionList", "Intervention")
    ]


def _eligibility(raw: RawStudy, elig: dict[str, Any]) -> None:
    raw.sex = json_text(elig, "Gender")
    raw.min_age = json_text(elig, "MinimumAge")
    raw.max_age = json_text(elig, "MaximumAge")
    raw.healthy_volunteers = json_text(elig, "HealthyVolunteers")
    raw.criteria = json_text(elig, "EligibilityCriteria")


def _sponsors(raw: RawStudy, module: dict[str, Any]) -> None:
    lead = json_obj(module, "LeadSponsor")
    if lead:
        raw.lead_sponsor = (json_text(lead, "LeadSponsorName"), json_text(lead, "LeadSponsorClass"))
    raw.collaborators = [
        (json_text(c, "CollaboratorName"), json_text(c, "CollaboratorClass"))
        for c in _nested(module, "CollaboratorList", "Collaborator")
    ]
    party = json_obj(module, "ResponsibleParty")
    raw.rp_type = json_text(party, "ResponsiblePartyType")
    raw.rp_name = json_text(party, "ResponsiblePartyInvestigatorFullName")
    raw.rp_affiliation = json_text(party, "ResponsiblePartyInvestigatorAffiliation")
    raw.rp_old_name = json_text(party, "ResponsiblePartyOldNameTitle")
    raw.rp_old_organization = json_text(party, "ResponsiblePartyOldOrganization")


def _contacts(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.officials = [
        (
            json_text(o, "OverallOfficialName"),
            json_text(o, "OverallOfficialRole"),
            json_text(o, "OverallOfficialAffiliation"),
        )
        for o in _nested(module, "OverallOfficialList", "OverallOfficial")
    ]
    raw.contacts = [
        json_text(c, "CentralContactName")
        for c in _nested(module, "CentralContactList", "CentralContact")
    ]
    raw.sites = [
        RawSite(
            facility=json_text(loc, "LocationFacility"),
            city=json_text(loc, "LocationCity"),
            state=json_text(loc, "LocationState"),
            zip=json_text(loc, "LocationZip"),
            country=json_text(loc, "LocationCountry"),
            status=json_text(loc, "LocationStatus"),
        )
        for loc in _nested(module, "LocationList", "Location")
    ]


def _references(raw: RawStudy, module: dict[str, Any]) -> None:
    raw.references = [
        (
            json_text(r, "ReferenceCitation"),
            json_text(r, "ReferencePMID"),
            json_text(r, "ReferenceType"),
        )
        for r in _nested(module, "ReferenceList", "Reference")
    ]
    raw.see_also = [
        (json_text(s, "SeeAlsoLinkURL"), json_text(s, "SeeAlsoLinkLabel"))
        for s in _nested(module, "SeeAlsoLinkList", "SeeAlsoLink")
    ]
