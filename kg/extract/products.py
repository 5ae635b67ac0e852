"""Cell products named in free text: name as written, cell type (CL), tissue (UBERON), donor.

>>> [(p.name, p.cell_type, p.tissue, p.donor.value) for p in extract_products(
...     "intramedullary injection of 4 x 107 WJ-MSCs", field="arm")]
[('WJ-MSCs', 'CL:0002568', 'UBERON:0003422', 'unknown')]
>>> [(p.name, p.tissue) for p in extract_products(
...     "Safety of hMSC100 (Human UC-MSC Injection) in women", field="title")]
[('hMSC100', 'UBERON:0002331')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract.tables import GENERIC_MSC, MSC_PREFIX_TISSUE, TISSUES, Tissue
from kg.extract.text import clause_bounds, is_negated, sentences_of, word_starts
from kg.model import CellProduct, Donor

__all__ = [
    "Mention",
    "donor_words",
    "extract_products",
    "find_mentions",
    "merge_mentions",
    "tissue_by_uberon",
]

_TISSUE_BY_KEY: dict[str, Tissue] = {t.key: t for t in TISSUES}
_TISSUE_BY_UBERON: dict[str, Tissue] = {t.uberon: t for t in TISSUES}
_TISSUE_RE = re.compile(
    "|".join(f"(?P<{t.key}>{t.pattern})" for t in TISSUES),
    re.IGNORECASE,
)

_DERIVED_PRODUCT = (
    r"exosomes?|secretomes?|secretions?|conditioned|extracellular|vesicles?|EVs?\b|lysates?"
    r"|supernatants?|culture[\s-]+media|culture[\s-]+medium"
)
# A word for a product made from the cells, not the cells: "MSC-derived exosomes".
_NOT_CELLS_AFTER = re.compile(rf"[\s-]*(?:derived[\s-]+)?(?:{_DERIVED_PRODUCT})", re.IGNORECASE)
_NOT_CELLS_BEFORE = re.compile(
    rf"(?:{_DERIVED_PRODUCT})(?:[\s-]+(?:of|from|derived\s+from))?[\s-]*$", re.IGNORECASE
)

_CORE_TISSUE = (
    r"bone[\s-]+marrow|adipose(?:[\s-]+tissue)?|umbilical[\s-]+cord|placental?|amniotic"
    r"|wharton[’'`]?s?[\s-]+jelly"
)
_MSC_PHRASE = (
    r"(?:multi-?potent\s+)?mesenchymal"
    rf"(?:[\s-]+(?:{_CORE_TISSUE})(?:[\s-]+derived)?)?"
    r"(?:[\s-]+(?:stem|stromal|progenitor|precursor)(?:\s*/\s*(?:stem|stromal|progenitor))?)?"
    r"[\s-]+cells?\b"
)
# "adipose-derived stem cells" are MSCs; "bone marrow stem cells" need not be (only
# "bone marrow stromal cells" are read).
_TISSUE_STEM_PHRASE = (
    r"(?:(?P<ts_tissue>dental[\s-]+pulp|adipose|umbilical[\s-]+cord|placenta|placental|amniotic"
    r"|amnion|wharton[’'`]?s?[\s-]+jelly)(?:[\s-]+(?:tissue|derived|origin))*[\s-]+(?:stem|stromal)"
    r"|(?P<ts_stromal>bone[\s-]+marrow|cord[\s-]+blood)(?:[\s-]+(?:derived|origin))*[\s-]+stromal"
    r"|(?P<ts_weak>bone[\s-]+marrow|cord[\s-]+blood)(?:[\s-]+(?:derived|origin))*[\s-]+stem)"
    r"[\s-]+cells?\b"
)

# Mentions, in priority order of alternatives at one position (longest first in practice).
_MENTION = re.compile(
    r"(?P<ipsc>(?:(?<![\w-])(?:h|hu)?iPSCs?(?![\w])"
    r"|(?i:induced[\s-]+pluripotent[\s-]+stem[\s-]+cells?))"
    r"(?i:[\s-]*(?:derived|differentiated)(?:[\s-]+[A-Za-z]+){0,3}?[\s-]+"
    r"\w*(?:cells?|MSCs?|progenitors?|cytes|blasts|neurons))?)"
    rf"|(?P<phrase>(?i:{_MSC_PHRASE}))"
    rf"|(?P<tstem>(?i:{_TISSUE_STEM_PHRASE}))"
    r"|(?<![\w-])(?P<msc>(?P<mpre>[A-Za-z]{1,5}-?)?MSCs?(?P<msuf>(?:-(?!derived\b)[A-Za-z0-9]+)+|\d+)?)"
    r"(?![\w-])"
    r"|(?<![\w-])(?P<mpc>h?MPCs?)(?![\w-])"
    r"|(?<![\w-])(?P<asc>(?P<apre>(?:Allo|allo|Auto|auto|hAT|AT|hAD|AD|h)-?)?(?:ADSC|ASC)s?)(?![\w-])"
    r"|(?<![\w-])(?P<dpsc>h?DPSCs?|SHEDs?)(?![\w-])"
    r"|(?P<svf>\bSVF\b|(?i:stromal[\s-]+vascular[\s-]+fraction))"
    r"|(?<![\w-])(?P<code>[A-Za-z0-9]{1,13}SCs?)(?![\w-])"
)

# Every mention starts with one of these words, or is the word holding one of these letters.
_MENTION_WORDS = (
    "multi",
    "mesenchymal",
    "dental",
    "adipose",
    "umbilical",
    "placenta",
    "amnio",
    "wharton",
    "bone",
    "cord",
    "induced",
    "stromal",
    "svf",
)
_MENTION_WORD = re.compile(rf"\b(?:{'|'.join(_MENTION_WORDS)})", re.IGNORECASE)
_MENTION_CORE = re.compile(r"SC|MPC|SHED")

_LEFT_MODIFIERS = re.compile(
    r"(?:(?:human|adult|allogeneic|allogenic|allogenous|allogeneous|autologous|autologus"
    r"|(?:culture-)?expanded|cultured|ex[\s-]+vivo[\s-]+expanded|derived|umbilical|cord|bone"
    r"|marrow|adipose|tissue|wharton[’'`]?s?|jelly|amniotic|amnion|placental?|iliac|donor"
    r"|healthy|third[\s-]party|fetal|neonatal|allo|auto|hUC|UC|BM|AD|WJ|\w+-derived|GMP|blood"
    r"|peripheral"
    r"|off-the-shelf)[\s-]+)+$",
    re.IGNORECASE,
)
_SOURCE_MODIFIER = (
    r"(?:the|a|an|human|healthy|expanded|cultured|iliac|donors?|donor[’']s|autologous"
    r"|allogeneic|own|patients?[’']?s?|subcutaneous|abdominal|crest|fresh|full-term|term"
    r"|neonatal|newborn|expanded)"
)
_RIGHT_SOURCE = re.compile(
    r"(?:\s*[(（][^()（）]{1,25}[)）])?[\s,]+"
    r"(?P<aux>(?:which\s+are|that\s+are|will\s+be|are|were|is|was)\s+)?"
    r"(?:(?:derived|isolated|obtained|expanded|harvested|prepared|sourced|taken|drived"
    r"|originated|originating|coming)\s+)?"
    rf"(?:from|of|origin\s+of)\s+(?:{_SOURCE_MODIFIER}[\s-]+){{0,2}}",
    re.IGNORECASE,
)
_SOURCE_BEFORE_TISSUE = re.compile(
    rf"(?:\bfrom|\bof)\s+(?:{_SOURCE_MODIFIER}[\s-]+){{0,2}}$", re.IGNORECASE
)
_DERIVED_AFTER_TISSUE = re.compile(r"(?:[\s-]+tissue)?[\s-]*derived\b", re.IGNORECASE)

_TRANSPLANT_CONTEXT = (
    r"(?![\s-]+(?:hematopoietic|haematopoietic|HSCT|HCT|SCT|BMT|HSC|PBSC|transplant\w*"
    r"|(?:peripheral\s+blood\s+)?stem[\s-]+cell[\s-]+transplant\w*|bone[\s-]+marrow[\s-]+transplant\w*"
    r"|cord[\s-]+blood[\s-]+transplant\w*|recipients?|grafts?\b|donors?\b))"
)
_DONOR_WORDS = re.compile(
    r"(?P<allo>(?:allo-?\s?gene?ic|allogenous|allogeneous|allogenetic|\ballo\b|\ballo-"
    r"(?!HSCT|HCT|SCT|BMT|transplant))" + _TRANSPLANT_CONTEXT + r"|third[\s-]+party"
    r"|donor[\s-]+derived|(?:healthy|unrelated|volunteer)\s+donors?|from\s+(?:a\s+|the\s+)?donors?\b"
    r"|\bdonors?[’']?s?\s+(?=(?:bone|adipose|umbilical|placenta|mesenchymal|MSC|cells)))"
    r"|(?P<auto>(?:auto-?\s?logous|autologus|autologue|\bauto\b|\bauto-(?!HSCT|HCT|SCT|BMT))"
    + _TRANSPLANT_CONTEXT
    + r"|patients?[’']?\s*[’']?s?\s+own\b|(?:their|his|her)\s+own\b|self-derived)",
    re.IGNORECASE,
)
_COLON_DEFINITION = re.compile(r"\s*:\s*(?:\w+\s+){0,6}")  # "TC-MSC: a cell product containing"
_PAREN_OPEN = re.compile(r"\s*(?:(?:for\s+)?\w+\s+){0,2}[(（]\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where a text names a cell product."""

    start: int
    end: int
    name: str
    cell_type: str | None
    tissue: str | None  # UBERON CURIE
    donor: Donor
    kind: str  # "phrase", "abbr", "code", "ipsc", "svf"; "weak": a tissue's stem cells
    negated: bool = False

    @property
    def specific(self) -> bool:
        """Typed beyond a generic MSC (a tissue, or a cell type other than CL:0000134)."""
        return self.tissue is not None or (
            self.cell_type is not None and self.cell_type != GENERIC_MSC
        )


def tissue_by_uberon(uberon: str) -> Tissue | None:
    return _TISSUE_BY_UBERON.get(uberon)


def _tissue_of(text: str) -> Tissue | None:
    m = _TISSUE_RE.search(text)
    return None if m is None else _TISSUE_BY_KEY[str(m.lastgroup)]


def _typed(tissue: Tissue | None) -> tuple[str | None, str | None]:
    """(cell type, tissue) of an MSC mention from ``tissue``."""
    if tissue is None:
        return GENERIC_MSC, None
    return tissue.cell_type, tissue.uberon


def _classify(m: re.Match[str]) -> tuple[str, str | None, str | None, Donor] | None:
    """(kind, cell type, tissue, donor) of one mention match."""
    donor = Donor.UNKNOWN
    if m.group("ipsc") is not None:
        return "ipsc", None, None, donor
    if m.group("phrase") is not None:
        cell, tissue = _typed(_tissue_of(m.group("phrase")))
        return "phrase", cell, tissue, donor
    if m.group("ts_weak") is not None:
        # "bone marrow stem cells": a tissue, but not necessarily MSCs; never a product
        tissue_t = _tissue_of(m.group("ts_weak"))
        return "weak", None, tissue_t.uberon if tissue_t else None, donor
    if m.group("tstem") is not None:
        cell, tissue = _typed(_tissue_of(m.group("ts_tissue") or m.group("ts_stromal")))
        return "phrase", cell, tissue, donor
    if m.group("msc") is not None:
        pre = (m.group("mpre") or "").rstrip("-").lower()
        suf = m.group("msuf") or ""
        if pre in {"allo", "auto"}:
            donor = Donor.ALLOGENEIC if pre == "allo" else Donor.AUTOLOGOUS
        if pre not in MSC_PREFIX_TISSUE:
            return "code", None, None, donor
        suf_tissue = _tissue_of(suf) if suf else None
        key = MSC_PREFIX_TISSUE[pre] or (suf_tissue.key if suf_tissue else None)
        if key is None and suf:
            return "code", None, None, donor  # "hMSC100": kept as written, untyped
        cell, tissue = _typed(_TISSUE_BY_KEY[key] if key else None)
        return "abbr", cell, tissue, donor
    if m.group("mpc") is not None:  # mesenchymal precursor cells
        return "abbr", GENERIC_MSC, None, donor
    if m.group("asc") is not None:
        pre = (m.group("apre") or "").rstrip("-").lower()
        if pre in {"allo", "auto"}:
            donor = Donor.ALLOGENEIC if pre == "allo" else Donor.AUTOLOGOUS
        cell, tissue = _typed(_TISSUE_BY_KEY["adipose"])
        return "abbr", cell, tissue, donor
    if m.group("dpsc") is not None:
        cell, tissue = _typed(_TISSUE_BY_KEY["dental_pulp"])
        return "abbr", cell, tissue, donor
    if m.group("svf") is not None:
        return "svf", None, _TISSUE_BY_KEY["adipose"].uberon, donor
    code = m.group("code")
    if not re.search(r"[a-z0-9]", code[: code.rindex("SC")]):
        return None  # "PSC", "HSCs": all-capital abbreviations are too ambiguous to read
    return "code", None, None, donor


def _widen(text: str, start: int, end: int, kind: str) -> tuple[int, int, Tissue | None]:
    """Extend a mention over its modifiers ("human umbilical cord-derived ...", "... from the
    umbilical cord"); return the tissue the extension names."""
    tissue: Tissue | None = None
    if kind in {"phrase", "abbr", "code"}:
        left = _LEFT_MODIFIERS.search(text[max(0, start - 80) : start])
        if left is not None:
            start -= len(left.group(0))
            tissue = _tissue_of(left.group(0))
    if kind in {"phrase", "abbr"}:
        src = _RIGHT_SOURCE.match(text, end)
        if src is not None:
            t = _TISSUE_RE.match(text, src.end())
            if t is not None:
                if src.group("aux") is None:  # "MSCs from the umbilical cord" is the name
                    end = t.end()
                tissue = tissue or _TISSUE_BY_KEY[str(t.lastgroup)]
    return start, end, tissue


def _not_cells(text: str, start: int, end: int) -> bool:
    return (
        _NOT_CELLS_AFTER.match(text, end) is not None
        or _NOT_CELLS_BEFORE.search(text[max(0, start - 40) : start]) is not None
    )


def _sentence_tissues(text: str, lo: int, hi: int) -> list[tuple[int, Tissue]]:
    """Tissues a sentence names as a source: "from (the) bone marrow", "adipose-derived"."""
    found: list[tuple[int, Tissue]] = []
    for t in _TISSUE_RE.finditer(text, lo, hi):
        before = text[max(lo, t.start() - 40) : t.start()]
        if _SOURCE_BEFORE_TISSUE.search(before) or _DERIVED_AFTER_TISSUE.match(text, t.end()):
            found.append((t.start(), _TISSUE_BY_KEY[str(t.lastgroup)]))
    return found


def _context_tissue(tissues: list[tuple[int, Tissue]], start: int, end: int) -> Tissue | None:
    distinct = {t.key for _, t in tissues}
    if len(distinct) == 1:
        return tissues[0][1]
    near = [(min(abs(p - start), abs(p - end)), t) for p, t in tissues]
    near = [x for x in near if x[0] <= 60]
    return min(near, key=lambda x: x[0])[1] if near else None


def donor_words(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, Donor]]:
    """Explicit donor words in ``text[lo:hi]``: allogeneic/third-party/... or autologous/own."""
    out: list[tuple[int, int, Donor]] = []
    for m in _DONOR_WORDS.finditer(text, lo, len(text) if hi is None else hi):
        donor = Donor.ALLOGENEIC if m.group("allo") is not None else Donor.AUTOLOGOUS
        out.append((m.start(), m.end(), donor))
    return out


def _mention_donor(text: str, start: int, end: int, prev_end: int, next_start: int) -> Donor:
    left, right = clause_bounds(text, start, end)
    lo = max(left, prev_end, start - 70)
    hi = min(right, next_start, end + 25)
    words = donor_words(text, lo, hi)
    if not words:
        return Donor.UNKNOWN
    nearest = min(words, key=lambda w: start - w[1] if w[1] <= start else w[0] - end + 30)
    return nearest[2]


def find_mentions(text: str) -> tuple[Mention, ...]:
    """Every cell-product mention in ``text`` (negated ones flagged), in text order."""
    return _find_mentions(text)


def _mention_word_starts(text: str) -> set[int]:
    """Where :data:`_MENTION_WORD` matches; found (faster) as the words' occurrences at word
    starts in the lower-cased text where that gives the same: a lower-cased text of the
    same length (no character lower-cased to two) without "ı" or "ſ". Ignoring case, no
    other character but the two cases of a letter of the words matches that letter, each
    lower-cases to it, and lower-casing keeps word characters word characters and others
    not (all checked over the whole of Unicode in the tests)."""
    low = text.lower()
    if len(low) != len(text) or "ı" in text or "ſ" in text:
        return {m.start() for m in _MENTION_WORD.finditer(text)}
    return set(word_starts(low, _MENTION_WORDS))


def _mention_matches(text: str) -> list[re.Match[str]]:
    """Matches of :data:`_MENTION`, tried only where a mention can start (fast)."""
    starts = _mention_word_starts(text)
    for core in _MENTION_CORE.finditer(text):
        i = core.start()
        while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "-"):
            i -= 1
        starts.add(i)
    out: list[re.Match[str]] = []
    taken = 0
    for pos in sorted(starts):
        if pos < taken:
            continue
        m = _MENTION.match(text, pos)
        if m is not None:
            out.append(m)
            taken = m.end()
    return out


@lru_cache(maxsize=4096)
def _find_mentions(text: str) -> tuple[Mention, ...]:
    raw: list[tuple[int, int, str, str | None, str | None, Donor]] = []
    last_end = -1
    for m in _mention_matches(text):
        if m.start() < last_end or _not_cells(text, m.start(), m.end()):
            continue
        info = _classify(m)
        if info is None:
            continue
        kind, cell, tissue, donor = info
        start, end, wide_tissue = _widen(text, m.start(), m.end(), kind)
        start = max(start, last_end)
        if tissue is None and wide_tissue is not None and kind in {"phrase", "abbr"}:
            cell, tissue = _typed(wide_tissue)
        raw.append((start, end, kind, cell, tissue, donor))
        last_end = end
    out: list[Mention] = []
    for i, (start, end, kind, raw_cell, raw_tissue, raw_donor) in enumerate(raw):
        cell, tissue, donor = raw_cell, raw_tissue, raw_donor
        if tissue is None and kind in {"phrase", "abbr"}:
            lo, hi = sentences_of(text).bounds(start)
            ctx = _context_tissue(_sentence_tissues(text, lo, hi), start, end)
            if ctx is not None:
                cell, tissue = _typed(ctx)
        if donor is Donor.UNKNOWN:
            prev_end = raw[i - 1][1] if i else 0
            next_start = raw[i + 1][0] if i + 1 < len(raw) else len(text)
            donor = _mention_donor(text, start, end, prev_end, next_start)
        negated = is_negated(text, start, end)
        out.append(Mention(start, end, text[start:end], cell, tissue, donor, kind, negated))
    return tuple(out)


def _code_like(m: Mention) -> bool:
    return m.kind in {"abbr", "code"} and " " not in m.name.strip()


def _merge_two(a: Mention, b: Mention, text: str) -> Mention:
    """One product named twice in a row: "Allo-ASC" defined as "adipose-derived MSCs"."""
    typed = a if a.specific else b if b.specific else a if a.cell_type else b
    named = b if _code_like(b) and not _code_like(a) else a
    start, end = min(a.start, b.start), max(a.end, b.end)
    donor = a.donor if a.donor is not Donor.UNKNOWN else b.donor
    return Mention(
        start,
        end,
        named.name,
        typed.cell_type,
        typed.tissue,
        donor,
        named.kind,
        a.negated and b.negated,
    )


def _linked(a: Mention, b: Mention, text: str) -> bool:
    gap = text[a.end : b.start]
    if _PAREN_OPEN.fullmatch(gap) is not None or _PAREN_OPEN.search(gap) is not None:
        close = text.find(")", b.end, b.end + 30)
        close2 = text.find("）", b.end, b.end + 30)
        return (close >= 0 or close2 >= 0) and len(gap) <= 30
    return a.kind == "code" and _COLON_DEFINITION.fullmatch(gap) is not None


def merge_mentions(mentions: tuple[Mention, ...], text: str) -> list[Mention]:
    """Join a name and its definition in parentheses or after a colon into one mention."""
    out: list[Mention] = []
    for m in mentions:
        if out and _linked(out[-1], m, text):
            out[-1] = _merge_two(out[-1], m, text)
        else:
            out.append(m)
    return out


def _norm_name(name: str) -> str:
    return re.sub(r"[\s-]+", " ", name.lower()).rstrip("s ")


def extract_products(text: str, *, field: str) -> list[CellProduct]:
    """Cell products named in ``text`` (not negated ones), one per distinct name."""
    products: list[CellProduct] = []
    seen: dict[str, int] = {}
    for m in merge_mentions(find_mentions(text), text):
        if m.negated or m.kind == "weak":
            continue
        key = _norm_name(m.name)
        product = CellProduct(
            name=m.name,
            cell_type=m.cell_type,
            tissue=m.tissue,
            donor=m.donor,
            evidence=text[m.start : m.end],
            evidence_field=field,
        )
        if key in seen:
            i = seen[key]
            old = products[i]
            products[i] = replace(
                old,
                cell_type=old.cell_type or product.cell_type,
                tissue=old.tissue or product.tissue,
                donor=old.donor if old.donor is not Donor.UNKNOWN else product.donor,
            )
            continue
        seen[key] = len(products)
        products.append(product)
    return products
