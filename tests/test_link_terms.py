"""kg.link.terms: the cellxgene-ontology-guide releases, packaged or from a directory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.link import Link
from kg.link.terms import current_versions, is_abbreviation, load_terms, parse_curie


def test_packaged_and_shared_releases(shared_dir: Path) -> None:
    shared = shared_dir / "ontologies" / "cellxgene"
    versions = current_versions()
    for name in ("CL", "UBERON", "MONDO"):
        packaged = load_terms(name)
        assert packaged.version == versions[name]
        assert packaged.origin == "cellxgene-ontology-guide"
        copy = load_terms(name, shared)
        assert copy.origin == str(shared)
        assert copy.version.startswith("v") and len(copy) > 1000
        assert load_terms(name.lower(), shared) is copy  # cached, name case-blind


def test_directory_without_a_release_falls_back_to_the_package(tmp_path: Path) -> None:
    ts = load_terms("CL", tmp_path)
    assert ts.origin == "cellxgene-ontology-guide"


def test_mondo_loads_fast(shared_dir: Path) -> None:
    # Measured on the development machine: read ~0.3 s, indexes ~0.8 s. The bound leaves
    # room for a loaded CI machine while catching a slow rewrite.
    from kg.link.terms import clear_cache

    clear_cache()
    start = time.perf_counter()
    mondo = load_terms("MONDO", shared_dir / "ontologies" / "cellxgene")
    assert mondo.index.by_fold
    elapsed = time.perf_counter() - start
    assert elapsed < 6, f"MONDO read and indexed in {elapsed:.2f} s"


def test_term_data(shared_dir: Path) -> None:
    mondo = load_terms("MONDO", shared_dir / "ontologies" / "cellxgene")
    assert mondo.label("MONDO:0005298") == "osteoporosis"
    assert "osteoporosis, postmenopausal" in mondo.synonyms("MONDO:0005298")
    assert mondo.is_obsolete("MONDO:0005088") and mondo.current("MONDO:0005088") in (
        None,
        "MONDO:0008383",
    )
    assert mondo.current("MONDO:0008383") == "MONDO:0008383"
    assert mondo.current("MONDO:9999999") is None
    assert not mondo.usable("MONDO:1013743")  # bone fracture, non-human animal
    assert mondo.usable("MONDO:0005315")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CL:0000134", ("CL", "0000134")),
        ("cl_0000134", ("CL", "0000134")),
        ("http://purl.obolibrary.org/obo/UBERON_0003422", ("UBERON", "0003422")),
        ("MONDO:0005298 ", ("MONDO", "0005298")),
        ("Wharton's jelly", None),
        ("UC-MSC", None),
    ],
)
def test_parse_curie(value: str, expected: tuple[str, str] | None) -> None:
    assert parse_curie(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RA", True),
        ("GvHD", True),
        ("aRMS", True),
        ("COVID-19", True),
        ("arms", False),
        ("osteoporosis", False),
        ("Crohn disease", False),
    ],
)
def test_is_abbreviation(text: str, expected: bool) -> None:
    assert is_abbreviation(text) is expected


def test_link_validates() -> None:
    def make(**changes: object) -> Link:
        fields: dict[str, object] = {
            "curie": "MONDO:0005298",
            "label": "osteoporosis",
            "predicate": "skos:exactMatch",
            "justification": "semapv:LexicalMatching",
            "method": "exact label",
            "score": 1.0,
            "matched_text": "osteoporosis",
            "source": "MONDO v2026-05-05",
        }
        return Link(**{**fields, **changes})  # type: ignore[arg-type]

    assert make().curie == "MONDO:0005298"
    for key, bad in (
        ("predicate", "owl:sameAs"),
        ("method", "guess"),
        ("score", 1.5),
        ("justification", "LexicalMatching"),
    ):
        with pytest.raises(ValueError):
            make(**{key: bad})
