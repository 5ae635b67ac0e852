"""ClinicalTrials.gov legacy XML ``<clinical_results>`` -> :class:`kg.results_model.TrialResults`.

Format-specific decisions:

* The serious, other and fatal adverse-event totals of a group are the "Total" category's
  "Total, serious adverse events" / "Total, other adverse events" / "Total, all-cause
  mortality" rows (the legacy schema has no group-level totals); they are group totals,
  not events. A record without the mortality row has no deaths figure (unknown, not 0).
* A section's ``<default_vocab>`` and ``<default_assessment>`` apply to each of its events
  unless the event names its own (``<sub_title vocab=...>``, ``<assessment>``).
* ``<point_of_contact>`` is never read (contact data).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

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
from kg.sources.results_common import norm_enum, parse_count, parse_number, parse_p_value

__all__ = ["read_results"]

_TOTAL_CATEGORY = "total"
_TOTAL_SERIOUS = "total, serious adverse events"
_TOTAL_OTHER = "total, other adverse events"
_TOTAL_DEATHS = "total, all-cause mortality"
_TOTALS = {_TOTAL_SERIOUS: "serious", _TOTAL_OTHER: "other", _TOTAL_DEATHS: "deaths"}


def _text(el: ET.Element | None, path: str | None = None) -> str | None:
    if el is None:
        return None
    node = el.find(path) if path else el
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def _attr(el: ET.Element, name: str) -> str | None:
    value = el.get(name)
    return value.strip() or None if value is not None else None


def _need_attr(el: ET.Element, name: str) -> str:
    value = _attr(el, name)
    if value is None:
        raise ResultsError(f"a <{el.tag}> has no {name!r}")
    return value


def _need(el: ET.Element, path: str) -> str:
    value = _text(el, path)
    if value is None:
        raise ResultsError(f"a <{el.tag}> has no <{path}>")
    return value


def read_results(section: ET.Element | None) -> TrialResults | None:
    """The results of one ``<clinical_results>`` element (None when there is none)."""
    if section is None:
        return None
    flow = section.find("participant_flow")
    base = section.find("baseline")
    events = section.find("reported_events")
    outcomes = section.findall("outcome_list/outcome")
    if flow is None and base is None and events is None and not outcomes:
        return None
    return TrialResults(
        flow=_flow(flow) if flow is not None else None,
        baseline=_baseline(base) if base is not None else None,
        outcomes=tuple(_outcome(o) for o in outcomes),
        adverse_events=_adverse_events(events) if events is not None else None,
    )


def _groups(el: ET.Element) -> tuple[ResultGroup, ...]:
    return tuple(
        ResultGroup(
            key=_need_attr(g, "group_id"),
            title=_text(g, "title"),
            description=_text(g, "description"),
        )
        for g in el.findall("group_list/group")
    )


def _participants(el: ET.Element) -> Count:
    value = _attr(el, "count") or ""
    return Count(group=_need_attr(el, "group_id"), value=value, number=parse_count(value))


def _flow(flow: ET.Element) -> ParticipantFlow:
    periods = []
    for period in flow.findall("period_list/period"):
        counts: list[FlowCount] = []
        for milestone in period.findall("milestone_list/milestone"):
            kind = _need(milestone, "title")
            for p in milestone.findall("participants_list/participants"):
                counts.append(FlowCount("milestone", kind, _participants(p), _text(p)))
        for reason in period.findall("drop_withdraw_reason_list/drop_withdraw_reason"):
            why = _need(reason, "title")
            for p in reason.findall("participants_list/participants"):
                counts.append(FlowCount("withdrawal", why, _participants(p), _text(p)))
        periods.append(FlowPeriod(_text(period, "title"), tuple(counts)))
    return ParticipantFlow(
        groups=_groups(flow),
        periods=tuple(periods),
        recruitment_details=_text(flow, "recruitment_details"),
        pre_assignment_details=_text(flow, "pre_assignment_details"),
    )


def _analyzed(el: ET.Element) -> tuple[Count, ...]:
    out: list[Count] = []
    for analyzed in el.findall("analyzed_list/analyzed"):
        units = _text(analyzed, "units")
        for c in analyzed.findall("count_list/count"):
            value = _attr(c, "value") or ""
            out.append(Count(_need_attr(c, "group_id"), value, parse_count(value), units))
    return tuple(out)


def _measurements(measure: ET.Element) -> tuple[Measurement, ...]:
    out: list[Measurement] = []
    for cls in measure.findall("class_list/class"):
        class_title = _text(cls, "title")
        for cat in cls.findall("category_list/category"):
            category = _text(cat, "title")
            for x in cat.findall("measurement_list/measurement"):
                value = _attr(x, "value") or ""
                out.append(
                    Measurement(
                        group=_need_attr(x, "group_id"),
                        value=value,
                        number=parse_number(value),
                        spread=_attr(x, "spread"),
                        lower=_attr(x, "lower_limit"),
                        upper=_attr(x, "upper_limit"),
                        class_title=class_title,
                        category=category,
                        comment=_text(x),
                    )
                )
    return tuple(out)


def _baseline(base: ET.Element) -> Baseline:
    measures = tuple(
        Measure(
            title=_need(m, "title"),
            description=_text(m, "description"),
            population=_text(m, "population"),
            param_type=norm_enum(_text(m, "param")),
            dispersion_type=norm_enum(_text(m, "dispersion")),
            unit=_text(m, "units"),
            denoms=_class_denoms(m),
            measurements=_measurements(m),
        )
        for m in base.findall("measure_list/measure")
    )
    return Baseline(
        groups=_groups(base),
        denoms=_analyzed(base),
        population=_text(base, "population"),
        measures=measures,
    )


def _class_denoms(measure: ET.Element) -> tuple[Count, ...]:
    out = list(_analyzed(measure))
    for cls in measure.findall("class_list/class"):
        out += _analyzed(cls)
    return tuple(out)


def _outcome(o: ET.Element) -> Measure:
    m = o.find("measure")
    return Measure(
        title=_need(o, "title"),
        type=norm_enum(_text(o, "type")),
        description=_text(o, "description"),
        time_frame=_text(o, "time_frame"),
        population=_text(o, "population"),
        param_type=norm_enum(_text(m, "param")),
        dispersion_type=norm_enum(_text(m, "dispersion")),
        unit=_text(m, "units"),
        groups=_groups(o),
        denoms=_class_denoms(m) if m is not None else (),
        measurements=_measurements(m) if m is not None else (),
        analyses=tuple(_analysis(a) for a in o.findall("analysis_list/analysis")),
    )


def _analysis(a: ET.Element) -> Analysis:
    p_value = _text(a, "p_value")
    comparator, number = parse_p_value(p_value)
    description = "; ".join(
        t for t in (_text(a, "groups_desc"), _text(a, "method_desc")) if t is not None
    )
    return Analysis(
        groups=tuple(t for t in (_text(g) for g in a.findall("group_id_list/group_id")) if t),
        p_value=p_value,
        p_number=number,
        p_comparator=comparator,
        method=_text(a, "method"),
        param_type=_text(a, "param_type"),
        param_value=_text(a, "param_value"),
        ci_percent=_text(a, "ci_percent"),
        ci_sides=norm_enum(_text(a, "ci_n_sides")),
        ci_lower=_text(a, "ci_lower_limit"),
        ci_upper=_text(a, "ci_upper_limit"),
        description=description or None,
    )


def _adverse_events(rep: ET.Element) -> AdverseEvents:
    totals: dict[str, dict[str, int | None]] = {}
    events: list[AdverseEvent] = []
    threshold = None
    for serious, tag in ((True, "serious_events"), (False, "other_events")):
        section = rep.find(tag)
        if section is None:
            continue
        if not serious:
            threshold = _text(section, "frequency_threshold")
        vocab = _text(section, "default_vocab")
        assessment = _text(section, "default_assessment")
        for category in section.findall("category_list/category"):
            organ = _text(category, "title")
            for event in category.findall("event_list/event"):
                term = _need(event, "sub_title")
                counts = tuple(_ae_count(c) for c in event.findall("counts"))
                total = term.lower()
                if (organ or "").lower() == _TOTAL_CATEGORY and total in _TOTALS:
                    which = _TOTALS[total]
                    for c in counts:
                        group = totals.setdefault(c.group, {})
                        group[f"{which}_affected"] = c.affected
                        group[f"{which}_at_risk"] = c.at_risk
                    continue
                sub_title = event.find("sub_title")
                own_vocab = _attr(sub_title, "vocab") if sub_title is not None else None
                events.append(
                    AdverseEvent(
                        serious=serious,
                        term=term,
                        organ_system=organ,
                        vocabulary=own_vocab or vocab,
                        assessment=norm_enum(_text(event, "assessment") or assessment),
                        notes=_text(event, "description"),
                        counts=counts,
                    )
                )
    groups = tuple(
        EventGroup(
            group=g,
            serious_affected=totals.get(g.key, {}).get("serious_affected"),
            serious_at_risk=totals.get(g.key, {}).get("serious_at_risk"),
            other_affected=totals.get(g.key, {}).get("other_affected"),
            other_at_risk=totals.get(g.key, {}).get("other_at_risk"),
            deaths_affected=totals.get(g.key, {}).get("deaths_affected"),
            deaths_at_risk=totals.get(g.key, {}).get("deaths_at_risk"),
        )
        for g in _groups(rep)
    )
    return AdverseEvents(
        groups=groups,
        events=tuple(events),
        time_frame=_text(rep, "time_frame"),
        description=_text(rep, "desc"),
        frequency_threshold=threshold,
    )


def _ae_count(c: ET.Element) -> AdverseEventCount:
    return AdverseEventCount(
        group=_need_attr(c, "group_id"),
        affected=parse_count(_attr(c, "subjects_affected")),
        at_risk=parse_count(_attr(c, "subjects_at_risk")),
        events=parse_count(_attr(c, "events")),
    )
