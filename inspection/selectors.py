"""Every read of the inspection app, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet
from django.http import Http404

from ciq_portal.roles import Role, has_role, is_bureau_user
from ciq_portal.scoping import get_in_scope, scope_queryset
from risk.selectors import bulletins_active

from . import draws, transitions
from .choices import TaskStatus
from .filtersets import (
    DeclarantInspectionTaskFilterSet,
    InspectionTaskFilterSet,
    JointInspectionFilterSet,
    LabFilterSet,
)
from .models import Draw, DrawPeriod, InspectionTask, JointInspection, Lab, ObjectDraw, OfficerProfile

QUEUE_PAGE = 50


def inspection_task_list(*, user) -> QuerySet[InspectionTask]:
    """The tasks ``user`` may see: bureau staff most urgent first; a declarant their own consignments' in the order
    they were opened (the urgency order would tell which were risk-targeted)."""
    queryset = scope_queryset(InspectionTask.objects.select_related("declaration", "enterprise", "site",
                                                                    "assigned_to"), user=user)
    if is_bureau_user(user):
        return queryset.order_by("priority", "created_at", "id")
    return queryset.order_by("created_at", "id")


def inspection_task_filterset(*, user) -> type[DeclarantInspectionTaskFilterSet]:
    """The filters ``user`` may use on tasks (a declarant's leave out reason, priority, inspector and site)."""
    return InspectionTaskFilterSet if is_bureau_user(user) else DeclarantInspectionTaskFilterSet


def inspection_task_get(*, user, pk) -> InspectionTask:
    return get_in_scope(InspectionTask.objects.select_related("declaration", "enterprise", "site", "assigned_to"),
                        user=user, pk=pk)


def my_queue(*, user, limit: int = QUEUE_PAGE) -> list[InspectionTask]:
    """The officer's open tasks, most urgent then oldest first (index insp_task_queue)."""
    return list(InspectionTask.objects.filter(assigned_to=user, status__in=(TaskStatus.ASSIGNED, TaskStatus.CLAIMED))
                .select_related("declaration", "enterprise", "site").order_by("priority", "created_at", "id")[:limit])


def my_queue_count(*, user) -> int:
    return InspectionTask.objects.filter(assigned_to=user,
                                         status__in=(TaskStatus.ASSIGNED, TaskStatus.CLAIMED)).count()


def pool_list(*, user, limit: int = 20) -> list[InspectionTask]:
    """Unassigned tasks the officer could claim."""
    queryset = InspectionTask.objects.filter(status=TaskStatus.QUEUED, assigned_to__isnull=True)
    profile = OfficerProfile.objects.filter(user=user).first()
    if profile is not None and profile.categories:
        queryset = queryset.filter(category__in=profile.categories + [""])
    return list(queryset.select_related("declaration", "enterprise", "site").order_by("priority", "created_at")[:limit])


def workload() -> list[dict]:
    """Open tasks per officer (supervisor dashboard)."""
    loads = dict(InspectionTask.objects.filter(status__in=transitions.OPEN_STATUSES, assigned_to__isnull=False)
                 .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n"))
    return [{"officer": p, "open": loads.get(p.user_id, 0)} for p in OfficerProfile.objects.select_related("user")]


def active_bulletins(declaration) -> list:
    """Published, current risk bulletins concerning the declaration's goods (HS prefixes) or countries."""
    lines = list(declaration.lines.values_list("hs_code", "origin_country"))
    codes = {code for code, _country in lines}
    countries = {country for _code, country in lines} | {declaration.departure_country}
    rows = []
    for bulletin in bulletins_active().order_by("-valid_from")[:500]:
        prefixes, where = bulletin.hs_prefixes or [], bulletin.countries or []
        goods_match = not prefixes or any(code.startswith(str(p)) for code in codes for p in prefixes)
        country_match = not where or bool(countries & set(where))
        if goods_match and country_match:
            rows.append(bulletin)
    return rows


def enterprise_history(task, limit: int = 10) -> list[InspectionTask]:
    return list(InspectionTask.objects.filter(enterprise_id=task.enterprise_id).exclude(pk=task.pk)
                .select_related("declaration", "assigned_to").order_by("-created_at")[:limit])


def lab_list(*, user, filters=None) -> QuerySet[Lab]:
    if not getattr(user, "is_authenticated", False):
        return Lab.objects.none()
    return LabFilterSet(filters or {}, queryset=Lab.objects.all()).qs


def lab_get(*, user, pk) -> Lab:
    try:
        return lab_list(user=user).get(pk=pk)
    except Lab.DoesNotExist as exc:
        raise Http404 from exc


def joint_inspection_list(*, user, filters=None) -> QuerySet[JointInspection]:
    queryset = JointInspection.objects.select_related("site", "declaration", "task")
    if is_bureau_user(user):
        pass
    elif has_role(user, Role.PARTNER_AGENCY):
        queryset = queryset.filter(requested_by=user)
    else:
        queryset = queryset.none()
    return JointInspectionFilterSet(filters or {}, queryset=queryset).qs


def joint_inspection_get(*, user, pk) -> JointInspection:
    try:
        return joint_inspection_list(user=user).get(pk=pk)
    except JointInspection.DoesNotExist as exc:
        raise Http404 from exc


# --- The public draw record ------------------------------------------------------------------------------------


def public_periods() -> QuerySet[DrawPeriod]:
    """Periods whose commitment is public: every committed one (the seed itself only once revealed)."""
    return DrawPeriod.objects.order_by("-day")


def public_period_get(day: date) -> DrawPeriod:
    period = DrawPeriod.objects.filter(day=day).first()
    if period is None:
        raise Http404
    return period


def public_draw_rows(period: DrawPeriod):
    """The draws of a period as published: inputs and results, no personal data beyond officer ids."""
    for draw in period.draws.order_by("id").iterator(chunk_size=2000):
        yield {"kind": draw.kind, "subject": draw.subject, "inputs": draw.inputs, "result": draw.result,
               "drawn_at": draw.created_at.isoformat()}


@dataclass
class VerifyReport:
    day: date
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def draw_period_verify(period: DrawPeriod) -> VerifyReport:
    """Re-run every draw of a revealed period from its recorded inputs and the revealed seed."""
    report = VerifyReport(day=period.day)
    if period.revealed_at is None:
        report.mismatches.append(f"{period.day}: the seed is not revealed yet")
        return report
    if draws.commitment_of(period.seed) != period.commitment:
        report.mismatches.append(f"{period.day}: the revealed seed does not match the published commitment")
    for draw in Draw.objects.filter(period=period).order_by("id").iterator(chunk_size=2000):
        report.checked += 1
        try:
            again = draws.rerun(draw.kind, period.seed, draw.subject, draw.inputs)
        except (KeyError, ValueError, TypeError) as exc:
            report.mismatches.append(f"draw {draw.pk} ({draw.subject}): inputs unreadable: {exc}")
            continue
        if draw.kind == "object":
            stored = bool(draw.result.get("selected"))
            if again["selected"] != stored or again["selected"] != draw.selected:
                report.mismatches.append(f"draw {draw.pk} ({draw.subject}): recorded selected={stored}, "
                                         f"re-run gives {again['selected']}")
        else:
            stored = draw.result.get("chosen")
            if again["chosen"] != stored or again["chosen"] != draw.chosen_id:
                report.mismatches.append(f"draw {draw.pk} ({draw.subject}): recorded inspector {stored}, "
                                         f"re-run gives {again['chosen']}")
    return report


def control_sample_ids(since, until) -> list[int]:
    """Declarations drawn at random (the dual-random control sample) in a period, for risk's rule performance."""
    return list(ObjectDraw.objects.filter(selected=True, created_at__gte=since, created_at__lte=until)
                .values_list("declaration_id", flat=True))
