"""Pages for people: the workbench home, the query editor, the canned-query gallery, and
a page for every IRI the graph mints (content-negotiated: HTML, Turtle, JSON-LD ...).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from markupsafe import Markup

from kg.queries import CannedQuery, Paging, ParamError, load_queries
from kg.rdf import _UNIT, CTO, PREFIXES, iri_to_curie
from kg.server.app import get_backend
from kg.server.backend import Row, Term
from kg.server.charts import DosePoint, dose_strip_chart
from kg.server.executor import ExecutorError, QueryFailed
from kg.server.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    FormatError,
    graph_format,
    results_format,
    wants_html,
)
from kg.server.links_page import trial_links, trial_links_queries
from kg.server.protocol import _fail, reply_response, store_errors
from kg.server.results_page import trial_results, trial_results_queries

__all__ = ["pages"]

pages = Blueprint("pages", __name__)

RDFS = PREFIXES["rdfs"]
RDF = PREFIXES["rdf"]
_SAFE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")  # used with fullmatch
_NCT = re.compile(r"NCT\d{8}\Z")
BODY_WEIGHT_KG = 70.0
_PREFIX_LINES = "\n".join(
    f"PREFIX {p}: <{iri}>"
    for p, iri in PREFIXES.items()
    if p in ("cto", "rdfs", "rdf", "prov", "dcterms", "skos")
)


def _iri(iri: str) -> str:
    """``<iri>`` for a query, after checking it cannot break out of the brackets."""
    if not _SAFE_IRI.fullmatch(iri):
        raise ValueError(f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


def _q(text: str) -> str:
    return _PREFIX_LINES + "\n" + text


# ------------------------------------------------------------ template helpers


def local_href(iri: str) -> str:
    """Where a page shows an IRI: our own IRIs at their path, others via /resource."""
    base = get_backend().base
    if iri.startswith(base) and "#" not in iri and "?" not in iri:
        rest = iri[len(base) :]
        if rest and not rest.startswith(("static/", "sparql", "queries", "resource", "dump.")):
            return url_for("pages.resource_path", subpath=rest)
    return url_for("pages.resource", iri=iri)


def cells_text(value: float) -> Markup:
    """``4e7`` -> ``4 × 10⁷`` (HTML)."""
    if value == 0 or not math.isfinite(value):
        return Markup("{}").format(f"{value:g}")
    exp = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exp
    if exp < 3:
        return Markup("{}").format(f"{value:g}")
    m = f"{mantissa:.3g}"
    lead = "" if m == "1" else f"{m} × "
    return Markup("{}10<sup>{}</sup>").format(lead, exp)


@pages.app_template_filter("href")
def _href_filter(term: Term | str) -> str:
    return local_href(term.value if isinstance(term, Term) else term)


@pages.app_template_filter("cells")
def _cells_filter(term: Term | float | None) -> Markup:
    if term is None:
        return Markup("")
    number = term.number if isinstance(term, Term) else float(term)
    if number is None:
        return Markup("{}").format(str(term))
    return cells_text(number)


@pages.app_template_filter("as_term")
def _as_term(data: dict[str, Any]) -> Term:
    return Term.from_json(data)


@pages.app_template_filter("curie")
def _curie_filter(term: Term | str) -> str:
    value = term.value if isinstance(term, Term) else term
    return iri_to_curie(value) or _shorten(value)


def _shorten(iri: str) -> str:
    base = get_backend().base
    if iri.startswith(base):
        return iri[len(base) :]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@pages.app_context_processor
def _context() -> dict[str, Any]:
    return {"config": get_backend().config, "shorten": _shorten, "nct_re": _NCT}


# ------------------------------------------------------------------ home


def _home_stats() -> tuple[dict[str, int], int | None]:
    """The overview's counts: the VoID statistics the build writes in graph/stats (entities
    per class, triples), read in one query; never counted over the store here."""
    backend = get_backend()
    counts: dict[str, int] = {}
    triples: int | None = None
    for row in backend.rows(
        f"PREFIX void: <http://rdfs.org/ns/void#> SELECT ?cls ?n ?triples WHERE {{ GRAPH "
        f"{_iri(backend.graph('stats'))} {{ {{ ?part void:class ?cls ; void:entities ?n }} "
        "UNION { ?d a void:Dataset ; void:triples ?triples } } }"
    ):
        if "triples" in row:
            triples = triples if triples is not None else int(float(row["triples"].value))
        elif "cls" in row and "n" in row:
            name = row["cls"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            counts[name] = int(float(row["n"].value))
    return counts, triples


# Every stated dose in cells (or cells/kg), from the doses themselves (a few per trial that
# gives cells), each looked up for its own trial, product and tissue: never a join over
# every trial of the store.
DOSES_BY_TISSUE = """
SELECT ?d ?t ?nct ?tissue ?tissueLabel ?max ?perkg ?evidence WHERE {
  ?d cto:maxCells ?max .
  LATERAL {
    ?d cto:doseUnit ?u .
    FILTER(?u IN (cto:Cells, cto:CellsPerKilogram))  # other bases (per cm2, per eye) are not cells
    ?d cto:doseOf ?p ; cto:evidence ?evidence .
    ?owner cto:hasDose ?d .
    ?t cto:studiesProduct ?p .
    ?t a cto:Trial .
    OPTIONAL { ?d cto:perKilogram ?perkg }
    OPTIONAL { ?p cto:tissueSource ?tissue . OPTIONAL { ?tissue rdfs:label ?tissueLabel } }
    OPTIONAL { ?t cto:nctId ?nct }
  }
}
"""

HOME_PAGE = 50  # trials listed on the overview, a page at a time (?offset=N)

# One page of trials in the order of the index of NCT ids (then the trials without one),
# read a page at a time; each trial's details are looked up for that trial only.
TRIALS = """
SELECT ?t ?nct ?title ?status ?phase ?doses ?products WHERE {
  {
    SELECT DISTINCT ?t ?nct WHERE {
      { ?t cto:nctId ?nct }
      UNION
      { ?t cto:documentKey ?key FILTER NOT EXISTS { ?t cto:nctId ?other } }
    }
    LIMIT PAGE OFFSET START
  }
  LATERAL { OPTIONAL { SELECT ?t (SAMPLE(?l) AS ?title) WHERE { ?t rdfs:label ?l } GROUP BY ?t } }
  LATERAL { OPTIONAL { SELECT ?t (SAMPLE(?st) AS ?status) WHERE { ?t cto:overallStatus ?st } GROUP BY ?t } }
  LATERAL {
    OPTIONAL {
      SELECT ?t (GROUP_CONCAT(DISTINCT ?ph; separator=", ") AS ?phase) WHERE { ?t cto:phase ?ph } GROUP BY ?t
    }
  }
  LATERAL {
    OPTIONAL {
      SELECT ?t (GROUP_CONCAT(DISTINCT ?pl; separator="; ") AS ?products)
      WHERE { ?t cto:studiesProduct ?p . ?p rdfs:label ?pl } GROUP BY ?t
    }
  }
  LATERAL {
    OPTIONAL {
      SELECT ?t (COUNT(DISTINCT ?d) AS ?n)
      WHERE { { ?t cto:hasDose ?d } UNION { ?t cto:hasArm ?a . ?a cto:hasDose ?d } } GROUP BY ?t
    }
  }
  BIND(COALESCE(?n, 0) AS ?doses)
}
"""


@pages.route("/")
def home() -> str:
    """The overview: the build's own counts (its VoID statistics in graph/stats, written
    by the build, never counted here) and one page of trials; the doses chart, whose cost
    grows with the number of doses, is its own request (/overview/doses), which the page
    loads after it is shown."""
    backend = get_backend()
    raw = request.args.get("offset", "0")
    if not raw.isdigit():
        raise _fail(400, f"offset: {raw!r} is not a whole number")
    offset = int(raw)
    try:
        counts, triples = _home_stats()
        text = TRIALS.replace("PAGE", str(HOME_PAGE + 1)).replace("START", str(offset))
        trials = backend.rows(_q(text))
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    more = len(trials) > HOME_PAGE
    trials = trials[:HOME_PAGE]
    return render_template(
        "home.html",
        page="home",
        counts=counts,
        triples=triples,
        trials=trials,
        offset=offset,
        next_offset=offset + HOME_PAGE if more else None,
        prev_offset=max(0, offset - HOME_PAGE) if offset else None,
        body_weight=BODY_WEIGHT_KG,
    )


@pages.route("/overview/doses")
def home_doses() -> Response:
    """The overview's doses chart (an HTML fragment: the SVG and its caption), one dot per
    stated dose in cells or cells/kg, read from the doses (not from every trial)."""
    try:
        dose_rows = get_backend().rows(_q(DOSES_BY_TISSUE))
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    points = []
    seen: set[str] = set()
    for row in dose_rows:
        value = row["max"].number
        if value is None or row["d"].value in seen:
            continue
        seen.add(row["d"].value)
        per_kg = "perkg" in row and row["perkg"].value in ("true", "1")
        tissue = row.get("tissueLabel") or row.get("tissue")
        points.append(
            DosePoint(
                tissue=tissue.value if tissue else "tissue not stated",
                cells=value * BODY_WEIGHT_KG if per_kg else value,
                per_kg=per_kg,
                trial=row["nct"].value if "nct" in row else row["t"].value,
                evidence=row["evidence"].value,
                href=local_href(row["t"].value),
            )
        )
    # the chart draws its dots in this order: the same store, the same picture
    points.sort(key=lambda p: (p.tissue, p.cells, p.trial, p.evidence))
    html = render_template(
        "doses_chart.html",
        chart=Markup(dose_strip_chart(points, body_weight=BODY_WEIGHT_KG)),
        n_points=len(points),
        body_weight=BODY_WEIGHT_KG,
    )
    return Response(html, content_type="text/html; charset=utf-8")


@pages.route("/editor")
def editor() -> str:
    return render_template("editor.html", page="editor")


@pages.app_template_global("editor_config")
def editor_config() -> Markup:
    """YASGUI's settings for this endpoint, as JSON for the page's script."""
    config = {
        "endpoint": url_for("protocol.sparql", _external=True),
        # the editor shows a table: it asks for the server's row cap (protocol clients
        # that do not ask get whole results)
        "maxRows": get_backend().config.max_rows,
        "prefixes": PREFIXES | {"celltrials": get_backend().base},
        "query": _q(
            """SELECT ?trial ?arm ?product ?dose_max ?per_kg ?evidence WHERE {
  ?t a cto:Trial ; cto:studiesProduct ?p .
  ?p rdfs:label ?product .
  ?owner cto:hasDose ?d .
  ?d cto:doseOf ?p ; cto:maxCells ?dose_max ; cto:perKilogram ?per_kg ; cto:evidence ?evidence .
  OPTIONAL { ?owner a cto:Arm ; rdfs:label ?arm }
  BIND(COALESCE(?nct, STR(?t)) AS ?trial)
  OPTIONAL { ?t cto:nctId ?nct }
}
ORDER BY DESC(?dose_max)
LIMIT 100"""
        ),
    }
    return Markup(json.dumps(config).replace("</", "<\\/"))


# ------------------------------------------------------------ canned queries


def _queries() -> dict[str, CannedQuery]:
    return load_queries(get_backend().config.queries_dir)


def _query_json(cq: CannedQuery) -> dict[str, Any]:
    return {
        "name": cq.name,
        "summary": cq.summary,
        "description": cq.description,
        "kind": cq.kind,
        "params": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in cq.params
        ],
        "url": url_for("pages.canned_query", name=cq.name, _external=True),
        "sparql": cq.text,
    }


def _wants_json() -> bool:
    requested = request.args.get("format")
    if requested:
        return requested.lower() == "json"
    return (
        not wants_html(request.headers.get("Accept"))
        and request.accept_mimetypes.best_match(["application/json", "text/html"])
        == "application/json"
    )


@pages.route("/queries")
def queries_list() -> Response | str:
    queries = _queries()
    if _wants_json():
        return jsonify([_query_json(cq) for cq in queries.values()])
    return render_template("queries.html", page="queries", queries=list(queries.values()))


@dataclass
class _Table:
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    truncated: bool = False


@pages.route("/queries/<name>")
def canned_query(name: str) -> Response | str | tuple[str, int]:
    queries = _queries()
    cq = queries.get(name)
    if cq is None:
        if _wants_json() or not wants_html(request.headers.get("Accept")):
            response = jsonify(
                {"error": f"no canned query named {name!r}", "known": sorted(queries)}
            )
            response.status_code = 404
            return response
        abort(404)
    values = {k: v for k, v in request.args.items() if k != "format"}
    requested = (request.args.get("format") or "").lower()
    html = requested == "html" or (not requested and wants_html(request.headers.get("Accept")))
    try:
        query_values, paging = cq.default_paging(values)  # a listing: one page (kg.queries)
        cap = get_backend().config.max_rows
        if paging is not None and paging.limit > cap:
            if "limit" in values:
                raise ParamError("limit", f"at most {cap} rows a page (the server's row limit)")
            paging = Paging(cap, paging.offset)  # the default page, cut to the server's cap
        substitutions = cq.substitutions(query_values)
    except ParamError as exc:
        if html:
            return render_template(
                "query.html",
                page="queries",
                cq=cq,
                values=values,
                error=str(exc),
                error_param=exc.name,
                table=None,
            ), 400
        response = jsonify({"error": str(exc), "parameter": exc.name, "query": cq.name})
        response.status_code = 400
        return response
    backend = get_backend()
    params = [p.name for p in cq.params]
    text = cq.paged_text(cq.text, paging)
    # a page asks for one row more than it shows: the cut says there is a next page
    max_rows = paging.limit if paging is not None else None
    try:
        if html:
            variables, rows, truncated = backend.select(
                text, substitutions, drop=params, max_rows=max_rows
            )
            table = _Table(variables, rows, truncated and paging is None)
            links = _page_links(cq, values, paging, truncated, "html")
            return render_template(
                "query.html",
                page="queries",
                cq=cq,
                values=values,
                error=None,
                error_param=None,
                table=table,
                paging=paging,
                links=links,
            )
        fmt: Format
        if cq.kind in ("CONSTRUCT", "DESCRIBE"):
            fmt = graph_format(request.headers.get("Accept"), requested or None)
            reply = backend.run(text, substitutions=substitutions, graph_format=fmt.name)
        else:
            fmt = results_format(request.headers.get("Accept"), requested or None)
            reply = backend.run(
                text,
                substitutions=substitutions,
                results_format=fmt.name,
                drop=params,
                max_rows=max_rows,
            )
    except FormatError:
        known = ", ".join(["html"] + [f.name for f in RESULT_FORMATS + GRAPH_FORMATS])
        response = jsonify(
            {
                "error": f"format: unknown format {requested!r} (known: {known})",
                "parameter": "format",
            }
        )
        response.status_code = 400
        return response
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None
    response = reply_response(reply, fmt, limit=max_rows)
    if paging is not None:
        # a page is cut on purpose: say where the next one is (RFC 8288), not that rows were lost
        response.headers.pop("X-Result-Truncated", None)
        links = _page_links(cq, values, paging, reply.truncated, requested or None)
        if links:
            response.headers["Link"] = ", ".join(
                f'<{url}>; rel="{rel}"' for rel, url in links.items()
            )
        response.headers["X-Result-Offset"] = str(paging.offset)
    if requested in ("csv", "tsv"):
        response.headers["Content-Disposition"] = f'inline; filename="{cq.name}.{requested}"'
    return response


def _page_links(
    cq: CannedQuery, values: dict[str, str], paging: Paging | None, more: bool, fmt: str | None
) -> dict[str, str]:
    """The links of a page to its neighbours (``next`` while rows remain, ``prev`` after
    the first page), absolute, with the request's own parameters and format."""
    if paging is None:
        return {}
    base = {k: v for k, v in values.items() if k not in ("offset", "format") and v != ""}
    base["limit"] = str(paging.limit)
    if fmt:
        base["format"] = fmt
    url = url_for("pages.canned_query", name=cq.name, _external=True) + "?"
    links: dict[str, str] = {}
    if more:
        links["next"] = url + urlencode(base | {"offset": str(paging.offset + paging.limit)})
    if paging.offset > 0:
        links["prev"] = url + urlencode(
            base | {"offset": str(max(0, paging.offset - paging.limit))}
        )
    return links


# ------------------------------------------------------------ linked data


def _rdf_format() -> Format | None:
    """The RDF format asked for (by ?format= or an explicit RDF type in Accept), or None
    for the HTML page (browsers, and curl's ``*/*``)."""
    requested = request.args.get("format")
    if requested:
        if requested.lower() == "html":
            return None
        try:
            return graph_format(None, requested)
        except FormatError:
            raise _fail(400, f"format: unknown graph format {requested!r}") from None
    accept = request.headers.get("Accept")
    if not accept or wants_html(accept):
        return None
    machine = {m for f in GRAPH_FORMATS for m in f.accepts if m != "text/plain"}
    if not any(value in machine and q > 0 for value, q in request.accept_mimetypes):
        return None
    return graph_format(accept, None)


@pages.route("/resource")
def resource() -> Response | tuple[str, int] | str:
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise _fail(400, "give the IRI: /resource?iri=...")
    if not _SAFE_IRI.fullmatch(iri):
        raise _fail(400, f"iri: {iri!r} is not an absolute IRI")
    return _resource(iri)


@pages.route("/<path:subpath>")
def resource_path(subpath: str) -> Response | tuple[str, int] | str:
    iri = get_backend().base + subpath
    if not _SAFE_IRI.fullmatch(iri):
        abort(404)
    return _resource(iri)


def _resource(iri: str) -> Response | tuple[str, int] | str:
    backend = get_backend()
    fmt = _rdf_format()
    try:
        if fmt is not None:
            if not _exists(iri):
                raise _fail(404, f"{iri} is not in the graph")
            reply = backend.run(f"DESCRIBE {_iri(iri)}", graph_format=fmt.name)
            return reply_response(reply, fmt)
        return _resource_page(iri)
    except (ExecutorError, QueryFailed) as exc:
        raise store_errors(exc) from None


def _exists(iri: str) -> bool:
    return get_backend().ask(f"ASK {{ {{ {_iri(iri)} ?p ?o }} UNION {{ ?s ?p {_iri(iri)} }} }}")


@dataclass
class _Value:
    term: Term
    label: str | None = None
    graphs: set[str] = field(default_factory=set)


@dataclass
class _Property:
    predicate: Term
    label: str | None
    values: list[_Value] = field(default_factory=list)


def _incoming_text(this: str) -> str:
    return _q(
        f"""SELECT ?s ?p (SAMPLE(?sl0) AS ?sl) (SAMPLE(?pl0) AS ?pl) WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {this} }} LIMIT 301 }}
  OPTIONAL {{ ?s rdfs:label ?sl0 }}
  OPTIONAL {{ ?p rdfs:label ?pl0 }}
}} GROUP BY ?s ?p ORDER BY ?p ?s"""
    )


def _prefetch(iri: str) -> None:
    """The page's queries that depend on nothing but the IRI, in one hop to a query
    process (and, for a trial's IRI, the trial page's own): each is then answered from
    what came back (Backend.prefetch), in the order the page asks."""
    this = _iri(iri)
    queries: list[tuple[str, int | None]] = [(_statements_text(this), 5000)]
    queries.append((_incoming_text(this), 300))
    if iri.startswith(get_backend().base + "trial/"):
        q = _trial_q(iri)
        queries += [(text, None) for text in trial_page_queries(q)]
    get_backend().prefetch(queries)


def _resource_page(iri: str) -> tuple[str, int] | str:
    backend = get_backend()
    this = _iri(iri)
    _prefetch(iri)
    out_rows = _statements(this)
    in_rows, in_cut = backend.select(_incoming_text(this), max_rows=300)[1:]
    if not out_rows and not in_rows:
        members = backend.rows(
            _q(
                f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ GRAPH {_iri(backend.graph("ontology"))} {{
  ?s ?p ?o FILTER(STRSTARTS(STR(?s), {json.dumps(iri + "#")})) OPTIONAL {{ ?s rdfs:label ?l }} }} }}
GROUP BY ?s ORDER BY ?s"""
            )
        )
        if members:
            return render_template("namespace.html", page="", iri=iri, members=members)
        return render_template("not_found.html", page="", iri=iri), 404
    props: dict[str, _Property] = {}
    types: list[_Value] = []
    label = None
    graphs: set[str] = set()
    for row in out_rows:
        p, o, g = row["p"], row["o"], row["g"].value
        graphs.add(g)
        if p.value == RDFS + "label" and label is None:
            label = o.value
        prop = props.setdefault(p.value, _Property(p, row["pl"].value if "pl" in row else None))
        for value in prop.values:
            if value.term == o:
                value.graphs.add(g)
                break
        else:
            prop.values.append(_Value(o, row["ol"].value if "ol" in row else None, {g}))
    if RDF + "type" in props:
        types = props.pop(RDF + "type").values
    incoming: dict[str, _Property] = {}
    for row in in_rows:
        p = row["p"]
        prop = incoming.setdefault(p.value, _Property(p, row["pl"].value if "pl" in row else None))
        prop.values.append(_Value(row["s"], row["sl"].value if "sl" in row else None))
    provenance = _provenance(graphs)
    if any(t.term.value == CTO + "Trial" for t in types):
        return _trial_page(iri, label, props, provenance)
    evidence = [
        value
        for key in (CTO + "evidence", CTO + "regimenEvidence")
        if key in props
        for value in props[key].values
    ]
    return render_template(
        "resource.html",
        page="",
        iri=iri,
        label=label,
        types=types,
        props=list(props.values()),
        incoming=list(incoming.values()),
        incoming_cut=in_cut,
        provenance=provenance,
        evidence=evidence,
        evidence_field=props.get(CTO + "evidenceField"),
        outside=_outside_link(iri),
        heading=_dose_heading(props) if any(t.term.value == CTO + "Dose" for t in types) else None,
    )


# Where the label of a resource's predicate or object is looked up: the statement's own
# graph (a record names its sites, arms, sponsors ...), the ontology terms the build keeps
# (graph/terms), and our ontology (graph/ontology). Never the union of all graphs: a node
# that many records share (a sponsor) has its label once in each of their graphs, so a
# union look-up costs in proportion to the store.
STATEMENTS = """
SELECT ?p ?o ?g ?pl ?ol ?olt ?olo WHERE {
  GRAPH ?g { THIS ?p ?o }
  OPTIONAL { GRAPH ONTOLOGY { ?p rdfs:label ?pl } }
  OPTIONAL { GRAPH ?g { ?o rdfs:label ?ol } }
  OPTIONAL { GRAPH TERMS { ?o rdfs:label ?olt } }
  OPTIONAL { GRAPH ONTOLOGY { ?o rdfs:label ?olo } }
}
"""


def _statements_text(this: str) -> str:
    backend = get_backend()
    return _q(
        STATEMENTS.replace("THIS", this)
        .replace("ONTOLOGY", _iri(backend.graph("ontology")))
        .replace("TERMS", _iri(backend.graph("terms")))
    )


def _statements(this: str) -> list[Row]:
    """A resource's statements (graph by graph), each with the first label found of its
    predicate (``pl``) and object (``ol``), sorted by predicate and object here (ORDER BY
    in the store compares the terms' strings, read from disk, at every comparison)."""
    backend = get_backend()
    seen: dict[tuple[Term, Term, str], Row] = {}
    for row in backend.select(_statements_text(this), max_rows=5000)[1]:
        key = (row["p"], row["o"], row["g"].value)
        label = row.get("ol") or row.get("olt") or row.get("olo")
        kept = seen.setdefault(key, {k: row[k] for k in ("p", "o", "g") if k in row})
        if "pl" in row and "pl" not in kept:
            kept["pl"] = row["pl"]
        if label is not None and "ol" not in kept:
            kept["ol"] = label
    order = {"bnode": 0, "uri": 1, "literal": 2}
    return sorted(
        seen.values(),
        key=lambda r: (r["p"].value, order.get(r["o"].type, 3), r["o"].value, r["g"].value),
    )


def _dose_heading(props: dict[str, _Property]) -> Markup | None:
    """``Dose of WJ-MSC: 4 × 10⁷ cells`` for a dose page (doses have no label)."""

    def number(name: str) -> float | None:
        prop = props.get(CTO + name)
        return prop.values[0].term.number if prop and prop.values else None

    low, high = number("minCells"), number("maxCells")
    if low is None or high is None:
        return None
    unit = props.get(CTO + "doseUnit")
    unit_iri = unit.values[0].term.value if unit and unit.values else CTO + "Cells"
    unit_name = _UNIT_NAMES.get(unit_iri.removeprefix(CTO), "cells")
    figure = (
        cells_text(high)
        if low == high
        else Markup("{} – {}").format(cells_text(low), cells_text(high))
    )
    product = props.get(CTO + "doseOf")
    of = product.values[0].label if product and product.values else None
    plain = f"{high:.3g}" if low == high else f"{low:.3g} – {high:.3g}"
    return Markup('Dose{}: <span title="{}">{}</span> {}').format(
        f" of {of}" if of else "", plain, figure, unit_name
    )


# A dose's unit as the dose heading writes it (kg.rdf writes these individuals).
_UNIT_NAMES = {local: unit.value.removeprefix("other:") for unit, local in _UNIT.items()}


def _outside_link(iri: str) -> str | None:
    """Where an outside term lives (its OBO PURL, MeSH page ...), when it is one."""
    if iri.startswith(get_backend().base):
        return None
    return iri if iri.startswith(("http://", "https://")) else None


@dataclass
class _Source:
    graph: str
    source: str | None
    key: str | None
    fmt: str | None
    notes: list[str] = field(default_factory=list)


def _provenance(graphs: Iterable[str]) -> list[_Source]:
    backend = get_backend()
    wanted = sorted(g for g in graphs if _SAFE_IRI.fullmatch(g))
    if not wanted:
        return []
    values = " ".join(_iri(g) for g in wanted)
    rows = backend.rows(
        _q(
            f"""SELECT ?g ?source ?key ?fmt ?note WHERE {{
  VALUES ?g {{ {values} }}
  # for these graphs only (LATERAL): joined after the fact, the build's record of every
  # graph of the store would be read
  LATERAL {{ GRAPH {_iri(backend.graph("meta"))} {{
    ?g prov:wasDerivedFrom ?source .
    OPTIONAL {{ ?source cto:sourceKey ?key }}
    OPTIONAL {{ ?g cto:sourceFormat ?fmt }}
    OPTIONAL {{ ?g cto:buildNote ?note }}
  }} }}
}} ORDER BY ?g ?note"""
        )
    )
    out: dict[str, _Source] = {}
    for row in rows:
        g = row["g"].value
        src = out.setdefault(
            g,
            _Source(
                g,
                row["source"].value if "source" in row else None,
                row["key"].value if "key" in row else None,
                row["fmt"].value if "fmt" in row else None,
            ),
        )
        if "note" in row and row["note"].value not in src.notes:
            src.notes.append(row["note"].value)
    for g in wanted:
        out.setdefault(g, _Source(g, None, None, None))
    return list(out.values())


# ------------------------------------------------------------------ trials


TRIAL_ARMS = """
SELECT ?owner ?arm ?type ?desc ?route ?routeLabel ?adm ?regimen WHERE {
  { THIS cto:hasArm ?owner . OPTIONAL { ?owner rdfs:label ?arm } }
  UNION
  { BIND(THIS AS ?owner) FILTER EXISTS { THIS cto:administersProduct|cto:hasDose ?x } }
  OPTIONAL { ?owner cto:armType ?type }
  OPTIONAL { ?owner dcterms:description ?desc }
  OPTIONAL { ?owner cto:route ?route OPTIONAL { ?route rdfs:label ?routeLabel } }
  OPTIONAL { ?owner cto:administrations ?adm }
  OPTIONAL { ?owner cto:regimenEvidence ?regimen }
} ORDER BY ?arm
"""

TRIAL_PRODUCTS = """
SELECT ?owner ?product ?label ?cell ?cellLabel ?tissue ?tissueLabel ?donor ?evidence ?field WHERE {
  { THIS cto:hasArm ?owner } UNION { BIND(THIS AS ?owner) }
  ?owner cto:administersProduct ?product .
  OPTIONAL { ?product rdfs:label ?label }
  OPTIONAL { ?product cto:cellType ?cell OPTIONAL { ?cell rdfs:label ?cellLabel } }
  OPTIONAL { ?product cto:tissueSource ?tissue OPTIONAL { ?tissue rdfs:label ?tissueLabel } }
  OPTIONAL { ?product cto:donor ?donor }
  OPTIONAL { ?product cto:evidence ?evidence }
  OPTIONAL { ?product cto:evidenceField ?field }
}
"""

TRIAL_DOSES = """
SELECT ?owner ?dose ?min ?max ?unit ?basis ?adm ?route ?routeLabel ?qualifier ?evidence ?field
       ?productLabel ?g ?source ?key WHERE {
  { THIS cto:hasArm ?owner } UNION { BIND(THIS AS ?owner) }
  ?owner cto:hasDose ?dose .
  OPTIONAL { ?dose cto:minCells ?min }
  OPTIONAL { ?dose cto:maxCells ?max }
  OPTIONAL { ?dose cto:doseUnit ?unit }
  OPTIONAL { ?dose cto:doseBasis ?basis }
  OPTIONAL { ?dose cto:administrations ?adm }
  OPTIONAL { ?dose cto:route ?route OPTIONAL { ?route rdfs:label ?routeLabel } }
  OPTIONAL { ?dose cto:qualifier ?qualifier }
  OPTIONAL { ?dose cto:evidence ?evidence }
  OPTIONAL { ?dose cto:evidenceField ?field }
  OPTIONAL { ?dose cto:doseOf/rdfs:label ?productLabel }
  OPTIONAL { GRAPH ?g { ?dose a cto:Dose }
             OPTIONAL { GRAPH META { ?g prov:wasDerivedFrom ?source OPTIONAL { ?source cto:sourceKey ?key } } } }
} ORDER BY ?owner ?min ?max
"""


@dataclass
class _Arm:
    iri: str
    label: str | None
    row: Row
    products: list[Row] = field(default_factory=list)
    doses: list[Row] = field(default_factory=list)


def _dedupe(rows: Iterable[Row], key: str) -> list[Row]:
    seen: set[tuple[str, str]] = set()
    out: list[Row] = []
    for row in rows:
        k = (row["owner"].value, row[key].value if key in row else "")
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out


def _trial_q(iri: str) -> Callable[[str], str]:
    """A trial page's query text for this trial (THIS and META filled in)."""
    meta = _iri(get_backend().graph("meta"))

    def q(text: str) -> str:
        return _q(text.replace("THIS", _iri(iri)).replace("META", meta))

    return q


def trial_page_queries(q: Callable[[str], str]) -> list[str]:
    """Every query of a trial page that needs only the trial, in the order it runs them."""
    return [
        q(TRIAL_ARMS),
        q(TRIAL_PRODUCTS),
        q(TRIAL_DOSES),
        *trial_results_queries(q),
        *trial_links_queries(q),
    ]


def _trial_page(
    iri: str, label: str | None, props: dict[str, _Property], provenance: list[_Source]
) -> str:
    backend = get_backend()
    q = _trial_q(iri)
    arms_rows = backend.rows(q(TRIAL_ARMS))
    arms: dict[str, _Arm] = {}
    for row in arms_rows:
        owner = row["owner"].value
        if owner not in arms:
            arms[owner] = _Arm(owner, row["arm"].value if "arm" in row else None, row)
    for row in _dedupe(backend.rows(q(TRIAL_PRODUCTS)), "product"):
        arm = arms.get(row["owner"].value)
        if arm is not None:
            arm.products.append(row)
    for row in _dedupe(backend.rows(q(TRIAL_DOSES)), "dose"):
        arm = arms.get(row["owner"].value)
        if arm is not None:
            arm.doses.append(row)

    def first(name: str) -> str | None:
        prop = props.get(CTO + name) or props.get(name)
        return prop.values[0].term.value if prop and prop.values else None

    def all_values(name: str) -> list[_Value]:
        prop = props.get(CTO + name) or props.get(name)
        return prop.values if prop else []

    shown = {
        CTO + n
        for n in (
            "nctId",
            "briefTitle",
            "officialTitle",
            "overallStatus",
            "phase",
            "studyType",
            "enrollment",
            "enrollmentType",
            "startDate",
            "completionDate",
            "primaryCompletionDate",
            "briefSummary",
            "detailedDescription",
            "eligibilityCriteria",
            "studiesCondition",
            "leadSponsor",
            "collaborator",
            "hasArm",
            "studiesProduct",
            "hasIntervention",
            "administersProduct",
            "hasDose",
            "sex",
            "minimumAgeYears",
            "maximumAgeYears",
            "hasResults",
            "countrySites",  # a summary of the sites (kg.summary), shown as the sites themselves
        )
    } | {RDFS + "label", RDFS + "seeAlso"}
    others = [p for k, p in props.items() if k not in shown]
    # arms with cells first, then the others (comparators)
    ordered = sorted(arms.values(), key=lambda a: (not (a.doses or a.products), a.label or ""))
    return render_template(
        "trial.html",
        page="",
        iri=iri,
        label=label,
        first=first,
        all_values=all_values,
        arms=ordered,
        provenance=provenance,
        others=others,
        ctgov=list(all_values(RDFS + "seeAlso")),
        results=trial_results(backend.rows, q),  # posted results (kg/server/results_page.py)
        links=trial_links(backend.rows, q),  # conditions, interventions (kg/server/links_page.py)
        arms_by_iri={a.iri: a for a in ordered},
    )


@pages.app_template_global("query_url")
def query_url(name: str, values: dict[str, str], fmt: str) -> str:
    params = {k: v for k, v in values.items() if v != ""} | {"format": fmt}
    return url_for("pages.canned_query", name=name) + "?" + urlencode(params)


@pages.app_template_global("editor_url")
def editor_url(text: str) -> str:
    return url_for("pages.editor") + "?query=" + quote(text)
