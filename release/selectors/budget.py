"""The inspection budget: budget against achieved per grade and per site, and projections of a change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.db.models import Avg, F, Sum
from django.utils import timezone

from credit.selectors import inspection_budget_for_grade, inspection_policy_current
from inspection.models import InspectionSite
from risk.selectors import model_whatif

from .. import deciding, matrix, targeting
from ..choices import Selection
from ..models import DailyReleaseStat, DailySiteStat, Release, ReleaseDecision
from .dashboard import Period, _ratio
from .policy import release_matrix_current, selection_cutoffs_current

BUDGET_TOLERANCE = 0.20  # achieved within ±20 % of the budget
TREND_DAYS = 7


def within_budget(achieved, budget) -> bool | None:
    if achieved is None:
        return None
    return abs(achieved - budget) <= BUDGET_TOLERANCE * budget


def _summary_rows(model, period: Period):
    """The summary rows (refreshed by release.services.release_stats_refresh) of the period's days, port and
    grade."""
    queryset = model.objects.filter(day__gte=period.first, day__lte=period.last)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return queryset


def budget_by_grade(period: Period) -> list[dict]:
    """Per grade: decided, inspected, achieved against the budget, the random share against its ratio, what each
    selection (forced, targeted, random, the matrix) inspected, the cut-off in force and a daily trend of the last
    TREND_DAYS days of the period; counted on the summary rows of the decisions not on hold."""
    counts = {row["grade"]: row for row in _summary_rows(DailyReleaseStat, period).values("grade").annotate(
        decided=Sum("budget_decided"), inspected=Sum("budget_inspected"), drawn=Sum("budget_drawn"),
        moved=Sum("budget_moved"), **{f"by_{s}": Sum(f"budget_{s}") for s in Selection.values}).order_by()}
    # Counted from the period's first day when it is shorter (no date before year 1 is computed).
    trend_first = (period.first if (period.last - period.first).days < TREND_DAYS
                   else period.last - timedelta(days=TREND_DAYS - 1))
    days = [trend_first + timedelta(days=n) for n in range((period.last - trend_first).days + 1)]
    daily = {(row["day"], row["grade"]): (row["n"], row["inspected"]) for row in (
        _summary_rows(DailyReleaseStat, replace(period, first=trend_first)).values("day", "grade")
        .annotate(n=Sum("budget_decided"), inspected=Sum("budget_inspected")).order_by())}
    cutoffs = (selection_cutoffs_current() or {}).get("grades", {})
    rows = []
    for grade in matrix.GRADES:
        if period.grade and grade != period.grade:
            continue
        entry = counts.get(grade, {})
        budget, random_target, policy_version = inspection_budget_for_grade(grade)
        achieved = _ratio(entry.get("inspected", 0), entry.get("decided", 0))
        cut = cutoffs.get(grade) or {}
        rows.append({
            "grade": grade, "decided": entry.get("decided", 0), "inspected": entry.get("inspected", 0),
            "achieved": achieved, "budget": budget, "random_target": random_target,
            "random_ratio": _ratio(entry.get("drawn", 0), entry.get("decided", 0)),
            "forced": entry.get("by_forced", 0), "targeted": entry.get("by_targeted", 0),
            "random": entry.get("by_random", 0), "by_matrix": entry.get("by_matrix", 0),
            "capacity_moved": entry.get("moved", 0),
            "within": within_budget(achieved, budget),
            "cutoff": cut.get("cutoff"), "expected_rate": cut.get("expected_rate"),
            "expected_hits": cut.get("expected_hits"), "policy_version": policy_version,
            "trend": [{"day": day, "decided": daily.get((day, grade), (0, 0))[0],
                       "achieved": _ratio(daily.get((day, grade), (0, 0))[1], daily.get((day, grade), (0, 0))[0])}
                      for day in days],
        })
    return rows


def budget_by_site(period: Period) -> list[dict]:
    """Per inspection site: the inspections opened in the period against its capacity over the period's days, and
    how the budget selected them; counted on the summary rows."""
    days = (period.last - period.first).days + 1
    counts = {row["site_id"]: row for row in _summary_rows(DailySiteStat, period).values("site_id").annotate(
        n=Sum("inspections"), n_forced=Sum("forced"), n_targeted=Sum("targeted"), n_random=Sum("random"))
        .order_by()}
    sites = InspectionSite.objects.filter(pk__in=list(counts)).order_by("code")
    if period.port:
        sites = sites.filter(port=period.port)
    rows = []
    for site in sites:
        row = counts[site.pk]
        capacity = site.capacity_per_day * days
        rows.append({"site": site.code, "name": site.display_name,
                     "inspections": row["n"], "capacity": capacity,
                     "utilisation": _ratio(row["n"], capacity), "forced": row["n_forced"],
                     "targeted": row["n_targeted"], "random": row["n_random"]})
    return rows


CLEARANCE_DAYS = 90  # the releases each mode's clearance time is estimated from


def clearance_minutes_by_mode(*, days: int = CLEARANCE_DAYS, today=None) -> dict[str, float]:
    """{release mode: the average minutes from submission to release} over the last ``days`` days' releases."""
    today = today or timezone.localdate()
    return {row["mode"]: row["minutes"] for row in (
        Release.objects.filter(released_on__gt=today - timedelta(days=days), released_on__lte=today,
                               minutes_from_submission__isnull=False)
        .values("mode").annotate(minutes=Avg("minutes_from_submission")).order_by())}


def _replayed_mode(row, *, cells, tier: str, harm: float, cut: targeting.GradeCutoff | None,
                   force_inspection: bool) -> str:
    """The mode ``release.deciding`` gives a past decision with another matrix, tier, harm or cut-off: the
    constraints it recorded (negative list, forced mode, tightening) and its random draw stay as they were."""
    forced_by = row["forced_by"] or []
    risk_modes = [c["mode"] for c in forced_by if c.get("code") in ("risk", "bulletin")]
    tightening = next((c for c in forced_by if c.get("code") == "tightening"), None)
    inputs = deciding.DecisionInputs(
        tier=tier, grade=row["grade"], cells=cells,
        negative_list=tuple(deciding.NegativeListMatch(entry=None, kind="", value="", reason="", min_mode=c["mode"])
                            for c in forced_by if c.get("code") == "negative_list"),
        risk_forced_mode=max(risk_modes, key=matrix.MODES.index, default=""),
        risk_reason_codes=tuple(c["code"] for c in forced_by if c.get("code") == "bulletin"),
        force_inspection=force_inspection,
        tightening=deciding.Tightening(None, tightening["mode"], "") if tightening else None,
        drawn=row["random_selected"], budget_targeting=bool(cut and cut.decisions), harm=harm,
        harm_cutoff=cut.cutoff if cut else None, harm_tie_share=cut.tie_share if cut else 1.0,
        harm_above_share=cut.above_share if cut else 1.0, harm_tie_draw=targeting.tie_draw(row["number"]))
    return deciding.decide(inputs).mode


def _average_minutes(modes: list[str], minutes: dict[str, float]) -> float | None:
    """The modes' average estimated clearance time; None when a mode has no recent release to estimate it from."""
    if not modes or any(mode not in minutes for mode in modes):
        return None
    return sum(minutes[mode] for mode in modes) / len(modes)


def budget_projection(*, forced_ids=(), budgets=None, ratios=None, cells=None, model=None, days: int = 28,
                      today=None) -> list[dict]:
    """Per grade, today's expected inspection rate, hits and average clearance time (the cut-offs over the last
    ``days`` days' decisions) beside the projection with a change: a rule or bulletin (``forced_ids``: the
    declarations it inspects whatever the targeting, counted against the budget), an inspection policy (its
    ``budgets`` and random ``ratios``, {grade: fraction}), a release-mode matrix (``cells``) or a risk ``model``
    (its probability of non-conformity and the tier it gives, the harm keeping the decision's severity). Each past
    decision is decided again (``release.deciding``) with today's inputs and with the change's, and its mode is
    given the average time from submission to release of that mode's recent releases."""
    today = today or timezone.localdate()
    forced_ids = set(forced_ids)
    policy = inspection_policy_current()
    proposed = {"budgets": budgets or policy["budgets"], "ratios": ratios or policy["ratios"]}
    cells_today = release_matrix_current()[1]
    cells = cells or cells_today
    rows = list(ReleaseDecision.objects.filter(decided_on__gt=today - timedelta(days=days), decided_on__lte=today,
                                               harm__isnull=False, on_hold=False)
                .values("declaration_id", "grade", "tier", "harm", "hit_probability", "selection", "forced_by",
                        "random_selected", "inputs", number=F("declaration__number")).order_by("pk"))
    risk = model_whatif(model=model, declaration_ids=[row["declaration_id"] for row in rows]) if model else {}
    now_past: dict[str, list] = {}
    then_past: dict[str, list] = {}
    projected = []
    for row in rows:
        probability = row["hit_probability"] or 0.0
        forced = row["selection"] == Selection.FORCED
        then_probability, then_tier = risk.get(row["declaration_id"], (probability, row["tier"]))
        # The harm is the probability times the consignment's severity: a new probability keeps the severity.
        then_harm = row["harm"] * then_probability / probability if probability else row["harm"]
        projected.append((then_harm, then_tier))
        now_past.setdefault(row["grade"], []).append(targeting.PastDecision(row["harm"], probability, forced))
        then_past.setdefault(row["grade"], []).append(targeting.PastDecision(
            then_harm, then_probability, forced or row["declaration_id"] in forced_ids))
    now = targeting.cutoffs_for(now_past, budgets=policy["budgets"], ratios=policy["ratios"])
    then = targeting.cutoffs_for(then_past, budgets=proposed["budgets"], ratios=proposed["ratios"])
    minutes = clearance_minutes_by_mode(today=today)
    modes_now: dict[str, list[str]] = {}
    modes_then: dict[str, list[str]] = {}
    for row, (then_harm, then_tier) in zip(rows, projected, strict=True):
        force_inspection = bool((row["inputs"] or {}).get("force_inspection"))
        modes_now.setdefault(row["grade"], []).append(_replayed_mode(
            row, cells=cells_today, tier=row["tier"], harm=row["harm"], cut=now.get(row["grade"]),
            force_inspection=force_inspection))
        modes_then.setdefault(row["grade"], []).append(_replayed_mode(
            row, cells=cells, tier=then_tier, harm=then_harm, cut=then.get(row["grade"]),
            force_inspection=force_inspection or row["declaration_id"] in forced_ids))
    return [{"grade": grade, "decisions": now[grade].decisions, "budget": now[grade].budget,
             "budget_projected": then[grade].budget,
             "rate_today": now[grade].expected_rate, "rate_projected": then[grade].expected_rate,
             "forced_today": now[grade].forced_share, "forced_projected": then[grade].forced_share,
             "hits_today": now[grade].expected_hits, "hits_projected": then[grade].expected_hits,
             "minutes_today": _average_minutes(modes_now.get(grade, []), minutes),
             "minutes_projected": _average_minutes(modes_then.get(grade, []), minutes)}
            for grade in matrix.GRADES if now[grade].decisions]


BUDGET_WINDOW_DAYS = 92  # the budget is watched over the last quarter of a longer period


def budget_watch(period: Period) -> dict:
    """The budget's part of the dashboard (also GET /api/v1/release-dashboard/), over the period's last
    BUDGET_WINDOW_DAYS days at most: its figures are counted on the summary rows."""
    if (period.last - period.first).days >= BUDGET_WINDOW_DAYS:
        period = replace(period, first=period.last - timedelta(days=BUDGET_WINDOW_DAYS - 1))
    return {"period": period, "by_grade": budget_by_grade(period), "by_site": budget_by_site(period),
            "cutoffs": selection_cutoffs_current()}
