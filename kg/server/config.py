"""The server's configuration, checked before anything is served.

>>> ServerConfig(store=Path("/nonexistent"), base_iri="relative/").problems()[:2]
['no store at /nonexistent (run `kg build` first, or `kg serve` builds one from the seeds)', "base IRI 'relative/' is not an absolute http(s) IRI ending in '/' or '#'"]
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.queries import QUERIES_DIR
from kg.rdf import DEFAULT_BASE

__all__ = ["ConfigError", "ServerConfig"]

_ABSOLUTE_HTTP = re.compile(r"https?://[^\s<>\"{}|\\^`]+")  # used with fullmatch
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?")


def machine_memory_mib() -> int:
    """The machine's physical memory in MiB (4096 when it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) >> 20
    except (OSError, ValueError):
        return 4096


def default_query_memory(processes: int) -> int:
    """The memory ceiling of one query process, in MiB, sized for the machine: half the
    physical memory shared by every query process of the server (``processes``: all of
    them, over all web workers), at least 512 MiB (a query process with the store open
    and its caches warm has ~60-80 MiB of private memory), at most 4096 MiB.

    >>> default_query_memory(8) == min(4096, max(512, machine_memory_mib() // 16))
    True
    """
    return min(4096, max(512, machine_memory_mib() // 2 // max(1, processes)))


class ConfigError(ValueError):
    """A configuration the server refuses to start with (lists every problem)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("bad server configuration:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """What ``create_app`` needs. Every limit is per request."""

    store: Path
    base_iri: str = DEFAULT_BASE
    query_timeout: float = 30.0  # seconds; the query process is killed after it
    dump_timeout: float = 600.0  # seconds for /dump.* downloads
    max_rows: int = 10_000  # rows (or triples) of a query result; more are cut, and said so
    max_body_bytes: int = 1 << 20  # request bodies (queries, uploads); larger get 413
    query_processes: int = 4  # query processes per web worker (1 when writable)
    client_processes: int = 2  # of them, what one client (address) may use at once
    max_waiting: int = 64  # requests waiting for a query process per web worker; more: 503
    client_waiting: int = 8  # of them, from one client
    query_memory: int = 0  # MiB of memory per query process; 0: sized for the machine
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)  # may say X-Forwarded-For ("*": any)
    cors_origins: tuple[str, ...] = ()  # empty: no CORS headers; "*" for any origin
    update_token: str | None = None  # None: read-only; else updates need this bearer token
    allow_service: tuple[str, ...] = ()  # endpoint IRIs a SERVICE clause may call
    # small reads (kg.server.smallread) answered in the web process up to this many
    # matching statements; 0: every query goes to a query process
    local_read_rows: int = 2000
    queries_dir: Path = field(default=QUERIES_DIR)
    title: str = "Cell-therapy trials knowledge graph"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ServerConfig:
        """A config from a plain mapping (unknown keys are an error, not ignored)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError([f"unknown setting {name!r}" for name in unknown])
        data = dict(values)
        for key in ("store", "queries_dir"):
            if key in data:
                data[key] = Path(data[key])
        for key in ("cors_origins", "allow_service", "trusted_proxies"):
            if isinstance(data.get(key), str):
                data[key] = tuple(v for v in re.split(r"[,\s]+", data[key]) if v)
            elif key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def with_(self, **changes: Any) -> ServerConfig:
        return replace(self, **changes)

    @property
    def writable(self) -> bool:
        return self.update_token is not None

    @property
    def processes(self) -> int:
        """Query processes per web worker: one when writable (only one process may open
        the store for writing)."""
        return 1 if self.writable else self.query_processes

    @property
    def memory_mib(self) -> int:
        """The memory ceiling of each query process (``query_memory``, or sized for the
        machine assuming two web workers)."""
        return self.query_memory or default_query_memory(2 * self.processes)

    def problems(self) -> list[str]:
        """Everything wrong with this configuration (empty when it can serve)."""
        out: list[str] = []
        if not self.store.is_dir():
            out.append(
                f"no store at {self.store} (run `kg build` first, or `kg serve` builds one from the seeds)"
            )
        if not (_ABSOLUTE_HTTP.fullmatch(self.base_iri) and self.base_iri[-1] in "/#"):
            out.append(
                f"base IRI {self.base_iri!r} is not an absolute http(s) IRI ending in '/' or '#'"
            )
        for name in ("query_timeout", "dump_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                out.append(f"{name} must be a positive number of seconds, not {value!r}")
        for name in (
            "max_rows",
            "max_body_bytes",
            "query_processes",
            "client_processes",
            "max_waiting",
            "client_waiting",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                out.append(f"{name} must be a positive integer, not {value!r}")
        for origin in self.cors_origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                out.append(f"CORS origin {origin!r} is not '*' or scheme://host[:port]")
        for endpoint in self.allow_service:
            if not _ABSOLUTE_HTTP.fullmatch(endpoint):
                out.append(f"SERVICE endpoint {endpoint!r} is not an absolute http(s) IRI")
        value = self.local_read_rows
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            out.append(f"local_read_rows must be a number of rows (0: off), not {value!r}")
        value = self.query_memory
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            out.append(
                f"query_memory must be a number of MiB (0: sized for the machine), not {value!r}"
            )
        elif 0 < value < 256:
            out.append(
                f"query_memory of {value} MiB is too small: a query process needs ~100 MiB "
                "to open the store (give at least 256)"
            )
        for proxy in self.trusted_proxies:
            if proxy != "*":
                try:
                    ipaddress.ip_network(proxy, strict=False)
                except ValueError:
                    out.append(f"trusted proxy {proxy!r} is not an IP address, a network or '*'")
        if self.update_token is not None and (
            len(self.update_token) < 16 or not re.fullmatch(r"[\x21-\x7e]+", self.update_token)
        ):
            out.append("the update token must be at least 16 printable characters, no spaces")
        if not self.queries_dir.is_dir():
            out.append(f"no canned-query folder at {self.queries_dir}")
        return out

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError(problems)
