"""`kg validate`: the SHACL shapes of ontology/shapes.ttl and the QC queries of ontology/qc/.

SHACL runs with pyshacl on an rdflib view of the store (oxrdflib), so the data is read
from Oxigraph without being copied into rdflib's own memory store. QC checks are
SPARQL SELECT queries (``*-violation.rq``) that must return no rows; they run on
Oxigraph directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import rdflib
from oxrdflib import OxigraphStore
from pyoxigraph import QuerySolutions, Store
from pyshacl import validate as shacl_validate

from kg.terms import ONTOLOGY_DIR

__all__ = ["Finding", "qc_checks", "run_qc", "run_shacl", "validate"]

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QC_DIR = ONTOLOGY_DIR / "qc"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True, slots=True)
class Finding:
    check: str  # "shacl:<constraint>" or the QC file's name
    focus: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def qc_checks(directory: Path = QC_DIR) -> dict[str, str]:
    """QC queries by name (file name without ``-violation.rq``)."""
    return {
        p.name.removesuffix("-violation.rq"): p.read_text(encoding="utf-8")
        for p in sorted(directory.glob("*-violation.rq"))
    }


def run_qc(store: Store, *, directory: Path = QC_DIR) -> list[Finding]:
    findings: list[Finding] = []
    for name, text in qc_checks(directory).items():
        result = store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, QuerySolutions)
        for row in result:
            focus, message = row["focus"], row["message"]
            findings.append(
                Finding(
                    f"qc:{name}",
                    str(getattr(focus, "value", focus)),
                    str(getattr(message, "value", message)),
                )
            )
    return findings


def _union_view(store: Store) -> rdflib.Graph:
    """An rdflib graph whose triples are the union of all the store's graphs."""
    return rdflib.Dataset(store=OxigraphStore(store=store), default_union=True)


def run_shacl(store: Store, *, shapes_file: Path = SHAPES_FILE) -> list[Finding]:
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    conforms, report, _ = shacl_validate(
        _union_view(store),
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    if conforms:
        return []
    assert isinstance(report, rdflib.Graph)
    findings: list[Finding] = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        component = report.value(result, SH.sourceConstraintComponent)
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        name = str(component).rsplit("#", 1)[-1] if component else "constraint"
        text = f"{path}: {message}" if path is not None else str(message)
        findings.append(Finding(f"shacl:{name}", str(focus), text))
    return sorted(findings, key=lambda f: (f.check, f.focus, f.message))


def validate(store: Store) -> list[Finding]:
    """All findings of SHACL and QC; empty when the graph is valid."""
    return run_shacl(store) + run_qc(store)
