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


def test_any_key_file_is_scored(shared_dir: Path, tmp_path: Path) -> None:
    """A key in the dev-key format at any path is scored, its trials found by NCT id; a
    tissue the extractor cannot name is a miss, never read as 'unknown'."""
    lines = data_key.dev_key_path().read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], [ln for ln in lines[1:] if "\tNCT03673748\t" in ln]
    assert len(rows) == 2
    cells = rows[0].split("\t")
    cells[6] = "menstrual blood"  # tissue_source
    key = tmp_path / "key.tsv"
    key.write_text("\n".join([header, "\t".join(cells), rows[1]]) + "\n", encoding="utf-8")
    result, trials = data_key.run(key)
    assert set(trials) == {"NCT03673748"}
    assert result.totals["dose"] == 1 and result.hits["dose"] == 1
    assert result.totals["no cells"] == 1 and result.hits["no cells"] == 1
    assert result.totals["tissue"] == 1 and result.hits["tissue"] == 0
    assert any(m.startswith("tissue") and "menstrual blood" in m for m in result.misses)


def test_bench_key_option(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    sys.path.insert(0, str(data_key.ROOT / "bench"))
    import dose_key_score

    assert dose_key_score.main(["--key", str(data_key.dev_key_path())]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"dose key: {data_key.dev_key_path()}")
    assert "administrations" in out and "annotate_trial time" not in out
