"""Where :mod:`kg.link` reads its data: the term releases and the SSSOM mapping sets.

Every public function of :mod:`kg.link` takes an optional ``sources``; without it the
process-wide default is used: the term releases the installed ``cellxgene-ontology-guide``
declares current, and the SSSOM files found by :func:`kg.link.sssom.find_sssom_dir`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.link import curated, sssom, terms
from kg.link.sssom import SSSOMIndex
from kg.link.terms import ONTOLOGIES, TermSet, parse_curie

__all__ = ["Sources", "clear_caches", "default_sources", "set_default_sources"]


@dataclass(frozen=True, slots=True)
class Sources:
    """Directories to read from; ``None`` means the package (terms) or the usual places (SSSOM)."""

    terms_dir: Path | None = None
    sssom_dir: Path | None = None

    def terms(self, name: str) -> TermSet:
        return terms.load_terms(name, self.terms_dir)

    def sssom(self) -> SSSOMIndex:
        return sssom.load_sssom(self.sssom_dir)

    def term_set_of(self, curie: str) -> TermSet | None:
        """The release holding ``curie``'s prefix (CL, UBERON, MONDO, CHEBI), else None."""
        parsed = parse_curie(curie)
        if parsed is None or parsed[0] not in ONTOLOGIES:
            return None
        return self.terms(parsed[0])


_default = Sources()


def default_sources() -> Sources:
    return _default


def set_default_sources(sources: Sources) -> None:
    """Make ``sources`` the process-wide default (e.g. from a ``--ontology-dir`` option)."""
    global _default  # noqa: PLW0603 - one switch for the whole process, by design
    _default = sources


def clear_caches() -> None:
    """Forget every loaded release, mapping set and table (tests; after a fetch)."""
    from kg.link import conditions

    terms.clear_cache()
    sssom.clear_cache()
    curated.load_table.cache_clear()
    conditions.clear_cache()
