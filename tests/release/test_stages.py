"""The Time Release Study by stage: each stage's time from the recorded events, the summary rows and the figures."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from declarations.models import DeclarationEvent, LogisticsEvent
from inspection.models import InspectionTask, LabOrder, Sample
from release import clearance, services, stages
from release.models import Release, ReleaseDecision, StageBucket, StageBucketMonth
from release.selectors import Period, public_stage_statistics, stage_figures
from tests.factories import DeclarationFactory, GoodsLineFactory
from tests.inspection.factories import InspectionSiteFactory, LabFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime(2026, 3, 2, 8, 0))


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_every_stage_from_its_event():
    minutes = stages.stage_minutes({
        "arrival": at(0), "submitted": at(30), "decided": at(31), "documents": at(91),
        "inspection_started": at(151), "inspection_concluded": at(211), "lab_result": at(1651), "released": at(1661),
        "gate_out": at(1781)})
    assert minutes == {"submitted": 30, "decided": 1, "documents": 60, "inspection_started": 60,
                       "inspection_concluded": 60, "lab_result": 1440, "released": 10, "gate_out": 120}


def test_a_stage_without_event_is_unknown_and_the_next_runs_from_the_last_known():
    minutes = stages.stage_minutes({"arrival": at(0), "submitted": at(30), "decided": at(31), "released": at(41)})
    assert minutes["documents"] is None and minutes["inspection_started"] is None
    assert minutes["lab_result"] is None and minutes["gate_out"] is None
    assert minutes["released"] == 10


def test_without_arrival_the_first_stage_is_unknown_not_zero():
    minutes = stages.stage_minutes({"submitted": at(30), "decided": at(35), "released": at(40)})
    assert minutes["submitted"] is None
    assert minutes["decided"] == 5 and minutes["released"] == 5


def test_out_of_order_events_count_zero_and_never_negative():
    # Filed before the goods berthed; the gate-out pushed with a time before the release.
    minutes = stages.stage_minutes({"arrival": at(600), "submitted": at(0), "decided": at(1), "released": at(660),
                                    "gate_out": at(650)})
    assert minutes["submitted"] == 0 and minutes["decided"] == 0
    assert minutes["released"] == 60
    assert minutes["gate_out"] == 0


def test_a_lab_result_after_the_release_is_not_time_to_release():
    minutes = stages.stage_minutes({"arrival": at(0), "submitted": at(10), "decided": at(11),
                                    "inspection_started": at(71), "released": at(100), "lab_result": at(3000),
                                    "inspection_concluded": at(3010)})
    assert minutes["lab_result"] is None and minutes["inspection_concluded"] is None
    assert minutes["released"] == 29


def consignment(enterprise, *, submitted, mode="supervised", released=None, site=None, arrived=None,
                claimed=None, concluded=None, lab=None, gate_out=None, documents=None, port="NGB", grade="B"):
    declaration = DeclarationFactory(enterprise=enterprise, status="submitted", submitted_at=submitted,
                                     port_of_entry=port, arrival_date=None, arrived_at=arrived)
    GoodsLineFactory(declaration=declaration, line_no=1)
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=enterprise, decided_at=submitted + timedelta(minutes=1),
        decided_on=timezone.localdate(submitted), port=port, grade=grade, tier="low", matrix_version=0,
        matrix_mode=mode, mode=mode, inspection_required=bool(claimed), inspection_reason="release_mode" if claimed
        else "", next_step="none")
    if claimed:
        decision.task = InspectionTask.objects.create(
            declaration=declaration, enterprise=enterprise, reason="release_mode", mode=mode, site=site,
            status="concluded" if concluded else "claimed", due_at=submitted + timedelta(days=1),
            claimed_at=claimed, concluded_at=concluded, conclusion="conform" if concluded else "")
        decision.save(update_fields=["task"])
        if lab:
            sample = Sample.objects.create(task=decision.task, sample_no=f"S-{declaration.pk}", description="x",
                                           quantity=1, unit="kg", seal_no="1")
            order = LabOrder.objects.create(task=decision.task, sample=sample, lab=LabFactory(), test_items=["lead"],
                                            status="resulted")
            LabOrder.objects.filter(pk=order.pk).update(resulted_at=lab)
    if documents:
        event = DeclarationEvent.objects.create(declaration=declaration, kind="status_changed",
                                                from_status="awaiting_documents", to_status="submitted")
        DeclarationEvent.objects.filter(pk=event.pk).update(created_at=documents)
    if gate_out:
        event = LogisticsEvent.objects.create(source="port", external_id=f"G{declaration.pk}", kind="port_release",
                                              container_no="MSCU1234565", occurred_at=gate_out, fingerprint="x")
        event.declarations.add(declaration)
    if released:
        Release.objects.create(
            declaration=declaration, enterprise=enterprise, decision=decision, mode=mode,
            inspection_result="conform", trace_code=f"T{declaration.pk:020d}", released_at=released,
            released_on=timezone.localdate(released), port=port, grade=grade,
            minutes_from_submission=clearance.minutes_between(submitted, released))
    return declaration


@pytest.fixture
def study(enterprise_a):
    day = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(6, 0)))
    site = InspectionSiteFactory(code="NGB-S1", port="NGB")
    # Inspected at site NGB-S1: arrival 0, submitted 60, decided 61, claimed 121, concluded 181, released 191,
    # gate-out 311.
    consignment(enterprise_a, submitted=start + timedelta(minutes=60), arrived=start, site=site,
                claimed=start + timedelta(minutes=121), concluded=start + timedelta(minutes=181),
                released=start + timedelta(minutes=191), gate_out=start + timedelta(minutes=311))
    # Declare-release with no arrival recorded: submitted and decided, released 10 minutes after the decision.
    consignment(enterprise_a, mode="declare", submitted=start, released=start + timedelta(minutes=11))
    # Not yet released: its stages do not count.
    consignment(enterprise_a, submitted=start, arrived=start - timedelta(hours=5), site=site,
                claimed=start + timedelta(minutes=30))
    services.release_stats_refresh(first_day=day - timedelta(days=1), last_day=timezone.localdate())
    return day


def _by_stage(figures):
    return {row["stage"]: row for row in figures["stages"]}


def test_summary_rows_and_figures(study):
    figures = stage_figures(Period(first=study, last=study))
    rows = _by_stage(figures)
    assert rows["submitted"]["timed"] == 1  # the declare-release one has no arrival: unknown, not zero
    assert rows["decided"]["timed"] == 2
    assert rows["documents"]["timed"] == 0 and rows["documents"]["median_hours"] is None
    assert rows["inspection_started"]["timed"] == 1 and rows["inspection_started"]["mean_hours"] == 1.0
    assert rows["released"]["timed"] == 2
    assert rows["released"]["minutes"] == 10 + 10
    assert rows["gate_out"]["minutes"] == 120
    total = sum(row["minutes"] for row in rows.values())
    assert rows["gate_out"]["share"] == pytest.approx(120 / total)
    modes = {m["mode"]: {s["stage"]: s for s in m["stages"]} for m in figures["by_mode"]}
    assert modes["declare"]["released"]["timed"] == 1 and modes["declare"]["inspection_started"]["timed"] == 0
    assert modes["supervised"]["gate_out"]["timed"] == 1
    assert StageBucketMonth.objects.filter(stage="released", month=study.replace(day=1)).exists()


def test_filters_by_site_port_and_grade(study):
    at_site = _by_stage(stage_figures(Period(first=study, last=study, site="NGB-S1")))
    assert at_site["released"]["timed"] == 1 and at_site["decided"]["timed"] == 1
    assert _by_stage(stage_figures(Period(first=study, last=study, port="ZOS")))["released"]["timed"] == 0
    assert _by_stage(stage_figures(Period(first=study, last=study, grade="AA")))["released"]["timed"] == 0


def test_a_whole_month_reads_the_monthly_rows(study):
    month = study.replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    StageBucket.objects.all().delete()  # the monthly roll-up alone must carry a whole month
    figures = _by_stage(stage_figures(Period(first=month, last=month_end)))
    assert figures["released"]["timed"] == 2
    trend = stage_figures(Period(first=month, last=month_end))["trend"]
    assert trend[-1]["month"] == month
    assert trend[-1]["median_hours"][stages.STAGE_NAMES.index("gate_out")] is not None


def test_refresh_is_idempotent(study):
    before = list(StageBucket.objects.values_list("day", "stage", "bucket", "count", "minutes").order_by(
        "day", "stage", "bucket", "mode"))
    services.release_stats_refresh(first_day=study - timedelta(days=1), last_day=timezone.localdate())
    after = list(StageBucket.objects.values_list("day", "stage", "bucket", "count", "minutes").order_by(
        "day", "stage", "bucket", "mode"))
    assert before == after


def test_a_late_gate_out_updates_an_older_release(enterprise_a):
    old = timezone.localdate() - timedelta(days=10)
    start = timezone.make_aware(datetime.combine(old, time(6, 0)))
    declaration = consignment(enterprise_a, mode="declare", submitted=start, arrived=start - timedelta(hours=1),
                              released=start + timedelta(minutes=11))
    services.release_stats_refresh(first_day=old, last_day=old)
    assert not StageBucket.objects.filter(stage="gate_out").exists()
    event = LogisticsEvent.objects.create(source="port", external_id="late", kind="port_release",
                                          container_no="MSCU1234565", occurred_at=start + timedelta(hours=3),
                                          fingerprint="x")
    event.declarations.add(declaration)
    services.release_stats_refresh()  # yesterday and today: the event was received today
    assert StageBucket.objects.get(stage="gate_out", day=old).minutes == 180 - 11


def test_dashboard_page_json_and_exports_carry_the_stages(client, supervisor, study):
    client.force_login(supervisor)
    query = f"?first={study}&last={study}"
    page = client.get(f"/release/dashboard/{query}")
    assert page.status_code == 200
    assert "time-release-study" in page.content.decode()
    data = client.get(f"/release/dashboard/export.json{query}").json()
    assert {row["stage"] for row in data["stages"]["stages"]} == set(stages.STAGE_NAMES)
    assert "stages" in data["tables"]
    csv = client.get(f"/release/dashboard/export.csv{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Release to gate-out" in csv
    assert client.get(f"/release/dashboard/export.xlsx{query}").status_code == 200


def test_public_page_shows_stage_figures_by_month_without_enterprise(client, study, enterprise_a):
    figures = public_stage_statistics()
    assert figures["months"] and figures["months"][-1]["stages"][stages.STAGE_NAMES.index("released")]["median_hours"]
    page = client.get("/public/statistics/").content.decode()
    assert "time-release-study" in page
    assert enterprise_a.name_zh not in page
