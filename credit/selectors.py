from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.reference import reference_cached
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role
from ciq_portal.scoping import get_in_scope, scope_queryset, user_enterprise_id
from ciq_portal.search import SearchHit

from .choices import ApplicationStatus, CreditGrade, MembershipRole
from .filtersets import (
    CreditEventFilterSet,
    DeclarantCreditEventFilterSet,
    EnterpriseFilterSet,
    GradeObjectionFilterSet,
)
from .grading import is_better
from .models import (
    BrokerDelegation,
    CreditEvent,
    Enterprise,
    EnterpriseApplication,
    EnterpriseMembership,
    GradeChange,
    GradeObjection,
    InspectionPolicy,
)
from .policy import DEFAULT_BUDGETS, DEFAULT_RATIOS

POLICY_KEY = "credit:inspection-policy"
# Evidence of these kinds is shown to the enterprise itself; other references (e.g. an agency's case file) are not.
# The bureau's own services write "inspection_task" (an inspection's conclusion, a lab failure) and "release" (a
# recall of a released lot); "inspection" and "recall" are kept for events recorded with them before.
DECLARANT_VISIBLE_EVIDENCE = frozenset({"declaration", "inspection", "inspection_task", "lab_report", "certificate",
                                        "penalty_decision", "recall", "release", "credit_event"})


def _enterprise_scope(queryset: QuerySet, *, user, enterprise_field: str) -> QuerySet:
    # Partner agencies exchange credit information (§6): they read every enterprise's grade.
    if has_role(user, Role.PARTNER_AGENCY) and not has_role(user, Role.DECLARANT):
        return queryset
    return scope_queryset(queryset, user=user, enterprise_field=enterprise_field)


def enterprise_list(*, user, filters: dict | None = None) -> QuerySet[Enterprise]:
    queryset = _enterprise_scope(Enterprise.objects.all(), user=user, enterprise_field="pk")
    return EnterpriseFilterSet(filters or {}, queryset=queryset).qs


def enterprise_search(*, user, query: str, limit: int) -> list[SearchHit]:
    """Enterprises by unified social credit code or by a part of either name (a declarant finds only its own)."""
    queryset = _enterprise_scope(Enterprise.objects.all(), user=user, enterprise_field="pk")
    match = Q(uscc=query.upper()) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
    bureau = is_bureau_user(user)
    return [SearchHit(title=str(enterprise), detail=enterprise.uscc or "",
                      url=reverse("credit:enterprise_detail", args=[enterprise.pk]) if bureau
                      else reverse("credit:my_credit"))
            for enterprise in queryset.filter(match).order_by("name_zh")[:limit]]


def enterprise_get(*, user, pk) -> Enterprise:
    queryset = _enterprise_scope(Enterprise.objects.all(), user=user, enterprise_field="pk")
    return _get(queryset, pk)


def enterprise_for_event(*, pk=None, uscc: str = "") -> Enterprise:
    """The enterprise a credit event names, by id or by USCC; a ValidationError on ``enterprise`` if none is."""
    enterprise = (Enterprise.objects.filter(pk=pk) if pk else Enterprise.objects.filter(uscc=uscc.upper())).first()
    if enterprise is None:
        raise ValidationError({"enterprise": [_("No such enterprise.")]})
    return enterprise


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _event_scope(user) -> QuerySet[CreditEvent]:
    queryset = CreditEvent.objects.select_related("enterprise", "corrects")
    if has_role(user, Role.PARTNER_AGENCY) and not has_role(user, Role.DECLARANT):
        # An agency sees the events it pushed itself.
        return queryset.filter(source_name=user.username)
    return scope_queryset(queryset, user=user)


def credit_event_list(*, user, filters: dict | None = None) -> QuerySet[CreditEvent]:
    return credit_event_filterset(user=user)(filters or {}, queryset=_event_scope(user)).qs


def credit_event_filterset(*, user) -> type[DeclarantCreditEventFilterSet]:
    """The filters ``user`` may use on credit events (a declarant's leave out the agencies' references)."""
    return DeclarantCreditEventFilterSet if has_role(user, Role.DECLARANT) else CreditEventFilterSet


def credit_event_get(*, user, pk) -> CreditEvent:
    return _get(_event_scope(user), pk)


def evidence_visible(event: CreditEvent, user) -> bool:
    return not has_role(user, Role.DECLARANT) or event.evidence_type in DECLARANT_VISIBLE_EVIDENCE


def grade_change_list(*, user, enterprise_id=None) -> QuerySet[GradeChange]:
    queryset = scope_queryset(GradeChange.objects.select_related("enterprise").prefetch_related("events"), user=user)
    return queryset.filter(enterprise_id=enterprise_id) if enterprise_id is not None else queryset


def grade_change_get(*, user, pk) -> GradeChange:
    return get_in_scope(GradeChange.objects.select_related("enterprise"), user=user, pk=pk)


def grade_objection_list(*, user, filters: dict | None = None) -> QuerySet[GradeObjection]:
    queryset = scope_queryset(GradeObjection.objects.select_related("enterprise", "grade_change", "filed_by"),
                              user=user)
    return GradeObjectionFilterSet(filters or {}, queryset=queryset).qs


def grade_objection_get(*, user, pk) -> GradeObjection:
    return get_in_scope(GradeObjection.objects.select_related("enterprise", "grade_change"), user=user, pk=pk)


# --- differentiated supervision ---------------------------------------------------------------------------------


def inspection_policy_current() -> dict:
    """{"version": n, "ratios": {grade: float}, "budgets": {grade: float}} of the version in force. Every
    submission's draw reads it: remembered per process (ciq_portal.reference), forgotten by the service that
    edits it."""
    return reference_cached(POLICY_KEY, _policy_in_force)


def _policy_in_force() -> dict:
    policy = InspectionPolicy.objects.order_by("-version").first()
    if policy is None:
        return {"version": 0, "ratios": {g: float(r) for g, r in DEFAULT_RATIOS.items()},
                "budgets": {g: float(r) for g, r in DEFAULT_BUDGETS.items()}}
    return {"version": policy.version, "ratios": {g: float(r) for g, r in policy.ratios().items()},
            "budgets": {g: float(r) for g, r in policy.budgets().items()}}


def inspection_ratio_for_grade(grade) -> tuple[float, int]:
    """The target inspection ratio (0–1) of ``grade`` and the policy version it comes from."""
    current = inspection_policy_current()
    ratios = current["ratios"]
    return ratios.get(str(grade), ratios[CreditGrade.B]), current["version"]


def inspection_budget_for_grade(grade) -> tuple[float, float, int]:
    """(budget, random ratio, policy version) of ``grade``: the share inspected in all and the share drawn."""
    current = inspection_policy_current()
    grade = str(grade) if str(grade) in current["ratios"] else CreditGrade.B
    return current["budgets"][grade], current["ratios"][grade], current["version"]


def inspection_policy_versions() -> QuerySet[InspectionPolicy]:
    return InspectionPolicy.objects.select_related("created_by").order_by("-version")


# --- supervisor overview ----------------------------------------------------------------------------------------


def grade_distribution() -> list[dict]:
    counts = dict(Enterprise.objects.order_by().values("credit_grade").annotate(n=Count("id"))
                  .values_list("credit_grade", "n"))
    total = sum(counts.values()) or 1
    return [{"grade": grade, "label": label, "count": counts.get(grade, 0),
             "share": Decimal(counts.get(grade, 0) * 100) / total} for grade, label in CreditGrade.choices]


def grade_movements(*, months: int = 12) -> list[dict]:
    """Upgrades and downgrades per month over the last ``months`` months."""
    since = timezone.now() - timedelta(days=31 * months)
    rows = (GradeChange.objects.filter(changed_at__gte=since).order_by()
            .annotate(month=TruncMonth("changed_at")).values("month", "old_grade", "new_grade")
            .annotate(n=Count("id")))
    by_month: dict = {}
    for row in rows:
        entry = by_month.setdefault(row["month"].date() if hasattr(row["month"], "date") else row["month"],
                                    {"up": 0, "down": 0})
        entry["up" if is_better(row["new_grade"], row["old_grade"]) else "down"] += row["n"]
    return [{"month": month, **counts} for month, counts in sorted(by_month.items())]


# --- enterprise administrators and customs brokers --------------------------------------------------------------


def administered_enterprise_id(user) -> int | None:
    """The enterprise ``user`` administers (its membership's role is administrator), or None."""
    enterprise_id = user_enterprise_id(user)
    if enterprise_id is None:
        return None
    membership = getattr(user, "enterprise_membership", None)
    return enterprise_id if membership is not None and membership.role == MembershipRole.ADMINISTRATOR else None


def require_enterprise_administrator(user) -> int:
    """The enterprise ``user`` administers; PermissionDenied (403) for anyone else."""
    enterprise_id = administered_enterprise_id(user)
    if enterprise_id is None:
        raise PermissionDenied
    return enterprise_id


def member_list(*, user) -> QuerySet[EnterpriseMembership]:
    """The active users of the enterprise ``user`` administers."""
    enterprise_id = require_enterprise_administrator(user)
    return (EnterpriseMembership.objects.filter(enterprise_id=enterprise_id, user__is_active=True)
            .select_related("user").order_by("role", "user__last_name", "user__first_name", "user__username"))


def member_get(*, user, pk) -> EnterpriseMembership:
    return _get(member_list(user=user), pk)


def delegation_list(*, user) -> QuerySet[BrokerDelegation]:
    """Delegations an enterprise granted (its administrator) or received (a broker's declarants); the bureau: all."""
    queryset = BrokerDelegation.objects.select_related("importer", "broker", "granted_by", "revoked_by")
    if is_bureau_user(user):
        return queryset
    enterprise_id = user_enterprise_id(user)
    if enterprise_id is None:
        return queryset.none()
    return queryset.filter(Q(importer_id=enterprise_id) | Q(broker_id=enterprise_id))


def delegation_get_granted(*, user, pk) -> BrokerDelegation:
    """A delegation the enterprise ``user`` administers granted (another's is a 404)."""
    enterprise_id = require_enterprise_administrator(user)
    return _get(delegation_list(user=user).filter(importer_id=enterprise_id), pk)


def delegations_in_force(*, broker_id, on=None) -> list[BrokerDelegation]:
    """The delegations a broker holds today: read at every request, so a revocation takes effect at once."""
    on = on or timezone.localdate()
    return list(BrokerDelegation.objects.filter(broker_id=broker_id, revoked_at__isnull=True, valid_from__lte=on,
                                                valid_until__gte=on).select_related("importer"))


def delegating_importers(*, user) -> list[Enterprise]:
    """The importers whose declarations the enterprise of ``user`` may file today as their customs broker."""
    enterprise_id = user_enterprise_id(user)
    if enterprise_id is None:
        return []
    importers = {d.importer_id: d.importer for d in delegations_in_force(broker_id=enterprise_id)}
    return sorted(importers.values(), key=lambda e: e.display_name)


def delegation_refusals(*, broker_id, importer_id, port: str, hs_codes: list[str], on=None) -> dict:
    """Why the broker may not file this declaration for the importer today ({field: [message]}), or {} if one
    delegation in force covers its port and every goods line. Line errors are keyed ``lines.<i>.hs_code``."""
    delegations = [d for d in delegations_in_force(broker_id=broker_id, on=on) if d.importer_id == importer_id]
    if not delegations:
        return {"enterprise": [_("Importer: your enterprise holds no delegation in force from this importer "
                                 "(it expired, was revoked or was never granted).")]}
    for_port = [d for d in delegations if d.covers_port(port)]
    if not for_port:
        return {"port_of_entry": [_("Port / office of entry: the importer's delegation does not cover %(port)s.")
                                  % {"port": port}]}
    if any(all(d.covers_hs_code(code) for code in hs_codes) for d in for_port):
        return {}
    errors = {}
    for index, code in enumerate(hs_codes):
        if not any(d.covers_hs_code(code) for d in for_port):
            errors[f"lines.{index}.hs_code"] = [
                _("HS code: the importer's delegation does not cover chapter %(chapter)s.") % {"chapter": code[:2]}]
    return errors or {"lines": [_("Goods: no single delegation covers all these goods at this port.")]}


def enterprise_application_list(*, user, status: str | None = ApplicationStatus.PENDING):
    """Applications of enterprises for an account, for the bureau's administrators (403 for anyone else)."""
    require_role(user, Role.ADMINISTRATOR)
    queryset = EnterpriseApplication.objects.select_related("decided_by", "enterprise")
    return queryset.filter(status=status) if status else queryset


def enterprise_application_get(*, user, pk) -> EnterpriseApplication:
    return _get(enterprise_application_list(user=user, status=None), pk)
