"""``kg serve``: build the store from the seeds if there is none, then serve it under
gunicorn (gevent workers; each worker with its own query processes).

Why gevent workers: a sync worker reads one request at a time, so two idle connections
stopped the endpoint; gunicorn's gthread worker reads a new request in a pool thread, so
N slow clients can hold N threads. A gevent worker reads every connection in a greenlet:
hundreds of idle or slowloris connections cost a few KiB each and hold nothing else. The
web process runs no query that can take long (only the bounded small reads of
:mod:`kg.server.smallread`): it waits for its query processes with ``select()`` on
pipes, which gevent's monkey-patching makes cooperative, so a request waiting for a slow
query does not stop the worker from answering others.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config as GunicornConfig

from kg.rdf import DEFAULT_BASE
from kg.server.accesslog import AccessLogger
from kg.server.app import create_app, get_backend
from kg.server.config import ConfigError, ServerConfig, default_query_memory

__all__ = [
    "check_can_listen",
    "command",
    "ensure_store",
    "gunicorn_options",
    "serve",
    "trusted_proxies",
]

log = logging.getLogger(__name__)

WORKER_CONNECTIONS = 2000  # open connections per web worker (idle, slow or busy)
# Seconds a connection may take to send a request head (and to stay idle between two
# requests): for gevent workers gunicorn's keepalive bounds each wait for a request.
# Idle and slowloris connections cost a greenlet each meanwhile, then they are closed.
REQUEST_HEAD_TIMEOUT = 30
MAX_REQUEST_LINE = 8190
FRONTS = ("gunicorn", "granian")  # kg serve --front: the HTTP server


def trusted_proxies() -> tuple[str, ...]:
    """The addresses that may say X-Forwarded-For: gunicorn's ``forwarded_allow_ips``
    (``$FORWARDED_ALLOW_IPS``, default 127.0.0.1), for gunicorn and the app alike."""
    value = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    return tuple(v.strip() for v in value.split(",") if v.strip())


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def ensure_store(config: ServerConfig) -> None:
    """Build the store from the bundled seeds when there is none yet.

    The build runs in a process of its own: a writable RocksDB store leaves threads
    behind, and gunicorn forks its workers from this process (a worker forked after
    a build in the same process crashed at exit).
    """
    if config.store.exists():
        return
    click.echo(f"no store at {config.store}: building it from the bundled seeds", err=True)
    code = (
        "import sys; from kg.server.serve import _build; sys.exit(_build(sys.argv[1], sys.argv[2]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(config.store), config.base_iri], check=False
    )
    if done.returncode != 0 or not config.store.is_dir():
        raise ConfigError(
            [f"building the store at {config.store} failed (exit status {done.returncode})"]
        )


def _build(store: str, base_iri: str) -> int:
    from kg.build import build
    from kg.rdf import Minter

    report = build(None, Path(store), minter=Minter(base=base_iri))
    click.echo(
        f"built {len(report.documents)} documents, {report.store_quads} quads "
        f"({len(report.failed)} with errors) in {report.seconds:.1f} s",
        err=True,
    )
    for doc in report.failed:
        for error in doc.errors:
            click.echo(f"error: {error}", err=True)
    return 0


def check_can_listen(host: str, port: int) -> None:
    """Bind HOST:PORT once, the way gunicorn will, and let go: a port in use (or an address
    that is not this machine's) is a ConfigError at once, before a store is built or gunicorn
    spends seconds retrying."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if not 0 <= port <= 65535:
        raise ConfigError([f"cannot listen on {where}: a port is a number from 0 to 65535"])
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ConfigError([f"cannot listen on {where}: unknown host ({exc.strerror})"]) from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            reason = {
                errno.EADDRINUSE: "the port is in use by another program (choose one with --port)",
                errno.EACCES: "permission denied (ports below 1024 need privileges)",
                errno.EADDRNOTAVAIL: "the address is not one of this machine's (see --host)",
            }.get(exc.errno or 0, exc.strerror or str(exc))
            raise ConfigError([f"cannot listen on {where}: {reason}"]) from None


def gunicorn_options(
    config: ServerConfig, *, host: str, port: int, workers: int, access_log: bool = True
) -> dict[str, Any]:
    def close_pool(server: Any, worker: Any) -> None:
        with_app = worker.app.application if hasattr(worker.app, "application") else None
        if with_app is not None:
            with with_app.app_context():
                get_backend().pool.close()

    def warm_pool(worker: Any) -> None:
        # every query process of the worker started before the first request needs one
        with_app = worker.app.application if hasattr(worker.app, "application") else None
        if with_app is not None:
            with with_app.app_context():
                get_backend().pool.warm()

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # gunicorn's gevent worker, a short answer's head and body in one send
        "worker_class": "kg.server.gworker.GeventWorker",
        "worker_connections": WORKER_CONNECTIONS,
        "keepalive": REQUEST_HEAD_TIMEOUT,
        # A SPARQL query in a GET URL: gunicorn's largest request line (its default,
        # 4094 bytes, refused the headline query with its VALUES block; longer: POST).
        "limit_request_line": MAX_REQUEST_LINE,
        "timeout": 60,  # a gevent worker's heartbeat runs beside its requests
        "graceful_timeout": 10,
        "accesslog": "-" if access_log else None,
        "logger_class": AccessLogger,  # gunicorn's lines, fewer atoms computed
        "errorlog": "-",
        "loglevel": "info",
        "post_worker_init": warm_pool,
        "worker_exit": close_pool,
        "forwarded_allow_ips": ",".join(config.trusted_proxies),
    }
    if "control_socket_disable" in GunicornConfig().settings:
        # gunicorn >= 25 opens a control socket at one fixed path per user: two servers
        # (or two test runs) would fight over it, and the endpoint does not need it.
        options["control_socket_disable"] = True
    return options


def serve(
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    access_log: bool = True,
    front: str = "gunicorn",
) -> None:
    """Serve until interrupted (ConfigError before anything starts when misconfigured).
    ``front``: the HTTP server, ``gunicorn`` (gevent workers) or ``granian``
    (:mod:`kg.server.granian_front`)."""
    if front not in FRONTS:
        raise ConfigError([f"unknown front {front!r}: one of {', '.join(FRONTS)}"])
    if workers < 1:
        raise ConfigError([f"workers must be at least 1, not {workers}"])
    if config.writable and workers != 1:
        raise ConfigError(
            ["an update token needs --workers 1: only one process may open the store for writing"]
        )
    check_can_listen(host, port)
    ensure_store(config)
    if not config.query_memory:
        config = config.with_(query_memory=default_query_memory(workers * config.processes))
    app = create_app(config)
    if front == "granian":
        from kg.server.granian_front import serve_granian

        serve_granian(app, config, host=host, port=port, workers=workers, access_log=access_log)
        return
    _Gunicorn(
        app, gunicorn_options(config, host=host, port=port, workers=workers, access_log=access_log)
    ).run()


@click.command("serve")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/store"),
    show_default=True,
    envvar="KG_STORE",
    help="Folder of the Oxigraph store (built from the seeds if missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Web worker processes.")
@click.option(
    "--front",
    type=click.Choice(FRONTS),
    default="gunicorn",
    show_default=True,
    help="HTTP server: gunicorn (gevent workers) or granian (Rust; the app in threads).",
)
@click.option(
    "--base-iri",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="KG_BASE_IRI",
    help="Base of the graph's IRIs; /trial/... resolves to <base>trial/...",
)
@click.option(
    "--query-timeout", default=30.0, show_default=True, type=float, help="Seconds per query."
)
@click.option(
    "--query-processes",
    default=4,
    show_default=True,
    type=int,
    help="Query processes per worker (1 with an update token).",
)
@click.option(
    "--client-processes",
    default=2,
    show_default=True,
    type=int,
    help="Of them, how many one client (address) may use at once.",
)
@click.option(
    "--query-memory",
    default=0,
    type=int,
    metavar="MIB",
    help="Memory per query process in MiB [default: half the machine's memory over all query processes, 512-4096].",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=int,
    help="Rows per result for pages and the editor (protocol clients get whole results unless they send max-rows).",
)
@click.option(
    "--max-body",
    "max_body_bytes",
    default=1 << 20,
    show_default=True,
    type=int,
    help="Bytes per request body.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="Allowed CORS origin ('*' for any); repeatable.",
)
@click.option(
    "--allow-service", multiple=True, help="Endpoint a SERVICE clause may call; repeatable."
)
@click.option(
    "--update-token-env",
    default=None,
    metavar="VAR",
    help="Accept SPARQL updates and Graph Store writes with the bearer token held in this environment variable (needs --workers 1).",
)
@click.option(
    "--local-read-rows",
    default=2000,
    show_default=True,
    type=int,
    metavar="N",
    help="Answer a small read (basic graph pattern with constant subjects) in the web process when it matches at most N statements; 0: every query goes to a query process.",
)
@click.option("--no-access-log", is_flag=True, help="Do not log every request.")
def command(
    store_path: Path,
    host: str,
    port: int,
    workers: int,
    front: str,
    base_iri: str,
    query_timeout: float,
    query_processes: int,
    client_processes: int,
    query_memory: int,
    max_rows: int,
    max_body_bytes: int,
    cors_origins: tuple[str, ...],
    allow_service: tuple[str, ...],
    update_token_env: str | None,
    local_read_rows: int,
    no_access_log: bool,
) -> None:
    """Serve the SPARQL endpoint, canned queries, trial pages and the query editor."""
    token = None
    if update_token_env:
        token = os.environ.get(update_token_env)
        if not token:
            raise click.UsageError(f"--update-token-env: ${update_token_env} is not set")
    config = ServerConfig(
        store=store_path,
        base_iri=base_iri,
        query_timeout=query_timeout,
        query_processes=query_processes,
        client_processes=client_processes,
        query_memory=query_memory,
        trusted_proxies=trusted_proxies(),
        max_rows=max_rows,
        max_body_bytes=max_body_bytes,
        cors_origins=cors_origins,
        allow_service=allow_service,
        update_token=token,
        local_read_rows=local_read_rows,
    )
    try:
        serve(
            config,
            host=host,
            port=port,
            workers=workers,
            access_log=not no_access_log,
            front=front,
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
