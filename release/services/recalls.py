"""After release: the importer's record of sales downstream, recalls of a lot with a notice to every recorded
buyer (sent by e-mail or SMS where the contact is an address or a mobile number; notified once the mail server or
SMS gateway accepted it), and the buyers' acknowledgements."""

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import stored_text
from ciq_portal.messaging import MessageChannel, MessagePurpose, message_channel_for, message_send
from ciq_portal.numbers import model_decimal
from ciq_portal.roles import Role, is_bureau_user
from ciq_portal.scoping import user_enterprise_id
from credit.services import credit_event_record

from .. import transitions
from ..certificates import public_base_url
from ..choices import RecallSource, RecallStatus, ReleaseStatus
from ..models import DistributionRecord, Recall, RecallNotice, Release
from ._shared import _event, _plain, _publish, _require_role


def _require_enterprise_actor(actor, release, field):
    if is_bureau_user(actor):
        return
    if user_enterprise_id(actor) != release.enterprise_id:
        raise ValidationError({field: [_("Only the importer of these goods may record this.")]})


def _notice(recall, distribution) -> RecallNotice:
    notice, created = RecallNotice.objects.get_or_create(
        recall=recall, distribution=distribution, defaults={"token": secrets.token_urlsafe(24)})
    if created:
        _notice_send(notice)
    return notice


def _notice_send(notice) -> None:
    """The notice to the buyer's e-mail address or mobile number, if one was recorded, with the link to acknowledge
    it, in the portal's language (a landline is called by the importer, who records the acknowledgement)."""
    reachable = message_channel_for(notice.distribution.buyer_contact)
    if reachable is None:
        return
    channel, recipient = reachable
    release = notice.recall.release
    goods = ", ".join(release.declaration.lines.values_list("description", flat=True))
    link = public_base_url() + reverse("release:recall_ack", args=[notice.token])
    facts = {"importer": release.enterprise.name_zh, "date": notice.distribution.distributed_on,
             "quantity": _plain(notice.distribution.quantity), "unit": notice.distribution.unit, "goods": goods,
             "reason": notice.recall.reason, "link": link}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Recall of goods you bought: %(goods)s") % {"goods": goods[:120]}
        if channel == MessageChannel.EMAIL:
            body = _("%(importer)s recalls goods you bought on %(date)s (%(quantity)s %(unit)s): %(goods)s.\n"
                     "Reason: %(reason)s\nStop selling them, keep them apart and confirm receipt of this notice: "
                     "%(link)s") % facts
        else:
            body = _("%(importer)s recalls %(goods)s sold to you on %(date)s. Stop selling them and confirm: "
                     "%(link)s") % {**facts, "goods": goods[:60]}
    message_send(channel=channel, recipient=recipient, subject=subject, body=body,
                 purpose=MessagePurpose.RECALL_NOTICE, reference=release.declaration.number, source_id=notice.pk,
                 enterprise_id=release.enterprise_id)


def recall_notice_notified(*, delivery) -> None:
    """A recall notice counts as notified when the mail server or SMS gateway accepted it (the messaging service
    calls this for recall notices: ReleaseConfig.ready() registers it)."""
    if delivery.source_id is None:
        return
    notice = RecallNotice.objects.select_for_update().filter(pk=delivery.source_id, notified_at__isnull=True).first()
    if notice is None:
        return
    notice.notified_at = delivery.sent_at
    notice.save(update_fields=["notified_at"])
    audit_record(actor=None, action="recall_notice.notified", obj=notice, enterprise_id=delivery.enterprise_id,
                 after={"channel": delivery.channel, "message": delivery.pk, "at": delivery.sent_at})


@transaction.atomic
def distribution_record_add(*, release, buyer_name, quantity, unit, distributed_on, actor,
                            buyer_contact: str = "") -> DistributionRecord:
    """The importer records a sale downstream (buyer, quantity, date). Under an open recall, the buyer is
    notified at once."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_enterprise_actor(actor, release, "buyer_name")
    errors = {}
    if not (buyer_name or "").strip():
        errors["buyer_name"] = [_("Name the buyer.")]
    try:
        quantity = model_decimal(quantity, DistributionRecord, "quantity")
    except ValidationError as refusal:
        errors.update(refusal.message_dict)
    else:
        if quantity is None or quantity <= 0:
            errors["quantity"] = [_("The quantity must be greater than zero.")]
    if not (unit or "").strip():
        errors["unit"] = [_("This field is required.")]
    if isinstance(distributed_on, str):
        try:
            distributed_on = date.fromisoformat(distributed_on)
        except ValueError:
            errors["distributed_on"] = [_("Enter a date as YYYY-MM-DD.")]
    if isinstance(distributed_on, date):
        if distributed_on < release.released_on:
            errors["distributed_on"] = [_("The goods cannot be sold before their release.")]
        elif distributed_on > timezone.localdate():
            errors["distributed_on"] = [_("The date cannot be in the future.")]
    elif "distributed_on" not in errors:
        errors["distributed_on"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    record = DistributionRecord.objects.create(release=release, buyer_name=buyer_name.strip()[:200],
                                               buyer_contact=(buyer_contact or "").strip()[:200], quantity=quantity,
                                               unit=unit.strip()[:16], distributed_on=distributed_on,
                                               recorded_by=actor)
    audit_record(actor=actor, action="distribution.add", obj=record, enterprise_id=release.enterprise_id,
                 after={"release": release.pk, "buyer": record.buyer_name, "quantity": quantity, "unit": record.unit,
                        "date": distributed_on}, personal={"buyer_contact": record.buyer_contact})
    recall = release.recalls.filter(status=RecallStatus.OPEN).first()
    if recall is not None:
        _notice(recall, record)
    return record


@transaction.atomic
def recall_open(*, release, source, reason, actor) -> Recall:
    """Recall a released lot: its trace page shows the recall at once and every recorded buyer gets a notice to
    acknowledge. A recall decided by the bureau also adds the enterprise's "recall" credit event.

    ``reason``: an officer's words as typed, or a function building the bureau's text (the timeline and the
    notification keep it in every language, ciq_portal.i18n; the recall row in the portal's default language)."""
    if actor is not None and source == RecallSource.MANUAL:
        _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="reason")
    if source not in RecallSource.values:
        raise ValidationError({"source": [_("Unknown cause of recall.")]})
    reason_text = reason if callable(reason) else None
    if reason_text is not None:
        reason = stored_text(reason_text)[0]
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    release = Release.objects.select_for_update().get(pk=release.pk)
    open_recall = release.recalls.filter(status=RecallStatus.OPEN).first()
    if open_recall is not None:
        return open_recall
    now = timezone.now()
    recall = Recall.objects.create(release=release, source=source, reason=reason.strip(), opened_at=now,
                                   opened_by=actor if getattr(actor, "pk", None) else None)
    for record in release.distributions.all():
        _notice(recall, record)
    before = release.status
    release.status, release.recalled_at = ReleaseStatus.RECALLED, now
    release.save(update_fields=["status", "recalled_at"])
    audit_record(actor=actor, action="recall.open", obj=recall, enterprise_id=release.enterprise_id,
                 before={"status": before}, after={"release": release.pk, "source": source, "reason": recall.reason,
                                                   "buyers": release.distributions.count()})
    def message():
        return _("Recall of the lot: %(r)s") % {"r": reason_text() if reason_text else recall.reason}

    _event(declaration=release.declaration, kind="recalled", actor=actor, message=message, data={"recall": recall.pk})
    _publish("recall.issued", release, message=message, actor=actor, payload={
        "trace_code": release.trace_code, "reason": recall.reason, "cause": source, "opened_at": now,
        "buyers": release.distributions.count()})
    if source == RecallSource.MANUAL:
        credit_event_record(enterprise=release.enterprise, kind="recall", source="officer",
                            evidence_type="release", evidence_id=release.declaration.number,
                            note=recall.reason[:400], actor=actor)
    return recall


@transaction.atomic
def recall_notice_acknowledge(*, notice, by_name: str, note: str = "", actor=None) -> RecallNotice:
    """A buyer (through the link of the notice) or the importer on the buyer's behalf confirms receipt."""
    notice = RecallNotice.objects.select_for_update().select_related("recall__release").get(pk=notice.pk)
    if actor is not None:
        _require_enterprise_actor(actor, notice.recall.release, "by_name")
    if not (by_name or "").strip():
        raise ValidationError({"by_name": [_("Say who acknowledges the recall.")]})
    if notice.acknowledged_at:
        return notice
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = by_name.strip()[:120]
    notice.acknowledgement_note = (note or "").strip()[:500]
    notice.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    audit_record(actor=actor, action="recall_notice.acknowledge", obj=notice,
                 enterprise_id=notice.recall.release.enterprise_id, after={"acknowledged": True},
                 personal={"by": notice.acknowledged_by, "note": notice.acknowledgement_note})
    return notice


@transaction.atomic
def recall_close(*, recall, note: str, actor) -> Recall:
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="note")
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    if not transitions.allows(transitions.RECALL_MOVES, "close", recall.status):
        raise ValidationError({"note": [_("This recall is already closed.")]})
    waiting = recall.notices.filter(acknowledged_at__isnull=True).count()
    if waiting and not (note or "").strip():
        raise ValidationError({"note": [_("%(n)d buyer(s) have not acknowledged: say why the recall may close.")
                                        % {"n": waiting}]})
    recall.status, recall.closed_at, recall.closed_by = RecallStatus.CLOSED, timezone.now(), actor
    recall.closing_note = (note or "").strip()
    recall.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    audit_record(actor=actor, action="recall.close", obj=recall, enterprise_id=recall.release.enterprise_id,
                 before={"status": RecallStatus.OPEN}, after={"status": recall.status, "unacknowledged": waiting,
                                                              "note": recall.closing_note})
    return recall
