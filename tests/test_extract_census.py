"""Patterns found by the hand census of dose rows outside the keys
(bench/dose-precision-verdicts.tsv): tolerances, per-kg bases after a verb, schedules,
routes through a bypass circuit or on a surface, per-site figures, per-session totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract_doses
from kg.model import DoseUnit

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
