from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from credit.selectors import inspection_ratio_for_grade
from declarations.models import DeclarationEvent
from inspection import draws, services
from inspection.models import (
    ConflictOfInterest,
    Draw,
    DrawPeriod,
    InspectionTask,
    JointInspection,
    LabOrder,
    LabStatusChange,
    OfficerLeave,
)
from tests.factories import UserFactory

from .factories import LabFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db


def test_object_draw_reads_the_policy_ratio_and_records_inputs(declaration):
    draw = services.object_draw_for_declaration(declaration=declaration)
    ratio, version = inspection_ratio_for_grade(declaration.enterprise.credit_grade)
    assert draw.inputs["ratio"] == float(ratio) and draw.inputs["policy_version"] == version
    assert draw.inputs["grade"] == declaration.enterprise.credit_grade
    assert draw.selected == draw.result["selected"]
    period = DrawPeriod.objects.get(day=timezone.localdate())
    assert draws.rerun("object", period.seed, draw.subject, draw.inputs)["selected"] == draw.selected
    # drawn once: asking again returns the same record
    assert services.object_draw_for_declaration(declaration=declaration).pk == draw.pk
    assert AuditEntry.objects.filter(action="draw.object").count() == 1


def test_task_routes_to_a_cold_chain_site_and_dispatches_to_an_eligible_officer(declaration, officers, cold_site,
                                                                                create_task):
    task = create_task(declaration)
    assert task.category == "aquatic" and task.site == cold_site
    assert task.status == "assigned" and task.assigned_to_id in {p.user_id for p in officers}
    draw = Draw.objects.get(task=task, kind="people")
    assert {i for ids in draw.inputs["weights"].values() for i in ids} == {p.user_id for p in officers}
    assert draw.chosen_id == task.assigned_to_id
    assert DeclarationEvent.objects.filter(declaration=declaration, kind="inspection_scheduled").exists()
    # one open task per declaration
    assert create_task(declaration).pk == task.pk


def test_dispatch_skips_off_duty_on_leave_conflicted_and_last_inspector(make_declaration, officers, create_task,
                                                                        enterprise_a):
    off, on_leave, conflicted = officers
    off.shifts.all().delete()
    OfficerLeave.objects.create(officer=on_leave, first_day=date.today() - timedelta(days=1),
                                last_day=date.today() + timedelta(days=1), status="approved")
    ConflictOfInterest.objects.create(officer=conflicted, enterprise=enterprise_a, reason="brother-in-law")
    task = create_task(make_declaration())
    assert task.status == "queued" and task.assigned_to is None  # nobody eligible: stays in the pool
    spare = OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), sites=list(off.sites.all()))
    other = OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), sites=list(off.sites.all()))
    services.inspection_tasks_dispatch(task_ids=[task.pk])
    task.refresh_from_db()
    assert task.assigned_to_id in {spare.user_id, other.user_id}
    draw = Draw.objects.get(task=task)
    assert draw.inputs["excluded"] == {"conflict_of_interest": [conflicted.user_id]}
    assert draw.inputs["not_eligible"] == {"off_duty": 2}
    first = task.assigned_to_id
    second_task = create_task(make_declaration())
    assert second_task.assigned_to_id != first  # never the enterprise's last inspector when another is available


def test_tasks_opened_within_an_interval_share_one_dispatch_run(make_declaration, officers, monkeypatch, request,
                                                                settings, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from inspection import tasks

    cache.delete(services.INSPECTOR_DISPATCH_PENDING_KEY)
    request.addfinalizer(lambda: cache.delete(services.INSPECTOR_DISPATCH_PENDING_KEY))  # later tests' dispatch runs
    queued = []
    monkeypatch.setattr(tasks.inspection_dispatch_new_task, "apply_async", lambda countdown: queued.append(countdown))

    def open_task():
        with django_capture_on_commit_callbacks(execute=True):
            return services.inspection_task_create(declaration=make_declaration(), reason="random", mode="supervised")

    opened = [open_task(), open_task()]
    assert queued == [settings.CIQ["JOURNAL_FOLLOW_UP_SECONDS"]]  # two commits, one run queued
    assert services.inspection_dispatch_new() == 2  # the run: both tasks drawn, one officer snapshot
    assert {t.status for t in InspectionTask.objects.filter(pk__in=[t.pk for t in opened])} == {"assigned"}
    nobody_on_duty = open_task()
    assert len(queued) == 2  # the run cleared its key first: the next task queues the next run
    for profile in officers:
        profile.shifts.all().delete()
    assert services.inspection_dispatch_new() == 0
    nobody_on_duty.refresh_from_db()
    assert nobody_on_duty.status == "queued" and nobody_on_duty.drawn_at is not None  # left in the pool
    assert services.inspection_dispatch_new() == 0 and not Draw.objects.filter(task=nobody_on_duty).exists()
    OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), sites=list(officers[0].sites.all()))
    assert services.inspection_dispatch_new() == 0  # the pool is the beat's, not the new tasks' run
    assert services.inspection_dispatch_pool() == 1


def test_claim_next_takes_only_what_the_officer_may_inspect(declaration, officers, create_task, roles):
    task = create_task(declaration)
    task = services.inspection_task_release(task=task, actor=task.assigned_to, reason="back to the pool")
    with pytest.raises(ValidationError) as error:  # a role without an officer profile inspects nothing
        services.inspection_task_claim_next(actor=UserFactory(username="no-profile", role=Role.OFFICER))
    assert "task" in error.value.message_dict
    elsewhere = OfficerProfileFactory(user=UserFactory(username="other-site", role=Role.OFFICER))
    cosmetics_only = OfficerProfileFactory(user=UserFactory(username="cosmetics", role=Role.OFFICER),
                                           categories=["cosmetics"], sites=[task.site])
    assert services.inspection_task_claim_next(actor=elsewhere.user) is None
    assert services.inspection_task_claim_next(actor=cosmetics_only.user) is None
    task.refresh_from_db()
    assert task.status == "queued" and task.assigned_to is None
    claimed = services.inspection_task_claim_next(actor=officers[0].user)
    assert claimed.pk == task.pk and claimed.status == "claimed" and claimed.assigned_to == officers[0].user
    declaration.refresh_from_db()
    assert declaration.status == "under_inspection"  # as a claim by hand: the declarant can no longer withdraw


def test_claim_release_and_reassign(declaration, officers, create_task, supervisor, enterprise_a):
    task = create_task(declaration)
    holder = task.assigned_to
    other = next(p.user for p in officers if p.user_id != holder.pk)
    with pytest.raises(ValidationError):
        services.inspection_task_claim(task=task, actor=other)
    task = services.inspection_task_claim(task=task, actor=holder)
    assert task.status == "claimed"
    task = services.inspection_task_release(task=task, actor=holder, reason="shift over")
    assert task.status == "queued" and task.assigned_to is None
    conflicted = next(p for p in officers if p.user_id != holder.pk)
    ConflictOfInterest.objects.create(officer=conflicted, enterprise=enterprise_a, reason="former employer")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.inspection_task_reassign(task=task, officer=conflicted.user, reason="cover", actor=supervisor)
    assert "officer" in error.value.message_dict
    task.refresh_from_db()
    assert task.status == "queued" and task.assigned_to is None and AuditEntry.objects.count() == before
    with pytest.raises(ValidationError):
        services.inspection_task_reassign(task=task, officer=holder, reason="", actor=supervisor)
    with pytest.raises(ValidationError):
        services.inspection_task_reassign(task=task, officer=holder, reason="cover", actor=holder)
    task = services.inspection_task_reassign(task=task, officer=holder, reason="cover", actor=supervisor)
    assert task.status == "assigned" and task.assigned_to == holder
    assert task.notes.filter(kind="reassign", reason="cover").exists()


def _claimed(declaration, create_task, mode="supervised"):
    declaration.release_mode = mode
    task = create_task(declaration, mode=mode)
    return services.inspection_task_claim(task=task, actor=task.assigned_to)


def test_full_record_conclusion_non_conform_with_credit_event(declaration, officers, create_task):
    task = _claimed(declaration, create_task)
    officer = task.assigned_to
    services.inspection_checklist_save(task=task, item="core_temperature", ok=False, note="-12 °C", actor=officer)
    services.inspection_findings_save(task=task, findings="Thawed cartons", actor=officer)
    with pytest.raises(ValidationError) as error:
        services.inspection_conclude(task=task, conclusion="conform", actor=officer)
    assert "抽样" in str(error.value.message_dict["conclusion"][0])  # translated (default language zh-hans)
    sample = services.sample_take(task=task, description="2 cartons", quantity="4.5", unit="kg", seal_no="SL1",
                                  actor=officer)
    services.sample_custody_add(sample=sample, action="received", holder="Lab desk", seal_intact=True,
                                actor=officer)
    lab = LabFactory()
    order = services.lab_order_create(task=task, sample=sample, lab=lab, test_items=["chloramphenicol"],
                                      actor=officer)
    with pytest.raises(ValidationError):
        services.inspection_conclude(task=task, conclusion="conform", actor=officer)
    with pytest.raises(ValidationError):
        services.lab_result_record(order=order, results=[{"test_item": "lead", "value": 1}], actor=officer)
    services.lab_result_record(order=order, results=[{"test_item": "chloramphenicol", "value": "0.5",
                                                      "limit_max": "0.3"}], actor=officer)
    with pytest.raises(ValidationError):
        services.inspection_conclude(task=task, conclusion="conform", actor=officer)
    with pytest.raises(ValidationError) as error:
        services.inspection_conclude(task=task, conclusion="non_conform", actor=officer)
    assert "disposition" in error.value.message_dict
    task = services.inspection_conclude(task=task, conclusion="non_conform", disposition="destroy", actor=officer)
    assert task.status == "concluded" and task.disposition == "destroy"
    kinds = set(DeclarationEvent.objects.filter(declaration=declaration).values_list("kind", flat=True))
    assert {"inspection_sampled", "lab_ordered", "lab_resulted", "inspection_concluded"} <= kinds
    from credit.models import CreditEvent

    assert CreditEvent.objects.filter(enterprise=declaration.enterprise, kind="lab_failure",
                                      evidence_id=str(task.pk)).exists()


def test_lab_out_of_scope_refused_nothing_changed(declaration, officers, create_task):
    task = _claimed(declaration, create_task)
    sample = services.sample_take(task=task, description="x", quantity=1, unit="kg", seal_no="S",
                                  actor=task.assigned_to)
    narrow = LabFactory(scope_categories=["cosmetics"], scope_test_items=["formaldehyde"])
    with pytest.raises(ValidationError) as error:
        services.lab_order_create(task=task, sample=sample, lab=narrow, test_items=["lead"], actor=task.assigned_to)
    assert "lab" in error.value.message_dict
    assert not LabOrder.objects.exists()


def test_bad_sample_refused_nothing_changed(declaration, officers, create_task):
    task = _claimed(declaration, create_task)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.sample_take(task=task, description="", quantity="-1", unit="kg", seal_no="", actor=task.assigned_to)
    assert {"quantity", "description", "seal_no"} <= set(error.value.message_dict)
    assert not task.samples.exists() and AuditEntry.objects.count() == before


def test_declare_mode_concludes_conform_without_sampling(declaration, officers, create_task):
    task = _claimed(declaration, create_task, mode="declare")
    task = services.inspection_conclude(task=task, conclusion="conform", actor=task.assigned_to)
    assert task.conclusion == "conform"
    from credit.models import CreditEvent

    assert CreditEvent.objects.filter(kind="inspection_passed", evidence_id=str(task.pk)).exists()


def test_test_report_check(declaration, lab):
    good = {"lab_accreditation_no": lab.accreditation_no, "issued_on": date.today() - timedelta(days=30),
            "hs_codes": ["0306"], "results": [{"test_item": "chloramphenicol", "value": "0"}], "lot_numbers": "LOT1"}
    assert services.test_report_check(declaration=declaration, report=good).ok
    old = {**good, "issued_on": date.today() - timedelta(days=400)}
    assert [r["code"] for r in services.test_report_check(declaration=declaration, report=old).reasons] == \
        ["report_too_old"]
    other_goods = {**good, "hs_codes": ["8471"]}
    assert "different_goods" in {r["code"] for r in
                                 services.test_report_check(declaration=declaration, report=other_goods).reasons}
    out_of_scope = {**good, "results": [{"test_item": "formaldehyde", "value": "1"}]}
    assert "test_item_out_of_scope" in {r["code"] for r in services.test_report_check(
        declaration=declaration, report=out_of_scope).reasons}
    lab.status = "suspended"
    lab.save()
    assert "lab_not_active" in {r["code"] for r in services.test_report_check(declaration=declaration,
                                                                              report=good).reasons}
    unknown = {**good, "lab_accreditation_no": "NOPE"}
    assert not services.test_report_check(declaration=declaration, report=unknown).ok


def test_report_check_reasons_read_in_the_reader_s_language(declaration, lab):
    from django.template import Context, Template
    from django.utils import translation

    from ciq_portal.i18n import message_for_reader

    old = {"lab_accreditation_no": lab.accreditation_no, "issued_on": date.today() - timedelta(days=400),
           "hs_codes": ["0306"], "results": [{"test_item": "chloramphenicol", "value": "0"}], "lot_numbers": "LOT1"}
    with translation.override("zh-hans"):
        [reason] = services.test_report_check(declaration=declaration, report=old).reasons
    with translation.override("en"):
        assert message_for_reader(reason).startswith("The report is older than")
        page = Template("{% load stored_text %}{{ reason|in_reader_language }}").render(Context({"reason": reason}))
        assert page.startswith("The report is older than")
    with translation.override("zh-hans"):
        assert "The report" not in message_for_reader(reason) and message_for_reader(reason) == reason["message"]


def test_repeated_disagreement_suspends_and_supervisor_reinstates(declaration, lab, officer, supervisor):
    report = services.test_report_submit(declaration=declaration, lab_accreditation_no=lab.accreditation_no,
                                         report_no="R-1", issued_on=date.today(), hs_codes=["0306"],
                                         results=[{"test_item": "lead", "value": "0.10"}], actor=None)
    assert report.check_ok
    services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.105", actor=officer)  # agrees
    for _ in range(2):
        services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.30", actor=officer)
    lab.refresh_from_db()
    assert lab.status == "active"
    services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.30", actor=officer)
    lab.refresh_from_db()
    assert lab.status == "suspended"
    change = LabStatusChange.objects.get(lab=lab)
    assert change.automatic and change.to_status == "suspended"
    with pytest.raises(ValidationError):
        services.lab_reinstate(lab=lab, reason="ok", actor=officer)
    lab = services.lab_reinstate(lab=lab, reason="Corrective actions verified", actor=supervisor)
    assert lab.status == "active"
    services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.30", actor=officer)
    lab.refresh_from_db()
    assert lab.status == "active"  # the count starts afresh after reinstatement


def test_joint_inspection_container_flow(declaration, officers, create_task, agency_user, cold_site,
                                         django_capture_on_commit_callbacks):
    declaration.containers = ["MSKU1234567"]
    declaration.save()
    joint = services.joint_inspection_request(actor=agency_user, agency="customs", kind="container",
                                              declaration=declaration, container_no="MSKU1234567")
    with django_capture_on_commit_callbacks(execute=True):
        joint = services.joint_inspection_schedule(joint=joint, site=cold_site, actor=None,
                                                   appointment_at=timezone.now() + timedelta(hours=3))
    assert joint.status == "scheduled" and joint.task.reason == "joint"
    services.joint_finding_record(joint=joint, agency="customs", result="conform", findings="Seals ok",
                                  actor=agency_user)
    with pytest.raises(ValidationError):
        services.joint_finding_record(joint=joint, agency="customs", result="conform", findings="", actor=agency_user)
    services.joint_finding_record(joint=joint, agency="ciq", result="conform", findings="", actor=officers[0].user)
    assert JointInspection.objects.get(pk=joint.pk).status == "completed"


def test_joint_request_bad_input(agency_user, declaration):
    with pytest.raises(ValidationError) as error:
        services.joint_inspection_request(actor=agency_user, agency="ciq", kind="boarding")
    assert {"agency", "conveyance"} <= set(error.value.message_dict)
    assert not JointInspection.objects.exists()


def test_draw_periods_commit_and_reveal():
    today = timezone.localdate()
    period = services.draw_period_commit(day=today)
    assert period.commitment == draws.commitment_of(period.seed)
    with pytest.raises(ValidationError):
        services.draw_period_reveal(day=today)
    yesterday = services.draw_period_commit(day=today - timedelta(days=1))
    assert services.draw_period_reveal(day=yesterday.day).revealed_at is not None


def test_reminders_flag_overdue(declaration, officers, create_task):
    task = create_task(declaration)
    InspectionTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.inspection_reminders_send() == 1
    assert services.inspection_reminders_send() == 0  # not again within the interval


def test_the_overdue_reminder_reaches_the_inspector_s_mail_server_in_the_inspector_s_language(
        declaration, officers, create_task, smtp_server, django_capture_on_commit_callbacks):
    from ciq_portal.models import MessageDelivery, MessagePurpose, MessageStatus

    task = create_task(declaration)
    inspector = task.assigned_to
    inspector.email, inspector.preferred_language = "inspector@bureau.example", "en"
    inspector.save(update_fields=["email", "preferred_language"])
    InspectionTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.inspection_reminders_send() == 1
    delivery = MessageDelivery.objects.get(purpose=MessagePurpose.OVERDUE_REMINDER, source_id=task.pk)
    assert (delivery.status, delivery.recipient) == (MessageStatus.SENT, "inspector@bureau.example")
    [received] = smtp_server.messages
    assert received["Subject"] == f"Overdue inspection #{task.pk}"
    assert declaration.number in received.get_content()


def test_sites_and_labs_are_named_in_the_reader_s_language(declaration, declarant_a, officers, cold_site, lab,
                                                          create_task):
    from django.utils import translation

    from ciq_portal.models import Notification

    cold_site.name, cold_site.name_en = "梅山冷链查验中心", "Meishan cold-chain inspection centre"
    cold_site.save()
    lab.name, lab.name_en = "华测检测认证集团", "Centre Testing International Group"
    lab.save()
    task = create_task(declaration)
    assert task.site == cold_site
    event = declaration.events.get(kind="inspection_scheduled")
    notice = Notification.objects.get(user=declarant_a, event_type="inspection.scheduled")
    with translation.override("en"):
        assert cold_site.display_name == "Meishan cold-chain inspection centre"
        assert str(lab) == f"Centre Testing International Group ({lab.accreditation_no})"
        assert event.text == "Inspection scheduled at Meishan cold-chain inspection centre."
        assert notice.text == "Meishan cold-chain inspection centre"
    with translation.override("zh-hans"):
        assert cold_site.display_name == "梅山冷链查验中心" and lab.display_name == "华测检测认证集团"
        assert "梅山冷链查验中心" in event.text
    cold_site.name_en = ""  # no English name: the official name in every language
    with translation.override("en"):
        assert cold_site.display_name == "梅山冷链查验中心"


@pytest.mark.parametrize("quantity", ["NaN", "Infinity", "1e400", "1e-400", "0.0001", "1" * 32])
def test_sample_quantity_beyond_its_column_refused_on_its_field(declaration, officers, create_task, quantity):
    task = _claimed(declaration, create_task)
    with pytest.raises(ValidationError) as error:
        services.sample_take(task=task, description="x", quantity=quantity, unit="kg", seal_no="S",
                             actor=task.assigned_to)
    assert "quantity" in error.value.message_dict
    assert not task.samples.exists()


@pytest.mark.parametrize("value", ["nan", "-Infinity", "1e30", "1e-30"])
def test_lab_result_beyond_its_column_refused(declaration, officers, create_task, value):
    task = _claimed(declaration, create_task)
    sample = services.sample_take(task=task, description="x", quantity=1, unit="kg", seal_no="S",
                                  actor=task.assigned_to)
    order = services.lab_order_create(task=task, sample=sample, lab=LabFactory(), test_items=["chloramphenicol"],
                                      actor=task.assigned_to)
    with pytest.raises(ValidationError) as error:
        services.lab_result_record(order=order, results=[{"test_item": "chloramphenicol", "value": value}],
                                   actor=task.assigned_to)
    assert "results" in error.value.message_dict
