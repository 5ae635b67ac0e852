"""The listing statistics of a new store (:mod:`kg.listing_stats`: trials and sites per
country, trials with results per dimension and key, trials per sponsor) added up from the
quads as they stream to the bulk loader, like the VoID figures (:mod:`kg.streamed`) and the
condition coverage (:mod:`kg.streamed_coverage`): the whole-store count took 98.7 s of a
752 s build at 100,000 trials and grows faster than the store.

Each worker finds, in each record's N-Quads, the lines the listings read (a trial's
country-site summaries with their country and count, products and their tissue, results,
phases, sponsors; the condition mentions' lines come from the coverage's search) by one
regular expression, reads those few lines as quads and works out what each trial adds
(:func:`trial_facts`). What a trial adds depends on the union of its records' graphs, so:

* a trial that one record of the document states adds its figures there;
* a trial that several records of one document state is left out and counted at the end
  from the store (:func:`kg.listing_stats.compute` restricted to it);
* a trial that several documents state (a registry copy, a study in two pages) is taken
  out of each document's sum at the end (its figures worked out again from that document's
  graphs in the store, the same way) and counted from the store once.

Two figures depend on more than the trial's own graphs, and are resolved at the end from
the store: a condition's key (the linked term when that term has a label, which the term
graph written at the end gives; else the condition's name), so each trial with results
keeps the signature of its conditions (:attr:`RawListing.conditions`); and a sponsor's
names and agency classes (the sponsor node is shared by its trials), so the sum counts
trials per (sponsor node, role) and spreads them over the node's names and classes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from kg.listing_stats import Figures
from kg.rdf import CTO, RDFS

__all__ = [
    "LISTING_PREDICATES",
    "ConditionSignature",
    "RawListing",
    "listing_lines",
    "resolve",
    "trial_facts",
]

_LABEL = NamedNode(RDFS + "label")
_AGENCY = NamedNode(CTO + "agencyClass")
# The predicates whose quads the listings read (besides the condition mentions').
LISTING_PREDICATES = (
    "countrySites",
    "inCountry",
    "siteCount",
    "studiesProduct",
    "tissueSource",
    "hasResults",
    "phase",
    "leadSponsor",
    "collaborator",
)
_P = {name: NamedNode(CTO + name) for name in LISTING_PREDICATES}
_STUDIES = NamedNode(CTO + "studiesCondition")
_MAPPING = NamedNode(CTO + "mapping")
_TERM = NamedNode(CTO + "mappedTerm")
_LINES = re.compile(
    rb"> <"
    + re.escape(CTO.encode())
    + rb"(?:"
    + b"|".join(p.encode() for p in LISTING_PREDICATES)
    + rb")> "
)

# A trial's conditions as the results listing keys them: per mention, its names and the
# terms its mappings link it to (which of them have a label decides the key at the end).
ConditionSignature = frozenset[tuple[frozenset[Literal], frozenset[NamedNode]]]


_SPONSOR_ABOUT = tuple(b"> <" + p.value.encode() + b"> " for p in (_LABEL, _AGENCY))


def listing_lines(data: bytes, out: list[bytes], sponsors: bytes = b"") -> None:
    """Add to ``out`` the lines of one record's N-Quads whose predicate is one of
    :data:`LISTING_PREDICATES` (one regular expression over the record; a match inside a
    literal is told apart by the text before it, which is no single term), and the names
    and agency classes of the subjects whose IRI starts with ``sponsors`` (the sponsor
    nodes: ``<{base}sponsor/``), found by a byte search for lines starting with it."""
    for m in _LINES.finditer(data):
        at = m.start() + 1  # the space before the predicate
        start = data.rfind(b"\n", 0, at) + 1
        if b" " in data[start:at]:
            continue  # (the text was inside a literal)
        out.append(data[start : data.index(b"\n", at) + 1])
    if not sponsors:
        return
    at = 0 if data.startswith(sponsors) else data.find(b"\n" + sponsors)
    while at >= 0:
        start = at if at == 0 and data.startswith(sponsors) else at + 1
        end = data.index(b"\n", start) + 1
        subject_end = data.find(b"> <", start, end)
        if subject_end > 0 and data.startswith(_SPONSOR_ABOUT, subject_end):
            out.append(data[start:end])
        at = data.find(b"\n" + sponsors, end - 1)


@dataclass(slots=True)
class RawListing:
    """What trials add to the listing figures before the parts that depend on the whole
    store are resolved (:func:`resolve`): countries and the results' keys other than
    conditions as :class:`kg.listing_stats.Figures` counts them; per condition signature
    the trials with results that have it; per (sponsor node, role) the trials."""

    countries: dict[Literal, list[int]] = field(default_factory=dict)
    results: Counter[tuple[str, NamedNode | Literal]] = field(default_factory=Counter)
    conditions: Counter[ConditionSignature] = field(default_factory=Counter)
    sponsors: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: RawListing, sign: int = 1) -> None:
        for country, v in other.countries.items():
            mine = self.countries.setdefault(country, [0, 0, 0, 0])
            for i in range(4):
                mine[i] += sign * v[i]
        for key, n in other.results.items():
            self.results[key] += sign * n
        for sig, n in other.conditions.items():
            self.conditions[sig] += sign * n
        for sk, n in other.sponsors.items():
            self.sponsors[sk] += sign * n


@dataclass(slots=True)
class TrialFacts:
    """Per trial key, what it adds (``added``); the trials that several record graphs of
    the quads state (``several``: counted from the store instead); why the quads cannot be
    added up (``unusual``)."""

    added: dict[str, RawListing] = field(default_factory=dict)
    several: set[str] = field(default_factory=set)
    unusual: str | None = None
    # sponsor node -> its names and agency classes in these quads
    sponsors: dict[str, tuple[set[Literal], set[Literal]]] = field(default_factory=dict)


def _key(iri: str, prefix: str) -> str | None:
    return iri[len(prefix) :].partition("/")[0] if iri.startswith(prefix) else None


def trial_facts(quads: Iterable[Quad], trial_prefix: str, sponsor_prefix: str = "") -> TrialFacts:
    """What each trial adds to the listing figures, from the quads of its records that the
    listings read (:func:`listing_lines` and the condition coverage's lines, or the same
    quads read from the store), as the queries of :mod:`kg.listing_stats` count them; and
    the names and agency classes of the sponsor nodes (IRIs starting with
    ``sponsor_prefix``) among them."""
    out = TrialFacts()
    graphs: dict[str, set[str]] = {}  # trial key -> record graphs
    edges: dict[tuple[str, str], set[NamedNode | Literal]] = {}  # (subject, predicate) -> objects
    for q in quads:
        s = q.subject
        if not isinstance(s, NamedNode):
            out.unusual = f"a blank node with {q.predicate.value}"
            return out
        if sponsor_prefix and s.value.startswith(sponsor_prefix):
            o = q.object
            if not isinstance(o, Literal):
                out.unusual = f"{s.value} {q.predicate.value} {o}: not a literal"
                return out
            names, classes = out.sponsors.setdefault(s.value, (set(), set()))
            (names if q.predicate == _LABEL else classes).add(o)
            continue
        k = _key(s.value, trial_prefix)
        if k is None:
            out.unusual = f"{s.value} {q.predicate.value}: not under a trial"
            return out
        o = q.object
        if not isinstance(o, NamedNode | Literal):
            out.unusual = f"{s.value} {q.predicate.value}: a blank node"
            return out
        graphs.setdefault(k, set()).add(str(q.graph_name))
        edges.setdefault((s.value, q.predicate.value), set()).add(o)

    def objects(subject: str, p: NamedNode) -> set[NamedNode | Literal]:
        return edges.get((subject, p.value), set())

    for k, gs in graphs.items():
        if len(gs) > 1:
            out.several.add(k)
            continue
        t = trial_prefix + k
        raw = RawListing()
        cell = bool(objects(t, _P["studiesProduct"]))
        for cs in objects(t, _P["countrySites"]):
            counts = objects(str(cs.value), _P["siteCount"])
            for country in objects(str(cs.value), _P["inCountry"]):
                if not isinstance(country, Literal) or not counts:
                    continue
                if len(counts) > 1:  # (two counts in one record: leave it to the store)
                    out.several.add(k)
                    break
                n = next(iter(counts))
                if not isinstance(n, Literal) or not re.fullmatch(r"\d+", n.value):
                    out.unusual = f"{cs.value}: a site count {n}"
                    return out
                sites = int(n.value)
                v = raw.countries.setdefault(country, [0, 0, 0, 0])
                v[0] += 1
                v[1] += sites
                if cell:
                    v[2] += 1
                    v[3] += sites
        if k in out.several:
            continue
        if objects(t, _P["hasResults"]):
            raw.results["all", Literal("")] += 1
            tissues = {
                tissue
                for p in objects(t, _P["studiesProduct"])
                for tissue in objects(str(p.value), _P["tissueSource"])
            }
            for tissue in tissues:
                raw.results["tissue", tissue] += 1
            for phase in objects(t, _P["phase"]):
                raw.results["phase", phase] += 1
            signature = frozenset(
                (
                    frozenset(n for n in objects(str(c.value), _LABEL) if isinstance(n, Literal)),
                    frozenset(
                        term
                        for m in objects(str(c.value), _MAPPING)
                        for term in objects(str(m.value), _TERM)
                        if isinstance(term, NamedNode)
                    ),
                )
                for c in objects(t, _STUDIES)
            )
            raw.conditions[signature] += 1
        for role, p in (("lead", _P["leadSponsor"]), ("collaborator", _P["collaborator"])):
            for sponsor in objects(t, p):
                if not isinstance(sponsor, NamedNode):
                    out.unusual = f"{t}: a sponsor {sponsor}"
                    return out
                raw.sponsors[sponsor.value, role] += 1
        out.added[k] = raw
    return out


def lines_facts(lines: list[bytes], trial_prefix: str, sponsor_prefix: str) -> TrialFacts:
    """:func:`trial_facts` of N-Quads lines."""
    if not lines:
        return TrialFacts()
    quads = parse(b"".join(lines), format=RdfFormat.N_QUADS)
    return trial_facts(quads, trial_prefix, sponsor_prefix)


def graph_quads(store: Store, graph: NamedNode) -> list[Quad]:
    """The quads of a record graph that :func:`trial_facts` reads (as the workers found
    them in its N-Quads)."""
    out: list[Quad] = []
    for p in (*_P.values(), _STUDIES):
        out += store.quads_for_pattern(None, p, None, graph)
    for q in store.quads_for_pattern(None, _STUDIES, None, graph):
        c = q.object
        if not isinstance(c, NamedNode):
            continue
        out += store.quads_for_pattern(c, _LABEL, None, graph)
        for mq in store.quads_for_pattern(c, _MAPPING, None, graph):
            out.append(mq)
            if isinstance(mq.object, NamedNode):
                out += store.quads_for_pattern(mq.object, _TERM, None, graph)
    return out


def resolve(
    raw: RawListing,
    store: Store,
    sponsors: dict[str, tuple[set[Literal], set[Literal]]] | None = None,
) -> tuple[Figures, bool]:
    """The figures of ``raw`` with the parts that depend on the whole store resolved from
    it (after the term graph is written): each condition signature's keys (a term with a
    label, else the mention's names), each sponsor node's names and agency classes (from
    ``sponsors``, those of every record added up, else looked up in the store); and
    whether the sponsor figures could be (not when two sponsor nodes share a name, or a
    name is no string: a trial of both nodes would count once under the name, which the
    sum cannot tell; then the figures hold no sponsor)."""
    out = Figures()
    out.countries = {c: list(v) for c, v in raw.countries.items() if any(v)}
    out.results = Counter({k: n for k, n in raw.results.items() if n})
    labelled: dict[NamedNode, bool] = {}

    def has_label(term: NamedNode) -> bool:
        if term not in labelled:
            labelled[term] = any(True for _ in store.quads_for_pattern(term, _LABEL, None))
        return labelled[term]

    for signature, n in raw.conditions.items():
        if not n:
            continue
        keys: set[NamedNode | Literal] = set()
        for names, terms in signature:
            if not names:
                continue  # (a mention without a name gives no row)
            linked = {t for t in terms if has_label(t)}
            keys |= linked or names
        for key in keys:
            out.results["condition", key] += n
    names_of: dict[Literal, NamedNode] = {}
    for (iri, role), n in sorted(raw.sponsors.items()):
        if not n:
            continue
        node = NamedNode(iri)
        known = sponsors.get(iri) if sponsors is not None else None
        if known is not None:
            labels: set[Any] = set(known[0])
            agencies: set[Any] = set(known[1])
        else:
            labels = {q.object for q in store.quads_for_pattern(node, _LABEL, None)}
            agencies = {q.object for q in store.quads_for_pattern(node, _AGENCY, None)}
        classes: list[Literal | None] = [a for a in agencies if isinstance(a, Literal)]
        if len(classes) != len(agencies):
            out.sponsors = Counter()
            return out, False
        for label in labels:
            if not isinstance(label, Literal) or names_of.setdefault(label, node) != node:
                out.sponsors = Counter()
                return out, False
            for agency in classes or [None]:
                out.sponsors[label, agency, role] += n
    return out, True
