"""Risk targeting within each grade's inspection budget, as pure functions (no database).

A consignment's expected harm is the probability that it does not conform times the severity of what it would let
in: the goods' category, the declared value, the severity of an active bulletin it matches, and an enterprise's
history of critical fraud. For each credit grade the cut-off is the expected harm above which a consignment is
inspected for its risk, chosen over the recent decisions so that, with what the negative list, the forced modes
and tightened supervision inspect anyway and the random control sample, the grade's expected inspection rate is its
budget: highest harm first. ``release.services.targeting`` computes and stores the cut-offs; the decision reads
them (``release.deciding``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# How much worse a non-conformity of the category is than that of general goods (public health first).
CATEGORY_SEVERITY = {
    "live_animal": 3.0, "meat": 3.0, "aquatic": 2.5, "dairy": 2.5, "animal_product": 2.0, "pharmaceutical": 2.5,
    "medical_device": 2.5, "food": 2.0, "fruit_vegetable": 2.0, "grain": 2.0, "plant": 2.0, "feed": 2.0,
    "dangerous_goods": 3.0, "chemical": 2.0, "cosmetics": 1.8, "toy": 1.8, "coating": 1.5, "tobacco": 1.5,
    "electrical": 1.3, "vehicle": 1.3, "machinery": 1.1,
}
# An active bulletin's hazard: epidemics and nuclear, biological or chemical hazards weigh the most.
HAZARD_SEVERITY = {"animal_disease": 2.0, "plant_pest": 1.6, "nbc": 2.5, "food_safety": 1.8,
                   "product_quality": 1.3, "fraud": 1.5}
CRITICAL_FRAUD_SEVERITY = 2.0
# What the window owes its budget is made up over this many days. The cut-offs are recomputed each night: a grade of
# a few decisions a day that made up a missing inspection in one day would draw two about as often as one (AA's
# one in 200) and stray from its budget by the second; made up over a week, it drifts. Two days kept a simulated
# month of 200 AA or 400 A decisions within ±20 % of its budget most often.
CATCH_UP_DAYS = 2
# Above this declared value (CNY) the harm grows with the value's order of magnitude.
VALUE_REFERENCE = 100_000.0


def expected_harm(*, probability: float, categories: Iterable[str] = (), value: float = 0.0,
                  hazards: Iterable[str] = (), critical_history: bool = False) -> float:
    """Probability of non-conformity (0–1) × severity (≥ 1)."""
    severity = max((CATEGORY_SEVERITY.get(c, 1.0) for c in categories), default=1.0)
    severity *= max((HAZARD_SEVERITY.get(h, 1.0) for h in hazards), default=1.0)
    severity *= 1.0 + 0.25 * math.log10(1.0 + max(value, 0.0) / VALUE_REFERENCE)
    if critical_history:
        severity *= CRITICAL_FRAUD_SEVERITY
    return max(0.0, min(1.0, probability)) * severity


@dataclass(frozen=True)
class PastDecision:
    """What the cut-off needs of one recent decision: its harm, the probability it does not conform, whether
    something other than the targeting inspected it anyway (negative list, forced mode, tightening, rule), and, for
    the budget's books, whether it was decided under cut-offs and inspected."""

    harm: float
    probability: float
    forced: bool
    under_cutoffs: bool = False
    inspected: bool = False


@dataclass(frozen=True)
class GradeCutoff:
    grade: str
    budget: float
    random_ratio: float
    decisions: int  # in the window
    forced_share: float  # inspected whatever the targeting (counted against the budget)
    targeted_share: float  # of the rest, the share the targeting inspects
    cutoff: float | None  # the harm from which a consignment is targeted; None: nothing is targeted
    # Of the consignments whose harm is exactly the cut-off (e.g. no model and no rule: every harm 0), the share
    # targeted: a tie would otherwise take them all.
    tie_share: float
    expected_rate: float  # forced + targeted + the random sample among the rest (aiming at ``aim``)
    expected_hits: float  # expected non-conformities found per 100 decisions
    # Of the consignments above the cut-off, the share targeted: a new consignment lands above the m-th highest of
    # n past harms with probability m / (n + 1), so targeting k (fractional) of them takes each with k / m.
    above_share: float = 1.0
    # The rate aimed at until the next recomputation: the budget, plus what the window's decisions made under
    # cut-offs owe it (or minus what they spent beyond it), spread over the decisions expected until then.
    aim: float | None = None

    def as_dict(self) -> dict:
        return {"budget": self.budget, "aim": self.aim, "random_ratio": self.random_ratio, "decisions": self.decisions,
                "forced_share": self.forced_share, "targeted_share": self.targeted_share, "cutoff": self.cutoff,
                "tie_share": self.tie_share, "above_share": self.above_share,
                "expected_rate": self.expected_rate, "expected_hits": self.expected_hits}


def targeted_share(*, budget: float, random_ratio: float, forced_share: float) -> float:
    """The share of the consignments nothing else inspects that the targeting must inspect so that forced +
    targeted + the random draw among the rest make the budget (0 when forced and random already fill it)."""
    if forced_share >= 1.0:
        return 0.0
    left = (budget - forced_share) / (1.0 - forced_share)  # the budget's share of the consignments not forced
    if random_ratio >= 1.0:
        return 0.0
    return max(0.0, min(1.0, (left - random_ratio) / (1.0 - random_ratio)))


def budget_aim(past: list[PastDecision], *, budget: float, ahead: float | None) -> float:
    """The rate to aim at over the next ``ahead`` decisions so that the window's decisions made under cut-offs and
    those meet the budget together: the draws and the tail above a cut-off are chances, and a grade of a few
    inspections a month would otherwise stray from its budget by their luck (a Poisson count of 10 is ±30 %)."""
    if not ahead:
        return budget
    counted = [p for p in past if p.under_cutoffs]
    owed = budget * len(counted) - sum(p.inspected for p in counted)
    return max(0.0, min(1.0, budget + owed / ahead))


def grade_cutoff(grade: str, past: list[PastDecision], *, budget: float, random_ratio: float,
                 ahead: float | None = None) -> GradeCutoff:
    """The cut-off of one grade over its recent decisions; with ``ahead`` (the decisions expected until the next
    recomputation), aiming at the budget the window still owes (:func:`budget_aim`), else at the budget itself."""
    n = len(past)
    if not n:
        return GradeCutoff(grade, budget, random_ratio, 0, 0.0, 0.0, None, 1.0, 0.0, 0.0, aim=budget)
    aim = budget_aim(past, budget=budget, ahead=ahead)
    forced = [p for p in past if p.forced]
    free = sorted((p for p in past if not p.forced), key=lambda p: p.harm, reverse=True)
    forced_share = len(forced) / n
    share = targeted_share(budget=aim, random_ratio=random_ratio, forced_share=forced_share)
    # The expected number to target, fractional: the consignments at the cut-off are targeted in the share that
    # makes it exact (a small window or a low budget would otherwise round it to none).
    k = share * len(free)
    if k <= 1e-9:  # nothing to target (a share of a billionth would leave no consignment at the cut-off)
        return GradeCutoff(grade, budget, random_ratio, n, forced_share, share, None, 1.0,
                           (len(forced) + random_ratio * len(free)) / n,
                           100 * (sum(p.probability for p in forced)
                                  + random_ratio * sum(p.probability for p in free)) / n, aim=aim)
    m = min(math.ceil(k - 1e-9), len(free))  # k = 12.000000000000002 is 12
    cutoff = free[m - 1].harm
    above = [p for p in free if p.harm > cutoff]
    tied = [p for p in free if p.harm == cutoff]
    tie_share = max(0.0, min(1.0, (k - len(above)) / len(tied)))
    rest_probability = sum(p.probability for p in free) - sum(p.probability for p in above) \
        - tie_share * sum(p.probability for p in tied)
    expected_rate = (len(forced) + k + random_ratio * (len(free) - k)) / n
    hits = (sum(p.probability for p in forced) + sum(p.probability for p in above)
            + tie_share * sum(p.probability for p in tied) + random_ratio * rest_probability)
    return GradeCutoff(grade, budget, random_ratio, n, forced_share, share, cutoff, tie_share, expected_rate,
                       100 * hits / n, above_share=min(1.0, k / m), aim=aim)


def cutoffs_for(past_by_grade: Mapping[str, list[PastDecision]], *, budgets: Mapping[str, float],
                ratios: Mapping[str, float], days: int | None = None) -> dict[str, GradeCutoff]:
    """Per grade; with ``days`` (the days the window's decisions span) each aims at what its budget is owed over
    the next CATCH_UP_DAYS days' decisions (their share of its window)."""
    return {grade: grade_cutoff(grade, past_by_grade.get(grade, []), budget=budgets[grade],
                                random_ratio=ratios[grade],
                                ahead=len(past_by_grade.get(grade, [])) * CATCH_UP_DAYS / days if days else None)
            for grade in budgets}


def is_targeted(harm: float | None, cutoff: float | None, *, tie_share: float = 1.0, tie_draw: float = 0.0,
                above_share: float = 1.0) -> bool:
    """Above the cut-off, when the consignment's own draw (uniform in [0, 1)) falls in the share above it; at it,
    when it falls in the tie share."""
    if harm is None or cutoff is None:
        return False
    if harm > cutoff:
        return tie_draw < above_share
    return harm == cutoff and tie_draw < tie_share


def tie_draw(number: str) -> float:
    """A uniform [0, 1) value fixed by the declaration's number (a tie is broken the same way whoever re-runs it)."""
    digest = hashlib.sha256(f"harm-tie:{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
