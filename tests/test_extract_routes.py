"""Routes of administration: the words that state them and the route table."""

from __future__ import annotations

import doctest
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.extract.routes
from kg.extract import ROUTES, find_route
from kg.extract.routes import _ROUTE_RE, ROUTE_WORDS, _route_matches, find_routes
from kg.extract.tables import ROUTE_ROWS

# One phrase per route key (every key of the table has a row here).
PHRASES: list[tuple[str, str, str]] = [
    (
        "Allogeneic MSCs will be infused intravenously (single dose)",
        "intravenous",
        "infused intravenously",
    ),
    (
        "1 x 106 cells/kg administered intravenously (IV) weekly",
        "intravenous",
        "administered intravenously",
    ),
    ("four sequential IV dose of MSC", "intravenous", "IV dose"),
    ("Endovenous injection of MSV in saline", "intravenous", "Endovenous injection"),
    ("Intra-articular knee injection of UC-MSC 20x10e6", "intra-articular", "Intra-articular"),
    (
        "40 millions of MSCs administered intra-articularly.",
        "intra-articular",
        "administered intra-articularly",
    ),
    ("intrathecal implantation of allogeneic MSCs", "intrathecal", "intrathecal implantation"),
    ("doses 2x50 million cells intratechally", "intrathecal", "intratechally"),
    (
        "Intramuscular injection of mesenchymal stromal cells",
        "intramuscular",
        "Intramuscular injection",
    ),
    ("subcutaneous injection of 20 µg teriparatide", "subcutaneous", "subcutaneous injection"),
    ("ultrasonographic guided intra-tendon injection", "intratendinous", "intra-tendon injection"),
    ("then inject to non union site 2-3 ml", "intralesional", "inject to non union site"),
    ("local injection of MSCs", "intralesional", "local injection"),
    ("intradiscal injection of 5×10^6 AD-MSCs", "intradiscal", "intradiscal injection"),
    ("infused to the focus of patients through bronchoscope", "endobronchial", "bronchoscope"),
    ("endotracheal instillation of MSCs", "intratracheal", "endotracheal"),
    ("intramedullary injection of 4 x 107 WJ-MSCs", "intramedullary", "intramedullary injection"),
    ("intraosseous injection into the femoral head", "intraosseous", "intraosseous injection"),
    ("intradermal injection of MSCs", "intradermal", "intradermal injection"),
    ("intracoronary infusion of MSCs", "intracoronary", "intracoronary infusion"),
    ("transendocardial injection of allo-MSCs", "transendocardial", "transendocardial injection"),
    ("MPCs delivered trans-endocardially", "transendocardial", "delivered trans-endocardially"),
    (
        "a single transendocardial delivery of cells",
        "transendocardial",
        "transendocardial delivery",
    ),
    ("MSC subconjunctival injection", "subconjunctival", "subconjunctival injection"),
    (
        "cells injected subconjunctivally at 2 sites",
        "subconjunctival",
        "injected subconjunctivally",
    ),
    (
        "sub-conjunctival administration of MSCs",
        "subconjunctival",
        "sub-conjunctival administration",
    ),
    ("intramyocardial implantation of MSCs", "intracardiac", "intramyocardial implantation"),
    ("intra-arterial delivery of MSCs", "intra-arterial", "intra-arterial delivery"),
    ("intraperitoneal injection of MSCs", "intraperitoneal", "intraperitoneal injection"),
    ("intravitreal injection of MSCs", "intravitreal", "intravitreal injection"),
    ("subretinal injection of cells", "subretinal", "subretinal injection"),
    ("MSCs applied topically on the wound", "topical", "applied topically"),
    ("intranasal administration of MSCs", "intranasal", "intranasal administration"),
    ("nebulized MSC secretome inhalation", "inhalation", "nebulized"),
    ("intrauterine infusion of MSCs", "intrauterine", "intrauterine infusion"),
    ("intracavernous injection of MSCs", "intracavernous", "intracavernous injection"),
    ("epidural injection of MSCs", "epidural", "epidural injection"),
    ("intracerebral implantation of MSCs", "intracerebral", "intracerebral implantation"),
    (
        "intracerebroventricular injection of MSCs",
        "intracerebroventricular",
        "intracerebroventricular injection",
    ),
    ("intra spinal injection of 1 ×10(8) MSCs", "intraspinal", "intra spinal injection"),
    ("intraovarian injection of MSCs", "intraovarian", "intraovarian injection"),
    ("intrahepatic injection of MSCs", "intrahepatic", "intrahepatic injection"),
    ("intrapleural injection of MSCs", "intrapleural", "intrapleural injection"),
    ("submucosal injection of MSCs", "submucosal", "submucosal injection"),
    # "infusion" with no route word is read as intravenous
    ("Sequential Infusion of Allogenic Mesenchymal Stem Cell", "intravenous", "Infusion"),
]

NOT_ROUTES = [
    "Treatment of Refractory Sever Systemic Scleroderma by Injection of Allogeneic MSCs",
    "Adipose tissue was taken through 5 grams of subcutaneous fat biopsy",
    "A PHASE IV study in grade III-IV GVHD",
    "Umbilical cord MSC injection for interstitial lung disease",
]


@pytest.mark.parametrize(("text", "key", "span"), PHRASES, ids=[p[0][:40] for p in PHRASES])
def test_route_phrase(text: str, key: str, span: str) -> None:
    assert find_route(text) == (key, span)
    assert span in text


@pytest.mark.parametrize("text", NOT_ROUTES)
def test_not_a_route(text: str) -> None:
    assert find_route(text) is None


def test_every_route_has_a_phrase_and_words() -> None:
    assert {k for _, k, _ in PHRASES} == set(ROUTES)
    assert {k for k, _ in ROUTE_WORDS} == set(ROUTES)


@pytest.mark.parametrize("row", ROUTE_ROWS, ids=lambda r: r.key)
def test_route_table_row(row: object) -> None:
    route = ROUTES[row.key]  # type: ignore[attr-defined]
    assert re.fullmatch(r"NCIT:C\d{4,6}", route.ncit)
    assert route.source.startswith("https://ncit.nci.nih.gov/") and route.ncit[5:] in route.source
    assert "C66729" in route.source  # the CDISC route codelist the code was read from
    assert route.broader is None or route.broader in ROUTES
    assert route.label


def test_route_codes_are_distinct() -> None:
    codes = [r.ncit for r in ROUTES.values()]
    assert len(codes) == len(set(codes))
    assert ROUTES["intravenous"].ncit == "NCIT:C38276"


@pytest.mark.parametrize("text", [p[0] for p in PHRASES] + NOT_ROUTES)
def test_anchored_search_finds_what_a_full_scan_finds(text: str) -> None:
    """find_routes tries the route words only where an anchor matches (for speed)."""
    full = [m.span() for m in _ROUTE_RE.finditer(text)]
    assert [m.span() for m in _route_matches(text)] == full


def test_doctests() -> None:
    assert doctest.testmod(kg.extract.routes).failed == 0


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text(text: str) -> None:
    found = find_route(text)
    if found is not None:
        key, span = found
        assert key in ROUTES and span in text


# Train-c misses and the phrasings around them (engineer 7): local delivery along or around a
# fistula, a cell-coated fistula plug, "to the knee joint", lower-case "iv" before the act, a
# coronary artery named by its role, the corpus cavernosum and the endometrium as places.
LOCAL_PHRASES: list[tuple[str, str, str]] = [
    (
        "ALLO-ASC is injected once along the fistula.",
        "intralesional",
        "injected once along the fistula",
    ),
    (
        "cells were injected around the internal fistula opening",
        "intralesional",
        "injected around the internal fistula",
    ),
    (
        "The suspension is injected slowly into the wall of the fistula tract",
        "intralesional",
        "injected slowly into the wall of the fistula",
    ),
    (
        "MSCs are injected directly into the ulcer bed",
        "intralesional",
        "injected directly into the ulcer",
    ),
    (
        "the seeded scaffold is implanted into the bone defect",
        "intralesional",
        "implanted into the bone defect",
    ),
    (
        "MSCs implanted within the cartilage defect",
        "intralesional",
        "implanted within the cartilage defect",
    ),
    (
        "treated with a Gore Bio-A Fistula Plug that has been coated with autologous MSCs",
        "intralesional",
        "Fistula Plug that has been coated with",
    ),
    (
        "the seton is replaced with the MSC loaded fistula plug",
        "intralesional",
        "loaded fistula plug",
    ),
    (
        "an anal fistula plug seeded with adipose-derived stem cells",
        "intralesional",
        "anal fistula plug seeded with",
    ),
    (
        "a single injection to the knee joint of 40 million cells",
        "intra-articular",
        "to the knee joint",
    ),
    ("MSCs given by iv infusion over 30 minutes", "intravenous", "iv infusion"),
    ("a single iv injection of 1 million cells/kg", "intravenous", "iv injection"),
    (
        "cells infused into the infarct-related artery",
        "intracoronary",
        "infused into the infarct-related artery",
    ),
    (
        "infused into the left anterior descending artery",
        "intracoronary",
        "infused into the left anterior descending artery",
    ),
    (
        "MSCs injected into the corpus cavernosum",
        "intracavernous",
        "injected into the corpus cavernosum",
    ),
    (
        "cells injected into the corpora cavernosa",
        "intracavernous",
        "injected into the corpora cavernosa",
    ),
    (
        "MSCs will be injected into the endometrium under ultrasound",
        "intrauterine",
        "injected into the endometrium",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "span"), LOCAL_PHRASES, ids=[p[0][:40] for p in LOCAL_PHRASES]
)
def test_local_and_other_ways_in(text: str, key: str, span: str) -> None:
    assert find_route(text) == (key, span)
    assert _anchored_equals_full_scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "a fistula plug will be placed after drainage",  # a plug with no cells on it
        "pain that radiates to the knee",  # no word of giving
        "Stage iv patients were excluded",  # "iv" not before an act
        "seton placement along the fistula",  # nothing injected
        "Patients with a plug of mucus in the airway",
    ],
)
def test_no_local_route_without_cells_or_giving(text: str) -> None:
    assert find_route(text) is None


def _anchored_equals_full_scan(text: str) -> bool:
    full = [(m.start(), m.end()) for m in _ROUTE_RE.finditer(text)]
    return [(m.start(), m.end()) for m in _route_matches(text)] == full


# The route phrasings docs/dose-labelling.md lists, each read as it says.
DOCUMENTED = [
    ("MSCs infused through a catheter into the hepatic artery", "intra-arterial"),
    ("given by a central venous catheter", "intravenous"),
    ("infused through the central vein", "intravenous"),
    ("1 x 10^6/kg by peripheral intravenous infusion", "intravenous"),
    ("MSCs via peripheral vein over 30 minutes", "intravenous"),
    ("Biomass of cells is injected submucosally around the stenosis", "submucosal"),
    ("MSCs injected in the knee", "intra-articular"),
    ("injected into the articular cavity", "intra-articular"),
    ("ultrasound-guided injection of MSCs", None),
    ("delivery of MSCs through cardiopulmonary bypass (CPB)", None),
]


@pytest.mark.parametrize(("text", "key"), DOCUMENTED, ids=[d[0][:40] for d in DOCUMENTED])
def test_documented_route_phrasings(text: str, key: str | None) -> None:
    got = find_route(text)
    assert (got[0] if got else None) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("subconjunctival injection of 3 x 10^6 MSCs, injected at 2 sites", "subconjunctival"),
        ("intradiscal injection of cells; each disc injected at two sites", "intradiscal"),
        ("cells injected subconjunctivally in 2 sites of each eye", "subconjunctival"),
        ("MPCs given by transendocardial injection into 15 sites", "transendocardial"),
    ],
)
def test_a_generic_injection_at_sites_yields_to_the_named_route(text: str, key: str) -> None:
    assert {h.key for h in find_routes(text)} == {key}


def test_finer_routes_are_kinds_of_their_broader_route() -> None:
    assert ROUTES["transendocardial"].broader == "intracardiac"
    assert ROUTES["transendocardial"].ncit == "NCIT:C79145"
    assert ROUTES["subconjunctival"].ncit == "NCIT:C38298"
