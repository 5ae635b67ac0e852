"""Shared normalisation for the ClinicalTrials.gov mappers (API v2, classic API v1, legacy XML).

Two layers live here:

1. **Crosswalks and parsers** (public, reused by the seed-page mappers): every function
   takes the source spelling (or ``None``) and returns a :class:`Norm` ``(value, note)``.

   * ``value`` is the ClinicalTrials.gov API v2 spelling (``"PHASE1"``,
     ``"ACTIVE_NOT_RECRUITING"``, ``"RANDOMIZED"`` ...), or ``None`` when the input is
     ``None``/blank (or, for dates and ages, when it states no value, e.g. ``"N/A"``).
   * ``note`` is ``None`` when the spelling is known. A spelling the crosswalk does not
     know is **not** dropped and **not** passed through silently: the value is kept in
     upper-snake case and ``note`` says so (``"unmapped phase spelling 'Phase 5'"``);
     the mapper appends the note to :attr:`kg.model.Trial.notes`.

   :class:`Norm` is a named tuple, so ``value, note = norm_status("Recruiting")`` and
   ``norm_status("Recruiting").value`` both work; :func:`keep` unpacks a result and
   files its note in one step.

2. **The record builder**: each format module only *reads* its document into a
   :class:`RawStudy` (strings as the source spells them); :func:`build_trial` turns a
   RawStudy into a :class:`kg.model.Trial` with the same rules for every format
   (normalisation, MeSH attachment, contact scrubbing, related NCT ids, notes).

Decisions every format shares (documented once, here):

* **MeSH terms** (``derivedSection.conditionBrowseModule.meshes`` and its v1/XML
  equivalents) are attached to a condition only where the registry's own text ties
  them: the MeSH term equals the condition name (case and punctuation ignored), or the
  registry's browse leaf for that term has an ``asFound`` text that occurs (as whole
  words) in the condition name. A MeSH term that cannot be tied to a condition becomes
  its own ``Condition(term, found_in="mesh")``; it is never guessed onto a condition.
* **People**: overall officials are kept as ``Official(name, role, affiliation)``;
  central contacts as ``Official(name, role="CONTACT")``. Site-level contacts and site
  investigators are dropped (the record has no place that keeps their site). E-mail
  addresses and phone numbers are never kept: they are removed from every text of the
  record (``"[e-mail removed]"`` in prose; dropped from names and affiliations).
* **Intervention names of an arm** are given without the registry's ``"Drug: "`` type
  prefix, so that they equal :attr:`kg.model.Intervention.name`.
* **Related NCT ids** are NCT ids (other than the trial's own and its aliases) named in,
  in this order: secondary ids, expanded-access links, references, see-also links,
  brief summary, detailed description, arm and intervention descriptions.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from kg.extract.text import word_starts
from kg.iri import is_http_iri, is_mesh_id, is_pmid
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
from kg.results_join import join_results
from kg.results_model import TrialResults

__all__ = [
    "AGENCY_CLASS",
    "ALLOCATION",
    "ARM_TYPE",
    "CROSSWALKS",
    "DATE_KIND",
    "EMAIL_RE",
    "INTERVENTION_TYPE",
    "MASKING",
    "MODEL",
    "OFFICIAL_ROLE",
    "PHASE",
    "PURPOSE",
    "REFERENCE_TYPE",
    "RESPONSIBLE_PARTY_TYPE",
    "SEX",
    "STATUS",
    "STUDY_TYPE",
    "Norm",
    "RawArm",
    "RawDate",
    "RawIntervention",
    "RawSite",
    "RawStudy",
    "RecordError",
    "attach_mesh",
    "build_trial",
    "canonical_sha256",
    "find_doi",
    "find_nct_ids",
    "json_float",
    "json_list",
    "json_obj",
    "json_objs",
    "json_strs",
    "json_text",
    "keep",
    "load_json",
    "map_records",
    "norm_agency_class",
    "norm_allocation",
    "norm_arm_type",
    "norm_date_kind",
    "norm_healthy_volunteers",
    "norm_intervention_type",
    "norm_masking",
    "norm_model",
    "norm_official_role",
    "norm_phase",
    "norm_purpose",
    "norm_reference_type",
    "norm_responsible_party_type",
    "norm_sex",
    "norm_status",
    "norm_study_type",
    "parse_age_years",
    "parse_count",
    "parse_date",
    "scrub_contact",
    "scrub_text",
    "strip_type_prefix",
]

T = TypeVar("T")


class Norm(NamedTuple, Generic[T]):
    """A normalised value and, where the source spelling was not recognised, a note."""

    value: T
    note: str | None = None


def keep(result: Norm[T], notes: list[str]) -> T:
    """The value of ``result``; its note (if any) is appended to ``notes``.

    >>> notes: list[str] = []
    >>> keep(norm_phase("Phase 5"), notes), notes
    ((), ["unmapped phase spelling 'Phase 5' (kept as text in this note, not as a phase)"])
    """
    if result.note:
        notes.append(result.note)
    return result.value


# --------------------------------------------------------------------------- crosswalks
# Each table maps a source spelling (as ClinicalTrials.gov's classic API, legacy XML or
# its web pages write it) to the API v2 value. Lookups ignore case, spacing and
# punctuation (see ``_key``); the v2 values themselves are always accepted as they are.

STATUS: dict[str, str] = {
    "Active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "Completed": "COMPLETED",
    "Enrolling by invitation": "ENROLLING_BY_INVITATION",
    "Not yet recruiting": "NOT_YET_RECRUITING",
    "Recruiting": "RECRUITING",
    "Suspended": "SUSPENDED",
    "Terminated": "TERMINATED",
    "Withdrawn": "WITHDRAWN",
    "Available": "AVAILABLE",
    "No longer available": "NO_LONGER_AVAILABLE",
    "Temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "Approved for marketing": "APPROVED_FOR_MARKETING",
    "Withheld": "WITHHELD",
    "Unknown status": "UNKNOWN",
    "Unknown": "UNKNOWN",
}
PHASE: dict[str, str] = {
    "Early Phase 1": "EARLY_PHASE1",
    "Phase 0": "EARLY_PHASE1",
    "Phase 1": "PHASE1",
    "Phase 2": "PHASE2",
    "Phase 3": "PHASE3",
    "Phase 4": "PHASE4",
    "N/A": "NA",
    "Not Applicable": "NA",
}
STUDY_TYPE: dict[str, str] = {
    "Interventional": "INTERVENTIONAL",
    "Observational": "OBSERVATIONAL",
    "Observational [Patient Registry]": "OBSERVATIONAL",
    "Expanded Access": "EXPANDED_ACCESS",
}
ALLOCATION: dict[str, str] = {
    "Randomized": "RANDOMIZED",
    "Non-Randomized": "NON_RANDOMIZED",
    "Nonrandomized": "NON_RANDOMIZED",
    "N/A": "NA",
}
MODEL: dict[str, str] = {
    "Single Group Assignment": "SINGLE_GROUP",
    "Parallel Assignment": "PARALLEL",
    "Crossover Assignment": "CROSSOVER",
    "Factorial Assignment": "FACTORIAL",
    "Sequential Assignment": "SEQUENTIAL",
    "Single Group": "SINGLE_GROUP",
    "Parallel": "PARALLEL",
    "Crossover": "CROSSOVER",
    "Factorial": "FACTORIAL",
    "Sequential": "SEQUENTIAL",
}
MASKING: dict[str, str] = {
    "None (Open Label)": "NONE",
    "Open Label": "NONE",
    "None": "NONE",
    "Single": "SINGLE",
    "Single Blind": "SINGLE",
    "Double": "DOUBLE",
    "Double Blind": "DOUBLE",
    "Triple": "TRIPLE",
    "Triple Blind": "TRIPLE",
    "Quadruple": "QUADRUPLE",
}
PURPOSE: dict[str, str] = {
    "Treatment": "TREATMENT",
    "Prevention": "PREVENTION",
    "Diagnostic": "DIAGNOSTIC",
    "Supportive Care": "SUPPORTIVE_CARE",
    "Screening": "SCREENING",
    "Health Services Research": "HEALTH_SERVICES_RESEARCH",
    "Basic Science": "BASIC_SCIENCE",
    "Device Feasibility": "DEVICE_FEASIBILITY",
    "Educational/Counseling/Training": "ECT",
    "Other": "OTHER",
}
ARM_TYPE: dict[str, str] = {
    "Experimental": "EXPERIMENTAL",
    "Active Comparator": "ACTIVE_COMPARATOR",
    "Placebo Comparator": "PLACEBO_COMPARATOR",
    "Sham Comparator": "SHAM_COMPARATOR",
    "No Intervention": "NO_INTERVENTION",
    "Other": "OTHER",
}
INTERVENTION_TYPE: dict[str, str] = {
    "Behavioral": "BEHAVIORAL",
    "Biological": "BIOLOGICAL",
    "Combination Product": "COMBINATION_PRODUCT",
    "Device": "DEVICE",
    "Diagnostic Test": "DIAGNOSTIC_TEST",
    "Dietary Supplement": "DIETARY_SUPPLEMENT",
    "Drug": "DRUG",
    "Genetic": "GENETIC",
    "Procedure": "PROCEDURE",
    "Procedure/Surgery": "PROCEDURE",
    "Radiation": "RADIATION",
    "Other": "OTHER",
}
SEX: dict[str, str] = {"All": "ALL", "Both": "ALL", "Female": "FEMALE", "Male": "MALE"}
AGENCY_CLASS: dict[str, str] = {
    "NIH": "NIH",
    "U.S. Fed": "FED",
    "Other U.S. Federal agency": "FED",
    "Other Government": "OTHER_GOV",
    "Individual": "INDIV",
    "Industry": "INDUSTRY",
    "Network": "NETWORK",
    "Ambiguous": "AMBIG",
    "Other": "OTHER",
    "Unknown": "UNKNOWN",
}
RESPONSIBLE_PARTY_TYPE: dict[str, str] = {
    "Sponsor": "SPONSOR",
    "Principal Investigator": "PRINCIPAL_INVESTIGATOR",
    "Sponsor-Investigator": "SPONSOR_INVESTIGATOR",
}
OFFICIAL_ROLE: dict[str, str] = {
    "Principal Investigator": "PRINCIPAL_INVESTIGATOR",
    "Sub-Investigator": "SUB_INVESTIGATOR",
    "Study Chair": "STUDY_CHAIR",
    "Study Director": "STUDY_DIRECTOR",
    "Contact": "CONTACT",
}
REFERENCE_TYPE: dict[str, str] = {
    "background": "BACKGROUND",
    "result": "RESULT",
    "results_reference": "RESULT",
    "derived": "DERIVED",
}
DATE_KIND: dict[str, str] = {
    "Actual": "ACTUAL",
    "Anticipated": "ESTIMATED",
    "Estimate": "ESTIMATED",
    "Estimated": "ESTIMATED",
}

#: Every crosswalk by name, with the v2 values it accepts unchanged (for tests and docs).
CROSSWALKS: dict[str, dict[str, str]] = {
    "status": STATUS,
    "phase": PHASE,
    "study type": STUDY_TYPE,
    "allocation": ALLOCATION,
    "intervention model": MODEL,
    "masking": MASKING,
    "primary purpose": PURPOSE,
    "arm type": ARM_TYPE,
    "intervention type": INTERVENTION_TYPE,
    "sex": SEX,
    "agency class": AGENCY_CLASS,
    "responsible party type": RESPONSIBLE_PARTY_TYPE,
    "official role": OFFICIAL_ROLE,
    "reference type": REFERENCE_TYPE,
    "date type": DATE_KIND,
}


_NOT_KEY = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 14)
def _key(text: str) -> str:
    """Lookup key: lower case, runs of non-alphanumerics as one space."""
    return _NOT_KEY.sub(" ", text.casefold()).strip()


def _index(table: Mapping[str, str]) -> dict[str, str]:
    index = {_key(v): v for v in table.values()}
    index.update({_key(k): v for k, v in table.items()})
    return index


_INDEX: dict[str, dict[str, str]] = {name: _index(t) for name, t in CROSSWALKS.items()}


def _lookup(what: str, text: str | None) -> Norm[str | None]:
    if text is None or not text.strip():
        return Norm(None)
    return _lookup_text(what, text)


@lru_cache(maxsize=1 << 14)
def _lookup_text(what: str, text: str) -> Norm[str | None]:
    """:func:`_lookup` of a non-blank text (cached: values of a crosswalk repeat a lot).

    A spelling outside the crosswalk is not a value of the vocabulary: the value is
    unknown (``None``) and the note keeps the text as written, so that the graph never
    holds a term nobody defined.

    >>> _lookup_text("sex", "Unknown")
    Norm(value=None, note="unmapped sex spelling 'Unknown' (kept as text in this note, not as a sex)")
    """
    value = _INDEX[what].get(_key(text))
    if value is not None:
        return Norm(value)
    return Norm(None, unmapped_note(what, text))


UNMAPPED_CHARS = 200  # an unmapped value is quoted in its note up to this length


def unmapped_note(what: str, text: str) -> str:
    """The note of a value outside a controlled vocabulary: the text as written (cut
    when long: a shuffled page may put a paragraph where a phase belongs)."""
    shown = text.strip()
    if len(shown) > UNMAPPED_CHARS:
        shown = f"{shown[:UNMAPPED_CHARS]}… [{len(shown):,} characters]"
    return f"unmapped {what} spelling {shown!r} (kept as text in this note, not as a {what})"


def norm_status(text: str | None) -> Norm[str | None]:
    """Overall (or site) recruitment status: ``"Unknown status"`` -> ``"UNKNOWN"``."""
    return _lookup("status", text)


def norm_study_type(text: str | None) -> Norm[str | None]:
    """``"Interventional"`` -> ``"INTERVENTIONAL"``.

    ``"N/A"`` (legacy XML of withheld records) states no study type: the value is
    ``None`` and the note says what was written.
    """
    if text is not None and _key(text) in {"n a", "na"}:
        return Norm(None, f"study type given as {text.strip()!r}")
    return _lookup("study type", text)


def norm_allocation(text: str | None) -> Norm[str | None]:
    """``"Non-Randomized"`` -> ``"NON_RANDOMIZED"``; ``"N/A"`` -> ``"NA"``."""
    return _lookup("allocation", text)


def norm_model(text: str | None) -> Norm[str | None]:
    """Intervention model: ``"Parallel Assignment"`` -> ``"PARALLEL"``."""
    return _lookup("intervention model", text)


def norm_masking(text: str | None) -> Norm[str | None]:
    """``"None (Open Label)"`` -> ``"NONE"``; ``"Double (Participant, ...)"`` -> ``"DOUBLE"``.

    The parenthesised list of who is masked (legacy XML) is not part of the value.
    """
    if text is None:
        return Norm(None)
    found = _lookup("masking", text)
    if found.note is None:
        return found
    bare = re.sub(r"\s*\(.*\)\s*$", "", text)
    if bare != text and _lookup("masking", bare).note is None:
        return _lookup("masking", bare)
    return found


def norm_purpose(text: str | None) -> Norm[str | None]:
    """Primary purpose: ``"Supportive Care"`` -> ``"SUPPORTIVE_CARE"``."""
    return _lookup("primary purpose", text)


def norm_arm_type(text: str | None) -> Norm[str | None]:
    """``"Active Comparator"`` -> ``"ACTIVE_COMPARATOR"``."""
    return _lookup("arm type", text)


def norm_intervention_type(text: str | None) -> Norm[str | None]:
    """``"Biological"`` -> ``"BIOLOGICAL"``; ``"Procedure/Surgery"`` -> ``"PROCEDURE"``."""
    return _lookup("intervention type", text)


def norm_sex(text: str | None) -> Norm[str | None]:
    """``"All"``/``"Both"`` -> ``"ALL"``; ``"Female"`` -> ``"FEMALE"``."""
    return _lookup("sex", text)


def norm_agency_class(text: str | None) -> Norm[str | None]:
    """Sponsor class: ``"U.S. Fed"`` -> ``"FED"``; ``"Industry"`` -> ``"INDUSTRY"``."""
    return _lookup("agency class", text)


def norm_responsible_party_type(text: str | None) -> Norm[str | None]:
    """``"Sponsor-Investigator"`` -> ``"SPONSOR_INVESTIGATOR"``."""
    return _lookup("responsible party type", text)


def norm_official_role(text: str | None) -> Norm[str | None]:
    """``"Study Chair"`` -> ``"STUDY_CHAIR"``; ``"Contact"`` -> ``"CONTACT"``."""
    return _lookup("official role", text)


def norm_reference_type(text: str | None) -> Norm[str | None]:
    """``"background"`` -> ``"BACKGROUND"``; XML ``results_reference`` -> ``"RESULT"``."""
    return _lookup("reference type", text)


def norm_date_kind(text: str | None) -> Norm[str | None]:
    """Date or enrollment type: ``"Anticipated"``/``"Estimate"`` -> ``"ESTIMATED"``."""
    return _lookup("date type", text)


def norm_phase(text: str | Sequence[str] | None) -> Norm[tuple[str, ...]]:
    """Phases as a tuple of v2 values, in the order given, without repeats.

    Accepts one string (``"Phase 1/Phase 2"``, ``"N/A"``, ``"Phase 1/2"``) or a list of
    strings (v1 ``PhaseList``, v2 ``phases``). Unknown parts are left out, with one note
    that keeps their text.

    >>> norm_phase("Phase 1/Phase 2").value
    ('PHASE1', 'PHASE2')
    >>> norm_phase(["Not Applicable"]).value, norm_phase("Early Phase 1").value
    (('NA',), ('EARLY_PHASE1',))
    """
    if text is None:
        return Norm(())
    items = [text] if isinstance(text, str) else list(text)
    out: list[str] = []
    unknown: list[str] = []
    for item in items:
        for part in _phase_parts(item):
            value = _INDEX["phase"].get(_key(part))
            if value is None:
                if part.strip():
                    unknown.append(part)
            else:
                out.append(value)
    note = unmapped_note("phase", ", ".join(unknown)) if unknown else None
    return Norm(tuple(dict.fromkeys(out)), note)


def _phase_parts(text: str) -> list[str]:
    text = text.strip()
    if not text or _key(text) in _INDEX["phase"]:
        return [text] if text else []
    parts = [p.strip() for p in re.split(r"[/,|]|\band\b", text) if p.strip()]
    fixed: list[str] = []
    for part in parts:  # "Phase 1/2": a bare number continues the phase before it
        bare = re.fullmatch(r"[0-4]", part) and fixed and _key(fixed[-1]).startswith("phase")
        fixed.append(f"Phase {part}" if bare else part)
    return fixed


def norm_healthy_volunteers(value: str | bool | None) -> Norm[bool | None]:
    """v2 booleans as given; "Accepts Healthy Volunteers" or "Yes" -> True, "No" -> False.

    >>> norm_healthy_volunteers("Accepts Healthy Volunteers").value
    True
    """
    if value is None or isinstance(value, bool):
        return Norm(value)
    key = _key(value)
    # "t"/"f": PostgreSQL's boolean spelling, as AACT-derived pages print it.
    if key in {"yes", "y", "true", "t", "accepts healthy volunteers"}:
        return Norm(True)
    if key in {"no", "n", "false", "f"}:
        return Norm(False)
    if not key:
        return Norm(None)
    return Norm(None, f"unmapped healthy volunteers spelling {value.strip()!r}")


# --------------------------------------------------------------------------- dates, ages
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_TEXT_DATE = re.compile(r"([A-Za-z]{3,9})\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})", re.ASCII)


def parse_date(text: str | None, kind: str | None = None) -> Norm[PartialDate | None]:
    """A date kept at the precision the source gives, with its kind normalised.

    ``"2025-05"`` stays a month; ``"April 2020"`` -> ``2020-04``; ``"April 1, 2020"`` ->
    ``2020-04-01``. ``kind`` (``"Actual"``, ``"Anticipated"``, ``"ESTIMATED"``...) becomes
    ``"ACTUAL"`` or ``"ESTIMATED"``. Text that is not a date gives ``None`` and a note.

    >>> parse_date("April 1, 2020", "Anticipated").value
    PartialDate(value='2020-04-01', kind='ESTIMATED')
    """
    if text is None or not text.strip():
        return Norm(None)
    text = text.strip()
    kind_norm = norm_date_kind(kind)
    value = _iso_date(text) or _text_date(text)
    if value is None:
        return Norm(None, f"unparsed date {_shown(text)}")
    return Norm(PartialDate(value, kind_norm.value), kind_norm.note)


def _valid(year: int, month: int | None, day: int | None) -> bool:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def _iso_date(text: str) -> str | None:
    m = _ISO_DATE.fullmatch(text)
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    if year is None or not _valid(year, month, day):
        return None
    return text


def _text_date(text: str) -> str | None:
    m = _TEXT_DATE.fullmatch(text)
    if not m or m.group(1)[:3].casefold() not in _MONTHS:
        return None
    year, month = int(m.group(3)), _MONTHS[m.group(1)[:3].casefold()]
    day = int(m.group(2)) if m.group(2) else None
    if not _valid(year, month, day):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_AGE_UNITS = {
    "year": 1.0,
    "month": 1.0 / 12.0,
    "week": 7.0 / 365.25,
    "day": 1.0 / 365.25,
    "hour": 1.0 / (24.0 * 365.25),
    "minute": 1.0 / (60.0 * 24.0 * 365.25),
}
_AGE = re.compile(
    r"(\d{1,9}(?:\.\d{1,9})?)\s*(year|month|week|day|hour|minute)s?", re.IGNORECASE | re.ASCII
)


def parse_age_years(text: str | None) -> Norm[float | None]:
    """An age limit in years (rounded to 4 decimals); ``"N/A"``/``"None"`` -> ``None``.

    Months are twelfths of a year; weeks, days, hours and minutes count against a
    year of 365.25 days.

    >>> parse_age_years("18 Years").value, parse_age_years("6 Months").value
    (18.0, 0.5)
    >>> parse_age_years("N/A").value is None
    True
    """
    if text is None or _key(text) in {"", "n a", "na", "none"}:
        return Norm(None)
    m = _AGE.fullmatch(text.strip())
    if not m:
        return Norm(None, f"unparsed age {_shown(text.strip())}")
    return Norm(round(float(m.group(1)) * _AGE_UNITS[m.group(2).lower()], 4))


def parse_count(text: str | int | None) -> Norm[int | None]:
    """An enrollment count: ``"120"`` or ``120`` -> 120; anything else -> None and a note."""
    if text is None or isinstance(text, int):
        return Norm(text)
    if not text.strip():
        return Norm(None)
    if _COUNT.fullmatch(text.strip()):
        return Norm(int(text.strip()))
    return Norm(None, f"unparsed enrollment count {_shown(text.strip())}")


_COUNT = re.compile(r"[0-9]{1,12}")  # ASCII digits only; a count of people, not 5000 digits


def _shown(text: str, limit: int = UNMAPPED_CHARS) -> str:
    """``repr(text)``, cut when long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… [{len(text):,} characters]"


def _cut(text: str, limit: int) -> str:
    """``text``, cut when long."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


# --------------------------------------------------------------------------- scrubbing
EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# A phone number in a person's name or affiliation: 7 or more digits with phone punctuation.
_PHONE_RE = re.compile(r"(?<![\w/])\+?\(?\d(?:[\d\s().\-]*\d){6,}(?:\s*(?:ext\.?|x)\s*\d+)?", re.I)
# A phone number in prose: only directly after a word that says it is one.
_PROSE_PHONE_RE = re.compile(
    r"(?P<label>\b(?:tel(?:ephone)?|phone|fax|mobile)\b\.?\s*(?:no\.?|number)?\s*[:.]?\s*)"
    r"\+?\(?\d(?:[\d\s().\-]*\d){6,}",
    re.I,
)


_DIGIT = re.compile(r"\d")


def _may_have_phone_label(text: str) -> bool:
    """False only where :data:`_PROSE_PHONE_RE` cannot match: it needs a label word at a
    word start. Ignoring case, no character but the two cases of a letter of "tel",
    "phone", "fax" or "mob" matches it, and each lower-cases to that letter ("mobile" is
    looked for by "mob": an "i" also matches "ı" and "İ"); lower-casing keeps word
    characters word characters and non-word characters single non-word characters, so a
    word start stays one (all checked over the whole of Unicode in the tests)."""
    return next(word_starts(text.lower(), ("tel", "phone", "fax", "mob")), None) is not None


def scrub_text(text: str, where: str) -> Norm[str]:
    """Prose with e-mail addresses and labelled phone numbers replaced by a marker.

    >>> scrub_text("Write to a.b@x.org.", "summary")
    Norm(value='Write to [e-mail removed].', note='e-mail address removed from summary')
    """
    # Cheap tests first: an address needs an "@", a labelled phone number a label word.
    out, emails = EMAIL_RE.subn("[e-mail removed]", text) if "@" in text else (text, 0)
    phones = 0
    if _may_have_phone_label(out):
        out, phones = _PROSE_PHONE_RE.subn(lambda m: m.group("label") + "[phone removed]", out)
    removed = [what for what, n in (("e-mail address", emails), ("phone number", phones)) if n]
    if not removed:
        return Norm(text)
    return Norm(out, f"{' and '.join(removed)} removed from {where}")


def scrub_contact(text: str | None, where: str) -> Norm[str | None]:
    """A person's name or affiliation without e-mail addresses or phone numbers.

    What is left when they are removed is kept (``None`` if nothing meaningful is left).

    >>> scrub_contact("mohamad.mohty@inserm.fr", "official affiliation")
    Norm(value=None, note='e-mail address removed from official affiliation')
    """
    if text is None:
        return Norm(None)
    # Cheap tests first: an address needs an "@", a phone number digits.
    out, emails = EMAIL_RE.subn(" ", text) if "@" in text else (text, 0)
    out, phones = _PHONE_RE.subn(" ", out) if _DIGIT.search(out) else (out, 0)
    if not emails and not phones:
        return Norm(_clean(text))
    removed = [what for what, n in (("e-mail address", emails), ("phone number", phones)) if n]
    out = re.sub(r"\s{2,}", " ", out).strip(" ,;:/-()[]\t\n")
    return Norm(
        out if re.search(r"\w", out) else None, f"{' and '.join(removed)} removed from {where}"
    )


# --------------------------------------------------------------------------- small helpers
_NCT_RE = re.compile(r"\bNCT\s?-?(\d{8})\b", re.IGNORECASE | re.ASCII)
_DOI_RE = re.compile(
    r"\bdoi:?\s*(10\.\d{4,9}/\S+)|doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE | re.ASCII
)
_TYPE_PREFIX_RE = re.compile(r"([A-Za-z /-]{3,30}):\s+(.+)", re.DOTALL)


def find_nct_ids(texts: Iterable[str | None], *, exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """NCT ids named in ``texts``, in order of first mention, without those in ``exclude``.

    >>> find_nct_ids(["see NCT01234567 and nct 07654321", "NCT01234567"], exclude=["NCT07654321"])
    ('NCT01234567',)
    """
    skip = {e.upper() for e in exclude}
    found: dict[str, None] = {}
    for text in texts:
        # "NCT" in any case first: ignoring case, only the two cases of each letter match it
        if not text or "nct" not in text.lower():
            continue
        for m in _NCT_RE.finditer(text):
            nct = "NCT" + m.group(1)
            if nct not in skip:
                found.setdefault(nct)
    return tuple(found)


def find_doi(citation: str | None) -> str | None:
    """The DOI a citation states, without trailing punctuation.

    >>> find_doi("Cell. 2020;1:2. doi: 10.1016/j.x.2020.01.002.")
    '10.1016/j.x.2020.01.002'
    """
    if not citation or "10." not in citation:  # every DOI the pattern reads starts so
        return None
    m = _DOI_RE.search(citation)
    if not m:
        return None
    return _trim_closing(m.group(1) or m.group(2))


def _trim_closing(doi: str) -> str:
    """A DOI without the punctuation and unbalanced brackets of the text around it."""
    doi = doi.rstrip(".,;:>\"'")
    while doi.endswith((")", "]")):
        close = doi[-1]
        if doi.count(close) <= doi.count("(" if close == ")" else "["):
            break
        doi = doi[:-1].rstrip(".,;:")
    return doi


def strip_type_prefix(name: str) -> str:
    """``"Drug: Paclitaxel"`` -> ``"Paclitaxel"``; names without a known type prefix unchanged."""
    m = _TYPE_PREFIX_RE.fullmatch(name.strip())
    if m and _key(m.group(1)) in _INDEX["intervention type"]:
        return m.group(2).strip()
    return name.strip()


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


class LongNumber(str):
    """A JSON number of more digits than a count or a coordinate ever has, kept as the
    text it is (Python refuses to make an int of over 4,300 digits, and no field of a
    trial record needs one): :func:`json_text` gives its digits, :func:`json_float`
    refuses it."""

    __slots__ = ()


LONG_NUMBER_DIGITS = 100


def _parse_int(text: str) -> int | LongNumber:
    return LongNumber(text) if len(text) > LONG_NUMBER_DIGITS else int(text)


def _parse_float(text: str) -> float | LongNumber:
    return LongNumber(text) if len(text) > LONG_NUMBER_DIGITS else float(text)


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A surrogate escaped ("\\udc80") or encoded as UTF-8 bytes (ED A0..BF ..: not UTF-8, but
# json.loads decodes bytes with "surrogatepass")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def load_json(data: bytes, source_file: str) -> Any:
    """A JSON document's content; MappingError naming the file for empty or broken JSON.

    Numbers of more than :data:`LONG_NUMBER_DIGITS` digits are kept as
    :class:`LongNumber` text; a document nested deeper than Python's parser goes, or
    holding an escaped lone surrogate (``"\\udc80"``: not a Unicode character, so no
    text of the graph can hold it), is refused with the reason.
    """
    if not data.strip():
        raise MappingError(source_file, "empty file")
    try:
        doc = json.loads(data, parse_int=_parse_int, parse_float=_parse_float)
    except UnicodeDecodeError as exc:
        raise MappingError(source_file, f"not UTF-8 JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise MappingError(source_file, f"invalid or truncated JSON: {exc}") from None
    except RecursionError:
        raise MappingError(
            source_file,
            "JSON nested too deeply to read (arrays and objects about 1,000 levels deep or more)",
        ) from None
    if _SURROGATE_ESCAPE.search(data):  # rare: look for a lone one only then
        where = _lone_surrogate(doc)
        if where is not None:
            raise MappingError(
                source_file, f"JSON text holds a lone surrogate (not Unicode) in {where}"
            )
    return doc


def _lone_surrogate(doc: Any) -> str | None:
    """The key (or "a value") of the first text holding a lone surrogate, else None."""
    stack: list[tuple[str, Any]] = [("the document", doc)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if _LONE_SURROGATE.search(key):
                    return "a key"
                stack.append((repr(key[:60]), item))
        elif isinstance(value, list):
            stack.extend((where, item) for item in value)
    return None


def canonical_sha256(record: Any) -> str:
    """sha256 (hex) of a JSON record's canonical serialisation (sorted keys, compact, UTF-8)."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --------------------------------------------------------------------------- JSON access
class RecordError(ValueError):
    """One record of a document has a shape the mapper cannot read."""


def json_obj(d: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``d[key]`` as an object (``{}`` when missing or null); RecordError for another type."""
    value = d.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{key!r} is a {type(value).__name__}, not an object")
    return value


def json_list(d: Mapping[str, Any], key: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key!r} is a {type(value).__name__}, not a list")
    return value


def json_objs(d: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """``d[key]`` as a list of objects (``[]`` when missing)."""
    items = json_list(d, key)
    for item in items:
        if not isinstance(item, dict):
            raise RecordError(f"{key!r} holds a {type(item).__name__}, not an object")
    return items


def json_text(d: Mapping[str, Any], key: str) -> str | None:
    """``d[key]`` as text (numbers as written), ``None`` when missing; RecordError otherwise."""
    value = d.get(key)
    if value is None:
        return None
    if type(value) is str:  # the usual case, first
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"{key!r} is a {type(value).__name__}, not text")
    return str.__str__(value) if isinstance(value, str) else str(value)


def json_strs(d: Mapping[str, Any], key: str) -> list[str]:
    """``d[key]`` as a list of texts (blank ones left out)."""
    out: list[str] = []
    for item in json_list(d, key):
        if not isinstance(item, str) or isinstance(item, LongNumber):
            kind = "number" if isinstance(item, LongNumber) else type(item).__name__
            raise RecordError(f"{key!r} holds a {kind}, not text")
        if item.strip():
            out.append(item.strip())
    return out


def json_float(d: Mapping[str, Any], key: str) -> float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, LongNumber):
        raise RecordError(f"{key!r} is a number of {len(value):,} characters")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{key!r} is a {type(value).__name__}, not a number")
    return float(value)


# --------------------------------------------------------------------------- raw record
RawDate = tuple[str | None, str | None]  # (date as written, type as written)


@dataclass(slots=True)
class RawArm:
    label: str | None
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawIntervention:
    name: str | None
    type: str | None = None
    description: str | None = None
    other_names: list[str] = field(default_factory=list)
    arm_labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawSite:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class RawStudy:
    """One study as a format module reads it: texts as the source spells them."""

    nct_id: str | None = None
    nct_aliases: list[str] = field(default_factory=list)
    org_study_id: str | None = None
    secondary_ids: list[str] = field(default_factory=list)
    acronym: str | None = None
    brief_title: str | None = None
    official_title: str | None = None
    status: str | None = None
    phases: list[str] = field(default_factory=list)
    study_type: str | None = None
    allocation: str | None = None
    intervention_model: str | None = None
    masking: str | None = None
    primary_purpose: str | None = None
    enrollment: str | None = None
    enrollment_type: str | None = None
    start: RawDate = (None, None)
    primary_completion: RawDate = (None, None)
    completion: RawDate = (None, None)
    last_update: RawDate = (None, None)
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    meshes: list[tuple[str | None, str]] = field(default_factory=list)  # (id, term)
    mesh_leaves: list[tuple[str, str]] = field(default_factory=list)  # (term, as found)
    mesh_ancestors: list[tuple[str | None, str]] = field(default_factory=list)  # (id, term)
    arms: list[RawArm] = field(default_factory=list)
    interventions: list[RawIntervention] = field(default_factory=list)
    sex: str | None = None
    min_age: str | None = None
    max_age: str | None = None
    healthy_volunteers: str | bool | None = None
    criteria: str | None = None
    lead_sponsor: tuple[str | None, str | None] | None = None  # (name, class)
    collaborators: list[tuple[str | None, str | None]] = field(default_factory=list)
    rp_type: str | None = None
    rp_name: str | None = None
    rp_affiliation: str | None = None
    rp_old_name: str | None = None
    rp_old_organization: str | None = None
    officials: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    contacts: list[str | None] = field(default_factory=list)  # central contacts' names
    sites: list[RawSite] = field(default_factory=list)
    references: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    see_also: list[tuple[str | None, str | None]] = field(default_factory=list)  # (url, label)
    linked_nct_ids: list[str] = field(default_factory=list)  # e.g. expanded-access records
    # Posted results as the format's results reader (kg.sources.results_*) read them, or the
    # reason they could not be read (the trial is mapped without them):
    results: TrialResults | None = None
    results_error: str | None = None


# --------------------------------------------------------------------------- building
_NCT_ID_RE = re.compile(r"NCT\d{8}", re.ASCII)  # ASCII digits: "NCT٠٠٩٧٣٠٨٩" is no NCT id


def build_trial(raw: RawStudy, provenance: Provenance) -> Trial:
    """The typed record of one study; RecordError when it has no (well-formed) NCT id."""
    nct = _clean(raw.nct_id)
    if nct is None:
        raise RecordError("the study has no NCT id")
    if not _NCT_ID_RE.fullmatch(nct.upper()):
        raise RecordError(f"malformed NCT id {_shown(nct, 40)}")
    notes: list[str] = []
    trial = Trial(provenance=provenance, nct_id=nct.upper())
    _identity(trial, raw, notes)
    _design(trial, raw, notes)
    _dates(trial, raw, notes)
    _descriptions(trial, raw, notes)
    meshes = [(_mesh_id(mesh_id, term, notes), term) for mesh_id, term in raw.meshes]
    trial.conditions = attach_mesh(raw.conditions, meshes, raw.mesh_leaves, raw.keywords)
    trial.mesh_ancestors = tuple(
        dict.fromkeys(
            (_mesh_id(i, t, notes), t.strip()) for i, t in raw.mesh_ancestors if t.strip()
        )
    )
    trial.keywords = tuple(_strs(raw.keywords))
    trial.arms = _arms(raw, notes)
    trial.interventions = _interventions(raw, notes)
    trial.eligibility = _eligibility(raw, notes)
    trial.sponsors = _sponsors(raw, notes)
    trial.responsible_party = _responsible_party(raw, notes)
    trial.officials = _officials(raw, notes)
    trial.sites = _sites(raw, notes)
    trial.references = _references(raw, notes)
    trial.see_also = _links(raw, notes)
    trial.related_nct_ids = _related(trial, raw)
    trial.raw_values = _as_written(trial, raw)
    if raw.results_error:
        notes.append(f"results left out: {raw.results_error}")
    if raw.results is not None:
        trial.results = join_results(raw.results, trial.arms)
        notes.extend(trial.results.notes)
    trial.notes = list(dict.fromkeys(notes))
    return trial


AS_WRITTEN_CHARS = 2000  # a value kept as written is cut beyond this (with its length)


def _as_written(trial: Trial, raw: RawStudy) -> tuple[tuple[str, str], ...]:
    """The text of each controlled value the crosswalks could not read (a phase "Phase 5",
    a sex "Unknown", a paragraph where a status belongs), kept as written beside the
    unknown value (``cto:phaseAsWritten`` ...): text, never a term of the vocabulary."""
    phases = [p.strip() for p in raw.phases if p.strip()]
    out: list[tuple[str, str]] = []
    for name, written, unread in (
        ("status", raw.status, trial.status is None),
        ("phases", ", ".join(phases), norm_phase(phases).note is not None),
        ("study_type", raw.study_type, trial.study_type is None),
        ("sex", raw.sex, trial.eligibility.sex is None),
        ("enrollment", raw.enrollment, trial.enrollment is None),
        ("start_date", raw.start[0], trial.start_date is None),
        ("min_age", raw.min_age, trial.eligibility.min_age_years is None),
        ("max_age", raw.max_age, trial.eligibility.max_age_years is None),
    ):
        text = _clean(str(written)) if written is not None else None
        if unread and text and _key(text) not in _NO_VALUE:
            out.append((name, _cut(text, AS_WRITTEN_CHARS)))
    return tuple(out)


_NO_VALUE = frozenset({"n a", "na", "none"})  # an age or a study type stated as absent


def _mesh_id(mesh_id: str | None, term: str, notes: list[str]) -> str | None:
    """A MeSH id the registry gives for a term, if it is one (it becomes an IRI)."""
    clean = _clean(mesh_id)
    if clean is None or is_mesh_id(clean):
        return clean
    notes.append(
        f"MeSH id {_shown(clean, 40)} of {_shown(term.strip(), 80)} is not a MeSH id (a letter "
        "and 6 or 9 digits): kept as text in this note, not linked"
    )
    return None


def _links(raw: RawStudy, notes: list[str]) -> tuple[str, ...]:
    """See-also links that are http(s) IRIs; any other is kept as text in a note."""
    out: list[str] = []
    for url in _strs(u for u, _ in raw.see_also):
        if is_http_iri(url):
            out.append(url)
        else:
            notes.append(
                f"see-also link {_shown(url, 120)} is not an http(s) IRI: kept as text in this note, not linked"
            )
    return tuple(out)


def _strs(items: Iterable[str | None]) -> list[str]:
    return [c for c in (_clean(i) for i in items) if c is not None]


def _prose(text: str | None, where: str, notes: list[str]) -> str | None:
    text = _clean(text)
    return None if text is None else keep(scrub_text(text, where), notes)


def _identity(trial: Trial, raw: RawStudy, notes: list[str]) -> None:
    trial.org_study_id = _clean(raw.org_study_id)
    trial.secondary_ids = tuple(dict.fromkeys(_strs(raw.secondary_ids)))
    trial.acronym = _clean(raw.acronym)
    trial.brief_title = _prose(raw.brief_title, "brief title", notes)
    trial.official_title = _prose(raw.official_title, "official title", notes)
    if trial.brief_title is None:
        notes.append(
            "missing brief title" + ("" if trial.official_title else " and official title")
        )


def _design(trial: Trial, raw: RawStudy, notes: list[str]) -> None:
    trial.status = keep(norm_status(raw.status), notes)
    trial.phases = keep(norm_phase(raw.phases), notes)
    trial.study_type = keep(norm_study_type(raw.study_type), notes)
    trial.allocation = keep(norm_allocation(raw.allocation), notes)
    trial.intervention_model = keep(norm_model(raw.intervention_model), notes)
    trial.masking = keep(norm_masking(raw.masking), notes)
    trial.primary_purpose = keep(norm_purpose(raw.primary_purpose), notes)
    trial.enrollment = keep(parse_count(raw.enrollment), notes)
    trial.enrollment_type = keep(norm_date_kind(raw.enrollment_type), notes)


def _dates(trial: Trial, raw: RawStudy, notes: list[str]) -> None:
    trial.start_date = keep(parse_date(*raw.start), notes)
    trial.primary_completion_date = keep(parse_date(*raw.primary_completion), notes)
    trial.completion_date = keep(parse_date(*raw.completion), notes)
    trial.last_update = keep(parse_date(*raw.last_update), notes)


def _descriptions(trial: Trial, raw: RawStudy, notes: list[str]) -> None:
    trial.brief_summary = _prose(raw.brief_summary, "brief summary", notes)
    trial.detailed_description = _prose(raw.detailed_description, "detailed description", notes)


_NOT_LOOSE = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1 << 14)
def _loose(text: str) -> str:
    """Comparison key for names: letters and digits only (``"Covid19"`` = ``"COVID-19"``)."""
    return _NOT_LOOSE.sub("", text.casefold())


def _contains_words(text: str, phrase: str) -> bool:
    pattern = r"(?<!\w)" + re.escape(phrase.casefold().strip()) + r"(?!\w)"
    return bool(phrase.strip()) and re.search(pattern, text.casefold()) is not None


def attach_mesh(
    conditions: Sequence[str],
    meshes: Sequence[tuple[str | None, str]],
    leaves: Sequence[tuple[str, str]] = (),
    keywords: Sequence[str] = (),
) -> list[Condition]:
    """Conditions as listed, each with the MeSH terms the registry's own text ties to it.

    A MeSH ``(id, term)`` goes to the conditions

    1. whose name equals the term (case, spaces and punctuation ignored); else
    2. whose name equals the ``asFound`` text of the registry's browse leaf for the
       term (``leaves``: ``(term, asFound)``); else
    3. whose name contains that ``asFound`` text as whole words, unless the text equals
       a keyword (then it may have been found in the keyword, not the condition).

    A term tied to no condition is added after them as ``Condition(term, found_in="mesh")``
    with its id: it is never guessed onto a condition.

    >>> [(c.name, c.found_in, c.mesh_ids) for c in attach_mesh(
    ...     ["Knee Osteoarthritis", "Pain"], [("D020370", "Osteoarthritis, Knee"),
    ...     ("D010146", "Pain"), ("D001168", "Arthritis")])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('Knee Osteoarthritis', 'conditions', ()), ('Pain', 'conditions', ('D010146',)),
     ('Osteoarthritis, Knee', 'mesh', ('D020370',)), ('Arthritis', 'mesh', ('D001168',))]
    """
    names = _strs(conditions)
    ids: list[list[str]] = [[] for _ in names]
    terms: list[list[str]] = [[] for _ in names]
    extra: dict[str, Condition] = {}
    keyword_keys = {_loose(k) for k in keywords}
    for mesh_id, written in meshes:
        term = written.strip()
        if not term:
            continue
        found = [af for name, af in leaves if _loose(name) == _loose(term)]
        targets = _mesh_targets(names, term, found, keyword_keys)
        for i in targets:
            if mesh_id and mesh_id not in ids[i]:
                ids[i].append(mesh_id)
            if term not in terms[i]:
                terms[i].append(term)
        if not targets and _loose(term) not in extra:
            extra[_loose(term)] = Condition(term, "mesh", (mesh_id,) if mesh_id else (), (term,))
    listed = [
        Condition(n, "conditions", tuple(i), tuple(t))
        for n, i, t in zip(names, ids, terms, strict=True)
    ]
    return listed + list(extra.values())


def _mesh_targets(
    names: Sequence[str], term: str, found: Sequence[str], keyword_keys: set[str]
) -> list[int]:
    """Indexes of the conditions a MeSH term belongs to (see :func:`attach_mesh`)."""
    exact = [i for i, n in enumerate(names) if _loose(n) == _loose(term)]
    if exact:
        return exact
    as_found = [i for i, n in enumerate(names) if any(_loose(n) == _loose(f) for f in found)]
    if as_found:
        return as_found
    inside = [f for f in found if _loose(f) not in keyword_keys]
    return [i for i, n in enumerate(names) if any(_contains_words(n, f) for f in inside)]


def _arms(raw: RawStudy, notes: list[str]) -> list[Arm]:
    arms: list[Arm] = []
    for n, a in enumerate(raw.arms, 1):
        label = _clean(a.label)
        if label is None:
            notes.append(f"arm {n} has no label; left out")
            continue
        arms.append(
            Arm(
                label=label,
                type=keep(norm_arm_type(a.type), notes),
                description=_prose(a.description, f"arm {label!r} description", notes),
                intervention_names=tuple(
                    dict.fromkeys(strip_type_prefix(x) for x in _strs(a.intervention_names))
                ),
            )
        )
    return arms


def _interventions(raw: RawStudy, notes: list[str]) -> list[Intervention]:
    out: list[Intervention] = []
    for n, iv in enumerate(raw.interventions, 1):
        name = _clean(iv.name)
        if name is None:
            notes.append(f"intervention {n} has no name; left out")
            continue
        out.append(
            Intervention(
                name=name,
                type=keep(norm_intervention_type(iv.type), notes),
                description=_prose(iv.description, f"intervention {name!r} description", notes),
                other_names=tuple(_strs(iv.other_names)),
                arm_labels=tuple(_strs(iv.arm_labels)),
            )
        )
    return out


def _eligibility(raw: RawStudy, notes: list[str]) -> Eligibility:
    return Eligibility(
        sex=keep(norm_sex(raw.sex), notes),
        min_age_years=keep(parse_age_years(raw.min_age), notes),
        max_age_years=keep(parse_age_years(raw.max_age), notes),
        healthy_volunteers=keep(norm_healthy_volunteers(raw.healthy_volunteers), notes),
        criteria=_prose(raw.criteria, "eligibility criteria", notes),
    )


def _is_redacted(name: str) -> bool:
    return _key(name) == "redacted"


def _sponsors(raw: RawStudy, notes: list[str]) -> list[Sponsor]:
    out: list[Sponsor] = []
    entries = [(raw.lead_sponsor, "lead")] if raw.lead_sponsor else []
    entries += [(c, "collaborator") for c in raw.collaborators]
    for (name, agency_class), role in entries:
        clean = _clean(name)
        if clean is None or _is_redacted(clean):
            notes.append(f"{role} sponsor name {'redacted' if clean else 'missing'}; left out")
            continue
        out.append(Sponsor(clean, role, keep(norm_agency_class(agency_class), notes)))
    if raw.lead_sponsor is None:
        notes.append("no lead sponsor")
    return out


def _responsible_party(raw: RawStudy, notes: list[str]) -> str | None:
    kind = keep(norm_responsible_party_type(raw.rp_type), notes)
    name = keep(scrub_contact(_clean(raw.rp_name), "responsible party"), notes)
    affiliation = keep(scrub_contact(_clean(raw.rp_affiliation), "responsible party"), notes)
    if kind is None:
        old = [
            keep(scrub_contact(_clean(x), "responsible party"), notes)
            for x in (raw.rp_old_name, raw.rp_old_organization)
        ]
        parts = dict.fromkeys(p for p in old if p and not _is_redacted(p))
        return ", ".join(parts) or None
    who = ", ".join(p for p in (name, affiliation) if p)
    return f"{kind}: {who}" if who and kind != "SPONSOR" else kind


def _person(name: str | None, where: str, notes: list[str]) -> str | None:
    """A person's name without contact data; a name still holding an "@" once e-mail
    addresses are removed ("@@", "john@") is no name the graph keeps (the shapes forbid
    an "@" in an investigator's label): left out, with a note."""
    clean = keep(scrub_contact(_clean(name), where), notes)
    if clean is not None and "@" in clean:
        notes.append(f"{where} {_shown(clean, 40)} holds an '@'; left out")
        return None
    return clean


def _officials(raw: RawStudy, notes: list[str]) -> list[Official]:
    out: list[Official] = []
    for name, role, affiliation in raw.officials:
        clean = _person(name, "official name", notes)
        if clean is None:
            continue
        out.append(
            Official(
                clean,
                keep(norm_official_role(role), notes),
                keep(scrub_contact(_clean(affiliation), "official affiliation"), notes),
            )
        )
    for contact in raw.contacts:
        clean = _person(contact, "contact name", notes)
        if clean is not None:
            out.append(Official(clean, "CONTACT"))
    return out


def _sites(raw: RawStudy, notes: list[str]) -> list[Site]:
    """The sites that say where they are (a facility, a city or a country); a location
    with none of the three is no place: left out, with a note."""
    out: list[Site] = []
    empty = 0
    for s in raw.sites:
        site = Site(
            facility=keep(scrub_contact(_clean(s.facility), "site facility"), notes),
            city=_clean(s.city),
            state=_clean(s.state),
            zip=_clean(s.zip),
            country=_clean(s.country),
            status=keep(norm_status(s.status), notes),
            lat=_coordinate(s.lat, 90.0, "latitude", notes),
            lon=_coordinate(s.lon, 180.0, "longitude", notes),
        )
        if site.facility or site.city or site.country:
            out.append(site)
        else:
            empty += 1
    if empty:
        notes.append(f"{empty} location(s) with no facility, city or country; left out")
    return out


def _coordinate(value: float | None, bound: float, what: str, notes: list[str]) -> float | None:
    if value is None or -bound <= value <= bound:  # NaN fails both comparisons
        return value
    notes.append(f"site {what} {value!r} out of range; left out")
    return None


def _references(raw: RawStudy, notes: list[str]) -> list[Reference]:
    out: list[Reference] = []
    for citation, written_pmid, kind in raw.references:
        text = _prose(citation, "reference citation", notes)
        pmid = _clean(written_pmid)
        if pmid is not None and not is_pmid(pmid):
            notes.append(
                f"reference PMID {_shown(pmid, 40)} is not a PubMed id (digits): kept as text, not linked"
            )
        out.append(
            Reference(
                citation=text,
                pmid=pmid,
                doi=find_doi(text),
                kind=keep(norm_reference_type(kind), notes),
            )
        )
    return out


def _related(trial: Trial, raw: RawStudy) -> tuple[str, ...]:
    texts: list[str | None] = [*trial.secondary_ids, *raw.linked_nct_ids]
    texts += [r.citation for r in trial.references]
    for url, label in raw.see_also:
        texts += [url, label]
    texts += [trial.brief_summary, trial.detailed_description]
    texts += [a.description for a in trial.arms]
    texts += [i.description for i in trial.interventions]
    own = [trial.nct_id or "", *raw.nct_aliases]
    return find_nct_ids(texts, exclude=own)


# --------------------------------------------------------------------------- per-record loop
def map_records(
    records: Iterable[tuple[str | None, Callable[[], tuple[RawStudy, str]]]],
    *,
    source_file: str,
    fmt: str,
    sha256: str,
    mapper_version: str,
    keep: Callable[[Provenance], bool] | None = None,
) -> Iterator[Trial | MappingError | Provenance]:
    """Map each record; a record that fails becomes a MappingError and the rest go on.

    ``records`` gives, per record, its NCT id if one can be seen cheaply (for the error
    message) and a function reading it into ``(RawStudy, record_sha256)``. A record
    whose provenance ``keep`` accepts (the store holds it already) is not mapped: its
    Provenance is yielded instead.
    """
    for n, (peek, read) in enumerate(records, 1):
        key = peek or f"record-{n}"
        try:
            raw, record_sha = read()
            nct = _clean(raw.nct_id)
            key = nct.upper() if nct else f"record-{n}"
            if nct is not None and not _NCT_ID_RE.fullmatch(key):
                raise RecordError(f"malformed NCT id {_shown(nct, 40)}")  # before any IRI
            prov = Provenance(source_file, fmt, sha256, mapper_version, key, record_sha)
            yield prov if keep is not None and keep(prov) else build_trial(raw, prov)
        except RecordError as exc:
            yield MappingError(source_file, str(exc), record=_cut(key, 40))
        except Exception as exc:  # any other failure of one record is that record's error
            reason = f"unreadable record: {type(exc).__name__}: {exc}"
            yield MappingError(source_file, reason, record=_cut(key, 40))
