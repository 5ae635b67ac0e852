"""The units table of results, row by row against the UO release in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.results_units import UNITS, uo_unit


def _uo_names(shared_dir: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    term: str | None = None
    for line in (
        (shared_dir / "ontologies" / "obo" / "uo.obo").read_text(encoding="utf-8").splitlines()
    ):
        if line.startswith("id: "):
            term = line[4:].strip()
        elif line.startswith("name: ") and term:
            names[term] = line[6:].strip()
    return names


@pytest.mark.parametrize(("uo", "label", "spellings"), UNITS, ids=[u[0] for u in UNITS])
def test_every_row_names_a_uo_term_by_its_label(
    shared_dir: Path, uo: str, label: str, spellings: tuple[str, ...]
) -> None:
    assert _uo_names(shared_dir)[uo] == label
    for spelling in spellings:
        assert uo_unit(spelling) == uo
        assert uo_unit(spelling.upper()) == uo


def test_what_is_not_a_unit_stays_text() -> None:
    assert uo_unit("Percentage of participants with a response") is None
    assert uo_unit("units on a scale") is None
    assert uo_unit("ms") is None  # a millisecond is no metre
    assert uo_unit(None) is None
