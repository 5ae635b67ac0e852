"""`pip install .` gives a working tool: the wheel carries the canned queries, the seeds and
the ontology, and `kg` works from any folder with nothing of the source tree in reach.

The wheel is built offline (`--no-build-isolation`, with the setuptools of the project's
venv) from a copy of the files a clone holds, and installed into a fresh venv that takes
the already-installed dependencies from the project's venv through a `.pth` line, while the
project itself comes from the wheel only.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.server.testing import live_server

ROOT = Path(__file__).resolve().parent.parent
TREE = ("pyproject.toml", "README.md", "kg", "queries", "seeds", "ontology")


def _run(*cmd: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("clone")
    for name in TREE:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(
                path,
                src / name,
                symlinks=True,  # kg/_data/* link to the top-level folders, as in a clone
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        dist,
        src,
        cwd=src,
    )
    (built,) = dist.glob("celltrials_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the wheel installed; the dependencies come from this venv."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run(sys.executable, "-m", "venv", "--without-pip", env_dir, cwd=env_dir.parent)
    python = env_dir / "bin" / "python"
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=env_dir
    ).stdout.strip()
    # A plain path line: the dependencies are importable, but no .pth of this venv (such as
    # the editable install's finder of the source tree) is run in the new one.
    (Path(purelib) / "deps-from-project-venv.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=env_dir,
    )
    yield env_dir


def test_wheel_carries_the_bundled_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("queries", "seeds", "ontology", "ontology/qc"):
        expected = {
            f"kg/_data/{p.relative_to(ROOT).as_posix()}"
            for p in (ROOT / folder).iterdir()
            if p.is_file()
        }
        assert expected and expected <= names, sorted(expected - names)
    assert "kg/server/templates/base.html" in names
    assert not any(n.startswith(("queries/", "seeds/", "ontology/", "tests/")) for n in names)


def test_installed_wheel_builds_queries_and_serves(venv: Path, tmp_path: Path) -> None:
    kg = venv / "bin" / "kg"
    work = tmp_path / "elsewhere"
    work.mkdir()
    # The package is the wheel's, not the source tree's.
    where = _run(venv / "bin" / "python", "-c", "import kg; print(kg.__file__)", cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    build = _run(kg, "build", "--quiet", cwd=work)  # default input: the bundled seeds
    assert (work / "data" / "store").is_dir(), build.stderr
    assert "5 documents: 5 mapped" in build.stderr, build.stderr
    _run(kg, "validate", cwd=work)  # the packaged shapes and QC queries

    listed = _run(kg, "query", "--list", cwd=work).stdout
    assert "uc-msc-above-dose(min_cells: xsd:double = 1e8" in listed
    assert len([line for line in listed.splitlines() if not line.startswith(" ")]) == len(
        list((ROOT / "queries").glob("*.rq"))
    )
    rows = _run(kg, "query", "--canned", "uc-msc-above-dose", "--format", "csv", cwd=work).stdout
    assert "240000000" in rows and "hMSC100" in rows, rows

    with live_server(work / "data" / "store", program=[str(kg)], cwd=work) as url:
        with urllib.request.urlopen(
            url + "/queries/uc-msc-above-dose?format=csv", timeout=30
        ) as response:
            assert response.status == 200
            assert "240000000" in response.read().decode()
        with urllib.request.urlopen(url + "/", timeout=30) as response:  # templates, static
            assert "celltrials" in response.read().decode()


def test_serve_builds_a_missing_store_from_the_packaged_seeds(venv: Path, tmp_path: Path) -> None:
    store = tmp_path / "new" / "store"
    with (
        live_server(store, program=[str(venv / "bin" / "kg")], cwd=tmp_path) as url,
        urllib.request.urlopen(url + "/queries/uc-msc-above-dose?format=csv", timeout=30) as r,
    ):
        assert "240000000" in r.read().decode()
    assert store.is_dir()
