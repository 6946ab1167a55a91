"""Every read of the inspection app, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.agencies import client_effective_scopes, user_agency_client
from ciq_portal.models import AgencyScope
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role
from ciq_portal.scoping import get_in_scope, scope_queryset
from credit.models import Enterprise
from declarations.models import Declaration, HSCode
from risk.selectors import bulletins_active

from . import draws, duty, transitions
from .choices import Conclusion, JointStatus, LabStatus, TaskReason, TaskStatus
from .filtersets import (
    ConflictFilterSet,
    DeclarantInspectionTaskFilterSet,
    InspectionSiteFilterSet,
    InspectionTaskFilterSet,
    JointInspectionFilterSet,
    LabFilterSet,
    LeaveFilterSet,
    OfficerFilterSet,
    OfficerShiftFilterSet,
    RosterPatternFilterSet,
    TestItemFilterSet,
    TestLimitFilterSet,
)
from .models import (
    ConfidentialMark,
    ConflictOfInterest,
    Draw,
    DrawPeriod,
    InspectionSite,
    InspectionTask,
    JointInspection,
    Lab,
    LabOrder,
    LabResult,
    ObjectDraw,
    OfficerLeave,
    OfficerProfile,
    OfficerShift,
    RosterCancellation,
    RosterPattern,
    Sample,
    TestItem,
    TestLimit,
)

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


def site_list(*, user, filters=None) -> QuerySet[InspectionSite]:
    """Inspection sites: bureau staff only."""
    if not is_bureau_user(user):
        raise PermissionDenied
    return InspectionSiteFilterSet(filters or {}, queryset=InspectionSite.objects.order_by("port", "code")).qs


def site_get(*, user, pk) -> InspectionSite:
    try:
        return site_list(user=user).get(pk=pk)
    except InspectionSite.DoesNotExist as exc:
        raise Http404 from exc


def site_open_task_count(site) -> int:
    return site.tasks.filter(status__in=transitions.OPEN_STATUSES).count()


def test_item_list(*, user, filters=None) -> QuerySet[TestItem]:
    """The limits table's test items: bureau staff only."""
    if not is_bureau_user(user):
        raise PermissionDenied
    return TestItemFilterSet(filters or {}, queryset=TestItem.objects.order_by("code")).qs


def test_item_get(*, user, pk) -> TestItem:
    try:
        return test_item_list(user=user).get(pk=pk)
    except TestItem.DoesNotExist as exc:
        raise Http404 from exc


def test_limit_list(*, user, filters=None) -> QuerySet[TestLimit]:
    if not is_bureau_user(user):
        raise PermissionDenied
    return TestLimitFilterSet(filters or {}, queryset=TestLimit.objects.select_related("item", "created_by")
                              .order_by("item__code", "category", "-version")).qs


def test_limit_in_force(*, item_code: str, category: str, on: date) -> TestLimit | None:
    """The version of the item's limit for the category in force on ``on`` (what judges a result that day)."""
    return (TestLimit.objects.select_related("item").filter(item__code=item_code, category=category,
                                                             valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).order_by("-version").first())


def lab_orders_with_limits(task) -> list[LabOrder]:
    """The task's lab orders, each with ``item_limits``: (test item, the limit in force for the task's category
    or None) per ordered item, so the results form asks only for what the table does not give."""
    today = timezone.localdate()
    orders = list(task.lab_orders.select_related("lab", "sample").prefetch_related("results"))
    for order in orders:
        order.item_limits = [(item, test_limit_in_force(item_code=item, category=task.category, on=today))
                             for item in order.test_items]
    return orders


def lab_list(*, user, filters=None) -> QuerySet[Lab]:
    if not getattr(user, "is_authenticated", False):
        return Lab.objects.none()
    return LabFilterSet(filters or {}, queryset=Lab.objects.all()).qs


def labs_relied_on(*, user, on: date | None = None) -> QuerySet[Lab]:
    """The laboratories whose reports the bureau relies on today: active, with an accreditation in force."""
    on = on or timezone.localdate()
    return lab_list(user=user).filter(status=LabStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on)


def lab_by_accreditation(*, user, accreditation_no: str) -> Lab | None:
    """The registered laboratory of ``accreditation_no`` (as the report checks it: surrounding spaces aside)."""
    typed = (accreditation_no or "").strip()
    return lab_list(user=user).filter(accreditation_no=typed).first() if typed else None


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


def public_subjects(declaration_ids) -> dict[int, dict]:
    """What the public record says of each declaration drawn: the enterprise's name and the goods (HS heading and
    description), or only that it is confidential (a ConfidentialMark); never values, parties or documents."""
    ids = set(declaration_ids)
    confidential = set(ConfidentialMark.objects.filter(declaration_id__in=ids).values_list("declaration_id",
                                                                                            flat=True))
    subjects = {pk: {"confidential": True} for pk in confidential}
    declarations = list(Declaration.objects.filter(pk__in=ids - confidential).select_related("enterprise")
                        .prefetch_related("lines"))
    headings = {code: (zh, en) for code, zh, en in HSCode.objects.filter(
        code__in={line.hs_code[:4] for d in declarations for line in d.lines.all()}).values_list(
        "code", "name_zh", "name_en")}
    for declaration in declarations:
        subjects[declaration.pk] = {
            "enterprise": declaration.enterprise.name_zh, "enterprise_en": declaration.enterprise.name_en or "",
            "goods": [{"hs_heading": line.hs_code[:4], "heading": headings.get(line.hs_code[:4], ("", ""))[0],
                       "heading_en": headings.get(line.hs_code[:4], ("", ""))[1], "description": line.description}
                      for line in declaration.lines.all()]}
    return subjects


def public_record(period: DrawPeriod) -> dict:
    """A day's draw record as published (/public/draws/<day>.json): the commitment, the seed once revealed and, then,
    every draw with its inputs, result, time and what was drawn. ``inspection/draws.py`` checks it as it stands."""
    record = {"day": str(period.day), "algorithm": period.algorithm, "commitment": period.commitment,
              "seed": period.seed if period.revealed else None, "committed_at": period.committed_at.isoformat(),
              "revealed_at": period.revealed_at.isoformat() if period.revealed_at else None, "draws": []}
    if not period.revealed:
        return record
    rows = list(period.draws.order_by("id").values("id", "kind", "subject", "inputs", "result", "created_at",
                                                     "declaration_id", "chosen_id"))
    subjects = public_subjects({row["declaration_id"] for row in rows})
    # An inspector is published by badge number (执法证号), as inspection notices name them.
    inspectors = dict(OfficerProfile.objects.filter(user_id__in={row["chosen_id"] for row in rows
                                                                 if row["chosen_id"]}).values_list("user_id",
                                                                                                   "badge_no"))
    for row in rows:
        draw = {"id": row["id"], "kind": row["kind"], "subject": row["subject"], "inputs": row["inputs"],
                "result": row["result"], "drawn_at": row["created_at"].isoformat(),
                "declaration": subjects.get(row["declaration_id"], {"confidential": True})}
        if row["chosen_id"]:
            draw["inspector"] = inspectors.get(row["chosen_id"]) or ""
        record["draws"].append(draw)
    return record


@dataclass
class VerifyReport:
    day: date
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def draw_period_verify(period: DrawPeriod) -> VerifyReport:
    """The public verifier's check of a revealed period (inspection/draws.py: commitment, commitment ≤ draw <
    reveal, every draw re-run), and that the stored columns agree with the recorded results."""
    report = VerifyReport(day=period.day)
    report.checked, report.mismatches = draws.day_record_check(public_record(period))
    for pk, subject, kind, result, selected, chosen_id in Draw.objects.filter(period=period).values_list(
            "pk", "subject", "kind", "result", "selected", "chosen_id"):
        if kind == "object" and bool(result.get("selected")) != selected:
            report.mismatches.append(f"{period.day}: draw {pk} ({subject}): the record says "
                                     f"selected={bool(result.get('selected'))}, the stored column {selected}")
        elif kind == "people" and result.get("chosen") != chosen_id:
            report.mismatches.append(f"{period.day}: draw {pk} ({subject}): the record says inspector "
                                     f"{result.get('chosen')}, the task went to {chosen_id}")
    return report


# The rule of the published outcomes, said on the page: random inspections only (the random control sample, 一公开),
# once concluded; never a risk-targeted one (it would show what the risk rules look for) nor one the bureau marked
# confidential.
def public_results() -> QuerySet[InspectionTask]:
    """The concluded random inspections that are published, newest first, each with the draw that selected it."""
    return (InspectionTask.objects.filter(reason=TaskReason.RANDOM, status=TaskStatus.CONCLUDED,
                                          declaration__confidential_mark__isnull=True,
                                          declaration__inspection_draws__kind="object",
                                          declaration__inspection_draws__selected=True)
            .select_related("declaration", "enterprise").order_by("-concluded_at", "-id"))


def public_result_rows(tasks) -> list[dict]:
    """Published outcomes as the page, the CSV and the JSON show them."""
    tasks = list(tasks)
    subjects = public_subjects({task.declaration_id for task in tasks})
    object_draws = {draw.declaration_id: draw for draw in ObjectDraw.objects.filter(
        declaration_id__in=[task.declaration_id for task in tasks]).select_related("period")}
    rows = []
    for task in tasks:
        draw = object_draws[task.declaration_id]
        subject = subjects[task.declaration_id]
        rows.append({
            "date": timezone.localdate(task.concluded_at).isoformat(),
            "enterprise": subject["enterprise"], "enterprise_en": subject["enterprise_en"], "goods": subject["goods"],
            "release_mode": task.declaration.release_mode or task.mode,
            "outcome": task.conclusion, "disposition": task.disposition or None,
            "draw": {"day": str(draw.period.day), "id": draw.pk,
                     "url": reverse("draws_public:day", args=[str(draw.period.day)]) + f"#draw-{draw.pk}"},
        })
    return rows


def control_sample_ids(since, until) -> list[int]:
    """Declarations drawn at random (the dual-random control sample) in a period, for risk's rule performance."""
    return list(ObjectDraw.objects.filter(selected=True, created_at__gte=since, created_at__lte=until)
                .values_list("declaration_id", flat=True))


# --- Staff: officers, rosters, leave and declared conflicts ----------------------------------------------------------

STAFF_VIEWERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
ROSTER_VIEWERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def officer_list(*, user, filters=None) -> QuerySet[OfficerProfile]:
    """The bureau's officers (supervisors and administrators)."""
    require_role(user, *STAFF_VIEWERS)
    queryset = OfficerProfile.objects.select_related("user").prefetch_related("sites").order_by("badge_no")
    return OfficerFilterSet(filters or {}, queryset=queryset).qs


def officer_get(*, user, pk) -> OfficerProfile:
    return _get(officer_list(user=user), pk)


def officer_own(*, user) -> OfficerProfile | None:
    """The user's own officer profile, if any."""
    return OfficerProfile.objects.filter(user=user).first()


def roster_pattern_list(*, user, filters=None) -> QuerySet[RosterPattern]:
    require_role(user, *ROSTER_VIEWERS)
    queryset = RosterPattern.objects.select_related("officer__user", "site").order_by("officer__badge_no", "weekday",
                                                                                       "starts_at", "id")
    return RosterPatternFilterSet(filters or {}, queryset=queryset).qs


def officer_shift_list(*, user, filters=None) -> QuerySet[OfficerShift]:
    require_role(user, *ROSTER_VIEWERS)
    queryset = OfficerShift.objects.select_related("officer__user", "site").order_by("starts_at", "id")
    return OfficerShiftFilterSet(filters or {}, queryset=queryset).qs


def roster_cancellation_list(*, user, filters=None) -> QuerySet[RosterCancellation]:
    require_role(user, *ROSTER_VIEWERS)
    return RosterCancellation.objects.select_related("pattern").order_by("day", "id")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def roster_week(*, user, site: InspectionSite, monday: date) -> dict:
    """A site's week: one row per officer rostered there, one cell per day holding that day's duties (weekly duties,
    cancelled ones marked, extra shifts) and whether approved leave covers the day."""
    require_role(user, *ROSTER_VIEWERS)
    monday = week_start(monday if duty.plannable(monday) else timezone.localdate())
    days = [monday + timedelta(days=n) for n in range(7)]
    start, end = duty.local_datetime(monday, time(0)), duty.local_datetime(monday + timedelta(days=7), time(0))
    rows: dict[int, dict] = {}

    def row_of(officer_id):
        return rows.setdefault(officer_id, {"cells": [{"day": d, "duties": [], "leave": False} for d in days]})

    for item in duty.duties_between(start, end, site_id=site.pk):
        if monday <= item.day <= days[-1]:
            row_of(item.officer_id)["cells"][(item.day - monday).days]["duties"].append(
                {"duty": item, "cancelled": False})
    for cancellation in RosterCancellation.objects.filter(pattern__site=site, day__gte=monday,
                                                          day__lte=days[-1]).select_related("pattern"):
        pattern = cancellation.pattern
        starts_at, ends_at = duty.pattern_span(cancellation.day, pattern.starts_at, pattern.ends_at)
        row_of(pattern.officer_id)["cells"][(cancellation.day - monday).days]["duties"].append(
            {"duty": duty.Duty(pattern.officer_id, site.pk, starts_at, ends_at, cancellation.day,
                               pattern_id=pattern.pk), "cancelled": True, "cancellation": cancellation})
    leave = duty.approved_leave(monday, days[-1], officer_ids=list(rows))
    officers = OfficerProfile.objects.select_related("user").in_bulk(list(rows))
    result = []
    for officer_id, row in rows.items():
        for cell in row["cells"]:
            cell["leave"] = duty.on_leave(leave.get(officer_id, ()), cell["day"])
            cell["duties"].sort(key=lambda entry: entry["duty"].starts_at)
        result.append({"officer": officers[officer_id], **row})
    result.sort(key=lambda row: row["officer"].badge_no)
    return {"site": site, "monday": monday, "days": days, "rows": result,
            "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7)}


def leave_list(*, user, filters=None) -> QuerySet[OfficerLeave]:
    """Supervisors and administrators see everyone's leave; an officer their own."""
    queryset = OfficerLeave.objects.select_related("officer__user", "decided_by").order_by("-first_day", "-id")
    if not has_role(user, *STAFF_VIEWERS):
        require_role(user, Role.OFFICER)
        queryset = queryset.filter(officer__user=user)
    return LeaveFilterSet(filters or {}, queryset=queryset).qs


def leave_get(*, user, pk) -> OfficerLeave:
    return _get(leave_list(user=user), pk)


def conflict_list(*, user, filters=None) -> QuerySet[ConflictOfInterest]:
    """The declared conflicts: the whole list for supervisors and administrators, an officer's own declarations
    for the officer; nobody outside the bureau."""
    queryset = ConflictOfInterest.objects.select_related("officer__user", "enterprise", "acknowledged_by").order_by(
        "-declared_at", "-id")
    if not has_role(user, *STAFF_VIEWERS):
        require_role(user, Role.OFFICER)
        queryset = queryset.filter(officer__user=user)
    return ConflictFilterSet(filters or {}, queryset=queryset).qs


def conflict_get(*, user, pk) -> ConflictOfInterest:
    return _get(conflict_list(user=user), pk)


def enterprise_find(text: str):
    """The enterprise an officer names by its unified social credit code or its exact name, or None."""
    text = (text or "").strip()
    if not text:
        return None
    return Enterprise.objects.filter(Q(uscc=text.upper()) | Q(name_zh=text) | Q(name_en__iexact=text)).order_by(
        "pk").first()
def joint_inspection_outcome(joint) -> dict | None:
    """The outcome of a joint inspection: its inspection task's conclusion once concluded; otherwise, once every
    agency recorded its result, non-conform if any agency found non-conformity, conform if none did."""
    task = joint.task
    if task is not None and task.status == TaskStatus.CONCLUDED:
        return {"conclusion": task.conclusion, "disposition": task.disposition,
                "concluded_at": task.concluded_at.isoformat() if task.concluded_at else None}
    if joint.status != JointStatus.COMPLETED:
        return None
    results = {finding.result for finding in joint.findings.all()}
    conclusion = Conclusion.NON_CONFORM if Conclusion.NON_CONFORM in results else Conclusion.CONFORM
    return {"conclusion": conclusion, "disposition": "",
            "concluded_at": joint.completed_at.isoformat() if joint.completed_at else None}


# --- samples, laboratory orders and results over the API ----------------------------------------------------------


def laboratory_of(user) -> Lab | None:
    """The laboratory whose system ``user`` is (the account of the agency client its API keys belong to), or None."""
    client = user_agency_client(user)
    if client is None:
        return None
    return Lab.objects.filter(api_client=client).first()


def _lab_work_scope(queryset: QuerySet, *, user, lab_field: str, enterprise_field: str | None) -> QuerySet:
    """Bureau staff see every row; a laboratory's system the rows of its own orders; a partner agency holding
    ``lab_work:read`` every row; a declarant (where ``enterprise_field`` is given) its own enterprise's rows."""
    if is_bureau_user(user):
        return queryset
    lab = laboratory_of(user)
    if lab is not None:
        return queryset.filter(**{lab_field: lab}).distinct()
    client = user_agency_client(user)
    if client is not None:
        return queryset if AgencyScope.LAB_WORK_READ in client_effective_scopes(client) else queryset.none()
    if enterprise_field is None:
        return queryset.none()
    return scope_queryset(queryset, user=user, enterprise_field=enterprise_field)


def sample_list(*, user) -> QuerySet[Sample]:
    queryset = (Sample.objects.select_related("task__declaration").prefetch_related("custody")
                .order_by("-taken_at", "-id"))
    return _lab_work_scope(queryset, user=user, lab_field="lab_orders__lab", enterprise_field=None)


def lab_order_list(*, user) -> QuerySet[LabOrder]:
    queryset = (LabOrder.objects.select_related("task__declaration", "sample", "lab").prefetch_related("results")
                .order_by("-ordered_at", "-id"))
    return _lab_work_scope(queryset, user=user, lab_field="lab", enterprise_field=None)


def lab_result_list(*, user) -> QuerySet[LabResult]:
    """Results as ``user`` may read them; a declarant reads its own enterprise's (the API leaves out why the
    consignment was inspected)."""
    queryset = (LabResult.objects.select_related("order__task__declaration", "order__sample", "order__lab")
                .order_by("-recorded_at", "-id"))
    return _lab_work_scope(queryset, user=user, lab_field="order__lab", enterprise_field="order__task__enterprise")


def lab_order_get_for_results(*, user, pk) -> LabOrder:
    """The order a laboratory's system posts results for: one of its own laboratory's (another's is a 404)."""
    lab = laboratory_of(user)
    if lab is None:
        raise PermissionDenied(_("Only an accredited laboratory's own system posts laboratory results."))
    try:
        return LabOrder.objects.select_related("task", "lab").get(pk=pk, lab=lab)
    except (LabOrder.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sample_get_for_custody(*, user, pk) -> Sample:
    """The sample whose hand-over ``user`` records: any, for bureau staff; one sent to it, for a laboratory."""
    if is_bureau_user(user):
        queryset = Sample.objects.all()
    elif (lab := laboratory_of(user)) is not None:
        queryset = Sample.objects.filter(lab_orders__lab=lab).distinct()
    else:
        raise PermissionDenied(_("Custody is recorded by the bureau and by the laboratory holding the sample."))
    try:
        return queryset.select_related("task").get(pk=pk)
    except Sample.DoesNotExist as exc:
        raise Http404 from exc
