"""Ontology term sets (CL, UBERON, MONDO, ChEBI) from the ``cellxgene-ontology-guide`` releases.

The package ships each release as zstd-compressed JSON (``<NAME>-ontology-<version>.json.zst``):
a dict from term id to ``{label, description, synonyms, ancestors: {id: distance}, deprecated,
replaced_by, consider, ...}``. ``synonyms`` are the release's exact synonyms only
(``oboInOwl:hasExactSynonym``); ``ancestors`` merge is_a and part_of (same-ontology terms only),
each with its shortest distance. The files carry no cross-references (no DOID, Wikidata, MeSH).

:func:`load_terms` reads one release, either the one the installed package declares current
(its latest schema version) or the one in an explicit directory (for tests: the copies in
``../shared/ontologies/cellxgene``). Loading is lazy and cached; the lexical indexes are built
on first use.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from collections.abc import Callable, Iterator
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple

import zstandard

from kg.link.normalise import bag_of, fold, folded_tokens

__all__ = [
    "ONTOLOGIES",
    "LexicalIndex",
    "Surface",
    "TermSet",
    "clear_cache",
    "current_versions",
    "is_abbreviation",
    "load_terms",
    "parse_curie",
]

ONTOLOGIES = ("CL", "UBERON", "MONDO", "CHEBI")
_SUFFIX = ".json.zst"
_INFO_FILE = "latest_ontology_info.json"
# MONDO branches that are never a human trial's condition, and the non-disease roots.
_EXCLUDED_BRANCHES = {
    "MONDO": frozenset({"MONDO:0005583", "MONDO:0021125"}),  # non-human animal; characteristic
}
_CURIE = re.compile(
    r"^(?:https?://purl\.obolibrary\.org/obo/)?(?P<prefix>[A-Za-z][A-Za-z0-9]*)[:_](?P<local>[A-Za-z0-9]+)$"
)
_CAPS = re.compile(r"^(?=.*[A-Z])[A-Z0-9\-/]{2,10}$")
_UPPER = re.compile(r"[A-Z]")


def is_abbreviation(text: str) -> bool:
    """``"RA"``, ``"ARMS"``, ``"GvHD"``, ``"aRMS"``: one short token, capitals or mixed case."""
    if len(text) > 10 or " " in text:
        return False
    return bool(_CAPS.match(text)) or len(_UPPER.findall(text)) >= 2


def parse_curie(value: str) -> tuple[str, str] | None:
    """``("CL", "0000134")`` for ``"CL:0000134"``, ``"CL_0000134"`` or its OBO PURL; else None."""
    m = _CURIE.match(value.strip())
    if not m:
        return None
    return m.group("prefix").upper(), m.group("local")


@functools.cache
def current_versions() -> dict[str, str]:
    """Ontology versions the installed package declares current (its latest schema version)."""
    from cellxgene_ontology_guide.supported_versions import CXGSchema

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        schema = CXGSchema()
    return {name: str(info["version"]) for name, info in schema.supported_ontologies.items()}


def _package_data() -> Traversable:
    return resources.files("cellxgene_ontology_guide").joinpath("data")


def _versions_in(directory: Path) -> dict[str, str]:
    """Versions named by a directory's ``latest_ontology_info.json``, else by its newest files."""
    info = directory / _INFO_FILE
    if info.is_file():
        data = json.loads(info.read_text(encoding="utf-8"))
        found = {k: str(v["version"]) for k, v in data.get("ontologies", {}).items()}
        return {k: v for k, v in found.items() if (directory / _file_name(k, v)).is_file()}
    versions: dict[str, str] = {}
    for path in sorted(directory.glob(f"*-ontology-*{_SUFFIX}")):
        name, _, version = path.name[: -len(_SUFFIX)].partition("-ontology-")
        versions[name] = version  # sorted: the last one is the newest
    return versions


def _file_name(name: str, version: str) -> str:
    return f"{name}-ontology-{version}{_SUFFIX}"


def _read(source: Traversable | Path) -> dict[str, Any]:
    with source.open("rb") as fh:
        raw = zstandard.ZstdDecompressor().stream_reader(fh).read()
    data: dict[str, Any] = json.loads(raw)
    return data


class Surface(NamedTuple):
    """One way of writing a term: its label or one exact synonym."""

    curie: str
    text: str
    is_label: bool
    is_abbreviation: bool


class LexicalIndex:
    """Lookup tables of one term set, each built on first use and kept.

    ``by_fold``: folded label or synonym -> surfaces; ``by_bag``: normalised bag key ->
    surfaces; ``by_phrase``: normalised words in order -> surfaces. Abbreviations are only
    in ``by_fold``.
    """

    def __init__(self, surfaces: Callable[[], Iterator[Surface]]) -> None:
        self._surfaces = surfaces

    @functools.cached_property
    def by_fold(self) -> dict[str, list[Surface]]:
        found: dict[str, list[Surface]] = {}
        for surface in self._surfaces():
            found.setdefault(fold(surface.text), []).append(surface)
        return found

    @functools.cached_property
    def _words(self) -> list[tuple[list[str], list[Surface]]]:
        """Normalised words of each folded text, with its non-abbreviation surfaces."""
        out = []
        for folded, surfaces in self.by_fold.items():
            kept = [s for s in surfaces if not s.is_abbreviation]
            if kept:
                out.append((folded_tokens(folded), kept))
        return out

    @functools.cached_property
    def by_bag(self) -> dict[str, list[Surface]]:
        found: dict[str, list[Surface]] = {}
        for words, surfaces in self._words:
            if words:
                found.setdefault(bag_of(words), []).extend(surfaces)
        found.pop("", None)
        return found

    @functools.cached_property
    def by_phrase(self) -> dict[tuple[str, ...], list[Surface]]:
        found: dict[tuple[str, ...], list[Surface]] = {}
        for words, surfaces in self._words:
            if words:
                found.setdefault(tuple(words), []).extend(surfaces)
        return found


class TermSet:
    """One release of one ontology."""

    def __init__(self, name: str, version: str, terms: dict[str, Any], origin: str) -> None:
        self.name = name
        self.version = version
        self.origin = origin  # "cellxgene-ontology-guide" or the directory read
        self._terms = terms

    @property
    def source(self) -> str:
        """``"MONDO v2026-05-05"``: what a :class:`~kg.link.records.Link` names as its source."""
        return f"{self.name} {self.version}"

    def __contains__(self, curie: object) -> bool:
        return curie in self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)

    def label(self, curie: str) -> str | None:
        term = self._terms.get(curie)
        return str(term["label"]) if term is not None else None

    def synonyms(self, curie: str) -> tuple[str, ...]:
        term = self._terms.get(curie)
        return tuple(term.get("synonyms", ())) if term is not None else ()

    def is_obsolete(self, curie: str) -> bool:
        term = self._terms.get(curie)
        return bool(term is not None and term.get("deprecated"))

    def replaced_by(self, curie: str) -> str | None:
        term = self._terms.get(curie)
        return term.get("replaced_by") if term is not None else None

    def ancestors(self, curie: str) -> dict[str, int]:
        term = self._terms.get(curie)
        return dict(term.get("ancestors", {})) if term is not None else {}

    def current(self, curie: str) -> str | None:
        """``curie`` if live; its replacement if obsolete and replaced; else None."""
        if curie not in self._terms:
            return None
        if not self.is_obsolete(curie):
            return curie
        repl = self.replaced_by(curie)
        return repl if repl is not None and repl in self and not self.is_obsolete(repl) else None

    def usable(self, curie: str) -> bool:
        """Live and outside the excluded branches (non-human animal disease, characteristics)."""
        term = self._terms.get(curie)
        if term is None or term.get("deprecated") or not term.get("label"):
            return False
        excluded = _EXCLUDED_BRANCHES.get(self.name, frozenset())
        return curie not in excluded and excluded.isdisjoint(term.get("ancestors", {}))

    def surfaces(self) -> Iterator[Surface]:
        """Labels and exact synonyms of every usable term.

        A synonym is an abbreviation if it looks like one ("RA", "GvHD") or if the term also
        has it in capitals (MONDO lists "ARMS" and "arms" for alveolar rhabdomyosarcoma).
        """
        excluded = _EXCLUDED_BRANCHES.get(self.name, frozenset())
        for curie, term in self._terms.items():
            label = term.get("label")
            if term.get("deprecated") or not label or curie in excluded:
                continue
            if excluded and not excluded.isdisjoint(term.get("ancestors", ())):
                continue
            yield Surface(curie, label, True, False)
            synonyms = term.get("synonyms", ())
            short = {s.casefold() for s in synonyms if is_abbreviation(s)}
            for syn in synonyms:
                if syn != label:
                    yield Surface(curie, syn, False, bool(short) and syn.casefold() in short)

    @functools.cached_property
    def index(self) -> LexicalIndex:
        """Labels and exact synonyms by folded text, bag key and word sequence (lazy)."""
        return LexicalIndex(self.surfaces)


def load_terms(name: str, directory: Path | None = None) -> TermSet:
    """The release of ontology ``name`` ("CL", "UBERON", "MONDO", "CHEBI").

    With ``directory``: the version its ``latest_ontology_info.json`` names (or its newest
    file); an ontology missing there is read from the package. Without: the version the
    installed ``cellxgene-ontology-guide`` declares current.
    """
    return _load_terms(name.upper(), None if directory is None else Path(directory))


@functools.cache
def _load_terms(name: str, directory: Path | None) -> TermSet:
    if directory is not None:
        version = _versions_in(directory).get(name)
        if version is not None:
            path = directory / _file_name(name, version)
            return TermSet(name, version, _read(path), str(directory))
    version = current_versions().get(name)
    if version is None:
        raise ValueError(f"ontology {name!r} is not in cellxgene-ontology-guide")
    source = _package_data().joinpath(_file_name(name, version))
    return TermSet(name, version, _read(source), "cellxgene-ontology-guide")


def clear_cache() -> None:
    """Forget the releases read so far."""
    _load_terms.cache_clear()
