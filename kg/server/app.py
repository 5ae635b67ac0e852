"""The Flask application factory.

>>> from pathlib import Path
>>> create_app({"store": Path("/nonexistent")})
Traceback (most recent call last):
...
kg.server.config.ConfigError: bad server configuration:
  - no store at /nonexistent (run `kg build` first, or `kg serve` builds one from the seeds)
"""

from __future__ import annotations

import atexit
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request

from kg.rdf import CTO
from kg.server.backend import Backend
from kg.server.config import ConfigError, ServerConfig
from kg.server.executor import ExecutorError, ExecutorPool, QueryFailed

__all__ = ["create_app", "get_backend"]


def create_app(config: ServerConfig | Mapping[str, Any]) -> Flask:
    """A configured app, or ConfigError naming every problem (the store must open)."""
    cfg = config if isinstance(config, ServerConfig) else ServerConfig.from_mapping(config)
    cfg.check()
    pool = ExecutorPool(
        cfg.store,
        size=cfg.processes,
        writable=cfg.writable,
        allow_service=cfg.allow_service,
        memory_mib=cfg.memory_mib,
        client_processes=cfg.client_processes,
        max_waiting=cfg.max_waiting,
        client_waiting=cfg.client_waiting,
    )
    try:
        pool.ping(timeout=max(cfg.query_timeout, 30.0))
        _check_base(Backend(cfg, pool))
    except (ExecutorError, QueryFailed) as exc:
        raise ConfigError([f"the store at {cfg.store} does not open: {exc}"]) from None
    finally:
        # Start clean: gunicorn forks its workers from this process, and each worker
        # starts its own query processes on its first request.
        pool.close()

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.config["JSON_SORT_KEYS"] = False
    app.extensions["kg"] = Backend(cfg, pool)
    atexit.register(pool.close)

    from kg.server.fastpath import SparqlFastPath
    from kg.server.pages import pages
    from kg.server.protocol import protocol

    app.register_blueprint(protocol)
    app.register_blueprint(pages)
    # plain GET /sparql?query= requests skip Flask's machinery (same answers)
    app.wsgi_app = SparqlFastPath(app.wsgi_app, app.extensions["kg"])  # type: ignore[method-assign]

    @app.errorhandler(413)
    def _too_large(_exc: Exception) -> Response:
        # Werkzeug's own 413 is an HTML page; every error of the endpoint is plain text.
        return Response(
            f"request body too large: the limit is {cfg.max_body_bytes} bytes "
            "(send a shorter query, or start the server with a larger --max-body)\n",
            status=413,
            mimetype="text/plain",
        )

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        _cors(cfg, response)
        return response

    return app


def _check_base(backend: Backend) -> None:
    """Refuse a base IRI the store was not built with (no page would find its IRIs)."""
    rows = backend.rows(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s a <{CTO}SourceDocument> }} }} LIMIT 1")
    if not rows:
        return  # not a store of this project (a test store): nothing to compare
    meta = rows[0]["g"].value
    if meta != backend.graph("meta"):
        built = meta.removesuffix("graph/meta")
        raise ConfigError(
            [
                f"the store at {backend.config.store} was built with the base IRI {built} "
                f"(its metadata graph is <{meta}>), not {backend.base}: serve it with "
                f"--base-iri {built}, or rebuild it with that base"
            ]
        )


def _cors(cfg: ServerConfig, response: Response) -> None:
    origin = request.headers.get("Origin")
    if not cfg.cors_origins or not origin:
        return
    if "*" in cfg.cors_origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin in cfg.cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        return
    response.headers["Access-Control-Expose-Headers"] = (
        "X-Result-Limit, X-Result-Truncated, X-Result-Rows"
    )
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Authorization"
        response.headers["Access-Control-Max-Age"] = "600"


def get_backend() -> Backend:
    backend = current_app.extensions["kg"]
    assert isinstance(backend, Backend)
    return backend
