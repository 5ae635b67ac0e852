"""Shared fixtures: the network guard, the shared test data, a store built from the seeds."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-live", action="store_true", help="run tests that touch the internet")
    parser.addoption(
        "--regen-golden",
        action="store_true",
        help="rewrite tests/golden/*.nt from the current build",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-live"):
        return
    skip = pytest.mark.skip(reason="live test: opt in with --run-live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


def _shared_default() -> Path:
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()


# Tests read MONDO's SSSOM mappings from the offline copy in ../shared (never the internet).
os.environ.setdefault("KG_ONTOLOGY_DIR", str(_shared_default() / "ontologies" / "mondo-sssom"))

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else None
    if isinstance(host, str):
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"network blocked in tests: connection to {host!r} refused")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _block_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "live" not in request.keywords:
        monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_default()
    if not (path / "data").is_dir():
        pytest.fail(f"shared test data missing at {path} (set KG_SHARED / KG_TEST_DATA)")
    return path


@pytest.fixture(scope="session")
def test_data(shared_dir: Path) -> Path:
    return Path(os.environ.get("KG_TEST_DATA", shared_dir / "data")).resolve()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store built once from the bundled seeds (read-only for the tests that use it)."""
    from kg.build import build

    path = tmp_path_factory.mktemp("seed-store") / "store"
    report = build(None, path)
    assert not report.failed, [d.errors for d in report.failed]
    yield path


@pytest.fixture(scope="session")
def seed_graph(seed_store: Path) -> Iterator[object]:
    from kg.store import open_store

    gs = open_store(seed_store, read_only=True)
    yield gs.store
