"""Graphs derived from the whole store: the project ontology, the closure of the outside
terms in use (labels and ancestors), and VoID statistics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store, parse

from kg.bundled import bundled
from kg.rdf import CTO, OBO, RDF, RDFS, SKOS, Minter, curie_to_iri, iri_to_curie

__all__ = [
    "ONTOLOGY_DIR",
    "USED_TERM_PREDICATES",
    "VoidCounts",
    "graph_size",
    "ontology_quads",
    "stored_void_counts",
    "term_quads",
    "void_counts",
    "void_quads",
    "void_quads_from",
]

ONTOLOGY_DIR = bundled("ontology")
ONTOLOGY_FILE = ONTOLOGY_DIR / "celltrials.ttl"
VOID = "http://rdfs.org/ns/void#"
OWL = "http://www.w3.org/2002/07/owl#"
TRUE = Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
T = TypeVar("T")
# The properties whose outside terms (OBO IRIs) the term graph labels and closes.
USED_TERM_PREDICATES = (CTO + "cellType", CTO + "tissueSource", CTO + "route", CTO + "mappedTerm")


def ontology_quads(minter: Minter) -> Iterator[Quad]:
    """The project ontology (ontology/celltrials.ttl) in its own named graph.

    Blank nodes (OWL lists, restrictions) are skolemised to IRIs numbered in file order,
    so that every build stores the same triples.
    """
    graph = minter.ontology_graph()
    skolem: dict[str, NamedNode] = {}

    def term(t: T) -> T | NamedNode:
        if isinstance(t, BlankNode):
            key = t.value
            if key not in skolem:
                skolem[key] = NamedNode(f"{CTO[:-1]}/.well-known/genid/{len(skolem) + 1}")
            return skolem[key]
        return t

    with ONTOLOGY_FILE.open("rb") as fh:
        for triple in parse(fh, format=RdfFormat.TURTLE):
            yield Quad(term(triple.subject), triple.predicate, term(triple.object), graph)


def _used_terms(store: Store) -> list[str]:
    result = store.query(
        f"""SELECT DISTINCT ?t WHERE {{
              VALUES ?p {{ {" ".join(f"<{p}>" for p in USED_TERM_PREDICATES)} }}
              ?x ?p ?t . FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{OBO}"))
            }} ORDER BY ?t""",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, QuerySolutions)
    return [str(row["t"].value) for row in result]


def term_quads(store: Store, minter: Minter, *, used: list[str] | None = None) -> Iterator[Quad]:
    """Labels and ancestors (is_a or part_of, as the release's closure gives them) of
    every outside term the record graphs use, so that a query for a tissue or cell type
    also finds its parts and subtypes. ``used``: those terms' IRIs, sorted, when the
    caller knows them (a new store: from its quads as they were loaded); else the store
    is asked."""
    from kg import link

    graph = minter.terms_graph()
    iris = _used_terms(store) if used is None else used
    curies = [c for c in (iri_to_curie(i) for i in iris) if c]
    labelled: set[str] = set()

    def label(curie: str) -> Iterator[Quad]:
        if curie in labelled:
            return
        labelled.add(curie)
        text = link.term_label(curie)
        if text:
            yield Quad(
                NamedNode(curie_to_iri(curie)), NamedNode(RDFS + "label"), Literal(text), graph
            )

    from kg.extract import ROUTES

    route_labels = {r.ncit: r.label for r in ROUTES.values()}
    for curie in curies:
        if curie in route_labels and curie not in labelled:
            labelled.add(curie)
            yield Quad(
                NamedNode(curie_to_iri(curie)),
                NamedNode(RDFS + "label"),
                Literal(route_labels[curie]),
                graph,
            )
        yield from label(curie)
    for edge in link.ancestors(curies):
        child, parent = NamedNode(curie_to_iri(edge.child)), NamedNode(curie_to_iri(edge.parent))
        yield Quad(child, NamedNode(CTO + "hasAncestor"), parent, graph)
        if edge.distance == 1:
            yield Quad(child, NamedNode(CTO + "parentTerm"), parent, graph)
        yield from label(edge.parent)
    for curie in curies:
        if link.is_obsolete(curie):
            yield Quad(NamedNode(curie_to_iri(curie)), NamedNode(OWL + "deprecated"), TRUE, graph)
    yield from _xrefs([c for c in curies if c.startswith("MONDO:")], graph)


def _xrefs(mondo: list[str], graph: NamedNode) -> Iterator[Quad]:
    """MONDO's own mappings of the conditions in use (MeSH, NCIT; DOID and Wikidata where
    the SSSOM directory has those sets), so a user can take a condition elsewhere."""
    from kg import link

    for curie in mondo:
        try:
            xrefs = link.mondo_xrefs(curie)
        except link.SSSOMNotFoundError:
            return  # reported by the build for every condition it links
        for prefix, ids in sorted(xrefs.items()):
            for xref in ids:
                try:
                    target = curie_to_iri(
                        xref if prefix != "Wikidata" else f"WIKIDATA:{xref.partition(':')[2]}"
                    )
                except ValueError:
                    continue
                yield Quad(
                    NamedNode(curie_to_iri(curie)),
                    NamedNode(SKOS + "exactMatch"),
                    NamedNode(target),
                    graph,
                )


def graph_size(store: Store, graph: NamedNode) -> int:
    """Quads in one named graph, counted by the store (not one by one in Python)."""
    result = store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"
    )
    assert isinstance(result, QuerySolutions)
    return int(next(iter(result))["n"].value)


@dataclass(slots=True)
class VoidCounts:
    """The figures of the VoID statistics: triples and record graphs (documents) outside
    the special graphs, and distinct entities per class of the project ontology."""

    triples: int = 0
    documents: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> entities


def _special(minter: Minter) -> set[NamedNode]:
    return {
        minter.meta_graph(),
        minter.terms_graph(),
        minter.stats_graph(),
        minter.ontology_graph(),
        NamedNode(f"{minter.base}graph/listings"),  # kg.listing_stats.graph
    }


def void_counts(store: Store, minter: Minter) -> VoidCounts:
    """Count the VoID figures over the whole store."""
    special = _special(minter)
    record_graphs = sum(1 for g in store.named_graphs() if g not in special)
    triples = len(store) - sum(graph_size(store, g) for g in special)
    result = store.query(
        f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              ?s a ?class . FILTER(STRSTARTS(STR(?class), "{CTO}"))
            }} GROUP BY ?class ORDER BY ?class""",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, QuerySolutions)
    classes = {str(row["class"].value): int(row["n"].value) for row in result}
    return VoidCounts(triples, record_graphs, classes)


def stored_void_counts(store: Store, minter: Minter) -> VoidCounts | None:
    """The figures of the VoID graph in the store (None when it has none)."""
    graph = minter.stats_graph()
    dataset = NamedNode(minter.base + "dataset")

    def value(s: NamedNode, p: str) -> int | None:
        for q in store.quads_for_pattern(s, NamedNode(VOID + p), None, graph):
            return int(q.object.value) if isinstance(q.object, Literal) else None
        return None

    triples, documents = value(dataset, "triples"), value(dataset, "documents")
    if triples is None or documents is None:
        return None
    classes: dict[str, int] = {}
    for q in store.quads_for_pattern(dataset, NamedNode(VOID + "classPartition"), None, graph):
        part = q.object
        assert isinstance(part, NamedNode)
        cls = [
            q.object for q in store.quads_for_pattern(part, NamedNode(VOID + "class"), None, graph)
        ]
        n = value(part, "entities")
        if n is None or len(cls) != 1 or not isinstance(cls[0], NamedNode):
            return None
        classes[cls[0].value] = n
    return VoidCounts(triples, documents, classes)


def void_quads(store: Store, minter: Minter) -> Iterator[Quad]:
    """VoID statistics of the whole dataset (no timestamps: builds stay reproducible)."""
    return void_quads_from(void_counts(store, minter), minter)


def void_quads_from(counts: VoidCounts, minter: Minter) -> Iterator[Quad]:
    """The VoID graph for given figures (see :func:`void_counts`)."""
    graph = minter.stats_graph()
    dataset = NamedNode(minter.base + "dataset")
    yield Quad(dataset, NamedNode(RDF + "type"), NamedNode(VOID + "Dataset"), graph)
    yield Quad(
        dataset,
        NamedNode(VOID + "triples"),
        Literal(str(counts.triples), datatype=XSD_INTEGER),
        graph,
    )
    yield Quad(
        dataset,
        NamedNode(VOID + "documents"),
        Literal(str(counts.documents), datatype=XSD_INTEGER),
        graph,
    )
    for iri in sorted(counts.classes):
        if counts.classes[iri] <= 0:
            continue
        cls = NamedNode(iri)
        part = NamedNode(f"{minter.base}dataset/class/{iri.rsplit('#', 1)[-1]}")
        yield Quad(dataset, NamedNode(VOID + "classPartition"), part, graph)
        yield Quad(part, NamedNode(VOID + "class"), cls, graph)
        yield Quad(
            part,
            NamedNode(VOID + "entities"),
            Literal(str(counts.classes[iri]), datatype=XSD_INTEGER),
            graph,
        )
