"""Typed records -> RDF quads. The only module that knows the graph's vocabulary.

IRIs are minted from stable keys (NCT id, slugs of labels, hashes of content), never
from random numbers, so the same input gives the same triples and the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from kg.iri import is_doi, is_http_iri, is_mesh_id, is_nct_id, is_pmid
from kg.link.records import CURATED_TABLE, EXACT_MATCH, MANUAL_CURATION, Link
from kg.model import (
    Arm,
    CellCap,
    CellProduct,
    Condition,
    Donor,
    Dose,
    DosePer,
    DoseUnit,
    Intervention,
    Official,
    PartialDate,
    Provenance,
    Reference,
    Site,
    Sponsor,
    Trial,
)
from kg.nquads import quoted
from kg.sources.text import EMAIL_RE, is_markdown_format, unescape_markdown

# Where the product words' cell types and tissues are curated (each row cites its source).
PRODUCT_TABLE = "kg/extract/tables.py"
# Where the facts of products named by brand, code or INN are curated (each fact cites its source).
NAMED_PRODUCT_TABLE = "kg/extract/products.tsv"

__all__ = [
    "CTO",
    "DEFAULT_BASE",
    "PREFIXES",
    "Minter",
    "Written",
    "WrittenPart",
    "curie_to_iri",
    "iri_to_curie",
    "provenance_quads",
    "slug",
    "source_quads",
    "trial_quads",
    "trial_record",
]

DEFAULT_BASE = "https://w3id.org/celltrials/"
CTO = "https://w3id.org/celltrials/ontology#"
OBO = "http://purl.obolibrary.org/obo/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
SEMAPV = "https://w3id.org/semapv/vocab/"

PREFIXES = {
    "cto": CTO,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCT,
    "prov": PROV,
    "schema": SCHEMA,
    "obo": OBO,
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "semapv": SEMAPV,
}
# CURIE prefixes of the outside ontologies (OBO PURLs) and of MeSH.
CURIE_BASES = {
    "CL": OBO + "CL_",
    "UBERON": OBO + "UBERON_",
    "MONDO": OBO + "MONDO_",
    "NCIT": OBO + "NCIT_",
    "CHEBI": OBO + "CHEBI_",
    "HP": OBO + "HP_",
    "OBI": OBO + "OBI_",
    "UO": OBO + "UO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "DOID": OBO + "DOID_",
    "WIKIDATA": "http://www.wikidata.org/entity/",
}

_TYPE = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")
_SEE_ALSO = NamedNode(RDFS + "seeAlso")
_DESCRIPTION = NamedNode(DCT + "description")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_XSD_DOUBLE = NamedNode(XSD + "double")
_XSD_INTEGER = NamedNode(XSD + "integer")
_XSD_DECIMAL = NamedNode(XSD + "decimal")
_XSD_BOOLEAN = NamedNode(XSD + "boolean")
_DECIMAL = f"^^{_XSD_DECIMAL}"  # (the datatype of an N-Quads line's literal)
_DATE_TYPES = {
    "year": NamedNode(XSD + "gYear"),
    "month": NamedNode(XSD + "gYearMonth"),
    "day": NamedNode(XSD + "date"),
}
_DONOR = {
    Donor.AUTOLOGOUS: "Autologous",
    Donor.ALLOGENEIC: "Allogeneic",
    Donor.UNKNOWN: "UnknownDonor",
}
_UNIT = {
    DoseUnit.CELLS: "Cells",
    DoseUnit.CELLS_PER_KG: "CellsPerKilogram",
    DoseUnit.CELLS_PER_CM2: "CellsPerSquareCentimetre",
    DoseUnit.CELLS_PER_EYE: "CellsPerEye",
    DoseUnit.CELLS_PER_JOINT: "CellsPerJoint",
    DoseUnit.CELLS_PER_LESION: "CellsPerLesion",
    DoseUnit.CELLS_PER_VOCAL_FOLD: "CellsPerVocalFold",
    DoseUnit.CELLS_PER_LIMB: "CellsPerLimb",
    DoseUnit.CELLS_PER_DISC: "CellsPerDisc",
    DoseUnit.CELLS_PER_SITE: "CellsPerSite",
    DoseUnit.ML: "Millilitres",
}
_PER = {
    DosePer.ADMINISTRATION: "PerAdministration",
    DosePer.COURSE: "PerCourse",
    DosePer.UNKNOWN: "UnknownBasis",
}


_NODES: dict[str, NamedNode] = {}


def _node(iri: str) -> NamedNode:
    """A node for an IRI of a small, fixed set (vocabulary terms, outside ontology terms)."""
    node = _NODES.get(iri)
    if node is None:
        node = _NODES[iri] = NamedNode(iri)
    return node


def cto(name: str) -> NamedNode:
    """The ontology's term ``name`` (one shared node per name: nodes are immutable)."""
    return _node(CTO + name)


def curie_to_iri(curie: str) -> str:
    """``"CL:0000134"`` -> ``"http://purl.obolibrary.org/obo/CL_0000134"``."""
    prefix, _, local = curie.partition(":")
    try:
        return CURIE_BASES[prefix.upper()] + local
    except KeyError:
        raise ValueError(f"unknown CURIE prefix in {curie!r}") from None


def iri_to_curie(iri: str) -> str | None:
    for prefix, base in CURIE_BASES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    return None


def slug(text: str, *, max_len: int = 60) -> str:
    """A readable, stable IRI segment for a label.

    >>> slug("hA-MSCs+Climen")
    'ha-mscs-climen'
    >>> slug("Wharton's jelly")
    'wharton-s-jelly'
    """
    return _slug(text, max_len)


@lru_cache(maxsize=1 << 14)
def _slug(text: str, max_len: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(out) > max_len or not out:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        out = f"{out[: max_len - 9].rstrip('-')}-{digest}".lstrip("-")
    return out


@lru_cache(maxsize=1024)
def _quoted(key: str) -> str:
    """``key`` quoted for an IRI (asked once per record: a page holds a thousand)."""
    return quote(key, safe="/")


def _short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


# An international phone number ("+98 21 8245 5393", "+1 (555) 123-4567"), as registries
# print contacts' phones: a "+", a country code, then groups of digits (a dose "+1.5e6" or
# "10+6" is none).
PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z+])\+[0-9]{1,3}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{2,4}"
    r"(?:[ .-]?[0-9]{2,4}){2,3}(?![0-9])"
)


def redact(text: str) -> str:
    """Remove e-mail addresses and international phone numbers from free text before it
    enters the public graph (wherever a record put them: a site's city, a drug's name).

    >>> redact("call +1 (555) 123-4567 or someone@example.org")
    'call [phone number removed] or [e-mail removed]'
    """
    if "@" in text:  # every e-mail address has one: skip the regex (most texts)
        text = EMAIL_RE.sub("[e-mail removed]", text)
    if "+" in text:  # and every such phone number a "+"
        text = PHONE_RE.sub("[phone number removed]", text)
    return text


@dataclass(frozen=True, slots=True)
class Minter:
    """Mints the graph's IRIs under one base."""

    base: str = DEFAULT_BASE

    def trial(self, trial: Trial) -> NamedNode:
        if trial.nct_id is not None and not is_nct_id(trial.nct_id):
            raise ValueError(f"not an NCT id: {trial.nct_id[:40]!r}")
        key = trial.nct_id or trial.canonical_id or trial.provenance.record_key
        return NamedNode(f"{self.base}trial/{key}")

    def graph(self, prov: Provenance) -> NamedNode:
        return NamedNode(
            f"{self.base}graph/{prov.format}/{prov.record_key}-{prov.record_sha256[:12]}"
        )

    def source(self, key: str) -> NamedNode:
        """A source document, by its key (its path below the build's input folder)."""
        return NamedNode(f"{self.base}source/{_quoted(key)}")

    def stats_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/stats")

    def ontology_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/ontology")

    def meta_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/meta")

    def terms_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/terms")

    def registry(self, code: str) -> NamedNode:
        """A trial registry (ClinicalTrials.gov, EUCTR, ChiCTR ...), by its code."""
        return NamedNode(f"{self.base}registry/{_quoted(code)}")

    def sponsor(self, name: str) -> NamedNode:
        return NamedNode(f"{self.base}sponsor/{slug(name)}")

    def under(self, parent: NamedNode, kind: str, key: str) -> NamedNode:
        return NamedNode(f"{parent.value}/{kind}/{key}")


class _Writer:
    """Collects the quads of one record graph."""

    __slots__ = ("graph", "markdown", "quads", "written")

    def __init__(self, graph: NamedNode, *, markdown: bool = False) -> None:
        self.graph = graph
        self.markdown = markdown  # the record's text is markdown: shown with escapes resolved
        self.quads: list[Quad] = []
        self.written: Written = []  # parts written as N-Quads lines (kg.nquads)

    def lines(self, lines: list[str]) -> None:
        """N-Quads lines of this graph, after the quads so far (see :class:`WrittenPart`)."""
        if lines:
            self.written.append(written_part(len(self.quads), lines))

    def add(
        self, s: NamedNode | BlankNode, p: NamedNode, o: NamedNode | Literal | BlankNode
    ) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        if value:
            text = redact(value) if "@" in value or "+" in value else value  # skip the call
            if self.markdown and "\\" in text:  # as the reader of the rendered record sees it
                text = unescape_markdown(text)
            self.quads.append(Quad(s, p, Literal(text), self.graph))

    def evidence(self, s: NamedNode, span: str | None, p: NamedNode | None = None) -> None:
        """An evidence span (``p``: cto:evidence or cto:regimenEvidence) as the reader of the
        record saw it: in a markdown record, its backslash escapes resolved (``1.2×10^8``, not
        ``1.2×10\\^8``), with the span as the source writes it beside, in
        cto:evidenceAsWritten, where the two differ."""
        if not span:
            return
        if "@" in span:
            span = redact(span)
        shown = unescape_markdown(span) if self.markdown else span
        self.quads.append(Quad(s, p or _P_EVIDENCE, Literal(shown), self.graph))
        if shown != span:
            self.quads.append(Quad(s, _P_EVIDENCE_AS_WRITTEN, Literal(span), self.graph))

    def typed(self, s: NamedNode, p: NamedNode, value: object, datatype: NamedNode) -> None:
        if value is not None:
            lexical = _typed_lexical(value)
            self.quads.append(Quad(s, p, Literal(lexical, datatype=datatype), self.graph))

    def date(self, s: NamedNode, p: NamedNode, date: PartialDate | None) -> None:
        if date is not None:
            self.add(s, p, Literal(date.value, datatype=_DATE_TYPES[date.precision]))
            if date.kind:
                self.add(s, _node(p.value + "Type"), Literal(date.kind))


_CURIE_NODES: dict[str, NamedNode] = {}


def _curie_node(curie: str) -> NamedNode:
    """The node of an outside term by its CURIE (one per term: terms repeat across records)."""
    node = _CURIE_NODES.get(curie)
    if node is None:
        node = NamedNode(curie_to_iri(curie))
        if len(_CURIE_NODES) < 1 << 17:  # bounded: the terms of a few ontologies
            _CURIE_NODES[curie] = node
    return node


def _typed_lexical(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else _lexical(value)


def _lexical(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else f"{value:.1f}"
    return str(value)


def _double(value: float) -> Literal:
    return Literal(f"{value:.6E}".replace("E+", "E"), datatype=_XSD_DOUBLE)


# The ontology's terms used for every record, as nodes made once.
_C_TRIAL = cto("Trial")
_P_NCT_ID = cto("nctId")
_P_DOCUMENT_KEY = cto("documentKey")
_TRIAL_TEXTS = tuple(
    (cto(prop), attr)
    for prop, attr in (
        ("orgStudyId", "org_study_id"),
        ("acronym", "acronym"),
        ("briefTitle", "brief_title"),
        ("officialTitle", "official_title"),
        ("overallStatus", "status"),
        ("studyType", "study_type"),
        ("allocation", "allocation"),
        ("interventionModel", "intervention_model"),
        ("masking", "masking"),
        ("primaryPurpose", "primary_purpose"),
        ("enrollmentType", "enrollment_type"),
        ("briefSummary", "brief_summary"),
        ("detailedDescription", "detailed_description"),
        ("responsibleParty", "responsible_party"),
    )
)
_TRIAL_LISTS = tuple(
    (attr, cto(prop))
    for attr, prop in (
        ("secondary_ids", "secondaryId"),
        ("phases", "phase"),
        ("keywords", "keyword"),
        ("intervention_types", "interventionType"),
    )
)
_P_ENROLLMENT = cto("enrollment")
_P_START_DATE = cto("startDate")
_P_PRIMARY_COMPLETION_DATE = cto("primaryCompletionDate")
_P_COMPLETION_DATE = cto("completionDate")
_P_LAST_UPDATE = cto("lastUpdate")
_P_RELATED_TRIAL = cto("relatedTrial")
_P_SEX = cto("sex")
_P_MIN_AGE = cto("minimumAgeYears")
_P_MAX_AGE = cto("maximumAgeYears")
_P_HEALTHY = cto("healthyVolunteers")
_P_CRITERIA = cto("eligibilityCriteria")
_P_STUDIES_CONDITION = cto("studiesCondition")
_C_CONDITION = cto("Condition")
_P_FOUND_IN = cto("foundIn")
_P_MESH_TERM = cto("meshTerm")
_P_MESH_TERM_LABEL = cto("meshTermLabel")
_P_MAPPING = cto("mapping")
_P_UNLINKED_REASON = cto("unlinkedReason")
_C_MAPPING = cto("Mapping")
_P_MAPPED_TERM = cto("mappedTerm")
_P_MAPPING_PREDICATE = cto("mappingPredicate")
_P_MAPPING_JUSTIFICATION = cto("mappingJustification")
_P_MATCH_METHOD = cto("matchMethod")
_P_MATCH_SCORE = cto("matchScore")
_P_MATCHED_TEXT = cto("matchedText")
_P_MAPPING_SOURCE = cto("mappingSource")
_P_LEAD_SPONSOR = cto("leadSponsor")
_P_COLLABORATOR = cto("collaborator")
_C_SPONSOR = cto("Sponsor")
_P_AGENCY_CLASS = cto("agencyClass")
_P_INVESTIGATOR = cto("investigator")
_C_INVESTIGATOR = cto("Investigator")
_P_ROLE = cto("role")
_P_AFFILIATION = cto("affiliation")
_P_SITE = cto("site")
_C_SITE = cto("Site")
_P_FACILITY = cto("facility")
_P_CITY = cto("city")
_P_STATE = cto("state")
_P_POSTAL_CODE = cto("postalCode")
_P_COUNTRY = cto("country")
_P_RECRUITMENT_STATUS = cto("recruitmentStatus")
_P_LATITUDE = NamedNode(SCHEMA + "latitude")
_P_LONGITUDE = NamedNode(SCHEMA + "longitude")
_P_REFERENCE = cto("reference")
_C_REFERENCE = cto("Reference")
_P_CITATION = NamedNode(DCT + "bibliographicCitation")
_P_PMID = cto("pmid")
_P_DOI = cto("doi")
_P_REFERENCE_TYPE = cto("referenceType")
_P_HAS_INTERVENTION = cto("hasIntervention")
_C_INTERVENTION = cto("Intervention")
_P_INTERVENTION_TYPE = cto("interventionType")
_P_OTHER_NAME = cto("otherName")
_P_HAS_ARM = cto("hasArm")
_C_ARM = cto("Arm")
_P_ARM_TYPE = cto("armType")
_P_RECEIVES_INTERVENTION = cto("receivesIntervention")
_P_ROUTE = cto("route")
_P_ADMINISTRATIONS = cto("administrations")
_P_REGIMEN_EVIDENCE = cto("regimenEvidence")
_P_ADMINISTERS_PRODUCT = cto("administersProduct")
_P_HAS_DOSE = cto("hasDose")
_C_DOSE = cto("Dose")
_P_MIN_CELLS = cto("minCells")
_P_MAX_CELLS = cto("maxCells")
_P_DOSE_UNIT = cto("doseUnit")
_P_PER_KILOGRAM = cto("perKilogram")
_P_DOSE_BASIS = cto("doseBasis")
_P_QUALIFIER = cto("qualifier")
_P_AFTER_CROSSOVER = cto("afterCrossover")
_P_EVIDENCE = cto("evidence")
_P_EVIDENCE_FIELD = cto("evidenceField")
_P_EVIDENCE_AS_WRITTEN = cto("evidenceAsWritten")
_P_DOSE_OF = cto("doseOf")
_P_HAS_CELL_CAP = cto("hasCellCap")
_C_CELL_CAP = cto("CellCap")
_P_MAX_CELLS_CAP = cto("maxCellsCap")
_P_CAP_UNIT = cto("capUnit")
_P_STUDIES_PRODUCT = cto("studiesProduct")
_C_CELL_PRODUCT = cto("CellProduct")
_P_CELL_TYPE = cto("cellType")
_P_TISSUE_SOURCE = cto("tissueSource")
_P_DONOR = cto("donor")
_P_FACT_FROM_TABLE = cto("factFromProductTable")
_P_NCIT_CONCEPT = cto("ncitConcept")
_PROV_ENTITY = NamedNode(PROV + "Entity")
_PROV_WAS_DERIVED_FROM = NamedNode(PROV + "wasDerivedFrom")
_C_RECORD_GRAPH = cto("RecordGraph")
_P_RECORD_KEY = cto("recordKey")
_P_RECORD_SHA256 = cto("recordSha256")
_P_SOURCE_FORMAT = cto("sourceFormat")
_P_MAPPER_VERSION = cto("mapperVersion")
_P_BUILD_NOTE = cto("buildNote")


def trial_quads(trial: Trial, *, minter: Minter | None = None) -> tuple[NamedNode, list[Quad]]:
    """All quads one record states, in its own named graph (returned with them)."""
    graph, quads, written = trial_record(trial, minter=minter)
    for part in reversed(written):
        quads[part.at : part.at] = parse("".join(part.lines).encode(), format=RdfFormat.N_QUADS)
    return graph, quads


class WrittenPart(NamedTuple):
    """Quads of a record graph written as N-Quads lines directly (kg.nquads), byte for byte
    as pyoxigraph writes them, instead of as pyoxigraph quads: the sites and the posted
    results, most of the quads of a large record, which nothing reads as quads before they
    are serialised. A part's quads are none of the record's other quads: their subjects are
    nodes only the part's writer mints (``<trial>/site/...``, ``<trial>/results...``), or
    the trial with a property only that writer states (``cto:site``, ``cto:hasResults``)."""

    at: int  # the index among the record's quads that the lines come before
    lines: list[str]  # as written, one quad a line, duplicates included
    nquads: bytes  # the lines without duplicates (the first of each), UTF-8
    unique: int  # their number


Written = list[WrittenPart]


def written_part(at: int, lines: list[str]) -> WrittenPart:
    """A part of ``lines`` written at ``at``; ValueError if a text is not valid Unicode (a
    lone surrogate, which no literal can hold: the record cannot be written)."""
    unique = list(dict.fromkeys(lines))
    try:
        data = "".join(unique).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a text is not valid Unicode: {exc}") from None
    return WrittenPart(at, lines, data, len(unique))


def trial_record(
    trial: Trial, *, minter: Minter | None = None
) -> tuple[NamedNode, list[Quad], Written]:
    """What :func:`trial_quads` returns, with the sites and the posted results
    (kg.rdf_results) as N-Quads lines beside the quads (:class:`WrittenPart`) instead of
    quads among them, for the build (:func:`kg.streamed.serialize_document`): making their
    pyoxigraph objects would cost as much again as serialising them. Nothing written after
    them reads them as quads: the summaries are made from the sites as written, the
    materialised figures read products and doses, the language tags only the trial's plain
    literals."""
    m = minter or Minter()
    graph = m.graph(trial.provenance)
    w = _Writer(graph, markdown=is_markdown_format(trial.provenance.format))
    text = w.text
    t = m.trial(trial)
    w.add(t, _TYPE, _C_TRIAL)
    if trial.nct_id:
        text(t, _P_NCT_ID, trial.nct_id)
        w.add(t, _SEE_ALSO, NamedNode(f"https://clinicaltrials.gov/study/{trial.nct_id}"))
    else:
        text(t, _P_DOCUMENT_KEY, trial.canonical_id or trial.provenance.record_key)
    if trial.title:
        text(t, _LABEL, trial.title)
    for prop, attr in _TRIAL_TEXTS:
        text(t, prop, getattr(trial, attr))
    for attr, prop in _TRIAL_LISTS:
        for value in getattr(trial, attr):
            text(t, prop, value)
    w.typed(t, _P_ENROLLMENT, trial.enrollment, _XSD_INTEGER)
    w.date(t, _P_START_DATE, trial.start_date)
    w.date(t, _P_PRIMARY_COMPLETION_DATE, trial.primary_completion_date)
    w.date(t, _P_COMPLETION_DATE, trial.completion_date)
    w.date(t, _P_LAST_UPDATE, trial.last_update)
    _eligibility(w, t, trial)
    for condition in trial.conditions:
        _condition(w, m, t, condition)
    for sponsor in trial.sponsors:
        _sponsor(w, m, t, sponsor)
    for official in trial.officials:
        _official(w, m, t, official)
    countries = _sites(w, t, trial.sites) if trial.sites else []
    for reference in trial.references:
        _reference(w, m, t, reference)
    for nct in trial.related_nct_ids:
        if is_nct_id(nct):  # the mappers find them with an ASCII pattern
            w.add(t, _P_RELATED_TRIAL, NamedNode(f"{m.base}trial/{nct}"))
    for url in trial.see_also:
        if is_http_iri(url):  # the mappers note the others
            w.add(t, _SEE_ALSO, NamedNode(url))
    interventions = {i.name: _intervention(w, m, t, i) for i in trial.interventions}
    products: dict[str, NamedNode] = {}
    for arm in trial.arms:
        _arm(w, m, t, arm, interventions, products)
    _cells(w, m, t, t, trial.products, trial.doses, products)
    _caps(w, m, t, trial.caps)
    _regimen(w, t, trial.route, trial.administrations, trial.regimen_evidence)
    if products or trial.doses or any(a.doses for a in trial.arms):
        from kg.materialise import materialised_quads  # it imports this module

        w.quads.extend(materialised_quads(w.quads, graph))  # tissue closure, comparable doses
    if trial.results is not None:  # posted results, in this record's graph (kg.rdf_results)
        from kg.rdf_results import results_lines  # it imports this module

        w.lines(results_lines(trial, trial_node=t, graph=graph, minter=m))
    if trial.registry_ids or trial.raw_values or trial.languages:
        _registries(w, m, t, trial)
    if trial.sites:  # per-trial summaries that listings read (kg.summary)
        from kg.summary import country_summary  # it imports this module

        w.quads.extend(country_summary(t, countries, graph))
    return graph, w.quads, w.written


# ---------------------------------------------------------------- registries (ICTRP)
_C_REGISTRATION = cto("Registration")
_C_REGISTRY = cto("Registry")
_P_REGISTRATION = cto("registration")
_P_REGISTRY_ID = cto("registryId")
_P_REGISTRY = cto("registry")
_P_ID_ROLE = cto("identifierRole")
_P_REGISTRATION_DATE = cto("registrationDate")
_P_PRIMARY_OUTCOME = cto("primaryOutcome")
_P_SECONDARY_OUTCOME = cto("secondaryOutcome")
_P_BRIDGING_FLAG = cto("bridgingFlag")
_P_BRIDGED_TYPE = cto("bridgedType")
_P_RETROSPECTIVE = cto("retrospectiveRegistration")
_P_CRITERIA_PROP = "eligibilityCriteria"
# Each normalised field of Trial -> the property holding its value as the source wrote it.
_AS_WRITTEN = {
    "status": "overallStatusAsWritten",
    "phases": "phaseAsWritten",
    "study_type": "studyTypeAsWritten",
    "study_design": "studyDesignAsWritten",
    "enrollment": "enrollmentAsWritten",
    "registration_date": "registrationDateAsWritten",
    "start_date": "startDateAsWritten",
    "sex": "sexAsWritten",
    "min_age": "minimumAgeAsWritten",
    "max_age": "maximumAgeAsWritten",
}
# Text fields that may carry a language tag -> (property, Trial attribute or None).
_TAGGED = {
    "brief_title": ("briefTitle", "brief_title"),
    "official_title": ("officialTitle", "official_title"),
    "criteria": (_P_CRITERIA_PROP, None),
}
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def _registries(w: _Writer, m: Minter, t: NamedNode, trial: Trial) -> None:
    """What a registry record (ICTRP) states beyond the CT.gov fields: its registry ids, each
    with its registry; registration date; outcomes; bridging flags; the values as written
    beside the normalised ones; language tags of texts that are not in English."""
    from kg.sources.ictrp_map import REGISTRIES

    names = {r.code: r.name for r in REGISTRIES}
    langs = dict(trial.languages)
    for rid in trial.registry_ids:
        node = m.under(t, "registration", slug(rid.id))
        w.text(t, _P_REGISTRY_ID, rid.id)
        w.add(t, _P_REGISTRATION, node)
        w.add(node, _TYPE, _C_REGISTRATION)
        w.text(node, _P_REGISTRY_ID, rid.id)
        w.text(node, _P_ID_ROLE, rid.role)
        registry = m.registry(rid.registry)
        w.add(node, _P_REGISTRY, registry)
        w.add(registry, _TYPE, _C_REGISTRY)
        w.text(registry, _LABEL, names.get(rid.registry, rid.registry))
        if rid.url and _URL.fullmatch(rid.url) and is_http_iri(rid.url):  # IRI grammar too
            w.add(node, _SEE_ALSO, NamedNode(rid.url))
        if rid.role == "primary":
            w.date(node, _P_REGISTRATION_DATE, trial.registration_date)
    w.date(t, _P_REGISTRATION_DATE, trial.registration_date)
    for outcome, items, key in (
        (_P_PRIMARY_OUTCOME, trial.primary_outcomes, "primary_outcomes"),
        (_P_SECONDARY_OUTCOME, trial.secondary_outcomes, "secondary_outcomes"),
    ):
        for n, text in enumerate(items):
            lang = langs.get(f"{key}[{n}]")
            w.add(
                t, outcome, Literal(redact(text), language=lang) if lang else Literal(redact(text))
            )
    w.typed(t, _P_BRIDGING_FLAG, trial.bridging_flag, _XSD_BOOLEAN)
    w.text(t, _P_BRIDGED_TYPE, trial.bridged_type)
    w.typed(t, _P_RETROSPECTIVE, trial.retrospective_registration, _XSD_BOOLEAN)
    for field, raw in trial.raw_values:
        w.text(t, cto(_AS_WRITTEN[field]), raw)
    retag: dict[tuple[str, str], str] = {}
    for field, (prop, attr) in _TAGGED.items():
        lang = langs.get(field)
        value = getattr(trial, attr) if attr else trial.eligibility.criteria
        if lang and value:
            retag[(CTO + prop, redact(value))] = lang
            if value == trial.title:
                retag[(RDFS + "label", redact(value))] = lang
    if retag:
        _retag(w, t, retag)


def _retag(w: _Writer, t: NamedNode, retag: dict[tuple[str, str], str]) -> None:
    """Give the trial's plain literals of ``retag`` (property, text) their language tag."""
    for n, q in enumerate(w.quads):
        o = q.object
        if q.subject == t and isinstance(o, Literal) and o.language is None:
            lang = retag.get((q.predicate.value, o.value))
            if lang is not None:
                w.quads[n] = Quad(t, q.predicate, Literal(o.value, language=lang), w.graph)


def _eligibility(w: _Writer, t: NamedNode, trial: Trial) -> None:
    e = trial.eligibility
    w.text(t, _P_SEX, e.sex)
    w.typed(t, _P_MIN_AGE, e.min_age_years, _XSD_DECIMAL)
    w.typed(t, _P_MAX_AGE, e.max_age_years, _XSD_DECIMAL)
    w.typed(t, _P_HEALTHY, e.healthy_volunteers, _XSD_BOOLEAN)
    w.text(t, _P_CRITERIA, e.criteria)


def _condition(w: _Writer, m: Minter, t: NamedNode, c: Condition) -> None:
    node = m.under(t, "condition", slug(c.name))
    w.add(t, _P_STUDIES_CONDITION, node)
    w.add(node, _TYPE, _C_CONDITION)
    w.text(node, _LABEL, c.name)
    w.text(node, _P_FOUND_IN, c.found_in)
    for mesh_id in c.mesh_ids:
        if not is_mesh_id(mesh_id):  # the mappers keep such text in a note, never here
            raise ValueError(f"condition {c.name[:80]!r}: not a MeSH id: {mesh_id[:40]!r}")
        w.add(node, _P_MESH_TERM, _curie_node(f"MESH:{mesh_id}"))
    for term in c.mesh_terms:
        w.text(node, _P_MESH_TERM_LABEL, term)
    if c.link is not None:
        _mapping(w, node, "mapping", c.link)
    w.text(node, _P_UNLINKED_REASON, c.unlinked_reason)


def _mapping(w: _Writer, node: NamedNode, key: str, link: Link) -> None:
    """The link itself (a SKOS triple) and, beside it, how it was made (SSSOM-style)."""
    target = _curie_node(link.curie)
    predicate = _node(SKOS + link.predicate.split(":", 1)[1])
    w.add(node, predicate, target)
    mapping = NamedNode(f"{node.value}/{key}")
    w.add(node, _P_MAPPING, mapping)
    w.add(mapping, _TYPE, _C_MAPPING)
    w.add(mapping, _P_MAPPED_TERM, target)
    w.add(mapping, _P_MAPPING_PREDICATE, predicate)
    w.add(
        mapping,
        _P_MAPPING_JUSTIFICATION,
        _node(SEMAPV + link.justification.split(":", 1)[1]),
    )
    w.text(mapping, _P_MATCH_METHOD, link.method)
    w.add(mapping, _P_MATCH_SCORE, Literal(f"{link.score:.3f}", datatype=_XSD_DECIMAL))
    w.text(mapping, _P_MATCHED_TEXT, link.matched_text)
    w.text(mapping, _P_MAPPING_SOURCE, link.source)


def _curated(curie: str, matched: str, source: str = PRODUCT_TABLE) -> Link:
    """How a product's cell type or tissue was found: the product-word table of kg.extract
    (or, for a product named by brand, code or INN, the named-product table)."""
    return Link(
        curie=curie,
        label="",
        predicate=EXACT_MATCH,
        justification=MANUAL_CURATION,
        method=CURATED_TABLE,
        score=1.0,
        matched_text=matched,
        source=source,
    )


def _sponsor(w: _Writer, m: Minter, t: NamedNode, s: Sponsor) -> None:
    node = m.sponsor(s.name)
    w.add(t, _P_LEAD_SPONSOR if s.role == "lead" else _P_COLLABORATOR, node)
    w.add(node, _TYPE, _C_SPONSOR)
    w.text(node, _LABEL, s.name)
    w.text(node, _P_AGENCY_CLASS, s.agency_class)


def _official(w: _Writer, m: Minter, t: NamedNode, o: Official) -> None:
    node = m.under(t, "person", slug(o.name))
    w.add(t, _P_INVESTIGATOR, node)
    w.add(node, _TYPE, _C_INVESTIGATOR)
    w.text(node, _LABEL, o.name)
    w.text(node, _P_ROLE, o.role)
    w.text(node, _P_AFFILIATION, o.affiliation)


def _sites(w: _Writer, t: NamedNode, sites: Iterable[Site]) -> list[tuple[str, str]]:
    """The trial's sites (the most numerous part of large records), written as N-Quads
    lines (:meth:`_Writer.lines`); returns (site node IRI, country literal) of each site
    with a country, in order, for the per-trial summaries (kg.summary)."""
    end = f" {w.graph} .\n"
    trial = t.value
    head = f"{t} {_P_SITE} <"
    lines: list[str] = []
    countries: list[tuple[str, str]] = []
    for s in sites:
        facility, city, state, country = s.facility, s.city, s.state, s.country
        key = slug(" ".join([x for x in (facility, city, state, country) if x]) or "site")
        node = f"{trial}/site/{key}"  # as Minter.under(t, "site", key) (a valid IRI: a slug)
        lines.append(f"{head}{node}>{end}")
        lines.append(f"<{node}> {_TYPE} {_C_SITE}{end}")
        for p, value in (
            (_LABEL, facility or city or country),
            (_P_FACILITY, facility),
            (_P_CITY, city),
            (_P_STATE, state),
            (_P_POSTAL_CODE, s.zip),
            (_P_COUNTRY, country),
            (_P_RECRUITMENT_STATUS, s.status),
        ):
            if value:
                text = redact(value) if "@" in value or "+" in value else value
                lines.append(f"<{node}> {p} {quoted(text)}{end}")
                if p is _P_COUNTRY:
                    countries.append((node, text))
        for p, number in ((_P_LATITUDE, s.lat), (_P_LONGITUDE, s.lon)):
            if number is not None:
                lines.append(f"<{node}> {p} {quoted(_typed_lexical(number))}{_DECIMAL}{end}")
    w.lines(lines)
    return countries


def _reference(w: _Writer, m: Minter, t: NamedNode, r: Reference) -> None:
    node = m.under(t, "reference", _short_hash(r.citation, r.pmid, r.doi))
    w.add(t, _P_REFERENCE, node)
    w.add(node, _TYPE, _C_REFERENCE)
    w.text(node, _P_CITATION, r.citation)
    w.text(node, _P_PMID, r.pmid)
    w.text(node, _P_DOI, r.doi)
    w.text(node, _P_REFERENCE_TYPE, r.kind)
    if r.pmid and is_pmid(r.pmid):  # else kept as text only (the mappers note it)
        w.add(node, _SEE_ALSO, NamedNode(f"https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/"))
    if r.doi and is_doi(r.doi):
        w.add(node, _SEE_ALSO, NamedNode(f"https://doi.org/{r.doi}"))


def _intervention(w: _Writer, m: Minter, t: NamedNode, i: Intervention) -> NamedNode:
    node = m.under(t, "intervention", slug(i.name))
    w.add(t, _P_HAS_INTERVENTION, node)
    w.add(node, _TYPE, _C_INTERVENTION)
    w.text(node, _LABEL, i.name)
    w.text(node, _P_INTERVENTION_TYPE, i.type)
    w.text(node, _DESCRIPTION, i.description)
    for name in i.other_names:
        w.text(node, _P_OTHER_NAME, name)
    if i.link is not None:
        _mapping(w, node, "mapping", i.link)
    return node


def _arm(
    w: _Writer,
    m: Minter,
    t: NamedNode,
    arm: Arm,
    interventions: dict[str, NamedNode],
    products: dict[str, NamedNode],
) -> None:
    node = m.under(t, "arm", slug(arm.label))
    w.add(t, _P_HAS_ARM, node)
    w.add(node, _TYPE, _C_ARM)
    w.text(node, _LABEL, arm.label)
    w.text(node, _P_ARM_TYPE, arm.type)
    w.text(node, _DESCRIPTION, arm.description)
    for name in arm.intervention_names:
        bare = (
            name.split(": ", 1)[1]
            if ": " in name and name.split(": ", 1)[1] in interventions
            else name
        )
        if bare in interventions:
            w.add(node, _P_RECEIVES_INTERVENTION, interventions[bare])
    _cells(w, m, t, node, arm.products, arm.doses, products)
    _caps(w, m, node, arm.caps)
    _regimen(w, node, arm.route, arm.administrations, arm.regimen_evidence)
    if arm.after_crossover:
        w.typed(node, _P_AFTER_CROSSOVER, True, _XSD_BOOLEAN)


def _regimen(w: _Writer, node: NamedNode, route: str | None, n: int | None, ev: str | None) -> None:
    if route:
        w.add(node, _P_ROUTE, _route(route))
    w.typed(node, _P_ADMINISTRATIONS, n, _XSD_INTEGER)
    if route or n is not None:
        w.evidence(node, ev, _P_REGIMEN_EVIDENCE)


def _route(key: str) -> NamedNode:
    from kg.extract import ROUTES

    route = ROUTES.get(key)
    if route is None:
        raise ValueError(f"route {key!r} is not in the route table (kg/extract)")
    return _curie_node(route.ncit)


def _cells(
    w: _Writer,
    m: Minter,
    t: NamedNode,
    owner: NamedNode,
    items: Iterable[CellProduct],
    doses: Iterable[Dose],
    products: dict[str, NamedNode],
) -> None:
    """Products and doses given in an arm (or, with no arms, in the trial)."""
    owned: list[NamedNode] = []
    for product in items:
        node = _product(w, m, t, product, products)
        w.add(owner, _P_ADMINISTERS_PRODUCT, node)
        owned.append(node)
    for dose in doses:
        node = m.under(
            owner,
            "dose",
            _short_hash(
                dose.min_cells, dose.max_cells, dose.unit, dose.per, dose.evidence, dose.product
            ),
        )
        w.add(owner, _P_HAS_DOSE, node)
        w.add(node, _TYPE, _C_DOSE)
        w.add(node, _P_MIN_CELLS, _double(dose.min_cells))
        w.add(node, _P_MAX_CELLS, _double(dose.max_cells))
        w.add(node, _P_DOSE_UNIT, cto(_UNIT[dose.unit]))
        w.typed(node, _P_PER_KILOGRAM, dose.unit is DoseUnit.CELLS_PER_KG, _XSD_BOOLEAN)
        w.add(node, _P_DOSE_BASIS, cto(_PER[dose.per]))
        w.typed(node, _P_ADMINISTRATIONS, dose.administrations, _XSD_INTEGER)
        if dose.route:
            w.add(node, _P_ROUTE, _route(dose.route))
        w.text(node, _P_QUALIFIER, dose.qualifier)
        if dose.after_crossover:
            w.typed(node, _P_AFTER_CROSSOVER, True, _XSD_BOOLEAN)
        w.evidence(node, dose.evidence)
        w.text(node, _P_EVIDENCE_FIELD, dose.evidence_field)
        target = products.get(dose.product) if dose.product else None
        if target is None and len(owned) == 1:
            target = owned[0]
        if target is not None:
            w.add(node, _P_DOSE_OF, target)


def _caps(w: _Writer, m: Minter, owner: NamedNode, caps: Iterable[CellCap]) -> None:
    """Stated upper limits on the cells of an arm (or trial): never a cto:Dose."""
    for cap in caps:
        node = m.under(owner, "cap", _short_hash(cap.max_cells, cap.unit, cap.evidence))
        w.add(owner, _P_HAS_CELL_CAP, node)
        w.add(node, _TYPE, _C_CELL_CAP)
        w.add(node, _P_MAX_CELLS_CAP, _double(cap.max_cells))
        w.add(node, _P_CAP_UNIT, cto(_UNIT[cap.unit]))
        w.evidence(node, cap.evidence)
        w.text(node, _P_EVIDENCE_FIELD, cap.evidence_field)


def _product(
    w: _Writer, m: Minter, t: NamedNode, p: CellProduct, products: dict[str, NamedNode]
) -> NamedNode:
    if p.name in products:
        return products[p.name]
    node = m.under(t, "product", slug(p.name))
    products[p.name] = node
    w.add(t, _P_STUDIES_PRODUCT, node)
    w.add(node, _TYPE, _C_CELL_PRODUCT)
    w.text(node, _LABEL, p.name)
    matched = p.evidence or p.name
    if p.cell_type:
        w.add(node, _P_CELL_TYPE, _curie_node(p.cell_type))
        source = NAMED_PRODUCT_TABLE if "cell_type" in p.table_facts else PRODUCT_TABLE
        _mapping(w, node, "cell-type-mapping", _curated(p.cell_type, matched, source))
    if p.tissue:
        w.add(node, _P_TISSUE_SOURCE, _curie_node(p.tissue))
        source = NAMED_PRODUCT_TABLE if "tissue" in p.table_facts else PRODUCT_TABLE
        _mapping(w, node, "tissue-mapping", _curated(p.tissue, matched, source))
    w.add(node, _P_DONOR, cto(_DONOR[p.donor]))
    for fact in p.table_facts:  # "cell_type", "tissue", "donor": from the table, not the record
        w.add(node, _P_FACT_FROM_TABLE, Literal(fact))
    if p.ncit:
        w.add(node, _P_NCIT_CONCEPT, _curie_node(p.ncit))
    w.evidence(node, p.evidence)
    w.text(node, _P_EVIDENCE_FIELD, p.evidence_field)
    return node


def provenance_quads(
    prov: Provenance, notes: Iterable[str], *, source_key: str, minter: Minter | None = None
) -> Iterator[Quad]:
    """PROV-O statements about one record graph, for the metadata graph."""
    m = minter or Minter()
    meta = m.meta_graph()
    graph = m.graph(prov)
    yield Quad(graph, _TYPE, _PROV_ENTITY, meta)
    yield Quad(graph, _TYPE, _C_RECORD_GRAPH, meta)
    yield Quad(graph, _PROV_WAS_DERIVED_FROM, m.source(source_key), meta)
    yield Quad(graph, _P_RECORD_KEY, Literal(prov.record_key), meta)
    yield Quad(graph, _P_RECORD_SHA256, Literal(prov.record_sha256), meta)
    yield Quad(graph, _P_SOURCE_FORMAT, Literal(prov.format), meta)
    yield Quad(graph, _P_MAPPER_VERSION, Literal(prov.mapper_version), meta)
    for note in notes:
        yield Quad(graph, _P_BUILD_NOTE, Literal(redact(note)), meta)


def source_quads(
    key: str, *, sha256: str, fmt: str, pipeline_version: str, minter: Minter | None = None
) -> list[Quad]:
    """Bookkeeping of one source document (file) in the metadata graph."""
    m = minter or Minter()
    meta = m.meta_graph()
    s = m.source(key)
    return [
        Quad(s, _TYPE, NamedNode(PROV + "Entity"), meta),
        Quad(s, _TYPE, cto("SourceDocument"), meta),
        Quad(s, cto("sourceKey"), Literal(key), meta),
        Quad(s, cto("sha256"), Literal(sha256), meta),
        Quad(s, cto("sourceFormat"), Literal(fmt), meta),
        Quad(s, cto("pipelineVersion"), Literal(pipeline_version), meta),
    ]
