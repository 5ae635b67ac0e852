"""String normalisation shared by every matcher in :mod:`kg.link`.

Two levels:

* :func:`fold`: what "exact" means here: Unicode NFKC, case-folded, typographic apostrophes and
  dashes made plain, runs of white space collapsed. ``"Wharton’s  Jelly"`` and
  ``"wharton's jelly"`` fold alike.
* :func:`bag_key`: the "normalised string": words only (punctuation dropped, accents
  stripped, possessive ``'s`` dropped, plurals made singular, British spellings made
  American (``haemo-``, ``oedema``, ``tumour``), ``-ological`` read as ``-ologic``, ``vs`` as
  ``versus``, ``disorder`` as ``disease``, letters and digits split (``Covid19``),
  ``of``/``the``/``a``/``an`` dropped), sorted, so that word order does not count:
  ``"Fractures, Osteoporotic"`` and ``"osteoporotic fracture"`` share a key.

>>> bag_key("Fractures, Osteoporotic") == bag_key("osteoporotic fracture")
True
>>> tokens("Crohn's Disease")
['crohn', 'disease']
>>> bag_key("Haemochromatosis") == bag_key("hemochromatosis"), tokens("Covid19")
(True, ['covid', '19'])
>>> singular("cirrhoses"), singular("nephropathies"), singular("abscesses")
('cirrhosis', 'nephropathy', 'abscess')
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = [
    "Token",
    "bag_key",
    "bag_of",
    "fold",
    "folded_bag_key",
    "folded_tokens",
    "phrase_key",
    "singular",
    "spans",
    "tokens",
]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-"})
_SPACE = re.compile(r"\s+")
# A word: letters and digits, with an optional possessive 's glued to it.
# A word: a run of letters (with an optional possessive 's) or a run of digits, so that
# "Covid19" and "COVID-19" both give "covid", "19".
_WORD = re.compile(r"[^\W\d_]+(?:'s\b)?|\d+")
_FILLER = frozenset({"of", "the", "a", "an"})
_RESPELL = {"vs": "versus", "v": "versus", "disorder": "disease"}
_KEEP_S = ("ss", "us", "is", "ys", "as", "os")


def fold(text: str) -> str:
    """Case-fold and tidy ``text`` (the key of the "exact" matchers)."""
    if text.isascii():
        text = text.replace("`", "'")
    else:
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    if "  " in text or "\t" in text or "\n" in text:
        text = _SPACE.sub(" ", text)
    return text.strip().casefold()


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def singular(word: str) -> str:
    """A crude English singular, applied alike to both sides of every comparison."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("oses"):
        return word[:-4] + "osis"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def _american(word: str) -> str:
    """British medical spellings made American: haem-, anaemia, oedema, diarrhoea, tumour."""
    if "ae" in word and not word.startswith("ae"):
        word = word.replace("ae", "e")
    if word.startswith("oe"):
        word = "e" + word[2:]
    if "oe" in word:
        word = word.replace("rrhoe", "rrhe").replace("foet", "fet")
    if word.endswith("ological"):  # haematological -> hematologic
        word = word[:-2]
    return word.replace("tumour", "tumor")


def _norm_word(raw: str) -> str:
    word = raw[:-2] if raw.endswith("'s") else raw
    word = singular(_american(_strip_accents(word)))
    return _RESPELL.get(word, word)


class _WordCache(dict[str, str]):
    """Normalised form of each raw word seen so far (vocabularies are small)."""

    def __missing__(self, raw: str) -> str:
        word = _norm_word(raw)
        if len(self) < 500_000:
            self[raw] = word
        return word


_WORDS = _WordCache()


class Token(NamedTuple):
    """A normalised word and where its raw form sits in the text."""

    word: str
    start: int
    end: int


def spans(text: str) -> list[Token]:
    """Normalised words of ``text`` with their character offsets in ``text``."""
    tidy = text.translate(_APOSTROPHES)  # same length as text: offsets stay valid
    return [Token(_WORDS[m.group().casefold()], m.start(), m.end()) for m in _WORD.finditer(tidy)]


def tokens(text: str) -> list[str]:
    """Normalised words of ``text``, in order."""
    return folded_tokens(fold(text))


def folded_tokens(folded: str) -> list[str]:
    """:func:`tokens` of text already passed through :func:`fold`."""
    words = _WORDS
    return [words[w] for w in _WORD.findall(folded)]


def phrase_key(text: str) -> tuple[str, ...]:
    """Normalised words in order: the key of the text scanner."""
    return tuple(tokens(text))


def bag_key(text: str) -> str:
    """Order-free normalised key: sorted words without filler words."""
    return folded_bag_key(fold(text))


def folded_bag_key(folded: str) -> str:
    """:func:`bag_key` of text already passed through :func:`fold`."""
    return bag_of(folded_tokens(folded))


def bag_of(words: list[str]) -> str:
    """The :func:`bag_key` of already normalised words."""
    kept = [w for w in words if w not in _FILLER]
    kept.sort()
    return " ".join(kept)
