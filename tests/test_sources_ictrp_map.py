"""The ICTRP field map, registry table and crosswalks, row by row."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.sources import ictrp
from kg.sources import ictrp_map as M
from kg.sources.ctgov_common import CROSSWALKS

V2_STATUS = set(CROSSWALKS["status"].values())
V2_STUDY_TYPE = set(CROSSWALKS["study type"].values())
V2_SEX = set(CROSSWALKS["sex"].values())


def test_every_field_name_resolves_to_one_field() -> None:
    keys: dict[str, str] = {}
    for f in M.FIELDS:
        assert f.kind in {"read", "contact", "derived", "results", "not-modelled"}, f
        for name in f.names:
            key = M.field_key(name)
            assert key not in keys, (name, keys.get(key), f.target)
            keys[key] = f.target


def test_ictrp_own_field_list_is_all_in_the_map(shared_dir: Path, test_data: Path) -> None:
    """Every field of ICTRP's own export list (ICTRP_export_datafields.txt) is known, and
    every contact field is one that is never read."""
    listed = (test_data / "ictrp" / "ICTRP_export_datafields.txt").read_text(encoding="utf-8")
    names = [
        line.strip()
        for line in listed.split("fields:", 1)[1].splitlines()
        if re.fullmatch(r"[A-Za-z_]+", line.strip())
    ]
    assert len(names) > 50
    by_key = {M.field_key(n): f for f in M.FIELDS for n in f.names}
    for name in names:
        f = by_key.get(M.field_key(name))
        assert f is not None, name
        if "contact" in name.casefold():
            assert f.kind == "contact", name


def test_every_column_of_the_shared_export_is_in_the_map(test_data: Path) -> None:
    path = test_data / "ictrp" / "ictrp-covid19-trials.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    by_key = {M.field_key(n): f for f in M.FIELDS for n in f.names}
    assert [h for h in header if M.field_key(h) not in by_key] == []
    contacts = [h for h in header if h.startswith("Contact")]
    assert contacts and all(by_key[M.field_key(h)].kind == "contact" for h in contacts)


def test_registries_agree_with_ictrp_prefix_and_date_table(test_data: Path) -> None:
    """Each row of ICTRP's prefix/date-format table: an id with that prefix is the registry's
    (by our id pattern) and its date format is the table's."""
    path = test_data / "ictrp" / "registry_prefixes_date_formats.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 19
    examples = {  # a real id of each prefix, as the registries write them
        "ACTRN": "ACTRN12620000817943",
        "chictr": "chictr2000029817",
        "ChiCTR": "ChiCTR2000029817",
        "CTRI": "CTRI/2020/08/027043",
        "DRKS": "DRKS00021238",
        "EUCTR": "EUCTR2020-001266-11-ES",
        "IRCT": "IRCT20200426047206N2",
        "ISRCTN": "ISRCTN88057279",
        "JPRN": "JPRN-jRCTs041200025",
        "KCT": "KCT0005252",
        "LBCTR": "LBCTR2020043495",
        "NCT": "NCT04366271",
        "NL": "NL8578",
        "NTR": "NTR1234",
        "PACTR": "PACTR202006537901307",
        "PER": "PER-034-20",
        "RBR": "RBR-3fz9yr",
        "RPCEC": "RPCEC00000321",
        "SLCTR": "SLCTR/2020/011",
        "TCTR": "TCTR20200331001",
    }
    for row in rows:
        prefix, fmt = row["Prefix"], row["Format"]
        registry = ictrp.registry_of(examples[prefix])
        assert registry is not None, prefix
        assert registry.date_format == fmt, (prefix, registry.code)
        example = row["Date Example"].strip('"')
        from datetime import datetime

        datetime.strptime(example, registry.date_format)  # the table's own example parses


def test_registry_codes_are_unique_and_canonical_order_covers_them() -> None:
    codes = [r.code for r in M.REGISTRIES]
    assert len(codes) == len(set(codes))
    assert M.CANONICAL_ORDER[:2] == ("CTGOV", "EUCTR")
    names = [n.casefold() for r in M.REGISTRIES for n in r.source_names]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("spelling", "value"), sorted(M.STATUS.items()))
def test_status_crosswalk_rows(spelling: str, value: str | None) -> None:
    assert value is None or value in V2_STATUS


@pytest.mark.parametrize(("spelling", "value"), sorted(M.STUDY_TYPE.items()))
def test_study_type_crosswalk_rows(spelling: str, value: str) -> None:
    assert value in V2_STUDY_TYPE


@pytest.mark.parametrize(("spelling", "value"), sorted(M.SEX.items()))
def test_sex_crosswalk_rows(spelling: str, value: str | None) -> None:
    assert value is None or value in V2_SEX


def test_every_controlled_value_of_the_shared_export_is_in_a_crosswalk(test_data: Path) -> None:
    path = test_data / "ictrp" / "ictrp-covid19-trials.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def key(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", ictrp._plain(s).casefold()).strip()

    for column, table in (
        ("Recruitment_status", M.STATUS),
        ("Study_type", M.STUDY_TYPE),
        ("Inclusion gender", M.SEX),
    ):
        known = {key(k) for k in table}
        values = {r[column] for r in rows} - {"NA"}
        assert {v for v in values if key(v) not in known} == set(), column


def test_doctests() -> None:
    """The examples in the ICTRP mapper's docstrings hold."""
    import doctest

    for module in (ictrp, M):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(ictrp).attempted > 10


_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200) | st.sampled_from(
    ["NA", "N/A", "2-3", "Phase II/III", "0", "18Y", ">= 20age old", "a:1;b:2;", "13/45/2020"]
)


@settings(max_examples=150, deadline=None)
@given(
    interventions=_TEXT,
    phase=_TEXT,
    size=_TEXT,
    age=_TEXT,
    date=_TEXT,
    design=_TEXT,
    registry=st.sampled_from(
        [
            "NCT04366271",
            "ChiCTR2000029817",
            "IRCT20160809029275N1",
            "EUCTR2020-001266-11-ES",
            "CTRI/2020/08/027043",
            "RBR-3fz9yr",
        ]
    ),
)
def test_any_field_text_gives_a_record_never_a_crash(
    interventions: str, phase: str, size: str, age: str, date: str, design: str, registry: str
) -> None:
    from kg.model import Provenance, Trial

    row = {
        "trial_id": registry,
        "public_title": "A title",
        "interventions": interventions,
        "phase": phase,
        "target_size": size,
        "age_min": age,
        "age_max": age,
        "date_registration": date,
        "date_enrollment": date,
        "study_design": design,
        "conditions": interventions,
        "primary_outcome": interventions,
    }
    prov = Provenance("x.csv", "ictrp", "0" * 64, "1", "k", "0" * 64)
    trial = ictrp.build_trial(row, prov)
    assert isinstance(trial, Trial)
    from kg.rdf import trial_quads

    assert trial_quads(trial)[1]  # and it writes as triples
    assert set(trial.phases) <= {"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"}
    assert trial.enrollment is None or trial.enrollment >= 0
    for arm in trial.arms:
        assert arm.label.strip()
    assert ictrp.detect_language(interventions) in {
        None,
        "mul",
        "es",
        "pt",
        "fr",
        "it",
        "de",
        "nl",
        "zh",
        "ja",
        "ko",
        "th",
        "ar",
        "fa",
    }


def test_every_read_field_is_used_by_the_mapper() -> None:
    """A field marked "read" is read by kg/sources/ictrp.py (else it must say why not)."""
    source = Path(ictrp.__file__).read_text(encoding="utf-8")
    for f in M.FIELDS:
        if f.kind == "read":
            assert f'"{f.target}"' in source, f.target
