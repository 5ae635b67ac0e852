"""The results section of a trial page: participant flow, outcome table, adverse events by arm.

:func:`trial_results` asks the store three questions about one trial and shapes the
answers for ``templates/results.html``; the adverse-event rows carry the IRI of the arm each
group is joined to (matched joins only), so the page shows the arm's dose beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kg.server.backend import Row

__all__ = ["ADVERSE_EVENTS", "FLOW", "OUTCOMES", "TrialResultsView", "trial_results"]

# THIS is the trial's IRI (replaced by the caller, as for the other trial queries). Each
# query first finds the trial's own result nodes, then looks their details up (LATERAL,
# an Oxigraph extension): the planner must not start from a property every trial with
# results has (a page then cost in proportion to the store).
FLOW = """
SELECT ?pos ?period ?kind ?type ?g ?gid ?group ?n ?written WHERE {
  { SELECT DISTINCT ?p WHERE { THIS cto:hasResults ?r . ?r cto:hasFlowPeriod ?p } }
  LATERAL {
    ?p cto:position ?pos ; cto:hasFlowCount ?c .
    OPTIONAL { ?p rdfs:label ?period }
    ?c cto:flowKind ?kind ; cto:flowType ?type ; cto:ofGroup ?g ; cto:valueAsWritten ?written .
    OPTIONAL { ?c cto:participants ?n }
    ?g cto:groupId ?gid .
    OPTIONAL { ?g rdfs:label ?group }
  }
} ORDER BY ?pos ?gid
"""

OUTCOMES = """
SELECT ?pos ?title ?type ?timeFrame ?unit ?param ?dispersion ?g ?gid ?group ?arm ?armLabel
       ?class ?category ?value ?spread ?lower ?upper ?pvalues WHERE {
  { SELECT DISTINCT ?m WHERE { THIS cto:hasResults ?r . ?r cto:hasOutcomeMeasure ?m } }
  LATERAL {
  ?m cto:position ?pos ; rdfs:label ?title ; cto:hasMeasurement ?x .
  ?x cto:ofGroup ?g ; cto:valueAsWritten ?value .
  ?g cto:groupId ?gid .
  OPTIONAL { ?g rdfs:label ?group }
  OPTIONAL { ?g cto:groupOfArm ?arm OPTIONAL { ?arm rdfs:label ?armLabel } }
  OPTIONAL { ?m cto:outcomeType ?type }
  OPTIONAL { ?m cto:timeFrame ?timeFrame }
  OPTIONAL { ?m cto:unitOfMeasure ?unit }
  OPTIONAL { ?m cto:paramType ?param }
  OPTIONAL { ?m cto:dispersionType ?dispersion }
  OPTIONAL { ?x cto:classTitle ?class }
  OPTIONAL { ?x cto:category ?category }
  OPTIONAL { ?x cto:spread ?spread }
  OPTIONAL { ?x cto:lowerLimit ?lower }
  OPTIONAL { ?x cto:upperLimit ?upper }
  OPTIONAL {
    SELECT ?m (GROUP_CONCAT(DISTINCT ?p; separator="; ") AS ?pvalues) WHERE {
      ?m cto:hasAnalysis ?a . ?a cto:hasPValue/cto:valueAsWritten ?pv .
      OPTIONAL { ?a cto:statisticalMethod ?method }
      BIND(CONCAT("p=", ?pv, IF(BOUND(?method), CONCAT(" (", ?method, ")"), "")) AS ?p)
    } GROUP BY ?m
  }
  }
} ORDER BY ?pos ?class ?category ?gid
"""

ADVERSE_EVENTS = """
SELECT ?g ?gid ?group ?arm ?armLabel ?status ?method ?score ?note
       ?sa ?sr ?oa ?or ?da ?dr WHERE {
  { SELECT DISTINCT ?g WHERE { THIS cto:hasResults ?r . ?r cto:hasResultGroup ?g } }
  LATERAL {
  ?g cto:resultSection "adverse-events" ; cto:groupId ?gid .
  OPTIONAL { ?g rdfs:label ?group }
  OPTIONAL { ?g cto:groupOfArm ?arm OPTIONAL { ?arm rdfs:label ?armLabel } }
  OPTIONAL { ?g cto:armJoin ?j . ?j cto:joinStatus ?status ; cto:joinMethod ?method ; cto:joinScore ?score
             OPTIONAL { ?j cto:joinNote ?note } }
  OPTIONAL { ?g cto:seriousAffected ?sa } OPTIONAL { ?g cto:seriousAtRisk ?sr }
  OPTIONAL { ?g cto:otherAffected ?oa } OPTIONAL { ?g cto:otherAtRisk ?or }
  OPTIONAL { ?g cto:deathsAffected ?da } OPTIONAL { ?g cto:deathsAtRisk ?dr }
  }
} ORDER BY ?gid
"""


def _text(row: Row, name: str) -> str | None:
    return row[name].value if name in row else None


def _int(row: Row, name: str) -> int | None:
    text = _text(row, name)
    return int(text) if text is not None and text.isdigit() else None


@dataclass
class FlowTable:
    title: str | None
    groups: list[str] = field(default_factory=list)  # group titles, in id order
    rows: list[tuple[str, str, list[str]]] = field(default_factory=list)  # kind, type, counts


@dataclass
class OutcomeTable:
    position: int
    title: str
    type: str | None
    time_frame: str | None
    unit: str | None
    param: str | None
    dispersion: str | None
    groups: list[tuple[str, str | None]] = field(default_factory=list)  # (title, arm label)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (class / category, cells)
    p_values: str | None = None


@dataclass
class EventRow:
    group: str
    arm: str | None  # the arm's IRI, where the join is matched
    arm_label: str | None
    join: str  # "matched · title equals arm label (1.00)"
    join_note: str | None
    serious: tuple[int | None, int | None]
    other: tuple[int | None, int | None]
    deaths: tuple[int | None, int | None]

    @staticmethod
    def rate(pair: tuple[int | None, int | None]) -> str:
        affected, at_risk = pair
        if affected is None or not at_risk:
            return ""
        return f"{affected / at_risk:.1%}"


@dataclass
class TrialResultsView:
    flow: list[FlowTable] = field(default_factory=list)
    outcomes: list[OutcomeTable] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.flow or self.outcomes or self.events)


def trial_results_queries(q: Callable[[str], str]) -> list[str]:
    """The queries :func:`trial_results` runs, in its order (a page prefetches them)."""
    return [q(FLOW), q(OUTCOMES), q(ADVERSE_EVENTS)]


def trial_results(rows: Callable[[str], list[Row]], q: Callable[[str], str]) -> TrialResultsView:
    """The results of the trial ``q`` substitutes for THIS, shaped for the page."""
    view = TrialResultsView()
    view.flow = _flow(rows(q(FLOW)))
    view.outcomes = _outcomes(rows(q(OUTCOMES)))
    for r in rows(q(ADVERSE_EVENTS)):
        status, method = _text(r, "status"), _text(r, "method")
        score = _text(r, "score")
        view.events.append(
            EventRow(
                group=_text(r, "group") or _text(r, "gid") or "",
                arm=_text(r, "arm"),
                arm_label=_text(r, "armLabel"),
                join=" · ".join(x for x in (status, method) if x)
                + (f" ({float(score):.2f})" if score else ""),
                join_note=_text(r, "note"),
                serious=(_int(r, "sa"), _int(r, "sr")),
                other=(_int(r, "oa"), _int(r, "or")),
                deaths=(_int(r, "da"), _int(r, "dr")),
            )
        )
    return view


def _flow(rows: list[Row]) -> list[FlowTable]:
    tables: dict[str, FlowTable] = {}
    cells: dict[tuple[str, str, str, str], str] = {}
    groups: dict[str, dict[str, str]] = {}
    order: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        pos = _text(r, "pos") or ""
        table = tables.setdefault(pos, FlowTable(_text(r, "period")))
        gid = _text(r, "gid") or ""
        groups.setdefault(pos, {})[gid] = _text(r, "group") or gid
        key = (_text(r, "kind") or "", _text(r, "type") or "")
        if key not in order.setdefault(pos, []):
            order[pos].append(key)
        cells[(pos, *key, gid)] = _text(r, "written") or ""
    for pos, table in tables.items():
        ids = sorted(groups[pos])
        table.groups = [groups[pos][g] for g in ids]
        # milestones first (as the record orders them), then the reasons for leaving
        keys = sorted(order[pos], key=lambda k: k[0] != "milestone")
        table.rows = [
            (kind, type_, [cells.get((pos, kind, type_, g), "") for g in ids])
            for kind, type_ in keys
        ]
    return [tables[p] for p in sorted(tables, key=lambda p: int(p) if p.isdigit() else 0)]


def _outcomes(rows: list[Row]) -> list[OutcomeTable]:
    tables: dict[int, OutcomeTable] = {}
    groups: dict[int, dict[str, tuple[str, str | None]]] = {}
    cells: dict[int, dict[str, dict[str, str]]] = {}
    for r in rows:
        pos = _int(r, "pos") or 0
        if pos not in tables:
            tables[pos] = OutcomeTable(
                pos,
                _text(r, "title") or "",
                _text(r, "type"),
                _text(r, "timeFrame"),
                _text(r, "unit"),
                _text(r, "param"),
                _text(r, "dispersion"),
                p_values=_text(r, "pvalues"),
            )
        gid = _text(r, "gid") or ""
        groups.setdefault(pos, {})[gid] = (_text(r, "group") or gid, _text(r, "armLabel"))
        label = " · ".join(x for x in (_text(r, "class"), _text(r, "category")) if x)
        value = _text(r, "value") or ""
        spread, lower, upper = _text(r, "spread"), _text(r, "lower"), _text(r, "upper")
        if spread:
            value += f" ± {spread}"
        elif lower or upper:
            value += f" ({lower or '?'} to {upper or '?'})"
        cells.setdefault(pos, {}).setdefault(label, {})[gid] = value
    for pos, table in tables.items():
        ids = sorted(groups[pos])
        table.groups = [groups[pos][g] for g in ids]
        table.rows = [(label, [row.get(g, "") for g in ids]) for label, row in cells[pos].items()]
    return [tables[p] for p in sorted(tables)]
