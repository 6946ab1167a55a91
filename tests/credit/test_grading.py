"""The grading table: bands, decay, each trigger, recovery (credit/grading.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import grading
from credit.choices import CreditEventKind as K
from credit.choices import CreditGrade as G
from credit.grading import EventFact

AS_OF = date(2026, 6, 30)


def ago(days):
    return AS_OF - timedelta(days=days)


def ev(kind, days_ago=10, weight=None, amount=None, live=True):
    return EventFact(kind, ago(days_ago), grading.default_weight(kind) if weight is None else weight,
                     Decimal(amount) if amount else None, live)


CERT = ev(K.CERTIFICATION, 100)  # +15

# (case, events, current grade, expected grade, expected score, expected reason)
TABLE = [
    ("new enterprise starts at B", [], G.B, G.B, "70", grading.REASON_SCORE),
    ("passes alone never make a non-certified enterprise A", [ev(K.INSPECTION_PASSED)] * 20, G.B, G.B, "90",
     grading.REASON_NOT_CERTIFIED),
    ("certified with a clean record is A", [CERT], G.B, G.A, "85", grading.REASON_SCORE),
    ("certified and many passes is AA", [CERT] + [ev(K.INSPECTION_PASSED)] * 10, G.A, G.AA, "95",
     grading.REASON_SCORE),
    ("score is capped at 100", [CERT] + [ev(K.INSPECTION_PASSED)] * 40, G.AA, G.AA, "100", grading.REASON_SCORE),
    ("one non-conformity keeps B", [ev(K.NON_CONFORMITY)], G.B, G.B, "62", grading.REASON_SCORE),
    ("band C from 40 to below 60", [ev(K.NON_CONFORMITY), ev(K.LAB_FAILURE)], G.B, G.C, "50",
     grading.REASON_SCORE),
    ("band D below 40", [ev(K.RECALL), ev(K.LAB_FAILURE), ev(K.NON_CONFORMITY)], G.B, G.D, "35",
     grading.REASON_SCORE),
    ("boundary 60 is B", [ev(K.AGENCY_INFORMATION, weight=-10)], G.B, G.B, "60", grading.REASON_SCORE),
    ("boundary just below 60 is C", [ev(K.AGENCY_INFORMATION, weight=-11)], G.B, G.C, "59", grading.REASON_SCORE),
    ("decay: second year counts half", [ev(K.LAB_FAILURE, 400)], G.B, G.B, "64", grading.REASON_SCORE),
    ("decay: beyond two years counts nothing", [ev(K.RECALL, 731)] * 3, G.B, G.B, "70", grading.REASON_SCORE),
    ("decay: future-dated events do not count", [ev(K.RECALL, -5)], G.B, G.B, "70", grading.REASON_SCORE),
    ("smuggling triggers D", [ev(K.SMUGGLING, 30, weight=-1)], G.AA, G.D, "69", grading.REASON_SEVERE_TRIGGER),
    ("falsification triggers D even with a high score", [CERT, ev(K.FALSIFICATION, 600, weight=-1)], G.A, G.D,
     "84.5", grading.REASON_SEVERE_TRIGGER),
    ("a corrected smuggling event triggers nothing", [ev(K.SMUGGLING, 30, live=False)], G.B, G.B, "70",
     grading.REASON_SCORE),
    ("penalties at the threshold cap at C", [CERT, ev(K.PENALTY, 20, weight=-1, amount="100000")], G.A, G.C,
     "84", grading.REASON_PENALTY_CAP),
    ("penalties below the threshold do not cap", [CERT, ev(K.PENALTY, 20, weight=-1, amount="99999.99")], G.A,
     G.B, "84", grading.REASON_SCORE),
    ("penalties older than a year do not cap", [ev(K.PENALTY, 366, weight=-1, amount="500000")], G.B, G.B,
     "69.5", grading.REASON_SCORE),
    ("penalties sum up within the year", [ev(K.PENALTY, 10, weight=-1, amount="60000"),
                                          ev(K.PENALTY, 300, weight=-1, amount="40000")], G.B, G.C, "68",
     grading.REASON_PENALTY_CAP),
    ("D stays D while an adverse event is under two years old", [ev(K.NON_CONFORMITY, 700, weight=-1)], G.D,
     G.D, "69.5", grading.REASON_D_NOT_CLEAN),
    ("D returns to B after two clean years, even when certified", [CERT] + [ev(K.INSPECTION_PASSED)] * 20, G.D,
     G.B, "100", grading.REASON_D_RECOVERY),
    ("smuggling two years ago no longer triggers", [ev(K.SMUGGLING, 731)], G.B, G.B, "70", grading.REASON_SCORE),
    ("certification older than three years no longer counts", [ev(K.CERTIFICATION, 1096, weight=30)], G.A, G.B,
     "70", grading.REASON_SCORE),
]


@pytest.mark.parametrize(("case", "events", "current", "grade", "score", "reason"), TABLE, ids=[r[0] for r in TABLE])
def test_grading_table(case, events, current, grade, score, reason):
    result = grading.grade_events(events, AS_OF, current)
    assert (result.grade, result.score, result.reason) == (grade, Decimal(score), reason)


@pytest.mark.parametrize(("days", "percent"), [(0, 100), (364, 100), (365, 50), (729, 50), (730, 0), (-1, 0)])
def test_decay_steps(days, percent):
    assert grading.decay_percent(ago(days), AS_OF) == percent


@pytest.mark.parametrize(("score", "grade"), [("100", G.AA), ("95", G.AA), ("94.99", G.A), ("85", G.A),
                                              ("84.99", G.B), ("60", G.B), ("59.99", G.C), ("40", G.C),
                                              ("39.99", G.D), ("0", G.D)])
def test_bands(score, grade):
    assert grading.band_for_score(Decimal(score)) == grade


def test_severity():
    assert grading.is_severe(K.SMUGGLING, -60)
    assert grading.is_severe(K.AGENCY_INFORMATION, -20)
    assert not grading.is_severe(K.AGENCY_INFORMATION, -5)
    assert not grading.is_severe(K.INSPECTION_PASSED, 1)
