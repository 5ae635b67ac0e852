"""Per-trial summary triples: what listings and the overview would otherwise aggregate over
the whole store at request time, written once per record at map time.

For each country its sites name, a record's trial gets one summary node::

    <trial/NCT01234567> cto:countrySites <trial/NCT01234567/sites-in/france> .
    <trial/NCT01234567/sites-in/france> a cto:CountrySites ;
        cto:inCountry "France" ;     # the country as the record's sites write it
        cto:siteCount 3 .            # how many of the record's sites are there

They are read from the quads the record's own graph already holds (the country literal is
the sites' own, after redaction), and written into that same graph, so a rebuild that
replaces a record's graph replaces its summaries with it. A listing of countries
(queries/trials-by-country.rq) then counts one node per trial and country instead of
joining every site of every trial; a trial's summary nodes are distinct IRIs, so the number
of nodes of a country is its number of trials. Two records of one trial (a registry copy
and a ClinicalTrials.gov record) each state their own count (the union graph then gives the
node two counts); for such a node the query counts the distinct sites of all the trial's
records in that country instead, as it did before there were summaries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Quad

from kg.rdf import PREFIXES, slug

__all__ = [
    "C_COUNTRY_SITES",
    "P_COUNTRY_SITES",
    "P_IN_COUNTRY",
    "P_SITE_COUNT",
    "VERSION",
    "country_summary",
    "summary_quads",
]

# Part of the build's pipeline version (kg.build.PIPELINE_VERSION): change it when what is
# written here changes, so that a rebuild maps every record again.
VERSION = "1"

_CTO = PREFIXES["cto"]
_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_XSD_INTEGER = NamedNode(PREFIXES["xsd"] + "integer")
_P_SITE = NamedNode(_CTO + "site")
_P_COUNTRY = NamedNode(_CTO + "country")
C_COUNTRY_SITES = NamedNode(_CTO + "CountrySites")
P_COUNTRY_SITES = NamedNode(_CTO + "countrySites")
P_IN_COUNTRY = NamedNode(_CTO + "inCountry")
P_SITE_COUNT = NamedNode(_CTO + "siteCount")


def summary_quads(trial: NamedNode, quads: list[Quad], graph: NamedNode) -> list[Quad]:
    """The summary quads of one record's trial, from the quads of its graph (in order of
    first appearance, so the same record gives the same quads)."""
    sites = set()
    countries = []  # the cto:country quads, in order (one pass: a quad's terms are made on access)
    for q in quads:
        p = q.predicate
        if p == _P_SITE:
            if q.subject == trial:
                sites.add(q.object)
        elif p == _P_COUNTRY:
            countries.append(q)
    if not sites:
        return []
    pairs = []
    for q in countries:
        subject = q.subject
        if subject in sites and isinstance(q.object, Literal):
            assert isinstance(subject, NamedNode)  # a site node (kg.rdf mints them)
            pairs.append((subject.value, q.object.value))
    return country_summary(trial, pairs, graph)


def country_summary(
    trial: NamedNode, sites: Iterable[tuple[str, str]], graph: NamedNode
) -> list[Quad]:
    """The summary quads of one record's trial from its sites' (site node IRI, country
    literal) in the order the record writes them (:func:`summary_quads` reads them from
    the quads; :func:`kg.rdf.trial_record` gives them as it writes the sites)."""
    by_country: dict[str, set[str]] = {}
    for site, country in sites:
        by_country.setdefault(country, set()).add(site)
    out: list[Quad] = []
    keys: dict[str, str] = {}  # node key -> country (two spellings may share a slug)
    for country, members in by_country.items():
        key = slug(country)
        if keys.get(key, country) != country:
            key = f"{key}-{hashlib.sha256(country.encode('utf-8')).hexdigest()[:8]}"
        keys[key] = country
        node = NamedNode(f"{trial.value}/sites-in/{key}")
        out.append(Quad(trial, P_COUNTRY_SITES, node, graph))
        out.append(Quad(node, _TYPE, C_COUNTRY_SITES, graph))
        out.append(Quad(node, P_IN_COUNTRY, Literal(country), graph))
        out.append(
            Quad(node, P_SITE_COUNT, Literal(str(len(members)), datatype=_XSD_INTEGER), graph)
        )
    return out
