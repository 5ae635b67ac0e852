"""Patterns found by the hand census of dose rows outside the keys
(bench/dose-precision-verdicts.tsv): tolerances, per-kg bases after a verb, schedules,
routes through a bypass circuit or on a surface, per-site figures, per-session totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import annotate_trial, extract_doses, find_route
from kg.extract.regimen import find_counts, resolve
from kg.model import Arm, DoseUnit, Intervention, Provenance, Trial

KG = DoseUnit.CELLS_PER_KG


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1 ± 0.5 x 10^6 MSC/kg", 1e6, KG),
        (
            "Intravenous injections for a dose of 1 ± 0.5 x 106 MSC/kg recipient body weight",
            1e6,
            KG,
        ),
        ("two doses (1 ± 0.5 x 106/kg recipient body weight for each injection)", 1e6, KG),
        ("1 +/- 0.5 x 10^6 cells/kg", 1e6, KG),
        ("1.5 +/- 0.25 million MSCs per kg", 1.5e6, KG),
        ("2 x 10^6 ± 0.5 x 10^6 cells/kg", 2e6, KG),
        ("2x10^6 +/- 2x10^5 MSCs/kg", 2e6, KG),
        ("2 x 10^6 cells/kg (±10%)", 2e6, KG),
        ("2 million MSC/kg ± 20%", 2e6, KG),
        ("100 x 10^6 MSCs (± 10 x 10^6)", 1e8, DoseUnit.CELLS),
    ],
)
def test_a_tolerance_is_never_a_dose(text: str, value: float, unit: DoseUnit) -> None:
    doses = extract_doses(text, field="t")
    assert [(d.min_cells, d.max_cells, d.unit) for d in doses] == [(value, value, unit)]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 9),
    st.sampled_from(["0.1", "0.5", "0.25", "2"]),
    st.integers(5, 8),
    st.sampled_from(["±", "+/-", "+ / -", "+-"]),
    st.sampled_from(["cells/kg", "MSCs per kg", "MSC/kg body weight"]),
)
def test_any_tolerance_after_a_mantissa(m: int, tol: str, p: int, sign: str, unit: str) -> None:
    text = f"a dose of {m} {sign} {tol} x 10^{p} {unit}"
    doses = extract_doses(text, field="t")
    assert [(d.min_cells, d.unit) for d in doses] == [(m * 10.0**p, KG)]


@pytest.mark.parametrize(
    "text",
    [
        "2 doses of 1-2x10^6 allogeneic bone marrow derives MSCs IV per/kg body weight",
        "1-2 x 10^6 MSC IV per/kg body weight",
        "1-2 x 10^6 cells infused per kg",
        "1-2 x 10^6 MSCs administered intravenously per kg of body weight",
        "1-2 x 10^6 MSCs i.v. /kg",
        "1-2 million MSCs given intravenously per kilogram",
        "1-2 x 10^6 cells injected intrathecally per kg bw",
        "1-2 x 10^6 MSCs per/kg",
    ],
)
def test_a_per_kg_basis_after_a_route_or_verb(text: str) -> None:
    doses = extract_doses(text, field="t")
    assert [(d.min_cells, d.max_cells, d.unit) for d in doses] == [(1e6, 2e6, KG)]


@pytest.mark.parametrize(
    "text",
    [
        "1-2 x 10^6 MSCs infused per day",  # not per kg
        "1-2 x 10^6 MSCs infused per session",
        "1-2 x 10^6 MSCs IV; prednisone 1 mg per kg",  # another thing's basis
    ],
)
def test_no_per_kg_basis_without_kg(text: str) -> None:
    doses = extract_doses(text, field="t")
    assert [(d.min_cells, d.max_cells, d.unit) for d in doses] == [(1e6, 2e6, DoseUnit.CELLS)]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # points in time, the unit after the list in the singular
        ("a dose of 0.75*10^6/ kg MSCs given intravenously at 0,1,5,6 week", 4),
        ("MSCs will be infused at weeks 0, 1, 5 and 6", 4),
        ("cells injected at 0, 4 and 8 week", 3),
        ("UC-MSC infused at month 0 and 3", 2),
        # every k units for n units, the units different
        ("Infusions will be performed every 2 months for 1 year", 6),
        ("MSCs injected every 3 months for a year", 4),
        ("cells infused every 2 weeks for 2 months", 4),
        ("MSC infusion every month for one year", 12),
        ("MSC given daily for a week", 7),
        ("cells infused every 2 days for 2 weeks", 7),
        ("MSCs every 5 months for 1 year", None),  # does not divide: unknown
        # a day list; an optional day after it is not counted
        ("cells given on days 1, 2 and 3", 3),
        ("hCT-MSC on days 1, 2 and 3 and optionally on day 7", 3),
        ("Doses of 2x10^6 cells/kg will be given on days 1, 2, 3, +/-7 (day 7 is optional).", 3),
        (
            "Doses will be given on days 1, 2, 3, and a fourth, optional dose may be given on day 7"
            " at the discretion of the investigator.",
            3,
        ),
        ("MSCs will be injected on days 1, 3 and 5 and, if needed, on day 10", 3),
        ("MSCs will be given on day 1, day 2 and day 3; an optional dose on day 7", 3),
        ("infused on days 0, 3 and 6", 3),
        ("infused on day 0, day 3 and day 6", 3),
        ("70 million mesenchymal stem cell day 0, 3 6 , infusion time 30 min", 3),
        ("cells infused on days 0, 3 and 6 and on day 9", 4),  # a fourth day, not optional
    ],
)
def test_schedules_the_census_found(text: str, count: int | None) -> None:
    assert resolve(find_counts(text)).value == count


@pytest.mark.parametrize(
    "text",
    [
        "BM-MSC delivery through cardiopulmonary bypass (CPB) during surgery",
        "BM-MSC delivery though cardiopulmonary bypass (CPB)",  # as a registry typed it
        "cells infused via the CPB circuit",
        "MSC infusion into the bypass circuit",
        "MSCs added to the CPB prime and infused",
        "MSC infusion through the ECMO circuit",
    ],
)
def test_a_way_in_without_a_route_key_is_no_intravenous(text: str) -> None:
    assert find_route(text) is None
    assert all(d.route is None for d in extract_doses(f"2 x 10^6 MSCs/kg; {text}", field="t"))


@pytest.mark.parametrize(
    "text",
    [
        "MSCs infused during cardiopulmonary bypass surgery recovery",  # no 'through/via'
        "MSC infusion after CPB weaning",
    ],
)
def test_bypass_as_a_time_keeps_infusion_intravenous(text: str) -> None:
    assert find_route(text) == ("intravenous", text.split()[1])


@pytest.mark.parametrize(
    "text",
    [
        "Biological is applied by surface application over perforated autologous skin graft",
        "cells applied to the wound surface",
        "MSCs sprayed onto the graft",
        "MSC suspension sprayed onto the burn",
        "cells applied over the skin graft",
        "application of MSCs onto the wound bed",
    ],
)
def test_on_a_surface_is_topical(text: str) -> None:
    route = find_route(text)
    assert route is not None and route[0] == "topical"


PROV = Provenance("test.json", "test", "0" * 64, "0", "NCT00000000", "0" * 64)


def _trial(**kw: object) -> Trial:
    return Trial(provenance=PROV, nct_id="NCT00000000", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "way",
    [
        "delivery through cardiopulmonary bypass (CPB)",
        "delivery though cardiopulmonary bypass (CPB)",
        "given via the CPB circuit",
    ],
)
def test_an_arm_through_bypass_gets_no_route_and_a_note(way: str) -> None:
    t = _trial(
        brief_title="BM-MSC in infants undergoing cardiac surgery",
        arms=[
            Arm(
                "BM-MSC",
                "EXPERIMENTAL",
                "Five dose levels (1x10^6, 10x10^6 cells/kg) of BM-MSC infusion during cardiac "
                "surgery.",
                ("Biological: BM-MSC",),
            )
        ],
        interventions=[
            Intervention("BM-MSC", "BIOLOGICAL", f"BM-MSC {way} in infants.", (), ("BM-MSC",))
        ],
    )
    annotate_trial(t)
    arm = t.arms[0]
    assert arm.route is None and arm.doses
    assert all(d.route is None for d in arm.doses)
    assert any("route unknown" in n for n in t.notes)
    assert not any("no route stated" in n for n in t.notes)


SITE = DoseUnit.CELLS_PER_SITE


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the session's total stated: only the total is the dose
        (
            "Total 150x10^6 BM-MSCs in one session of 30 intramuscular injections "
            "(5x10^6 per site).",
            [(1.5e8, DoseUnit.CELLS)],
        ),
        (
            "6,000,000 cells total consisting of injection at 2 sites of 3,000,000 cells/150 µL "
            "each at the high dose level.",
            [(6e6, DoseUnit.CELLS)],
        ),
        (
            "A total of 150 x 10^6 MSCs; 5 x 10^6 MSCs will be injected at each of 30 sites",
            [(1.5e8, DoseUnit.CELLS)],
        ),
        ("100 million MSCs in total, 10 million cells per injection site", [(1e8, DoseUnit.CELLS)]),
        # only the per-site figure and the number of sites: the dose is per site
        ("5 x 10^6 MSC per site at each of 30 sites", [(5e6, SITE)]),
        ("3,000,000 cells per injection site at each of 2 sites", [(3e6, SITE)]),
        ("5 x 10^6 MSCs will be injected at each of 30 sites", [(5e6, SITE)]),
        ("injections at 10 sites of 1 x 10^6 MSCs each", [(1e6, SITE)]),
        ("2 million MSCs into each site", [(2e6, SITE)]),
        # no site: unchanged
        ("10 million MSCs for each patient", [(1e7, DoseUnit.CELLS)]),
        ("2 million MSCs each patient", [(2e6, DoseUnit.CELLS)]),
        ("1 x 10^6 MSCs/kg at each visit", [(1e6, KG)]),
    ],
)
def test_a_figure_per_site_beside_a_session_total(
    text: str, want: list[tuple[float, DoseUnit]]
) -> None:
    doses = extract_doses(text, field="t")
    assert [(d.min_cells, d.unit) for d in doses] == want
    assert all(d.per.value == "administration" for d in doses)


def test_the_per_site_unit_is_not_comparable() -> None:
    assert not SITE.comparable
    assert SITE.value == "other:cells/site"


@pytest.mark.parametrize(
    ("text", "per", "count"),
    [
        (
            "20 million cells in total per session (10 injections of 2 million), sessions every "
            "4 weeks",
            "administration",
            None,
        ),
        (
            "20 million (2 x 10^7) allogeneic MSC's total divided into 10 injections of 2 million "
            "cells/cm of tract (for total volume of 5 ml per visit) at 4 week intervals",
            "administration",
            None,
        ),
        ("a total of 100 million cells per treatment session, 3 sessions", "administration", 3),
        ("a total of 1 x 10^8 MSCs per visit, given at weeks 0, 4 and 8", "administration", 3),
        ("a total of 150 x 10^6 MSCs in a single session", "administration", 1),
        # a total over the course stays the course's
        ("a total of 100 million cells given in 4 infusions", "course", None),
        ("a cumulative dose of 100 million cells per session", "course", None),
    ],
)
def test_a_total_per_session_is_per_administration(text: str, per: str, count: int | None) -> None:
    doses = extract_doses(text, field="t")
    assert [(d.per.value, d.administrations) for d in doses] == [(per, count)]


@pytest.mark.parametrize(
    ("desc", "count"),
    [
        (
            "Intravenous infusion of MSC suspension in the amount of 200 mln. cells per 400 mL of "
            "saline. Infusions will be performed every 2 months for 1 year",
            6,
        ),
        ("MSCs 1 x 10^6 cells/kg intravenously. Doses will be given on days 1, 2 and 3.", 3),
        ("2 x 10^6 MSCs/kg. The injections are repeated at weeks 0, 4 and 8.", 3),
        ("2 x 10^6 MSCs/kg. Patients will be followed for 2 years at months 0, 3 and 6.", None),
    ],
)
def test_a_sentence_on_the_administrations_goes_on_with_the_cells(
    desc: str, count: int | None
) -> None:
    t = _trial(
        brief_title="MSCs for a disease",
        arms=[Arm("MSC group", "EXPERIMENTAL", desc, ("Biological: MSC",))],
        interventions=[Intervention("MSC", "BIOLOGICAL", None, (), ("MSC group",))],
    )
    annotate_trial(t)
    assert t.arms[0].doses
    assert t.arms[0].administrations == count


def test_an_arm_with_cells_counts_its_own_doses_sentence() -> None:
    t = _trial(
        brief_title="hCT-MSC in MIS-C",
        arms=[
            Arm(
                "hCT-MSC infusion",
                "EXPERIMENTAL",
                "Doses will be given on days 1, 2, 3, and a fourth, optional dose may be given on "
                "day 7 at the discretion of the investigator.",
                ("Biological: hCT-MSC",),
            )
        ],
        interventions=[
            Intervention(
                "hCT-MSC",
                "BIOLOGICAL",
                "Doses contain 2x10^6 cells/kg (up to a maximum dose of 100x10^6 cells).",
                (),
                ("hCT-MSC infusion",),
            )
        ],
    )
    annotate_trial(t)
    assert [d.administrations for d in t.arms[0].doses] == [3]
