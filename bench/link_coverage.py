"""How many ClinicalTrials.gov condition names kg.link grounds to MONDO, and how.

Reads every study of ../shared/data/ctgov-v1/*.json (classic API v1 ``FullStudiesResponse``):
each condition of ``ConditionsModule.ConditionList``, grounded with the study's
``ConditionBrowseModule.ConditionMeshList`` ids (listed per study, not per condition).
Prints the share linked, by method, the load times, 20 sample links drawn with a fixed seed
for a person to check, and a few names left unlinked.

    .venv/bin/python bench/link_coverage.py [--shared ../shared] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.link import Sources, find_conditions, ground_condition
from kg.link.terms import load_terms


def _shared_default() -> Path:
    env = os.environ.get("KG_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"


def _studies(data_dir: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(data_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for full in doc["FullStudiesResponse"]["FullStudies"]:
            yield full["Study"]


def _conditions(study: dict[str, Any]) -> tuple[list[str], list[str], str]:
    proto = study["ProtocolSection"]
    names = proto.get("ConditionsModule", {}).get("ConditionList", {}).get("Condition", [])
    browse = study.get("DerivedSection", {}).get("ConditionBrowseModule", {})
    mesh = [
        m["ConditionMeshId"] for m in browse.get("ConditionMeshList", {}).get("ConditionMesh", [])
    ]
    title = proto.get("IdentificationModule", {}).get("BriefTitle", "")
    return list(names), mesh, title


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_shared_default())
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shared: Path = args.shared
    sources = Sources(sssom_dir=shared / "ontologies" / "mondo-sssom")

    t0 = time.perf_counter()
    mondo = load_terms("MONDO")
    t1 = time.perf_counter()
    _ = mondo.index.by_fold
    t2 = time.perf_counter()
    _ = mondo.index.by_bag, mondo.index.by_phrase
    t3 = time.perf_counter()
    sources.sssom()
    t4 = time.perf_counter()
    print(
        f"MONDO {mondo.version} ({len(mondo)} terms): read {t1 - t0:.2f} s, exact index "
        f"{t2 - t1:.2f} s, normalised and phrase indexes {t3 - t2:.2f} s"
    )
    print(f"SSSOM ({len(sources.sssom().files)} files): read {t4 - t3:.2f} s")

    items: list[tuple[str, tuple[str, ...]]] = []
    titles: list[str] = []
    for study in _studies(shared / "data" / "ctgov-v1"):
        names, mesh, title = _conditions(study)
        titles.append(title)
        items.extend((name, tuple(mesh)) for name in names)
    t5 = time.perf_counter()
    rows = [(n, m, ground_condition(n, mesh_ids=m, sources=sources)) for n, m in items]
    t6 = time.perf_counter()
    in_titles = [find_conditions(t, sources=sources) for t in titles]
    t7 = time.perf_counter()

    total = len(rows)
    linked = [r for r in rows if r[2] is not None]
    print(
        f"\n{len(titles)} studies, {total} condition names ({len({r[0] for r in rows})} distinct); "
        f"grounded in {t6 - t5:.2f} s"
    )
    print(f"linked to MONDO: {len(linked)}/{total} = {len(linked) / total:.1%}")
    methods = Counter(r[2].method for r in linked if r[2] is not None)
    for method, n in methods.most_common():
        print(f"  {method:18s} {n:4d}  {n / total:6.1%}")
    predicates = Counter(r[2].predicate for r in linked if r[2] is not None)
    print("  by predicate: " + ", ".join(f"{p} {n}" for p, n in predicates.most_common()))
    with_hits = sum(1 for h in in_titles if h)
    print(
        f"titles with a condition found by find_conditions: {with_hits}/{len(titles)} "
        f"({sum(len(h) for h in in_titles)} mentions, {t7 - t6:.2f} s)"
    )

    distinct = sorted({(r[0], r[2]) for r in linked if r[2] is not None}, key=lambda x: x[0])
    sample = random.Random(args.seed).sample(distinct, min(20, len(distinct)))
    print(f"\n20 sample links (seed {args.seed}):")
    for i, (name, link) in enumerate(sample, 1):
        print(
            f"{i:2d}. {name!r} -> {link.curie} {link.label!r} [{link.method}, "
            f"{link.predicate}, {link.score}, via {link.matched_text!r}]"
        )
    unlinked = sorted({r[0] for r in rows if r[2] is None})
    print(
        f"\n{len(unlinked)} distinct names unlinked, e.g.: "
        + "; ".join(random.Random(args.seed).sample(unlinked, min(25, len(unlinked))))
    )


if __name__ == "__main__":
    main()
