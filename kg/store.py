"""The Oxigraph store on disk: one named graph per source record, plus metadata graphs.

Writes are safe against a build that fails or is killed midway:

* a store built from nothing is written into a sibling folder and moved into place only
  when complete, so a killed first build leaves no half store behind;
* an existing store is changed one source document at a time, each change (drop the
  document's old graphs, insert its new graphs and provenance) in one SPARQL update,
  which Oxigraph applies as one transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import NamedNode, Quad, QuerySolutions, Store

from kg.rdf import CTO, PROV, Minter

__all__ = ["GraphStore", "SourceState", "open_store"]

SourceState = tuple[str, str]  # (sha256, pipeline version)


def _ntriple(q: Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


class GraphStore:
    """A pyoxigraph store with the project's bookkeeping of source documents."""

    def __init__(self, store: Store, *, minter: Minter | None = None) -> None:
        self.store = store
        self.minter = minter or Minter()

    # ------------------------------------------------------------------ sources

    def sources(self) -> dict[str, SourceState]:
        """Source documents in the store: key -> (sha256, pipeline version)."""
        result = self.store.query(
            f"""SELECT ?key ?sha ?version WHERE {{ GRAPH <{self.minter.meta_graph().value}> {{
                ?s <{CTO}sourceKey> ?key ; <{CTO}sha256> ?sha ; <{CTO}pipelineVersion> ?version }} }}"""
        )
        assert isinstance(result, QuerySolutions)
        return {
            str(row["key"].value): (str(row["sha"].value), str(row["version"].value))
            for row in result
        }

    def graphs_only_from(self, key: str) -> list[NamedNode]:
        """Record graphs derived from this source and from no other."""
        meta = self.minter.meta_graph().value
        src = self.minter.source(key).value
        result = self.store.query(
            f"""SELECT DISTINCT ?g WHERE {{ GRAPH <{meta}> {{
                ?g <{PROV}wasDerivedFrom> <{src}> .
                FILTER NOT EXISTS {{ ?g <{PROV}wasDerivedFrom> ?other FILTER(?other != <{src}>) }}
            }} }} ORDER BY ?g"""
        )
        assert isinstance(result, QuerySolutions)
        return [NamedNode(row["g"].value) for row in result]

    def replace_source(self, key: str, quads: Iterable[Quad]) -> None:
        """Atomically drop what one source document stated and insert its new quads.

        ``quads`` holds the document's record graphs, its provenance and its source
        bookkeeping (all quads of the metadata graph about it).
        """
        meta = self.minter.meta_graph().value
        src = self.minter.source(key).value
        ops: list[str] = []
        for graph in self.graphs_only_from(key):
            ops.append(f"DROP SILENT GRAPH <{graph.value}>")
            ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ <{graph.value}> ?p ?o }} }}")
        ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ ?g <{PROV}wasDerivedFrom> <{src}> }} }}")
        ops.append(f"DELETE WHERE {{ GRAPH <{meta}> {{ <{src}> ?p ?o }} }}")
        by_graph: dict[str, list[str]] = {}
        for q in quads:
            by_graph.setdefault(str(q.graph_name), []).append(_ntriple(q))
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

    def close(self) -> None:
        self.store.flush()


def open_store(path: Path, *, read_only: bool = False) -> GraphStore:
    """Open an existing store (after finishing an interrupted swap, see :func:`fresh_store`)."""
    _recover(path)
    if read_only:
        return GraphStore(Store.read_only(str(path)))
    return GraphStore(Store(str(path)))


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
def fresh_store(path: Path) -> Iterator[GraphStore]:
    """A new store written beside ``path`` and moved into place when the block succeeds.

    If the block raises (or the process dies), ``path`` is left exactly as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _recover(path)
    tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    gs = GraphStore(Store(str(tmp)))
    try:
        yield gs
        gs.store.flush()
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
