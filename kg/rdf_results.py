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

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from kg.model import Trial
from kg.nquads import checked_iri, quoted
from kg.rdf import CTO, DCT, OBO, RDF, RDFS, XSD, Minter, redact, slug
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

__all__ = ["results_lines", "results_nquads", "results_quads"]

# The results are written as N-Quads lines directly (kg.nquads: byte for byte as pyoxigraph
# writes the same quads), not as pyoxigraph objects: nothing reads them as quads before
# they are serialised, and they are most of the quads of a trial that has them. A node is
# its IRI (a str); every IRI here is a valid trial IRI with IRI-safe parts after it (slugs,
# numbers, fixed words) or a node a Minter made, so it is written as it is.
_TYPE = f"<{RDF}type>"
_INT = f"^^<{XSD}integer>"
_DOUBLE = f"^^<{XSD}double>"
_BOOLEAN = f"^^<{XSD}boolean>"
_DECIMAL = f"^^<{XSD}decimal>"


class _Out:
    """The N-Quads lines of one trial's results in the trial's record graph."""

    __slots__ = ("end", "lines")

    def __init__(self, graph: NamedNode) -> None:
        self.end = f" {checked_iri(graph.value)} .\n"  # the graph term and the end of a line
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        """A quad whose object is the node ``o``."""
        self.lines.append(f"<{s}> {_predicate(p)} <{o}>{self.end}")

    def term(self, s: str, p: str, o: str) -> None:
        """A quad whose object is ``o`` as N-Quads writes it."""
        self.lines.append(f"<{s}> {_predicate(p)} {o}{self.end}")

    def text(self, s: str, p: str, value: str | None) -> None:
        if value:
            text = redact(value) if "@" in value or "+" in value else value
            self.lines.append(f"<{s}> {_predicate(p)} {quoted(text)}{self.end}")

    def integer(self, s: str, p: str, value: int | None) -> None:
        if value is not None:
            literal = _INTEGERS.get(value) if type(value) is int else None  # (not a bool)
            if literal is None:
                literal = quoted(str(value)) + _INT
                if type(value) is int and len(_INTEGERS) < 1 << 12:  # bounded (counts repeat)
                    _INTEGERS[value] = literal
            self.lines.append(f"<{s}> {_predicate(p)} {literal}{self.end}")

    def double(self, s: str, p: str, value: float | None) -> None:
        if value is not None:
            self.lines.append(f'<{s}> {_predicate(p)} "{float(value)!r}"{_DOUBLE}{self.end}')

    def kind(self, s: str, cls: str) -> None:
        self.lines.append(f"<{s}> {_TYPE} <{CTO}{cls}>{self.end}")


# The terms of the properties by the names the writers use (each IRI checked once), and
# the literals of small counts: made once per process.
_PREDICATES: dict[str, str] = {}
_INTEGERS: dict[int, str] = {}


def _predicate(name: str) -> str:
    term = _PREDICATES.get(name)
    if term is None:
        term = _PREDICATES[name] = checked_iri(name if ":" in name else CTO + name)
    return term


def results_quads(
    trial: Trial, *, trial_node: NamedNode, graph: NamedNode, minter: Minter
) -> list[Quad]:
    """The quads of ``trial.results`` (none when it has none), in the order written."""
    data = results_nquads(trial, trial_node=trial_node, graph=graph, minter=minter)
    return list(parse(data, format=RdfFormat.N_QUADS)) if data else []


def results_nquads(
    trial: Trial, *, trial_node: NamedNode, graph: NamedNode, minter: Minter
) -> bytes:
    """The quads of ``trial.results`` as N-Quads (one line a quad, in the order written,
    duplicates kept; empty when it has none). ValueError if a text is not valid Unicode (a
    lone surrogate, which no literal can hold)."""
    lines = results_lines(trial, trial_node=trial_node, graph=graph, minter=minter)
    try:
        return "".join(lines).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a text of the posted results is not valid Unicode: {exc}") from None


def results_lines(
    trial: Trial, *, trial_node: NamedNode, graph: NamedNode, minter: Minter
) -> list[str]:
    """The N-Quads lines of ``trial.results``, as :func:`results_nquads` (not encoded)."""
    results = trial.results
    if results is None:
        return []
    out = _Out(graph)
    t = trial_node.value
    r = f"{t}/results"
    out.add(t, "hasResults", r)
    out.kind(r, "Results")
    arms: dict[str, str] = {}

    def arm_node(label: str) -> str:
        node = arms.get(label)
        if node is None:
            node = arms[label] = minter.under(trial_node, "arm", slug(label)).value
        return node

    group_nodes: dict[tuple[str, str, str], str] = {}  # (a group is named often)

    def group_node(section: str, group: str, parent: str = r) -> str:
        node = group_nodes.get((section, group, parent))
        if node is None:
            node = f"{parent}/{section}/group/{slug(group, max_len=40)}"
            group_nodes[section, group, parent] = node
        return node

    def group(section: str, g: ResultGroup, parent: str = r) -> str:
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
            node = f"{r}/baseline/measure/{n}"
            out.add(r, "hasBaselineMeasure", node)
            out.kind(node, "BaselineMeasure")
            _measure(out, node, measure, partial(group_node, "baseline"))
    for n, measure in enumerate(results.outcomes, 1):
        node = f"{r}/outcome/{n}"
        out.add(r, "hasOutcomeMeasure", node)
        out.kind(node, "OutcomeMeasure")
        out.integer(node, "position", n)
        for g in measure.groups:
            group("outcome", g, node)
        _measure(out, node, measure, partial(group_node, "outcome", parent=node))
    if results.adverse_events is not None:
        _adverse_events(out, r, results.adverse_events, group, group_node)
    return out.lines


def _join(out: _Out, node: str, join: ArmJoin, arm_node: Callable[[str], str]) -> None:
    j = f"{node}/join"
    out.add(node, "armJoin", j)
    out.kind(j, "ArmJoin")
    out.text(j, "joinStatus", join.status)
    out.text(j, "joinMethod", join.method)
    out.term(j, "joinScore", f'"{join.score:.2f}"{_DECIMAL}')
    out.text(j, "joinNote", join.note)
    if join.arm is not None:
        out.add(j, "joinedArm", arm_node(join.arm))
        if join.status == "matched":
            out.add(node, "groupOfArm", arm_node(join.arm))


GroupFn = Callable[..., str]


def _flow(out: _Out, r: str, flow: ParticipantFlow, group: GroupFn, group_node: GroupFn) -> None:
    for g in flow.groups:
        group("flow", g)
    out.text(r, "recruitmentDetails", flow.recruitment_details)
    out.text(r, "preAssignmentDetails", flow.pre_assignment_details)
    for n, period in enumerate(flow.periods, 1):
        p = f"{r}/flow/period/{n}"
        out.add(r, "hasFlowPeriod", p)
        out.kind(p, "FlowPeriod")
        out.integer(p, "position", n)
        out.text(p, RDFS + "label", period.title)
        for i, c in enumerate(period.counts, 1):
            node = f"{p}/count/{i}"
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
    owner: str,
    prop: str,
    counts: tuple[Count, ...],
    group_node: Callable[[str], str],
) -> None:
    for i, c in enumerate(counts, 1):
        node = f"{owner}/denominator/{i}"
        out.add(owner, prop, node)
        out.kind(node, "Denominator")
        out.add(node, "ofGroup", group_node(c.group))
        out.text(node, "valueAsWritten", c.value)
        out.integer(node, "participants", c.number)
        out.text(node, "countUnits", c.units)


def _measure(out: _Out, node: str, m: Measure, group_node: Callable[[str], str]) -> None:
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
        out.term(node, "unit", checked_iri(OBO + uo.replace(":", "_")))
    for code in stato_terms(m.param_type, m.dispersion_type):
        out.term(node, "statisticTerm", checked_iri(OBO + code.replace(":", "_")))
    out.text(node, "reportingStatus", m.reporting_status)
    _counts(out, node, "hasDenominator", m.denoms, group_node)
    for i, x in enumerate(m.measurements, 1):
        v = f"{node}/measurement/{i}"
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


def _analysis(out: _Out, node: str, i: int, a: Analysis, group_node: Callable[[str], str]) -> None:
    s = f"{node}/analysis/{i}"
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
        p = f"{s}/p-value"
        out.add(s, "hasPValue", p)
        out.kind(p, "PValue")
        out.text(p, "valueAsWritten", a.p_value)
        out.double(p, "value", a.p_number)
        out.text(p, "comparator", a.p_comparator)


def _adverse_events(
    out: _Out, r: str, ae: AdverseEvents, group: GroupFn, group_node: GroupFn
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
        node = f"{r}/adverse-event/{'serious' if e.serious else 'other'}/{n[e.serious]}"
        out.add(r, "hasAdverseEvent", node)
        out.kind(node, "AdverseEventTerm")
        out.term(node, "serious", f'"{"true" if e.serious else "false"}"{_BOOLEAN}')
        out.text(node, "term", e.term)
        out.text(node, RDFS + "label", e.term)
        out.text(node, "organSystem", e.organ_system)
        out.text(node, "sourceVocabulary", e.vocabulary)
        out.text(node, "assessmentType", e.assessment)
        out.text(node, RDFS + "comment", e.notes)
        for i, c in enumerate(e.counts, 1):
            count = f"{node}/count/{i}"
            out.add(node, "hasEventCount", count)
            out.kind(count, "AdverseEventCount")
            out.add(count, "ofGroup", group_node("adverse-events", c.group))
            out.integer(count, "affected", c.affected)
            out.integer(count, "atRisk", c.at_risk)
            out.integer(count, "events", c.events)
