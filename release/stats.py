"""Rebuilding the materialised dashboard rows (DailyReleaseStat, DailySiteStat, ClearanceBucket...) for a range of
days.

A few grouped queries over the decisions, releases, concluded inspections and lab orders of those days, merged
and bulk-inserted; called only through release.services.release_stats_refresh (inside its transaction).
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from declarations.choices import LogisticsEventKind
from declarations.models import DeclarationEvent, LogisticsEvent
from inspection.models import InspectionTask, LabOrder

from . import clearance, stages
from .choices import ClearanceBasis, Selection
from .models import (
    ClearanceBucket,
    ClearanceBucketMonth,
    DailyReleaseStat,
    DailySiteStat,
    OfficerDailyStat,
    Release,
    ReleaseDecision,
    StageBucket,
    StageBucketMonth,
)

BATCH = 5000
MILESTONE_CHUNK = 2000


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

    decisions = ReleaseDecision.objects.filter(decided_on__gte=first, decided_on__lte=last)
    budgeted = Q(on_hold=False)  # the inspection budget leaves out the decisions on hold
    inspects = budgeted & Q(inspection_required=True)
    for r in (decisions.values("decided_on", "port", "grade", "mode")
              .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True)),
                        random=Count("id", filter=Q(random_selected=True)),
                        b_n=Count("id", filter=budgeted), b_inspected=Count("id", filter=inspects),
                        b_drawn=Count("id", filter=budgeted & Q(random_selected=True)),
                        b_moved=Count("id", filter=budgeted & ~Q(capacity_moved="")),
                        **{f"b_{s}": Count("id", filter=inspects & Q(selection=s)) for s in Selection.values})
              .order_by()):
        add((r["decided_on"], r["port"], r["grade"], r["mode"]), decided=r["n"], inspected=r["inspected"],
            random_selected=r["random"], budget_decided=r["b_n"], budget_inspected=r["b_inspected"],
            budget_drawn=r["b_drawn"], budget_moved=r["b_moved"],
            **{f"budget_{s}": r[f"b_{s}"] for s in Selection.values})

    DailySiteStat.objects.filter(day__gte=first, day__lte=last).delete()
    sites = [DailySiteStat(day=r["decided_on"], port=r["port"], grade=r["grade"], site_id=r["task__site_id"],
                           inspections=r["n"], forced=r["forced"], targeted=r["targeted"], random=r["random"])
             for r in (decisions.filter(task__site__isnull=False).values("decided_on", "port", "grade", "task__site_id")
                       .annotate(n=Count("id"), forced=Count("id", filter=Q(selection=Selection.FORCED)),
                                 targeted=Count("id", filter=Q(selection=Selection.TARGETED)),
                                 random=Count("id", filter=Q(selection=Selection.RANDOM))).order_by())]
    DailySiteStat.objects.bulk_create(sites, batch_size=BATCH)

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
    return (len(stats) + len(sites) + len(buckets) + len(months) + len(officers)
            + rebuild_stages(first, last))


def _stage_days(first: date, last: date) -> set[date]:
    """The release days to recompute: those of the range, and earlier ones of releases whose gate-out or lab
    result was recorded in the range (a late event changes an older consignment's stages)."""
    start, end = _bounds(first, last)
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    gate = LogisticsEvent.objects.filter(received_at__gte=start, received_at__lt=end,
                                         kind__in=(LogisticsEventKind.PORT_RELEASE, LogisticsEventKind.SITE_GATE_OUT))
    days.update(Release.objects.filter(declaration__logistics_events__in=gate, released_on__lt=first)
                .values_list("released_on", flat=True).distinct())
    days.update(Release.objects.filter(decision__task__lab_orders__resulted_at__gte=start,
                                       decision__task__lab_orders__resulted_at__lt=end, released_on__lt=first)
                .values_list("released_on", flat=True).distinct())
    return days


def _milestones(rows: list[dict]) -> dict[int, dict]:
    """Each release's milestone times (release.stages), from its declaration, decision, timeline, inspection task,
    lab orders and logistics events: a few grouped queries per chunk of releases."""
    declaration_ids = [r["declaration_id"] for r in rows]
    task_ids = [r["decision__task_id"] for r in rows if r["decision__task_id"]]
    documents = dict(DeclarationEvent.objects.filter(declaration_id__in=declaration_ids)
                     .filter(Q(kind="report_supplied") | Q(from_status="awaiting_documents"))
                     .values_list("declaration_id").annotate(at=Max("created_at")).values_list("declaration_id", "at")
                     .order_by())
    labs = dict(LabOrder.objects.filter(task_id__in=task_ids, resulted_at__isnull=False).values_list("task_id")
                .annotate(at=Max("resulted_at")).values_list("task_id", "at").order_by())
    gates = {}
    for r in (LogisticsEvent.declarations.through.objects.filter(declaration_id__in=declaration_ids)
              .values("declaration_id")
              .annotate(port=Min("logisticsevent__occurred_at",
                                 filter=Q(logisticsevent__kind=LogisticsEventKind.PORT_RELEASE)),
                        site=Min("logisticsevent__occurred_at",
                                 filter=Q(logisticsevent__kind=LogisticsEventKind.SITE_GATE_OUT))).order_by()):
        gates[r["declaration_id"]] = r["port"] or r["site"]
    task = "decision__task__"
    return {r["id"]: {
        stages.ARRIVAL: stages.arrival_of(arrived_at=r["declaration__arrived_at"],
                                          arrival_date=r["declaration__arrival_date"]),
        "submitted": r["declaration__submitted_at"], "decided": r["decision__decided_at"],
        "documents": documents.get(r["declaration_id"]), "inspection_started": r[f"{task}claimed_at"],
        "inspection_concluded": r[f"{task}concluded_at"], "lab_result": labs.get(r["decision__task_id"]),
        "released": r["released_at"], "gate_out": gates.get(r["declaration_id"]),
    } for r in rows}


STAGE_FIELDS = ("day", "port", "grade", "site", "mode", "stage", "bucket", "count", "minutes")


def _insert_many(model, fields, rows) -> None:
    """One prepared INSERT run for many rows of plain values (the stage histograms run to hundreds of thousands of
    rows in a year's rebuild, where building a model instance for each costs more than the insert)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})",
                               rows[start:start + BATCH])


def rebuild_stages(first: date, last: date) -> int:
    """The stage histograms of the releases of [first, last] (and of older ones a late event changed), daily and
    rolled up per month."""
    days = _stage_days(first, last)
    StageBucket.objects.filter(day__in=days).delete()
    histogram: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    releases = (Release.objects.filter(released_on__in=days)
                .values("id", "released_on", "released_at", "port", "grade", "mode", "declaration_id",
                        "declaration__submitted_at", "declaration__arrived_at", "declaration__arrival_date",
                        "decision__decided_at", "decision__task_id", "decision__task__claimed_at",
                        "decision__task__concluded_at", "decision__task__site__code").order_by("id"))
    last_id = 0
    while True:
        rows = list(releases.filter(id__gt=last_id)[:MILESTONE_CHUNK])
        if not rows:
            break
        last_id = rows[-1]["id"]
        milestones = _milestones(rows)
        for r in rows:
            key = (r["released_on"], r["port"], r["grade"], r["decision__task__site__code"] or "", r["mode"])
            for stage, minutes in stages.stage_minutes(milestones[r["id"]]).items():
                if minutes is not None:
                    cell = histogram[(*key, stage, clearance.bucket_of(minutes))]
                    cell[0] += 1
                    cell[1] += minutes
    daily = [(*key, count, minutes) for key, (count, minutes) in histogram.items()]
    _insert_many(StageBucket, STAGE_FIELDS, daily)

    months = {day.replace(day=1) for day in days}
    month_rows = 0
    for month in sorted(months):
        month_end = (month + timedelta(days=32)).replace(day=1)
        StageBucketMonth.objects.filter(month=month).delete()
        rolled = [(month, *row) for row in (StageBucket.objects.filter(day__gte=month, day__lt=month_end)
                                            .values_list("port", "grade", "site", "mode", "stage", "bucket")
                                            .annotate(n=Sum("count"), total=Sum("minutes")).order_by())]
        _insert_many(StageBucketMonth, ("month", *STAGE_FIELDS[1:]), rolled)
        month_rows += len(rolled)
    return len(daily) + month_rows
