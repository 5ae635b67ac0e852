"""The build: input documents -> records -> extraction -> quads -> store, with a report."""

from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import queue
import signal
import stat as stat_module
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import NamedNode, Quad, QuerySolutions

from kg import graph_versions, link, listing_coverage, listing_stats, terms
from kg.bundled import bundled
from kg.extract import EXTRACT_VERSION, annotate_trial
from kg.link.coverage import Coverage, condition_coverage
from kg.link.version import LINKER_VERSION
from kg.materialise import VERSION as MATERIALISE
from kg.model import Condition, MappingError, Provenance, Trial
from kg.rdf import (
    CTO,
    OBO,
    Minter,
    Written,
    provenance_quads,
    source_quads,
    trial_quads,
    trial_record,
)
from kg.sources import FORMATS, map_bytes
from kg.store import FileStat, GraphStore, SourceState, build_lock, fresh_store, open_store
from kg.streamed import DocStats, Streamed, serialize_document
from kg.summary import VERSION as SUMMARY

__all__ = [
    "PIPELINE_VERSION",
    "BuildReport",
    "DocumentResult",
    "build",
    "enrich",
    "map_document_file",
    "shorten",
]

# Bump when mapping or extraction changes in a way that changes triples: a rebuild then
# re-maps every document even where the file's hash is unchanged. A change of the linker
# (its code, curated tables or term releases) changes it by itself (LINKER_VERSION).
PIPELINE_VERSION = (
    "2+"
    + hashlib.sha256(
        "|".join(
            [
                *(f"{f.name}:{f.mapper_version}" for f in FORMATS),
                f"materialise:{MATERIALISE}",
                f"summary:{SUMMARY}",
                f"extract:{EXTRACT_VERSION}",
            ]
        ).encode()
    ).hexdigest()[:8]
    + f"+link.{LINKER_VERSION}"  # the linker's code, tables and term releases (kg.link.version)
)

SEEDS_DIR = bundled("seeds")


@dataclass(slots=True)
class DocumentResult:
    """What one input file gave."""

    key: str
    status: str  # "mapped", "unchanged", "failed"
    format: str | None = None
    trials: int = 0
    arms: int = 0
    doses: int = 0
    products: int = 0
    quads: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # record graphs found unchanged, not rewritten


@dataclass(slots=True)
class BuildReport:
    """What a build did. Counts cover every document; ``documents`` keeps every document
    with errors and the first ``keep`` others (with their notes), so that a build of
    hundreds of thousands of documents keeps a report of bounded size. Every note is in
    the graph anyway (``cto:buildNote`` in ``graph/meta``)."""

    documents: list[DocumentResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    store_quads: int = 0
    keep: int = 10_000
    statuses: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    by_format: Counter[str] = field(default_factory=Counter)
    notes_not_kept: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    jobs: int = 1
    conditions: Coverage | None = None  # condition mentions linked, of the whole store
    # Why ``conditions`` is None after a build that wrote it not (an update of a large store).
    conditions_skipped: str = ""
    # Where a new store's term closure and VoID figures came from: "the loaded quads", or
    # "the whole store (reason)" when the quads as loaded could not stand for it.
    derived_from: str = ""
    # Whether an update compacted the store, and why (empty for a new store, which is
    # always compacted: ``timings["compact"]``).
    compaction: str = ""

    def add(self, result: DocumentResult) -> None:
        self.statuses[result.status] += 1
        if result.status == "mapped":
            for attr in _COUNTED:
                self.totals[attr] += getattr(result, attr)
            if result.format:
                self.by_format[result.format] += result.trials
        if result.status == "failed" or result.errors or len(self.documents) < self.keep:
            self.documents.append(result)
        else:
            self.notes_not_kept += len(result.notes)

    @property
    def n_documents(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed" or d.errors]

    def count(self, attr: str) -> int:
        """Sum of ``attr`` (trials, arms, doses, products, quads) over mapped documents."""
        if attr not in _COUNTED:
            raise ValueError(f"not a counted attribute: {attr!r}")
        return self.totals[attr]

    def trials_by_format(self) -> Counter[str]:
        return Counter(self.by_format)


_COUNTED = ("trials", "arms", "doses", "products", "quads")


def _walk(
    folder: str, rel: str, *, stat: bool = True
) -> Iterator[tuple[str, str, os.stat_result | None]]:
    """(path, key, stat) of the files below ``folder`` in the order of
    :func:`kg.sources.iter_input_files` (a folder's files by name, then its folders by
    name; hidden entries and links to folders skipped), with no Path objects: at 100,000
    trials the walk is the whole cost of a build that finds nothing changed. Without
    ``stat`` (counting only) no file is stat'ed and every stat is None."""
    files: list[os.DirEntry[str]] = []
    folders: list[os.DirEntry[str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if not is_folder:
                files.append(entry)
            elif not entry.is_symlink():
                folders.append(entry)
    for entry in sorted(files, key=lambda e: e.name):
        st: os.stat_result | None = None
        if stat:
            try:
                st = entry.stat()
            except OSError:
                st = None
        yield entry.path, rel + entry.name, st
    for entry in sorted(folders, key=lambda e: e.name):
        yield from _walk(entry.path, f"{rel}{entry.name}/", stat=stat)


def count_inputs(paths: Iterable[Path]) -> int:
    """How many input files a build of ``paths`` reads (no file is opened or stat'ed)."""
    n = 0
    for root in paths:
        n += sum(1 for _ in _walk(str(root), "", stat=False)) if root.is_dir() else 1
    return n


def _text_key(rel: str) -> str:
    """A file's key as text: a name that is not UTF-8 (its bytes came back as surrogate
    escapes) has them written as ``\\xff``, so that the key can be a literal and part of
    an IRI; the file itself is still read by its own name.

    >>> _text_key("bad\\udcff.json")
    'bad\\\\xff.json'
    """
    if rel.isascii():
        return rel
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return rel


def _inputs(paths: Iterable[Path]) -> Iterator[tuple[str, str, os.stat_result | None]]:
    """(path, key, stat) of every input file; a file's key is its path below the root it
    was found under (a root that is a file: its name)."""
    seen: set[str] = set()
    for root in paths:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder")
        if root.is_dir():
            found = _walk(str(root), "")
        else:
            try:
                st: os.stat_result | None = root.stat()
            except OSError:
                st = None
            found = iter([(str(root), root.name, st)])
        for path, name, st in found:
            rel = _text_key(name)
            # two roots holding the same relative path: keep both apart
            key = f"{root.name}/{rel}" if rel in seen else rel
            seen.add(key)
            yield path, key, st


def map_document_file(
    data: bytes,
    key: str,
    *,
    minter: Minter,
    unchanged: Collection[str] = (),
    records: list[tuple[str, int, int]] | None = None,
    written: dict[str, Written] | None = None,
) -> tuple[DocumentResult, list[Quad], list[Trial]]:
    """Map one document to its quads (record graphs + provenance); never raises for bad input.

    ``unchanged``: IRIs of record graphs the store already holds from this document. A
    record graph's IRI carries the hash of the record's own content, so a record whose
    graph is among them is the same record as before: it is neither extracted nor
    written again, and its graph IRI goes to ``result.kept`` (a page of 1000 studies
    with one changed study costs the reading of 1000 studies, the mapping of one).

    ``records``: gets (record graph IRI, start, end) of each record's own quads in the
    returned list (the rest is metadata), for :func:`kg.streamed.serialize_document`.

    ``written``: gets the parts of record graphs written as N-Quads (the posted results,
    :func:`kg.rdf.trial_record`), by record graph IRI; they are then not among the quads.
    """
    result = DocumentResult(key=key, status="mapped")
    quads: list[Quad] = []
    trials: list[Trial] = []
    kept: set[str] = set()

    def stored(prov: Provenance) -> bool:
        return minter.graph(prov).value in unchanged

    try:
        for item in map_bytes(data, source_file=key, keep=stored if unchanged else None):
            if isinstance(item, MappingError):
                result.errors.append(shorten(str(item)))
                continue
            if isinstance(item, Provenance):  # a record the store holds (see stored)
                result.format = item.format
                iri = minter.graph(item).value
                if iri not in kept:
                    kept.add(iri)
                    result.kept.append(iri)
                continue
            result.format = item.provenance.format
            try:
                enrich(item)
            except Exception as exc:  # the last resort: this record's error
                result.errors.append(_internal(key, item, "extraction", exc))
                continue
            trials.append(item)
    except MappingError as exc:
        result.status = "failed"
        result.errors.append(shorten(str(exc)))
        result.kept.clear()
        return result, [], []
    except Exception as exc:  # the last resort: this document's error
        result.status = "failed"
        result.errors.append(_internal(key, None, "reading", exc))
        result.kept.clear()
        return result, [], []
    seen_graphs: set[str] = set()
    for trial in trials:
        result.format = trial.provenance.format
        trial.notes = [shorten(note) for note in trial.notes]
        try:
            if written is None:
                graph, record = trial_quads(trial, minter=minter)
                lines: Written = []
            else:
                graph, record, lines = trial_record(trial, minter=minter)
            meta = list(
                provenance_quads(trial.provenance, trial.notes, source_key=key, minter=minter)
            )
        except Exception as exc:  # the last resort: this record's error
            result.errors.append(_internal(key, trial, "writing", exc))
            continue
        if graph.value in seen_graphs:  # the same record twice in one document
            continue
        seen_graphs.add(graph.value)
        result.trials += 1
        result.arms += len(trial.arms)
        result.doses += len(trial.doses) + sum(len(a.doses) for a in trial.arms)
        result.products += len(trial.products) + sum(len(a.products) for a in trial.arms)
        if records is not None:
            records.append((graph.value, len(quads), len(quads) + len(record)))
        quads.extend(record)
        quads.extend(meta)
        if lines and written is not None:
            written[graph.value] = lines
        label = trial.nct_id or trial.provenance.record_key
        result.notes.extend(f"{label}: {note}" for note in trial.notes)
    if not trials and not kept and not result.errors:
        result.status = "failed"
        result.errors.append(f"{key}: the document holds no trial record")
    if not trials and not kept:
        result.status = "failed"
    return result, quads, trials


MESSAGE_CHARS = 500  # a value quoted in a report line or note is cut to this length


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` cut to about ``limit`` characters, saying how long it was: a 10 MB field
    quoted in a note must not make a 10 MB report line.

    >>> shorten("x" * 1000, 20)
    'xxxxxxxxxxxxxxxxxxxx… [1,000 characters]'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text):,} characters]"


def _internal(key: str, trial: Trial | None, stage: str, exc: BaseException) -> str:
    """The report line of an unexpected failure of one record (or, without a record, of
    the whole document): file, record and reason, never a traceback."""
    record = (trial.nct_id or trial.provenance.record_key) if trial is not None else None
    where = f"{key} [{record}]" if record else key
    return shorten(f"{where}: {stage} failed: {type(exc).__name__}: {exc}")


def enrich(trial: Trial) -> None:
    """Free-text extraction and grounding of one mapped record (in place)."""
    annotate_trial(trial)
    if not trial.conditions:
        _conditions_from_text(trial)
    context = _condition_context(trial)
    trial.conditions = [g for c in trial.conditions for g in _grounded(c, trial, context)]
    for intervention in trial.interventions:
        intervention.link = link.ground_intervention(intervention.name)
    for product in [*trial.products, *(p for a in trial.arms for p in a.products)]:
        if product.tissue is None and product.cell_type is None:
            note = f"cell product {product.name!r}: the record states neither its tissue nor its cell type"
            if note not in trial.notes:
                trial.notes.append(note)


def _conditions_from_text(trial: Trial) -> None:
    """Conditions a record names only in its title or summary (no conditions section)."""
    for where, text in (
        ("title", trial.brief_title),
        ("title", trial.official_title),
        ("summary", trial.brief_summary),
    ):
        if not text:
            continue
        found = link.find_conditions(text)
        if found:
            trial.conditions = [Condition(name=span, found_in=where, link=lk) for span, lk in found]
            return
    trial.notes.append("no condition named in a conditions section, the title or the summary")


def _condition_context(trial: Trial) -> link.ConditionContext:
    """What the record says beside its condition names (see kg.link.ConditionContext)."""
    texts = [trial.brief_title, trial.official_title, trial.brief_summary]
    texts += [c.name for c in trial.conditions] + [*trial.keywords]
    mesh_ids = dict.fromkeys(m for c in trial.conditions for m in c.mesh_ids)
    return link.ConditionContext(
        texts=tuple(t for t in texts if t),
        mesh_ids=tuple(mesh_ids),
        ancestors=trial.mesh_ancestors,
    )


def _grounded(
    condition: Condition, trial: Trial, context: link.ConditionContext
) -> list[Condition]:
    """The condition linked, or why not; a field that lists several conditions, each
    linked on its own, as those conditions (kg.link.condition_parts)."""
    if condition.link is not None:
        return [condition]
    try:
        found = link.link_condition(
            condition.name,
            mesh_ids=condition.mesh_ids,
            mesh_terms=condition.mesh_terms,
            context=context,
        )
    except link.SSSOMNotFoundError as exc:
        found = link.link_condition(condition.name, context=link.ConditionContext(context.texts))
        note = f"MeSH-to-MONDO mappings not available ({exc}); conditions linked by name only"
        if note not in trial.notes:
            trial.notes.append(note)
    if found.link is None and found.reason == link.NO_TERM:
        parts = link.condition_parts(condition.name, context=context)
        if parts:
            return [
                replace(condition, name=n, link=k, mesh_ids=(), mesh_terms=()) for n, k in parts
            ]
    if found.link is None:
        trial.notes.append(f"condition {condition.name!r} not linked: {found.reason}")
        return [replace(condition, unlinked_reason=found.reason)]
    return [replace(condition, link=found.link)]


def build(
    paths: Iterable[Path] | None,
    store_path: Path,
    *,
    minter: Minter | None = None,
    prune: bool = False,
    force: bool = False,
    on_document: Callable[[DocumentResult], None] | None = None,
    jobs: int | None = None,
    coverage: bool | None = None,
    compact: bool | None = None,
) -> BuildReport:
    """Build or update the store at ``store_path`` from the given files and folders.

    A new store is written aside and moved into place at the end; its documents are
    mapped by ``jobs`` worker processes (default: one per core, for large inputs) and
    their quads streamed into Oxigraph's bulk loader. An existing store is updated one
    changed document at a time (each in one transaction); unchanged documents (same
    bytes, same pipeline version) are skipped, known by their size and modification
    time when those match what the last build saw, else by their sha256.

    ``coverage``: whether the report counts the condition mentions linked
    (``report.conditions``). A new store adds them up from the loaded quads; an update
    can only count them over the whole store, which it does by default (None) only for a
    store of up to :data:`COVERAGE_RECOUNT_MAX` triples, so that a small change to a large
    store costs what the change costs. True counts them always, False never.

    ``compact``: whether an update compacts the store at its end. A new store is always
    compacted. An update does it by default (None) once the quads written and removed
    since the store was last compacted reach :data:`COMPACT_SHARE` of the store (see
    :func:`_compact_after_update`); True compacts now, False never.
    """
    m = minter or Minter()
    roots = list(paths) if paths else [SEEDS_DIR]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder")
    report = BuildReport(jobs=_jobs(jobs))
    with build_lock(store_path):  # StoreBusyError while another build holds it
        _build(
            roots,
            store_path,
            report,
            m,
            prune=prune,
            force=force,
            jobs=jobs,
            on_document=on_document,
            coverage=coverage,
            compact=compact,
        )
    return report


def _build(
    roots: list[Path],
    store_path: Path,
    report: BuildReport,
    m: Minter,
    *,
    prune: bool,
    force: bool,
    jobs: int | None,
    on_document: Callable[[DocumentResult], None] | None,
    coverage: bool | None = None,
    compact: bool | None = None,
) -> None:
    started = time.perf_counter()
    if store_path.exists():
        gs = open_store(store_path)
        gs.minter = m
        versions = graph_versions.take(store_path)  # unknown until this build finishes
        header, stats = gs.file_stats()
        derived = None if force else _Derived.start(gs)
        new_stats = _update(
            gs,
            roots,
            report,
            prune=prune,
            force=force,
            jobs=jobs,
            on_document=on_document,
            derived=derived,
            stats=stats,
            trusted=_trusted(gs, header, force=force, prune=prune),
        )
        before = header.get("store_quads", "")
        _finish(
            gs,
            report,
            derived,
            store_quads=int(before) if before.isdigit() else None,
            coverage=coverage,
        )
        graph_versions.record(gs, versions, report, renew=force)
        churn = _compact_after_update(
            gs,
            report,
            header,
            store_quads=int(before) if before.isdigit() else None,
            compact=compact,
        )
        if (
            new_stats != stats
            or before != str(report.store_quads)
            or header.get("churn", "0") != str(churn)
            or not _same_header(header, m)
        ):
            gs.save_file_stats(
                new_stats,
                pipeline=PIPELINE_VERSION,
                base=m.base,
                store_quads=str(report.store_quads),
                churn=str(churn),
            )
        gs.close()
        del gs
    else:
        with fresh_store(store_path, optimize=False) as gs:
            gs.minter = m
            streamed = Streamed()
            new_stats = _update(
                gs,
                roots,
                report,
                prune=prune,
                force=True,
                fresh=True,
                jobs=jobs,
                on_document=on_document,
                streamed=streamed,
            )
            _finish(gs, report, streamed=streamed, coverage=coverage)
            graph_versions.record(gs, None, report, renew=True)
            gs.save_file_stats(
                new_stats,
                pipeline=PIPELINE_VERSION,
                base=m.base,
                store_quads=str(report.store_quads),
                churn="0",
            )
            t = time.perf_counter()
            gs.store.flush()
            gs.store.optimize()
            report.timings["compact"] = time.perf_counter() - t
            t = time.perf_counter()
        report.timings["commit"] = time.perf_counter() - t
    report.seconds = time.perf_counter() - started


# ------------------------------------------------------------------------ one document

# A document to map: (path, key, sha256 of the version in the store or None, the
# record graphs the store holds from it).
_Task = tuple[str, str, str | None, frozenset[str]]
# What mapping gave: the result, its quads as N-Quads (record graphs, provenance and
# source bookkeeping; empty unless mapped), the document's sha256 (None if unread), what
# its quads add to the derived figures (None unless mapped).
_Mapped = tuple[DocumentResult, bytes, str | None, DocStats | None]


def _map_task(task: _Task, minter: Minter) -> _Mapped:
    """Read, hash and map one document (in a worker process or in the build's own)."""
    path, key, known_sha, unchanged = task
    try:
        data = _read_regular(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return (
            DocumentResult(key=key, status="failed", errors=[shorten(f"{key}: {reason}")]),
            b"",
            None,
            None,
        )
    if data is None:
        return _skipped(key), b"", None, None
    sha = hashlib.sha256(data).hexdigest()
    if known_sha == sha:
        return DocumentResult(key=key, status="unchanged"), b"", sha, None
    try:
        records: list[tuple[str, int, int]] = []
        written: dict[str, Written] = {}  # (the posted results, as N-Quads)
        result, quads, _ = map_document_file(
            data, key, minter=minter, unchanged=unchanged, records=records, written=written
        )
        if result.status != "mapped":
            return result, b"", sha, None
        quads.extend(
            source_quads(
                key,
                sha256=sha,
                fmt=result.format or "",
                pipeline_version=PIPELINE_VERSION,
                minter=minter,
            )
        )
        result.quads = len(quads) + sum(len(p.lines) for ps in written.values() for p in ps)
        payload, stats = serialize_document(quads, records, key=key, minter=minter, written=written)
    except Exception as exc:  # the last resort: this document's error
        failed = DocumentResult(
            key=key, status="failed", errors=[_internal(key, None, "mapping", exc)]
        )
        return failed, b"", sha, None
    return result, payload, sha, stats


def _read_regular(path: str) -> bytes | None:
    """The bytes of a regular file; None for anything else (a FIFO, a socket, a device:
    opened without blocking and never read, so a FIFO cannot hang the build and
    /dev/zero cannot fill the memory)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode):
            return None
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    for test, name in (
        (stat_module.S_ISFIFO, "a FIFO"),
        (stat_module.S_ISSOCK, "a socket"),
        (stat_module.S_ISCHR, "a character device"),
        (stat_module.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _skipped(key: str, mode: int | None = None) -> DocumentResult:
    kind = _kind(mode) if mode is not None else "not a regular file"
    return DocumentResult(
        key=key, status="skipped", notes=[f"skipped: {kind}, not a document file (not read)"]
    )


_WORKER_MINTER: Minter | None = None


def _init_worker(minter: Minter, parent: int) -> None:
    global _WORKER_MINTER  # noqa: PLW0603 - one minter per worker process
    _WORKER_MINTER = minter
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's own process handles Ctrl+C

    def watch() -> None:
        # A build killed outright cannot stop its workers: they stop themselves (else a
        # worker could block for ever writing its result to a pipe nobody reads).
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _map_chunk(tasks: list[_Task]) -> list[_Mapped]:
    assert _WORKER_MINTER is not None
    return [_map_task(t, _WORKER_MINTER) for t in tasks]


# ------------------------------------------------------------------------ the pipeline

# Input is mapped in a pool of processes when it is this large (or when jobs > 1 is asked).
POOL_MIN_TASKS = 200
POOL_MIN_BYTES = 16 << 20
CHUNK_TASKS = 64  # documents sent to a worker at once ...
CHUNK_BYTES = 2 << 20  # ... or this many bytes of them
BULK_BYTES = 128 << 20  # N-Quads handed to one bulk_load call
RACY_SECONDS = 2.0  # a file changed this close to the build's start is always hashed
KEEP_MIN_BYTES = 256 << 10  # a changed document this large keeps its unchanged records
# A new store is always compacted before it is moved into place. Each bulk-load batch is
# written as sorted files, but the batches overlap (every batch holds keys all over each
# index), so an uncompacted store keeps many overlapping files that every lookup reads:
# at 100,000 trials (62M quads) the canned queries ran 2-6x slower and Oxigraph's own
# point lookup took 0.31 ms of CPU against 0.13 ms, and the store took 20 GB against
# 12 GB; compacting it took 171 s (bench/RESULTS.md, stop 22). A store opened read-only
# (`kg serve`) never compacts itself.


# An update compacts the store once the quads it and the updates before it wrote or
# removed since the last compaction reach this share of the store. An update writes into
# the store's sorted files as new, overlapping ones, with tombstones for what it removed,
# and a store opened read-only never compacts itself, so every range scan of the served
# store merges them: on a compacted 10,000-trial store the canned queries' first pages ran
# 1.0-1.5x slower after 1,000 of its 3,694 XML records changed (20% of its quads written)
# and 1.0-3.1x after a pipeline change re-mapped everything; at 100,000 trials, 1.0-2.4x
# after 1,000 records (1%) and a prune (bench/RESULTS.md, stop 23). Compacting costs
# ~1.4-1.7 s per 1,000 trials of the store (171 s at 100,000), mapping ~7.5 s per 1,000
# changed trials, so the share keeps a compaction within a few times the cost of the
# updates it follows; `kg build --compact` compacts now.
COMPACT_SHARE = 0.05


def _compact_after_update(
    gs: GraphStore,
    report: BuildReport,
    header: dict[str, str],
    *,
    store_quads: int | None,
    compact: bool | None,
) -> int:
    """Compact the updated store if ``compact`` says so, or (None) once the quads written
    and removed since the last compaction reach :data:`COMPACT_SHARE` of the store; say
    which in ``report.compaction``. Returns the churn to keep in the store's header (0
    after a compaction). Quads removed are counted as the fall in the store's size."""
    old = header.get("churn", "0")
    churn = int(old) if old.isdigit() else 0
    churn += report.count("quads")
    if store_quads is not None:
        churn += max(0, store_quads - report.store_quads)
    size = max(report.store_quads, 1)
    share = (
        f"{churn / size:.1%} of the store's quads written or removed since it was last compacted"
    )
    if compact is False or (compact is None and churn < COMPACT_SHARE * size):
        report.compaction = (
            f"not compacted: {share} (compacted at {COMPACT_SHARE:.0%}; `kg build --compact` compacts now)"
            if churn
            else ""
        )
        return churn
    t = time.perf_counter()
    gs.store.flush()
    gs.store.optimize()
    report.timings["compact"] = time.perf_counter() - t
    why = "asked for" if compact else share
    report.compaction = f"compacted in {report.timings['compact']:.1f} s ({why})"
    return 0


def _jobs(jobs: int | None) -> int:
    return max(1, jobs if jobs is not None else (os.cpu_count() or 1))


@dataclass(slots=True)
class _Ready:
    """A document decided without mapping (unchanged by size and time)."""

    result: DocumentResult


_Item = tuple[_Task, int] | _Ready  # a task with the file's size, or a decided document


def _mapped_in_order(
    items: Iterable[_Item], minter: Minter, jobs: int | None
) -> Iterator[_Mapped | _Ready]:
    """Map the tasks among ``items``, in order, in this process or in a pool."""
    it = iter(items)
    n = _jobs(jobs)
    head: list[_Item] = []
    if n > 1:
        tasks = size = 0
        for item in it:
            head.append(item)
            if not isinstance(item, _Ready):
                tasks += 1
                size += item[1]
            if jobs is not None and tasks:
                break  # explicit jobs > 1: a pool for any work
            if tasks >= POOL_MIN_TASKS or size >= POOL_MIN_BYTES:
                break
        else:
            n = 1  # small input: not worth starting processes
    if n == 1:
        for item in itertools.chain(head, it):
            yield item if isinstance(item, _Ready) else _map_task(item[0], minter)
        return
    yield from _pool_map(itertools.chain(head, it), minter, n)


def _pool_map(items: Iterator[_Item], minter: Minter, jobs: int) -> Iterator[_Mapped | _Ready]:
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(minter, os.getpid()),
    )
    pending: deque[Future[list[_Mapped]] | _Ready] = deque()
    in_flight = 0
    window = 3 * jobs

    def drain(limit: int) -> Iterator[_Mapped | _Ready]:
        nonlocal in_flight
        while pending and (isinstance(pending[0], _Ready) or in_flight > limit):
            head = pending.popleft()
            if isinstance(head, _Ready):
                yield head
            else:
                in_flight -= 1
                yield from head.result()

    try:
        chunk: list[_Task] = []
        size = 0
        for item in items:
            if isinstance(item, _Ready):
                if chunk:
                    pending.append(pool.submit(_map_chunk, chunk))
                    in_flight += 1
                    chunk, size = [], 0
                pending.append(item)
            else:
                chunk.append(item[0])
                size += item[1]
                if len(chunk) >= CHUNK_TASKS or size >= CHUNK_BYTES:
                    pending.append(pool.submit(_map_chunk, chunk))
                    in_flight += 1
                    chunk, size = [], 0
            yield from drain(window)
        if chunk:
            pending.append(pool.submit(_map_chunk, chunk))
            in_flight += 1
        yield from drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _update(
    gs: GraphStore,
    roots: list[Path],
    report: BuildReport,
    *,
    prune: bool,
    force: bool,
    fresh: bool = False,
    jobs: int | None,
    on_document: Callable[[DocumentResult], None] | None,
    derived: _Derived | None = None,
    stats: dict[str, FileStat] | None = None,
    trusted: bool = False,
    streamed: Streamed | None = None,
) -> dict[str, FileStat]:
    """Store what changed; the sizes, times and hashes of the documents the store now
    holds (for the next build). ``streamed``: a new store's derived figures, added up
    from the documents' quads as they are loaded."""
    t0 = time.perf_counter()
    stats = stats or {}
    # With a trusted file-stats table, the store's own bookkeeping is only asked about
    # the few documents the table does not know; else it is read whole.
    known = None if fresh or trusted else gs.sources()
    new_stats: dict[str, FileStat] = {}
    current: set[str] = set()
    racy = time.time_ns() - int(RACY_SECONDS * 1e9)
    stat_of: dict[str, tuple[int, int]] = {}
    report.timings["sources"] = time.perf_counter() - t0
    marked = False

    def changing() -> None:
        nonlocal marked
        if not marked and not fresh and gs.path is not None:
            (gs.path / DIRTY).write_bytes(b"")  # removed when the derived graphs are right
            marked = True

    def state_of(key: str) -> SourceState | None:
        if fresh:
            return None
        if known is not None:
            return known.get(key)
        if key in stats:  # trusted: the store holds this hash (see _trusted)
            return stats[key][2], PIPELINE_VERSION
        return gs.source_state(key)

    def items() -> Iterator[_Item]:
        for path, key, st in _inputs(roots):
            current.add(key)
            if st is not None and not stat_module.S_ISREG(st.st_mode):
                yield _Ready(_skipped(key, st.st_mode))  # a FIFO would block for ever
                continue
            # A trusted table holds what the store holds: a file with the size and time
            # it lists is unchanged, decided without asking the store (the common case).
            if trusted and st is not None:
                seen = stats.get(key)
                if seen is not None and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
                    new_stats[key] = seen
                    yield _Ready(DocumentResult(key=key, status="unchanged"))
                    continue
            state = state_of(key)
            known_sha = state[0] if state and state[1] == PIPELINE_VERSION and not force else None
            if st is None:  # unreadable: the worker reports why
                yield (path, key, known_sha, frozenset()), 0
                continue
            if st.st_mtime_ns < racy:
                stat_of[key] = (st.st_size, st.st_mtime_ns)
            seen = stats.get(key)
            if known_sha and seen and seen == (st.st_size, st.st_mtime_ns, known_sha):
                new_stats[key] = seen
                yield _Ready(DocumentResult(key=key, status="unchanged"))
                continue
            # A large document that may hold many records: those unchanged are kept.
            records = gs.record_graphs_of(key) if known_sha and st.st_size >= KEEP_MIN_BYTES else ()
            yield (path, key, known_sha, frozenset(records)), st.st_size

    loader = _BulkLoader(gs) if fresh else None
    t1 = time.perf_counter()
    try:
        for out in _mapped_in_order(items(), gs.minter, jobs):
            if isinstance(out, _Ready):
                result = out.result
            else:
                result, payload, sha, doc = out
                stat = stat_of.pop(result.key, None)
                if sha is not None and stat and result.status in ("mapped", "unchanged"):
                    new_stats[result.key] = (*stat, sha)
                if payload:
                    if loader is not None:
                        loader.add(payload)  # nothing to replace in a new store
                        if streamed is not None:
                            streamed.add(result.key, doc or DocStats(unusual=result.key))
                    elif derived is not None:
                        changing()
                        derived.replace_source(result.key, payload, keep=result.kept)
                    else:
                        changing()
                        gs.replace_source(result.key, payload, keep=result.kept)
            report.add(result)
            if on_document:
                on_document(result)
    except BaseException:
        if loader is not None:
            loader.close(abort=True)
        raise
    if loader is not None:
        loader.close()
    report.timings["map_and_load"] = time.perf_counter() - t1
    if prune:
        assert known is not None  # prune reads the whole bookkeeping (see _trusted)
        for key in sorted(set(known) - current):
            changing()
            if derived is not None:
                derived.replace_source(key, b"")
            else:
                gs.remove_source(key)
            report.removed.append(key)
    # Sizes and times of the files as hashed (only of documents the store now holds).
    return {k: v for k, v in new_stats.items() if k in current}


def _same_header(header: dict[str, str], minter: Minter) -> bool:
    return header.get("pipeline") == PIPELINE_VERSION and header.get("base") == minter.base


def _trusted(gs: GraphStore, header: dict[str, str], *, force: bool, prune: bool) -> bool:
    """May the file-stats table stand for the store's bookkeeping? It was written by the
    last build that finished (no marker of an unfinished update), for this pipeline and
    base IRI, and lists only documents the store holds, each with the hash it holds."""
    return (
        not force
        and not prune
        and gs.path is not None
        and _same_header(header, gs.minter)
        and not (gs.path / DIRTY).exists()
    )


class _BulkLoader:
    """N-Quads into a new store through Oxigraph's bulk loader, in large batches, in a
    thread of its own: the loader releases the GIL, so the build goes on feeding the
    workers and gathering their results while a batch is written (at most two batches
    wait, which bounds the memory)."""

    def __init__(self, gs: GraphStore) -> None:
        self.gs = gs
        self.buffer: list[bytes] = []
        self.size = 0
        self.batches: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.abort = False
        self.thread = threading.Thread(target=self._run, name="bulk-loader", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None and not self.abort:
                try:
                    self.gs.bulk_load_nquads(batch)
                except BaseException as exc:  # re-raised in the build's thread
                    self.error = exc

    def add(self, payload: bytes) -> None:
        self._check()
        self.buffer.append(payload)
        self.size += len(payload)
        if self.size >= BULK_BYTES:
            self._send()

    def _send(self) -> None:
        if self.buffer:
            self.batches.put(b"".join(self.buffer))
            self.buffer, self.size = [], 0

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def close(self, *, abort: bool = False) -> None:
        """Write what is left and wait for the loader (``abort``: write nothing more)."""
        self.abort = self.abort or abort
        if not self.abort:
            self._send()
        self.batches.put(None)
        self.thread.join()
        if not abort:
            self._check()


def _finish(
    gs: GraphStore,
    report: BuildReport | None = None,
    derived: _Derived | None = None,
    *,
    store_quads: int | None = None,
    streamed: Streamed | None = None,
    coverage: bool | None = None,
) -> None:
    """Refresh the graphs derived from the whole store: ontology, term closure, statistics.

    With ``derived`` (an update that tracked what it changed) the term closure is
    recomputed only when the set of outside terms in use changed, and the VoID figures
    are the stored ones plus the changes: the cost follows the change, not the store.
    With ``streamed`` (a new store) the terms in use and the figures were added up from
    the quads as they were loaded (unless that sum says it cannot stand for the store).
    Otherwise everything is counted again over the whole store. ``store_quads``: the
    store's size after the last build, if known (then updated by difference too).
    """
    t = time.perf_counter()
    m = gs.minter
    small = (m.terms_graph(), m.stats_graph(), m.ontology_graph(), listing_stats.graph(m))
    incremental = derived is not None and store_quads is not None
    small_before = sum(terms.graph_size(gs.store, g) for g in small) if incremental else 0
    ontology = list(terms.ontology_quads(m))
    gs.replace_graph(m.ontology_graph(), ontology)
    written: list[Quad] = []  # the term graph, when the figures come from the stream
    if derived is None or derived.terms_changed:
        if streamed is not None and streamed.fallback is None:
            used = streamed.used_terms(ontology)
            written = list(terms.term_quads(gs.store, m, used=used))
            gs.replace_graph(m.terms_graph(), written)
        else:
            gs.replace_graph(m.terms_graph(), terms.term_quads(gs.store, m))
    t1 = time.perf_counter()
    if derived is not None:
        derived.settle()
    counts = None
    if streamed is not None:
        counts = streamed.void_counts([*ontology, *written], gs.store, m)
    if report is not None and streamed is not None:
        report.derived_from = (
            "the loaded quads" if counts is not None else f"the whole store ({streamed.fallback})"
        )
    if counts is None:
        counts = terms.void_counts(gs.store, m) if derived is None else derived.counts
    if derived is None or derived.changed:
        gs.replace_graph(m.stats_graph(), terms.void_quads_from(counts, m))
    t3 = time.perf_counter()  # the listings' figures (kg.listing_stats), after the terms
    listed = streamed.listing_figures(gs.store, m) if streamed is not None else None
    mentions = streamed.condition_counts(gs.store, m) if streamed is not None else None
    tracker = derived.listings if derived is not None else None
    listing_stats.refresh(gs.store, m, tracker, listed, mentions)
    if report is not None:
        report.timings["listings"] = time.perf_counter() - t3
    if derived is not None and store_quads is not None and derived.valid:
        small_after = sum(terms.graph_size(gs.store, g) for g in small)
        total = store_quads + derived.delta_quads + small_after - small_before
    else:
        if streamed is not None and streamed.fallback is None:
            total = counts.triples + streamed.meta_quads
        else:
            total = counts.triples + terms.graph_size(gs.store, m.meta_graph())
        total += sum(terms.graph_size(gs.store, g) for g in small)
    if gs.path is not None and (gs.path / DIRTY).exists():
        gs.store.flush()
        (gs.path / DIRTY).unlink()  # the derived figures are right again
    if report is not None:
        report.store_quads = total
        report.timings["terms"] = t1 - t
        report.timings["void"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        summed = streamed.condition_coverage(gs.store, m) if streamed is not None else None
        if summed is not None and coverage is not False:
            report.conditions = summed
        elif coverage or (coverage is None and counts.triples <= COVERAGE_RECOUNT_MAX):
            report.conditions = condition_coverage(gs.store)  # over the whole store
        elif coverage is None and (kept := _stored_coverage(gs)) is not None:
            report.conditions = kept  # the figures the update kept up to date
        else:
            report.conditions_skipped = (
                "not counted (--no-coverage)"
                if coverage is False
                else f"not recounted on an update of a store of {counts.triples:,} triples "
                "(kg build --coverage counts them; so does kg query link-coverage)"
            )
        report.timings["link coverage"] = time.perf_counter() - t2


# An update counts the condition links of the whole store again only up to this size (about a
# second's query); above it, only when asked (the count follows the store, not the change):
# else the report reads the figures the update kept up to date (kg.listing_coverage).
COVERAGE_RECOUNT_MAX = 1_000_000


def _stored_coverage(gs: GraphStore) -> Coverage | None:
    counts = listing_coverage.stored(gs.store, gs.minter, listing_stats.graph(gs.minter))
    return None if counts is None else counts.coverage()


DIRTY = "kg-derived.dirty"  # in the store folder while derived figures lag behind its content
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class _Derived:
    """What an update changes in the inputs of the derived graphs, change by change.

    Around each document's replacement it looks, in the store's indexes, at what the
    replacement touches only: the sizes and existence of the record graphs dropped or
    written, the metadata about them, whether each typed entity (subject, class) and
    each outside term in use is in the store before and after. The VoID figures (and
    the store's size) follow by difference from the stored ones; the term closure is
    recomputed only if a term came into or went out of use. The build leaves a marker
    file in the store while it changes it: a build killed midway leaves it, and the
    next build counts everything again.
    """

    def __init__(self, gs: GraphStore, counts: terms.VoidCounts) -> None:
        self.gs = gs
        self.counts = counts
        self.terms_changed = False
        self.changed = False
        self.valid = True
        self.delta_quads = 0  # record graphs and metadata graph
        self.meta = gs.minter.meta_graph()
        self.meta_nt = str(self.meta)
        self.preds = [NamedNode(p) for p in terms.USED_TERM_PREDICATES]
        self.pred_nts = {f"<{p}>" for p in terms.USED_TERM_PREDICATES}
        self.listings = listing_stats.Tracker(gs.store, gs.minter)

    @classmethod
    def start(cls, gs: GraphStore) -> _Derived | None:
        if gs.path is None or (gs.path / DIRTY).exists():
            return None  # an earlier update did not finish: count everything
        counts = terms.stored_void_counts(gs.store, gs.minter)
        return None if counts is None else cls(gs, counts)

    def replace_source(self, key: str, payload: bytes, *, keep: Collection[str] = ()) -> None:
        gs, store = self.gs, self.gs.store
        self.changed = True
        dropped = [g for g in gs.graphs_only_from(key) if g.value not in keep]
        graphs = {g.value for g in dropped}
        subjects = {gs.minter.source(key).value, *gs.record_graphs_of(key)}  # in graph/meta
        typed: set[tuple[str, str]] = set()
        used: set[str] = set()
        for line in payload.decode("utf-8").splitlines() if payload else ():
            body, graph = line[:-2].rstrip().rsplit(" ", 1)
            subject, predicate, obj = body.split(" ", 2)
            if not subject.startswith("<"):
                self.valid = False  # a blank node: leave the figures to a full count
                continue
            if graph != self.meta_nt:
                graphs.add(graph[1:-1])
            else:
                subjects.add(subject[1:-1])
            if predicate == _RDF_TYPE and obj.startswith(f"<{CTO}"):
                typed.add((subject[1:-1], obj[1:-1]))
            elif predicate in self.pred_nts and obj.startswith(f"<{OBO}"):
                used.add(obj[1:-1])
        src = gs.minter.source(key)
        rdf_type = NamedNode(_RDF_TYPE[1:-1])
        for g in dropped:
            for q in store.quads_for_pattern(None, rdf_type, None, g):
                self._typed(q, typed)
            for q in store.quads_for_pattern(g, rdf_type, None, self.meta):
                self._typed(q, typed)
            for p in self.preds:
                for q in store.quads_for_pattern(None, p, None, g):
                    if isinstance(q.object, NamedNode) and q.object.value.startswith(OBO):
                        used.add(q.object.value)
        for q in store.quads_for_pattern(src, rdf_type, None, self.meta):
            self._typed(q, typed)
        before = self._state(graphs, subjects, typed, used)
        self.listings.touch(dropped, payload)
        gs.replace_source(key, payload, keep=keep)
        after = self._state(graphs, subjects, typed, used)
        sizes0, meta0, exists0, typed0, used0 = before
        sizes1, meta1, exists1, typed1, used1 = after
        self.counts.triples += sizes1 - sizes0
        self.delta_quads += sizes1 - sizes0 + meta1 - meta0
        self.counts.documents += sum(exists1.values()) - sum(exists0.values())
        for (_, cls), was in typed0.items():
            n = self.counts.classes.get(cls, 0) + typed1[_, cls] - was
            self.counts.classes[cls] = n
        if used0 != used1:
            self.terms_changed = True

    @staticmethod
    def _typed(q: Quad, out: set[tuple[str, str]]) -> None:
        s, o = q.subject, q.object
        if isinstance(s, NamedNode) and isinstance(o, NamedNode) and o.value.startswith(CTO):
            out.add((s.value, o.value))

    def _count(self, where: str) -> int:
        result = self.gs.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(result, QuerySolutions)
        return int(next(iter(result))["n"].value)

    def _state(
        self, graphs: set[str], subjects: set[str], typed: set[tuple[str, str]], used: set[str]
    ) -> tuple[int, int, dict[str, int], dict[tuple[str, str], int], dict[str, bool]]:
        store = self.gs.store
        rdf_type = NamedNode(_RDF_TYPE[1:-1])
        values = " ".join(f"<{g}>" for g in sorted(graphs))
        sizes = self._count(f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}") if graphs else 0
        values = " ".join(f"<{s}>" for s in sorted(subjects))
        meta = (
            self._count(f"VALUES ?s {{ {values} }} GRAPH <{self.meta.value}> {{ ?s ?p ?o }}")
            if subjects
            else 0
        )
        exists = {g: int(store.contains_named_graph(NamedNode(g))) for g in graphs}
        types = {
            (s, c): int(
                any(True for _ in store.quads_for_pattern(NamedNode(s), rdf_type, NamedNode(c)))
            )
            for s, c in typed
        }
        in_use = {
            t: any(
                any(True for _ in store.quads_for_pattern(None, p, NamedNode(t)))
                for p in self.preds
            )
            for t in used
        }
        return sizes, meta, exists, types, in_use

    def settle(self) -> None:
        """Count everything after all if a change could not be followed."""
        if not self.valid:
            self.counts = terms.void_counts(self.gs.store, self.gs.minter)
