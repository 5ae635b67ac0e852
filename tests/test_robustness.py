"""Issue 13: one bad document never stops a build, what a build stores always validates,
and the machine around the build (a second build, the disk, special files) gives one
clear line instead of a traceback. One test per finding of the issue."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyoxigraph import QuerySolutions, Store

from kg.build import BuildReport, DocumentResult, build, map_document_file
from kg.cli import main
from kg.queries import load_query
from kg.rdf import Minter
from kg.store import StoreBusyError, build_lock, open_store
from kg.validate import validate

KG = [sys.executable, "-c", "import sys; from kg.cli import main; main(sys.argv[1:])"]
V2 = "ctgov-v2"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def study(test_data: Path) -> dict[str, Any]:
    """A small real API v2 study (NCT00973089: one site, one MeSH term, one reference)."""
    data: dict[str, Any] = json.loads((test_data / V2 / "NCT00973089.json").read_bytes())
    return data


def variant(study: dict[str, Any], nct: str | None = None) -> dict[str, Any]:
    """A deep copy of the study, under another NCT id (a trial of its own)."""
    copy: dict[str, Any] = json.loads(json.dumps(study))
    if nct:
        copy["protocolSection"]["identificationModule"]["nctId"] = nct
    return copy


def write(folder: Path, name: str, doc: object | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return path


def by_key(report: BuildReport) -> dict[str, DocumentResult]:
    return {d.key: d for d in report.documents}


def ask(store: Path, query: str) -> list[tuple[str, ...]]:
    gs = open_store(store, read_only=True)
    result = gs.store.query(
        "PREFIX cto: <https://w3id.org/celltrials/ontology#>\n" + query,
        use_default_graph_as_union=True,
    )
    assert isinstance(result, QuerySolutions)
    return [tuple(str(getattr(t, "value", t)) for t in row) for row in result]


def trials(store: Path) -> set[str]:
    return {row[0] for row in ask(store, "SELECT ?n WHERE { ?t cto:nctId ?n }")}


def assert_valid(store: Path) -> None:
    gs = open_store(store, read_only=True)
    findings = [f for f in validate(gs.store) if getattr(f, "severity", "violation") != "warning"]
    assert not findings, findings[:10]


# ------------------------------------------------------------ bad documents, each cause


@pytest.fixture(scope="module")
def bad_build(
    tmp_path_factory: pytest.TempPathFactory, study: dict[str, Any]
) -> tuple[Path, BuildReport]:
    """One first build of a folder of real records, each carrying one finding of the issue,
    beside an intact one: built once, validated once."""
    folder = tmp_path_factory.mktemp("bad") / "in"
    write(folder, "intact.json", variant(study))
    # a JSON number of 5,000 digits (Python's int-digit limit) in a count, and in a latitude
    doc = json.dumps(variant(study, "NCT90000001")).replace('"count": 0', '"count": ' + "9" * 5000)
    write(folder, "long-count.json", doc.encode())
    lat = variant(study, "NCT90000002")
    lat["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"]["lat"] = "@LAT@"
    write(folder, "long-lat.json", json.dumps(lat).replace('"@LAT@"', "1" * 5000).encode())
    # JSON nested 100,000 levels deep (RecursionError)
    write(folder, "deep.json", b'{"protocolSection": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    # a MeSH id with a space and one with a non-character
    mesh = variant(study, "NCT90000003")
    browse = mesh["derivedSection"]["conditionBrowseModule"]
    browse["meshes"] = [
        {"id": "D00 1", "term": "Dental Caries"},
        {"id": "D00\ufffe1", "term": "Caries"},
    ]
    browse["ancestors"] = [{"id": "D0<>", "term": "Tooth Diseases"}]
    write(folder, "mesh.json", mesh)
    # other source strings that reach IRIs: a see-also link, a PMID, a DOI
    links = variant(study, "NCT90000004")
    refs = links["protocolSection"]["referencesModule"]
    refs["seeAlsoLinks"] = [
        {"url": "http://example.org/a b\ufffe"},
        {"url": "https://ok.example/x"},
    ]
    refs["references"][0]["pmid"] = "1851 9994"
    refs["references"][0]["citation"] += " doi: 10.1234/x\u0001y"
    write(folder, "links.json", links)
    # an NCT id in Arabic-Indic digits (passes \d)
    write(
        folder, "arabic.json", variant(study, "NCT\u0660\u0660\u0669\u0667\u0663\u0660\u0668\u0669")
    )
    # values outside the controlled vocabularies
    odd = variant(study, "NCT90000005")
    p = odd["protocolSection"]
    p["designModule"]["phases"] = ["Phase 5"]
    p["designModule"]["studyType"] = "Interventionalish"
    p["eligibilityModule"]["sex"] = "Unknown"
    p["statusModule"]["overallStatus"] = "Paused for lunch " * 1000
    write(folder, "odd-values.json", odd)
    # a location with no facility, city or country
    empty = variant(study, "NCT90000006")
    empty["protocolSection"]["contactsLocationsModule"]["locations"].append({"state": "Utah"})
    write(folder, "empty-site.json", empty)
    # a lone surrogate escape (not Unicode text)
    write(
        folder,
        "surrogate.json",
        json.dumps(variant(study, "NCT90000007")).replace("Jerusalem", "Jeru\\udc80salem").encode(),
    )
    # a 10 MB field value in an unmapped vocabulary (the report quotes it)
    huge = variant(study, "NCT90000008")
    huge["protocolSection"]["designModule"]["designInfo"]["allocation"] = "x" * 10_000_000
    write(folder, "huge.json", huge)
    # a shuffled text page (a seed): sentences of the page where its status and phase belong
    page = (SEEDS / "000_66e03c00ef7c3da0.txt").read_text(encoding="utf-8")
    sentence = next(line for line in page.splitlines() if len(line) > 150)
    page = page.replace("Status: Recruiting", f"Status: {sentence * 3}")
    page = page.replace("Study Phase: Phase 1", f"Study Phase: {sentence}")
    write(folder, "shuffled.txt", page.encode())
    store = folder.parent / "store"
    report = build([folder], store, jobs=1)
    return store, report


def test_no_document_stops_a_first_build(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    assert store.is_dir()  # the first build wrote its store
    docs = by_key(report)
    assert docs["intact.json"].status == "mapped" and not docs["intact.json"].errors
    assert "NCT00973089" in trials(store)
    for d in report.documents:  # every error is a mapping error, none a last-resort catch
        for error in d.errors:
            assert error.startswith(d.key) and " failed: " not in error, error
            assert "unreadable record" not in error, error


def test_number_of_thousands_of_digits(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    docs = by_key(report)
    count = docs["long-count.json"]
    assert count.status == "mapped" and not count.errors
    assert any("unparsed enrollment count" in n and "[5,000 characters]" in n for n in count.notes)
    assert not ask(
        store,
        "SELECT ?e WHERE { <https://w3id.org/celltrials/trial/NCT90000001> cto:enrollment ?e }",
    )
    lat = docs["long-lat.json"]
    assert lat.status == "failed"
    assert lat.errors == ["long-lat.json [NCT90000002]: 'lat' is a number of 5,000 characters"]


def test_json_nested_thousands_of_levels(bad_build: tuple[Path, BuildReport]) -> None:
    deep = by_key(bad_build[1])["deep.json"]
    assert deep.status == "failed"
    assert deep.errors == [
        "deep.json: JSON nested too deeply to read (arrays and objects about 1,000 levels deep or more)"
    ]


def test_mesh_ids_are_checked_before_they_become_iris(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    mesh = by_key(report)["mesh.json"]
    assert mesh.status == "mapped" and not mesh.errors
    assert any("MeSH id 'D00 1' of 'Dental Caries' is not a MeSH id" in n for n in mesh.notes)
    assert any("MeSH id 'D00\\ufffe1'" in n for n in mesh.notes)
    assert any("MeSH id 'D0<>'" in n for n in mesh.notes)
    rows = ask(
        store,
        "SELECT ?m WHERE { <https://w3id.org/celltrials/trial/NCT90000003> cto:studiesCondition/cto:meshTerm ?m }",
    )
    assert rows == []  # the condition stays, by name, not linked through a broken id
    conditions = "SELECT ?c WHERE { <https://w3id.org/celltrials/trial/NCT90000003> cto:studiesCondition ?c }"
    assert ask(store, conditions)


def test_links_pmids_and_dois_are_checked(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    links = by_key(report)["links.json"]
    assert links.status == "mapped" and not links.errors
    assert any(
        "see-also link 'http://example.org/a b\\ufffe' is not an http(s) IRI" in n
        for n in links.notes
    )
    assert any("reference PMID '1851 9994' is not a PubMed id" in n for n in links.notes)
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    t = "<https://w3id.org/celltrials/trial/NCT90000004>"
    see_also = {r[0] for r in ask(store, f"SELECT ?u WHERE {{ {t} <{rdfs}seeAlso> ?u }}")}
    assert "https://ok.example/x" in see_also
    assert not any("example.org/a" in u for u in see_also)
    pmids = ask(
        store, "SELECT ?p WHERE { ?r cto:pmid ?p FILTER(CONTAINS(STR(?r), 'NCT90000004')) }"
    )
    assert pmids == [("1851 9994",)]  # kept as text, not linked


def test_nct_id_in_other_digits_is_not_an_nct_id(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    arabic = by_key(report)["arabic.json"]
    assert arabic.status == "failed"
    assert (
        arabic.errors[0].startswith("arabic.json [NCT\u0660")
        and "malformed NCT id" in arabic.errors[0]
    )
    assert not any("\u0660" in t for t in trials(store))


def test_unknown_controlled_values_are_text_not_terms(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    odd = by_key(report)["odd-values.json"]
    assert odd.status == "mapped"
    t = "<https://w3id.org/celltrials/trial/NCT90000005>"
    for prop in ("phase", "studyType", "sex", "overallStatus"):
        assert not ask(store, f"SELECT ?v WHERE {{ {t} cto:{prop} ?v }}"), prop
    written = dict(
        ask(store, f"SELECT ?p ?v WHERE {{ {t} ?p ?v FILTER(CONTAINS(STR(?p), 'AsWritten')) }}")
    )
    cto = "https://w3id.org/celltrials/ontology#"
    assert written[f"{cto}phaseAsWritten"] == "Phase 5"  # kept as text beside the unknown
    assert written[f"{cto}studyTypeAsWritten"] == "Interventionalish"
    assert written[f"{cto}sexAsWritten"] == "Unknown"
    assert written[f"{cto}overallStatusAsWritten"].endswith("… [16,999 characters]")
    notes = "\n".join(odd.notes)
    assert "unmapped phase spelling 'Phase 5'" in notes
    assert "unmapped study type spelling 'Interventionalish'" in notes
    assert "unmapped sex spelling 'Unknown'" in notes
    assert "[16,999 characters]" in notes  # the long status, cut
    shuffled = by_key(report)["shuffled.txt"]
    assert shuffled.status == "mapped", shuffled.errors
    assert any(n.startswith("doc-") and "unmapped status spelling" in n for n in shuffled.notes)
    assert all(len(n) < 700 for n in shuffled.notes)


def test_empty_location_is_left_out(bad_build: tuple[Path, BuildReport]) -> None:
    store, report = bad_build
    empty = by_key(report)["empty-site.json"]
    assert "NCT90000006: 1 location(s) with no facility, city or country; left out" in empty.notes
    sites = ask(
        store, "SELECT ?s WHERE { <https://w3id.org/celltrials/trial/NCT90000006> cto:site ?s }"
    )
    assert len(sites) == 1


def test_lone_surrogate_is_a_clean_error(bad_build: tuple[Path, BuildReport]) -> None:
    surrogate = by_key(bad_build[1])["surrogate.json"]
    assert surrogate.status == "failed"
    assert "JSON text holds a lone surrogate (not Unicode)" in surrogate.errors[0]


def test_long_values_are_cut_in_notes_and_the_report(
    bad_build: tuple[Path, BuildReport],
) -> None:
    store, report = bad_build
    huge = by_key(report)["huge.json"]
    assert huge.status == "mapped"
    assert all(len(n) < 700 for n in huge.notes)
    assert any("[10,000,000 characters]" in n for n in huge.notes)
    notes = ask(store, "SELECT ?n WHERE { ?g cto:buildNote ?n }")
    assert max(len(n[0]) for n in notes) < 700  # the graph keeps the cut note too


def test_what_a_build_stores_validates(bad_build: tuple[Path, BuildReport]) -> None:
    assert_valid(bad_build[0])


def test_cli_report_of_a_10mb_field_is_small(tmp_path: Path, study: dict[str, Any]) -> None:
    huge = variant(study)
    huge["protocolSection"]["designModule"]["designInfo"]["allocation"] = "x" * 10_000_000
    huge["protocolSection"]["identificationModule"]["nctId"] = "NCT" + "9" * 10_000_000
    folder = tmp_path / "in"
    write(folder, "huge.json", huge)
    write(folder, "other.json", variant(study, "NCT90000010"))
    r = subprocess.run(
        [*KG, "build", str(folder), "--store", str(tmp_path / "store"), "--quiet"],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1  # a document failed; the other is stored
    assert len(r.stderr) + len(r.stdout) < 20_000, len(r.stderr)
    assert "Traceback" not in r.stderr
    assert "huge.json [NCT999" in r.stderr and "malformed NCT id" in r.stderr
    assert trials(tmp_path / "store") == {"NCT90000010"}


# ------------------------------------------------------- the last resort, whatever the cause


def test_any_exception_of_one_document_is_its_error(
    tmp_path: Path, study: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception nobody foresaw (here: in extraction, for one record) is that record's
    error; the first build still writes its store and a rebuild updates the rest."""
    import kg.build as kb

    real = kb.enrich

    def enrich(trial: Any) -> None:
        if trial.nct_id == "NCT90000020":
            raise RecursionError("maximum recursion depth exceeded (simulated)")
        real(trial)

    monkeypatch.setattr(kb, "enrich", enrich)
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study, "NCT90000020"))
    write(folder, "b.json", variant(study, "NCT90000021"))
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    a = by_key(report)["a.json"]
    assert a.status == "failed"
    assert a.errors == [
        "a.json [NCT90000020]: extraction failed: RecursionError: maximum recursion depth "
        "exceeded (simulated)"
    ]
    assert trials(store) == {"NCT90000021"}
    # the rebuild goes on with the rest: b changed, a still failing
    write(folder, "b.json", variant(study, "NCT90000022"))
    report = build([folder], store, jobs=1)
    assert by_key(report)["a.json"].status == "failed"
    assert trials(store) == {"NCT90000022"}


def test_an_unforeseen_failure_of_one_record_keeps_the_others_of_its_page(
    study: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.sources import ctgov_common

    real = ctgov_common.build_trial

    def build_trial(raw: Any, prov: Any) -> Any:
        if raw.nct_id == "NCT90000031":
            raise MemoryError("simulated")
        return real(raw, prov)

    monkeypatch.setattr(ctgov_common, "build_trial", build_trial)
    page = {"studies": [variant(study, f"NCT9000003{i}") for i in range(3)]}
    result, _, mapped = map_document_file(json.dumps(page).encode(), "page.json", minter=Minter())
    assert [t.nct_id for t in mapped] == ["NCT90000030", "NCT90000032"]
    assert result.errors == ["page.json [NCT90000031]: unreadable record: MemoryError: simulated"]


# ----------------------------------------------------------------- validity across sources


def test_two_sources_that_disagree_validate_and_show_as_conflicts(
    tmp_path: Path, study: dict[str, Any]
) -> None:
    one = variant(study)
    two = variant(study)
    two["protocolSection"]["eligibilityModule"]["healthyVolunteers"] = not one["protocolSection"][
        "eligibilityModule"
    ].get("healthyVolunteers", False)
    two["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    two["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 40
    folder = tmp_path / "in"
    write(folder, "one.json", one)
    write(folder, "two.json", two)
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    assert not report.failed
    assert_valid(store)
    gs = open_store(store, read_only=True)
    table = load_query("source-conflicts").execute(gs.store, {})
    fields = {str(getattr(row[1], "value", row[1])) for row in table.rows}
    assert {"healthyVolunteers", "overallStatus", "enrollment"} <= fields


def test_max_count_still_holds_within_one_source_graph(tmp_path: Path) -> None:
    store = Store()
    store.update(
        """PREFIX cto: <https://w3id.org/celltrials/ontology#>
        INSERT DATA {
          GRAPH <https://example.org/g1> { <https://example.org/t> a cto:Trial ; cto:nctId "NCT00000001", "NCT00000002" . }
          GRAPH <https://example.org/g2> { <https://example.org/u> a cto:Trial ; cto:nctId "NCT00000003" . }
          GRAPH <https://example.org/g3> { <https://example.org/u> a cto:Trial ; cto:nctId "NCT00000004" . }
        }"""
    )
    findings = [f for f in validate(store) if f.check == "shacl:MaxCountConstraintComponent"]
    assert [f.focus for f in findings] == ["https://example.org/t"]
    assert "https://example.org/g1" in findings[0].message


# ---------------------------------------------------------------- concurrency, file system


def _slow_build(folder: Path, store: Path) -> subprocess.Popen[bytes]:
    script = (
        "import sys, time, kg.build as kb\n"
        "real = kb.map_document_file\n"
        "def slow(*a, **k):\n"
        "    time.sleep(0.3)\n"
        "    return real(*a, **k)\n"
        "kb.map_document_file = slow\n"
        "from kg.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            "build",
            str(folder),
            "--store",
            str(store),
            "--quiet",
            "-j",
            "1",
        ],
        stderr=subprocess.PIPE,
    )


def _wait_for_lock(store: Path, pid: int) -> None:
    lock = store.with_name(f".{store.name}.lock")
    for _ in range(600):
        if lock.exists() and lock.read_text().strip() == str(pid):
            return
        time.sleep(0.05)
    raise AssertionError("the first build never took the lock")


@pytest.fixture()
def folder_of_ten(tmp_path: Path, study: dict[str, Any]) -> Path:
    folder = tmp_path / "in"
    for i in range(10):
        write(folder, f"s{i}.json", variant(study, f"NCT9100000{i}"))
    return folder


@pytest.mark.parametrize("first", ["new", "existing"])
def test_a_second_build_of_the_same_store_fails_clearly(
    tmp_path: Path, folder_of_ten: Path, study: dict[str, Any], first: str
) -> None:
    store = tmp_path / "store"
    other = tmp_path / "other"
    write(other, "x.json", variant(study, "NCT92000000"))
    if first == "existing":
        build([other], store, jobs=1)
    proc = _slow_build(folder_of_ten, store)
    try:
        _wait_for_lock(store, proc.pid)
        r = subprocess.run(
            [*KG, "build", str(other), "--store", str(store), "--quiet"],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip() == (
            f"Error: the store {store} is being built by process {proc.pid}; run the build "
            "again when it has finished"
        )
    finally:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    expected = {f"NCT9100000{i}" for i in range(10)}
    if first == "existing":
        expected.add("NCT92000000")
    assert trials(store) == expected  # nothing of the first build lost


def test_build_lock_in_process(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with build_lock(store):
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from kg.store import build_lock\n"
                "with build_lock(Path(sys.argv[1])): pass",
                str(store),
            ],
            capture_output=True,
            check=False,
            text=True,
            timeout=60,
        )
    assert f"is being built by process {os.getpid()}" in child.stderr
    with build_lock(store):  # released: taken again
        pass


def test_store_held_open_elsewhere_is_named_not_a_rocksdb_traceback(
    tmp_path: Path, study: dict[str, Any]
) -> None:
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study, "NCT93000000"))
    store = tmp_path / "store"
    build([folder], store, jobs=1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pyoxigraph import Store; s = Store(sys.argv[1]); "
            "print('open', flush=True); time.sleep(60)",
            str(store),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        with pytest.raises(StoreBusyError, match="is open for writing in another process"):
            open_store(store)
        r = subprocess.run(
            [*KG, "build", str(folder), "--store", str(store), "--quiet", "--force"],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.startswith(
            f"Error: the store {store} is open for writing in another process"
        )
        assert len(r.stderr.strip().splitlines()) == 1
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def _one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr[-2000:]
    return lines[0]


def test_uncreatable_store_and_missing_output_folder(tmp_path: Path, study: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study))
    line = _one_line_error(
        subprocess.run(
            [*KG, "build", str(folder), "--store", "/proc/x", "--quiet"],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
    )
    assert line == "Error: no store can be written there (No such file or directory): /proc/x"
    line = _one_line_error(
        subprocess.run(
            [*KG, "build", str(folder), "--store", ".", "--quiet"],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    )
    assert line == "Error: a store needs a folder name of its own (not . or ..): ."
    build([folder], tmp_path / "store", jobs=1)
    line = _one_line_error(
        subprocess.run(
            [
                *KG,
                "export",
                "--store",
                str(tmp_path / "store"),
                "-o",
                str(tmp_path / "no" / "x.ttl"),
            ],
            capture_output=True,
            check=False,
            text=True,
            timeout=120,
        )
    )
    assert line == f"Error: No such file or directory: {tmp_path / 'no' / 'x.ttl'}"


def _in_mount_namespace(setup: str, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` after ``setup`` (mount commands) in a mount namespace of its own
    (needs root, as CI and these machines run; the host's mounts are not touched)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) not installed")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"no mount namespaces here: {probe.stderr.decode().strip()}")
    quoted = " ".join(f"'{c}'" for c in command)
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"set -e; {setup}; exec {quoted}"],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )


def test_disk_full(tmp_path: Path, test_data: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    r = _in_mount_namespace(
        f"mount -t tmpfs -o size=1m tmpfs '{small}'",
        [*KG, "build", str(test_data / V2), "--store", str(small / "store"), "--quiet"],
    )
    line = _one_line_error(r)
    assert line.startswith("Error: ") and "No space left on device" in line, line


def test_read_only_store_folder(tmp_path: Path, study: dict[str, Any]) -> None:
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study))
    store = tmp_path / "ro" / "store"
    build([folder], store, jobs=1)
    write(folder, "b.json", variant(study, "NCT93000001"))
    ro = tmp_path / "ro"
    r = _in_mount_namespace(
        f"mount --bind '{ro}' '{ro}'; mount -o remount,bind,ro '{ro}'",
        [*KG, "build", str(folder), "--store", str(store), "--quiet"],
    )
    line = _one_line_error(r)
    assert line.startswith("Error: ") and "Read-only file system" in line, line
    assert trials(store) == {"NCT00973089"}  # the store is as it was


@pytest.fixture()
def fifo_folder(tmp_path: Path, study: dict[str, Any]) -> Iterator[Path]:
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study))
    os.mkfifo(folder / "pipe.json")
    yield folder


def test_fifo_in_an_input_folder_is_skipped_not_read(fifo_folder: Path, tmp_path: Path) -> None:
    r = subprocess.run(
        [*KG, "build", str(fifo_folder), "--store", str(tmp_path / "store"), "--quiet"],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,  # a FIFO opened for reading would block for ever
    )
    assert r.returncode == 0, r.stderr
    assert "1 skipped" in r.stderr
    assert "note pipe.json: skipped: a FIFO, not a document file (not read)" in r.stderr
    assert trials(tmp_path / "store") == {"NCT00973089"}
    # given as a path of its own, too (and a rebuild skips it again)
    r = subprocess.run(
        [
            *KG,
            "build",
            str(fifo_folder / "pipe.json"),
            "--store",
            str(tmp_path / "store"),
            "--quiet",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and "skipped: a FIFO" in r.stderr, r.stderr
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output


def test_file_name_that_is_not_utf8(tmp_path: Path, study: dict[str, Any]) -> None:
    """A name whose bytes are not UTF-8 reached the source IRI and its literal as surrogate
    escapes (a last-resort error, and a crash of the next rebuild): its key spells them."""
    folder = tmp_path / "in"
    write(folder, "a.json", variant(study))
    (folder / os.fsdecode(b"bad\xff.json")).write_bytes(
        json.dumps(variant(study, "NCT93000002")).encode()
    )
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    assert not report.failed, [d.errors for d in report.failed]
    assert "bad\\xff.json" in by_key(report)
    assert trials(store) == {"NCT00973089", "NCT93000002"}
    again = build([folder], store, jobs=1)
    assert again.statuses["unchanged"] == 2


def test_worker_processes_report_the_same(
    bad_build: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    """The bad documents mapped by worker processes (as a large build maps them) give the
    same results and the same store as in the build's own process."""
    store, report = bad_build
    folder = store.parent / "in"
    pooled = build([folder], tmp_path / "pooled", jobs=2)
    assert {d.key: (d.status, d.errors, d.notes) for d in pooled.documents} == {
        d.key: (d.status, d.errors, d.notes) for d in report.documents
    }
    assert trials(tmp_path / "pooled") == trials(store)


def test_ictrp_rows_with_odd_ids_and_sizes(tmp_path: Path, test_data: Path) -> None:
    """Found by the fuzz test in the WHO ICTRP mapper: a ClinicalTrials.gov TrialID that is
    no NCT id became the trial's IRI (caught only by the last resort), and a target size
    of 5,000 digits went to int()."""
    import csv
    import io

    text = (test_data / "ictrp" / "ictrp-covid19-trials.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    at = {name: i for i, name in enumerate(head)}
    ctgov = [r for r in rows[1:] if r[at["TrialID"]].startswith("NCT")][:3]
    ctgov[0][at["TrialID"]] = "NCT\u0660\u0660\u0669\u0667\u0663\u0660\u0668\u0669"
    ctgov[1][at["Target_size"]] = "9" * 5000
    out = io.StringIO()
    csv.writer(out).writerows([head, *ctgov])
    folder = tmp_path / "in"
    write(folder, "ictrp.csv", out.getvalue().encode())
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    doc = by_key(report)["ictrp.csv"]
    assert doc.status == "mapped" and doc.trials == 3, doc.errors
    assert not doc.errors
    notes = "\n".join(doc.notes)
    assert "is not an NCT id; kept as a registry id" in notes
    assert "target size '99999" in notes  # a note (cut), not an int of 5,000 digits
    assert len(trials(store)) == 2  # the third is a registry id only
    assert_valid(store)


def test_a_name_with_an_at_sign_is_left_out(tmp_path: Path, study: dict[str, Any]) -> None:
    """Found by the fuzz test (seed 6): a contact name "@@" on a page, or an official
    named "someone@" in a record, is no e-mail address, so it was kept, and the shapes
    (no "@" in an investigator's label) failed."""
    folder = tmp_path / "in"
    page = (SEEDS / "000_66e03c00ef7c3da0.txt").read_text(encoding="utf-8")
    assert "Contact Information\nPrimary\n" in page
    page = page.replace("Contact Information\nPrimary\n", "Contact Information\nPrimary\n@@\n", 1)
    write(folder, "page.txt", page.encode())
    doc = variant(study, "NCT93000003")
    doc["protocolSection"]["contactsLocationsModule"]["overallOfficials"] = [
        {"name": "someone@", "role": "PRINCIPAL_INVESTIGATOR"}
    ]
    write(folder, "v2.json", doc)
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    assert not report.failed
    notes = by_key(report)["v2.json"].notes
    assert "NCT93000003: official name 'someone@' holds an '@'; left out" in notes
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    names = ask(store, f"SELECT ?n WHERE {{ ?p a cto:Investigator ; {label} ?n }}")
    assert names and not [n for (n,) in names if "@" in n]
    assert_valid(store)


def test_phone_numbers_in_any_field_are_removed(tmp_path: Path, study: dict[str, Any]) -> None:
    """Found by the fuzz test (seeds 7, 8) once ontology/qc/contact-phone-violation.rq came:
    an international phone number in a field no mapper scrubs (a site's city, an
    intervention's name) was written, and the store failed the QC check."""
    doc = variant(study, "NCT93000004")
    p = doc["protocolSection"]
    p["contactsLocationsModule"]["locations"][0]["city"] = "Jerusalem +98 21 8245 5393"
    p["armsInterventionsModule"]["interventions"][0]["name"] += " (call +1 (555) 123-4567)"
    folder = tmp_path / "in"
    write(folder, "a.json", doc)
    store = tmp_path / "store"
    build([folder], store, jobs=1)
    cities = ask(store, "SELECT ?c WHERE { ?s cto:city ?c }")
    assert cities == [("Jerusalem [phone number removed]",)]
    assert_valid(store)


def test_surrogate_bytes_are_refused_too(study: dict[str, Any]) -> None:
    """Found by the fuzz test: a surrogate written as UTF-8 bytes (not UTF-8, but json.loads
    reads bytes with "surrogatepass") got past the check for escaped ones."""
    text = json.dumps(variant(study), ensure_ascii=False).replace("Jerusalem", "Jeru\udc80salem")
    result, _, _ = map_document_file(
        text.encode("utf-8", "surrogatepass"), "raw.json", minter=Minter()
    )
    assert result.status == "failed"
    assert result.errors == ["raw.json: JSON text holds a lone surrogate (not Unicode) in 'city'"]


def test_results_value_of_an_unlisted_group(tmp_path: Path, test_data: Path) -> None:
    """Found by the fuzz test once posted results came into the graph: a measurement naming
    a group its outcome measure does not list made a store that failed
    qc/results-value-without-group; the record's results are left out with the reason."""
    doc = json.loads((test_data / "ctgov-v1" / "msc-allo-MSCs.json").read_bytes())
    response = doc["FullStudiesResponse"]
    entry = next(e for e in response["FullStudies"] if "ResultsSection" in e["Study"])
    text = json.dumps(entry)
    nct = entry["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
    measures = entry["Study"]["ResultsSection"]["OutcomeMeasuresModule"]
    ids = re.findall(r'"OutcomeMeasurementGroupId": "([^"]+)"', json.dumps(measures))
    assert ids
    text = text.replace(
        f'"OutcomeMeasurementGroupId": "{ids[0]}"', '"OutcomeMeasurementGroupId": "D00 1"', 1
    )
    single = {
        "FullStudiesResponse": {
            **response,
            "NStudiesReturned": 1,
            "FullStudies": [json.loads(text)],
        }
    }
    folder = tmp_path / "in"
    write(folder, "results.json", single)
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)
    result = by_key(report)["results.json"]
    assert result.status == "mapped" and not result.errors
    assert any("names group 'D00 1', which its section does not list" in n for n in result.notes)
    assert trials(store) == {nct}
    assert_valid(store)
