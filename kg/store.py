"""The Oxigraph store on disk: one named graph per source record, plus metadata graphs.

Writes are safe against a build that fails or is killed midway:

* a store built from nothing is written into a sibling folder and moved into place only
  when complete, so a killed first build leaves no half store behind;
* an existing store is changed one source document at a time, each change (drop the
  document's old graphs, insert its new graphs and provenance) in one SPARQL update,
  which Oxigraph applies as one transaction.

A new store is filled through Oxigraph's bulk loader (:meth:`GraphStore.bulk_load_nquads`),
which writes its files directly and is not transactional: that is safe only because a
new store is invisible until it is moved into place.

Beside Oxigraph's own files the store folder holds ``kg-file-stats.tsv``: the size and
modification time of each source file when the last build hashed it, so that the next
build can skip an unchanged file without reading it. It is a cache: the graph's own
bookkeeping (sha256 per source in ``graph/meta``) stays the authority.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from kg.rdf import CTO, PROV, Minter

__all__ = [
    "FileStat",
    "GraphStore",
    "SourceState",
    "StoreBusyError",
    "build_lock",
    "fresh_store",
    "open_store",
]

SourceState = tuple[str, str]  # (sha256, pipeline version)
FileStat = tuple[int, int, str]  # (size in bytes, modification time in ns, sha256)
FILE_STATS = "kg-file-stats.tsv"
_DERIVED = NamedNode(PROV + "wasDerivedFrom")


def _ntriple(q: Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


class GraphStore:
    """A pyoxigraph store with the project's bookkeeping of source documents."""

    def __init__(
        self, store: Store, *, minter: Minter | None = None, path: Path | None = None
    ) -> None:
        self.store = store
        self.minter = minter or Minter()
        self.path = path

    # ------------------------------------------------------------------ sources

    def sources(self) -> dict[str, SourceState]:
        """Source documents in the store: key -> (sha256, pipeline version).

        Read with three index scans of the metadata graph (faster than the SPARQL join
        at hundreds of thousands of sources)."""
        meta = self.minter.meta_graph()

        def values(prop: str) -> dict[object, str]:
            return {
                q.subject: q.object.value
                for q in self.store.quads_for_pattern(None, NamedNode(CTO + prop), None, meta)
                if isinstance(q.object, Literal)
            }

        keys, shas, versions = values("sourceKey"), values("sha256"), values("pipelineVersion")
        return {
            key: (shas[s], versions[s]) for s, key in keys.items() if s in shas and s in versions
        }

    def graphs_only_from(self, key: str) -> list[NamedNode]:
        """Record graphs derived from this source and from no other."""
        meta = self.minter.meta_graph()
        src = self.minter.source(key)
        out: list[NamedNode] = []
        for q in self.store.quads_for_pattern(None, _DERIVED, src, meta):
            g = q.subject
            if isinstance(g, NamedNode) and all(
                o.object == src for o in self.store.quads_for_pattern(g, _DERIVED, None, meta)
            ):
                out.append(g)
        return sorted(set(out), key=lambda g: g.value)

    def record_graphs_of(self, key: str) -> list[str]:
        """IRIs of the record graphs derived from this source (shared or not)."""
        meta = self.minter.meta_graph()
        src = self.minter.source(key)
        return [
            q.subject.value
            for q in self.store.quads_for_pattern(None, _DERIVED, src, meta)
            if isinstance(q.subject, NamedNode)
        ]

    def replace_source(
        self, key: str, quads: Iterable[Quad] | bytes, *, keep: Iterable[str] = ()
    ) -> None:
        """Atomically drop what one source document stated and insert its new quads.

        ``quads`` (Quad objects, or N-Quads bytes whose every quad is in a named graph)
        holds the document's record graphs, its provenance and its source bookkeeping
        (all quads of the metadata graph about it). ``keep`` names record graphs of this
        document that stay as they are, with their provenance (unchanged records).
        """
        meta = self.minter.meta_graph().value
        src = self.minter.source(key).value
        kept = set(keep)
        ops: list[str] = []
        for graph in self.graphs_only_from(key):
            if graph.value in kept:
                continue
            ops.append(f"DROP SILENT GRAPH <{graph.value}>")
            ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ <{graph.value}> ?p ?o }} }}")
        ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ ?g <{PROV}wasDerivedFrom> <{src}> }} }}")
        ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ <{src}> ?p ?o }} }}")
        by_graph: dict[str, list[str]] = {}
        if isinstance(quads, bytes):
            for line in quads.decode("utf-8").splitlines():
                if line:  # "<s> <p> <o> <g> ." (an IRI holds no space)
                    triple, graph_iri = line[:-2].rstrip().rsplit(" ", 1)
                    by_graph.setdefault(graph_iri, []).append(triple + " .")
        else:
            for q in quads:
                by_graph.setdefault(str(q.graph_name), []).append(_ntriple(q))
        for graph_iri in sorted(kept):  # still derived from this source
            by_graph.setdefault(f"<{meta}>", []).append(
                f"<{graph_iri}> <{PROV}wasDerivedFrom> <{src}> ."
            )
        if by_graph:
            body = "\n".join(
                f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items()
            )
            ops.append(f"INSERT DATA {{\n{body}\n}}")
        self.store.update(" ;\n".join(ops))

    def remove_source(self, key: str) -> None:
        self.replace_source(key, [])

    def replace_graph(self, graph: NamedNode, quads: Iterable[Quad]) -> None:
        """Atomically replace the content of one named graph (terms, ontology, stats)."""
        lines = [_ntriple(q) for q in quads]
        ops = [f"DROP SILENT GRAPH <{graph.value}>"]
        if lines:
            ops.append(f"INSERT DATA {{ GRAPH <{graph.value}> {{\n" + "\n".join(lines) + "\n} }")
        self.store.update(" ;\n".join(ops))

    def bulk_load_nquads(self, data: bytes) -> None:
        """Add N-Quads through Oxigraph's bulk loader: fast, not transactional (for a
        store that nobody sees yet, see :func:`fresh_store`). The quads were made by
        pyoxigraph's own term constructors, so the loader need not check them again."""
        self.store.bulk_load(data, format=RdfFormat.N_QUADS, lenient=True)

    # ------------------------------------------------------------------ file stats

    def file_stats(self) -> tuple[dict[str, str], dict[str, FileStat]]:
        """(header, key -> (size, mtime_ns, sha256)) of the source files as the last build
        that finished hashed them; the header names its pipeline version and store size."""
        header: dict[str, str] = {}
        out: dict[str, FileStat] = {}
        if self.path is None:
            return header, out
        try:
            text = (self.path / FILE_STATS).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return header, out
        for line in text.splitlines():
            parts = line.split("\t")
            if parts[0] == "#":
                for part in parts[1:]:
                    name, eq, value = part.partition("=")
                    if eq:
                        header[name] = value
            elif len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit():
                out[parts[0]] = (int(parts[1]), int(parts[2]), parts[3])
        return header, out

    def save_file_stats(self, stats: Mapping[str, FileStat], **header: str) -> None:
        if self.path is None:
            return
        target = self.path / FILE_STATS
        tmp = target.with_name(FILE_STATS + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write("\t".join(["#", *(f"{k}={v}" for k, v in sorted(header.items()))]) + "\n")
            for key in sorted(stats):
                if "\t" not in key and "\n" not in key and not key.startswith("#"):
                    size, mtime, sha = stats[key]
                    fh.write(f"{key}\t{size}\t{mtime}\t{sha}\n")
        os.replace(tmp, target)

    def source_state(self, key: str) -> SourceState | None:
        """(sha256, pipeline version) of one source document in the store, or None."""
        meta = self.minter.meta_graph()
        src = self.minter.source(key)
        found = [
            [
                q.object.value
                for q in self.store.quads_for_pattern(src, NamedNode(CTO + p), None, meta)
                if isinstance(q.object, Literal)
            ]
            for p in ("sha256", "pipelineVersion")
        ]
        if len(found[0]) == 1 and len(found[1]) == 1:
            return found[0][0], found[1][0]
        return None

    def close(self) -> None:
        self.store.flush()


class StoreBusyError(RuntimeError):
    """The store is being built, or held open for writing, by another process."""


def _lock_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold the build lock of the store at ``path`` (a file beside it, locked with
    ``flock``: the kernel releases it when the process ends, however it ends).

    A second build of the same store, new or existing, fails at once with
    :class:`StoreBusyError` naming the process that builds it, instead of racing the
    first (two first builds would each move their store into place, and one would be
    lost) or meeting Oxigraph's own lock in a traceback.
    """
    if path.name in ("", ".", ".."):  # the store is moved into place beside its siblings
        raise OSError(
            errno.EINVAL, "a store needs a folder name of its own (not . or ..)", str(path)
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(_lock_file(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OSError(
            exc.errno, f"no store can be written there ({exc.strerror})", str(path)
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise StoreBusyError(
                f"the store {path} is being built by {who}; run the build again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def open_store(path: Path, *, read_only: bool = False) -> GraphStore:
    """Open an existing store (after finishing an interrupted swap, see :func:`fresh_store`)."""
    _recover(path)
    if read_only:
        return GraphStore(Store.read_only(str(path)), path=path)
    try:
        store = Store(str(path))
    except OSError as exc:
        text = str(exc)
        if "While lock file" in text and ("temporarily unavailable" in text or "hold by" in text):
            raise StoreBusyError(
                f"the store {path} is open for writing in another process ({exc})"
            ) from None
        raise
    return GraphStore(store, path=path)


def _recover(path: Path) -> None:
    """Finish or undo a swap that a killed build left half done."""
    old = path.with_name(path.name + ".old")
    if not path.exists() and old.exists():
        old.rename(path)
    elif path.exists() and old.exists():
        shutil.rmtree(old)
    for stale in path.parent.glob(path.name + ".building-*") if path.parent.exists() else ():
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def fresh_store(path: Path, *, optimize: bool = True) -> Iterator[GraphStore]:
    """A new store written beside ``path`` and moved into place when the block succeeds.

    If the block raises (or the process dies), ``path`` is left exactly as it was.
    ``optimize=False`` leaves the final compaction to the caller (:func:`kg.build.build`
    compacts a new store itself, to time it as a phase of its own).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _recover(path)
    tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    gs = GraphStore(Store(str(tmp)), path=tmp)
    try:
        yield gs
        gs.store.flush()
        if optimize:
            gs.store.optimize()
    except BaseException:
        del gs
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    del gs
    old = path.with_name(path.name + ".old")
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
