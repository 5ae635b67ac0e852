"""kg.link.normalise: what "exact" and "normalised" mean."""

from __future__ import annotations

import pytest

from kg.link.normalise import bag_key, fold, phrase_key, singular, spans, tokens


def test_fold_is_case_space_and_apostrophe_blind() -> None:
    assert fold("Wharton’s  Jelly ") == fold("wharton's jelly") == "wharton's jelly"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Fractures, Osteoporotic", "osteoporotic fracture"),  # word order, plural, comma
        ("Osteoarthritis of Knee", "knee osteoarthritis"),  # "of" is filler
        ("Crohn's Disease", "Crohn disease"),  # possessive
        ("Graft-vs-Host Disease", "graft versus host disease"),  # hyphens, vs
        ("Liver Cirrhoses", "liver cirrhosis"),
        ("Haemochromatosis", "hemochromatosis"),  # British spelling
        ("Oedema", "edema"),
        ("Covid19", "COVID-19"),  # letters and digits split
        ("Haematological Malignancies", "hematologic malignancy"),
        ("Kienböck's Disease", "Kienbock disease"),  # accents
        ("Skin Disorders", "skin disease"),  # disorder ~ disease
    ],
)
def test_bag_key_equal(a: str, b: str) -> None:
    assert bag_key(a) == bag_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("bone fracture", "bone marrow"), ("diabetes", "diabetic"), ("type 1", "type 2")],
)
def test_bag_key_different(a: str, b: str) -> None:
    assert bag_key(a) != bag_key(b)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fractures", "fracture"),
        ("nephropathies", "nephropathy"),
        ("cirrhoses", "cirrhosis"),
        ("abscesses", "abscess"),
        ("diabetes", "diabete"),  # crude but applied to both sides alike
        ("sepsis", "sepsis"),
        ("virus", "virus"),
        ("msc", "msc"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_tokens_and_phrase_key() -> None:
    assert tokens("Sjögren’s Syndrome") == ["sjogren", "syndrome"]
    assert phrase_key("Interstitial Lung Diseases") == ("interstitial", "lung", "disease")


def test_spans_keep_offsets_into_the_original_text() -> None:
    text = "Women With Osteoporosis’s  Fractures"
    toks = spans(text)
    assert [t.word for t in toks] == ["women", "with", "osteoporosis", "fracture"]
    assert text[toks[2].start : toks[2].end] == "Osteoporosis’s"
    assert text[toks[3].start : toks[3].end] == "Fractures"
