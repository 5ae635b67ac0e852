"""What each named graph of a built store holds, known without reading it.

``kg publish`` sends a graph only when its content changed since it was last published.
Hashing every graph to find out reads the whole store (≈ 38 s per 10,000 trials); the
build knows what it changed, so it records it in ``kg-graph-versions.tsv`` in the store
folder, and a publication with nothing to send reads no graph at all:

* a record graph's IRI carries the hash of its record (``graph/FORMAT/KEY-SHA12``), and
  its content follows from that record and the pipeline version. Its version is the
  sha256 of a *salt* and its IRI. The salt is kept from build to build and renewed when
  the pipeline version changes, on ``kg build --force`` (which rewrites every graph, maybe
  with new linking data) and after a build that did not finish: then every record graph is
  sent once more, never a changed graph left out;
* a derived graph (``graph/ontology``, ``graph/terms``, ``graph/stats``, any other graph
  the build writes whole) has the sha256 of its content, computed at the end of the build
  (they are small: ~9,000 quads at 10,000 trials);
* ``graph/meta`` (provenance and build notes: ~100,000 quads at 10,000 trials) gets a new
  random version whenever the build changed a source document, and keeps its version when
  it did not.

The file is removed when a build starts changing the store and written when it finishes,
and a store opened for writing by ``kg serve`` (SPARQL Update, Graph Store writes) loses
it: while it is missing, ``kg publish`` falls back to hashing every graph's content.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Store

if TYPE_CHECKING:
    from kg.build import BuildReport
    from kg.store import GraphStore

__all__ = [
    "VERSIONS_FILE",
    "GraphVersions",
    "content_sha256",
    "forget",
    "is_record_graph",
    "load",
    "record",
    "take",
]

VERSIONS_FILE = "kg-graph-versions.tsv"
HEADER = "# kg graph versions"
# Minter.graph: {base}graph/{format}/{record key}-{first 12 hex of the record's sha256}
_RECORD_GRAPH = re.compile(r"/graph/[^/]+/.+-[0-9a-f]{12}$")


def is_record_graph(iri: str) -> bool:
    """Whether the IRI is a record graph's (its content follows from its name)."""
    return _RECORD_GRAPH.search(iri) is not None


def content_sha256(store: Store, graph: str) -> tuple[str, int]:
    """(sha256 of the graph's N-Triples lines, sorted; their bytes): the same for the same
    content, whatever order the store gives the triples in. Reads the whole graph."""
    lines = sorted(
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in store.quads_for_pattern(None, None, None, NamedNode(graph))
    )
    body = "".join(lines).encode("utf-8")
    return hashlib.sha256(body).hexdigest(), len(body)


@dataclass
class GraphVersions:
    """The salt of the record graphs and the versions of the other graphs."""

    salt: str
    pipeline: str
    derived: dict[str, str] = field(default_factory=dict)  # graph IRI -> version

    def version(self, iri: str) -> str | None:
        """The graph's version, or None when the build did not record one (read it)."""
        if is_record_graph(iri):
            return hashlib.sha256(f"{self.salt}\n{iri}".encode()).hexdigest()
        return self.derived.get(iri)


def _path(folder: Path) -> Path:
    return folder / VERSIONS_FILE


def load(folder: Path) -> GraphVersions | None:
    """The versions the last finished build recorded, or None (no build recorded them, or
    one is changing the store, or it was changed by other means since)."""
    try:
        text = _path(folder).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.splitlines()
    if not lines or not lines[0].startswith(HEADER + "\t") or lines[-1] != "# end":
        return None  # not ours, or cut short
    head = dict(p.partition("=")[::2] for p in lines[0].split("\t")[1:])
    salt, pipeline = head.get("salt", ""), head.get("pipeline", "")
    if len(salt) != 32:
        return None
    derived = {}
    for line in lines[1:-1]:
        iri, _, version = line.partition("\t")
        if iri and version:
            derived[iri] = version
    return GraphVersions(salt, pipeline, derived)


def take(folder: Path) -> GraphVersions | None:
    """The recorded versions, removed from the store folder: a build about to change the
    store calls it first, so that a build killed midway leaves no stale versions."""
    versions = load(folder)
    forget(folder)
    return versions


def forget(folder: Path | str) -> None:
    """Remove the recorded versions (the store is about to change by other means)."""
    with contextlib.suppress(FileNotFoundError):
        _path(Path(folder)).unlink()


def _named_graphs(store: Store) -> Iterator[str]:
    for g in store.named_graphs():
        if isinstance(g, NamedNode):
            yield g.value


def record(
    gs: GraphStore, previous: GraphVersions | None, report: BuildReport, *, renew: bool
) -> GraphVersions | None:
    """Write the versions at the end of a build that finished (``previous``: what
    :func:`take` gave at its start; ``renew``: the build rewrote every graph)."""
    from kg.build import PIPELINE_VERSION  # kg.build imports this module

    if gs.path is None:
        return None
    meta = gs.minter.meta_graph().value
    keep = previous is not None and not renew and previous.pipeline == PIPELINE_VERSION
    salt = previous.salt if keep and previous is not None else secrets.token_hex(16)
    changed = bool(report.statuses["mapped"] or report.removed)
    derived: dict[str, str] = {}
    for iri in sorted(_named_graphs(gs.store)):
        if is_record_graph(iri):
            continue
        if iri == meta:
            old = previous.derived.get(meta) if keep and previous is not None else None
            derived[iri] = old if old and not changed else secrets.token_hex(32)
            continue
        sha, size = content_sha256(gs.store, iri)
        if size:
            derived[iri] = sha
    versions = GraphVersions(salt, PIPELINE_VERSION, derived)
    target = _path(gs.path)
    tmp = target.with_name(VERSIONS_FILE + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(f"{HEADER}\tsalt={salt}\tpipeline={PIPELINE_VERSION}\n")
        for iri, version in derived.items():
            fh.write(f"{iri}\t{version}\n")
        fh.write("# end\n")
    tmp.replace(target)
    return versions
