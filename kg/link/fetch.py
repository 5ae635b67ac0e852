"""Download MONDO's SSSOM mapping sets into a cache directory.

The files live in the MONDO repository under ``src/ontology/mappings/`` (their
``mapping_set_id`` PURLs, ``http://purl.obolibrary.org/obo/mondo/mappings/<file>``, name
them). By default they are taken at the MONDO release tag the installed
``cellxgene-ontology-guide`` declares current (e.g. ``v2026-05-05``), so mappings and terms
come from one release.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.link import sssom
from kg.link.sssom import SSSOM_FILES
from kg.link.terms import current_versions

if TYPE_CHECKING:
    import requests

__all__ = ["MONDO_MAPPINGS_URL", "default_mappings_url", "fetch_sssom"]

MONDO_MAPPINGS_URL = (
    "https://raw.githubusercontent.com/monarch-initiative/mondo/{ref}/src/ontology/mappings/"
)


def default_mappings_url(ref: str | None = None) -> str:
    """The mappings folder at git ref ``ref`` (default: the packaged MONDO release tag)."""
    return MONDO_MAPPINGS_URL.format(ref=ref or current_versions()["MONDO"])


def _looks_like_sssom(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.startswith("#"):
                return line.startswith("subject_id\t")
    return False


def _download(session: requests.Session, url: str, target: Path, timeout: float) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, session.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=1 << 16):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if not _looks_like_sssom(tmp):
            raise ValueError(f"{url}: not an SSSOM TSV file (no subject_id header)")
        os.replace(tmp, target)
        return target
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fetch_sssom(
    cache_dir: Path,
    *,
    session: requests.Session | None = None,
    timeout: float = 60,
    base_url: str | None = None,
    names: Sequence[str] = SSSOM_FILES,
) -> list[Path]:
    """Download the MONDO SSSOM files ``names`` into ``cache_dir``; return their paths.

    Each file is written to a temporary file in ``cache_dir`` and renamed into place, so a
    reader never sees half a file and a failed download leaves the old copy intact.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    base = base_url or default_mappings_url()
    if not base.endswith("/"):
        base += "/"
    own = session is None
    import requests  # here: every build imports this module, few of them download

    http = session or requests.Session()
    try:
        paths = [_download(http, base + name, cache_dir / name, timeout) for name in names]
    finally:
        if own:
            http.close()
    sssom.clear_cache()
    return paths
