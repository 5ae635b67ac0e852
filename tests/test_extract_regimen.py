"""Administrations and routes: schedules multiplied out, caps and ranges that are no count,
vessels and dressings that name the route, arms given cells by two routes."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.extract.regimen
from kg.extract import annotate_trial, find_route
from kg.extract.regimen import find_counts, resolve
from kg.extract.text import NUMBER_WORDS
from kg.model import Arm, Intervention, Provenance, Trial

COUNTS: list[tuple[str, int | None]] = [
    # a rate for a duration, multiplied out
    ("MSCs are infused three infusions a week for two weeks", 6),
    ("cells given three times a week for two weeks", 6),
    ("MSC infused twice weekly for two weeks", 4),
    ("aiming for a frequency of twice weekly for two weeks", 4),
    ("MSC IV twice a week for the first two weeks and weekly for the following two weeks", 6),
    ("MSCs infused daily for 5 consecutive days", 5),
    ("cells injected once daily for 3 days", 3),
    ("MSC infusion every other day for 2 weeks", 7),
    ("infused intravenously weekly for 4 weeks", 4),
    ("injected every two weeks for 8 weeks", 4),
    ("MSCs given on five consecutive days", 5),
    ("MSC were infused on 3 consecutive days", 3),
    # points in time
    ("cells infused on days 1, 8, 15 and 22", 4),
    ("MSC infusions at months 0 and 3", 2),
    ("injections of MSCs at weeks 0, 4 and 8", 3),
    ("MSCs were injected at 0, 4, and 8 weeks", 3),
    ("an infusion of cells on day 0 and day 14", 2),
    # counts stated outright
    ("every 6 weeks, three injections in all", 3),
    ("once a month, a total of three times", 3),
    ("every 3 months for a total of 4 injections over 12 months", 4),
    ("cells will be injected twice intracavernously", 2),
    ("a first injection of cells, then a second six weeks later", 2),
    ("a single dose of cells", 1),
    ("administered intravenously once with 5 x 10^7cells", 1),
    ("the cells are given once", 1),
    ("ALLO-ASC is injected once along the fistula", 1),
    # not a stated count
    ("the infusion of cells may be repeated once", None),
    ("up to three infusions of MSCs", None),
    ("up to 3 infusions depending on response", None),
    ("a maximum of 4 infusions of cells", None),
    ("6-9 monthly infusions of MSCs", None),
    ("2 to 3 injections of cells", None),
    ("two or three injections of cells", None),
    ("monthly infusions of MSCs", None),
    ("MSCs once a week", None),
    ("once the patient has consented, cells are infused", None),
    ("MSCs will be administered to patients once they are stable", None),
    ("cells infused once weekly", None),
    ("MSCs given once, at baseline", 1),
    ("UC-MSC injected once into the knee joint", 1),
    ("MSC biweekly for 8 weeks", None),
    ("MSCs given once or twice", None),
    ("single infusion group; double infusion group", None),
    ("20 million MSCs divided into 10 injections of 2 million cells/cm of tract", None),
    ("the cells are split into 8 injections around the fistula", None),
]


@pytest.mark.parametrize(("text", "want"), COUNTS, ids=[c[0][:50] for c in COUNTS])
def test_count(text: str, want: int | None) -> None:
    assert resolve(find_counts(text)).value == want


_RATES = {"once": 1, "twice": 2, "three times": 3}
_WORDS = {v: k for k, v in NUMBER_WORDS.items()}


@settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from(sorted(_RATES)),
    weeks=st.integers(min_value=2, max_value=8),
    word=st.booleans(),
    verb=st.sampled_from(["MSCs are infused", "cells will be injected", "UC-MSC given IV"]),
    per=st.sampled_from(["a week", "per week", "weekly", "every week"]),
)
def test_schedule_multiplies_out(rate: str, weeks: int, word: bool, verb: str, per: str) -> None:
    """A rate a week for n weeks is rate x n administrations, whatever the spelling."""
    if per == "weekly" and rate == "three times":
        per = "a week"
    n = _WORDS[weeks] if word else str(weeks)
    text = f"{verb} {rate} {per} for {n} weeks"
    assert resolve(find_counts(text)).value == _RATES[rate] * weeks, text


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=9),
    cap=st.sampled_from(["up to", "a maximum of", "no more than", "at most", "as many as"]),
    noun=st.sampled_from(["infusions", "injections", "doses", "administrations"]),
)
def test_a_cap_is_no_count(n: int, cap: str, noun: str) -> None:
    assert resolve(find_counts(f"MSCs: {cap} {n} {noun} of cells")).value is None


@settings(max_examples=40, deadline=None)
@given(
    lo=st.integers(min_value=1, max_value=5),
    step=st.integers(min_value=1, max_value=4),
    sep=st.sampled_from(["-", " to ", " or ", "–"]),
    noun=st.sampled_from(["infusions", "injections", "monthly infusions"]),
)
def test_a_range_of_counts_is_no_count(lo: int, step: int, sep: str, noun: str) -> None:
    text = f"patients receive {lo}{sep}{lo + step} {noun} of MSCs"
    assert resolve(find_counts(text)).value is None, text


ROUTES: list[tuple[str, str | None]] = [
    ("MSCs infused into the femoral artery", "intra-arterial"),
    ("cells infused via hepatic artery over 20 minutes", "intra-arterial"),
    ("the catheter placed at proper hepatic artery, the MSCs were infused", "intra-arterial"),
    ("inject mesenchymal stem cells to mesenteric artery", "intra-arterial"),
    ("hepatic arterial infusion of MSCs", "intra-arterial"),
    ("intracoronary infusion of MSCs", "intracoronary"),
    ("MSCs injected into the infarct-related coronary artery", "intracoronary"),
    ("intrathecal infusion of 1 x 10^6 MSC/kg", "intrathecal"),
    ("cells infused to the lesion through a bronchoscope", "endobronchial"),
    ("MSC were infused via peripheral vein", "intravenous"),
    ("Hydrogel sheet containing allogenic adipose-derived mesenchymal stem cells", "topical"),
    ("Application of ALLO-ASC-DFU sheet to diabetic foot ulcer", "topical"),
    ("MSCs applied onto the burn wounds", "topical"),
    ("umbilical cord MSC injection in the articular cavity", "intra-articular"),
    ("MSCs were injected into the knee under ultrasound guidance", "intra-articular"),
    ("pain in the knee joint was measured", None),
    ("MSCs were injected into the cerebrospinal fluid (CSF)", "intrathecal"),
    ("cells transplanted into the infarcted myocardium", "intracardiac"),
    ("MSCs injected into the gastrocnemius muscle", "intramuscular"),
    ("cells injected into 30 sites in the lower leg muscle", "intramuscular"),
    ("cells injected into the nucleus pulposus", "intradiscal"),
    ("MSC injected into the vitreous", "intravitreal"),
    ("cells injected into the corpora cavernosa", "intracavernous"),
    ("MSCs transplanted into the spinal cord lesion", "intraspinal"),
    ("cells implanted into the striatum", "intracerebral"),
    ("MSCs injected into the lateral ventricle", "intracerebroventricular"),
    ("MSC infused into the peritoneal cavity", "intraperitoneal"),
    ("patients with pain in the lower back muscles", None),
    ("damage to the spinal cord of patients", None),
    ("autologous transplantation of MSCs in spinal cord injury patients", None),
    ("MSCs injected in liver cirrhosis patients", None),
    ("allogeneic hMSCs via peri-fistula injections", "intralesional"),
    ("patients with perianal fistulas receive MSCs", None),
    ("a single IA injection of 40 million MSCs", "intra-articular"),
    ("MSCs by IM injection into the thigh", "intramuscular"),
    ("NOGA-guided injections of MSCs into the left ventricle", "intracardiac"),
    ("epicardial injection of MSCs during CABG", "intracardiac"),
    ("MSCs sprayed onto the burn wound", "topical"),
    ("an IA score was measured", None),
    ("MSC infusion", "intravenous"),  # nothing else names the route
    ("MSC infused via the portal vein", None),  # a way in without a route key
    ("MSCs infused intrasplenically", None),
    ("blood pressure in the pulmonary artery was measured", None),
    ("coronary artery disease patients", None),
]


@pytest.mark.parametrize(("text", "want"), ROUTES, ids=[r[0][:50] for r in ROUTES])
def test_route(text: str, want: str | None) -> None:
    got = find_route(text)
    assert (got[0] if got else None) == want


PROV = Provenance("test.json", "test", "0" * 64, "0", "NCT00000000", "0" * 64)


def _trial(**kw: object) -> Trial:
    return Trial(provenance=PROV, nct_id="NCT00000000", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Intravenous infusion of cultured umbilical cord MSCs (2 x 10^7)", "intra-arterial"),
        ("MSCs 2 x 10^7 cells intravenously", "intra-arterial"),
        ("2 x 10^7 MSCs by intravenous infusion", "intra-arterial"),
    ],
)
def test_arm_given_cells_by_two_routes_keeps_both(first: str, second: str) -> None:
    """Each dose takes the route of its own clause; the arm reports both in a note."""
    desc = f"{first}, one week later, inject MSCs to the femoral artery (1 x 10^7 cells)."
    t = _trial(
        brief_title="Umbilical cord MSCs for critical limb ischemia",
        arms=[Arm("MSC", "EXPERIMENTAL", desc, ("Biological: MSC",))],
        interventions=[Intervention("MSC", "BIOLOGICAL", None, (), ("MSC",))],
    )
    annotate_trial(t)
    routes = {d.min_cells: d.route for d in t.arms[0].doses}
    assert routes == {2e7: "intravenous", 1e7: second}
    assert any("2 routes" in n for n in t.notes)


def test_infusion_is_intravenous_only_where_nothing_else_names_the_route() -> None:
    """The arm says "infused"; the summary names the artery: the artery wins, with a note."""
    t = _trial(
        brief_title="Umbilical Cord MSCs Infusion Via Hepatic Artery in Cirrhosis",
        brief_summary="Umbilical cord MSCs will be infused via hepatic artery in cirrhosis.",
        arms=[Arm("UC-MSC", "EXPERIMENTAL", "UC-MSCs were infused slowly for 20 minutes.")],
    )
    annotate_trial(t)
    assert t.arms[0].route == "intra-arterial"
    assert any("route intra-arterial from" in n for n in t.notes)


def test_sub_groups_with_their_own_counts_leave_the_count_empty() -> None:
    desc = (
        "UC-MSCs 20 x 10e6 in 3 mL of saline\n\nArm 2a: single infusion group. UC-MSCs at 0 "
        "month\n\nArm 2b: double infusion group. UC-MSCs at 0 and 6 months"
    )
    t = _trial(
        brief_title="Umbilical cord MSCs in knee osteoarthritis",
        arms=[Arm("UC-MSC", "EXPERIMENTAL", desc)],
    )
    annotate_trial(t)
    arm = t.arms[0]
    assert arm.administrations is None
    assert [d.administrations for d in arm.doses] == [None]
    assert any("unclear" in n for n in t.notes)


def test_doctests() -> None:
    assert doctest.testmod(kg.extract.regimen).failed == 0


# ---------------------------------------------------------------- regimens per group

MORE_COUNTS: list[tuple[str, int | None]] = [
    ("D0, D7 and D14: IV MSC injection (2x106 - 6x106/kg MSC).", 3),
    ("MSCs will be administered by i.v. infusion at baseline and 6 months of follow-up", 2),
    ("patients will be evaluated at baseline and 6 months after the MSC infusion", None),
    ("MSCs infused at 3 and 6 months of age", 2),
    ("vitamin D3 was given with the MSC infusion", None),
    ("three patients receive a single dose of 1x10^6 MSC/kg dose", 1),
    ("MSC 2 x 10E6 cells/kg dose", None),
    ("MSCs will be infused intravenously (single dose)", 1),
    ("aaMSCs will be administered intrathecally at a single dose in a volume of 5-10 mL", None),
    ("MSCs infused at day 0 and at week 4", 2),
    ("one infusion of UCMSC at month 0 and one infusion of placebo at month 3", 1),
    ("UC-MSC injections at week 0, week 4 and week 8", 3),
    ("MSC injections at month 0 and month 6", 2),
    ("MSC infusion on days 1-5", None),
    ("MSC 1 x 10^6/kg IV weekly x 4", 4),
    ("MSCs every 2 weeks × 3", 3),
    ("MSCs weekly x 10^6 cells", None),
    ("the MSC injection will be repeated after 3 months", 2),
    ("the MSC injection may be repeated after 3 months if needed", None),
    ("three treatment sessions of intra-articular MSC injections", 3),
    ("a maximum of 4 treatment sessions of MSCs", None),
    ("MSCs given on day 0; efficacy measured at week 12 and week 24", None),
    # baseline as the first point of a schedule
    ("MSCs will be infused at baseline and at week 12", 2),
    ("UC-MSC injections at baseline and at month 6", 2),
    ("MSC infusion at baseline, week 4 and week 8", 3),
    ("MSCs are given at baseline and on day 14 of the study", 2),
    ("patients will be evaluated at baseline and at week 12 after the MSC infusion", None),
]


@pytest.mark.parametrize(("text", "want"), MORE_COUNTS, ids=[c[0][:50] for c in MORE_COUNTS])
def test_more_counts(text: str, want: int | None) -> None:
    assert resolve(find_counts(text)).value == want


def _dose_arms(labels: tuple[str, str], shared: str, **kw: object) -> Trial:
    """Two cell arms named by their groups, one intervention (with ``shared`` as its
    description) linked to both, and a placebo arm."""
    a, b = labels
    return _trial(
        brief_title="Umbilical cord mesenchymal stem cells in ARDS",
        arms=[
            Arm(a, "EXPERIMENTAL", None, ("Biological: UC-MSC",)),
            Arm(b, "EXPERIMENTAL", None, ("Biological: UC-MSC",)),
            Arm("Placebo", "PLACEBO_COMPARATOR", "Saline", ("Other: Placebo",)),
        ],
        interventions=[
            Intervention("UC-MSC", "BIOLOGICAL", shared, (), (a, b)),
            Intervention("Placebo", "OTHER", "Saline", (), ("Placebo",)),
        ],
        **kw,
    )


GROUP_CASES = [
    (
        ("Low-dose group", "High-dose group"),
        "Low-dose group (5 x 10^7 cells)\nHigh-dose group (1 x 10^8 cells)",
    ),
    (
        ("Low dose", "High dose"),
        "UC-MSC 5 x 10^7 cells for the low dose group or 1 x 10^8 cells for the high dose group",
    ),
    (
        ("Cohort 1", "Cohort 2"),
        "UC-MSC 5 x 10^7 cells (cohort 1) and 1 x 10^8 cells (cohort 2), intravenously",
    ),
    (
        ("Group A: UC-MSC", "Group B: UC-MSC"),
        "Group A: 5 x 10^7 UC-MSC cells; Group B: 1 x 10^8 UC-MSC cells.",
    ),
    (
        ("Dose level I", "Dose level II"),
        "Dose level I - 5 x 10^7 cells. Dose level II - 1 x 10^8 cells.",
    ),
]


@pytest.mark.parametrize(("labels", "shared"), GROUP_CASES, ids=[c[0][0] for c in GROUP_CASES])
def test_a_figure_named_for_one_group_goes_to_that_arm_only(
    labels: tuple[str, str], shared: str
) -> None:
    t = _dose_arms(labels, shared)
    annotate_trial(t)
    low, high, placebo = t.arms
    assert [d.min_cells for d in low.doses] == [5e7]
    assert [d.min_cells for d in high.doses] == [1e8]
    assert not placebo.doses and not placebo.products
    assert any("named for" in n for n in t.notes)


def test_a_figure_for_a_group_no_arm_names_stays_on_every_arm_with_a_note() -> None:
    t = _dose_arms(("MSC arm one", "MSC arm two"), "UC-MSC 5 x 10^7 cells (group A)")
    annotate_trial(t)
    assert [[d.min_cells for d in a.doses] for a in t.arms[:2]] == [[5e7], [5e7]]


def test_a_list_of_groups_names_none_of_them() -> None:
    t = _dose_arms(
        ("Group A", "Group B"),
        "group A and B will be injected intravenously with 1.5x10E6/kg and 2.0x10E6/kg",
    )
    annotate_trial(t)
    assert [len(a.doses) for a in t.arms[:2]] == [2, 2]


def test_the_figure_in_the_arm_label_is_that_arms() -> None:
    """Arms labelled by their own figure do not take the other arm's figure from the shared
    intervention text."""
    t = _dose_arms(
        ("UC-MSC 1x10^6/kg", "UC-MSC 2x10^6/kg"),
        "UC-MSC 1x10^6/kg or 2x10^6/kg, one intravenous infusion",
    )
    annotate_trial(t)
    assert [[d.min_cells for d in a.doses] for a in t.arms[:2]] == [[1e6], [2e6]]
    assert [a.administrations for a in t.arms[:2]] == [1, 1]


@pytest.mark.parametrize(
    "summary",
    [
        "Cohort A: 1 x 10^6 cells/kg, one infusion; Cohort B: a first injection of "
        "2 x 10^6 cells/kg, then a second six weeks later.",
        "Cohort A: a single infusion of 1 x 10^6 cells/kg.\nCohort B: 2 x 10^6 cells/kg "
        "twice, four weeks apart.",
        "Cohort A - 1 x 10^6 cells/kg given once\nCohort B - 2 x 10^6 cells/kg, two infusions",
    ],
)
def test_each_cohort_gets_its_own_dose_and_count_from_the_summary(summary: str) -> None:
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in knee osteoarthritis",
        brief_summary=summary,
        arms=[
            Arm("Cohort A", "EXPERIMENTAL", "UC-MSC", ("Biological: UC-MSC",)),
            Arm("Cohort B", "EXPERIMENTAL", "UC-MSC", ("Biological: UC-MSC",)),
        ],
    )
    annotate_trial(t)
    a, b = t.arms
    assert [(d.min_cells, d.administrations) for d in a.doses] == [(1e6, 1)]
    assert [(d.min_cells, d.administrations) for d in b.doses] == [(2e6, 2)]


def test_a_count_the_summary_gives_every_dose_group() -> None:
    t = _dose_arms(
        ("Low-dose group", "High-dose group"),
        "Low-dose group (5 x 10^7 cells)\nHigh-dose group (1 x 10^8 cells)",
        brief_summary=(
            "Subjects in the test groups were administered intravenously once with UC-MSC: "
            "5 x 10^7 cells for the low-dose group or 1 x 10^8 cells for the high-dose group."
        ),
    )
    annotate_trial(t)
    assert [a.administrations for a in t.arms[:2]] == [1, 1]
    assert any("shared by the arms" in n for n in t.notes)


# ---------------------------------------------------------------- crossover


def _placebo_trial(placebo: str, summary: str = "A randomized, placebo-controlled study.") -> Trial:
    return _trial(
        brief_title="Umbilical cord mesenchymal stem cells for knee osteoarthritis",
        brief_summary=summary,
        arms=[
            Arm("UC-MSC", "EXPERIMENTAL", "UC-MSC 1 x 10^6 cells/kg, single intravenous infusion"),
            Arm("Placebo", "PLACEBO_COMPARATOR", placebo),
        ],
    )


CROSSOVER = [
    ("Placebo infusion. At month 6, patients in this arm cross over to receive UC-MSC.", ""),
    (
        "Saline placebo; after unblinding at 12 months, patients will be offered the MSC treatment.",
        "",
    ),
    ("Placebo for 6 months, then crossover to the active treatment.", ""),
    ("Placebo infusion, followed by a delayed treatment with MSCs at week 24.", ""),
    (
        "Placebo (Lactated Ringer's solution).",
        "Patients on placebo will cross over to receive MSCs after 6 months.",
    ),
    ("Saline.", "At the end of the study, the placebo group will receive the stem cell treatment."),
]


@pytest.mark.parametrize(("placebo", "summary"), CROSSOVER, ids=[c[0][:40] for c in CROSSOVER])
def test_a_placebo_arm_that_crosses_over_gets_the_cells_marked_after_crossover(
    placebo: str, summary: str
) -> None:
    t = _placebo_trial(placebo, summary or "A randomized, placebo-controlled study.")
    annotate_trial(t)
    cells, control = t.arms
    assert not cells.after_crossover and not any(d.after_crossover for d in cells.doses)
    assert control.after_crossover
    assert [p.name for p in control.products] == ["UC-MSC"]
    assert [(d.min_cells, d.after_crossover, d.route) for d in control.doses] == [
        (1e6, True, "intravenous")
    ]
    assert any("after crossover" in n for n in t.notes)


def test_the_crossover_sentence_states_its_own_figure() -> None:
    t = _placebo_trial("Placebo. At week 26 patients cross over to receive 2 x 10^6 UC-MSC/kg.")
    annotate_trial(t)
    assert [(d.min_cells, d.after_crossover) for d in t.arms[1].doses] == [(2e6, True)]


@pytest.mark.parametrize(
    ("placebo", "summary"),
    [
        (
            "Placebo (Lactated Ringer's solution).",
            "A placebo-controlled, crossover, randomized study of MSCs.",
        ),
        ("Placebo infusion.", "A randomized crossover design comparing MSC and placebo."),
        ("Placebo infusion that does not contain any cells.", ""),
        ("Saline placebo; patients will receive standard care.", ""),
        ("Placebo and standard care. Patients may receive MSCs after the study if they wish.", ""),
    ],
)
def test_no_crossover_without_a_change_of_treatment(placebo: str, summary: str) -> None:
    t = _placebo_trial(placebo, summary or "A randomized, placebo-controlled study.")
    annotate_trial(t)
    control = t.arms[1]
    assert not control.after_crossover and not control.doses and not control.products


def test_after_crossover_is_written_to_rdf() -> None:
    from pyoxigraph import Literal

    from kg.rdf import cto, trial_quads

    t = _placebo_trial(
        "Placebo infusion. At month 6, patients in this arm cross over to receive UC-MSC."
    )
    annotate_trial(t)
    _, quads = trial_quads(t)
    flagged = [q for q in quads if q.predicate == cto("afterCrossover")]
    assert len(flagged) == 2  # the arm and its dose
    assert all(isinstance(q.object, Literal) and q.object.value == "true" for q in flagged)


_STYLES = {
    "leading": "{name}: {fig} UC-MSC cells",
    "parenthesis": "{fig} UC-MSC cells ({name})",
    "for": "{fig} UC-MSC cells for the {name}",
    "label-paren": "{name} ({fig} cells)",
}
_NAMINGS = {
    "letter": (
        ["Group A", "Group B", "Group C", "Group D"],
        ["group A", "group B", "group C", "group D"],
    ),
    "cohort": (
        ["Cohort 1", "Cohort 2", "Cohort 3", "Cohort 4"],
        ["cohort 1", "cohort 2", "cohort 3", "cohort 4"],
    ),
    "level": (
        ["Low dose", "Medium dose", "High dose"],
        ["low-dose group", "medium-dose group", "high-dose group"],
    ),
    "roman": (
        ["Dose level I", "Dose level II", "Dose level III"],
        ["dose level I", "dose level II", "dose level III"],
    ),
}


@settings(max_examples=80, deadline=None)
@given(
    naming=st.sampled_from(sorted(_NAMINGS)),
    style=st.sampled_from(sorted(_STYLES)),
    k=st.integers(min_value=2, max_value=3),
    exps=st.lists(st.integers(min_value=6, max_value=9), min_size=3, max_size=3, unique=True),
    sep=st.sampled_from(["; ", ". ", "\n", ", "]),
)
def test_each_group_figure_goes_to_its_own_arm(
    naming: str, style: str, k: int, exps: list[int], sep: str
) -> None:
    labels, names = _NAMINGS[naming]
    figs = [f"1 x 10^{e}" for e in exps[:k]]
    shared = sep.join(_STYLES[style].format(name=names[i], fig=figs[i]) for i in range(k))
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in ARDS",
        arms=[Arm(labels[i], "EXPERIMENTAL", None, ("Biological: UC-MSC",)) for i in range(k)],
        interventions=[Intervention("UC-MSC", "BIOLOGICAL", shared, (), tuple(labels[:k]))],
    )
    annotate_trial(t)
    got = [[d.min_cells for d in a.doses] for a in t.arms]
    assert got == [[10.0**e] for e in exps[:k]], shared


@pytest.mark.parametrize(
    "summary",
    [
        "Patients receive 1 x 10^6 cells/kg of BM-MSC or 2 x 10^6 cells/kg of UC-MSC.",
        "Bone marrow MSC (1 x 10^6 cells/kg) or umbilical cord MSC (2 x 10^6 cells/kg) are infused.",
        "BM-MSC: 1 x 10^6 cells/kg; UC-MSC: 2 x 10^6 cells/kg.",
    ],
)
def test_a_figure_named_for_one_tissue_goes_to_the_arm_of_those_cells(summary: str) -> None:
    t = _trial(
        brief_title="Mesenchymal stem cells from two tissues in ARDS",
        brief_summary=summary,
        arms=[
            Arm("BM-MSC", "EXPERIMENTAL", "Bone marrow-derived MSC infusion"),
            Arm("UC-MSC", "EXPERIMENTAL", "Umbilical cord-derived MSC infusion"),
        ],
    )
    annotate_trial(t)
    assert [[d.min_cells for d in a.doses] for a in t.arms] == [[1e6], [2e6]]


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (
            "summary",
            "Group A will receive one infusion of 1 x 10^6 MSC/kg; group B will receive two "
            "infusions of 1 x 10^6 MSC/kg, 4 weeks apart.",
        ),
        (
            "intervention",
            "Group A will receive one infusion of 1 x 10^6 MSC/kg; group B will receive two "
            "infusions of 1 x 10^6 MSC/kg, 4 weeks apart.",
        ),
        (
            "intervention",
            "Group A: a single infusion of UC-MSC 1 x 10^6 cells/kg\\nGroup B: UC-MSC 1 x 10^6 "
            "cells/kg weekly for 2 weeks",
        ),
    ],
)
def test_a_count_named_for_one_group_is_that_arms_only(where: str, text: str) -> None:
    text = text.replace("\\n", "\n")
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in ARDS",
        brief_summary=text if where == "summary" else "A randomized study of UC-MSC.",
        arms=[
            Arm("Group A", "EXPERIMENTAL", "UC-MSC", ("Biological: UC-MSC",)),
            Arm("Group B", "EXPERIMENTAL", "UC-MSC", ("Biological: UC-MSC",)),
        ],
        interventions=[
            Intervention(
                "UC-MSC",
                "BIOLOGICAL",
                text if where == "intervention" else "UC-MSC",
                (),
                ("Group A", "Group B"),
            )
        ],
    )
    annotate_trial(t)
    assert [a.administrations for a in t.arms] == [1, 2]
    # the same figure stated for each group: each arm has it, with its own count
    assert [[(d.min_cells, d.administrations) for d in a.doses] for a in t.arms] == [
        [(1e6, 1)],
        [(1e6, 2)],
    ]


def test_a_list_of_groups_in_a_sentence_owns_nothing() -> None:
    """'(low-dose group and high-dose group)' names both: the count of the next sentence is
    every dose group's, not the second group's."""
    t = _dose_arms(
        ("Low-dose group", "High-dose group"),
        "Low-dose group (5 x 10^7 cells)\nHigh-dose group (1 x 10^8 cells)",
        brief_summary=(
            "Subjects are randomized to the test groups (low-dose group and high-dose group) or "
            "the control group. Subjects in the test groups were administered intravenously "
            "once with UC-MSC."
        ),
    )
    annotate_trial(t)
    assert [a.administrations for a in t.arms[:2]] == [1, 1]


_COUNT_PHRASES = {
    1: "a single infusion of",
    2: "two infusions of",
    3: "three injections of",
    4: "weekly for 4 weeks:",
}


@settings(max_examples=60, deadline=None)
@given(
    naming=st.sampled_from(sorted(_NAMINGS)),
    counts=st.lists(st.sampled_from(sorted(_COUNT_PHRASES)), min_size=2, max_size=3),
    sep=st.sampled_from([";\n", "\n", ". "]),
    lead=st.sampled_from([": ", " - ", " will receive "]),
)
def test_each_group_gets_its_own_count(naming: str, counts: list[int], sep: str, lead: str) -> None:
    labels, names = _NAMINGS[naming]
    k = len(counts)
    if k > len(labels):
        return
    shared = sep.join(
        f"{names[i][0].upper()}{names[i][1:]}{lead}{_COUNT_PHRASES[n]} UC-MSC 1 x 10^{6 + i} cells"
        for i, n in enumerate(counts)
    )
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in ARDS",
        arms=[Arm(labels[i], "EXPERIMENTAL", None, ("Biological: UC-MSC",)) for i in range(k)],
        interventions=[Intervention("UC-MSC", "BIOLOGICAL", shared, (), tuple(labels[:k]))],
    )
    annotate_trial(t)
    assert [a.administrations for a in t.arms] == counts, shared
    assert [[d.min_cells for d in a.doses] for a in t.arms] == [[10.0 ** (6 + i)] for i in range(k)]


_NAMED_WAYS = {
    "intra-arterial": [
        "into the femoral artery",
        "via the hepatic artery",
        "through the carotid artery",
    ],
    "intracoronary": ["into the coronary artery", "via intracoronary infusion"],
    "intrathecal": ["intrathecally", "into the cerebrospinal fluid", "by lumbar puncture"],
    "endobronchial": ["through a bronchoscope", "by bronchoscopy"],
    "intra-articular": ["into the knee joint", "intra-articularly"],
    "intramuscular": ["into the gastrocnemius muscle", "intramuscularly"],
}


@settings(max_examples=80, deadline=None)
@given(
    key=st.sampled_from(sorted(_NAMED_WAYS)),
    i=st.integers(min_value=0, max_value=2),
    verb=st.sampled_from(["infused", "injected", "administered", "delivered"]),
    before=st.booleans(),
)
def test_a_named_way_in_wins_over_infusion(key: str, i: int, verb: str, before: bool) -> None:
    """ "Infusion" is intravenous only where nothing else names the route."""
    ways = _NAMED_WAYS[key]
    way = ways[i % len(ways)]
    infusion = "The MSC infusion lasts 20 minutes."
    said = f"MSCs will be {verb} {way}."
    text = f"{infusion} {said}" if before else f"{said} {infusion}"
    got = find_route(text)
    assert got is not None and got[0] == key, text


@pytest.mark.parametrize(
    "description",
    [
        "2 milliliters of bone marrow will be collected and analysed; MSCs are studied in vitro.",
        "A biobank of bone marrow to investigate in vitro the properties of mesenchymal stromal cells.",
        "Non-interventional study: in vitro analysis of adipose-derived stem cells.",
    ],
)
def test_cells_that_are_studied_not_given_are_no_product(description: str) -> None:
    t = _trial(
        brief_title="Bone marrow mesenchymal stromal cells in myelodysplastic syndromes",
        study_type="OBSERVATIONAL",
        arms=[Arm("Patients", None, description, ("Other: Bone marrow analyses",))],
        interventions=[
            Intervention("Bone marrow analyses", "OTHER", description, (), ("Patients",))
        ],
    )
    annotate_trial(t)
    assert not t.arms[0].products and not t.arms[0].doses


@pytest.mark.parametrize(
    "sentence",
    [
        "Bone marrow (60 ml) will be collected and MSCs expanded in vitro.",
        "Adipose tissue is sampled and the ASCs characterized before release.",
    ],
)
def test_a_harvest_sentence_still_names_the_product(sentence: str) -> None:
    t = _trial(
        brief_title="Autologous mesenchymal stem cells in knee osteoarthritis",
        arms=[Arm("MSC", "EXPERIMENTAL", sentence)],
    )
    annotate_trial(t)
    assert t.arms[0].products


def test_cells_given_in_a_sentence_that_also_analyses_them_are_a_product() -> None:
    t = _trial(
        brief_title="Umbilical cord MSC in ARDS",
        arms=[
            Arm(
                "UC-MSC",
                "EXPERIMENTAL",
                "UC-MSC 1 x 10^6 cells/kg are infused; samples are analysed in vitro.",
            )
        ],
    )
    annotate_trial(t)
    assert [p.tissue for p in t.arms[0].products] == ["UBERON:0002331"]


@pytest.mark.parametrize(
    ("label", "kind", "description"),
    [
        (
            "Delayed treatment",
            "NO_INTERVENTION",
            "Standard care for 6 months, then UC-MSC 1 x 10^6 cells/kg.",
        ),
        ("Wait-list control", "OTHER", "Usual care; after 12 months UC-MSC 1 x 10^6 cells/kg IV."),
        ("Delayed UC-MSC", "EXPERIMENTAL", "UC-MSC 1 x 10^6 cells/kg IV at month 6."),
    ],
)
def test_a_delayed_treatment_arm_gets_its_cells_after_crossover(
    label: str, kind: str, description: str
) -> None:
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells in knee osteoarthritis",
        arms=[
            Arm("Immediate UC-MSC", "EXPERIMENTAL", "UC-MSC 1 x 10^6 cells/kg IV at baseline."),
            Arm(label, kind, description),
        ],
    )
    annotate_trial(t)
    early, late = t.arms
    assert not early.after_crossover and [d.after_crossover for d in early.doses] == [False]
    assert late.after_crossover
    assert [(d.min_cells, d.after_crossover) for d in late.doses] == [(1e6, True)]


# ------------------------------------------------ day lists that miss a comma
@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "will be infused with 70 million mesenchymal stem cell day 0, 3 6 , infusion time 30 min",
            3,
        ),
        ("MSCs will be infused on days 1,3 and 5.", 3),
        ("MSCs will be infused on day 0, 3, 6.", 3),
        ("The cells are infused on day 0, 3 6 and 9.", 4),
        ("MSCs were injected on days 0,3,6", 3),
        ("MSCs given on days 1, 4 7 and 10", 4),
        ("patients infused with MSCs on day 0, 7 14", 3),
        # a space alone is no separator where the list has no other, the days fall, or a
        # figure follows
        ("MSCs given on day 0, 3 70 million cells", 2),
        ("MSCs given on day 7, 3 5", 2),
        ("MSCs infused on days 1, 3 5 patients", 2),
        ("cells infused at day 1 3 5", None),
    ],
)
def test_day_list_with_a_missing_comma(text: str, count: int | None) -> None:
    assert resolve(find_counts(text)).value == count


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 60), min_size=2, max_size=5, unique=True).map(sorted),
    gaps=st.lists(st.sampled_from([", ", ",", " and ", " "]), min_size=4, max_size=4),
)
def test_rising_day_lists_count_each_day(days: list[int], gaps: list[str]) -> None:
    listed = str(days[0]) + "".join(g + str(d) for g, d in zip(gaps, days[1:], strict=False))
    used = gaps[: len(days) - 1]
    text = f"MSCs will be infused on days {listed}."
    expected = len(days) if any(g.strip() for g in used) else None
    assert resolve(find_counts(text)).value == expected


# A control arm whose own intervention (or arm text) says it is given the cells later, in the
# words of a later giving rather than "cross over" / "receive" (train-c: "media injection but
# after 6 months they will be transplanted by stem cell").
LATER_GIVING = [
    "Cell-free media injection, but after 6 months they will be transplanted by stem cell.",
    "Saline infusion; after 12 months these patients will then be infused with UC-MSC.",
    "Vehicle injection. Their own cells are frozen and injected after 6 months.",
    "Standard care. At the end of the study they will be treated with the stem cells.",
]


@pytest.mark.parametrize("control", LATER_GIVING)
@pytest.mark.parametrize("where", ["arm", "intervention"])
def test_a_control_given_the_cells_later_is_after_crossover(control: str, where: str) -> None:
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells for knee osteoarthritis",
        arms=[
            Arm("UC-MSC", "EXPERIMENTAL", "UC-MSC 1 x 10^6 cells/kg, single intravenous infusion"),
            Arm("Control", "PLACEBO_COMPARATOR", control if where == "arm" else "Control group"),
        ],
        interventions=[
            Intervention("UC-MSC", "BIOLOGICAL", None, (), ("UC-MSC",)),
            Intervention(
                "Control injection",
                "OTHER",
                control if where == "intervention" else "Control",
                (),
                ("Control",),
            ),
        ],
    )
    annotate_trial(t)
    control_arm = t.arms[1]
    assert control_arm.after_crossover
    assert [p.name for p in control_arm.products] == ["UC-MSC"]
    assert control_arm.route == "intravenous"
    assert [(d.min_cells, d.after_crossover) for d in control_arm.doses] == [(1e6, True)]


@pytest.mark.parametrize(
    "control",
    [
        "Patients are infused with placebo matching the MSC product after thawing.",
        "The vehicle will be injected with the same volume after 6 months.",
        "Saline infusion; cells are analysed after 6 months.",
        "Control: patients will be treated with standard care after 6 months.",
    ],
)
def test_a_later_giving_of_something_else_is_no_crossover(control: str) -> None:
    t = _trial(
        brief_title="Umbilical cord mesenchymal stem cells for knee osteoarthritis",
        arms=[
            Arm("UC-MSC", "EXPERIMENTAL", "UC-MSC 1 x 10^6 cells/kg, single intravenous infusion"),
            Arm("Control", "PLACEBO_COMPARATOR", "Control group"),
        ],
        interventions=[
            Intervention("UC-MSC", "BIOLOGICAL", None, (), ("UC-MSC",)),
            Intervention("Control injection", "OTHER", control, (), ("Control",)),
        ],
    )
    annotate_trial(t)
    control_arm = t.arms[1]
    assert not control_arm.after_crossover and not control_arm.products and not control_arm.doses


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a delivery of the cells is an administration ...
        ("A single transendocardial delivery of 100 million MSCs", 1),
        ("a single delivery of 100 million MSCs by transendocardial injection", 1),
        ("one intracoronary delivery of 10 million MSCs", 1),
        ("two deliveries of 1 x 10^6 MSCs/kg, 4 weeks apart", 2),
        ("a single intratracheal delivery of MSCs in preterm infants", 1),
        # ... a childbirth is not, nor a delivery of something that is not the cells
        ("patients with a history of three or more deliveries", None),
        ("women after a single vaginal delivery", None),
        ("two previous caesarean deliveries", None),
        ("the single delivery of the placenta", None),
        ("two deliveries in the last year", None),
    ],
)
def test_a_delivery_of_the_cells_counts_a_childbirth_does_not(text: str, want: int | None) -> None:
    assert resolve(find_counts(text)).value == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("patients receive 1 x 10^6 MSCs/kg intravenously once.", 1),
        ("MSCs 2 x 10^6/kg IV once, at day 0", 1),
        ("40 million MSCs injected intra-articularly once.", 1),
        ("MSCs given subcutaneously once", 1),
        # "once" that is a frequency or a conjunction is no count of one
        ("1 x 10^6 MSCs/kg IV once a week for 4 weeks", 4),
        ("stage IV once stable", None),
        ("infused intravenously once daily for 3 days", 3),
    ],
)
def test_the_route_as_an_adverb_before_once(text: str, want: int | None) -> None:
    assert resolve(find_counts(text)).value == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("MSCs 1 x 10^6/kg IV; the infusion is repeated 2 weeks later.", 2),
        ("the injection will be repeated one month later", 2),
        ("the MSC infusion is repeated a week later", 2),
        ("the injection will be repeated after 3 months", 2),  # as before
        # an option or a condition is no count
        ("the infusion may be repeated 2 weeks later", None),
        ("if there is no response, the infusion will be repeated 4 weeks later", None),
    ],
)
def test_repeated_some_time_later_is_a_second_administration(text: str, want: int | None) -> None:
    assert resolve(find_counts(text)).value == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("MSCs given by lumbar puncture", "intrathecal"),
        ("MSCs administered through a lumbar puncture", "intrathecal"),
        ("MSCs administered via a lumbar puncture", "intrathecal"),
        ("MSCs delivered by means of lumbar puncture", "intrathecal"),
        # a puncture to take a sample is no way in for the cells
        ("CSF obtained through a lumbar puncture at baseline", None),
        ("CSF samples collected via lumbar puncture", None),
        ("a diagnostic lumbar puncture at baseline", None),
    ],
)
def test_a_lumbar_puncture_gives_the_cells_or_takes_a_sample(text: str, want: str | None) -> None:
    hit = find_route(text)
    assert (hit[0] if hit else None) == want
