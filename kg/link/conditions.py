"""Conditions -> MONDO: by MeSH id (MONDO's SSSOM), curated table, label, synonym, normalised.

:func:`ground_condition` tries, in order:

1. a MeSH id of the condition whose MONDO term (``mondo_exactmatch_mesh``; ``hasDbXref``
   rows only where no exact row exists) also carries the name among its label and exact
   synonyms (normalised), or that the curated table gives for the name:
   ``skos:exactMatch``, ``semapv:MappingChaining``, score 1.0 (0.9 for a ``hasDbXref``-only
   row);
2. the curated table ``data/conditions.tsv`` (score 1.0 by name, 0.95 normalised);
3. MONDO exact label, exact synonym, normalised string (scores in :mod:`kg.link.lexical`);
4. the same without leading qualifiers ("Acute Stroke" -> stroke): ``skos:broadMatch``,
   method "normalised string", score at most 0.6;
5. a MeSH id whose MONDO term has the name's content words ("disease", "syndrome"... aside),
   or a part of them covering at least half ("Ischemic Cardiomyopathy" -> cardiomyopathy,
   ``skos:broadMatch``), or all of them and more ("Fistula" -> anal fistula,
   ``skos:relatedMatch``); scores 0.5-0.8 (see :func:`_fit`). ClinicalTrials.gov lists MeSH
   terms per trial, not per condition, so a MeSH term that does not fit the name's words is
   never used for it.

Names that only say "disease", "syndrome", "injury"... and the MONDO roots are never grounded.
:func:`find_conditions` scans free text (titles, summaries) for MONDO labels, exact synonyms
and curated names, longest match first, at word boundaries.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace

from kg.link.curated import CuratedRow, CuratedTable, load_table
from kg.link.lexical import AMBIGUITY_PENALTY, choose, from_curated, from_terms, variants
from kg.link.normalise import fold, phrase_key, spans, tokens
from kg.link.records import (
    BROAD_MATCH,
    CLOSE_MATCH,
    CURATED_TABLE,
    EXACT_LABEL,
    EXACT_MATCH,
    EXACT_SYNONYM,
    LEXICAL_MATCHING,
    MANUAL_CURATION,
    MAPPING_CHAINING,
    MESH_XREF,
    NORMALISED_STRING,
    RELATED_MATCH,
    Link,
)
from kg.link.sources import Sources, default_sources
from kg.link.sssom import mesh_key
from kg.link.terms import Surface, TermSet

__all__ = [
    "GENERIC_TERMS",
    "GENERIC_TEXTS",
    "QUALIFIERS",
    "STOP_TERMS",
    "STOP_TEXTS",
    "find_conditions",
    "ground_condition",
    "mesh_to_mondo",
    "mondo_xrefs",
]

TABLE = "conditions.tsv"
# Never grounded: MONDO roots and names that say nothing about which disease.
STOP_TERMS = frozenset(
    {
        "MONDO:0000001",  # disease
        "MONDO:0700096",  # human disease
        "MONDO:0021178",  # injury
        "MONDO:0042489",  # disease susceptibility
        "MONDO:0002254",  # syndromic disease
    }
)
STOP_TEXTS = frozenset(
    fold(t)
    for t in (
        "disease",
        "diseases",
        "disorder",
        "disorders",
        "syndrome",
        "syndromes",
        "condition",
        "conditions",
        "medical condition",
        "illness",
        "injury",
        "injuries",
        "lesion",
        "lesions",
        "other disease",
        "disease or disorder",
        "diseases and disorders",
    )
)
# Reported by find_conditions only when the text names nothing more specific (broad
# classes that titles name in passing: "... ulcers", "infections", "inflammatory disease").
GENERIC_TERMS = frozenset(
    {
        "MONDO:0005315",  # bone fracture ("fracture")
        "MONDO:0004992",  # cancer
        "MONDO:0005070",  # neoplasm ("tumor")
        "MONDO:0005550",  # infectious disease ("infection")
        "MONDO:0005108",  # viral infectious disease
        "MONDO:0043839",  # ulcer disease ("ulcer")
        "MONDO:0003847",  # hereditary disease
        "MONDO:0021166",  # inflammatory disease
        "MONDO:0005046",  # immune system disorder
    }
)
GENERIC_TEXTS = frozenset(fold(t) for t in ("fracture", "tumor", "tumour", "infection", "pain"))
# Leading words that narrow a disease without naming another one.
QUALIFIERS = frozenset(
    {
        "acute",
        "advanced",
        "chronic",
        "early",
        "end-stage",
        "late",
        "metastatic",
        "mild",
        "moderate",
        "recurrent",
        "refractory",
        "relapsed",
        "severe",
        "treatment-resistant",
    }
)
_MIN_PHRASE_CHARS = 4
_MAX_PHRASE_WORDS = 12
_CONTENT_STOP = frozenset([*tokens(" ".join(STOP_TEXTS)), "and", "or", "with", "in", "to", "for"])


def _usable(mondo: TermSet, curie: str) -> bool:
    return curie not in STOP_TERMS and mondo.usable(curie)


# -- MeSH ------------------------------------------------------------------------------------


def mesh_to_mondo(mesh_id: str, *, sources: Sources | None = None) -> list[Link]:
    """MONDO terms for a MeSH id (``D016649``, ``D000016649``, ``MESH:D016649``), best first.

    ``skos:exactMatch`` rows of ``mondo_exactmatch_mesh`` score 1.0; MONDO ``hasDbXref`` rows
    without an exact row give ``skos:closeMatch`` at 0.8. Obsolete MONDO terms are replaced
    by their ``replaced_by`` term (score -0.1) or dropped.
    """
    src = sources or default_sources()
    mondo = src.terms("MONDO")
    rows = src.sssom().for_mesh(mesh_id)
    exact = {r.subject_id for r in rows if r.predicate_id == EXACT_MATCH}
    best: dict[str, Link] = {}
    for row in rows:
        is_exact = row.predicate_id == EXACT_MATCH
        if not is_exact and row.subject_id in exact:
            continue
        current = mondo.current(row.subject_id)
        if current is None:
            continue
        score = (1.0 if is_exact else 0.8) - (0.0 if current == row.subject_id else 0.1)
        link = Link(
            curie=current,
            label=mondo.label(current) or row.subject_label,
            predicate=EXACT_MATCH if is_exact and current == row.subject_id else CLOSE_MATCH,
            justification=row.justification or MANUAL_CURATION,
            method=MESH_XREF,
            score=round(score, 2),
            matched_text=row.object_id,
            source=row.source,
        )
        if current not in best or best[current].score < link.score:
            best[current] = link
    return sorted(best.values(), key=lambda k: (-k.score, k.curie))


def mondo_xrefs(mondo_curie: str, *, sources: Sources | None = None) -> dict[str, list[str]]:
    """Cross-references of a MONDO term found in the loaded SSSOM mapping sets.

    Always has ``"MESH"`` (exactMatch and hasDbXref rows) and ``"NCIT"`` (exactMatch rows);
    ``"DOID"`` and ``"Wikidata"`` only when their mapping sets are in the SSSOM directory.
    """
    index = (sources or default_sources()).sssom()
    out: dict[str, set[str]] = {"MESH": set(), "NCIT": set()}
    if any("doid" in f for f in index.files):
        out["DOID"] = set()
    if any("wikidata" in f for f in index.files):
        out["Wikidata"] = set()
    for row in index.for_subject(mondo_curie):
        prefix = row.object_id.partition(":")[0]
        if prefix in out:
            out[prefix].add(row.object_id)
    return {k: sorted(v) for k, v in out.items()}


def _mesh_links(src: Sources, mesh_ids: Iterable[str]) -> list[Link]:
    best: dict[str, Link] = {}
    for mesh_id in mesh_ids:
        for link in mesh_to_mondo(mesh_id, sources=src):
            if link.curie not in STOP_TERMS and (
                link.curie not in best or best[link.curie].score < link.score
            ):
                best[link.curie] = link
    return sorted(best.values(), key=lambda k: (-k.score, k.curie))


def _term_texts(mondo: TermSet, curie: str) -> list[str]:
    return [mondo.label(curie) or "", *mondo.synonyms(curie)]


def _agreeing(
    mondo: TermSet, via_mesh: Sequence[Link], names: Sequence[str], confirmed: Set[str]
) -> Link | None:
    """The first MeSH-derived term that also has one of the names as label or synonym.

    ``confirmed``: MeSH keys the curated table gives for the name (its ``mesh_id``), whose
    terms agree whatever their labels.
    """
    if not via_mesh:
        return None
    wanted = {fold(n) for n in names} | {" ".join(sorted(tokens(n))) for n in names}
    for link in via_mesh:
        texts = _term_texts(mondo, link.curie)
        keys = {fold(t) for t in texts} | {" ".join(sorted(tokens(t))) for t in texts}
        if wanted & keys or mesh_key(link.matched_text) in confirmed:
            return replace(
                link,
                predicate=EXACT_MATCH,
                justification=MAPPING_CHAINING,
                score=1.0 if link.score >= 1.0 else 0.9,
            )
    return None


def _content(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in _CONTENT_STOP and len(t) > 1}


def _fit(wanted: set[str], texts: Sequence[set[str]]) -> tuple[str, float] | None:
    """How a term (its names' content words ``texts``) fits a name's content words.

    Same words: ``skos:closeMatch`` 0.8. Fewer words, at least half the name's:
    ``skos:broadMatch`` 0.5-0.8 (the term is broader). More words, all the name's:
    ``skos:relatedMatch`` 0.5 (the term is narrower: the registry indexed something more
    specific than the name says). Otherwise no fit.
    """
    best: tuple[str, float] | None = None
    for words in texts:
        if not words:
            continue
        share = len(wanted & words) / len(wanted)
        if words == wanted:
            fit = (CLOSE_MATCH, 0.8)
        elif words < wanted and share >= 0.5:
            fit = (BROAD_MATCH, round(0.5 + 0.3 * share, 2))
        elif wanted < words:
            fit = (RELATED_MATCH, 0.5)
        else:
            continue
        if best is None or fit[1] > best[1]:
            best = fit
    return best


def _overlapping(mondo: TermSet, via_mesh: Sequence[Link], names: Sequence[str]) -> Link | None:
    """The MeSH-derived term whose names fit the condition name best (see :func:`_fit`)."""
    wanted = _content(names[-1])
    if not wanted:
        return None
    scored = []
    for link in via_mesh:
        fit = _fit(wanted, [_content(t) for t in _term_texts(mondo, link.curie)])
        if fit is not None:
            predicate, score = fit
            scored.append((score if link.score >= 1.0 else score - 0.1, predicate, link))
    if not scored:
        return None
    score, predicate, link = max(scored, key=lambda s: (s[0], s[2].curie))
    return replace(link, predicate=predicate, justification=MAPPING_CHAINING, score=round(score, 2))


def _unqualified(mondo: TermSet, names: Sequence[str]) -> Link | None:
    """The name without its leading qualifiers ("Acute", "Severe", "Metastatic"...), matched
    exactly or normalised: the term is broader than the name (``skos:broadMatch``, <= 0.6)."""
    for name in names:
        words = name.split()
        cut = 0
        while cut < len(words) - 1 and fold(words[cut]).strip(",;") in QUALIFIERS:
            cut += 1
        if cut == 0:
            continue
        link = from_terms(mondo, [" ".join(words[cut:])], keep=lambda c: _usable(mondo, c))
        if link is not None and fold(link.matched_text) not in GENERIC_TEXTS:
            return replace(
                link, predicate=BROAD_MATCH, method=NORMALISED_STRING, score=min(link.score, 0.6)
            )
    return None


def _confirmed_mesh(table: CuratedTable, curated: Link | None, mesh_ids: Sequence[str]) -> set[str]:
    """The MeSH key of the curated row that matched, if the record lists that MeSH id too."""
    if curated is None or not mesh_ids:
        return set()
    row = table.by_fold.get(fold(curated.matched_text))
    key = mesh_key(row.mesh_id) if row is not None and row.mesh_id else None
    given = {mesh_key(m) for m in mesh_ids}
    return {key} if key is not None and key in given else set()


def ground_condition(
    name: str, *, mesh_ids: Sequence[str] = (), sources: Sources | None = None
) -> Link | None:
    """The best MONDO term for a condition name (and its MeSH ids), or None."""
    src = sources or default_sources()
    names = variants(name)
    if not names or fold(names[-1]) in STOP_TEXTS:
        return None
    mondo = src.terms("MONDO")
    table = load_table(TABLE)
    curated = from_curated(table, names, mondo)
    via_mesh = _mesh_links(src, mesh_ids) if mesh_ids else []
    if link := _agreeing(mondo, via_mesh, names, _confirmed_mesh(table, curated, mesh_ids)):
        return link
    if curated is not None:
        return curated
    if link := from_terms(mondo, names, keep=lambda c: _usable(mondo, c)):
        return link
    return _unqualified(mondo, names) or _overlapping(mondo, via_mesh, names)


# -- free text -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Word-sequence keys of MONDO labels and exact synonyms (no abbreviations), and of the
    curated names (which win on the same key)."""

    terms: Mapping[tuple[str, ...], list[Surface]]
    curated: Mapping[tuple[str, ...], CuratedRow]
    longest: int

    def get(self, key: tuple[str, ...]) -> CuratedRow | list[Surface] | None:
        row = self.curated.get(key)
        if row is not None:
            return row
        return _usable_hit(self.terms.get(key, [])) or None


@functools.cache
def _phrases(mondo: TermSet) -> _Phrases:
    by_phrase = mondo.index.by_phrase
    longest = min(_MAX_PHRASE_WORDS, max(len(k) for k in by_phrase))
    curated = {phrase_key(row.name): row for row in load_table(TABLE).rows}
    return _Phrases(by_phrase, curated, max(longest, *(len(k) for k in curated)))


def _usable_hit(hit: list[Surface]) -> list[Surface]:
    """Surfaces of a text hit that may stand as a condition."""
    return [
        s
        for s in hit
        if s.curie not in STOP_TERMS
        and len(s.text) >= _MIN_PHRASE_CHARS
        and fold(s.text) not in STOP_TEXTS
    ]


def _generic(hit: CuratedRow | list[Surface]) -> bool:
    if isinstance(hit, CuratedRow):
        return False
    return any(s.curie in GENERIC_TERMS or fold(s.text) in GENERIC_TEXTS for s in hit)


def _curated_link(mondo: TermSet, row: CuratedRow, span: str) -> Link:
    return Link(
        curie=row.curie,
        label=mondo.label(row.curie) or row.label,
        predicate=row.predicate,
        justification=MANUAL_CURATION,
        method=CURATED_TABLE,
        score=1.0 if fold(span) == fold(row.name) else 0.95,
        matched_text=row.name,
        source=TABLE,
    )


def _text_link(mondo: TermSet, hit: CuratedRow | list[Surface], span: str) -> Link:
    if isinstance(hit, CuratedRow):
        return _curated_link(mondo, hit, span)
    pool = [s for s in hit if s.is_label] or hit
    curie, ambiguous = choose(mondo, (s.curie for s in pool))
    surface = next(s for s in pool if s.curie == curie)
    if fold(span) == fold(surface.text):
        method, score = (EXACT_LABEL, 1.0) if surface.is_label else (EXACT_SYNONYM, 0.9)
    else:
        method, score = NORMALISED_STRING, 0.85 if surface.is_label else 0.8
    return Link(
        curie=curie,
        label=mondo.label(curie) or "",
        predicate=CLOSE_MATCH if ambiguous else EXACT_MATCH,
        justification=LEXICAL_MATCHING,
        method=method,
        score=round(score - (AMBIGUITY_PENALTY if ambiguous else 0.0), 2),
        matched_text=surface.text,
        source=mondo.source,
    )


def _scan(phrases: _Phrases, text: str) -> list[tuple[str, CuratedRow | list[Surface]]]:
    """Leftmost-longest matches of the phrase keys over the words of ``text``."""
    toks = spans(text)
    words = [t.word for t in toks]
    hits: list[tuple[str, CuratedRow | list[Surface]]] = []
    i = 0
    while i < len(words):
        for size in range(min(phrases.longest, len(words) - i), 0, -1):
            hit = phrases.get(tuple(words[i : i + size]))
            if hit is not None:
                hits.append((text[toks[i].start : toks[i + size - 1].end], hit))
                i += size
                break
        else:
            i += 1
    return hits


def find_conditions(text: str, *, sources: Sources | None = None) -> list[tuple[str, Link]]:
    """Condition mentions in ``text``: ``(verbatim span, link)``, in text order, one per term.

    Longest match wins at each position, at word boundaries; generic terms ("fracture",
    "cancer", "infection", see :data:`GENERIC_TERMS`) are dropped when the text names a more
    specific condition.
    """
    mondo = (sources or default_sources()).terms("MONDO")
    hits = _scan(_phrases(mondo), text)
    specific = [h for h in hits if not _generic(h[1])]
    out: list[tuple[str, Link]] = []
    seen: set[str] = set()
    for span, hit in specific or hits:
        link = _text_link(mondo, hit, span)
        if link.curie not in seen:
            seen.add(link.curie)
            out.append((span, link))
    return out


def clear_cache() -> None:
    _phrases.cache_clear()
