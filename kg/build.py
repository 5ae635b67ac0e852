"""The build: input documents -> records -> extraction -> quads -> store, with a report."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import Quad

from kg import link, terms
from kg.extract import annotate_trial
from kg.model import Condition, MappingError, Trial
from kg.rdf import Minter, provenance_quads, source_quads, trial_quads
from kg.sources import FORMATS, iter_input_files, map_bytes
from kg.store import GraphStore, fresh_store, open_store

__all__ = [
    "PIPELINE_VERSION",
    "BuildReport",
    "DocumentResult",
    "build",
    "enrich",
    "map_document_file",
]

# Bump when mapping or extraction changes in a way that changes triples: a rebuild then
# re-maps every document even where the file's hash is unchanged.
PIPELINE_VERSION = (
    "1+"
    + hashlib.sha256(
        "|".join(f"{f.name}:{f.mapper_version}" for f in FORMATS).encode()
    ).hexdigest()[:8]
)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


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


@dataclass(slots=True)
class BuildReport:
    documents: list[DocumentResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    store_quads: int = 0

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failed" or d.errors]

    def count(self, attr: str) -> int:
        return sum(int(getattr(d, attr)) for d in self.documents if d.status == "mapped")

    def trials_by_format(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for d in self.documents:
            if d.status == "mapped" and d.format:
                counts[d.format] += d.trials
        return counts


def _key(path: Path, root: Path) -> str:
    """A file's key in the store: its path below the root it was found under."""
    if root.is_dir():
        return path.relative_to(root).as_posix()
    return path.name


def _inputs(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    seen: set[str] = set()
    for root in paths:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder")
        for path in iter_input_files([root]):
            key = _key(path, root)
            if key in seen:  # two roots holding the same relative path: keep both apart
                key = f"{root.name}/{key}"
            seen.add(key)
            yield path, key


def map_document_file(
    data: bytes, key: str, *, minter: Minter
) -> tuple[DocumentResult, list[Quad], list[Trial]]:
    """Map one document to its quads (record graphs + provenance); never raises for bad input."""
    result = DocumentResult(key=key, status="mapped")
    quads: list[Quad] = []
    trials: list[Trial] = []
    try:
        for item in map_bytes(data, source_file=key):
            if isinstance(item, MappingError):
                result.errors.append(str(item))
                continue
            enrich(item)
            trials.append(item)
    except MappingError as exc:
        result.status = "failed"
        result.errors.append(str(exc))
        return result, [], []
    seen_graphs: set[str] = set()
    for trial in trials:
        result.format = trial.provenance.format
        graph, record = trial_quads(trial, minter=minter)
        if graph.value in seen_graphs:  # the same record twice in one document
            continue
        seen_graphs.add(graph.value)
        result.trials += 1
        result.arms += len(trial.arms)
        result.doses += len(trial.doses) + sum(len(a.doses) for a in trial.arms)
        result.products += len(trial.products) + sum(len(a.products) for a in trial.arms)
        quads.extend(record)
        quads.extend(provenance_quads(trial.provenance, trial.notes, source_key=key, minter=minter))
        label = trial.nct_id or trial.provenance.record_key
        result.notes.extend(f"{label}: {note}" for note in trial.notes)
    if not trials and not result.errors:
        result.status = "failed"
        result.errors.append(f"{key}: the document holds no trial record")
    if not trials:
        result.status = "failed"
    return result, quads, trials


def enrich(trial: Trial) -> None:
    """Free-text extraction and grounding of one mapped record (in place)."""
    annotate_trial(trial)
    if not trial.conditions:
        _conditions_from_text(trial)
    trial.conditions = [_grounded(c, trial) for c in trial.conditions]
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


def _grounded(condition: Condition, trial: Trial) -> Condition:
    if condition.link is not None:
        return condition
    try:
        found = link.ground_condition(condition.name, mesh_ids=condition.mesh_ids)
    except link.SSSOMNotFoundError as exc:
        found = link.ground_condition(condition.name)
        note = f"MeSH-to-MONDO mappings not available ({exc}); conditions linked by name only"
        if note not in trial.notes:
            trial.notes.append(note)
    if found is None:
        trial.notes.append(f"condition {condition.name!r} not linked to MONDO")
        return condition
    return replace(condition, link=found)


def build(
    paths: Iterable[Path] | None,
    store_path: Path,
    *,
    minter: Minter | None = None,
    prune: bool = False,
    force: bool = False,
    on_document: Callable[[DocumentResult], None] | None = None,
) -> BuildReport:
    """Build or update the store at ``store_path`` from the given files and folders.

    A new store is written aside and moved into place at the end. An existing store is
    updated one document at a time (each in one transaction); unchanged documents (same
    bytes, same pipeline version) are skipped.
    """
    m = minter or Minter()
    inputs = list(_inputs(list(paths) if paths else [SEEDS_DIR]))
    report = BuildReport()
    started = time.perf_counter()
    if store_path.exists():
        gs = open_store(store_path)
        gs.minter = m
        _update(gs, inputs, report, prune=prune, force=force, on_document=on_document)
        _finish(gs)
        report.store_quads = len(gs.store)
        gs.close()
        del gs
    else:
        with fresh_store(store_path) as gs:
            gs.minter = m
            _update(
                gs, inputs, report, prune=prune, force=True, fresh=True, on_document=on_document
            )
            _finish(gs)
            report.store_quads = len(gs.store)
    report.seconds = time.perf_counter() - started
    return report


def _update(
    gs: GraphStore,
    inputs: list[tuple[Path, str]],
    report: BuildReport,
    *,
    prune: bool,
    force: bool,
    fresh: bool = False,
    on_document: Callable[[DocumentResult], None] | None,
) -> None:
    known = gs.sources()
    for path, key in inputs:
        try:
            data = path.read_bytes()
        except OSError as exc:
            result = DocumentResult(key=key, status="failed", errors=[f"{key}: {exc.strerror}"])
        else:
            sha = hashlib.sha256(data).hexdigest()
            if not force and known.get(key) == (sha, PIPELINE_VERSION):
                result = DocumentResult(key=key, status="unchanged")
            else:
                result, quads, _ = map_document_file(data, key, minter=gs.minter)
                if result.status == "mapped":
                    quads.extend(
                        source_quads(
                            key,
                            sha256=sha,
                            fmt=result.format or "",
                            pipeline_version=PIPELINE_VERSION,
                            minter=gs.minter,
                        )
                    )
                    if fresh:
                        gs.store.extend(quads)  # nothing to replace in a new store
                    else:
                        gs.replace_source(key, quads)
                    result.quads = len(quads)
        report.documents.append(result)
        if on_document:
            on_document(result)
    if prune:
        current = {key for _, key in inputs}
        for key in sorted(set(known) - current):
            gs.remove_source(key)
            report.removed.append(key)


def _finish(gs: GraphStore) -> None:
    """Refresh the graphs derived from the whole store: ontology, term closure, statistics."""
    gs.replace_graph(gs.minter.ontology_graph(), terms.ontology_quads(gs.minter))
    gs.replace_graph(gs.minter.terms_graph(), terms.term_quads(gs.store, gs.minter))
    gs.replace_graph(gs.minter.stats_graph(), terms.void_quads(gs.store, gs.minter))
