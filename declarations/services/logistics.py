"""Logistics events of the single window: the port's and agencies' steps of a container (vessel berthed, container
discharged, ...), idempotent by the sender's id, in order, on every open declaration that lists the container;
the first arrival step sets the declaration's arrival time."""

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.models import EventType
from ciq_portal.notifications import notification_publish

from ..choices import LOGISTICS_ORDER, DeclarationStatus, LogisticsEventKind
from ..models import Declaration, LogisticsEvent
from ..reference import is_valid_container
from .timeline import declaration_event_add

LOGISTICS_LOOKBACK_DAYS = 180
LOGISTICS_FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
# The steps that mark the goods' arrival: Declaration.arrived_at is the earliest of them (clearance time, WCO TRS).
ARRIVAL_KINDS = frozenset({LogisticsEventKind.VESSEL_BERTHED, LogisticsEventKind.CONTAINER_DISCHARGED})
CLOSED_FOR_LOGISTICS = (DeclarationStatus.DRAFT, DeclarationStatus.WITHDRAWN, DeclarationStatus.REJECTED)


def _logistics_fingerprint(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def logistics_declarations_for(*, container_no: str, bill_of_lading: str = "") -> list[Declaration]:
    """Open declarations (submitted in the last 180 days, not withdrawn or rejected) that list the container."""
    since = timezone.now() - datetime.timedelta(days=LOGISTICS_LOOKBACK_DAYS)
    candidates = (Declaration.objects.filter(submitted_at__gte=since)
                  .exclude(status__in=CLOSED_FOR_LOGISTICS)
                  .filter(containers__icontains=f'"{container_no}"'))
    if bill_of_lading:
        candidates = candidates.filter(bill_of_lading=bill_of_lading)
    return [d for d in candidates.order_by("pk") if container_no in (d.containers or [])]


def _logistics_check_order(*, kind: str, occurred_at, container_no: str, declarations) -> None:
    """Times in order: no step earlier than a step before it, nor later than a step after it (same container)."""
    rank = LOGISTICS_ORDER[kind]
    others = (LogisticsEvent.objects.filter(container_no=container_no, declarations__in=declarations)
              .distinct().order_by("occurred_at", "id"))
    for other in others:
        other_rank = LOGISTICS_ORDER[other.kind]
        if other_rank < rank and other.occurred_at > occurred_at:
            raise ValidationError({"occurred_at": [
                _("Out of order: %(kind)s at %(time)s is earlier than the step before it, %(other)s at %(other_time)s "
                  "(event %(id)s).") % {"kind": LogisticsEventKind(kind).label, "time": occurred_at.isoformat(),
                                        "other": LogisticsEventKind(other.kind).label,
                                        "other_time": other.occurred_at.isoformat(), "id": other.external_id}]})
        if other_rank > rank and other.occurred_at < occurred_at:
            raise ValidationError({"occurred_at": [
                _("Out of order: %(kind)s at %(time)s is later than the step after it, %(other)s at %(other_time)s "
                  "(event %(id)s).") % {"kind": LogisticsEventKind(kind).label, "time": occurred_at.isoformat(),
                                        "other": LogisticsEventKind(other.kind).label,
                                        "other_time": other.occurred_at.isoformat(), "id": other.external_id}]})


@transaction.atomic
def logistics_event_push(*, actor, external_id: str, kind: str, container_no: str, occurred_at,
                         agency=None, bill_of_lading: str = "", vessel_voyage: str = "", location: str = ""
                         ) -> tuple[LogisticsEvent, bool]:
    """Record one logistics step; returns ``(event, created)``. Idempotent by ``(agency, external_id)``.

    Refused (ValidationError naming the field) when the id was used for another event, the container is on no open
    declaration, the time is in the future or out of order with the container's other steps.
    """
    errors: dict = {}
    external_id = (external_id or "").strip()
    container_no = (container_no or "").strip().upper()
    bill_of_lading = (bill_of_lading or "").strip()
    if not external_id:
        errors["external_id"] = [_("Event id: required (your own identifier of this event).")]
    if kind not in LogisticsEventKind.values:
        errors["kind"] = [_("Kind: choose one of %(kinds)s.") % {"kinds": ", ".join(LogisticsEventKind.values)}]
    if not is_valid_container(container_no):
        errors["container_no"] = [_("Container number: not a valid ISO 6346 number (4 letters, 7 digits with the "
                                    "check digit).")]
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Time: give the date, time and time zone (ISO 8601).")]
    elif occurred_at > timezone.now() + LOGISTICS_FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("Time: %(time)s is in the future.") % {"time": occurred_at.isoformat()}]
    if errors:
        raise ValidationError(errors)
    source = agency.code if agency is not None else "bureau"
    fingerprint = _logistics_fingerprint({
        "kind": kind, "container_no": container_no, "occurred_at": occurred_at.astimezone(datetime.UTC),
        "bill_of_lading": bill_of_lading, "vessel_voyage": vessel_voyage or "", "location": location or ""})

    existing = LogisticsEvent.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return _logistics_replay(existing, fingerprint), False

    declarations = logistics_declarations_for(container_no=container_no, bill_of_lading=bill_of_lading)
    if not declarations:
        field = "bill_of_lading" if bill_of_lading and logistics_declarations_for(container_no=container_no) else \
            "container_no"
        raise ValidationError({field: [_("Container %(container)s is on no open declaration%(bl)s.") % {
            "container": container_no, "bl": (_(" with bill of lading %(bl)s") % {"bl": bill_of_lading})
            if bill_of_lading else ""}]})
    # Lock the declarations: steps of one container are checked and written one at a time.
    declarations = list(Declaration.objects.select_for_update().filter(pk__in=[d.pk for d in declarations])
                        .order_by("pk"))
    existing = LogisticsEvent.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:  # a concurrent push of the same event won the race
        return _logistics_replay(existing, fingerprint), False
    _logistics_check_order(kind=kind, occurred_at=occurred_at, container_no=container_no, declarations=declarations)

    try:
        with transaction.atomic():
            event = LogisticsEvent.objects.create(
                source=source, agency=agency, external_id=external_id, kind=kind, container_no=container_no,
                bill_of_lading=bill_of_lading, vessel_voyage=vessel_voyage or "", location=location or "",
                occurred_at=occurred_at, pushed_by=actor if getattr(actor, "pk", None) else None,
                fingerprint=fingerprint)
    except IntegrityError:  # the same id pushed at the same moment for another container
        return _logistics_replay(LogisticsEvent.objects.get(source=source, external_id=external_id), fingerprint), False
    event.declarations.set(declarations)
    def timeline_text():
        return f"{LogisticsEventKind(kind).label} · {container_no}" + (f" · {event.location}" if event.location else "")

    def notification_text():
        return f"{LogisticsEventKind(kind).label} · {container_no}"

    for declaration in declarations:
        data = {"logistics_event": event.pk, "external_id": external_id, "source": source, "kind": kind,
                "container_no": container_no, "occurred_at": occurred_at.isoformat(), "location": event.location}
        declaration_event_add(declaration=declaration, kind=f"logistics_{kind}", actor=actor,
                              message=timeline_text, data=data, occurred_at=occurred_at)
        if kind in ARRIVAL_KINDS and (declaration.arrived_at is None or occurred_at < declaration.arrived_at):
            before = {"arrived_at": declaration.arrived_at}
            declaration.arrived_at = occurred_at
            declaration.save(update_fields=["arrived_at", "updated_at"])
            audit_record(actor=actor, action="declaration.arrive", obj=declaration, before=before,
                         after={"arrived_at": occurred_at, "logistics_event": event.pk},
                         enterprise_id=declaration.enterprise_id)
        notification_publish(event_type=EventType.LOGISTICS, enterprise_id=declaration.enterprise_id,
                             payload={**data, "declaration_number": declaration.number},
                             reference=declaration.number, message=notification_text,
                             link=f"/declarations/{declaration.pk}/")
    audit_record(actor=actor, action="logistics_event.push", obj=event,
                 after={"source": source, "external_id": external_id, "kind": kind, "container_no": container_no,
                        "occurred_at": occurred_at, "declarations": [d.number for d in declarations]})
    return event, True


def _logistics_replay(existing: LogisticsEvent, fingerprint: str) -> LogisticsEvent:
    if existing.fingerprint != fingerprint:
        raise ValidationError({"external_id": [
            _("Event id %(id)s was already used for a different event (%(kind)s of %(container)s at %(time)s); "
              "use a new id for a new event.") % {"id": existing.external_id,
                                                 "kind": LogisticsEventKind(existing.kind).label,
                                                 "container": existing.container_no,
                                                 "time": existing.occurred_at.isoformat()}]})
    return existing
