"""The four release modes end to end at service level, and what forces a stricter mode."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from credit.models import CreditEvent
from declarations.models import Declaration
from inspection import services as inspection_services
from release import services
from release.choices import InspectionResult, NextStep, RecallStatus
from release.models import EnterpriseTightening, Release
from release.selectors import Period, certificate_verify, dashboard
from release.services import stats_refresh
from tests.inspection.factories import LabFactory

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db


def decide(declaration, actor=None, **assessment):
    return services.release_decide(declaration=declaration, assessment=FakeAssessment(**assessment), actor=actor)


def grade(enterprise, value):
    enterprise.credit_grade = value
    enterprise.save(update_fields=["credit_grade"])
    return enterprise


def test_declare_release_is_released_on_acceptance(hs, draw, enterprise_a, declarant_a):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decision = decide(declaration, declarant_a, tier="low")
    declaration.refresh_from_db()
    assert decision.mode == "declare" and decision.matrix_mode == "declare" and decision.matrix_version == 0
    assert decision.next_step == NextStep.NONE and not decision.inspection_required
    assert declaration.status == "released" and declaration.release_mode == "declare"
    release = declaration.release
    assert release.inspection_result == InspectionResult.NOT_INSPECTED
    assert len(release.trace_code) >= 20
    certificate = release.certificate
    assert certificate_verify(certificate.number).genuine
    assert certificate.facts["trace_code"] == release.trace_code
    assert "value" not in str(certificate.facts["lines"])
    assert decision.inputs["tier"] == "low" and decision.inputs["grade"] == "A"


def test_verify_release_needs_a_verified_report(hs, draw, enterprise_a, declarant_a, officer):
    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decision = decide(declaration, declarant_a, tier="low")
    declaration.refresh_from_db()
    assert decision.mode == "verify" and decision.next_step == NextStep.SUPPLY_REPORT
    assert declaration.status == "awaiting_documents"
    lab = LabFactory()
    report = inspection_services.test_report_submit(
        declaration=declaration, lab_accreditation_no=lab.accreditation_no, report_no="R-1",
        issued_on=timezone.localdate() - timedelta(days=10), hs_codes=["0306"],
        results=[{"test_item": "chloramphenicol", "value": "0", "unit": "ug/kg"}], actor=declarant_a)
    decision = services.verify_report_supplied(declaration=declaration, report=report, actor=declarant_a)
    assert decision.next_step == NextStep.AWAIT_VERIFICATION
    with pytest.raises(ValidationError):  # a declarant may not verify
        services.verify_release_decide(declaration=declaration, report=report, accept=True, actor=declarant_a)
    decision = services.verify_release_decide(declaration=declaration, report=report, accept=True, actor=officer)
    declaration.refresh_from_db()
    assert declaration.status == "released"
    assert declaration.release.inspection_result == InspectionResult.DOCUMENTS_VERIFIED


def test_a_supplied_report_is_registered_and_awaits_verification_in_one_step(hs, draw, enterprise_a, declarant_a):
    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decide(declaration, declarant_a, tier="low")
    lab = LabFactory()
    report = services.verify_report_supply(
        declaration=declaration, actor=declarant_a, lab_accreditation_no=lab.accreditation_no, report_no="R-9",
        issued_on=timezone.localdate() - timedelta(days=3), hs_codes=["0306"], lot_numbers="",
        results=[{"test_item": "lead", "value": "0.01", "unit": "mg/kg"}])
    assert report.check_ok and report.declaration_id == declaration.pk
    declaration.refresh_from_db()
    assert declaration.release_decision.next_step == NextStep.AWAIT_VERIFICATION


def test_verify_release_refused_with_reason(hs, draw, enterprise_a, declarant_a, officer):
    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decide(declaration, declarant_a, tier="low")
    lab = LabFactory(status="suspended")
    report = inspection_services.test_report_submit(
        declaration=declaration, lab_accreditation_no=lab.accreditation_no, report_no="R-2",
        issued_on=timezone.localdate(), hs_codes=["0306"], results=[], actor=declarant_a)
    services.verify_report_supplied(declaration=declaration, report=report, actor=declarant_a)
    with pytest.raises(ValidationError) as exc:
        services.verify_release_decide(declaration=declaration, report=report, accept=True, actor=officer)
    assert "report" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.verify_release_decide(declaration=declaration, report=report, accept=False, actor=officer)
    assert "reason" in exc.value.message_dict
    services.verify_release_decide(declaration=declaration, report=report, accept=False, actor=officer,
                                   reason="Laboratory suspended")
    declaration.refresh_from_db()
    assert declaration.status == "rejected"
    assert not Release.objects.filter(declaration=declaration).exists()


def _sample(task, officer):
    task = inspection_services.inspection_task_claim(task=task, actor=officer)
    sample = inspection_services.sample_take(task=task, description="2 cartons", quantity="2", unit="carton",
                                             seal_no="SEAL-1", actor=officer)
    return task, sample


def test_sample_release_pass(hs, draw, enterprise_a, declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "C"))
    decision = decide(declaration, declarant_a, tier="low")
    assert decision.mode == "sample" and decision.next_step == NextStep.AWAIT_SAMPLING
    assert decision.task.reason == "release_mode" and decision.task.sampling_required
    task, sample = _sample(decision.task, inspector)
    release = services.sample_release(task=task, actor=inspector)
    assert release.inspection_result == InspectionResult.LAB_PENDING
    assert Declaration.objects.get(pk=declaration.pk).status == "released"
    lab = LabFactory(kind="bureau")
    order = inspection_services.lab_order_create(task=task, sample=sample, lab=lab, test_items=["lead"],
                                                 actor=inspector)
    inspection_services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "0.1",
                                                                 "limit_max": "0.5"}], actor=inspector)
    services.clearance_conclude(task=task, conclusion="conform", actor=inspector)
    release.refresh_from_db()
    assert release.inspection_result == InspectionResult.CONFORM and release.status == "released"
    assert CreditEvent.objects.filter(enterprise=enterprise_a, kind="inspection_passed").exists()


def test_sample_release_is_possible_once_a_sample_is_taken_and_until_the_release(hs, draw, enterprise_a,
                                                                                declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "C"))
    decision = decide(declaration, declarant_a, tier="low")
    assert not services.sample_release_possible(decision, decision.task)
    task, _sample_taken = _sample(decision.task, inspector)
    assert services.sample_release_possible(decision, task)
    services.sample_release(task=task, actor=inspector)
    assert not services.sample_release_possible(decision, task)
    declare = decide(submitted_declaration(grade(enterprise_a, "A")), declarant_a, tier="low")
    assert not services.sample_release_possible(declare, None)


def test_sample_release_lab_failure_recalls_and_tightens(hs, draw, enterprise_a, declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "C"))
    decision = decide(declaration, declarant_a, tier="low")
    task, sample = _sample(decision.task, inspector)
    release = services.sample_release(task=task, actor=inspector)
    buyer = services.distribution_record_add(release=release, buyer_name="Ningbo Fresh Market",
                                             buyer_contact="buyer@example.cn", quantity="300", unit="kg",
                                             distributed_on=timezone.localdate(), actor=declarant_a)
    lab = LabFactory(kind="bureau")
    order = inspection_services.lab_order_create(task=task, sample=sample, lab=lab, test_items=["lead"],
                                                 actor=inspector)
    inspection_services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "0.9",
                                                                 "limit_max": "0.5"}], actor=inspector)
    services.clearance_conclude(task=task, conclusion="non_conform", disposition="destroy", actor=inspector)
    release.refresh_from_db()
    assert release.status == "recalled" and release.inspection_result == InspectionResult.NON_CONFORM
    recall = release.recalls.get()
    assert recall.status == RecallStatus.OPEN and recall.source == "lab_failure"
    notice = recall.notices.get()
    assert notice.distribution == buyer and notice.acknowledged_at is None
    assert CreditEvent.objects.filter(enterprise=enterprise_a, kind="lab_failure").count() == 1
    assert EnterpriseTightening.objects.filter(enterprise=enterprise_a, min_mode="supervised").exists()
    # The enterprise's next consignment is supervised although the matrix says sample-release.
    following = decide(submitted_declaration(enterprise_a), declarant_a, tier="low")
    assert following.matrix_mode == "sample" and following.mode == "supervised"
    assert [f["code"] for f in following.forced_by] == ["tightening"]
    # A buyer recorded after the recall is notified too; acknowledgements are tracked per buyer.
    late = services.distribution_record_add(release=release, buyer_name="Hangzhou Deli", quantity="20", unit="kg",
                                            distributed_on=timezone.localdate(), actor=declarant_a)
    assert recall.notices.count() == 2 and recall.notices.filter(distribution=late).exists()
    services.recall_notice_acknowledge(notice=notice, by_name="Wang Li, store manager")
    assert recall.notices.filter(acknowledged_at__isnull=False).count() == 1


def test_supervised_release_conform_and_non_conform(hs, draw, enterprise_a, enterprise_b, declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "D"))
    decision = decide(declaration, declarant_a, tier="low")
    assert decision.mode == "supervised" and decision.next_step == NextStep.AWAIT_INSPECTION
    task, _sample_ = _sample(decision.task, inspector)
    with pytest.raises(ValidationError):  # supervised goods are not released on sampling
        services.sample_release(task=task, actor=inspector)
    services.clearance_conclude(task=task, conclusion="conform", actor=inspector)
    declaration.refresh_from_db()
    assert declaration.status == "released" and declaration.release.inspection_result == "conform"

    other = submitted_declaration(grade(enterprise_b, "D"))
    decision = decide(other, None, tier="low")
    task, _sample_ = _sample(decision.task, inspector)
    services.clearance_conclude(task=task, conclusion="non_conform", disposition="return", actor=inspector)
    other.refresh_from_db()
    assert other.status == "rejected" and not Release.objects.filter(declaration=other).exists()


def test_settle_sweep_catches_conclusions_made_elsewhere(hs, draw, enterprise_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "D"))
    decision = decide(declaration, None, tier="low")
    task, _sample_ = _sample(decision.task, inspector)
    inspection_services.inspection_conclude(task=task, conclusion="conform", actor=inspector)
    assert services.clearance_settle_pending() == 1
    assert Declaration.objects.get(pk=declaration.pk).status == "released"
    assert services.clearance_settle_pending() == 0


def test_negative_list_forces_supervised_and_port(hs, draw, enterprise_a, supervisor):
    services.negative_list_add(kind="category", value="meat", reason="Beef from a zone under FMD watch",
                               actor=supervisor)
    declaration = submitted_declaration(grade(enterprise_a, "AA"), hs_code="0201300000",
                                        inspection_place="destination", destination_office="HZO")
    decision = decide(declaration, None, tier="low")
    assert decision.matrix_mode == "declare" and decision.mode == "supervised"
    assert decision.inspection_place == "port" and decision.destination_office == ""
    assert decision.forced_by[0]["code"] == "negative_list"
    assert decision.task is not None


def test_direct_release_goes_to_destination(hs, draw, enterprise_a):
    declaration = submitted_declaration(grade(enterprise_a, "C"), hs_code="8418690000",
                                        inspection_place="destination", destination_office="HZO")
    decision = decide(declaration, None, tier="low")
    assert decision.inspection_place == "destination" and decision.destination_office == "HZO"


def test_risk_forced_mode_inspection_and_hold(hs, draw, enterprise_a, enterprise_b):
    grade(enterprise_a, "AA")
    forced = decide(submitted_declaration(enterprise_a), None, tier="low", forced_release_mode="sample",
                    reasons=[{"code": "bulletin:12", "label": "ASF bulletin", "weight": 40}])
    assert forced.mode == "sample" and forced.forced_by[0]["code"] == "bulletin"
    inspected = decide(submitted_declaration(enterprise_a), None, tier="low", force_inspection=True)
    assert inspected.mode == "declare" and inspected.inspection_reason == "risk"
    held = decide(submitted_declaration(enterprise_b), None, tier="high", hold=True)
    assert held.on_hold and held.next_step == NextStep.ON_HOLD
    assert Declaration.objects.get(pk=held.declaration_id).status == "on_hold"


def test_random_draw_overlays_an_inspection(hs, draw, enterprise_a):
    draw.selected = True
    decision = decide(submitted_declaration(grade(enterprise_a, "AA")), None, tier="low")
    assert decision.mode == "declare" and decision.random_selected
    assert decision.inspection_reason == "random" and decision.task.reason == "random"
    assert Declaration.objects.get(pk=decision.declaration_id).status == "awaiting_inspection"


def test_manual_recall_adds_credit_event_and_post_check(hs, draw, enterprise_a, officer):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decide(declaration, None, tier="low")
    release = Release.objects.get(declaration=declaration)
    check = services.post_check_schedule(release=release, scheduled_for=timezone.localdate(),
                                         reason="Market sampling campaign", actor=officer)
    with pytest.raises(ValidationError):
        services.post_check_record(check=check, result="non_conform", findings="", actor=officer)
    services.post_check_record(check=check, result="non_conform", findings="Labels missing", actor=officer)
    release.refresh_from_db()
    assert release.status == "recalled" and release.recalls.get().source == "post_release_check"
    services.recall_close(recall=release.recalls.get(), note="Lot destroyed", actor=officer)
    assert release.recalls.get().status == "closed"


def test_held_declaration_resumes_with_its_mode(hs, draw, enterprise_a, declarant_a, inspector):
    declaration = submitted_declaration(grade(enterprise_a, "C"))
    held = decide(declaration, None, tier="low", hold=True)
    assert held.on_hold and held.task is None
    with pytest.raises(ValidationError):
        services.clearance_resume(declaration=declaration, actor=declarant_a)
    resumed = services.clearance_resume(declaration=declaration, actor=inspector, note="Documents checked")
    assert not resumed.on_hold and resumed.mode == "sample" and resumed.next_step == NextStep.AWAIT_SAMPLING
    assert resumed.task is not None
    # Inspected for the matrix's cell (no cut-offs yet), as the budget counts it, and selected for sure.
    assert resumed.selection == "matrix" and resumed.selection_probability == 1.0
    assert Declaration.objects.get(pk=declaration.pk).status == "awaiting_inspection"
    with pytest.raises(ValidationError):
        services.clearance_resume(declaration=declaration, actor=inspector)


def test_the_declarant_timeline_names_the_mode_and_not_the_reasons(hs, draw, enterprise_a):
    from django.utils import translation

    from declarations.models import DeclarationEvent

    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decide(declaration, None, tier="low")
    visible = DeclarationEvent.objects.filter(declaration=declaration, kind="release_mode_decided").get()
    with translation.override("en"):
        assert visible.visible_to_declarant and "Verify-release" in visible.text
    hidden = DeclarationEvent.objects.get(declaration=declaration, kind="release_mode_reasons")
    assert not hidden.visible_to_declarant


def test_release_and_recall_are_published(hs, draw, enterprise_a, declarant_a, officer):
    from ciq_portal.models import OutboxEvent

    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decide(declaration, None, tier="low")
    release = Release.objects.get(declaration=declaration)
    released = OutboxEvent.objects.get(event_type="declaration.released")
    assert released.payload["trace_code"] == release.trace_code and released.enterprise_id == enterprise_a.pk
    assert "risk" not in str(released.payload) and "value" not in released.payload
    services.recall_open(release=release, source="manual", reason="Labels", actor=officer)
    assert OutboxEvent.objects.get(event_type="recall.issued").payload["declaration"] == declaration.number


def test_recall_notice_is_mailed_to_buyers_with_an_address(hs, draw, enterprise_a, declarant_a, officer, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decide(declaration, None, tier="low")
    release = Release.objects.get(declaration=declaration)
    for name, contact in (("Mail Shop", "shop@example.cn"), ("Phone Shop", "0574-1234567")):
        services.distribution_record_add(release=release, buyer_name=name, buyer_contact=contact, quantity="1",
                                         unit="kg", distributed_on=timezone.localdate(), actor=declarant_a)
    with django_capture_on_commit_callbacks(execute=True):
        recall = services.recall_open(release=release, source="manual", reason="Labels", actor=officer)
    assert [m.to for m in mailoutbox] == [["shop@example.cn"]]
    notice = recall.notices.get(distribution__buyer_name="Mail Shop")
    assert f"/recall/ack/{notice.token}/" in mailoutbox[0].body
    # Accepted by the mail backend: notified. The landline is the importer's to call: not notified.
    assert notice.notified_at is not None
    assert recall.notices.get(distribution__buyer_name="Phone Shop").notified_at is None


def test_a_recall_notice_counts_as_notified_only_once_the_mail_server_accepted_it(
        hs, draw, enterprise_a, declarant_a, officer, supervisor, smtp_server, django_capture_on_commit_callbacks):
    from ciq_portal.messaging import message_delivery_list, message_delivery_retry
    from ciq_portal.models import MessageStatus

    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decide(declaration, None, tier="low")
    release = Release.objects.get(declaration=declaration)
    services.distribution_record_add(release=release, buyer_name="Mail Shop", buyer_contact="shop@example.cn",
                                     quantity="1", unit="kg", distributed_on=timezone.localdate(), actor=declarant_a)
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    with django_capture_on_commit_callbacks(execute=True):
        recall = services.recall_open(release=release, source="manual", reason="Labels", actor=officer)
    notice = recall.notices.get()
    assert notice.notified_at is None
    delivery = message_delivery_list(user=supervisor).get(purpose="recall_notice", source_id=notice.pk)
    assert (delivery.status, delivery.reference) == (MessageStatus.FAILED, declaration.number)

    smtp_server.refuse = ""
    with django_capture_on_commit_callbacks(execute=True):
        message_delivery_retry(delivery=delivery, actor=supervisor)
    notice.refresh_from_db()
    assert notice.notified_at == message_delivery_list(user=supervisor).get(pk=delivery.pk).sent_at
    [received] = smtp_server.messages
    assert received["To"] == "shop@example.cn" and f"/recall/ack/{notice.token}/" in received.get_content()


def test_a_recall_notice_goes_by_sms_to_a_mobile_number(hs, draw, enterprise_a, declarant_a, officer,
                                                        django_capture_on_commit_callbacks):
    import sms

    sms.outbox = []
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    decide(declaration, None, tier="low")
    release = Release.objects.get(declaration=declaration)
    services.distribution_record_add(release=release, buyer_name="Stall 12", buyer_contact="138 0013 8000",
                                     quantity="1", unit="kg", distributed_on=timezone.localdate(), actor=declarant_a)
    with django_capture_on_commit_callbacks(execute=True):
        recall = services.recall_open(release=release, source="manual", reason="Labels", actor=officer)
    notice = recall.notices.get()
    [message] = sms.outbox
    assert message.recipients == ["+8613800138000"] and f"/recall/ack/{notice.token}/" in message.body
    assert notice.notified_at is not None


def test_report_registered_through_inspection_and_answered_on_the_declaration(hs, draw, enterprise_a, declarant_a,
                                                                              officer):
    from declarations.services import declaration_answer
    from release.selectors import verification_queue

    declaration = submitted_declaration(grade(enterprise_a, "B"))
    decide(declaration, None, tier="low")
    report = inspection_services.test_report_submit(
        declaration=declaration, lab_accreditation_no=LabFactory().accreditation_no, report_no="R-9",
        issued_on=timezone.localdate(), hs_codes=["0306"], results=[], actor=declarant_a)
    assert declaration not in [d.declaration for d in verification_queue()]
    declaration_answer(declaration=declaration, actor=declarant_a, message="Report uploaded")
    assert [d.declaration_id for d in verification_queue()] == [declaration.pk]
    services.verify_release_decide(declaration=declaration, report=report, accept=True, actor=officer)
    assert Declaration.objects.get(pk=declaration.pk).status == "released"


def test_officer_pages_and_api_settle_the_consignment_at_once(hs, draw, enterprise_a, enterprise_b, declarant_a,
                                                              inspector, client, api_as):
    sampled = submitted_declaration(grade(enterprise_a, "C"))
    task = inspection_services.inspection_task_claim(task=decide(sampled, declarant_a, tier="low").task,
                                                     actor=inspector)
    client.force_login(inspector)
    client.post(f"/inspection/tasks/{task.pk}/samples/",
                {"description": "2 cartons", "quantity": "2", "unit": "carton", "seal_no": "SEAL-9"})
    assert Declaration.objects.get(pk=sampled.pk).status == "released"

    supervised = submitted_declaration(grade(enterprise_b, "D"))
    task, _sample_ = _sample(decide(supervised, None, tier="low").task, inspector)
    response = api_as(inspector).post(f"/api/v1/inspection-tasks/{task.pk}/conclude/", {"conclusion": "conform"})
    assert response.status_code == 200
    assert Declaration.objects.get(pk=supervised.pk).status == "released"


def test_a_release_shows_on_the_dashboard_once_its_transaction_commits(hs, draw, enterprise_a, declarant_a,
                                                                      django_capture_on_commit_callbacks):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    with django_capture_on_commit_callbacks(execute=True):
        decide(declaration, declarant_a, tier="low")
    today = timezone.localdate()
    figures = dashboard(Period(first=today, last=today))
    declare = next(row for row in figures["by_mode"] if row["mode"] == "declare")
    assert declare["released"] == 1 and figures["refreshed"] is not None


def test_releases_in_one_interval_share_one_dashboard_refresh(hs, draw, enterprise_a, declarant_a, settings):
    settings.CIQ = {**settings.CIQ, "STATS_FOLLOW_UP_SECONDS": 60}
    cache.delete(services.STATS_PENDING_KEY)
    with mock.patch("release.tasks.release_stats_refresh_task.apply_async") as queued:
        for _ in range(3):
            stats_refresh._queue_stats_refresh()
        assert queued.call_count == 1 and queued.call_args.kwargs == {"countdown": 60}
        services.release_stats_refresh()  # the queued refresh starts: the next release queues another
        stats_refresh._queue_stats_refresh()
        assert queued.call_count == 2
