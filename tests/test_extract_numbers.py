"""The number parser (kg.extract.numbers): every written form of a cell count gives its
figure with the right magnitude, and any text gives figures or nothing, never a crash."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.numbers import find_figures, parse_number

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# A mantissa as registries write it (its value, its spellings) and an exponent.
mantissas = st.sampled_from(
    [
        (1.0, ["1"]),
        (2.0, ["2"]),
        (5.0, ["5"]),
        (1.5, ["1.5", "1,5"]),
        (2.5, ["2.5", "2,5"]),
        (0.7, ["0.7", "0,7"]),
        (3.0, ["3.0", "3"]),
        (25.0, ["25"]),
        (250.0, ["250"]),
    ]
)
exponents = st.integers(min_value=3, max_value=9)


def _power_forms(exp: int) -> list[str]:
    """Every way of writing "x 10 to the exp" after a mantissa (mantissa goes first)."""
    forms = [
        " x 10^{e}",
        "x10^{e}",
        " × 10^{e}",
        "×10{sup}",
        " x 10e{e}",
        " x 10E{e}",
        "x10E+{e}",
        " x 10EE{e}",
        " x10({e})",
        " x 10 ({e})",
        "x10x{e}",
        "*10/{e}",
        " x 10/{e}",
        " x 10exp{e}",
        " * 10^{e}",
        "\\*10\\^{e}",
        " X 10**{e}",
        "xE{e}",
    ]
    if 3 <= exp <= 9:
        forms += [" x 10{e}", "x10{e}", " x 10 {e}"]  # lost superscript, "10 6"
    if exp >= 6:
        forms += [
            " x 1" + "0" * exp,
            " x 1" + ",000" * (exp // 3) if exp % 3 == 0 else " x 1" + "0" * exp,
        ]
    return [f.format(e=exp, sup=str(exp).translate(SUPERSCRIPT)) for f in forms]


@given(mantissas, exponents, st.data())
@settings(max_examples=400, deadline=None)
def test_mantissa_times_power_of_ten(
    mant: tuple[float, list[str]], exp: int, data: st.DataObject
) -> None:
    value, spellings = mant
    written = data.draw(st.sampled_from(spellings)) + data.draw(st.sampled_from(_power_forms(exp)))
    tail = data.draw(st.sampled_from([" cells/kg", " MSCs", " cells", "/kg", ""]))
    lead = data.draw(st.sampled_from(["a dose of ", "weeks.", "(", "dose:", "Dose=", "; ", "- "]))
    figures = find_figures(f"{lead}{written}{tail} will be given")
    assert len(figures) == 1, (written, figures)
    f = figures[0]
    assert math.isclose(f.low, value * 10.0**exp) and math.isclose(f.high, f.low), (written, f)


@given(mantissas, mantissas, exponents, st.sampled_from(["-", " - ", "–", " to ", "~"]))
@settings(max_examples=200, deadline=None)
def test_ranges(a: tuple[float, list[str]], b: tuple[float, list[str]], exp: int, sep: str) -> None:
    (lo, lo_s), (hi, hi_s) = sorted(((a[0], a[1][0]), (b[0], b[1][0])))
    if lo == hi:
        return
    forms = [f"{lo_s}{sep}{hi_s} x 10^{exp}", f"{lo_s} x 10^{exp}{sep}{hi_s} x 10^{exp}"]
    if exp >= 6:
        forms.append(f"{lo_s}{sep}{hi_s} x 1" + "0" * exp)
    for written in forms:
        figures = find_figures(f"{written} cells/kg")
        assert len(figures) == 1, (written, figures)
        f = figures[0]
        assert math.isclose(f.low, lo * 10.0**exp) and math.isclose(f.high, hi * 10.0**exp), written


@given(
    mantissas,
    st.sampled_from(
        [
            ("million", 1e6),
            ("millions", 1e6),
            ("Million", 1e6),
            ("Mio", 1e6),
            ("mio.", 1e6),
            ("billion", 1e9),
            ("thousand", 1e3),
        ]
    ),
    st.data(),
)
@settings(max_examples=200, deadline=None)
def test_scale_words(
    mant: tuple[float, list[str]], scale: tuple[str, float], data: st.DataObject
) -> None:
    value, spellings = mant
    word, factor = scale
    written = data.draw(st.sampled_from(spellings)) + data.draw(st.sampled_from([" ", ""])) + word
    (f,) = find_figures(f"{written} cells per kg")
    assert math.isclose(f.low, value * factor) and f.low == f.high, written


@given(st.lists(mantissas, min_size=2, max_size=5, unique_by=lambda m: m[0]), exponents, st.data())
@settings(max_examples=200, deadline=None)
def test_a_list_shares_its_power(
    members: list[tuple[float, list[str]]], exp: int, data: st.DataObject
) -> None:
    """ "0.5, 1.0, or 1.5 million cells/kg" is three figures, each with the shared scale."""
    names = [m[1][0] for m in members]
    *first, last = names
    joiner = data.draw(st.sampled_from([", or ", " or ", ", and ", " and ", ", "]))
    power = data.draw(st.sampled_from([f" x 10^{exp}", f"×10{str(exp).translate(SUPERSCRIPT)}"]))
    if exp == 6:
        power = data.draw(st.sampled_from([power, " million"]))
    text = f"doses of {', '.join(first)}{joiner}{last}{power} cells/kg"
    got = [f.low for f in find_figures(text)]
    want = [m[0] * 10.0**exp for m in members]
    assert len(got) == len(want) and all(
        math.isclose(g, w) for g, w in zip(got, want, strict=True)
    ), text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2 x 106 cells/kg", [(2e6, 2e6)]),  # lost superscript
        ("4 x 107 WJ-MSCs", [(4e7, 4e7)]),
        ("1x10/6 cells/kg", [(1e6, 1e6)]),
        ("(2*10/7)", [(2e7, 2e7)]),
        ("1x10x6 cells", [(1e6, 1e6)]),
        ("2 x 10 6 cells/kg", [(2e6, 2e6)]),
        ("1xE7 cells", [(1e7, 1e7)]),
        ("5 x 10EE6 hMSCs/kg", [(5e6, 5e6)]),
        ("1 x 1000000 cells", [(1e6, 1e6)]),
        ("2-4 x 1000000/kg", [(2e6, 4e6)]),
        ("2 x 1,000,000 cells", [(2e6, 2e6)]),
        ("1.5 10^6 cells/kg", [(1.5e6, 1.5e6)]),
        ("2.10^6 cells/kg", [(2e6, 2e6)]),  # a full stop as the multiplication sign
        ("1,5.10⁶ cells/kg", [(1.5e6, 1.5e6)]),
        ("3.10E6 MSC", [(3.1e6, 3.1e6)]),  # e-notation
        ("2.10 mg", []),
        ("1,5 10⁶ cells/kg", [(1.5e6, 1.5e6)]),
        ("×10⁶", []),  # a multiplier without its mantissa is no figure
        ("six weeks.9×10^9 NK cells/dose", [(9e9, 9e9)]),  # no space after the full stop
        ("Day 3. 2 x 10^6 cells", [(2e6, 2e6)]),
        ("a garbled 9×10^^9 cells", []),  # never the bare 10^9 of a figure A cannot read
        ("10^6 cells/kg", [(1e6, 1e6)]),
        ("10E6 cells", [(1e6, 1e6)]),
        ("1.5e6 cells", [(1.5e6, 1.5e6)]),
        ("one million cells per kg", [(1e6, 1e6)]),
        ("a hundred million cells", [(1e8, 1e8)]),
        ("two hundred million cells", [(2e8, 2e8)]),
        ("half a million cells", [(5e5, 5e5)]),
        ("20 M cells", [(2e7, 2e7)]),
        ("5 Mio cells/kg", [(5e6, 5e6)]),
        ("0,7 x 10e6 MSC/Kg", [(7e5, 7e5)]),
        ("500.000 cells/kg", [(5e5, 5e5)]),
        ("1.000.000 cells", [(1e6, 1e6)]),
        ("1,000,000 cells", [(1e6, 1e6)]),
        ("between 1 and 2 million cells/kg", [(1e6, 2e6)]),
        ("between 1 x 10^6 and 2 x 10^6 cells", [(1e6, 2e6)]),
        ("0.5x10^6/kg-1x10^6/kg", [(5e5, 1e6)]),
        ("1 million cells/kg to 2 million cells/kg", [(1e6, 2e6)]),
        ("1 x 10^6 MSCs - 2 x 10^6 MSCs", [(1e6, 2e6)]),
        ("0.5, 1.0, or 1.5 million cells/kg", [(5e5, 5e5), (1e6, 1e6), (1.5e6, 1.5e6)]),
        ("1.5 and 2.0 ×10⁶/kg", [(1.5e6, 1.5e6), (2e6, 2e6)]),
        # numbers that only look like list members
        ("on days 1, 8 and 15 2 x 10^6 cells", [(2e6, 2e6)]),
        ("Group 1, 2 million cells", [(2e6, 2e6)]),
        ("at weeks 0, 4 and 8, 10^6 cells", [(1e6, 1e6)]),
    ],
)
def test_forms(text: str, want: list[tuple[float, float]]) -> None:
    got = [(f.low, f.high) for f in find_figures(text)]
    assert len(got) == len(want), got
    for (lo, hi), (wlo, whi) in zip(got, want, strict=True):
        assert math.isclose(lo, wlo) and math.isclose(hi, whi), got


@pytest.mark.parametrize(
    "text",
    [
        "2 x 50 million cells",
        "10cc",
        "1.5 mL/kg",
        "aged 18 to 65 years",
        "2019-11-010",
        "10 x 6 cm",
    ],
)
def test_no_wrong_magnitude(text: str) -> None:
    """Figures that are not powers written out are not read as ones."""
    for f in find_figures(text):
        assert f.low not in {1e6 * 10, 6e10}, (text, f)
    if text == "2 x 50 million cells":
        assert [(f.low, f.high) for f in find_figures(text)] == [(5e7, 5e7)]


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_any_text_gives_figures_or_nothing(text: str) -> None:
    for f in find_figures(text):
        assert 0 <= f.start < f.end <= len(text)
        assert math.isfinite(f.low) and math.isfinite(f.high) and 0 < f.low <= f.high
        assert f.kind in {"power", "scale", "scale_m", "enot", "plain"}


TOKENS = [
    "1", "2", "0,7", "1.5", "10", "106", "107", "10^6", "10(6)", "10/6", "10x6", "10E6", "E7",
    "x", "X", "×", "*", "\\*", "^", "-", "to", "and", "or", ",", ".", "(", ")", "/", "million",
    "Mio", "M", "billion", "one", "hundred", "a", "between", "cells", "kg", "⁶", "1,000,000",
    "500.000", " ", "days", "up",
]  # fmt: skip


@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from(["", " "]))
@settings(max_examples=800, deadline=None)
def test_number_like_noise_gives_sound_figures(tokens: list[str], joiner: str) -> None:
    text = joiner.join(tokens)
    figures = find_figures(text)
    for f in figures:
        assert 0 <= f.start < f.end <= len(text)
        assert math.isfinite(f.low) and 0 < f.low <= f.high
    assert all(a.start <= b.start for a, b in itertools.pairwise(figures))


@given(st.text(alphabet="0123456789.,·", min_size=1, max_size=20))
@settings(max_examples=300, deadline=None)
def test_parse_number_never_crashes(s: str) -> None:
    value = parse_number(s)
    assert value is None or (math.isfinite(value) and value >= 0)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a power of ten in words, misspelt as records write it (a short table, not fuzzy)
        ("2x10 elevated to sxth power MSCs/kg", 2e6),
        ("2x10 elevated to the sixht power MSCs/kg", 2e6),
        ("1 x 10 to the eigth power cells", 1e8),
        ("2 x 10 to the nineth cells", 2e9),
        # "to the power (of) N", "10 power N"
        ("1 x 10 to the power of 6 MSCs/kg", 1e6),
        ("1 x 10 to the power 7 MSCs", 1e7),
        ("1.5 x 10 power 6 cells/kg", 1.5e6),
    ],
)
def test_powers_of_ten_in_words(text: str, value: float) -> None:
    [fig] = find_figures(text)
    assert math.isclose(fig.low, value) and math.isclose(fig.high, value)


@pytest.mark.parametrize(
    "text",
    [
        "2 x 10 to the patients",
        "2 x 10 power units",
        "2 x 10 to the power of the study",
        "3 x 10 power 66 cells",  # no power of ten a record means
        "2 x 10 elevated to the sxthly power",  # not in the table: nothing, never a guess
    ],
)
def test_no_power_of_ten_without_an_exponent(text: str) -> None:
    assert [f for f in find_figures(text) if f.high > 100] == []
