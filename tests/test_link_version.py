"""A change of the linker (its code, curated tables, term releases or mapping sets) changes
the pipeline version, so a rebuild re-links every record without --force."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from kg.build import PIPELINE_VERSION
from kg.link.version import LINK_DIR, LINKER_VERSION, linker_fingerprint, mapping_set_versions

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"cellxgene-ontology-guide": "1.0", "hpo3": "1.5.1"}
SETS = {"mondo_exactmatch_mesh.sssom.tsv": "2026-08-04"}


def _copy_linker(tmp_path: Path) -> Path:
    code = tmp_path / "link"
    shutil.copytree(LINK_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def test_the_pipeline_version_ends_with_the_linker_version() -> None:
    assert PIPELINE_VERSION.endswith(f"+link.{LINKER_VERSION}")
    assert linker_fingerprint() == LINKER_VERSION  # the same inputs, the same version


def test_the_linker_version_follows_its_code_and_tables(tmp_path: Path) -> None:
    code = _copy_linker(tmp_path)
    base = linker_fingerprint(code, PACKAGES, SETS)
    assert base == linker_fingerprint(LINK_DIR, PACKAGES, SETS)  # not where it lives
    module = code / "conditions.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after_code = linker_fingerprint(code, PACKAGES, SETS)
    assert after_code != base
    table = code / "data" / "conditions.tsv"
    table.write_text(table.read_text(encoding="utf-8") + "x\tMONDO:0000001\n", encoding="utf-8")
    assert linker_fingerprint(code, PACKAGES, SETS) not in (base, after_code)


def test_the_linker_version_follows_the_term_releases_and_mapping_sets() -> None:
    base = linker_fingerprint(LINK_DIR, PACKAGES, SETS)
    assert linker_fingerprint(LINK_DIR, {**PACKAGES, "hpo3": "1.6.0"}, SETS) != base
    newer = {"mondo_exactmatch_mesh.sssom.tsv": "2026-09-01"}
    assert linker_fingerprint(LINK_DIR, PACKAGES, newer) != base
    assert linker_fingerprint(LINK_DIR, PACKAGES, {}) != base  # no mapping sets found


def _release_copy(shared_dir: Path, where: Path, version: str | None) -> Path:
    """A copy of the shared SSSOM mapping sets, with another mapping_set_version if given."""
    shutil.copytree(shared_dir / "ontologies" / "mondo-sssom", where)
    if version is not None:
        path = where / "mondo_exactmatch_mesh.sssom.tsv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(
                f"# mapping_set_version: {version}\n"
                if ln.startswith("# mapping_set_version:")
                else ln
                for ln in lines
            ),
            encoding="utf-8",
        )
    return where


_BUILD = """
import json, sys
from pathlib import Path
from kg.build import PIPELINE_VERSION, build
report = build([Path(sys.argv[1])], Path(sys.argv[2]))
print(json.dumps({"pipeline": PIPELINE_VERSION, "statuses": dict(report.statuses)}))
"""


def _build(seed: Path, store: Path, sssom: Path) -> dict[str, object]:
    env = {**os.environ, "KG_ONTOLOGY_DIR": str(sssom)}
    out = subprocess.run(
        [sys.executable, "-c", _BUILD, str(seed), str(store)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_a_new_mapping_set_release_re_links_on_rebuild(tmp_path: Path, shared_dir: Path) -> None:
    seed = tmp_path / "in"
    seed.mkdir()
    shutil.copy(ROOT / "seeds" / "002_42c5b03fb3f2fa22.txt", seed)
    old = _release_copy(shared_dir, tmp_path / "old", None)
    new = _release_copy(shared_dir, tmp_path / "new", "http://example.org/mondo/2099-01-01")
    assert mapping_set_versions(old) != mapping_set_versions(new)
    store = tmp_path / "store"
    first = _build(seed, store, old)
    again = _build(seed, store, old)
    assert again["pipeline"] == first["pipeline"]
    assert again["statuses"] == {"unchanged": 1}, again  # nothing changed: nothing re-mapped
    relinked = _build(seed, store, new)
    assert relinked["pipeline"] != first["pipeline"]
    assert relinked["statuses"] == {"mapped": 1}, relinked  # re-mapped without --force
