"""The files the package reads at run time: the canned queries, the demo seeds, the project
ontology with its shapes and QC checks.

They live at the top of the repository (``queries/``, ``seeds/``, ``ontology/``), where people
read and edit them; ``kg/_data/<name>`` links to each of them, so the package finds them
through :mod:`importlib.resources` in a checkout and an editable install alike, and a wheel
built from the repository carries them as package data (``kg/_data/<name>/...``): nothing
depends on the working folder or on the source tree being present.

>>> (bundled("queries") / "uc-msc-above-dose.rq").is_file()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BUNDLED", "bundled"]

BUNDLED = ("queries", "seeds", "ontology")


def bundled(name: str) -> Path:
    """The folder of bundled data ``name`` (one of :data:`BUNDLED`) in the installed package."""
    if name not in BUNDLED:
        raise ValueError(f"no bundled data named {name!r} (one of {', '.join(BUNDLED)})")
    folder = resources.files("kg").joinpath("_data", name)
    if not isinstance(folder, Path) or not folder.is_dir():
        # A zipped install, or a wheel built without its data: nothing would work.
        raise RuntimeError(
            f"the package's {name}/ data is missing (looked for kg/_data/{name} in {folder}); "
            "reinstall celltrials-kg from a wheel or a checkout"
        )
    return folder.resolve()
