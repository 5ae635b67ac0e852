"""How many of a store's condition mentions are linked, counted with the canned query
``link-coverage`` (so the build report, the bench and the endpoint say the same): its
portable form, which counts over the whole store.

>>> Coverage(linked=9, naming=10, mentions=12, by_kind={}).share
0.9
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyoxigraph import Store

__all__ = ["Coverage", "condition_coverage"]


@dataclass(frozen=True, slots=True)
class Coverage:
    """``linked`` of the ``naming`` mentions that name a condition (of ``mentions``, the sum
    of ``by_kind``: a mention two sources link differently counts in both kinds);
    ``by_kind``: mentions by how they ended ("linked: skos:exactMatch MONDO", "unlinked: no
    term" ...); ``top_unlinked``: ``(name, kind, mentions)``, most frequent first."""

    linked: int
    naming: int
    mentions: int
    by_kind: dict[str, int]
    top_unlinked: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.linked / self.naming if self.naming else 0.0

    def summary(self) -> str:
        """One line for the build report."""
        unlinked = ", ".join(
            f"{kind.removeprefix('unlinked: ')} {n}"
            for kind, n in sorted(self.by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
            if kind.startswith("unlinked: ")
        )
        return (
            f"conditions: {self.linked} of {self.naming} mentions that name a condition linked "
            f"to MONDO/HPO ({self.share:.1%}; {self.mentions} mentions in all)"
            + (f"; unlinked: {unlinked}" if unlinked else "")
        )


def condition_coverage(store: Store) -> Coverage:
    """Count ``link-coverage`` over every condition mention of ``store`` (its portable form:
    the canned query itself reads the figures the build stores) and read its rows."""
    from pyoxigraph import QuerySolutions

    from kg.queries import load_query
    from kg.results import Table

    result = store.query(
        load_query("link-coverage").text_for("sparql11"), use_default_graph_as_union=True
    )
    assert isinstance(result, QuerySolutions)
    table = Table.from_solutions(result)
    linked = naming = 0
    by_kind: dict[str, int] = {}
    top: list[tuple[str, str, int]] = []
    for row in table.values():
        count = int(row["mentions"] or 0)
        if row["section"] == "coverage":
            if str(row["kind"]).startswith("linked"):
                linked = count
            else:
                naming = count
        elif row["section"] == "by kind":
            by_kind[str(row["kind"])] = count
        elif row["section"] == "top unlinked":
            top.append((str(row["name"]), str(row["kind"]), count))
    all_mentions = sum(by_kind.values())
    return Coverage(linked, naming, all_mentions, by_kind, top)
