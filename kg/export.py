"""The bulk path for a first publication: the store as gzip-compressed N-Quads files of a
chosen size, with a load script for each server's own bulk loader.

``kg export --format nquads --split-size MB -o DIR`` writes::

    DIR/part-00001.nq.gz ...     whole named graphs, in IRI order, each file ~MB compressed
    DIR/load-oxigraph.sh         oxigraph load --location DB --file part-*.nq.gz (parallel)
    DIR/load-virtuoso.sql        ld_dir + rdf_loader_run + checkpoint, for isql
    DIR/graphs.tsv               graph IRI, version, file (the publication journal's form)

A graph is never split across files (a file exceeds the size when one graph does), so a
file loads on its own. The files are deterministic: same store, same bytes (gzip without a
timestamp; lines sorted within a graph). After loading them, ``kg publish --to URL
--mark-loaded DIR`` records the graphs as published, so that later publications send only
what changed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Store

from kg.graph_versions import GraphVersions

__all__ = ["ExportPart", "split_nquads"]


@dataclass(frozen=True, slots=True)
class ExportPart:
    path: Path
    graphs: int
    quads: int
    bytes: int  # compressed


def _graph_nquads(store: Store, graph: str) -> tuple[bytes, bytes]:
    """(N-Quads of the graph, sha256 of its N-Triples as kg.publish hashes it)."""
    g = NamedNode(graph)
    triples = sorted(
        f"{q.subject} {q.predicate} {q.object}"
        for q in store.quads_for_pattern(None, None, None, g)
    )
    nt = "".join(f"{t} .\n" for t in triples).encode("utf-8")
    nq = "".join(f"{t} {g} .\n" for t in triples).encode("utf-8")
    return nq, hashlib.sha256(nt).hexdigest().encode()


def split_nquads(
    store: Store, out_dir: Path, *, size_mb: float, versions: GraphVersions | None = None
) -> list[ExportPart]:
    """Write the store's named graphs as ``part-NNNNN.nq.gz`` files of about ``size_mb``
    compressed, the load scripts and ``graphs.tsv``; return the parts. ``graphs.tsv``
    gives each graph the version ``kg publish`` gives it: the build's (``versions``) where
    it recorded one, else the sha256 of its sorted N-Triples."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("part-*.nq.gz"):
        stale.unlink()
    limit = max(int(size_mb * 1_000_000), 1)
    parts: list[ExportPart] = []
    rows: list[str] = []
    raw: io.BufferedWriter | None = None
    zipped: gzip.GzipFile | None = None
    graphs = quads = 0

    def close() -> None:
        nonlocal raw, zipped, graphs, quads
        if zipped is not None and raw is not None:
            zipped.close()
            raw.close()
            path = out_dir / f"part-{len(parts) + 1:05d}.nq.gz"
            parts.append(ExportPart(path, graphs, quads, path.stat().st_size))
        raw = zipped = None
        graphs = quads = 0

    names = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    for name in names:
        body, sha = _graph_nquads(store, name)
        if not body:
            continue
        if raw is None:
            path = out_dir / f"part-{len(parts) + 1:05d}.nq.gz"
            raw = path.open("wb")
            zipped = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        assert zipped is not None
        zipped.write(body)
        zipped.flush()  # a sync flush (a few bytes): the file's size is then the compressed size
        graphs += 1
        quads += body.count(b"\n")
        version = versions.version(name) if versions is not None else None
        rows.append(f"{name}\t{version or sha.decode()}\t{Path(raw.name).name}")
        if raw.tell() >= limit:
            close()
    close()
    (out_dir / "graphs.tsv").write_text(
        "# graph\tversion (kg.graph_versions, else sha256 of its sorted N-Triples)\tfile\n"
        + "".join(r + "\n" for r in rows),
        encoding="utf-8",
    )
    _write_scripts(out_dir)
    return parts


def _write_scripts(out_dir: Path) -> None:
    oxigraph = out_dir / "load-oxigraph.sh"
    oxigraph.write_text(
        "#!/bin/sh\n"
        "# Load these files into a new Oxigraph database with its bulk loader, then serve it:\n"
        "#   sh load-oxigraph.sh /path/to/db && oxigraph serve --location /path/to/db\n"
        "# (stop the server first: the loader needs the database to itself).\n"
        "set -eu\n"
        'db="${1:?usage: load-oxigraph.sh DATABASE_DIR}"\n'
        'here="$(cd "$(dirname "$0")" && pwd)"\n'
        '"${OXIGRAPH:-oxigraph}" load --location "$db" --file "$here"/part-*.nq.gz\n'
        '"${OXIGRAPH:-oxigraph}" optimize --location "$db"\n',
        encoding="utf-8",
    )
    oxigraph.chmod(0o755)
    folder = str(out_dir.resolve())
    (out_dir / "load-virtuoso.sql").write_text(
        "-- Load these files with Virtuoso's bulk loader, as dba:\n"
        "--   isql-vt 1111 dba PASSWORD load-virtuoso.sql\n"
        "-- The folder must be listed in DirsAllowed of virtuoso.ini; if it moved, change the\n"
        "-- path below. N-Quads carry their graph, so the graph argument is only a default.\n"
        f"ld_dir({_sql_string(folder)}, 'part-%.nq.gz', 'https://w3id.org/celltrials/graph/unnamed');\n"
        "rdf_loader_run();\n"
        "checkpoint;\n"
        "SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n",
        encoding="utf-8",
    )


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
