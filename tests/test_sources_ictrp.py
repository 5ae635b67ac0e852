"""The WHO ICTRP export (CSV and XML) through the whole pipeline: every shared record mapped
and valid, no contact data in the graph, dates and controlled values as each registry writes
them, arms from each registry's interventions text, language tags, one trial across
registries at one IRI whichever record is read first, and the canned queries over it."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import Literal, QuerySolutions, Store

from kg.build import build
from kg.model import MappingError, RegistryId, Trial
from kg.queries import load_query
from kg.rdf import trial_quads
from kg.sources import detect, ictrp, map_bytes
from kg.store import open_store
from kg.validate import validate

CTO = "https://w3id.org/celltrials/ontology#"
TRIAL = "https://w3id.org/celltrials/trial/"
V2_STATUS = {"RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING", "COMPLETED"}
V2_STATUS |= {"SUSPENDED", "TERMINATED", "WITHDRAWN", "ENROLLING_BY_INVITATION"}
V2_PHASES = {"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"}

# The shared study's renamed columns -> ICTRP's own field names (the XML export's elements).
OFFICIAL = {
    "Public_title": "public_title",
    "Study_type": "study_type",
    "Study_design": "study_design",
    "Phase": "phase",
    "Date_enrollment": "Date_enrollement",
    "Source Register": "Source_Register",
    "Inclusion agemin": "Agemin",
    "Inclusion agemax": "Agemax",
    "Inclusion gender": "Gender",
    "Inclusion Criteria": "Inclusion_Criteria",
    "Exclusion Criteria": "Exclusion_Criteria",
    "Primary outcome": "Primary_Outcome",
    "Contact Firstname": "Public_Contact_Firstname",
    "Contact Lastname": "Public_Contact_Lastname",
    "Contact Address": "Public_Contact_Address",
    "Contact Email": "Public_Contact_Email",
    "Contact Tel": "Public_Contact_Tel",
    "Contact Affiliation": "Public_Contact_Affiliation",
    "Bridged type": "Bridged_type",
    "Last Refreshed on": "Last_Refreshed_on",
    "results url link": "results_url_link",
}


@pytest.fixture(scope="module")
def csv_path(test_data: Path) -> Path:
    return test_data / "ictrp" / "ictrp-covid19-trials.csv"


@pytest.fixture(scope="module")
def rows(csv_path: Path) -> list[dict[str, str]]:
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def trials(csv_path: Path) -> dict[str, Trial]:
    items = list(map_bytes(csv_path.read_bytes(), source_file=csv_path.name))
    assert [i for i in items if not isinstance(i, Trial)] == []
    out: dict[str, Trial] = {}
    for t in items:
        assert isinstance(t, Trial)
        out[t.registry_ids[0].id] = t
    return out


def ictrp_xml(rows: list[dict[str, str]]) -> bytes:
    """An XML export (``<Trials_downloaded_from_ICTRP><Trial>…``) of CSV rows, with ICTRP's
    own element names, made at test time."""
    root = ET.Element("Trials_downloaded_from_ICTRP")
    for row in rows:
        trial = ET.SubElement(root, "Trial")
        for column, value in row.items():
            tag = OFFICIAL.get(column, column).replace(" ", "_")
            ET.SubElement(trial, tag).text = value
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def store_of(*folders: Path) -> Store:
    return open_store(folders[0].parent / "store", read_only=True).store


def select(store: Store, query: str) -> list[dict[str, str | None]]:
    result = store.query(
        query,
        use_default_graph_as_union=True,
        prefixes={"cto": CTO, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    )
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


# --------------------------------------------------------------------------- mapping
def test_detected_from_content_csv_and_xml_but_not_the_prefix_table(
    csv_path: Path, rows: list[dict[str, str]], test_data: Path
) -> None:
    assert detect(csv_path.read_bytes(), path="any.name").name == "ictrp"
    assert detect(ictrp_xml(rows[:2]), path="x.json").name == "ictrp"
    table = (test_data / "ictrp" / "registry_prefixes_date_formats.csv").read_bytes()
    with pytest.raises(MappingError, match="unknown layout"):
        detect(table, path="registry_prefixes_date_formats.csv")


def test_all_701_records_map_one_trial_each(
    trials: dict[str, Trial], rows: list[dict[str, str]]
) -> None:
    assert len(trials) == len(rows) == 701
    by_registry = Counter(t.registry_ids[0].registry for t in trials.values())
    assert len(by_registry) == 15
    assert by_registry["CTGOV"] == sum(r["Source Register"] == "ClinicalTrials.gov" for r in rows)
    assert by_registry["REBEC"] == 8 and by_registry["ChiCTR"] == 52
    for row in rows:
        t = trials[row["TrialID"]]
        assert t.registry_ids[0].role == "primary"
        assert t.registry_ids[0].url == row["url"]
        assert (t.nct_id == row["TrialID"]) == row["TrialID"].startswith("NCT")
        assert t.title, row["TrialID"]


def test_dates_in_each_registry_format(
    trials: dict[str, Trial], rows: list[dict[str, str]]
) -> None:
    """Our reading of each registry's date equals the study's own (``*_format`` columns,
    derived by its authors from ICTRP's table); a day they inferred is a month here."""
    for row in rows:
        t = trials[row["TrialID"]]
        assert (
            t.registration_date is not None
            and t.registration_date.value == (row["Date_registration_format"])
        ), row["TrialID"]
        if row["Date_enrollment"] == "NA":  # one record states none: unknown stays unknown
            assert t.start_date is None
            continue
        assert t.start_date is not None, row["TrialID"]
        if row["Day_inferred"] == "TRUE":
            assert t.start_date.value == row["Date_enrollment_format"][:7], row["TrialID"]
        else:
            assert t.start_date.value == row["Date_enrollment_format"], row["TrialID"]
    assert dict(trials["CTRI/2020/08/027043"].raw_values)["registration_date"] == "09-08-2020"
    assert trials["CTRI/2020/08/027043"].registration_date.value == "2020-08-09"  # type: ignore[union-attr]


def test_a_date_not_in_the_registry_format_is_reported_not_guessed(
    rows: list[dict[str, str]],
) -> None:
    row = dict(next(r for r in rows if r["TrialID"].startswith("EUCTR")))
    row["Date_registration"] = "2020-04-03"  # ISO, but EUCTR writes 03/04/2020
    data = _csv_bytes([row])
    [t] = list(map_bytes(data, source_file="one.csv"))
    assert isinstance(t, Trial)
    assert t.registration_date is None
    assert dict(t.raw_values)["registration_date"] == "2020-04-03"
    assert any("not in EUCTR's date format" in n for n in t.notes)


def test_controlled_values_normalised_with_the_raw_value_beside(
    trials: dict[str, Trial], rows: list[dict[str, str]]
) -> None:
    for row in rows:
        t = trials[row["TrialID"]]
        raw = dict(t.raw_values)
        assert t.status is None or t.status in V2_STATUS
        assert set(t.phases) <= V2_PHASES, (row["TrialID"], t.phases)
        assert t.study_type == "INTERVENTIONAL"
        if row["Recruitment_status"] != "NA":
            assert raw["status"] == row["Recruitment_status"]
        if row["Recruitment_status"].casefold() == "not recruiting":
            assert t.status is None  # ICTRP's catch-all names no single CT.gov status
        if row["Recruitment_status"] == "Recruiting":
            assert t.status == "RECRUITING"
    irct = trials["IRCT20160809029275N1"]
    assert irct.phases == ("PHASE2", "PHASE3") and dict(irct.raw_values)["phases"] == "2-3"
    eu = trials["EUCTR2020-001266-11-ES"]
    assert eu.phases == ("PHASE2",) and eu.allocation == "RANDOMIZED" and eu.masking == "SINGLE"
    assert eu.eligibility.sex == "ALL"
    ct = trials["NCT04366271"]
    assert (ct.allocation, ct.intervention_model, ct.masking, ct.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "NONE",
        "TREATMENT",
    )
    assert (ct.eligibility.min_age_years, ct.eligibility.max_age_years) == (40.0, 80.0)
    chictr = trials["ChiCTR2000029817"]
    assert chictr.enrollment == 60  # "High dose group:20;Conventional dose group:20;…"
    assert chictr.phases == ("EARLY_PHASE1",) and dict(chictr.raw_values)["phases"] == "0"
    jprn = trials["JPRN-jRCTs041200025"]
    assert jprn.eligibility.min_age_years == 20.0  # ">= 20age old"
    rebec = trials["RBR-3fz9yr"]
    assert rebec.eligibility.max_age_years is None  # "0": no limit stated
    assert dict(rebec.raw_values)["max_age"] == "0"


def test_arms_from_each_registry_interventions_text(trials: dict[str, Trial]) -> None:
    chictr = trials["ChiCTR2000029817"]
    assert [a.label for a in chictr.arms] == [
        "High dose group",
        "Conventional dose group",
        "Preventive dose group",
    ]
    assert chictr.arms[0].description is not None
    assert chictr.arms[0].description.startswith("High-dose NK cells (>5x10^9)")
    irct = trials["IRCT20160809029275N1"]
    assert [a.label for a in irct.arms] == ["Intervention group", "Control group"]
    assert "1 million Umbilical core-derived MSCc/BW" in (irct.arms[0].description or "")
    ctri = trials["CTRI/2020/08/027043"]
    assert [(a.label, a.description) for a in ctri.arms] == [
        (
            "Mesenchymal Stem Cells",
            "Mesenchymal Stem cells derived from umbilical cord and placenta",
        ),
        ("Control Intervention1", "Not Applicable"),
    ]
    eu = trials["EUCTR2020-001266-11-ES"]
    [product] = eu.interventions
    assert product.name == "Allogeneic mesenchymal stromal cells isolated from adipose tissue"
    assert "Allogeneic adipose-derived mesenchymal stromal cells in vitro expanded" in (
        product.other_names
    )
    ct = trials["NCT04366271"]
    assert [(i.name, i.type) for i in ct.interventions] == [
        ("Mesenchymal cells", "BIOLOGICAL"),
        ("Standard of care", "DRUG"),
    ]
    rebec = trials["RBR-3fz9yr"]
    [free] = rebec.interventions
    assert free.type == "BIOLOGICAL"  # ReBEC's trailing ";Biological/vaccine;Transplantation"
    assert free.description is not None and "500.000 cells/kg" in free.description


def test_languages_tagged_never_translated(trials: dict[str, Trial]) -> None:
    assert dict(trials["NCT04552951"].languages)["official_title"] == "es"
    assert dict(trials["NCT04622826"].languages)["official_title"] == "it"
    assert dict(trials["NCT04612972"].languages)["official_title"] == "es"
    french = dict(trials["EUCTR2020-001602-34-FR"].languages)
    assert french["primary_outcomes[0]"] == "fr"
    assert trials["NCT04552951"].official_title is not None
    assert trials["NCT04552951"].official_title.startswith("Estudio Destinado")
    english = [t for t in trials.values() if "official_title" not in dict(t.languages)]
    assert len(english) > 650  # English stays a plain literal, as in every other format
    assert ictrp.detect_language("Mesenchymal stem cells for severe COVID-19") is None
    persian = "\u0633\u0644\u0648\u0644 \u0647\u0627\u06cc \u0628\u0646\u06cc\u0627\u062f\u06cc"
    assert ictrp.detect_language(persian) == "fa"  # "stem cells", with the Persian yeh
    arabic = "\u0627\u0644\u062e\u0644\u0627\u064a\u0627 \u0627\u0644\u062c\u0630\u0639\u064a\u0629"
    assert ictrp.detect_language(arabic) == "ar"


def test_xml_export_maps_like_the_csv(
    trials: dict[str, Trial], rows: list[dict[str, str]], tmp_path: Path
) -> None:
    picked = [
        r
        for r in rows
        if r["TrialID"]
        in {
            "ChiCTR2000029817",
            "IRCT20160809029275N1",
            "RBR-3fz9yr",
            "NCT04366271",
            "EUCTR2020-001266-11-ES",
            "CTRI/2020/08/027043",
        }
    ]
    assert len(picked) == 6
    data = ictrp_xml(picked)
    items = list(map_bytes(data, source_file="export.xml"))
    assert len(items) == 6
    for t in items:
        assert isinstance(t, Trial)
        from_csv = trials[t.registry_ids[0].id]
        assert t.provenance.record_sha256 == from_csv.provenance.record_sha256
        assert replace(t, provenance=from_csv.provenance) == from_csv
    assert b"Public_Contact_Email" in data  # the contacts are in the XML, and never read


def test_xml_with_a_dtd_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b"<Trials_downloaded_from_ICTRP><Trial><TrialID>&a;</TrialID></Trial>"
        b"</Trials_downloaded_from_ICTRP>"
    )
    with pytest.raises(MappingError, match="DOCTYPE"):
        list(map_bytes(bomb, source_file="bomb.xml"))


def test_bad_records_are_errors_naming_file_record_and_reason(rows: list[dict[str, str]]) -> None:
    good = rows[0]
    no_id = dict(rows[1], TrialID="NA")
    unknown = dict(rows[2], TrialID="XYZ-123", **{"Source Register": "Nowhere"})
    data = _csv_bytes([good, no_id, unknown]) + b'"short row",1\n'
    items = list(map_bytes(data, source_file="bad.csv"))
    assert isinstance(items[0], Trial)
    errors = [str(i) for i in items[1:]]
    assert errors[0].startswith("bad.csv [record-2]: the record has no TrialID")
    assert errors[1].startswith("bad.csv [XYZ-123]: TrialID 'XYZ-123' is of no known registry")
    last_line = data.decode().count("\n")
    assert (
        errors[2]
        == f"bad.csv [record-4]: CSV row ending at line {last_line}: 2 cells, header has 45"
    )


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- identity
def test_canonical_id_and_iri_do_not_depend_on_which_record_comes_first() -> None:
    ids = [
        RegistryId("EUCTR", "EUCTR2020-001266-11-ES"),
        RegistryId("CTGOV", "NCT04348461", "secondary"),
        RegistryId("ISRCTN", "ISRCTN11111111", "bridged"),
    ]
    for n in range(len(ids)):
        assert ictrp.canonical_id(ids[n:] + ids[:n]) == "NCT04348461"
    assert ictrp.canonical_id([RegistryId("EUCTR", "EUCTR2020-001266-11-DE")]) == (
        "EUCTR2020-001266-11"
    )
    assert ictrp.canonical_id([RegistryId("IRCT", "IRCT2"), RegistryId("ChiCTR", "ChiCTR1")]) == (
        "ChiCTR1"
    )


def _bridged_pair(rows: list[dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """A ClinicalTrials.gov record and an EUCTR record of one trial that name each other (the
    export's SecondaryIDs), and the EUCTR record of another member state."""
    ct = dict(next(r for r in rows if r["TrialID"] == "NCT04348461"))
    eu = dict(next(r for r in rows if r["TrialID"] == "EUCTR2020-001266-11-ES"))
    ct["SecondaryIDs"] = "2020-001266-11; BATTLE-COVID"
    eu["SecondaryIDs"] = "NCT04348461"
    return ct, eu


@pytest.mark.parametrize("order", ["ctgov-first", "euctr-first"])
def test_one_trial_across_registries_one_iri_whichever_comes_first(
    rows: list[dict[str, str]], tmp_path: Path, order: str
) -> None:
    ct, eu = _bridged_pair(rows)
    eu_de = dict(eu, TrialID="EUCTR2020-001266-11-DE", SecondaryIDs="")
    first, second = (ct, eu) if order == "ctgov-first" else (eu, ct)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-export.xml").write_bytes(ictrp_xml([first]))
    (folder / "b-export.csv").write_bytes(_csv_bytes([second, eu_de]))
    report = build([folder], tmp_path / "store")
    assert not report.failed
    store = store_of(folder)
    found = select(
        store,
        "SELECT ?t (GROUP_CONCAT(DISTINCT ?id; separator=' ') AS ?ids) (COUNT(DISTINCT ?g) AS ?n) "
        "WHERE { GRAPH ?g { ?t a cto:Trial ; cto:registryId ?id } } GROUP BY ?t ORDER BY ?t",
    )
    assert found == [
        {
            "t": f"{TRIAL}EUCTR2020-001266-11",
            "ids": "EUCTR2020-001266-11-DE",
            "n": "1",
        },
        {
            "t": f"{TRIAL}NCT04348461",
            "ids": found[1]["ids"],
            "n": "2",
        },
    ]
    assert set((found[1]["ids"] or "").split()) == {
        "NCT04348461",
        "EUCTR2020-001266-11-ES",
        "EUCTR2020-001266-11",
    }
    assert not select(store, "SELECT * WHERE { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b }")
    registries = select(
        store,
        f"SELECT DISTINCT ?r WHERE {{ <{TRIAL}NCT04348461> cto:registration/cto:registry ?r }}",
    )
    assert {r["r"] for r in registries} == {
        "https://w3id.org/celltrials/registry/CTGOV",
        "https://w3id.org/celltrials/registry/EUCTR",
    }
    conflicts = load_query("source-conflicts").execute(store, {}).values()
    fields = {(r["trial"], r["field"], r["format"]) for r in conflicts}
    assert ("NCT04348461", "registrationDate", "ictrp") in fields
    assert {r["trial"] for r in conflicts} == {"NCT04348461"}


# --------------------------------------------------------------------------- the graph
@pytest.fixture(scope="module")
def ictrp_store(
    csv_path: Path, test_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The shared ICTRP export and the ClinicalTrials.gov v1 archives, built together."""
    folder = tmp_path_factory.mktemp("ictrp") / "in"
    (folder / "ctgov-v1").mkdir(parents=True)
    shutil.copy(csv_path, folder / csv_path.name)
    for path in sorted((test_data / "ctgov-v1").glob("*.json")):
        shutil.copy(path, folder / "ctgov-v1" / path.name)
    report = build([folder], folder.parent / "store")
    assert not report.failed, [d.errors for d in report.failed]
    yield open_store(folder.parent / "store", read_only=True).store


def test_the_graph_validates(ictrp_store: Store) -> None:
    """No SHACL or QC violation about any trial an ICTRP record states (or its parts)."""
    stated = select(
        ictrp_store,
        "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?t a cto:Trial } "
        "FILTER(CONTAINS(STR(?g), '/graph/ictrp/')) }",
    )
    trials = {r["t"] or "" for r in stated}
    assert len(trials) == 701
    findings = [f for f in validate(ictrp_store) if f.severity == "violation"]
    ours = [f for f in findings if any(f.focus == t or f.focus.startswith(f"{t}/") for t in trials)]
    assert ours == []


def test_no_contact_data_in_the_graph(ictrp_store: Store, rows: list[dict[str, str]]) -> None:
    """No e-mail address (the QC check), and none of the export's contact e-mails or phone
    numbers, anywhere in the graph."""
    from kg.validate import qc_checks, run_qc

    assert [f for f in run_qc(ictrp_store) if f.check.startswith("qc:contact")] == []
    assert {"contact-data", "contact-phone"} <= set(qc_checks())
    literals = "\n".join(
        q.object.value
        for q in ictrp_store.quads_for_pattern(None, None, None)
        if isinstance(q.object, Literal)
    )
    assert "@" not in "".join(w for w in literals.split() if "." in w.split("@")[-1] and "@" in w)
    contacts: set[str] = set()
    for row in rows:
        for column in ("Contact Email", "Contact Tel"):
            contacts |= {c.strip() for c in row[column].split(";") if len(c.strip()) >= 7}
    contacts -= {"NA"}
    assert len(contacts) > 500
    assert sorted(c for c in contacts if c in literals) == []


def test_ctgov_trial_in_both_sources_is_one_trial_with_its_conflicts(ictrp_store: Store) -> None:
    both = select(
        ictrp_store,
        "SELECT ?t (GROUP_CONCAT(?f; separator=' ') AS ?formats) WHERE { "
        "{ SELECT DISTINCT ?t ?f WHERE { GRAPH ?g { ?t a cto:Trial } "
        "GRAPH <https://w3id.org/celltrials/graph/meta> { ?g cto:sourceFormat ?f } } ORDER BY ?f } "
        "} GROUP BY ?t HAVING (COUNT(?f) > 1) ORDER BY ?t",
    )
    assert [r["t"] for r in both] == [
        f"{TRIAL}{n}"
        for n in ("NCT04345601", "NCT04348461", "NCT04366271", "NCT04445454", "NCT04535856")
    ]
    assert {r["formats"] for r in both} == {"ctgov-v1 ictrp"}
    conflicts = (
        load_query("source-conflicts")
        .execute(ictrp_store, {"trial_iri": f"{TRIAL}NCT04366271"})
        .values()
    )
    got = {(r["field"], r["value"], r["format"]) for r in conflicts}
    assert {
        ("overallStatus", "RECRUITING", "ictrp"),
        ("overallStatus", "WITHDRAWN", "ctgov-v1"),
    } <= got
    assert {("enrollment", "106", "ictrp"), ("enrollment", "0", "ctgov-v1")} <= got


def test_language_tags_and_raw_values_in_the_graph(ictrp_store: Store) -> None:
    rows = select(
        ictrp_store,
        f"SELECT ?lang ?raw WHERE {{ <{TRIAL}NCT04552951> cto:officialTitle ?title ; "
        "cto:overallStatusAsWritten ?raw BIND(LANG(?title) AS ?lang) }",
    )
    assert rows == [{"lang": "es", "raw": "Recruiting"}]
    status = select(
        ictrp_store,
        f"SELECT ?s ?raw WHERE {{ <{TRIAL}ChiCTR2000029817> cto:overallStatusAsWritten ?raw "
        f"OPTIONAL {{ <{TRIAL}ChiCTR2000029817> cto:overallStatus ?s }} }}",
    )
    assert status == [{"s": None, "raw": "Not Recruiting"}]


def test_trials_by_registry(ictrp_store: Store, rows: list[dict[str, str]]) -> None:
    got = {
        r["registry_name"]: int(r["trials"] or 0)
        for r in load_query("trials-by-registry").execute(ictrp_store, {}).values()
    }
    per_register = Counter(r["Source Register"] for r in rows)
    assert got["Chinese Clinical Trial Registry"] == per_register["ChiCTR"]
    assert got["Iranian Registry of Clinical Trials"] == per_register["IRCT"]
    assert got["EU Clinical Trials Register"] == per_register["EU Clinical Trials Register"]
    assert len(got) == 15
    cells = {
        r["registry_name"]
        for r in load_query("trials-by-registry")
        .execute(ictrp_store, {"cell_products_only": "true"})
        .values()
    }
    assert {
        "ClinicalTrials.gov",
        "Iranian Registry of Clinical Trials",
        "Chinese Clinical Trial Registry",
    } <= cells


def test_cell_doses_read_from_ictrp_texts_with_evidence(ictrp_store: Store) -> None:
    """The registries' own dose phrasings, through the same extraction as CT.gov records."""
    doses = select(
        ictrp_store,
        "SELECT ?t ?max ?unit ?ev WHERE { ?t cto:hasArm?/cto:hasDose ?d . "
        "?d cto:maxCells ?max ; cto:doseUnit ?unit ; cto:evidence ?ev "
        "FILTER(!STRSTARTS(STR(?t), 'https://w3id.org/celltrials/trial/NCT')) } ORDER BY ?t ?max",
    )
    got = {
        (r["t"], float(r["max"] or 0), (r["unit"] or "").rsplit("#", 1)[1], r["ev"]) for r in doses
    }
    assert (f"{TRIAL}RBR-3fz9yr", 5e5, "CellsPerKilogram", "500.000 cells/kg") in got
    assert (
        f"{TRIAL}IRCT20160809029275N1",
        1e6,
        "CellsPerKilogram",
        "1 million Umbilical core-derived MSCc/BW",
    ) in got
    # "NK cells (>5x10^9) and mesenchymal stem cells (>5x10^9)": a lower bound, not a dose;
    # a build note keeps it
    assert not [g for g in got if g[0] == f"{TRIAL}ChiCTR2000029817"]
    notes = select(
        ictrp_store,
        "SELECT ?n WHERE { ?s cto:buildNote ?n FILTER(CONTAINS(?n, \"lower bound '>5x10^9'\")) }",
    )
    assert notes


def test_uc_msc_above_dose_finds_two_registries_besides_ctgov(ictrp_store: Store) -> None:
    rows = load_query("uc-msc-above-dose").execute(ictrp_store, {"min_cells": "1e7"}).values()
    assert all(r["evidence"] for r in rows)
    others = {str(r["trial"]) for r in rows if not str(r["trial"]).startswith("NCT")}
    registries = {
        r["registry"]
        for key in others
        for r in select(
            ictrp_store,
            f"SELECT ?registry WHERE {{ <{key}> cto:registration/cto:registry ?registry }}",
        )
    }
    assert len(registries) >= 2, others


def test_trial_quads_of_a_registry_record(trials: dict[str, Trial]) -> None:
    _, quads = trial_quads(trials["CTRI/2020/08/027043"])
    subjects = {str(q.subject) for q in quads}
    assert f"<{TRIAL}CTRI-2020-08-027043>" in subjects
    texts = {q.object.value for q in quads if isinstance(q.object, Literal)}
    assert "CTRI/2020/08/027043" in texts  # the id as the registry writes it
    assert json.dumps(sorted(texts))  # plain data, nothing unserialisable


def test_a_changed_row_replaces_only_its_record_graph(
    rows: list[dict[str, str]], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    some = [dict(r) for r in rows[:20]]
    (folder / "export.csv").write_bytes(_csv_bytes(some))
    assert not build([folder], tmp_path / "store").failed

    def graphs() -> set[str]:
        store = open_store(tmp_path / "store", read_only=True).store
        return {g.value for g in store.named_graphs() if "/graph/ictrp/" in g.value}

    before = graphs()
    some[3]["Target_size"] = "999"
    (folder / "export.csv").write_bytes(_csv_bytes(some))
    assert not build([folder], tmp_path / "store").failed
    after = graphs()
    key = ictrp._iri_key(some[3]["TrialID"])
    assert len(before) == len(after) == 20
    assert [g.rsplit("/", 1)[1].rsplit("-", 1)[0] for g in before - after] == [key]
    assert [g.rsplit("/", 1)[1].rsplit("-", 1)[0] for g in after - before] == [key]


def test_the_phone_check_finds_a_phone_and_not_a_dose() -> None:
    from kg.validate import run_qc

    store = Store()
    g = "<https://w3id.org/celltrials/graph/x>"
    store.update(
        f"""INSERT DATA {{ GRAPH {g} {{
          <https://example.org/a> <https://example.org/p> "Call +98 21 8245 5393 or +86-18565616060" .
          <https://example.org/b> <https://example.org/p> "1-2 x 10^6 cells/kg, +/- 5 %, 2020-04-07" .
        }} }}"""
    )
    found = [f for f in run_qc(store) if f.check == "qc:contact-phone"]
    assert [f.focus for f in found] == ["https://example.org/a"]
