"""Enterprise A's world: one object of every kind the portal keeps, owned by (or about) enterprise A.

Built through the apps' own services where they exist, so the objects are the ones the product makes. Each
step is independent: a step that fails is recorded in ``world.errors`` (the matrix then reports the routes
needing that object as unreachable, naming the error) instead of hiding every other route's result.
"""

import io
import traceback
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from ..factories import DeclarationFactory, GoodsLineFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


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


def build_world(*, enterprise_a, declarant_a, officer, supervisor) -> World:
    world = World(errors={}, enterprise=enterprise_a, declarant=declarant_a, officer=officer, supervisor=supervisor)

    def draft():
        decl = DeclarationFactory(enterprise=enterprise_a, created_by=declarant_a)
        for n in (1, 2):
            GoodsLineFactory(declaration=decl, line_no=n)
        return decl

    _step(world, "draft", draft)

    def document():
        from declarations.models import Document

        decl = world.need("draft")
        doc = Document(declaration=decl, kind="invoice", original_name="invoice-a.pdf", content_type="application/pdf",
                       size=len(PDF), sha256="0" * 64, uploaded_by=declarant_a)
        doc.file.save("invoice-a.pdf", io.BytesIO(PDF), save=False)
        doc.save()
        return doc

    _step(world, "document", document)

    def submitted():
        from release.services import clearance_submit

        decl = DeclarationFactory(enterprise=enterprise_a, created_by=declarant_a)
        for n in (1, 2):
            GoodsLineFactory(declaration=decl, line_no=n)
        return clearance_submit(declaration=decl, actor=declarant_a) or decl

    _step(world, "declaration", submitted)

    def officer_profile():
        from inspection.services import officer_profile_ensure

        from ..inspection.factories import InspectionSiteFactory

        site = InspectionSiteFactory(port="NGB")
        profile = officer_profile_ensure(user=officer, badge_no="PROOF1", categories=["aquatic", "food"],
                                         sites=[site], actor=supervisor)
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

    def sample():
        from inspection.services import sample_take

        return sample_take(task=world.need("task"), description="2 cartons", quantity=2, unit="carton",
                           seal_no="SEAL-A-1", actor=officer)

    _step(world, "sample", sample)

    def lab_order():
        from inspection.services import lab_order_create

        from ..inspection.factories import LabFactory

        lab = LabFactory()
        world.lab = lab
        return lab_order_create(task=world.need("task"), sample=world.need("sample"), lab=lab,
                                test_items=["lead"], actor=officer)

    _step(world, "lab_order", lab_order)

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

        event = notification_publish(event_type="declaration.released", payload={"number": "A"}, enterprise_id=enterprise_a.pk,
                                     message="A's release", reference="A-REF")
        outbox_dispatch(event_pk=event.pk)
        return (Notification.objects.filter(user=declarant_a).first(),
                WebhookDelivery.objects.filter(subscription__owner=declarant_a).first())

    _step(world, ("notification", "delivery"), notification)

    for name in ("draft", "declaration", "task", "document"):
        obj = getattr(world, name, None)
        if obj is not None:
            obj.refresh_from_db()
    return world


def markers(world) -> list[str]:
    """Strings that only enterprise A's data contains: none of them may appear in what declarant B receives."""
    found = [world.enterprise.uscc, world.enterprise.name_en, world.enterprise.name_zh]
    for name in ("draft", "declaration"):
        decl = getattr(world, name, None)
        if decl is not None:
            found += [decl.number, decl.bill_of_lading]
    for name, attr in (("sample", "sample_no"), ("test_report", "report_no"), ("document", "original_name")):
        obj = getattr(world, name, None)
        if obj is not None:
            found.append(getattr(obj, attr))
    return [m for m in found if m]
