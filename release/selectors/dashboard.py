"""The supervisors' dashboard: clearance figures, the queue, workload, recalls and the public statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ciq_portal.i18n import name_for_reader
from credit.selectors import inspection_budget_for_grade
from inspection.models import InspectionTask
from inspection.transitions import OPEN_STATUSES

from .. import clearance, matrix
from ..choices import ClearanceBasis, RecallStatus
from ..models import (
    ClearanceBucket,
    ClearanceBucketMonth,
    DailyReleaseStat,
    OfficerDailyStat,
    Recall,
    StatsRefresh,
)


@dataclass
class Period:
    first: date
    last: date
    port: str = ""
    grade: str = ""
    basis: str = ClearanceBasis.SUBMISSION
    site: str = ""


def _stat_rows(period: Period, model=DailyReleaseStat):
    queryset = model.objects.filter(day__gte=period.first, day__lte=period.last)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return queryset


def _month_split(first: date, last: date) -> tuple[date | None, date | None]:
    """The whole calendar months inside [first, last] as [month_first, month_end) or (None, None)."""
    start = first if first.day == 1 else (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = (last + timedelta(days=1)).replace(day=1) if (last + timedelta(days=1)).day != 1 else last + timedelta(days=1)
    return (start, end) if start < end else (None, None)


def clearance_histograms(period: Period) -> dict[str, dict[int, int]]:
    """Clearance-time histograms per mode: whole months from the monthly roll-up, the rest from daily rows."""
    histograms: dict[str, dict[int, int]] = {}

    def add(queryset):
        if period.port:
            queryset = queryset.filter(port=period.port)
        if period.grade:
            queryset = queryset.filter(grade=period.grade)
        for row in queryset.filter(basis=period.basis).values("mode", "bucket").annotate(n=Sum("count")).order_by():
            hist = histograms.setdefault(row["mode"], {})
            hist[row["bucket"]] = hist.get(row["bucket"], 0) + row["n"]

    month_start, month_end = _month_split(period.first, period.last)
    if month_start is None:
        add(ClearanceBucket.objects.filter(day__gte=period.first, day__lte=period.last))
    else:
        add(ClearanceBucketMonth.objects.filter(month__gte=month_start, month__lt=month_end))
        add(ClearanceBucket.objects.filter(Q(day__gte=period.first, day__lt=month_start)
                                           | Q(day__gte=month_end, day__lte=period.last)))
    return histograms


def _ratio(numerator, denominator):
    return (numerator / denominator) if denominator else None


def dashboard(period: Period) -> dict:
    """Every figure of the supervisors' dashboard for a period, port and grade: a handful of grouped queries on
    the materialised summary tables plus live counts of what is open now (queue, workload, recalls)."""
    mode_rows = {row["mode"]: row for row in _stat_rows(period).values("mode").annotate(
        released=Sum("released"), decided=Sum("decided"), sub_n=Sum("clear_sub_count"),
        sub_min=Sum("clear_sub_minutes"), arr_n=Sum("clear_arr_count"), arr_min=Sum("clear_arr_minutes"))}
    histograms = clearance_histograms(period)
    by_mode = []
    for mode in matrix.MODES:
        row = mode_rows.get(mode, {})
        n_key, min_key = ("arr_n", "arr_min") if period.basis == ClearanceBasis.ARRIVAL else ("sub_n", "sub_min")
        hist = histograms.get(mode, {})
        by_mode.append({
            "mode": mode, "released": row.get("released") or 0, "decided": row.get("decided") or 0,
            "mean_hours": _hours(_ratio(row.get(min_key) or 0, row.get(n_key) or 0)),
            "median_hours": _hours(clearance.percentile(hist, 0.5)),
            "p90_hours": _hours(clearance.percentile(hist, 0.9)),
            "timed": row.get(n_key) or 0,
        })

    grade_rows = {row["grade"]: row for row in _stat_rows(period).values("grade").annotate(
        decided=Sum("decided"), inspected=Sum("inspected"), random=Sum("random_selected"))}
    by_grade = []
    for grade in matrix.GRADES:
        if period.grade and grade != period.grade:
            continue
        row = grade_rows.get(grade, {})
        # The target is the grade's budget: everything inspected, the random sample included.
        target, random_target, policy_version = inspection_budget_for_grade(grade)
        by_grade.append({"grade": grade, "decided": row.get("decided") or 0, "inspected": row.get("inspected") or 0,
                         "random": row.get("random") or 0,
                         "achieved": _ratio(row.get("inspected") or 0, row.get("decided") or 0),
                         "random_ratio": _ratio(row.get("random") or 0, row.get("decided") or 0),
                         "target": float(target), "budget": float(target), "random_target": float(random_target),
                         "policy_version": policy_version})

    totals = _stat_rows(period).aggregate(
        ct=Sum("concluded_targeted"), nt=Sum("nonconform_targeted"), cr=Sum("concluded_random"),
        nr=Sum("nonconform_random"), lab_n=Sum("lab_resulted"), lab_min=Sum("lab_minutes"))
    hit_rate = [
        {"kind": "targeted", "concluded": totals["ct"] or 0, "nonconform": totals["nt"] or 0,
         "rate": _ratio(totals["nt"] or 0, totals["ct"] or 0)},
        {"kind": "random", "concluded": totals["cr"] or 0, "nonconform": totals["nr"] or 0,
         "rate": _ratio(totals["nr"] or 0, totals["cr"] or 0)},
    ]
    lab = {"resulted": totals["lab_n"] or 0,
           "mean_hours": _hours(_ratio(totals["lab_min"] or 0, totals["lab_n"] or 0))}
    refreshed = StatsRefresh.objects.order_by("-refreshed_at").first()
    return {
        "period": period, "by_mode": by_mode, "by_grade": by_grade, "hit_rate": hit_rate, "lab": lab,
        "queue": queue_age(port=period.port), "workload": inspector_workload(),
        "recalls": open_recalls(), "refreshed": refreshed,
        "released_total": sum(r["released"] for r in by_mode),
    }


def _hours(minutes):
    return None if minutes is None else round(minutes / 60, 2)


def queue_age(*, port: str = "", now=None) -> dict:
    """Open inspection tasks now: how many, and how long they have waited (in hours), by status."""
    now = now or timezone.now()
    queryset = InspectionTask.objects.filter(status__in=OPEN_STATUSES)
    if port:
        queryset = queryset.filter(declaration__port_of_entry=port)
    rows = []
    # Age bands in hours: a few COUNTs with a filter each, in one query.
    bands = [(0, 4), (4, 8), (8, 24), (24, 72), (72, None)]
    aggregates = {}
    for low, high in bands:
        condition = Q(created_at__lte=now - timedelta(hours=low))
        if high is not None:
            condition &= Q(created_at__gt=now - timedelta(hours=high))
        aggregates[f"b{low}"] = Count("id", filter=condition)
    aggregates["overdue"] = Count("id", filter=Q(due_at__lt=now))
    counts = queryset.aggregate(**aggregates)
    for low, high in bands:
        rows.append({"low": low, "high": high, "count": counts[f"b{low}"]})
    oldest = queryset.order_by("created_at").values_list("created_at", flat=True).first()
    return {"bands": rows, "open": sum(r["count"] for r in rows), "overdue": counts["overdue"],
            "oldest_hours": round((now - oldest).total_seconds() / 3600, 1) if oldest else None}


def overdue_by_site(*, port: str = "", now=None) -> list[dict]:
    """Open inspection tasks past their due time now, per inspection site (live), most first, with how many of
    them were escalated to the site's supervisor."""
    now = now or timezone.now()
    queryset = InspectionTask.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if port:
        queryset = queryset.filter(declaration__port_of_entry=port)
    rows = (queryset.values("site__code", "site__name", "site__name_en")
            .annotate(overdue=Count("id"), escalated=Count("id", filter=Q(escalated_at__isnull=False)))
            .order_by("-overdue", "site__code"))
    return [{"site": r["site__code"] or "", "name": name_for_reader(r["site__name"] or "", r["site__name_en"] or ""),
             "overdue": r["overdue"], "escalated": r["escalated"]} for r in rows]


def inspector_workload(limit: int = 30) -> list[dict]:
    """Open tasks per officer now (live) and inspections each concluded in the last 30 days (summary rows)."""
    open_counts = dict(InspectionTask.objects.filter(status__in=OPEN_STATUSES, assigned_to__isnull=False)
                       .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n")
                       .order_by())
    since = timezone.localdate() - timedelta(days=29)
    concluded = dict(OfficerDailyStat.objects.filter(day__gte=since).values_list("officer_id")
                     .annotate(n=Sum("concluded")).values_list("officer_id", "n").order_by())

    ids = set(open_counts) | set(concluded)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    rows = [{"officer": u.get_full_name() or u.username, "open": open_counts.get(pk, 0),
             "concluded": concluded.get(pk, 0)} for pk, u in users.items()]
    rows.sort(key=lambda r: (-r["open"], -r["concluded"], r["officer"]))
    return rows[:limit]


def open_recalls(limit: int = 20) -> list[dict]:
    rows = (Recall.objects.filter(status=RecallStatus.OPEN)
            .select_related("release__declaration", "release__enterprise")
            .annotate(buyers=Count("notices"),
                      acknowledged=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)))
            .order_by("opened_at")[:limit])
    return list(rows)


def public_statistics(*, months: int = 12) -> dict:
    """Releases by mode and the average clearance time (from submission), per month, for the public page."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (DailyReleaseStat.objects.filter(day__gte=first, day__lte=today)
            .annotate(month=TruncMonth("day")).values("month", "mode")
            .annotate(released=Sum("released"), n=Sum("clear_sub_count"), minutes=Sum("clear_sub_minutes"))
            .order_by("month", "mode"))
    by_month: dict = {}
    totals = {mode: {"released": 0, "n": 0, "minutes": 0} for mode in matrix.MODES}
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        entry = by_month.setdefault(month, {mode: 0 for mode in matrix.MODES} | {"n": 0, "minutes": 0})
        if row["mode"] in totals:
            entry[row["mode"]] += row["released"] or 0
            totals[row["mode"]]["released"] += row["released"] or 0
            totals[row["mode"]]["n"] += row["n"] or 0
            totals[row["mode"]]["minutes"] += row["minutes"] or 0
        entry["n"] += row["n"] or 0
        entry["minutes"] += row["minutes"] or 0
    months_out = [{"month": month, "by_mode": [values[m] for m in matrix.MODES],
                   "total": sum(values[m] for m in matrix.MODES),
                   "mean_hours": _hours(_ratio(values["minutes"], values["n"]))}
                  for month, values in sorted(by_month.items())]
    all_n = sum(t["n"] for t in totals.values())
    return {
        "first": first, "last": today, "months": months_out,
        "by_mode": [{"mode": m, "released": totals[m]["released"],
                     "mean_hours": _hours(_ratio(totals[m]["minutes"], totals[m]["n"]))} for m in matrix.MODES],
        "released_total": sum(t["released"] for t in totals.values()),
        "mean_hours": _hours(_ratio(sum(t["minutes"] for t in totals.values()), all_n)),
    }


def ports() -> list[str]:
    return sorted(set(DailyReleaseStat.objects.values_list("port", flat=True).distinct()))
