"""Page the ClinicalTrials.gov API v2 (``/api/v2/studies``) into a local cache of raw pages.

One query (its normalised parameters and the API's address) gets one folder under the
cache root, named by a readable slug and a stable hash of those parameters::

    <cache>/cond-lung-cancer-status-recruiting-3f2a9c1b7e4d5a60/
        .query.json        the manifest: parameters, pages with their tokens, totalCount, complete
        page-00001.json    the API's answer to the first request, byte for byte
        page-00002.json    ... to the request with page 1's nextPageToken

Each page file is an API page (``{"studies": [...], "nextPageToken": ...}``) that the
``ctgov-v2`` mapper reads, so ``kg build <cache>`` builds the graph from it. The manifest
and the lock file are hidden (their names start with a dot), so ``kg build`` skips them.

A page is written (to a temporary file, then renamed) only after its body parsed as JSON
with a ``studies`` list; a truncated body is retried like a 5xx answer and never cached.
Page ``k`` was requested with the ``nextPageToken`` of page ``k-1``, so the page files
alone say where to go on: an interrupted fetch resumes from the last saved page without
requesting the saved pages again, and a completed query fetches nothing unless refreshed.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "API_URL",
    "MANIFEST",
    "MAX_PAGE_SIZE",
    "STATUSES",
    "FetchError",
    "FetchResult",
    "Manifest",
    "PageEvent",
    "PageInfo",
    "RetryEvent",
    "RetryPolicy",
    "StudyQuery",
    "fetch",
    "query_dir",
]

API_URL = "https://clinicaltrials.gov/api/v2/studies"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MANIFEST = ".query.json"
LOCK = ".lock"
CACHE_FORMAT = "celltrials-kg/ctgov-fetch/1"
PAGE_NAME = "page-{:05d}.json"
_PAGE_RE = re.compile(r"^page-(\d{5,})\.json$")

# filter.overallStatus values of the API (its ``Status`` enumeration).
STATUSES = (
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)


def _user_agent() -> str:
    try:
        from importlib.metadata import version

        v = version("celltrials-kg")
    except Exception:  # pragma: no cover - not installed as a distribution
        v = "dev"
    return f"celltrials-kg/{v} (kg fetch; cell-therapy trial knowledge graph) python-requests/{requests.__version__}"


# The back-off waits (the tests put a recorder here).
_sleep: Callable[[float], None] = time.sleep


class FetchError(Exception):
    """The fetch gave up: the message names the URL and what went wrong."""


# --------------------------------------------------------------------------- the query


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def normalise_statuses(values: Iterable[str]) -> tuple[str, ...]:
    """``["recruiting", "not yet recruiting|completed"]`` -> sorted unique API values."""
    out: set[str] = set()
    for value in values:
        for part in re.split(r"[,|]", value):
            name = re.sub(r"[\s\-]+", "_", part.strip()).upper()
            if not name:
                continue
            if name not in STATUSES:
                raise ValueError(
                    f"unknown status {part.strip()!r}: expected one of {', '.join(STATUSES)}"
                )
            out.add(name)
    return tuple(sorted(out))


@dataclass(frozen=True, slots=True)
class StudyQuery:
    """A search of ``/api/v2/studies``; built with :meth:`create`, which normalises it."""

    term: str | None = None
    condition: str | None = None
    intervention: str | None = None
    statuses: tuple[str, ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def create(
        cls,
        *,
        term: str | None = None,
        condition: str | None = None,
        intervention: str | None = None,
        statuses: Iterable[str] = (),
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> StudyQuery:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size {page_size}: the API takes 1 to {MAX_PAGE_SIZE}")
        return cls(
            term=_text(term),
            condition=_text(condition),
            intervention=_text(intervention),
            statuses=normalise_statuses(statuses),
            page_size=page_size,
        )

    @property
    def empty(self) -> bool:
        return not (self.term or self.condition or self.intervention or self.statuses)

    def params(self) -> dict[str, str]:
        """The query parameters every page request carries (no pageToken, no countTotal)."""
        params = {"format": "json"}
        if self.condition:
            params["query.cond"] = self.condition
        if self.term:
            params["query.term"] = self.term
        if self.intervention:
            params["query.intr"] = self.intervention
        if self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        params["pageSize"] = str(self.page_size)
        return params

    def key(self, base_url: str) -> str:
        """A stable hash of the API address and the normalised parameters."""
        canonical = json.dumps(
            {"url": base_url.rstrip("/"), "params": self.params()}, sort_keys=True
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def slug(self) -> str:
        parts = [
            ("cond", self.condition),
            ("term", self.term),
            ("intr", self.intervention),
            ("status", "-".join(self.statuses) if self.statuses else None),
        ]
        text = "-".join(f"{k}-{v}" for k, v in parts if v)
        text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        return text[:48].rstrip("-") or "all"


def query_dir(cache: Path, query: StudyQuery, base_url: str = API_URL) -> Path:
    """The folder of ``query`` under the cache root."""
    return Path(cache) / f"{query.slug()}-{query.key(base_url)}"


# --------------------------------------------------------------------------- the manifest


@dataclass(slots=True)
class PageInfo:
    """One cached page: its file, the token it was requested with and the one it gave."""

    file: str
    page_token: str | None
    next_page_token: str | None
    studies: int
    sha256: str
    bytes: int
    fetched: str


@dataclass(slots=True)
class Manifest:
    """What ``.query.json`` says about one query's folder."""

    url: str
    params: dict[str, str]
    key: str
    created: str
    updated: str
    total_count: int | None = None
    complete: bool = False
    pages: list[PageInfo] = field(default_factory=list)
    format: str = CACHE_FORMAT

    @property
    def studies(self) -> int:
        return sum(p.studies for p in self.pages)

    @property
    def next_token(self) -> str | None:
        return self.pages[-1].next_page_token if self.pages else None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "url": self.url,
            "params": self.params,
            "key": self.key,
            "created": self.created,
            "updated": self.updated,
            "total_count": self.total_count,
            "studies": self.studies,
            "complete": self.complete,
            "pages": [asdict(p) for p in self.pages],
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Manifest:
        return cls(
            url=str(doc["url"]),
            params={str(k): str(v) for k, v in doc["params"].items()},
            key=str(doc["key"]),
            created=str(doc["created"]),
            updated=str(doc["updated"]),
            total_count=doc.get("total_count"),
            complete=bool(doc.get("complete")),
            pages=[PageInfo(**p) for p in doc.get("pages", [])],
            format=str(doc.get("format", CACHE_FORMAT)),
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomic(path: Path, data: bytes) -> None:
    # os.open rather than mkstemp: the file gets the umask's permissions, not 0600
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    manifest.updated = _now()
    text = json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n"
    _write_atomic(folder / MANIFEST, text.encode())


def _read_manifest(folder: Path) -> Manifest | None:
    try:
        return Manifest.from_json(json.loads((folder / MANIFEST).read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _page_doc(body: bytes) -> dict[str, Any]:
    """The JSON of an API page; ValueError for a truncated or wrong body."""
    doc = json.loads(body)
    if not isinstance(doc, dict) or not isinstance(doc.get("studies"), list):
        raise ValueError("the body is JSON but not an API page (no 'studies' list)")
    token = doc.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise ValueError("nextPageToken is not a string")
    return doc


def _page_info(name: str, token: str | None, body: bytes, doc: dict[str, Any]) -> PageInfo:
    return PageInfo(
        file=name,
        page_token=token,
        next_page_token=doc.get("nextPageToken") or None,
        studies=len(doc["studies"]),
        sha256=hashlib.sha256(body).hexdigest(),
        bytes=len(body),
        fetched=_now(),
    )


def _saved_pages(folder: Path, previous: Manifest | None) -> list[PageInfo]:
    """The unbroken chain of saved pages ``page-00001.json``, ``page-00002.json``, ...

    Read from the page files themselves, so a page saved just before an interruption
    (before the manifest was updated) counts. Files after a missing or unreadable page
    are removed: they belong to a chain that can no longer be trusted.
    """
    known = {p.file: p for p in previous.pages} if previous else {}
    numbered = sorted(
        (int(m.group(1)), p)
        for p in folder.iterdir()
        if (m := _PAGE_RE.match(p.name)) and p.is_file()
    )
    pages: list[PageInfo] = []
    token: str | None = None
    broken = False
    for number, path in numbered:
        name = PAGE_NAME.format(len(pages) + 1)
        if broken or number != len(pages) + 1 or path.name != name:
            broken = True
            path.unlink()
            continue
        body = path.read_bytes()
        try:
            doc = _page_doc(body)
        except ValueError:
            broken = True
            path.unlink()
            continue
        info = _page_info(name, token, body, doc)
        old = known.get(name)
        if old is not None and old.sha256 == info.sha256:
            info.fetched = old.fetched
        pages.append(info)
        token = info.next_page_token
        if token is None:
            broken = True  # the last page: anything after it is stale
    return pages


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the query folder (one writer at a time)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with open(folder / LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"{folder}: another `kg fetch` is writing this query") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- HTTP


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait before trying a request again.

    Attempt ``n`` (0-based) that failed waits ``d/2 + uniform(0, d/2)`` seconds with
    ``d = min(cap, base * 2**n)``, or exactly what a 429/503 ``Retry-After`` asks for (up to
    ``max_retry_after``; a longer wait is an error, not a shorter wait).
    """

    retries: int = 5
    base: float = 1.0
    cap: float = 60.0
    max_retry_after: float = 600.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        d = min(self.cap, self.base * 2.0**attempt)
        jitter = rng.uniform(0, d / 2) if rng else random.uniform(0, d / 2)
        return d / 2 + jitter


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_text(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


@dataclass(slots=True)
class RetryEvent:
    """A failed attempt that will be tried again after ``delay`` seconds."""

    url: str
    attempt: int
    reason: str
    delay: float


def _get_page(
    session: requests.Session,
    base_url: str,
    params: dict[str, str],
    *,
    timeout: float,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    on_retry: Callable[[RetryEvent], None] | None,
) -> tuple[bytes, dict[str, Any], str]:
    """GET one page with retries; (body, parsed page, url) or FetchError."""
    url = requests.Request("GET", base_url, params=params).prepare().url or base_url
    reason = ""
    for attempt in range(policy.retries + 1):
        try:
            body = _attempt(session, base_url, params, url, timeout=timeout)
            try:
                doc = _page_doc(body)
            except ValueError as exc:  # a truncated or garbled body
                raise _Retryable(f"unreadable page ({len(body)} bytes): {exc}") from None
            return body, doc, url
        except _Retryable as exc:
            reason = exc.reason
            if attempt == policy.retries:
                break
            if exc.retry_after is not None:
                if exc.retry_after > policy.max_retry_after:
                    raise FetchError(
                        f"GET {url}: {reason}; the server asks to wait {exc.retry_after:.0f} s "
                        f"(more than {policy.max_retry_after:.0f} s): try again later"
                    ) from None
                delay = exc.retry_after
            else:
                delay = policy.delay(attempt)
            if on_retry:
                on_retry(RetryEvent(url, attempt + 1, reason, delay))
            sleep(delay)
    raise FetchError(
        f"GET {url}: gave up after {policy.retries + 1} attempts "
        f"({policy.retries} retries); last error: {reason}"
    )


def _attempt(
    session: requests.Session, base_url: str, params: dict[str, str], url: str, *, timeout: float
) -> bytes:
    """One request: the body of a 200 answer, _Retryable, or FetchError for a refusal."""
    deadline = time.monotonic() + timeout
    try:
        with session.get(base_url, params=params, timeout=timeout, stream=True) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                wait = _retry_after(response.headers.get("Retry-After"))
                raise _Retryable(
                    f"HTTP {status} {response.reason or ''}".rstrip(),
                    wait if status in (429, 503) else None,
                )
            if status != 200:
                hint = ""
                if status in (400, 404) and "pageToken" in params:
                    hint = " (the saved page token may have expired: run again with --refresh)"
                raise FetchError(
                    f"GET {url}: HTTP {status} {response.reason or ''}: {_error_text(response)}{hint}"
                )
            chunks: list[bytes] = []
            for chunk in response.iter_content(chunk_size=1 << 16):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _Retryable(f"timed out after {timeout:g} s while reading the body")
            return b"".join(chunks)
    except requests.Timeout:
        raise _Retryable(f"timed out after {timeout:g} s") from None
    except requests.ConnectionError as exc:
        raise _Retryable(f"connection error: {_cause(exc)}") from None
    except requests.exceptions.ChunkedEncodingError as exc:
        raise _Retryable(f"the body was cut off: {_short(exc)}") from None
    except requests.exceptions.ContentDecodingError as exc:
        raise _Retryable(f"the body could not be decoded: {_short(exc)}") from None
    except requests.RequestException as exc:  # a bad URL, too many redirects, ...
        raise FetchError(f"GET {url}: {_short(exc)}") from None


def _cause(exc: requests.ConnectionError) -> str:
    """The reason under requests' and urllib3's wrappers ("Failed to resolve ...")."""
    reason: object = exc
    inner = exc.args[0] if exc.args else None
    if inner is not None and getattr(inner, "reason", None) is not None:
        reason = inner.reason  # urllib3's MaxRetryError wraps the real error
    text = re.sub(r"^<[^>]*object at 0x[0-9a-f]+>: ", "", str(reason))
    return _short(text)


def _short(exc: BaseException | str) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


# --------------------------------------------------------------------------- the fetch


@dataclass(slots=True)
class PageEvent:
    """Progress: a page was fetched and saved."""

    page: PageInfo
    number: int
    total_count: int | None
    studies: int


@dataclass(slots=True)
class FetchResult:
    folder: Path
    manifest: Manifest
    fetched: int = 0  # pages requested and saved by this run
    reused: int = 0  # pages found in the cache
    already_complete: bool = False

    @property
    def complete(self) -> bool:
        return self.manifest.complete


def fetch(
    query: StudyQuery,
    cache: Path,
    *,
    base_url: str = API_URL,
    timeout: float = 60.0,
    max_pages: int | None = None,
    refresh: bool = False,
    policy: RetryPolicy | None = None,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] | None = None,
    on_start: Callable[[Manifest], None] | None = None,
    on_page: Callable[[PageEvent], None] | None = None,
    on_retry: Callable[[RetryEvent], None] | None = None,
) -> FetchResult:
    """Fetch the pages of ``query`` into its folder under ``cache``, resuming what is there.

    A complete query fetches nothing (``refresh=True`` deletes its pages and starts over).
    ``max_pages`` stops once the folder holds that many pages (the query stays incomplete;
    a later call goes on from there). Raises :class:`FetchError` when a request fails for
    good; the pages saved until then stay and the next call resumes after them.
    """
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    policy = policy or RetryPolicy()
    sleep = sleep or _sleep
    folder = query_dir(cache, query, base_url)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        for leftover in folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        previous = None if refresh else _read_manifest(folder)
        if refresh:
            for path in folder.iterdir():
                if _PAGE_RE.match(path.name) or path.name == MANIFEST:
                    path.unlink()
        created = previous.created if previous else _now()
        manifest = Manifest(
            url=base_url,
            params=query.params(),
            key=query.key(base_url),
            created=created,
            updated=created,
        )
        manifest.pages = _saved_pages(folder, previous)
        if manifest.pages:
            first = _page_doc((folder / manifest.pages[0].file).read_bytes())
            if isinstance(first.get("totalCount"), int):
                manifest.total_count = first["totalCount"]
        manifest.complete = bool(manifest.pages) and manifest.next_token is None
        _write_manifest(folder, manifest)
        result = FetchResult(folder=folder, manifest=manifest, reused=len(manifest.pages))
        if on_start:
            on_start(manifest)
        if manifest.complete:
            result.already_complete = True
            return result
        own = session is None
        http = session or _session()
        try:
            _fetch_pages(
                http,
                folder,
                manifest,
                result,
                base_url=base_url,
                timeout=timeout,
                max_pages=max_pages,
                policy=policy,
                sleep=sleep,
                on_page=on_page,
                on_retry=on_retry,
            )
        finally:
            if own:
                http.close()
        return result


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = _user_agent()
    session.headers["Accept"] = "application/json"
    return session


def _fetch_pages(
    http: requests.Session,
    folder: Path,
    manifest: Manifest,
    result: FetchResult,
    *,
    base_url: str,
    timeout: float,
    max_pages: int | None,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    on_page: Callable[[PageEvent], None] | None,
    on_retry: Callable[[RetryEvent], None] | None,
) -> None:
    seen_tokens = {p.page_token for p in manifest.pages}
    while not manifest.complete and (max_pages is None or len(manifest.pages) < max_pages):
        token = manifest.next_token
        params = dict(manifest.params)
        if token is None:
            params["countTotal"] = "true"  # the API answers with totalCount on the first page
        else:
            params["pageToken"] = token
        body, doc, url = _get_page(
            http,
            base_url,
            params,
            timeout=timeout,
            policy=policy,
            sleep=sleep,
            on_retry=on_retry,
        )
        name = PAGE_NAME.format(len(manifest.pages) + 1)
        info = _page_info(name, token, body, doc)
        if info.next_page_token is not None and info.next_page_token in seen_tokens | {token}:
            raise FetchError(
                f"GET {url}: the API sent a nextPageToken it had sent before; stopping "
                "rather than paging in a loop"
            )
        _write_atomic(folder / name, body)
        seen_tokens.add(token)
        manifest.pages.append(info)
        if token is None and isinstance(doc.get("totalCount"), int):
            manifest.total_count = doc["totalCount"]
        manifest.complete = info.next_page_token is None
        _write_manifest(folder, manifest)
        result.fetched += 1
        if on_page:
            on_page(
                PageEvent(
                    page=info,
                    number=len(manifest.pages),
                    total_count=manifest.total_count,
                    studies=manifest.studies,
                )
            )


# --------------------------------------------------------------------------- the command


def command(
    console: Console,
    *,
    term: str | None,
    condition: str | None,
    intervention: str | None,
    statuses: tuple[str, ...],
    page_size: int,
    cache_dir: Path,
    max_pages: int | None,
    timeout: float,
    retries: int,
    base_url: str,
    refresh: bool,
    quiet: bool,
) -> None:
    """``kg fetch``: run :func:`fetch` with a progress bar and print what to build."""
    import shlex
    import sys

    import click
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    try:
        query = StudyQuery.create(
            term=term,
            condition=condition,
            intervention=intervention,
            statuses=statuses,
            page_size=page_size,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if query.empty:
        raise click.UsageError(
            "give --term, --condition, --intervention or --status: an empty query pages "
            "the whole registry"
        )
    folder = query_dir(cache_dir, query, base_url)
    with Progress(
        TextColumn("[bold]fetch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("studies, {task.fields[pages]} pages"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("fetch", total=None, pages=0)

        def started(manifest: Manifest) -> None:
            progress.update(
                task,
                total=manifest.total_count,
                completed=manifest.studies,
                pages=len(manifest.pages),
            )

        def page(event: PageEvent) -> None:
            progress.update(
                task, total=event.total_count, completed=event.studies, pages=event.number
            )

        def retry(event: RetryEvent) -> None:
            progress.console.print(
                f"[yellow]retry[/] {event.attempt}/{retries} in {event.delay:.1f} s: "
                f"{event.reason} ({event.url})",
                highlight=False,
                soft_wrap=True,
            )

        try:
            result = fetch(
                query,
                cache_dir,
                base_url=base_url,
                timeout=timeout,
                max_pages=max_pages,
                refresh=refresh,
                policy=RetryPolicy(retries=retries),
                on_start=started,
                on_page=page,
                on_retry=retry,
            )
        except (FetchError, KeyboardInterrupt) as exc:
            progress.stop()
            saved = _read_manifest(folder)
            pages = len(saved.pages) if saved else 0
            what = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"error: {exc}"
            console.print(f"[red]{what}[/]", highlight=False, soft_wrap=True)
            console.print(
                f"{pages} pages saved in {folder}; run the same command again to resume",
                highlight=False,
                soft_wrap=True,
            )
            sys.exit(130 if isinstance(exc, KeyboardInterrupt) else 1)
    m = result.manifest
    total = "?" if m.total_count is None else str(m.total_count)
    if result.already_complete:
        console.print(
            f"{folder}: already complete, {len(m.pages)} pages, {m.studies} studies "
            f"(totalCount {total}); nothing fetched (--refresh fetches it again)",
            highlight=False,
            soft_wrap=True,
        )
    else:
        state = (
            "[green]complete[/]"
            if m.complete
            else "[yellow]incomplete[/]: run the same command again to continue"
        )
        console.print(
            f"fetched {result.fetched} pages ({result.reused} were cached already); {folder} "
            f"holds {len(m.pages)} pages, {m.studies} of {total} studies: {state}",
            highlight=False,
            soft_wrap=True,
        )
    if m.complete and m.total_count is not None and m.total_count != m.studies:
        console.print(
            f"[yellow]note[/] the API counted {m.total_count} studies and sent {m.studies} "
            "(the registry changed while paging?): --refresh fetches the query again",
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        f"build the graph from the cache: kg build {shlex.quote(str(cache_dir))}",
        highlight=False,
        soft_wrap=True,
    )
