"""Result groups joined to the protocol's arms.

Results and protocol share no ids: a result group ("FG000", "E1") is joined to an arm by
its title and description, and each join says how it was made and how sure it is, like
the ontology links (:class:`kg.results_model.ArmJoin`). In this order, the first that
decides wins:

=========================================  =========  =====  =====================================
method                                     status     score  when
=========================================  =========  =====  =====================================
``no arms``                                none       0      the protocol lists no arm
``pooled total``                           none       0      a total ("Total", "All Participants",
                                                             "Full Cohort", "Study Population")
``title equals arm label``                 matched    1.0    one arm's label, case and punctuation
                                                             aside
``title begins with arm label``            matched    0.9    one arm's label starts the title (or
                                                             the title starts the label)
``title equals arm label, numbering        matched    0.95   the same once numbering and filler
aside``                                                      words go ("1 Placebo", "Arm B:
                                                             Docetaxel", "Patients Who Received X")
``same arm letter or number``              matched    0.85   both start with the same "Arm A",
                                                             "Group 2", "Cohort B" (one arm)
``description repeats arm description``    matched    0.9    the group's description opens with
                                                             one arm's description
``crossover sequence``                     none       0      the title names a sequence or period
                                                             ("A, Then B") and no arm is one
``only arm``                               matched    0.8    one arm, one group in the section
                                                             (0.7: several groups, each a subgroup,
                                                             cohort or time point of that arm)
``a word only this arm has``               matched    0.8    the title uses a word (of 3 letters or
                                                             more, no number) of one arm's label or
                                                             interventions that no other arm has
``title words``                            matched    0.7    most words shared with one arm, clearly
                                                             more than with any other
``title words``                            uncertain  0.4    some shared: a guess to check (or
                                                             several arms alike: no arm, candidates
                                                             in the note)
``no arm matches``                         uncertain  0      no arm shares a word
=========================================  =========  =====  =====================================

Two groups of one section joined to the same arm by words are both marked uncertain.

>>> from kg.model import Arm
>>> arms = [Arm("Low dose MSC"), Arm("High dose MSC"), Arm("Placebo")]
>>> join_group("Placebo", None, arms).method
'title equals arm label'
>>> join_group("Total", None, arms).note
'a pooled total of several groups, not one arm'
>>> join_group("MSC Low Dose", None, arms).arm
'Low dose MSC'
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Sequence

from kg.model import Arm
from kg.results_model import ArmJoin, ResultGroup, TrialResults

__all__ = ["join_group", "join_results"]

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# "S+" and "S-" at the end of a word are two groups, not one ("GSK149203A S+ Group").
_SIGN_PLUS = re.compile(r"(\w)\+(?=\s|$)")
_SIGN_MINUS = re.compile(r"(\w)-(?=\s|$)")
# Abbreviations of trial design that result groups use for the arm's words.
_ABBREVIATIONS = {"db": "double blind", "ol": "open label", "ole": "open label extension"}
# A group of one period of an arm ("Placebo - Open-label Period"): what it was given then
# may not be what the arm was given.
_PERIOD = re.compile(
    r"\bopen[- ]label (?:period|phase)\b|\bextension\b|\bperiod (?:[2-9]|ii)\b|\bsecond period\b"
    r"|\bcrossover period\b",
    re.IGNORECASE,
)
# "Arm A", "Group 2", "Cohort B": the arm's letter or number at the start of a label.
_DESIGNATOR = re.compile(r"(?:arm|group|cohort)\s+([a-z]|[0-9]{1,2})\b")
_ROMAN = re.compile(r"[ivxl]+")
_SEQUENCE_ARM = re.compile(r"\b(?:then|than|followed by)\b|->|→", re.IGNORECASE)
_TOTAL_START = re.compile(r"(?:all|total|overall|full|entire|whole)\b")
_TOTALS = {
    "total",
    "totals",
    "overall",
    "overall study",
    "all participants",
    "all subjects",
    "all patients",
    "all study participants",
    "all randomized participants",
    "all enrolled participants",
    "all treated participants",
    "entire study population",
    "study population",
    "full cohort",
}
_CROSSOVER = re.compile(
    r"\b(?:then|followed by|cross ?over|crossed over|period \d+|first period|second period)\b"
    r"|->|→|/ ?then\b",
    re.IGNORECASE,
)
# Words that say nothing about which arm: they do not count in the word overlap.
_FILLER = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "with",
        "in",
        "on",
        "for",
        "to",
        "by",
        "at",
        "or",
        "arm",
        "arms",
        "group",
        "groups",
        "cohort",
        "cohorts",
        "participants",
        "patients",
        "subjects",
        "treatment",
        "treated",
        "receiving",
        "received",
        "who",
    ]
)


@functools.lru_cache(maxsize=1 << 14)  # (an arm's label is compared with every group of a trial)
def _norm(text: str | None) -> str:
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = _SIGN_PLUS.sub(r"\1 plus", _SIGN_MINUS.sub(r"\1 minus", ascii_text))
    words = _NOT_WORD.sub(" ", ascii_text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in _norm(text).split() if w not in _FILLER)


def _core(text: str | None) -> str:
    """The words that tell groups apart, in order: filler words ("arm", "group", "patients
    who received") and a leading number or letter ("1 Placebo", "Arm B: Docetaxel") aside.

    >>> _core("Arm #2 - placebo"), _core("Patients Who Received Placebo"), _core("Group A")
    ('placebo', 'placebo', 'a')
    """
    words = [w for w in _norm(text).split() if w not in _FILLER or w == "a"]
    while words and words[0] == "a" and len(words) > 1:
        words = words[1:]
    if len(words) > 1 and re.fullmatch(r"[0-9]{1,2}|[a-z]", words[0]):
        words = words[1:]
    return " ".join(words)


def _arm_words(arm: Arm) -> frozenset[str]:
    """The words of an arm's label and of the names of its interventions."""
    words = set(_words(arm.label))
    for name in arm.intervention_names:
        words |= _words(name.split(": ", 1)[-1])
    return frozenset(words)


def _one(hits: list[Arm]) -> Arm | None:
    return hits[0] if len(hits) == 1 else None


def _designator(normalised: str) -> str | None:
    """ "arm a" of "arm a abc 3tc nnrti" (a normalised title or label), or None."""
    m = _DESIGNATOR.match(normalised)
    return m.group(0) if m else None


def _is_arm_label(t: str, arms: Sequence[Arm]) -> bool:
    return any(_norm(a.label) == t for a in arms)


def join_group(
    title: str | None,
    description: str | None,
    arms: Sequence[Arm],
    *,
    groups_in_section: int = 0,
) -> ArmJoin:
    """How one result group joins the arms (``groups_in_section``: how many groups its
    section lists, for the ``only arm`` rule)."""
    if not arms:
        return ArmJoin(None, "none", "no arms", 0.0, "the protocol lists no arm")
    t = _norm(title)
    if t in _TOTALS or (_TOTAL_START.match(t) and not _is_arm_label(t, arms)):
        return ArmJoin(
            None, "none", "pooled total", 0.0, "a pooled total of several groups, not one arm"
        )
    labels = [(arm, _norm(arm.label)) for arm in arms]
    arm = _one([a for a, label in labels if label and label == t])
    if arm:
        return ArmJoin(arm.label, "matched", "title equals arm label", 1.0)
    if t:
        arm = _one(
            [
                a
                for a, label in labels
                if label and (t.startswith(label + " ") or label.startswith(t + " "))
            ],
        )
        if arm:
            return ArmJoin(arm.label, "matched", "title begins with arm label", 0.9)
    designated = _designator(t)
    if designated:
        arm = _one([a for a, label in labels if _designator(label) == designated])
        if arm:
            return ArmJoin(arm.label, "matched", "same arm letter or number", 0.85)
    core = _core(title)
    if core:
        arm = _one([a for a in arms if _core(a.label) == core])
        if arm:
            return ArmJoin(arm.label, "matched", "title equals arm label, numbering aside", 0.95)
    d = _norm(description)
    if d:
        arm = _one(
            [
                a
                for a in arms
                if len(_norm(a.description)) >= 12 and d.startswith(_norm(a.description))
            ],
        )
        if arm:
            return _checked(
                ArmJoin(arm.label, "matched", "description repeats arm description", 0.9),
                title,
                arms,
            )
    if title and _CROSSOVER.search(title) and not any(_SEQUENCE_ARM.search(a.label) for a in arms):
        return ArmJoin(
            None,
            "none",
            "crossover sequence",
            0.0,
            "a sequence or period of a crossover, not one arm",
        )
    if len(arms) == 1:
        if groups_in_section == 1:
            return ArmJoin(arms[0].label, "matched", "only arm", 0.8)
        return ArmJoin(
            arms[0].label,
            "matched",
            "only arm",
            0.7,
            "a subgroup, cohort or time point of the only arm",
        )
    arm = _distinctive(title, arms)
    if arm:
        return _checked(ArmJoin(arm.label, "matched", "a word only this arm has", 0.8), title, arms)
    return _by_words(title, arms)


def _checked(join: ArmJoin, title: str | None, arms: Sequence[Arm]) -> ArmJoin:
    """A join by description or by one word, kept only where the title's words do not
    point elsewhere: to another arm, or to several alike (a pooled "Phase I/II" group)."""
    words = _by_words(title, arms)
    if words.arm is None and words.note and words.note.startswith("fits several arms alike"):
        return dataclasses.replace(
            join, status="uncertain", score=0.4, note="the title " + words.note
        )
    if words.arm is not None and words.arm != join.arm:
        return dataclasses.replace(
            join, status="uncertain", score=0.4, note=f"the title's words fit {words.arm!r} better"
        )
    return join


def _telling(word: str) -> bool:
    """A word that can tell an arm: not a number, a roman numeral or a one- or two-letter
    token ("Phase I/II" names two phases, not the arm of phase II)."""
    return len(word) > 2 and not word.isdigit() and not _ROMAN.fullmatch(word)


def _distinctive(title: str | None, arms: Sequence[Arm]) -> Arm | None:
    """The one arm whose own words (label, interventions) the title uses and no other arm
    has; None when no arm or several arms have such words in the title."""
    words = _words(title)
    own = [_arm_words(a) for a in arms]
    hits = []
    for i, arm in enumerate(arms):
        others = frozenset().union(*(w for j, w in enumerate(own) if j != i))
        if any(_telling(w) for w in words & (own[i] - others)):
            hits.append(arm)
    return _one(hits)


def _by_words(title: str | None, arms: Sequence[Arm]) -> ArmJoin:
    words = _words(title)
    if not words:
        return ArmJoin(None, "uncertain", "no arm matches", 0.0, "the group's title names no arm")
    scored = []
    for arm in arms:
        arm_words = _words(arm.label)
        if arm_words:
            scored.append((len(words & arm_words) / len(words | arm_words), arm.label))
    scored.sort(key=lambda x: (-x[0], x[1]))
    if not scored or scored[0][0] == 0.0:
        return ArmJoin(None, "uncertain", "no arm matches", 0.0, "no arm's label shares a word")
    best, label = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best == second:
        tied = [lab for s, lab in scored if s == best]
        return ArmJoin(
            None, "uncertain", "title words", 0.0, "fits several arms alike: " + "; ".join(tied)
        )
    if best >= 0.6 and best - second >= 0.25:
        return ArmJoin(label, "matched", "title words", 0.7)
    return ArmJoin(
        label, "uncertain", "title words", 0.4, f"a guess: {best:.2f} of the words shared"
    )


def _join_all(groups: tuple[ResultGroup, ...], arms: Sequence[Arm]) -> tuple[ResultGroup, ...]:
    joined = [
        dataclasses.replace(
            g, join=join_group(g.title, g.description, arms, groups_in_section=len(groups))
        )
        for g in groups
    ]
    by_words: dict[str, int] = {}
    for g in joined:
        if g.join and g.join.method == "title words" and g.join.arm:
            by_words[g.join.arm] = by_words.get(g.join.arm, 0) + 1
    taken = {g.join.arm for g in joined if g.join and g.join.arm and g.join.method != "title words"}
    out = []
    for g in joined:
        j = g.join
        if (
            j
            and j.status == "matched"
            and j.arm
            and g.title
            and _PERIOD.search(g.title)
            and not _PERIOD.search(j.arm)
        ):
            j = dataclasses.replace(
                j,
                status="uncertain",
                score=min(j.score, 0.5),
                note="a period of the arm: what it was given then may differ",
            )
        if j and j.method == "title words" and j.arm and (by_words[j.arm] > 1 or j.arm in taken):
            j = dataclasses.replace(
                j,
                status="uncertain",
                score=0.4,
                note="another group of the section fits this arm too",
            )
        out.append(dataclasses.replace(g, join=j))
    return tuple(out)


def join_results(results: TrialResults, arms: Sequence[Arm]) -> TrialResults:
    """``results`` with every group joined to the arms (a new record; the input is kept)."""
    flow = results.flow
    if flow is not None:
        flow = dataclasses.replace(flow, groups=_join_all(flow.groups, arms))
    baseline = results.baseline
    if baseline is not None:
        baseline = dataclasses.replace(baseline, groups=_join_all(baseline.groups, arms))
    outcomes = tuple(
        dataclasses.replace(m, groups=_join_all(m.groups, arms)) for m in results.outcomes
    )
    ae = results.adverse_events
    if ae is not None:
        groups = _join_all(tuple(g.group for g in ae.groups), arms)
        ae = dataclasses.replace(
            ae,
            groups=tuple(
                dataclasses.replace(eg, group=g) for eg, g in zip(ae.groups, groups, strict=True)
            ),
        )
    return TrialResults(
        flow=flow,
        baseline=baseline,
        outcomes=outcomes,
        adverse_events=ae,
        notes=list(results.notes),
    )
