"""Rebuilding the materialised dashboard rows (DailyReleaseStat, ClearanceBucket) for a range of days.

A few grouped queries over the decisions, releases, concluded inspections and lab orders of those days, merged
and bulk-inserted; called only through release.services.release_stats_refresh (inside its transaction).
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from inspection.models import InspectionTask, LabOrder

from .choices import ClearanceBasis
from .models import (
    ClearanceBucket,
    ClearanceBucketMonth,
    DailyReleaseStat,
    OfficerDailyStat,
    Release,
    ReleaseDecision,
)

BATCH = 5000


def _bounds(first: date, last: date):
    return (timezone.make_aware(datetime.combine(first, time.min)),
            timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)))


def rebuild(first: date, last: date) -> int:
    DailyReleaseStat.objects.filter(day__gte=first, day__lte=last).delete()
    ClearanceBucket.objects.filter(day__gte=first, day__lte=last).delete()
    rows: dict[tuple, dict] = defaultdict(dict)

    def add(key, **values):
        row = rows[key]
        for name, value in values.items():
            row[name] = row.get(name, 0) + (value or 0)

    for r in (ReleaseDecision.objects.filter(decided_on__gte=first, decided_on__lte=last)
              .values("decided_on", "port", "grade", "mode")
              .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True)),
                        random=Count("id", filter=Q(random_selected=True))).order_by()):
        add((r["decided_on"], r["port"], r["grade"], r["mode"]), decided=r["n"], inspected=r["inspected"],
            random_selected=r["random"])

    releases = Release.objects.filter(released_on__gte=first, released_on__lte=last)
    for r in (releases.values("released_on", "port", "grade", "mode")
              .annotate(n=Count("id"), sub_n=Count("minutes_from_submission"),
                        sub_min=Sum("minutes_from_submission"), arr_n=Count("minutes_from_arrival"),
                        arr_min=Sum("minutes_from_arrival")).order_by()):
        add((r["released_on"], r["port"], r["grade"], r["mode"]), released=r["n"], clear_sub_count=r["sub_n"],
            clear_sub_minutes=r["sub_min"], clear_arr_count=r["arr_n"], clear_arr_minutes=r["arr_min"])

    start, end = _bounds(first, last)
    decision = "declaration__release_decision__"
    tasks = (InspectionTask.objects.filter(status="concluded", concluded_at__gte=start, concluded_at__lt=end,
                                           declaration__release_decision__isnull=False)
             .annotate(day=TruncDate("concluded_at"))
             .values("day", "declaration__port_of_entry", f"{decision}grade", f"{decision}mode")
             .annotate(ct=Count("id", filter=~Q(reason="random")),
                       nt=Count("id", filter=~Q(reason="random") & Q(conclusion="non_conform")),
                       cr=Count("id", filter=Q(reason="random")),
                       nr=Count("id", filter=Q(reason="random") & Q(conclusion="non_conform"))).order_by())
    for r in tasks:
        add((r["day"], r["declaration__port_of_entry"], r[f"{decision}grade"], r[f"{decision}mode"]),
            concluded_targeted=r["ct"], nonconform_targeted=r["nt"], concluded_random=r["cr"],
            nonconform_random=r["nr"])

    task_decision = "task__declaration__release_decision__"
    labs = (LabOrder.objects.filter(resulted_at__gte=start, resulted_at__lt=end,
                                    task__declaration__release_decision__isnull=False)
            .annotate(day=TruncDate("resulted_at"),
                      took=ExpressionWrapper(F("resulted_at") - F("ordered_at"), output_field=DurationField()))
            .values("day", "task__declaration__port_of_entry", f"{task_decision}grade", f"{task_decision}mode")
            .annotate(n=Count("id"), took_sum=Sum("took")).order_by())
    for r in labs:
        took = r["took_sum"]
        minutes = int(took.total_seconds() // 60) if isinstance(took, timedelta) else int((took or 0) // 60_000_000)
        add((r["day"], r["task__declaration__port_of_entry"], r[f"{task_decision}grade"], r[f"{task_decision}mode"]),
            lab_resulted=r["n"], lab_minutes=minutes)

    stats = [DailyReleaseStat(day=day, port=port, grade=grade, mode=mode, **values)
             for (day, port, grade, mode), values in rows.items()]
    DailyReleaseStat.objects.bulk_create(stats, batch_size=BATCH)

    buckets = []
    for basis, column in ((ClearanceBasis.SUBMISSION, "bucket_submission"), (ClearanceBasis.ARRIVAL, "bucket_arrival")):
        for r in (releases.filter(**{f"{column}__isnull": False}).values("released_on", "port", "grade", "mode", column)
                  .annotate(n=Count("id")).order_by()):
            buckets.append(ClearanceBucket(day=r["released_on"], port=r["port"], grade=r["grade"], mode=r["mode"],
                                           basis=basis, bucket=r[column], count=r["n"]))
    ClearanceBucket.objects.bulk_create(buckets, batch_size=BATCH)

    # Monthly roll-up of every month the range touches, from the (complete) daily rows of those months.
    first_month = first.replace(day=1)
    month_end = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
    ClearanceBucketMonth.objects.filter(month__gte=first_month, month__lt=month_end).delete()
    months = [ClearanceBucketMonth(month=r["m"], port=r["port"], grade=r["grade"], mode=r["mode"], basis=r["basis"],
                                   bucket=r["bucket"], count=r["n"])
              for r in (ClearanceBucket.objects.filter(day__gte=first_month, day__lt=month_end)
                        .annotate(m=TruncMonth("day")).values("m", "port", "grade", "mode", "basis", "bucket")
                        .annotate(n=Sum("count")).order_by())]
    ClearanceBucketMonth.objects.bulk_create(months, batch_size=BATCH)

    OfficerDailyStat.objects.filter(day__gte=first, day__lte=last).delete()
    officers = [OfficerDailyStat(day=r["day"], officer_id=r["assigned_to_id"], concluded=r["n"])
                for r in (InspectionTask.objects.filter(status="concluded", concluded_at__gte=start,
                                                        concluded_at__lt=end, assigned_to__isnull=False)
                          .annotate(day=TruncDate("concluded_at")).values("day", "assigned_to_id")
                          .annotate(n=Count("id")).order_by())]
    OfficerDailyStat.objects.bulk_create(officers, batch_size=BATCH)
    return len(stats) + len(buckets) + len(months) + len(officers)
