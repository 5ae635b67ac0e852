"""Crosswalks from the spellings of registry pages to the ClinicalTrials.gov API v2 values.

Every function returns a :class:`Norm`: the normalised value and, for a spelling the
table does not know, a note for the build report (the value is then kept in
upper-snake case, never dropped silently).
"""

from __future__ import annotations

import re
from typing import Generic, NamedTuple, TypeVar

from kg.model import PartialDate

__all__ = [
    "AGENCY_CLASS_VALUES",
    "ALLOCATION_VALUES",
    "MASKING_VALUES",
    "MODEL_VALUES",
    "PURPOSE_VALUES",
    "STATUS_VALUES",
    "STUDY_TYPE_VALUES",
    "Norm",
    "agency_class",
    "allocation",
    "arm_type",
    "date",
    "intervention_type",
    "is_phase_value",
    "is_recruitment_status",
    "masking",
    "model",
    "phases",
    "purpose",
    "sex",
    "status",
    "study_type",
    "yes_no",
]

T = TypeVar("T")


class Norm(NamedTuple, Generic[T]):
    value: T
    note: str | None = None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _snake(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


STATUS_VALUES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    }
)
_STATUS = {_key(v): v for v in STATUS_VALUES} | {
    "unknown status": "UNKNOWN",
    "active not recruiting": "ACTIVE_NOT_RECRUITING",
}
STUDY_TYPE_VALUES = frozenset({"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"})
_STUDY_TYPE = {_key(v): v for v in STUDY_TYPE_VALUES} | {
    "observational patient registry": "OBSERVATIONAL"
}
_PHASE = {
    "early phase 1": "EARLY_PHASE1",
    "early phase1": "EARLY_PHASE1",
    "phase 0": "EARLY_PHASE1",
    "phase 1": "PHASE1",
    "phase1": "PHASE1",
    "phase 2": "PHASE2",
    "phase2": "PHASE2",
    "phase 3": "PHASE3",
    "phase3": "PHASE3",
    "phase 4": "PHASE4",
    "phase4": "PHASE4",
    "n a": "NA",
    "na": "NA",
    "not applicable": "NA",
}
ALLOCATION_VALUES = frozenset({"RANDOMIZED", "NON_RANDOMIZED", "NA"})
_ALLOCATION = {
    "randomized": "RANDOMIZED",
    "non randomized": "NON_RANDOMIZED",
    "nonrandomized": "NON_RANDOMIZED",
    "n a": "NA",
    "na": "NA",
}
MODEL_VALUES = frozenset({"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"})
_MODEL = {_key(v): v for v in MODEL_VALUES} | {
    "single group assignment": "SINGLE_GROUP",
    "parallel assignment": "PARALLEL",
    "crossover assignment": "CROSSOVER",
    "factorial assignment": "FACTORIAL",
    "sequential assignment": "SEQUENTIAL",
}
MASKING_VALUES = frozenset({"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"})
_MASKING = {_key(v): v for v in MASKING_VALUES} | {
    "none open label": "NONE",
    "open label": "NONE",
}
PURPOSE_VALUES = frozenset(
    {
        "TREATMENT",
        "PREVENTION",
        "DIAGNOSTIC",
        "ECT",
        "SUPPORTIVE_CARE",
        "SCREENING",
        "HEALTH_SERVICES_RESEARCH",
        "BASIC_SCIENCE",
        "DEVICE_FEASIBILITY",
        "OTHER",
    }
)
_PURPOSE = {_key(v): v for v in PURPOSE_VALUES} | {
    "educational counseling training": "ECT",
}
_ARM_TYPE = {
    _key(v): v
    for v in (
        "EXPERIMENTAL",
        "ACTIVE_COMPARATOR",
        "PLACEBO_COMPARATOR",
        "SHAM_COMPARATOR",
        "NO_INTERVENTION",
        "OTHER",
    )
}
_INTERVENTION_TYPE = {
    _key(v): v
    for v in (
        "BEHAVIORAL",
        "BIOLOGICAL",
        "COMBINATION_PRODUCT",
        "DEVICE",
        "DIAGNOSTIC_TEST",
        "DIETARY_SUPPLEMENT",
        "DRUG",
        "GENETIC",
        "PROCEDURE",
        "RADIATION",
        "OTHER",
    )
}
AGENCY_CLASS_VALUES = frozenset({"NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN"})
_AGENCY_CLASS = {_key(v): v for v in AGENCY_CLASS_VALUES} | {"u s fed": "FED", "industry": "INDUSTRY"}
_SEX = {"all": "ALL", "both": "ALL", "female": "FEMALE", "male": "MALE"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _lookup(table: dict[str, str], text: str, what: str) -> Norm[str]:
    value = table.get(_key(text))
    if value is not None:
        return Norm(value)
    return Norm(_snake(text), f"unmapped {what} spelling {text!r}")


def status(text: str) -> Norm[str]:
    """>>> status("Active, not recruiting").value
    'ACTIVE_NOT_RECRUITING'
    """
    return _lookup(_STATUS, text, "status")


def is_recruitment_status(text: str) -> bool:
    return _key(text) in _STATUS and text == text.upper()


def study_type(text: str) -> Norm[str]:
    return _lookup(_STUDY_TYPE, text, "study type")


def phases(text: str) -> Norm[tuple[str, ...]]:
    """``"Phase 1/Phase 2"`` -> ``("PHASE1", "PHASE2")``; ``"N/A"`` -> ``("NA",)``.

    >>> phases("Phase 1/Phase 2").value
    ('PHASE1', 'PHASE2')
    """
    out: list[str] = []
    notes: list[str] = []
    if _key(text) in _PHASE:
        return Norm((_PHASE[_key(text)],))
    for part in re.split(r"[/,|]|\band\b", text):
        if not part.strip():
            continue
        value = _PHASE.get(_key(part))
        if value is None:
            value = _snake(part)
            notes.append(f"unmapped phase spelling {part.strip()!r}")
        out.append(value)
    return Norm(tuple(dict.fromkeys(out)), "; ".join(notes) or None)


def is_phase_value(text: str) -> bool:
    return bool(re.fullmatch(r"(EARLY_)?PHASE[0-4](\s*[/,]\s*(EARLY_)?PHASE[0-4])*|NA", text))


def allocation(text: str) -> Norm[str]:
    return _lookup(_ALLOCATION, text, "allocation")


def model(text: str) -> Norm[str]:
    return _lookup(_MODEL, text, "intervention model")


def masking(text: str) -> Norm[str]:
    """``"None (Open label)"`` -> ``NONE``; ``"Double (Participant, Investigator)"`` -> ``DOUBLE``."""
    head = re.sub(r"\s*\(.*\)\s*$", "", text) if not _key(text).startswith("none") else text
    return _lookup(_MASKING, head, "masking")


def purpose(text: str) -> Norm[str]:
    return _lookup(_PURPOSE, text, "primary purpose")


def arm_type(text: str) -> Norm[str]:
    return _lookup(_ARM_TYPE, text, "arm type")


def intervention_type(text: str) -> Norm[str]:
    return _lookup(_INTERVENTION_TYPE, text, "intervention type")


def agency_class(text: str) -> Norm[str]:
    return _lookup(_AGENCY_CLASS, text, "agency class")


def sex(text: str) -> Norm[str]:
    return _lookup(_SEX, text, "sex")


def yes_no(text: str) -> bool | None:
    """``"Yes"``/``"t"``/``"true"`` -> True; ``"No"``/``"f"`` -> False; else None."""
    key = _key(text)
    if key in {"yes", "y", "t", "true", "accepts healthy volunteers"}:
        return True
    if key in {"no", "n", "f", "false"}:
        return False
    return None


def date(text: str | None, *, kind: str | None = None) -> PartialDate | None:
    """A date at the precision the text gives, or None when it is not a date.

    >>> date("April 1, 2020")
    PartialDate(value='2020-04-01', kind=None)
    >>> date("April 2020").value, date("2025-05").value
    ('2020-04', '2025-05')
    """
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return PartialDate(text, kind)
    m = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(?:(\d{1,2}),\s*)?(\d{4})", text)
    if m and m.group(1)[:3].lower() in _MONTHS:
        month = _MONTHS[m.group(1)[:3].lower()]
        if m.group(2):
            return PartialDate(f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}", kind)
        return PartialDate(f"{m.group(3)}-{month:02d}", kind)
    return None
