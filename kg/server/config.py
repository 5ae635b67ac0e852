"""The server's configuration, checked before anything is served.

>>> ServerConfig(store=Path("/nonexistent"), base_iri="relative/").problems()[:2]
['no store at /nonexistent (run `kg build` first, or `kg serve` builds one from the seeds)', "base IRI 'relative/' is not an absolute http(s) IRI ending in '/' or '#'"]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.queries import QUERIES_DIR
from kg.rdf import DEFAULT_BASE

__all__ = ["ConfigError", "ServerConfig"]

_ABSOLUTE_HTTP = re.compile(r"https?://[^\s<>\"{}|\\^`]+$")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?$")


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
    query_processes: int = 1  # query processes per web worker (1 suits sync workers)
    cors_origins: tuple[str, ...] = ()  # empty: no CORS headers; "*" for any origin
    update_token: str | None = None  # None: read-only; else updates need this bearer token
    allow_service: tuple[str, ...] = ()  # endpoint IRIs a SERVICE clause may call
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
        for key in ("cors_origins", "allow_service"):
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

    def problems(self) -> list[str]:
        """Everything wrong with this configuration (empty when it can serve)."""
        out: list[str] = []
        if not self.store.is_dir():
            out.append(
                f"no store at {self.store} (run `kg build` first, or `kg serve` builds one from the seeds)"
            )
        if not (_ABSOLUTE_HTTP.match(self.base_iri) and self.base_iri[-1] in "/#"):
            out.append(
                f"base IRI {self.base_iri!r} is not an absolute http(s) IRI ending in '/' or '#'"
            )
        for name in ("query_timeout", "dump_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                out.append(f"{name} must be a positive number of seconds, not {value!r}")
        for name in ("max_rows", "max_body_bytes", "query_processes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                out.append(f"{name} must be a positive integer, not {value!r}")
        for origin in self.cors_origins:
            if origin != "*" and not _ORIGIN.match(origin):
                out.append(f"CORS origin {origin!r} is not '*' or scheme://host[:port]")
        for endpoint in self.allow_service:
            if not _ABSOLUTE_HTTP.match(endpoint):
                out.append(f"SERVICE endpoint {endpoint!r} is not an absolute http(s) IRI")
        if self.update_token is not None:
            if len(self.update_token) < 16 or not re.fullmatch(r"[\x21-\x7e]+", self.update_token):
                out.append("the update token must be at least 16 printable characters, no spaces")
            if self.query_processes != 1:
                out.append(
                    "an update token needs query_processes = 1: only one process may open "
                    "the store for writing"
                )
        if not self.queries_dir.is_dir():
            out.append(f"no canned-query folder at {self.queries_dir}")
        return out

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError(problems)
