"""Fuzz test of the build (issue 13): mutated real records never stop a build.

A seeded mutator changes real records of ../shared/data (API v2 and classic v1 JSON,
legacy XML, WHO ICTRP rows) and the seed pages: odd text in a field (other scripts' digits, non-characters,
control characters, spaces in ids, long paragraphs, values outside every vocabulary),
numbers of thousands of digits, JSON nested thousands of levels deep, wrong JSON types,
fields and elements dropped or repeated, XML and pages cut, lines shuffled. All of them
and a few intact records go through one first build and one rebuild, and for every
mutated document:

* no exception escapes it (the build finishes), and none is caught only by the last
  resort (every error is a mapping error naming the file, the record and the reason);
* every other document is stored (the intact ones, and every record a mutant still gives);
* the store validates (SHACL shapes and QC checks).

``KG_FUZZ_SEED`` and ``KG_FUZZ_DOCS`` run other or more mutants (the default is sized to
about 30 s here); a failure prints the seed and the mutant's name, and
``KG_FUZZ_KEEP=folder`` keeps the mutants for a look.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.build import BuildReport, DocumentResult, build
from kg.store import open_store
from kg.validate import validate

SEED = int(os.environ.get("KG_FUZZ_SEED", "13"))
DOCS = int(os.environ.get("KG_FUZZ_DOCS", "300"))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Text a mutated field may get: what the 2,000 mutants found, and its neighbours.
ODD_TEXT = [
    "",
    "   ",
    "D00 1",
    "NCT\u0660\u0660\u0669\u0667\u0663\u0660\u0668\u0669",
    "NCT0097308\uff19",
    "Phase 5",
    "Unknown",
    "\ufffe",
    "\uffff\U0010ffff",
    "a\u0000b\u0001c\u007f",
    '<>"{}|\\^`',
    "http://example.org/a b",
    "https://x/\ufdd0",
    "%zz%",
    "\u00b2\u00b3\u00b9",
    "\u0661\u0662\u0663",
    "-1",
    "1e999",
    "NaN",
    "x" * 5000,
    "Every patient receives 2 x 10^6 cells/kg by vein. " * 40,
    "\u202e\u200b\u2028\u2029",
    "@@",
    "someone@example.org +1 (555) 123-4567",
]
# Placeholders replaced in the serialised JSON by what json.dumps cannot write.
_HUGE_INT = "\u0000HUGE-INT\u0000"
_HUGE_FLOAT = "\u0000HUGE-FLOAT\u0000"
_DEEP = "\u0000DEEP\u0000"
_SURROGATE = "\u0000SURROGATE\u0000"


def _odd(rng: random.Random) -> str:
    return rng.choice(ODD_TEXT)


# ------------------------------------------------------------------------------- JSON


# Fields whose values reach IRIs, vocabularies or numbers (v2 and v1 spellings): a third of
# the JSON mutations aim at one of them.
KEYS = frozenset(
    [
        "nctId",
        "NCTId",
        "phases",
        "Phase",
        "overallStatus",
        "OverallStatus",
        "studyType",
        "StudyType",
        "sex",
        "Gender",
        "id",
        "ConditionMeshId",
        "ConditionAncestorId",
        "pmid",
        "ReferencePMID",
        "url",
        "SeeAlsoLinkURL",
        "facility",
        "city",
        "country",
        "state",
        "LocationFacility",
        "LocationCity",
        "LocationCountry",
        "count",
        "EnrollmentCount",
        "lat",
        "lon",
        "date",
        "StartDate",
        "healthyVolunteers",
        "HealthyVolunteers",
        "minimumAge",
        "MinimumAge",
        "allocation",
        "DesignAllocation",
        "masking",
        "DesignMasking",
        "type",
        "ArmGroupType",
        "class",
        "LeadSponsorClass",
        "citation",
        "ReferenceCitation",
    ]
)
XML_TAGS = (
    b"nct_id phase overall_status gender study_type enrollment url PMID name city country "
    b"start_date minimum_age allocation masking arm_group_type agency_class citation "
    b"healthy_volunteers mesh_term status"
).split()


def _paths(doc: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every value in the document."""
    out: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def _new_value(old: Any, rng: random.Random) -> Any:
    r = rng.random()
    if isinstance(old, str) and r < 0.6:  # text stays text, mostly: the record still maps
        if rng.random() < 0.5:
            return _odd(rng)
        chars = list(old)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars) + 1)
            chars.insert(
                at, rng.choice(["\u0660", "\ufffe", " ", "<", "\u00b2", "\u0000", "\u0301"])
            )
        return "".join(chars)
    # (weight, new value): the document-killers (deep nesting, a lone surrogate) rarely,
    # so that most mutants still map and their graphs are validated
    choices: list[tuple[int, Callable[[], Any]]] = [
        (8, lambda: _odd(rng)),
        (4, lambda: _HUGE_INT),
        (2, lambda: _HUGE_FLOAT),
        (1, lambda: _DEEP),
        (1, lambda: _SURROGATE),
        (2, lambda: None),
        (1, list),
        (1, dict),
        (2, lambda: rng.choice([True, False, 0, -7, 1.5e308, 3.25])),
        (2, lambda: [old, old] if not isinstance(old, list) else old + old[:1]),
    ]
    (make,) = rng.choices([c for _, c in choices], weights=[w for w, _ in choices])
    return make()


def mutate_json(doc: Any, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        paths = _paths(doc)
        aimed = [(c, k) for c, k in paths if k in KEYS]
        if aimed and rng.random() < 0.35:
            paths = aimed
        if not paths:
            break
        container, key = rng.choice(paths)
        if isinstance(container, dict) and rng.random() < 0.15:
            del container[key]
        else:
            container[key] = _new_value(container[key], rng)
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    text = text.replace(json.dumps(_HUGE_INT), "9" * 5000)
    text = text.replace(json.dumps(_HUGE_FLOAT), "1." + "7" * 5000 + "e3")
    deep = rng.choice([50, 3000, 100_000])
    text = text.replace(json.dumps(_DEEP), "[" * deep + "]" * deep)
    # a lone surrogate escaped, or written as (invalid) UTF-8 bytes
    text = text.replace(json.dumps(_SURROGATE), rng.choice(['"a\\udc80b"', '"a\udc80b"']))
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        data = data[: rng.randrange(len(data))]  # cut
    return data


# -------------------------------------------------------------------------------- XML

_XML_TEXT = re.compile(rb">([^<>]+)<")
_XML_ELEMENT = re.compile(rb"<([a-z_]+)>[^<>]*</\1>")


def _xml_escape(text: str, rng: random.Random) -> bytes:
    raw = text.encode("utf-8", "replace")
    if rng.random() < 0.8:
        raw = raw.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    return raw


def mutate_xml(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.6:
            spans = list(_XML_TEXT.finditer(data))
            aimed = [
                m for m in spans if data[data.rfind(b"<", 0, m.start()) + 1 : m.start()] in XML_TAGS
            ]
            if aimed and rng.random() < 0.5:
                spans = aimed
            if spans:
                m = rng.choice(spans)
                new = _xml_escape(_odd(rng), rng)
                if rng.random() < 0.2:
                    new = b"9" * 5000
                data = data[: m.start(1)] + new + data[m.end(1) :]
        elif r < 0.8:
            elements = list(_XML_ELEMENT.finditer(data))
            if elements:
                m = rng.choice(elements)
                copy = m.group(0) * rng.randint(0, 3)  # dropped or repeated
                data = data[: m.start()] + copy + data[m.end() :]
        elif r < 0.9:
            at = data.find(b"</clinical_study>")
            if at > 0:
                depth = rng.choice([100, 5000])
                data = data[:at] + b"<x>" * depth + b"</x>" * depth + data[at:]
        else:
            data = data[: rng.randrange(1, len(data))]
    return data


# ------------------------------------------------------------------------------- pages


def mutate_page(data: bytes, rng: random.Random) -> bytes:
    lines = data.decode("utf-8").split("\n")
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        i = rng.randrange(len(lines))
        if r < 0.35:  # shuffle a window of lines
            j = min(len(lines), i + rng.randint(2, 12))
            window = lines[i:j]
            rng.shuffle(window)
            lines[i:j] = window
        elif r < 0.6:
            head, sep, _ = lines[i].partition(": ")
            lines[i] = f"{head}{sep}{_odd(rng)}" if sep else _odd(rng)
        elif r < 0.75:
            del lines[i]
        elif r < 0.9:
            lines.insert(i, lines[rng.randrange(len(lines))])
        else:
            lines.insert(i, "9" * rng.choice([20, 5000]) + " participants")
    return "\n".join(lines).encode("utf-8", "replace")


# ------------------------------------------------------------------------------ ICTRP


def mutate_ictrp(data: bytes, rng: random.Random) -> bytes:
    """One to three rows of the WHO ICTRP export, with odd text in a few of their cells."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    head, body = rows[0], rows[1:]
    chosen = [list(row) for row in rng.sample(body, rng.randint(1, 3))]
    for row in chosen:
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(row))
            row[at] = rng.choice([_odd(rng), row[at] + _odd(rng), "9" * 5000])
    out = io.StringIO()
    csv.writer(out).writerows([head, *chosen])
    return out.getvalue().encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------- the corpus


def _originals(data_dir: Path) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) of the real records the mutants start from."""
    out: list[tuple[str, str, bytes]] = []
    for path in sorted((data_dir / "ctgov-v2").glob("NCT*.json")):
        if "expected" not in path.name:
            out.append(("json", path.stem, path.read_bytes()))
    for path in sorted((data_dir / "ctgov-v1").glob("msc-*.json")):
        doc = json.loads(path.read_bytes())
        response = doc["FullStudiesResponse"]
        for entry in response["FullStudies"][:8]:  # one study per document, small
            single = {
                "FullStudiesResponse": {**response, "NStudiesReturned": 1, "FullStudies": [entry]}
            }
            nct = entry["Study"]["ProtocolSection"]["IdentificationModule"]["NCTId"]
            out.append(("json", f"v1-{nct}", json.dumps(single).encode()))
    for path in sorted((data_dir / "ctgov-xml").glob("*.xml")):
        out.append(("xml", path.stem, path.read_bytes()))
    for path in sorted(SEEDS.glob("*.txt")):
        out.append(("page", path.stem, path.read_bytes()))
    for path in sorted((data_dir / "ictrp").glob("*.csv")):
        if path.name.startswith("ictrp-"):
            out.append(("ictrp", path.stem, path.read_bytes()))
    return out


def mutants(data_dir: Path, seed: int, n: int) -> Iterator[tuple[str, bytes]]:
    """``n`` mutated documents (name, bytes), the same for the same seed."""
    rng = random.Random(seed)
    originals = _originals(data_dir)
    kinds = sorted({k for k, _, _ in originals})
    for i in range(n):
        wanted: str = rng.choice(
            [k for k in ("json", "json", "xml", "page", "ictrp") if k in kinds]
        )
        kind, name, data = rng.choice([o for o in originals if o[0] == wanted])
        if kind == "json":
            mutated = mutate_json(json.loads(data), rng)
            suffix = "json"
        elif kind == "xml":
            mutated, suffix = mutate_xml(data, rng), "xml"
        elif kind == "ictrp":
            mutated, suffix = mutate_ictrp(data, rng), "csv"
        else:
            mutated, suffix = mutate_page(data, rng), "txt"
        yield f"m{seed}-{i:04d}-{name}.{suffix}", mutated


# -------------------------------------------------------------------------- the test


def _last_resort(result: DocumentResult) -> list[str]:
    """Errors that only the build's last-resort catch made (not a mapping error)."""
    return [e for e in result.errors if " failed: " in e or "unreadable record: " in e]


def _check(
    report: BuildReport, store: Path, intact: dict[str, str], seed: int, before: dict[str, int]
) -> dict[str, int]:
    """Check one build; the number of record graphs the store holds by source key."""
    results = {d.key: d for d in report.documents}
    escaped = {k: _last_resort(d) for k, d in results.items() if _last_resort(d)}
    assert not escaped, f"seed {seed}: caught only by the last resort: {escaped}"
    for key, nct in intact.items():  # the others are stored
        assert results[key].status in ("mapped", "unchanged") and not results[key].errors, key
        gs = open_store(store, read_only=True)
        assert gs.store.query(
            f'ASK {{ ?t <https://w3id.org/celltrials/ontology#nctId> "{nct}" }}',
            use_default_graph_as_union=True,
        ), f"seed {seed}: {nct} of {key} not stored"
    gs = open_store(store, read_only=True)
    stored = {
        str(row["k"].value): int(row["n"].value)
        for row in gs.store.query(  # type: ignore[union-attr]
            """PREFIX cto: <https://w3id.org/celltrials/ontology#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?k (COUNT(DISTINCT ?g) AS ?n) WHERE {
              GRAPH <https://w3id.org/celltrials/graph/meta> { ?g prov:wasDerivedFrom ?s . ?s cto:sourceKey ?k }
            } GROUP BY ?k"""
        )
    }
    for key, result in results.items():  # every record a mutant still gives is stored
        if result.status == "mapped":
            assert stored.get(key, 0) == result.trials + len(result.kept), (seed, key)
        elif result.status == "failed":  # what the store held of it stays as it was
            assert stored.get(key, 0) == before.get(key, 0), (seed, key)
    findings = [f for f in validate(gs.store) if getattr(f, "severity", "violation") != "warning"]
    assert not findings, f"seed {seed}: the store does not validate: {findings[:10]}"
    return stored


def test_mutated_records_never_stop_a_build(tmp_path: Path, test_data: Path) -> None:
    keep = os.environ.get("KG_FUZZ_KEEP")
    folder = Path(keep) if keep else tmp_path / "in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    intact = {
        "intact-v2.json": "NCT00973089",
        "intact.xml": "NCT00001177",
    }
    shutil.copy(test_data / "ctgov-v2" / "NCT00973089.json", folder / "intact-v2.json")
    shutil.copy(test_data / "ctgov-xml" / "NCT00001177.xml", folder / "intact.xml")
    docs = list(mutants(test_data, SEED, DOCS))
    first, second = docs[: DOCS * 3 // 4], docs[DOCS * 3 // 4 :]
    for name, data in first:
        (folder / name).write_bytes(data)
    store = tmp_path / "store"
    report = build([folder], store, jobs=1)  # a first build
    stored = _check(report, store, intact, SEED, {})
    assert report.statuses["mapped"] > len(first) // 3, report.statuses  # mutants do map too
    # a rebuild: some documents replaced by other mutants, some new, some removed
    for (name, _), (_, data) in zip(first[: len(second)], second, strict=True):
        (folder / name).write_bytes(data)
    for name, data in second:
        (folder / f"new-{name}").write_bytes(data)
    for name, _ in first[len(second) : len(second) + 5]:
        (folder / name).unlink()
    report = build([folder], store, jobs=1, prune=True)
    _check(report, store, intact, SEED, stored)


@pytest.mark.parametrize("kind", ["json", "xml", "page", "ictrp"])
def test_the_mutator_is_seeded(test_data: Path, kind: str) -> None:
    """Same seed, same mutants (a failure names a seed that reproduces it)."""
    again = list(mutants(test_data, SEED, 30))
    assert again == list(mutants(test_data, SEED, 30))
    assert again != list(mutants(test_data, SEED + 1, 30))
    suffix = {"json": ".json", "xml": ".xml", "page": ".txt", "ictrp": ".csv"}[kind]
    assert any(name.endswith(suffix) for name, _ in again)
