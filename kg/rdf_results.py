"""A trial's posted results (:class:`kg.results_model.TrialResults`) -> quads of its record graph.

Called by :func:`kg.rdf.trial_quads`, so results live in the same named graph as the rest
of the record: a rebuild replaces them with it, and the graph's provenance covers them.
IRIs hang under the trial's: ``<trial>/results``, ``<trial>/results/flow/group/FG000``,
``<trial>/results/outcome/3/group/OG001``, ``<trial>/results/adverse-event/serious/7`` ...
(the record's own group ids and list positions: the same record gives the same IRIs).

Shortcuts that the canned queries use: a result group joined to an arm with status
``matched`` says so directly (``cto:groupOfArm``); every join, matched or not, is a
``cto:ArmJoin`` node with its status, method, score and note.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from pyoxigraph import Literal, NamedNode, Quad

from kg.model import Trial
from kg.rdf import DCT, OBO, RDF, RDFS, XSD, Minter, cto, redact, slug
from kg.results_model import (
    AdverseEvents,
    Analysis,
    ArmJoin,
    Count,
    Measure,
    ParticipantFlow,
    ResultGroup,
)
from kg.results_units import stato_terms, uo_unit

__all__ = ["results_quads"]

_TYPE = NamedNode(RDF + "type")
_INT = NamedNode(XSD + "integer")
_DOUBLE = NamedNode(XSD + "double")
_BOOLEAN = NamedNode(XSD + "boolean")
_DECIMAL = NamedNode(XSD + "decimal")


class _Out:
    """The quads of one trial's results in the trial's record graph."""

    __slots__ = ("graph", "quads")

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.quads: list[Quad] = []

    def add(self, s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        node = _PREDICATES.get(p)
        if node is None:
            node = _PREDICATES[p] = cto(p) if ":" not in p else NamedNode(p)
        self.quads.append(Quad(s, node, o, self.graph))

    def text(self, s: NamedNode, p: str, value: str | None) -> None:
        if value:
            self.add(s, p, Literal(redact(value) if "@" in value or "+" in value else value))

    def integer(self, s: NamedNode, p: str, value: int | None) -> None:
        if value is not None:
            literal = _INTEGERS.get(value) if type(value) is int else None  # (not a bool)
            if literal is None:
                literal = Literal(str(value), datatype=_INT)
                if type(value) is int and len(_INTEGERS) < 1 << 12:  # bounded (counts repeat)
                    _INTEGERS[value] = literal
            self.add(s, p, literal)

    def double(self, s: NamedNode, p: str, value: float | None) -> None:
        if value is not None:
            self.add(s, p, Literal(repr(float(value)), datatype=_DOUBLE))

    def kind(self, s: NamedNode, cls: str) -> None:
        self.quads.append(Quad(s, _TYPE, cto(cls), self.graph))


# Nodes of the properties by the names the writers use, and the literals of small counts
# (nodes and literals are immutable: one shared object each, made once per process).
_PREDICATES: dict[str, NamedNode] = {}
_INTEGERS: dict[int, Literal] = {}


def results_quads(
    trial: Trial, *, trial_node: NamedNode, graph: NamedNode, minter: Minter
) -> list[Quad]:
    """The quads of ``trial.results`` (none when it has none)."""
    results = trial.results
    if results is None:
        return []
    out = _Out(graph)
    r = NamedNode(f"{trial_node.value}/results")
    out.add(trial_node, "hasResults", r)
    out.kind(r, "Results")

    def arm_node(label: str) -> NamedNode:
        return minter.under(trial_node, "arm", slug(label))

    group_nodes: dict[tuple[str, str, str], NamedNode] = {}  # (a group is named often)

    def group_node(section: str, group: str, parent: NamedNode = r) -> NamedNode:
        node = group_nodes.get((section, group, parent.value))
        if node is None:
            node = NamedNode(f"{parent.value}/{section}/group/{slug(group, max_len=40)}")
            group_nodes[section, group, parent.value] = node
        return node

    def group(section: str, g: ResultGroup, parent: NamedNode = r) -> NamedNode:
        node = group_node(section, g.key, parent)
        out.add(parent, "hasResultGroup", node)
        out.kind(node, "ResultGroup")
        out.text(node, "groupId", g.key)
        out.text(node, "resultSection", section)
        out.text(node, RDFS + "label", g.title)
        out.text(node, DCT + "description", g.description)
        if g.join is not None:
            _join(out, node, g.join, arm_node)
        return node

    if results.flow is not None:
        _flow(out, r, results.flow, group, group_node)
    if results.baseline is not None:
        b = results.baseline
        for g in b.groups:
            group("baseline", g)
        out.text(r, "baselinePopulation", b.population)
        _counts(out, r, "baselineDenominator", b.denoms, partial(group_node, "baseline"))
        for n, measure in enumerate(b.measures, 1):
            node = NamedNode(f"{r.value}/baseline/measure/{n}")
            out.add(r, "hasBaselineMeasure", node)
            out.kind(node, "BaselineMeasure")
            _measure(out, node, measure, partial(group_node, "baseline"))
    for n, measure in enumerate(results.outcomes, 1):
        node = NamedNode(f"{r.value}/outcome/{n}")
        out.add(r, "hasOutcomeMeasure", node)
        out.kind(node, "OutcomeMeasure")
        out.integer(node, "position", n)
        for g in measure.groups:
            group("outcome", g, node)
        _measure(out, node, measure, partial(group_node, "outcome", parent=node))
    if results.adverse_events is not None:
        _adverse_events(out, r, results.adverse_events, group, group_node)
    return out.quads


def _join(out: _Out, node: NamedNode, join: ArmJoin, arm_node: Callable[[str], NamedNode]) -> None:
    j = NamedNode(f"{node.value}/join")
    out.add(node, "armJoin", j)
    out.kind(j, "ArmJoin")
    out.text(j, "joinStatus", join.status)
    out.text(j, "joinMethod", join.method)
    out.add(j, "joinScore", Literal(f"{join.score:.2f}", datatype=_DECIMAL))
    out.text(j, "joinNote", join.note)
    if join.arm is not None:
        out.add(j, "joinedArm", arm_node(join.arm))
        if join.status == "matched":
            out.add(node, "groupOfArm", arm_node(join.arm))


GroupFn = Callable[..., NamedNode]


def _flow(
    out: _Out, r: NamedNode, flow: ParticipantFlow, group: GroupFn, group_node: GroupFn
) -> None:
    for g in flow.groups:
        group("flow", g)
    out.text(r, "recruitmentDetails", flow.recruitment_details)
    out.text(r, "preAssignmentDetails", flow.pre_assignment_details)
    for n, period in enumerate(flow.periods, 1):
        p = NamedNode(f"{r.value}/flow/period/{n}")
        out.add(r, "hasFlowPeriod", p)
        out.kind(p, "FlowPeriod")
        out.integer(p, "position", n)
        out.text(p, RDFS + "label", period.title)
        for i, c in enumerate(period.counts, 1):
            node = NamedNode(f"{p.value}/count/{i}")
            out.add(p, "hasFlowCount", node)
            out.kind(node, "FlowCount")
            out.text(node, "flowKind", c.kind)
            out.text(node, "flowType", c.type)
            out.add(node, "ofGroup", group_node("flow", c.count.group))
            out.text(node, "valueAsWritten", c.count.value)
            out.integer(node, "participants", c.count.number)
            out.text(node, RDFS + "comment", c.comment)


def _counts(
    out: _Out,
    owner: NamedNode,
    prop: str,
    counts: tuple[Count, ...],
    group_node: Callable[[str], NamedNode],
) -> None:
    for i, c in enumerate(counts, 1):
        node = NamedNode(f"{owner.value}/denominator/{i}")
        out.add(owner, prop, node)
        out.kind(node, "Denominator")
        out.add(node, "ofGroup", group_node(c.group))
        out.text(node, "valueAsWritten", c.value)
        out.integer(node, "participants", c.number)
        out.text(node, "countUnits", c.units)


def _measure(
    out: _Out, node: NamedNode, m: Measure, group_node: Callable[[str], NamedNode]
) -> None:
    out.text(node, RDFS + "label", m.title)
    out.text(node, "outcomeType", m.type)
    out.text(node, DCT + "description", m.description)
    out.text(node, "timeFrame", m.time_frame)
    out.text(node, "population", m.population)
    out.text(node, "paramType", m.param_type)
    out.text(node, "dispersionType", m.dispersion_type)
    out.text(node, "unitOfMeasure", m.unit)
    uo = uo_unit(m.unit)
    if uo:
        out.add(node, "unit", NamedNode(OBO + uo.replace(":", "_")))
    for code in stato_terms(m.param_type, m.dispersion_type):
        out.add(node, "statisticTerm", NamedNode(OBO + code.replace(":", "_")))
    out.text(node, "reportingStatus", m.reporting_status)
    _counts(out, node, "hasDenominator", m.denoms, group_node)
    for i, x in enumerate(m.measurements, 1):
        v = NamedNode(f"{node.value}/measurement/{i}")
        out.add(node, "hasMeasurement", v)
        out.kind(v, "Measurement")
        out.add(v, "ofGroup", group_node(x.group))
        out.text(v, "valueAsWritten", x.value)
        out.double(v, "value", x.number)
        out.text(v, "spread", x.spread)
        out.text(v, "lowerLimit", x.lower)
        out.text(v, "upperLimit", x.upper)
        out.text(v, "classTitle", x.class_title)
        out.text(v, "category", x.category)
        out.text(v, RDFS + "comment", x.comment)
    for i, a in enumerate(m.analyses, 1):
        _analysis(out, node, i, a, group_node)


def _analysis(
    out: _Out, node: NamedNode, i: int, a: Analysis, group_node: Callable[[str], NamedNode]
) -> None:
    s = NamedNode(f"{node.value}/analysis/{i}")
    out.add(node, "hasAnalysis", s)
    out.kind(s, "StatisticalAnalysis")
    for g in a.groups:
        out.add(s, "comparesGroup", group_node(g))
    out.text(s, "statisticalMethod", a.method)
    out.text(s, "estimateType", a.param_type)
    out.text(s, "estimateValue", a.param_value)
    out.text(s, "ciPercent", a.ci_percent)
    out.text(s, "ciSides", a.ci_sides)
    out.text(s, "ciLowerLimit", a.ci_lower)
    out.text(s, "ciUpperLimit", a.ci_upper)
    out.text(s, DCT + "description", a.description)
    if a.p_value:
        p = NamedNode(f"{s.value}/p-value")
        out.add(s, "hasPValue", p)
        out.kind(p, "PValue")
        out.text(p, "valueAsWritten", a.p_value)
        out.double(p, "value", a.p_number)
        out.text(p, "comparator", a.p_comparator)


def _adverse_events(
    out: _Out, r: NamedNode, ae: AdverseEvents, group: GroupFn, group_node: GroupFn
) -> None:
    out.text(r, "adverseEventTimeFrame", ae.time_frame)
    out.text(r, "adverseEventDescription", ae.description)
    out.text(r, "frequencyThreshold", ae.frequency_threshold)
    for eg in ae.groups:
        node = group("adverse-events", eg.group)
        out.integer(node, "seriousAffected", eg.serious_affected)
        out.integer(node, "seriousAtRisk", eg.serious_at_risk)
        out.integer(node, "otherAffected", eg.other_affected)
        out.integer(node, "otherAtRisk", eg.other_at_risk)
        out.integer(node, "deathsAffected", eg.deaths_affected)
        out.integer(node, "deathsAtRisk", eg.deaths_at_risk)
    n = {True: 0, False: 0}
    for e in ae.events:
        n[e.serious] += 1
        node = NamedNode(
            f"{r.value}/adverse-event/{'serious' if e.serious else 'other'}/{n[e.serious]}"
        )
        out.add(r, "hasAdverseEvent", node)
        out.kind(node, "AdverseEventTerm")
        out.add(node, "serious", Literal("true" if e.serious else "false", datatype=_BOOLEAN))
        out.text(node, "term", e.term)
        out.text(node, RDFS + "label", e.term)
        out.text(node, "organSystem", e.organ_system)
        out.text(node, "sourceVocabulary", e.vocabulary)
        out.text(node, "assessmentType", e.assessment)
        out.text(node, RDFS + "comment", e.notes)
        for i, c in enumerate(e.counts, 1):
            count = NamedNode(f"{node.value}/count/{i}")
            out.add(node, "hasEventCount", count)
            out.kind(count, "AdverseEventCount")
            out.add(count, "ofGroup", group_node("adverse-events", c.group))
            out.integer(count, "affected", c.affected)
            out.integer(count, "atRisk", c.at_risk)
            out.integer(count, "events", c.events)
