"""The small hand-made tables in ``kg/link/data/``: names -> ontology ids, each with a source.

One row per written name. Columns: ``name``, ``curie``, ``label``, ``predicate``, ``source``
(a public page of the id), ``note``; ``conditions.tsv`` adds ``mesh_id``. Lines starting
with ``#`` are comments.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from kg.link.normalise import bag_key, fold
from kg.link.records import PREDICATES

__all__ = ["TABLES", "CuratedRow", "CuratedTable", "load_table"]

TABLES = ("conditions.tsv", "tissues.tsv", "cell_types.tsv", "drugs.tsv")


@dataclass(frozen=True, slots=True)
class CuratedRow:
    name: str
    curie: str
    label: str
    predicate: str
    source: str
    note: str = ""
    mesh_id: str = ""


@dataclass(frozen=True, slots=True)
class CuratedTable:
    """A table's rows by folded name and by bag key (first row wins on a clash)."""

    file: str
    rows: tuple[CuratedRow, ...]
    by_fold: Mapping[str, CuratedRow]
    by_bag: Mapping[str, CuratedRow]


def _parse(file: str, text: str) -> list[CuratedRow]:
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = []
    for n, rec in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        row = CuratedRow(
            name=rec["name"].strip(),
            curie=rec["curie"].strip(),
            label=rec["label"].strip(),
            predicate=rec["predicate"].strip(),
            source=rec["source"].strip(),
            note=(rec.get("note") or "").strip(),
            mesh_id=(rec.get("mesh_id") or "").strip(),
        )
        if not (row.name and row.curie and row.source) or row.predicate not in PREDICATES:
            raise ValueError(f"{file}: bad row {n}: {rec}")
        rows.append(row)
    return rows


@functools.cache
def load_table(file: str) -> CuratedTable:
    """One of :data:`TABLES`, read from the package."""
    if file not in TABLES:
        raise ValueError(f"no curated table {file!r}")
    text = resources.files("kg.link").joinpath("data").joinpath(file).read_text(encoding="utf-8")
    rows = _parse(file, text)
    by_fold: dict[str, CuratedRow] = {}
    by_bag: dict[str, CuratedRow] = {}
    for row in rows:
        by_fold.setdefault(fold(row.name), row)
        by_bag.setdefault(bag_key(row.name), row)
    by_bag.pop("", None)
    return CuratedTable(file, tuple(rows), by_fold, by_bag)
