"""Every read of the inspection app, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ciq_portal.roles import Role, has_role, is_bureau_user
from ciq_portal.scoping import get_in_scope, scope_queryset

from . import draws, transitions
from .choices import TaskStatus
from .filtersets import InspectionTaskFilterSet, JointInspectionFilterSet, LabFilterSet
from .models import Draw, DrawPeriod, InspectionTask, JointInspection, Lab, OfficerProfile

QUEUE_PAGE = 50


def inspection_task_list(*, user, filters=None) -> QuerySet[InspectionTask]:
    queryset = scope_queryset(InspectionTask.objects.select_related("declaration", "enterprise", "site",
                                                                    "assigned_to"), user=user)
    return InspectionTaskFilterSet(filters or {}, queryset=queryset).qs


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
    from django.db.models import Count

    loads = dict(InspectionTask.objects.filter(status__in=transitions.OPEN_STATUSES, assigned_to__isnull=False)
                 .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n"))
    return [{"officer": p, "open": loads.get(p.user_id, 0)} for p in OfficerProfile.objects.select_related("user")]


def latest_risk_assessment(declaration):
    """The declaration's latest risk assessment, when the risk app provides one (risk is below us)."""
    try:
        model = apps.get_model("risk", "RiskAssessment")
    except LookupError:
        return None
    try:
        return model.objects.filter(declaration=declaration).order_by("-id").first()
    except Exception:  # noqa: BLE001 - the risk schema is not ours to assume beyond this
        return None


def active_bulletins(declaration) -> list:
    """Active risk bulletins concerning the declaration's goods or origin, when the risk app has them."""
    for name in ("RiskBulletin", "Bulletin"):
        try:
            model = apps.get_model("risk", name)
        except LookupError:
            continue
        from declarations.models import GoodsLine

        codes = set(GoodsLine.objects.filter(declaration=declaration).values_list("hs_code", flat=True))
        try:
            selector = __import__("risk.selectors", fromlist=["bulletins_for_declaration"])
            if hasattr(selector, "bulletins_for_declaration"):
                return list(selector.bulletins_for_declaration(declaration=declaration))
        except ImportError:
            pass
        rows = []
        today = timezone.localdate()
        for bulletin in model.objects.all()[:200]:
            active = getattr(bulletin, "active", True)
            valid_until = getattr(bulletin, "valid_until", None)
            if not active or (valid_until and valid_until < today):
                continue
            prefixes = getattr(bulletin, "hs_prefixes", None) or []
            if isinstance(prefixes, str):
                prefixes = [p.strip() for p in prefixes.split(",") if p.strip()]
            if not prefixes or any(c.startswith(p) for c in codes for p in prefixes):
                rows.append(bulletin)
        return rows
    return []


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
