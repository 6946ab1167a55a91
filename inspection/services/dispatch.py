"""Opening an inspection task and dispatching it: the draw of people, which gives each queued task to an
eligible officer, recorded with its inputs."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.journal import batch_atomic, journal_follow_up
from ciq_portal.models import EventType
from ciq_portal.notifications import notification_in_app_bulk, notification_publish
from credit.models import Enterprise

from .. import draws, duty, transitions
from ..choices import DrawKind, Priority, TaskReason, TaskStatus
from ..models import ConflictOfInterest, Draw, InspectionTask, OfficerProfile
from ..tasks import inspection_dispatch_new_task
from ._common import _event, _skip_locked, _task_snapshot
from .deadlines import task_due_at
from .draw_periods import _period_for
from .sites import declaration_category, declaration_dg_classes, site_route

INSPECTOR_DISPATCH_PENDING_KEY = "inspection:dispatch-pending"


def _priority_for(reason: str) -> int:
    return {TaskReason.RISK: Priority.URGENT, TaskReason.JOINT: Priority.URGENT,
            TaskReason.RELEASE_MODE: Priority.HIGH}.get(reason, Priority.NORMAL)


@batch_atomic
def inspection_task_create(*, declaration, reason, mode, actor=None, priority=None,
                           category: str | None = None, scheduled_for: date | None = None) -> InspectionTask:
    """Open the inspection of a declaration, routed to a site able to take its goods on ``scheduled_for`` (default
    today); the people draw runs after commit (Celery). A declaration has at most one open task: asking again
    returns it."""
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
    day = scheduled_for or timezone.localdate(now)
    site = site_route(category=category, port=declaration.port_of_entry, day=day,
                      dg_classes=declaration_dg_classes(declaration))
    priority = priority or _priority_for(reason)
    task = InspectionTask.objects.create(
        declaration=declaration, enterprise_id=declaration.enterprise_id, reason=reason, mode=mode or "",
        category=category, site=site, scheduled_for=day, priority=priority,
        sampling_required=(mode in ("sample", "supervised")), due_at=task_due_at(created_at=now, priority=priority),
    )
    audit_record(actor=actor, action="inspection_task.create", obj=task, enterprise_id=task.enterprise_id,
                 after={**_task_snapshot(task), "reason": reason, "mode": task.mode, "category": category})
    _event(declaration=declaration, kind="inspection_scheduled", actor=actor,
           message=lambda: _("Inspection scheduled at %(site)s.") % {
               "site": site.display_name if site else _("a site to be set")},
           data={"task": task.pk, "site": site.code if site else ""})
    _inspection_scheduled_publish(task, actor=actor)
    transaction.on_commit(_queue_dispatch, robust=True)
    return task


def _inspection_scheduled_publish(task, *, actor=None) -> None:
    """``inspection.scheduled`` to the declarant, agencies with the joint-inspection scope and the bureau (no
    reason: whether risk or the random draw chose it is not said)."""
    declaration = task.declaration
    notification_publish(
        event_type=EventType.INSPECTION_SCHEDULED, enterprise_id=task.enterprise_id, actor=actor,
        payload={"declaration_id": declaration.pk, "number": declaration.number, "task": task.pk,
                 "site": task.site.code if task.site_id else "", "scheduled_for": task.scheduled_for,
                 "bill_of_lading": declaration.bill_of_lading, "containers": declaration.containers},
        reference=declaration.number, link=f"/declarations/{declaration.pk}/",
        message=(lambda: task.site.display_name) if task.site_id else "")


def _queue_dispatch():
    # The tasks opened within an interval are dispatched together (one officer snapshot for all of them).
    journal_follow_up(INSPECTOR_DISPATCH_PENDING_KEY, inspection_dispatch_new_task)


def _officer_snapshots(at: datetime, officer_ids=None) -> dict[int, draws.OfficerSnapshot]:
    """Every active officer as the draw sees it, keyed by user id: on duty where the roster puts them at ``at``
    (inspection/duty.py), with their declared conflicts (a handful of queries, whatever the size)."""
    profiles = OfficerProfile.objects.filter(active=True, user__is_active=True)
    if officer_ids is not None:
        profiles = profiles.filter(user_id__in=officer_ids)
    profiles = list(profiles.values("id", "user_id", "categories"))
    by_profile = {p["id"]: p for p in profiles}
    sites, conflicts = {}, {}
    for pid, site_id in OfficerProfile.sites.through.objects.filter(
            officerprofile_id__in=by_profile).values_list("officerprofile_id", "inspectionsite_id"):
        sites.setdefault(pid, set()).add(site_id)
    on_duty = duty.duties_at(at, officer_ids=list(by_profile) if officer_ids is not None else None)
    for pid, enterprise_id in ConflictOfInterest.objects.filter(officer_id__in=by_profile).values_list(
            "officer_id", "enterprise_id"):
        conflicts.setdefault(pid, set()).add(enterprise_id)
    user_ids = [p["user_id"] for p in profiles]
    loads = dict(InspectionTask.objects.filter(assigned_to_id__in=user_ids, status__in=transitions.OPEN_STATUSES)
                 .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n"))

    def duty_sites(pid):
        site_ids = {d.site_id for d in on_duty.get(pid, ())}
        return None if duty.ANY_SITE in site_ids else frozenset(site_ids)

    return {
        p["user_id"]: draws.OfficerSnapshot(
            id=p["user_id"], categories=frozenset(p["categories"] or ()), site_ids=frozenset(sites.get(p["id"], ())),
            shifts=tuple((d.starts_at, d.ends_at) for d in on_duty.get(p["id"], ())),
            conflicted_enterprise_ids=frozenset(conflicts.get(p["id"], ())), load=loads.get(p["user_id"], 0),
            duty_site_ids=duty_sites(p["id"]))
        for p in profiles
    }


def _last_inspectors(enterprise_ids) -> dict[int, int]:
    """Each enterprise's most recent inspector: one index probe per enterprise (insp_task_ent_last)."""
    latest = (InspectionTask.objects.filter(enterprise_id=OuterRef("pk"), assigned_to__isnull=False)
              .order_by("-assigned_at", "-id").values("assigned_to_id")[:1])
    rows = Enterprise.objects.filter(pk__in=list(enterprise_ids)).annotate(last=Subquery(latest))
    return {pk: last for pk, last in rows.values_list("pk", "last") if last}


def _draws_insert(rows: list[dict]) -> None:
    """Insert a batch's people draws, each the fields of a Draw (``period_id``, ``subject``, ``declaration_id``,
    ``task_id``, ``inputs``, ``chosen_id``; the result is the chosen officer). On PostgreSQL with COPY straight from
    the values, isolated here for speed (10,000 draws with their inputs in well under a second: building a model
    instance per draw cost more than writing it); elsewhere with bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Draw.objects.bulk_create((Draw(kind=DrawKind.PEOPLE, result={"chosen": row["chosen_id"]}, **row)
                                  for row in rows), batch_size=2000)
        return
    now = timezone.now()
    columns = ("period_id", "kind", "subject", "declaration_id", "task_id", "inputs", "result", "selected",
               "chosen_id", "created_at")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {Draw._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["period_id"], DrawKind.PEOPLE, row["subject"], row["declaration_id"],
                                row["task_id"], json.dumps(row["inputs"], separators=(",", ":")),
                                f'{{"chosen":{row["chosen_id"]}}}', False, row["chosen_id"], now))


@transaction.atomic
def inspection_tasks_dispatch(*, task_ids, actor=None, at: datetime | None = None) -> list[InspectionTask]:
    """The draw of people for queued tasks: each goes to an eligible officer drawn with load weights; the
    draw's inputs and result are recorded. Tasks nobody can take now stay queued (the pool)."""
    at = at or timezone.now()
    # Only what the draw reads: a batch of 10,000 full rows cost seconds to load.
    tasks = list(_skip_locked(InspectionTask.objects.filter(pk__in=list(task_ids), status=TaskStatus.QUEUED))
                 .only("declaration", "enterprise", "site", "category", "priority", "created_at", "status")
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
        new_draws.append({"period_id": period.pk, "subject": subject, "declaration_id": task.declaration_id,
                          "task_id": task.pk, "inputs": inputs, "chosen_id": chosen})
        task.status, task.assigned_to_id, task.assigned_at = TaskStatus.ASSIGNED, chosen, at
        assigned.append(task)
        assignments[task.pk] = chosen
        pool.assign(chosen)
        last[task.enterprise_id] = chosen
    _draws_insert(new_draws)
    if assignments:
        _assignments_write(assignments, at)
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


def _assignments_write(assignments: dict[int, int], at: datetime) -> None:
    """One UPDATE for the whole batch: ``assignments`` maps each task to its inspector. On PostgreSQL it joins the
    pairs as two arrays (unnest), which a batch of 10,000 tasks needs: Django's CASE with one WHEN per inspector
    sends every task id twice and costs seconds to build."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {InspectionTask._meta.db_table} AS t
                    SET status = %s, assigned_at = %s, drawn_at = %s, assigned_to_id = a.officer_id
                    FROM unnest(%s::bigint[], %s::bigint[]) AS a(task_id, officer_id) WHERE t.id = a.task_id""",
                [TaskStatus.ASSIGNED, at, at, list(assignments), list(assignments.values())])
        return
    by_officer: dict[int, list[int]] = {}
    for task_pk, officer_id in assignments.items():
        by_officer.setdefault(officer_id, []).append(task_pk)
    InspectionTask.objects.filter(pk__in=list(assignments)).update(
        status=TaskStatus.ASSIGNED, assigned_at=at, drawn_at=at,
        assigned_to_id=Case(*(When(pk__in=pks, then=Value(officer_id)) for officer_id, pks in by_officer.items()),
                            output_field=IntegerField()))


def _dispatch_notify(assignments: dict) -> None:
    """In-app notification to each inspector of the tasks just assigned to them (one insert per batch)."""
    notification_in_app_bulk(items=[
        {"user_id": officer_id, "event_type": EventType.INSPECTION_SCHEDULED, "reference": f"#{task_pk}",
         "link": f"/inspection/tasks/{task_pk}/"} for task_pk, officer_id in assignments.items()])


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
