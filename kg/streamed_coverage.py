"""The condition link coverage of a new store (:class:`kg.link.coverage.Coverage`, what the
canned query ``link-coverage`` counts over the whole store) added up from the quads as they
stream to the bulk loader, like the VoID figures (:mod:`kg.streamed`): the whole-store query
took 5 s at 10,000 trials and grows with the store.

Each worker finds, in each record's N-Quads, the lines about the record's condition mentions
(``?t cto:studiesCondition ?c``: the mention's label, unlinked reason and mapping with its
predicate and term) by plain byte searches, reads those few lines as quads and counts what
each mention adds (:class:`ConditionCounts`). The counts of distinct mentions add up over
documents; a mention lives under its trial's IRI, so two documents can only share mentions
of a trial they both write (a registry copy, the same study in two pages), which the build
corrects at the end from those trials' graphs in the store (:meth:`ConditionCounts.correct`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.link.coverage import Coverage
from kg.rdf import CTO, RDFS, XSD

__all__ = ["ConditionCounts", "Mentions", "coverage_lines"]

_STUDIES = CTO + "studiesCondition"
_MAPPING = CTO + "mapping"
_PREDICATE = CTO + "mappingPredicate"
_TERM = CTO + "mappedTerm"
_REASON = CTO + "unlinkedReason"
_LABEL = RDFS + "label"
_STRING = NamedNode(XSD + "string")
# A mention with one of these reasons names no condition (queries/link-coverage.rq).
_NOT_NAMING = frozenset(
    ("healthy volunteers", "procedure", "population", "intervention", "measure", "unspecific")
)
_OBO_PREFIX = re.compile(r"^http://purl.obolibrary.org/obo/([A-Za-z]+)_.*$")
_TOP = 25  # the query's "top unlinked" rows


_STUDIES_B = b"> <" + _STUDIES.encode() + b"> "
_IN_MENTION = b"/condition/"  # in the IRI of every mention and its mapping (kg.rdf mints them)
_ABOUT = tuple(b"> <" + p.encode() + b"> " for p in (_LABEL, _REASON, _MAPPING, _PREDICATE, _TERM))


def coverage_lines(data: bytes, out: list[bytes]) -> str | None:
    """Add to ``out`` the lines of one record's N-Quads that the coverage reads: the
    ``cto:studiesCondition`` quads, and the labels, unlinked reasons and mappings (with
    their predicates and terms) of subjects whose IRI holds ``/condition/``, as every
    mention's and mapping's does; None, or why the lines cannot stand for the record's
    mentions (a mention whose IRI does not hold it). Two byte searches over the record
    and a look at each line they find. (An IRI holds no ``>`` or space, a literal no
    newline: a line is found by its start.)"""
    at = data.find(_STUDIES_B)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.index(b"\n", at) + 1
        if b" " not in data[start:at]:  # (else the text was inside a literal)
            out.append(data[start:end])
            obj = data[at + len(_STUDIES_B) : end]
            if _IN_MENTION not in obj[: obj.find(b">")]:
                return f"a condition mention {obj[: obj.find(b' ')].decode()}"
        at = data.find(_STUDIES_B, end)
    at = data.find(_IN_MENTION)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.index(b"\n", at) + 1
        subject_end = data.find(b"> <", start, end)
        in_subject = data[start : start + 1] == b"<" and at < subject_end
        if in_subject and data.startswith(_ABOUT, subject_end):
            out.append(data[start:end])
        at = data.find(_IN_MENTION, end)
    return None


@dataclass(slots=True)
class Mentions:
    """The facts about condition mentions in a set of quads (a document's, a trial's)."""

    mentions: set[str] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)
    reasons: dict[str, set[str]] = field(default_factory=dict)
    mappings: dict[str, set[str]] = field(default_factory=dict)
    predicates: dict[str, set[str]] = field(default_factory=dict)
    terms: dict[str, set[str]] = field(default_factory=dict)
    unusual: str | None = None  # a term not as the writer makes it

    def add(self, quads: Iterable[Quad]) -> None:
        for q in quads:
            s, p, o = q.subject, q.predicate.value, q.object
            if not isinstance(s, NamedNode):
                self.unusual = f"a blank node with {p}"
                continue
            if p in (_LABEL, _REASON):
                if not isinstance(o, Literal) or o.datatype != _STRING or o.language:
                    self.unusual = f"{s.value} {p} {o}: not a plain string"
                    continue
                (self.labels if p == _LABEL else self.reasons).setdefault(s.value, set()).add(
                    o.value
                )
                continue
            if not isinstance(o, NamedNode):
                self.unusual = f"{s.value} {p} {o}: not an IRI"
                continue
            if p == _STUDIES:
                self.mentions.add(o.value)
            elif p == _MAPPING:
                self.mappings.setdefault(s.value, set()).add(o.value)
            elif p == _PREDICATE:
                self.predicates.setdefault(s.value, set()).add(o.value)
            elif p == _TERM:
                self.terms.setdefault(s.value, set()).add(o.value)

    def add_lines(self, lines: list[bytes]) -> None:
        if lines:
            self.add(parse(b"".join(lines), format=RdfFormat.N_QUADS))

    def counts(self, only: Iterable[str] | None = None) -> ConditionCounts:
        """What the mentions (``only`` these, if given) add to the coverage."""
        out = ConditionCounts()
        for c in self.mentions if only is None else only:
            if c not in self.mentions:
                continue
            out.mentions += 1
            reasons = self.reasons.get(c, set())
            if not reasons & _NOT_NAMING:
                out.naming += 1
            maps = self.mappings.get(c, set())
            if maps:
                out.linked += 1
            kinds = {
                f"linked: {re.sub(r'^.*#', 'skos:', pred, count=1)} "
                + _OBO_PREFIX.sub(r"\1", term, count=1)
                for m in maps
                for pred in self.predicates.get(m, ())
                for term in self.terms.get(m, ())
            }
            unlinked = [f"unlinked: {r}" for r in reasons] or ["unlinked: no reason recorded"]
            out.by_kind.update(kinds or unlinked)
            if not maps:
                out.unlinked.update((k, name) for k in unlinked for name in self.labels.get(c, ()))
        return out


@dataclass(slots=True)
class ConditionCounts:
    """Distinct condition mentions counted as ``link-coverage`` counts them: they add up
    over sets of quads that share no mention."""

    naming: int = 0
    linked: int = 0
    mentions: int = 0  # every mention, whatever its kind
    by_kind: Counter[str] = field(default_factory=Counter)
    unlinked: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, label)

    def update(self, other: ConditionCounts, sign: int = 1) -> None:
        self.naming += sign * other.naming
        self.linked += sign * other.linked
        self.mentions += sign * other.mentions
        for kind, n in other.by_kind.items():
            self.by_kind[kind] += sign * n
        for key, n in other.unlinked.items():
            self.unlinked[key] += sign * n

    def coverage(self) -> Coverage:
        """The figures as :func:`kg.link.coverage.condition_coverage` reads them."""
        by_kind = {k: n for k, n in self.by_kind.items() if n > 0}
        top = sorted(
            ((name, kind, n) for (kind, name), n in self.unlinked.items() if n > 0),
            key=lambda r: (-r[2], r[0], r[1]),
        )[:_TOP]
        top.sort(key=lambda r: (-r[2], r[1], r[0]))
        return Coverage(self.linked, self.naming, sum(by_kind.values()), by_kind, top)
