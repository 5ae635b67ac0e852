"""Measure annotate_trial against the hand-checked dose key (20 real trials, classic API v1).

Prints the score table and every miss with its reason (run ``pytest -s`` to see it on
success); the floors sit just under the scores reached, so a regression fails the test.
"""

from __future__ import annotations

from pathlib import Path

import data_key
import pytest

# Floors just under the measured rates (dose 34/35: the miss is a secretome volume in mL,
# which the model's DoseUnit cannot hold; donor: the key infers "allogeneic" from an
# umbilical-cord source in adults, the extractor reads explicit words only).
FLOORS = {
    "dose": 0.95,
    "tissue": 0.97,
    "donor": 0.60,
    "route": 0.97,
    "administrations": 0.97,
    "no cells": 0.95,
}


@pytest.fixture(scope="module")
def result(shared_dir: Path) -> data_key.Score:
    score, trials = data_key.run()
    assert len(trials) == len({r.nct_id for r in data_key.load_key()}), "records missing"
    return score


def test_key_rows_are_all_scored(result: data_key.Score) -> None:
    rows = data_key.load_key()
    dose_rows = [r for r in rows if r.dose_min is not None]
    assert result.totals["dose"] == len(dose_rows)
    assert result.totals["no cells"] == sum(r.no_cells for r in rows)
    assert result.totals["tissue"] == sum(r.cells for r in rows)


def test_score_floors(result: data_key.Score) -> None:
    print()
    print(data_key.report(result))
    low = {f: result.rate(f) for f in FLOORS if result.rate(f) < FLOORS[f]}
    assert not low, f"below floor: {low}"


def test_dose_target(result: data_key.Score) -> None:
    """The target of the task: dose value and unit right for at least 90% of the key's rows."""
    assert result.rate("dose") >= 0.90


def test_every_donor_miss_is_an_inferred_donor(result: data_key.Score) -> None:
    """Donors are read from explicit words only: each donor miss is a row whose key note says
    the donor is not stated (and was inferred by the key's author)."""
    donor_misses = [m for m in result.misses if m.startswith("donor")]
    assert all("not stated" in m for m in donor_misses), donor_misses
