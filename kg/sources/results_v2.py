"""ClinicalTrials.gov API v2 ``resultsSection`` -> :class:`kg.results_model.TrialResults`.

This is the one JSON reader of results: the classic v1 ``ResultsSection`` is first renamed
into this shape by its field map (:mod:`kg.sources.results_v1`). The point of contact
(``moreInfoModule``) is never read: it holds a person's e-mail address and phone number.
"""

from __future__ import annotations

from typing import Any

from kg.results_model import (
    AdverseEvent,
    AdverseEventCount,
    AdverseEvents,
    Analysis,
    Baseline,
    Count,
    EventGroup,
    FlowCount,
    FlowPeriod,
    Measure,
    Measurement,
    ParticipantFlow,
    ResultGroup,
    ResultsError,
    TrialResults,
)
from kg.sources.results_common import norm_enum, parse_count, parse_number, parse_p_value, text_of

__all__ = ["read_results"]


def _obj(d: dict[str, Any], key: str) -> dict[str, Any]:
    value = d.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ResultsError(f"{key!r} is a {type(value).__name__}, not an object")
    return value


def _objs(d: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise ResultsError(f"{key!r} is not a list of objects")
    return value


def _text(d: dict[str, Any], key: str) -> str | None:
    return text_of(d.get(key), repr(key))


def _need(d: dict[str, Any], key: str, where: str) -> str:
    value = _text(d, key)
    if value is None:
        raise ResultsError(f"{where} has no {key!r}")
    return value


def read_results(section: Any) -> TrialResults | None:
    """The results of one study's ``resultsSection`` (None when it has none of the four
    result modules); ResultsError on a wrong shape."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ResultsError(f"the results section is a {type(section).__name__}, not an object")
    modules = (
        "participantFlowModule",
        "baselineCharacteristicsModule",
        "outcomeMeasuresModule",
        "adverseEventsModule",
    )
    if not any(section.get(m) for m in modules):
        return None
    flow = _obj(section, "participantFlowModule")
    base = _obj(section, "baselineCharacteristicsModule")
    ae = _obj(section, "adverseEventsModule")
    return TrialResults(
        flow=_flow(flow) if flow else None,
        baseline=_baseline(base) if base else None,
        outcomes=tuple(
            _measure(m, outcome=True)
            for m in _objs(_obj(section, "outcomeMeasuresModule"), "outcomeMeasures")
        ),
        adverse_events=_adverse_events(ae) if ae else None,
    )


def _groups(d: dict[str, Any], key: str = "groups") -> tuple[ResultGroup, ...]:
    return tuple(
        ResultGroup(
            key=_need(g, "id", "a group"),
            title=_text(g, "title"),
            description=_text(g, "description"),
        )
        for g in _objs(d, key)
    )


def _count(d: dict[str, Any], key: str, units: str | None = None) -> Count:
    value = _text(d, key) or ""
    return Count(
        group=_need(d, "groupId", "a count"),
        value=value,
        number=parse_count(d.get(key)),
        units=units,
    )


def _flow(module: dict[str, Any]) -> ParticipantFlow:
    periods = []
    for period in _objs(module, "periods"):
        counts: list[FlowCount] = []
        for milestone in _objs(period, "milestones"):
            kind = _need(milestone, "type", "a milestone")
            for a in _objs(milestone, "achievements"):
                counts.append(
                    FlowCount("milestone", kind, _count(a, "numSubjects"), _text(a, "comment"))
                )
        for drop in _objs(period, "dropWithdraws"):
            reason = _need(drop, "type", "a reason for leaving")
            for r in _objs(drop, "reasons"):
                counts.append(
                    FlowCount("withdrawal", reason, _count(r, "numSubjects"), _text(r, "comment"))
                )
        periods.append(FlowPeriod(_text(period, "title"), tuple(counts)))
    return ParticipantFlow(
        groups=_groups(module),
        periods=tuple(periods),
        recruitment_details=_text(module, "recruitmentDetails"),
        pre_assignment_details=_text(module, "preAssignmentDetails"),
    )


def _denoms(d: dict[str, Any]) -> tuple[Count, ...]:
    out: list[Count] = []
    for denom in _objs(d, "denoms"):
        units = _text(denom, "units")
        out += [_count(c, "value", units) for c in _objs(denom, "counts")]
    return tuple(out)


def _baseline(module: dict[str, Any]) -> Baseline:
    return Baseline(
        groups=_groups(module),
        denoms=_denoms(module),
        population=_text(module, "populationDescription"),
        measures=tuple(_measure(m, outcome=False) for m in _objs(module, "measures")),
    )


def _measure(m: dict[str, Any], *, outcome: bool) -> Measure:
    measurements: list[Measurement] = []
    for cls in _objs(m, "classes"):
        class_title = _text(cls, "title")
        for cat in _objs(cls, "categories"):
            category = _text(cat, "title")
            for x in _objs(cat, "measurements"):
                value = _text(x, "value") or ""
                measurements.append(
                    Measurement(
                        group=_need(x, "groupId", "a measurement"),
                        value=value,
                        number=parse_number(value),
                        spread=_text(x, "spread"),
                        lower=_text(x, "lowerLimit"),
                        upper=_text(x, "upperLimit"),
                        class_title=class_title,
                        category=category,
                        comment=_text(x, "comment"),
                    )
                )
    return Measure(
        title=_need(m, "title", "a measure"),
        type=norm_enum(_text(m, "type")) if outcome else None,
        description=_text(m, "description"),
        time_frame=_text(m, "timeFrame"),
        population=_text(m, "populationDescription"),
        param_type=norm_enum(_text(m, "paramType")),
        dispersion_type=norm_enum(_text(m, "dispersionType")),
        unit=_text(m, "unitOfMeasure"),
        reporting_status=norm_enum(_text(m, "reportingStatus")),
        groups=_groups(m) if outcome else (),
        denoms=_denoms(m),
        measurements=tuple(measurements),
        analyses=tuple(_analysis(a) for a in _objs(m, "analyses")),
    )


def _analysis(a: dict[str, Any]) -> Analysis:
    groups = a.get("groupIds") or []
    if not isinstance(groups, list):
        raise ResultsError("'groupIds' is not a list")
    p_value = _text(a, "pValue")
    comparator, number = parse_p_value(p_value)
    description = "; ".join(
        t for t in (_text(a, "groupDescription"), _text(a, "statisticalComment")) if t is not None
    )
    return Analysis(
        groups=tuple(t for t in (text_of(g, "a group id") for g in groups) if t),
        p_value=p_value,
        p_number=number,
        p_comparator=comparator,
        method=_text(a, "statisticalMethod"),
        param_type=_text(a, "paramType"),
        param_value=_text(a, "paramValue"),
        ci_percent=_text(a, "ciPctValue"),
        ci_sides=norm_enum(_text(a, "ciNumSides")),
        ci_lower=_text(a, "ciLowerLimit"),
        ci_upper=_text(a, "ciUpperLimit"),
        description=description or None,
    )


def _adverse_events(module: dict[str, Any]) -> AdverseEvents:
    groups = tuple(
        EventGroup(
            group=ResultGroup(
                key=_need(g, "id", "an adverse-event group"),
                title=_text(g, "title"),
                description=_text(g, "description"),
            ),
            serious_affected=parse_count(g.get("seriousNumAffected")),
            serious_at_risk=parse_count(g.get("seriousNumAtRisk")),
            other_affected=parse_count(g.get("otherNumAffected")),
            other_at_risk=parse_count(g.get("otherNumAtRisk")),
            deaths_affected=parse_count(g.get("deathsNumAffected")),
            deaths_at_risk=parse_count(g.get("deathsNumAtRisk")),
        )
        for g in _objs(module, "eventGroups")
    )
    events = [_event(e, serious=True) for e in _objs(module, "seriousEvents")]
    events += [_event(e, serious=False) for e in _objs(module, "otherEvents")]
    return AdverseEvents(
        groups=groups,
        events=tuple(events),
        time_frame=_text(module, "timeFrame"),
        description=_text(module, "description"),
        frequency_threshold=_text(module, "frequencyThreshold"),
    )


def _event(e: dict[str, Any], *, serious: bool) -> AdverseEvent:
    return AdverseEvent(
        serious=serious,
        term=_need(e, "term", "an adverse event"),
        organ_system=_text(e, "organSystem"),
        vocabulary=_text(e, "sourceVocabulary"),
        assessment=norm_enum(_text(e, "assessmentType")),
        notes=_text(e, "notes"),
        counts=tuple(
            AdverseEventCount(
                group=_need(s, "groupId", "an adverse-event count"),
                affected=parse_count(s.get("numAffected")),
                at_risk=parse_count(s.get("numAtRisk")),
                events=parse_count(s.get("numEvents")),
            )
            for s in _objs(e, "stats")
        ),
    )
