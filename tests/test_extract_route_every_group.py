"""A route in the trial's detailed description, in a clause that speaks of every group or
patient ("All patients receive two intravenous infusions", "Both groups will be given the cells
by intrathecal injection"), is the route of the arms given cells when their own texts state
none: the last tier of the route, after the arms' and interventions' own words. The route word
must say how something is given (an adverb, or an adjective of infusion / injection /
administration), so that another agent's route said of every patient ("All patients receive
intravenous tocilizumab", "intravenous fluids") stays that agent's, and unknown stays unknown.
Sentences written for these tests; the records are built as in test_extract_record_shapes."""

from __future__ import annotations

import pytest
from test_extract_record_shapes import (
    EXP,
    IA,
    IT,
    IV,
    PLACEBO,
    Got,
    arm,
    biological,
    drug,
    kg,
    none,
    row,
    rows_of,
    trial,
)

from kg.extract import annotate_trial


def _rows(detailed: str) -> list[Got]:
    t = trial(
        [
            arm("Low dose", EXP, "MSCs 1 x 10^6 cells/kg.", "Biological: MSC"),
            arm("High dose", EXP, "MSCs 2 x 10^6 cells/kg.", "Biological: MSC"),
            arm("Placebo", PLACEBO, "Saline.", "Drug: Saline"),
        ],
        [
            biological("MSC", "Mesenchymal stromal cells.", "Low dose", "High dose"),
            drug("Saline", "Normal saline.", "Placebo"),
        ],
        detailed=detailed,
    )
    annotate_trial(t)
    return rows_of(t)


def _expected(route: str | None, admin: int | None = None) -> list[Got]:
    return sorted(
        [
            row("Low dose", kg(1e6), admin, route),
            row("High dose", kg(2e6), admin, route),
            none("Placebo"),
        ],
        key=repr,
    )


@pytest.mark.parametrize(
    ("detailed", "route", "admin"),
    [
        ("All patients receive the study infusions intravenously over 30 minutes.", IV, None),
        ("Both groups will be given the cells by intrathecal injection.", IT, None),
        ("Each participant receives one intra-articular injection.", IA, 1),
        ("In all patients the product is administered intravenously on day 1 and day 28.", IV, 2),
        (
            "Every subject in the two cell groups gets two intravenous infusions, 4 weeks apart.",
            IV,
            2,
        ),
    ],
)
def test_a_clause_about_every_group_gives_the_cell_arms_its_route(
    detailed: str, route: str, admin: int | None
) -> None:
    assert _rows(detailed) == _expected(route, admin)


@pytest.mark.parametrize(
    "detailed",
    [
        "All patients receive intravenous tocilizumab on day 1.",
        "All patients also receive standard care, including intravenous fluids and oxygen.",
        "All patients receive intravenous methylprednisolone.",
        "All patients had received intravenous chemotherapy before enrolment.",
        "All patients have an intravenous line placed for blood sampling.",
        "Patients in both arms are followed for 12 months.",
        # not said of every group: the detailed description's route words stay unread
        "Intravenous infusions of immunoglobulin were used in an earlier study.",
    ],
)
def test_another_agents_route_or_no_route_said_of_every_group_gives_none(detailed: str) -> None:
    assert _rows(detailed) == _expected(None)
