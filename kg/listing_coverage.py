"""The condition link coverage (what the canned query ``link-coverage`` reports: mentions that
name a condition and those linked, mentions by kind, the most frequent unlinked names)
stored by the build in the listing graph (``graph/listings``, :mod:`kg.listing_stats`), so
that the query reads a few hundred stored figures instead of every condition mention of the
store (14.6 s at 100,000 trials).

Every unlinked (kind, name) is stored with its count, not only the 25 the query shows, so
that an update can change them by difference. Vocabulary (cto: terms declared in
ontology/celltrials.ttl)::

    <{base}listing/coverage> cto:coverageMentions 24111 ;
        cto:coverageNaming 22789 ; cto:coverageLinked 20238 .
    <{base}listing/coverage/kind/{sha}> cto:coverageKind "linked: skos:exactMatch MONDO" ;
        cto:coverageKindMentions 15000 .
    <{base}listing/coverage/unlinked/{sha}> cto:coverageUnlinkedKind "unlinked: no term" ;
        cto:coverageUnlinkedName "Stiff knee" ; cto:coverageUnlinkedMentions 12 .

The figures are :class:`kg.streamed_coverage.ConditionCounts`: a new store's come from the
streamed quads (:meth:`kg.streamed.Streamed.condition_counts`); an update's follow the
trials it touches (:func:`counts` restricted to them, before and after); otherwise they are
counted over the whole store (:func:`counts` of every trial: the query's patterns, without
its limit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from kg.rdf import PREFIXES, Minter
from kg.streamed_coverage import ConditionCounts

__all__ = ["COUNTS", "apply_delta", "counts", "mentions_outside", "quads", "stored"]

CTO = PREFIXES["cto"]
_XSD_INTEGER = NamedNode(PREFIXES["xsd"] + "integer")
P_MENTIONS = NamedNode(CTO + "coverageMentions")
P_NAMING = NamedNode(CTO + "coverageNaming")
P_LINKED = NamedNode(CTO + "coverageLinked")
P_KIND = NamedNode(CTO + "coverageKind")
P_KIND_MENTIONS = NamedNode(CTO + "coverageKindMentions")
P_UNLINKED_KIND = NamedNode(CTO + "coverageUnlinkedKind")
P_UNLINKED_NAME = NamedNode(CTO + "coverageUnlinkedName")
P_UNLINKED_MENTIONS = NamedNode(CTO + "coverageUnlinkedMentions")
_STUDIES = NamedNode(CTO + "studiesCondition")

# The figures of queries/link-coverage.rq's portable form (the whole-store count), each
# section without a limit, for the trials of VALUES_T (every trial when it is empty).
COUNTS = f"""PREFIX cto: <{CTO}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
SELECT ?what ?kind ?name ?n WHERE {{
  {{ SELECT ("all" AS ?what) (COUNT(DISTINCT ?c) AS ?n) WHERE {{
      VALUES_T ?t cto:studiesCondition ?c
  }} }}
  UNION
  {{ SELECT ("naming" AS ?what) (COUNT(DISTINCT ?c) AS ?n) WHERE {{
      VALUES_T ?t cto:studiesCondition ?c .
      FILTER NOT EXISTS {{
        ?c cto:unlinkedReason ?r FILTER(?r IN ("healthy volunteers", "procedure", "population", "intervention", "measure", "unspecific"))
      }}
  }} }}
  UNION
  {{ SELECT ("linked" AS ?what) (COUNT(DISTINCT ?c) AS ?n) WHERE {{
      VALUES_T ?t cto:studiesCondition ?c . FILTER EXISTS {{ ?c cto:mapping ?m }}
  }} }}
  UNION
  {{ SELECT ("kind" AS ?what) ?kind (COUNT(DISTINCT ?c) AS ?n) WHERE {{
      VALUES_T ?t cto:studiesCondition ?c .
      OPTIONAL {{
        ?c cto:mapping ?m .
        ?m cto:mappingPredicate ?pred ; cto:mappedTerm ?term .
      }}
      OPTIONAL {{ ?c cto:unlinkedReason ?reason }}
      BIND(IF(BOUND(?m),
              CONCAT("linked: ", REPLACE(STR(?pred), "^.*#", "skos:"), " ",
                     REPLACE(STR(?term), "^http://purl.obolibrary.org/obo/([A-Za-z]+)_.*$", "$1")),
              CONCAT("unlinked: ", COALESCE(?reason, "no reason recorded"))) AS ?kind)
  }} GROUP BY ?kind }}
  UNION
  {{ SELECT ("unlinked" AS ?what) ?kind ?name (COUNT(DISTINCT ?c) AS ?n) WHERE {{
      VALUES_T ?t cto:studiesCondition ?c .
      ?c rdfs:label ?name .
      FILTER NOT EXISTS {{ ?c cto:mapping ?m }}
      OPTIONAL {{ ?c cto:unlinkedReason ?reason }}
      BIND(CONCAT("unlinked: ", COALESCE(?reason, "no reason recorded")) AS ?kind)
  }} GROUP BY ?kind ?name }}
}}"""


def counts(store: Store, trials: Iterable[str] | None = None) -> ConditionCounts:
    """The coverage figures of the condition mentions of some trials (every trial when
    ``trials`` is None), counted in the store as it is now. They add up over sets of trials
    as long as no mention is studied by a trial it is not minted under
    (:func:`mentions_outside`)."""
    out = ConditionCounts()
    if trials is None:
        clauses = [""]
    else:
        ordered = sorted(set(trials))
        clauses = [
            "VALUES ?t { " + " ".join(f"<{t}>" for t in ordered[i : i + 500]) + " }"
            for i in range(0, len(ordered), 500)
        ]
    for clause in clauses:
        result = store.query(COUNTS.replace("VALUES_T", clause), use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        for row in result:
            _add(out, row["what"], row["kind"], row["name"], row["n"])
    return out


def _add(out: ConditionCounts, what: Any, kind: Any, name: Any, n: Any) -> None:
    count = int(n.value) if isinstance(n, Literal) else 0
    what = what.value if isinstance(what, Literal) else ""
    if what == "all":
        out.mentions += count
    elif what == "naming":
        out.naming += count
    elif what == "linked":
        out.linked += count
    elif what == "kind" and isinstance(kind, Literal):
        out.by_kind[kind.value] += count
    elif what == "unlinked" and isinstance(kind, Literal) and isinstance(name, Literal):
        out.unlinked[kind.value, name.value] += count


def mentions_outside(store: Store, trials: Iterable[str]) -> str | None:
    """A condition mention one of ``trials`` studies that is not minted under it (then
    the figures of those trials do not add up: the update counts everything again), or
    None."""
    for t in trials:
        for q in store.quads_for_pattern(NamedNode(t), _STUDIES, None):
            if not isinstance(q.object, NamedNode) or not q.object.value.startswith(t + "/"):
                return str(q.object)
    return None


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:24]


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=_XSD_INTEGER)


def root(minter: Minter) -> NamedNode:
    return NamedNode(f"{minter.base}listing/coverage")


def kind_node(minter: Minter, kind: str) -> NamedNode:
    return NamedNode(f"{minter.base}listing/coverage/kind/{_sha(kind)}")


def unlinked_node(minter: Minter, kind: str, name: str) -> NamedNode:
    return NamedNode(f"{minter.base}listing/coverage/unlinked/{_sha(kind, name)}")


def _root_quads(m: Minter, c: ConditionCounts, g: NamedNode) -> list[Quad]:
    node = root(m)
    return [
        Quad(node, P_MENTIONS, _integer(c.mentions), g),
        Quad(node, P_NAMING, _integer(c.naming), g),
        Quad(node, P_LINKED, _integer(c.linked), g),
    ]


def _kind_quads(m: Minter, kind: str, n: int, g: NamedNode) -> list[Quad]:
    node = kind_node(m, kind)
    return [Quad(node, P_KIND, Literal(kind), g), Quad(node, P_KIND_MENTIONS, _integer(n), g)]


def _unlinked_quads(m: Minter, key: tuple[str, str], n: int, g: NamedNode) -> list[Quad]:
    node = unlinked_node(m, *key)
    return [
        Quad(node, P_UNLINKED_KIND, Literal(key[0]), g),
        Quad(node, P_UNLINKED_NAME, Literal(key[1]), g),
        Quad(node, P_UNLINKED_MENTIONS, _integer(n), g),
    ]


def quads(c: ConditionCounts, minter: Minter, graph: NamedNode) -> list[Quad]:
    """The stored figures of ``c`` in ``graph`` (kinds and names with no mention left out),
    in a stable order."""
    out = _root_quads(minter, c, graph)
    for kind in sorted(c.by_kind):
        if c.by_kind[kind] > 0:
            out += _kind_quads(minter, kind, c.by_kind[kind], graph)
    for key in sorted(c.unlinked):
        if c.unlinked[key] > 0:
            out += _unlinked_quads(minter, key, c.unlinked[key], graph)
    return out


def _stored(store: Store, node: NamedNode, p: NamedNode, g: NamedNode) -> int:
    for q in store.quads_for_pattern(node, p, None, g):
        return int(q.object.value) if isinstance(q.object, Literal) else 0
    return 0


def apply_delta(store: Store, minter: Minter, graph: NamedNode, delta: ConditionCounts) -> None:
    """Change the stored figures by ``delta`` (only the nodes whose count moved)."""
    changes: list[tuple[NamedNode, list[Quad]]] = []
    if delta.mentions or delta.naming or delta.linked:
        node = root(minter)
        now = ConditionCounts(
            naming=_stored(store, node, P_NAMING, graph) + delta.naming,
            linked=_stored(store, node, P_LINKED, graph) + delta.linked,
            mentions=_stored(store, node, P_MENTIONS, graph) + delta.mentions,
        )
        changes.append((node, _root_quads(minter, now, graph)))
    for kind, n in delta.by_kind.items():
        if n:
            node = kind_node(minter, kind)
            total = _stored(store, node, P_KIND_MENTIONS, graph) + n
            changes.append((node, _kind_quads(minter, kind, total, graph) if total > 0 else []))
    for key, n in delta.unlinked.items():
        if n:
            node = unlinked_node(minter, *key)
            total = _stored(store, node, P_UNLINKED_MENTIONS, graph) + n
            changes.append((node, _unlinked_quads(minter, key, total, graph) if total > 0 else []))
    for node, new in changes:
        for q in list(store.quads_for_pattern(node, None, None, graph)):
            store.remove(q)
        for q in new:
            store.add(q)


def stored(store: Store, minter: Minter, graph: NamedNode) -> ConditionCounts | None:
    """The figures stored in ``graph`` (None when it holds none: a store built before
    them)."""
    node = root(minter)
    if not any(True for _ in store.quads_for_pattern(node, P_MENTIONS, None, graph)):
        return None
    out = ConditionCounts(
        naming=_stored(store, node, P_NAMING, graph),
        linked=_stored(store, node, P_LINKED, graph),
        mentions=_stored(store, node, P_MENTIONS, graph),
    )
    for q in store.quads_for_pattern(None, P_KIND, None, graph):
        if isinstance(q.subject, NamedNode) and isinstance(q.object, Literal):
            out.by_kind[q.object.value] += _stored(store, q.subject, P_KIND_MENTIONS, graph)
    for q in store.quads_for_pattern(None, P_UNLINKED_NAME, None, graph):
        s, name = q.subject, q.object
        if not isinstance(s, NamedNode) or not isinstance(name, Literal):
            continue
        for k in store.quads_for_pattern(s, P_UNLINKED_KIND, None, graph):
            if isinstance(k.object, Literal):
                n = _stored(store, s, P_UNLINKED_MENTIONS, graph)
                out.unlinked[k.object.value, name.value] += n
    return out
