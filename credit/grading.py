"""Enterprise credit grading: every threshold, weight, decay step and trigger, in one place.

Pure functions, no database. The nightly set-based recomputation (services.credit_grades_recompute) computes the
same :class:`Aggregates` in SQL from the constants below; the immediate regrade (services.enterprise_regrade)
computes them here with :func:`aggregate_events`. Both then call :func:`grade_from_aggregates`, so the two paths
cannot disagree. All arithmetic is on integers (points × percent), so SQL and Python sums are exactly equal.

The model
---------
* Score: ``BASE_SCORE`` (70, a new enterprise with no events is B) plus each live event's weight times its decay
  percentage, clamped to 0–100.
* Decay (stepwise, by the event's age on the grading date): 100 % in its first year, 50 % in its second year,
  then 0 % (the event no longer counts). Events dated after the grading date are not counted yet.
* A "live" event is one that was not corrected; a correction is a new event that voids the one it corrects (both
  then count for nothing).
* Bands: AA ≥ 95, A ≥ 85, B ≥ 60, C ≥ 40, D below 40.
* Hard triggers and caps, in this order:
  1. smuggling or document falsification in the last two years → D;
  2. an enterprise graded D stays D until it has had two clean years (no adverse event, i.e. none with a
     negative weight) — "D returns to B only after two clean years";
  3. AA and A are certified grades: without a live certification (AEO) in the last three years, at most B;
  4. administrative penalties summing to ``PENALTY_CAP_AMOUNT`` (CNY) or more in the last year → at most C;
  5. leaving D always lands on B first (the next nightly run may raise it further).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .choices import CreditEventKind as K
from .choices import CreditGrade as G

# --- score --------------------------------------------------------------------------------------------------
BASE_SCORE = 70
MIN_SCORE, MAX_SCORE = 0, 100

# Default weight (points) of each kind of event; a source may give its own weight within WEIGHT_LIMITS.
DEFAULT_WEIGHTS: dict[str, int] = {
    K.INSPECTION_PASSED: 1,
    K.CERTIFICATION: 15,
    K.NON_CONFORMITY: -8,
    K.LAB_FAILURE: -12,
    K.RECALL: -15,
    K.PENALTY: -10,
    K.AGENCY_INFORMATION: -5,
    K.FALSIFICATION: -40,
    K.SMUGGLING: -60,
}
WEIGHT_LIMITS = (-100, 100)

# Decay steps: (age in days strictly below, percent counted). Older events count 0 %.
DECAY_STEPS: tuple[tuple[int, int], ...] = ((365, 100), (730, 50))
WINDOW_DAYS = DECAY_STEPS[-1][0]

# --- bands (lowest score of each grade) -----------------------------------------------------------------------
BANDS: tuple[tuple[int, str], ...] = ((95, G.AA), (85, G.A), (60, G.B), (40, G.C))
LOWEST_GRADE = G.D
GRADE_ORDER = [G.AA, G.A, G.B, G.C, G.D]  # best first

# --- triggers -------------------------------------------------------------------------------------------------
D_TRIGGER_KINDS = frozenset({K.SMUGGLING, K.FALSIFICATION})
D_TRIGGER_DAYS = 730
CLEAN_PERIOD_DAYS = 730  # D returns to B only after this many days without an adverse event
CERTIFICATION_VALID_DAYS = 1095
PENALTY_WINDOW_DAYS = 365
PENALTY_CAP_AMOUNT = Decimal("100000")  # CNY; at or above → at most C
PENALTY_CAP_GRADE = G.C

# Events that regrade their enterprise at once instead of waiting for the nightly run.
SEVERE_KINDS = frozenset({K.SMUGGLING, K.FALSIFICATION, K.LAB_FAILURE, K.RECALL, K.PENALTY, K.CERTIFICATION})
SEVERE_WEIGHT = -20  # an event of any kind at or below this weight is severe too

# Reasons recorded with a grade change.
REASON_SCORE = "score"
REASON_SEVERE_TRIGGER = "severe_trigger"
REASON_D_NOT_CLEAN = "d_not_clean"
REASON_NOT_CERTIFIED = "not_certified"
REASON_PENALTY_CAP = "penalty_cap"
REASON_D_RECOVERY = "d_recovery"


@dataclass(frozen=True)
class EventFact:
    """What grading needs to know of one event."""

    kind: str
    occurred_on: date
    weight: int
    amount: Decimal | None = None
    live: bool = True


@dataclass(frozen=True)
class Aggregates:
    """One enterprise's events summed up for a grading date (also computed in SQL by the nightly run)."""

    points_centi: int = 0  # Σ weight × decay percent over live events
    d_trigger: bool = False
    adverse_recent: bool = False
    certified: bool = False
    penalty_amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class GradeResult:
    grade: str
    score: Decimal
    reason: str


def default_weight(kind: str) -> int:
    return DEFAULT_WEIGHTS[kind]


def is_severe(kind: str, weight: int) -> bool:
    return kind in SEVERE_KINDS or weight <= SEVERE_WEIGHT


def decay_percent(occurred_on: date, as_of: date) -> int:
    age = (as_of - occurred_on).days
    if age < 0:
        return 0
    for below, percent in DECAY_STEPS:
        if age < below:
            return percent
    return 0


def cutoff(as_of: date, days: int) -> date:
    """Events dated strictly after this date are younger than ``days`` on ``as_of``."""
    return as_of - timedelta(days=days)


def aggregate_events(events: Iterable[EventFact], as_of: date) -> Aggregates:
    points = 0
    d_trigger = adverse = certified = False
    penalty = Decimal("0")
    for event in events:
        if not event.live or event.occurred_on > as_of:
            continue
        points += event.weight * decay_percent(event.occurred_on, as_of)
        if event.kind in D_TRIGGER_KINDS and event.occurred_on > cutoff(as_of, D_TRIGGER_DAYS):
            d_trigger = True
        if event.weight < 0 and event.occurred_on > cutoff(as_of, CLEAN_PERIOD_DAYS):
            adverse = True
        if event.kind == K.CERTIFICATION and event.occurred_on > cutoff(as_of, CERTIFICATION_VALID_DAYS):
            certified = True
        if event.kind == K.PENALTY and event.amount and event.occurred_on > cutoff(as_of, PENALTY_WINDOW_DAYS):
            penalty += Decimal(event.amount)
    return Aggregates(points, d_trigger, adverse, certified, penalty)


def score_from_points(points_centi: int) -> Decimal:
    centi = max(MIN_SCORE * 100, min(MAX_SCORE * 100, BASE_SCORE * 100 + int(points_centi)))
    return Decimal(centi) / 100


def band_for_score(score: Decimal) -> str:
    for lowest, grade in BANDS:
        if score >= lowest:
            return grade
    return LOWEST_GRADE


def worse(a: str, b: str) -> str:
    return a if GRADE_ORDER.index(a) >= GRADE_ORDER.index(b) else b


def is_better(a: str, b: str) -> bool:
    return GRADE_ORDER.index(a) < GRADE_ORDER.index(b)


def grade_from_aggregates(agg: Aggregates, current_grade: str) -> GradeResult:
    score = score_from_points(agg.points_centi)
    if agg.d_trigger:
        return GradeResult(G.D, score, REASON_SEVERE_TRIGGER)
    if current_grade == G.D and agg.adverse_recent:
        return GradeResult(G.D, score, REASON_D_NOT_CLEAN)
    grade, reason = band_for_score(score), REASON_SCORE
    if grade in (G.AA, G.A) and not agg.certified:
        grade, reason = G.B, REASON_NOT_CERTIFIED
    if agg.penalty_amount >= PENALTY_CAP_AMOUNT and is_better(grade, PENALTY_CAP_GRADE):
        grade, reason = PENALTY_CAP_GRADE, REASON_PENALTY_CAP
    if current_grade == G.D and grade != G.D:
        grade, reason = worse(grade, G.B), REASON_D_RECOVERY
    return GradeResult(grade, score, reason)


def grade_events(events: Iterable[EventFact], as_of: date, current_grade: str = G.B) -> GradeResult:
    return grade_from_aggregates(aggregate_events(events, as_of), current_grade)
