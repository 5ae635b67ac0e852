"""Mappers for the three text-page layouts of the seed documents.

* ``page-ctgov-summary``: a summary page that ends "This content was sourced from
  clinicaltrials.gov" with ``Status:``/``Study Phase:`` lines (seeds 000, 002).
* ``page-veeva``: a ClinicalTrials.Veeva page ("Status and phase", "Treatments",
  "N participants in M patient groups", "Data sourced from clinicaltrials.gov"),
  possibly damaged with empty fields (seeds 001, 003).
* ``page-trial-detail``: a trial-detail page with "NCT ID:" and "Basic Information"
  (seed 004), whose values are already in API v2 spellings.

The layout is detected from content, never from the file name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from kg.model import (
    Arm,
    Condition,
    Eligibility,
    Intervention,
    MappingError,
    Official,
    PartialDate,
    Provenance,
    Reference,
    Site,
    Sponsor,
    Trial,
)
from kg.sources import ctgov_common as cc
from kg.sources.text import decode_text, is_contact_line

__all__ = ["LAYOUTS", "PageLayout"]

T = TypeVar("T")

MAPPER_VERSION = "1"
# ASCII digits throughout: re's \d matches other scripts' digits too ("NCT٠٠٩٧٣٠٨٩"), and
# a number read into an int has a bounded count of digits (a shuffled page may hold 5,000).
NCT_RE = re.compile(r"\bNCT\d{8}\b", re.ASCII)
DOI_RE = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+?)(?=[.;,]?(?:\s|$))", re.I | re.ASCII)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{5,9})\b", re.ASCII)


@dataclass(frozen=True, slots=True)
class PageLayout:
    """One text-page layout: how to recognise it and how to map it."""

    name: str
    sniff: Callable[[str], bool]
    parse: Callable[[str, Trial], None]
    mapper_version: str = MAPPER_VERSION

    def map_document(
        self,
        data: bytes,
        *,
        source_file: str,
        sha256: str,
        keep: Callable[[Provenance], bool] | None = None,
    ) -> Iterator[Trial | Provenance]:
        """Map one page to one Trial (pages hold a single trial); its Provenance instead
        where ``keep`` accepts it (the store holds this record already)."""
        text, notes = decode_text(data, path=source_file)
        if not self.sniff(text):
            raise MappingError(source_file, f"content is not a {self.name} page")
        trial = Trial(provenance=_provenance(self.name, source_file, sha256, text))
        trial.notes.extend(notes)
        try:
            self.parse(text, trial)
        except MappingError:
            raise
        except (ValueError, IndexError, KeyError) as exc:  # a malformed page, not a bug
            raise MappingError(source_file, f"malformed {self.name} page: {exc}") from exc
        trial.provenance = _provenance(self.name, source_file, sha256, text, trial.nct_id)
        if keep is not None and keep(trial.provenance):
            yield trial.provenance
            return
        if trial.nct_id is None:
            trial.notes.append("no NCT id on the page; IRI minted from a hash of its content")
        if trial.title is None:
            trial.notes.append("no title on the page")
        yield trial


def _provenance(
    fmt: str, source_file: str, sha256: str, text: str, nct_id: str | None = None
) -> Provenance:
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Provenance(
        source_file=source_file,
        format=fmt,
        sha256=sha256,
        mapper_version=MAPPER_VERSION,
        record_key=nct_id or f"doc-{content_hash[:16]}",
        record_sha256=content_hash,
    )


# --------------------------------------------------------------------------- helpers

# The API v2 values of the crosswalks: a trial-detail page prints them as they are.
STATUS_VALUES = frozenset(cc.STATUS.values())
STUDY_TYPE_VALUES = frozenset(cc.STUDY_TYPE.values())
ALLOCATION_VALUES = frozenset(cc.ALLOCATION.values())
MODEL_VALUES = frozenset(cc.MODEL.values())
PURPOSE_VALUES = frozenset(cc.PURPOSE.values())
MASKING_VALUES = frozenset(cc.MASKING.values())
AGENCY_CLASS_VALUES = frozenset(cc.AGENCY_CLASS.values())


def _is_status_value(text: str) -> bool:
    """A status in API v2 spelling, as pages print it (``RECRUITING``)."""
    return text in STATUS_VALUES


def _is_phase_value(text: str) -> bool:
    return bool(re.fullmatch(r"(EARLY_)?PHASE[0-4](\s*[/,]\s*(EARLY_)?PHASE[0-4])*|NA", text))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


def _sections(lines: list[str], headers: set[str]) -> dict[str, list[str]]:
    """Split lines at header lines; each header keeps the lines up to the next header.

    The first occurrence of a header wins; text before the first header is under "".
    """
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in lines:
        if line in headers and line not in out:
            current = line
            out[current] = []
        else:
            out[current].append(line)
    return out


def _text(lines: list[str]) -> str | None:
    """Join lines into paragraphs (blank lines kept as paragraph breaks)."""
    joined = "\n".join(lines).strip()
    joined = re.sub(r"\n{3,}", "\n\n", joined)
    return joined or None


def _nonblank(lines: list[str]) -> list[str]:
    return [line for line in lines if line]


def _age_years(value: str | None) -> float | None:
    if not value:
        return None
    m = re.fullmatch(
        r"(\d{1,6}(?:\.\d{1,6})?)\s*(\+?\s*years?(?:\s+old)?|years?|months?|weeks?|days?)?\+?",
        value,
        re.I | re.ASCII,
    )
    if not m:
        return None
    number = float(m.group(1))
    unit = (m.group(2) or "years").lower()
    if unit.startswith("month"):
        return round(number / 12, 4)
    if unit.startswith("week"):
        return round(number / 52.1775, 4)
    if unit.startswith("day"):
        return round(number / 365.25, 4)
    return number


def _references(lines: list[str]) -> list[Reference]:
    refs = []
    for line in _nonblank(lines):
        doi = DOI_RE.search(line)
        pmid = PMID_RE.search(line)
        refs.append(
            Reference(
                citation=line,
                doi=doi.group(1).rstrip(".") if doi else None,
                pmid=pmid.group(1) if pmid else None,
            )
        )
    return refs


def _people(lines: list[str], role: str) -> list[Official]:
    """Names from a contact block; e-mail addresses and phone numbers are dropped, and so
    is any other line with an "@" (no name has one; the shapes forbid it in a label)."""
    return [
        Official(name=line, role=role)
        for line in _nonblank(lines)
        if "@" not in line
        and not is_contact_line(line)
        and line not in {"Primary", "Backup", "Loading..."}
    ]


def _set(
    trial: Trial, attr: str, value: str | None, norm: Callable[[str], cc.Norm[str | None]]
) -> None:
    if not value:
        return
    setattr(trial, attr, _norm(trial, norm(value)))


def _norm(trial: Trial, result: cc.Norm[T]) -> T:
    """The value of a crosswalk's result; its note (an unmapped spelling) to the trial."""
    if result.note and result.note not in trial.notes:
        trial.notes.append(result.note)
    return result.value


# --------------------------------------------------------------------------- ctgov summary

SUMMARY_HEADERS = {
    "SUMMARY",
    "Eligibility",
    "Locations",
    "Contact Information",
    "Time Frame",
    "Participants",
    "Treatments",
    "Sponsors",
}
SUMMARY_END = "This content was sourced from clinicaltrials.gov"
ARM_LINE_RE = re.compile(
    r"^(Experimental|Active[_ ]comparator|Placebo[_ ]comparator|Sham[_ ]comparator|"
    r"No[_ ]intervention|Other):\s*(.+)$",
    re.I,
)


def _sniff_summary(text: str) -> bool:
    return text.rstrip().endswith(SUMMARY_END) and bool(
        re.search(r"^Status:|^Study Phase:|^Study Type:", text, re.M)
    )


def _key_values(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        if sep and key and not key.startswith(("•", "*")) and len(key) < 40:
            out.setdefault(key.strip(), value.strip())
    return out


def _parse_summary(text: str, trial: Trial) -> None:
    lines = _lines(text.rstrip()[: -len(SUMMARY_END)])
    sec = _sections(lines, SUMMARY_HEADERS)
    head = _nonblank(sec[""])
    trial.brief_title = head[0] if head and ":" not in head[0][:20] else None
    kv = _key_values(head)
    _set(trial, "status", kv.get("Status"), cc.norm_status)
    _set(trial, "study_type", kv.get("Study Type"), cc.norm_study_type)
    if kv.get("Study Phase"):
        trial.phases = _norm(trial, cc.norm_phase(kv["Study Phase"]))
    if kv.get("Intervention Type"):
        kinds = (
            _norm(trial, cc.norm_intervention_type(t)) for t in kv["Intervention Type"].split(",")
        )
        trial.intervention_types = tuple(k for k in kinds if k)
    trial.brief_summary = _text(sec.get("SUMMARY", []))
    _summary_eligibility(sec.get("Eligibility", []), trial)
    trial.sites = _summary_sites(sec.get("Locations", []), trial)
    trial.officials = _people(sec.get("Contact Information", []), "CONTACT")
    dates = _key_values(sec.get("Time Frame", []))
    trial.start_date = cc.parse_date(dates.get("Start Date")).value
    for key, kind in (("Completion Date", "ACTUAL"), ("Estimated Completion Date", "ESTIMATED")):
        if dates.get(key):
            trial.completion_date = cc.parse_date(dates[key], kind).value
    for key, kind in (
        ("Primary Completion Date", "ACTUAL"),
        ("Estimated Primary Completion Date", "ESTIMATED"),
    ):
        if dates.get(key):
            trial.primary_completion_date = cc.parse_date(dates[key], kind).value
    participants = _key_values(sec.get("Participants", []))
    for key in ("Target number of participants", "Number of participants"):
        if re.fullmatch(r"[0-9]{1,9}", participants.get(key, "")):
            trial.enrollment = int(participants[key])
    trial.arms = _summary_arms(sec.get("Treatments", []), trial)
    trial.sponsors = _summary_sponsors(sec.get("Sponsors", []))


def _summary_eligibility(lines: list[str], trial: Trial) -> None:
    kv = _key_values([line for line in lines if not line.startswith("•")])
    criteria: list[str] = []
    if "View:" in lines:
        criteria = lines[lines.index("View:") + 1 :]
    sex = kv.get("Sex")
    healthy = kv.get("Healthy Volunteers")
    trial.eligibility = Eligibility(
        sex=_norm(trial, cc.norm_sex(sex)) if sex else None,
        min_age_years=_age_years(kv.get("Minimum Age")),
        max_age_years=_age_years(kv.get("Maximum Age")),
        healthy_volunteers=cc.norm_healthy_volunteers(healthy).value,
        criteria=_text(criteria),
    )


def _summary_sites(lines: list[str], trial: Trial) -> list[Site]:
    """Locations: country, then facility / STATUS / city triples."""
    body = [line for line in _nonblank(lines) if line not in {"Other Locations", "Locations"}]
    sites: list[Site] = []
    country: str | None = None
    i = 0
    while i < len(body):
        if i + 1 < len(body) and _is_status_value(body[i + 1]):
            city = body[i + 2] if i + 2 < len(body) else None
            sites.append(
                Site(
                    facility=body[i],
                    status=_norm(trial, cc.norm_status(body[i + 1])),
                    city=city,
                    country=country,
                )
            )
            i += 3
        else:
            country = body[i]
            i += 1
    return sites


def _summary_arms(lines: list[str], trial: Trial) -> list[Arm]:
    arms: list[Arm] = []
    for line in lines:
        m = ARM_LINE_RE.match(line)
        if m:
            kind = _norm(trial, cc.norm_arm_type(m.group(1)))
            arms.append(Arm(label=m.group(2).strip(), type=kind))
        elif arms and line:
            arms[-1].description = (
                f"{arms[-1].description}\n{line}" if arms[-1].description else line
            )
    return arms


def _summary_sponsors(lines: list[str]) -> list[Sponsor]:
    kv = _key_values(lines)
    sponsors = [
        Sponsor(name=name.strip(), role="lead")
        for name in kv.get("Leads", "").split(";")
        if name.strip()
    ]
    sponsors += [
        Sponsor(name=name.strip(), role="collaborator")
        for name in kv.get("Collaborators", "").split(";")
        if name.strip()
    ]
    return sponsors


# --------------------------------------------------------------------------- veeva

VEEVA_HEADERS = {
    "Status and phase",
    "Status",
    "Conditions",
    "Treatments",
    "Study type",
    "Funder types",
    "Identifiers",
    "Details and patient eligibility",
    "About",
    "Full description",
    "Enrollment",
    "Sex",
    "Ages",
    "Volunteers",
    "Inclusion criteria",
    "Exclusion criteria",
    "Trial design",
    "Primary purpose",
    "Allocation",
    "Interventional model",
    "Masking",
    "Trial contacts and locations",
    "Central trial contact",
    "Data sourced from clinicaltrials.gov",
}
VEEVA_FOOTER = {
    "Clinical trials",
    "Research sites",
    "Resources",
    "Legal",
    "Find clinical trialsTrials by location",
}
GROUPS_RE = re.compile(r"^(\d{1,9}) participants in (\d{1,9}) patient groups?$", re.ASCII)
GROUP_TYPE_RE = re.compile(
    r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other)"
    r" group$",
    re.I,
)
TREATMENT_RE = re.compile(r"^([A-Z][A-Za-z /]+):\s*(.+)$")


def _sniff_veeva(text: str) -> bool:
    if "Data sourced from clinicaltrials.gov" not in text:
        return False
    found = {line.strip() for line in text.split("\n")} & VEEVA_HEADERS
    return len(found) >= 4


def _parse_veeva(text: str, trial: Trial) -> None:
    lines = _lines(text)
    sec = _sections(lines, VEEVA_HEADERS)
    head = [line for line in _nonblank(sec[""]) if line not in {"ClinicalTrials.Veeva", "Menu"}]
    if head:
        trial.brief_title = head[0]
        # The page shows the sponsor under the title, after its initial ("I", "Inbo Han").
        rest = head[1:]
        if rest and len(rest[0]) == 1:
            rest = rest[1:]
        if rest:
            trial.sponsors.append(Sponsor(name=rest[0], role="lead"))
    status_lines = _nonblank(sec.get("Status and phase", sec.get("Status", [])))
    for line in status_lines:
        if line.lower().startswith(("phase", "early phase", "not applicable")):
            trial.phases = (*trial.phases, *_norm(trial, cc.norm_phase(line)))
        else:
            _set(trial, "status", line, cc.norm_status)
    trial.conditions = [Condition(name=c) for c in _nonblank(sec.get("Conditions", []))]
    trial.interventions = [
        Intervention(name=name, type=kind)
        for kind, name in _treatments(_nonblank(sec.get("Treatments", [])), trial)
    ]
    study_type = _nonblank(sec.get("Study type", []))
    _set(trial, "study_type", study_type[0] if study_type else None, cc.norm_study_type)
    funder = _nonblank(sec.get("Funder types", []))
    if funder and trial.sponsors:
        lead = trial.sponsors[0]
        kind = _norm(trial, cc.norm_agency_class(funder[0]))
        trial.sponsors[0] = Sponsor(lead.name, lead.role, kind)
    for ident in _nonblank(sec.get("Identifiers", [])):
        if NCT_RE.fullmatch(ident):
            trial.nct_id = ident
        elif trial.org_study_id is None:
            trial.org_study_id = ident
        else:
            trial.secondary_ids = (*trial.secondary_ids, ident)
    trial.brief_summary = _text(sec.get("About", []))
    trial.detailed_description = _text(sec.get("Full description", []))
    _veeva_enrollment(_nonblank(sec.get("Enrollment", [])), trial)
    _veeva_eligibility(sec, trial)
    for header, attr, norm in (
        ("Primary purpose", "primary_purpose", cc.norm_purpose),
        ("Allocation", "allocation", cc.norm_allocation),
        ("Interventional model", "intervention_model", cc.norm_model),
    ):
        value = _nonblank(sec.get(header, []))
        _set(trial, attr, value[0] if value else None, norm)
    masking = _nonblank(sec.get("Masking", []))
    if masking and not GROUPS_RE.match(masking[0]):
        _set(trial, "masking", masking[0], cc.norm_masking)
        masking = masking[1:]
    trial.arms = _veeva_groups(masking, trial)
    trial.officials = _people(sec.get("Central trial contact", []), "CONTACT")
    _veeva_links(trial)


def _treatments(lines: list[str], trial: Trial) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for line in lines:
        m = TREATMENT_RE.match(line)
        if m:
            out.append((_norm(trial, cc.norm_intervention_type(m.group(1))), m.group(2).strip()))
        else:
            out.append((None, line))
    return out


def _veeva_enrollment(lines: list[str], trial: Trial) -> None:
    if not lines:
        return
    m = re.match(
        r"(\d{1,9})\s+(estimated|actual)?\s*(?:patients|participants)", lines[0], re.I | re.ASCII
    )
    if m:
        trial.enrollment = int(m.group(1))
        if m.group(2):
            trial.enrollment_type = m.group(2).upper()


def _veeva_eligibility(sec: dict[str, list[str]], trial: Trial) -> None:
    sex = _nonblank(sec.get("Sex", []))
    ages = _nonblank(sec.get("Ages", []))
    volunteers = _nonblank(sec.get("Volunteers", []))
    min_age = max_age = None
    if ages:
        m = re.match(r"(\d{1,6})\+\s*years", ages[0], re.ASCII)
        r = re.match(r"(\d{1,6})\s*(?:to|-)\s*(\d{1,6})\s*years", ages[0], re.ASCII)
        u = re.match(r"up to\s*(\d{1,6})\s*years", ages[0], re.I | re.ASCII)
        if m:
            min_age = float(m.group(1))
        elif r:
            min_age, max_age = float(r.group(1)), float(r.group(2))
        elif u:
            max_age = float(u.group(1))
    healthy = None
    if volunteers:
        healthy = not volunteers[0].lower().startswith("no ")
    parts = []
    for header in ("Inclusion criteria", "Exclusion criteria"):
        body = _text([line for line in sec.get(header, []) if line not in VEEVA_FOOTER])
        if body:
            parts.append(f"{header}:\n{body}")
    trial.eligibility = Eligibility(
        sex=_norm(trial, cc.norm_sex(sex[0])) if sex else None,
        min_age_years=min_age,
        max_age_years=max_age,
        healthy_volunteers=healthy,
        criteria="\n\n".join(parts) or None,
    )


def _veeva_groups(lines: list[str], trial: Trial) -> list[Arm]:
    """'N participants in M patient groups' followed by the groups."""
    body = _nonblank(lines)
    if body and (m := GROUPS_RE.match(body[0])):
        if trial.enrollment is None:
            trial.enrollment = int(m.group(1))
        body = body[1:]
    arms: list[Arm] = []
    i = 0
    mode = ""
    while i < len(body):
        line = body[i]
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if (gm := GROUP_TYPE_RE.match(nxt)) and line not in {"Description:", "Treatment:"}:
            arms.append(Arm(label=line, type=_norm(trial, cc.norm_arm_type(gm.group(1)))))
            mode = ""
            i += 2
            continue
        if line in {"Description:", "Treatment:"}:
            mode = line
        elif arms and mode == "Description:":
            arm = arms[-1]
            arm.description = f"{arm.description}\n{line}" if arm.description else line
        elif arms and mode == "Treatment:":
            arms[-1].intervention_names = (*arms[-1].intervention_names, line)
        i += 1
    for arm in arms:
        for name in arm.intervention_names:
            kind_name = _treatments([name], trial)[0][1]
            for intervention in trial.interventions:
                if intervention.name == kind_name and arm.label not in intervention.arm_labels:
                    intervention.arm_labels = (*intervention.arm_labels, arm.label)
    return arms


def _veeva_links(trial: Trial) -> None:
    text = " ".join(filter(None, [trial.brief_summary, trial.detailed_description]))
    trial.related_nct_ids = tuple(
        dict.fromkeys(n for n in NCT_RE.findall(text) if n != trial.nct_id)
    )


# --------------------------------------------------------------------------- trial detail

DETAIL_HEADERS = {
    "Study Results",
    "Basic Information",
    "Brief Summary",
    "Related Clinical Trials",
    "Detailed Description",
    "Conditions",
    "Study Design",
    "Study Groups",
    "Interventions",
    "Eligibility Criteria",
    "Sponsors",
    "Responsible Party",
    "Central Contacts",
    "References",
    "Other Identifiers",
    "More Related Trials",
}
# The explanatory sentence each section of the page starts with (site boilerplate).
DETAIL_BLURB_STARTS = (
    "Get a concise snapshot",
    "Review the sponsor-provided",
    "Explore similar clinical trials",
    "Dive into the extended",
    "See the medical conditions",
    "Understand how the trial",
    "Review each arm or cohort",
    "Learn about the drugs",
    "Check the participation",
    "Meet the organizations",
    "Identify the individual",
    "Reach out to these",
    "Explore related publications",
    "Review additional registry",
    "Additional clinical trials",
    "The study team has not published",
)
AGE_RE = re.compile(r"^\d{1,6}(?:\.\d{1,6})?\s+(?:Years?|Months?|Weeks?|Days?)$", re.ASCII)


def _sniff_detail(text: str) -> bool:
    return bool(re.search(r"^NCT ID:", text, re.M)) and bool(
        re.search(r"^Basic Information\s*$", text, re.M)
    )


def _body(sec: dict[str, list[str]], header: str) -> list[str]:
    return [line for line in sec.get(header, []) if not line.startswith(DETAIL_BLURB_STARTS)]


def _parse_detail(text: str, trial: Trial) -> None:
    lines = _lines(text)
    sec = _sections(lines, DETAIL_HEADERS)
    if "Sponsors" not in sec and "Eligibility Criteria" not in sec:
        raise MappingError(
            trial.provenance.source_file,
            "truncated page: it ends before its 'Eligibility Criteria' and 'Sponsors' sections",
        )
    head = _nonblank(sec[""])
    for line in head:
        key, _, value = line.partition(":")
        if key == "NCT ID" and NCT_RE.fullmatch(value.strip()):
            trial.nct_id = value.strip()
        elif key == "Last Updated":
            trial.last_update = cc.parse_date(value.strip()).value
        elif trial.brief_title is None:
            trial.brief_title = line
    _detail_basic(_nonblank(_body(sec, "Basic Information")), trial)
    trial.brief_summary = _text(_body(sec, "Brief Summary"))
    trial.detailed_description = _text(_body(sec, "Detailed Description"))
    related = [
        line for line in _nonblank(_body(sec, "Related Clinical Trials")) if NCT_RE.fullmatch(line)
    ]
    trial.related_nct_ids = tuple(dict.fromkeys(n for n in related if n != trial.nct_id))
    trial.conditions = [Condition(name=c) for c in _nonblank(_body(sec, "Conditions"))]
    _detail_design(_nonblank(_body(sec, "Study Design")), trial)
    trial.interventions = [
        Intervention(name=name, description=desc)
        for name, desc in _pairs(_nonblank(_body(sec, "Interventions")))
    ]
    trial.arms = _detail_arms(_nonblank(_body(sec, "Study Groups")), trial.interventions)
    _detail_eligibility(_body(sec, "Eligibility Criteria"), trial)
    sponsors = _nonblank(_body(sec, "Sponsors"))
    _detail_sponsors(sponsors, trial)
    party = _nonblank(_body(sec, "Responsible Party"))
    trial.responsible_party = " ".join(party) or None
    trial.officials = _people(_body(sec, "Central Contacts"), "CONTACT")
    trial.references = _references(_body(sec, "References"))
    _detail_identifiers(_nonblank(_body(sec, "Other Identifiers")), trial)


def _pairs(lines: list[str]) -> list[tuple[str, str | None]]:
    """Name / description pairs (a list with an odd count ends with a name alone)."""
    return [
        (lines[i], lines[i + 1] if i + 1 < len(lines) else None) for i in range(0, len(lines), 2)
    ]


def _detail_basic(values: list[str], trial: Trial) -> None:
    dates: list[PartialDate] = []
    for value in values:
        if _is_status_value(value):
            _set(trial, "status", value, cc.norm_status)
        elif _is_phase_value(value):
            trial.phases = _norm(trial, cc.norm_phase(value))
        elif m := re.fullmatch(r"(\d{1,9}) participants", value, re.ASCII):
            trial.enrollment = int(m.group(1))
        elif value in STUDY_TYPE_VALUES:
            trial.study_type = value
        elif (d := cc.parse_date(value).value) is not None:
            dates.append(d)
        else:
            trial.notes.append(f"unrecognised Basic Information value {value!r}")
    # The card shows the start date, then the completion date.
    if dates:
        trial.start_date = dates[0]
    if len(dates) > 1:
        trial.completion_date = dates[1]


def _detail_design(values: list[str], trial: Trial) -> None:
    """Values in API v2 spellings, assigned by vocabulary (the page has no labels)."""
    for value in values:
        if value in ALLOCATION_VALUES and trial.allocation is None:
            trial.allocation = value
        elif value in MODEL_VALUES and trial.intervention_model is None:
            trial.intervention_model = value
        elif value in PURPOSE_VALUES and trial.primary_purpose is None:
            trial.primary_purpose = value
        elif value in MASKING_VALUES and trial.masking is None:
            trial.masking = value
        else:
            trial.notes.append(f"unrecognised Study Design value {value!r}")


def _detail_arms(lines: list[str], interventions: list[Intervention]) -> list[Arm]:
    """Arms are label/description pairs; an intervention's name inside the list (with its
    description) belongs to the arm before it."""
    names = {i.name: i for i in interventions}
    arms: list[Arm] = []
    for label, desc in _pairs(lines):
        if label in names and arms:
            arms[-1].intervention_names = (*arms[-1].intervention_names, label)
            intervention = names[label]
            intervention.arm_labels = (*intervention.arm_labels, arms[-1].label)
        else:
            arms.append(Arm(label=label, description=desc))
    return arms


def _detail_eligibility(lines: list[str], trial: Trial) -> None:
    criteria: list[str] = []
    ages: list[float | None] = []
    sex = healthy = None
    for line in lines:
        if AGE_RE.match(line):
            ages.append(_age_years(line))
        elif line in {"ALL", "FEMALE", "MALE"}:
            sex = line
        elif line in {"Yes", "No"} and (ages or sex):
            healthy = line == "Yes"
        else:
            criteria.append(line)
    if len(ages) == 1:
        trial.notes.append("one age limit on the page, read as the minimum age")
    trial.eligibility = Eligibility(
        sex=sex,
        min_age_years=ages[0] if ages else None,
        max_age_years=ages[1] if len(ages) > 1 else None,
        healthy_volunteers=healthy,
        criteria=_text(criteria),
    )


def _detail_sponsors(lines: list[str], trial: Trial) -> None:
    i = 0
    while i < len(lines):
        name = lines[i]
        kind = lines[i + 1] if i + 1 < len(lines) else None
        if kind is not None and kind in AGENCY_CLASS_VALUES:
            role = "lead" if not trial.sponsors else "collaborator"
            trial.sponsors.append(Sponsor(name=name, role=role, agency_class=kind))
            i += 2
        else:
            role = "lead" if not trial.sponsors else "collaborator"
            trial.sponsors.append(Sponsor(name=name, role=role))
            i += 1


def _detail_identifiers(lines: list[str], trial: Trial) -> None:
    pending: str | None = None
    for line in lines:
        if line.startswith("Identifier Type:"):
            continue
        if line.startswith("Identifier Source:"):
            source = line.partition(":")[2].strip()
            if pending and source == "org_study_id":
                trial.org_study_id = pending
            elif pending:
                trial.secondary_ids = (*trial.secondary_ids, pending)
            pending = None
        else:
            if pending:
                trial.secondary_ids = (*trial.secondary_ids, pending)
            pending = line
    if pending:
        trial.secondary_ids = (*trial.secondary_ids, pending)


LAYOUTS = (
    PageLayout("page-trial-detail", _sniff_detail, _parse_detail),
    PageLayout("page-ctgov-summary", _sniff_summary, _parse_summary),
    PageLayout("page-veeva", _sniff_veeva, _parse_veeva),
)
