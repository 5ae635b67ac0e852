"""Arm-group joins: the hand-checked verdicts of 30 records, and the join rules one by one."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from kg.model import Arm, Trial
from kg.results_join import join_group
from kg.sources import map_bytes

VERDICTS = Path(__file__).parent / "data" / "results-join-verdicts.tsv"


def _rows() -> list[dict[str, str]]:
    lines = [
        line
        for line in VERDICTS.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_verdicts_cover_30_records_with_95_percent_right_and_none_wrong() -> None:
    rows = _rows()
    assert len({r["nct_id"] for r in rows}) == 30
    verdicts = Counter(r["verdict"] for r in rows)
    assert set(verdicts) <= {"right", "uncertain", "wrong"}
    assert verdicts["wrong"] == 0, verdicts
    assert verdicts["right"] / len(rows) >= 0.95, verdicts
    # The rest is flagged: every row not right is a join marked uncertain.
    assert all(r["status"] == "uncertain" for r in rows if r["verdict"] != "right")


def test_every_checked_join_is_what_the_pipeline_makes_now(test_data: Path) -> None:
    """Re-join every row from its record: a join that changed needs its verdict checked again."""
    rows = _rows()
    trials: dict[tuple[str, str], Trial] = {}
    for source in sorted({r["source_file"] for r in rows}):
        for t in map_bytes((test_data / source).read_bytes(), source_file=source):
            if isinstance(t, Trial) and t.nct_id:
                trials.setdefault((source, t.nct_id), t)
    changed = []
    for r in rows:
        trial = trials[(r["source_file"], r["nct_id"])]
        assert trial.results is not None
        groups = [
            g
            for section, g in trial.results.all_groups()
            if section == r["section"]
            and g.key == r["group_id"]
            and (g.title or "") == r["group_title"]
        ]
        assert groups, r
        j = groups[0].join
        assert j is not None
        now = (j.arm or "", j.status, j.method)
        if now != (r["joined_arm"], r["status"], r["method"]):
            changed.append(
                (r["nct_id"], r["group_title"], (r["joined_arm"], r["status"], r["method"]), now)
            )
    assert not changed, changed


ARMS = [
    Arm("Arm A: Nivolumab", description="Nivolumab 3 mg/kg every 2 weeks"),
    Arm("Arm B: Docetaxel", description="Docetaxel 75 mg/m2 every 3 weeks"),
]


@pytest.mark.parametrize(
    ("title", "description", "arm", "status", "method"),
    [
        ("Arm A: Nivolumab", None, "Arm A: Nivolumab", "matched", "title equals arm label"),
        (
            "Docetaxel",
            None,
            "Arm B: Docetaxel",
            "matched",
            "title equals arm label, numbering aside",
        ),
        ("Total", None, None, "none", "pooled total"),
        ("All Participants", None, None, "none", "pooled total"),
        ("Nivolumab, Then Docetaxel", None, None, "none", "crossover sequence"),
        ("Arm B (second line)", None, "Arm B: Docetaxel", "matched", "same arm letter or number"),
        (
            "Second-line",
            "Docetaxel 75 mg/m2 every 3 weeks\n\nmore",
            "Arm B: Docetaxel",
            "matched",
            "description repeats arm description",
        ),
        ("Week 12 responders", None, None, "uncertain", "no arm matches"),
        (
            "Nivolumab - Extension",
            None,
            "Arm A: Nivolumab",
            "uncertain",
            "a word only this arm has",
        ),
    ],
)
def test_join_rules(
    title: str, description: str | None, arm: str | None, status: str, method: str
) -> None:
    from kg.results_join import _join_all
    from kg.results_model import ResultGroup

    (group,) = _join_all((ResultGroup("G1", title, description),), ARMS)
    j = group.join
    assert j is not None
    assert (j.arm, j.status, j.method) == (arm, status, method), j


def test_only_arm_and_no_arms() -> None:
    one = [Arm("MSC")]
    assert join_group("Cohort 1: 1e6/kg", None, one, groups_in_section=3).arm == "MSC"
    assert join_group("Anything", None, one, groups_in_section=1).method == "only arm"
    assert join_group("Anything", None, []).method == "no arms"
