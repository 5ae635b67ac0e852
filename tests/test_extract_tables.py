"""Every CL / UBERON id of the extractors' tables exists in the real releases, is not
deprecated, and carries the label the table says (row by row)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
import zstandard

from kg.extract.tables import (
    CL_LABELS,
    GENERIC_MSC,
    MSC_PREFIX_TISSUE,
    OTHER_CELLS,
    TISSUES,
    UBERON_LABELS,
)


@cache
def _release(shared: Path, name: str) -> dict[str, dict[str, object]]:
    (path,) = sorted((shared / "ontologies" / "cellxgene").glob(f"{name}-ontology-*.json.zst"))
    with path.open("rb") as fh:
        data: dict[str, dict[str, object]] = json.loads(
            zstandard.ZstdDecompressor().stream_reader(fh).read()
        )
    return data


@cache
def _obo_terms(shared: Path) -> dict[str, tuple[str, bool]]:
    """id -> (name, obsolete) from cl-basic.obo."""
    terms: dict[str, tuple[str, bool]] = {}
    text = (shared / "ontologies" / "obo" / "cl-basic.obo").read_text(encoding="utf-8")
    for block in text.split("\n[Term]\n")[1:]:
        ident = re.search(r"^id: (\S+)", block, re.M)
        name = re.search(r"^name: (.+)$", block, re.M)
        if ident and name:
            terms[ident.group(1)] = (name.group(1), "is_obsolete: true" in block)
    return terms


def _cell_types() -> list[str]:
    ids = {t.cell_type for t in TISSUES if t.cell_type} | {GENERIC_MSC}
    return sorted(ids | {o.cell_type for o in OTHER_CELLS})


@pytest.mark.parametrize("curie", _cell_types())
def test_cell_type_in_cl_release(shared_dir: Path, curie: str) -> None:
    term = _release(shared_dir, "CL").get(curie)
    assert term is not None, f"{curie} not in the CL release"
    assert term["deprecated"] is False
    assert term["label"] == CL_LABELS[curie]
    obo = _obo_terms(shared_dir).get(curie)
    if obo is not None:  # cl-basic.obo is an older release: where it has the term, it agrees
        assert obo == (OLDER_LABELS.get(curie, CL_LABELS[curie]), False)


# Terms the newer CL release relabelled (the older label is now a synonym there).
OLDER_LABELS = {"CL:0000842": "mononuclear cell"}


@pytest.mark.parametrize("curie", sorted({t.uberon for t in TISSUES}))
def test_tissue_in_uberon_release(shared_dir: Path, curie: str) -> None:
    term = _release(shared_dir, "UBERON").get(curie)
    assert term is not None, f"{curie} not in the UBERON release"
    assert term["deprecated"] is False
    assert term["label"] == UBERON_LABELS[curie]


def test_msc_types_are_kinds_of_mesenchymal_stem_cell(shared_dir: Path) -> None:
    """A query for CL:0000134 and its descendants finds every typed MSC product."""
    cl = _release(shared_dir, "CL")
    for t in TISSUES:
        if t.cell_type and t.cell_type != GENERIC_MSC and t.key != "dental_pulp":
            ancestors = cl[t.cell_type]["ancestors"]
            assert isinstance(ancestors, dict) and GENERIC_MSC in ancestors, t.key
    # Wharton's jelly MSCs are umbilical-cord MSCs
    wj = cl["CL:0002568"]["ancestors"]
    assert isinstance(wj, dict) and "CL:0002569" in wj


def test_other_cells_are_no_msc_types(shared_dir: Path) -> None:
    """Cells other than MSCs stay out of a query for CL:0000134 and its descendants."""
    cl = _release(shared_dir, "CL")
    for o in OTHER_CELLS:
        ancestors = cl[o.cell_type]["ancestors"]
        assert isinstance(ancestors, dict) and GENERIC_MSC not in ancestors, o.key
        assert o.cell_type != GENERIC_MSC
    assert len({o.key for o in OTHER_CELLS}) == len(OTHER_CELLS)


def test_label_tables_hold_only_used_ids() -> None:
    assert set(CL_LABELS) == set(_cell_types())
    assert set(UBERON_LABELS) == {t.uberon for t in TISSUES}


def test_prefix_table_names_known_tissues() -> None:
    keys = {t.key for t in TISSUES}
    assert {v for v in MSC_PREFIX_TISSUE.values() if v} <= keys


def test_tissue_patterns_match_their_words() -> None:
    examples = {
        "cord_blood": "umbilical cord blood",
        "whartons_jelly": "Wharton's jelly",
        "umbilical_cord": "umbilical cord",
        "amniotic_fluid": "amniotic fluid",
        "amnion": "amniotic membrane",
        "placenta": "placental",
        "bone_marrow": "bone marrow",
        "adipose": "adipose tissue",
        "dental_pulp": "dental pulp",
        "menstrual_blood": "menstrual blood",
        "chorion": "chorionic membrane",
        "decidua": "decidua basalis",
        "gingiva": "gingiva",
        "synovium": "synovial membrane",
        "olfactory_mucosa": "olfactory mucosa",
        "periodontal_ligament": "periodontal ligament",
        "endometrium": "endometrium",
    }
    assert set(examples) == {t.key for t in TISSUES}
    for t in TISSUES:
        first = next(
            (u for u in TISSUES if re.match(u.pattern, examples[t.key], re.IGNORECASE)), None
        )
        assert first is t, (t.key, first)


# ---------------------------------------------------------------- the named-product table

from importlib import resources  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

from kg.extract.tables import PRODUCT_ROWS, ProductRow, load_product_rows  # noqa: E402

_ROW_IDS = [r.name for r in PRODUCT_ROWS]


def _is_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and "." in parsed.netloc and " " not in value


@pytest.mark.parametrize("row", PRODUCT_ROWS, ids=_ROW_IDS)
def test_product_row_facts_exist_and_cite_a_url(shared_dir: Path, row: ProductRow) -> None:
    assert row.kind in {"brand", "inn", "code"}
    if row.cell_type is not None:
        term = _release(shared_dir, "CL").get(row.cell_type)
        assert term is not None and term["deprecated"] is False, row.cell_type
        assert term["label"] == CL_LABELS[row.cell_type]
        assert row.cell_type_source is not None and _is_url(row.cell_type_source)
    if row.tissue is not None:
        term = _release(shared_dir, "UBERON").get(row.tissue)
        assert term is not None and term["deprecated"] is False, row.tissue
        assert term["label"] == UBERON_LABELS[row.tissue]
        assert row.tissue_source is not None and _is_url(row.tissue_source)
    if row.donor is not None:
        assert row.donor in {"autologous", "allogeneic"}
        assert row.donor_source is not None and _is_url(row.donor_source)
    if row.ncit is not None:
        assert re.fullmatch(r"NCIT:C\d+", row.ncit), row.ncit
        assert row.ncit_source is not None and _is_url(row.ncit_source)
    for source in (row.cell_type_source, row.tissue_source, row.donor_source, row.ncit_source):
        assert source is None or _is_url(source), source


def test_product_table_names_are_unique() -> None:
    seen: dict[str, str] = {}
    for row in PRODUCT_ROWS:
        for name in row.names:
            key = re.sub(r"[\W_]+", "", name.lower())
            assert key not in seen, (name, seen.get(key), row.name)
            seen[key] = row.name


def test_product_table_file_is_package_data() -> None:
    text = resources.files("kg.extract").joinpath("products.tsv").read_text(encoding="utf-8")
    assert load_product_rows(text) == PRODUCT_ROWS
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"extract/*.tsv"' in pyproject


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("X\t\tdrug\t\t\t\t\t\t\t\t\t", "bad kind"),
        ("X\t\tbrand\t\t\t\t\tsometimes\thttps://a.org\t\t\t", "bad donor"),
        ("X\t\tbrand\tCL:0000134\t\t\t\t\t\t\t\t", "without source"),
        ("X\t\tbrand\t\t\t\t\t\t\t\t", "fields"),
    ],
)
def test_product_table_rejects_bad_rows(line: str, error: str) -> None:
    header = (
        "name\taliases\tkind\tcell_type\tcell_type_source\ttissue\ttissue_source\tdonor"
        "\tdonor_source\tncit\tncit_source\tnote"
    )
    with pytest.raises(ValueError, match=error):
        load_product_rows(f"{header}\n{line}\n")
