"""ClinicalTrials.gov classic API v1 ``ResultsSection`` -> :class:`kg.results_model.TrialResults`.

No walker of its own: a declarative field map renames the v1 shape (``FlowGroupList:
{FlowGroup: [...]}``, ``EventGroupSeriousNumAffected`` ...) into the v2 shape, which the
one JSON reader (:func:`kg.sources.results_v2.read_results`) reads. A v1 key the map does
not name is not read (the point of contact, ``MoreInfoModule``, on purpose: contact data).
"""

from __future__ import annotations

from typing import Any

from kg.results_model import ResultsError, TrialResults
from kg.sources.results_v2 import read_results as read_v2

__all__ = ["FIELD_MAP", "read_results", "to_v2"]

# v1 key (a "List.Item" pair for a wrapped list) -> v2 key, or (v2 key, map of the items).
FieldMap = dict[str, "str | tuple[str, FieldMap]"]


def _denoms(prefix: str) -> tuple[str, FieldMap]:
    """A denominator list: its units and a count per group."""
    counts: FieldMap = {f"{prefix}CountGroupId": "groupId", f"{prefix}CountValue": "value"}
    return (
        "denoms",
        {f"{prefix}Units": "units", f"{prefix}CountList.{prefix}Count": ("counts", counts)},
    )


def _groups(prefix: str) -> tuple[str, FieldMap]:
    return (
        "groups",
        {f"{prefix}Id": "id", f"{prefix}Title": "title", f"{prefix}Description": "description"},
    )


def _measure(p: str, *, outcome: bool) -> FieldMap:
    """Baseline (``p`` = "Baseline") and outcome (``p`` = "Outcome") measures."""
    fields: FieldMap = {
        f"{p}MeasureTitle": "title",
        f"{p}MeasureDescription": "description",
        f"{p}MeasurePopulationDescription": "populationDescription",
        f"{p}MeasureParamType": "paramType",
        f"{p}MeasureDispersionType": "dispersionType",
        f"{p}MeasureUnitOfMeasure": "unitOfMeasure",
        f"{p}ClassList.{p}Class": (
            "classes",
            {
                f"{p}ClassTitle": "title",
                f"{p}ClassDenomList.{p}ClassDenom": _denoms(f"{p}ClassDenom"),
                f"{p}CategoryList.{p}Category": (
                    "categories",
                    {
                        f"{p}CategoryTitle": "title",
                        f"{p}MeasurementList.{p}Measurement": (
                            "measurements",
                            {
                                f"{p}MeasurementGroupId": "groupId",
                                f"{p}MeasurementValue": "value",
                                f"{p}MeasurementSpread": "spread",
                                f"{p}MeasurementLowerLimit": "lowerLimit",
                                f"{p}MeasurementUpperLimit": "upperLimit",
                                f"{p}MeasurementComment": "comment",
                            },
                        ),
                    },
                ),
            },
        ),
    }
    if outcome:
        fields |= {
            "OutcomeMeasureType": "type",
            "OutcomeMeasureTimeFrame": "timeFrame",
            "OutcomeMeasureReportingStatus": "reportingStatus",
            "OutcomeGroupList.OutcomeGroup": _groups("OutcomeGroup"),
            "OutcomeDenomList.OutcomeDenom": _denoms("OutcomeDenom"),
            "OutcomeAnalysisList.OutcomeAnalysis": (
                "analyses",
                {
                    "OutcomeAnalysisGroupIdList.OutcomeAnalysisGroupId": "groupIds",
                    "OutcomeAnalysisGroupDescription": "groupDescription",
                    "OutcomeAnalysisStatisticalComment": "statisticalComment",
                    "OutcomeAnalysisPValue": "pValue",
                    "OutcomeAnalysisStatisticalMethod": "statisticalMethod",
                    "OutcomeAnalysisParamType": "paramType",
                    "OutcomeAnalysisParamValue": "paramValue",
                    "OutcomeAnalysisCIPctValue": "ciPctValue",
                    "OutcomeAnalysisCINumSides": "ciNumSides",
                    "OutcomeAnalysisCILowerLimit": "ciLowerLimit",
                    "OutcomeAnalysisCIUpperLimit": "ciUpperLimit",
                },
            ),
        }
    return fields


def _event(kind: str) -> tuple[str, FieldMap]:
    """``kind`` = "Serious" or "Other"."""
    e = f"{kind}Event"
    return (
        f"{kind.lower()}Events",
        {
            f"{e}Term": "term",
            f"{e}OrganSystem": "organSystem",
            f"{e}SourceVocabulary": "sourceVocabulary",
            f"{e}AssessmentType": "assessmentType",
            f"{e}Notes": "notes",
            f"{e}StatsList.{e}Stats": (
                "stats",
                {
                    f"{e}StatsGroupId": "groupId",
                    f"{e}StatsNumAffected": "numAffected",
                    f"{e}StatsNumAtRisk": "numAtRisk",
                    f"{e}StatsNumEvents": "numEvents",
                },
            ),
        },
    )


FIELD_MAP: FieldMap = {
    "ParticipantFlowModule": (
        "participantFlowModule",
        {
            "FlowRecruitmentDetails": "recruitmentDetails",
            "FlowPreAssignmentDetails": "preAssignmentDetails",
            "FlowGroupList.FlowGroup": _groups("FlowGroup"),
            "FlowPeriodList.FlowPeriod": (
                "periods",
                {
                    "FlowPeriodTitle": "title",
                    "FlowMilestoneList.FlowMilestone": (
                        "milestones",
                        {
                            "FlowMilestoneType": "type",
                            "FlowAchievementList.FlowAchievement": (
                                "achievements",
                                {
                                    "FlowAchievementGroupId": "groupId",
                                    "FlowAchievementNumSubjects": "numSubjects",
                                    "FlowAchievementComment": "comment",
                                },
                            ),
                        },
                    ),
                    "FlowDropWithdrawList.FlowDropWithdraw": (
                        "dropWithdraws",
                        {
                            "FlowDropWithdrawType": "type",
                            "FlowReasonList.FlowReason": (
                                "reasons",
                                {
                                    "FlowReasonGroupId": "groupId",
                                    "FlowReasonNumSubjects": "numSubjects",
                                    "FlowReasonComment": "comment",
                                },
                            ),
                        },
                    ),
                },
            ),
        },
    ),
    "BaselineCharacteristicsModule": (
        "baselineCharacteristicsModule",
        {
            "BaselinePopulationDescription": "populationDescription",
            "BaselineGroupList.BaselineGroup": _groups("BaselineGroup"),
            "BaselineDenomList.BaselineDenom": _denoms("BaselineDenom"),
            "BaselineMeasureList.BaselineMeasure": (
                "measures",
                _measure("Baseline", outcome=False),
            ),
        },
    ),
    "OutcomeMeasuresModule": (
        "outcomeMeasuresModule",
        {
            "OutcomeMeasureList.OutcomeMeasure": (
                "outcomeMeasures",
                _measure("Outcome", outcome=True),
            ),
        },
    ),
    "AdverseEventsModule": (
        "adverseEventsModule",
        {
            "EventsFrequencyThreshold": "frequencyThreshold",
            "EventsTimeFrame": "timeFrame",
            "EventsDescription": "description",
            "EventGroupList.EventGroup": (
                "eventGroups",
                {
                    "EventGroupId": "id",
                    "EventGroupTitle": "title",
                    "EventGroupDescription": "description",
                    "EventGroupSeriousNumAffected": "seriousNumAffected",
                    "EventGroupSeriousNumAtRisk": "seriousNumAtRisk",
                    "EventGroupOtherNumAffected": "otherNumAffected",
                    "EventGroupOtherNumAtRisk": "otherNumAtRisk",
                    "EventGroupDeathsNumAffected": "deathsNumAffected",
                    "EventGroupDeathsNumAtRisk": "deathsNumAtRisk",
                },
            ),
            "SeriousEventList.SeriousEvent": _event("Serious"),
            "OtherEventList.OtherEvent": _event("Other"),
        },
    ),
}


def to_v2(value: dict[str, Any], fields: FieldMap, where: str = "ResultsSection") -> dict[str, Any]:
    """``value`` renamed by ``fields`` into the v2 shape (keys the map does not name dropped).

    >>> to_v2({"FlowGroupList": {"FlowGroup": [{"FlowGroupId": "FG000"}]}},
    ...       FIELD_MAP["ParticipantFlowModule"][1])
    {'groups': [{'id': 'FG000'}]}
    """
    out: dict[str, Any] = {}
    for v1_key, target in fields.items():
        outer, _, inner = v1_key.partition(".")
        item = value.get(outer)
        if item is None:
            continue
        if inner:  # a wrapped list: {"XList": {"X": [...]}}
            if not isinstance(item, dict):
                raise ResultsError(f"{where}.{outer} is a {type(item).__name__}, not an object")
            item = item.get(inner)
            if item is None:
                continue
            if not isinstance(item, list):
                raise ResultsError(f"{where}.{v1_key} is a {type(item).__name__}, not a list")
        if isinstance(target, str):
            out[target] = item
            continue
        key, sub = target
        if isinstance(item, list):
            if not all(isinstance(x, dict) for x in item):
                raise ResultsError(f"{where}.{v1_key} is not a list of objects")
            out[key] = [to_v2(x, sub, f"{where}.{outer}") for x in item]
        elif isinstance(item, dict):
            out[key] = to_v2(item, sub, f"{where}.{outer}")
        else:
            raise ResultsError(f"{where}.{v1_key} is a {type(item).__name__}, not an object")
    return out


def read_results(section: Any) -> TrialResults | None:
    """The results of one v1 study's ``ResultsSection`` (None when it has no results module)."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ResultsError(f"the results section is a {type(section).__name__}, not an object")
    return read_v2(to_v2(section, FIELD_MAP))
