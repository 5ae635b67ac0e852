"""Fill a :class:`~kg.model.Trial` with the cell products, doses, route and number of
administrations its texts state, arm by arm (or on the trial for documents with no arms).

Rules (see the module docstrings of :mod:`kg.extract.doses` and friends for the words):

* An arm's texts are its label and description and the names, other names and
  descriptions of the interventions linked to it. Products and doses come from them.
* An arm gets no cells when it is a placebo / sham / no-intervention arm whose own text
  names no cells, or when every mention of cells in its texts is negated.
* An arm whose texts name no product but clearly get the trial's cells (a dose figure, a
  "Low Dose Group" label, the only experimental arm) gets the product the title/summary name.
* Doses come from the arm's texts only; where no arm or intervention states a dose, the
  figures of the title/summary/description go to the one arm that gets cells.
* The tissue and the donor of a product come from the arm's texts, else from the trial's
  title/summary/description when those name exactly one; the donor only from explicit words.
* The route comes from route words next to the cells in the arm's texts, else in the trial's
  texts, and only then from "infusion" read as intravenous (never where a way in without a
  route key, such as the portal vein, is named). An arm given cells by two routes keeps
  both: each dose takes the route of its own clause.
* Figures and counts per group: in a text several arms share (an intervention linked to
  several arms, the summary), a figure named for one group ("Low-dose group (5 x 10^7)",
  "1 x 10^8 cells for the high-dose group", "Cohort B: ...") goes to the arm whose label names
  that group alone; a figure that another arm states as its own is not attached here; a
  group no arm names keeps the trial-level reading, with a note.
* Whole-record shapes (tests/test_extract_record_shapes.py): an arm is named by every group
  its label names, by its description's opening group and by its label where a shared text
  writes it as a label ("Schedule A: ..."); "Groups A and B receive X and Y, respectively";
  an arm description naming several arms' groups is read per group; the title/summary/
  description's one figure, or count, goes to each cell arm its sentence does not leave out
  (by the words of the other arms' labels), a sentence said of every arm ("Each patient
  receives a single infusion") to all, a count for a group no arm is named by to none; arms
  named low / middle / high dose take as many unnamed figures in rising order; cell
  interventions linked to no arm go to the arms by their names' words, else to all arms that
  are not placebo / no intervention.
* A placebo/control arm that crosses over to the cells gets them, each dose marked
  ``after_crossover``.
* A lower bound ("more than 1 x 10^6 cells/kg", "(>5x10^9)") is no dose: a note keeps it.
* Cells other than MSCs (NK, dendritic, T / CAR-T, haematopoietic stem, mononuclear cells,
  chondrocytes, keratinocytes, fibroblasts: ``tables.OTHER_CELLS``) are products of the arm's
  and its Biological / Genetic / Other interventions' own texts only, beside its MSCs; never
  of the title or summary (where they are mostly what MSCs act on), never given the trial's
  tissue or donor.
* A product named with two tissues ("derived from umbilical cord and placenta") is one product
  per tissue, same name and evidence (a product holds one tissue), with a note.
* Every reading that is not a plain statement is noted in ``trial.notes``.
"""

from __future__ import annotations

import re
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from functools import lru_cache
from itertools import pairwise

from kg.extract.doses import defined_cell_names, extract_caps, extract_doses, extract_floors
from kg.extract.products import (
    Mention,
    cell_intervention_notes,
    donor_words,
    find_mentions,
    find_other_cells,
    finish_products,
    is_other_cell,
    merge_mentions,
    tissue_by_uberon,
)
from kg.extract.regimen import (
    Count,
    Names,
    counts_across,
    drop_dose_levels,
    find_counts,
    group_counts,
    group_segments,
    group_tokens,
    more_stated,
    owner_of,
    resolve,
    respective_groups,
    start_point,
)
from kg.extract.routes import RouteHit, find_routes, unmapped_routes
from kg.extract.schedules import agent_before, respective_counts
from kg.extract.tables import GENERIC_MSC
from kg.extract.text import clause_bounds, sentences_of
from kg.model import Arm, CellCap, CellProduct, Donor, Dose, Intervention, Trial

__all__ = ["annotate_trial"]

_PLACEBO_TYPES = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR"})
# Arm types that get cells only where their own label or description says so.
_OWN_TEXT_TYPES = _PLACEBO_TYPES | {"ACTIVE_COMPARATOR"}
_PLACEBO_WORDS = re.compile(
    r"\b(?:placebo|sham|vehicle|saline|control|medium|media|solution|excipient|buffer|without)\b",
    re.IGNORECASE,
)
_DOSE_LEVEL_LABEL = re.compile(
    r"\b(?:(?:low|lower|medium|middle|mid|moderate|intermediate|high|higher|standard)"
    r"[\s-]+dose|dose[\s-]+(?:level[\s-]+)?(?:\d+|[A-E]\b|I{1,3}V?\b)|cohort[\s-]*\d)",
    re.IGNORECASE,
)
_STUDY_SENTENCE = re.compile(
    r"\b(?:this|the\s+present|present|current|our|the)\s+(?:study|trial|protocol|project)\b",
    re.IGNORECASE,
)
_TYPE_PREFIX = re.compile(r"^\s*[A-Za-z ]{2,30}:\s*")
_CELL_WORDS = re.compile(r"\b(?:stem|stromal)[\s-]+cells?\b|\bcell\s+(?:therapy|product)", re.I)


_ANALYSIS = re.compile(
    r"\b(?:biobank\w*|analy[sz](?:ed|es|is|ing)|(?:cellular|biological)\s+properties"
    r"|non[\s-]*interventional|(?:investigated?|stud(?:ied|y))\s+in[\s-]+vitro|in[\s-]+vitro\s+(?:stud\w*|analys\w*"
    r"|assays?|experiments?))\b",
    re.IGNORECASE,
)
_GIVING_WORDS = re.compile(
    r"\b(?:infus\w*|inject\w*|administ\w*|transplant\w*|implant\w*|treat\w*|receiv\w*|given"
    r"|applied|deliver\w*|therapy|dose|doses)\b",
    re.IGNORECASE,
)


def _analysis_only(text: str, lo: int, hi: int) -> bool:
    """A sentence about studying cells (in vitro, a biobank, their properties), not giving them."""
    return _ANALYSIS.search(text, lo, hi) is not None and _GIVING_WORDS.search(text, lo, hi) is None


# Abbreviations the trial being annotated defines for its cells in any of its texts ("expanded
# mesenchymal cells (EMC)" in the summary): cell words in all its texts ("EMC 10 million").
_TRIAL_CELL_NAMES: ContextVar[frozenset[str]] = ContextVar("_TRIAL_CELL_NAMES", default=frozenset())


def _trial_cell_names(trial: Trial) -> frozenset[str]:
    texts = [trial.brief_title, trial.official_title, trial.brief_summary]
    texts += [trial.detailed_description]
    texts += [x for a in trial.arms for x in (a.label, a.description)]
    texts += [x for iv in trial.interventions for x in (iv.name, iv.description, *iv.other_names)]
    out: frozenset[str] = frozenset()
    for text in texts:
        if text:
            out |= defined_cell_names(text)
    return out


@dataclass(slots=True)
class _Text:
    """One text of a trial with where it sits."""

    text: str
    field: str
    cells: bool = False  # known to be about cells: read unit-less figures as cells
    mentions: list[Mention] = dc_field(default_factory=list)
    # cell names the trial defines in any text (lower-cased), cell words here as well
    names: frozenset[str] = dc_field(default_factory=_TRIAL_CELL_NAMES.get)

    def __post_init__(self) -> None:
        self.mentions = merge_mentions(find_mentions(self.text), self.text)
        if self.field.startswith(("arm ", "intervention")):
            # cells other than MSCs (NK, dendritic, T cells ...): products of the arm's and
            # intervention's own texts only, never of the title or summary
            others = [
                o
                for o in find_other_cells(self.text)
                if not any(m.start < o.end and o.start < m.end for m in self.mentions)
            ]
            if others:
                self.mentions = sorted([*self.mentions, *others], key=lambda m: m.start)
        if self.field.startswith(("arm ", "intervention")) and _ANALYSIS.search(self.text):
            # "2 mL of bone marrow collected to study MSC properties in vitro": cells that are
            # studied, not given, are no product of the arm
            sentences = sentences_of(self.text)
            self.mentions = [
                m
                for m in self.mentions
                if not _analysis_only(self.text, *sentences.bounds(m.start))
            ]

    @property
    def positive(self) -> list[Mention]:
        """Mentions of cell products that are not negated."""
        return [m for m in self.mentions if not m.negated and m.kind != "weak"]

    @property
    def tissue_mentions(self) -> list[Mention]:
        """Positive mentions, and "bone marrow stem cells" style ones (for the tissue only)."""
        return [m for m in self.mentions if not m.negated]


@dataclass(slots=True)
class _Regimen:
    route: str | None = None
    route_span: tuple[_Text, RouteHit] | None = None
    count: int | None = None
    count_span: tuple[_Text, Count] | None = None
    notes: list[str] = dc_field(default_factory=list)
    routes: list[str] = dc_field(default_factory=list)  # explicit routes next to the cells
    unmapped: str | None = None  # a way in next to the cells that has no route key
    unclear: frozenset[int] = frozenset()  # counts the arm's texts disagree on


def _norm_type(value: str | None) -> str:
    return re.sub(r"[\s-]+", "_", (value or "").strip().upper())


def _strip_type(name: str) -> str:
    return _TYPE_PREFIX.sub("", name, count=1).strip().lower()


def _linked(trial: Trial, arm: Arm) -> list[Intervention]:
    """Interventions given in an arm: those listing the arm's label, and those the arm names
    (by name only where the intervention lists no arm: several interventions may share a
    name, each with its own arm and dose)."""
    label = arm.label.strip().lower()
    names = {_strip_type(n) for n in arm.intervention_names}
    names |= {n.strip().lower() for n in arm.intervention_names}
    out: list[Intervention] = []
    for iv in trial.interventions:
        labels = {a.strip().lower() for a in iv.arm_labels}
        if label in labels or (not labels and iv.name.strip().lower() in names):
            out.append(iv)
    return out


def _loose(trial: Trial) -> list[Intervention]:
    """Cell interventions the record links to no arm: they list no arm label and no arm names
    them (older records, some registries)."""
    named: set[str] = set()
    for a in trial.arms:
        named |= {_strip_type(n) for n in a.intervention_names}
        named |= {n.strip().lower() for n in a.intervention_names}
    return [
        iv
        for iv in trial.interventions
        if not iv.arm_labels
        and iv.name.strip().lower() not in named
        and any(t.positive for t in _intervention_texts(iv))
    ]


def _loose_for(trial: Trial, arm: Arm) -> list[Intervention]:
    """The unlinked cell interventions an arm is given: those whose name has a word of the
    arm's label or description opening that the other unlinked ones lack ("MSC low dose" for
    the arm "Low"), else, where their names do not tell the arms apart, all of them."""
    loose = _loose(trial)
    if not loose:
        return []
    words = {id(iv): _label_words(iv.name) for iv in loose}
    common = frozenset.intersection(*words.values())
    own = {id(iv): words[id(iv)] - common for iv in loose}
    if len(loose) < 2 or not any(own.values()):
        return loose
    arm_words = _label_words(f"{arm.label} {(arm.description or '')[:40]}")
    return [iv for iv in loose if own[id(iv)] & arm_words]


# Intervention types whose texts may name cells other than MSCs as given (not a drug's or a
# procedure's text that speaks of T cell numbers).
_OTHER_CELL_TYPES_OF = frozenset({"", "BIOLOGICAL", "GENETIC", "OTHER", "COMBINATION_PRODUCT"})


def _intervention_texts(iv: Intervention) -> list[_Text]:
    texts = [_Text(iv.name, f"intervention '{iv.name}' name")]
    texts += [_Text(o, f"intervention '{iv.name}' other name") for o in iv.other_names if o]
    if iv.description:
        texts.append(_Text(iv.description, f"intervention '{iv.name}' description"))
    if _norm_type(iv.type) not in _OTHER_CELL_TYPES_OF:
        for t in texts:
            t.mentions = [m for m in t.mentions if not is_other_cell(m.cell_type)]
    is_cells = any(t.positive for t in texts)
    for t in texts:
        t.cells = is_cells
    return texts


def _trial_texts(trial: Trial) -> list[_Text]:
    parts = [
        (trial.brief_title, "title"),
        (trial.official_title, "official title"),
        (trial.brief_summary, "brief summary"),
        (trial.detailed_description, "detailed description"),
    ]
    return [_Text(text, name) for text, name in parts if text]


# ---------------------------------------------------------------- products


def _product(m: Mention, t: _Text) -> CellProduct:
    return CellProduct(
        name=m.name,
        cell_type=m.cell_type,
        tissue=m.tissue,
        donor=m.donor,
        evidence=t.text[m.start : m.end],
        evidence_field=t.field,
        table_facts=m.table_facts,
        ncit=m.ncit,
    )


def _consolidate(found: list[tuple[Mention, _Text]]) -> list[CellProduct]:
    """One product per (cell type, tissue); generic MSC mentions fold into a specific one;
    cells other than MSCs (NK, T cells ...) are products of their own beside them."""
    others = [(m, t) for m, t in found if is_other_cell(m.cell_type)]
    found = [(m, t) for m, t in found if not is_other_cell(m.cell_type)]
    specific = [(m, t) for m, t in found if m.specific]
    keep = (specific or found) + others
    donors = {m.donor for m, _ in found if m.donor is not Donor.UNKNOWN}
    groups: dict[tuple[str | None, str | None], list[tuple[Mention, _Text]]] = {}
    for m, t in keep:
        groups.setdefault((m.cell_type, m.tissue), []).append((m, t))
    products: list[CellProduct] = []
    for members in groups.values():
        own = {m.donor for m, _ in members if m.donor is not Donor.UNKNOWN}
        pool = own or (donors if len(groups) == 1 else set())
        first, text = members[0]
        product = _product(first, text)
        if len(pool) == 1:
            product = replace(product, donor=next(iter(pool)))
        products.append(product)
    return products


@dataclass(slots=True)
class _TrialFacts:
    """What the trial's own texts (title, summary, description) say about its cells."""

    texts: list[_Text]
    products: list[CellProduct]
    tissue: tuple[str, str] | None  # (UBERON, field)
    donor: tuple[Donor, str] | None


def _trial_tissue(texts: list[_Text]) -> tuple[str, str] | None:
    titles = [t for t in texts if t.field in {"title", "official title"}]
    prose = [t for t in texts if t.field not in {"title", "official title"}]
    steps: list[list[tuple[Mention, _Text]]] = [
        [(m, t) for t in titles for m in t.tissue_mentions],
    ]
    study: list[tuple[Mention, _Text]] = []
    for t in prose:
        sentences = sentences_of(t.text)
        for m in t.tissue_mentions:
            lo, hi = sentences.bounds(m.start)
            if _STUDY_SENTENCE.search(t.text, lo, hi):
                study.append((m, t))
    steps += [study, [(m, t) for t in prose for m in t.tissue_mentions]]
    for found in steps:
        tissues = {m.tissue for m, _ in found if m.tissue}
        if len(tissues) > 1:
            return None
        if tissues:
            tissue = tissues.pop()
            where = next(t.field for m, t in found if m.tissue == tissue)
            return tissue, where
    return None


def _cell_sentence_spans(t: _Text) -> list[tuple[int, int]]:
    sentences = sentences_of(t.text)
    spans = {sentences.bounds(m.start) for m in t.positive}
    return sorted(spans)


def _trial_donor(texts: list[_Text]) -> tuple[Donor, str] | None:
    titles = [t for t in texts if t.field in {"title", "official title"}]
    prose = [t for t in texts if t.field not in {"title", "official title"}]
    for group in (titles, prose):
        found: list[tuple[Donor, str]] = []
        for t in group:
            for lo, hi in _cell_sentence_spans(t):
                found += [(d, t.field) for _, _, d in donor_words(t.text, lo, hi)]
        kinds = {d for d, _ in found}
        if len(kinds) > 1:
            return None
        if kinds:
            return found[0]
    return None


def _trial_facts(trial: Trial) -> _TrialFacts:
    texts = _trial_texts(trial)
    named = [(m, t) for t in texts if t.field != "detailed description" for m in t.positive]
    return _TrialFacts(texts, _consolidate(named), _trial_tissue(texts), _trial_donor(texts))


def _fill_products(
    products: list[CellProduct], facts: _TrialFacts, where: str, notes: list[str]
) -> list[CellProduct]:
    """Give products the trial's tissue and donor where their own texts state none."""
    out: list[CellProduct] = []
    for given in products:
        p = given
        if p.tissue is None and p.cell_type == GENERIC_MSC and facts.tissue is not None:
            tissue = tissue_by_uberon(facts.tissue[0])
            if tissue is not None:
                p = replace(p, tissue=tissue.uberon, cell_type=tissue.cell_type)
                notes.append(
                    f"{where}: tissue of {p.name!r} ({tissue.uberon}) from {facts.tissue[1]}"
                )
        if p.donor is Donor.UNKNOWN and facts.donor is not None and not is_other_cell(p.cell_type):
            p = replace(p, donor=facts.donor[0])
            notes.append(
                f"{where}: donor of {p.name!r} ({facts.donor[0].value}) from {facts.donor[1]}"
            )
        if p.cell_type is None and re.search(r"ipsc|pluripotent", p.name, re.IGNORECASE):
            notes.append(
                f"{where}: cell type of {p.name!r} left empty (no CL term for iPSC-derived cells)"
            )
        out.append(p)
    return out


# ---------------------------------------------------------------- doses


def _dose_key(d: Dose) -> tuple[float, float, str, str]:
    return (d.min_cells, d.max_cells, d.unit.value, d.per.value)


def _doses(texts: list[_Text], *, assume: bool) -> list[Dose]:
    """Doses of several texts, a figure stated twice (arm and intervention) kept once."""
    out: list[Dose] = []
    index: dict[tuple[float, float, str, str], int] = {}
    for t in texts:
        for d in extract_doses(
            t.text, field=t.field, assume_cells=assume and t.cells, cell_names=t.names
        ):
            key = _dose_key(d)
            if key not in index:
                index[key] = len(out)
                out.append(d)
                continue
            old = out[index[key]]
            out[index[key]] = replace(
                old,
                administrations=old.administrations or d.administrations,
                route=old.route or d.route,
                qualifier=old.qualifier or d.qualifier,
            )
    return out


# ---------------------------------------------------------------- route and count


def _cell_spans(t: _Text, doses: list[Dose]) -> list[tuple[int, int]]:
    """Sentences of ``t`` about the cells: all of a cell text's, else those naming them."""
    sentences = sentences_of(t.text)
    if t.cells and t.field.startswith("intervention"):
        every = sentences.spans()
        return _with_duration(every, every, t.text)
    spans = {sentences.bounds(m.start) for m in t.tissue_mentions}
    spans |= {sentences.bounds(m.start()) for m in _CELL_WORDS.finditer(t.text)}
    for d in doses:
        if d.evidence_field == t.field:
            pos = t.text.find(d.evidence)
            if pos >= 0:
                spans.add(sentences.bounds(pos))
    # "... 200 mln. cells per 400 mL. Infusions will be performed every 2 months for 1 year":
    # a sentence about the administrations right after one about the cells goes on with them
    every = sentences.spans()
    for prev, cur in pairwise(every):
        if prev in spans and cur not in spans and _GOES_ON.match(t.text, cur[0], cur[1]):
            spans.add(cur)
    if doses and t.field.startswith("arm"):  # an arm given cells: its own text's "Doses will be"
        spans |= {span for span in every if _GOES_ON.match(t.text, span[0], span[1])}
    if t.field.startswith("arm ") and (";" in t.text or "；" in t.text):
        spans = set(_with_list_items(sorted(spans), every, t.text))
    return _with_duration(sorted(spans), every, t.text)


# An arm's text written as a ';' list of the product's facts, as registries without arm fields
# write a group ("hUC-MSCs 1x10^6/kg; ivgtt; qw x 4", "... iv; day 1, day 3 and day 5"): an
# item right after one about the cells goes on with them, unless it names another agent.
_OTHER_AGENT = re.compile(
    r"\b(?:placebo|saline|control|vehicle|sham|standard|conventional|routine)\b"
    r"|\d\s*(?:mg|mcg|µg|ug|g|ml|mL|iu|IU|units?)\b",
    re.IGNORECASE,
)


# How far a ';' list item goes on with the one about the cells before it: a form's fields
# ("Dose: ...; Route: ...; Frequency: ...; Duration: ...") are a few hundred characters; a list
# run on for pages would make each item's stretch the rest of the text.
_LIST_REACH = 600


def _with_list_items(
    spans: list[tuple[int, int]], every: list[tuple[int, int]], text: str
) -> list[tuple[int, int]]:
    """Each span about the cells joined with the ';' items that go on with it (one stretch,
    so that the schedule is read with the word of giving before it)."""
    nxt = dict(pairwise(every))
    out: list[tuple[int, int]] = []
    for span in spans:
        end, after = span[1], nxt.get(span)
        while (
            after is not None
            and after[0] - span[0] < _LIST_REACH  # a list run on for pages: not one stretch
            and text[end - 1 : end] in {";", "；"}
            and _OTHER_AGENT.search(text, after[0], after[1]) is None
        ):
            end, after = after[1], nxt.get(after)
        out.append((span[0], end))
    return out


# "Frequency: once a week; Duration: 4 weeks": a form's duration field goes with the sentence
# before it (the schedule is read across the two).
_DURATION_FIELD = re.compile(
    r"\s*(?:(?:total|treatment)\s+)?duration(?:\s+of\s+(?:the\s+)?treatment)?\s*[:=-]",
    re.IGNORECASE,
)


def _with_duration(
    spans: list[tuple[int, int]], every: list[tuple[int, int]], text: str
) -> list[tuple[int, int]]:
    if "uration" not in text:
        return spans
    nxt = dict(pairwise(every))
    out: list[tuple[int, int]] = []
    for span in spans:
        after = nxt.get(span)
        duration = after is not None and _DURATION_FIELD.match(text, after[0], after[1])
        out.append((span[0], after[1]) if after is not None and duration else span)
    return out


_GOES_ON = re.compile(
    r"\s*(?:the\s+|these\s+|all\s+)?"
    # "the second infusion is given 4 weeks after the first"
    r"(?:(?:first|second|third|fourth|next|last|final|subsequent|repeat|booster)"
    r"(?:\s*(?:,|and)\s*(?:the\s+)?(?:second|third|fourth|fifth|last|final))*\s+)?"
    r"(?:infusions?|injections?|doses?|administrations?"
    r"|transplantations?|implantations?|treatments?|applications?)(?:\s+(?:will|are|is|shall|were"
    r"|was|to|may|can|could|might|should|would)\b|\s*[:=])"
    # a registry form's fields: "Frequency: once a week", "Number of doses: 3", "Schedule: ..."
    r"|\s*(?:(?:dosing|dose|administration|treatment|injection|infusion)\s+)?(?:frequency"
    r"|schedule|regimen)\s*[:=-]"
    r"|\s*(?:(?:total|treatment)\s+)?duration\b[^:=]{0,25}[:=-]"
    r"|\s*number\s+of\s+(?:doses|infusions|injections|administrations|sessions)\s*[:=-]"
    # "the second and third on days 7 and 14"
    r"|\s*(?:the\s+)?(?:second|third|fourth)(?:\s*(?:,|and)\s*(?:the\s+)?(?:third|fourth|fifth"
    r"|last|final))+\s+(?:on|at|in)\b"
    r"|\s*(?:dose|dosage|route)(?:\s+of\s+administration)?\s*[:=]",
    re.IGNORECASE,
)


def _unmapped_near_cells(t: _Text, spans: list[tuple[int, int]]) -> str | None:
    """The first way in without a route key ("through cardiopulmonary bypass", "via the
    portal vein") in a sentence about the cells, verbatim."""
    for a, b in unmapped_routes(t.text):
        if any(lo <= a < hi for lo, hi in spans):
            return t.text[a:b]
    return None


def _route_hits(texts: list[_Text], doses: list[Dose]) -> tuple[list[tuple[_Text, RouteHit]], ...]:
    """Route hits of texts: (explicit next to the cells, "infusion" next to the cells, explicit
    elsewhere in arm/intervention texts). A bare "infusion" is dropped where the cell sentences
    also name a way in the route table has no key for (the portal vein, a gland)."""
    explicit: list[tuple[_Text, RouteHit]] = []
    implied: list[tuple[_Text, RouteHit]] = []
    other: list[tuple[_Text, RouteHit]] = []
    unmapped = False
    for t in texts:
        spans = _cell_spans(t, doses)
        unmapped = unmapped or bool(_unmapped_near_cells(t, spans))
        for h in find_routes(t.text):
            if h.explicit and _route_of_agent(t, h):
                continue  # "intra-articular hyaluronic acid", "methylprednisolone is given IV"
            inside = any(lo <= h.start < hi for lo, hi in spans)
            if inside and h.explicit:
                explicit.append((t, h))
            elif inside:
                implied.append((t, h))
            elif h.explicit and (
                not t.field.startswith(("title", "official", "brief", "detailed"))
                or (t.field.startswith("detailed") and _said_of_every_group(t.text, h))
            ):
                other.append((t, h))
    if unmapped:
        implied = []
    return explicit, implied, other


# A clause that speaks of every group or patient (_ALL_ARMS: "all patients receive two
# intravenous infusions", "Both groups are given the product intravenously", "each participant
# will receive one IV infusion"): in the trial's description, its route is the arms' (the cells
# need not be named in it; the route of another agent is still left out, _route_of_agent).
_CLAUSE_START = re.compile(r"[.;\n；。](?=[^.;\n；。]*$)")
# The route word says how the giving is done, not what is given: an adverb
# ("intravenously"), or an adjective of a word of giving ("two intravenous infusions", "an
# intrathecal bolus injection"); not "intravenous tocilizumab", "intravenous fluids".
_GIVING_AFTER = re.compile(
    r"\s*(?:(?:bolus|slow|single|cell|cells|stem|MSCs?)\s+)?(?:infusions?|injections?"
    r"|administrations?|transfusions?|instillations?|implantations?|transplantations?|route)\b",
    re.IGNORECASE,
)


def _said_of_every_group(text: str, h: RouteHit) -> bool:
    """Whether the route word ``h`` says how something is given (see ``_GIVING_AFTER``) in a
    clause (from its start to the word, at most 300 characters back) that speaks of every
    group or patient."""
    head = text[max(0, h.start - 300) : h.start]
    cut = _CLAUSE_START.search(head)
    if _ALL_ARMS.search(head[cut.end() :] if cut else head) is None:
        return False
    word = text[h.start : h.end]
    return (
        word.lower().endswith("ly")
        or _GIVING_AFTER.search(word) is not None  # the hit holds its noun: "intravenous infusions"
        or _GIVING_AFTER.match(text, h.end) is not None
    )


# Drugs and other agents records name beside the cells, with a route of their own.
_AGENT = re.compile(
    r"\b(?:hyaluron\w*|(?:cortico)?steroids?|methylprednisolone|prednisolone|prednisone"
    r"|dexamethasone|triamcinolone|hydrocortisone|immunoglobulins?|IVIG|antibiotics?|heparin"
    r"|insulin|cyclophosphamide|fludarabine|tacrolimus|cyclosporin\w*|ciclosporin\w*|ATG"
    r"|antithymocyte|anti-thymocyte|antihistamin\w*|paracetamol|acetaminophen|furosemide"
    r"|chemotherapy|contrast|sedation|an(?:a)?esthe\w*|lidocaine|bupivacaine|ropivacaine"
    r"|G-CSF|filgrastim|erythropoietin|EPO|PRP|platelet[\s-]+rich[\s-]+plasma"
    r"|(?:donor\s+)?lymphocytes|DLI)\b",
    re.IGNORECASE,
)


def _route_of_agent(t: _Text, h: RouteHit) -> bool:
    """A route word of a drug named beside the cells: the agent right after the route word
    ("intra-articular hyaluronic acid", "intravenous methylprednisolone"), or before it in its
    clause with no cell word between ("methylprednisolone is given IV before MSCs")."""
    after = t.text[h.end : h.end + 30]
    if _AGENT.match(after.lstrip()) and after[: len(after) - len(after.lstrip())].strip() == "":
        return True
    lo, _ = clause_bounds(t.text, h.start, h.end)
    if not _AGENT.search(t.text, lo, h.start):
        return False
    # the agent is the clause's subject: no cells named in the clause up to the route word,
    # nor right after it ("intravenous MSCs")
    if any(lo <= m.start < h.start for m in t.positive) or _CELL_WORDS.search(t.text, lo, h.start):
        return False
    after_cells = [m.start for m in t.positive if h.end <= m.start < h.end + 25]
    return not any(_CONNECTIVE.search(t.text, h.end, a) is None for a in after_cells)


# (a semicolon too: "PRP is injected intra-articularly; MSCs are given intravenously")
_CONNECTIVE = re.compile(r"\b(?:before|after|prior|then|followed|and|while|when)\b|;", re.I)


def _cell_routes(explicit: list[tuple[_Text, RouteHit]], doses: list[Dose]) -> list[str]:
    """The routes stated in sentences that name the cells or hold a dose figure (not "under
    IV sedation"); a local injection "at 30 sites" in a sentence that states another route
    is where that route's injections go, not a route of its own."""
    keep: dict[tuple[int, int, int], set[str]] = {}
    for t, h in explicit:
        sentences = sentences_of(t.text)
        lo, hi = sentences.bounds(h.start)
        named = any(lo <= m.start < hi for m in t.positive) or (
            _CELL_WORDS.search(t.text, lo, hi) is not None
        )
        named = named or any(
            d.evidence_field == t.field and lo <= t.text.find(d.evidence) < hi for d in doses
        )
        if named:
            keep.setdefault((id(t), lo, hi), set()).add(h.key)
    out: set[str] = set()
    for keys in keep.values():
        out |= keys - {"intralesional"} if len(keys) > 1 else keys
    return sorted(out)


def _choose(tier: list[tuple[_Text, RouteHit]], vote: bool) -> tuple[str, _Text, RouteHit] | None:
    if not tier:
        return None
    if not vote:
        t, h = tier[0]
        return h.key, t, h
    tally = Counter(h.key for _, h in tier)
    key, n = tally.most_common(1)[0]
    if n * 2 > sum(tally.values()):
        t, h = next((t, h) for t, h in tier if h.key == key)
        return key, t, h
    return None


def _regimen(
    texts: list[_Text],
    doses: list[Dose],
    trial_texts: list[_Text],
    sole: bool,
    group_keys: dict[tuple[str, str], int] | None = None,
    others: dict[str, list[tuple[int, int]]] | None = None,
    group_count: tuple[int, str] | None = None,
    other_words: frozenset[str] | None = None,
    names: Names = (),
    study_cells: bool = False,
    agents: frozenset[str] = frozenset(),
) -> _Regimen:
    """Route and number of administrations of an arm. The trial's texts give the count to
    the one arm with cells; to arms that differ only by their group (``group_keys``: dose
    levels, cohorts), from sentences that name no one group alone; to other cell arms
    (``other_words``: the words of the other cell arms' labels that this arm's label lacks),
    from sentences about the cells that name no other arm by those words; and to every cell
    arm from a sentence said of all of them ("Each patient receives a single infusion").
    ``study_cells``: the trial's only investigational product is cells, so a sentence about
    "the study product" is about them ("The investigational product is given as three
    infusions, one week apart")."""
    reg = _Regimen()
    keys = group_keys or {}
    explicit, implied, other = _route_hits(texts, doses)
    t_explicit, t_implied, t_other = _route_hits(trial_texts, [])
    for t in texts + trial_texts:  # a way in without a route key: "infusion" says nothing
        reg.unmapped = reg.unmapped or _unmapped_near_cells(
            t, _cell_spans(t, doses if any(t is x for x in texts) else [])
        )
    if reg.unmapped:
        implied, t_implied = [], []
    # An explicit word next to the arm's cells, else one next to the cells in the trial's
    # texts (a majority of them), and only then a bare "infusion" read as intravenous.
    steps = (
        (explicit, False, ""),
        (t_explicit, True, "trial"),
        (implied, False, ""),
        (t_implied, True, "trial"),
        (other, False, ""),
        (t_other, True, "trial"),
    )
    picked: tuple[str, _Text, RouteHit] | None = None
    for tier, vote, where in steps:
        if not tier:
            continue
        picked = _choose(tier, vote)
        if where and picked is not None:
            reg.notes.append(f"route {picked[0]} from {picked[1].field}")
        break
    if picked is not None:
        key, t, h = picked
        reg.route, reg.route_span = key, (t, h)
        if not h.explicit:
            span = t.text[h.start : h.end]
            reg.notes.append(f"route read as intravenous from {span!r} (no route word)")
    if picked is None and reg.unmapped:
        reg.notes.append(
            f"route unknown: the cells go in {reg.unmapped!r}, a way in without a key in the "
            "route table (a bare 'infusion' is not read as intravenous beside it)"
        )
    reg.routes = _cell_routes(explicit, doses)
    if len(reg.routes) > 1:
        reg.notes.append(
            f"cells given by {len(reg.routes)} routes ({', '.join(reg.routes)}): each dose "
            "takes the route of its own clause"
        )
    counts: list[tuple[_Text, Count]] = []
    for t in texts:
        spans = _cell_spans(t, doses)
        for lo, hi in spans:
            counts += [(t, c) for c in find_counts(t.text, lo, hi, agents=agents)]
        if not counts and len(spans) > 1:  # "Day 0: MSC infusion. Day 7: MSC infusion."
            counts += [(t, c) for c in counts_across(t.text, spans)]
        if len(spans) > 1:  # sub-groups with their own counts, in sentences of their own
            seen = {(c.start, c.value) for x, c in counts if x is t}
            counts += [(t, c) for c in group_counts(t.text) if (c.start, c.value) not in seen]
    skip = dict(others or {})
    for t in texts + trial_texts:  # a count listed per group "respectively" is no one arm's
        resp = [
            (lo, hi) for lo, hi in _respective_spans(t.text) if respective_groups(t.text, lo, hi)
        ]
        if resp:
            skip[t.field] = [*skip.get(t.field, ()), *resp]
    counts = [
        (t, c) for t, c in counts if not any(a <= c.start < b for a, b in skip.get(t.field, ()))
    ]
    if not counts and group_count is None:
        counts = _arm_own_counts(texts, skip)
        if counts:
            reg.notes.append(
                "number of administrations from the arm's own description (its interventions "
                "are all cells)"
            )
    if not counts and group_count is not None:
        reg.count = group_count[0]
        reg.notes.append(
            f"{group_count[0]} administration(s) from the text of its group: {group_count[1]!r}"
        )
        return reg
    if not counts and trial_texts:
        for t in trial_texts:
            # the one cell arm, or arms differing only by group, take the count of the
            # sentences about the cells; any set of cell arms that of a sentence said of all
            # of them ("Each patient receives a single infusion", "in both arms")
            about = set(_cell_spans(t, [])) if sole or keys or other_words is not None else set()
            if study_cells and (sole or keys or other_words is not None):
                about |= set(_study_product_spans(t.text))
            if not (sole or keys) and other_words:
                about = {s for s in about if not _names_words(t.text, s, other_words)}
            for lo, hi in sorted(about | set(_all_arms_spans(t))):
                # the arms the sentence names by their groups
                tokens = [g for g in group_tokens(t.text[lo:hi], names) if not g.listed]
                named = {keys[g.key] for g in tokens if g.key in keys}
                if not sole and len(named) == 1:
                    continue  # one group's own sentence: see _group_count
                if not sole and any(g.key not in keys for g in tokens):
                    continue  # a group no cell arm is named by: whose count it is is unclear
                found = [
                    (t, c)
                    for c in find_counts(t.text, lo, hi, agents=agents)
                    if not any(a <= c.start < b for a, b in skip.get(t.field, ()))
                ]
                if found:
                    shared = "" if sole else ", shared by the arms"
                    note = f"number of administrations from {t.field}{shared}"
                    if note not in reg.notes:
                        reg.notes.append(note)
                counts += found
            if sole and not any(x is t for x, _ in counts) and len(about) > 1:
                # "Day 0: MSC infusion. Day 7: MSC infusion.": one point per sentence
                across = [
                    (t, c)
                    for c in counts_across(t.text, sorted(about))
                    if not any(a <= c.start < b for a, b in skip.get(t.field, ()))
                ]
                if across:
                    reg.notes.append(f"number of administrations from {t.field}")
                counts += across
    if agents:  # "MSCs on day 0 plus tocilizumab every 4 weeks for 3 doses": the drug's count
        counts = [
            (t, c)
            for t, c in counts
            if not agent_before(t.text, sentences_of(t.text).bounds(c.start)[0], c.start, agents)
        ]
    levels = len({(d.min_cells, d.max_cells, d.unit) for d in doses if d.per.value != "course"})
    kept = drop_dose_levels([c for _, c in counts], levels)
    kept_set = set(kept)  # a list compared with a list costs their lengths multiplied
    counts = [(t, c) for t, c in counts if c in kept_set]
    resolved = resolve(kept)
    if resolved.ambiguous:
        values = sorted({c.value for _, c in counts if c.strong})
        # Sub-groups named by their counts ("single infusion group", "double infusion
        # group"): a dose's own count that is one of theirs is unclear too.
        reg.unclear = frozenset(c.value for _, c in counts if c.noun == "group")
        reg.notes.append(f"number of administrations unclear ({', '.join(map(str, values))})")
    elif resolved.evidence is not None:
        reg.count = resolved.value
        reg.count_span = next((t, c) for t, c in counts if c is resolved.evidence)
        if not resolved.evidence.strong or resolved.evidence.noun in {"schedule", "points"}:
            span = reg.count_span[0].text[resolved.evidence.start : resolved.evidence.end]
            how = {"schedule": "schedule multiplied out", "points": "points in time counted"}.get(
                resolved.evidence.noun if resolved.evidence.strong else "", "read from wording"
            )
            reg.notes.append(f"{resolved.value} administration(s) {how}: {span!r}")
    elif not counts:
        _start_point_count(reg, texts, doses, trial_texts if sole else [], agents)
    return reg


# The trial's investigational product named without its name: "the study product", "the
# investigational treatment", "IMP".
_STUDY_PRODUCT = re.compile(
    r"\b(?:(?:study|investigational|trial|experimental|research)\s+(?:medicinal\s+)?(?:products?"
    r"|drugs?|treatments?|agents?|medications?|interventions?|therap(?:y|ies)|cells?)"
    r"|IMP|(?-i:IP))\b",
    re.IGNORECASE,
)
_DRUG_AMOUNT = re.compile(r"\d\s*(?:mg|µg|μg|mcg|ug|g|IU|mmol)\b", re.IGNORECASE)
# An intervention that gives no investigational product: placebo, sham, standard care.
_CONTROL_THING = re.compile(
    r"\b(?:placebo|saline|sham|vehicle|standard|usual|conventional|routine|supportive"
    r"|no\s+(?:treatment|intervention)|control|plasma-?lyte|albumin|media|medium)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _study_product_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences of a trial's text about "the study product" that state no drug amount."""
    if not _STUDY_PRODUCT.search(text):
        return ()
    return tuple(
        (lo, hi)
        for lo, hi in sentences_of(text).spans()
        if _STUDY_PRODUCT.search(text, lo, hi) and not _DRUG_AMOUNT.search(text, lo, hi)
    )


# Words of an intervention's name that name no agent of its own.
_AGENT_STOP = frozenset(
    [
        "standard",
        "care",
        "therapy",
        "treatment",
        "placebo",
        "saline",
        "usual",
        "control",
        "medical",
        "conventional",
        "routine",
        "solution",
        "injection",
        "infusion",
        "normal",
        "sodium",
        "chloride",
        "drug",
        "other",
        "procedure",
        "biological",
        "device",
        "group",
        "dose",
        "doses",
        "vehicle",
        "sham",
        "medium",
        "media",
        "plasma",
        "albumin",
        "supportive",
        "best",
        "management",
        "behavioral",
        "behavioural",
        "dietary",
        "supplement",
        "radiation",
        "genetic",
        "combination",
        "product",
    ]
)


def _trial_agents(trial: Trial) -> frozenset[str]:
    """Names (lower-case words of five letters or more) of the trial's interventions that are
    not cells and not a control: drugs and other agents given beside the cells."""
    out: set[str] = set()
    for iv in trial.interventions:
        if any(t.positive for t in _intervention_texts(iv)):
            continue
        for name in (iv.name, *iv.other_names):
            words = re.findall(r"[a-z][a-z0-9-]{4,}", (name or "").lower())
            out |= {w for w in words if w not in _AGENT_STOP}
    return frozenset(out)


def _study_product_is_cells(trial: Trial) -> bool:
    """Every intervention of the trial is cells or a control (placebo, sham, standard care),
    and one is cells: "the study product" of its texts is the cells."""
    cells = False
    for iv in trial.interventions:
        if any(t.positive for t in _intervention_texts(iv)):
            cells = True
        elif not _CONTROL_THING.search(f"{iv.name} {iv.description or ''}"):
            return False
    return cells


def _start_point_count(
    reg: _Regimen,
    texts: list[_Text],
    doses: list[Dose],
    trial_texts: list[_Text],
    agents: frozenset[str] = frozenset(),
) -> None:
    """One administration where the only point of the schedule stated is its start ("MSCs are
    infused at baseline (day 0)") and no text about the cells speaks of a repeat, a further
    administration or a cap."""
    pool = [(t, span) for t in texts for span in _cell_spans(t, doses)]
    pool += [(t, span) for t in trial_texts for span in _cell_spans(t, [])]
    if any(more_stated(t.text, 0, len(t.text)) for t in texts) or any(
        more_stated(t.text, lo, hi) for t, (lo, hi) in pool
    ):
        return
    for t, (lo, hi) in pool:
        c = start_point(t.text, lo, hi)
        if c is not None and not agent_before(t.text, lo, c.start, agents):
            reg.count, reg.count_span = 1, (t, c)
            reg.notes.append(
                f"1 administration: one stated point of the schedule, {t.text[c.start : c.end]!r}"
            )
            return


# Words of an arm label that say nothing of one arm against another.
_LABEL_STOP = frozenset(
    [
        "with",
        "plus",
        "and",
        "the",
        "group",
        "arm",
        "cohort",
        "dose",
        "doses",
        "patients",
        "patient",
        "treatment",
        "treated",
        "therapy",
        "cells",
        "cell",
        "stem",
        "mesenchymal",
        "stromal",
        "experimental",
        "intervention",
        "biological",
    ]
)


def _label_words(label: str) -> frozenset[str]:
    """The words of an arm's label (singular), for telling the cell arms apart in a text."""
    words = re.findall(r"[a-z][a-z0-9-]{2,}", label.lower())
    return frozenset(w.rstrip("s") if len(w) > 4 else w for w in words) - _LABEL_STOP


def _other_words(w: _ArmWork, cell_arms: list[_ArmWork]) -> frozenset[str]:
    """Words of the other cell arms' labels that this arm's label does not have: a sentence
    that names one of them is about another arm."""
    mine = _label_words(w.arm.label)
    out: set[str] = set()
    for x in cell_arms:
        if x is not w:
            out |= _label_words(x.arm.label) - mine
    return frozenset(out)


def _names_words(text: str, span: tuple[int, int], words: frozenset[str]) -> bool:
    seg = text[span[0] : span[1]].lower()
    return any(re.search(rf"(?<![\w-]){re.escape(x)}", seg) for x in words)


# A sentence said of every arm, patient or dose level: "Each patient receives a single
# infusion", "In both cohorts, MSCs are infused on days 1, 8 and 15", "regardless of dose".
_ALL_ARMS = re.compile(
    r"\b(?:each|every|all|both)\s+(?:of\s+the\s+)?(?:patients?|participants?|subjects?|arms?"
    r"|groups?|cohorts?|dose\s+(?:levels?|groups?)|doses?|treatment\s+(?:arms?|groups?))\b"
    r"|\bregardless\s+of\s+(?:the\s+)?(?:dose|group|arm|cohort)\b"
    r"|\beach(?=\s*(?:[.;,)]|$))",  # "One infusion each."
    re.IGNORECASE,
)


def _all_arms_spans(t: _Text) -> list[tuple[int, int]]:
    """Sentences of a trial's text said of every arm, about nothing besides the cells."""
    if not _ALL_ARMS.search(t.text):
        return []
    return [
        (lo, hi)
        for lo, hi in sentences_of(t.text).spans()
        if _ALL_ARMS.search(t.text, lo, hi)
        and not _NOT_THE_CELLS.search(t.text, lo, hi)
        and not _AGENT.search(t.text, lo, hi)  # "each patient receives 2 doses of ATG"
    ]


# A sentence of an arm's description about something besides its cells: a drug's amount, a
# comparator, standard care, a follow-up.
_NOT_THE_CELLS = re.compile(
    r"\b(?:mg|µg|mcg|ug|g|IU|units?|mmol|placebo|saline|vehicle|sham|control|standard|usual"
    r"|conventional|routine|therapy|drugs?|tablets?|capsules?|oral(?:ly)?|visits?|follow[\s-]?up"
    r"|assess\w*|evaluat\w*|measur\w*|examin\w*|tests?|scans?|MRI|biops\w*|aspirat\w*"
    r"|harvest\w*|liposuction|collect\w*)\b",
    re.IGNORECASE,
)


def _arm_own_counts(
    texts: list[_Text], skip: dict[str, list[tuple[int, int]]]
) -> list[tuple[_Text, Count]]:
    """Counts of an arm's own label and description that name no cells ("Infusions on days 1,
    4, 8 and 11", "The infusion is repeated after one month", "Three doses") where every
    intervention the arm is given is cells: what the arm's text says it is given is then the cells. Sentences about
    anything else (a drug's amount, placebo, standard care, follow-up) give none."""
    ivs = [t for t in texts if t.field.startswith("intervention")]
    if not ivs or not all(t.cells for t in ivs):
        return []
    out: list[tuple[_Text, Count]] = []
    for t in texts:
        if not t.field.startswith("arm"):  # its label ("Three doses") and description
            continue
        if any(is_other_cell(m.cell_type) for m in t.positive):
            continue  # other cells given beside them (NK cells, T cells)
        every = sentences_of(t.text).spans()
        # "Frequency: once a week; Duration: 4 weeks": the duration field goes with the sentence
        # before it, as in the cells' own sentences (_cell_spans)
        for lo, hi in _with_duration(every, every, t.text):
            if _NOT_THE_CELLS.search(t.text, lo, hi):
                continue
            out += [
                (t, c)
                for c in find_counts(t.text, lo, hi)
                if not any(a <= c.start < b for a, b in skip.get(t.field, ()))
            ]
    return out


def _regimen_evidence(reg: _Regimen) -> str | None:
    if reg.count_span is not None and reg.route_span is not None:
        (tc, c), (tr, r) = reg.count_span, reg.route_span
        if tc is tr and abs(c.start - r.start) < 200:
            return tc.text[min(c.start, r.start) : max(c.end, r.end)]
    if reg.route_span is not None:
        t, r = reg.route_span
        return t.text[r.start : r.end]
    if reg.count_span is not None:
        t, c = reg.count_span
        return t.text[c.start : c.end]
    return None


_SEGMENT_BREAK = re.compile(
    r"[,;:]|\bthen\b|\bfollowed\s+by\b|\blater\b|\bafter\s+which\b|\bwhile\b", re.IGNORECASE
)


def _clause_route(texts: list[_Text], d: Dose) -> str | None:
    """The explicit route in the clause of a dose's own figure (for arms given cells by
    several routes): "2*10/7 intravenously, one week later ... to mesenteric artery(1*10/7)"."""
    t = next((t for t in texts if t.field == d.evidence_field), None)
    pos = t.text.find(d.evidence) if t is not None else -1
    if t is None or pos < 0:
        return None
    lo, hi = sentences_of(t.text).bounds(pos)
    end = pos + len(d.evidence)
    for m in _SEGMENT_BREAK.finditer(t.text, lo, pos):
        lo = m.end()
    m2 = _SEGMENT_BREAK.search(t.text, end, hi)
    hi = m2.start() if m2 is not None else hi
    hits = [h for h in find_routes(t.text) if h.explicit and lo <= h.start and h.end <= hi]
    if not hits:
        return None
    return min(hits, key=lambda h: min(abs(h.start - end), abs(pos - h.end))).key


def _finish_doses(
    doses: list[Dose], reg: _Regimen, products: list[CellProduct], texts: list[_Text]
) -> list[Dose]:
    name = products[0].name if len(products) == 1 else None
    out: list[Dose] = []
    for d in doses:
        route = d.route or reg.route
        if reg.unmapped and reg.route is None:
            route = None  # "infusion" beside a way in without a route key: not intravenous
        if len(reg.routes) > 1:
            route = _clause_route(texts, d) or route
        count = d.administrations if d.administrations is not None else reg.count
        if count in reg.unclear:  # one of the counts the arm's sub-groups disagree on
            count = None
        out.append(
            replace(
                d,
                administrations=count,
                route=route,
                product=d.product or name,
            )
        )
    return out


# ---------------------------------------------------------------- arms


@dataclass(slots=True)
class _ArmWork:
    arm: Arm
    texts: list[_Text]
    placebo: bool
    positive: list[tuple[Mention, _Text]]
    gets_cells: bool = False


def _arm_work(trial: Trial, arm: Arm) -> _ArmWork:
    own = [_Text(arm.label, f"arm '{arm.label}' label")]
    if arm.description:
        own.append(_Text(arm.description, f"arm '{arm.label}' description"))
    kind = _norm_type(arm.type)
    placebo = kind in _PLACEBO_TYPES or kind == "NO_INTERVENTION"
    positive: list[tuple[Mention, _Text]] = []
    if kind != "NO_INTERVENTION":
        for t in own:
            if not (placebo and _PLACEBO_WORDS.search(t.text)):
                positive += [(m, t) for m in t.positive]
    texts = list(own)
    if not placebo:
        linked = _linked(trial, arm)
        linked += [iv for iv in _loose_for(trial, arm) if iv not in linked]
        for iv in linked:
            ivt = _intervention_texts(iv)
            texts += ivt
            if kind not in _OWN_TEXT_TYPES or positive:
                positive += [(m, t) for t in ivt for m in t.positive]
    for t in own:
        t.cells = bool(positive) or not placebo
    return _ArmWork(arm, texts, placebo or kind in _OWN_TEXT_TYPES, positive)


def _clear(arm: Arm) -> None:
    arm.products, arm.doses, arm.caps = [], [], []
    arm.route = arm.administrations = arm.regimen_evidence = None


def _decide_cells(work: list[_ArmWork], facts: _TrialFacts) -> None:
    """Which arms get cells: those naming them, and those that clearly get the trial's
    cells (a dose figure, a dose-level label, the only experimental arm of the trial)."""
    any_named = any(w.positive for w in work)
    experimental = [w for w in work if _norm_type(w.arm.type) == "EXPERIMENTAL"]
    for w in work:
        if w.positive:
            w.gets_cells = True
        elif not w.placebo and facts.products:
            holds_dose = bool(_doses(w.texts, assume=True))
            level = _DOSE_LEVEL_LABEL.search(w.arm.label) is not None
            sole = not any_named and len(experimental) == 1 and experimental[0] is w
            w.gets_cells = holds_dose or level or sole


def _of_other_cells(texts: list[_Text], d: Dose, given: frozenset[str | None]) -> str | None:
    """Other cells (not MSCs) named just before a figure of the title/summary/description with
    no MSC word between: "a CD34+ cell dose of 5 x 10^6/kg" in a co-transplant's summary is
    the HSCs' dose, not the MSCs', unless the arms are given those cells too (``given``: the
    cell types the cell arms name)."""
    for t in texts:
        if t.field != d.evidence_field:
            continue
        pos = t.text.find(d.evidence)
        if pos < 0:
            continue
        before = [o for o in find_other_cells(t.text) if o.end <= pos and pos - o.end <= 40]
        before = [o for o in before if o.cell_type not in given]
        if not before:
            continue
        last, end = before[-1], pos + len(d.evidence)
        if any(last.end <= m.start < end for m in t.positive) or _CELL_WORDS.search(
            t.text, last.end, end
        ):
            continue  # the MSCs named between, or in the figure's own words
        return last.name
    return None


def _summary_doses(
    trial: Trial, facts: _TrialFacts, cell_arms: int, given: frozenset[str | None]
) -> tuple[list[Dose], Dose | None]:
    """Dose figures of the title/summary/description, for the one arm that gets cells; where
    several arms get cells and the texts state one figure, that figure (for each cell arm
    its sentence does not leave out, see :func:`_common_for`)."""
    doses = []
    for d in _doses(facts.texts, assume=False):
        other = _of_other_cells(facts.texts, d, given)
        if other is None:
            doses.append(d)
        else:
            trial.notes.append(
                f"extract: {d.evidence!r} in {d.evidence_field} is a figure of {other!r}, "
                "not of the MSCs: no dose"
            )
    if doses and cell_arms > 1:
        if len({_dose_key(d) for d in doses}) == 1:
            return [], doses[0]
        trial.notes.append(
            f"extract: {len(doses)} dose figure(s) in {doses[0].evidence_field} not attached: "
            f"{cell_arms} arms get cells"
        )
        return [], None
    return doses, None


_LEVEL_ORDER = {"low": 0, "mid": 1, "high": 2}


def _level_figures(
    cell_arms: list[_ArmWork],
    groups: _Groups | None,
    facts: _TrialFacts,
    given: frozenset[str | None],
) -> dict[int, Dose]:
    """Arms named low / middle / high dose and as many figures of one unit in the trial's
    texts, none named for a group ("three dose levels: 1 x 10^6, 3 x 10^6 and 1 x 10^7
    cells/kg"): the figures in rising order go to the levels in rising order."""
    if groups is None:
        return {}
    level_of: dict[int, int] = {}
    for key, w in groups.arm_of.items():
        if key[0] == "level" and key[1] in _LEVEL_ORDER:
            if id(w) in level_of:
                return {}
            level_of[id(w)] = _LEVEL_ORDER[key[1]]
    if len(level_of) != len(cell_arms) or len(set(level_of.values())) != len(level_of):
        return {}
    figures: dict[tuple[float, float, str, str], Dose] = {}
    for d in _doses(facts.texts, assume=False):
        if _of_other_cells(facts.texts, d, given) is None and d.per.value != "course":
            if any(arm is not None for arm, _, _ in groups.owners(d)):
                return {}  # named for a group: read as such
            figures.setdefault(_dose_key(d), d)
    if len(figures) != len(level_of) or len({d.unit for d in figures.values()}) != 1:
        return {}
    ranked = sorted(figures.values(), key=lambda d: (d.min_cells, d.max_cells))
    if len({(d.min_cells, d.max_cells) for d in ranked}) != len(ranked):
        return {}
    order = sorted(level_of, key=lambda i: level_of[i])
    return dict(zip(order, ranked, strict=True))


def _common_for(
    w: _ArmWork,
    d: Dose,
    cell_arms: list[_ArmWork],
    groups: _Groups | None,
    facts: _TrialFacts,
) -> bool:
    """The one figure of the trial's texts is this cell arm's too: no group names it for
    another arm, and its sentence names no other cell arm by the words of its label ("UC-MSCs
    are given at 1 x 10^6 cells/kg" is not the BM-MSC arm's)."""
    if groups is not None and any(
        arm is not None and arm is not w for arm, _, _ in groups.owners(d)
    ):
        return False
    t = next((t for t in facts.texts if t.field == d.evidence_field), None)
    pos = t.text.find(d.evidence) if t is not None else -1
    if t is None or pos < 0:
        return False
    span = sentences_of(t.text).bounds(pos)
    return not _names_words(t.text, span, _other_words(w, cell_arms))


def _trial_product(facts: _TrialFacts, where: str, notes: list[str]) -> list[CellProduct]:
    if len(facts.products) == 1:
        notes.append(f"{where}: no product named in the arm; the trial's product(s) used")
        return list(facts.products)
    names = ", ".join(repr(p.name) for p in facts.products)
    notes.append(f"{where}: no product named in the arm; the trial names several ({names})")
    return []


def _fill(
    holder: Arm | Trial,
    products: list[CellProduct],
    doses: list[Dose],
    reg: _Regimen,
    where: str,
    notes: list[str],
    texts: list[_Text],
) -> None:
    """Write products, doses, route and count on an arm (or an arm-less trial)."""
    notes += [f"{where}: {n}" for n in reg.notes]
    if not doses:
        notes.append(f"{where}: no cell dose stated")
    if reg.route is None and reg.unmapped is None:
        notes.append(f"{where}: no route stated")
    holder.products = products
    notes += [f"{where}: {n}" for n in _two_tissue_notes(products)]
    holder.doses = _finish_doses(doses, reg, products, texts)
    holder.caps = _caps(texts, armless=isinstance(holder, Trial))
    notes += [f"{where}: {n}" for n in _floor_notes(texts, armless=isinstance(holder, Trial))]
    holder.route = reg.route
    holder.administrations = reg.count
    counts = {d.administrations for d in holder.doses}
    if reg.count is None and len(counts) == 1 and None not in counts:
        holder.administrations = counts.pop()
    holder.regimen_evidence = _regimen_evidence(reg)


def _caps(texts: list[_Text], *, armless: bool) -> list[CellCap]:
    """Stated caps on the cells ("up to 150 million cells"), never doses: those of the arm's
    own texts and its interventions' (of every text for a record without arms)."""
    out: dict[tuple[float, str], CellCap] = {}
    for t in texts:
        if armless or t.field.startswith(("arm ", "intervention ")):
            for c in extract_caps(t.text, field=t.field, assume_cells=t.cells, cell_names=t.names):
                out.setdefault((c.max_cells, c.unit.value), c)
    return list(out.values())


def _two_tissue_notes(products: list[CellProduct]) -> list[str]:
    """A product named with two tissues ("derived from umbilical cord and placenta") is one
    product per tissue (CellProduct holds one tissue): say so, once per name."""
    tissues: dict[tuple[str, str], list[str]] = {}
    for p in products:
        if p.tissue is not None:
            tissues.setdefault((p.name, p.evidence), []).append(p.tissue)
    return [
        f"product {name!r} names {len(ts)} tissues ({', '.join(ts)}): one product per tissue"
        for (name, _), ts in tissues.items()
        if len(set(ts)) > 1
    ]


def _floor_notes(texts: list[_Text], *, armless: bool) -> list[str]:
    """Stated lower bounds ("(>5x10^9)", "more than 1 x 10^6 cells/kg") of the texts whose
    caps count: never a dose (the model has no open upper end), kept verbatim in a note."""
    out: dict[str, str] = {}
    for t in texts:
        if armless or t.field.startswith(("arm ", "intervention ")):
            for f in extract_floors(
                t.text, field=t.field, assume_cells=t.cells, cell_names=t.names
            ):
                out.setdefault(
                    f.evidence,
                    f"lower bound {f.evidence!r} ({f.evidence_field}): at least "
                    f"{f.min_cells:g} {f.unit.value}, not stated as a dose (upper end unknown)",
                )
    return list(out.values())


# ---------------------------------------------------------------- groups


def _arm_keys(arm: Arm) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The groups an arm's label names ("Low-dose group", "Cohort 2", both in "Cohort 1: Low
    Dose"), and the one its description opens with ("Arm 1" described as "Low dose: ...")."""
    label = {t.key for t in group_tokens(arm.label) if not t.listed}
    opening: set[tuple[str, str]] = set()
    if arm.description:
        opening = {t.key for t in group_tokens(arm.description) if t.start < 3 and not t.listed}
    return label, opening


@dataclass(slots=True)
class _Groups:
    """Which cell arm each group name stands for, and the texts several arms share."""

    arm_of: dict[tuple[str, str], _ArmWork]
    shared: dict[str, _Text]  # field -> text shared by several cell arms (or the trial's)
    tissue_arm: dict[str, _ArmWork]  # UBERON -> the one arm whose cells come from it
    names: Names = ()  # arm labels the shared texts write as labels ("Schedule A: ...")
    figures: dict[str, list[tuple[int, int, Dose]]] = dc_field(default_factory=dict)

    def _figures(self, t: _Text) -> list[tuple[int, int, Dose]]:
        """Every dose figure of a shared text with its position (a figure stated twice, for
        two groups, is there twice)."""
        if t.field not in self.figures:
            out: list[tuple[int, int, Dose]] = []
            last = 0
            for e in _doses_in(t):
                x = t.text.find(e.evidence, last)
                if x >= 0:
                    out.append((x, x + len(e.evidence), e))
                    last = x + 1
            self.figures[t.field] = out
        return self.figures[t.field]

    def owners(self, d: Dose) -> list[tuple[_ArmWork | None, str | None, Dose]]:
        """For each place a shared text states the figure ``d``: the arm it is named for
        (None where no group, or a group no arm names alone), the group's words, and the
        figure as read at that place (its own count and route)."""
        t = self.shared.get(d.evidence_field)
        if t is None:
            return []
        figures = self._figures(t)
        out: list[tuple[_ArmWork | None, str | None, Dose]] = []
        for pos, end, e in figures:
            if _dose_key(e) != _dose_key(d):
                continue
            # "Groups A and B receive 1 x 10^6 and 2 x 10^6 MSCs/kg, respectively"
            lo, hi = sentences_of(t.text).bounds(pos)
            listed = respective_groups(t.text, lo, hi)
            in_sentence = [(a, b) for a, b, _ in figures if lo <= a < hi]
            if listed and len(listed) == len(in_sentence):
                key = listed[in_sentence.index((pos, end))]
                out.append((self.arm_of.get(key), f"{key[1]} (respectively)", e))
                continue
            others = [(a, b) for a, b, _ in figures if (a, b) != (pos, end)]
            token = owner_of(t.text, pos, end, others, self.names)
            if token is not None:
                out.append((self.arm_of.get(token.key), t.text[token.start : token.end], e))
            else:
                arm, words = self._tissue_owner(t, pos, end, others)
                out.append((arm, words, e))
        return out

    def _tissue_owner(
        self, t: _Text, pos: int, end: int, others: list[tuple[int, int]]
    ) -> tuple[_ArmWork | None, str | None]:
        """The arm whose cells' tissue the figure's own clause names ("1 x 10^6/kg of
        UC-MSC", "BM-MSC (2 x 10^6/kg)"), where arms differ by tissue."""
        if len(self.tissue_arm) < 2:
            return None, None
        lo, hi = sentences_of(t.text).bounds(pos)
        prev = max((b for _, b in others if b <= pos), default=lo)
        nxt = min((a for a, _ in others if a >= end), default=hi)
        before = [m for m in t.tissue_mentions if max(prev, lo) <= m.start and m.end <= pos]
        after = [m for m in t.tissue_mentions if end <= m.start < min(nxt, end + 40)]
        # "UC-MSC (2 x 10^6/kg)", "BM-MSC: 1 x 10^6" before "2 x 10^6/kg of UC-MSC"
        tight = [m for m in before[-1:] if re.fullmatch(r"[\s:(=,-]*", t.text[m.end : pos])]
        of = [
            m
            for m in after[:1]
            if re.fullmatch(r"[\s)]*(?:of|/)?\s*(?:the\s+)?", t.text[end : m.start])
        ]
        near = tight or of or before[-1:] or after[:1]
        tissue = near[0].tissue if near else None
        if tissue is None:
            return None, None
        return self.tissue_arm.get(tissue), t.text[near[0].start : near[0].end]


def _doses_in(t: _Text) -> list[Dose]:
    return extract_doses(t.text, field=t.field, assume_cells=t.cells, cell_names=t.names)


def _groups(cell_arms: list[_ArmWork], facts: _TrialFacts) -> _Groups | None:
    """Group names of the cell arms, where two or more arms each name a different one."""
    named = {id(w): _arm_keys(w.arm) for w in cell_arms}
    by_label = {k for label, _ in named.values() for k in label}
    # a description's opening group counts where no arm's label names it ("Cohort 2" described
    # "Cohort 1: ...; cohort 2: ..." is not cohort 1)
    keys = {i: label | (opening - by_label) for i, (label, opening) in named.items()}
    counts = Counter(k for ks in keys.values() for k in ks)
    # a group names the one arm whose label names it (an arm may have two names)
    arm_of = {k: w for w in cell_arms for k in keys[id(w)] if counts[k] == 1}
    tissues = {id(w): {m.tissue for m, _ in w.positive if m.tissue} for w in cell_arms}
    by_tissue = Counter(next(iter(x)) for x in tissues.values() if len(x) == 1)
    tissue_arm = {
        tissue: w
        for w in cell_arms
        if len(tissues[id(w)]) == 1 and by_tissue[tissue := next(iter(tissues[id(w)]))] == 1
    }
    seen: dict[str, int] = Counter()
    texts: dict[str, _Text] = {}
    for w in cell_arms:
        for t in w.texts:
            if t.field.startswith("intervention"):
                seen[t.field] += 1
                texts[t.field] = t
    shared = {f: t for f, t in texts.items() if seen[f] > 1}
    shared |= {t.field: t for t in facts.texts}
    names = _label_names(cell_arms, arm_of, list(shared.values()))
    arm_of |= {key: w for (_, key), w in names}
    if len({id(w) for w in arm_of.values()}) < 2 and len(tissue_arm) < 2:
        return None
    # an arm's own description that describes the whole design ("randomised to the low-dose
    # group (1 x 10^6/kg) or the high-dose group (3 x 10^6/kg)") is read like a shared text
    for w in cell_arms:
        for t in w.texts:
            if t.field.startswith("arm ") and t.field.endswith("description"):
                tokens = group_tokens(t.text, tuple(n for n, _ in names))
                arms = {id(arm_of[g.key]) for g in tokens if g.key in arm_of}
                if len(arms) > 1:
                    shared[t.field] = t
    return _Groups(arm_of, shared, tissue_arm, tuple(n for n, _ in names))


def _label_names(
    cell_arms: list[_ArmWork], arm_of: dict[tuple[str, str], _ArmWork], shared: list[_Text]
) -> list[tuple[tuple[str, tuple[str, str]], _ArmWork]]:
    """Cell arms no group word names alone whose label a shared text writes as a label
    ("Schedule A: on days 0 and 7; Schedule B: ...", "UC-MSC: 1 x 10^6 cells/kg"): the label
    names the arm there. Not a label that is part of another cell arm's ("MSC" beside "MSC +
    HA")."""
    named = {id(w) for w in arm_of.values()}
    labels = {id(w): w.arm.label.strip() for w in cell_arms}
    out: list[tuple[tuple[str, tuple[str, str]], _ArmWork]] = []
    for w in cell_arms:
        label = labels[id(w)]
        if id(w) in named or len(label) < 3:
            continue
        low = label.lower()
        if any(
            x is not w and (low in labels[id(x)].lower() or labels[id(x)].lower() in low)
            for x in cell_arms
        ):
            continue
        name = (label, ("label", low))
        if any(_named_in(t.text, name) for t in shared):
            out.append((name, w))
    return out


def _named_in(text: str, name: tuple[str, tuple[str, str]]) -> bool:
    return any(g.key == name[1] for g in group_tokens(text, (name,)))


def _own_figures(w: _ArmWork) -> set[tuple[float, float, str, str]]:
    own = [t for t in w.texts if t.field.startswith("arm ")]
    return {_dose_key(d) for d in _doses(own, assume=True)}


def _group_doses(
    w: _ArmWork,
    doses: list[Dose],
    groups: _Groups | None,
    others: set[tuple[float, float, str, str]],
    notes: list[str],
    where: str,
) -> list[Dose]:
    """Drop the figures of shared texts that are named for another arm's group, or that are
    another arm's own figure (its label or description states it) and not this arm's."""
    mine = _own_figures(w)
    out: list[Dose] = []
    for d in doses:
        key = _dose_key(d)
        shared_text = d.evidence_field.startswith("intervention")
        if shared_text and mine and key not in mine and key in others:
            notes.append(
                f"{where}: figure {d.evidence!r} is another arm's own figure; not attached"
            )
            continue
        if groups is not None and d.evidence_field in groups.shared:
            places = groups.owners(d)
            mine_at = [e for arm, _, e in places if arm is w]
            if mine_at:
                # the figure as stated for this arm's group (its count, its route)
                out.append(replace(mine_at[0], product=d.product))
                continue
            named = [(arm, words) for arm, words, _ in places if arm is not None]
            if places and len(named) == len(places):
                arm, words = named[0]
                notes.append(
                    f"{where}: figure {d.evidence!r} is named for {words!r} "
                    f"(arm {arm.arm.label!r}); not attached here"
                )
                continue
            unnamed = [words for arm, words, _ in places if arm is None and words is not None]
            if unnamed:
                notes.append(
                    f"{where}: figure {d.evidence!r} is named for {unnamed[0]!r}, which no arm "
                    "label names alone; kept as the trial states it"
                )
        out.append(d)
    return out


def _owned_summary_doses(
    w: _ArmWork, groups: _Groups | None, facts: _TrialFacts, where: str, notes: list[str]
) -> list[Dose]:
    """Figures of the title/summary/description named for this arm's group."""
    if groups is None:
        return []
    out: list[Dose] = []
    for d in _doses(facts.texts, assume=False):
        for arm, words, e in groups.owners(d):
            if arm is w:
                out.append(e)
                notes.append(
                    f"{where}: figure {d.evidence!r} of {d.evidence_field} named for {words!r}"
                )
                break
    return out


def _group_count(w: _ArmWork, groups: _Groups | None) -> tuple[int, str] | None:
    """The number of administrations a shared text states in the stretch of this arm's group
    ("Cohort B: a first injection ..., then a second six weeks later")."""
    if groups is None:
        return None
    found: list[tuple[int, str]] = []
    for t in groups.shared.values():
        for lo, hi in _respective_spans(t.text):
            # "Groups A and B receive one and two infusions, respectively"
            keys = respective_groups(t.text, lo, hi)
            listed = respective_counts(t.text, lo, hi)
            if keys and len(keys) == len(listed):
                found += [
                    (v, t.text[lo:hi].strip())
                    for k, v in zip(keys, listed, strict=True)
                    if groups.arm_of.get(k) is w
                ]
        for token, lo, hi in group_segments(t.text, groups.names):
            if groups.arm_of.get(token.key) is not w:
                continue
            given = t.cells and t.field.startswith("intervention")
            r = resolve(find_counts(t.text, lo, hi, given_here=given))
            if r.value is not None and r.evidence is not None:
                found.append((r.value, t.text[r.evidence.start : r.evidence.end]))
    values = {v for v, _ in found}
    if len(values) != 1:
        return None
    return found[0]


def _respective_spans(text: str) -> list[tuple[int, int]]:
    """Sentences that list groups' figures or counts "respectively"."""
    if "respectively" not in text.lower():
        return []
    return [
        (lo, hi) for lo, hi in sentences_of(text).spans() if "respectively" in text[lo:hi].lower()
    ]


def _other_segments(w: _ArmWork, groups: _Groups | None) -> dict[str, list[tuple[int, int]]]:
    """Stretches of the shared texts that belong to another arm's group: their counts are
    not this arm's."""
    out: dict[str, list[tuple[int, int]]] = {}
    if groups is None:
        return out
    for field, t in groups.shared.items():
        for token, lo, hi in group_segments(t.text, groups.names):
            arm = groups.arm_of.get(token.key)
            if arm is not None and arm is not w:
                out.setdefault(field, []).append((lo, hi))
    return out


def _annotate_arms(trial: Trial, facts: _TrialFacts) -> None:
    work = [_arm_work(trial, arm) for arm in trial.arms]
    _decide_cells(work, facts)
    cell_arms = [w for w in work if w.gets_cells]
    groups = _groups(cell_arms, facts)
    stated = {id(w): _doses(w.texts, assume=True) for w in cell_arms}
    own = {id(w): _own_figures(w) for w in cell_arms}
    summary: list[Dose] = []
    common: Dose | None = None
    by_level: dict[int, Dose] = {}
    if cell_arms and not any(stated.values()):
        given = frozenset(m.cell_type for w in cell_arms for m, _ in w.positive)
        summary, common = _summary_doses(trial, facts, len(cell_arms), given)
        if len(cell_arms) > 1 and common is None:
            by_level = _level_figures(cell_arms, groups, facts, given)
    agents = _trial_agents(trial) if cell_arms and len(trial.interventions) > 1 else frozenset()
    study_cells = (
        bool(cell_arms)
        and any(_STUDY_PRODUCT.search(t.text) for t in facts.texts)
        and _study_product_is_cells(trial)
    )
    for w in work:
        if not w.gets_cells:
            _clear(w.arm)
            continue
        where = f"extract: arm {w.arm.label!r}"
        notes: list[str] = []
        named = _consolidate(w.positive) if w.positive else _trial_product(facts, where, notes)
        products = _fill_products(named, facts, where, notes)
        products = finish_products(products, trial, where, notes)
        others = set().union(*(own[id(x)] for x in cell_arms if x is not w))
        doses = _group_doses(w, stated[id(w)], groups, others, notes, where)
        doses = doses or summary or _owned_summary_doses(w, groups, facts, where, notes)
        if not doses and id(w) in by_level:
            doses = [by_level[id(w)]]
            notes.append(
                f"{where}: figure {doses[0].evidence!r} of {doses[0].evidence_field}: the arms "
                "are dose levels and the figures, in rising order, one per level"
            )
        if not doses and common is not None and _common_for(w, common, cell_arms, groups, facts):
            doses = [common]
            notes.append(
                f"{where}: figure {common.evidence!r} of {common.evidence_field}, the one figure "
                "stated, for each cell arm its sentence does not leave out"
            )
        keys = {k: id(x) for k, x in groups.arm_of.items()} if groups is not None else {}
        got = _group_count(w, groups)
        reg = _regimen(
            w.texts,
            doses,
            facts.texts,
            len(cell_arms) == 1,
            keys,
            _other_segments(w, groups),
            got,
            _other_words(w, cell_arms),
            groups.names if groups is not None else (),
            study_cells,
            agents,
        )
        _fill(w.arm, products, doses, reg, where, notes, w.texts + facts.texts)
        trial.notes += notes
    _annotate_crossover(trial, work, facts)
    _mark_delayed_arms(trial, work)


# ---------------------------------------------------------------- crossover

# A placebo or control arm that later gets the cells: "will cross over to receive MSCs at
# month 6", "delayed treatment", "will be offered the cells after unblinding".
_CROSSOVER = re.compile(
    r"\bcross(?:es|ed|ing)?[\s-]?over\b|\bcrossover\b"
    r"|\b(?:delayed|deferred)[\s-]+(?:treatment|start|therapy|intervention|arm|group|cell)"
    r"|\b(?:will|would|shall|are|is)\s+(?:then\s+|also\s+|subsequently\s+|later\s+)?"
    r"(?:be\s+offered|be\s+eligible\s+to\s+receive|have\s+the\s+(?:option|opportunity)\s+to"
    r"\s+receive|receive|be\s+given|be\s+treated\s+with|be\s+switched\s+to|switch\s+to|get)\b",
    re.IGNORECASE,
)
# A later giving of the cells themselves: "after 6 months they will be transplanted by stem
# cell", "will then be injected with the MSCs", "their cells are frozen and injected after 6
# months". The cells must be named right after the verb (or the verb says when, "... after 6
# months"), and no placebo word may be in that stretch ("infused with placebo after thawing").
_LATER_GIVING = re.compile(
    r"\b(?:will|would|shall|are|is)\s+(?:then\s+|also\s+|subsequently\s+|later\s+)?"
    r"be\s+(?:transplanted|injected|infused|administered|implanted|treated)\s+(?:with|by)\s+"
    r"(?P<what>[^.;]{0,60})"
    r"|\b(?:inject|infus|transplant|implant)\w*\s+(?:(?:back|later|them|it)\s+)?"
    r"(?:after|at\s+the\s+end\s+of)\s+(?:the\s+)?(?:\d{1,2}|one|two|three|four|six|nine|twelve)"
    r"\s+(?:weeks?|months?)\b",
    re.IGNORECASE,
)
_GIVEN_CELLS = re.compile(
    r"\b(?:[\w-]*MSCs?|cells?|stem|stromal"
    r"|the\s+(?:same|active)\s+(?:treatment|therapy|product|cells?|intervention)"
    r"|study\s+(?:drug|product|treatment))\b",
    re.IGNORECASE,
)
_PLACEBO_THING = re.compile(
    r"\b(?:placebo|saline|vehicle|sham|media|medium|solution|albumin|plasma-?lyte)\b", re.I
)
_LABEL_CUE = re.compile(
    r"\b(?:delayed|deferred|cross[\s-]?over|crossed[\s-]over|wait(?:ing)?[\s-]?list)\b",
    re.IGNORECASE,
)
_STRONG_CROSSOVER = re.compile(r"cross|delayed|deferred|switch", re.IGNORECASE)
_LATER = re.compile(
    r"\b(?:after(?:wards)?|at\s+the\s+end|end\s+of|following|once|upon|then|thereafter"
    r"|subsequently|later|completion|unblind\w*|open[\s-]label)\b|\bat\s+(?:week|month|day)s?\s*\d",
    re.IGNORECASE,
)
_ACTIVE_WORDS = re.compile(
    r"\b(?:active\s+(?:treatment|drug|product|cells?)|study\s+(?:drug|treatment|product|cells?)"
    r"|investigational\s+(?:product|treatment|cells?)|the\s+same\s+treatment|cell\s+therapy)\b",
    re.IGNORECASE,
)
_NOT_ABOUT_ARM = re.compile(r"\bcross[\s-]?over\s+(?:design|study|trial)\b", re.IGNORECASE)
# In the trial's texts, a change of treatment must be said ("cross over to", "will receive
# ... after"): "a placebo-controlled, crossover study" says nothing about the arm.
_TRANSITION = re.compile(
    r"\bcross(?:es|ed|ing)?[\s-]?over\s+(?:to|and\s+(?:receive|get))\b|\bswitch\w*\s+to\b"
    r"|\b(?:be\s+offered|receive|be\s+given|be\s+treated\s+with|get)\b"
    r"|\bbe\s+(?:transplanted|injected|infused)\s+(?:with|by)\b"
    r"|\b(?:inject|infus|transplant)\w*\s+(?:(?:back|later|them|it)\s+)?after\s+\w+\s+"
    r"(?:weeks?|months?)\b",
    re.IGNORECASE,
)
_CONTROL_WORDS = re.compile(
    r"\b(?:placebo|control|sham|vehicle|standard\s+(?:of\s+)?care|delayed|deferred|waiting)\b",
    re.IGNORECASE,
)


def _crossover_sentences(t: _Text, product_names: list[str]) -> list[tuple[int, int]]:
    """Sentences of ``t`` saying that the arm later gets the cells."""
    out: list[tuple[int, int]] = []
    sentences = sentences_of(t.text)
    for lo, hi in sentences.spans():
        seg = t.text[lo:hi]
        cue = _CROSSOVER.search(seg)
        if cue is None:
            later = _LATER_GIVING.search(seg)
            what = later.group("what") if later is not None else None
            if later is None or (what is not None and not _GIVEN_CELLS.search(what)):
                continue
            if _PLACEBO_THING.search(what if what is not None else seg):
                continue
            cue = later
            if _GIVEN_CELLS.search(seg) is None:
                continue
        if _NOT_ABOUT_ARM.search(seg) and not re.search(r"\breceiv|\bgiven\b", seg, re.I):
            continue
        cells = (
            cue.re is _LATER_GIVING  # the cells are named in or beside the later giving
            or any(lo <= m.start < hi for m in t.positive)
            or _CELL_WORDS.search(seg) is not None
            or _ACTIVE_WORDS.search(seg) is not None
            or any(n.lower() in seg.lower() for n in product_names if len(n) > 2)
        )
        strong = _STRONG_CROSSOVER.search(cue.group(0)) is not None
        if cells and (strong or _LATER.search(seg)):
            out.append((lo, hi))
    return out


def _crossover_arms(
    trial: Trial, work: list[_ArmWork], facts: _TrialFacts
) -> list[tuple[_ArmWork, _Text, tuple[int, int]]]:
    """Arms without cells of their own that cross over to the cells, with the sentence."""
    cell_arms = [w for w in work if w.gets_cells]
    names = [p.name for w in cell_arms for p in w.arm.products] + [p.name for p in facts.products]
    controls = [w for w in work if not w.gets_cells]
    found: list[tuple[_ArmWork, _Text, tuple[int, int]]] = []
    cell_labels = {w.arm.label.strip().lower() for w in cell_arms}
    for w in controls:
        own = [t for t in w.texts if t.field.startswith("arm ")]
        # the description of the control's own intervention ("media injection, but after 6
        # months they will be transplanted by stem cell"), not one it shares with a cell arm
        for iv in _linked(trial, w.arm):
            if iv.description and not {a.strip().lower() for a in iv.arm_labels} & cell_labels:
                own.append(_Text(iv.description, f"intervention '{iv.name}' description"))
        labelled = _LABEL_CUE.search(w.arm.label) is not None
        for t in own:
            spans = _crossover_sentences(t, names)
            if not spans and labelled:  # "Delayed treatment: standard care, then MSC at month 6"
                spans = [
                    (lo, hi)
                    for lo, hi in sentences_of(t.text).spans()
                    if any(lo <= m.start < hi for m in t.positive) and _LATER.search(t.text, lo, hi)
                ]
            if spans:
                found.append((w, t, spans[0]))
                break
    if found or not controls:
        return found
    # The trial's texts: "patients on placebo will cross over to receive MSCs at month 6".
    for t in facts.texts:
        for lo, hi in _crossover_sentences(t, names):
            seg = t.text[lo:hi].lower()
            if not _CONTROL_WORDS.search(seg) or not _TRANSITION.search(seg):
                continue
            named = [w for w in controls if w.arm.label.lower() in seg]
            targets = named or (controls if len(controls) == 1 else [])
            for w in targets:
                found.append((w, t, (lo, hi)))
            if targets:
                return found
    return found


def _mark_delayed_arms(trial: Trial, work: list[_ArmWork]) -> None:
    """An arm with cells whose label says it is the delayed or crossover arm ("Delayed
    treatment", "Crossover to MSC", "Wait-list then MSC") gets them after crossover."""
    for w in work:
        if w.gets_cells and _LABEL_CUE.search(w.arm.label) and w.arm.products:
            w.arm.after_crossover = True
            w.arm.doses = [replace(d, after_crossover=True) for d in w.arm.doses]
            trial.notes.append(
                f"extract: arm {w.arm.label!r}: after crossover: its label names a delayed or "
                "crossover treatment"
            )


def _annotate_crossover(trial: Trial, work: list[_ArmWork], facts: _TrialFacts) -> None:
    """Give a placebo/control arm that crosses over the cells it then receives, each dose
    marked after crossover; the figure is the crossover sentence's own, else that of the one
    arm with cells (the treatment it crosses over to)."""
    cell_arms = [w for w in work if w.gets_cells]
    for w, t, (lo, hi) in _crossover_arms(trial, work, facts):
        where = f"extract: arm {w.arm.label!r}"
        sentence = t.text[lo:hi].strip()
        source = cell_arms[0] if len(cell_arms) == 1 else None
        mentions = [(m, t) for m in t.positive if lo <= m.start < hi]
        if source is not None and all(m.tissue is None for m, _ in mentions):
            mentions = []  # "offered the MSC treatment": the cells of the arm it crosses to
        products = _consolidate(mentions) if mentions else []
        if not products and source is not None:
            products = list(source.arm.products)
        elif not products and len({p.name for x in cell_arms for p in x.arm.products}) == 1:
            products = list(cell_arms[0].arm.products)
        if not products:
            trial.notes.append(
                f"{where}: after crossover: crosses over to cells ({sentence[:120]!r}) but the "
                "product it receives is unclear; left without cells"
            )
            continue
        own = [
            d
            for d in extract_doses(t.text, field=t.field, assume_cells=True, cell_names=t.names)
            if lo <= t.text.find(d.evidence) < hi
        ]
        doses = own
        if not doses and source is not None:
            doses = list(source.arm.doses)
        reg = _regimen([_Text(t.text[lo:hi], t.field, cells=True)], own, [], False)
        route = reg.route or (source.arm.route if source is not None else None)
        count = reg.count
        if count is None and source is not None:
            count = source.arm.administrations
        w.arm.products = products
        w.arm.doses = [
            replace(
                d,
                after_crossover=True,
                route=d.route or route,
                administrations=d.administrations if d.administrations is not None else count,
                product=d.product or (products[0].name if len(products) == 1 else None),
            )
            for d in doses
        ]
        w.arm.route = route
        w.arm.administrations = count
        w.arm.regimen_evidence = sentence
        w.arm.after_crossover = True
        origin = (
            "its own sentence"
            if own
            else f"arm {source.arm.label!r}, the treatment it crosses over to"
            if source is not None and doses
            else "nowhere (no figure stated)"
        )
        trial.notes.append(
            f"{where}: after crossover: receives {products[0].name!r} ({sentence[:160]!r}); "
            f"dose from {origin}"
        )


def _annotate_armless(trial: Trial, facts: _TrialFacts) -> None:
    texts = [t for iv in trial.interventions for t in _intervention_texts(iv)]
    found = [(m, t) for t in texts if t.cells for m in t.positive]
    products = _consolidate(found) if found else list(facts.products)
    if not products:
        return
    notes: list[str] = []
    products = _fill_products(products, facts, "extract", notes)
    products = finish_products(products, trial, "extract", notes)
    own = _doses(texts, assume=True)
    doses = own or _doses(facts.texts, assume=False)
    cell_texts = [t for t in texts if t.cells]
    if not cell_texts and own:
        # the only intervention text states a cell dose but names the cells only in the title
        # (a registry's "Dosage: 1 x 10^6 cells/kg; Route: intra-arterial"): it is the cells'
        cell_texts = [t for t in texts if any(d.evidence_field == t.field for d in own)]
    reg = _regimen(cell_texts, doses, facts.texts, True)
    _fill(trial, products, doses, reg, "extract", notes, texts + facts.texts)
    trial.notes += notes


def annotate_trial(trial: Trial) -> None:
    """Fill products, doses, route and administrations of each arm (or of the trial when the
    document has no arms) from the trial's texts; append report lines to ``trial.notes``."""
    token = _TRIAL_CELL_NAMES.set(_trial_cell_names(trial))
    try:
        facts = _trial_facts(trial)
        if trial.arms:
            _annotate_arms(trial, facts)
        else:
            _annotate_armless(trial, facts)
    finally:
        _TRIAL_CELL_NAMES.reset(token)
    trial.notes += cell_intervention_notes(trial)
