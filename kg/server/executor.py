"""Run every store request in a query process that can be killed at its deadline.

Each web worker keeps a small pool of query processes (:mod:`kg.server.worker`), each
with its own read-only handle on the store. A request goes to an idle process; the web
process waits for the reply's header until the deadline and kills the process if the
deadline passes first, so a runaway query stops using CPU and memory at once while the
other processes (and the other web workers) go on serving. A killed process is replaced
on the next request.

Small replies are read whole (the response then has a Content-Length); a reply larger
than ``buffer_limit`` is streamed to the client as the process writes it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.server.wire import HEADER, decode, encode_json

__all__ = [
    "ExecutorError",
    "ExecutorPool",
    "PoolBusy",
    "QueryFailed",
    "QueryTimeout",
    "Reply",
]

log = logging.getLogger(__name__)


class ExecutorError(RuntimeError):
    """The query process could not start, or died."""


class QueryTimeout(ExecutorError):
    """The request outlived its time limit; its process was killed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"query stopped: it ran longer than the time limit of {seconds:g} s "
            "(make it more selective, add a LIMIT, or run it on a local copy: /dump.nq)"
        )


class PoolBusy(ExecutorError):
    """Every query process of this web worker stayed busy until the deadline."""


class QueryFailed(Exception):
    """The store refused the request (syntax error, bad data, ...): kind and message."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.message = message
        super().__init__(message)


class _Process:
    """One query process and the web side of its pipes."""

    def __init__(
        self,
        store: Path,
        *,
        writable: bool,
        start_timeout: float,
        allow_service: tuple[str, ...] = (),
    ) -> None:
        cmd = [sys.executable, "-m", "kg.server.worker", str(store)]
        if writable:
            cmd.append("--writable")
        for endpoint in allow_service:
            cmd += ["--allow-service", endpoint]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.fd = self.proc.stdout.fileno()
        self.buffer = bytearray()
        kind, payload = self.read_frame(time.monotonic() + start_timeout, limit=start_timeout)
        if kind != b"R":
            message = decode(payload).get("message", "") if kind == b"X" else repr(kind)
            self.kill()
            raise ExecutorError(f"the query process did not start: {message}")

    def send(self, request: dict[str, Any]) -> None:
        try:
            self.stdin.write(encode_json(b"Q", request))
            self.stdin.flush()
        except OSError as exc:
            raise ExecutorError(f"the query process is gone: {exc}") from None

    def _fill(self, size: int, deadline: float, limit: float) -> None:
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(limit)
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise QueryTimeout(limit)
            data = os.read(self.fd, 1 << 16)
            if not data:
                code = self.proc.poll()
                raise ExecutorError(f"the query process died (exit status {code})")
            self.buffer += data

    def read_frame(self, deadline: float, *, limit: float) -> tuple[bytes, bytes]:
        self._fill(HEADER.size, deadline, limit)
        kind, length = HEADER.unpack_from(self.buffer)
        self._fill(HEADER.size + length, deadline, limit)
        payload = bytes(self.buffer[HEADER.size : HEADER.size + length])
        del self.buffer[: HEADER.size + length]
        return kind, payload

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


@dataclass
class Reply:
    """A reply header, and its body: whole (``body``) or to be streamed (``chunks()``)."""

    header: dict[str, Any]
    body: bytes | None = None
    _stream: _Stream | None = field(default=None, repr=False)

    @property
    def truncated(self) -> bool:
        return bool(self.header.get("truncated"))

    def chunks(self) -> _Stream:
        if self._stream is None:
            return _Stream.done(self.body or b"")
        return self._stream

    def read(self) -> bytes:
        if self.body is not None:
            return self.body
        return b"".join(self.chunks())


class _Stream:
    """The rest of a large reply: an iterable with ``close`` (WSGI calls it)."""

    def __init__(
        self,
        pool: ExecutorPool | None,
        proc: _Process | None,
        first: list[bytes],
        deadline: float,
        limit: float,
    ) -> None:
        self.pool = pool
        self.proc = proc
        self.first = first
        self.deadline = deadline
        self.limit = limit
        self.finished = proc is None

    @classmethod
    def done(cls, body: bytes) -> _Stream:
        return cls(None, None, [body] if body else [], 0.0, 0.0)

    def __iter__(self) -> Iterator[bytes]:
        yield from self.first
        self.first = []
        if self.proc is None or self.finished:
            return
        while True:
            try:
                kind, payload = self.proc.read_frame(self.deadline, limit=self.limit)
            except ExecutorError as exc:
                # Headers are sent: all we can do is end the body early (the client
                # sees a truncated transfer) and free the process.
                log.warning("streamed reply cut: %s", exc)
                self._discard()
                return
            if kind == b"D":
                yield payload
            elif kind == b"E":
                self.finished = True
                self._release()
                return
            else:  # an error after the header: end the body here
                log.warning("streamed reply ended by an error: %r", payload[:500])
                self.finished = True
                self._release()
                return

    def _release(self) -> None:
        if self.pool is not None and self.proc is not None:
            self.pool.release(self.proc)
        self.proc = None

    def _discard(self) -> None:
        if self.pool is not None and self.proc is not None:
            self.pool.discard(self.proc)
        self.proc = None

    def close(self) -> None:
        if self.proc is not None:
            # The client went away (or nobody read the body): stop the work.
            self._discard()


class ExecutorPool:
    """Up to ``size`` query processes for one web process, started on demand."""

    def __init__(
        self,
        store: Path,
        *,
        size: int = 1,
        writable: bool = False,
        buffer_limit: int = 4 << 20,
        start_timeout: float = 60.0,
        allow_service: tuple[str, ...] = (),
    ) -> None:
        self.store = store
        self.allow_service = allow_service  # the only endpoints a query process can reach
        self.size = size
        self.writable = writable
        self.buffer_limit = buffer_limit
        self.start_timeout = start_timeout
        self._cond = threading.Condition()
        self._idle: list[_Process] = []
        self._count = 0
        self._pid = os.getpid()
        self.started = 0  # processes started (for tests and /health)
        self.killed = 0  # processes killed at a deadline

    # -------------------------------------------------------------- processes

    def _forget_inherited(self) -> None:
        """After a fork (gunicorn workers), the parent's processes are not ours."""
        if self._pid != os.getpid():
            self._idle = []
            self._count = 0
            self._pid = os.getpid()

    def _acquire(self, deadline: float, limit: float) -> _Process:
        with self._cond:
            self._forget_inherited()
            while True:
                while self._idle:
                    proc = self._idle.pop()
                    if proc.alive():
                        return proc
                    proc.kill()
                    self._count -= 1
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._cond.wait(remaining):
                    raise PoolBusy(f"all {self.size} query processes stayed busy for {limit:g} s")
        try:
            proc = _Process(
                self.store,
                writable=self.writable,
                start_timeout=self.start_timeout,
                allow_service=self.allow_service,
            )
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise
        self.started += 1
        return proc

    def release(self, proc: _Process) -> None:
        with self._cond:
            if self._pid != os.getpid():
                return
            self._idle.append(proc)
            self._cond.notify()

    def discard(self, proc: _Process) -> None:
        proc.kill()
        with self._cond:
            if self._pid == os.getpid():
                self._count -= 1
                self._cond.notify()

    def close(self) -> None:
        with self._cond:
            if self._pid != os.getpid():
                return
            for proc in self._idle:
                proc.kill()
            self._count -= len(self._idle)
            self._idle = []

    # ---------------------------------------------------------------- requests

    def call(self, request: dict[str, Any], *, timeout: float, stream: bool = False) -> Reply:
        """Send one request; the header (and a small body) within ``timeout`` seconds.
        ``stream``: hand the body over as it comes, however small (downloads).

        Raises QueryTimeout (process killed), QueryFailed (the store's error message)
        or ExecutorError.
        """
        deadline = time.monotonic() + timeout
        proc = self._acquire(deadline, timeout)
        try:
            proc.send(request)
            kind, payload = proc.read_frame(deadline, limit=timeout)
            if kind == b"X":
                error = decode(payload)
                self.release(proc)
                raise QueryFailed(str(error.get("kind", "error")), str(error.get("message", "")))
            if kind != b"H":
                raise ExecutorError(f"unexpected reply frame {kind!r}")
            header = decode(payload)
            chunks: list[bytes] = []
            size = 0
            limit = -1 if stream else self.buffer_limit
            while size <= limit:
                kind, payload = proc.read_frame(deadline, limit=timeout)
                if kind == b"D":
                    chunks.append(payload)
                    size += len(payload)
                elif kind == b"E":
                    self.release(proc)
                    return Reply(header, b"".join(chunks))
                else:
                    error = decode(payload)
                    self.release(proc)
                    raise QueryFailed(
                        str(error.get("kind", "error")), str(error.get("message", ""))
                    )
            return Reply(header, None, _Stream(self, proc, chunks, deadline, timeout))
        except QueryFailed:
            raise
        except QueryTimeout:
            self.killed += 1
            self.discard(proc)
            raise
        except BaseException:
            self.discard(proc)
            raise

    def ping(self, *, timeout: float) -> dict[str, Any]:
        return self.call({"op": "ping"}, timeout=timeout).header
