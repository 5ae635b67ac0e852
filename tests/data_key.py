"""Score :func:`kg.extract.annotate_trial` against a hand-checked dose key.

``../shared/keys/dose-key-dev.tsv`` (the default key) holds one row per cell product (and
per dose) of each arm of 20 trials; any key in the same format (``keys/dose-key-*.tsv``,
columns described in ``docs/dose-labelling.md``) can be scored. A key's trials are looked
up by NCT id in every classic-API v1 file of ``../shared/data/ctgov-v1/``, then (for ids not
found there) in every other record of ``../shared/data`` and the seeds, by NCT id or registry
id (an ICTRP record without an NCT id). This module reads the records with
:mod:`kg.sources`, annotates them and compares, row by
row: the dose (min, max, unit), the tissue, the donor, the route, the number of
administrations, and that arms without cells get nothing. Used by
``tests/test_extract_key.py`` and ``bench/dose_key_score.py``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract import ROUTES, annotate_trial
from kg.extract.tables import UBERON_LABELS
from kg.model import Arm, CellProduct, Donor, Dose, MappingError, Trial
from kg.sources import ctgov_v1, iter_input_files, map_bytes

ROOT = Path(__file__).resolve().parent.parent

# Key tissue name -> UBERON term: the extractor's own labels plus the key's spellings.
TISSUES = {label: curie for curie, label in UBERON_LABELS.items()} | {
    "umbilical cord": "UBERON:0002331",
    "bone marrow": "UBERON:0002371",
    "adipose tissue": "UBERON:0001013",
    "wharton's jelly": "UBERON:0003422",
    "amnion": "UBERON:0000305",
    "placenta": "UBERON:0001987",
    "cord blood": "UBERON:0012168",
    "menstrual blood": "UBERON:8480042",
    "chorion": "UBERON:0003124",
    "gingiva": "UBERON:0001828",
    "synovium": "UBERON:0007616",
    "olfactory mucosa": "UBERON:0005386",
    "periodontal ligament": "UBERON:0008266",
    "endometrium": "UBERON:0001295",
}
# A key's route names that are a route table key by another name: intramyocardial is the
# table's "intracardiac / intramyocardial" (NCIt has no finer code for it; docs/dose-labelling.md).
ROUTE_NAMES = {"intralesional/local injection": "intralesional", "intramyocardial": "intracardiac"}
FIELDS = ("dose", "tissue", "donor", "route", "administrations", "no cells")


def shared_dir() -> Path:
    return Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()


@dataclass(frozen=True, slots=True)
class KeyRow:
    nct_id: str
    arm_label: str  # "-" for a document with no arms
    product_name: str
    cell_type: str
    tissue: str
    donor: str
    route: str
    dose_min: float | None
    dose_max: float | None
    dose_unit: str
    administrations: int | None
    evidence: str
    note: str

    @property
    def no_cells(self) -> bool:
        return self.product_name == "none"

    @property
    def cells(self) -> bool:
        """A row about cells (not "none", not a cell-derived product such as a secretome)."""
        return self.cell_type == "MSC"

    def where(self) -> str:
        return f"{self.nct_id} arm {self.arm_label!r}" if self.arm_label != "-" else self.nct_id


def _num(value: str) -> float | None:
    return float(value) if value.strip() else None


def dev_key_path() -> Path:
    return shared_dir() / "keys" / "dose-key-dev.tsv"


def load_key(path: Path | None = None) -> list[KeyRow]:
    """The rows of a key in the dev-key format (default: the dev key)."""
    path = path or dev_key_path()
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        KeyRow(
            nct_id=r["nct_id"],
            arm_label=r["arm_label"],
            product_name=r["product_name"],
            cell_type=r["cell_type"],
            tissue=r["tissue_source"],
            donor=r["donor"],
            route=r["route"],
            dose_min=_num(r["dose_min"]),
            dose_max=_num(r["dose_max"]),
            dose_unit=r["dose_unit"],
            administrations=int(r["administrations"]) if r["administrations"].strip() else None,
            evidence=r["evidence"],
            note=r["note"],
        )
        for r in rows
    ]


def load_trials(nct_ids: set[str], data_dir: Path | None = None) -> dict[str, Trial]:
    """The v1 records of ``nct_ids`` (first copy of each, in file-name order, from every
    ``*.json`` file of ``data_dir``), mapped and annotated."""
    trials: dict[str, Trial] = {}
    for path in sorted((data_dir or shared_dir() / "data" / "ctgov-v1").glob("*.json")):
        if nct_ids <= trials.keys():
            break
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        for item in ctgov_v1.map_document(data, source_file=path.name, sha256=sha):
            if isinstance(item, Trial) and item.nct_id in nct_ids and item.nct_id not in trials:
                annotate_trial(item)
                trials[item.nct_id] = item
    if data_dir is None and not nct_ids <= trials.keys():
        _load_other(nct_ids, trials)
    return trials


def _load_other(ids: set[str], trials: dict[str, Trial]) -> None:
    """Records of ``ids`` not in the v1 files: every other format of ../shared/data (API v2,
    XML, ICTRP) and the seeds, first copy of each, matched by NCT id or registry id."""
    data = shared_dir() / "data"
    dirs = [p for p in sorted(data.iterdir()) if p.is_dir() and p.name != "ctgov-v1"]
    for path in iter_input_files([*dirs, ROOT / "seeds"]):
        if ids <= trials.keys():
            return
        if path.suffix.lower() not in {".json", ".xml", ".csv", ".txt"}:
            continue
        try:
            items = list(map_bytes(path.read_bytes(), source_file=path.name))
        except MappingError:
            continue  # not a record (a licence, a format description)
        for item in items:
            if not isinstance(item, Trial):
                continue
            tid = next((i for i in (item.nct_id, item.canonical_id) if i in ids), None)
            if tid is not None and tid not in trials:
                annotate_trial(item)
                trials[tid] = item


@dataclass(slots=True)
class Score:
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Dose rows the extractor states for a keyed arm that no key row holds (its precision
    # inside the key: a cap or a concentration read as a dose shows here, not in the rates).
    extra: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, row: KeyRow, got: str, want: str) -> None:
        self.totals[name] += 1
        if ok:
            self.hits[name] += 1
        else:
            self.misses.append(
                f"{name:<15} {row.where()}: got {got}; key {want}. Key note: {row.note}"
            )

    def rate(self, name: str) -> float:
        return self.hits[name] / self.totals[name] if self.totals[name] else 1.0


@dataclass(slots=True)
class _Target:
    products: list[CellProduct]
    doses: list[Dose]
    route: str | None
    administrations: int | None


def _target(trial: Trial, label: str) -> _Target | None:
    if label == "-":
        return _Target(trial.products, trial.doses, trial.route, trial.administrations)
    arm: Arm | None = next((a for a in trial.arms if a.label == label), None)
    if arm is None:
        return None
    return _Target(arm.products, arm.doses, arm.route, arm.administrations)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)


def _fmt_dose(d: Dose) -> str:
    return f"{d.min_cells:g}-{d.max_cells:g} {d.unit.value} ({d.per.value}) {d.evidence!r}"


def _match_doses(rows: list[KeyRow], doses: list[Dose]) -> dict[int, Dose | None]:
    """Pair key rows with extracted doses one to one, same per preferred."""
    used: set[int] = set()
    out: dict[int, Dose | None] = {}
    for i, row in enumerate(rows):
        found: Dose | None = None
        for prefer_admin in (True, False):
            for j, d in enumerate(doses):
                if j in used or row.dose_min is None or row.dose_max is None:
                    continue
                if prefer_admin and d.per.value != "administration":
                    continue
                if (
                    d.unit.value == row.dose_unit
                    and _same(d.min_cells, row.dose_min)
                    and _same(d.max_cells, row.dose_max)
                ):
                    found = d
                    used.add(j)
                    break
            if found is not None:
                break
        out[i] = found
    return out


def _route_ok(got: str | None, want: str) -> bool:
    if want == "unknown":
        return got is None
    key = ROUTE_NAMES.get(want, want)
    if got == key:
        return True
    return got is not None and got in ROUTES and ROUTES[got].broader == key


def score(trials: dict[str, Trial], rows: list[KeyRow]) -> Score:
    s = Score()
    by_arm: dict[tuple[str, str], list[KeyRow]] = {}
    for row in rows:
        by_arm.setdefault((row.nct_id, row.arm_label), []).append(row)
    for (nct, label), arm_rows in by_arm.items():
        trial = trials.get(nct)
        target = _target(trial, label) if trial is not None else None
        if target is None:
            for row in arm_rows:
                s.misses.append(f"record  {row.where()}: not found")
            continue
        dose_rows = [r for r in arm_rows if r.dose_min is not None]
        matched = _match_doses(dose_rows, target.doses)
        used = {id(d) for d in matched.values() if d is not None}
        where = arm_rows[0].where()
        s.extra += [f"{where}: {_fmt_dose(d)}" for d in target.doses if id(d) not in used]
        got_doses = "; ".join(_fmt_dose(d) for d in target.doses) or "no dose"
        for i, row in enumerate(dose_rows):
            want = f"{row.dose_min:g}-{row.dose_max:g} {row.dose_unit} ({row.evidence!r})"
            s.add("dose", matched[i] is not None, row, got_doses, want)
        tissues = {p.tissue for p in target.products if p.tissue}
        donors = {p.donor.value for p in target.products if p.donor is not Donor.UNKNOWN}
        for row in arm_rows:
            if row.no_cells:
                ok = not target.products and not target.doses
                got = f"{len(target.products)} product(s), {len(target.doses)} dose(s)"
                s.add("no cells", ok, row, got, "no cells")
                continue
            if not row.cells:
                s.skipped.append(
                    f"{row.where()}: {row.product_name!r} ({row.cell_type}) is not a cell "
                    "product; only its dose row is scored"
                )
                continue
            # A tissue the table cannot name is a miss (never read as "unknown").
            # A product of two tissues lists both: "umbilical cord; placenta".
            wanted = {TISSUES.get(t, f"? {t}") for t in row.tissue.split("; ")}
            s.add(
                "tissue",
                tissues == (set() if row.tissue == "unknown" else wanted),
                row,
                str(sorted(tissues) or "none"),
                f"{row.tissue} ({', '.join(sorted(wanted))})",
            )
            want_donor = set() if row.donor == "unknown" else {row.donor}
            s.add("donor", donors == want_donor, row, str(sorted(donors) or "unknown"), row.donor)
            # As arm-doses reads them: a matched dose's own route and count before the arm's.
            route, count = target.route, target.administrations
            if row.dose_min is not None:
                found = matched[dose_rows.index(row)]
                if found is not None:
                    route = found.route or route
                    count = found.administrations
            s.add("route", _route_ok(route, row.route), row, str(route), row.route)
            s.add(
                "administrations",
                count == row.administrations,
                row,
                str(count),
                str(row.administrations),
            )
    return s


def report(s: Score) -> str:
    lines = ["field            hits / rows   rate"]
    for name in FIELDS:
        lines.append(
            f"{name:<16} {s.hits[name]:>4} / {s.totals[name]:<4}  {100 * s.rate(name):5.1f}%"
        )
    if s.skipped:
        lines.append("")
        lines.append("not scored:")
        lines += [f"  {x}" for x in s.skipped]
    lines.append("")
    lines.append(f"misses ({len(s.misses)}):")
    lines += [f"  {m}" for m in s.misses]
    lines.append(f"extra dose rows, stated for a keyed arm but in no key row ({len(s.extra)}):")
    lines += [f"  {m}" for m in s.extra]
    return "\n".join(lines)


def run(path: Path | None = None) -> tuple[Score, dict[str, Trial]]:
    """Score the key at ``path`` (default: the dev key)."""
    rows = load_key(path)
    trials = load_trials({r.nct_id for r in rows})
    return score(trials, rows), trials
