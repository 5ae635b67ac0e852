"""The figures of the derived graphs (terms in use, VoID counts, the store's size) taken
from the quads of a new store as they stream to the bulk loader, instead of whole-store
queries at the end of the build (154 s and 81 s of a 550,000-trial build).

Each worker serialises its document and describes the quads (:func:`serialize_document`,
duplicates removed); the build adds the descriptions up (:class:`Streamed`). The sum is
exactly what the whole-store queries of :mod:`kg.terms` count. Where two documents hold
the same record graph (two search results that both list a study) or type entities of the
same trial (a registry's copy of a ClinicalTrials.gov record), the sum is corrected at the
end from those graphs only. Where the quads are not as the writer makes them (a blank
node, metadata about something else, a record's quad in another graph, the same record
graph with other quads in another document), the sum says why and the build counts over
the whole store as it did before (:attr:`Streamed.fallback`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, serialize

from kg.link.coverage import Coverage
from kg.listing_stats import Figures, compute
from kg.rdf import CTO, OBO, PROV, RDF, Minter, Written
from kg.streamed_coverage import ConditionCounts, Mentions, coverage_lines
from kg.streamed_listings import (
    RawListing,
    graph_quads,
    lines_facts,
    listing_lines,
    resolve,
    trial_facts,
)
from kg.terms import USED_TERM_PREDICATES, VoidCounts

__all__ = ["DocStats", "Streamed", "serialize_document"]

_TYPE = NamedNode(RDF + "type")
RDF_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_MENTION = "/condition/"  # in the IRIs of condition mentions and their mappings
_DERIVED_FROM = NamedNode(PROV + "wasDerivedFrom")  # a record graph -> its document
_USED = frozenset(NamedNode(p) for p in USED_TERM_PREDICATES)


@dataclass(slots=True)
class DocStats:
    """What one document's quads (without duplicates) add to the derived figures."""

    # record graph IRI -> (its quads, the quads about it in the metadata graph)
    graphs: dict[str, tuple[int, int]] = field(default_factory=dict)
    meta: int = 0  # quads about the document itself in the metadata graph
    classes: Counter[str] = field(default_factory=Counter)  # CTO class -> entities of trials
    trials: list[str] = field(default_factory=list)  # keys of the trials those hang under
    others: list[tuple[str, str]] = field(default_factory=list)  # (subject, class) elsewhere
    used: set[str] = field(default_factory=set)  # outside terms in use
    conditions: ConditionCounts = field(default_factory=ConditionCounts)  # link coverage
    listings: RawListing = field(default_factory=RawListing)  # kg.streamed_listings
    listing_several: list[str] = field(default_factory=list)  # trials counted at the end
    listing_unusual: str | None = None  # why the listing figures cannot be added up
    # sponsor node -> its names and agency classes in the document's records
    sponsor_names: dict[str, tuple[set[Literal], set[Literal]]] = field(default_factory=dict)
    unusual: str | None = None  # why these quads cannot be added up


# One pass over a record's N-Quads finds its typed entities (group 1: a CTO class) and
# its outside terms in use (group 2: an OBO term after one of USED_TERM_PREDICATES).
_SCAN = re.compile(
    rb" <(?:http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> <("
    + re.escape(CTO.encode())
    + rb"[^>]*)|(?:"
    + b"|".join(re.escape(p.encode()) for p in USED_TERM_PREDICATES)
    + rb")> <("
    + re.escape(OBO.encode())
    + rb"[^>]*))> <[^>]*> \.\n"
)


def _subject(data: bytes, at: int) -> bytes | None:
    """The subject term of the N-Quads line whose predicate follows the space at ``at``,
    or None when the text before is not one term: then the match was no predicate but
    text inside a literal. (An IRI and a blank node hold no space; a literal no newline.)"""
    term = data[data.rfind(b"\n", 0, at) + 1 : at]
    return None if b" " in term else term


def serialize_document(
    quads: list[Quad],
    records: list[tuple[str, int, int]],
    *,
    key: str,
    minter: Minter,
    written: Mapping[str, Written] | None = None,
) -> tuple[bytes, DocStats]:
    """One document's quads as N-Quads (without duplicates: the store keeps one of each),
    and what they add to the derived figures.

    ``records``: (record graph IRI, start, end) of each record's quads in ``quads``; the
    rest is the metadata graph's. Each record's quads are counted by their lines and read
    for types and terms in use by two regular expressions over its N-Quads, so that no
    Python object is made per quad (making one costs as much as serialising the quad);
    only the metadata (a few quads a record) is looked at quad by quad.

    ``written``: parts of record graphs already written as N-Quads (posted results: see
    :func:`kg.rdf.trial_record`), by record graph IRI, at their positions in the record's
    quads (counted from the record's start).
    """
    stats = DocStats()
    parts: list[bytes] = []
    rest: list[Quad] = []
    done = 0
    trials: set[str] = set()
    entities: set[tuple[str, str]] = set()
    trial_prefix = minter.base + "trial/"
    special = {
        g.value for g in (minter.terms_graph(), minter.stats_graph(), minter.ontology_graph())
    }
    lines: list[bytes] = []  # those the condition coverage reads (kg.streamed_coverage)
    listed: list[bytes] = []  # ... and the listing statistics (kg.streamed_listings)
    sponsor_prefix = minter.base + "sponsor/"
    sponsors = b"<" + sponsor_prefix.encode()
    for graph, start, end in records:
        rest += quads[done:start]
        done = end
        own = written.get(graph) if written else None
        if own:
            data, n = _with_parts(quads[start:end], own)
        else:
            record = list(dict.fromkeys(quads[start:end]))
            serialized = serialize(record, format=RdfFormat.N_QUADS)
            assert serialized is not None
            data, n = serialized, len(record)
        parts.append(data)
        if stats.unusual is not None:
            continue
        odd = coverage_lines(data, lines)
        listing_lines(data, listed, sponsors)
        if odd is not None:
            stats.unusual = f"{key}: {odd}"
        # (A blank node elsewhere in a record graph changes no figure: the graph is the
        # document's own; a typed one would be merged with another document's label.)
        if graph in special or data.count(f" <{graph}> .\n".encode()) != n:
            stats.unusual = f"{key}: record graph {graph} holds quads of other graphs"
        stats.graphs[graph] = (n, 0)
        for m in _SCAN.finditer(data):
            s = _subject(data, m.start())
            if s is None:
                continue
            if m.group(2) is not None:
                stats.used.add(m.group(2).decode())
            elif not s.startswith(b"<"):
                stats.unusual = f"{key}: a blank node typed as {m.group(1).decode()}"
                break
            else:
                iri, cls = s[1:-1].decode(), m.group(1).decode()
                if iri.startswith(trial_prefix):
                    trials.add(iri[len(trial_prefix) :].partition("/")[0])
                    entities.add((iri, cls))  # (two records of one trial in one document)
                else:
                    stats.others.append((iri, cls))
    rest += quads[done:]
    meta = list(dict.fromkeys(rest))
    serialized = serialize(meta, format=RdfFormat.N_QUADS)
    assert serialized is not None
    parts.append(serialized)
    stats.trials = sorted(trials)
    stats.classes.update(cls for _, cls in entities)
    if stats.unusual is None:
        _conditions(lines, stats, key=key, trial_prefix=trial_prefix)
    if stats.unusual is None:
        _metadata(meta, stats, key=key, minter=minter)
    if stats.unusual is None:
        _listings(lines + listed, stats, key=key, prefixes=(trial_prefix, sponsor_prefix))
    return b"".join(parts), stats


def _with_parts(quads: list[Quad], written: Written) -> tuple[bytes, int]:
    """A record's quads serialised with the parts ``written`` as N-Quads at their
    positions, each quad once (the first), and the number of quads: what serialising the
    record's quads without duplicates gives. A written part holds no duplicate line and no
    quad of the record's other quads or parts (:class:`kg.rdf.WrittenPart`)."""
    seen: dict[Quad, None] = {}
    chunks: list[bytes] = []
    done = 0
    for part in (*written, None):
        at = len(quads) if part is None else part.at
        if at > done:
            before = len(seen)
            seen.update(dict.fromkeys(quads[done:at]))
            new = list(islice(seen, before, None))  # (in order of first appearance)
            if new:
                chunks.append(serialize(new, format=RdfFormat.N_QUADS) or b"")
            done = at
        if part is not None:
            chunks.append(part.nquads)
    return b"".join(chunks), len(seen) + sum(part.unique for part in written)


def _listings(lines: list[bytes], stats: DocStats, *, key: str, prefixes: tuple[str, str]) -> None:
    """Add up what the document's trials add to the listing figures (see
    :mod:`kg.streamed_listings`)."""
    facts = lines_facts(lines, *prefixes)
    outside = (set(facts.added) | facts.several) - set(stats.trials)
    if facts.unusual is not None:
        stats.listing_unusual = f"{key}: {facts.unusual}"
    elif outside:
        stats.listing_unusual = f"{key}: listing facts of trial {min(outside)}, typed elsewhere"
    else:
        for added in facts.added.values():
            stats.listings.add(added)
        stats.listing_several = sorted(facts.several)
        stats.sponsor_names = facts.sponsors


def _conditions(lines: list[bytes], stats: DocStats, *, key: str, trial_prefix: str) -> None:
    """Count the document's condition mentions (each under its trial: see
    :class:`Streamed`, which corrects for trials that several documents write)."""
    mentions = Mentions()
    mentions.add_lines(lines)
    # (coverage_lines found the lines of a mention's mappings by "/condition/" in their IRI)
    odd = [c for c in mentions.mentions if not c.startswith(trial_prefix)]
    odd += [m for c in mentions.mentions for m in mentions.mappings.get(c, ()) if _MENTION not in m]
    if mentions.unusual is not None:
        stats.unusual = f"{key}: {mentions.unusual}"
    elif odd:
        stats.unusual = f"{key}: a condition mention or mapping {odd[0]} not as kg.rdf mints it"
    else:
        stats.conditions = mentions.counts()


def _metadata(meta: list[Quad], stats: DocStats, *, key: str, minter: Minter) -> None:
    """Add the metadata quads of a document to ``stats``: quads about the document and
    about each of its record graphs, every record graph derived from the document."""
    graph = minter.meta_graph()
    source = minter.source(key)
    own = {source, *(NamedNode(g) for g in stats.graphs)}
    about: Counter[NamedNode] = Counter()
    derived: set[NamedNode] = set()
    for q in meta:
        s, o = q.subject, q.object
        if q.graph_name != graph or not isinstance(s, NamedNode) or s not in own:
            stats.unusual = f"{key}: metadata about {s} in {q.graph_name}"
            return
        if isinstance(o, BlankNode):
            stats.unusual = f"{key}: a blank node"
            return
        about[s] += 1
        if q.predicate == _DERIVED_FROM and o == source:
            derived.add(s)
        elif q.predicate == _TYPE and isinstance(o, NamedNode) and o.value.startswith(CTO):
            stats.others.append((s.value, o.value))
        elif q.predicate in _USED and isinstance(o, NamedNode) and o.value.startswith(OBO):
            stats.used.add(o.value)
    if derived != own - {source}:
        stats.unusual = f"{key}: its record graphs do not each say they come from it"
        return
    stats.graphs = {g: (n, about[NamedNode(g)]) for g, (n, _) in stats.graphs.items()}
    stats.meta = about[source]


class Streamed:
    """The sum of the documents' :class:`DocStats` of a new store.

    A trial whose entities more than one document types (a ClinicalTrials.gov record and
    a registry's copy of it, an XML record and an API page) is the one overlap the sum
    corrects: at the end, from the typed quads of those documents' record graphs only.
    """

    def __init__(self) -> None:
        self.triples = 0
        self.meta = 0  # quads in the metadata graph, as the documents counted them
        self.meta_quads = 0  # ... as the store holds them (set by void_counts)
        self.classes: Counter[str] = Counter()
        self.others: dict[str, set[str]] = {}  # class -> subjects typed outside a trial
        self.used: set[str] = set()
        self.conditions = ConditionCounts()
        self.listings = RawListing()
        self._condition_total: ConditionCounts | None = None
        self.listing_several: set[str] = set()  # trials several records of a document state
        self.listing_fallback: str | None = None  # why the listing figures are counted again
        self._sponsor_names: dict[str, tuple[set[Literal], set[Literal]]] = {}
        self.fallback: str | None = None
        self._keys: list[str] = []  # the documents, in the order added
        self._sources: set[int] = set()  # hashes of their keys
        # record graph -> its quads and the quads about it, as the first document wrote it
        self._graphs: dict[str, tuple[int, int]] = {}
        self._again: dict[str, list[tuple[int, int]]] = {}  # ... and as others wrote it
        self._trials: dict[int, int] = {}  # hash of a trial's key -> first document
        self._shared: dict[str, set[int]] = {}  # trial key -> documents typing under it

    def add(self, key: str, stats: DocStats) -> None:
        if self.fallback is not None:
            return
        if stats.unusual is not None:
            self.fallback = stats.unusual
            return
        h = hash(key)
        if h in self._sources:  # (or another key with the same hash)
            self.fallback = f"{key}: a source document's key twice"
            return
        self._sources.add(h)
        for graph, sizes in stats.graphs.items():
            written = self._graphs.setdefault(graph, sizes)
            if written is not sizes:  # the same record in two documents
                self._again.setdefault(graph, []).append(sizes)
            self.triples += sizes[0]
            self.meta += sizes[1]
        doc = len(self._keys)
        self._keys.append(key)
        for trial in stats.trials:
            first = self._trials.setdefault(hash(trial), doc)
            if first != doc:  # (or another key with the same hash: then no overlap)
                self._shared.setdefault(trial, {first}).add(doc)
        self.meta += stats.meta
        self.classes.update(stats.classes)
        for iri, cls in stats.others:
            self.others.setdefault(cls, set()).add(iri)
        self.used |= stats.used
        self.conditions.update(stats.conditions)
        if stats.listing_unusual is not None:
            self.listing_fallback = self.listing_fallback or stats.listing_unusual
        else:
            self.listings.add(stats.listings)
            self.listing_several.update(stats.listing_several)
            for iri, (names, classes) in stats.sponsor_names.items():
                mine = self._sponsor_names.setdefault(iri, (set(), set()))
                mine[0].update(names)
                mine[1].update(classes)

    def used_terms(self, derived: Iterable[Quad]) -> list[str]:
        """The outside terms in use, sorted (as :func:`kg.terms.term_quads` wants them),
        with those of the graphs written after the documents (``derived``)."""
        used = set(self.used)
        for q in derived:
            o = q.object
            if q.predicate in _USED and isinstance(o, NamedNode) and o.value.startswith(OBO):
                used.add(o.value)
        return sorted(used)

    def void_counts(
        self, derived: Iterable[Quad], store: Store, minter: Minter
    ) -> VoidCounts | None:
        """The VoID figures of the store: the documents' sums, less the entities of a
        trial that several documents typed and counted twice, plus the typed entities of
        the graphs written after the documents (``derived``: the ontology and term
        graphs). None when the sum does not stand for the store (see :attr:`fallback`)."""
        if self.fallback is not None:
            return None
        twice = self._graphs_counted_twice(store, minter)
        if twice is None:
            return None
        triples, meta = twice
        others = {cls: set(subjects) for cls, subjects in self.others.items()}
        data = minter.base + "trial/"
        for q in derived:
            if q.predicate != _TYPE or not isinstance(q.object, NamedNode):
                continue
            if not q.object.value.startswith(CTO):
                continue
            s = q.subject
            if not isinstance(s, NamedNode) or s.value.startswith(data):
                self.fallback = f"the derived graphs type {s} as a {q.object}"
                return None
            others.setdefault(q.object.value, set()).add(s.value)
        classes = Counter(self.classes)
        for cls, subjects in others.items():
            classes[cls] += len(subjects)
        classes.subtract(self._overcounted(store, minter))
        self.meta_quads = self.meta - meta
        return VoidCounts(
            self.triples - triples,
            len(self._graphs),
            {cls: n for cls, n in sorted(classes.items()) if n > 0},
        )

    def condition_coverage(self, store: Store, minter: Minter) -> Coverage | None:
        """The link coverage of the store's condition mentions (as
        :func:`kg.link.coverage.condition_coverage` counts it over the whole store), from
        :meth:`condition_counts`."""
        total = self.condition_counts(store, minter)
        return None if total is None else total.coverage()

    def condition_counts(self, store: Store, minter: Minter) -> ConditionCounts | None:
        """The condition coverage figures of the store's mentions: the documents' sums, with
        the mentions of a trial that several documents write counted once, from those
        documents' graphs in the store (worked out once; the store must not change in
        between). None when the sum does not stand for the store (see :attr:`fallback`)."""
        if self._condition_total is not None:
            return self._condition_total
        if self.fallback is not None:
            return None
        total = ConditionCounts()
        total.update(self.conditions)
        prefix = minter.base + "trial/"
        meta = minter.meta_graph()
        by_doc: dict[int, dict[str, list[Quad]]] = {}  # document -> trial -> its quads

        def of(doc: int) -> dict[str, list[Quad]]:
            if doc not in by_doc:
                found: dict[str, list[Quad]] = {}
                source = minter.source(self._keys[doc])
                for g in store.quads_for_pattern(None, _DERIVED_FROM, source, meta):
                    graph = g.subject
                    assert isinstance(graph, NamedNode)
                    for q in _mention_quads(store, graph):
                        trial = _trial_of(q, prefix)
                        found.setdefault(trial, []).append(q)
                by_doc[doc] = found
            return by_doc[doc]

        for trial, docs in self._shared.items():
            union = Mentions()
            for doc in sorted(docs):
                own = Mentions()
                own.add(of(doc).get(trial, []))
                union.add(of(doc).get(trial, []))
                mine = [c for c in own.mentions if _key(c, prefix) == trial]
                total.update(own.counts(mine), sign=-1)
            mine = [c for c in union.mentions if _key(c, prefix) == trial]
            total.update(union.counts(mine))
            if union.unusual is not None:
                self.fallback = f"trial {trial}: {union.unusual}"
                return None
        self._condition_total = total
        return total

    def listing_figures(self, store: Store, minter: Minter) -> Figures | None:
        """The listing statistics of the store (as :func:`kg.listing_stats.compute` counts
        them over the whole store), after the term graph is written: the documents' sums
        without the trials that several documents state (worked out again from each of
        those documents' graphs in the store and taken out), resolved against the store,
        plus the trials several documents or records state, counted from the store. None
        when the sum does not stand for the store (:attr:`listing_fallback` says why)."""
        if self.fallback is not None:
            self.listing_fallback = self.listing_fallback or self.fallback
        if self.listing_fallback is not None:
            return None
        total = RawListing()
        total.add(self.listings)
        prefix = minter.base + "trial/"
        meta = minter.meta_graph()
        facts: dict[int, dict[str, RawListing]] = {}  # document -> trial -> what it added
        for trial, docs in sorted(self._shared.items()):
            for doc in sorted(docs):
                if doc not in facts:
                    source = minter.source(self._keys[doc])
                    quads: list[Quad] = []
                    for g in store.quads_for_pattern(None, _DERIVED_FROM, source, meta):
                        assert isinstance(g.subject, NamedNode)
                        quads += graph_quads(store, g.subject)
                    found = trial_facts(quads, prefix)
                    if found.unusual is not None:
                        self.listing_fallback = f"{self._keys[doc]}: {found.unusual}"
                        return None
                    facts[doc] = found.added
                if trial in facts[doc]:
                    total.add(facts[doc][trial], -1)
        figures, sponsors = resolve(total, store, self._sponsor_names)
        recount = sorted(prefix + t for t in {*self._shared, *self.listing_several})
        if not sponsors:
            figures.sponsors = compute(store, parts=("s",)).sponsors
        figures.add(compute(store, recount, parts=("c", "r", "s") if sponsors else ("c", "r")))
        return figures

    def _graphs_counted_twice(self, store: Store, minter: Minter) -> tuple[int, int] | None:
        """The quads of record graphs that several documents wrote, and of the metadata
        about them, counted more than once. Such a graph (the same record, by its hash, in
        two documents: two search results that both hold a study) must have the same
        quads in each, or the trials' entities cannot be counted from the store's graphs
        (then :attr:`fallback` says so)."""
        meta = minter.meta_graph()
        over_quads = over_meta = 0
        for graph, sizes in self._again.items():
            g = NamedNode(graph)
            first = self._graphs[graph]
            stored = sum(1 for _ in store.quads_for_pattern(None, None, None, g))
            about = sum(1 for _ in store.quads_for_pattern(g, None, None, meta))
            if any(n != stored for n, _ in (first, *sizes)):
                self.fallback = f"record graph {graph}: not the same quads in each document"
                return None
            over_quads += first[0] + sum(n for n, _ in sizes) - stored
            over_meta += first[1] + sum(m for _, m in sizes) - about
        return over_quads, over_meta

    def _overcounted(self, store: Store, minter: Minter) -> Counter[str]:
        """Per class, the entities of shared trials counted more than once: each document
        counted the ones it typed (the typed quads of its own record graphs, which no
        other document writes), the store holds their union."""
        prefix = minter.base + "trial/"
        typed: dict[int, dict[str, set[tuple[str, str]]]] = {}  # document -> trial -> pairs

        def of(doc: int) -> dict[str, set[tuple[str, str]]]:
            if doc not in typed:
                found: dict[str, set[tuple[str, str]]] = {}
                source = minter.source(self._keys[doc])
                meta = minter.meta_graph()
                for g in store.quads_for_pattern(None, _DERIVED_FROM, source, meta):
                    graph = g.subject
                    assert isinstance(graph, NamedNode)
                    for q in store.quads_for_pattern(None, _TYPE, None, graph):
                        s, o = q.subject, q.object
                        if not (isinstance(s, NamedNode) and isinstance(o, NamedNode)):
                            continue
                        if s.value.startswith(prefix) and o.value.startswith(CTO):
                            trial = s.value[len(prefix) :].partition("/")[0]
                            found.setdefault(trial, set()).add((s.value, o.value))
                typed[doc] = found
            return typed[doc]

        over: Counter[str] = Counter()
        for trial, docs in self._shared.items():
            union: set[tuple[str, str]] = set()
            for doc in sorted(docs):
                pairs = of(doc).get(trial, set())
                over.update(cls for _, cls in pairs)
                union |= pairs
            over.subtract(cls for _, cls in union)
        return over


_STUDIES = NamedNode(CTO + "studiesCondition")
_OF_MENTION = tuple(NamedNode(p) for p in (RDF_LABEL, CTO + "unlinkedReason", CTO + "mapping"))
_OF_MAPPING = (NamedNode(CTO + "mappingPredicate"), NamedNode(CTO + "mappedTerm"))


def _mention_quads(store: Store, graph: NamedNode) -> list[Quad]:
    """The quads of a record graph that the condition coverage reads (as
    :func:`kg.streamed_coverage.coverage_lines` finds them in its N-Quads)."""
    out = list(store.quads_for_pattern(None, _STUDIES, None, graph))
    for q in list(out):
        c = q.object
        if not isinstance(c, NamedNode):
            continue
        for p in _OF_MENTION:
            found = list(store.quads_for_pattern(c, p, None, graph))
            out += found
            if p.value == CTO + "mapping":
                for f in found:
                    if isinstance(f.object, NamedNode):
                        for p2 in _OF_MAPPING:
                            out += store.quads_for_pattern(f.object, p2, None, graph)
    return out


def _key(iri: str, prefix: str) -> str:
    return iri[len(prefix) :].partition("/")[0] if iri.startswith(prefix) else ""


def _trial_of(q: Quad, prefix: str) -> str:
    """The trial a mention quad is about: its mention's (or mapping's) trial key."""
    s = q.subject
    if q.predicate == _STUDIES and isinstance(q.object, NamedNode):
        return _key(q.object.value, prefix)
    return _key(s.value, prefix) if isinstance(s, NamedNode) else ""
