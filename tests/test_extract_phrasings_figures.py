"""A phrasing matrix of dose figures, units and product facts (engineer W, round 6).

The rows of :mod:`test_extract_phrasings` read one fact from a minimal record; these add the
families that matrix covers thinly or not at all: number notations (lost superscripts, ``10e6``,
``x10 6``, "MM", "one million", grouped digits), per-kilogram bases, ranges and lists in every
shape, the words that lead a figure ("at a dose of", "containing", "consisting of"), cell names
between the figure and its unit, and tissue and donor synonyms. Every family has three wordings
or more, and near-misses of the same shape (caps, lower bounds, concentrations, laboratory
counts) that must give nothing. The sentences are written from how registries phrase things,
not copied from any record.
"""

from __future__ import annotations

import pytest
from test_extract_phrasings import (
    AD,
    AM,
    BM,
    CELLS,
    DP,
    KG,
    NONE,
    PL,
    UC,
    WJ,
    Field,
    Row,
    Where,
    d,
    observed,
    record,
)

from kg.extract import annotate_trial
from kg.model import Donor, Eligibility

_WHERE2: tuple[Where, ...] = ("arm", "intervention")
_WHERE3: tuple[Where, ...] = ("arm", "intervention", "detailed")

# (family, field, text, expected[, gap[, the places where the gap holds]])
Entry = (
    tuple[str, Field, str, object]
    | tuple[str, Field, str, object, str]
    | tuple[str, Field, str, object, str, tuple[Where, ...]]
)


def ds(*figures: tuple[float, float, str]) -> tuple[tuple[float, float, str], ...]:
    """Several dose rows, sorted as :func:`observed` gives them."""
    return tuple(sorted(figures))


# (family, field, text, expected[, gap])
FIGURES: list[Entry] = [
    # ---------------------------------------------------------------- number notations
    ("notation:lost superscript", "dose", "MSCs 2 x 106 cells/kg.", d(2e6, unit=KG)),
    ("notation:lost superscript", "dose", "Patients receive 5x107 UC-MSCs.", d(5e7)),
    (
        "notation:lost superscript",
        "dose",
        "A dose of 1.5 x 108 mesenchymal stromal cells.",
        d(1.5e8),
    ),
    ("notation:lost superscript", "dose", "MSCs at 1 × 106/kg.", d(1e6, unit=KG)),
    ("notation:10e6", "dose", "MSCs 1 x 10e6 cells/kg.", d(1e6, unit=KG)),
    ("notation:10e6", "dose", "Patients receive 2x10E7 MSCs.", d(2e7)),
    ("notation:10e6", "dose", "A dose of 1E6 MSCs/kg.", d(1e6, unit=KG)),
    ("notation:10e6", "dose", "MSCs 1.0E+06 cells per kg.", d(1e6, unit=KG)),
    ("notation:spaced power", "dose", "MSCs 2 x10 6 cells/kg.", d(2e6, unit=KG)),
    ("notation:spaced power", "dose", "Patients receive 1 x 10 8 MSCs.", d(1e8)),
    ("notation:spaced power", "dose", "A dose of 5 × 10 7 cells.", d(5e7)),
    ("notation:brackets power", "dose", "MSCs 1 x 10(6) cells/kg.", d(1e6, unit=KG)),
    ("notation:brackets power", "dose", "Patients receive 3x10(7) MSCs.", d(3e7)),
    ("notation:brackets power", "dose", "MSCs 2*10^6 cells/kg.", d(2e6, unit=KG)),
    ("notation:words", "dose", "Patients receive one million MSCs per kg.", d(1e6, unit=KG)),
    ("notation:words", "dose", "A dose of two million cells/kg of MSCs.", d(2e6, unit=KG)),
    ("notation:words", "dose", "MSCs: half a million cells per kilogram.", d(5e5, unit=KG)),
    ("notation:words", "dose", "Patients receive one hundred million MSCs.", d(1e8)),
    ("notation:MM", "dose", "MSCs 100 MM cells.", d(1e8)),
    ("notation:MM", "dose", "Patients receive 150MM MSCs.", d(1.5e8)),
    ("notation:MM", "dose", "A dose of 25 MM allogeneic MSCs.", d(2.5e7)),
    ("notation:M cells", "dose", "MSCs 100 M cells.", d(1e8)),
    ("notation:M cells", "dose", "Patients receive 20M MSCs.", d(2e7)),
    ("notation:M cells", "dose", "A dose of 50 M mesenchymal stromal cells.", d(5e7)),
    ("notation:grouped digits", "dose", "MSCs 2,000,000 cells/kg.", d(2e6, unit=KG)),
    ("notation:grouped digits", "dose", "Patients receive 2.000.000 MSCs per kg.", d(2e6, unit=KG)),
    ("notation:grouped digits", "dose", "A dose of 100 000 000 MSCs.", d(1e8)),
    ("notation:grouped digits", "dose", "MSCs 1000000 cells/kg.", d(1e6, unit=KG)),
    ("notation:decimal comma", "dose", "MSCs 0,5 × 10^6 cells/kg.", d(5e5, unit=KG)),
    (
        "notation:decimal comma",
        "dose",
        "Patients receive 1,5 million MSCs per kg.",
        d(1.5e6, unit=KG),
    ),
    ("notation:decimal comma", "dose", "A dose of 2,5x10^7 MSCs.", d(2.5e7)),
    ("notation:millions", "dose", "MSCs 1.5 millions cells/kg.", d(1.5e6, unit=KG)),
    ("notation:millions", "dose", "Patients receive 100 million MSCs.", d(1e8)),
    ("notation:millions", "dose", "A dose of 1 mln MSCs per kg.", d(1e6, unit=KG)),
    ("notation:millions", "dose", "MSCs: 40 Mio. cells.", d(4e7)),
    ("notation:leading point", "dose", "MSCs .5 million cells/kg.", d(5e5, unit=KG)),
    ("notation:leading point", "dose", "Patients receive MSCs (.5 x 10^6/kg).", d(5e5, unit=KG)),
    ("notation:leading point", "dose", "A dose of .75 x 10^6 MSCs per kg.", d(7.5e5, unit=KG)),
    ("notation:leading point", "dose", "MSCs .5-1 million cells/kg.", d(5e5, 1e6, KG)),
    ("notation:Indian scale", "dose", "MSCs 5 lakh cells/kg.", d(5e5, unit=KG)),
    ("notation:Indian scale", "dose", "Patients receive 2 crore MSCs.", d(2e7)),
    ("notation:Indian scale", "dose", "A dose of one lakh MSCs per kg.", d(1e5, unit=KG)),
    ("notation:tilde power", "dose", "MSCs 2×10~6/kg.", d(2e6, unit=KG)),
    ("notation:tilde power", "dose", "Patients receive 1 x 10~8 MSCs.", d(1e8)),
    ("notation:tilde power", "dose", "UC-MSCs 5×10 ~ 7 cells.", d(5e7)),
    ("notation:M per kg", "dose", "MSCs 2M/kg.", d(2e6, unit=KG)),
    ("notation:M per kg", "dose", "Patients receive MSCs at 2 M/kg.", d(2e6, unit=KG)),
    ("notation:M per kg", "dose", "MSCs 2 mio. cells/kg.", d(2e6, unit=KG)),
    ("notation:M per kg", "dose", "MSCs 2 x 10⁺⁶ cells/kg.", d(2e6, unit=KG)),
    # ---------------------------------------------------------------- per kilogram
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per kilogram.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per kg body weight.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg BW.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg b.w.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg bw.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per kg of recipient weight.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg/dose.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells / kg.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/Kg of body weight.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per kilogram of body weight.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg of body mass.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per kg of the recipient.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells per each kg.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 x 10^6 cells/kg weight.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 × 10^6 cells∙kg−1.", d(1e6, unit=KG)),
    ("per kg:basis", "dose", "MSCs 1 × 10^6 cells per 1 kg.", d(1e6, unit=KG)),
    # ---------------------------------------------------------------- ranges
    ("range:shape", "dose", "MSCs 1-2 × 10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1 to 2 × 10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs between 1 and 2 million cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1 × 10^6 – 2 × 10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs (1–2) × 10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1~2×10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs from 1 to 2 million cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1 x 10^6 cells/kg to 2 x 10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1.0-2.0 x10^6 cells/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 1 - 2 million/kg.", d(1e6, 2e6, KG)),
    ("range:shape", "dose", "MSCs 50-100 million cells.", d(5e7, 1e8)),
    ("range:shape", "dose", "MSCs between 10^6 and 10^7 cells/kg.", d(1e6, 1e7, KG)),
    ("range:shape", "dose", "MSCs ranging from 1 to 5 x 10^6 cells/kg.", d(1e6, 5e6, KG)),
    ("range:shape", "dose", "MSCs 1x10^6 ~ 2x10^6 cells/kg.", d(1e6, 2e6, KG)),
    (
        "range:two bounds",
        "dose",
        "MSCs at least 1 × 10^6 and up to 2 × 10^6 cells/kg.",
        d(1e6, 2e6, KG),
    ),
    (
        "range:two bounds",
        "dose",
        "A minimum of 1 million cells/kg and a maximum of 2 million cells/kg of MSCs.",
        d(1e6, 2e6, KG),
    ),
    (
        "range:two bounds",
        "dose",
        "MSCs: minimum 1 x 10^6, maximum 2 x 10^6 cells/kg.",
        d(1e6, 2e6, KG),
    ),
    (
        "range near-miss:two bounds",
        "dose",
        "MSCs at least 1 x 10^6 cells/kg, up to 2 x 10^8 cells.",
        NONE,
    ),
    (
        "range near-miss:two bounds",
        "dose",
        "A dose of 1 x 10^6 MSC/kg (minimum 0.8 x 10^6, maximum 1.2 x 10^6).",
        d(1e6, unit=KG),
    ),
    (
        "range near-miss:two bounds",
        "dose",
        "MSCs more than 1 x 10^6 cells/kg; up to 3 infusions.",
        NONE,
    ),
    # ---------------------------------------------------------------- tolerances
    (
        "tolerance:between figure and unit",
        "dose",
        "Each subject receives 100 million (±20%) cells.",
        d(1e8),
    ),
    (
        "tolerance:between figure and unit",
        "dose",
        "MSCs 2 x 10^6 (±10%) cells/kg.",
        d(2e6, unit=KG),
    ),
    (
        "tolerance:between figure and unit",
        "dose",
        "MSCs 1 x 10^6 (+/- 0.2 x 10^6) cells/kg.",
        d(1e6, unit=KG),
    ),
    (
        "tolerance:between figure and unit",
        "dose",
        "MSCs 1 x 10^6 (± 10 %) per kg.",
        d(1e6, unit=KG),
    ),
    (
        "tolerance:between figure and unit",
        "dose",
        "MSCs 5 x 10^7 (approximately) cells are injected.",
        d(5e7),
    ),
    # ---------------------------------------------------------------- lists
    (
        "list:shape",
        "dose",
        "MSCs 1, 3 or 10 × 10^6 cells/kg.",
        ds((1e6, 1e6, KG), (3e6, 3e6, KG), (1e7, 1e7, KG)),
    ),
    (
        "list:shape",
        "dose",
        "MSCs 1 × 10^6, 5 × 10^6 and 1 × 10^7 cells/kg.",
        ds((1e6, 1e6, KG), (5e6, 5e6, KG), (1e7, 1e7, KG)),
    ),
    (
        "list:shape",
        "dose",
        "MSCs at 0.5, 1 and 2 million cells/kg.",
        ds((5e5, 5e5, KG), (1e6, 1e6, KG), (2e6, 2e6, KG)),
    ),
    (
        "list:shape",
        "dose",
        "MSCs: low dose 1 × 10^6 cells/kg or high dose 5 × 10^6 cells/kg.",
        ds((1e6, 1e6, KG), (5e6, 5e6, KG)),
    ),
    (
        "list:shape",
        "dose",
        "MSCs 25, 50 or 100 million cells.",
        ds((2.5e7, 2.5e7, CELLS), (5e7, 5e7, CELLS), (1e8, 1e8, CELLS)),
    ),
    (
        "list:shape",
        "dose",
        "MSCs 1 million/kg, 2 million/kg or 4 million/kg.",
        ds((1e6, 1e6, KG), (2e6, 2e6, KG), (4e6, 4e6, KG)),
    ),
    # ---------------------------------------------------------------- lead words
    ("lead:dose words", "dose", "MSCs at a dose of 2 x 10^6 cells/kg.", d(2e6, unit=KG)),
    ("lead:dose words", "dose", "A fixed dose of 1 x 10^8 MSCs.", d(1e8)),
    ("lead:dose words", "dose", "A suspension containing 5 x 10^7 MSCs is injected.", d(5e7)),
    ("lead:dose words", "dose", "A product consisting of 2 x 10^7 MSCs in 2 mL.", d(2e7)),
    ("lead:dose words", "dose", "MSCs, dosage: 1 x 10^6 cells/kg.", d(1e6, unit=KG)),
    ("lead:dose words", "dose", "Cell dose 3 x 10^6/kg of MSCs.", d(3e6, unit=KG)),
    ("lead:dose words", "dose", "MSCs with a total cell number of 1 x 10^8.", d(1e8)),
    ("lead:dose words", "dose", "MSCs, each dose 1 × 10^6 cells per kg.", d(1e6, unit=KG)),
    ("lead:product brackets", "dose", "UC-MSCs (1 × 10^6 cells/kg) are infused.", d(1e6, unit=KG)),
    ("lead:product brackets", "dose", "Allogeneic MSCs (2x10^7 cells) by injection.", d(2e7)),
    ("lead:product brackets", "dose", "BM-MSC (5 million cells/kg) infusion.", d(5e6, unit=KG)),
    ("lead:product brackets", "dose", "Mesenchymal stromal cells [1x10^8 cells].", d(1e8)),
    # ---------------------------------------------------------------- cell names in between
    ("cell words:between", "dose", "Patients receive 2×10^6 hUC-MSCs/kg.", d(2e6, unit=KG)),
    ("cell words:between", "dose", "A dose of 1×10^8 allogeneic BM-MSCs.", d(1e8)),
    (
        "cell words:between",
        "dose",
        "Patients receive 5 x 10^7 autologous adipose-derived stem cells.",
        d(5e7),
    ),
    ("cell words:between", "dose", "MSCs: 1 x 10^6 WJ-MSC per kg.", d(1e6, unit=KG)),
    ("cell words:between", "dose", "MSCs: 3 x 10^6 viable cells/kg.", d(3e6, unit=KG)),
    (
        "cell words:between",
        "dose",
        "Patients receive 1 x 10^6 umbilical cord mesenchymal stem cells per kg.",
        d(1e6, unit=KG),
    ),
    ("cell words:between", "dose", "Patients receive 2 x 10^7 ADSCs.", d(2e7)),
    (
        "cell words:between",
        "dose",
        "Patients receive 1 x 10^6 UC-MSCs/kg body weight.",
        d(1e6, unit=KG),
    ),
    ("cell words:between", "dose", "Patients receive 4 x 10^7 hAMSCs.", d(4e7)),
    (
        "cell words:named again",
        "dose",
        "Patients receive 1 million cells of MSCs per kg weight.",
        d(1e6, unit=KG),
    ),
    ("cell words:named again", "dose", "A dose of 2 x 10^6 cells of UC-MSCs/kg.", d(2e6, unit=KG)),
    (
        "cell words:named again",
        "dose",
        "Patients receive 5 x 10^7 cells of allogeneic MSCs.",
        d(5e7),
    ),
    # ---------------------------------------------------------------- one container a dose
    (
        "container:one per administration",
        "dose",
        "Cell number: 1×10^8/bag; route: intravenous; 1 bag each time.",
        d(1e8),
    ),
    (
        "container:one per administration",
        "dose",
        "Each bag contains 5 x 10^7 MSCs; one bag is infused per session.",
        d(5e7),
    ),
    (
        "container:one per administration",
        "dose",
        "MSCs 1 x 10^8 cells per vial, 1 vial per injection.",
        d(1e8),
    ),
    (
        "container near-miss:content",
        "dose",
        "MSCs 1 x 10^8 cells/bag; 2 bags are infused each time.",
        NONE,
    ),
    (
        "container near-miss:content",
        "dose",
        "Each vial contains 5 x 10^7 cells; the number of vials depends on weight.",
        NONE,
    ),
    (
        "container near-miss:content",
        "dose",
        "MSCs 1 x 10^6 cells/kg; each vial contains 5 x 10^7 cells.",
        d(1e6, unit=KG),
    ),
    # ---------------------------------------------------------------- background
    (
        "dose near-miss:background",
        "dose",
        "In a previous study, 2 x 10^6 MSCs/kg was safe in 20 patients.",
        NONE,
    ),
    (
        "dose near-miss:background",
        "dose",
        "Previous trials used doses of 1-2 x 10^6 MSCs/kg.",
        NONE,
    ),
    ("dose near-miss:background", "dose", "Mice received 1 x 10^6 MSCs intravenously.", NONE),
    (
        "dose near-miss:background",
        "dose",
        "In animal models, 1 x 10^6 MSCs improved healing.",
        NONE,
    ),
    (
        "dose near-miss:background",
        "dose",
        "Le Blanc et al. infused 1 x 10^6 MSCs/kg in children.",
        NONE,
    ),
    (
        "dose near-miss:background",
        "dose",
        "Our phase I study showed that 1 x 10^6 MSCs/kg is safe.",
        NONE,
    ),
    (
        "dose:this trial beside background",
        "dose",
        "Based on previous studies, patients will receive 1 x 10^6 MSCs/kg.",
        d(1e6, unit=KG),
    ),
    (
        "dose:this trial beside background",
        "dose",
        "Patients receive 1 x 10^6 MSCs/kg, a dose that was safe in a previous study.",
        d(1e6, unit=KG),
    ),
    (
        "dose:this trial beside background",
        "dose",
        "Patients previously treated with steroids receive 1 x 10^6 MSCs/kg.",
        d(1e6, unit=KG),
    ),
    (
        "dose:this trial beside background",
        "dose",
        "hUC-MSCs were infused intravenously at 1 x 10^6 cells/kg in this study.",
        d(1e6, unit=KG),
    ),
    # ---------------------------------------------------------------- near-misses
    ("dose near-miss:cap only", "dose", "MSCs up to 2 x 10^8 cells.", NONE),
    ("dose near-miss:cap only", "dose", "MSCs, maximum dose 2 x 10^8 cells.", NONE),
    ("dose near-miss:cap only", "dose", "MSCs not exceeding 1 x 10^7 cells/kg.", NONE),
    ("dose near-miss:cap only", "dose", "MSCs no more than 100 million cells.", NONE),
    ("dose near-miss:lower bound", "dose", "MSCs at least 1 x 10^6 cells/kg.", NONE),
    ("dose near-miss:lower bound", "dose", "MSCs, more than 2 million cells per kg.", NONE),
    ("dose near-miss:lower bound", "dose", "MSCs, a minimum of 1 x 10^6 cells/kg.", NONE),
    ("dose near-miss:lower bound", "dose", "MSCs (≥ 1 x 10^6 cells/kg).", NONE),
    ("dose near-miss:concentration", "dose", "MSCs 5 × 10^6 cells/mL.", NONE),
    (
        "dose near-miss:concentration",
        "dose",
        "MSCs at a concentration of 1 x 10^7 cells per ml.",
        NONE,
    ),
    ("dose near-miss:concentration", "dose", "MSCs suspended at 2 million cells/mL.", NONE),
    ("dose near-miss:viability", "dose", "MSCs with viability above 80%.", NONE),
    ("dose near-miss:viability", "dose", "MSCs: viability ≥ 70% by trypan blue.", NONE),
    ("dose near-miss:viability", "dose", "MSCs, more than 95% CD73+ and CD90+.", NONE),
    ("dose near-miss:vial", "dose", "MSCs are supplied in vials of 1 x 10^7 cells.", NONE),
    ("dose near-miss:vial", "dose", "Each bag holds 2 x 10^8 MSCs.", NONE),
    ("dose near-miss:vial", "dose", "MSCs: one cryobag contains 100 million cells.", NONE),
    ("dose near-miss:lab count", "dose", "MSCs when platelets are above 50 x 10^9/L.", NONE),
    ("dose near-miss:lab count", "dose", "MSCs if the ANC is ≥ 1.5 x 10^9/L.", NONE),
    (
        "dose near-miss:lab count",
        "dose",
        "MSCs for patients with a CD4 count above 350 cells/mm3.",
        NONE,
    ),
    ("dose near-miss:lab count", "dose", "MSCs are seeded at 5,000 cells/cm2 for expansion.", NONE),
    ("dose near-miss:lab count", "dose", "MSCs for patients with WBC < 4 x 10^9/L.", NONE),
    (
        "dose near-miss:lab count",
        "dose",
        "MSCs are plated at 1 x 10^4 cells/cm2 in T175 flasks.",
        NONE,
    ),
    ("dose near-miss:number words", "dose", "MSCs in a state of 10 lakh people.", NONE),
    ("dose near-miss:number words", "dose", "MSCs; the study runs for 2 crore rupees.", NONE),
    ("dose near-miss:number words", "dose", "MSCs given at week 2. 5 patients per cohort.", NONE),
    # ---------------------------------------------------------------- routes
    (
        "route:intravenous line",
        "route",
        "MSCs are delivered via a peripherally inserted central catheter.",
        "intravenous",
    ),
    ("route:intravenous line", "route", "MSCs are infused through a PICC line.", "intravenous"),
    (
        "route:intravenous line",
        "route",
        "MSCs are infused into the antecubital vein.",
        "intravenous",
    ),
    ("route:transfusion", "route", "Transfusion of umbilical cord MSCs 1×10^6/kg.", "intravenous"),
    ("route:transfusion", "route", "MSCs are transfused on day 1.", "intravenous"),
    ("route:transfusion", "route", "Transfusion of hUC-MSCs once a week.", "intravenous"),
    (
        "route near-miss:transfusion",
        "route",
        "MSCs for patients who need red cell transfusion.",
        None,
    ),
    ("route near-miss:transfusion", "route", "MSCs; platelet transfusion if needed.", None),
    ("route near-miss:transfusion", "route", "MSCs given to transfusion-dependent patients.", None),
    ("route:topical form", "route", "MSCs are applied as a gel onto the ulcer.", "topical"),
    (
        "route:topical form",
        "route",
        "MSCs are applied in a fibrin spray onto the burn wound.",
        "topical",
    ),
    ("route:topical form", "route", "MSCs are applied to the diabetic foot ulcer.", "topical"),
    (
        "route near-miss:topical form",
        "route",
        "MSCs; a hyaluronic acid gel is applied to the skin.",
        None,
    ),
    (
        "route near-miss:topical form",
        "route",
        "MSCs; an antibiotic ointment is applied to the wound.",
        None,
    ),
    (
        "route near-miss:topical form",
        "route",
        "MSCs; a cold pack is applied to the skin.",
        None,
        "a thing applied to the skin that is neither cells nor an agent of the drug table (a "
        "cold pack, a bandage) is read as the cells' topical route: only named agents are told "
        "apart from the cells",
        ("arm", "intervention"),  # the detailed description reads no route from it
    ),
    # ---------------------------------------------------------------- tissue
    ("tissue:UC", "tissue", "UC-MSCs are infused.", UC),
    ("tissue:UC", "tissue", "hUC-MSC infusion.", UC),
    ("tissue:UC", "tissue", "Umbilical cord-derived MSCs are given.", UC),
    ("tissue:UC", "tissue", "MSCs from the umbilical cord lining are given.", UC),
    ("tissue:UC", "tissue", "Cord lining MSCs are given.", UC),
    ("tissue:WJ", "tissue", "WJ-MSCs are infused.", WJ),
    ("tissue:WJ", "tissue", "Wharton's jelly-derived MSCs.", WJ),
    ("tissue:WJ", "tissue", "hWJ-MSC infusion.", WJ),
    ("tissue:BM", "tissue", "BM-MSCs are infused.", BM),
    ("tissue:BM", "tissue", "BMSC infusion.", BM),
    ("tissue:BM", "tissue", "Marrow-derived stromal cells are given.", BM),
    ("tissue:BM", "tissue", "hBM-MSCs are given.", BM),
    ("tissue:adipose", "tissue", "ADSCs are injected.", AD),
    ("tissue:adipose", "tissue", "AD-MSCs are injected.", AD),
    ("tissue:adipose", "tissue", "Adipose-derived stromal cells are injected.", AD),
    ("tissue:adipose", "tissue", "ASCs from lipoaspirate are injected.", AD),
    ("tissue:adipose", "tissue", "SVF cells are injected.", AD),
    ("tissue:adipose", "tissue", "hADSCs are injected.", AD),
    ("tissue:adipose", "tissue", "ADMSCs are injected.", AD),
    ("tissue:placenta", "tissue", "Placenta-derived MSCs are infused.", PL),
    ("tissue:placenta", "tissue", "Placental MSCs are infused.", PL),
    ("tissue:placenta", "tissue", "PL-MSCs are infused.", PL),
    ("tissue:amnion", "tissue", "Amniotic membrane MSCs are infused.", AM),
    ("tissue:amnion", "tissue", "Human amnion-derived MSCs are infused.", AM),
    ("tissue:amnion", "tissue", "hAMSCs are infused.", AM),
    (
        "tissue:amniotic fluid",
        "tissue",
        "Amniotic fluid-derived MSCs are infused.",
        "UBERON:0000173",
    ),
    (
        "tissue:amniotic fluid",
        "tissue",
        "AF-MSCs from amniotic fluid are infused.",
        "UBERON:0000173",
    ),
    ("tissue:amniotic fluid", "tissue", "MSCs from amniotic fluid are infused.", "UBERON:0000173"),
    (
        "tissue:menstrual blood",
        "tissue",
        "Menstrual blood-derived stem cells are infused.",
        "UBERON:8480042",
    ),
    (
        "tissue:menstrual blood",
        "tissue",
        "Menstrual blood MSCs (MenSCs) are infused.",
        "UBERON:8480042",
    ),
    (
        "tissue:menstrual blood",
        "tissue",
        "MSCs derived from menstrual blood are infused.",
        "UBERON:8480042",
    ),
    (
        "tissue:menstrual blood",
        "tissue",
        "Endometrial regenerative cells (ERCs) are infused.",
        "UBERON:8480042",
    ),
    ("tissue:chorion", "tissue", "Chorionic MSCs are infused.", "UBERON:0003124"),
    ("tissue:chorion", "tissue", "Chorion-derived MSCs are infused.", "UBERON:0003124"),
    ("tissue:chorion", "tissue", "MSCs from the chorionic membrane are infused.", "UBERON:0003124"),
    ("tissue:decidua", "tissue", "Decidual stromal cells are infused.", "UBERON:0002450"),
    ("tissue:decidua", "tissue", "Decidua-derived MSCs are infused.", "UBERON:0002450"),
    (
        "tissue:decidua",
        "tissue",
        "MSCs from the placental decidua basalis are infused.",
        "UBERON:0002450",
    ),
    ("tissue:dental", "tissue", "SHED are infused.", DP),
    (
        "tissue:dental",
        "tissue",
        "Stem cells from human exfoliated deciduous teeth are infused.",
        DP,
    ),
    ("tissue:dental", "tissue", "DPSCs are infused.", DP),
    ("tissue:gingiva", "tissue", "Gingival MSCs are injected.", "UBERON:0001828"),
    ("tissue:gingiva", "tissue", "Gingiva-derived MSCs (GMSCs) are injected.", "UBERON:0001828"),
    ("tissue:gingiva", "tissue", "MSCs from gingival tissue are injected.", "UBERON:0001828"),
    ("tissue:synovium", "tissue", "Synovial MSCs are injected.", "UBERON:0007616"),
    ("tissue:synovium", "tissue", "Synovium-derived MSCs are injected.", "UBERON:0007616"),
    (
        "tissue:synovium",
        "tissue",
        "MSCs from the synovial membrane are injected.",
        "UBERON:0007616",
    ),
    (
        "tissue:olfactory mucosa",
        "tissue",
        "Olfactory mucosa-derived MSCs are injected.",
        "UBERON:0005386",
    ),
    ("tissue:olfactory mucosa", "tissue", "Olfactory MSCs are injected.", "UBERON:0005386"),
    (
        "tissue:olfactory mucosa",
        "tissue",
        "MSCs isolated from the olfactory mucosa are injected.",
        "UBERON:0005386",
    ),
    (
        "tissue:periodontal ligament",
        "tissue",
        "Periodontal ligament stem cells are injected.",
        "UBERON:0008266",
    ),
    (
        "tissue:periodontal ligament",
        "tissue",
        "MSCs from the periodontal ligament are injected.",
        "UBERON:0008266",
    ),
    (
        "tissue:periodontal ligament",
        "tissue",
        "Periodontal ligament MSCs are injected.",
        "UBERON:0008266",
    ),
    ("tissue:endometrium", "tissue", "Endometrial MSCs are infused.", "UBERON:0001295"),
    ("tissue:endometrium", "tissue", "Endometrial stem cells are infused.", "UBERON:0001295"),
    (
        "tissue:endometrium",
        "tissue",
        "MSCs derived from the endometrium are infused.",
        "UBERON:0001295",
    ),
    (
        "tissue:adipose more",
        "tissue",
        "Adipose-derived regenerative cells (ADRCs) are injected.",
        AD,
    ),
    ("tissue:adipose more", "tissue", "Fat-derived stromal cells are injected.", AD),
    ("tissue:adipose more", "tissue", "Abdominal fat MSCs are injected.", AD),
    ("tissue:UC more", "tissue", "Umbilical cord matrix stem cells are infused.", UC),
    ("tissue:UC more", "tissue", "Cord tissue MSCs are infused.", UC),
    ("tissue:UC more", "tissue", "UC-derived MSCs are infused.", UC),
    ("tissue near-miss:context", "tissue", "MSCs for olfactory dysfunction after COVID-19.", None),
    ("tissue near-miss:context", "tissue", "MSCs for periodontal ligament damage.", None),
    ("tissue near-miss:context", "tissue", "MSCs for patients with a fatty liver.", None),
    ("tissue near-miss:context", "tissue", "MSCs for patients with synovitis of the knee.", None),
    ("tissue near-miss:context", "tissue", "MSCs for gingival recession.", None),
    (
        "tissue near-miss:context",
        "tissue",
        "MSCs for patients with heavy menstrual bleeding.",
        None,
    ),
    ("tissue near-miss:context", "tissue", "MSCs for women with a thin endometrium.", None),
    ("tissue near-miss:context", "tissue", "MSCs for chorioamnionitis in preterm infants.", None),
    (
        "tissue near-miss:context",
        "tissue",
        "MSCs for periodontitis with loss of the decidua-like tissue.",
        None,
    ),
    # ---------------------------------------------------------------- donor
    ("donor:allogeneic", "donor", "Allogenic UC-MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "Allo-MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "Third-party MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "Off-the-shelf MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "HLA-unmatched MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "MSCs from healthy donors are infused.", Donor.ALLOGENEIC),
    ("donor:allogeneic", "donor", "Allogeneic BM-MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:autologous", "donor", "The patient's own MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:autologous", "donor", "Patients' own bone marrow MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:autologous", "donor", "Self-derived MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:autologous", "donor", "Auto-MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:autologous", "donor", "Autologous BM-MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:autologous", "donor", "Autogenous MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:allogeneic source", "donor", "MSCs from a single donor are infused.", Donor.ALLOGENEIC),
    (
        "donor:allogeneic source",
        "donor",
        "MSCs from HLA-haploidentical family donors.",
        Donor.ALLOGENEIC,
    ),
    (
        "donor:allogeneic source",
        "donor",
        "MSCs from the original stem cell donor.",
        Donor.ALLOGENEIC,
    ),
    (
        "donor:allogeneic source",
        "donor",
        "MSCs from cadaveric donors are infused.",
        Donor.ALLOGENEIC,
    ),
    (
        "donor:allogeneic source",
        "donor",
        "MSCs from deceased donors' bone marrow.",
        Donor.ALLOGENEIC,
    ),
    ("donor:joined or bracketed", "donor", "Allogeneic-MSCs are infused.", Donor.ALLOGENEIC),
    ("donor:joined or bracketed", "donor", "Autologous-MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:joined or bracketed", "donor", "MSCs (autologous) are injected.", Donor.AUTOLOGOUS),
    ("donor:joined or bracketed", "donor", "MSCs (allogeneic) are injected.", Donor.ALLOGENEIC),
    ("donor:patient-derived", "donor", "Patient-derived MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:patient-derived", "donor", "Recipient-derived MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:patient-derived", "donor", "Patient-specific MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:patient-derived", "donor", "Autologeous MSCs are infused.", Donor.AUTOLOGOUS),
    ("donor:self", "donor", "Self MSCs are injected.", Donor.AUTOLOGOUS),
    ("donor:self", "donor", "Self bone marrow MSCs are injected.", Donor.AUTOLOGOUS),
    ("donor:self", "donor", "Self-derived adipose MSCs are injected.", Donor.AUTOLOGOUS),
    (
        "donor near-miss:self",
        "donor",
        "MSCs with self-renewal capacity are infused.",
        Donor.UNKNOWN,
    ),
    ("donor near-miss:self", "donor", "MSCs; self-assessment of pain at week 4.", Donor.UNKNOWN),
    ("donor near-miss:self", "donor", "MSCs; patients self-inject insulin.", Donor.UNKNOWN),
    ("donor:non-autologous", "donor", "Non-autologous MSCs are injected.", Donor.ALLOGENEIC),
    ("donor:non-autologous", "donor", "Non autologous MSCs are injected.", Donor.ALLOGENEIC),
    (
        "donor:non-autologous",
        "donor",
        "MSCs of non-autologous origin are injected.",
        Donor.ALLOGENEIC,
    ),
    (
        "donor near-miss:transplant donor",
        "donor",
        "MSCs in patients who received a graft from a single donor.",
        Donor.UNKNOWN,
    ),
    (
        "donor near-miss:transplant donor",
        "donor",
        "MSCs for patients after HLA-matched sibling donor transplantation.",
        Donor.UNKNOWN,
    ),
    (
        "donor near-miss:transplant donor",
        "donor",
        "MSCs; patients with a living donor kidney transplant.",
        Donor.UNKNOWN,
    ),
    (
        "donor near-miss:transplant donor",
        "donor",
        "Autologous adipose MSCs; fat is harvested from the donor site on the abdomen.",
        Donor.AUTOLOGOUS,
    ),
    ("donor near-miss:medium", "donor", "MSCs expanded in autologous plasma.", Donor.UNKNOWN),
    ("donor near-miss:medium", "donor", "MSCs cultured in autologous serum.", Donor.UNKNOWN),
    (
        "donor near-miss:medium",
        "donor",
        "MSCs resuspended in the patient's own plasma.",
        Donor.UNKNOWN,
    ),
    (
        "donor near-miss:medium",
        "donor",
        "MSCs grown with autologous platelet lysate.",
        Donor.UNKNOWN,
    ),
    (
        "donor near-miss:other cells",
        "donor",
        "MSCs are compared with autologous chondrocyte implantation.",
        Donor.UNKNOWN,
    ),
    ("donor near-miss:other cells", "donor", "MSCs versus autologous chondrocytes.", Donor.UNKNOWN),
    (
        "donor near-miss:other cells",
        "donor",
        "MSCs after failed autologous chondrocyte implantation.",
        Donor.UNKNOWN,
    ),
]


def _rows() -> list[Row]:
    rows: list[Row] = []
    for entry in FIGURES:
        family, field, text, expected = entry[:4]
        gap = entry[4] if len(entry) >= 5 else None
        gap_places = entry[5] if len(entry) == 6 else _WHERE3
        places = _WHERE3 if "near-miss" in family else _WHERE2
        rows += [
            Row(f"round 6 {family}", field, text, expected, w, gap if w in gap_places else None)
            for w in places
        ]
    return rows


ROWS = _rows()


def _param(row: Row) -> object:
    rid = f"{row.family}|{row.where}|{row.text[:48]}"
    if row.gap:
        return pytest.param(row, id=rid, marks=pytest.mark.xfail(strict=True, reason=row.gap))
    return pytest.param(row, id=rid)


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_figure_phrasing(row: Row) -> None:
    assert observed(row) == row.expected


def test_every_family_has_three_wordings() -> None:
    by_family: dict[str, set[str]] = {}
    for family, _field, text, *_ in FIGURES:
        by_family.setdefault(family, set()).add(text)
    thin = [f for f, texts in by_family.items() if len(texts) < 3]
    assert thin == [], thin


# The donor of birth-tissue cells where the record's minimum-age field is empty (ICTRP records,
# pages) but its own text states the patients' age: cells of a birth tissue given to patients
# a year old or more are another person's (docs/dose-labelling.md).
AGE_WORDINGS: list[tuple[str, Donor]] = [
    ("Inclusion criteria: Age: 18-65 years; confirmed diagnosis.", Donor.ALLOGENEIC),
    ("Inclusion criteria: patients aged between 40 and 75 years.", Donor.ALLOGENEIC),
    ("Inclusion criteria: age ≥ 18 years.", Donor.ALLOGENEIC),
    ("Inclusion criteria: 18 years of age or older.", Donor.ALLOGENEIC),
    ("Inclusion criteria: adult patients with the disease.", Donor.ALLOGENEIC),
    ("Inclusion criteria: adults and children with the disease.", Donor.UNKNOWN),
    ("Inclusion criteria: infants aged 1 to 6 months.", Donor.UNKNOWN),
    ("Inclusion criteria: age 0 to 17 years.", Donor.UNKNOWN),
    ("Inclusion criteria: signed consent; adult stem cells are not allowed before.", Donor.UNKNOWN),
    ("Inclusion criteria: signed consent.", Donor.UNKNOWN),
    ("Inclusion criteria: patients older than 2 years old.", Donor.ALLOGENEIC),
]


@pytest.mark.parametrize(("criteria", "donor"), AGE_WORDINGS)
def test_birth_tissue_donor_from_an_age_in_the_text(criteria: str, donor: Donor) -> None:
    t = record("Umbilical cord MSCs 1 x 10^6 cells/kg are infused.", "arm")
    t.brief_title = "Mesenchymal Stromal Cells in a Chronic Disease"  # no age in the title
    t.eligibility = Eligibility(criteria=criteria)
    annotate_trial(t)
    assert {p.donor for p in t.arms[0].products} == {donor}
    if donor is Donor.ALLOGENEIC:
        assert any("the record's text says" in n for n in t.notes)
