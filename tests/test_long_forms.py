"""The long forms of an abbreviation are found from its brackets (kg.link.conditions), with
the matches the whole pattern finds over every position of the texts."""

from __future__ import annotations

import random
import re

from kg.link.conditions import _long_form_matches, _long_form_patterns, _long_forms


def plain(abbreviation: str, text: str) -> list[tuple[tuple[int, int], str]]:
    pattern = re.compile(
        r"([^()\[\]]{2,120}?)\s*[(\[]\s*" + re.escape(abbreviation) + r"s?\s*[)\]]"
    )
    return [(m.span(), m.group(1)) for m in pattern.finditer(text)]


def from_brackets(abbreviation: str, text: str) -> list[tuple[tuple[int, int], str]]:
    bracketed, pattern = _long_form_patterns(abbreviation)
    return [(m.span(), m.group(1)) for m in _long_form_matches(text, bracketed, pattern)]


def test_the_matches_are_the_whole_pattern_s() -> None:
    rnd = random.Random(15)
    # brackets of every kind, white space of several kinds, runs near the 120 limit
    parts = ["(", ")", "[", "]", " ", "\u00a0", "\t", "\n", "x", "AB", "ABs", "A", "z" * 50]
    parts += ["w" * 119, "(AB)", " [ABs ]", "(A)"]
    found = 0
    for _ in range(8_000):
        abbreviation = rnd.choice(["AB", "A", "A.B"])
        text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 30)))
        expected = plain(abbreviation, text)
        assert from_brackets(abbreviation, text) == expected, (abbreviation, text)
        found += bool(expected)
    assert found > 1000, found


def test_long_forms_of_a_record_s_texts() -> None:
    texts = [
        "Non-Small Cell Lung Cancer (NSCLC) and small cell lung cancer [SCLC]",
        "NSCLC",
        "patients with advanced non small cell lung cancer ( NSCLCs ) stage IV",
    ]
    assert _long_forms("NSCLC", texts) == [
        "Non-Small Cell Lung Cancer",
        "non small cell lung cancer",
    ]
    assert _long_forms("AML", texts) == []
