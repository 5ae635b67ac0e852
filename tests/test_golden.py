"""One expected graph per seed, compared as graphs; `pytest --regen-golden` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.build import map_document_file
from kg.rdf import Minter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"


def seed_graph(path: Path) -> rdflib.Graph:
    result, quads, _ = map_document_file(path.read_bytes(), path.name, minter=Minter())
    assert result.status == "mapped", result.errors
    text = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return rdflib.Graph().parse(data=text, format="nt")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_seed_matches_golden_graph(path: Path, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / f"{path.stem}.nt"
    actual = seed_graph(path)
    if request.config.getoption("--regen-golden"):
        lines = sorted(actual.serialize(format="nt").splitlines())
        golden.write_text(
            "\n".join(line for line in lines if line.strip()) + "\n", encoding="utf-8"
        )
        pytest.skip(f"rewrote {golden.name}")
    assert golden.exists(), (
        f"no golden graph {golden}; run pytest --regen-golden once and review it"
    )
    expected = rdflib.Graph().parse(golden, format="nt")
    if not isomorphic(actual, expected):
        _, missing, added = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = ["graph differs from " + golden.name]
        lines += [f"  missing: {s.n3()} {p.n3()} {o.n3()}" for s, p, o in sorted(missing)]
        lines += [f"  added:   {s.n3()} {p.n3()} {o.n3()}" for s, p, o in sorted(added)]
        pytest.fail("\n".join(lines), pytrace=False)


def test_golden_files_are_all_used() -> None:
    stems = {p.stem for p in SEEDS.glob("*.txt")}
    assert {p.stem for p in GOLDEN.glob("*.nt")} <= stems
