"""`kg validate`: the SHACL shapes of ontology/shapes.ttl and the QC queries of ontology/qc/.

SHACL runs with pyshacl on an in-memory rdflib copy of the union graph, parsed with
oxrdflib's N-Triples parser. (pyshacl over oxrdflib's live Store view was measured at
over 8 minutes for 120k quads, from its many small pattern look-ups; the copy takes
about 7 s and the validation 4 s.) QC checks are SPARQL SELECT queries
(``*-violation.rq``) that must return no rows; they run on Oxigraph directly. Warning
checks (``*-warning.rq``, e.g. a dose figure outside plausible bounds, kept as stated) are
reported for a curator with severity ``warning`` and do not make the graph invalid.

A ``sh:maxCount`` of a shape's property holds per source graph, not over the union: one
trial stated by two source documents that disagree (a status, an enrollment) has two
values in the union, and that disagreement is what the ``source-conflicts`` query is
for, not a violation. So the maxCount constraints are taken out of the shapes given to
pyshacl and checked graph by graph in SPARQL (:func:`run_max_counts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import rdflib
from pyoxigraph import QuerySolutions, QueryTriples, RdfFormat, Store
from pyshacl import validate as shacl_validate

from kg.terms import ONTOLOGY_DIR

__all__ = [
    "Finding",
    "MaxCount",
    "max_counts",
    "qc_checks",
    "run_max_counts",
    "run_qc",
    "run_shacl",
    "validate",
]

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QC_DIR = ONTOLOGY_DIR / "qc"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True, slots=True)
class Finding:
    check: str  # "shacl:<constraint>" or the QC file's name
    focus: str
    message: str
    severity: str = "violation"  # or "warning": reported, but the graph is still valid

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def qc_checks(directory: Path = QC_DIR, *, severity: str = "violation") -> dict[str, str]:
    """QC queries by name (file name without ``-violation.rq`` / ``-warning.rq``)."""
    suffix = f"-{severity}.rq"
    return {
        p.name.removesuffix(suffix): p.read_text(encoding="utf-8")
        for p in sorted(directory.glob(f"*{suffix}"))
    }


def run_qc(store: Store, *, directory: Path = QC_DIR) -> list[Finding]:
    """Findings of the violation checks, then of the warning checks."""
    findings: list[Finding] = []
    for severity in ("violation", "warning"):
        for name, text in qc_checks(directory, severity=severity).items():
            result = store.query(text, use_default_graph_as_union=True)
            assert isinstance(result, QuerySolutions)
            for row in result:
                focus, message = row["focus"], row["message"]
                findings.append(
                    Finding(
                        f"qc:{name}",
                        str(getattr(focus, "value", focus)),
                        str(getattr(message, "value", message)),
                        severity,
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


@dataclass(frozen=True, slots=True)
class MaxCount:
    """``sh:maxCount`` of one property of the instances of one class (checked per graph)."""

    target_class: str
    path: str
    max_count: int
    message: str | None


def max_counts(shapes: rdflib.Graph) -> list[MaxCount]:
    """The maxCount constraints of the property shapes of class-targeted node shapes."""
    out: list[MaxCount] = []
    for shape, cls in shapes.subject_objects(SH.targetClass):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            limit = shapes.value(prop, SH.maxCount)
            if isinstance(path, rdflib.URIRef) and isinstance(limit, rdflib.Literal):
                message = shapes.value(prop, SH.message)
                out.append(
                    MaxCount(str(cls), str(path), int(limit), str(message) if message else None)
                )
    return sorted(out, key=lambda m: (m.target_class, m.path))


def _without_max_counts(shapes: rdflib.Graph) -> rdflib.Graph:
    for shape in list(shapes.subjects(SH.targetClass)):
        for prop in list(shapes.objects(shape, SH.property)):
            if isinstance(shapes.value(prop, SH.path), rdflib.URIRef):
                shapes.remove((prop, SH.maxCount, None))
    return shapes


def run_max_counts(store: Store, *, shapes_file: Path = SHAPES_FILE) -> list[Finding]:
    """Nodes with more values of a property than its maxCount in one named graph."""
    findings: list[Finding] = []
    for mc in max_counts(rdflib.Graph().parse(shapes_file, format="turtle")):
        result = store.query(
            f"""SELECT ?focus ?g (COUNT(DISTINCT ?v) AS ?n) WHERE {{
                  GRAPH ?g {{ ?focus <{mc.path}> ?v }}
                  ?focus a <{mc.target_class}> .
                }} GROUP BY ?focus ?g HAVING (COUNT(DISTINCT ?v) > {mc.max_count})""",
            use_default_graph_as_union=True,
        )
        assert isinstance(result, QuerySolutions)
        for row in result:
            focus, graph, n = row["focus"], row["g"], row["n"]
            reason = mc.message or f"more than {mc.max_count} value(s)"
            findings.append(
                Finding(
                    "shacl:MaxCountConstraintComponent",
                    str(getattr(focus, "value", focus)),
                    f"{mc.path}: {reason} ({getattr(n, 'value', n)} values in the source graph "
                    f"{getattr(graph, 'value', graph)})",
                )
            )
    return findings


def run_shacl(store: Store, *, shapes_file: Path = SHAPES_FILE) -> list[Finding]:
    """SHACL over the union graph, every constraint but maxCount (see :func:`run_max_counts`)."""
    shapes = _without_max_counts(rdflib.Graph().parse(shapes_file, format="turtle"))
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
    """All findings of SHACL and QC; the graph is valid when none is a violation (warnings are
    for a curator)."""
    shacl = run_shacl(store) + run_max_counts(store)
    return sorted(shacl, key=lambda f: (f.check, f.focus, f.message)) + run_qc(store)
