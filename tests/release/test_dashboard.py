"""Dashboard figures on a small fixed data set: the materialised rows and the numbers computed from them."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from inspection.models import InspectionTask, LabOrder, Sample
from release import clearance, services
from release.models import DailyReleaseStat, Release, ReleaseDecision
from release.selectors import Period, dashboard, public_statistics
from tests.factories import DeclarationFactory, GoodsLineFactory
from tests.inspection.factories import LabFactory

pytestmark = pytest.mark.django_db


def consignment(enterprise, *, at, mode, minutes=None, reason="", conclusion="", random_selected=False, port="NGB",
                grade="B", officer=None):
    declaration = DeclarationFactory(enterprise=enterprise, status="submitted", submitted_at=at, port_of_entry=port,
                                     arrival_date=at.date())
    GoodsLineFactory(declaration=declaration, line_no=1)
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=enterprise, decided_at=at, decided_on=timezone.localdate(at), port=port,
        grade=grade, tier="low", matrix_version=0, matrix_mode=mode, mode=mode, random_selected=random_selected,
        inspection_required=bool(reason), inspection_reason=reason, next_step="none")
    if reason:
        decision.task = InspectionTask.objects.create(
            declaration=declaration, enterprise=enterprise, reason=reason, mode=mode, status="concluded",
            assigned_to=officer, due_at=at + timedelta(days=1), conclusion=conclusion,
            disposition="destroy" if conclusion == "non_conform" else "", concluded_at=at + timedelta(minutes=5))
        decision.save(update_fields=["task"])
    if minutes is not None:
        released_at = at + timedelta(minutes=minutes)
        Release.objects.create(
            declaration=declaration, enterprise=enterprise, decision=decision, mode=mode, inspection_result="conform",
            trace_code=f"T{declaration.pk:020d}", released_at=released_at, released_on=timezone.localdate(released_at),
            port=port, grade=grade, minutes_from_submission=minutes, bucket_submission=clearance.bucket_of(minutes),
            minutes_from_arrival=minutes + 600, bucket_arrival=clearance.bucket_of(minutes + 600))
    return decision


@pytest.fixture
def data(enterprise_a, officer):
    day = timezone.localdate() - timedelta(days=1)
    at = timezone.make_aware(datetime.combine(day, time(9, 0)))
    for minutes in (10, 20, 30, 40):
        consignment(enterprise_a, at=at, mode="declare", minutes=minutes)
    consignment(enterprise_a, at=at, mode="supervised", minutes=600, reason="release_mode", conclusion="conform",
                officer=officer)
    consignment(enterprise_a, at=at, mode="supervised", reason="risk", conclusion="non_conform", officer=officer)
    sampled = consignment(enterprise_a, at=at, mode="declare", minutes=120, reason="random", conclusion="conform",
                          random_selected=True, officer=officer)
    consignment(enterprise_a, at=at, mode="declare", minutes=None, reason="random", conclusion="conform",
                random_selected=True, officer=officer)
    consignment(enterprise_a, at=at, mode="declare", minutes=5, port="ZOS", grade="C")
    sample = Sample.objects.create(task=sampled.task, sample_no="S-1", description="x", quantity=1, unit="kg",
                                   seal_no="1")
    order = LabOrder.objects.create(task=sampled.task, sample=sample, lab=LabFactory(), test_items=["lead"],
                                    status="resulted")
    LabOrder.objects.filter(pk=order.pk).update(ordered_at=at - timedelta(hours=48), resulted_at=at)
    services.release_stats_refresh(first_day=day - timedelta(days=1), last_day=timezone.localdate())
    return day


def test_dashboard_numbers(data):
    figures = dashboard(Period(first=data, last=data, port="NGB"))
    by_mode = {row["mode"]: row for row in figures["by_mode"]}
    assert by_mode["declare"]["released"] == 5 and by_mode["declare"]["decided"] == 6
    assert by_mode["supervised"]["released"] == 1 and by_mode["supervised"]["decided"] == 2
    assert by_mode["verify"]["released"] == 0 and by_mode["verify"]["median_hours"] is None
    # declare: 10, 20, 30, 40 and 120 minutes → mean 44 min; median and p90 from the histogram
    assert by_mode["declare"]["mean_hours"] == round(44 / 60, 2)
    assert by_mode["declare"]["median_hours"] == round(clearance.percentile(
        {clearance.bucket_of(m): 1 for m in (10, 20)} | {clearance.bucket_of(30): 2, clearance.bucket_of(120): 1},
        0.5) / 60, 2)
    # rank 2.5 of 5 falls in bucket [30, 45) holding 2 values after 2 below: 30 + 15 × 0.5 / 2 = 33.75 min
    assert by_mode["declare"]["median_hours"] == 0.56
    assert by_mode["supervised"]["median_hours"] == round((600 + 120 * 0.5) / 60, 2)
    grades = {row["grade"]: row for row in figures["by_grade"]}
    assert grades["B"]["decided"] == 8 and grades["B"]["inspected"] == 4 and grades["B"]["achieved"] == 0.5
    assert grades["B"]["random_ratio"] == 0.25 and grades["B"]["target"] == pytest.approx(0.0244)
    assert grades["C"]["decided"] == 0  # the ZOS consignment is filtered out by the port
    hit = {row["kind"]: row for row in figures["hit_rate"]}
    assert (hit["targeted"]["concluded"], hit["targeted"]["nonconform"], hit["targeted"]["rate"]) == (2, 1, 0.5)
    assert (hit["random"]["concluded"], hit["random"]["nonconform"], hit["random"]["rate"]) == (2, 0, 0.0)
    assert figures["lab"] == {"resulted": 1, "mean_hours": 48.0}
    assert figures["released_total"] == 6


def test_filters_and_basis(data):
    all_ports = dashboard(Period(first=data, last=data))
    assert sum(r["released"] for r in all_ports["by_mode"]) == 7
    grade_c = dashboard(Period(first=data, last=data, grade="C"))
    assert sum(r["released"] for r in grade_c["by_mode"]) == 1 and [g["grade"] for g in grade_c["by_grade"]] == ["C"]
    arrival = dashboard(Period(first=data, last=data, port="NGB", basis="arrival"))
    assert {r["mode"]: r["mean_hours"] for r in arrival["by_mode"]}["supervised"] == 20.0  # 600 + 600 minutes


def test_refresh_is_idempotent_and_public_statistics(data):
    before = DailyReleaseStat.objects.count()
    services.release_stats_refresh(first_day=data - timedelta(days=1), last_day=timezone.localdate())
    assert DailyReleaseStat.objects.count() == before
    stats = public_statistics()
    assert stats["released_total"] == 7
    assert {r["mode"]: r["released"] for r in stats["by_mode"]} == {"declare": 6, "verify": 0, "sample": 0,
                                                                       "supervised": 1}


def test_percentile_interpolation():
    assert clearance.percentile({}, 0.5) is None
    assert clearance.bucket_of(0) == 0 and clearance.bucket_of(4) == 0 and clearance.bucket_of(5) == 1
    assert clearance.bucket_of(10 ** 6) == len(clearance.BUCKET_EDGES) - 1
    assert clearance.percentile({clearance.bucket_of(60): 10}, 0.5) == 75.0  # [60, 90): halfway


def test_monthly_rollup_equals_daily_rows(enterprise_a, officer):
    from release.models import ClearanceBucket, ClearanceBucketMonth
    from release.selectors import clearance_histograms

    today = timezone.localdate()
    for days_ago, minutes in ((75, 15), (60, 200), (45, 50), (31, 3000), (20, 7), (2, 61)):
        at = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(10, 0)))
        consignment(enterprise_a, at=at, mode="verify", minutes=minutes)
    services.release_stats_refresh(first_day=today - timedelta(days=80), last_day=today)
    assert ClearanceBucketMonth.objects.exists()
    for first_days_ago, last_days_ago in ((80, 0), (70, 10), (40, 25), (3, 1)):
        period = Period(first=today - timedelta(days=first_days_ago), last=today - timedelta(days=last_days_ago))
        expected = {}
        for row in ClearanceBucket.objects.filter(day__gte=period.first, day__lte=period.last, basis="submission"):
            expected.setdefault(row.mode, {}).setdefault(row.bucket, 0)
            expected[row.mode][row.bucket] += row.count
        assert clearance_histograms(period) == expected


def test_arrival_time_prefers_the_logistics_event():
    from types import SimpleNamespace

    day = timezone.localdate()
    berthed = timezone.make_aware(datetime.combine(day, time(6, 30)))
    assert clearance.arrival_time(SimpleNamespace(arrived_at=berthed, arrival_date=day)) == berthed
    assert clearance.arrival_time(SimpleNamespace(arrived_at=None, arrival_date=day)) == \
        timezone.make_aware(datetime.combine(day, time.min))
    assert clearance.arrival_time(SimpleNamespace(arrival_date=None)) is None
