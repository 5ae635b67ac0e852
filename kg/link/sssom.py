"""MONDO's SSSOM mapping sets (MeSH, NCIT; DOID and Wikidata where present), read at run time.

:func:`load_sssom` looks for the files in, in order: an explicit directory, the directory named
by the environment variable ``KG_ONTOLOGY_DIR``, and the user cache
``~/.cache/celltrials-kg/ontologies`` (``$XDG_CACHE_HOME/celltrials-kg/ontologies`` where that
is set). :func:`kg.link.fetch.fetch_sssom` fills the cache.

MeSH descriptor ids are compared by letter and number, so the zero-padded ids of the classic
ClinicalTrials.gov API (``D000003424``) meet the six-digit ids of the mapping files
(``D003424``); the 9-digit ids MeSH has issued since 2013 (``D000072657``) are unaffected.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OPTIONAL_SSSOM_FILES",
    "SSSOM_FILES",
    "Mapping",
    "SSSOMIndex",
    "SSSOMNotFoundError",
    "clear_cache",
    "find_sssom_dir",
    "load_sssom",
    "mesh_key",
    "user_cache_dir",
]

SSSOM_FILES = (
    "mondo_exactmatch_mesh.sssom.tsv",
    "mondo_exactmatch_ncit.sssom.tsv",
    "mondo_hasdbxref_mesh.sssom.tsv",
)
# Read where present (fetch_sssom(names=...) can download them); the shared copies lack them.
OPTIONAL_SSSOM_FILES = (
    "mondo_exactmatch_doid.sssom.tsv",
    "mondo_hasdbxref_wikidata.sssom.tsv",
)
ENV_DIR = "KG_ONTOLOGY_DIR"
_MESH = re.compile(r"^(?:mesh|MESH|MeSH)?[:_]?([A-Z])0*([0-9]+)$")
_VERSION = re.compile(r"/releases/([0-9]{4}-[0-9]{2}-[0-9]{2})/")
_PREFIXES = {"MESH": "MESH", "NCIT": "NCIT", "DOID": "DOID", "WIKIDATA": "Wikidata"}


class SSSOMNotFoundError(FileNotFoundError):
    """None of the places searched holds the MONDO SSSOM files."""


def mesh_key(mesh_id: str) -> str | None:
    """Comparison key of a MeSH id: ``"MESH:D3424"`` for ``D003424``, ``D000003424``,
    ``mesh:D003424``; None if it is not one."""
    m = _MESH.match(mesh_id.strip())
    return f"MESH:{m.group(1)}{int(m.group(2))}" if m else None


def user_cache_dir() -> Path:
    """``~/.cache/celltrials-kg/ontologies`` (honours ``XDG_CACHE_HOME``)."""
    # Asked at every lookup of the mapping sets: made once per value of the settings.
    return _user_cache_dir(os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _user_cache_dir(xdg_cache_home: str | None, home: str | None) -> Path:
    del home  # part of the cache key only: Path.home() reads it
    base = xdg_cache_home or str(Path.home() / ".cache")
    return Path(base) / "celltrials-kg" / "ontologies"


def _candidates(explicit: Path | None) -> list[tuple[str, Path]]:
    places: list[tuple[str, Path]] = []
    if explicit is not None:
        places.append(("explicit directory", Path(explicit)))
    env = os.environ.get(ENV_DIR)
    if env:
        places.append((f"${ENV_DIR}", Path(env)))
    places.append(("user cache", user_cache_dir()))
    return places


def find_sssom_dir(explicit: Path | None = None) -> Path:
    """The first place that holds all of :data:`SSSOM_FILES`, or a clear error naming each."""
    places = _candidates(explicit)
    for _, place in places:
        if all((place / name).is_file() for name in SSSOM_FILES):
            return place
    looked = "; ".join(f"{what}: {path}" for what, path in places)
    raise SSSOMNotFoundError(
        f"MONDO SSSOM mappings ({', '.join(SSSOM_FILES)}) not found. Looked in: {looked}. "
        f"Run kg.link.fetch.fetch_sssom(<dir>) or set {ENV_DIR} to a directory holding them."
    )


@dataclass(frozen=True, slots=True)
class Mapping:
    """One row of a mapping set: a MONDO term (subject) to an external id (object)."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str  # prefix normalised: "MESH:D003424", "NCIT:C2991", "DOID:1234", "Wikidata:Q1"
    object_label: str
    justification: str
    mapping_set: str  # file name
    version: str | None  # release date of the mapping set, where the header says

    @property
    def source(self) -> str:
        return f"{self.mapping_set} ({self.version})" if self.version else self.mapping_set


def _normalise_object(object_id: str) -> str:
    prefix, _, local = object_id.partition(":")
    return f"{_PREFIXES.get(prefix.upper(), prefix)}:{local}"


def _read_rows(path: Path) -> Iterator[Mapping]:
    version: str | None = None
    with path.open(encoding="utf-8", newline="") as fh:
        lines = []
        for line in fh:
            if line.startswith("#"):
                if "mapping_set_version" in line and (m := _VERSION.search(line)):
                    version = m.group(1)
                continue
            lines.append(line)
    for row in csv.DictReader(lines, delimiter="\t"):
        yield Mapping(
            subject_id=row["subject_id"],
            subject_label=row.get("subject_label") or "",
            predicate_id=row["predicate_id"],
            object_id=_normalise_object(row["object_id"]),
            object_label=row.get("object_label") or "",
            justification=row.get("mapping_justification") or "",
            mapping_set=path.name,
            version=version,
        )


class SSSOMIndex:
    """Rows of the mapping sets of one directory, by object (MeSH key or id) and by subject."""

    def __init__(self, directory: Path, rows: Sequence[Mapping]) -> None:
        self.directory = directory
        self.files = tuple(sorted({r.mapping_set for r in rows}))
        self._by_object: dict[str, list[Mapping]] = {}
        self._by_subject: dict[str, list[Mapping]] = {}
        for row in rows:
            key = mesh_key(row.object_id) if row.object_id.startswith("MESH:") else None
            self._by_object.setdefault(key or row.object_id, []).append(row)
            self._by_subject.setdefault(row.subject_id, []).append(row)

    def for_mesh(self, mesh_id: str) -> list[Mapping]:
        key = mesh_key(mesh_id)
        return list(self._by_object.get(key, ())) if key else []

    def for_subject(self, curie: str) -> list[Mapping]:
        return list(self._by_subject.get(curie, ()))


@functools.cache
def _load(directory: Path) -> SSSOMIndex:
    rows: list[Mapping] = []
    for name in (*SSSOM_FILES, *OPTIONAL_SSSOM_FILES):
        path = directory / name
        if path.is_file():
            rows.extend(_read_rows(path))
    return SSSOMIndex(directory, rows)


@functools.lru_cache(maxsize=32)
def _located(explicit: Path | None, env: str | None, cache: Path) -> Path:
    del env, cache  # part of the cache key only: a changed setting is looked up anew
    return find_sssom_dir(explicit).resolve()


def load_sssom(directory: Path | None = None) -> SSSOMIndex:
    """The mapping sets of the first place holding them (see :func:`find_sssom_dir`); cached."""
    return _load(_located(directory, os.environ.get(ENV_DIR), user_cache_dir()))


def clear_cache() -> None:
    """Forget the mapping sets read so far, and where they were found."""
    _load.cache_clear()
    _located.cache_clear()
