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
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.link.records import CURATED_TABLE, EXACT_MATCH, MANUAL_CURATION, Link
from kg.model import (
    Arm,
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
from kg.sources.text import EMAIL_RE

# Where the product words' cell types and tissues are curated (each row cites its source).
PRODUCT_TABLE = "kg/extract/tables.py"

__all__ = [
    "CTO",
    "DEFAULT_BASE",
    "PREFIXES",
    "Minter",
    "curie_to_iri",
    "iri_to_curie",
    "provenance_quads",
    "slug",
    "source_quads",
    "trial_quads",
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
_XSD_DOUBLE = NamedNode(XSD + "double")
_XSD_INTEGER = NamedNode(XSD + "integer")
_XSD_DECIMAL = NamedNode(XSD + "decimal")
_XSD_BOOLEAN = NamedNode(XSD + "boolean")
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
_UNIT = {DoseUnit.CELLS: "Cells", DoseUnit.CELLS_PER_KG: "CellsPerKilogram"}
_PER = {
    DosePer.ADMINISTRATION: "PerAdministration",
    DosePer.COURSE: "PerCourse",
    DosePer.UNKNOWN: "UnknownBasis",
}


def cto(name: str) -> NamedNode:
    return NamedNode(CTO + name)


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
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(out) > max_len or not out:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        out = f"{out[: max_len - 9].rstrip('-')}-{digest}".lstrip("-")
    return out


def _short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


def redact(text: str) -> str:
    """Remove e-mail addresses from free text before it enters the public graph."""
    return EMAIL_RE.sub("[e-mail removed]", text)


@dataclass(frozen=True, slots=True)
class Minter:
    """Mints the graph's IRIs under one base."""

    base: str = DEFAULT_BASE

    def trial(self, trial: Trial) -> NamedNode:
        key = trial.nct_id or trial.provenance.record_key
        return NamedNode(f"{self.base}trial/{key}")

    def graph(self, prov: Provenance) -> NamedNode:
        return NamedNode(
            f"{self.base}graph/{prov.format}/{prov.record_key}-{prov.record_sha256[:12]}"
        )

    def source(self, key: str) -> NamedNode:
        """A source document, by its key (its path below the build's input folder)."""
        return NamedNode(f"{self.base}source/{quote(key, safe='/')}")

    def stats_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/stats")

    def ontology_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/ontology")

    def meta_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/meta")

    def terms_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/terms")

    def sponsor(self, name: str) -> NamedNode:
        return NamedNode(f"{self.base}sponsor/{slug(name)}")

    def under(self, parent: NamedNode, kind: str, key: str) -> NamedNode:
        return NamedNode(f"{parent.value}/{kind}/{key}")


class _Writer:
    """Collects the quads of one record graph."""

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.quads: list[Quad] = []

    def add(
        self, s: NamedNode | BlankNode, p: NamedNode, o: NamedNode | Literal | BlankNode
    ) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: NamedNode, value: str | None) -> None:
        if value:
            self.add(s, p, Literal(redact(value)))

    def typed(self, s: NamedNode, p: NamedNode, value: object, datatype: NamedNode) -> None:
        if value is not None:
            lexical = str(value).lower() if isinstance(value, bool) else _lexical(value)
            self.add(s, p, Literal(lexical, datatype=datatype))

    def date(self, s: NamedNode, p: NamedNode, date: PartialDate | None) -> None:
        if date is not None:
            self.add(s, p, Literal(date.value, datatype=_DATE_TYPES[date.precision]))
            if date.kind:
                self.add(s, NamedNode(p.value + "Type"), Literal(date.kind))


def _lexical(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else f"{value:.1f}"
    return str(value)


def _double(value: float) -> Literal:
    return Literal(f"{value:.6E}".replace("E+", "E"), datatype=_XSD_DOUBLE)


def trial_quads(trial: Trial, *, minter: Minter | None = None) -> tuple[NamedNode, list[Quad]]:
    """All quads one record states, in its own named graph (returned with them)."""
    m = minter or Minter()
    graph = m.graph(trial.provenance)
    w = _Writer(graph)
    t = m.trial(trial)
    w.add(t, _TYPE, cto("Trial"))
    if trial.nct_id:
        w.text(t, cto("nctId"), trial.nct_id)
        w.add(t, _SEE_ALSO, NamedNode(f"https://clinicaltrials.gov/study/{trial.nct_id}"))
    else:
        w.text(t, cto("documentKey"), trial.provenance.record_key)
    if trial.title:
        w.text(t, _LABEL, trial.title)
    for prop, value in (
        ("orgStudyId", trial.org_study_id),
        ("acronym", trial.acronym),
        ("briefTitle", trial.brief_title),
        ("officialTitle", trial.official_title),
        ("overallStatus", trial.status),
        ("studyType", trial.study_type),
        ("allocation", trial.allocation),
        ("interventionModel", trial.intervention_model),
        ("masking", trial.masking),
        ("primaryPurpose", trial.primary_purpose),
        ("enrollmentType", trial.enrollment_type),
        ("briefSummary", trial.brief_summary),
        ("detailedDescription", trial.detailed_description),
        ("responsibleParty", trial.responsible_party),
    ):
        w.text(t, cto(prop), value)
    for values, prop in (
        (trial.secondary_ids, "secondaryId"),
        (trial.phases, "phase"),
        (trial.keywords, "keyword"),
        (trial.intervention_types, "interventionType"),
    ):
        for value in values:
            w.text(t, cto(prop), value)
    w.typed(t, cto("enrollment"), trial.enrollment, _XSD_INTEGER)
    w.date(t, cto("startDate"), trial.start_date)
    w.date(t, cto("primaryCompletionDate"), trial.primary_completion_date)
    w.date(t, cto("completionDate"), trial.completion_date)
    w.date(t, cto("lastUpdate"), trial.last_update)
    _eligibility(w, t, trial)
    for condition in trial.conditions:
        _condition(w, m, t, condition)
    for sponsor in trial.sponsors:
        _sponsor(w, m, t, sponsor)
    for official in trial.officials:
        _official(w, m, t, official)
    for site in trial.sites:
        _site(w, m, t, site)
    for reference in trial.references:
        _reference(w, m, t, reference)
    for nct in trial.related_nct_ids:
        w.add(t, cto("relatedTrial"), NamedNode(f"{m.base}trial/{nct}"))
    for url in trial.see_also:
        if re.match(r"https?://\S+$", url):
            w.add(t, _SEE_ALSO, NamedNode(url))
    interventions = {i.name: _intervention(w, m, t, i) for i in trial.interventions}
    products: dict[str, NamedNode] = {}
    for arm in trial.arms:
        _arm(w, m, t, arm, interventions, products)
    _cells(w, m, t, t, trial.products, trial.doses, products)
    _regimen(w, t, trial.route, trial.administrations, trial.regimen_evidence)
    return graph, w.quads


def _eligibility(w: _Writer, t: NamedNode, trial: Trial) -> None:
    e = trial.eligibility
    w.text(t, cto("sex"), e.sex)
    w.typed(t, cto("minimumAgeYears"), e.min_age_years, _XSD_DECIMAL)
    w.typed(t, cto("maximumAgeYears"), e.max_age_years, _XSD_DECIMAL)
    w.typed(t, cto("healthyVolunteers"), e.healthy_volunteers, _XSD_BOOLEAN)
    w.text(t, cto("eligibilityCriteria"), e.criteria)


def _condition(w: _Writer, m: Minter, t: NamedNode, c: Condition) -> None:
    node = m.under(t, "condition", slug(c.name))
    w.add(t, cto("studiesCondition"), node)
    w.add(node, _TYPE, cto("Condition"))
    w.text(node, _LABEL, c.name)
    w.text(node, cto("foundIn"), c.found_in)
    for mesh_id in c.mesh_ids:
        w.add(node, cto("meshTerm"), NamedNode(curie_to_iri(f"MESH:{mesh_id}")))
    for term in c.mesh_terms:
        w.text(node, cto("meshTermLabel"), term)
    if c.link is not None:
        _mapping(w, node, "mapping", c.link)


def _mapping(w: _Writer, node: NamedNode, key: str, link: Link) -> None:
    """The link itself (a SKOS triple) and, beside it, how it was made (SSSOM-style)."""
    target = NamedNode(curie_to_iri(link.curie))
    predicate = NamedNode(SKOS + link.predicate.split(":", 1)[1])
    w.add(node, predicate, target)
    mapping = NamedNode(f"{node.value}/{key}")
    w.add(node, cto("mapping"), mapping)
    w.add(mapping, _TYPE, cto("Mapping"))
    w.add(mapping, cto("mappedTerm"), target)
    w.add(mapping, cto("mappingPredicate"), predicate)
    w.add(
        mapping,
        cto("mappingJustification"),
        NamedNode(SEMAPV + link.justification.split(":", 1)[1]),
    )
    w.text(mapping, cto("matchMethod"), link.method)
    w.add(mapping, cto("matchScore"), Literal(f"{link.score:.3f}", datatype=_XSD_DECIMAL))
    w.text(mapping, cto("matchedText"), link.matched_text)
    w.text(mapping, cto("mappingSource"), link.source)


def _curated(curie: str, matched: str) -> Link:
    """How a product's cell type or tissue was found: the product-word table of kg.extract."""
    return Link(
        curie=curie,
        label="",
        predicate=EXACT_MATCH,
        justification=MANUAL_CURATION,
        method=CURATED_TABLE,
        score=1.0,
        matched_text=matched,
        source=PRODUCT_TABLE,
    )


def _sponsor(w: _Writer, m: Minter, t: NamedNode, s: Sponsor) -> None:
    node = m.sponsor(s.name)
    w.add(t, cto("leadSponsor" if s.role == "lead" else "collaborator"), node)
    w.add(node, _TYPE, cto("Sponsor"))
    w.text(node, _LABEL, s.name)
    w.text(node, cto("agencyClass"), s.agency_class)


def _official(w: _Writer, m: Minter, t: NamedNode, o: Official) -> None:
    node = m.under(t, "person", slug(o.name))
    w.add(t, cto("investigator"), node)
    w.add(node, _TYPE, cto("Investigator"))
    w.text(node, _LABEL, o.name)
    w.text(node, cto("role"), o.role)
    w.text(node, cto("affiliation"), o.affiliation)


def _site(w: _Writer, m: Minter, t: NamedNode, s: Site) -> None:
    key = slug(" ".join(filter(None, [s.facility, s.city, s.state, s.country])) or "site")
    node = m.under(t, "site", key)
    w.add(t, cto("site"), node)
    w.add(node, _TYPE, cto("Site"))
    w.text(node, _LABEL, s.facility or s.city or s.country)
    for prop, value in (
        ("facility", s.facility),
        ("city", s.city),
        ("state", s.state),
        ("postalCode", s.zip),
        ("country", s.country),
        ("recruitmentStatus", s.status),
    ):
        w.text(node, cto(prop), value)
    w.typed(node, NamedNode(SCHEMA + "latitude"), s.lat, _XSD_DECIMAL)
    w.typed(node, NamedNode(SCHEMA + "longitude"), s.lon, _XSD_DECIMAL)


def _reference(w: _Writer, m: Minter, t: NamedNode, r: Reference) -> None:
    node = m.under(t, "reference", _short_hash(r.citation, r.pmid, r.doi))
    w.add(t, cto("reference"), node)
    w.add(node, _TYPE, cto("Reference"))
    w.text(node, NamedNode(DCT + "bibliographicCitation"), r.citation)
    w.text(node, cto("pmid"), r.pmid)
    w.text(node, cto("doi"), r.doi)
    w.text(node, cto("referenceType"), r.kind)
    if r.pmid:
        w.add(node, _SEE_ALSO, NamedNode(f"https://pubmed.ncbi.nlm.nih.gov/{r.pmid}/"))
    if r.doi and re.fullmatch(r"10\.\S+", r.doi) and not re.search(r"[<>\"{}|\\^`]", r.doi):
        w.add(node, _SEE_ALSO, NamedNode(f"https://doi.org/{r.doi}"))


def _intervention(w: _Writer, m: Minter, t: NamedNode, i: Intervention) -> NamedNode:
    node = m.under(t, "intervention", slug(i.name))
    w.add(t, cto("hasIntervention"), node)
    w.add(node, _TYPE, cto("Intervention"))
    w.text(node, _LABEL, i.name)
    w.text(node, cto("interventionType"), i.type)
    w.text(node, _DESCRIPTION, i.description)
    for name in i.other_names:
        w.text(node, cto("otherName"), name)
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
    w.add(t, cto("hasArm"), node)
    w.add(node, _TYPE, cto("Arm"))
    w.text(node, _LABEL, arm.label)
    w.text(node, cto("armType"), arm.type)
    w.text(node, _DESCRIPTION, arm.description)
    for name in arm.intervention_names:
        bare = (
            name.split(": ", 1)[1]
            if ": " in name and name.split(": ", 1)[1] in interventions
            else name
        )
        if bare in interventions:
            w.add(node, cto("receivesIntervention"), interventions[bare])
    _cells(w, m, t, node, arm.products, arm.doses, products)
    _regimen(w, node, arm.route, arm.administrations, arm.regimen_evidence)


def _regimen(w: _Writer, node: NamedNode, route: str | None, n: int | None, ev: str | None) -> None:
    if route:
        w.add(node, cto("route"), _route(route))
    w.typed(node, cto("administrations"), n, _XSD_INTEGER)
    if route or n is not None:
        w.text(node, cto("regimenEvidence"), ev)


def _route(key: str) -> NamedNode:
    from kg.extract import ROUTES

    route = ROUTES.get(key)
    if route is None:
        raise ValueError(f"route {key!r} is not in the route table (kg/extract)")
    return NamedNode(curie_to_iri(route.ncit))


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
        w.add(owner, cto("administersProduct"), node)
        owned.append(node)
    for dose in doses:
        node = m.under(
            owner,
            "dose",
            _short_hash(
                dose.min_cells, dose.max_cells, dose.unit, dose.per, dose.evidence, dose.product
            ),
        )
        w.add(owner, cto("hasDose"), node)
        w.add(node, _TYPE, cto("Dose"))
        w.add(node, cto("minCells"), _double(dose.min_cells))
        w.add(node, cto("maxCells"), _double(dose.max_cells))
        w.add(node, cto("doseUnit"), cto(_UNIT[dose.unit]))
        w.typed(node, cto("perKilogram"), dose.unit is DoseUnit.CELLS_PER_KG, _XSD_BOOLEAN)
        w.add(node, cto("doseBasis"), cto(_PER[dose.per]))
        w.typed(node, cto("administrations"), dose.administrations, _XSD_INTEGER)
        if dose.route:
            w.add(node, cto("route"), _route(dose.route))
        w.text(node, cto("qualifier"), dose.qualifier)
        w.add(node, cto("evidence"), Literal(dose.evidence))
        w.text(node, cto("evidenceField"), dose.evidence_field)
        target = products.get(dose.product) if dose.product else None
        if target is None and len(owned) == 1:
            target = owned[0]
        if target is not None:
            w.add(node, cto("doseOf"), target)


def _product(
    w: _Writer, m: Minter, t: NamedNode, p: CellProduct, products: dict[str, NamedNode]
) -> NamedNode:
    if p.name in products:
        return products[p.name]
    node = m.under(t, "product", slug(p.name))
    products[p.name] = node
    w.add(t, cto("studiesProduct"), node)
    w.add(node, _TYPE, cto("CellProduct"))
    w.text(node, _LABEL, p.name)
    if p.cell_type:
        w.add(node, cto("cellType"), NamedNode(curie_to_iri(p.cell_type)))
        _mapping(w, node, "cell-type-mapping", _curated(p.cell_type, p.evidence or p.name))
    if p.tissue:
        w.add(node, cto("tissueSource"), NamedNode(curie_to_iri(p.tissue)))
        _mapping(w, node, "tissue-mapping", _curated(p.tissue, p.evidence or p.name))
    w.add(node, cto("donor"), cto(_DONOR[p.donor]))
    if p.evidence:
        w.add(node, cto("evidence"), Literal(p.evidence))
    w.text(node, cto("evidenceField"), p.evidence_field)
    return node


def provenance_quads(
    prov: Provenance, notes: Iterable[str], *, source_key: str, minter: Minter | None = None
) -> Iterator[Quad]:
    """PROV-O statements about one record graph, for the metadata graph."""
    m = minter or Minter()
    meta = m.meta_graph()
    graph = m.graph(prov)
    yield Quad(graph, _TYPE, NamedNode(PROV + "Entity"), meta)
    yield Quad(graph, _TYPE, cto("RecordGraph"), meta)
    yield Quad(graph, NamedNode(PROV + "wasDerivedFrom"), m.source(source_key), meta)
    yield Quad(graph, cto("recordKey"), Literal(prov.record_key), meta)
    yield Quad(graph, cto("recordSha256"), Literal(prov.record_sha256), meta)
    yield Quad(graph, cto("sourceFormat"), Literal(prov.format), meta)
    yield Quad(graph, cto("mapperVersion"), Literal(prov.mapper_version), meta)
    for note in notes:
        yield Quad(graph, cto("buildNote"), Literal(redact(note)), meta)


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
