"""Publish the store's named graphs to a SPARQL 1.1 Graph Store HTTP Protocol server.

``kg publish --to URL`` makes the server's copy of each named graph equal to the store's:

* one ``PUT URL?graph=<iri>`` per named graph whose content is new or changed (the body is
  the graph as N-Triples written by Oxigraph itself, sent as ``text/turtle``, which every
  Graph Store server reads: N-Triples is a subset of Turtle), one ``DELETE URL?graph=<iri>``
  per graph published before and gone from the store;
* incremental at the cost of what changed: each graph has a *version* that changes when
  its content does, recorded by the build (:mod:`kg.graph_versions`: a record graph's
  follows from its IRI, which carries its record's hash; a derived graph's is its content
  hash or a change marker), so a publication with nothing to send reads no graph. Without
  recorded versions (a store changed outside ``kg build``, a build killed midway) a
  graph's version is the sha256 of its N-Triples lines, sorted, which reads the whole
  store. What was published, and with which version, is kept in a journal beside the
  store (``.<store>.published/<server>-<hash of URL>.tsv``): a graph whose version the
  journal already holds for that server is not sent again;
* resumable: each graph is written to the journal as soon as the server accepted it, so an
  interrupted publication goes on where it stopped;
* a graph that fails (a network error, a timeout, HTTP 408/429/5xx) is retried with
  exponential back-off and jitter (``Retry-After`` honoured); a refusal (another 4xx) is
  not. A graph that still fails is reported; the others go on, and the next run sends it.

The journal is the client's knowledge: a graph changed on the server by someone else is
not seen. ``--full`` ignores the journal and sends every graph.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import requests
from pyoxigraph import NamedNode, RdfFormat, Store

from kg import graph_versions

__all__ = [
    "GraphState",
    "Plan",
    "PublishReport",
    "Publisher",
    "current_graphs",
    "graph_body",
    "graph_ntriples",
    "journal_path",
    "plan",
    "store_graphs",
]

JOURNAL_HEADER = "# kg publish journal"
CONTENT_TYPE = "text/turtle; charset=utf-8"
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class GraphState:
    iri: str
    sha256: str  # its version (see kg.graph_versions), or the sha256 of its content
    size: int | None  # bytes of its N-Triples, when read


def graph_ntriples(store: Store, graph: str) -> bytes:
    """The graph's triples as N-Triples, lines sorted: the same bytes for the same content."""
    lines = sorted(
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in store.quads_for_pattern(None, None, None, NamedNode(graph))
    )
    return "".join(lines).encode("utf-8")


def graph_body(store: Store, graph: str) -> bytes:
    """The graph as N-Triples, as sent: Oxigraph's own serialiser (no sorting, no Python
    string per triple; the store's order, which the server does not care about)."""
    body = store.dump(format=RdfFormat.N_TRIPLES, from_graph=NamedNode(graph))
    assert body is not None  # no output given: the bytes are returned
    return body


def store_graphs(store: Store) -> Iterator[GraphState]:
    """Every non-empty named graph of the store with its content hash, sorted by IRI
    (reads the whole store)."""
    for name in sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode)):
        sha, size = graph_versions.content_sha256(store, name)
        if size:
            yield GraphState(name, sha, size)


def current_graphs(store: Store, store_path: Path | None) -> tuple[list[GraphState], bool]:
    """The store's non-empty named graphs with their versions, sorted by IRI, and whether
    the build's recorded versions were used. With them only graphs the build did not
    version are read (none, after a ``kg build``); without them every graph is hashed."""
    versions = graph_versions.load(store_path) if store_path is not None else None
    if versions is None:
        return list(store_graphs(store)), False
    out = []
    for name in sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode)):
        version = versions.version(name)
        if version is not None:
            out.append(GraphState(name, version, None))
            continue
        sha, size = graph_versions.content_sha256(store, name)
        if size:
            out.append(GraphState(name, sha, size))
    return out, True


def journal_path(store_path: Path, url: str) -> Path:
    """Where the journal of publications of this store to this server lives."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[-1]).strip("-")[:60]
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    folder = store_path.with_name(f".{store_path.name}.published")
    return folder / f"{slug}-{digest}.tsv"


def read_journal(path: Path) -> dict[str, str]:
    """Graph IRI -> published hash, replayed from the journal (missing file: nothing)."""
    published: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return published
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or line.startswith("#"):
            continue  # a line cut by a kill: that graph is sent again
        action, sha, iri = parts
        if action == "put" and len(sha) == 64:
            published[iri] = sha
        elif action == "delete":
            published.pop(iri, None)
    return published


def write_journal(path: Path, url: str, published: dict[str, str]) -> None:
    """Rewrite the journal compactly (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(f"{JOURNAL_HEADER}\t{url}\n")
        for iri in sorted(published):
            fh.write(f"put\t{published[iri]}\t{iri}\n")
    tmp.replace(path)


@dataclass
class Plan:
    send: list[GraphState]
    delete: list[str]
    unchanged: int

    @property
    def bytes(self) -> int | None:
        """Bytes to send, when every graph to send was read (else None: not known yet)."""
        sizes = [g.size for g in self.send]
        return None if None in sizes else sum(s or 0 for s in sizes)


def plan(current: list[GraphState], published: dict[str, str], *, full: bool = False) -> Plan:
    """What to send and delete to make the server's graphs the store's."""
    names = {g.iri for g in current}
    send = [g for g in current if full or published.get(g.iri) != g.sha256]
    delete = sorted(iri for iri in published if iri not in names)
    return Plan(send, delete, len(current) - len(send))


@dataclass
class PublishReport:
    sent: int = 0
    deleted: int = 0
    bytes: int = 0
    requests: int = 0
    wire_bytes: int = 0  # request bodies as sent (compressed with --gzip)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (graph, reason)
    seconds: float = 0.0


class Publisher:
    """Sends a plan to a Graph Store HTTP Protocol endpoint, journaling each success."""

    def __init__(
        self,
        url: str,
        store: Store,
        journal: Path,
        *,
        headers: dict[str, str] | None = None,
        auth: requests.auth.AuthBase | None = None,
        timeout: float = 300.0,
        retries: int = 5,
        backoff: float = 0.5,
        jobs: int = 2,
        compress: bool = False,
    ) -> None:
        self.url = url
        self.store = store
        self.journal = journal
        self.headers = headers or {}
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.jobs = jobs
        self.compress = compress  # gzip bodies (Content-Encoding), for a slow network
        self._local = threading.local()
        self._body_headers = {"Content-Type": CONTENT_TYPE, **self.headers}
        if compress:
            self._body_headers["Content-Encoding"] = "gzip"
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def _request(self, method: str, iri: str, body: bytes | None, report: PublishReport) -> None:
        """One request with retries; RuntimeError with the reason when it finally fails."""
        last = ""
        for attempt in range(self.retries + 1):
            with self._lock:
                report.requests += 1
            try:
                response = self._session().request(
                    method,
                    self.url,
                    params={"graph": iri},
                    data=body,
                    headers=self._body_headers if body is not None else self.headers,
                    auth=self.auth,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
                wait = None
            else:
                status = response.status_code
                if status < 300 or (method == "DELETE" and status == 404):
                    return
                last = f"HTTP {status}: {' '.join(response.text.split())[:300]}"
                if status not in RETRY_STATUS:
                    raise RuntimeError(last)
                wait = _retry_after(response.headers.get("Retry-After"))
            if attempt < self.retries:
                delay = self.backoff * 2**attempt
                time.sleep(wait if wait is not None else delay * (0.5 + random.random()))
        raise RuntimeError(f"{last} (after {self.retries + 1} tries)")

    def run(
        self,
        work: Plan,
        published: dict[str, str],
        *,
        on_done: Callable[[str, int], None] | None = None,
    ) -> PublishReport:
        """Send the plan; ``published`` is updated and journaled as graphs succeed."""
        report = PublishReport()
        start = time.monotonic()
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        if not self.journal.exists():
            write_journal(self.journal, self.url, published)
        with self.journal.open("a", encoding="utf-8") as log:

            def put(g: GraphState) -> tuple[str, str, int]:
                body = graph_body(self.store, g.iri)
                sent = gzip.compress(body, compresslevel=1, mtime=0) if self.compress else body
                self._request("PUT", g.iri, sent, report)
                with self._lock:
                    report.wire_bytes += len(sent)
                return "put", g.sha256, len(body)

            def delete(iri: str) -> tuple[str, str, int]:
                self._request("DELETE", iri, None, report)
                return "delete", "", 0

            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                futures = {pool.submit(put, g): g.iri for g in work.send}
                futures.update({pool.submit(delete, iri): iri for iri in work.delete})
                for future in as_completed(futures):
                    iri = futures[future]
                    try:
                        action, sha, size = future.result()
                    except RuntimeError as exc:
                        report.failed.append((iri, str(exc)))
                        if on_done:
                            on_done(iri, 0)
                        continue
                    log.write(f"{action}\t{sha}\t{iri}\n")
                    log.flush()
                    if action == "put":
                        published[iri] = sha
                        report.sent += 1
                        report.bytes += size
                    else:
                        published.pop(iri, None)
                        report.deleted += 1
                    if on_done:
                        on_done(iri, size)
        write_journal(self.journal, self.url, published)
        report.failed.sort()
        report.seconds = time.monotonic() - start
        return report


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return min(float(value), 120.0)
    return None
