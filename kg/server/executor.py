"""Run every store request in a query process that can be killed at its deadline.

Each web worker keeps a small pool of query processes (:mod:`kg.server.worker`), each
with its own read-only handle on the store. A request goes to an idle process; the web
process waits for the reply's header until the deadline and kills the process if the
deadline passes first, so a runaway query stops using CPU and memory at once while the
other processes (and the other web workers) go on serving. A killed process is replaced
at once, in the background, so that the next request finds one ready.

Admission: a request waits for a process in a bounded queue. One client (its address)
may run at most ``client_processes`` requests at a time in a web worker, so two slow
queries of one client leave processes free for everyone else; a client with too many
requests waiting, or a full queue, gets :class:`PoolBusy` at once (the endpoint answers
503 with ``Retry-After``) instead of holding a connection open.

Limits of a query process, set from here without touching its command line: a memory
ceiling (``RLIMIT_DATA``, the private writable memory: RocksDB's file mappings of the
store do not count) ends a query that outgrows it, reported as :class:`QueryMemory`; an
unlimited stack (inherited at start), so that a long chain of joins, operators or
nested groups is parsed and evaluated instead of overflowing the 8 MiB stack and
killing the process (a process that dies anyway is reported as :class:`ProcessDied`).

Small replies are read whole (the response then has a Content-Length); a reply larger
than ``buffer_limit`` is streamed to the client as the process writes it.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import queue
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kg.server.wire import HEADER, decode, encode_json

__all__ = [
    "ExecutorError",
    "ExecutorPool",
    "PoolBusy",
    "ProcessDied",
    "QueryFailed",
    "QueryMemory",
    "QueryTimeout",
    "Reply",
    "StreamCut",
    "request_frame",
]

log = logging.getLogger(__name__)

LOCAL = "local"  # the client of a request made outside any HTTP request


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


class QueryMemory(ExecutorError):
    """The request needed more memory than a query process may use; the process ended."""

    def __init__(self, mib: int) -> None:
        self.mib = mib
        super().__init__(
            f"query stopped: it used more than {mib} MiB of memory, the limit per query "
            "(make it more selective, add a LIMIT, or run it on a local copy: /dump.nq)"
        )


class ProcessDied(ExecutorError):
    """The query process ended while it ran the request (a crash, or killed from outside)."""

    def __init__(self, status: int | None) -> None:
        self.status = status
        super().__init__(
            f"the query process stopped while running this request (exit status {status}); "
            "a new one is starting: try again in a moment, or simplify the query"
        )


class PoolBusy(ExecutorError):
    """No query process for this request: the queue is full, this client has too many
    requests at once, or every process stayed busy until the deadline."""


class StreamCut(Exception):
    """Raised by a stream's ``on_cut`` when it cannot close the connection itself (a front
    that gives the app no socket, granian): the body's iteration ends with this error,
    and the front then breaks the transfer, so that the client sees it incomplete."""


class QueryFailed(Exception):
    """The store refused the request (syntax error, bad data, ...): kind and message."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.message = message
        super().__init__(message)


@contextlib.contextmanager
def _unlimited_stack() -> Iterator[None]:
    """Let a child started inside start with the largest stack limit allowed.

    The limit is inherited at fork. Not a large finite value: glibc sizes every thread's
    stack by this limit unless it is unlimited, and the threads' stacks would then count
    against the memory ceiling.
    """
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    except (OSError, ValueError):
        yield
        return
    changed = False
    if soft != hard:
        with contextlib.suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))
            changed = True
    try:
        yield
    finally:
        if changed:
            with contextlib.suppress(OSError, ValueError):
                resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


def _popen(cmd: list[str]) -> subprocess.Popen[bytes]:
    with _unlimited_stack():
        return subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )


class _Spawner:
    """Starts query processes from one long-lived thread.

    A query process asks Linux to kill it when its parent dies (``PR_SET_PDEATHSIG``),
    and Linux reads "parent" as the *thread* that forked it: a process started from a
    request thread (or a short-lived background thread) would be killed when that thread
    ends. Under gevent the thread is a greenlet like any other.
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[tuple[list[str], Future[subprocess.Popen[bytes]]] | None]
        self.jobs = queue.SimpleQueue()
        self.thread = threading.Thread(
            target=self._run, args=(self.jobs,), name="query-spawner", daemon=True
        )
        self.thread.start()

    @staticmethod
    def _run(
        jobs: queue.SimpleQueue[tuple[list[str], Future[subprocess.Popen[bytes]]] | None],
    ) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            cmd, future = job
            try:
                future.set_result(_popen(cmd))
            except BaseException as exc:
                future.set_exception(exc)

    def __call__(self, cmd: list[str]) -> subprocess.Popen[bytes]:
        future: Future[subprocess.Popen[bytes]] = Future()
        self.jobs.put((cmd, future))
        return future.result()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)


class _Process:
    """One query process and the web side of its pipes."""

    client: str = LOCAL  # whose request it runs (set by the pool)

    def __init__(
        self,
        store: Path,
        *,
        writable: bool,
        start_timeout: float,
        allow_service: tuple[str, ...] = (),
        memory_mib: int | None = None,
        spawn: Callable[[list[str]], subprocess.Popen[bytes]] | None = None,
    ) -> None:
        cmd = [sys.executable, "-m", "kg.server.worker", str(store)]
        if writable:
            cmd.append("--writable")
        for endpoint in allow_service:
            cmd += ["--allow-service", endpoint]
        self.proc = (spawn or _popen)(cmd)
        self.memory_mib = memory_mib
        if memory_mib:
            limit = memory_mib << 20
            try:
                resource.prlimit(self.proc.pid, resource.RLIMIT_DATA, (limit, limit))
            except (OSError, ValueError) as exc:
                self.kill()
                raise ExecutorError(f"cannot limit the query process's memory: {exc}") from None
        assert self.proc.stdin is not None and self.proc.stdout is not None
        assert self.proc.stderr is not None
        self.stdin = self.proc.stdin
        self.fd = self.proc.stdout.fileno()
        self.buffer = bytearray()
        self.tail: collections.deque[bytes] = collections.deque(maxlen=20)
        self.pump = threading.Thread(
            target=self._pump, args=(self.proc.stderr,), name="query-stderr", daemon=True
        )
        self.pump.start()
        kind, payload = self.read_frame(time.monotonic() + start_timeout, limit=start_timeout)
        if kind != b"R":
            message = decode(payload).get("message", "") if kind == b"X" else repr(kind)
            self.kill()
            raise ExecutorError(f"the query process did not start: {message}")

    def _pump(self, stream: IO[bytes]) -> None:
        """Pass the process's stderr on to ours, keeping its last lines (to tell why it
        died: Rust's "memory allocation of N bytes failed", Python's MemoryError)."""
        with contextlib.suppress(OSError, ValueError), stream:
            for line in stream:
                self.tail.append(line[-500:])
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(line.decode("utf-8", "replace"))
                    sys.stderr.flush()

    def send(self, request: dict[str, Any] | bytes) -> None:
        """Send a request: a dict, or a ``Q`` frame already encoded (:func:`request_frame`)."""
        frame = request if isinstance(request, bytes) else encode_json(b"Q", request)
        try:
            self.stdin.write(frame)
            self.stdin.flush()
        except OSError:
            raise self.death() from None

    def death(self) -> ExecutorError:
        """Why the process ended: out of memory, or another death."""
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        self.pump.join(timeout=1)
        code = self.proc.returncode
        tail = b"".join(self.tail)
        if self.memory_mib and (
            code == -signal.SIGABRT or b"memory allocation of" in tail or b"MemoryError" in tail
        ):
            return QueryMemory(self.memory_mib)
        return ProcessDied(code)

    def _fill(self, size: int, deadline: float, limit: float) -> None:
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(limit)
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                raise QueryTimeout(limit)
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                continue
            if not data:
                raise self.death()
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
        for stream in (self.proc.stdin, self.proc.stdout):  # stderr: the pump closes it
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
    """The rest of a large reply: an iterable with ``close`` (WSGI calls it).

    ``on_cut`` is called when the body cannot be finished (the deadline, the memory
    ceiling, a dead process): the server then breaks the connection, so that the client
    sees an incomplete transfer, never a shorter answer that looks whole.
    """

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
        self.on_cut: Callable[[], None] | None = None

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
                # Headers are sent: end the body early, visibly, and free the process.
                log.warning("streamed reply cut: %s", exc)
                if isinstance(exc, QueryTimeout) and self.pool is not None:
                    self.pool.killed += 1
                self._discard()
                self._cut()
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
                self._cut()
                return

    def _cut(self) -> None:
        if self.on_cut is not None:
            try:
                self.on_cut()
            except StreamCut:
                raise  # the front ends the transfer unfinished (no socket to shut here)
            except Exception:
                log.debug("cutting a stream failed", exc_info=True)

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


def request_frame(request: dict[str, Any]) -> bytes:
    """A request encoded once for the pipe (to send the same request again cheaply)."""
    return encode_json(b"Q", request)


class _Ticket:
    """A request waiting for a process: its gate opens when it is admitted."""

    __slots__ = ("admitted", "gate", "proc")

    def __init__(self) -> None:
        self.gate = threading.Lock()
        self.gate.acquire()
        self.admitted = False
        self.proc: _Process | None = None


class ExecutorPool:
    """Up to ``size`` query processes for one web process, kept started.

    ``client_processes``: requests one client may run at once (the rest of its requests
    wait); ``max_waiting``: requests that may wait for a process in all; ``client_waiting``:
    of them, from one client. ``memory_mib``: the memory ceiling of each process.
    """

    def __init__(
        self,
        store: Path,
        *,
        size: int = 1,
        writable: bool = False,
        buffer_limit: int = 4 << 20,
        start_timeout: float = 60.0,
        allow_service: tuple[str, ...] = (),
        memory_mib: int | None = None,
        client_processes: int | None = None,
        max_waiting: int = 64,
        client_waiting: int = 8,
    ) -> None:
        self.store = store
        self.allow_service = allow_service  # the only endpoints a query process can reach
        self.size = size
        self.writable = writable
        self.buffer_limit = buffer_limit
        self.start_timeout = start_timeout
        self.memory_mib = memory_mib
        self.client_processes = max(1, min(size, client_processes or size))
        self.max_waiting = max_waiting
        self.client_waiting = client_waiting
        self._pid = -1
        self._state()
        self.started = 0  # processes started (for tests and /health)
        self.killed = 0  # processes killed at a deadline
        self.calls = 0  # requests sent to a query process (for tests)

    # -------------------------------------------------------------- processes

    def _state(self) -> threading.Condition:
        """The pool's lock, after a fork (gunicorn workers) a new one and no processes:
        the parent's processes are not ours, and its lock may be of another kind (gevent
        patches threading in the worker, after the app was made)."""
        if self._pid != os.getpid():
            self._cond = threading.Condition()
            self._idle: list[_Process] = []
            self._count = 0  # processes running or starting
            self._running: dict[str, int] = {}  # requests running, by client
            self._queue: list[tuple[_Ticket, str]] = []  # waiting requests, in order
            self._generation = 0
            self._keep_warm = False  # set by warm(): replace every process that ends
            self._spawner: _Spawner | None = None
            self._pid = os.getpid()
        return self._cond

    def _spawn(self, cmd: list[str]) -> subprocess.Popen[bytes]:
        with self._state():
            if self._spawner is None:
                self._spawner = _Spawner()
            spawner = self._spawner
        return spawner(cmd)

    def _start(self) -> _Process:
        proc = _Process(
            self.store,
            writable=self.writable,
            start_timeout=self.start_timeout,
            allow_service=self.allow_service,
            memory_mib=self.memory_mib,
            spawn=self._spawn,
        )
        self.started += 1
        return proc

    def warm(self) -> None:
        """Start, in the background, the processes that are missing (after a kill, and
        when a web worker starts), so that a request does not wait for one to start."""
        cond = self._state()
        with cond:
            self._keep_warm = True
            missing = self.size - self._count
            if missing <= 0:
                return
            self._count += missing
            generation = self._generation
        for _ in range(missing):
            threading.Thread(
                target=self._start_idle, args=(generation,), name="query-start", daemon=True
            ).start()

    def _start_idle(self, generation: int) -> None:
        try:
            proc = self._start()
        except Exception as exc:
            log.warning("a query process did not start: %s", exc)
            with self._state():
                self._count -= 1
                self._dispatch()
            return
        with self._state():
            if generation == self._generation:
                self._idle.append(proc)
                self._dispatch()
                return
        proc.kill()  # the pool was closed meanwhile

    def _eligible(self, client: str) -> bool:
        return self._running.get(client, 0) < self.client_processes

    def _take(self) -> _Process | None:
        """An idle process for a request just admitted, or None after counting one that
        the request starts itself (called with the lock held)."""
        while self._idle:
            proc = self._idle.pop()
            if proc.alive():
                return proc
            proc.kill()
            self._count -= 1
        self._count += 1
        return None

    def _dispatch(self) -> None:
        """Admit waiting requests while a process is (or may be started) free: each time
        the first one in the queue whose client is under its share. Only the admitted
        request is woken (called with the lock held)."""
        while self._queue and (self._idle or self._count < self.size):
            first = next((i for i, (_, c) in enumerate(self._queue) if self._eligible(c)), None)
            if first is None:
                return
            ticket, client = self._queue.pop(first)
            self._running[client] = self._running.get(client, 0) + 1
            ticket.proc = self._take()
            ticket.admitted = True
            ticket.gate.release()

    def _acquire(self, client: str, deadline: float, limit: float) -> _Process:
        cond = self._state()
        with cond:
            runs_now = (
                self._eligible(client)
                and (self._idle or self._count < self.size)
                and not any(self._eligible(c) for _, c in self._queue)
            )
            if runs_now:
                self._running[client] = self._running.get(client, 0) + 1
                proc = self._take()
            else:
                if len(self._queue) >= self.max_waiting:
                    raise PoolBusy(
                        f"{len(self._queue)} requests are already waiting for a query process"
                    )
                mine = sum(1 for _, c in self._queue if c == client)
                if mine >= self.client_waiting:
                    raise PoolBusy(
                        f"too many requests from {client} at once ({self._running.get(client, 0)} "
                        f"running, {mine} waiting)"
                    )
                ticket = _Ticket()
                self._queue.append((ticket, client))
        if not runs_now:
            proc = self._wait(ticket, client, deadline, limit)
        if proc is None:
            try:
                proc = self._start()
            except BaseException:
                with cond:
                    self._count -= 1
                    self._done(client)
                raise
        proc.client = client
        return proc

    def _wait(self, ticket: _Ticket, client: str, deadline: float, limit: float) -> _Process | None:
        """Wait until _dispatch admits this request (its process, or None: start one)."""
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    ticket.gate.acquire(timeout=remaining)
                with self._cond:
                    if ticket.admitted:
                        return ticket.proc
                    if time.monotonic() >= deadline:
                        self._queue.remove((ticket, client))
                        raise PoolBusy(
                            f"all {self.size} query processes stayed busy for {limit:g} s"
                        )
        except PoolBusy:
            raise
        except BaseException:  # the waiting request was interrupted: give its place back
            with self._cond:
                if not ticket.admitted:
                    self._queue.remove((ticket, client))
                else:
                    if ticket.proc is not None:
                        self._idle.append(ticket.proc)
                    else:
                        self._count -= 1
                    self._done(client)
            raise

    def _done(self, client: str) -> None:
        left = self._running.get(client, 0) - 1
        if left > 0:
            self._running[client] = left
        else:
            self._running.pop(client, None)
        self._dispatch()

    def release(self, proc: _Process) -> None:
        if self._pid != os.getpid():
            return
        with self._cond:
            self._idle.append(proc)
            self._done(proc.client)

    def discard(self, proc: _Process) -> None:
        proc.kill()
        if self._pid != os.getpid():
            return
        with self._cond:
            self._count -= 1
            self._done(proc.client)
            refill = self._keep_warm
        if refill:
            self.warm()

    def close(self) -> None:
        if self._pid != os.getpid():
            return
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._generation += 1
            self._keep_warm = False
            spawner, self._spawner = self._spawner, None
        for proc in idle:
            proc.kill()
        if spawner is not None:
            spawner.stop()  # no thread left behind (gunicorn forks its workers after this)

    def waiting(self) -> int:
        """Requests waiting for a process now."""
        return len(self._queue) if self._pid == os.getpid() else 0

    def ready(self) -> int:
        """Processes started and idle now."""
        return len(self._idle) if self._pid == os.getpid() else 0

    # ---------------------------------------------------------------- requests

    def call(
        self,
        request: dict[str, Any] | bytes,
        *,
        timeout: float,
        stream: bool = False,
        client: str = LOCAL,
    ) -> Reply:
        """Send one request (a dict, or its encoded frame: :func:`request_frame`); the
        header (and a small body) within ``timeout`` seconds.
        ``stream``: hand the body over as it comes, however small (downloads).

        Raises QueryTimeout (process killed), QueryMemory, ProcessDied, PoolBusy,
        QueryFailed (the store's error message) or ExecutorError.
        """
        deadline = time.monotonic() + timeout
        self.calls += 1
        proc = self._acquire(client, deadline, timeout)
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
