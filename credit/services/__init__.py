"""Every write to enterprises and their credit: credit events, grading, objections and the inspection policy here;
enterprises and memberships in ``enterprises``, online applications and an enterprise's own users in
``onboarding``, delegations to customs brokers in ``delegations``."""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DecimalField, F, IntegerField, Max, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.activations import activation_announce
from ciq_portal.audit import audit_record
from ciq_portal.i18n import stored_text
from ciq_portal.models import AuditEntry
from ciq_portal.numbers import model_decimal
from ciq_portal.reference import reference_forget
from ciq_portal.request_context import client_address

from .. import grading
from ..choices import CreditEventKind, CreditEventSource, GradeChangeMode, ObjectionStatus
from ..models import CreditEvent, Enterprise, GradeChange, GradeObjection, InspectionPolicy
from ..policy import BUDGET_FIELD_FOR_GRADE, FIELD_FOR_GRADE, policy_validate
from ..selectors import POLICY_KEY
from ..transitions import OBJECTION_FILING_DAYS, OBJECTION_REVIEW_DAYS, objection_target
from .delegations import delegation_grant as delegation_grant
from .delegations import delegation_revoke as delegation_revoke
from .enterprises import enterprise_create as enterprise_create
from .enterprises import enterprise_ensure as enterprise_ensure
from .enterprises import membership_ensure as membership_ensure
from .onboarding import enterprise_application_approve as enterprise_application_approve
from .onboarding import enterprise_application_refuse as enterprise_application_refuse
from .onboarding import enterprise_application_submit as enterprise_application_submit
from .onboarding import member_invite as member_invite
from .onboarding import member_remove as member_remove

# A grade change names at most this many of the events recorded since the previous change (newest first).
EVENTS_PER_CHANGE = 5
# Grading looks back no further than the longest window in grading.py.
LOOKBACK_DAYS = max(grading.WINDOW_DAYS, grading.D_TRIGGER_DAYS, grading.CLEAN_PERIOD_DAYS,
                    grading.CERTIFICATION_VALID_DAYS, grading.PENALTY_WINDOW_DAYS)


# --- credit events ----------------------------------------------------------------------------------------------


def _event_snapshot(event: CreditEvent) -> dict:
    return {"kind": event.kind, "occurred_on": event.occurred_on, "source": event.source,
            "source_name": event.source_name, "weight": event.weight, "amount": event.amount,
            "evidence_type": event.evidence_type, "evidence_id": event.evidence_id,
            "external_reference": event.external_reference, "corrects": event.corrects_id}


def _clean_event_input(*, kind, source, occurred_on, weight, amount, evidence_type, evidence_id,
                       external_reference, note):
    errors: dict[str, list[str]] = {}
    if kind not in CreditEventKind.values:
        errors["kind"] = [_("Unknown kind of credit event.")]
    if source not in CreditEventSource.values:
        errors["source"] = [_("Unknown source.")]
    if source == CreditEventSource.PARTNER_AGENCY and not (external_reference or "").strip():
        # The reference is what makes an agency's push idempotent and traceable to its own case file.
        errors["external_reference"] = [_("Agencies give each event their own reference.")]
    today = timezone.localdate()
    if occurred_on is None:
        occurred_on = today
    elif isinstance(occurred_on, str):
        try:
            occurred_on = date.fromisoformat(occurred_on)
        except ValueError:
            errors["occurred_on"] = [_("Enter a date as YYYY-MM-DD.")]
    if isinstance(occurred_on, date) and occurred_on > today:
        errors["occurred_on"] = [_("A credit event cannot be dated in the future.")]
    if weight is None and kind in CreditEventKind.values:
        weight = grading.default_weight(kind)
    if weight is not None:
        try:
            weight = int(weight)
        except (TypeError, ValueError):
            errors["weight"] = [_("The weight is a whole number.")]
        else:
            low, high = grading.WEIGHT_LIMITS
            if not low <= weight <= high:
                errors["weight"] = [_("The weight lies between %(low)d and %(high)d.") % {"low": low, "high": high}]
    try:
        amount = model_decimal(amount, CreditEvent, "amount")
    except ValidationError as refusal:
        errors.update(refusal.message_dict)
    else:
        if amount is not None and amount <= 0:
            errors["amount"] = [_("The amount is a positive number of CNY.")]
    if kind == CreditEventKind.PENALTY and amount is None and "amount" not in errors:
        errors["amount"] = [_("An administrative penalty needs its amount.")]
    if amount is not None and kind != CreditEventKind.PENALTY and "amount" not in errors:
        errors["amount"] = [_("Only an administrative penalty has an amount.")]
    for name, value, limit in (("evidence_type", evidence_type, 32), ("evidence_id", evidence_id, 64),
                               ("external_reference", external_reference, 100), ("note", note, 4000)):
        if len(value or "") > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    return occurred_on, weight, amount


def credit_event_record(*, enterprise, kind, source, occurred_on=None, weight=None, evidence_type="",
                        evidence_id="", external_reference="", amount=None, note="", actor=None) -> CreditEvent:
    """Record one credit event; severe kinds regrade the enterprise at once (grading.is_severe).

    Idempotent by ``external_reference`` per reporting source: the same reference again returns the first event
    (with ``event.created = False``); the same reference for another enterprise or kind is refused.

    ``note``: a person's words as typed, or a function building the bureau's text (:func:`_note_text`).
    """
    note = _note_text(note)
    occurred_on, weight, amount = _clean_event_input(
        kind=kind, source=source, occurred_on=occurred_on, weight=weight, amount=amount,
        evidence_type=evidence_type, evidence_id=evidence_id, external_reference=external_reference, note=note)
    source_name = getattr(actor, "username", "") or "system"
    external_reference = (external_reference or "").strip()
    if external_reference:
        existing = _existing_event(source, source_name, external_reference, enterprise, kind)
        if existing:
            return existing
    try:
        with transaction.atomic():
            event = _credit_event_create(
                enterprise=enterprise, kind=kind, source=source, source_name=source_name, occurred_on=occurred_on,
                weight=weight, amount=amount, evidence_type=evidence_type or "", evidence_id=evidence_id or "",
                external_reference=external_reference, note=note or "", actor=actor)
            if grading.is_severe(kind, weight):
                enterprise_regrade(enterprise=enterprise, actor=actor, mode=GradeChangeMode.IMMEDIATE,
                                   events=[event])
    except IntegrityError:
        # A concurrent push with the same reference won; answer with its event.
        existing = _existing_event(source, source_name, external_reference, enterprise, kind)
        if existing is None:
            raise
        return existing
    event.created = True
    return event


def _note_text(note) -> str:
    """A credit event's note as stored: a person's words as typed; the bureau's text, passed as a function that builds
    it with gettext, in the portal's default language, whoever's request wrote it (an event keeps one note)."""
    return stored_text(note)[0]


def _credit_event_create(*, enterprise, actor, **fields) -> CreditEvent:
    """Write one event and its audit row, without regrading (credit_event_record decides about that)."""
    event = CreditEvent.objects.create(enterprise=enterprise, recorded_by=actor if getattr(actor, "pk", None) else None,
                                       **fields)
    audit_record(actor=actor, action="credit_event.record", obj=event, after=_event_snapshot(event),
                 enterprise_id=enterprise.pk)
    return event


def _existing_event(source, source_name, external_reference, enterprise, kind) -> CreditEvent | None:
    existing = CreditEvent.objects.filter(source=source, source_name=source_name,
                                          external_reference=external_reference).first()
    if existing is None:
        return None
    if existing.enterprise_id != enterprise.pk or existing.kind != kind:
        raise ValidationError({"external_reference": [
            _("This external reference was already used for another event.")]})
    existing.created = False
    return existing


@transaction.atomic
def credit_event_correct(*, event: CreditEvent, note, actor) -> CreditEvent:
    """Void ``event`` with a correction (a new event of weight 0 pointing at it) and regrade its enterprise.
    ``note``: as :func:`credit_event_record` takes it."""
    event = CreditEvent.objects.select_for_update().get(pk=event.pk)
    note = _note_text(note)
    if event.corrects_id is not None:
        raise ValidationError({"event": [_("A correction cannot itself be corrected.")]})
    if CreditEvent.objects.filter(corrects=event).exists():
        raise ValidationError({"event": [_("This event was already corrected.")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why the event is corrected.")]})
    correction = CreditEvent.objects.create(
        enterprise_id=event.enterprise_id, kind=event.kind, source=CreditEventSource.OFFICER,
        source_name=getattr(actor, "username", "") or "system", occurred_on=timezone.localdate(), weight=0,
        evidence_type="credit_event", evidence_id=str(event.pk), note=note, corrects=event,
        recorded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="credit_event.correct", obj=correction, before=_event_snapshot(event),
                 after=_event_snapshot(correction), enterprise_id=event.enterprise_id)
    enterprise_regrade(enterprise=event.enterprise, actor=actor, mode=GradeChangeMode.REVIEW,
                       events=[event, correction])
    return correction


# --- grading ----------------------------------------------------------------------------------------------------


def _live_events():
    """Events that count: not corrections, and not voided by a correction."""
    return CreditEvent.objects.filter(corrects__isnull=True, correction__isnull=True)


def enterprise_facts(enterprise_id: int, as_of: date) -> list[grading.EventFact]:
    rows = (_live_events().filter(enterprise_id=enterprise_id, occurred_on__lte=as_of,
                                  occurred_on__gt=as_of - timedelta(days=LOOKBACK_DAYS))
            .values_list("kind", "occurred_on", "weight", "amount"))
    return [grading.EventFact(kind, occurred_on, weight, amount) for kind, occurred_on, weight, amount in rows]


def _events_since_last_change(enterprise_ids, limit=EVENTS_PER_CHANGE) -> dict[int, list[int]]:
    """The newest events of each enterprise recorded after its last grade change (at most ``limit`` each)."""
    ranked = (CreditEvent.objects.filter(enterprise_id__in=enterprise_ids,
                                         id__gt=F("enterprise__credit_last_event_id"))
              .annotate(rank=Window(RowNumber(), partition_by=[F("enterprise_id")], order_by=F("id").desc()))
              .filter(rank__lte=limit).values_list("enterprise_id", "id"))
    result: dict[int, list[int]] = {}
    for enterprise_id, event_id in ranked:
        result.setdefault(enterprise_id, []).append(event_id)
    return result


@transaction.atomic
def enterprise_regrade(*, enterprise, actor=None, as_of: date | None = None, mode=GradeChangeMode.IMMEDIATE,
                       events=None) -> GradeChange | None:
    """Grade one enterprise now from its events; record a GradeChange when the grade moves (else None)."""
    as_of = as_of or timezone.localdate()
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    result = grading.grade_events(enterprise_facts(locked.pk, as_of), as_of, locked.credit_grade)
    old_grade, old_score = locked.credit_grade, locked.credit_score
    if result.grade == old_grade and result.score == old_score:
        return None
    last_event_id = CreditEvent.objects.filter(enterprise_id=locked.pk).aggregate(m=Max("id"))["m"] or 0
    change = None
    if result.grade != old_grade:
        event_ids = ([e.pk for e in events] if events
                     else _events_since_last_change([locked.pk]).get(locked.pk, []))
        change = GradeChange.objects.create(
            enterprise=locked, old_grade=old_grade, new_grade=result.grade, score_before=old_score,
            score_after=result.score, reason=result.reason, mode=mode, as_of=as_of,
            changed_at=_moment_of(as_of))
        GradeChange.events.through.objects.bulk_create(
            [GradeChange.events.through(gradechange_id=change.pk, creditevent_id=event_id) for event_id in event_ids])
        audit_record(actor=actor, action="enterprise.regrade", obj=locked,
                     before={"credit_grade": old_grade, "credit_score": old_score},
                     after={"credit_grade": result.grade, "credit_score": result.score, "reason": result.reason,
                            "mode": mode, "events": event_ids}, enterprise_id=locked.pk)
        locked.credit_last_event_id = last_event_id
    locked.credit_grade, locked.credit_score, locked.credit_graded_at = result.grade, result.score, timezone.now()
    locked.save(update_fields=["credit_grade", "credit_score", "credit_graded_at", "credit_last_event_id"])
    enterprise.credit_grade, enterprise.credit_score = locked.credit_grade, locked.credit_score
    return change


def _moment_of(as_of: date):
    """When a change graded ``as_of`` happened: now, or that day for a replay of past gradings (demo data)."""
    if as_of >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(as_of, dt_time(2, 0)))


def grading_aggregates(as_of: date) -> dict[int, grading.Aggregates]:
    """grading.aggregate_events for every enterprise at once, as one GROUP BY query in the database."""
    decay = Case(*[When(occurred_on__gt=grading.cutoff(as_of, below), then=Value(percent))
                   for below, percent in grading.DECAY_STEPS], default=Value(0), output_field=IntegerField())

    def flag(condition: Q):
        return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))

    rows = (_live_events()
            .filter(occurred_on__lte=as_of, occurred_on__gt=as_of - timedelta(days=LOOKBACK_DAYS))
            .order_by().values("enterprise_id")
            .annotate(
                points=Sum(F("weight") * decay, output_field=IntegerField()),
                d_trigger=flag(Q(kind__in=grading.D_TRIGGER_KINDS,
                                 occurred_on__gt=grading.cutoff(as_of, grading.D_TRIGGER_DAYS))),
                adverse=flag(Q(weight__lt=0, occurred_on__gt=grading.cutoff(as_of, grading.CLEAN_PERIOD_DAYS))),
                certified=flag(Q(kind=CreditEventKind.CERTIFICATION,
                                 occurred_on__gt=grading.cutoff(as_of, grading.CERTIFICATION_VALID_DAYS))),
                penalty=Sum(Case(When(kind=CreditEventKind.PENALTY, amount__isnull=False,
                                      occurred_on__gt=grading.cutoff(as_of, grading.PENALTY_WINDOW_DAYS),
                                      then=F("amount")), default=Value(Decimal("0")),
                                 output_field=DecimalField(max_digits=16, decimal_places=2))),
            )
            .values_list("enterprise_id", "points", "d_trigger", "adverse", "certified", "penalty"))
    return {
        enterprise_id: grading.Aggregates(int(points or 0), bool(d_trigger), bool(adverse), bool(certified),
                                          Decimal(penalty or 0))
        for enterprise_id, points, d_trigger, adverse, certified, penalty in rows
    }


@dataclass(frozen=True)
class RecomputeResult:
    enterprises: int
    grades_changed: int
    scores_updated: int
    seconds: float


def credit_grades_recompute(*, as_of: date | None = None, actor=None) -> RecomputeResult:
    """The nightly recomputation of every grade, set-based.

    One aggregate query sums the events per enterprise in the database; grading.grade_from_aggregates turns
    each enterprise's sums into its grade (the same function the immediate regrade uses); only enterprises whose
    grade or score changed are written, in bulk, with a GradeChange and an audit row per changed grade.
    """
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    empty = grading.Aggregates()
    with transaction.atomic():
        aggregates = grading_aggregates(as_of)
        current = Enterprise.objects.select_for_update().order_by().values_list("pk", "credit_grade", "credit_score")
        updates, changes = [], []
        count = 0
        for pk, grade, score in current.iterator(chunk_size=10000):
            count += 1
            result = grading.grade_from_aggregates(aggregates.get(pk, empty), grade)
            if result.grade != grade or result.score != score:
                updates.append((pk, result.grade, result.score, result.grade != grade))
                if result.grade != grade:
                    changes.append((pk, grade, result.grade, score, result.score, result.reason))
        if updates:
            newest = _record_nightly_changes(changes, as_of=as_of, actor=actor)
            _bulk_set_grades([(pk, grade, score, newest.get(pk)) for pk, grade, score, _moved in updates])
        audit_record(actor=actor, action="credit_grades.recompute", object_type="credit.enterprise",
                     object_id="*", after={"as_of": as_of, "enterprises": count, "grades_changed": len(changes),
                                           "scores_updated": len(updates)})
    return RecomputeResult(count, len(changes), len(updates), time.perf_counter() - started)


def _record_nightly_changes(changes, *, as_of, actor) -> dict[int, int]:
    """GradeChange rows (with their events) and audit rows for the changed grades; returns each changed
    enterprise's newest event id (the new high-water mark of events taken into account)."""
    now = timezone.now()
    newest: dict[int, int] = {}
    Through = GradeChange.events.through
    actor_id, actor_name = getattr(actor, "pk", None), getattr(actor, "username", "") or "system"
    for start in range(0, len(changes), 5000):
        chunk = changes[start:start + 5000]
        created = GradeChange.objects.bulk_create([
            GradeChange(enterprise_id=pk, old_grade=old, new_grade=new, score_before=before, score_after=after,
                        reason=reason, mode=GradeChangeMode.NIGHTLY, as_of=as_of, changed_at=now)
            for pk, old, new, before, after, reason in chunk])
        ids_by_enterprise = {change.enterprise_id: change.pk for change in created}
        moved = _events_since_last_change(list(ids_by_enterprise))
        newest.update({enterprise_id: max(event_ids) for enterprise_id, event_ids in moved.items()})
        Through.objects.bulk_create([Through(gradechange_id=ids_by_enterprise[enterprise_id], creditevent_id=event_id)
                                     for enterprise_id, event_ids in moved.items() for event_id in event_ids],
                                    batch_size=5000)
        AuditEntry.objects.bulk_create([
            AuditEntry(actor_id=actor_id, actor_username=actor_name, action="enterprise.regrade",
                       object_type="credit.enterprise", object_id=str(pk), enterprise_id=pk,
                       before={"credit_grade": old, "credit_score": str(before)},
                       after={"credit_grade": new, "credit_score": str(after), "reason": reason,
                              "mode": GradeChangeMode.NIGHTLY, "events": moved.get(pk, [])},
                       client_address=client_address.get())
            for pk, old, new, before, after, reason in chunk], batch_size=5000)
    # Sealing is queued after commit by the audit_record of the recompute summary.
    return newest


def _bulk_set_grades(updates) -> None:
    """Write new grades and scores of many enterprises: ``updates`` = [(pk, grade, score, last_event_id or None)].

    Raw SQL on PostgreSQL, isolated here for speed: one UPDATE ... FROM unnest() per 10,000 rows instead of
    Django's bulk_update CASE expressions (seconds instead of tens of seconds for 50,000 rows).
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = Enterprise._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(updates), 10000):
                chunk = updates[start:start + 10000]
                cursor.execute(
                    f"""UPDATE {table} AS e SET credit_grade = u.grade, credit_score = u.score, credit_graded_at = %s,
                            credit_last_event_id = COALESCE(u.last_id, e.credit_last_event_id)
                        FROM unnest(%s::bigint[], %s::varchar[], %s::numeric[], %s::bigint[])
                             AS u(id, grade, score, last_id)
                        WHERE e.id = u.id""",
                    [now, [u[0] for u in chunk], [u[1] for u in chunk], [u[2] for u in chunk],
                     [u[3] for u in chunk]])
        return
    fields = ["credit_grade", "credit_score", "credit_graded_at"]
    with_mark, without_mark = [], []
    for pk, grade, score, last_id in updates:
        enterprise = Enterprise(pk=pk, credit_grade=grade, credit_score=score, credit_graded_at=now)
        if last_id is not None:
            enterprise.credit_last_event_id = last_id
            with_mark.append(enterprise)
        else:
            without_mark.append(enterprise)
    Enterprise.objects.bulk_update(with_mark, fields + ["credit_last_event_id"], batch_size=1000)
    Enterprise.objects.bulk_update(without_mark, fields, batch_size=1000)


# --- differentiated supervision ---------------------------------------------------------------------------------


def _fractions(values: dict, field_for_grade: dict, errors: dict) -> dict[str, Decimal]:
    """Each grade's fraction, read from ``values`` by grade or by field name; a field error where it is no number."""
    cleaned: dict[str, Decimal] = {}
    for grade, field in field_for_grade.items():
        raw = values.get(grade, values.get(field))
        try:
            ratio = Decimal(str(raw))
            if not ratio.is_finite():
                raise InvalidOperation
            cleaned[grade] = ratio.quantize(Decimal("0.00001"))
        except (InvalidOperation, TypeError):
            errors[field] = [_("Enter a ratio between 0 and 1.")]
    return cleaned


@transaction.atomic
def inspection_policy_update(*, ratios: dict, budgets: dict | None = None, note: str = "",
                             actor) -> InspectionPolicy:
    """A new version of the grade → random ratio and inspection budget table, refused if it breaks a rule. Without
    ``budgets`` each grade's budget is its random ratio (everything inspected is drawn at random)."""
    errors: dict[str, list[str]] = {}
    cleaned = _fractions(ratios, FIELD_FOR_GRADE, errors)
    cleaned_budgets = _fractions(budgets, BUDGET_FIELD_FOR_GRADE, errors) if budgets is not None else None
    if errors:
        raise ValidationError(errors)
    policy_validate(cleaned, cleaned_budgets)
    cleaned_budgets = cleaned_budgets or dict(cleaned)
    current = InspectionPolicy.objects.select_for_update().order_by("-version").first()
    policy = InspectionPolicy.objects.create(
        version=(current.version if current else 0) + 1, note=(note or "")[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
        **{FIELD_FOR_GRADE[grade]: value for grade, value in cleaned.items()},
        **{BUDGET_FIELD_FOR_GRADE[grade]: value for grade, value in cleaned_budgets.items()})
    audit_record(actor=actor, action="inspection_policy.update", obj=policy,
                 before={"version": current.version, "ratios": current.ratios(), "budgets": current.budgets()}
                 if current else None,
                 after={"version": policy.version, "ratios": cleaned, "budgets": cleaned_budgets,
                        "note": policy.note})
    reference_forget(POLICY_KEY)
    activation_announce("inspection_policy", policy.version)
    return policy


# --- objections -------------------------------------------------------------------------------------------------


@transaction.atomic
def grade_objection_file(*, grade_change: GradeChange, reason: str, actor) -> GradeObjection:
    """The enterprise objects to one of its grade changes, within OBJECTION_FILING_DAYS of it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Explain why you object to this grade change.")]})
    if timezone.now() - grade_change.changed_at > timedelta(days=OBJECTION_FILING_DAYS):
        raise ValidationError({"grade_change": [
            _("An objection must be filed within %(days)d days of the grade change.")
            % {"days": OBJECTION_FILING_DAYS}]})
    Enterprise.objects.select_for_update().get(pk=grade_change.enterprise_id)
    if GradeObjection.objects.filter(grade_change=grade_change,
                                     status__in=[ObjectionStatus.FILED, ObjectionStatus.UNDER_REVIEW]).exists():
        raise ValidationError({"grade_change": [_("An objection to this grade change is already being reviewed.")]})
    objection = GradeObjection.objects.create(
        grade_change=grade_change, enterprise_id=grade_change.enterprise_id, reason=reason[:4000], filed_by=actor,
        due_on=timezone.localdate() + timedelta(days=OBJECTION_REVIEW_DAYS))
    audit_record(actor=actor, action="grade_objection.file", obj=objection,
                 after={"grade_change": grade_change.pk, "status": objection.status, "due_on": objection.due_on},
                 enterprise_id=objection.enterprise_id)
    return objection


def _objection_move(objection, action, actor, note="") -> tuple[GradeObjection, str]:
    locked = GradeObjection.objects.select_for_update().get(pk=objection.pk)
    target = objection_target(action, locked.status)
    if target is None:
        raise ValidationError({"status": [_("This objection cannot move from “%(status)s”.")
                                          % {"status": locked.get_status_display()}]})
    before = locked.status
    locked.status = target
    locked.reviewer = actor
    if target in (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED):
        if not (note or "").strip():
            raise ValidationError({"decision_note": [_("Give the reasons for the decision.")]})
        locked.decided_at, locked.decision_note = timezone.now(), note.strip()[:4000]
    locked.save()
    audit_record(actor=actor, action=f"grade_objection.{action}", obj=locked, before={"status": before},
                 after={"status": target, "decision_note": locked.decision_note},
                 enterprise_id=locked.enterprise_id)
    return locked, before


@transaction.atomic
def grade_objection_start_review(*, objection: GradeObjection, actor) -> GradeObjection:
    return _objection_move(objection, "start_review", actor)[0]


@transaction.atomic
def grade_objection_reject(*, objection: GradeObjection, note: str, actor) -> GradeObjection:
    return _objection_move(objection, "reject", actor, note)[0]


@transaction.atomic
def grade_objection_uphold(*, objection: GradeObjection, note: str, actor) -> GradeObjection:
    """Uphold: the adverse events behind the disputed change are voided by corrections, and the enterprise regraded."""
    objection, _before = _objection_move(objection, "uphold", actor, note)
    for event in objection.grade_change.events.filter(weight__lt=0, corrects__isnull=True,
                                                      correction__isnull=True):
        credit_event_correct(event=event, note=lambda: _("Objection #%(id)d upheld: %(note)s")
                             % {"id": objection.pk, "note": objection.decision_note}, actor=actor)
    enterprise_regrade(enterprise=objection.enterprise, actor=actor, mode=GradeChangeMode.REVIEW)
    return objection
