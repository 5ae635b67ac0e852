"""`kg validate`: the SHACL shapes of ontology/shapes.ttl and the QC queries of ontology/qc/.

SHACL runs with pyshacl on an in-memory rdflib copy of the union graph, parsed with
oxrdflib's N-Triples parser. (pyshacl over oxrdflib's live Store view was measured at
over 8 minutes for 120k quads, from its many small pattern look-ups; the copy takes
about 7 s and the validation 4 s.) QC checks are SPARQL SELECT queries
(``*-violation.rq``) that must return no rows; they run on Oxigraph directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import rdflib
from pyoxigraph import QuerySolutions, QueryTriples, RdfFormat, Store
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


def _union_copy(store: Store) -> rdflib.Graph:
    """An rdflib graph holding the union of all the store's graphs."""
    result = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
    )
    assert isinstance(result, QueryTriples)
    data = result.serialize(format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    if data:
        graph.parse(data=data, format="ox-ntriples")  # oxrdflib's parser: fast, same literals
    return graph


def run_shacl(store: Store, *, shapes_file: Path = SHAPES_FILE) -> list[Finding]:
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    conforms, report, _ = shacl_validate(
        _union_copy(store),
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
