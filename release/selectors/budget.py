"""The inspection budget: budget against achieved per grade and per site, and projections of a change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from credit.selectors import inspection_budget_for_grade, inspection_policy_current
from inspection.models import InspectionSite

from .. import matrix, targeting
from ..choices import Selection
from ..models import ReleaseDecision
from .dashboard import Period, _ratio
from .policy import selection_cutoffs_current

BUDGET_TOLERANCE = 0.20  # achieved within ±20 % of the budget
TREND_DAYS = 7


def within_budget(achieved, budget) -> bool | None:
    if achieved is None:
        return None
    return abs(achieved - budget) <= BUDGET_TOLERANCE * budget


def _decisions_in(period: Period):
    queryset = ReleaseDecision.objects.filter(decided_on__gte=period.first, decided_on__lte=period.last,
                                              on_hold=False)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return queryset


def budget_by_grade(period: Period) -> list[dict]:
    """Per grade: decided, inspected, achieved against the budget, the random share against its ratio, what each
    selection (forced, targeted, random, the matrix) inspected, the cut-off in force and a daily trend of the last
    TREND_DAYS days of the period."""
    counts: dict[str, dict] = {}
    for row in (_decisions_in(period).values("grade", "selection")
                .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True)),
                          drawn=Count("id", filter=Q(random_selected=True)),
                          moved=Count("id", filter=~Q(capacity_moved=""))).order_by()):
        entry = counts.setdefault(row["grade"], {"decided": 0, "inspected": 0, "drawn": 0, "moved": 0})
        entry["decided"] += row["n"]
        entry["moved"] += row["moved"]
        entry["inspected"] += row["inspected"]
        entry["drawn"] += row["drawn"]
        if row["selection"]:
            entry[f"by_{row['selection']}"] = entry.get(f"by_{row['selection']}", 0) + row["inspected"]
    # Counted from the period's first day when it is shorter (no date before year 1 is computed).
    trend_first = (period.first if (period.last - period.first).days < TREND_DAYS
                   else period.last - timedelta(days=TREND_DAYS - 1))
    days = [trend_first + timedelta(days=n) for n in range((period.last - trend_first).days + 1)]
    daily: dict[tuple, tuple[int, int]] = {}
    for row in (_decisions_in(Period(trend_first, period.last, port=period.port, grade=period.grade))
                .values("decided_on", "grade")
                .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True))).order_by()):
        daily[(row["decided_on"], row["grade"])] = (row["n"], row["inspected"])
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
    how the budget selected them."""
    days = (period.last - period.first).days + 1
    queryset = ReleaseDecision.objects.filter(decided_on__gte=period.first, decided_on__lte=period.last,
                                              task__isnull=False)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    counts = {row["task__site_id"]: row for row in queryset.values("task__site_id").annotate(
        inspections=Count("id"), forced=Count("id", filter=Q(selection=Selection.FORCED)),
        targeted=Count("id", filter=Q(selection=Selection.TARGETED)),
        random=Count("id", filter=Q(selection=Selection.RANDOM))).order_by()}
    sites = InspectionSite.objects.filter(pk__in=[pk for pk in counts if pk is not None]).order_by("code")
    if period.port:
        sites = sites.filter(port=period.port)
    rows = []
    for site in sites:
        row = counts[site.pk]
        capacity = site.capacity_per_day * days
        rows.append({"site": site.code, "name": site.display_name,
                     "inspections": row["inspections"], "capacity": capacity,
                     "utilisation": _ratio(row["inspections"], capacity), "forced": row["forced"],
                     "targeted": row["targeted"], "random": row["random"]})
    return rows


def budget_projection(*, forced_ids=(), budgets=None, ratios=None, days: int = 28, today=None) -> list[dict]:
    """Per grade, today's expected inspection rate and hits (the cut-offs over the last ``days`` days' decisions)
    beside the projection where the declarations ``forced_ids`` are also inspected whatever the targeting (a rule
    or bulletin replayed: what it adds is counted against the budget and the targeting gives way to it), or where
    the policy's ``budgets`` and random ``ratios`` ({grade: fraction}) are the ones proposed."""
    today = today or timezone.localdate()
    forced_ids = set(forced_ids)
    policy = inspection_policy_current()
    proposed = {"budgets": budgets or policy["budgets"], "ratios": ratios or policy["ratios"]}
    now_past: dict[str, list] = {}
    then_past: dict[str, list] = {}
    for declaration_id, grade, harm, probability, selection in (
            ReleaseDecision.objects.filter(decided_on__gt=today - timedelta(days=days), decided_on__lte=today,
                                           harm__isnull=False, on_hold=False)
            .values_list("declaration_id", "grade", "harm", "hit_probability", "selection").order_by()
            .iterator(chunk_size=5000)):
        forced = selection == Selection.FORCED
        now_past.setdefault(grade, []).append(targeting.PastDecision(harm, probability or 0.0, forced))
        then_past.setdefault(grade, []).append(
            targeting.PastDecision(harm, probability or 0.0, forced or declaration_id in forced_ids))
    now = targeting.cutoffs_for(now_past, budgets=policy["budgets"], ratios=policy["ratios"])
    then = targeting.cutoffs_for(then_past, budgets=proposed["budgets"], ratios=proposed["ratios"])
    return [{"grade": grade, "decisions": now[grade].decisions, "budget": now[grade].budget,
             "budget_projected": then[grade].budget,
             "rate_today": now[grade].expected_rate, "rate_projected": then[grade].expected_rate,
             "forced_today": now[grade].forced_share, "forced_projected": then[grade].forced_share,
             "hits_today": now[grade].expected_hits, "hits_projected": then[grade].expected_hits}
            for grade in matrix.GRADES if grade in now]


BUDGET_WINDOW_DAYS = 92  # the budget is watched over the last quarter of a longer period (counted live)


def budget_watch(period: Period) -> dict:
    """The budget's part of the dashboard (also GET /api/v1/release-dashboard/), over the period's last
    BUDGET_WINDOW_DAYS days at most: its figures are counted on the decisions themselves."""
    if (period.last - period.first).days >= BUDGET_WINDOW_DAYS:
        period = replace(period, first=period.last - timedelta(days=BUDGET_WINDOW_DAYS - 1))
    return {"period": period, "by_grade": budget_by_grade(period), "by_site": budget_by_site(period),
            "cutoffs": selection_cutoffs_current()}
