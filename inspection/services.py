"""Every write of the inspection app (DESIGN.md §4): dual-random draws, tasks and the queue, the inspection
record, third-party labs and joint inspections. Each service is atomic, locks what it changes, writes an audit
row and, where the declaration has a timeline, a declaration event."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import message_for_reader, stored_text
from ciq_portal.journal import batch_atomic, journal_follow_up
from ciq_portal.roles import Role, has_role, is_bureau_user

from . import draws, routing, transitions
from .choices import (
    Agency,
    Conclusion,
    Disposition,
    DrawKind,
    JointKind,
    JointStatus,
    LabKind,
    LabOrderStatus,
    LabStatus,
    Priority,
    ReferralDirection,
    ReferralKind,
    ReferralOutcome,
    TaskReason,
    TaskStatus,
    checklist_for,
)
from .models import (
    CaseEvidence,
    CaseReferral,
    ConflictOfInterest,
    CustodyEntry,
    Document,
    Draw,
    DrawPeriod,
    InspectionPhoto,
    InspectionSite,
    InspectionTask,
    JointFinding,
    JointInspection,
    Lab,
    LabComparison,
    LabOrder,
    LabResult,
    LabStatusChange,
    ObjectDraw,
    OfficerLeave,
    OfficerProfile,
    OfficerShift,
    Sample,
    TaskNote,
    TestReport,
)

DUE_HOURS = {Priority.URGENT: 4, Priority.HIGH: 8, Priority.NORMAL: 24}
REPORT_MAX_AGE_DAYS = 365
LAB_DISAGREEMENT_LIMIT = 3
LAB_DISAGREEMENT_WINDOW_DAYS = 365
REMINDER_INTERVAL = timedelta(hours=4)


def _skip_locked(queryset):
    """Row locks that skip rows another transaction holds (PostgreSQL); SQLite serialises writers anyway."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()


def _event(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True):
    from declarations.services import declaration_event_add

    return declaration_event_add(declaration=declaration, kind=kind, actor=actor, message=message, data=data or {},
                                 visible_to_declarant=visible_to_declarant)


def _task_snapshot(task: InspectionTask) -> dict:
    return {"status": task.status, "assigned_to": task.assigned_to_id, "site": task.site_id,
            "priority": task.priority, "conclusion": task.conclusion, "disposition": task.disposition}


def _is_supervisor(actor) -> bool:
    return has_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR)


# --- Officers and sites -----------------------------------------------------------------------------------------


@transaction.atomic
def officer_profile_ensure(*, user, badge_no: str, categories=(), sites=(), actor=None) -> OfficerProfile:
    profile, created = OfficerProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"badge_no": badge_no, "categories": sorted(set(categories))})
    before = None if created else {"categories": profile.categories, "sites": sorted(s.pk for s in profile.sites.all())}
    after = {"categories": sorted(set(categories)), "sites": sorted(s.pk for s in sites)}
    if before == after:
        return profile
    profile.categories = after["categories"]
    profile.save(update_fields=["categories"])
    profile.sites.set(sites)
    audit_record(actor=actor, action="officer_profile.ensure", obj=profile, before=before,
                 after={"badge_no": profile.badge_no, **after})
    return profile


@transaction.atomic
def officer_shift_add(*, officer: OfficerProfile, starts_at: datetime, ends_at: datetime, actor=None) -> OfficerShift:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("A shift must end after it starts.")]})
    if officer.shifts.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": [_("This shift overlaps another shift of the officer.")]})
    shift = OfficerShift.objects.create(officer=officer, starts_at=starts_at, ends_at=ends_at)
    audit_record(actor=actor, action="officer_shift.add", obj=shift,
                 after={"officer": officer.pk, "starts_at": starts_at, "ends_at": ends_at})
    return shift


@transaction.atomic
def officer_leave_add(*, officer: OfficerProfile, first_day: date, last_day: date, reason="", actor=None):
    if last_day < first_day:
        raise ValidationError({"last_day": [_("The last day of leave cannot be before the first.")]})
    leave = OfficerLeave.objects.create(officer=officer, first_day=first_day, last_day=last_day, reason=reason)
    audit_record(actor=actor, action="officer_leave.add", obj=leave,
                 after={"officer": officer.pk, "first_day": first_day, "last_day": last_day})
    return leave


@transaction.atomic
def conflict_declare(*, officer: OfficerProfile, enterprise, reason: str, actor=None) -> ConflictOfInterest:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what the conflict of interest is.")]})
    conflict, _created = ConflictOfInterest.objects.get_or_create(officer=officer, enterprise=enterprise,
                                                                  defaults={"reason": reason.strip()})
    audit_record(actor=actor, action="conflict.declare", obj=conflict, enterprise_id=enterprise.pk,
                 after={"officer": officer.pk, "enterprise": enterprise.pk, "reason": conflict.reason})
    return conflict


@transaction.atomic
def site_create(*, code, name, kind, port, capacity_per_day, name_en="", actor=None) -> InspectionSite:
    if capacity_per_day is None or int(capacity_per_day) < 1:
        raise ValidationError({"capacity_per_day": [_("Capacity must be at least one inspection a day.")]})
    site = InspectionSite.objects.create(code=code, name=name, name_en=name_en, kind=kind, port=port,
                                         capacity_per_day=capacity_per_day)
    audit_record(actor=actor, action="inspection_site.create", obj=site,
                 after={"code": code, "kind": kind, "port": port, "capacity_per_day": capacity_per_day})
    return site


def site_route(*, category: str, port: str, day: date) -> InspectionSite | None:
    """The site for goods of ``category`` at ``port`` on ``day``: a site of a kind able to take them, with room
    left that day, least used first; a full site is used only when every suitable site is full."""
    kinds = routing.site_kinds_for(category)
    sites = list(InspectionSite.objects.filter(active=True, kind__in=kinds)
                 .filter(Q(port=port) | Q(port="")).annotate(
                     used=Count("tasks", filter=Q(tasks__scheduled_for=day) & ~Q(tasks__status=TaskStatus.CANCELLED))))
    if not sites:
        return None
    sites.sort(key=lambda s: (kinds.index(s.kind), s.used >= s.capacity_per_day, s.used / s.capacity_per_day, s.code))
    return sites[0]


def declaration_category(declaration) -> str:
    from declarations.nomenclature import hs_category

    categories = {hs_category(line.hs_code) for line in declaration.lines.all()} - {""}
    return routing.main_category(categories)


# --- Dual-random: periods and the draw of objects ---------------------------------------------------------------


@transaction.atomic
def draw_period_commit(*, day: date, actor=None) -> DrawPeriod:
    """Create ``day``'s secret seed and publish its commitment (idempotent)."""
    period = DrawPeriod.objects.select_for_update().filter(day=day).first()
    if period:
        return period
    seed = secrets.token_hex(32)
    period = DrawPeriod.objects.create(day=day, seed=seed, commitment=draws.commitment_of(seed),
                                       algorithm=draws.ALGORITHM, committed_at=timezone.now())
    audit_record(actor=actor, action="draw_period.commit", obj=period,
                 after={"day": day, "commitment": period.commitment})
    return period


@transaction.atomic
def draw_period_reveal(*, day: date, actor=None) -> DrawPeriod:
    """Publish the seed of a period that has ended (idempotent)."""
    if day >= timezone.localdate():
        raise ValidationError({"day": [_("A seed is revealed only after its day has ended.")]})
    period = DrawPeriod.objects.select_for_update().filter(day=day).first()
    if period is None:
        raise ValidationError({"day": [_("No seed was committed for this day.")]})
    if period.revealed_at is None:
        period.revealed_at = timezone.now()
        period.save(update_fields=["revealed_at"])
        audit_record(actor=actor, action="draw_period.reveal", obj=period,
                     after={"day": day, "seed": period.seed, "commitment": period.commitment})
    return period


def draw_periods_rotate() -> dict:
    """The hourly rotation (idempotent): today's and tomorrow's seeds committed, every ended day's seed revealed."""
    today = timezone.localdate()
    draw_period_commit(day=today)
    draw_period_commit(day=today + timedelta(days=1))
    revealed = []
    for day in DrawPeriod.objects.filter(day__lt=today, revealed_at__isnull=True).values_list("day", flat=True):
        draw_period_reveal(day=day)
        revealed.append(str(day))
    return {"committed": str(today + timedelta(days=1)), "revealed": revealed}


def _period_for(at: datetime) -> DrawPeriod:
    from ciq_portal.reference import reference_cached, reference_forget

    day = timezone.localdate(at)
    key = f"draw-period:{day}"
    # What a draw reads of its period (id, seed, algorithm) never changes once committed.
    period = reference_cached(key, lambda: DrawPeriod.objects.filter(day=day).first())
    if period is None:
        period = draw_period_commit(day=day)
        reference_forget(key)
    return period


def _grade_ratio(grade: str) -> tuple[float, int]:
    from credit.selectors import inspection_ratio_for_grade

    ratio, version = inspection_ratio_for_grade(grade)
    return float(ratio), int(version)


@batch_atomic
def object_draw_for_declaration(*, declaration, at: datetime | None = None) -> ObjectDraw:
    """The draw of objects (random control sample) for one declaration; drawn once, later calls return it."""
    subject = f"declaration:{declaration.pk}"
    existing = ObjectDraw.objects.filter(subject=subject).first()
    if existing:
        return existing
    at = at or timezone.now()
    period = _period_for(at)
    grade = declaration.enterprise.credit_grade
    ratio, policy_version = _grade_ratio(grade)
    inputs = {"ratio": ratio, "grade": grade, "policy_version": policy_version, "algorithm": period.algorithm}
    result = draws.rerun(DrawKind.OBJECT, period.seed, subject, inputs)
    draw = ObjectDraw.objects.create(period=period, kind=DrawKind.OBJECT, subject=subject, declaration=declaration,
                                     inputs=inputs, result=result, selected=result["selected"])
    audit_record(actor=None, action="draw.object", obj=draw, enterprise_id=declaration.enterprise_id,
                 after={"subject": subject, "inputs": inputs, "result": result})
    _event(declaration=declaration, kind="random_draw",
           message=lambda: _("Drawn for the random control sample.") if draw.selected
           else _("Not drawn for the random control sample."),
           data={"draw": draw.pk, "selected": draw.selected}, visible_to_declarant=False)
    return draw


# --- Tasks and dispatch (draw of people) ------------------------------------------------------------------------


def _priority_for(reason: str) -> int:
    return {TaskReason.RISK: Priority.URGENT, TaskReason.JOINT: Priority.URGENT,
            TaskReason.RELEASE_MODE: Priority.HIGH}.get(reason, Priority.NORMAL)


@batch_atomic
def inspection_task_create(*, declaration, reason, mode, actor=None, priority=None,
                           category: str | None = None) -> InspectionTask:
    """Open the inspection of a declaration, routed to a site able to take its goods; the people draw runs
    after commit (Celery). A declaration has at most one open task: asking again returns it."""
    if reason not in TaskReason.values:
        raise ValidationError({"reason": [_("Unknown inspection reason: %(r)s.") % {"r": reason}]})
    if priority is not None and priority not in Priority.values:
        raise ValidationError({"priority": [_("Unknown priority.")]})
    open_task = (InspectionTask.objects.select_for_update()
                 .filter(declaration=declaration, status__in=transitions.OPEN_STATUSES).first())
    if open_task:
        return open_task
    now = timezone.now()
    category = declaration_category(declaration) if category is None else category
    day = timezone.localdate(now)
    site = site_route(category=category, port=declaration.port_of_entry, day=day)
    priority = priority or _priority_for(reason)
    task = InspectionTask.objects.create(
        declaration=declaration, enterprise_id=declaration.enterprise_id, reason=reason, mode=mode or "",
        category=category, site=site, scheduled_for=day, priority=priority,
        sampling_required=(mode in ("sample", "supervised")), due_at=now + timedelta(hours=DUE_HOURS[priority]),
    )
    audit_record(actor=actor, action="inspection_task.create", obj=task, enterprise_id=task.enterprise_id,
                 after={**_task_snapshot(task), "reason": reason, "mode": task.mode, "category": category})
    _event(declaration=declaration, kind="inspection_scheduled", actor=actor,
           message=lambda: _("Inspection scheduled at %(site)s.") % {
               "site": site.display_name if site else _("a site to be set")},
           data={"task": task.pk, "site": site.code if site else ""})
    _inspection_scheduled_publish(task, actor=actor)
    transaction.on_commit(_queue_dispatch)
    return task


INSPECTOR_DISPATCH_PENDING_KEY = "inspection:dispatch-pending"


def _queue_dispatch():
    # The tasks opened within an interval are dispatched together (one officer snapshot for all of them).
    from .tasks import inspection_dispatch_new

    journal_follow_up(INSPECTOR_DISPATCH_PENDING_KEY, inspection_dispatch_new)


def _officer_snapshots(at: datetime, officer_ids=None) -> dict[int, draws.OfficerSnapshot]:
    """Every active officer as the draw sees it, keyed by user id (a handful of queries, whatever the size)."""
    profiles = OfficerProfile.objects.filter(active=True, user__is_active=True)
    if officer_ids is not None:
        profiles = profiles.filter(user_id__in=officer_ids)
    profiles = list(profiles.values("id", "user_id", "categories"))
    by_profile = {p["id"]: p for p in profiles}
    sites, shifts, leave, conflicts = {}, {}, {}, {}
    for pid, site_id in OfficerProfile.sites.through.objects.filter(
            officerprofile_id__in=by_profile).values_list("officerprofile_id", "inspectionsite_id"):
        sites.setdefault(pid, set()).add(site_id)
    for pid, start, end in OfficerShift.objects.filter(officer_id__in=by_profile, starts_at__lte=at,
                                                       ends_at__gt=at).values_list("officer_id", "starts_at",
                                                                                   "ends_at"):
        shifts.setdefault(pid, []).append((start, end))
    day = timezone.localdate(at)
    for pid, first, last in OfficerLeave.objects.filter(officer_id__in=by_profile, first_day__lte=day,
                                                        last_day__gte=day).values_list("officer_id", "first_day",
                                                                                       "last_day"):
        leave.setdefault(pid, []).append((first, last))
    for pid, enterprise_id in ConflictOfInterest.objects.filter(officer_id__in=by_profile).values_list(
            "officer_id", "enterprise_id"):
        conflicts.setdefault(pid, set()).add(enterprise_id)
    user_ids = [p["user_id"] for p in profiles]
    loads = dict(InspectionTask.objects.filter(assigned_to_id__in=user_ids, status__in=transitions.OPEN_STATUSES)
                 .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n"))
    return {
        p["user_id"]: draws.OfficerSnapshot(
            id=p["user_id"], categories=frozenset(p["categories"] or ()), site_ids=frozenset(sites.get(p["id"], ())),
            shifts=tuple(shifts.get(p["id"], ())), leave=tuple(leave.get(p["id"], ())),
            conflicted_enterprise_ids=frozenset(conflicts.get(p["id"], ())), load=loads.get(p["user_id"], 0))
        for p in profiles
    }


def _last_inspectors(enterprise_ids) -> dict[int, int]:
    """Each enterprise's most recent inspector: one index probe per enterprise (insp_task_ent_last)."""
    from django.db.models import OuterRef, Subquery

    from credit.models import Enterprise

    latest = (InspectionTask.objects.filter(enterprise_id=OuterRef("pk"), assigned_to__isnull=False)
              .order_by("-assigned_at", "-id").values("assigned_to_id")[:1])
    rows = Enterprise.objects.filter(pk__in=list(enterprise_ids)).annotate(last=Subquery(latest))
    return {pk: last for pk, last in rows.values_list("pk", "last") if last}


def _draws_insert(rows: list[Draw]) -> None:
    """Insert a batch's draw records. On PostgreSQL with COPY, isolated here for speed (10,000 draws with their
    inputs in well under a second); elsewhere with bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Draw.objects.bulk_create(rows, batch_size=2000)
        return
    import json

    now = timezone.now()
    columns = ("period_id", "kind", "subject", "declaration_id", "task_id", "inputs", "result", "selected",
               "chosen_id", "created_at")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {Draw._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for draw in rows:
                copy.write_row((draw.period_id, draw.kind, draw.subject, draw.declaration_id, draw.task_id,
                                json.dumps(draw.inputs, separators=(",", ":")),
                                json.dumps(draw.result, separators=(",", ":")), draw.selected, draw.chosen_id, now))


@transaction.atomic
def inspection_tasks_dispatch(*, task_ids, actor=None, at: datetime | None = None) -> list[InspectionTask]:
    """The draw of people for queued tasks: each goes to an eligible officer drawn with load weights; the
    draw's inputs and result are recorded. Tasks nobody can take now stay queued (the pool)."""
    at = at or timezone.now()
    tasks = list(_skip_locked(InspectionTask.objects.filter(pk__in=list(task_ids), status=TaskStatus.QUEUED))
                 .order_by("priority", "created_at", "id"))
    if not tasks:
        return []
    period = _period_for(at)
    officers = _officer_snapshots(at)
    last = _last_inspectors({t.enterprise_id for t in tasks})
    attempts = dict(Draw.objects.filter(task__in=tasks, kind=DrawKind.PEOPLE).order_by().values_list("task_id")
                    .annotate(n=Count("id")).values_list("task_id", "n"))
    pool = draws.CandidatePool(officers.values(), at=at)
    new_draws, assigned, assignments = [], [], {}
    for task in tasks:
        n = attempts.get(task.pk, 0) + 1
        subject = f"task:{task.pk}" if n == 1 else f"task:{task.pk}:{n}"
        chosen, inputs = pool.draw(period.seed, subject, category=task.category, site_id=task.site_id,
                                   enterprise_id=task.enterprise_id, last_inspector_id=last.get(task.enterprise_id))
        if chosen is None:
            continue
        inputs.update({"site": task.site_id, "category": task.category, "algorithm": period.algorithm})
        new_draws.append(Draw(period=period, kind=DrawKind.PEOPLE, subject=subject, declaration_id=task.declaration_id,
                              task=task, inputs=inputs, result={"chosen": chosen}, chosen_id=chosen))
        task.status, task.assigned_to_id, task.assigned_at = TaskStatus.ASSIGNED, chosen, at
        assigned.append(task)
        assignments[task.pk] = chosen
        pool.assign(chosen)
        last[task.enterprise_id] = chosen
    _draws_insert(new_draws)
    if assignments:
        by_officer: dict[int, list[int]] = {}
        for task_pk, officer_id in assignments.items():
            by_officer.setdefault(officer_id, []).append(task_pk)
        # One UPDATE for the whole batch: each inspector's tasks in one WHEN.
        InspectionTask.objects.filter(pk__in=list(assignments)).update(
            status=TaskStatus.ASSIGNED, assigned_at=at, drawn_at=at,
            assigned_to_id=Case(*(When(pk__in=pks, then=Value(officer_id)) for officer_id, pks in by_officer.items()),
                                output_field=IntegerField()))
        _dispatch_notify(assignments)
    left_in_pool = [task.pk for task in tasks if task.pk not in assignments]
    if left_in_pool:
        InspectionTask.objects.filter(pk__in=left_in_pool).update(drawn_at=at)
    if assigned:
        audit_record(actor=actor, action="inspection_task.dispatch", object_type="inspection.inspectiontask",
                     object_id=(str(assigned[0].pk) if len(assigned) == 1 else
                                f"batch:{len(assigned)}:{min(t.pk for t in assigned)}-{max(t.pk for t in assigned)}"),
                     after={"period": str(period.day), "assignments": {str(k): v for k, v in assignments.items()}})
    return assigned


def inspection_dispatch_new(*, limit: int = 2000) -> int:
    """The draw of people for the tasks opened since the last run (never drawn for), most urgent first. Returns
    how many were assigned."""
    cache.delete(INSPECTOR_DISPATCH_PENDING_KEY)  # a task committed from now on queues the next run
    return _dispatch_queued(InspectionTask.objects.filter(drawn_at__isnull=True), limit)


def inspection_dispatch_pool(*, limit: int = 2000) -> int:
    """The draw again for the tasks left in the pool (nobody eligible was on duty when they were drawn for)."""
    return _dispatch_queued(InspectionTask.objects.all(), limit)


def _dispatch_queued(tasks, limit: int) -> int:
    ids = list(tasks.filter(status=TaskStatus.QUEUED, assigned_to__isnull=True).order_by("priority", "created_at")
               .values_list("pk", flat=True)[:limit])
    return len(inspection_tasks_dispatch(task_ids=ids)) if ids else 0


def _lock_task(task) -> InspectionTask:
    return InspectionTask.objects.select_for_update().get(pk=task.pk)


def _note(task, kind, actor, reason="", from_officer=None, to_officer=None):
    TaskNote.objects.create(task=task, kind=kind, actor=actor, reason=reason, from_officer_id=from_officer,
                            to_officer_id=to_officer)


@transaction.atomic
def inspection_task_claim(*, task, actor) -> InspectionTask:
    """Take a task to work on it: a queued task by anyone qualified, an assigned one by its inspector."""
    locked = _skip_locked(InspectionTask.objects.filter(pk=task.pk)).first()
    if locked is None:
        raise ValidationError({"task": [_("Another officer is taking this task right now.")]})
    if locked.status == TaskStatus.CLAIMED and locked.assigned_to_id == actor.pk:
        return locked
    if not transitions.can_move("claim", locked.status):
        raise ValidationError({"task": [_("This task cannot be claimed: it is %(s)s.") % {
            "s": locked.get_status_display()}]})
    if locked.status == TaskStatus.ASSIGNED and locked.assigned_to_id != actor.pk:
        raise ValidationError({"task": [_("This task is assigned to another officer.")]})
    _check_may_inspect(locked, actor.pk, field="task")
    before = _task_snapshot(locked)
    locked.status, locked.assigned_to, locked.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    locked.assigned_at = locked.assigned_at or locked.claimed_at
    locked.save(update_fields=["status", "assigned_to", "claimed_at", "assigned_at"])
    audit_record(actor=actor, action="inspection_task.claim", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after=_task_snapshot(locked))
    _start_declaration_inspection(locked, actor)
    return locked


def _start_declaration_inspection(task, actor):
    from declarations.choices import DeclarationStatus

    if task.declaration.status == DeclarationStatus.AWAITING_INSPECTION:
        from declarations.services import declaration_start_inspection

        declaration_start_inspection(declaration=task.declaration, actor=actor)


@transaction.atomic
def inspection_task_claim_next(*, actor) -> InspectionTask | None:
    """Claim the most urgent, oldest task in the pool this officer may take (no declared conflict, qualified for
    its goods and site, as :func:`_check_may_inspect` asks of a claim); rows locked by another officer's claim are
    skipped, so concurrent officers never get the same task."""
    profile = OfficerProfile.objects.filter(user=actor, active=True).first()
    if profile is None:
        raise ValidationError({"task": [_("This user has no officer profile.")]})
    pool = (InspectionTask.objects.filter(status=TaskStatus.QUEUED, assigned_to__isnull=True)
            .exclude(enterprise_id__in=profile.conflicts.values("enterprise_id"))
            .filter(Q(category="") | Q(category__in=profile.categories or []))
            .filter(Q(site__isnull=True) | Q(site__in=profile.sites.all())))
    task = _skip_locked(pool.order_by("priority", "created_at", "id")).first()
    if task is None:
        return None
    before = _task_snapshot(task)
    task.status, task.assigned_to, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    task.assigned_at = task.claimed_at
    task.save(update_fields=["status", "assigned_to", "claimed_at", "assigned_at"])
    audit_record(actor=actor, action="inspection_task.claim", obj=task, enterprise_id=task.enterprise_id,
                 before=before, after=_task_snapshot(task))
    _start_declaration_inspection(task, actor)
    return task


@transaction.atomic
def inspection_task_release(*, task, actor, reason: str = "") -> InspectionTask:
    """Give a task back to the pool (the holder, or a supervisor)."""
    locked = _lock_task(task)
    if not transitions.can_move("release", locked.status):
        raise ValidationError({"task": [_("Only an assigned or claimed task can be released.")]})
    if locked.assigned_to_id != actor.pk and not _is_supervisor(actor):
        raise ValidationError({"task": [_("Only the officer holding the task or a supervisor may release it.")]})
    before = _task_snapshot(locked)
    previous = locked.assigned_to_id
    locked.status, locked.assigned_to, locked.claimed_at = TaskStatus.QUEUED, None, None
    locked.save(update_fields=["status", "assigned_to", "claimed_at"])
    _note(locked, "release", actor, reason, from_officer=previous)
    audit_record(actor=actor, action="inspection_task.release", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after={**_task_snapshot(locked), "reason": reason})
    return locked


def _check_may_inspect(task, officer_id: int, *, field: str):
    """Refuse an officer with a declared conflict with the enterprise or without the qualification."""
    profile = OfficerProfile.objects.filter(user_id=officer_id).first()
    if profile is None:
        raise ValidationError({field: [_("This user has no officer profile.")]})
    if ConflictOfInterest.objects.filter(officer=profile, enterprise_id=task.enterprise_id).exists():
        raise ValidationError({field: [_("This officer has declared a conflict of interest with the enterprise.")]})
    if task.category and task.category not in (profile.categories or []):
        raise ValidationError({field: [_("This officer is not qualified for %(c)s goods.") % {"c": task.category}]})
    if task.site_id and not profile.sites.filter(pk=task.site_id).exists():
        raise ValidationError({field: [_("This officer is not qualified for the site.")]})


@transaction.atomic
def inspection_task_reassign(*, task, officer, reason: str, actor) -> InspectionTask:
    """A supervisor moves a task to another officer, with a reason; conflicts and qualifications are checked."""
    if not _is_supervisor(actor):
        raise ValidationError({"task": [_("Only a supervisor may reassign a task.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the reassignment.")]})
    locked = _lock_task(task)
    if not transitions.can_move("reassign", locked.status):
        raise ValidationError({"task": [_("A concluded or cancelled task cannot be reassigned.")]})
    _check_may_inspect(locked, officer.pk, field="officer")
    before = _task_snapshot(locked)
    previous = locked.assigned_to_id
    locked.status, locked.assigned_to, locked.assigned_at, locked.claimed_at = (
        TaskStatus.ASSIGNED, officer, timezone.now(), None)
    locked.save(update_fields=["status", "assigned_to", "assigned_at", "claimed_at"])
    _note(locked, "reassign", actor, reason.strip(), from_officer=previous, to_officer=officer.pk)
    audit_record(actor=actor, action="inspection_task.reassign", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after={**_task_snapshot(locked), "reason": reason.strip()})
    return locked


def inspection_reminders_send(*, now: datetime | None = None) -> int:
    """Flag overdue open tasks and e-mail their inspectors (at most every few hours per task)."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    sent = 0
    ids = list(InspectionTask.objects.filter(status__in=transitions.OPEN_STATUSES, due_at__lt=now)
               .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMINDER_INTERVAL))
               .values_list("pk", flat=True)[:1000])
    for pk in ids:
        with transaction.atomic():
            task = _skip_locked(InspectionTask.objects.filter(pk=pk)).first()
            if task is None or (task.reminded_at and task.reminded_at >= now - REMINDER_INTERVAL):
                continue
            task.reminded_at = now
            task.save(update_fields=["reminded_at"])
            audit_record(actor=None, action="inspection_task.remind", obj=task, enterprise_id=task.enterprise_id,
                         after={"due_at": task.due_at, "assigned_to": task.assigned_to_id})
            if task.assigned_to and task.assigned_to.email:
                send_mail(_("Overdue inspection #%(n)s") % {"n": task.pk},
                          _("The inspection #%(n)s was due at %(d)s.") % {"n": task.pk, "d": task.due_at},
                          None, [task.assigned_to.email], fail_silently=True)
            sent += 1
    return sent


# --- The inspection record --------------------------------------------------------------------------------------


def _lock_for_record(task, actor) -> InspectionTask:
    locked = _lock_task(task)
    if locked.status != TaskStatus.CLAIMED:
        raise ValidationError({"task": [_("Claim the task before recording the inspection.")]})
    if locked.assigned_to_id != actor.pk and not _is_supervisor(actor):
        raise ValidationError({"task": [_("Another officer holds this task.")]})
    return locked


@transaction.atomic
def inspection_checklist_save(*, task, item: str, ok, note: str = "", actor) -> InspectionTask:
    locked = _lock_for_record(task, actor)
    codes = [code for code, _label in checklist_for(locked.category)]
    if item not in codes:
        raise ValidationError({"item": [_("Not an item of this checklist.")]})
    if ok not in (True, False, None):
        raise ValidationError({"ok": [_("Answer yes, no or not checked.")]})
    before = locked.checklist.get(item)
    locked.checklist = {**locked.checklist, item: {"ok": ok, "note": (note or "")[:500]}}
    locked.save(update_fields=["checklist"])
    audit_record(actor=actor, action="inspection.checklist", obj=locked, enterprise_id=locked.enterprise_id,
                 before={item: before}, after={item: locked.checklist[item]})
    return locked


@transaction.atomic
def inspection_findings_save(*, task, findings: str, actor) -> InspectionTask:
    locked = _lock_for_record(task, actor)
    before = locked.findings
    locked.findings = (findings or "").strip()
    locked.save(update_fields=["findings"])
    audit_record(actor=actor, action="inspection.findings", obj=locked, enterprise_id=locked.enterprise_id,
                 before={"findings": before}, after={"findings": locked.findings})
    return locked


@transaction.atomic
def inspection_photo_add(*, task, image, caption: str = "", actor) -> InspectionPhoto:
    locked = _lock_for_record(task, actor)
    content_type = getattr(image, "content_type", "") or ""
    if not content_type.startswith("image/"):
        raise ValidationError({"image": [_("Upload a photo (an image file).")]})
    if image.size > 15 * 1024 * 1024:
        raise ValidationError({"image": [_("A photo may be at most 15 MB.")]})
    photo = InspectionPhoto.objects.create(task=locked, image=image, caption=caption[:200], taken_by=actor)
    audit_record(actor=actor, action="inspection.photo", obj=photo, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "file": photo.image.name, "caption": photo.caption})
    return photo


def _decimal(value, field):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not number.is_finite():
        raise ValidationError({field: [_("Enter a number.")]})
    return number


@transaction.atomic
def sample_take(*, task, description: str, quantity, unit: str, seal_no: str, actor) -> Sample:
    locked = _lock_for_record(task, actor)
    errors = {}
    quantity = _decimal(quantity, "quantity")
    if quantity <= 0:
        errors["quantity"] = [_("The sample quantity must be greater than zero.")]
    for name, value in (("description", description), ("unit", unit), ("seal_no", seal_no)):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    n = locked.samples.count() + 1
    sample = Sample.objects.create(task=locked, sample_no=f"S{timezone.localdate():%Y%m%d}-{locked.pk}-{n}",
                                   description=description.strip(), quantity=quantity, unit=unit.strip(),
                                   seal_no=seal_no.strip(), taken_by=actor)
    CustodyEntry.objects.create(sample=sample, action="sealed", holder=actor.get_full_name() or actor.username,
                                seal_intact=True, actor=actor)
    audit_record(actor=actor, action="sample.take", obj=sample, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "sample_no": sample.sample_no, "quantity": quantity, "seal_no": seal_no})
    _event(declaration=locked.declaration, kind="inspection_sampled", actor=actor,
           message=lambda: _("Sample %(n)s taken and sealed.") % {"n": sample.sample_no},
           data={"sample": sample.sample_no})
    return sample


@transaction.atomic
def sample_custody_add(*, sample, action: str, holder: str, seal_intact: bool, actor) -> CustodyEntry:
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if not (holder or "").strip() or not (action or "").strip():
        raise ValidationError({"holder": [_("Say who now holds the sample and what happened.")]})
    entry = CustodyEntry.objects.create(sample=sample, action=action.strip()[:32], holder=holder.strip()[:120],
                                        seal_intact=bool(seal_intact), actor=actor)
    audit_record(actor=actor, action="sample.custody", obj=entry, enterprise_id=sample.task.enterprise_id,
                 after={"sample": sample.sample_no, "action": entry.action, "holder": entry.holder,
                        "seal_intact": entry.seal_intact})
    return entry


def _reason(code: str, message) -> dict:
    """One reason a report or a laboratory is not relied on, its message kept in every language (ciq_portal.i18n)."""
    text, translations = stored_text(message)
    return {"code": code, "message": text, "message_translations": translations}


def _lab_scope_problems(lab: Lab, *, category: str, test_items, on: date) -> list[dict]:
    problems = []
    if lab.status != LabStatus.ACTIVE:
        problems.append(_reason("lab_not_active",
                                lambda: _("The laboratory is %(s)s.") % {"s": lab.get_status_display()}))
    if not (lab.valid_from <= on <= lab.valid_until):
        problems.append(_reason("lab_accreditation_expired",
                                lambda: _("The laboratory's accreditation is not valid on %(d)s.") % {"d": on}))
    if lab.kind == LabKind.THIRD_PARTY:
        if category and lab.scope_categories and category not in lab.scope_categories:
            problems.append(_reason("category_out_of_scope",
                                    lambda: _("%(c)s goods are outside the laboratory's scope.") % {"c": category}))
        outside = sorted(set(test_items) - set(lab.scope_test_items or []))
        if outside:
            problems.append(_reason("test_item_out_of_scope",
                                    lambda: _("Test items outside the laboratory's scope: %(i)s.") % {
                                        "i": ", ".join(outside)}))
    return problems


@transaction.atomic
def lab_order_create(*, task, sample, lab, test_items, actor) -> LabOrder:
    locked = _lock_for_record(task, actor)
    if sample.task_id != locked.pk:
        raise ValidationError({"sample": [_("The sample belongs to another inspection.")]})
    items = sorted({str(i).strip() for i in (test_items or []) if str(i).strip()})
    if not items:
        raise ValidationError({"test_items": [_("Name at least one test item.")]})
    problems = _lab_scope_problems(lab, category=locked.category, test_items=items, on=timezone.localdate())
    if problems:
        raise ValidationError({"lab": [message_for_reader(p) for p in problems]})
    order = LabOrder.objects.create(task=locked, sample=sample, lab=lab, test_items=items, ordered_by=actor)
    CustodyEntry.objects.create(sample=sample, action="sent_to_lab", holder=lab.name[:120], seal_intact=True,
                                actor=actor)
    audit_record(actor=actor, action="lab_order.create", obj=order, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "sample": sample.sample_no, "lab": lab.accreditation_no, "items": items})
    _event(declaration=locked.declaration, kind="lab_ordered", actor=actor,
           message=lambda: _("Sample %(n)s sent to the laboratory.") % {"n": sample.sample_no})
    return order


@transaction.atomic
def lab_result_record(*, order, results, actor) -> LabOrder:
    """Record the results of a lab order, one per ordered test item, each judged against its limits."""
    order = LabOrder.objects.select_for_update().select_related("task").get(pk=order.pk)
    if order.status == LabOrderStatus.RESULTED:
        raise ValidationError({"results": [_("The results of this order are already recorded.")]})
    given = {}
    errors = []
    for row in results or []:
        item = str(row.get("test_item", "")).strip()
        if item not in order.test_items:
            errors.append(_("%(i)s was not ordered.") % {"i": item or "?"})
            continue
        given[item] = row
    missing = sorted(set(order.test_items) - set(given))
    if missing:
        errors.append(_("Results missing for: %(i)s.") % {"i": ", ".join(missing)})
    if errors:
        raise ValidationError({"results": errors})
    created = []
    for item, row in sorted(given.items()):
        value = _decimal(row.get("value"), "results")
        low = None if row.get("limit_min") in (None, "") else _decimal(row["limit_min"], "results")
        high = None if row.get("limit_max") in (None, "") else _decimal(row["limit_max"], "results")
        passed = (low is None or value >= low) and (high is None or value <= high)
        created.append(LabResult(order=order, test_item=item, value=value, unit=str(row.get("unit", ""))[:16],
                                 limit_min=low, limit_max=high, passed=passed, recorded_by=actor))
    LabResult.objects.bulk_create(created)
    order.status, order.resulted_at = LabOrderStatus.RESULTED, timezone.now()
    order.save(update_fields=["status", "resulted_at"])
    failed = [r.test_item for r in created if not r.passed]
    audit_record(actor=actor, action="lab_result.record", obj=order, enterprise_id=order.task.enterprise_id,
                 after={"results": [{"item": r.test_item, "value": r.value, "passed": r.passed} for r in created]})
    _event(declaration=order.task.declaration, kind="lab_resulted", actor=actor,
           message=lambda: _("Laboratory results recorded: %(n)s item(s) outside limits.") % {"n": len(failed)}
           if failed else _("Laboratory results recorded: all within limits."), data={"failed": failed})
    return order


@transaction.atomic
def inspection_conclude(*, task, conclusion: str, actor, disposition: str = "", note: str = "") -> InspectionTask:
    """Conclude an inspection: conform, or non-conform with a disposition. Refused while required sampling or
    ordered lab results are missing. Records the credit event of the outcome."""
    locked = _lock_for_record(task, actor)
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose conform or non-conform.")]})
    if conclusion == Conclusion.NON_CONFORM and disposition not in Disposition.values:
        raise ValidationError({"disposition": [_("A non-conformity needs a disposition: return, destroy, "
                                                 "technical treatment or relabel.")]})
    if conclusion == Conclusion.CONFORM and disposition:
        raise ValidationError({"disposition": [_("Conform goods take no disposition.")]})
    if locked.sampling_required and not locked.samples.exists():
        raise ValidationError({"conclusion": [_("This inspection requires sampling: take and seal a sample "
                                                "before concluding.")]})
    if locked.lab_orders.filter(status=LabOrderStatus.ORDERED).exists():
        raise ValidationError({"conclusion": [_("Laboratory results are still outstanding.")]})
    failed_lab = LabResult.objects.filter(order__task=locked, passed=False).exists()
    if failed_lab and conclusion == Conclusion.CONFORM:
        raise ValidationError({"conclusion": [_("A laboratory result is outside its limits: the goods cannot be "
                                                "concluded conform.")]})
    before = _task_snapshot(locked)
    locked.conclusion, locked.disposition = conclusion, disposition if conclusion == Conclusion.NON_CONFORM else ""
    locked.status, locked.concluded_at, locked.concluded_by = TaskStatus.CONCLUDED, timezone.now(), actor
    if note:
        locked.findings = (locked.findings + "\n" + note).strip()
    locked.save(update_fields=["conclusion", "disposition", "status", "concluded_at", "concluded_by", "findings"])
    audit_record(actor=actor, action="inspection.conclude", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after=_task_snapshot(locked))
    _event(declaration=locked.declaration, kind="inspection_concluded", actor=actor,
           message=lambda: (_("Inspection concluded: conform.") if conclusion == Conclusion.CONFORM else
                    _("Inspection concluded: non-conform; disposition: %(d)s.") % {
                        "d": locked.get_disposition_display()}),
           data={"task": locked.pk, "conclusion": conclusion, "disposition": locked.disposition})
    _credit_event(locked, actor, failed_lab)
    return locked


def _credit_event(task, actor, failed_lab: bool):
    from credit.services import credit_event_record as record

    kind = ("lab_failure" if failed_lab else "non_conformity") if task.conclusion == Conclusion.NON_CONFORM \
        else "inspection_passed"
    record(enterprise=task.enterprise, kind=kind, source="officer" if actor else "system",
           occurred_on=timezone.localdate(), evidence_type="inspection_task", evidence_id=str(task.pk),
           external_reference=f"inspection-task-{task.pk}", note=task.disposition, actor=actor)


# --- Third-party labs --------------------------------------------------------------------------------------------


@transaction.atomic
def lab_register(*, name, accreditation_no, valid_from, valid_until, kind=LabKind.THIRD_PARTY, name_en="",
                 scope_categories=(), scope_test_items=(), actor=None) -> Lab:
    errors = {}
    if not (accreditation_no or "").strip():
        errors["accreditation_no"] = [_("This field is required.")]
    elif Lab.objects.filter(accreditation_no=accreditation_no.strip()).exists():
        errors["accreditation_no"] = [_("A laboratory with this accreditation number is registered.")]
    if valid_until < valid_from:
        errors["valid_until"] = [_("Validity cannot end before it starts.")]
    if kind not in LabKind.values:
        errors["kind"] = [_("Unknown laboratory kind.")]
    if errors:
        raise ValidationError(errors)
    lab = Lab.objects.create(name=name, name_en=name_en, accreditation_no=accreditation_no.strip(), kind=kind,
                             valid_from=valid_from, valid_until=valid_until,
                             scope_categories=sorted(set(scope_categories)),
                             scope_test_items=sorted(set(scope_test_items)))
    audit_record(actor=actor, action="lab.register", obj=lab,
                 after={"accreditation_no": lab.accreditation_no, "scope_categories": lab.scope_categories,
                        "scope_test_items": lab.scope_test_items, "valid_until": valid_until})
    return lab


def _lab_status_set(lab, to_status, reason, actor, automatic=False) -> Lab:
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    if lab.status == to_status:
        return lab
    change = LabStatusChange.objects.create(lab=lab, from_status=lab.status, to_status=to_status, reason=reason,
                                            automatic=automatic, actor=actor)
    before = lab.status
    lab.status = to_status
    lab.save(update_fields=["status"])
    audit_record(actor=actor, action=f"lab.{to_status}", obj=lab, before={"status": before},
                 after={"status": to_status, "reason": reason, "automatic": automatic, "change": change.pk})
    return lab


@transaction.atomic
def lab_suspend(*, lab, reason: str, actor) -> Lab:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    if lab.status == LabStatus.REVOKED:
        raise ValidationError({"status": [_("A revoked laboratory stays revoked.")]})
    return _lab_status_set(lab, LabStatus.SUSPENDED, reason.strip(), actor)


@transaction.atomic
def lab_revoke(*, lab, reason: str, actor) -> Lab:
    if not _is_supervisor(actor):
        raise ValidationError({"status": [_("Only a supervisor may revoke a laboratory.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    return _lab_status_set(lab, LabStatus.REVOKED, reason.strip(), actor)


@transaction.atomic
def lab_reinstate(*, lab, reason: str, actor) -> Lab:
    if not _is_supervisor(actor):
        raise ValidationError({"status": [_("Only a supervisor may reinstate a laboratory.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    if lab.status != LabStatus.SUSPENDED:
        raise ValidationError({"status": [_("Only a suspended laboratory can be reinstated.")]})
    return _lab_status_set(lab, LabStatus.ACTIVE, reason.strip(), actor)


@dataclass
class ReportCheck:
    ok: bool
    reasons: list[dict] = field(default_factory=list)
    lab: Lab | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reasons": self.reasons, "lab": self.lab.accreditation_no if self.lab else None}


def _report_field(report, name, default=None):
    return report.get(name, default) if isinstance(report, dict) else getattr(report, name, default)


def test_report_check(*, declaration, report, today: date | None = None,
                      max_age_days: int = REPORT_MAX_AGE_DAYS) -> ReportCheck:
    """Whether a third-party test report may be relied on (§4.3): from an active, accredited lab, within its
    scope (the goods' category and the reported test items), recent enough, and about these goods (HS codes and
    lot numbers of the declaration). ``report`` is a TestReport or a dict with the same field names."""
    today = today or timezone.localdate()
    reasons = []
    accreditation_no = _report_field(report, "lab_accreditation_no", "") or ""
    lab = Lab.objects.filter(accreditation_no=accreditation_no).first()
    issued_on = _report_field(report, "issued_on")
    if isinstance(issued_on, str):
        issued_on = date.fromisoformat(issued_on)
    items = [str(r.get("test_item")) for r in (_report_field(report, "results") or []) if r.get("test_item")]
    category = declaration_category(declaration)
    if lab is None:
        reasons.append(_reason("lab_unknown", lambda: _("No registered laboratory has accreditation number %(n)s.") % {
            "n": accreditation_no or "?"}))
    else:
        reasons.extend(_lab_scope_problems(lab, category=category, test_items=items, on=issued_on or today))
        if lab.status != LabStatus.ACTIVE and not any(r["code"] == "lab_not_active" for r in reasons):
            reasons.append(_reason("lab_not_active", lambda: _("The laboratory is not active.")))
    if issued_on is None:
        reasons.append(_reason("no_issue_date", lambda: _("The report has no issue date.")))
    elif issued_on > today:
        reasons.append(_reason("issued_in_future", lambda: _("The report is dated in the future.")))
    elif (today - issued_on).days > max_age_days:
        reasons.append(_reason("report_too_old",
                               lambda: _("The report is older than %(n)d days.") % {"n": max_age_days}))
    declared = set(declaration.lines.values_list("hs_code", flat=True))
    reported = {str(c) for c in (_report_field(report, "hs_codes") or [])}
    if not reported or not any(any(d.startswith(r) or r.startswith(d) for r in reported) for d in declared):
        reasons.append(_reason("different_goods",
                               lambda: _("The report is not about the declared goods (HS codes differ).")))
    lots = {x.strip() for x in (_report_field(report, "lot_numbers") or "").split(",") if x.strip()}
    declared_lots = {x.strip() for lots_text in declaration.lines.values_list("lot_numbers", flat=True)
                     for x in (lots_text or "").split(",") if x.strip()}
    if lots and declared_lots and not (lots & declared_lots):
        reasons.append(_reason("different_lots",
                               lambda: _("The report's lot numbers do not match the declared lots.")))
    return ReportCheck(ok=not reasons, reasons=reasons, lab=lab)


@transaction.atomic
def test_report_submit(*, declaration, lab_accreditation_no, report_no, issued_on, hs_codes, results=(),
                       lot_numbers="", document=None, actor=None) -> TestReport:
    """Register a report submitted with a declaration and record the acceptance check on it."""
    errors = {}
    if not (report_no or "").strip():
        errors["report_no"] = [_("This field is required.")]
    if not hs_codes:
        errors["hs_codes"] = [_("Name the HS codes of the goods tested.")]
    elif TestReport.objects.filter(declaration=declaration, lab_accreditation_no=lab_accreditation_no,
                                   report_no=(report_no or "").strip()).exists():
        errors["report_no"] = [_("Report number: this laboratory's report %(n)s was already supplied for this "
                                 "declaration.") % {"n": report_no.strip()}]
    if errors:
        raise ValidationError(errors)
    report = TestReport(declaration=declaration, document=document, lab_accreditation_no=lab_accreditation_no,
                        report_no=report_no.strip(), issued_on=issued_on, hs_codes=list(hs_codes),
                        results=list(results), lot_numbers=lot_numbers)
    check = test_report_check(declaration=declaration, report=report)
    report.lab, report.check_ok, report.check_reasons = check.lab, check.ok, check.reasons
    report.checked_at = timezone.now()
    report.save()
    audit_record(actor=actor, action="test_report.submit", obj=report, enterprise_id=declaration.enterprise_id,
                 after={"report_no": report.report_no, "lab": lab_accreditation_no, **check.as_dict()})
    _event(declaration=declaration, kind="test_report_checked", actor=actor,
           message=lambda: _("Third-party test report %(n)s accepted.") % {"n": report.report_no} if check.ok
           else _("Third-party test report %(n)s not accepted: %(r)s") % {
               "n": report.report_no, "r": "; ".join(message_for_reader(r) for r in check.reasons)},
           data=check.as_dict())
    return report


@transaction.atomic
def lab_retest_compare(*, report, test_item: str, bureau_value, actor, tolerance="0.10") -> LabComparison:
    """Compare the bureau's re-test with the lab's reported value (relative tolerance). A lab that disagrees
    LAB_DISAGREEMENT_LIMIT times within a year is suspended automatically, with a record."""
    report = TestReport.objects.select_for_update().get(pk=report.pk)
    if report.lab_id is None:
        raise ValidationError({"report": [_("The report's laboratory is not registered.")]})
    reported = {str(r.get("test_item")): r for r in report.results}
    if test_item not in reported:
        raise ValidationError({"test_item": [_("The report has no result for this test item.")]})
    lab_value = _decimal(reported[test_item].get("value"), "test_item")
    bureau_value = _decimal(bureau_value, "bureau_value")
    tolerance = _decimal(tolerance, "tolerance")
    scale = max(abs(lab_value), abs(bureau_value), Decimal("1e-9"))
    agrees = abs(lab_value - bureau_value) <= tolerance * scale
    comparison = LabComparison.objects.create(lab_id=report.lab_id, report=report, test_item=test_item,
                                              lab_value=lab_value, bureau_value=bureau_value, tolerance=tolerance,
                                              agrees=agrees, actor=actor)
    audit_record(actor=actor, action="lab.compare", obj=comparison, enterprise_id=report.declaration.enterprise_id,
                 after={"lab": report.lab_id, "item": test_item, "lab_value": lab_value,
                        "bureau_value": bureau_value, "agrees": agrees})
    if not agrees:
        since = timezone.now() - timedelta(days=LAB_DISAGREEMENT_WINDOW_DAYS)
        lab = Lab.objects.select_for_update().get(pk=report.lab_id)
        last_change = lab.status_changes.filter(to_status=LabStatus.ACTIVE).order_by("-at").first()
        if last_change and last_change.at > since:
            since = last_change.at  # a reinstatement starts the count afresh
        disagreements = lab.comparisons.filter(agrees=False, at__gte=since).count()
        if disagreements >= LAB_DISAGREEMENT_LIMIT and lab.status == LabStatus.ACTIVE:
            _lab_status_set(lab, LabStatus.SUSPENDED,
                            _("Suspended automatically: %(n)d re-tests disagreed with the laboratory's results "
                              "within a year.") % {"n": disagreements}, actor=None, automatic=True)
    return comparison


# --- Joint inspection (一次开箱, 联合登临) ------------------------------------------------------------------------


@transaction.atomic
def joint_inspection_request(*, actor, agency: str, kind: str, declaration=None, container_no: str = "",
                             conveyance: str = "", participants=(), note: str = "") -> JointInspection:
    errors = {}
    if agency not in Agency.values or agency == Agency.CIQ:
        errors["agency"] = [_("Unknown partner agency.")]
    if kind == JointKind.CONTAINER and declaration is None and container_no.strip():
        errors["container_no"] = [_("No declaration lists this container.")]
    if kind not in JointKind.values:
        errors["kind"] = [_("Choose a container opening or a boarding.")]
    elif kind == JointKind.CONTAINER and (declaration is None or not container_no.strip()):
        errors["container_no"] = [_("A container opening names the declaration and the container.")]
    elif kind == JointKind.CONTAINER and container_no.strip() not in (declaration.containers or []) \
            and declaration.containers:
        errors["container_no"] = [_("The container is not on the declaration.")]
    if kind == JointKind.BOARDING and not conveyance.strip():
        errors["conveyance"] = [_("A boarding names the vessel or the flight.")]
    bad = [p for p in participants if p not in Agency.values]
    if bad:
        errors["participants"] = [_("Unknown agency: %(a)s.") % {"a": ", ".join(bad)}]
    if errors:
        raise ValidationError(errors)
    parties = sorted({Agency.CIQ, agency, *participants})
    joint = JointInspection.objects.create(kind=kind, requested_by=actor, agency=agency, declaration=declaration,
                                           container_no=container_no.strip(), conveyance=conveyance.strip(),
                                           participants=parties, note=note)
    audit_record(actor=actor, action="joint_inspection.request", obj=joint,
                 enterprise_id=declaration.enterprise_id if declaration else None,
                 after={"kind": kind, "agency": agency, "container_no": joint.container_no,
                        "conveyance": joint.conveyance, "participants": parties})
    return joint


@transaction.atomic
def joint_inspection_schedule(*, joint, site, appointment_at: datetime, actor) -> JointInspection:
    """Set the one appointment at one site; a container opening becomes the declaration's inspection task."""
    joint = JointInspection.objects.select_for_update().get(pk=joint.pk)
    if joint.status not in (JointStatus.REQUESTED, JointStatus.SCHEDULED):
        raise ValidationError({"status": [_("This joint inspection is closed.")]})
    if appointment_at <= timezone.now():
        raise ValidationError({"appointment_at": [_("The appointment must be in the future.")]})
    if site is None or not site.active:
        raise ValidationError({"site": [_("Choose an active inspection site.")]})
    before = {"status": joint.status, "site": joint.site_id, "appointment_at": joint.appointment_at}
    joint.site, joint.appointment_at, joint.status = site, appointment_at, JointStatus.SCHEDULED
    if joint.kind == JointKind.CONTAINER and joint.task_id is None:
        task = inspection_task_create(declaration=joint.declaration, reason=TaskReason.JOINT,
                                      mode=joint.declaration.release_mode, actor=actor)
        if task.site_id != site.pk:
            task.site = site
            task.scheduled_for = timezone.localdate(appointment_at)
            task.save(update_fields=["site", "scheduled_for"])
        joint.task = task
    joint.save(update_fields=["site", "appointment_at", "status", "task"])
    audit_record(actor=actor, action="joint_inspection.schedule", obj=joint, before=before,
                 after={"status": joint.status, "site": site.pk, "appointment_at": appointment_at,
                        "task": joint.task_id})
    return joint


@transaction.atomic
def joint_finding_record(*, joint, agency: str, result: str, findings: str, actor) -> JointFinding:
    """One agency's result on the shared inspection; the joint inspection completes when every party has one."""
    joint = JointInspection.objects.select_for_update().get(pk=joint.pk)
    if joint.status != JointStatus.SCHEDULED:
        raise ValidationError({"status": [_("Results are recorded on a scheduled joint inspection.")]})
    if agency not in joint.participants:
        raise ValidationError({"agency": [_("This agency does not take part in the inspection.")]})
    if result not in Conclusion.values:
        raise ValidationError({"result": [_("Choose conform or non-conform.")]})
    if joint.findings.filter(agency=agency).exists():
        raise ValidationError({"agency": [_("This agency's result is already recorded.")]})
    finding = JointFinding.objects.create(joint=joint, agency=agency, recorded_by=actor, result=result,
                                          findings=(findings or "").strip())
    if set(joint.findings.values_list("agency", flat=True)) >= set(joint.participants):
        joint.status, joint.completed_at = JointStatus.COMPLETED, timezone.now()
        joint.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action="joint_inspection.finding", obj=finding,
                 enterprise_id=joint.declaration.enterprise_id if joint.declaration_id else None,
                 after={"joint": joint.pk, "agency": agency, "result": result, "status": joint.status})
    return finding


# --- Case referrals (案件通报移交, single window §6) -------------------------------------------------------------


def _referral_side(referral: CaseReferral, actor) -> str:
    """"receiver" or "referrer" for ``actor`` on ``referral``; ValidationError when neither."""
    from ciq_portal.agencies import is_agency_principal, principal_agency

    bureau = is_bureau_user(actor)
    if is_agency_principal(actor):
        agency = principal_agency(actor)
        if agency is None or agency.pk != referral.agency_id:
            raise ValidationError({"agency": [_("This case is not referred to or by your agency.")]})
        return transitions.RECEIVER if referral.direction == ReferralDirection.TO_AGENCY else transitions.REFERRER
    if bureau:
        return transitions.REFERRER if referral.direction == ReferralDirection.TO_AGENCY else transitions.RECEIVER
    raise ValidationError({"referral": [_("Your role may not act on case referrals.")]})


def _referral_state(referral: CaseReferral) -> dict:
    return {"number": referral.number, "direction": referral.direction, "kind": referral.kind,
            "status": referral.status, "agency": referral.agency.code, "outcome": referral.outcome,
            "external_reference": referral.external_reference}


def _referral_publish(referral: CaseReferral, *, what: str, recipients=()) -> None:
    """case_referral.updated to the agency's subscriptions and the bureau (never declarants)."""
    from ciq_portal.models import EventType
    from ciq_portal.notifications import notification_publish

    notification_publish(
        event_type=EventType.CASE_REFERRAL, audience=["agency", "bureau"], agency_id=referral.agency_id,
        enterprise_id=referral.enterprise_id,
        payload={"id": referral.pk, "number": referral.number, "change": what, "direction": referral.direction,
                 "kind": referral.kind, "status": referral.status, "outcome": referral.outcome,
                 "declaration_number": referral.declaration.number if referral.declaration_id else "",
                 "container_no": referral.container_no, "external_reference": referral.external_reference},
        recipients=recipients, reference=referral.number, message=referral.summary[:200],
        link=f"/inspection/case-referrals/{referral.pk}/")


def _referral_timeline(referral: CaseReferral, *, step: str, actor, message) -> None:
    """A bureau-only entry on the referred declaration's timeline (kind ``case_referral_<step>``); ``message`` is a
    function building the text, stored in every language (ciq_portal.i18n)."""
    if referral.declaration_id is None:
        return
    from declarations.services import declaration_event_add

    declaration_event_add(declaration=referral.declaration, kind=f"case_referral_{step}", actor=actor,
                          visible_to_declarant=False, message=message,
                          data={"case_referral": referral.pk, "direction": referral.direction})


def _referral_number() -> str:
    today = timezone.localdate()
    for _attempt in range(5):
        number = f"CR{today:%Y%m%d}{secrets.token_hex(3).upper()}"
        if not CaseReferral.objects.filter(number=number).exists():
            return number
    raise RuntimeError("could not allocate a case referral number")  # pragma: no cover - 16M per day


def _evidence_clean(evidence, *, declaration, allow_documents: bool = True) -> list[dict]:
    cleaned, errors = [], []
    for index, item in enumerate(evidence or [], start=1):
        description = str(item.get("description") or "").strip()
        reference = str(item.get("reference") or "").strip()
        document = item.get("document")
        if not description:
            errors.append(_("Evidence %(n)d: describe it.") % {"n": index})
            continue
        if document is not None and not allow_documents:
            errors.append(_("Evidence %(n)d: agencies give a reference, not a declaration document.") % {"n": index})
            continue
        if document is not None:
            document_id = getattr(document, "pk", document)
            document = (Document.objects.filter(pk=document_id, declaration=declaration).first()
                        if declaration is not None and str(document_id).isdigit() else None)
            if document is None:
                errors.append(_("Evidence %(n)d: the document must belong to the referred declaration.")
                              % {"n": index})
                continue
        cleaned.append({"description": description[:300], "reference": reference[:200], "document": document})
    if errors:
        raise ValidationError({"evidence": errors})
    return cleaned


@transaction.atomic
def case_referral_create(*, actor, kind: str, summary: str, agency=None, details: str = "",
                         declaration=None, declaration_number: str = "", enterprise=None, container_no: str = "",
                         external_reference: str = "", evidence=()) -> CaseReferral:
    """Refer a case. Bureau staff refer to ``agency`` (direction to_agency); an agency's credentials refer to the
    bureau (from_agency, the agency being theirs). The declaration may be given by object or by number."""
    from ciq_portal.agencies import is_agency_principal, principal_agency
    from ciq_portal.models import Agency as PartnerAgency
    from ciq_portal.models import AgencyScope
    from declarations.models import Declaration

    errors: dict = {}
    if is_agency_principal(actor):
        direction, agency = ReferralDirection.FROM_AGENCY, principal_agency(actor)
        if agency is None:
            raise ValidationError({"agency": [_("Your account is not linked to an agency.")]})
    elif has_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR):
        direction = ReferralDirection.TO_AGENCY
        if agency is None:
            errors["agency"] = [_("Agency: choose the agency the case is referred to.")]
        elif not isinstance(agency, PartnerAgency):
            agency = PartnerAgency.objects.filter(code=str(agency)).first()
            if agency is None:
                errors["agency"] = [_("Agency: unknown agency.")]
        if agency is not None and not errors.get("agency") and (
                not agency.is_active or AgencyScope.CASE_REFERRAL not in agency.scopes):
            errors["agency"] = [_("Agency: %(agency)s does not take case referrals.") % {"agency": agency}]
    else:
        raise ValidationError({"referral": [_("Your role may not refer cases.")]})
    if kind not in ReferralKind.values:
        errors["kind"] = [_("Kind: choose one of %(kinds)s.") % {"kinds": ", ".join(ReferralKind.values)}]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Summary: say what the case is about.")]
    if declaration is None and (declaration_number or "").strip():
        declaration = Declaration.objects.filter(number=declaration_number.strip()).first()
        if declaration is None:
            errors["declaration_number"] = [_("Declaration number: no declaration %(number)s.")
                                            % {"number": declaration_number.strip()}]
    container_no = (container_no or "").strip().upper()
    if container_no and declaration is not None and container_no not in (declaration.containers or []):
        errors["container_no"] = [_("Container %(container)s is not on declaration %(number)s.")
                                  % {"container": container_no, "number": declaration.number}]
    if errors:
        raise ValidationError(errors)
    evidence = _evidence_clean(evidence, declaration=declaration,
                               allow_documents=direction == ReferralDirection.TO_AGENCY)
    if enterprise is None and declaration is not None:
        enterprise = declaration.enterprise
    referral = CaseReferral.objects.create(
        number=_referral_number(), direction=direction, kind=kind, agency=agency, declaration=declaration,
        enterprise=enterprise, container_no=container_no, summary=summary[:300], details=(details or "").strip(),
        external_reference=(external_reference or "").strip()[:64], referred_by=actor)
    CaseEvidence.objects.bulk_create([CaseEvidence(referral=referral, added_by=actor, **item) for item in evidence])
    _referral_timeline(referral, step="referred", actor=actor,
                       message=lambda: f"{referral.number} · {ReferralKind(kind).label} · {agency}")
    audit_record(actor=actor, action="case_referral.create", obj=referral, after=_referral_state(referral),
                 enterprise_id=referral.enterprise_id)
    # Incoming cases reach the supervisors' bell; outgoing ones the agency's systems.
    recipients = []
    if direction == ReferralDirection.FROM_AGENCY:
        from ciq_portal.models import User as PortalUser

        recipients = list(PortalUser.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
                          .values_list("pk", flat=True))
    _referral_publish(referral, what="created", recipients=recipients)
    return referral


def _referral_move(referral, *, move: str, actor, changes: dict, defaults: dict | None = None) -> CaseReferral:
    """Lock the referral, check the move for the actor's side, apply ``changes`` and, on fields the locked row has
    not set yet, ``defaults``."""
    referral = (CaseReferral.objects.select_for_update(of=("self",)).select_related("agency", "declaration")
                .get(pk=referral.pk))
    side = _referral_side(referral, actor)
    if not transitions.referral_can(move, referral.status, side):
        raise ValidationError({"status": [
            _("This case is %(status)s: not possible now, or not for your side.")
            % {"status": referral.get_status_display()}]})
    before = _referral_state(referral)
    target = transitions.referral_target(move)
    if target:
        referral.status = target
    for name, value in changes.items():
        setattr(referral, name, value)
    for name, value in (defaults or {}).items():
        if getattr(referral, name) is None:
            setattr(referral, name, value)
    referral.save()
    audit_record(actor=actor, action=f"case_referral.{move}", obj=referral, before=before,
                 after=_referral_state(referral), enterprise_id=referral.enterprise_id)
    _referral_timeline(referral, step=move, actor=actor,
                       message=lambda: f"{referral.number} · {referral.get_status_display()}")
    _referral_publish(referral, what=move, recipients=[referral.referred_by_id]
                      if referral.direction == ReferralDirection.TO_AGENCY else [])
    return referral


@transaction.atomic
def case_referral_acknowledge(*, referral, actor, note: str = "", external_reference: str = "") -> CaseReferral:
    """The receiving side confirms it has taken the case up (and may give its own case number)."""
    changes = {"acknowledged_by": actor, "acknowledged_at": timezone.now(),
               "acknowledgement_note": (note or "").strip()}
    if (external_reference or "").strip():
        changes["external_reference"] = external_reference.strip()[:64]
    return _referral_move(referral, move="acknowledge", actor=actor, changes=changes)


@transaction.atomic
def case_referral_report_outcome(*, referral, actor, outcome: str, detail: str = "") -> CaseReferral:
    """The receiving side reports how the case ended; this closes it."""
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": [_("Outcome: choose one of %(outcomes)s.")
                                           % {"outcomes": ", ".join(ReferralOutcome.values)}]})
    if not (detail or "").strip():
        raise ValidationError({"detail": [_("Detail: describe the outcome (decision, penalty, reference).")]})
    now = timezone.now()
    changes = {"outcome": outcome, "outcome_detail": detail.strip(), "outcome_by": actor, "outcome_at": now}
    # Reporting the outcome implies the case was taken up, unless an acknowledgement says when and by whom.
    return _referral_move(referral, move="report_outcome", actor=actor, changes=changes,
                          defaults={"acknowledged_by": actor, "acknowledged_at": now})


@transaction.atomic
def case_referral_withdraw(*, referral, actor, reason: str) -> CaseReferral:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Reason: say why the referral is withdrawn.")]})
    return _referral_move(referral, move="withdraw", actor=actor, changes={"withdrawn_reason": reason.strip()})


@transaction.atomic
def case_evidence_add(*, referral, actor, description: str, reference: str = "", document=None) -> CaseEvidence:
    """Either side adds evidence while the case is open."""
    referral = CaseReferral.objects.select_for_update().get(pk=referral.pk)
    side = _referral_side(referral, actor)
    if not transitions.referral_can("add_evidence", referral.status, side):
        raise ValidationError({"status": [_("This case is %(status)s: evidence can no longer be added.")
                                          % {"status": referral.get_status_display()}]})
    from ciq_portal.agencies import is_agency_principal

    [item] = _evidence_clean([{"description": description, "reference": reference, "document": document}],
                             declaration=referral.declaration, allow_documents=not is_agency_principal(actor))
    evidence = CaseEvidence.objects.create(referral=referral, added_by=actor, **item)
    audit_record(actor=actor, action="case_referral.add_evidence", obj=referral,
                 after={"evidence": evidence.pk, "description": evidence.description},
                 enterprise_id=referral.enterprise_id)
    _referral_publish(referral, what="add_evidence")
    return evidence


# --- Notifications of scheduled inspections (single window) ------------------------------------------------------


def _inspection_scheduled_publish(task, *, actor=None) -> None:
    """``inspection.scheduled`` to the declarant, agencies with the joint-inspection scope and the bureau (no
    reason: whether risk or the random draw chose it is not said)."""
    from ciq_portal.models import EventType
    from ciq_portal.notifications import notification_publish

    declaration = task.declaration
    notification_publish(
        event_type=EventType.INSPECTION_SCHEDULED, enterprise_id=task.enterprise_id, actor=actor,
        payload={"declaration_id": declaration.pk, "number": declaration.number, "task": task.pk,
                 "site": task.site.code if task.site_id else "", "scheduled_for": task.scheduled_for,
                 "bill_of_lading": declaration.bill_of_lading, "containers": declaration.containers},
        reference=declaration.number, link=f"/declarations/{declaration.pk}/",
        message=(lambda: task.site.display_name) if task.site_id else "")


def _dispatch_notify(assignments: dict) -> None:
    """In-app notification to each inspector of the tasks just assigned to them (one insert per batch)."""
    from ciq_portal.models import EventType
    from ciq_portal.notifications import notification_in_app_bulk

    notification_in_app_bulk(items=[
        {"user_id": officer_id, "event_type": EventType.INSPECTION_SCHEDULED, "reference": f"#{task_pk}",
         "link": f"/inspection/tasks/{task_pk}/"} for task_pk, officer_id in assignments.items()])
