"""Input formats: detection from content and mapping to :class:`kg.model.Trial` records.

Each format is one object with a name, a mapper version, a ``sniff`` test on the
document's content and a ``map_document`` that yields trials (or a
:class:`~kg.model.MappingError` for a record that could not be mapped while the rest of
the document goes on). The format is never decided by the file name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.model import MappingError, Provenance, Trial
from kg.sources import pages

__all__ = ["FORMATS", "Format", "detect", "iter_input_files", "map_bytes", "sha256_hex"]

SNIFF_BYTES = 65536


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    mapper_version: str
    sniff: Callable[[bytes], bool]
    # (data, *, source_file, sha256, keep=None): a record whose Provenance ``keep``
    # accepts is yielded as that Provenance, not mapped.
    map_document: Callable[..., Iterable[Trial | MappingError | Provenance]]


def _page_format(layout: pages.PageLayout) -> Format:
    def sniff(head: bytes) -> bool:
        try:
            text = head.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
        except UnicodeDecodeError:  # pragma: no cover - errors="replace" never raises
            return False
        return layout.sniff(text)

    return Format(layout.name, layout.mapper_version, sniff, layout.map_document)


def _formats() -> tuple[Format, ...]:
    out: list[Format] = []
    try:
        from kg.sources import ctgov_v1, ctgov_v2, ctgov_xml
    except ImportError:  # pragma: no cover - the CT.gov mappers ship with the package
        pass
    else:
        for module in (ctgov_v2, ctgov_v1, ctgov_xml):
            out.append(
                Format(module.FORMAT, module.MAPPER_VERSION, module.sniff, module.map_document)
            )
    from kg.sources import ictrp  # WHO ICTRP export (CSV or XML): many registries

    out.append(Format(ictrp.FORMAT, ictrp.MAPPER_VERSION, ictrp.sniff, ictrp.map_document))
    out.extend(_page_format(layout) for layout in pages.LAYOUTS)
    return tuple(out)


FORMATS: tuple[Format, ...] = _formats()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect(data: bytes, *, path: str) -> Format:
    """The format of a document, from its content; MappingError when none fits."""
    if not data.strip():
        raise MappingError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise MappingError(path, "binary content (NUL bytes), not a trial document")
    head = data[:SNIFF_BYTES]
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    # A page whose closing marker sits past the sniffed head: try the whole text.
    if len(data) > SNIFF_BYTES:
        for fmt in FORMATS:
            if fmt.name.startswith("page-") and fmt.sniff(data):
                return fmt
    known = ", ".join(f.name for f in FORMATS)
    raise MappingError(
        path, f"unknown layout: the content matches none of the known formats ({known})"
    )


def map_bytes(
    data: bytes, *, source_file: str, keep: Callable[[Provenance], bool] | None = None
) -> Iterator[Trial | MappingError | Provenance]:
    """Detect the format of one document and map it; errors name the file and reason.

    ``keep``: records whose provenance (which carries the hash of the record's own
    content) it accepts are read and hashed but not mapped; their Provenance is yielded
    in place of a Trial."""
    fmt = detect(data, path=source_file)
    yield from fmt.map_document(data, source_file=source_file, sha256=sha256_hex(data), keep=keep)


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths in a stable order (hidden files and folders skipped)."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path
