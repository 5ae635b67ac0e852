"""Score the free-text extractor against hand-checked dose keys and time it.

    .venv/bin/python bench/dose_key_score.py                 # the dev key, then timing
    .venv/bin/python bench/dose_key_score.py --key keys/dose-key-train-a.tsv --key ...

Prints, for each key (``--key PATH``, repeatable; default the dev key
``../shared/keys/dose-key-dev.tsv``), the score table of ``tests/test_extract_key.py``
(dose value+unit, tissue, donor, route, number of administrations, arms without cells) with
every miss and its reason. A key is any TSV in the dev-key format (docs/dose-labelling.md);
its trials are looked up by NCT id in ../shared/data/ctgov-v1. Without ``--key`` (or with
``--timing``) it then prints the time annotate_trial takes per trial on the shared record
sets. Reads ../shared through KG_SHARED like the tests.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import data_key  # noqa: E402

from kg.extract import annotate_trial  # noqa: E402
from kg.model import Trial  # noqa: E402
from kg.sources import ctgov_v1  # noqa: E402


def _records(path: Path) -> list[Trial]:
    data = path.read_bytes()
    items = ctgov_v1.map_document(data, source_file=path.name, sha256="")
    return [t for t in items if isinstance(t, Trial)]


def timing() -> list[str]:
    lines = []
    for path in sorted((data_key.shared_dir() / "data" / "ctgov-v1").glob("*.json")):
        trials = _records(path)
        if not trials:
            continue
        work = copy.deepcopy(trials)
        start = time.perf_counter()
        for t in work:
            annotate_trial(t)
        per = 1000 * (time.perf_counter() - start) / len(work)
        lines.append(f"  {path.name:<36} {len(work):>4} trials  {per:6.2f} ms/trial")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--key",
        action="append",
        type=Path,
        metavar="PATH",
        help="a key in the dev-key format (repeatable; default: the dev key)",
    )
    parser.add_argument(
        "--timing", action="store_true", help="also time annotate_trial (default without --key)"
    )
    args = parser.parse_args(argv)
    keys: list[Path] = args.key or [data_key.dev_key_path()]
    for i, path in enumerate(keys):
        if not path.is_file():
            parser.error(f"no such key: {path}")
        score, _ = data_key.run(path)
        if i:
            print()
        print("dose key:", path)
        print(data_key.report(score))
    if args.timing or not args.key:
        print()
        print("annotate_trial time (first run, cold caches):")
        print("\n".join(timing()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
