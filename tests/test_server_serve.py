"""`kg serve`: refuses bad configuration, builds a missing store from the seeds."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.server.testing import live_server


def test_bad_configuration_is_refused_before_serving(seed_store: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--store", str(seed_store), "--base-iri", "celltrials/", "--max-rows", "0"]
    )
    assert result.exit_code == 1
    assert "base IRI 'celltrials/' is not an absolute" in result.output
    assert "max_rows must be a positive integer" in result.output


def test_update_token_needs_one_worker(seed_store: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--store",
            str(seed_store),
            "--update-token-env",
            "KG_TEST_TOKEN",
            "--workers",
            "2",
        ],
        env={"KG_TEST_TOKEN": "0123456789abcdef-token"},
    )
    assert result.exit_code == 1
    assert "needs --workers 1" in result.output
    missing = CliRunner().invoke(main, ["serve", "--update-token-env", "KG_TEST_UNSET_TOKEN"])
    assert missing.exit_code == 2 and "is not set" in missing.output


def test_serve_builds_a_missing_store_from_the_seeds(tmp_path: Path) -> None:
    store = tmp_path / "fresh" / "store"
    with live_server(store, workers=1, log=tmp_path / "serve.log") as url:
        query = urllib.parse.urlencode(
            {
                "query": "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/celltrials/ontology#Trial> }"
            }
        )
        with urllib.request.urlopen(f"{url}/sparql?{query}", timeout=30) as response:
            rows = json.loads(response.read())["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) >= 5
    assert store.is_dir()
    log = (tmp_path / "serve.log").read_text()
    assert "building it from the bundled seeds" in log and "documents, " in log
    assert "SIGSEGV" not in log and "Traceback" not in log  # workers exit cleanly


def test_a_port_in_use_fails_at_once_with_the_reason(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        store = tmp_path / "store"  # missing: it is not built for a server that cannot start
        started = time.monotonic()
        result = CliRunner().invoke(
            main, ["serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in result.output
    assert elapsed < 2, elapsed  # gunicorn alone retries for ~6 s
    assert not store.exists()


@pytest.mark.parametrize(
    ("host", "port", "reason"),
    [
        ("192.0.2.1", "8000", "not one of this machine's"),
        ("127.0.0.1", "70000", "a port is a number from 0 to 65535"),
    ],
)
def test_an_address_that_cannot_be_bound_is_refused(
    tmp_path: Path, host: str, port: str, reason: str
) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--store", str(tmp_path / "s"), "--host", host, "--port", port]
    )
    assert result.exit_code == 1 and reason in result.output, result.output
    assert "Traceback" not in result.output
