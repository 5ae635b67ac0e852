"""The curated tables of kg/link/data: every id exists, is live and has a public source."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from kg.link import Sources
from kg.link.curated import TABLES, CuratedRow, load_table
from kg.link.normalise import bag_key
from kg.link.records import PREDICATES
from kg.link.sssom import mesh_key
from kg.link.terms import load_terms, parse_curie

# The releases the installed package declares current: what a build runs against.
PACKAGED = Sources()
ROWS = [(table, row) for table in TABLES for row in load_table(table).rows]
URL = re.compile(r"^https?://\S+$")


def _ids(prefixes: set[str]) -> list[tuple[str, CuratedRow]]:
    return [(t, r) for t, r in ROWS if (p := parse_curie(r.curie)) and p[0] in prefixes]


def test_tables_are_not_empty() -> None:
    for table in TABLES:
        assert load_table(table).rows, table


@pytest.mark.parametrize(("table", "row"), ROWS, ids=lambda v: getattr(v, "name", v))
def test_row_shape(table: str, row: CuratedRow) -> None:
    assert row.predicate in PREDICATES
    assert URL.match(row.source), f"{table}: {row.name}: source is not a public URL"
    assert parse_curie(row.curie) is not None
    if row.mesh_id:
        assert mesh_key(row.mesh_id) is not None


@pytest.mark.parametrize(
    ("table", "row"), _ids({"CL", "UBERON", "MONDO", "HP"}), ids=lambda v: getattr(v, "name", v)
)
def test_obo_ids_exist_and_are_live_in_the_packaged_release(table: str, row: CuratedRow) -> None:
    ts = PACKAGED.term_set_of(row.curie)
    assert ts is not None
    assert row.curie in ts, f"{table}: {row.curie} not in {ts.source}"
    assert not ts.is_obsolete(row.curie), f"{table}: {row.curie} obsolete in {ts.source}"
    assert ts.label(row.curie) == row.label, f"{table}: label of {row.curie} in {ts.source}"


def test_chebi_ids_exist_and_are_live_in_the_packaged_release() -> None:
    chebi = load_terms("CHEBI")  # ~2 s: the package's ChEBI release
    for table, row in _ids({"CHEBI"}):
        assert row.curie in chebi, f"{table}: {row.curie} not in {chebi.source}"
        assert not chebi.is_obsolete(row.curie), f"{table}: {row.curie} obsolete"
        assert chebi.label(row.curie) == row.label, f"{table}: label of {row.curie}"


def test_every_table_id_is_of_its_ontology() -> None:
    expected = {
        "conditions.tsv": {"MONDO", "HP"},  # HP: a finding that is not a disease
        "tissues.tsv": {"UBERON"},
        "cell_types.tsv": {"CL"},
        "drugs.tsv": {"CHEBI"},
    }
    for table, row in ROWS:
        parsed = parse_curie(row.curie)
        assert parsed is not None and parsed[0] in expected[table], (table, row.curie)


def test_no_normalised_name_points_two_ways() -> None:
    for table in TABLES:
        by_key: dict[str, set[str]] = defaultdict(set)
        for row in load_table(table).rows:
            by_key[bag_key(row.name)].add(row.curie)
        clashes = {k: v for k, v in by_key.items() if len(v) > 1}
        assert not clashes, f"{table}: {clashes}"
