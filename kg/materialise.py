"""Build-time materialisation of what the headline questions need, per record.

The question the project exists for, "cell products from the umbilical cord (or any part of
it) given above N cells per administration", joins a product's tissue to the UBERON
hierarchy and a dose's figure to its unit, basis and a body weight. Asked of the stored
facts alone it touches every tissue and every dose; with these triples it is one index
lookup (the products from a tissue) and a few lookups per dose of those products, whatever
the size of the store::

    <trial/NCT01234567/product/uc-msc> cto:fromTissue obo:UBERON_0006955 ,  # its tissue
        obo:UBERON_0002331 , obo:UBERON_0000478 , ... .                    # and ancestors
    <trial/NCT01234567/arm/a/dose/1f2e3d4c> cto:comparableCells "7000000000.0"^^xsd:double ;
        cto:referenceBodyWeight "70.0"^^xsd:double .

* ``cto:fromTissue``: a cell product's tissue source (``cto:tissueSource``) and each of its
  ancestors by is_a or part_of, as the ontology release's closure gives them -- the same
  edges as the derived ``cto:hasAncestor`` closure of the terms graph
  (:func:`kg.link.ancestors`), so "?p cto:fromTissue T" holds exactly where
  "?p cto:tissueSource/cto:hasAncestor? T" does. Its evidence is the product's own
  (``cto:evidence``, and the ``cto:tissue-mapping`` that says where the tissue came from).
* ``cto:comparableCells``: on a per-administration dose counted in cells or cells/kg only
  (a figure per cm², per eye, per joint ... or per course is never comparable), its maximum
  as a number of cells per administration: ``cto:maxCells`` itself for cells (the same
  literal), ``cto:maxCells`` × ``cto:referenceBodyWeight`` for cells/kg, computed from the
  stored ``cto:maxCells`` literal. The dose node carries the figure's evidence
  (``cto:evidence``) beside it.
* ``cto:referenceBodyWeight``: on a per-kilogram dose, the body weight (kg) its comparable
  figure assumes (:data:`REFERENCE_BODY_WEIGHT_KG`). A query for another body weight
  multiplies ``cto:maxCells`` by that weight instead (queries/uc-msc-above-dose.rq does).

Everything is computed from one record's own quads and written into that record's graph
(:func:`materialised_quads`, called by :func:`kg.rdf.trial_quads`), so a rebuild that
replaces a record's graph replaces these triples with it, and an incremental rebuild gives
the same store as a clean one. Change :data:`VERSION` when what is written here changes:
the build's pipeline version includes it, so that a rebuild then maps every record again.
"""

from __future__ import annotations

import functools

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf import PREFIXES, curie_to_iri, iri_to_curie

__all__ = [
    "P_COMPARABLE_CELLS",
    "P_FROM_TISSUE",
    "P_REFERENCE_BODY_WEIGHT",
    "REFERENCE_BODY_WEIGHT_KG",
    "VERSION",
    "materialised_quads",
    "tissue_closure",
]

VERSION = "1"
# The reference adult body weight (kg) of the comparable figure of a per-kilogram dose: the
# default body_weight_kg of queries/uc-msc-above-dose.rq, stated on each such dose.
REFERENCE_BODY_WEIGHT_KG = 70.0

_CTO = PREFIXES["cto"]
_XSD_DOUBLE = NamedNode(PREFIXES["xsd"] + "double")
P_FROM_TISSUE = NamedNode(_CTO + "fromTissue")
P_COMPARABLE_CELLS = NamedNode(_CTO + "comparableCells")
P_REFERENCE_BODY_WEIGHT = NamedNode(_CTO + "referenceBodyWeight")
_P_TISSUE_SOURCE = NamedNode(_CTO + "tissueSource")
_P_MAX_CELLS = NamedNode(_CTO + "maxCells")
_P_DOSE_UNIT = NamedNode(_CTO + "doseUnit")
_P_DOSE_BASIS = NamedNode(_CTO + "doseBasis")
_CELLS = NamedNode(_CTO + "Cells")
_CELLS_PER_KG = NamedNode(_CTO + "CellsPerKilogram")
_PER_ADMINISTRATION = NamedNode(_CTO + "PerAdministration")
_WANTED = frozenset({_P_TISSUE_SOURCE, _P_MAX_CELLS, _P_DOSE_UNIT, _P_DOSE_BASIS})
_REFERENCE = Literal(repr(REFERENCE_BODY_WEIGHT_KG), datatype=_XSD_DOUBLE)


@functools.lru_cache(maxsize=4096)
def tissue_closure(tissue_iri: str) -> tuple[NamedNode, ...]:
    """The term itself and each of its ancestors (is_a or part_of) in its release, as
    nodes, in IRI order after the term; an unknown or obsolete term has only itself."""
    from kg import link

    curie = iri_to_curie(tissue_iri)
    parents = {e.parent for e in link.ancestors([curie])} if curie else set()
    return (NamedNode(tissue_iri), *(NamedNode(curie_to_iri(c)) for c in sorted(parents)))


def _comparable(max_cells: Literal, unit: NamedNode) -> Literal:
    """The comparable figure of a per-administration dose of ``max_cells`` in ``unit``."""
    if unit == _CELLS:
        return max_cells  # the stored figure itself, the same literal
    value = float(max_cells.value) * REFERENCE_BODY_WEIGHT_KG
    return Literal(repr(value), datatype=_XSD_DOUBLE)  # exact: shortest round-trip form


def materialised_quads(quads: list[Quad], graph: NamedNode) -> list[Quad]:
    """The materialised quads of one record graph, from that graph's own ``quads``: each
    product's ``cto:fromTissue``, each comparable dose's ``cto:comparableCells`` (and, for a
    per-kilogram dose, ``cto:referenceBodyWeight``), in order of first appearance."""
    facts: dict[NamedNode, dict[NamedNode, Literal | NamedNode]] = {}
    tissues: list[tuple[NamedNode, NamedNode]] = []
    for q in quads:
        p = q.predicate
        if p not in _WANTED or not isinstance(q.subject, NamedNode):
            continue
        if p == _P_TISSUE_SOURCE:
            if isinstance(q.object, NamedNode):
                tissues.append((q.subject, q.object))
        elif isinstance(q.object, NamedNode | Literal):
            facts.setdefault(q.subject, {})[p] = q.object
    out: list[Quad] = []
    seen: set[tuple[NamedNode, NamedNode]] = set()
    for product, tissue in tissues:
        for term in tissue_closure(tissue.value):
            if (product, term) not in seen:
                seen.add((product, term))
                out.append(Quad(product, P_FROM_TISSUE, term, graph))
    for dose, f in facts.items():
        unit, basis, max_cells = f.get(_P_DOSE_UNIT), f.get(_P_DOSE_BASIS), f.get(_P_MAX_CELLS)
        if basis != _PER_ADMINISTRATION or not isinstance(max_cells, Literal):
            continue
        if isinstance(unit, NamedNode) and unit in (_CELLS, _CELLS_PER_KG):
            out.append(Quad(dose, P_COMPARABLE_CELLS, _comparable(max_cells, unit), graph))
            if unit == _CELLS_PER_KG:
                out.append(Quad(dose, P_REFERENCE_BODY_WEIGHT, _REFERENCE, graph))
    return out
