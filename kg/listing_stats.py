"""Listing statistics: the counts over every trial that three canned listings show
(queries/trials-by-country.rq, trials-with-results.rq, trials-by-sponsor.rq), computed by
the build and stored in a graph of their own (``graph/listings``), so that a listing reads
a few hundred stored figures instead of aggregating the whole store at request time.

What a trial adds to each figure depends on that trial alone (the union of its records'
graphs), so each figure is a sum over trials:

* per country (the site countries as the records write them): the trials with a
  country-sites summary there (kg.summary) and their sites (for a trial that one record
  states, the record's count; for a trial that several records state, the distinct sites
  of all its records there), both for all trials and for the trials giving a cell product;
* per (dimension, key) of the trials with posted results: ``all`` (every such trial), the
  UBERON tissue of their products, their phases, their conditions (the linked term that has
  a label, else the condition as written);
* per (sponsor name, agency class, role): the trials a sponsor leads or supports.

Vocabulary (cto: terms, declared in ontology/celltrials.ttl; no rdf:type, so the VoID
class figures do not count them)::

    <{base}listing> cto:listingVersion "2" .  # VERSION
    <{base}listing/country/{sha}> cto:listingCountry "France" ;
        cto:listingTrials 12 ; cto:listingSites 30 ;
        cto:listingCellProductTrials 4 ; cto:listingCellProductSites 9 .
    <{base}listing/results/{sha}> cto:listingDimension "tissue" ;
        cto:listingKey obo:UBERON_0002373 ; cto:listingTrials 3 .
    <{base}listing/sponsor/{sha}> cto:listingSponsor "Acme" ; cto:listingAgencyClass "INDUSTRY" ;
        cto:listingRole "lead" ; cto:listingTrials 7 ; cto:listingSponsorNode <{base}sponsor/acme> .

IRIs are the sha256 of the key (deterministic). A node with no trial left is removed.

A new store gets its figures added up from the quads as they stream to the loader
(:mod:`kg.streamed_listings`); a store whose derived figures cannot be trusted (or a new one
whose quads are not as the writer makes them) gets every figure from one aggregation over
the store at the end of the build (:func:`refresh` without a tracker). The same graph holds
the condition link coverage that ``link-coverage`` reads (:mod:`kg.listing_coverage`),
kept up to date the same ways.
An update follows the change (:class:`Tracker`): before a document is replaced, the
contributions of the trials it touches (the trials typed in its old and new graphs) are
read with a query restricted to them; at the end of the build their contributions are
read again, and the stored figures of the keys whose sum moved are changed by the
difference. A sponsor is the one node several trials share: when a touched sponsor's names
or agency classes changed, the sponsor figures are counted again over the store. A store
whose listing graph is missing or of another :data:`VERSION` (an older build) gets all
figures counted again by the next ``kg build``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from kg import listing_coverage
from kg.rdf import PREFIXES, Minter
from kg.streamed_coverage import ConditionCounts

__all__ = [
    "TOUCHED_MAX",
    "VERSION",
    "Figures",
    "Tracker",
    "compute",
    "graph",
    "quads",
    "refresh",
    "stored_version",
]

# Change when what is counted or how it is stored changes: a store with another version
# gets its figures counted again by the next build.
VERSION = "3"  # 3: with the condition link coverage (kg.listing_coverage)
# Past this many touched trials an update counts every figure again at the end (one
# aggregation) instead of reading each document's trials before and after.
TOUCHED_MAX = 2_000

CTO = PREFIXES["cto"]
_XSD_INTEGER = NamedNode(PREFIXES["xsd"] + "integer")
_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_TRIAL = NamedNode(CTO + "Trial")
_LABEL = NamedNode(PREFIXES["rdfs"] + "label")
_LEAD = NamedNode(CTO + "leadSponsor")
_COLLABORATOR = NamedNode(CTO + "collaborator")
_AGENCY = NamedNode(CTO + "agencyClass")
P_VERSION = NamedNode(CTO + "listingVersion")
P_COUNTRY = NamedNode(CTO + "listingCountry")
P_TRIALS = NamedNode(CTO + "listingTrials")
P_SITES = NamedNode(CTO + "listingSites")
P_CELL_TRIALS = NamedNode(CTO + "listingCellProductTrials")
P_CELL_SITES = NamedNode(CTO + "listingCellProductSites")
P_DIMENSION = NamedNode(CTO + "listingDimension")
P_KEY = NamedNode(CTO + "listingKey")
P_SPONSOR = NamedNode(CTO + "listingSponsor")
P_AGENCY = NamedNode(CTO + "listingAgencyClass")
P_ROLE = NamedNode(CTO + "listingRole")
P_SPONSOR_NODE = NamedNode(CTO + "listingSponsorNode")
_RDF_TYPE_NT = f"<{_TYPE.value}>"
_TRIAL_NT = f"<{_TRIAL.value}>"
_SPONSOR_NTS = {f"<{_LEAD.value}>", f"<{_COLLABORATOR.value}>"}

_PREFIX = f"PREFIX cto: <{CTO}>\nPREFIX rdfs: <{PREFIXES['rdfs']}>\n"

# One row per trial and country-sites summary node and country, with the trial's number of
# sites there (the semantics of the live aggregate: see queries/trials-by-country.rq).
COUNTRY_ROWS = (
    _PREFIX
    + """SELECT ?t ?country ?n ?cell WHERE {
  { SELECT DISTINCT ?t ?cs WHERE { VALUES_T ?t cto:countrySites ?cs } }
  LATERAL {
    SELECT ?cs ?country (MAX(?k) AS ?n0) (COUNT(?k) AS ?records)
    WHERE { ?cs cto:inCountry ?country ; cto:siteCount ?k }
    GROUP BY ?cs ?country
  }
  LATERAL {
    { FILTER(?records = 1) BIND(?n0 AS ?n) }
    UNION
    {
      { FILTER(?records > 1) }
      LATERAL {
        SELECT ?cs ?country (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?t2 cto:countrySites ?cs .
          ?t2 cto:site ?s .
          ?s cto:country ?country .
        }
        GROUP BY ?cs ?country
      }
    }
  }
  BIND(EXISTS { ?t cto:studiesProduct ?p } AS ?cell)
}"""
)

# One row per trial with posted results and (dimension, key) it counts under (see
# queries/trials-with-results.rq).
RESULTS_ROWS = (
    _PREFIX
    + """SELECT DISTINCT ?t ?dimension ?key WHERE {
  { SELECT DISTINCT ?t WHERE { VALUES_T ?t cto:hasResults ?r } }
  LATERAL {
    {
      BIND("all" AS ?dimension)
      BIND("" AS ?key)
    } UNION {
      ?t cto:studiesProduct/cto:tissueSource ?key .
      BIND("tissue" AS ?dimension)
    } UNION {
      ?t cto:phase ?key .
      BIND("phase" AS ?dimension)
    } UNION {
      ?t cto:studiesCondition ?c .
      ?c rdfs:label ?name .
      OPTIONAL { ?c cto:mapping/cto:mappedTerm ?term FILTER EXISTS { ?term rdfs:label ?term_label } }
      BIND("condition" AS ?dimension)
      BIND(COALESCE(?term, ?name) AS ?key)
    }
  }
}"""
)

# One row per trial and (sponsor name, agency class, role) it counts under (see
# queries/trials-by-sponsor.rq).
SPONSOR_ROWS = (
    _PREFIX
    + """SELECT DISTINCT ?t ?sponsor ?agency_class ?role WHERE {
  { SELECT DISTINCT ?t ?s ?role WHERE {
      VALUES_T
      { ?t cto:leadSponsor ?s . BIND("lead" AS ?role) }
      UNION
      { ?t cto:collaborator ?s . BIND("collaborator" AS ?role) }
  } }
  LATERAL { SELECT DISTINCT ?s ?sponsor WHERE { ?s rdfs:label ?sponsor } }
  LATERAL { OPTIONAL { SELECT DISTINCT ?s ?agency_class WHERE { ?s cto:agencyClass ?agency_class } } }
}"""
)

CountryKey = Literal  # the country as the sites write it
ResultsKey = tuple[str, NamedNode | Literal]  # (dimension, key)
SponsorKey = tuple[Literal, Literal | None, str]  # (name, agency class, role)


@dataclass(slots=True)
class Figures:
    """Sums over trials: per country [trials, sites, cell-product trials, their sites];
    per (dimension, key) trials with results; per (sponsor, agency class, role) trials."""

    countries: dict[CountryKey, list[int]] = field(default_factory=dict)
    results: Counter[ResultsKey] = field(default_factory=Counter)
    sponsors: Counter[SponsorKey] = field(default_factory=Counter)

    def add(self, other: Figures, sign: int = 1) -> None:
        for country, v in other.countries.items():
            mine = self.countries.setdefault(country, [0, 0, 0, 0])
            for i in range(4):
                mine[i] += sign * v[i]
        for rk, n in other.results.items():
            self.results[rk] += sign * n
        for sk, n in other.sponsors.items():
            self.sponsors[sk] += sign * n


def graph(minter: Minter) -> NamedNode:
    """The named graph of the listing statistics."""
    return NamedNode(f"{minter.base}graph/listings")


def _root(minter: Minter) -> NamedNode:
    return NamedNode(f"{minter.base}listing")


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:24]


def country_node(minter: Minter, country: CountryKey) -> NamedNode:
    return NamedNode(f"{minter.base}listing/country/{_sha(str(country))}")


def results_node(minter: Minter, key: ResultsKey) -> NamedNode:
    return NamedNode(f"{minter.base}listing/results/{_sha(key[0], str(key[1]))}")


def sponsor_node(minter: Minter, key: SponsorKey) -> NamedNode:
    agency = "-" if key[1] is None else str(key[1])
    return NamedNode(f"{minter.base}listing/sponsor/{_sha(str(key[0]), agency, key[2])}")


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=_XSD_INTEGER)


def _values(trials: Iterable[str] | None) -> Iterator[str]:
    """The VALUES clause of each chunk of trials (one empty clause for all trials)."""
    if trials is None:
        yield ""
        return
    ordered = sorted(trials)
    for i in range(0, len(ordered), 500):
        yield "VALUES ?t { " + " ".join(f"<{t}>" for t in ordered[i : i + 500]) + " }"


def _rows(store: Store, text: str, trials: Iterable[str] | None) -> Iterator[QuerySolutions]:
    for clause in _values(trials):
        result = store.query(text.replace("VALUES_T", clause), use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        yield result


def compute(
    store: Store, trials: Iterable[str] | None = None, *, parts: tuple[str, ...] = ("c", "r", "s")
) -> Figures:
    """The figures of some trials (all trials when ``trials`` is None), counted in the
    store as it is now. ``parts``: which figures (countries, results, sponsors)."""
    trials = None if trials is None else sorted(set(trials))
    out = Figures()
    if trials is not None and not trials:
        return out
    if "c" in parts:
        for result in _rows(store, COUNTRY_ROWS, trials):
            for row in result:
                country, n, cell = row["country"], row["n"], row["cell"]
                if not isinstance(country, Literal) or not isinstance(n, Literal):
                    continue
                sites = int(n.value)
                is_cell = isinstance(cell, Literal) and cell.value == "true"
                v = out.countries.setdefault(country, [0, 0, 0, 0])
                v[0] += 1
                v[1] += sites
                if is_cell:
                    v[2] += 1
                    v[3] += sites
    if "r" in parts:
        for result in _rows(store, RESULTS_ROWS, trials):
            for row in result:
                dimension, key = row["dimension"], row["key"]
                if isinstance(dimension, Literal) and isinstance(key, NamedNode | Literal):
                    out.results[dimension.value, key] += 1
    if "s" in parts:
        for result in _rows(store, SPONSOR_ROWS, trials):
            for row in result:
                sponsor, agency, role = row["sponsor"], row["agency_class"], row["role"]
                if not isinstance(sponsor, Literal) or not isinstance(role, Literal):
                    continue
                ac = agency if isinstance(agency, Literal) else None
                out.sponsors[sponsor, ac, role.value] += 1
    return out


def _country_quads(m: Minter, country: CountryKey, v: list[int], g: NamedNode) -> list[Quad]:
    node = country_node(m, country)
    return [
        Quad(node, P_COUNTRY, country, g),
        Quad(node, P_TRIALS, _integer(v[0]), g),
        Quad(node, P_SITES, _integer(v[1]), g),
        Quad(node, P_CELL_TRIALS, _integer(v[2]), g),
        Quad(node, P_CELL_SITES, _integer(v[3]), g),
    ]


def _results_quads(m: Minter, key: ResultsKey, n: int, g: NamedNode) -> list[Quad]:
    node = results_node(m, key)
    return [
        Quad(node, P_DIMENSION, Literal(key[0]), g),
        Quad(node, P_KEY, key[1], g),
        Quad(node, P_TRIALS, _integer(n), g),
    ]


def _sponsor_quads(m: Minter, key: SponsorKey, n: int, g: NamedNode) -> list[Quad]:
    node = sponsor_node(m, key)
    out = [Quad(node, P_SPONSOR, key[0], g)]
    if key[1] is not None:
        out.append(Quad(node, P_AGENCY, key[1], g))
    out += [
        Quad(node, P_ROLE, Literal(key[2]), g),
        Quad(node, P_TRIALS, _integer(n), g),
        # the sponsor's node (kg.rdf mints it from the name the label holds), whose trials
        # the listing looks up for the rows of a page
        Quad(node, P_SPONSOR_NODE, m.sponsor(key[0].value), g),
    ]
    return out


def quads(figures: Figures, minter: Minter) -> list[Quad]:
    """The listing graph for given figures (keys with no trial left out), in a stable
    order."""
    g = graph(minter)
    out = [Quad(_root(minter), P_VERSION, Literal(VERSION), g)]
    for country in sorted(figures.countries, key=str):
        v = figures.countries[country]
        if v[0] > 0:
            out += _country_quads(minter, country, v, g)
    for rk in sorted(figures.results, key=lambda k: (k[0], str(k[1]))):
        if figures.results[rk] > 0:
            out += _results_quads(minter, rk, figures.results[rk], g)
    for sk in sorted(figures.sponsors, key=lambda k: (str(k[0]), str(k[1]), k[2])):
        if figures.sponsors[sk] > 0:
            out += _sponsor_quads(minter, sk, figures.sponsors[sk], g)
    return out


def stored_version(store: Store, minter: Minter) -> str | None:
    """The version of the listing figures in the store (None when it has none)."""
    for q in store.quads_for_pattern(_root(minter), P_VERSION, None, graph(minter)):
        return q.object.value if isinstance(q.object, Literal) else None
    return None


class Tracker:
    """What an update changes in the listing figures, document by document (see the
    module's description). ``full``: count everything again at the end instead."""

    def __init__(self, store: Store, minter: Minter) -> None:
        self.store = store
        self.minter = minter
        self.full = stored_version(store, minter) != VERSION
        self.before = Figures()
        self.coverage_before = ConditionCounts()  # (kg.listing_coverage)
        self.trials: set[str] = set()
        self.sponsors: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def touch(self, dropped: Iterable[NamedNode], payload: bytes) -> None:
        """Before a document is replaced: its record graphs about to be dropped, and the
        N-Quads about to be written."""
        if self.full:
            return
        store = self.store
        trials: set[str] = set()
        sponsors: set[str] = set()
        for line in payload.decode("utf-8").splitlines() if payload else ():
            parts = line.split(" ", 3)
            if len(parts) < 4:
                continue
            subject, predicate, obj = parts[0], parts[1], parts[2]
            if predicate == _RDF_TYPE_NT and obj == _TRIAL_NT and subject.startswith("<"):
                trials.add(subject[1:-1])
            elif predicate in _SPONSOR_NTS and obj.startswith("<"):
                sponsors.add(obj[1:-1])
        for g in dropped:
            for q in store.quads_for_pattern(None, _TYPE, _TRIAL, g):
                if isinstance(q.subject, NamedNode):
                    trials.add(q.subject.value)
            for p in (_LEAD, _COLLABORATOR):
                for q in store.quads_for_pattern(None, p, None, g):
                    if isinstance(q.object, NamedNode):
                        sponsors.add(q.object.value)
        new = trials - self.trials
        if len(self.trials) + len(new) > TOUCHED_MAX:
            self.full = True
            return
        if listing_coverage.mentions_outside(store, new) is not None:
            self.full = True
            return
        self.trials |= new
        self.before.add(compute(store, new))
        self.coverage_before.update(listing_coverage.counts(store, new))
        for s in sponsors - set(self.sponsors):
            self.sponsors[s] = self._sponsor(s)

    def _sponsor(self, iri: str) -> tuple[frozenset[str], frozenset[str]]:
        node = NamedNode(iri)
        return (
            frozenset(str(q.object) for q in self.store.quads_for_pattern(node, _LABEL, None)),
            frozenset(str(q.object) for q in self.store.quads_for_pattern(node, _AGENCY, None)),
        )

    def sponsors_changed(self) -> bool:
        """Whether a touched sponsor's names or agency classes changed (then the trials of
        that sponsor that were not touched count under other keys)."""
        return any(self._sponsor(s) != was for s, was in self.sponsors.items())

    def settle(self) -> bool:
        """Change the stored figures by the difference (after the derived term graph is
        written: a condition's key depends on its term's label). Returns whether the
        caller must count everything again instead."""
        if self.full:
            return True
        if not self.trials:
            return False
        m, store, g = self.minter, self.store, graph(self.minter)
        if listing_coverage.mentions_outside(store, self.trials) is not None:
            return True
        coverage = listing_coverage.counts(store, self.trials)
        coverage.update(self.coverage_before, -1)
        listing_coverage.apply_delta(store, m, g, coverage)
        recount_sponsors = self.sponsors_changed()
        parts = ("c", "r") if recount_sponsors else ("c", "r", "s")
        delta = compute(store, self.trials, parts=parts)
        delta.add(self.before, -1)
        if recount_sponsors:
            delta.sponsors = Counter()
        changes: list[tuple[NamedNode, list[Quad]]] = []
        for country, v in delta.countries.items():
            if any(v):
                node = country_node(m, country)
                was = [self._int(node, p) for p in (P_TRIALS, P_SITES, P_CELL_TRIALS, P_CELL_SITES)]
                now = [a + b for a, b in zip(was, v, strict=True)]
                changes.append((node, _country_quads(m, country, now, g) if now[0] > 0 else []))
        for rk, n in delta.results.items():
            if n:
                node = results_node(m, rk)
                now_n = self._int(node, P_TRIALS) + n
                changes.append((node, _results_quads(m, rk, now_n, g) if now_n > 0 else []))
        for sk, n in delta.sponsors.items():
            if n:
                node = sponsor_node(m, sk)
                now_n = self._int(node, P_TRIALS) + n
                changes.append((node, _sponsor_quads(m, sk, now_n, g) if now_n > 0 else []))
        for node, new in changes:
            for q in list(store.quads_for_pattern(node, None, None, g)):
                store.remove(q)
            for q in new:
                store.add(q)
        if recount_sponsors:
            self._replace_sponsors(compute(store, parts=("s",)))
        return False

    def _int(self, node: NamedNode, predicate: NamedNode) -> int:
        for q in self.store.quads_for_pattern(node, predicate, None, graph(self.minter)):
            return int(q.object.value) if isinstance(q.object, Literal) else 0
        return 0

    def _replace_sponsors(self, figures: Figures) -> None:
        store, g = self.store, graph(self.minter)
        for q in list(store.quads_for_pattern(None, P_SPONSOR, None, g)):
            node = q.subject
            for old in list(store.quads_for_pattern(node, None, None, g)):
                store.remove(old)
        keep = Figures(sponsors=figures.sponsors)
        for q in quads(keep, self.minter):
            if q.predicate != P_VERSION:
                store.add(q)


def refresh(
    store: Store,
    minter: Minter,
    tracker: Tracker | None,
    summed: Figures | None = None,
    coverage: ConditionCounts | None = None,
) -> None:
    """Bring the stored listing figures and condition coverage up to date at the end of a
    build: by difference with a tracker that followed the update; else ``summed`` and
    ``coverage`` (a new store's figures added up from the streamed quads,
    :mod:`kg.streamed_listings`, :mod:`kg.streamed_coverage`); else counted over the whole
    store."""
    if tracker is not None and not tracker.settle():
        return
    g = graph(minter)
    if tracker is not None:
        summed = coverage = None
    new = quads(summed if summed is not None else compute(store), minter)
    counted = coverage if coverage is not None else listing_coverage.counts(store)
    new += listing_coverage.quads(counted, minter, g)
    store.update(f"DROP SILENT GRAPH <{g.value}>")
    store.extend(new)
