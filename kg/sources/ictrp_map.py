"""The declarative part of the ICTRP mapper: which export field feeds which part of the
record, the registries (id patterns, date formats, names), and the crosswalks from the
registries' own vocabularies to the ClinicalTrials.gov API v2 values.

Data, not logic: :mod:`kg.sources.ictrp` reads these tables; ``tests/test_sources_ictrp_map.py``
checks them row by row (every registry of the shared prefix/date table is here with the same
date format, every crosswalk value is a v2 value, every field name resolves once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CANONICAL_ORDER",
    "FIELDS",
    "REGISTRIES",
    "SEX",
    "STATUS",
    "STUDY_TYPE",
    "Field",
    "Registry",
    "field_key",
]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the export: the record part it feeds and every spelling of its name.

    ``kind``: ``"read"`` (mapped), ``"contact"`` (a person's name, address, e-mail or phone:
    never read), ``"derived"`` (columns a redistributor added, such as the shared study's
    ``*_format`` dates: ignored, the mapper reads the registry's own value), ``"results"``
    (result fields not in the model yet: ignored, listed so that they are not unknown),
    ``"not-modelled"`` (a field the record model has no place for yet: ignored likewise).
    """

    target: str
    names: tuple[str, ...]
    kind: str = "read"


def _f(target: str, *names: str, kind: str = "read") -> Field:
    return Field(target, names, kind)


# ICTRP's own field names (ICTRP_export_datafields.txt, the XML element names) first, then the
# spellings of exports renamed by others (the shared COVID-19 study file: "Source Register",
# "Inclusion agemin", ...). Names are compared by :func:`field_key`.
FIELDS: tuple[Field, ...] = (
    _f("trial_id", "TrialID"),
    _f("secondary_ids", "SecondaryIDs", "Secondary_IDs"),
    _f("public_title", "public_title"),
    _f("scientific_title", "Scientific_title"),
    _f("acronym", "Acronym"),
    _f("url", "url", "web_address"),
    _f("source_register", "Source_Register"),
    _f("study_type", "study_type"),
    _f("study_design", "study_design"),
    _f("phase", "phase"),
    _f("date_registration", "Date_registration"),
    _f("date_enrollment", "Date_enrollement", "Date_enrollment"),
    _f("target_size", "Target_size"),
    _f("type_enrolment", "type_enrolment"),
    _f("recruitment_status", "Recruitment_status"),
    _f("primary_sponsor", "Primary_sponsor"),
    _f("secondary_sponsors", "Secondary_sponsors"),
    _f("source_support", "Source_Support", kind="not-modelled"),  # funding source
    _f("countries", "Countries"),
    _f("conditions", "Conditions"),
    _f("interventions", "Interventions"),
    _f("age_min", "Agemin", "Inclusion_agemin"),
    _f("age_max", "Agemax", "Inclusion_agemax"),
    _f("gender", "Gender", "Inclusion_gender"),
    _f("inclusion", "Inclusion_Criteria"),
    _f("exclusion", "Exclusion_Criteria"),
    _f("primary_outcome", "Primary_Outcome"),
    _f("secondary_outcomes", "Secondary_Outcomes", "Secondary_Outcome"),
    _f("bridging_flag", "Bridging_flag"),
    _f("bridged_type", "Bridged_type"),
    _f("childs", "Childs"),
    _f("other_records", "other_records"),
    _f("retrospective_flag", "Retrospective_flag"),
    _f("last_refreshed", "Last_Refreshed_on", "Last_Refreshed"),
    _f("results_url", "results_url_link"),
    _f("ethics_status", "Ethics_Status", kind="not-modelled"),
    _f("ethics_approval_date", "Ethics_Approval_Date", kind="not-modelled"),
    _f("internal_number", "Internal_Number", kind="derived"),
    _f(
        "contact",
        "Public_Contact_Firstname",
        "Public_Contact_Lastname",
        "Public_Contact_Address",
        "Public_Contact_Email",
        "Public_Contact_Tel",
        "Public_Contact_Affiliation",
        "Scientific_Contact_Firstname",
        "Scientific_Contact_Lastname",
        "Scientific_Contact_Address",
        "Scientific_Contact_Email",
        "Scientific_Contact_Tel",
        "Scientific_Contact_Affiliation",
        "Contact_Firstname",
        "Contact_Lastname",
        "Contact_Address",
        "Contact_Email",
        "Contact_Tel",
        "Contact_Affiliation",
        "Ethics_Contact_Name",
        "Ethics_Contact_Address",
        "Ethics_Contact_Phone",
        "Ethics_Contact_Email",
        kind="contact",
    ),
    _f(
        "derived",
        "Source_registry",
        "Date_registration_format",
        "Date_enrollment_format",
        "Date_registration3",
        "Date_registration3_format",
        "Day_inferred",
        "Export_date",
        kind="derived",
    ),
    _f(
        "results",
        "results_actual_enrollment",
        "results_summary",
        "results_date_posted",
        "results_date_first_publication",
        "results_baseline_char",
        "results_participant_flow",
        "results_adverse_events",
        "results_outcome_measures",
        "results_url_protocol",
        "results_IPD_plan",
        "results_IPD_description",
        "results_date_completed",
        "results_yes_no",
        kind="results",
    ),
)

_NOT_KEY = re.compile(r"[^a-z0-9]+")


def field_key(name: str) -> str:
    """Comparison key of a field name: ``"Source Register"`` = ``"Source_Register"``.

    >>> field_key("Inclusion agemin"), field_key("Date_enrollement")
    ('inclusion_agemin', 'date_enrollement')
    """
    return _NOT_KEY.sub("_", name.casefold()).strip("_")


@dataclass(frozen=True, slots=True)
class Registry:
    """A primary registry of the ICTRP network (or ClinicalTrials.gov)."""

    code: str  # our code, used in IRIs: registry/<code>
    name: str
    id_pattern: str  # a whole trial id of this registry (regex, case-insensitive)
    date_format: str  # strptime format of its Date_registration (ICTRP's table)
    source_names: tuple[str, ...]  # "Source Register" spellings
    homepage: str


# Trial-id prefixes and date formats as ICTRP documents them (registry_prefixes_date_formats.csv
# in the shared data: checked against it by the tests).
REGISTRIES: tuple[Registry, ...] = (
    Registry(
        "CTGOV",
        "ClinicalTrials.gov",
        r"NCT\d{8}",
        "%d/%m/%Y",
        ("ClinicalTrials.gov", "CT.gov"),
        "https://clinicaltrials.gov/",
    ),
    Registry(
        "EUCTR",
        "EU Clinical Trials Register",
        r"EUCTR\d{4}-\d{6}-\d{2}(?:-[A-Z]{2,3})?",
        "%d/%m/%Y",
        ("EU Clinical Trials Register", "EUCTR"),
        "https://www.clinicaltrialsregister.eu/",
    ),
    Registry(
        "ISRCTN",
        "ISRCTN registry",
        r"ISRCTN\d{8}",
        "%d/%m/%Y",
        ("ISRCTN",),
        "https://www.isrctn.com/",
    ),
    Registry(
        "ANZCTR",
        "Australian New Zealand Clinical Trials Registry",
        r"ACTRN\d{14}",
        "%d/%m/%Y",
        ("ANZCTR",),
        "https://www.anzctr.org.au/",
    ),
    Registry(
        "ChiCTR",
        "Chinese Clinical Trial Registry",
        r"ChiCTR-?[A-Z]{0,4}-?\d{6,12}",
        "%Y-%m-%d",
        ("ChiCTR",),
        "https://www.chictr.org.cn/",
    ),
    Registry(
        "CTRI",
        "Clinical Trials Registry - India",
        r"CTRI/\d{4}/\d{2,3}/\d{6}",
        "%d-%m-%Y",
        ("CTRI",),
        "https://ctri.nic.in/",
    ),
    Registry(
        "DRKS",
        "German Clinical Trials Register",
        r"DRKS\d{8}",
        "%d/%m/%Y",
        ("DRKS", "German Clinical Trials Register"),
        "https://drks.de/",
    ),
    Registry(
        "IRCT",
        "Iranian Registry of Clinical Trials",
        r"IRCT\d+N\d+",
        "%Y-%m-%d",
        ("IRCT",),
        "https://irct.behdasht.gov.ir/",
    ),
    Registry(
        "JPRN",
        "Japan Primary Registries Network",
        r"JPRN-[A-Za-z0-9]+",
        "%d/%m/%Y",
        ("JPRN",),
        "https://rctportal.niph.go.jp/",
    ),
    Registry(
        "KCT",
        "Clinical Research Information Service (Republic of Korea)",
        r"KCT\d{7}",
        "%Y-%m-%d",
        ("KCT", "CRiS"),
        "https://cris.nih.go.kr/",
    ),
    Registry(
        "LBCTR",
        "Lebanese Clinical Trials Registry",
        r"LBCTR\d+",
        "%d/%m/%Y",
        ("LBCTR",),
        "https://lbctr.moph.gov.lb/",
    ),
    Registry(
        "NTR",
        "Netherlands Trial Register",
        r"(?:NL|NTR)\d+",
        "%d/%m/%Y",
        ("Netherlands Trial Register", "NTR"),
        "https://www.trialregister.nl/",
    ),
    Registry(
        "PACTR",
        "Pan African Clinical Trials Registry",
        r"PACTR\d+",
        "%d/%m/%Y",
        ("PACTR",),
        "https://pactr.samrc.ac.za/",
    ),
    Registry(
        "REBEC",
        "Brazilian Clinical Trials Registry (ReBEC)",
        r"RBR-[0-9a-z]+",
        "%d/%m/%Y",
        ("REBEC", "RBR"),
        "https://ensaiosclinicos.gov.br/",
    ),
    Registry(
        "REPEC",
        "Peruvian Clinical Trial Registry (REPEC)",
        r"PER-\d{3}-\d{2}",
        "%d/%m/%Y",
        ("REPEC", "PER"),
        "https://ensayosclinicos-repec.ins.gob.pe/",
    ),
    Registry(
        "RPCEC",
        "Cuban Public Registry of Clinical Trials",
        r"RPCEC\d+",
        "%d/%m/%Y",
        ("RPCEC",),
        "https://rpcec.sld.cu/",
    ),
    Registry(
        "SLCTR",
        "Sri Lanka Clinical Trials Registry",
        r"SLCTR/\d{4}/\d{3}",
        "%Y-%m-%d",
        ("SLCTR",),
        "https://slctr.lk/",
    ),
    Registry(
        "TCTR",
        "Thai Clinical Trials Registry",
        r"TCTR\d+",
        "%d/%m/%Y",
        ("TCTR",),
        "https://www.thaiclinicaltrials.org/",
    ),
    # Not in ICTRP's prefix/date table (it joined the network later): its ids are
    # "ITMCTR" and digits; its dates are assumed to be written as the other Chinese
    # registry's (a date in another form is reported and left out, never guessed).
    Registry(
        "ITMCTR",
        "International Traditional Medicine Clinical Trial Registry",
        r"ITMCTR\d{6,14}",
        "%Y-%m-%d",
        ("ITMCTR",),
        "http://itmctr.ccebtcm.org.cn/",
    ),
)

#: Which registry's id names a trial that several registries hold (its IRI is minted from
#: it): ClinicalTrials.gov first (so a CT.gov trial keeps the IRI the CT.gov formats give
#: it), then the EU register (by EudraCT number, one for all member states' records), then
#: the others in this fixed order.
CANONICAL_ORDER: tuple[str, ...] = tuple(r.code for r in REGISTRIES)

# ---------------------------------------------------------------- controlled values
# Registry spellings -> ClinicalTrials.gov API v2 values. ``None``: the spelling states no
# single v2 value (kept as written beside the empty value, and reported).

STATUS: dict[str, str | None] = {
    "Recruiting": "RECRUITING",
    "Not recruiting": None,  # ICTRP's catch-all: not yet, active, completed, stopped ...
    "Not yet recruiting": "NOT_YET_RECRUITING",
    "Pending": "NOT_YET_RECRUITING",
    "Authorised": None,  # EUCTR: authorised by the competent authority; recruitment not stated
    "Authorised-recruitment may be ongoing or finished": None,
    "Active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "Completed": "COMPLETED",
    "Suspended": "SUSPENDED",
    "Terminated": "TERMINATED",
    "Withdrawn": "WITHDRAWN",
    "Enrolling by invitation": "ENROLLING_BY_INVITATION",
}

STUDY_TYPE: dict[str, str] = {
    "Interventional": "INTERVENTIONAL",
    "Interventional study": "INTERVENTIONAL",
    "Intervention": "INTERVENTIONAL",
    "Interventional clinical trial of medicinal product": "INTERVENTIONAL",
    "Observational": "OBSERVATIONAL",
    "Observational study": "OBSERVATIONAL",
    "Observational [Patient Registry]": "OBSERVATIONAL",
    "Expanded Access": "EXPANDED_ACCESS",
}

SEX: dict[str, str | None] = {
    "All": "ALL",
    "Both": "ALL",
    "Both males and females": "ALL",
    "Male/Female": "ALL",
    "Female: yes Male: yes": "ALL",
    "Female: no Male: yes": "MALE",
    "Female: yes Male: no": "FEMALE",
    "Male": "MALE",
    "Female": "FEMALE",
    "Males": "MALE",
    "Females": "FEMALE",
    "-": None,
}
