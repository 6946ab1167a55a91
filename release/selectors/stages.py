"""The Time Release Study: the time each stage of a consignment's clearance takes (release.stages)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from .. import clearance, matrix, stages
from ..models import (
    StageBucket,
    StageBucketMonth,
)
from .dashboard import Period, _hours, _month_split, _ratio


def _stage_cells(period: Period) -> dict[tuple[str, str], dict[int, list[int]]]:
    """{(mode, stage): {bucket: [count, minutes]}} over the period: whole months from the monthly roll-up, the rest
    from the daily rows."""
    cells: dict[tuple[str, str], dict[int, list[int]]] = {}

    def add(queryset):
        for field in ("port", "grade", "site"):
            if getattr(period, field):
                queryset = queryset.filter(**{field: getattr(period, field)})
        for row in (queryset.values("mode", "stage", "bucket").annotate(n=Sum("count"), total=Sum("minutes"))
                    .order_by()):
            cell = cells.setdefault((row["mode"], row["stage"]), {}).setdefault(row["bucket"], [0, 0])
            cell[0] += row["n"]
            cell[1] += row["total"]

    month_start, month_end = _month_split(period.first, period.last)
    if month_start is None:
        add(StageBucket.objects.filter(day__gte=period.first, day__lte=period.last))
    else:
        add(StageBucketMonth.objects.filter(month__gte=month_start, month__lt=month_end))
        add(StageBucket.objects.filter(Q(day__gte=period.first, day__lt=month_start)
                                       | Q(day__gte=month_end, day__lte=period.last)))
    return cells


def _stage_figure(buckets: dict[int, list[int]]) -> dict:
    histogram = {bucket: count for bucket, (count, _minutes) in buckets.items()}
    timed = sum(histogram.values())
    minutes = sum(total for _count, total in buckets.values())
    return {"timed": timed, "minutes": minutes, "median_hours": _hours(clearance.percentile(histogram, 0.5)),
            "p90_hours": _hours(clearance.percentile(histogram, 0.9)),
            "mean_hours": _hours(_ratio(minutes, timed))}


def _merge(*histograms: dict[int, list[int]]) -> dict[int, list[int]]:
    merged: dict[int, list[int]] = {}
    for histogram in histograms:
        for bucket, (count, minutes) in histogram.items():
            cell = merged.setdefault(bucket, [0, 0])
            cell[0] += count
            cell[1] += minutes
    return merged


def stage_trend(period: Period, *, months: int = 12) -> list[dict]:
    """The median of each stage per calendar month, for the months up to the period's last (port, grade, site)."""
    last_month = period.last.replace(day=1)
    first_month = last_month
    for _step in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    queryset = StageBucketMonth.objects.filter(month__gte=first_month, month__lte=last_month)
    for field in ("port", "grade", "site"):
        if getattr(period, field):
            queryset = queryset.filter(**{field: getattr(period, field)})
    per_month: dict = {}
    for row in queryset.values("month", "stage", "bucket").annotate(n=Sum("count")).order_by():
        histogram = per_month.setdefault(row["month"], {}).setdefault(row["stage"], {})
        histogram[row["bucket"]] = histogram.get(row["bucket"], 0) + row["n"]
    return [{"month": month,
             "median_hours": [_hours(clearance.percentile(histograms.get(stage, {}), 0.5))
                              for stage in stages.STAGE_NAMES]}
            for month, histograms in sorted(per_month.items())]


def stage_figures(period: Period) -> dict:
    """The Time Release Study for a period, port, grade and site: per stage (all modes, and per mode) the median,
    90th percentile and mean in hours, how many consignments had the stage timed, the share of the time at the
    port each stage takes, and the monthly trend of the medians. Unknown stages are left out, never counted zero."""
    cells = _stage_cells(period)
    overall = []
    for stage in stages.STAGE_NAMES:
        figure = _stage_figure(_merge(*(cells.get((mode, stage), {}) for mode in matrix.MODES)))
        overall.append({"stage": stage, "label": str(stages.STAGE_LABELS[stage]), **figure})
    all_minutes = sum(row["minutes"] for row in overall)
    for row in overall:
        row["share"] = _ratio(row["minutes"], all_minutes)
    by_mode = [{"mode": mode, "stages": [{"stage": stage, **_stage_figure(cells.get((mode, stage), {}))}
                                         for stage in stages.STAGE_NAMES]}
               for mode in matrix.MODES]
    return {"stages": overall, "by_mode": by_mode, "trend": stage_trend(period)}


def public_stage_statistics(*, months: int = 12) -> dict:
    """The stage medians and 90th percentiles per month for the public page: all ports, modes and enterprises."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    per_month: dict = {}
    for row in (StageBucketMonth.objects.filter(month__gte=first, month__lte=today)
                .values("month", "stage", "bucket").annotate(n=Sum("count")).order_by()):
        histogram = per_month.setdefault(row["month"], {}).setdefault(row["stage"], {})
        histogram[row["bucket"]] = histogram.get(row["bucket"], 0) + row["n"]
    return {"stages": [{"stage": stage, "label": str(stages.STAGE_LABELS[stage])} for stage in stages.STAGE_NAMES],
            "months": [{"month": month,
                        "stages": [{"median_hours": _hours(clearance.percentile(histograms.get(stage, {}), 0.5)),
                                    "p90_hours": _hours(clearance.percentile(histograms.get(stage, {}), 0.9))}
                                   for stage in stages.STAGE_NAMES]}
                       for month, histograms in sorted(per_month.items())]}


def stage_sites() -> list[str]:
    return sorted(set(StageBucketMonth.objects.exclude(site="").values_list("site", flat=True).distinct()))
