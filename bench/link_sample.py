"""The hand-checked sample of condition links: draw it, or re-link it with the current linker.

Every condition link the pipeline makes over ``$KG_SHARED/data`` and ``seeds/`` (mapped and
enriched exactly as ``kg build`` does), one per distinct (condition name, term), is a
candidate; ``--draw`` takes a seeded random sample of them and prints it as the rows of
``bench/link-verdicts.tsv`` with an empty verdict, for a person to fill in:

* ``right``: the term and the predicate are right (a ``skos:broadMatch`` to a term that is
  indeed broader is right);
* ``broader``: the term is broader than the name but the link says exact or close;
* ``wrong``: the term is not what the name means.

Without ``--draw`` it re-links every row of the verdict file and prints the verdict counts
and the rows whose link changed (``tests/test_link_verdicts.py`` fails on those).

    .venv/bin/python bench/link_sample.py [--draw 100 --seed 14]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.build import enrich
from kg.model import MappingError, Trial
from kg.sources import iter_input_files, map_bytes

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = ROOT / "bench" / "link-verdicts.tsv"
COLUMNS = (
    "source",
    "trial",
    "condition",
    "found_in",
    "term",
    "label",
    "predicate",
    "method",
    "score",
    "verdict",
    "reason",
)
VERDICT_KINDS = ("right", "broader", "wrong")


def shared_dir() -> Path:
    env = os.environ.get("KG_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def data_dir() -> Path:
    env = os.environ.get("KG_TEST_DATA")
    return Path(env) if env else shared_dir() / "data"


@dataclass(frozen=True, slots=True)
class Linked:
    source: str  # "data/<path>" under the shared data folder or "seeds/<file>"
    trial: str  # NCT id or record key
    condition: str
    found_in: str
    term: str
    label: str
    predicate: str
    method: str
    score: float


def _path(source: str) -> Path:
    top, _, rest = source.partition("/")
    return (data_dir() if top == "data" else ROOT / "seeds") / rest


def _trials(path: Path, source: str) -> Iterator[Trial]:
    for item in map_bytes(path.read_bytes(), source_file=source):
        if isinstance(item, Trial):
            yield item


def trial_key(trial: Trial) -> str:
    return trial.nct_id or trial.provenance.record_key


def links_of(trial: Trial, source: str) -> Iterator[Linked]:
    for c in trial.conditions:
        if c.link is not None:
            yield Linked(
                source,
                trial_key(trial),
                c.name,
                c.found_in,
                c.link.curie,
                c.link.label,
                c.link.predicate,
                c.link.method,
                c.link.score,
            )


def all_links() -> Iterator[Linked]:
    """Every condition link of the shared data and the seeds, as the build makes them."""
    roots = [("data", data_dir()), ("seeds", ROOT / "seeds")]
    for top, root in roots:
        for path in iter_input_files([root]):
            source = f"{top}/{path.relative_to(root).as_posix()}"
            try:
                trials = list(_trials(path, source))
            except MappingError:  # files no format reads (licences, READMEs)
                continue
            for trial in trials:
                enrich(trial)
                yield from links_of(trial, source)


def relink(rows: Iterable[dict[str, str]]) -> dict[tuple[str, str, str], Linked | None]:
    """The current link of each row's condition, found by re-mapping and enriching its record."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["source"], set()).add(row["trial"])
    out: dict[tuple[str, str, str], Linked | None] = {}
    for source, keys in sorted(wanted.items()):
        for trial in _trials(_path(source), source):
            if trial_key(trial) in keys:
                enrich(trial)
                for c in trial.conditions:
                    key = (source, trial_key(trial), c.name)
                    found = [k for k in links_of(trial, source) if k.condition == c.name]
                    out[key] = found[0] if found else None
    return out


def read_verdicts(path: Path = VERDICTS) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _draw(n: int, seed: int) -> None:
    distinct: dict[tuple[str, str], Linked] = {}
    for link in all_links():
        distinct.setdefault((link.condition.casefold(), link.term), link)
    pool = [distinct[k] for k in sorted(distinct)]
    sample = random.Random(seed).sample(pool, min(n, len(pool)))
    print(f"# {len(pool)} distinct (condition, term) links; {len(sample)} drawn with seed {seed}")
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in sorted(sample, key=lambda k: (k.source, k.trial, k.condition)):
        row = [s.source, s.trial, s.condition, s.found_in, s.term, s.label, s.predicate]
        writer.writerow([*row, s.method, f"{s.score:.2f}", "", ""])  # verdict, reason: by hand


def _score() -> None:
    rows = read_verdicts()
    now = relink(rows)
    counts = Counter(r["verdict"] for r in rows)
    print(", ".join(f"{k} {counts[k]}" for k in VERDICT_KINDS), f"of {len(rows)}")
    for r in rows:
        cur = now.get((r["source"], r["trial"], r["condition"]))
        if cur is None or (cur.term, cur.predicate) != (r["term"], r["predicate"]):
            print(f"changed: {r['condition']!r} {r['term']} {r['predicate']} -> {cur}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw", type=int, help="draw a new sample of this size")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if args.draw:
        _draw(args.draw, args.seed)
    else:
        _score()


if __name__ == "__main__":
    main()
