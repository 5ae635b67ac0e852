"""What the three results readers share: counts, numbers, p-values and controlled values.

>>> parse_count("97"), parse_count(97), parse_count("NA")
(97, 97, None)
>>> norm_enum("Standard Deviation"), norm_enum("95% Confidence Interval"), norm_enum("MEAN")
('STANDARD_DEVIATION', 'CONFIDENCE_INTERVAL_95', 'MEAN')
>>> parse_p_value("<0.001"), parse_p_value("0.03"), parse_p_value("0,001")
(('<', 0.001), (None, 0.03), (None, None))
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from kg.results_model import ResultGroup, ResultsError, TrialResults

S = TypeVar("S")

__all__ = [
    "ALIASES",
    "check_groups",
    "norm_enum",
    "parse_count",
    "parse_number",
    "parse_p_value",
    "read_safely",
    "text_of",
]

_INT = re.compile(r"[0-9]{1,9}", re.ASCII)
_NUMBER = re.compile(
    r"[-+]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})(?:[eE][-+]?[0-9]{1,3})?", re.ASCII
)
_P = re.compile(
    r"(<=|>=|<|>|≤|≥|=)?\s*(0?\.[0-9]{1,15}|0|1(?:\.0*)?|[0-9]\.[0-9]*[eE]-[0-9]{1,3})", re.ASCII
)
_CI = re.compile(r"([0-9]{1,2}(?:\.[0-9])?)\s*%\s*CONFIDENCE\s+INTERVAL", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
# Older spellings (XML, v1, early v2 records) -> the API v2 enum value.
ALIASES = {
    "STANDARD_ERROR": "STANDARD_ERROR_OF_MEAN",
    "GEOMETRIC_COEFFICIENT_OF_VARIATION": "GEOMETRIC_COEFFICIENT",
    "2_SIDED": "TWO_SIDED",
    "1_SIDED": "ONE_SIDED",
}


def text_of(value: Any, what: str) -> str | None:
    """A value as text: a string stripped (None when empty), a number as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ResultsError(f"{what} is a boolean, not a text")
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    raise ResultsError(f"{what} is a {type(value).__name__}, not a text")


def parse_count(value: Any) -> int | None:
    """A whole count as the record writes it (a JSON number or text); None when it is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        text = value.strip().replace(",", "") if _is_grouped(value.strip()) else value.strip()
        return int(text) if _INT.fullmatch(text) else None
    return None


def _is_grouped(text: str) -> bool:
    """'1,234' (thousands): a comma followed by exactly three digits, each time."""
    return re.fullmatch(r"[0-9]{1,3}(?:,[0-9]{3})+", text, re.ASCII) is not None


def parse_number(text: str | None) -> float | None:
    """A value as a number where the whole text is one ("39.9", "-1.2e3"); else None."""
    if not text:
        return None
    t = text.strip()
    if not _NUMBER.fullmatch(t):
        return None
    number = float(t)
    return number if math.isfinite(number) else None


def parse_p_value(text: str | None) -> tuple[str | None, float | None]:
    """(comparator, number) of a p-value as written; (None, None) when it is not a number
    between 0 and 1 written with a full stop ("0,001" stays text: unknown stays unknown)."""
    if not text:
        return None, None
    m = _P.fullmatch(text.strip().replace(" ", ""))
    if not m:
        return None, None
    number = float(m.group(2))
    if not 0.0 <= number <= 1.0:
        return None, None
    comparator = {"≤": "<=", "≥": ">=", "=": None}.get(m.group(1) or "", m.group(1) or None)
    return comparator, number


def norm_enum(text: str | None) -> str | None:
    """A controlled value in the API v2 spelling: "Standard Deviation" -> "STANDARD_DEVIATION",
    "95% Confidence Interval" -> "CONFIDENCE_INTERVAL_95", "Post-Hoc" -> "POST_HOC"."""
    if not text:
        return None
    ci = _CI.fullmatch(text.strip())
    if ci:
        return "CONFIDENCE_INTERVAL_" + ci.group(1).replace(".", "")
    value = _NOT_WORD.sub("_", text.strip().upper()).strip("_")
    return ALIASES.get(value, value) or None


def read_safely(
    read: Callable[[S], TrialResults | None], section: S
) -> tuple[TrialResults | None, str | None]:
    """(results, None), or (None, reason) for a results section of the wrong shape: the
    trial is still mapped, and the reason goes into its notes."""
    try:
        results = read(section)
        if results is not None:
            check_groups(results)
        return results, None
    except ResultsError as exc:
        return None, str(exc)


def check_groups(results: TrialResults) -> None:
    """ResultsError when a value (a flow count, a denominator, a measurement, an adverse-event
    count) names a group its section does not list: such results are of no shape the graph
    can hold (qc/results-value-without-group-violation.rq)."""

    def check(section: str, groups: Iterable[ResultGroup], refs: Iterable[str]) -> None:
        listed = {g.key for g in groups}
        for ref in refs:
            if ref not in listed:
                raise ResultsError(
                    f"a {section} value names group {ref[:40]!r}, which its section does not list"
                )

    if results.flow:
        counts = (c.count.group for p in results.flow.periods for c in p.counts)
        check("participant flow", results.flow.groups, counts)
    if results.baseline:
        b = results.baseline
        refs = [c.group for c in b.denoms]
        refs += [c.group for m in b.measures for c in m.denoms]
        refs += [x.group for m in b.measures for x in m.measurements]
        check("baseline", b.groups, refs)
    for m in results.outcomes:
        refs = [c.group for c in m.denoms] + [x.group for x in m.measurements]
        check("outcome", m.groups, refs)
    if results.adverse_events:
        ae = results.adverse_events
        counts = (c.group for e in ae.events for c in e.counts)
        check("adverse-event", (g.group for g in ae.groups), counts)
