"""Run ``kg serve`` (gunicorn, or granian with ``front="granian"``) on a free 127.0.0.1 port, for tests and benchmarks.

>>> free_port() > 0
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["free_port", "live_server"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def live_server(
    store: Path,
    *args: str,
    workers: int = 2,
    env: dict[str, str] | None = None,
    start_timeout: float = 60.0,
    log: Path | None = None,
    program: Sequence[str] | None = None,
    cwd: Path | None = None,
    front: str = "gunicorn",
    access_log: bool = False,
) -> Iterator[str]:
    """Start ``kg serve --store STORE ARGS...`` and yield its base URL (``http://127.0.0.1:PORT``).

    ``program`` is the ``kg`` command to run (default: this interpreter's ``kg.cli``), ``cwd``
    the folder it runs in, ``front`` its HTTP server (``--front``), ``access_log``: whether
    it logs each request (to ``log``). The server is stopped (SIGTERM to its process group, then SIGKILL)
    on exit.
    """
    port = free_port()
    cmd = [
        *(program or (sys.executable, "-c", "from kg.cli import main; main()")),
        "serve",
        "--store",
        str(store),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--front",
        front,
        *(() if access_log else ("--no-access-log",)),
        *args,
    ]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        cmd,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with status {proc.returncode} (log: {log})")
            try:
                with urllib.request.urlopen(url + "/sparql", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not answer within {start_timeout} s")
            time.sleep(0.1)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log:
            assert not isinstance(out, int)
            out.close()
