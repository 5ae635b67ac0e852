"""Free text -> cell products, doses and routes, each with its verbatim evidence.

The public API::

    from kg.extract import annotate_trial, extract_doses, extract_products, find_route, ROUTES

* :func:`extract_doses` -- every cell-dose figure of a text (``Dose.evidence`` is a
  verbatim span of the text).
* :func:`extract_products` -- the cell products a text names (cell type CL, tissue UBERON,
  donor from explicit words only).
* :func:`find_route` -- the route a text states, as ``(route key, verbatim span)``.
* :data:`ROUTES` -- route key -> :class:`Route` (label, NCIt code, source of the code).
* :func:`annotate_trial` -- fill a :class:`kg.model.Trial`'s arms (or the trial itself for
  documents with no arms) and report what was read and how in ``trial.notes``.
"""

from __future__ import annotations

from kg.extract.annotate import annotate_trial
from kg.extract.doses import extract_doses
from kg.extract.products import extract_products
from kg.extract.routes import ROUTES, Route, find_route

__all__ = [
    "EXTRACT_VERSION",
    "ROUTES",
    "Route",
    "annotate_trial",
    "extract_doses",
    "extract_products",
    "find_route",
]

# Part of kg.build.PIPELINE_VERSION: bump when a change of the extractor changes what it reads
# from a record, so that a rebuild re-maps unchanged documents. 1: tissue abbreviations after a
# maker's prefix ("HB-adMSCs"), dental pulp / amniotic membrane before the cell words, "a single
# transendocardial delivery" and "intravenously once" counted, "non-/anti-MSC" no product,
# powers of ten "to the power of 6", "10 power 6" and misspelt ("sxth", "eigth"), "is repeated
# 2 weeks later" = 2, "through/via a lumbar puncture" intrathecal unless a sample is taken.
# 2: a bracketed range mantissa "(1-2) x 10^6"; donor words after a source word ("derived from
# the patient's own"); "injected under the skin / beneath the retina", "eye drops", "the tissue
# surrounding the opening of the fistula"; "d0, d7 and d14", "q2w x 3", "weekly x 4 weeks",
# "weekly infusions for 4 weeks", "in two sessions", "on day 0 only"; an arm's own description
# gives the count where every intervention of the arm is cells. 3: "1x10*6", "cells·kg⁻¹",
# "/kg/week for 4 weeks" (not a drug's "mg/kg/day"), "on two occasions", "Allogeneic,
# HLA-unmatched MSCs", "unrelated healthy donor", "umbilical cord Wharton's jelly" (Wharton's
# jelly), "amniotic fluid MSCs". 4: no dose from a sentence about cells in the laboratory
# ("seeded per flask", "used for flow cytometry", "nucleated cells are harvested"); "stage III
# or IV", "grade II–IV", "IV drug use" are no route; "an allogeneic kidney transplant" says
# nothing of the MSCs' donor; "evaluated weekly for 4 weeks" is no count. 5: a figure of other
# cells in the trial's own texts ("a CD34+ cell dose of 5 x 10^6/kg") is no dose of the MSCs
# unless the arms are given those cells too. 6: a route word of a drug named beside the cells
# ("intra-articular hyaluronic acid", "methylprednisolone is given IV before MSCs") is not the
# cells' route. 7: "4 x 10^7 cells each time / each infusion" is per administration (not per
# site); "1 infusion every 2 weeks" is a rate, not a count; "from a healthy third-party donor".
# 8: quality-control sentences (sterility, endotoxin, mycoplasma, karyotype, release testing)
# state no dose. 9: whole-record shapes and counts: a sentence said of every arm ("Each patient
# receives a single infusion", "in both arms") gives every cell arm its count; the last group of
# an inline list ("Arm A: ...; Arm B: ....") owns its own sentence only; a drug's days and
# schedule ("cyclophosphamide 500 mg/m2 on days 1, 8 and 15") are no count of the cells; "Days
# 0, 14, and 28", "at baseline and at 3 months", "one infusion of MSCs per week for 4 weeks",
# "weekly intravenous MSC infusions over 4 weeks", ", repeated at 6 months", "a booster at week
# 12", "given in four doses", "given as one infusion", "MSCs once;". Also in 9: tissues menstrual
# blood (MenSCs, endometrial regenerative cells), chorion, decidua, gingiva, synovium; "stem cells
# from exfoliated deciduous teeth"; "HLA-unmatched MSCs" are allogeneic; a supplement ("autologous
# plasma", "the patient's own serum") and the donor word of other cells ("autologous
# chondrocytes") are not the MSCs' donor; "100 MM cells", "per each kg", "cells∙kg−1"; a culture's
# seeding density per cm2 is no dose. Also in 9 (record shapes): "Groups A and B ... respectively";
# an arm named by two groups ("Cohort 1: Low Dose") or by its description's opening group; one
# figure or count of the summary for the cell arms it does not leave out (by their label words);
# each arm's own description of the whole design read per group; cell interventions linked to
# no arm; a count in the arm's label ("Three doses"; "double dose" is an amount); "at baseline
# (day 0)" = 1; "days 0, +7 and +14"; "1, 3 and 6 months after surgery"; sample and scan
# schedules are no count; groups no arm is named by give no count; "the first cohort"; an arm
# label written as a label in a shared text ("Schedule A: ..."); low / middle / high dose arms
# take as many unnamed figures in rising order; a placebo clause's point is not the cells'.
# 10 (schedules, kg/extract/schedules.py): injections of one session ("in a single procedure",
# "during the same catheterisation") = 1, five or more local injections with no schedule are
# portions; "at surgery and day 4 post-transplant", "at enrolment and again 4 weeks later" = 2;
# ordinal points ("on the 1st, 3rd and 5th day"); points with their units ("at baseline, 3 months
# and 6 months", "at 0 and 12 hours"); counted cycles multiply out; "quadruple"; "for 4
# consecutive times"; "once/week x 4 weeks"; "MSC injection x 1"; "second MSC infusion" (not
# "second dose group"); response-dependent re-dosing is conditional; no count from background
# sentences or from taking the cells or following the patients. Also in 10 (schedules): "N
# doses" compared are levels; "the study product" is the cells where the rest are controls; a
# form's Frequency / Duration / Number of doses fields; "1 injection/month for 3 months";
# "daily on days 1-5"; day ranges and windows are no points; a start and listed repeats; "3x";
# "Day 0: MSC infusion. Day 7: MSC infusion."; ordinal lists with their points; lumbar
# punctures; cycles with days; visit numbers and tolerances of points; "qd x 5 days"; counts
# "respectively"; "a two-dose regimen"; points then a rate until a last point; "1x10^6
# cells/kg x 2"; planned re-dosing; phases that add up; one injection per place; "q.d. for 3
# days"; a tolerance inside a schedule; another agent's count in the cells' sentence.
EXTRACT_VERSION = "10"
