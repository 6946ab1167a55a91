"""Releases, decisions and what the declarant sees, in the user's scope; the drafts submitted together."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from ciq_portal.roles import Role, has_role
from ciq_portal.scoping import get_in_scope, scope_queryset
from ciq_portal.search import SearchHit
from declarations.choices import DeclarationStatus
from declarations.models import Declaration

from ..choices import NextStep
from ..filtersets import ReleaseFilterSet
from ..models import (
    BulkSubmission,
    PostReleaseCheck,
    Recall,
    RecallNotice,
    Release,
    ReleaseDecision,
)
from ._shared import OFFICE_RE, TOKEN_RE


def _release_scope(queryset, *, user):
    """Bureau staff: all; a declarant: their enterprise's; a partner agency (port, customs): every release, read
    only, for the paperless release order (the API checks their ``release_status:read`` scope)."""
    if has_role(user, Role.PARTNER_AGENCY) and not has_role(user, Role.DECLARANT):
        return queryset
    return scope_queryset(queryset, user=user)


def release_list(*, user, filters=None) -> QuerySet[Release]:
    queryset = Release.objects.select_related("declaration", "enterprise", "certificate").order_by("-released_at")
    queryset = _release_scope(queryset, user=user)
    return ReleaseFilterSet(filters or {}, queryset=queryset).qs


def release_search(*, user, query: str, limit: int) -> list[SearchHit]:
    """Releases by certificate number or trace code, in the user's scope."""
    term = query.upper()
    queryset = _release_scope(Release.objects.select_related("declaration", "certificate"), user=user)
    match = Q(certificate__number__startswith=term) | Q(trace_code=query)
    hits = []
    for release in queryset.filter(match).order_by("-released_at")[:limit]:
        certificate = getattr(release, "certificate", None)
        hits.append(SearchHit(title=certificate.number if certificate else release.trace_code,
                              detail=f"{release.declaration.number} · {release.get_status_display()}",
                              url=reverse("release:detail", args=[release.pk])))
    return hits


def release_get(*, user, pk) -> Release:
    queryset = _release_scope(Release.objects.select_related("declaration", "enterprise", "decision",
                                                             "certificate"), user=user)
    release = queryset.filter(pk=pk).first()
    if release is None:
        raise Http404
    return release


def decision_for_declaration(*, user, declaration_pk) -> ReleaseDecision:
    return get_in_scope(ReleaseDecision.objects.select_related("declaration__release", "enterprise", "task"),
                        user=user, declaration_id=declaration_pk)


def release_summary(declaration) -> dict:
    """What a declarant may see of a declaration's release: mode, next step, trace code, certificate number.
    Pages and API views of the declarations app may call this (release sits above declarations)."""
    decision = ReleaseDecision.objects.filter(declaration_id=declaration.pk).first()
    release = Release.objects.filter(declaration_id=declaration.pk).select_related("certificate").first()
    certificate = getattr(release, "certificate", None) if release else None
    return {
        "release_mode": decision.mode if decision else (declaration.release_mode or ""),
        "next_step": decision.next_step if decision else "",
        "next_step_label": str(decision.get_next_step_display()) if decision else "",
        "trace_code": release.trace_code if release else None,
        "certificate_number": certificate.number if certificate else None,
        "recalled": bool(release and release.status == "recalled"),
    }


def verification_queue() -> QuerySet[ReleaseDecision]:
    """Verify-release declarations whose report waits for an officer."""
    supplied_elsewhere = Q(next_step=NextStep.SUPPLY_REPORT, declaration__status="submitted",
                           declaration__test_reports__isnull=False)
    return (ReleaseDecision.objects.filter(Q(next_step=NextStep.AWAIT_VERIFICATION) | supplied_elsewhere)
            .select_related("declaration", "enterprise").distinct().order_by("decided_at"))


def direct_release_list(*, office: str = "") -> QuerySet[ReleaseDecision]:
    """Direct-release (直通) consignments inspected at destination, for the destination office."""
    queryset = (ReleaseDecision.objects.filter(inspection_place="destination")
                .select_related("declaration", "enterprise", "task").order_by("-decided_at"))
    if office and not OFFICE_RE.fullmatch(office):
        return queryset.none()
    return queryset.filter(destination_office=office) if office else queryset


def post_check_list(*, status: str = "scheduled") -> QuerySet[PostReleaseCheck]:
    queryset = PostReleaseCheck.objects.select_related("release__declaration", "release__enterprise")
    return queryset.filter(status=status) if status else queryset


def recall_list(*, user, status: str = "") -> QuerySet[Recall]:
    queryset = Recall.objects.select_related("release__declaration", "release__enterprise").annotate(
        buyers=Count("notices"), acknowledged=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)))
    queryset = scope_queryset(queryset, user=user, enterprise_field="release__enterprise")
    return queryset.filter(status=status) if status else queryset


def recall_notice_by_token(token: str) -> RecallNotice:
    if not TOKEN_RE.fullmatch(token or ""):
        raise Http404
    notice = (RecallNotice.objects.select_related("recall__release__declaration", "recall__release__enterprise",
                                                  "distribution").filter(token=token).first())
    if notice is None:
        raise Http404
    return notice


BULK_SUBMIT_MAX = 1000  # drafts in one bulk submission


def bulk_submit_drafts(*, user, import_job=None) -> QuerySet[Declaration]:
    """The drafts the user may submit together (their enterprise's), those of one bulk import if given."""
    queryset = scope_queryset(Declaration.objects.filter(status=DeclarationStatus.DRAFT), user=user)
    if import_job is not None:
        queryset = queryset.filter(import_job=import_job)
    return queryset.order_by("-created_at", "-id")[:BULK_SUBMIT_MAX]


def bulk_submission_list(*, user) -> QuerySet[BulkSubmission]:
    return scope_queryset(BulkSubmission.objects.select_related("import_job"), user=user)


def bulk_submission_get(*, user, pk) -> BulkSubmission:
    return get_in_scope(BulkSubmission.objects.select_related("import_job"), user=user, pk=pk)
