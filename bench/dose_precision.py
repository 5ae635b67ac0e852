"""Precision of the dose rows outside any key: a seeded sample of arm-doses rows, judged by hand.

    .venv/bin/python bench/dose_precision.py sample [--store DIR] [--size 50] [--seed 12]
    .venv/bin/python bench/dose_precision.py score  [--store DIR]

``sample`` builds every record of ``$KG_SHARED/data`` into a store (or uses ``--store``),
runs the ``arm-doses`` canned query, draws ``--size`` dose rows (rows with a figure) of
trials outside every hand key (dev, train, lockbox) with a
seeded random generator from the rows sorted by trial, arm and figure, and writes them to
``bench/dose-precision-verdicts.tsv`` with empty ``verdict`` and ``reason`` columns. A person
then reads each row's record and writes the verdict:

* ``correct`` -- the figure, unit and basis are a dose the record states for that arm;
* ``partly`` -- a real dose of the arm with one field wrong (unit, per, route, count, or a
  range read as one end); the reason says which;
* ``invented`` -- not a dose of that arm at all (a cap, a rate, a concentration, another
  arm's figure, a number that is not a cell count).

Rows already judged keep their verdicts when the sample is drawn again. ``score`` prints the
counts of the committed verdicts and says which judged rows the current extractor no longer
states (a changed row needs a new verdict before the figure can be reported again), then the
counts over the judged rows it still states: the precision of the current extractor.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ROOT / "bench" / "dose-precision-verdicts.tsv"
COLUMNS = (
    "trial",
    "arm",
    "product",
    "dose_min",
    "dose_max",
    "dose_unit",
    "per",
    "administrations",
    "route",
    "evidence",
)
VERDICT_COLUMNS = (*COLUMNS, "verdict", "reason")
VERDICTS_ALLOWED = ("correct", "partly", "invented")


def _shared() -> Path:
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()


def _kg() -> str:
    return str(Path(sys.executable).with_name("kg"))


def _build(store: Path) -> None:
    if store.exists():
        return
    subprocess.run(
        [_kg(), "build", str(_shared() / "data"), "--store", str(store), "-q"],
        check=False,
    )
    if not store.exists():
        raise SystemExit(f"building {store} failed")


def dose_rows(store: Path) -> list[dict[str, str]]:
    """Every arm-doses row with a figure, as strings, sorted."""
    done = subprocess.run(
        [
            _kg(),
            "query",
            "--store",
            str(store),
            "--canned",
            "arm-doses",
            "--all",
            "--format",
            "tsv",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    header = [h.lstrip("?") for h in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        values = dict(zip(header, line.split("\t"), strict=False))
        row = {c: _plain(values.get(c, "")) for c in COLUMNS}
        if row["dose_min"]:
            rows.append(row)
    rows.sort(key=lambda r: tuple(r[c] for c in COLUMNS))
    return rows


def _plain(value: str) -> str:
    """A TSV results cell as plain text (no quotes, datatype or IRI brackets)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if value.startswith('"'):
        end = value.rfind('"')
        text = value[1:end]
        return text.replace('\\"', '"').replace("\\t", " ").replace("\\n", " ")
    return value


def _key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[c] for c in COLUMNS)


def _read_verdicts() -> list[dict[str, str]]:
    if not VERDICTS.exists():
        return []
    with VERDICTS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def keyed_trials() -> set[str]:
    """Trials of every hand key (dev, train, lockbox): the sample is drawn outside them."""
    paths = [_shared() / "keys" / "dose-key-dev.tsv", *sorted((ROOT / "keys").glob("*.tsv"))]
    out: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            out |= {r["nct_id"] for r in csv.DictReader(fh, delimiter="\t")}
    return out


def sample(store: Path, size: int, seed: int) -> int:
    keyed = keyed_trials()
    rows = [r for r in dose_rows(store) if r["trial"] not in keyed]
    judged = {_key(r): r for r in _read_verdicts()}
    picked = random.Random(seed).sample(rows, min(size, len(rows)))
    with VERDICTS.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, VERDICT_COLUMNS, delimiter="\t", lineterminator="\n")
        out.writeheader()
        for row in picked:
            old = judged.get(_key(row), {})
            out.writerow(row | {"verdict": old.get("verdict", ""), "reason": old.get("reason", "")})
    print(f"{len(picked)} of {len(rows)} dose rows written to {VERDICTS}")
    return 0


def score(store: Path | None) -> int:
    verdicts = _read_verdicts()
    if not verdicts:
        print(f"no verdicts in {VERDICTS}: run `sample` and judge the rows first")
        return 1
    bad = [v for v in verdicts if v["verdict"] not in VERDICTS_ALLOWED]
    counts = Counter(v["verdict"] for v in verdicts if v["verdict"] in VERDICTS_ALLOWED)
    total = sum(counts.values())
    print(f"judged dose rows: {total} of {len(verdicts)}")
    for name in VERDICTS_ALLOWED:
        print(f"  {name:<9} {counts[name]:>3}  {100 * counts[name] / max(total, 1):5.1f}%")
    for v in bad:
        print(f"  not judged: {v['trial']} {v['arm']!r} {v['evidence'][:60]!r}")
    if store is not None:
        current = {_key(r) for r in dose_rows(store)}
        gone = [v for v in verdicts if _key(v) not in current]
        print(f"rows no longer stated by the current extractor: {len(gone)}")
        for v in gone:
            print(
                f"  {v['trial']} {v['arm']!r}: {v['dose_min']}-{v['dose_max']} {v['dose_unit']}"
                f" (was {v['verdict'] or 'not judged'})"
            )
        # The precision of the current extractor: the judged rows it still states (a row it
        # no longer states is no longer its claim; a changed row needs a new verdict first).
        kept = Counter(
            v["verdict"]
            for v in verdicts
            if _key(v) in current and v["verdict"] in VERDICTS_ALLOWED
        )
        n = sum(kept.values())
        print(f"judged rows the current extractor states: {n}")
        for name in VERDICTS_ALLOWED:
            print(f"  {name:<9} {kept[name]:>3}  {100 * kept[name] / max(n, 1):5.1f}%")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("sample", "score"))
    parser.add_argument("--store", type=Path, default=None, help="a store of all shared data")
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        _build(store)
        if args.command == "sample":
            return sample(store, args.size, args.seed)
        return score(store)


if __name__ == "__main__":
    raise SystemExit(main())
