"""Interventions that are cell therapies, and how many give no cell product (issue 12).

    .venv/bin/python bench/cell_interventions.py [PATH ...]

Maps every record under the paths (default ../shared/data), annotates it and counts the
interventions :func:`kg.extract.products.cell_therapy_reason` calls cell therapies (type
Biological / Genetic / Other naming cells, a cell product, brand or INN; placebo and
cell-free comparators excluded): how many yield a cell product, and how many of the rest carry
the build note that says why not. Trials of the held-out lockbox (keys/split-lockbox.txt) are
skipped. Each record is counted once (the first copy).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import annotate_trial  # noqa: E402
from kg.extract.products import cell_therapy_reason, yields_product  # noqa: E402
from kg.model import MappingError, Trial  # noqa: E402
from kg.sources import iter_input_files, map_bytes  # noqa: E402


def _lockbox() -> set[str]:
    path = ROOT / "keys" / "split-lockbox.txt"
    if not path.exists():
        return set()
    return {line.split()[0] for line in path.read_text().splitlines() if line.strip()}


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT.parent / "shared" / "data"]
    lockbox = _lockbox()
    seen: set[str] = set()
    total = with_product = noted = 0
    missing: list[str] = []
    for path in iter_input_files(paths):
        try:
            items = list(map_bytes(path.read_bytes(), source_file=path.name))
        except MappingError:
            continue
        for trial in items:
            if not isinstance(trial, Trial) or trial.nct_id in lockbox:
                continue
            key = trial.nct_id or trial.provenance.record_key
            if key in seen:
                continue
            seen.add(key)
            annotate_trial(trial)
            for iv in trial.interventions:
                reason = cell_therapy_reason(iv)
                if reason is None:
                    continue
                total += 1
                if yields_product(trial, iv):
                    with_product += 1
                    continue
                has_note = any(repr(iv.name) in n and "cell therapy" in n for n in trial.notes)
                noted += has_note
                missing.append(f"  {key}: {iv.name!r} ({reason}); build note: {has_note}")
    print(f"trials: {len(seen)}")
    print(f"cell-therapy interventions: {total}; with a cell product: {with_product}")
    print(f"without a product: {total - with_product}; of these with a build note: {noted}")
    print("\n".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
