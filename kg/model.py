"""The typed record: the contract between the source mappers and :mod:`kg.rdf`.

Mappers in :mod:`kg.sources` turn one input document into one or more
:class:`Trial` records; the free-text extractors in :mod:`kg.extract` add
:class:`CellProduct` and :class:`Dose` records to the arms; :mod:`kg.rdf` is the only
module that turns records into triples.

Rules every producer of these records keeps:

* Unknown stays unknown: a field the source does not state is ``None`` (or an empty
  tuple/list), never a guessed value.
* Every number about a dose carries its verbatim evidence span
  (:attr:`Dose.evidence`).
* Personal contact data (e-mail addresses, phone numbers) never enters a record.
* Controlled values use the ClinicalTrials.gov API v2 spellings (``PHASE1``,
  ``INTERVENTIONAL``, ``RECRUITING``, ``RANDOMIZED``...) so that all formats agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kg.link.records import Link
from kg.results_model import TrialResults

__all__ = [
    "Arm",
    "CellCap",
    "CellProduct",
    "Condition",
    "Donor",
    "Dose",
    "DosePer",
    "DoseUnit",
    "Eligibility",
    "Intervention",
    "MappingError",
    "Official",
    "PartialDate",
    "Provenance",
    "Reference",
    "RegistryId",
    "Site",
    "Sponsor",
    "Trial",
]


class MappingError(ValueError):
    """A document (or one record of it) that cannot be mapped.

    The message names the file, the record (where there is one) and the reason.
    """

    def __init__(self, path: str, reason: str, *, record: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.record = record
        where = f"{path} [{record}]" if record else path
        super().__init__(f"{where}: {reason}")


class Donor(StrEnum):
    """Who the cells come from."""

    AUTOLOGOUS = "autologous"
    ALLOGENEIC = "allogeneic"
    UNKNOWN = "unknown"


class DoseUnit(StrEnum):
    """What a dose figure counts.

    Cells (absolute) or cells per kilogram of body weight; any other basis the record states
    ("per cm² of wound", "per eye", "per joint") keeps its own unit, spelled ``other:…`` as
    the dose keys spell it, and is never turned into an absolute number of cells. ``ML`` is a
    volume of a cell-derived product (secretome, exosomes).
    """

    CELLS = "cells"
    CELLS_PER_KG = "cells/kg"
    CELLS_PER_CM2 = "other:cells/cm2"
    CELLS_PER_EYE = "other:cells/eye"
    CELLS_PER_JOINT = "other:cells/joint"
    CELLS_PER_LESION = "other:cells/lesion"
    CELLS_PER_VOCAL_FOLD = "other:cells/vocal fold"
    CELLS_PER_LIMB = "other:cells/limb"
    CELLS_PER_DISC = "other:cells/disc"
    CELLS_PER_SITE = "other:cells/site"  # per injection site, where no session total is stated
    ML = "other:mL"

    @property
    def comparable(self) -> bool:
        """Cells or cells/kg: the units that absolute and per-kilogram queries compare."""
        return self in (DoseUnit.CELLS, DoseUnit.CELLS_PER_KG)


class DosePer(StrEnum):
    """Whether a dose figure is given each time or for the whole course."""

    ADMINISTRATION = "administration"
    COURSE = "course"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date kept at the precision the source states: ``2025``, ``2025-05`` or ``2025-05-01``.

    >>> PartialDate("2025-05").precision
    'month'
    """

    value: str
    kind: str | None = None  # "ACTUAL" or "ESTIMATED" where the source says

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.value)]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: the file, its format, its content hash, the mapper."""

    source_file: str  # file name as given to the build (no machine-specific prefix)
    format: str  # e.g. "page-ctgov-summary", "page-veeva", "page-trial-detail", "ctgov-v2"
    sha256: str  # of the whole file's bytes
    mapper_version: str
    record_key: str  # stable key of this record within the file (NCT id or content hash)
    record_sha256: str  # of this record's own content (equals sha256 for one-record files)


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition a trial studies, as the source names it."""

    name: str
    found_in: str = "conditions"  # "conditions", "title", "summary", "keywords"
    mesh_ids: tuple[str, ...] = ()  # "D010024" from the registry's derived section
    mesh_terms: tuple[str, ...] = ()
    link: Link | None = None  # the MONDO (or HPO) term it was grounded to, and how (kg.link)
    # Why it has no link: one of kg.link.unlinked.KINDS ("healthy volunteers", "procedure",
    # "measure", "unspecific", "ambiguous abbreviation", "no term", ...).
    unlinked_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Sponsor:
    """A lead sponsor or collaborator."""

    name: str
    role: str = "lead"  # "lead" or "collaborator"
    agency_class: str | None = None  # "INDUSTRY", "OTHER", "NIH", "FED", ...


@dataclass(frozen=True, slots=True)
class Site:
    """A place where the trial runs."""

    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None  # "RECRUITING", ...
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Official:
    """A named investigator or contact person (name, role, affiliation only)."""

    name: str
    role: str | None = None  # "PRINCIPAL_INVESTIGATOR", "CONTACT", ...
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryId:
    """An identifier of a trial in a registry (ClinicalTrials.gov or one of the WHO ICTRP
    registries: EUCTR, ChiCTR, IRCT, ...), as the record states it."""

    registry: str  # registry code: "CTGOV", "EUCTR", "ChiCTR", ... (kg.sources.ictrp_map)
    id: str  # as the registry spells it, e.g. "EUCTR2020-001266-11-ES"
    role: str = "primary"  # "primary": the record's own id; "secondary" / "bridged": one it lists
    url: str | None = None  # the registry's page of the record (primary ids)


@dataclass(frozen=True, slots=True)
class Reference:
    """A publication or registry entry the trial cites."""

    citation: str | None = None
    pmid: str | None = None
    doi: str | None = None
    kind: str | None = None  # "BACKGROUND", "RESULT", "DERIVED"


@dataclass(frozen=True, slots=True)
class Eligibility:
    sex: str | None = None  # "ALL", "FEMALE", "MALE"
    min_age_years: float | None = None
    max_age_years: float | None = None
    healthy_volunteers: bool | None = None
    criteria: str | None = None


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose figure with the text it was read from.

    ``min_cells == max_cells`` for a single value, in ``unit`` (cells, cells per kilogram
    of body weight, or another basis such as cells/cm²; figures are as stated, never
    rescaled). ``administrations`` is ``None`` where the text does not say how many times
    the dose is given. A cap ("up to 150 million cells") or an infusion rate is never a
    dose: a cap is a :class:`CellCap`.
    """

    min_cells: float
    max_cells: float
    unit: DoseUnit
    per: DosePer
    evidence: str  # verbatim span of the source text
    evidence_field: str  # where the span sits, e.g. "arm 'Dose escalation' description"
    administrations: int | None = None
    route: str | None = None  # key of kg.extract.routes.ROUTES, e.g. "intravenous"
    qualifier: str | None = None  # "up to", "approximately", "at least" as written
    product: str | None = None  # CellProduct.name this dose is of, where the text says
    after_crossover: bool = False  # given to a placebo/control arm after it crosses over


@dataclass(frozen=True, slots=True)
class CellCap:
    """A stated upper limit on the cells given, not a dose: "up to 150 million cells",
    "not to exceed 2 x 10^8 cells", "a maximum of 10^7 cells/kg"."""

    max_cells: float
    unit: DoseUnit
    evidence: str  # verbatim span of the source text
    evidence_field: str


@dataclass(frozen=True, slots=True)
class CellProduct:
    """A cell product named in the trial, as written plus what it is."""

    name: str  # as written, e.g. "hMSC100", "WJ-MSCs", "hiSCs"
    cell_type: str | None = None  # CURIE, e.g. "CL:0000134"
    tissue: str | None = None  # CURIE, e.g. "UBERON:0002331"
    donor: Donor = Donor.UNKNOWN
    evidence: str = ""  # verbatim span that names the product
    evidence_field: str = ""
    # Facts ("cell_type", "tissue", "donor") taken from the curated table of named products
    # (kg/extract/products.tsv: brands, codes, INNs), not read from the record:
    table_facts: tuple[str, ...] = ()
    ncit: str | None = None  # NCIt concept of a named product ("NCIT:C67082"), from the table


@dataclass(slots=True)
class Intervention:
    name: str
    type: str | None = None  # "BIOLOGICAL", "DRUG", ...
    description: str | None = None
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = ()
    link: Link | None = None  # a drug given beside the cells: its ChEBI term (kg.link.drugs)


@dataclass(slots=True)
class Arm:
    label: str
    type: str | None = None  # "EXPERIMENTAL", "ACTIVE_COMPARATOR", ...
    description: str | None = None
    intervention_names: tuple[str, ...] = ()
    # Filled by kg.extract from the arm's own text and its interventions' text:
    products: list[CellProduct] = field(default_factory=list)
    doses: list[Dose] = field(default_factory=list)
    caps: list[CellCap] = field(default_factory=list)  # stated limits, never doses
    route: str | None = None  # stated route of the cells, even where no dose is stated
    administrations: int | None = None  # stated number of administrations of the cells
    regimen_evidence: str | None = None  # verbatim span for route / administrations
    after_crossover: bool = False  # a placebo/control arm that crosses over to get the cells


@dataclass(slots=True)
class Trial:
    """One trial as one source document states it."""

    provenance: Provenance
    nct_id: str | None = None
    org_study_id: str | None = None
    secondary_ids: tuple[str, ...] = ()
    acronym: str | None = None
    brief_title: str | None = None
    official_title: str | None = None
    status: str | None = None  # "RECRUITING", "UNKNOWN", ...
    phases: tuple[str, ...] = ()  # ("PHASE1", "PHASE2"), ("NA",)
    study_type: str | None = None  # "INTERVENTIONAL", "OBSERVATIONAL"
    allocation: str | None = None  # "RANDOMIZED", "NON_RANDOMIZED", "NA"
    intervention_model: str | None = None  # "PARALLEL", "SEQUENTIAL", "SINGLE_GROUP"...
    masking: str | None = None  # "NONE", "DOUBLE", ...
    primary_purpose: str | None = None  # "TREATMENT", ...
    enrollment: int | None = None
    enrollment_type: str | None = None  # "ACTUAL", "ESTIMATED"
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    last_update: PartialDate | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[Condition] = field(default_factory=list)
    # The MeSH ancestors of the registry's condition terms, (id or None, term), for the whole
    # trial (ClinicalTrials.gov lists them per study): kg.link uses them for broader links.
    mesh_ancestors: tuple[tuple[str | None, str], ...] = ()
    keywords: tuple[str, ...] = ()
    arms: list[Arm] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)
    sponsors: list[Sponsor] = field(default_factory=list)
    responsible_party: str | None = None
    officials: list[Official] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    related_nct_ids: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    intervention_types: tuple[str, ...] = ()  # where a page lists types but no interventions
    # Cells named by a document that has no arms (filled by kg.extract; empty otherwise):
    products: list[CellProduct] = field(default_factory=list)
    doses: list[Dose] = field(default_factory=list)
    caps: list[CellCap] = field(default_factory=list)
    route: str | None = None
    administrations: int | None = None
    regimen_evidence: str | None = None
    # Registries (ICTRP): the ids this record states, the canonical one the trial IRI is
    # minted from where there is no NCT id (kg.sources.ictrp.canonical_id), ICTRP's fields.
    registry_ids: tuple[RegistryId, ...] = ()
    canonical_id: str | None = None
    registration_date: PartialDate | None = None
    primary_outcomes: tuple[str, ...] = ()
    secondary_outcomes: tuple[str, ...] = ()
    bridging_flag: bool | None = None
    bridged_type: str | None = None  # ICTRP "parent" or "child"
    retrospective_registration: bool | None = None
    # (field, value as the source wrote it) beside each normalised controlled value:
    raw_values: tuple[tuple[str, str], ...] = ()
    # (field, BCP 47 tag) of texts not in English ("official_title", "primary_outcomes[0]"):
    languages: tuple[tuple[str, str], ...] = ()
    # Posted results (flow, baseline, outcomes, adverse events) with their groups joined to
    # the arms (kg.results_model, kg.results_join); None where the record has none:
    results: TrialResults | None = None
    notes: list[str] = field(default_factory=list)  # report lines: what was missing or odd

    @property
    def title(self) -> str | None:
        return self.brief_title or self.official_title
