"""The typed record of a trial's posted results: what came of what each arm was given.

One model for the three ClinicalTrials.gov formats that carry results (API v2
``resultsSection``, classic v1 ``ResultsSection``, legacy XML ``<clinical_results>``); each
format has its reader (:mod:`kg.sources.results_v2`, :mod:`kg.sources.results_v1`,
:mod:`kg.sources.results_xml`) and :mod:`kg.rdf_results` is the only module that turns it
into triples.

The rules of :mod:`kg.model` hold here too:

* Unknown stays unknown: a count the record does not give is ``None``, never 0.
* Every figure keeps the text it was read from (``value`` as written beside ``number``).
* Codes are never invented: an adverse-event term keeps the record's wording and the
  vocabulary as the record names it ("MedDRA (18.0)", "MedDRA 12.1", "CTCAE (3.0)").
* No contact data: the results' point of contact is never read.
* Controlled values use the API v2 spellings (``PRIMARY``, ``MEAN``, ``STANDARD_DEVIATION``,
  ``SYSTEMATIC_ASSESSMENT``) in every format, with the value as written kept where it
  differs.

Result groups carry their join to the protocol's arms (:mod:`kg.results_join`): the arm's
label, how the join was made, how sure it is, or why there is none (a pooled total, a
crossover period, no arm that matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AdverseEvent",
    "AdverseEventCount",
    "AdverseEvents",
    "Analysis",
    "ArmJoin",
    "Baseline",
    "Count",
    "EventGroup",
    "FlowCount",
    "FlowPeriod",
    "Measure",
    "Measurement",
    "ParticipantFlow",
    "ResultGroup",
    "ResultsError",
    "TrialResults",
]


class ResultsError(ValueError):
    """A results section whose shape is wrong (a list where an object belongs, a count that
    is no count). The trial is still mapped; its results are left out with this reason."""


@dataclass(frozen=True, slots=True)
class ArmJoin:
    """How a result group was joined to a protocol arm (``arm`` None: joined to none).

    ``status``: ``"matched"``, ``"uncertain"`` (a best guess the reader should check, or
    several arms that fit equally: ``arm`` None and the candidates in ``note``) or
    ``"none"`` (no arm: ``note`` says why: a pooled total, a crossover period, no arm
    that matches).
    """

    arm: str | None
    status: str
    method: str
    score: float
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ResultGroup:
    """A group of participants as one results section reports it."""

    key: str  # the record's own id within its section: "FG000", "P1", "EG000", "B2"
    title: str | None
    description: str | None = None
    join: ArmJoin | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """A count of participants (or of units) of one group, as written and as a number."""

    group: str  # ResultGroup.key
    value: str  # as written
    number: int | None  # None when the text is no whole number ("NA")
    units: str | None = None  # "Participants", "Eyes" ... where the record names them


@dataclass(frozen=True, slots=True)
class FlowCount:
    """Participants of one group at a milestone of a period, or leaving it for a reason."""

    kind: str  # "milestone" or "withdrawal"
    type: str  # "STARTED", "COMPLETED", "NOT COMPLETED", or the reason as written
    count: Count
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class FlowPeriod:
    title: str | None
    counts: tuple[FlowCount, ...] = ()


@dataclass(frozen=True, slots=True)
class ParticipantFlow:
    groups: tuple[ResultGroup, ...] = ()
    periods: tuple[FlowPeriod, ...] = ()
    recruitment_details: str | None = None
    pre_assignment_details: str | None = None


@dataclass(frozen=True, slots=True)
class Measurement:
    """One group's value of a measure (in one class and category where there are several)."""

    group: str
    value: str  # as written ("39.9", "NA", "<0.1")
    number: float | None  # the value as a number where it is one
    spread: str | None = None  # the dispersion (SD, SE ...) as written
    lower: str | None = None  # lower and upper limit (range, interquartile range, CI)
    upper: str | None = None
    class_title: str | None = None
    category: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """A statistical analysis of an outcome measure: the groups it compares, the method, the
    p-value as written (``p_value``) and as a number where it is one, the estimate and its
    confidence interval."""

    groups: tuple[str, ...]
    p_value: str | None = None
    p_number: float | None = None
    p_comparator: str | None = None  # "<", "<=", ">" when the p-value is a bound
    method: str | None = None
    param_type: str | None = None
    param_value: str | None = None
    ci_percent: str | None = None
    ci_sides: str | None = None
    ci_lower: str | None = None
    ci_upper: str | None = None
    description: str | None = None  # the groups' description / the method's comment


@dataclass(frozen=True, slots=True)
class Measure:
    """A baseline measure or an outcome measure with its values per group."""

    title: str
    type: str | None = None  # outcomes: "PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"
    description: str | None = None
    time_frame: str | None = None
    population: str | None = None
    param_type: str | None = None  # "MEAN", "COUNT_OF_PARTICIPANTS", "MEDIAN" ...
    dispersion_type: str | None = None  # "STANDARD_DEVIATION", "CONFIDENCE_INTERVAL_95" ...
    unit: str | None = None  # the unit of measure as written
    reporting_status: str | None = None
    groups: tuple[ResultGroup, ...] = ()  # outcome measures list their own groups
    denoms: tuple[Count, ...] = ()  # participants (or units) analysed per group
    measurements: tuple[Measurement, ...] = ()
    analyses: tuple[Analysis, ...] = ()


@dataclass(frozen=True, slots=True)
class Baseline:
    groups: tuple[ResultGroup, ...] = ()
    denoms: tuple[Count, ...] = ()
    population: str | None = None
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True, slots=True)
class AdverseEventCount:
    group: str
    affected: int | None
    at_risk: int | None
    events: int | None = None


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """One adverse-event term as the record reports it, with its counts per group."""

    serious: bool
    term: str
    organ_system: str | None = None
    vocabulary: str | None = None  # as the record names it: "MedDRA (18.0)", "CTCAE (3.0)"
    assessment: str | None = None  # "SYSTEMATIC_ASSESSMENT" or "NON_SYSTEMATIC_ASSESSMENT"
    notes: str | None = None
    counts: tuple[AdverseEventCount, ...] = ()


@dataclass(frozen=True, slots=True)
class EventGroup:
    """An adverse-event group with its totals: participants affected by any serious (any
    other, any fatal) adverse event, and at risk. XML records give the serious and other
    totals as a "Total" category and no deaths."""

    group: ResultGroup
    serious_affected: int | None = None
    serious_at_risk: int | None = None
    other_affected: int | None = None
    other_at_risk: int | None = None
    deaths_affected: int | None = None
    deaths_at_risk: int | None = None


@dataclass(frozen=True, slots=True)
class AdverseEvents:
    groups: tuple[EventGroup, ...] = ()
    events: tuple[AdverseEvent, ...] = ()
    time_frame: str | None = None
    description: str | None = None
    frequency_threshold: str | None = None  # percent, as written


@dataclass(slots=True)
class TrialResults:
    """A trial's posted results, as one record states them."""

    flow: ParticipantFlow | None = None
    baseline: Baseline | None = None
    outcomes: tuple[Measure, ...] = ()
    adverse_events: AdverseEvents | None = None
    notes: list[str] = field(default_factory=list)  # what was odd (reported with the trial's)

    def all_groups(self) -> list[tuple[str, ResultGroup]]:
        """Every group with its section, outcome groups once per measure."""
        out: list[tuple[str, ResultGroup]] = []
        if self.flow:
            out += [("flow", g) for g in self.flow.groups]
        if self.baseline:
            out += [("baseline", g) for g in self.baseline.groups]
        for measure in self.outcomes:
            out += [("outcome", g) for g in measure.groups]
        if self.adverse_events:
            out += [("adverse-events", g.group) for g in self.adverse_events.groups]
        return out
