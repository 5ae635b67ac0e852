"""The build's fast walk finds the same files, in the same order, as iter_input_files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import _inputs, count_inputs
from kg.sources import iter_input_files


def test_walk_matches_iter_input_files(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for rel in ["b.json", "a.xml", "z/1.xml", "z/0.xml", "m/n/deep.txt", "m/top.txt", "A.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / ".hidden.xml").write_text("x")
    (root / ".git").mkdir()
    (root / ".git" / "x.xml").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "linked.xml").write_text("x")
    os.symlink(tmp_path / "elsewhere", root / "link")  # os.walk does not follow it
    single = tmp_path / "single.xml"
    single.write_text("one")

    found = list(_inputs([root, single]))
    expected = [p.relative_to(root).as_posix() for p in iter_input_files([root])] + ["single.xml"]
    assert [key for _, key, _ in found] == expected
    assert [path for path, _, _ in found] == [str(p) for p in iter_input_files([root, single])]
    assert all(st is not None and st.st_size == Path(p).stat().st_size for p, _, st in found)
    # the progress bar's total: the same files, counted without a stat
    assert count_inputs([root, single]) == len(found) == 8


def test_same_relative_path_under_two_roots_is_kept_apart(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.xml").write_text(name)
    keys = [key for _, key, _ in _inputs([tmp_path / "one", tmp_path / "two"])]
    assert keys == ["r.xml", "two/r.xml"]


def test_missing_root_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        list(_inputs([tmp_path / "nope"]))
