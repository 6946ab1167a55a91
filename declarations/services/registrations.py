"""Importer filings and overseas manufacturer registrations: applied for by an enterprise (with documents),
approved, refused or suspended by officers, and required of regulated goods at submission."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_cached
from ciq_portal.roles import user_roles
from ciq_portal.scoping import user_enterprise_id
from ciq_portal.stored_files import file_store

from .. import transitions
from ..models import Registration, RegistrationDocument, RegulatedGoods
from ..nomenclature import hs_category

REGULATED_GOODS_KEY = "regulated-goods"
REGISTRATION_MOVES = {"approve": ({"pending", "suspended"}, "approved"), "refuse": ({"pending"}, "refused"),
                      "suspend": ({"approved"}, "suspended")}


@transaction.atomic
def registration_apply(*, enterprise, actor, kind, valid_from, valid_until, categories=(), manufacturer_name="",
                       registration_number="", note=""):
    errors: dict = {}
    if kind not in dict(Registration.KIND_CHOICES):
        errors["kind"] = [_("Kind: choose importer filing or manufacturer registration.")]
    if kind == "manufacturer_registration" and not (manufacturer_name or "").strip():
        errors["manufacturer_name"] = [_("Manufacturer name: required for a manufacturer registration.")]
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("Valid until: must not be before the start of validity.")]
    if errors:
        raise ValidationError(errors)
    registration = Registration.objects.create(
        enterprise=enterprise, kind=kind, valid_from=valid_from, valid_until=valid_until,
        categories=list(categories), manufacturer_name=(manufacturer_name or "").strip(),
        registration_number=registration_number, note=note)
    audit_record(actor=actor, action="registration.apply", obj=registration,
                 after={"kind": kind, "categories": list(categories)}, enterprise_id=enterprise.pk)
    return registration


@transaction.atomic
def registration_decide(*, registration, action, actor, note=""):
    """Officers approve, refuse or suspend a filing or registration."""
    if action not in REGISTRATION_MOVES:
        raise ValidationError({"action": [_("Action: not allowed.")]})
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    sources, target_status = REGISTRATION_MOVES[action]
    if registration.status not in sources or not (user_roles(actor) & transitions.BUREAU):
        raise ValidationError({"status": [_("This action is not allowed for a registration in this state.")]})
    before = {"status": registration.status}
    registration.status, registration.note = target_status, note or registration.note
    registration.save(update_fields=["status", "note"])
    audit_record(actor=actor, action=f"registration.{action}", obj=registration, before=before,
                 after={"status": registration.status}, enterprise_id=registration.enterprise_id)
    return registration


def regulated_goods_rules(hs_code: str) -> list[RegulatedGoods]:
    """The bureau's rules on regulated goods that name ``hs_code``, by HS prefix or by its category."""
    rules = reference_cached(REGULATED_GOODS_KEY, lambda: list(RegulatedGoods.objects.all()))
    category = hs_category(hs_code)
    return [r for r in rules if (r.hs_prefix and hs_code.startswith(r.hs_prefix)) or
            (r.category and r.category == category)]


def registration_errors(declaration) -> dict:
    """Goods lines of regulated goods without a valid filing/registration: {"lines.<i>.<field>": [message]}."""
    if not reference_cached(REGULATED_GOODS_KEY, lambda: list(RegulatedGoods.objects.all())):
        return {}
    today = timezone.localdate()
    valid = list(Registration.objects.filter(enterprise_id=declaration.enterprise_id, status="approved",
                                             valid_from__lte=today, valid_until__gte=today))
    errors: dict = {}
    for index, line in enumerate(declaration.lines.all()):
        matched = regulated_goods_rules(line.hs_code)
        if not matched:
            continue
        category = hs_category(line.hs_code)
        if any(r.needs_importer_filing for r in matched) and not any(
                r.kind == "importer_filing" and r.covers(category) for r in valid):
            errors.setdefault(f"lines.{index}.hs_code", []).append(
                _("Line %(line)s: these goods may be declared only by a filed importer; your enterprise has no valid "
                  "filing for them.") % {"line": line.line_no})
        if any(r.needs_manufacturer_registration for r in matched) and not any(
                r.covers(category) and r.names_manufacturer(line.manufacturer_name) for r in valid):
            errors.setdefault(f"lines.{index}.manufacturer_name", []).append(
                _("Line %(line)s: the overseas manufacturer “%(name)s” has no valid registration for these goods.")
                % {"line": line.line_no, "name": line.manufacturer_name or "—"})
    return errors


@transaction.atomic
def registration_document_upload(*, registration, file, actor, title=""):
    """File a document (PDF, JPEG, PNG, sniffed from its bytes, up to DOCUMENT_MAX_BYTES) with a filing or
    registration application of the actor's enterprise; not once it is refused."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor is not None and not (user_roles(actor) & transitions.BUREAU) and \
            user_enterprise_id(actor) != registration.enterprise_id:
        raise ValidationError({"registration": [_("This registration is not yours.")]})
    if registration.status == "refused":
        raise ValidationError({"file": [_("Documents cannot be added to a refused application.")]})
    document = file_store(RegistrationDocument(registration=registration, title=(title or "").strip()[:200],
                                                uploaded_by=actor), file)
    audit_record(actor=actor, action="registration.document_upload", obj=document,
                 after={"registration": registration.pk, "sha256": document.sha256, "size": document.size},
                 enterprise_id=registration.enterprise_id)
    return document
