"""The linker's version: a fingerprint of what decides every link, so that a rebuild re-links
when any of it changes (``kg.build.PIPELINE_VERSION`` ends with it).

What goes in: the source of every module of :mod:`kg.link` and its curated tables
(``kg/link/data/*.tsv``), the installed packages that ship the term releases
(``cellxgene-ontology-guide``: CL, UBERON, MONDO, ChEBI; ``hpo3``: HPO) with their versions,
and the MONDO SSSOM mapping sets the linker finds (each file's name and
``mapping_set_version``; none found is a fingerprint of its own: conditions are then linked
by name only). Nothing that does not change a link goes in: not where the files live, not
the time.

>>> len(LINKER_VERSION), LINKER_VERSION == linker_fingerprint()
(12, True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kg.link.sssom import SSSOM_FILES, SSSOMNotFoundError, find_sssom_dir

__all__ = ["LINKER_VERSION", "TERM_PACKAGES", "linker_fingerprint", "mapping_set_versions"]

LINK_DIR = Path(__file__).resolve().parent
# Packages whose data are the term releases the linker reads.
TERM_PACKAGES = ("cellxgene-ontology-guide", "hpo3")


def _package_versions(names: Iterable[str]) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def mapping_set_versions(directory: Path | None = None) -> dict[str, str]:
    """``{file name: mapping_set_version}`` of the SSSOM mapping sets the linker would read
    (``directory``, else where :func:`kg.link.sssom.find_sssom_dir` finds them); ``{}``
    where there are none. Only each file's header is read."""
    try:
        where = find_sssom_dir(directory)
    except SSSOMNotFoundError:
        return {}
    out = {}
    for name in SSSOM_FILES:
        found = "no mapping_set_version"
        with (where / name).open(encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                key, _, value = line[1:].partition(":")
                if key.strip() == "mapping_set_version":
                    found = value.strip()
                    break
        out[name] = found
    return out


def linker_fingerprint(
    code_dir: Path = LINK_DIR,
    packages: Mapping[str, str] | None = None,
    mapping_sets: Mapping[str, str] | None = None,
) -> str:
    """12 hex digits of sha256 over the linker's code and tables under ``code_dir``
    (``*.py`` and ``data/*.tsv``, by path relative to it), the term packages' versions and
    the mapping sets' versions (both as installed and found, unless given)."""
    digest = hashlib.sha256()
    files = sorted([*code_dir.glob("*.py"), *code_dir.glob("data/*.tsv")])
    for path in files:
        digest.update(path.relative_to(code_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    pkgs = packages if packages is not None else _package_versions(TERM_PACKAGES)
    sets = mapping_sets if mapping_sets is not None else mapping_set_versions()
    for key, value in [*sorted(pkgs.items()), ("--", "--"), *sorted(sets.items())]:
        digest.update(f"{key}={value}\n".encode())
    return digest.hexdigest()[:12]


LINKER_VERSION = linker_fingerprint()
