"""Arms and interventions from the free-text interventions field of the ICTRP registries that
have no fixed layout of their own (ANZCTR, ReBEC, RPCEC, ISRCTN, DRKS, JPRN, NTR, TCTR, LBCTR,
PACTR, KCT, SLCTR, ITMCTR, REPEC, ...).

These registries write their groups inside one text, each in its own way:

* a labelled group at the start of a line or sentence: ``Experimental group: ...; Control
  group: ...`` (ReBEC, NTR, KCT), ``Group A: ... Group B (Control): ...`` (RPCEC),
  ``Arm 1: ...<br>Arm 2: ...`` and ``ARM 4 - ...`` (ANZCTR, ISRCTN), ``Intervention 1: ...
  Control 1: ...`` (DRKS), ``Intervention: ... Control: ...`` (ISRCTN),
  ``1. Control group - 15 participants`` and ``Group 1) ...`` (ReBEC),
  ``Interventions/Control_1: ...`` (JPRN/UMIN);
* REPEC's ``Group name:... Intervention(s) description:...`` blocks;
* PACTR's list of intervention names, ``;name;name`` (one intervention each);
* CRiS's ``Biological/Vaccine : description`` lines (the intervention type, then its text).

Each labelled group becomes an :class:`~kg.model.Arm` with its label as written and its own
text; text before the first group and paragraphs after the last group's own paragraph are
said of the trial as a whole (the mapper keeps them as the trial's detailed description: an
intervention linked to no arm would be given to every arm, its control groups too).
A text with no labelled group stays one intervention, as before. Nothing is invented: arms
have no type (the registries give none), and every description is the record's own text.

>>> arms, shared = group_arms("Experimental group: MSCs 1 x 10^6 cells/kg IV; Control group: saline")
>>> [(a.label, a.description) for a in arms], shared
([('Experimental group', 'MSCs 1 x 10^6 cells/kg IV'), ('Control group', 'saline')], None)
>>> group_arms("Patients receive MSCs; the control group gets saline.")
([], None)
"""

from __future__ import annotations

import re

from kg.model import Arm, Intervention
from kg.sources.ctgov_common import norm_intervention_type

__all__ = ["group_arms", "name_list", "repec_groups", "typed_lines"]

# Words a group's label is made of ("Experimental group", "Low-dose arm", "MSC group").
_LABEL_WORD = r"[A-Za-z][\w+/'-]*"
_NUMBER = r"(?:\d{1,2}|[A-H]|I{1,3}V?|IV)"
_GROUP_WORD = r"(?:groups?|arms?|cohorts?)"
_HEAD = re.compile(
    r"(?:^|(?<=[\n;.；。]))[ \t]*"
    r"(?P<enum>(?:\d{1,2}|[a-h])[.)][ \t]+|[-•*][ \t]*)?"  # an enumerator: "1. ", "a) ", "- "
    r"(?P<label>"
    # "Group A", "Arm 1", "Cohort 2", "Treatment B", "Interventions/Control_1", "Intervention 1",
    # "Dose level 2"
    rf"(?:(?:group|arm|cohort|treatment|regimen|intervention|control|interventions/control"
    r"|dose[ \t]+level)"
    rf"[ \t_-]*{_NUMBER}(?![\w])|G\d{{1,2}}(?![\w]))"
    # "Experimental group", "Low dose group", "MSC arm", "Control group"
    # "Experimental group 2", "Treatment arm B"
    rf"|(?:{_LABEL_WORD}[ \t]+){{0,3}}{_GROUP_WORD}(?:[ \t]+{_NUMBER})?(?![\w])"
    # "Intervention:", "Control:" (bare, with a colon only)
    r"|(?:interventions?|control|comparator|placebo)(?=[ \t]*:)"
    r")"
    r"(?P<paren>[ \t]*\((?:[^()\n]{1,40})\))?"  # "Group B (Control)"
    r"[ \t]*(?P<sep>[:：]|\)(?=[ \t])|[-–](?=[ \t]))",
    re.IGNORECASE,
)
# A label that is a sentence's subject, not a heading: "The control group: ..." is rare; words
# that open a sentence about the groups are not labels.
_NOT_LABEL = re.compile(
    r"^(?:the|both|all|each|two|three|four|in|of|per|these|randomi[sz]ed)\b"
    # a plural group word introduces the groups ("Study arms: ...", "Treatment groups:")
    r"|\b(?:groups|arms|cohorts)$",
    re.IGNORECASE,
)


_NEXT_ITEM = re.compile(r"\n[ \t]*(?:\d{1,2}|[a-h])[.)][ \t]+")
# A sentence, clause or line after the last group that speaks of every group ("...; Group B:
# 3x10^6 MSCs/kg; all patients receive two intravenous infusions", "Both groups are followed
# for 12 months", "Each patient will receive one infusion"): said of the trial, not of the
# last group.
_OF_ALL_GROUPS = re.compile(
    r"(?:^|(?<=[\n;.；。]))[ \t]*"
    r"(?=(?:in[ \t]+|for[ \t]+)?(?:all|both|each|every)[ \t]+(?:of[ \t]+)?(?:the[ \t]+)?"
    r"(?:\w+[ \t]+)?(?:patients?|participants?|subjects?|groups?|arms?|cohorts?|individuals?"
    r"|volunteers?|children|cases?)\b)",
    re.IGNORECASE,
)
_BARE = re.compile(r"interventions?|control|comparator|placebo", re.IGNORECASE)


def _heads(text: str) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for m in _HEAD.finditer(text):
        label = m.group("label")
        if _NOT_LABEL.search(label):
            continue
        out.append(m)
    return out


def group_arms(text: str) -> tuple[list[Arm], str | None]:
    """The labelled groups of an interventions text as arms, and the text said of them all
    (before the first group, and paragraphs after the last group's own paragraph); ``([],
    None)`` when the text labels no group. A single labelled group is an arm too (a
    single-group trial written ``Treatment group: ...``)."""
    heads = _heads(text)
    if not heads:
        return [], None
    if len(heads) == 1 and (
        _BARE.fullmatch(heads[0].group("label"))
        or heads[0].group("enum")
        or text[: heads[0].start()].strip()
    ):
        # "Intervention: ..." alone names no group; one enumerated item, or one label after
        # other text, is one group of several whose others are not labelled
        return [], None
    arms: list[Arm] = []
    shared: list[str] = []
    before = text[: heads[0].start()].strip()
    if before:
        shared.append(before)
    for n, m in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[m.end() : end]
        item_end = _NEXT_ITEM.search(body) if m.group("enum") else None
        if item_end is not None:
            # an enumerated group ends where the next item of the list starts
            shared.append(body[item_end.start() :].strip())
            body = body[: item_end.start()]
        elif n + 1 == len(heads):
            # the last group's text ends at its paragraph's end; later paragraphs are shared
            own, _, rest = body.partition("\n\n")
            of_all = _OF_ALL_GROUPS.search(own, 1) if len(heads) > 1 else None
            if of_all is not None:
                # ... as is a sentence of it that speaks of every group
                rest = own[of_all.start() :].strip() + ("\n\n" + rest if rest.strip() else "")
                own = own[: of_all.start()]
            if rest.strip():
                shared.append(rest.strip())
            body = own
        label = (m.group("label") + (m.group("paren") or "")).strip()
        description = body.strip().strip(";；").strip() or None
        arms.append(Arm(label=_tidy(label), description=description))
    if len(arms) == 1 and arms[0].description is None:
        return [], None
    return _unique(arms), ("\n\n".join(shared) or None)


def _tidy(label: str) -> str:
    return re.sub(r"[ \t]+", " ", label).strip()


def _unique(arms: list[Arm]) -> list[Arm]:
    seen: set[str] = set()
    for n, arm in enumerate(arms, 1):
        if arm.label.casefold() in seen:
            arm.label = f"{arm.label} ({n})"
        seen.add(arm.label.casefold())
    return arms


def name_list(text: str) -> list[Intervention] | None:
    """PACTR's ``;name;name`` list of intervention names (a text that opens with ``;``): one
    intervention per distinct name; ``None`` for any other text.

    >>> [iv.name for iv in name_list(";Umbilical cord MSCs;Placebo;Umbilical cord MSCs") or []]
    ['Umbilical cord MSCs', 'Placebo']
    """
    if not text.lstrip().startswith(";"):
        return None
    names = [p.strip() for p in text.split(";") if p.strip()]
    if not names or any(len(n) > 200 for n in names):
        return None
    seen: dict[str, Intervention] = {}
    for name in names:
        seen.setdefault(name.casefold(), Intervention(name=name))
    return list(seen.values())


_TYPED_LINE = re.compile(
    r"^[ \t]*(?P<type>Drug|Biological(?:/Vaccine)?|Vaccine|Device|Procedure(?:/Surgery)?|"
    r"Radiation|Behavioral|Behavioural|Genetic|Dietary Supplement|Combination Product|"
    r"Diagnostic Test|Cell therapy|Other)[ \t]*:[ \t]*(?P<text>\S.*)$",
    re.IGNORECASE | re.MULTILINE,
)


def typed_lines(text: str) -> list[Intervention] | None:
    """CRiS's ``Biological/Vaccine : description`` lines (each line opens with an intervention
    type): one intervention per line, typed, its text as written; ``None`` when not every
    non-empty line is such a line.

    >>> [(iv.type, iv.description) for iv in typed_lines("Drug : saline infusion") or []]
    [('DRUG', 'saline infusion')]
    """
    lines = [line for line in text.split("\n") if line.strip()]
    found = [_TYPED_LINE.match(line) for line in lines]
    if not lines or not all(found):
        return None
    out: list[Intervention] = []
    for n, m in enumerate(found, 1):
        assert m is not None
        kind = norm_intervention_type(m.group("type").split("/")[0].strip())
        body = m.group("text").strip()
        name = body if len(body) <= 80 else f"{m.group('type').strip()} {n}"
        out.append(
            Intervention(
                name=name,
                type=kind.value if kind.note is None else None,
                description=body,
            )
        )
    return out


_REPEC_GROUP = re.compile(
    # bounded stretches: a long text without the next field costs linear time, not quadratic
    r"Group name:[ \t]*(?P<label>[^\n]{0,200}?)[ \t]*Type of group\b(?P<meta>.{0,300}?)"
    r"Intervention\(s\) description:[ \t]*",
    re.IGNORECASE | re.DOTALL,
)


def repec_groups(text: str) -> list[Arm] | None:
    """REPEC's ``Group name:… Type of group… N° of participants:… Intervention(s)
    description:…`` blocks as arms (the name as the label, the description as its text);
    ``None`` for any other text.

    >>> [(a.label, a.description) for a in repec_groups(
    ...     "Group name:Cells Type of group;1 N° of participants:10 Intervention(s) "
    ...     "description:MSCs IV.<br>Group name:Control Type of group;2 N° of participants:10 "
    ...     "Intervention(s) description:Saline IV.".replace("<br>", "\\n")) or []]
    [('Cells', 'MSCs IV.'), ('Control', 'Saline IV.')]
    """
    if "description:" not in text:
        return None
    heads = list(_REPEC_GROUP.finditer(text))
    if not heads:
        return None
    arms: list[Arm] = []
    for n, m in enumerate(heads, 1):
        end = heads[n].start() if n < len(heads) else len(text)
        label = m.group("label").strip(" ;:") or f"Group {n}"
        arms.append(Arm(label=_tidy(label), description=text[m.end() : end].strip() or None))
    return _unique(arms)
