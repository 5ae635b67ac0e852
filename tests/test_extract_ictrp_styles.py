"""Cell-therapy records of the WHO ICTRP registries other than ClinicalTrials.gov, each in the
way its registry writes the interventions field, through the whole chain: a one-row ICTRP CSV
export -> ``kg.sources.ictrp`` (fields to arms and interventions) -> ``kg.extract``.

ICTRP gives most registries' trials one free-text interventions field; how the groups, the
product, the figure, the route and the schedule sit in it differs by registry (read from the
layouts of the shared export, ../shared/data/ictrp, never copied from it): EUCTR's product
blocks (``Product Name:``, ``Pharmaceutical Form:``, the strength as ``Concentration unit /
type / number`` lines, the placebo's form and route appended); ANZCTR's long text with
``Dose:``/``Route:``/``Duration:``/``Adherence:`` parts or ``Arm 1:``/``Cohort 1:`` groups;
ISRCTN's indented paragraphs and ``Intervention: ... Control: ...``; DRKS's ``Intervention 1:
... Intervention 2: ...``; ReBEC's, NTR's, TCTR's, ITMCTR's ``Experimental group: ...;
Control group: ...`` with ReBEC's trailing ``;Biological/vaccine;Transplantation`` descriptors
and enumerated groups (``1. Control group - 15 participants``); RPCEC's and SLCTR's ``Group A:
... Group B (Control): ...``; JPRN's terse Japanese-English lines and UMIN's
``Interventions/Control_1:``; CRiS's ``Biological/Vaccine : ...`` typed lines; PACTR's
``;name;name`` lists; ChiCTR items whose text holds ``;`` itself. Each family has three
records or more in varied wordings, and near-misses (a drug or plasma trial with a dose, no
cells) that must give no cells.

Every record is written for this test (sentences of our own, in the registry's layout). Rows
are compared as in tests/test_extract_record_shapes.py: (arm, dose min, dose max, unit, per,
administrations, route) for every dose, one row with empty dose columns for an arm with cells
and no figure, and ``(arm, "none")`` for an arm without cells; ``-`` is the record without
arm groups. A wording the extractor does not read yet is a strict expected failure with its
reason.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import annotate_trial
from kg.model import Arm, MappingError, Trial
from kg.sources import ictrp, map_bytes

KG = "cells/kg"
CELLS = "cells"
CM2 = "other:cells/cm2"
IV = "intravenous"
IM = "intramuscular"
IA = "intra-articular"
LOCAL = "intralesional"

UC = "UBERON:0002331"
BM = "UBERON:0002371"
AT = "UBERON:0001013"
WJ = "UBERON:0003422"

Got = tuple[object, ...]

_HEADER = ["TrialID", "public_title", "Source_Register", "Agemin", "Interventions"]


def export(*records: tuple[str, str, str]) -> bytes:
    """A CSV export in ICTRP's field names, one row per (TrialID, title, interventions)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_HEADER)
    for trial_id, title, interventions in records:
        writer.writerow([trial_id, title, "", "18 Years", interventions])
    return out.getvalue().encode("utf-8")


def record(trial_id: str, title: str, interventions: str) -> Trial:
    """One record mapped by the real ICTRP mapper, from the bytes of an export."""
    items = list(
        ictrp.map_document(
            export((trial_id, title, interventions)), source_file="styles.csv", sha256="0" * 64
        )
    )
    assert len(items) == 1 and isinstance(items[0], Trial), items
    return items[0]


def row(
    arm: str,
    lo: float | None = None,
    hi: float | None = None,
    unit: str | None = None,
    admin: int | None = None,
    route: str | None = None,
    per: str = "administration",
) -> Got:
    if lo is None:
        return (arm, None, None, None, None, admin, route)
    return (arm, lo, lo if hi is None else hi, unit, per, admin, route)


def none(arm: str) -> Got:
    return (arm, "none")


def rows_of(t: Trial) -> list[Got]:
    out: list[Got] = []
    holders: list[tuple[str, Arm | Trial]] = [(a.label, a) for a in t.arms] or [("-", t)]
    for label, h in holders:
        if not h.products:
            out.append(none(label))
        elif not h.doses:
            out.append(row(label, None, None, None, h.administrations, h.route))
        else:
            for d in h.doses:
                dose = (d.min_cells, d.max_cells, str(d.unit), str(d.per))
                out.append((label, *dose, d.administrations, d.route))
    return sorted(out, key=repr)


@dataclass(frozen=True)
class Style:
    family: str
    trial_id: str
    title: str
    interventions: str
    expected: tuple[Got, ...]
    tissue: str | None = None  # the cell product's tissue (UBERON), where the record states it
    gap: str | None = None  # why the chain does not read it yet (a strict xfail)


STYLES: list[Style] = []


def style(
    family: str,
    trial_id: str,
    title: str,
    interventions: str,
    *expected: Got,
    tissue: str | None = None,
    gap: str | None = None,
) -> None:
    STYLES.append(
        Style(
            family,
            trial_id,
            title,
            interventions,
            tuple(sorted(expected, key=repr)),
            tissue,
            gap,
        )
    )


# ---------------------------------------------------------------- EUCTR product blocks
# One block per product, "<br>" between lines and a blank line after each block. The strength
# is a dose only per kilogram of body weight; per mL it is a concentration, absolute it is the
# container's content, "up to" a cap. The placebo's form and route are the placebo's.

style(
    "euctr",
    "EUCTR2019-000101-11-NL",
    "Allogeneic umbilical cord stromal cells in acute respiratory distress",
    "<br>Product Name: Umbilical cord-derived mesenchymal stromal cells<br>Product Code: UCX-01"
    "<br>Pharmaceutical Form: Suspension for infusion<br>INN or Proposed INN: Not available"
    "<br>Other descriptive name: ALLOGENEIC UMBILICAL CORD MESENCHYMAL STROMAL CELLS"
    "<br>Concentration unit: cells/kg cell(s)/kilogram<br>Concentration type: equal"
    "<br>Concentration number: 1000000-<br>Pharmaceutical form of the placebo: Solution for "
    "infusion<br>Route of administration of the placebo: Intravenous use<br><br>",
    row("-", 1e6, None, KG, None, IV),
    tissue=UC,
)
style(
    "euctr",
    "EUCTR2019-000102-22-IT",
    "Bone marrow stromal cells at two dose levels in Crohn's disease",
    "<br>Product Name: BM-MSC<br>Pharmaceutical Form: Dispersion for infusion"
    "<br>Other descriptive name: Autologous bone marrow mesenchymal stromal cells"
    "<br>Concentration unit: million cells/kg<br>Concentration type: range"
    "<br>Concentration number: 1-3<br><br>",
    row("-", 1e6, 3e6, KG, None, IV),
    tissue=BM,
)
style(
    "euctr",
    "EUCTR2019-000103-33-ES",
    "Adipose stromal cells against hyaluronic acid in knee osteoarthritis",
    "<br>Product Name: Autologous adipose-derived mesenchymal stem cells<br>Pharmaceutical "
    "Form: Suspension for injection<br>Concentration unit: million organisms/ml million "
    "organisms/millilitre<br>Concentration type: equal<br>Concentration number: 10-<br><br>"
    "Trade Name: Hyalart<br>Product Name: Hyaluronic acid<br>Pharmaceutical Form: Solution "
    "for injection<br>INN or Proposed INN: SODIUM HYALURONATE<br>Concentration unit: mg "
    "milligram(s)<br>Concentration type: equal<br>Concentration number: 20-<br><br>",
    row("-"),  # a concentration is no dose; "injection" alone says no route
    tissue=AT,
)
style(
    "euctr",
    "EUCTR2019-000104-44-DE",
    "Placental stromal cells in critical limb ischaemia",
    "<br>Product Name: PLX-like placental cells<br>Pharmaceutical Form: Suspension for "
    "injection<br>Other descriptive name: allogeneic placenta-derived adherent stromal cells"
    "<br>Concentration unit: million cells<br>Concentration type: equal<br>Concentration "
    "number: 150-<br>Pharmaceutical form of the placebo: Suspension for injection<br>Route of "
    "administration of the placebo: Intramuscular use<br><br>",
    row("-"),  # the container's content is no dose; the placebo's route is not the cells'
)
style(
    "euctr",
    "EUCTR2019-000105-55-FR",
    "Umbilical cord stromal cells in graft-versus-host disease",
    "<br>Product Name: UC-MSC<br>Pharmaceutical Form: Suspension for infusion<br>Concentration "
    "unit: 10^6 cells/kg<br>Concentration type: up to<br>Concentration number: 2-<br><br>",
    row("-", None, None, None, None, IV),  # a cap is no dose
    tissue=UC,
)
style(
    "euctr near-miss",
    "EUCTR2020-000106-66-GB",
    "Tocilizumab in cytokine release syndrome",
    "<br>Trade Name: RoActemra<br>Product Name: Tocilizumab<br>Pharmaceutical Form: "
    "Concentrate for solution for infusion<br>INN or Proposed INN: TOCILIZUMAB<br>Concentration "
    "unit: mg/kg milligram(s)/kilogram<br>Concentration type: equal<br>Concentration number: "
    "8-<br>Pharmaceutical form of the placebo: Solution for infusion<br>Route of administration "
    "of the placebo: Intravenous use<br><br>",
    none("-"),
)

# ---------------------------------------------------------------- ANZCTR long free text
style(
    "anzctr text",
    "ACTRN12619000201001",
    "Umbilical cord stromal cells for bronchopulmonary dysplasia",
    "Participants will receive allogeneic umbilical cord-derived mesenchymal stromal cells.<br>"
    "Dose: 2 million cells per kilogram of body weight<br>Route: intravenous infusion via a "
    "peripheral cannula over 15 minutes<br>Frequency and duration: one infusion every week for "
    "three weeks (three infusions in total)<br>Adherence: each administration is recorded in "
    "the case report form by the research nurse.",
    row("-", 2e6, None, KG, 3, IV),
    tissue=UC,
)
style(
    "anzctr text",
    "ACTRN12619000202002",
    "Precursor cells for discogenic back pain",
    "A single intradiscal injection of 6 million allogeneic mesenchymal precursor cells "
    "suspended in 2 mL of hyaluronic acid, given by a spine surgeon under fluoroscopic "
    "guidance on Day 0.<br>Adherence will be checked against the procedure record.",
    row("-", 6e6, None, CELLS, 1, "intradiscal"),
)
style(
    "anzctr text",
    "ACTRN12619000203003",
    "Allogeneic stromal cells in septic shock",
    "Participants in the treatment arm will be given 100 million allogeneic mesenchymal "
    "stromal cells by intravenous infusion on Day 1, Day 3 and Day 5 (a total of 300 million "
    "cells). Participants in the control arm will receive the same volume of vehicle. "
    "Adherence: all infusions are given by study staff in the intensive care unit.",
    row("-", 1e8, None, CELLS, 3, IV),
)
style(
    "anzctr text",
    "ACTRN12619000204004",
    "Induced pluripotent stem cell-derived stromal cells in steroid-resistant GvHD",
    "Name of intervention: iPSC-derived mesenchymal stromal cells<br>Dose: 2 x 10^6 cells/kg, "
    "to a maximum of 1 x 10^8 cells<br>Mode of administration: intravenous infusion<br>Number "
    "of doses: two, on Day 0 and Day 7<br>Strategies to monitor adherence: drug accountability "
    "log",
    row("-", 2e6, None, KG, 2, IV),
)
style(
    "anzctr near-miss",
    "ACTRN12620000205005",
    "Remdesivir pharmacokinetics in renal impairment",
    "All participants will receive a single dose of 100 mg remdesivir on Day 1 by intravenous "
    "infusion over 30 minutes. Adherence: dosing is observed by a nurse.",
    none("-"),
)
style(
    "anzctr near-miss",
    "ACTRN12620000206006",
    "Convalescent plasma in hospitalised adults",
    "Dose: two units (each about 250 mL) of convalescent plasma<br>Route: intravenous<br>"
    "Duration: on Day 1 and Day 2<br>Adherence: transfusion records.",
    none("-"),
)

# ---------------------------------------------------------------- numbered arms
# ANZCTR "Arm 1:", "Cohort 1:", DRKS "Intervention 1: ... Intervention 2:", UMIN
# "Interventions/Control_1:", ISRCTN "Intervention: ... Control: ...".
style(
    "numbered arms",
    "ACTRN12619000207007",
    "Umbilical cord stromal cells in viral pneumonia",
    "Arm 1: Umbilical cord mesenchymal stromal cells (1 x 10^6 cells/kg) given as an "
    "intravenous infusion over 30 minutes on Day 1 and Day 4.<br>Arm 2: Placebo (Plasma-Lyte "
    "148) infused intravenously on Day 1 and Day 4.<br><br>Adherence will be recorded in the "
    "drug accountability log.",
    row("Arm 1", 1e6, None, KG, 2, IV),
    none("Arm 2"),
    tissue=UC,
)
style(
    "numbered arms",
    "DRKS00020208",
    "Bone marrow stromal cells after kidney transplantation",
    "Intervention 1: Autologous bone marrow-derived MSC 1.5 x 10^6 cells/kg i.v. on day 7 "
    "and day 14 after transplantation<br>Intervention 2: Standard immunosuppression without "
    "MSC",
    row("Intervention 1", 1.5e6, None, KG, 2, IV),
    none("Intervention 2"),
    tissue=BM,
)
style(
    "numbered arms",
    "ACTRN12619000209009",
    "Precursor cells in chronic heart failure",
    "Cohort 1: 25 million mesenchymal precursor cells delivered by transendocardial injection "
    "(single procedure).<br>Cohort 2: 75 million mesenchymal precursor cells delivered by "
    "transendocardial injection (single procedure).<br>Cohort 3: Sham procedure (mapping "
    "only).<br><br>Adherence will be monitored by the procedure logs.",
    row("Cohort 1", 2.5e7, None, CELLS, 1, "transendocardial"),
    row("Cohort 2", 7.5e7, None, CELLS, 1, "transendocardial"),
    none("Cohort 3"),
)
style(
    "numbered arms",
    "ISRCTN12000210",
    "Stromal cells in acute respiratory distress",
    "<br>                Intervention: A single intravenous infusion of 400 million umbilical "
    "cord-derived mesenchymal stromal cells over 30 to 60 minutes.<br>                Control: "
    "A single intravenous infusion of Plasma-Lyte 148.<br>",
    row("Intervention", 4e8, None, CELLS, 1, IV),
    none("Control"),
    tissue=UC,
)
style(
    "numbered arms",
    "JPRN-UMIN000040211",
    "Autologous bone marrow cells for limb ischaemia",
    "Interventions/Control_1: Autologous bone marrow mononuclear cells (about 1 x 10^9 cells) "
    "are injected intramuscularly into the ischaemic lower limb, once.<br>Interventions/"
    "Control_2: Conventional treatment only.",
    row("Interventions/Control_1", 1e9, None, CELLS, 1, IM),
    none("Interventions/Control_2"),
    tissue=BM,
)

style(
    "numbered arms",
    "ACTRN12619000212012",
    "Dose escalation of bone marrow stromal cells in pulmonary fibrosis",
    "Dose level 1: 1 x 10^6 MSCs/kg by intravenous infusion, once.<br>Dose level 2: 2 x 10^6 "
    "MSCs/kg by intravenous infusion, once.<br>Dose level 3: 4 x 10^6 MSCs/kg by intravenous "
    "infusion, once.<br><br>Three participants are enrolled at each dose level.",
    row("Dose level 1", 1e6, None, KG, 1, IV),
    row("Dose level 2", 2e6, None, KG, 1, IV),
    row("Dose level 3", 4e6, None, KG, 1, IV),
)

# ---------------------------------------------------------------- text said of all groups
# A sentence before the groups (or a paragraph after them) is said of the trial as a whole:
# its figure goes to the groups given cells, never to a control group whose own text names none.
style(
    "text said of all groups",
    "ACTRN12619000301301",
    "Stromal cells in acute lung injury",
    "Participants are randomised to MSCs (1 x 10^6 cells/kg IV on day 1) or placebo.<br>"
    "Experimental group: MSCs.<br>Control group: placebo (saline).",
    row("Experimental group", 1e6, None, KG, 1, IV),
    none("Control group"),
)
style(
    "text said of all groups",
    "ACTRN12619000301302",
    "Umbilical cord stromal cells after kidney transplantation",
    "All participants receive umbilical cord MSCs 1 x 10^6 cells/kg IV on day 1 and day 8.<br>"
    "Group A: MSCs with tacrolimus.<br>Group B: MSCs with mycophenolate.",
    row("Group A", 1e6, None, KG, 2, IV),
    row("Group B", 1e6, None, KG, 2, IV),
    tissue=UC,
)
style(
    "text said of all groups",
    "DRKS00020303",
    "Stromal cells in Crohn's disease",
    "Patients are randomised to MSCs (1 x 10^6 cells/kg IV on day 1) or standard care.<br>"
    "Arm 1: MSCs plus standard care.<br>Arm 2: Standard care alone.",
    row("Arm 1", 1e6, None, KG, 1, IV),
    none("Arm 2"),
)

# A sentence after the last group that speaks of every group ("all patients", "both groups",
# "each participant") is said of the trial too, not of the last group only: each group given
# cells takes its count and route (the last group alone had them, the first group neither).
style(
    "text said of all groups after the last group",
    "ACTRN12620000401401",
    "Umbilical cord stromal cells in knee osteoarthritis",
    "Group A: umbilical cord MSCs 1x10^6 cells/kg; Group B: umbilical cord MSCs 3x10^6 "
    "cells/kg; all patients receive two intravenous infusions, 4 weeks apart.",
    row("Group A", 1e6, None, KG, 2, IV),
    row("Group B", 3e6, None, KG, 2, IV),
    tissue=UC,
)
style(
    "text said of all groups after the last group",
    "ACTRN12620000402402",
    "Stromal cells in lung injury",
    "Dose level 1: MSCs 1x10^6 cells/kg<br>Dose level 2: MSCs 2x10^6 cells/kg<br>"
    "Each patient will receive one intravenous infusion.",
    row("Dose level 1", 1e6, None, KG, 1, IV),
    row("Dose level 2", 2e6, None, KG, 1, IV),
)
style(
    "text said of all groups after the last group",
    "ACTRN12620000406406",
    "Stromal cells at two doses in lung injury",
    "Dose level 1: MSCs 1x10^6 cells/kg<br>Dose level 2: MSCs 2x10^6 cells/kg<br>"
    "Each patient will receive one intravenous infusion.",
    row("Dose level 1", 1e6, None, KG, 1, IV),
    row("Dose level 2", 2e6, None, KG, 1, IV),
    gap="'at two doses' in the title is read as 2 administrations (the rule for dose levels "
    "knows 'Two Doses of'); with 'a single infusion' in the text the count is left empty",
)
style(
    "text said of all groups after the last group",
    "IRCT20200101046401N1",
    "Mesenchymal stem cells in multiple sclerosis",
    "Group A: MSCs 1x10^6 cells/kg. Group B: MSCs 3x10^6 cells/kg. Both groups receive the "
    "cells intravenously twice, one month apart.",
    row("Group A", 1e6, None, KG, 2, IV),
    row("Group B", 3e6, None, KG, 2, IV),
)
style(
    "text said of all groups after the last group",
    "DRKS00020404",
    "Stromal cells in Crohn's disease",
    "Arm 1: MSCs 1x10^6 cells/kg plus standard care; Arm 2: standard care alone; in all arms "
    "the participants are followed for 12 months.",
    row("Arm 1", 1e6, None, KG, None, None),
    none("Arm 2"),
)
style(
    "text said of all groups after the last group near-miss",
    "ACTRN12620000405405",
    "Stromal cells with steroids in lung injury",
    "Group A: MSCs 1x10^6 cells/kg; Group B: placebo; all patients receive intravenous "
    "methylprednisolone on day 1.",
    row("Group A", 1e6, None, KG, None, None),
    none("Group B"),
)

# ---------------------------------------------------------------- "Experimental group: ..."
style(
    "experimental and control group",
    "RBR-7abc12",
    "Umbilical cord cells in severe viral pneumonia",
    "Patients will be randomly allocated to two groups.<br>Experimental group: 20 patients "
    "will receive two intravenous infusions of 1 x 10^6 cells/kg of umbilical cord "
    "mesenchymal cells, 7 days apart. Control group: 20 patients will receive placebo (saline) "
    "intravenously.;Biological/vaccine;Transplantation",
    row("Experimental group", 1e6, None, KG, 2, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "experimental and control group",
    "NL9213",
    "Stromal cells in lupus nephritis",
    "Intervention group: allogeneic MSC 2 x 10^6/kg body weight intravenously on day 0 and day "
    "28, next to standard care; Control group: standard care alone.",
    row("Intervention group", 2e6, None, KG, 2, IV),
    none("Control group"),
)
style(
    "experimental and control group",
    "TCTR20200101214",
    "Umbilical cord stromal cells in respiratory failure",
    "Experimental arm: umbilical cord MSC 1 x 10^6 cells/kg IV drip on day 1, 3 and 5; "
    "Control arm: standard care",
    row("Experimental arm", 1e6, None, KG, 3, IV),
    none("Control arm"),
    tissue=UC,
)
style(
    "experimental and control group",
    "ITMCTR2020000215",
    "Umbilical cord stromal cells with herbal treatment in viral pneumonia",
    "Treatment group:hUC-MSC 1x10^6/kg, intravenous drip, day 1, day 3, day 5;Control group:"
    "conventional treatment;",
    row("Treatment group", 1e6, None, KG, 3, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "experimental and control group",
    "KCT0005216",
    "Adipose stem cells in rheumatoid arthritis",
    "Experimental group : autologous adipose-derived stem cells 1 x 10^8 cells intravenously, "
    "three times at 4-week intervals ; Control group : saline",
    row("Experimental group", 1e8, None, CELLS, 3, IV),
    none("Control group"),
    tissue=AT,
)
style(
    "experimental and control group",
    "TCTR20200101217",
    "Two doses of umbilical cord stromal cells",
    "Low-dose group: 5 x 10^7 UC-MSCs given intravenously once; High-dose group: 1 x 10^8 "
    "UC-MSCs given intravenously once; Control group: normal saline given intravenously once",
    row("Low-dose group", 5e7, None, CELLS, 1, IV),
    row("High-dose group", 1e8, None, CELLS, 1, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "experimental and control group",
    "NL9301",
    "Two doses of Wharton's jelly stromal cells in multiple sclerosis",
    "Intervention group 1: Wharton's jelly MSCs 1 x 10^6 cells/kg intravenously, once. "
    "Intervention group 2: Wharton's jelly MSCs 2 x 10^6 cells/kg intravenously, once. Control "
    "group: normal saline intravenously, once.",
    row("Intervention group 1", 1e6, None, KG, 1, IV),
    row("Intervention group 2", 2e6, None, KG, 1, IV),
    none("Control group"),
    tissue=WJ,
)
style(
    "experimental and control group",
    "LBCTR2020010302",
    "Umbilical cord stromal cells in respiratory distress",
    "Study group: umbilical cord MSCs, 1 x 10^6 cells/kg, by intravenous infusion on days 1, 3 "
    "and 5, with standard care; Control group: standard care only",
    row("Study group", 1e6, None, KG, 3, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "experimental and control group",
    "IRCT20200101000002N1",
    "Two doses of umbilical cord stromal cells in multiple sclerosis",
    "Intervention group 1: umbilical cord MSCs 1 x 10^6 cells/kg intravenously, once; "
    "Intervention group 2: umbilical cord MSCs 2 x 10^6 cells/kg intravenously, once; Control "
    "group: normal saline intravenously, once",
    row("Intervention group 1", 1e6, None, KG, 1, IV),
    row("Intervention group 2", 2e6, None, KG, 1, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "experimental and control group near-miss",
    "RBR-8def34",
    "Convalescent plasma in viral pneumonia",
    "Experimental group: 2 units of 200 mL convalescent plasma intravenously on day 1 and day "
    "2. Control group: standard care.;Biological/vaccine;Immunization, Passive",
    none("Experimental group"),
    none("Control group"),
)
style(
    "experimental and control group near-miss",
    "RBR-9ghi56",
    "An antiparasitic drug in viral infection",
    "Experimental group: 196 patients will receive nitazoxanide 500 mg every 8 hours for 5 "
    "days. Control group: 196 patients will receive placebo every 8 hours for 5 days.;Drug",
    none("Experimental group"),
    none("Control group"),
)

# ---------------------------------------------------------------- "Group A: ... Group B (Control)"
style(
    "lettered groups",
    "RPCEC00000418",
    "Autologous bone marrow cells in limb ischaemia",
    "Group A: Autologous bone marrow mononuclear cells, 1 x 10^9 cells, intramuscular "
    "injection, single dose. Group B (Control): Conventional treatment.;Cell therapy;Stem cells",
    row("Group A", 1e9, None, CELLS, 1, IM),
    none("Group B (Control)"),
    tissue=BM,
)
style(
    "lettered groups",
    "SLCTR/2020/019",
    "Adipose stem cells or platelet-rich plasma in alopecia",
    "Group A: autologous adipose-derived stem cells 5 x 10^6 cells injected intradermally into "
    "the scalp, monthly for 3 months. Group B: platelet-rich plasma injected intradermally, "
    "monthly for 3 months.",
    row("Group A", 5e6, None, CELLS, 3, "intradermal"),
    none("Group B"),
    tissue=AT,
)
style(
    "lettered groups",
    "RBR-2jkl78",
    "Bone marrow cells in chagasic cardiomyopathy",
    "Group 1) Experimental: autologous bone marrow mononuclear cells, 2 x 10^8 cells, "
    "intracoronary injection, single dose. Group 2) Control: placebo (saline with 5% autologous "
    "serum) by intracoronary injection;Biological/vaccine;Stem Cell Transplantation",
    row("Group 1", 2e8, None, CELLS, 1, "intracoronary"),
    none("Group 2"),
    tissue=BM,
)
style(
    "lettered groups",
    "RPCEC00000420",
    "Bone marrow cells in periodontitis",
    "Group I (Study): autologous bone marrow mononuclear cells, 1-2 x 10^7 cells, injected into "
    "the periodontal defect in a single session. Group II (Control): conventional surgery.",
    row("Group I (Study)", 1e7, 2e7, CELLS, 1, LOCAL),
    none("Group II (Control)"),
    tissue=BM,
)
style(
    "lettered groups near-miss",
    "RPCEC00000421",
    "Interferon in viral infection",
    "Group A: recombinant interferon alpha 3.5 MIU subcutaneously twice a week for 3 weeks. "
    "Group B (Control): interferon alfa 2b 3 MIU subcutaneously three times a week for 3 "
    "weeks.;Interferon alpha-2",
    none("Group A"),
    none("Group B (Control)"),
)

# ---------------------------------------------------------------- enumerated groups (ReBEC)
style(
    "enumerated groups",
    "RBR-3mno90",
    "Umbilical cord cells added to standard care",
    "1. Control group - 15 participants<br>The control group will receive standard care.<br>"
    "2. MSC group - 15 participants<br>This group will receive standard care and 1 x 10^6 "
    "UC-MSC/kg intravenously on days 1, 3 and 5.<br>",
    none("Control group"),
    row("MSC group", 1e6, None, KG, 3, IV),
    tissue=UC,
)
style(
    "enumerated groups",
    "RBR-4pqr12",
    "Adipose cells in knee osteoarthritis",
    "a) Experimental group: intra-articular injection of 10 x 10^6 adipose-derived MSCs into "
    "the knee, at baseline and at month 6.<br>b) Control group: intra-articular injection of "
    "corticosteroid.<br>;Biological/vaccine;Mesenchymal Stem Cells",
    row("Experimental group", 1e7, None, CELLS, 2, IA),
    none("Control group"),
    tissue=AT,
)
style(
    "enumerated groups",
    "RBR-5stu34",
    "Bone marrow cells in spinal cord injury",
    "1. Cell group - 10 participants<br>Autologous bone marrow MSCs, 5 x 10^7 cells by lumbar "
    "puncture (intrathecal), two doses 30 days apart.<br>2. Control group - 10 participants<br>"
    "Rehabilitation only.<br>",
    row("Cell group", 5e7, None, CELLS, 2, "intrathecal"),
    none("Control group"),
    tissue=BM,
)

# ---------------------------------------------------------------- JPRN terse lines
style(
    "jprn terse",
    "JPRN-jRCT2050190222",
    "Allogeneic stromal cells for acute GVHD",
    "Intravenous drip infusion of allogeneic bone marrow-derived MSCs at 2x10^6 cells/kg, "
    "twice a week for 4 weeks",
    row("-", 2e6, None, KG, 8, IV),
    tissue=BM,
)
style(
    "jprn terse",
    "JPRN-jRCTb030190223",
    "Umbilical cord stromal cells in cerebral palsy",
    "UC-MSC 1.0x10^6 cells/kg iv, 3 times at 4-week intervals",
    row("-", 1e6, None, KG, 3, IV),
    tissue=UC,
)
style(
    "jprn terse",
    "JPRN-jRCT2050190224",
    "Autologous adipose stromal cells in liver cirrhosis",
    "Dosage: 1.0x10^6 cells/kg body weight; Route of administration: intra-arterial (via the "
    "hepatic artery); Number of administrations: 1",
    row("-", 1e6, None, KG, 1, "intra-arterial"),
    tissue=AT,
)
style(
    "jprn terse",
    "JPRN-jRCTb050200225",
    "A stromal cell product in ischaemic stroke",
    "MSC-01 intravenous infusion 1.5x10^8 cells single dose / Placebo",
    row("-", 1.5e8, None, CELLS, 1, IV),
)
style(
    "jprn terse",
    "JPRN-jRCT2030200226",
    "Allogeneic adipose stromal cells in liver cirrhosis",
    "Intravenous administration of allogeneic adipose-derived mesenchymal stem cells, 3.0 x "
    "10^5 cells/kg, once",
    row("-", 3e5, None, KG, 1, IV),
    tissue=AT,
)
style(
    "jprn near-miss",
    "JPRN-jRCTs031200227",
    "Favipiravir in viral pneumonia",
    "Favipiravir 1800 mg twice daily on day 1, then 800 mg twice daily for 13 days, orally",
    none("-"),
)

# ---------------------------------------------------------------- JPRN Japanese and English
# jRCT/UMIN texts that give the Japanese beside the English, or write figures in full-width
# characters: "個" counts cells ("2×10^6個/kg" is per kg), a full-width figure is read, and the
# evidence stays as written.
style(
    "jprn japanese-english",
    "JPRN-jRCT2050190301",
    "Allogeneic bone marrow stromal cells for acute GVHD",
    "同種骨髄由来間葉系幹細胞 2×10^6個/kg を週2回4週間静脈内投与 / Allogeneic bone "
    "marrow-derived MSCs, 2x10^6 cells/kg, intravenously twice a week for 4 weeks",
    row("-", 2e6, None, KG, 8, IV),
    tissue=BM,
)
style(
    "jprn japanese-english",
    "JPRN-UMIN000040302",
    "Autologous bone marrow stromal cells in spinal cord injury",
    "Intravenous infusion of autologous bone marrow MSCs (１．０×１０^８ cells), a single "
    "administration",
    row("-", 1e8, None, CELLS, 1, IV),
    tissue=BM,
)
style(
    "jprn japanese-english",
    "JPRN-jRCT2050190303",
    "Autologous adipose stem cells in knee osteoarthritis",
    "自己脂肪由来幹細胞を膝関節内に1回注射する。細胞数：５×１０＾７個 / A single "
    "intra-articular injection of autologous adipose-derived stem cells into the knee",
    row("-", 5e7, None, CELLS, 1, IA),
    tissue=AT,
)
style(
    "jprn japanese-english",
    "JPRN-jRCT2050190304",
    "Autologous bone marrow stromal cells in knee cartilage",
    "自己骨髄間葉系幹細胞 5×10^6個/mL を 4 mL 関節内注射 / autologous bone marrow MSC "
    "suspension (5x10^6 cells/mL), intra-articular injection",
    row("-", None, None, None, None, IA),  # a concentration is no dose
    tissue=BM,
)
style(
    "jprn near-miss",
    "JPRN-jRCTs031200305",
    "Favipiravir in viral pneumonia",
    "ファビピラビル 1800mg 1日2回 / favipiravir 1800 mg twice daily, oral, 10 days",
    none("-"),
)

# ---------------------------------------------------------------- REPEC group blocks
style(
    "repec groups",
    "PER-101-20",
    "Umbilical cord stromal cells in viral pneumonia",
    "Group name:Cell therapy Type of group;1 N° of participants:20 Intervention(s) "
    "description:Umbilical cord mesenchymal stromal cells 1 x 10^6 cells/kg by intravenous "
    "infusion on days 1 and 4.<br><br>Group name:Control Type of group;2 N° of participants:20 "
    "Intervention(s) description:Saline infusion on days 1 and 4.<br><br>",
    row("Cell therapy", 1e6, None, KG, 2, IV),
    none("Control"),
    tissue=UC,
)
style(
    "repec groups",
    "PER-102-20",
    "Adipose stromal cells in knee osteoarthritis",
    "Group name:Experimental Type of group;1 N° of participants:15 Intervention(s) "
    "description:A single intra-articular injection of 40 million autologous adipose-derived "
    "MSCs into the knee.<br><br>Group name:Hyaluronic acid Type of group;2 N° of "
    "participants:15 Intervention(s) description:A single intra-articular injection of "
    "hyaluronic acid.<br><br>",
    row("Experimental", 4e7, None, CELLS, 1, IA),
    none("Hyaluronic acid"),
    tissue=AT,
)
style(
    "repec groups",
    "PER-103-20",
    "Bone marrow cells in limb ischaemia",
    "Group name:Bone marrow cells Type of group;1 N° of participants:12 Intervention(s) "
    "description:Autologous bone marrow mononuclear cells, 1 x 10^9 cells, injected "
    "intramuscularly into the calf in a single session.<br><br>",
    row("Bone marrow cells", 1e9, None, CELLS, 1, IM),
    tissue=BM,
)

# ---------------------------------------------------------------- CRiS typed lines
style(
    "kct typed lines",
    "KCT0005228",
    "Umbilical cord blood stromal cells in knee cartilage defects",
    "Biological/Vaccine : Umbilical cord blood-derived MSCs 2.5 x 10^6 cells/cm2 implanted "
    "into the cartilage defect during arthrotomy, once",
    row("-", 2.5e6, None, CM2, 1, LOCAL),
)
style(
    "kct typed lines",
    "KCT0005229",
    "Adipose stem cells in complex perianal fistula",
    "Biological/Vaccine : Autologous adipose-derived stem cells (3 x 10^7 cells/mL) are "
    "injected into the fistula tract; the volume depends on the size of the fistula.<br>"
    "Procedure/Surgery : Seton placement",
    row("-", None, None, None, None, LOCAL),  # a concentration is no dose
    tissue=AT,
)
style(
    "kct typed lines",
    "KCT0005230",
    "Umbilical cord stromal cells in respiratory distress",
    "Biological/Vaccine : Experimental group: allogeneic umbilical cord-derived MSC 1 x 10^6 "
    "cells/kg, intravenous infusion, single administration. Control group: normal saline.",
    row("Experimental group", 1e6, None, KG, 1, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "kct near-miss",
    "KCT0005231",
    "Hydroxychloroquine for prophylaxis",
    "Drug : Hydroxychloroquine 400 mg orally once daily for 5 days",
    none("-"),
)

# ---------------------------------------------------------------- PACTR name lists
style(
    "pactr names",
    "PACTR202001000000232",
    "Umbilical cord stem cells in viral pneumonia",
    ";Umbilical cord mesenchymal stem cells;Standard of care;Umbilical cord mesenchymal stem "
    "cells;Standard of care",
    row("-"),
    tissue=UC,
)
style(
    "pactr names",
    "PACTR202001000000233",
    "Bone marrow cells in knee osteoarthritis",
    ";Autologous bone marrow mononuclear cells;Placebo",
    row("-"),
    tissue=BM,
)
style(
    "pactr names",
    "PACTR202001000000234",
    "Wharton's jelly cells in diabetic foot",
    ";Wharton's jelly mesenchymal stromal cells;Standard wound care",
    row("-"),
    tissue=WJ,
)
style(
    "pactr near-miss",
    "PACTR202006000000235",
    "Convalescent plasma",
    ";Convalescent Plasma;Normal saline",
    none("-"),
)

# ---------------------------------------------------------------- free text with descriptors
style(
    "free text with descriptors",
    "RBR-6vwx56",
    "Umbilical cord cells in respiratory syndrome",
    "Ten participants will receive three intravenous infusions of 5 x 10^5 cells/kg of "
    "umbilical cord mesenchymal cells at 48-hour intervals, and five participants will receive "
    "placebo.;Biological/vaccine;Transplantation",
    row("-", 5e5, None, KG, 3, IV),
    tissue=UC,
)
style(
    "free text with descriptors",
    "LBCTR2020010236",
    "Wharton's jelly cells in viral pneumonia",
    "Wharton's jelly-derived MSCs, 1 x 10^6 cells/kg, given intravenously on days 1 and 3, on "
    "top of standard care;standard care;Wharton's jelly MSC",
    row("-", 1e6, None, KG, 2, IV),
    tissue=WJ,
)
style(
    "free text with descriptors",
    "RPCEC00000437",
    "Mobilised blood cells in limb ischaemia",
    "Autologous mobilised peripheral blood mononuclear cells, 40 intramuscular injections of "
    "0.75 ml each in the calf (a total of 3 x 10^9 cells) in a single session.;Cell therapy",
    row("-", 3e9, None, CELLS, 1, IM),
)
style(
    "free text with descriptors",
    "NL9238",
    "Bone marrow stromal cells in perianal fistula",
    "Allogeneic bone marrow MSCs (30 million cells) are injected locally into the wall of the "
    "fistula tract during examination under anaesthesia. Control: placebo injection.",
    row("-", 3e7, None, CELLS, None, LOCAL),
    tissue=BM,
)

# ---------------------------------------------------------------- ISRCTN indented paragraphs
style(
    "isrctn paragraphs",
    "ISRCTN12000239",
    "Umbilical cord stromal cells in respiratory distress",
    "<br>                Participants will be randomised to one of two groups:<br>"
    "                Intervention group: a single intravenous infusion of 400 million "
    "umbilical cord-derived mesenchymal stromal cells over 30-60 minutes<br>"
    "                Control group: a single intravenous infusion of Plasma-Lyte 148<br><br>"
    "                Follow-up is 12 months.<br>",
    row("Intervention group", 4e8, None, CELLS, 1, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "isrctn paragraphs",
    "ISRCTN12000240",
    "Autologous stromal cells in multiple sclerosis",
    "<br>                Patients will have bone marrow harvested under general anaesthetic. "
    "Autologous MSCs will be expanded and infused intravenously at a dose of 1-2 x 10^6 "
    "cells/kg.<br><br>                Follow-up visits are at 3, 6 and 12 months.<br>",
    row("-", 1e6, 2e6, KG, None, IV),
    tissue=BM,
)
style(
    "isrctn paragraphs",
    "ISRCTN12000241",
    "Stromal cells in respiratory distress",
    "<br>                Patients will be randomised 1:1 to receive either:<br>"
    "                1. A single intravenous infusion of allogeneic umbilical cord MSCs at 4 x "
    "10^8 cells<br>                2. Placebo (Plasma-Lyte 148)<br>",
    row("-", 4e8, None, CELLS, 1, IV),
    tissue=UC,
)
style(
    "isrctn near-miss",
    "ISRCTN12000242",
    "An interleukin-1 blocker in viral pneumonia",
    "<br>                Eligible patients will be given anakinra subcutaneously over 10 days: "
    "100 mg twice a day for 3 days, then 100 mg once daily for 7 days.<br>",
    none("-"),
)

# ---------------------------------------------------------------- ChiCTR items holding ";"
style(
    "chictr items with semicolons",
    "ChiCTR2000000243",
    "Umbilical cord stromal cells in liver failure",
    "Group A:hUC-MSCs 0.5x10^6/kg; ivgtt; qw x 4;Group B:hUC-MSCs 1x10^6/kg; ivgtt; qw x 4;"
    "Group C:placebo;",
    row("Group A", 5e5, None, KG, 4, IV),
    row("Group B", 1e6, None, KG, 4, IV),
    none("Group C"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000246",
    "Umbilical cord stromal cells in liver failure",
    "Group A:hUC-MSCs 0.5x10^6/kg, ivgtt, qw x 4; saline flush after the infusion;Group B:"
    "hUC-MSCs 1x10^6/kg, ivgtt, qw x 4; saline flush after the infusion;Group C:placebo;",
    row("Group A", 5e5, None, KG, 4, IV),
    row("Group B", 1e6, None, KG, 4, IV),
    none("Group C"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000247",
    "Umbilical cord stromal cells in viral pneumonia",
    "Low dose group:hUC-MSC 1x10^6/kg, intravenous drip, on days 1, 3 and 5; plus routine "
    "treatment;High dose group:hUC-MSC 3x10^6/kg, intravenous drip, on days 1, 3 and 5; plus "
    "routine treatment;Control group:routine treatment;",
    row("Low dose group", 1e6, None, KG, 3, IV),
    row("High dose group", 3e6, None, KG, 3, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000244",
    "Umbilical cord stromal cells in viral pneumonia",
    "Experimental group:hUC-MSC 1x10^6/kg iv; day 1, day 3 and day 5;Control group:"
    "conventional treatment;",
    row("Experimental group", 1e6, None, KG, 3, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000245",
    "Umbilical cord stromal cells in spinal cord injury",
    "Treatment group:hUC-MSCs 1x10^6/kg; subarachnoid injection (intrathecal); once a week "
    "for 4 weeks;Control group:rehabilitation;",
    row("Treatment group", 1e6, None, KG, 4, "intrathecal"),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000304",
    "Umbilical cord stromal cells in acute lung injury",
    "MSC group:hUC-MSC suspension 100ml (containing 1×10^8 cells), intravenous infusion, 1 time;"
    "Control group:100ml normal saline, intravenous infusion, 1 time;",
    row("MSC group", 1e8, None, CELLS, 1, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr items with semicolons",
    "ChiCTR2000000305",
    "Umbilical cord stromal cells in knee osteoarthritis",
    "Stem cell group:umbilical cord MSCs 2×10^7 cells were injected into the knee joint cavity, 3 "
    "times in total with an interval of 1 month;Control group:sodium hyaluronate;",
    row("Stem cell group", 2e7, None, CELLS, 3, IA),
    none("Control group"),
    tissue=UC,
)
# ---------------------------------------------------------------- ChiCTR full-width punctuation
# Chinese registries' English fields often keep the full-width "；", "：", "，", "（）".
style(
    "chictr full-width punctuation",
    "ChiCTR2000000401",
    "Umbilical cord stromal cells in liver cirrhosis",
    "Experimental group：hUC-MSCs 1×10^6/kg，intravenous drip，once a week for 4 weeks；Control "
    "group：normal saline；",
    row("Experimental group", 1e6, None, KG, 4, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr full-width punctuation",
    "ChiCTR2000000402",
    "Umbilical cord stromal cells in viral pneumonia",
    "Experimental group:hUC-MSCs（1×10^6/kg）intravenous infusion on day 1，day 4；Control group:"
    "routine treatment;",
    row("Experimental group", 1e6, None, KG, 2, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr full-width punctuation",
    "ChiCTR2000000403",
    "Umbilical cord stromal cells in spinal cord injury",
    "Treatment group:UC-MSCs 5×10^7 cells，subarachnoid injection (intrathecal)，once a week，4 "
    "times in total;Control group:rehabilitation;",
    row("Treatment group", 5e7, None, CELLS, 4, "intrathecal"),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr items with semicolons",  # and one without: the groups read as the text labels them
    "ChiCTR2000000406",
    "Umbilical cord stromal cells in premature ovarian insufficiency",
    "Experimental group:hUC-MSCs 1×10^7 cells injected into the ovary under ultrasound "
    "guidance, once. Control group:hormone replacement therapy.",
    row("Experimental group", 1e7, None, CELLS, 1, "intraovarian"),
    none("Control group"),
    tissue=UC,
)
style(
    "chictr near-miss",
    "ChiCTR2000000404",
    "Favipiravir in viral pneumonia",
    "Experimental group：favipiravir 1600 mg twice daily on day 1，then 600 mg twice daily for 6 "
    "days；Control group：placebo；",
    none("Experimental group"),
    none("Control group"),
)

# ---------------------------------------------------------------- near-misses of the list rules
# "once" closes a list only at its end ("once a week" is a rate); a ';' item that names another
# agent (a drug's amount, saline, standard care) does not go on with the cells.
style(
    "list near-miss",
    "JPRN-jRCTb030190248",
    "Umbilical cord stromal cells in cerebral palsy",
    "UC-MSC 1x10^6 cells/kg iv, once a week for 4 weeks",
    row("-", 1e6, None, KG, 4, IV),
    tissue=UC,
)
style(
    "list near-miss",
    "JPRN-jRCTb030190251",
    "Umbilical cord stromal cells in cerebral palsy",
    "UC-MSC 1x10^6 cells/kg iv, 1 time per week for 3 weeks",
    row("-", 1e6, None, KG, 3, IV),
    tissue=UC,
)
style(
    "list near-miss",
    "ChiCTR2000000249",
    "Umbilical cord stromal cells in lupus",
    "Experimental group:hUC-MSC 1x10^6/kg iv; cyclophosphamide 500 mg iv every 2 weeks for 12 "
    "weeks;Control group:cyclophosphamide 500 mg iv every 2 weeks for 12 weeks;",
    row("Experimental group", 1e6, None, KG, None, IV),
    none("Control group"),
    tissue=UC,
)
style(
    "list near-miss",
    "RBR-8yza90",
    "Bone marrow stromal cells in liver cirrhosis",
    "Experimental group: autologous bone marrow MSCs 1 x 10^6 cells/kg via the hepatic artery on "
    "days 1 and 8; methylprednisolone 1 mg/kg, once. Control group: standard care.",
    row("Experimental group", 1e6, None, KG, 2, "intra-arterial"),
    none("Control group"),
    tissue=BM,
)
style(
    "list near-miss",
    "TCTR20200101250",
    "Adipose stromal cells in knee osteoarthritis",
    "Autologous adipose-derived MSCs 5 x 10^7 cells are injected into the knee joint; the "
    "injection may be repeated once.",
    row("-", 5e7, None, CELLS, None, IA),
    tissue=AT,
)


def _style_param(s: Style) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=s.gap)] if s.gap else []
    return pytest.param(s, id=f"{s.family}|{s.trial_id}", marks=marks)


@pytest.mark.parametrize("s", [_style_param(s) for s in STYLES])
def test_ictrp_style(s: Style) -> None:
    t = record(s.trial_id, s.title, s.interventions)
    annotate_trial(t)
    assert tuple(rows_of(t)) == s.expected, t.notes
    if s.tissue is not None:
        holders: list[Arm | Trial] = [*t.arms] or [t]
        tissues = {p.tissue for h in holders for p in h.products}
        assert tissues == {s.tissue}, t.notes


def test_every_family_has_three_records_and_near_misses() -> None:
    families: dict[str, int] = {}
    for s in STYLES:
        if not s.family.endswith("near-miss"):
            families[s.family] = families.get(s.family, 0) + 1
    assert [f for f, n in families.items() if n < 3] == []
    assert len([s for s in STYLES if s.family.endswith("near-miss")]) >= 8


# ---------------------------------------------------------------- the mapping itself


def test_groups_become_arms_as_written_and_shared_text_is_the_description() -> None:
    t = record(
        "ACTRN12619000246246",
        "Stromal cells",
        "Participants are randomised 1:1.<br>Arm 1: MSCs 1 x 10^6 cells/kg IV on Day 1.<br>"
        "Arm 2: Placebo IV on Day 1.<br><br>All participants continue standard care.",
    )
    assert [(a.label, a.description, a.type) for a in t.arms] == [
        ("Arm 1", "MSCs 1 x 10^6 cells/kg IV on Day 1.", None),
        ("Arm 2", "Placebo IV on Day 1.", None),
    ]
    assert t.interventions == []
    assert t.detailed_description == (
        "Participants are randomised 1:1.\n\nAll participants continue standard care."
    )
    assert any("read as arms: Arm 1; Arm 2" in n for n in t.notes)


@pytest.mark.parametrize(
    "text",
    [
        # a group named inside a sentence is no heading
        "Patients receive MSCs 1 x 10^6 cells/kg IV; the control group gets saline.",
        # a bare "Intervention:" heading alone names no group
        "Intervention: Autologous adipose MSCs<br>Dose: 50 million cells<br>Route: intra-articular",
        # one enumerated item recognised out of several: the others are not groups we can name
        "1. Standard care<br>2. MSC group - 10 participants<br>MSCs 1 x 10^6 cells/kg IV.",
        # a sentence about the groups is no heading, nor is a plural group word
        "Two groups: experimental and control. All groups: standard care.",
        "Study arms: MSCs 1 x 10^6 cells/kg IV or saline IV.",
    ],
)
def test_texts_that_label_no_group_stay_one_intervention(text: str) -> None:
    t = record("ACTRN12619000247247", "Stromal cells", text)
    assert t.arms == []
    assert [iv.name for iv in t.interventions] == ["Interventions"]


def test_euctr_placebo_lines_are_the_placebos_intervention() -> None:
    t = record(
        "EUCTR2019-000248-48-NL",
        "Stromal cells",
        "<br>Product Name: UC-MSC<br>Pharmaceutical Form: Suspension for injection<br>"
        "Pharmaceutical form of the placebo: Solution for injection<br>Route of administration "
        "of the placebo: Intravenous use<br><br>",
    )
    assert [(iv.name, iv.description) for iv in t.interventions] == [
        ("UC-MSC", "Product Name: UC-MSC\nPharmaceutical Form: Suspension for injection"),
        (
            "Placebo",
            "Pharmaceutical form of the placebo: Solution for injection\n"
            "Route of administration of the placebo: Intravenous use",
        ),
    ]
    annotate_trial(t)
    assert t.route is None  # the placebo's route is not stated for the cells


def test_euctr_strength_dose_keeps_the_three_lines_as_evidence() -> None:
    t = record(
        "EUCTR2019-000249-49-ES",
        "Stromal cells",
        "<br>Product Name: BM-MSC<br>Concentration unit: million cells/kg<br>Concentration type: "
        "range<br>Concentration number: 1-2<br><br>",
    )
    annotate_trial(t)
    [dose] = t.doses
    assert dose.evidence == (
        "Concentration unit: million cells/kg\nConcentration type: range\nConcentration number: 1-2"
    )
    assert dose.evidence_field == "intervention 'BM-MSC' description"


def test_full_width_semicolons_end_a_group_as_ascii_ones_do() -> None:
    t = record(
        "ITMCTR2020000306",
        "Stromal cells",
        "Experimental group：hUC-MSC 1x10^6/kg iv；Control group：saline；",
    )
    assert [(a.label, a.description) for a in t.arms] == [
        ("Experimental group", "hUC-MSC 1x10^6/kg iv"),
        ("Control group", "saline"),
    ]


def test_kct_typed_lines_and_pactr_names_are_interventions() -> None:
    kct = record(
        "KCT0005250",
        "Stromal cells",
        "Biological/Vaccine : UC-MSC 1 x 10^6 cells/kg IV<br>Procedure/Surgery : Bronchoscopy",
    )
    assert [(iv.type, iv.description) for iv in kct.interventions] == [
        ("BIOLOGICAL", "UC-MSC 1 x 10^6 cells/kg IV"),
        ("PROCEDURE", "Bronchoscopy"),
    ]
    pactr = record("PACTR202001000000251", "Stromal cells", ";UC-MSC;Placebo;UC-MSC")
    assert [iv.name for iv in pactr.interventions] == ["UC-MSC", "Placebo"]


def test_itmctr_ids_are_a_registry() -> None:
    t = record("ITMCTR2020000252", "A trial", "Treatment group:herbal decoction;")
    assert t.registry_ids[0].registry == "ITMCTR"
    assert ictrp.registry_of("ITMCTR2100004418") is not None


# ---------------------------------------------------------------- bad input


def test_bad_records_of_these_registries_name_file_record_and_reason() -> None:
    good = ("ACTRN12619000253253", "Stromal cells", "Arm 1: MSCs IV<br>Arm 2: placebo")
    unknown = ("QQQ-2020-1", "Stromal cells", "Group A: MSCs")
    no_id = ("NA", "Stromal cells", "Group A: MSCs")
    items = list(map_bytes(export(good, unknown, no_id), source_file="styles-bad.csv"))
    assert isinstance(items[0], Trial)
    assert [str(e) for e in items[1:]] == [
        "styles-bad.csv [QQQ-2020-1]: TrialID 'QQQ-2020-1' is of no known registry "
        "(Source Register None)",
        "styles-bad.csv [record-3]: the record has no TrialID",
    ]


def test_broken_xml_export_names_the_record_where_it_breaks() -> None:
    data = (
        b'<?xml version="1.0"?>\n<Trials_downloaded_from_ICTRP>\n'
        b"<Trial><TrialID>ACTRN12619000254254</TrialID><Interventions>Arm 1: MSCs</Interventions>"
        b"</Trial>\n<Trial><TrialID>JPRN-jRCT2050190255</TrialID><Interventions>MSC 1 x 10^6 "
        b"cells/kg < 2 x 10^6</Interventions></Trial>\n</Trials_downloaded_from_ICTRP>\n"
    )
    with pytest.raises(MappingError) as info:
        list(map_bytes(data, source_file="broken.xml"))
    message = str(info.value)
    assert message.startswith("broken.xml [JPRN-jRCT2050190255]: invalid or truncated XML")
    assert "in <Trial> record 2, after 1 whole record(s)" in message


_PREFIXES = [
    "ACTRN12619000256256",
    "JPRN-jRCT2050190257",
    "JPRN-UMIN000040258",
    "KCT0005259",
    "ISRCTN12000260",
    "DRKS00020261",
    "RBR-7yza78",
    "PACTR202001000000262",
    "TCTR20200101263",
    "NL9264",
    "LBCTR2020010265",
    "ITMCTR2020000266",
    "RPCEC00000467",
    "SLCTR/2020/068",
    "PER-069-20",
    "EUCTR2019-000270-70-NL",
]
_PIECES = st.sampled_from(
    [
        "Group A:",
        "Group B (Control):",
        "Arm 1 - ",
        "1. ",
        "a) ",
        "Control group:",
        "Experimental group : ",
        "Interventions/Control_1:",
        "Biological/Vaccine : ",
        "Drug : ",
        ";",
        "<br>",
        "<br><br>",
        "Product Name: MSC<br>",
        "Concentration unit: million cells/kg<br>Concentration type: range<br>",
        "Concentration number: 1-",
        "MSCs 1 x 10^6 cells/kg IV ",
        "once",
        " ",
        "Intervention:",
        "Control:",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    trial_id=st.sampled_from(_PREFIXES),
    pieces=st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=12),
)
def test_any_interventions_text_of_any_registry_maps_and_extracts(
    trial_id: str, pieces: list[str]
) -> None:
    text = "".join(pieces)
    try:
        items = list(map_bytes(export((trial_id, "Stromal cells", text)), source_file="fuzz.csv"))
    except MappingError as exc:  # a document that is no export (NUL bytes): the file named
        assert str(exc).startswith("fuzz.csv")
        return
    [t] = items
    if isinstance(t, MappingError):  # a clear error naming the file and the record
        assert str(t).startswith("fuzz.csv [")
        return
    assert isinstance(t, Trial)
    for arm in t.arms:
        assert arm.label.strip()
        assert arm.type is None  # the registries give their groups no type
    annotate_trial(t)
    holders: list[Arm | Trial] = [*t.arms] or [t]
    for h in holders:
        for d in h.doses:
            assert d.evidence and 0 < d.min_cells <= d.max_cells


def test_doctests_of_the_registry_layout_readers() -> None:
    import doctest

    from kg.extract import strength, widths
    from kg.sources import ictrp_arms

    for module in (ictrp_arms, strength, widths):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted >= 2, module.__name__


def _xml_export(trial_id: str, title: str, interventions: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Trials_downloaded_from_ICTRP>\n<Trial>'
        f"<TrialID>{escape(trial_id)}</TrialID><public_title>{escape(title)}</public_title>"
        f"<Agemin>18 Years</Agemin><Interventions>{escape(interventions)}</Interventions>"
        "</Trial>\n</Trials_downloaded_from_ICTRP>\n"
    ).encode()


def test_the_xml_export_of_every_record_reads_as_the_csv_does() -> None:
    """ICTRP's XML export holds the same fields: every record gives the same rows."""
    for s in STYLES:
        [from_xml] = list(
            map_bytes(_xml_export(s.trial_id, s.title, s.interventions), source_file="s.xml")
        )
        assert isinstance(from_xml, Trial), from_xml
        from_csv = record(s.trial_id, s.title, s.interventions)
        annotate_trial(from_xml)
        annotate_trial(from_csv)
        assert rows_of(from_xml) == rows_of(from_csv), s.trial_id


def test_every_record_builds_into_a_valid_graph_one_arm_node_per_group(tmp_path: Path) -> None:
    """The whole chain to the store: all records as one export, built, validated (no SHACL or
    QC violation about them), each record's groups as distinct arms, its doses on them."""
    from pyoxigraph import QuerySolutions

    from kg.build import build
    from kg.store import open_store
    from kg.validate import validate

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "styles.csv").write_bytes(
        export(*[(s.trial_id, s.title, s.interventions) for s in STYLES])
    )
    report = build([folder], tmp_path / "store")
    assert not report.failed, [d.errors for d in report.failed]
    store = open_store(tmp_path / "store", read_only=True).store
    assert [f for f in validate(store) if f.severity == "violation"] == []
    result = store.query(
        "PREFIX cto: <https://w3id.org/celltrials/ontology#> "
        "SELECT (COUNT(DISTINCT ?arm) AS ?arms) (COUNT(DISTINCT ?dose) AS ?doses) "
        "WHERE { ?t cto:hasArm ?arm . OPTIONAL { ?arm cto:hasDose ?dose } }",
        use_default_graph_as_union=True,
    )
    assert isinstance(result, QuerySolutions)
    [counts] = list(result)
    expected_arms = sum(len({r[0] for r in s.expected} - {"-"}) for s in STYLES)
    expected_doses = sum(
        1 for s in STYLES for r in s.expected if r[0] != "-" and len(r) > 2 and r[1] is not None
    )
    assert (int(counts["arms"].value), int(counts["doses"].value)) == (
        expected_arms,
        expected_doses,
    )


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=14))
def test_groups_are_the_texts_own_words(pieces: list[str]) -> None:
    """Nothing is invented: every arm's label and text, and the text said of all groups, are
    stretches of the interventions text as written."""
    from kg.sources.ictrp_arms import group_arms, repec_groups

    text = "".join(pieces).replace("<br>", "\n")
    arms, shared = group_arms(text)
    for arm in [*arms, *(repec_groups(text) or [])]:
        label = arm.label.removesuffix(f" ({arms.index(arm) + 1})") if arm in arms else arm.label
        assert label.replace(" ", "") in text.replace(" ", "").replace("\t", "")
        assert arm.description is None or arm.description in text
    for part in (shared or "").split("\n\n"):
        assert part in text
