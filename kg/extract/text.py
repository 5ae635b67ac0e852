"""Small text helpers shared by the extractors: sentences, clauses, number words."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache

__all__ = [
    "NUMBER_WORDS",
    "ORDINAL_WORDS",
    "Sentences",
    "clause_bounds",
    "is_negated",
    "parse_count",
    "sentences_of",
    "word_starts",
]

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}

# A sentence ends at . ! ? ; followed by white space (not inside "1.5", not after "i.v.",
# "e.g.", "vs.", "q.d."), or at a line break.
_SENTENCE_END = re.compile(
    r"(?<![\s(]i\.v)(?<![\s(]i\.m)(?<![\s(]s\.c)(?<![\s(]e\.g)(?<![\s(]i\.e)(?<!\svs)"
    # prescription shorthand: "q.d. for 3 days", "b.i.w. for 2 weeks"
    r"(?<![\s(]q\.d)(?<![\s(]q\.w)(?<![\s(]b\.i\.w)(?<![\s(]t\.i\.w)"
    r"(?<!\sapprox)[.!?;。](?=\s)|\n",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.!?;:。,()（）\[\]]|\n|\s(?:but|whereas|while)\s")
# A negation cue, then only words that keep the cue on the product ("does not contain any",
# "no intravenous infusion of", "without"), then the product.
_NEG_BEFORE = re.compile(
    r"(?:\b(?:not|no|without|never|nor)|n't)"
    r"(?:[\s-]+(?:contain|contains|containing|any|receive|received|receiving|given|be|being"
    r"|the|of|a|an|infusion|infusions|injection|injections|transplantation|implantation"
    r"|administration|treatment|use|using|with|additional|intravenous|iv|local|human"
    r"|allogeneic|autologous|cell|cells|stem))*(?:[\s-]+[\w’'-]+){0,2}?[\s-]+$",
    re.IGNORECASE,
)
# The product, then a negated verb: "will be not given", "will not be given", "is not used".
_NEG_AFTER = re.compile(
    r"^(?:\s*\([^()]{0,40}\))?\s+(?:(?:will|shall|would|is|are|was|were|be|being|do|does|did"
    r"|can|could|may|might|should|must)\s+){0,2}(?:not|never)\b|^\s+(?:cannot|can't|won't)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def sentences_of(text: str) -> Sentences:
    """The (cached) sentence boundaries of ``text``."""
    return Sentences(text)


class Sentences:
    """Sentence boundaries of one text, for quick "which sentence holds offset i" lookups."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, text: str) -> None:
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        self._starts = [0, *ends]
        ends.append(len(text))
        self._ends = ends

    def bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset``."""
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self._starts[i], self._ends[i]

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self._starts, self._ends, strict=True))


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: up to the nearest punctuation on each side."""
    left = 0
    for m in _CLAUSE_END.finditer(text, max(0, start - 300), start):
        left = m.end()
    m2 = _CLAUSE_END.search(text, end, min(len(text), end + 300))
    right = m2.start() if m2 else min(len(text), end + 300)
    return left, right


def is_negated(text: str, start: int, end: int) -> bool:
    """True when the span is negated in its clause.

    >>> t = "Placebo infusion that does not contain any mesenchymal stem cells."
    >>> is_negated(t, t.index("mesenchymal"), t.index(" cells") + 6)
    True
    >>> t = "Patients who did not respond to steroids receive MSC."
    >>> is_negated(t, t.index("MSC"), t.index("MSC") + 3)
    False
    """
    left, right = clause_bounds(text, start, end)
    if _NEG_BEFORE.search(text[left:start]) is not None:
        return True
    return _NEG_AFTER.match(text[end:right]) is not None


def parse_count(word: str) -> int | None:
    """'3' -> 3, 'three' -> 3, 'III' is not read; None for anything else.

    >>> parse_count("Four"), parse_count("12"), parse_count("many")
    (4, 12, None)
    """
    w = word.strip().lower()
    if w.isdigit():
        return int(w) if len(w) <= 3 else None
    return NUMBER_WORDS.get(w)


_WORD_CHAR = re.compile(r"\w")


def word_starts(low: str, words: Iterable[str]) -> Iterator[int]:
    """Offsets in ``low`` (a lower-cased text) where one of ``words`` starts a word: the
    cheap stand-in for a case-insensitive ``\\b(?:word|...)`` regex, found by ``str.find``
    (where it gives the same offsets: see the callers and tests/test_fast_paths.py)."""
    for word in words:
        i = low.find(word)
        while i >= 0:
            if i == 0 or _WORD_CHAR.match(low, i - 1) is None:
                yield i
            i = low.find(word, i + 1)
