"""Enterprise A's world: one object of every kind the portal keeps, owned by (or about) enterprise A.

Built through the apps' own services where they exist, so the objects are the ones the product makes. Each
step is independent: a step that fails is recorded in ``world.errors`` (the matrix then reports the routes
needing that object as unreachable, naming the error) instead of hiding every other route's result.
"""

import traceback
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


CONTAINERS = {1: "CSQU3054383", 2: "MSKU1234565", 3: "TGHU1234567"}  # ISO 6346 (valid check digits)


class World(SimpleNamespace):
    def need(self, name):
        value = getattr(self, name, None)
        if value is None:
            reason = self.errors.get(name) or "not built (no step makes it yet)"
            raise LookupError(f"enterprise A has no {name}: {reason}")
        return value


def _step(world, names, fn):
    from django.db import transaction

    try:
        with transaction.atomic():  # a failed step must not abort the test's transaction (PostgreSQL)
            result = fn()
    except Exception:  # noqa: BLE001 - recorded and reported by the matrix
        message = traceback.format_exc(limit=4).strip().splitlines()[-1]
        for name in names if isinstance(names, tuple) else (names,):
            world.errors[name] = message
        return
    if isinstance(names, tuple):
        for name, value in zip(names, result, strict=True):
            setattr(world, name, value)
    else:
        setattr(world, names, result)


def build_world(*, enterprise_a, declarant_a, officer, supervisor, administrator_a=None, broker=None) -> World:
    """``administrator_a``: A's administrator delegates all goods to a customs broker of the world's own (the
    ``delegation`` the matrix aims at); with ``broker``, also to ``broker`` for HS chapter 03 only, which none of A's
    declarations here contain (the broker of A must reach none of them)."""
    world = World(errors={}, enterprise=enterprise_a, declarant=declarant_a, officer=officer, supervisor=supervisor)

    lines = [
        {"hs_code": "847130", "description": "Portable computers A", "origin_country": "CN", "quantity": "200",
         "unit": "pcs", "value": "42000", "currency": "USD"},
        {"hs_code": "950300", "description": "Building-block toys A", "origin_country": "DE", "quantity": "800",
         "unit": "sets", "value": "12800", "currency": "USD"},
    ]

    def new_declaration(n):
        from declarations.services import declaration_create

        return declaration_create(enterprise=enterprise_a, actor=declarant_a, lines=lines,
                                  bill_of_lading=f"BLA-PROOF-{n}", departure_country="DE", vessel_voyage="MV A",
                                  containers=[CONTAINERS[n]],
                                  arrival_date=date.today() + timedelta(days=2), trade_terms="CIF")

    _step(world, "draft", lambda: new_declaration(1))

    def document():
        from declarations.services import document_upload

        upload = SimpleUploadedFile("invoice-a.pdf", PDF, content_type="application/pdf")
        return document_upload(declaration=world.need("draft"), kind="invoice", file=upload, actor=declarant_a)

    _step(world, "document", document)
    _step(world, "line", lambda: world.need("draft").lines.order_by("line_no").first())

    def submitted():
        from release.services import clearance_submit

        return clearance_submit(declaration=new_declaration(2), actor=declarant_a)

    _step(world, "declaration", submitted)

    def assessment():
        from risk.models import RiskAssessment

        return RiskAssessment.objects.filter(declaration=world.need("declaration")).latest("pk")

    _step(world, "assessment", assessment)

    def released():
        from release.matrix import DEFAULT_CELLS
        from release.models import Release
        from release.services import clearance_submit, consignment_release, release_matrix_update

        # Released on declaration: this world wants one released consignment without walking a mode's steps.
        cells = {tier: {grade: ("supervised" if tier == "very_high" or grade == "D" else "declare")
                        for grade in row} for tier, row in DEFAULT_CELLS.items()}
        release_matrix_update(cells=cells, note="proof world: declare-release", actor=supervisor)
        decl = clearance_submit(declaration=new_declaration(3), actor=declarant_a)
        release = Release.objects.filter(declaration=decl).first()
        if release is None:
            release = consignment_release(declaration=decl, actor=officer, inspection_result="conform")
        return release, release.certificate, decl

    _step(world, ("release", "certificate", "released_declaration"), released)

    def aftermath():
        from release.services import distribution_record_add, post_check_schedule, recall_open

        release = world.need("release")
        distribution = distribution_record_add(release=release, buyer_name="Downstream buyer of A", quantity=10,
                                               unit="pcs", distributed_on=date.today(), actor=declarant_a)
        recall = recall_open(release=release, source="manual", reason="proof: recall of A's goods", actor=supervisor)
        check = post_check_schedule(release=release, scheduled_for=date.today() + timedelta(days=7),
                                    reason="proof", actor=supervisor)
        return distribution, recall, recall.notices.first(), check

    _step(world, ("distribution", "recall", "notice", "post_check"), aftermath)

    def grade_change():
        from credit.models import GradeChange
        from credit.services import credit_event_record, grade_objection_file

        credit_event_record(enterprise=enterprise_a, kind="falsification", source="officer", actor=supervisor,
                            note="proof: severe event regrades at once")
        change = GradeChange.objects.filter(enterprise=enterprise_a).latest("pk")
        objection = grade_objection_file(grade_change=change, reason="proof: A objects", actor=declarant_a)
        return change, objection

    _step(world, ("grade_change", "objection"), grade_change)

    def import_job():
        from django.core.files.base import ContentFile

        from declarations.models import ImportJob

        job = ImportJob(enterprise=enterprise_a, created_by=declarant_a, original_name="import-a.csv", status="done")
        job.file.save("import-a.csv", ContentFile(b"bill_of_lading\nBLA-IMPORT\n"), save=False)
        job.save()
        return job

    _step(world, "import_job", import_job)

    def bulk_submission():
        from release.services import bulk_submission_start

        # Queued, not run (its task starts after commit): A's draft stays a draft for the other routes.
        return bulk_submission_start(actor=declarant_a, declaration_ids=[world.need("draft").pk])

    _step(world, "bulk_submission", bulk_submission)

    def logistics_event():
        from django.utils import timezone

        from declarations.services import logistics_event_push

        event, _created = logistics_event_push(actor=officer, external_id="A-LOG-1", kind="vessel_berthed",
                                               container_no=world.need("declaration").containers[0],
                                               occurred_at=timezone.now() - timedelta(hours=2))
        return event

    _step(world, "logistics_event", logistics_event)

    def registration():
        from declarations.services import registration_apply

        return registration_apply(enterprise=enterprise_a, actor=declarant_a, kind="manufacturer_registration",
                                  valid_from=date.today(), valid_until=date.today() + timedelta(days=365),
                                  categories=["machinery"], manufacturer_name="Maker of A GmbH")

    _step(world, "registration", registration)

    def registration_document():
        from declarations.services import registration_document_upload

        upload = SimpleUploadedFile("registration-a.pdf", PDF, content_type="application/pdf")
        return registration_document_upload(registration=world.need("registration"), file=upload, actor=declarant_a,
                                            title="A's registration certificate")

    _step(world, "registration_document", registration_document)

    def officer_profile():
        from inspection.services import officer_profile_ensure

        from ..inspection.factories import InspectionSiteFactory

        site = InspectionSiteFactory(port="NGB")
        from django.utils import timezone

        from inspection.services import officer_shift_add

        profile = officer_profile_ensure(user=officer, badge_no="PROOF1",
                                         categories=["aquatic", "food", "machinery", "toy"],
                                         sites=[site], actor=supervisor)
        now = timezone.now()
        officer_shift_add(officer=profile, site=site, starts_at=now - timedelta(hours=1),
                          ends_at=now + timedelta(hours=8), actor=supervisor)
        return site, profile

    _step(world, ("site", "officer_profile"), officer_profile)

    def task():
        from inspection.models import InspectionTask
        from inspection.services import inspection_task_claim, inspection_task_create

        decl = world.need("declaration")
        task = InspectionTask.objects.filter(declaration=decl).first()
        if task is None:
            task = inspection_task_create(declaration=decl, reason="random", mode="supervised", actor=supervisor)
        task.refresh_from_db()
        if task.status in ("queued", "assigned"):
            task = inspection_task_claim(task=task, actor=officer)
        return task

    _step(world, "task", task)

    def conflict():
        from ciq_portal.roles import Role
        from inspection.services import conflict_declare, officer_profile_ensure

        from ..factories import UserFactory

        other = UserFactory(username="proof_officer2", role=Role.OFFICER)
        profile = officer_profile_ensure(user=other, badge_no="PROOF2", categories=["machinery"],
                                         sites=[world.need("site")], actor=supervisor)
        return conflict_declare(officer=profile, enterprise=enterprise_a, reason="A's director is a cousin",
                                actor=other)

    _step(world, "conflict", conflict)

    def sample():
        from inspection.services import sample_take

        return sample_take(task=world.need("task"), description="2 cartons", quantity=2, unit="carton",
                           seal_no="SEAL-A-1", actor=officer)

    _step(world, "sample", sample)

    def lab_order():
        from inspection.services import lab_order_create

        from ..inspection.factories import LabFactory

        lab = LabFactory(scope_categories=["aquatic", "food", "machinery", "toy"])
        world.lab = lab
        return lab_order_create(task=world.need("task"), sample=world.need("sample"), lab=lab,
                                test_items=["lead"], actor=officer)

    _step(world, "lab_order", lab_order)

    def lab_result():
        from inspection.services import lab_result_record

        order = lab_result_record(order=world.need("lab_order"), results=[{"test_item": "lead", "value": "0.1",
                                                                           "limit_max": "0.5"}], actor=officer)
        return order.results.get()

    _step(world, "lab_result", lab_result)

    def photo():
        from inspection.services import inspection_photo_add

        image = SimpleUploadedFile("photo-a.png", PNG, content_type="image/png")
        return inspection_photo_add(task=world.need("task"), image=image, caption="A", actor=officer)

    _step(world, "photo", photo)

    def test_report():
        from inspection.services import test_report_submit

        lab = getattr(world, "lab", None)
        return test_report_submit(declaration=world.need("declaration"),
                                  lab_accreditation_no=lab.accreditation_no if lab else "CNAS L0000",
                                  report_no="TR-A-1", issued_on=date.today() - timedelta(days=3),
                                  hs_codes=["0306170000"], actor=declarant_a)

    _step(world, "test_report", test_report)

    def joint():
        from inspection.services import joint_inspection_request

        decl = world.need("declaration")
        return joint_inspection_request(actor=supervisor, agency="customs", kind="boarding", declaration=decl,
                                        conveyance="MV PROOF A")

    _step(world, "joint", joint)

    def credit_event():
        from credit.services import credit_event_record

        return credit_event_record(enterprise=enterprise_a, kind="certification", source="officer", actor=supervisor,
                                   note="proof")

    _step(world, "credit_event", credit_event)

    def subscription():
        from ciq_portal.notifications import subscription_create

        subscription, _secret = subscription_create(actor=declarant_a, url="https://hooks.example.com/a",
                                                    event_types=["declaration.released"], name="A's hook")
        return subscription

    _step(world, "subscription", subscription)

    def notification():
        from ciq_portal.models import Notification, WebhookDelivery
        from ciq_portal.notifications import notification_publish, outbox_dispatch

        event = notification_publish(event_type="declaration.released", payload={"number": "A"},
                                     enterprise_id=enterprise_a.pk, message="A's release", reference="A-REF")
        outbox_dispatch(event_pk=event.pk)
        return (Notification.objects.filter(user=declarant_a).first(),
                WebhookDelivery.objects.filter(subscription__owner=declarant_a).first())

    _step(world, ("notification", "delivery"), notification)

    def delegation(to_broker, hs_chapters=()):
        from credit.services import delegation_grant

        return delegation_grant(actor=administrator_a, broker_uscc=to_broker.uscc, hs_chapters=hs_chapters,
                                valid_from=date.today(), valid_until=date.today() + timedelta(days=30))

    def brokers_own():
        from credit.choices import EnterpriseKind
        from credit.services import enterprise_create
        from credit.validators import uscc_check_character

        body = "91330200MA9BR0KER"
        return enterprise_create(actor=supervisor, uscc=body + uscc_check_character(body), name_zh="甲的报关行",
                                 name_en="A's own broker", kind=EnterpriseKind.CUSTOMS_BROKER)

    if administrator_a is not None:
        _step(world, "delegation", lambda: delegation(brokers_own()))
        if broker is not None:
            _step(world, "broker_delegation", lambda: delegation(broker, hs_chapters="03"))

    for name in ("draft", "declaration", "task", "document", "release"):
        obj = getattr(world, name, None)
        if obj is not None:
            obj.refresh_from_db()
    return world


def markers(world, *, names: bool = True) -> list[str]:
    """Strings that only enterprise A's data contains: none of them may appear in what declarant B receives.
    ``names=False`` leaves out A's own identity (its USCC and names), which a customs broker A delegated to sees."""
    found = [world.enterprise.uscc, world.enterprise.name_en, world.enterprise.name_zh] if names else []
    for name in ("draft", "declaration", "released_declaration"):
        decl = getattr(world, name, None)
        if decl is not None:
            found += [decl.number, decl.bill_of_lading]
    for name, attr in (("sample", "sample_no"), ("test_report", "report_no"), ("document", "original_name"),
                       ("certificate", "number"), ("release", "trace_code"), ("distribution", "buyer_name"),
                       ("import_job", "original_name"), ("registration", "manufacturer_name"),
                       ("conflict", "reason")):
        obj = getattr(world, name, None)
        if obj is not None:
            found.append(getattr(obj, attr))
    return [m for m in found if m]
