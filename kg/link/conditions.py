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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import NamedTuple

from kg.link.curated import CuratedRow, CuratedTable, load_table
from kg.link.drugs import ground_intervention
from kg.link.in_context import in_context
from kg.link.lexical import (
    AMBIGUITY_PENALTY,
    choose,
    curated_score,
    from_curated,
    from_terms,
    variants,
)
from kg.link.normalise import bag_key, fold, phrase_key, spans, tokens
from kg.link.parts import split_parts
from kg.link.records import (
    ABBREVIATION_IN_CONTEXT,
    BROAD_MATCH,
    CLOSE_MATCH,
    CURATED_TABLE,
    EXACT_LABEL,
    EXACT_MATCH,
    EXACT_SYNONYM,
    LEXICAL_MATCHING,
    MANUAL_CURATION,
    MAPPING_CHAINING,
    MESH_ANCESTOR,
    MESH_XREF,
    NORMALISED_STRING,
    PHRASE_IN_NAME,
    RELATED_MATCH,
    Link,
)
from kg.link.sources import Sources, default_sources
from kg.link.sssom import SSSOMNotFoundError, mesh_key
from kg.link.terms import HPO, Surface, TermSet, is_abbreviation
from kg.link.unlinked import AMBIGUOUS_ABBREVIATION, NO_TERM, UNSPECIFIC, not_a_condition

__all__ = [
    "GENERIC_TERMS",
    "GENERIC_TEXTS",
    "QUALIFIERS",
    "STOP_TERMS",
    "STOP_TEXTS",
    "ConditionContext",
    "Grounding",
    "condition_parts",
    "find_conditions",
    "ground_condition",
    "link_condition",
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
        "complication",
        "complications",
        "wounds and injuries",
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
        "resectable",
        "unresectable",
        "operable",
        "inoperable",
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


# A cancer stage before the name or a staging edition after it ("Stage IVA Lung Cancer AJCC v8").
_STAGED = re.compile(r"(?i)^stage\s+[0-4IV]+[A-C]?\d?\s+|\s+AJCC\s+v\d+$")


# ANZCTR's condition categories: "Respiratory - Other respiratory disorders / diseases",
# "Cancer - Any cancer", "Infection - Other infectious diseases".
_CATEGORY = re.compile(r"^[A-Z][A-Za-z ,]{2,40} - (?P<sub>[A-Za-z].*)$")
_OTHER = re.compile(r"(?i)^(?:other|any)\s+")
_EITHER = re.compile(r"(?i)\s*/\s*(?:diseases|disorders)$")


def _category(mondo: TermSet, name: str) -> Link | None:
    """A registry's condition category "Area - Other X disorders / diseases" or "Area - Any
    X": the term of "X disorders" (or "X"), ``skos:broadMatch`` at most 0.6 where the
    category is "Other ..." (the term also covers what the registry lists apart)."""
    m = _CATEGORY.match(name.strip())
    if m is None:
        return None
    sub = _EITHER.sub("", m.group("sub"))
    rest = _OTHER.sub("", sub)
    link = from_terms(mondo, [rest], keep=lambda c: _usable(mondo, c))
    if link is not None and fold(sub).startswith("other "):
        return replace(link, predicate=BROAD_MATCH, score=min(link.score, 0.6))
    return link


def _registry_heading(
    via_mesh: Sequence[Link], mesh_ids: Sequence[str], mesh_terms: Sequence[str], name: str
) -> Link | None:
    """The term MONDO maps exactly from the one MeSH heading the registry indexed the name
    under, read through the heading's words (``skos:*`` chained, ``semapv:MappingChaining``):

    * the heading's words are some of the name's ("Perianal Fistula" under *Fistula*): the
      term is broader, ``skos:broadMatch`` 0.5;
    * the heading shares no word with the name but words that say what kind of condition
      ("Alcohol Use Disorder" under *Alcoholism*, "Sport Injury" under *Athletic
      Injuries*): the registry's own synonym of the heading, ``skos:closeMatch`` 0.7 (a
      heading that shares another word, "Supracondylar Humerus Fracture" under *Fractures,
      Bone*, was found inside the name: not used);
    * the same words: ``skos:exactMatch`` 0.9.

    Only for a name with exactly one MeSH heading that MONDO maps exactly (several headings
    of one name do not say which is the name). The matched text is ``MESH:id heading``.
    """
    own = {mesh_key(m) for m in mesh_ids} - {None}
    exact = [k for k in via_mesh if k.predicate == EXACT_MATCH and k.score >= 1.0]
    if len(own) != 1 or len(mesh_terms) != 1 or len({k.curie for k in exact}) != 1:
        return None
    heading = _content(mesh_terms[0])
    wanted = _content(name)
    if not heading or not wanted:
        return None
    if heading == wanted:
        predicate, score = EXACT_MATCH, 0.9
    elif heading < wanted:
        predicate, score = BROAD_MATCH, 0.5
    elif not (heading & wanted) - _KIND_WORDS - {"injury", "disease", "disorder"}:
        predicate, score = CLOSE_MATCH, 0.7
    else:
        return None
    link = exact[0]
    return replace(
        link,
        predicate=predicate,
        justification=MAPPING_CHAINING,
        score=score,
        matched_text=f"MESH:{mesh_ids[0].removeprefix('MESH:')} {mesh_terms[0]}",
    )


def _unqualified(mondo: TermSet, names: Sequence[str]) -> Link | None:
    """The name without its qualifiers ("Acute", "Severe", "Metastatic"... before or after it,
    a cancer stage), matched exactly or normalised: the term is broader than the name
    (``skos:broadMatch``, <= 0.6)."""
    for name in names:
        staged = _STAGED.sub("", name).strip()
        words = staged.split()
        cut = 0
        while cut < len(words) - 1 and fold(words[cut]).strip(",;") in QUALIFIERS:
            cut += 1
        end = len(words)
        while end > cut + 1 and fold(words[end - 1]).strip(",;") in QUALIFIERS:
            end -= 1
        if cut == 0 and end == len(words) and staged == name.strip():
            continue
        rest = " ".join(words[cut:end]).strip(" ,;")
        link = from_terms(mondo, [rest], keep=lambda c: _usable(mondo, c))
        if link is None and mondo.name == "MONDO":
            link = _without_kind_word(mondo, [rest])
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


@dataclass(frozen=True)  # no slots: ``words`` is computed once and kept
class ConditionContext:
    """What the rest of the record says, for the names that need it.

    ``texts``: the titles, the brief summary, the other condition names and the keywords (where
    an abbreviation is spelled out, "Non-Small Cell Lung Cancer (NSCLC)", or its field named);
    ``mesh_ids``: every MeSH id of the record's conditions; ``ancestors``: the MeSH ancestors
    of those terms, ``(id, term)``, as ClinicalTrials.gov lists them (per study, not per term).
    """

    texts: tuple[str, ...] = ()
    mesh_ids: tuple[str, ...] = ()
    ancestors: tuple[tuple[str | None, str], ...] = ()

    @functools.cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w for t in self.texts for w in tokens(t))


class Grounding(NamedTuple):
    """The link of a condition name, or None and the reason (:data:`kg.link.unlinked.KINDS`)."""

    link: Link | None
    reason: str | None


# Words around an abbreviation that narrow it without naming another disease: the term of the
# bare abbreviation is then broader than the name ("Advanced NSCLC", "NSCLC Stage IV").
_QUALIFIER_WORDS = "|".join(sorted(QUALIFIERS))
_STAGE = re.compile(
    rf"(?i)^(?P<pre>(?:(?:{_QUALIFIER_WORDS})\s+)*)(?P<core>\S+?)"
    rf"(?P<post>(?:,?\s+(?:stage\s+[0-4IV]+[ABC]?|{_QUALIFIER_WORDS}))*)$"
)
_ABBREVIATION_SCORE = 0.85
_MESH_ANCESTOR_SCORE = 0.5


@functools.lru_cache(maxsize=4096)
def _long_form_patterns(abbreviation: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """``(ABBR)`` or ``[ABBR]``, and the same with the words before it (group 1)."""
    inside = re.escape(abbreviation) + r"s?\s*[)\]]"
    return (
        re.compile(r"[(\[]\s*" + inside),
        re.compile(r"([^()\[\]]{2,120}?)\s*[(\[]\s*" + inside),
    )


def _long_form_matches(
    text: str, bracketed: re.Pattern[str], pattern: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, found from the brackets: the whole pattern tries up to
    120 lengths at each position of a text (26 ms a call over a record's texts).

    A match starting at ``i`` has its ``(`` or ``[`` at ``k``, the first bracket of any kind
    from ``i`` on, where ``bracketed`` matches; its words, 2 to 120 characters, then only
    white space up to ``k``. So for each such ``k`` in turn the first start that can match
    is the largest of: the position searched from, one past the bracket before ``k``, 120
    before the white space ending at ``k``; and it must be 2 before ``k`` or earlier."""
    pos = 0
    found = bracketed.search(text, pos)
    while found is not None:
        k = found.start()
        space = k
        while space > 0 and text[space - 1].isspace():
            space -= 1
        before = max(text.rfind("(", 0, k), text.rfind(")", 0, k))
        before = max(before, text.rfind("[", 0, k), text.rfind("]", 0, k))
        start = max(pos, before + 1, space - 120)
        if start <= k - 2:
            m = pattern.match(text, start)
            if m is None:  # (cannot be: then search the rest as the pattern does)
                yield from pattern.finditer(text, start)
                return
            yield m
            pos = m.end()
        found = bracketed.search(text, max(k + 1, pos))


def _long_forms(abbreviation: str, texts: Sequence[str]) -> list[str]:
    """Candidate expansions the texts give for ``abbreviation``: the words before
    ``(ABBR)`` whose first starts with the abbreviation's first letter (shortest first)."""
    if not any(abbreviation in text for text in texts):
        return []
    bracketed, pattern = _long_form_patterns(abbreviation)
    first = abbreviation[0].casefold()
    out: list[str] = []
    for text in texts:
        if abbreviation not in text:
            continue
        for m in _long_form_matches(text, bracketed, pattern):
            words = re.findall(r"[^\s]+", m.group(1))
            limit = min(len(words), len(abbreviation) + 5)
            for n in range(1, limit + 1):
                phrase = " ".join(words[-n:]).strip(" ,;:-")
                if phrase and phrase[0].casefold() == first and phrase not in out:
                    out.append(phrase)
    return out


# Words that say what kind of disease, not which: they never decide an abbreviation alone.
_KIND_WORDS = frozenset(
    tokens(
        "disease disorder syndrome cancer carcinoma tumor tumour neoplasm malignant benign "
        "cell small non type acute chronic primary secondary infection injury failure "
        "deficiency insufficiency stage advanced human"
    )
)


def _supported(
    mondo: TermSet, curie: str, context: ConditionContext, near: Set[str], *, only: bool
) -> bool:
    """The record supports the term: one of its MeSH terms maps to it (or below it), or its
    text has all the content words of the term's label or of one of its non-abbreviation
    synonyms; for the ``only`` term an abbreviation names in MONDO, one word of them that
    says more than the kind of disease is enough ("lung" for NSCLC in a lung-cancer trial)."""
    if curie in near:
        return True
    words = context.words
    short = {s.casefold() for s in mondo.synonyms(curie) if is_abbreviation(s)}
    for text in _term_texts(mondo, curie):
        if text and text.casefold() not in short:
            content = _content(text)
            if content and (content <= words or (only and (content - _KIND_WORDS) & words)):
                return True
    return False


def _abbreviation(
    src: Sources, mondo: TermSet, names: Sequence[str], context: ConditionContext
) -> tuple[Link | None, bool]:
    """``(link, True)`` for an abbreviation the record's text resolves, ``(None, True)`` for one
    it does not, ``(None, False)`` when the name is no abbreviation."""
    for name in names:
        m = _STAGE.match(name.strip())
        if m is None:
            continue
        known = mondo.index.by_fold.get(fold(m.group("core")), ())
        if not (is_abbreviation(m.group("core")) or any(s.is_abbreviation for s in known)):
            continue  # ("Nsclc" is one: MONDO writes it so)
        core = m.group("core")
        narrowed = bool(m.group("pre").strip() or m.group("post").strip())
        link = None
        for long_form in _long_forms(core, context.texts):
            found = from_terms(mondo, [long_form], keep=lambda c: _usable(mondo, c))
            if found is not None and found.predicate == EXACT_MATCH:
                link = replace(found, matched_text=f"{core} = {long_form}")
                break
        if link is None:
            candidates = sorted(
                {
                    s.curie
                    for s in mondo.index.by_fold.get(fold(core), ())
                    if _usable(mondo, s.curie)
                }
            )
            near = _near_mesh(src, mondo, context.mesh_ids)
            if not candidates:
                continue  # not an abbreviation MONDO knows: the other ways may still link it
            only = len(candidates) == 1
            supported = [c for c in candidates if _supported(mondo, c, context, near, only=only)]
            if len(supported) != 1:
                return None, True
            curie = supported[0]
            link = Link(
                curie=curie,
                label=mondo.label(curie) or "",
                predicate=EXACT_MATCH,
                justification=LEXICAL_MATCHING,
                method=ABBREVIATION_IN_CONTEXT,
                score=_ABBREVIATION_SCORE,
                matched_text=f"{core} = {mondo.label(curie)}",
                source=mondo.source,
            )
        link = replace(
            link,
            method=ABBREVIATION_IN_CONTEXT,
            justification=LEXICAL_MATCHING,
            score=min(link.score, _ABBREVIATION_SCORE),
        )
        if narrowed:
            link = replace(link, predicate=BROAD_MATCH, score=0.6)
        return link, True
    return None, False


def _near_mesh(src: Sources, mondo: TermSet, mesh_ids: Sequence[str]) -> set[str]:
    """MONDO terms the MeSH ids map to exactly, with their ancestors and descendants' marks:
    the terms themselves and their ancestors."""
    out: set[str] = set()
    for link in _mesh_links(src, mesh_ids):
        if link.predicate == EXACT_MATCH:
            out.add(link.curie)
            out.update(mondo.ancestors(link.curie))
    return out


def _mesh_ancestor(
    src: Sources,
    mondo: TermSet,
    mesh_ids: Sequence[str],
    mesh_terms: Sequence[str],
    context: ConditionContext,
) -> Link | None:
    """The nearest MeSH ancestor of the condition's own MeSH term that MONDO maps exactly:
    ``skos:broadMatch``, score 0.5, the path in ``matched_text``.

    ClinicalTrials.gov lists the ancestors of all of a study's MeSH terms together, without
    saying whose they are, and MONDO's hierarchy is not MeSH's (so another term's ancestors
    cannot be told apart by it): the ancestors are used only when the study has one MeSH
    term, the condition's own. Of those MONDO maps exactly, the most specific term (most
    ancestors in MONDO) is the nearest.
    """
    own = {mesh_key(m) for m in mesh_ids} - {None}
    if len(own) != 1 or not context.ancestors or _mesh_links(src, mesh_ids):
        return None
    if {mesh_key(m) for m in context.mesh_ids} - {None} != own:
        return None  # the study has other MeSH terms: their ancestors are mixed in
    candidates: list[tuple[int, str, str, str]] = []
    for ancestor_id, ancestor_term in context.ancestors:
        if not ancestor_id:
            continue
        for k in mesh_to_mondo(ancestor_id, sources=src):
            if k.predicate == EXACT_MATCH and _usable(mondo, k.curie):
                depth = len(mondo.ancestors(k.curie))
                candidates.append((depth, k.curie, ancestor_id, ancestor_term))
    if not candidates:
        return None
    # MeSH files a term under several trees ("Mandibular Fractures" under skull fractures,
    # hence under nervous-system trauma): an ancestor that shares a word with the term is on
    # the branch that says what it is.
    words = _content(" ".join(mesh_terms))
    sharing = [c for c in candidates if _content(c[3]) & words]
    _, curie, ancestor_id, ancestor_term = max(sharing or candidates, key=lambda c: (c[0], c[1]))
    first = mesh_ids[0]
    term = mesh_terms[0] if mesh_terms else ""
    path = f"MESH:{first} {term}".strip() + f" < MESH:{ancestor_id} {ancestor_term}"
    return Link(
        curie=curie,
        label=mondo.label(curie) or "",
        predicate=BROAD_MATCH,
        justification=MAPPING_CHAINING,
        method=MESH_ANCESTOR,
        score=_MESH_ANCESTOR_SCORE,
        matched_text=path,
        source=src.sssom().for_mesh(ancestor_id)[0].source,
    )


# A classification code before the name ("B972- Coronavirus as the cause of ...", "U07.1: ...").
_CODE = re.compile(r"^[A-Z][0-9]{2}\.?[0-9]{0,2}\s*[-:]\s*(?=\w)")
_INFECTIONS = re.compile(r"(?i)\binfections?$")
_KIND_WORD = re.compile(r"(?i)[\s,]+(?:disease|infection)$")


# Organ adjectives of MeSH headings and the nouns MONDO's labels use ("Prostatic Neoplasms").
_ORGAN_ADJECTIVES = {
    "prostatic": "prostate",
    "cardiac": "heart",
    "hepatic": "liver",
    "femoral": "femur",
    "tibial": "tibia",
    "humeral": "humerus",
    "renal": "kidney",
    "gastric": "stomach",
}
_ORGAN_ADJECTIVE = re.compile(r"(?i)\b(" + "|".join(_ORGAN_ADJECTIVES) + r")\b")


_HUMAN = re.compile(r"(?i),\s*human$")  # MeSH's old "Respiratory Distress Syndrome, Adult/Human"


# Prefixes written joined, hyphenated or apart ("Posttraumatic", "post-traumatic").
_PREFIX = r"(?:post|pre|non|anti|peri|para|intra|inter|extra|hyper|hypo|poly|pseudo|auto)"
_JOINED = re.compile(rf"(?i)\b({_PREFIX})(?=[a-z]{{4}})(?!-)([a-z]+)")
_HYPHENATED = re.compile(rf"(?i)\b({_PREFIX})[-\s]([a-z]{{4}})")


def _prefix_forms(text: str) -> list[str]:
    """``text`` with a prefix hyphenated where it is joined, and joined where it is
    hyphenated or apart ("Posttraumatic Stress Disorder": "Post-traumatic Stress Disorder";
    "Non-alcoholic fatty liver": "Nonalcoholic fatty liver")."""
    forms = (_JOINED.sub(r"\1-\2", text), _HYPHENATED.sub(r"\1\2", text))
    return [f for f in forms if f != text]


def _variants(name: str) -> list[str]:
    """:func:`~kg.link.lexical.variants`, each also without a leading classification code,
    with MeSH's "... Infections" read as MONDO's "... infectious disease", and with an organ
    adjective read as the organ ("Prostatic Neoplasms": prostate neoplasm)."""
    out: list[str] = []
    for v in variants(_HUMAN.sub("", _CODE.sub("", name.strip())) or name):
        for w in (v, _INFECTIONS.sub("infectious disease", v)):
            organ = _ORGAN_ADJECTIVE.sub(lambda m: _ORGAN_ADJECTIVES[m.group(1).lower()], w)
            for x in (w, organ):
                if x not in out:
                    out.append(x)
    return out


# A pathogen named as the condition: "HIV", "Human Immunodeficiency Virus", "Coronavirus
# disease" (a trailing "disease" or "infection" aside).
_PATHOGEN = re.compile(
    r"(?i)^(?P<bug>.*?(?:virus|bacteri(?:um|a)|fung(?:us|i)))(?:\s+(?:disease|infection))?$"
)


def _pathogen(mondo: TermSet, names: Sequence[str]) -> Link | None:
    """A pathogen named as the condition, by an abbreviation ("HIV") or a name ending in
    "virus" ("Coronavirus disease"), whose infection MONDO names ("HIV infection",
    "coronavirus infectious disease"): the infection it causes, ``skos:closeMatch`` 0.8."""
    for name in names:
        m = _PATHOGEN.match(name.strip())
        bug = m.group("bug") if m else (name.strip() if is_abbreviation(name.strip()) else None)
        if not bug:
            continue
        for text in (f"{bug} infection", f"{bug} infectious disease"):
            found = [
                s
                for s in mondo.index.by_fold.get(fold(text), ())
                if _usable(mondo, s.curie) and not s.is_abbreviation
            ]
            if found:
                curie, _ = choose(mondo, (s.curie for s in found))
                return Link(
                    curie=curie,
                    label=mondo.label(curie) or "",
                    predicate=CLOSE_MATCH,
                    justification=LEXICAL_MATCHING,
                    method=NORMALISED_STRING,
                    score=0.8,
                    matched_text=next(s.text for s in found if s.curie == curie),
                    source=mondo.source,
                )
    return None


def _prefixed(mondo: TermSet, names: Sequence[str]) -> Link | None:
    """The name with a prefix written the other way ("Posttraumatic Stress Disorder":
    post-traumatic stress disorder) is a MONDO label or synonym: normalised string (0.85 at
    most; tried after every spelling of the name as written)."""
    forms = [f for n in names for f in _prefix_forms(n)]
    link = from_terms(mondo, forms, keep=lambda c: _usable(mondo, c)) if forms else None
    if link is None:
        return None
    return replace(link, method=NORMALISED_STRING, score=min(link.score, 0.85))


def _without_kind_word(mondo: TermSet, names: Sequence[str]) -> Link | None:
    """A name such as "COVID-19 Disease" or "COVID-19 infection" less a trailing "disease" or
    "infection" is exactly a MONDO label or synonym (normalised string, 0.85)."""
    for name in names:
        bare = _KIND_WORD.sub("", name)
        if bare != name and len(bare) >= _MIN_PHRASE_CHARS:
            found = [
                s
                for s in mondo.index.by_fold.get(fold(bare), ())
                if _usable(mondo, s.curie) and not s.is_abbreviation
            ] or [s for s in mondo.index.by_bag.get(bag_key(bare), ()) if _usable(mondo, s.curie)]
            if found:
                curie, ambiguous = choose(mondo, (s.curie for s in found))
                return Link(
                    curie=curie,
                    label=mondo.label(curie) or "",
                    predicate=CLOSE_MATCH if ambiguous else EXACT_MATCH,
                    justification=LEXICAL_MATCHING,
                    method=NORMALISED_STRING,
                    score=0.7 if ambiguous else 0.85,
                    matched_text=next(s.text for s in found if s.curie == curie),
                    source=mondo.source,
                )
    return None


def link_condition(
    name: str,
    *,
    mesh_ids: Sequence[str] = (),
    mesh_terms: Sequence[str] = (),
    context: ConditionContext | None = None,
    sources: Sources | None = None,
) -> Grounding:
    """The best MONDO (else HPO) term for a condition name, or why there is none (see
    :func:`_link_condition`); a term the record uses for another disease its own titles
    and summary name is replaced as ``data/in_context.tsv`` says (:mod:`kg.link.in_context`)."""
    found = _link_condition(
        name, mesh_ids=mesh_ids, mesh_terms=mesh_terms, context=context, sources=sources
    )
    if found.link is None or context is None or not context.texts:
        return found
    src = sources or default_sources()
    mondo = src.terms("MONDO")

    def named(text: str) -> list[str]:
        return [k.curie for _, k in find_conditions(text, sources=src)]

    return Grounding(in_context(found.link, context.texts, named, mondo.label), None)


def _link_condition(
    name: str,
    *,
    mesh_ids: Sequence[str] = (),
    mesh_terms: Sequence[str] = (),
    context: ConditionContext | None = None,
    sources: Sources | None = None,
) -> Grounding:
    """The best MONDO (else HPO) term for a condition name, or why there is none.

    In order: the condition's MeSH ids where MONDO's term agrees with the name; the curated
    table; MONDO labels and synonyms; an abbreviation the record's text resolves; an HPO
    phenotype of the same name; the name without qualifiers (broader); the nearest MeSH
    ancestor (broader); the MeSH-derived term whose words fit the name. Unlinked: the kind of
    name (:mod:`kg.link.unlinked`).
    """
    src = sources or default_sources()
    ctx = context or ConditionContext(mesh_ids=tuple(mesh_ids))
    names = _variants(name)
    if not names or fold(names[-1]) in STOP_TEXTS:
        return Grounding(None, not_a_condition(name) or UNSPECIFIC)
    mondo = src.terms("MONDO")
    table = load_table(TABLE)
    curated = from_curated(table, names, mondo)
    via_mesh = _mesh_links(src, mesh_ids) if mesh_ids else []
    if link := _agreeing(mondo, via_mesh, names, _confirmed_mesh(table, curated, mesh_ids)):
        return Grounding(link, None)
    if curated is not None:
        return Grounding(curated, None)
    if link := from_terms(mondo, names, keep=lambda c: _usable(mondo, c)):
        return Grounding(link, None)
    if (
        link := _without_kind_word(mondo, names)
        or _prefixed(mondo, names)
        or _category(mondo, name)
    ):
        return Grounding(link, None)
    link, abbreviation = _abbreviation(src, mondo, names, ctx)
    if link is not None:
        return Grounding(link, None)
    if abbreviation:
        return Grounding(None, AMBIGUOUS_ABBREVIATION)
    if link := _pathogen(mondo, names):
        return Grounding(link, None)
    hpo = src.terms(HPO)  # a phenotypic abnormality of the same name (a finding)
    found = (
        from_terms(hpo, names, keep=hpo.usable)
        or _unqualified(mondo, names)
        or _unqualified(hpo, names)
        or _mesh_ancestor(src, mondo, mesh_ids, mesh_terms, ctx)
        or _overlapping(mondo, via_mesh, names)
    )
    if found is not None:
        return Grounding(found, None)
    # "Xerostomia Due to Radiotherapy" is a finding, "Contact Person From COVID-19
    # Confirmed Patient" a population: the kind of the name's first phrase comes first,
    # that of the whole name ("Effect of Drugs") after the phrases it names
    first = _first_phrase(name)
    kind = not_a_condition(name[first[0] : first[1]])
    if kind is None and (
        found := _phrase_in_name(mondo, name) or _finding_in_name(mondo, hpo, name)
    ):
        return Grounding(found, None)
    kind = kind or not_a_condition(name)
    if kind is None and (found := _registry_heading(via_mesh, mesh_ids, mesh_terms, name)):
        return Grounding(found, None)
    if kind is None and ground_intervention(name, sources=src) is not None:
        kind = "intervention"  # a drug named as the condition ("Hydroxychloroquine")
    return Grounding(None, kind or NO_TERM)


# Words a name may add to the one condition it names and still mean just that condition.
_PATIENT_WORDS = frozenset(
    tokens("patient patients with infected infection disease confirmed case cases diagnosed")
)


# Words of a first phrase that says who has the condition, not which ("Hospitalized
# Adults with ...", "People with ...").
_WHO_WORDS = frozenset(
    tokens(
        "the people subject adult child children men women hospitalized hospitalised "
        "suspected critical positive unspecified treatment prevention management diagnosis"
    )
)
_JOINS = frozenset({"and", "or", "and/or", "&"})
_CONJUNCTION = re.compile(r"(?i)\s(?:or|and|and/or|&)\s|/|;")


def _heads(name: str) -> tuple[str, str]:
    """The head word of a name: its last word, or (MeSH's inverted "Carcinoma, Ductal") the
    last word before its first comma."""
    words = re.findall(r"[\w'-]+", name)
    before = re.findall(r"[\w'-]+", name.split(",", 1)[0])
    return (words[-1] if words else "", before[-1] if before else "")


# Words that join a condition to what it is in, with or from: "X in patients with Y", "X due
# to Y", "X induced by Y", "X secondary to Y", "X after Y", "X of Y".
_CONNECTOR = re.compile(
    r"(?i)\s(?:in|with|of|after|following|from|during|due\s+to|secondary\s+to|"
    r"(?:caused|induced|related|associated|triggered)\s+(?:by|with|to)|"
    r"associated\s+with|related\s+to)\s"
)
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def _first_phrase(name: str) -> tuple[int, int]:
    """Where the name's first phrase is: up to its first connector ("Acute respiratory
    distress syndrome | in patients with COVID-19"), brackets included; a first phrase that
    only says who or what is done ("Patients with ...", "Treatment of ...") is passed over."""
    bare = _BRACKETS.sub(lambda m: " " * len(m.group()), name)
    start = 0
    while m := _CONNECTOR.search(bare, start):
        if set(tokens(bare[start : m.start()])) - _PATIENT_WORDS - _WHO_WORDS:
            break
        start = m.end()  # "Patients with ...": the head is in what follows
    return start, (m.start() if m else len(bare))


def _head_span(name: str) -> tuple[int, int] | None:
    """Where the head word of a name is: the last word of its first phrase
    (:func:`_first_phrase`; "Acute respiratory distress syndrome in patients with
    COVID-19": "syndrome"; "COVID-19 induced respiratory failure": "failure"), brackets and
    qualifiers aside."""
    start, end = _first_phrase(name)
    bare = _BRACKETS.sub(lambda m: " " * len(m.group()), name)
    words = [w for w in re.finditer(r"[^\W_]+", bare[start:end]) if fold(w.group()) not in _JOINS]
    words = [w for w in words if fold(w.group()) not in QUALIFIERS] or words
    if not words:
        return None
    return (start + words[-1].start(), start + words[-1].end())


def _head_condition(
    mondo: TermSet, name: str, hits: list[tuple[str, CuratedRow | list[Surface]]]
) -> Link | None:
    """Of the conditions a name names ("Severe pneumonia induced by COVID-19", "ARDS
    in patients with COVID-19", "COVID-19 Pneumonia"), the one whose phrase ends at the
    name's head word: the name is that condition in a narrower sense (``skos:broadMatch``,
    0.5). None where no phrase ends there or it is a generic one ("infection")."""
    head = _head_span(name)
    if head is None or "," in _BRACKETS.sub("", name):
        return None  # "Pulmonary Embolism, Deep Vein Thrombosis": a list, not one condition
    for span, hit in hits:
        at = name.find(span)
        if at < 0 or at + len(span) != head[1] or _generic(hit):
            continue
        if at > 0 and name[at - 1] == "-":
            return None  # part of a compound: "Post-COVID-19 Syndrome"
        link = _text_link(mondo, hit, span)
        if link.predicate != EXACT_MATCH:
            return None
        return replace(
            link,
            predicate=BROAD_MATCH,
            method=PHRASE_IN_NAME,
            justification=LEXICAL_MATCHING,
            score=0.5,
        )
    return None


def _finding_in_name(mondo: TermSet, hpo: TermSet, name: str) -> Link | None:
    """The HPO finding a longer name names ("Xerostomia Due to Radiotherapy", "Vasodilatory
    Shock"), as :func:`_phrase_in_name` finds it, where the name names no MONDO condition
    at all; always ``skos:broadMatch`` (0.5 at most): a finding says less than the name."""
    if any(not _generic(hit) for _, hit in _scan(_phrases(mondo), name)):
        return None  # "Diabetes Mellitus, Type 2, Cancer": a MONDO condition is named too
    link = _phrase_in_name(hpo, name)
    if link is None:
        return None
    return replace(link, predicate=BROAD_MATCH, score=min(link.score, 0.5))


def _phrase_in_name(mondo: TermSet, name: str) -> Link | None:
    """The one condition a longer name names, found as the free-text scanner finds it (MONDO
    labels, exact synonyms, curated names) covering at least a third of the name's words.

    "Patients with COVID19": ``skos:closeMatch`` 0.7 (the rest only says who has it);
    "Pneumonia induced by covid19" with one condition found: ``skos:broadMatch`` 0.5. A name
    that names two conditions ("ARDS in patients with COVID-19"), or joins things with "or",
    "and", "/", is not linked this way.
    """
    hits = _scan(_phrases(mondo), name)
    if _CONJUNCTION.search(name):
        # "Gastric or Gastroesophageal Junction Adenocarcinoma": several things; but
        # "Suspected or Confirmed COVID-19", "Moderate and Severe COVID-19" name one
        named = {w for s, _ in hits for w in _content(s)}
        said = _PATIENT_WORDS | _WHO_WORDS | {fold(q) for q in QUALIFIERS}
        if len(hits) != 1 or _content(name) - named - said:
            return None
    links: dict[str, tuple[str, CuratedRow | list[Surface]]] = {}
    for span, hit in hits:  # the first place each term is named
        links.setdefault(_text_link(mondo, hit, span).curie, (span, hit))
    # several terms on one line of descent ("Coronavirus Disease (COVID-19)"): the most
    # specific; terms of different lines: the one that is the name's head, if any
    deepest = [c for c in links if all(o == c or o in mondo.ancestors(c) for o in links)]
    if len(deepest) != 1:
        return _head_condition(mondo, name, hits)
    span, hit = links[deepest[0]]
    if _generic(hit):
        return None
    at = name.find(span)
    if at > 0 and name[at - 1] == "-":
        return None  # part of a compound: "Acute-On-Chronic Liver Failure", "Post-COVID-19"
    words = _content(name)
    matched = {w for s, _ in hits for w in _content(s)}
    # one word that is not the name's head: "Burn Out", "... Immunodeficiency Virus"
    head = _head_span(name)
    heads = {*map(fold, _heads(name)), fold(name[head[0] : head[1]]) if head else ""}
    if len(hits) == 1 and len(tokens(span)) == 1 and fold(span) not in heads:
        return None
    first = _first_phrase(name)
    if _CONNECTOR.search(name) and not first[0] <= at < first[1]:
        return None  # "Fibrosis after COVID-19 Pneumonia" is not COVID-19
    if not words or 3 * len(matched & words) < len(words):
        return None
    link = _text_link(mondo, hit, span)
    if link.predicate == BROAD_MATCH:  # a curated broader term ("COVID-19 pneumonia"): broader
        return replace(link, method=PHRASE_IN_NAME, score=min(link.score, 0.5))
    if link.predicate not in (EXACT_MATCH, CLOSE_MATCH):
        return None
    close = not (words - matched - _PATIENT_WORDS)
    return replace(
        link,
        predicate=CLOSE_MATCH if close else BROAD_MATCH,
        method=PHRASE_IN_NAME,
        justification=LEXICAL_MATCHING,
        score=0.7 if close else 0.5,
    )


def condition_parts(
    name: str, *, context: ConditionContext | None = None, sources: Sources | None = None
) -> list[tuple[str, Link]]:
    """The conditions of a field that lists several ("Pulmonary Embolism, Deep Vein
    Thrombosis"; see :func:`kg.link.parts.split_parts`), each ``(part as written, link)``,
    when every part links on its own (:func:`link_condition`, with the record's context);
    else ``[]``. Called for a field that links to nothing as a whole."""
    out: list[tuple[str, Link]] = []
    for part in split_parts(name):
        try:
            found = link_condition(part, context=context, sources=sources).link
        except SSSOMNotFoundError:  # linked by name, as the whole was
            texts = ConditionContext(context.texts) if context else None
            found = link_condition(part, context=texts, sources=sources).link
        if found is None:
            return []
        out.append((part, found))
    return out


def ground_condition(
    name: str,
    *,
    mesh_ids: Sequence[str] = (),
    mesh_terms: Sequence[str] = (),
    context: ConditionContext | None = None,
    sources: Sources | None = None,
) -> Link | None:
    """The best MONDO (else HPO) term for a condition name, or None (see :func:`link_condition`)."""
    return link_condition(
        name, mesh_ids=mesh_ids, mesh_terms=mesh_terms, context=context, sources=sources
    ).link


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
        score=curated_score(row.predicate, 1.0 if fold(span) == fold(row.name) else 0.95),
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
