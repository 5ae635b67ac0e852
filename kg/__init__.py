"""celltrials-kg: a knowledge graph of cell-therapy clinical trials."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("celltrials-kg")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["__version__"]
