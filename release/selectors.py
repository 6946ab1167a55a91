"""Every read of the release app: policy tables, releases in the user's scope, the public trace and verification
views (which carry nothing private), and the figures of the supervisors' dashboard."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ciq_portal.i18n import name_for_reader
from ciq_portal.reference import reference_cached
from ciq_portal.roles import Role, has_role
from ciq_portal.scoping import get_in_scope, scope_queryset
from ciq_portal.search import SearchHit
from credit.selectors import inspection_budget_for_grade, inspection_policy_current
from declarations.choices import DeclarationStatus
from declarations.models import Declaration, HSCode
from declarations.nomenclature import hs_categories
from inspection.models import InspectionSite, InspectionTask
from inspection.transitions import OPEN_STATUSES

from . import certificates, clearance, matrix, stages, targeting
from .choices import ClearanceBasis, NegativeListKind, NextStep, RecallStatus, Selection
from .filtersets import ReleaseFilterSet
from .models import (
    BulkSubmission,
    Certificate,
    ClearanceBucket,
    ClearanceBucketMonth,
    DailyReleaseStat,
    NegativeListEntry,
    OfficerDailyStat,
    PostReleaseCheck,
    Recall,
    RecallNotice,
    Release,
    ReleaseDecision,
    ReleaseMatrixVersion,
    SelectionCutoffs,
    StageBucket,
    StageBucketMonth,
    StatsRefresh,
)

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")  # trace codes and recall tokens (secrets.token_urlsafe)
NUMBER_RE = re.compile(r"[A-Za-z0-9-]{1,40}")  # certificate numbers
OFFICE_RE = re.compile(r"[A-Za-z0-9]{1,16}")

# --- Policy tables ----------------------------------------------------------------------------------------------


MATRIX_KEY = "release-matrix"
NEGATIVE_LIST_KEY = "negative-list"
CUTOFFS_KEY = "release-selection-cutoffs"


def _matrix_in_force() -> tuple[int, dict]:
    current = ReleaseMatrixVersion.objects.order_by("-version").first()
    if current is None:
        return 0, matrix.DEFAULT_CELLS
    return current.version, current.cells


def release_matrix_current() -> tuple[int, dict]:
    """(version, cells) in force; version 0 is the built-in default."""
    return reference_cached(MATRIX_KEY, _matrix_in_force)


def selection_cutoffs_current() -> dict | None:
    """{"version", "grades": {grade: cut-off figures}} of the risk-targeting cut-offs in force, None before the first
    computation. Every submission reads it: remembered per process, forgotten by the service that computes it."""
    return reference_cached(CUTOFFS_KEY, lambda: (SelectionCutoffs.objects.order_by("-version")
                                                  .values("version", "grades").first()))


def selection_probabilities(declaration_ids) -> dict[int, float]:
    """{declaration id: the probability its inspection was selected with} (risk's training weighs by it)."""
    return dict(ReleaseDecision.objects.filter(declaration_id__in=list(declaration_ids),
                                               selection_probability__isnull=False)
                .values_list("declaration_id", "selection_probability"))


def selection_cutoffs_versions() -> QuerySet[SelectionCutoffs]:
    return SelectionCutoffs.objects.order_by("-version")


def release_matrix_versions() -> QuerySet[ReleaseMatrixVersion]:
    return ReleaseMatrixVersion.objects.select_related("created_by").order_by("-version")


def negative_list(*, active_only: bool = True) -> QuerySet[NegativeListEntry]:
    queryset = NegativeListEntry.objects.select_related("created_by", "retired_by")
    return queryset.filter(active=True) if active_only else queryset


def negative_list_matches(declaration) -> list[NegativeListEntry]:
    """Active negative-list entries that cover any goods line (HS code prefix, or the line's category)."""
    entries = reference_cached(NEGATIVE_LIST_KEY, lambda: list(NegativeListEntry.objects.filter(active=True)))
    if not entries:
        return []
    codes = {line.hs_code for line in declaration.lines.all()}
    categories = set().union(*(hs_categories(code) for code in codes))
    return [e for e in entries
            if (e.kind == NegativeListKind.HS_PREFIX and any(code.startswith(e.value) for code in codes))
            or (e.kind == NegativeListKind.CATEGORY and e.value in categories)]


# --- Releases, decisions and what the declarant sees -----------------------------------------------------------


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


# --- Drafts submitted together -------------------------------------------------------------------------------

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


# --- Public pages: nothing private (no values, no risk reasons, no buyers) --------------------------------------


def _goods(declaration) -> list[dict]:
    lines = list(declaration.lines.order_by("line_no"))
    names = {h.code: h for h in HSCode.objects.filter(code__in={line.hs_code[:n] for line in lines
                                                                   for n in (4, 6, 8, 10)})}

    def name(code):
        for n in (10, 8, 6, 4):
            if code[:n] in names:
                return names[code[:n]]
        return None

    return [{"hs_code": line.hs_code, "description": line.description, "origin": line.origin_country,
             "quantity": line.quantity, "unit": line.unit, "lots": line.lot_numbers,
             "hs": name(line.hs_code)} for line in lines]


def trace_view(trace_code: str) -> dict:
    if not TOKEN_RE.fullmatch(trace_code or ""):
        raise Http404
    release = (Release.objects.select_related("declaration", "enterprise", "certificate")
               .filter(trace_code=trace_code).first())
    if release is None:
        raise Http404
    recall = release.recalls.order_by("-opened_at").first()
    return {
        "release": release,
        "importer": release.enterprise,
        "goods": _goods(release.declaration),
        "certificate": getattr(release, "certificate", None),
        "recall": recall,
        "recalled": release.status == "recalled",
    }


@dataclass
class Verification:
    """``genuine``: the certificate exists, its content is what the bureau signed, and the signature presented (the
    QR code's, if any) is that signature. ``status`` says whether a genuine certificate still stands."""

    genuine: bool
    certificate: Certificate | None
    reason: str  # "ok", "unknown", "altered", "signature_mismatch"
    status: str = ""  # for a genuine certificate: "valid", "revoked" or "recalled"

    @property
    def valid(self) -> bool:
        return self.genuine and self.status == "valid"


def certificate_verify(number: str, signature: str | None = None) -> Verification:
    number = (number or "").strip()
    certificate = (Certificate.objects.select_related("release__enterprise").filter(number=number).first()
                   if NUMBER_RE.fullmatch(number) else None)
    if certificate is None:
        return Verification(False, None, "unknown")
    if not certificates.is_genuine(certificate.facts, certificate.key_id, certificate.signature):
        return Verification(False, certificate, "altered")
    if signature is not None and signature.strip() != certificate.signature:
        return Verification(False, certificate, "signature_mismatch")
    status = ("revoked" if certificate.revoked_at else
              "recalled" if certificate.release.status == "recalled" else "valid")
    return Verification(True, certificate, "ok", status)


def certificate_record(certificate: Certificate, verification: Verification) -> dict:
    """A certificate as published for anyone to check its signature themselves, with the bureau's verdict."""
    return {"number": certificate.number, "genuine": verification.genuine, "status": verification.status or None,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "revocation_reason": certificate.revocation_reason or None,
            "signed": certificates.signed_content(certificate.facts, certificate.key_id),
            "key_id": certificate.key_id, "signature": certificate.signature}


def certificate_get(*, user, number) -> Certificate:
    if not NUMBER_RE.fullmatch(number or ""):
        raise Http404
    return get_in_scope(Certificate.objects.select_related("release__declaration", "release__enterprise"),
                        user=user, enterprise_field="release__enterprise", number=number)


# --- Dashboard ----------------------------------------------------------------------------------------------------


@dataclass
class Period:
    first: date
    last: date
    port: str = ""
    grade: str = ""
    basis: str = ClearanceBasis.SUBMISSION
    site: str = ""


def _stat_rows(period: Period, model=DailyReleaseStat):
    queryset = model.objects.filter(day__gte=period.first, day__lte=period.last)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return queryset


def _month_split(first: date, last: date) -> tuple[date | None, date | None]:
    """The whole calendar months inside [first, last] as [month_first, month_end) or (None, None)."""
    start = first if first.day == 1 else (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = (last + timedelta(days=1)).replace(day=1) if (last + timedelta(days=1)).day != 1 else last + timedelta(days=1)
    return (start, end) if start < end else (None, None)


def clearance_histograms(period: Period) -> dict[str, dict[int, int]]:
    """Clearance-time histograms per mode: whole months from the monthly roll-up, the rest from daily rows."""
    histograms: dict[str, dict[int, int]] = {}

    def add(queryset):
        if period.port:
            queryset = queryset.filter(port=period.port)
        if period.grade:
            queryset = queryset.filter(grade=period.grade)
        for row in queryset.filter(basis=period.basis).values("mode", "bucket").annotate(n=Sum("count")).order_by():
            hist = histograms.setdefault(row["mode"], {})
            hist[row["bucket"]] = hist.get(row["bucket"], 0) + row["n"]

    month_start, month_end = _month_split(period.first, period.last)
    if month_start is None:
        add(ClearanceBucket.objects.filter(day__gte=period.first, day__lte=period.last))
    else:
        add(ClearanceBucketMonth.objects.filter(month__gte=month_start, month__lt=month_end))
        add(ClearanceBucket.objects.filter(Q(day__gte=period.first, day__lt=month_start)
                                           | Q(day__gte=month_end, day__lte=period.last)))
    return histograms


def _ratio(numerator, denominator):
    return (numerator / denominator) if denominator else None


def dashboard(period: Period) -> dict:
    """Every figure of the supervisors' dashboard for a period, port and grade: a handful of grouped queries on
    the materialised summary tables plus live counts of what is open now (queue, workload, recalls)."""
    mode_rows = {row["mode"]: row for row in _stat_rows(period).values("mode").annotate(
        released=Sum("released"), decided=Sum("decided"), sub_n=Sum("clear_sub_count"),
        sub_min=Sum("clear_sub_minutes"), arr_n=Sum("clear_arr_count"), arr_min=Sum("clear_arr_minutes"))}
    histograms = clearance_histograms(period)
    by_mode = []
    for mode in matrix.MODES:
        row = mode_rows.get(mode, {})
        n_key, min_key = ("arr_n", "arr_min") if period.basis == ClearanceBasis.ARRIVAL else ("sub_n", "sub_min")
        hist = histograms.get(mode, {})
        by_mode.append({
            "mode": mode, "released": row.get("released") or 0, "decided": row.get("decided") or 0,
            "mean_hours": _hours(_ratio(row.get(min_key) or 0, row.get(n_key) or 0)),
            "median_hours": _hours(clearance.percentile(hist, 0.5)),
            "p90_hours": _hours(clearance.percentile(hist, 0.9)),
            "timed": row.get(n_key) or 0,
        })

    grade_rows = {row["grade"]: row for row in _stat_rows(period).values("grade").annotate(
        decided=Sum("decided"), inspected=Sum("inspected"), random=Sum("random_selected"))}
    by_grade = []
    for grade in matrix.GRADES:
        if period.grade and grade != period.grade:
            continue
        row = grade_rows.get(grade, {})
        # The target is the grade's budget: everything inspected, the random sample included.
        target, random_target, policy_version = inspection_budget_for_grade(grade)
        by_grade.append({"grade": grade, "decided": row.get("decided") or 0, "inspected": row.get("inspected") or 0,
                         "random": row.get("random") or 0,
                         "achieved": _ratio(row.get("inspected") or 0, row.get("decided") or 0),
                         "random_ratio": _ratio(row.get("random") or 0, row.get("decided") or 0),
                         "target": float(target), "budget": float(target), "random_target": float(random_target),
                         "policy_version": policy_version})

    totals = _stat_rows(period).aggregate(
        ct=Sum("concluded_targeted"), nt=Sum("nonconform_targeted"), cr=Sum("concluded_random"),
        nr=Sum("nonconform_random"), lab_n=Sum("lab_resulted"), lab_min=Sum("lab_minutes"))
    hit_rate = [
        {"kind": "targeted", "concluded": totals["ct"] or 0, "nonconform": totals["nt"] or 0,
         "rate": _ratio(totals["nt"] or 0, totals["ct"] or 0)},
        {"kind": "random", "concluded": totals["cr"] or 0, "nonconform": totals["nr"] or 0,
         "rate": _ratio(totals["nr"] or 0, totals["cr"] or 0)},
    ]
    lab = {"resulted": totals["lab_n"] or 0,
           "mean_hours": _hours(_ratio(totals["lab_min"] or 0, totals["lab_n"] or 0))}
    refreshed = StatsRefresh.objects.order_by("-refreshed_at").first()
    return {
        "period": period, "by_mode": by_mode, "by_grade": by_grade, "hit_rate": hit_rate, "lab": lab,
        "queue": queue_age(port=period.port), "workload": inspector_workload(),
        "recalls": open_recalls(), "refreshed": refreshed,
        "released_total": sum(r["released"] for r in by_mode),
    }


# --- Inspection budget: budget against achieved per grade and per site -------------------------------------------

BUDGET_TOLERANCE = 0.20  # achieved within ±20 % of the budget
TREND_DAYS = 7


def within_budget(achieved, budget) -> bool | None:
    if achieved is None:
        return None
    return abs(achieved - budget) <= BUDGET_TOLERANCE * budget


def _decisions_in(period: Period):
    queryset = ReleaseDecision.objects.filter(decided_on__gte=period.first, decided_on__lte=period.last,
                                              on_hold=False)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return queryset


def budget_by_grade(period: Period) -> list[dict]:
    """Per grade: decided, inspected, achieved against the budget, the random share against its ratio, what each
    selection (forced, targeted, random, the matrix) inspected, the cut-off in force and a daily trend of the last
    TREND_DAYS days of the period."""
    counts: dict[str, dict] = {}
    for row in (_decisions_in(period).values("grade", "selection")
                .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True)),
                          drawn=Count("id", filter=Q(random_selected=True)),
                          moved=Count("id", filter=~Q(capacity_moved=""))).order_by()):
        entry = counts.setdefault(row["grade"], {"decided": 0, "inspected": 0, "drawn": 0, "moved": 0})
        entry["decided"] += row["n"]
        entry["moved"] += row["moved"]
        entry["inspected"] += row["inspected"]
        entry["drawn"] += row["drawn"]
        if row["selection"]:
            entry[f"by_{row['selection']}"] = entry.get(f"by_{row['selection']}", 0) + row["inspected"]
    # Counted from the period's first day when it is shorter (no date before year 1 is computed).
    trend_first = (period.first if (period.last - period.first).days < TREND_DAYS
                   else period.last - timedelta(days=TREND_DAYS - 1))
    days = [trend_first + timedelta(days=n) for n in range((period.last - trend_first).days + 1)]
    daily: dict[tuple, tuple[int, int]] = {}
    for row in (_decisions_in(Period(trend_first, period.last, port=period.port, grade=period.grade))
                .values("decided_on", "grade")
                .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True))).order_by()):
        daily[(row["decided_on"], row["grade"])] = (row["n"], row["inspected"])
    cutoffs = (selection_cutoffs_current() or {}).get("grades", {})
    rows = []
    for grade in matrix.GRADES:
        if period.grade and grade != period.grade:
            continue
        entry = counts.get(grade, {})
        budget, random_target, policy_version = inspection_budget_for_grade(grade)
        achieved = _ratio(entry.get("inspected", 0), entry.get("decided", 0))
        cut = cutoffs.get(grade) or {}
        rows.append({
            "grade": grade, "decided": entry.get("decided", 0), "inspected": entry.get("inspected", 0),
            "achieved": achieved, "budget": budget, "random_target": random_target,
            "random_ratio": _ratio(entry.get("drawn", 0), entry.get("decided", 0)),
            "forced": entry.get("by_forced", 0), "targeted": entry.get("by_targeted", 0),
            "random": entry.get("by_random", 0), "by_matrix": entry.get("by_matrix", 0),
            "capacity_moved": entry.get("moved", 0),
            "within": within_budget(achieved, budget),
            "cutoff": cut.get("cutoff"), "expected_rate": cut.get("expected_rate"),
            "expected_hits": cut.get("expected_hits"), "policy_version": policy_version,
            "trend": [{"day": day, "decided": daily.get((day, grade), (0, 0))[0],
                       "achieved": _ratio(daily.get((day, grade), (0, 0))[1], daily.get((day, grade), (0, 0))[0])}
                      for day in days],
        })
    return rows


def budget_by_site(period: Period) -> list[dict]:
    """Per inspection site: the inspections opened in the period against its capacity over the period's days, and
    how the budget selected them."""
    days = (period.last - period.first).days + 1
    queryset = ReleaseDecision.objects.filter(decided_on__gte=period.first, decided_on__lte=period.last,
                                              task__isnull=False)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    counts = {row["task__site_id"]: row for row in queryset.values("task__site_id").annotate(
        inspections=Count("id"), forced=Count("id", filter=Q(selection=Selection.FORCED)),
        targeted=Count("id", filter=Q(selection=Selection.TARGETED)),
        random=Count("id", filter=Q(selection=Selection.RANDOM))).order_by()}
    sites = InspectionSite.objects.filter(pk__in=[pk for pk in counts if pk is not None]).order_by("code")
    if period.port:
        sites = sites.filter(port=period.port)
    rows = []
    for site in sites:
        row = counts[site.pk]
        capacity = site.capacity_per_day * days
        rows.append({"site": site.code, "name": site.display_name,
                     "inspections": row["inspections"], "capacity": capacity,
                     "utilisation": _ratio(row["inspections"], capacity), "forced": row["forced"],
                     "targeted": row["targeted"], "random": row["random"]})
    return rows


def budget_projection(*, forced_ids=(), budgets=None, ratios=None, days: int = 28, today=None) -> list[dict]:
    """Per grade, today's expected inspection rate and hits (the cut-offs over the last ``days`` days' decisions)
    beside the projection where the declarations ``forced_ids`` are also inspected whatever the targeting (a rule
    or bulletin replayed: what it adds is counted against the budget and the targeting gives way to it), or where
    the policy's ``budgets`` and random ``ratios`` ({grade: fraction}) are the ones proposed."""
    today = today or timezone.localdate()
    forced_ids = set(forced_ids)
    policy = inspection_policy_current()
    proposed = {"budgets": budgets or policy["budgets"], "ratios": ratios or policy["ratios"]}
    now_past: dict[str, list] = {}
    then_past: dict[str, list] = {}
    for declaration_id, grade, harm, probability, selection in (
            ReleaseDecision.objects.filter(decided_on__gt=today - timedelta(days=days), decided_on__lte=today,
                                           harm__isnull=False, on_hold=False)
            .values_list("declaration_id", "grade", "harm", "hit_probability", "selection").order_by()
            .iterator(chunk_size=5000)):
        forced = selection == Selection.FORCED
        now_past.setdefault(grade, []).append(targeting.PastDecision(harm, probability or 0.0, forced))
        then_past.setdefault(grade, []).append(
            targeting.PastDecision(harm, probability or 0.0, forced or declaration_id in forced_ids))
    now = targeting.cutoffs_for(now_past, budgets=policy["budgets"], ratios=policy["ratios"])
    then = targeting.cutoffs_for(then_past, budgets=proposed["budgets"], ratios=proposed["ratios"])
    return [{"grade": grade, "decisions": now[grade].decisions, "budget": now[grade].budget,
             "budget_projected": then[grade].budget,
             "rate_today": now[grade].expected_rate, "rate_projected": then[grade].expected_rate,
             "forced_today": now[grade].forced_share, "forced_projected": then[grade].forced_share,
             "hits_today": now[grade].expected_hits, "hits_projected": then[grade].expected_hits}
            for grade in matrix.GRADES if grade in now]


BUDGET_WINDOW_DAYS = 92  # the budget is watched over the last quarter of a longer period (counted live)


def budget_watch(period: Period) -> dict:
    """The budget's part of the dashboard (also GET /api/v1/release-dashboard/), over the period's last
    BUDGET_WINDOW_DAYS days at most: its figures are counted on the decisions themselves."""
    if (period.last - period.first).days >= BUDGET_WINDOW_DAYS:
        period = replace(period, first=period.last - timedelta(days=BUDGET_WINDOW_DAYS - 1))
    return {"period": period, "by_grade": budget_by_grade(period), "by_site": budget_by_site(period),
            "cutoffs": selection_cutoffs_current()}


def _hours(minutes):
    return None if minutes is None else round(minutes / 60, 2)


def queue_age(*, port: str = "", now=None) -> dict:
    """Open inspection tasks now: how many, and how long they have waited (in hours), by status."""
    now = now or timezone.now()
    queryset = InspectionTask.objects.filter(status__in=OPEN_STATUSES)
    if port:
        queryset = queryset.filter(declaration__port_of_entry=port)
    rows = []
    # Age bands in hours: a few COUNTs with a filter each, in one query.
    bands = [(0, 4), (4, 8), (8, 24), (24, 72), (72, None)]
    aggregates = {}
    for low, high in bands:
        condition = Q(created_at__lte=now - timedelta(hours=low))
        if high is not None:
            condition &= Q(created_at__gt=now - timedelta(hours=high))
        aggregates[f"b{low}"] = Count("id", filter=condition)
    aggregates["overdue"] = Count("id", filter=Q(due_at__lt=now))
    counts = queryset.aggregate(**aggregates)
    for low, high in bands:
        rows.append({"low": low, "high": high, "count": counts[f"b{low}"]})
    oldest = queryset.order_by("created_at").values_list("created_at", flat=True).first()
    return {"bands": rows, "open": sum(r["count"] for r in rows), "overdue": counts["overdue"],
            "oldest_hours": round((now - oldest).total_seconds() / 3600, 1) if oldest else None}


def overdue_by_site(*, port: str = "", now=None) -> list[dict]:
    """Open inspection tasks past their due time now, per inspection site (live), most first, with how many of
    them were escalated to the site's supervisor."""
    now = now or timezone.now()
    queryset = InspectionTask.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if port:
        queryset = queryset.filter(declaration__port_of_entry=port)
    rows = (queryset.values("site__code", "site__name", "site__name_en")
            .annotate(overdue=Count("id"), escalated=Count("id", filter=Q(escalated_at__isnull=False)))
            .order_by("-overdue", "site__code"))
    return [{"site": r["site__code"] or "", "name": name_for_reader(r["site__name"] or "", r["site__name_en"] or ""),
             "overdue": r["overdue"], "escalated": r["escalated"]} for r in rows]


def inspector_workload(limit: int = 30) -> list[dict]:
    """Open tasks per officer now (live) and inspections each concluded in the last 30 days (summary rows)."""
    open_counts = dict(InspectionTask.objects.filter(status__in=OPEN_STATUSES, assigned_to__isnull=False)
                       .values_list("assigned_to_id").annotate(n=Count("id")).values_list("assigned_to_id", "n")
                       .order_by())
    since = timezone.localdate() - timedelta(days=29)
    concluded = dict(OfficerDailyStat.objects.filter(day__gte=since).values_list("officer_id")
                     .annotate(n=Sum("concluded")).values_list("officer_id", "n").order_by())

    ids = set(open_counts) | set(concluded)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    rows = [{"officer": u.get_full_name() or u.username, "open": open_counts.get(pk, 0),
             "concluded": concluded.get(pk, 0)} for pk, u in users.items()]
    rows.sort(key=lambda r: (-r["open"], -r["concluded"], r["officer"]))
    return rows[:limit]


def open_recalls(limit: int = 20) -> list[dict]:
    rows = (Recall.objects.filter(status=RecallStatus.OPEN)
            .select_related("release__declaration", "release__enterprise")
            .annotate(buyers=Count("notices"),
                      acknowledged=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)))
            .order_by("opened_at")[:limit])
    return list(rows)


def public_statistics(*, months: int = 12) -> dict:
    """Releases by mode and the average clearance time (from submission), per month, for the public page."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (DailyReleaseStat.objects.filter(day__gte=first, day__lte=today)
            .annotate(month=TruncMonth("day")).values("month", "mode")
            .annotate(released=Sum("released"), n=Sum("clear_sub_count"), minutes=Sum("clear_sub_minutes"))
            .order_by("month", "mode"))
    by_month: dict = {}
    totals = {mode: {"released": 0, "n": 0, "minutes": 0} for mode in matrix.MODES}
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        entry = by_month.setdefault(month, {mode: 0 for mode in matrix.MODES} | {"n": 0, "minutes": 0})
        if row["mode"] in totals:
            entry[row["mode"]] += row["released"] or 0
            totals[row["mode"]]["released"] += row["released"] or 0
            totals[row["mode"]]["n"] += row["n"] or 0
            totals[row["mode"]]["minutes"] += row["minutes"] or 0
        entry["n"] += row["n"] or 0
        entry["minutes"] += row["minutes"] or 0
    months_out = [{"month": month, "by_mode": [values[m] for m in matrix.MODES],
                   "total": sum(values[m] for m in matrix.MODES),
                   "mean_hours": _hours(_ratio(values["minutes"], values["n"]))}
                  for month, values in sorted(by_month.items())]
    all_n = sum(t["n"] for t in totals.values())
    return {
        "first": first, "last": today, "months": months_out,
        "by_mode": [{"mode": m, "released": totals[m]["released"],
                     "mean_hours": _hours(_ratio(totals[m]["minutes"], totals[m]["n"]))} for m in matrix.MODES],
        "released_total": sum(t["released"] for t in totals.values()),
        "mean_hours": _hours(_ratio(sum(t["minutes"] for t in totals.values()), all_n)),
    }


# --- Time Release Study by stage (release.stages) ------------------------------------------------------------------


def _stage_cells(period: Period) -> dict[tuple[str, str], dict[int, list[int]]]:
    """{(mode, stage): {bucket: [count, minutes]}} over the period: whole months from the monthly roll-up, the rest
    from the daily rows."""
    cells: dict[tuple[str, str], dict[int, list[int]]] = {}

    def add(queryset):
        for field in ("port", "grade", "site"):
            if getattr(period, field):
                queryset = queryset.filter(**{field: getattr(period, field)})
        for row in (queryset.values("mode", "stage", "bucket").annotate(n=Sum("count"), total=Sum("minutes"))
                    .order_by()):
            cell = cells.setdefault((row["mode"], row["stage"]), {}).setdefault(row["bucket"], [0, 0])
            cell[0] += row["n"]
            cell[1] += row["total"]

    month_start, month_end = _month_split(period.first, period.last)
    if month_start is None:
        add(StageBucket.objects.filter(day__gte=period.first, day__lte=period.last))
    else:
        add(StageBucketMonth.objects.filter(month__gte=month_start, month__lt=month_end))
        add(StageBucket.objects.filter(Q(day__gte=period.first, day__lt=month_start)
                                       | Q(day__gte=month_end, day__lte=period.last)))
    return cells


def _stage_figure(buckets: dict[int, list[int]]) -> dict:
    histogram = {bucket: count for bucket, (count, _minutes) in buckets.items()}
    timed = sum(histogram.values())
    minutes = sum(total for _count, total in buckets.values())
    return {"timed": timed, "minutes": minutes, "median_hours": _hours(clearance.percentile(histogram, 0.5)),
            "p90_hours": _hours(clearance.percentile(histogram, 0.9)),
            "mean_hours": _hours(_ratio(minutes, timed))}


def _merge(*histograms: dict[int, list[int]]) -> dict[int, list[int]]:
    merged: dict[int, list[int]] = {}
    for histogram in histograms:
        for bucket, (count, minutes) in histogram.items():
            cell = merged.setdefault(bucket, [0, 0])
            cell[0] += count
            cell[1] += minutes
    return merged


def stage_trend(period: Period, *, months: int = 12) -> list[dict]:
    """The median of each stage per calendar month, for the months up to the period's last (port, grade, site)."""
    last_month = period.last.replace(day=1)
    first_month = last_month
    for _step in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    queryset = StageBucketMonth.objects.filter(month__gte=first_month, month__lte=last_month)
    for field in ("port", "grade", "site"):
        if getattr(period, field):
            queryset = queryset.filter(**{field: getattr(period, field)})
    per_month: dict = {}
    for row in queryset.values("month", "stage", "bucket").annotate(n=Sum("count")).order_by():
        histogram = per_month.setdefault(row["month"], {}).setdefault(row["stage"], {})
        histogram[row["bucket"]] = histogram.get(row["bucket"], 0) + row["n"]
    return [{"month": month,
             "median_hours": [_hours(clearance.percentile(histograms.get(stage, {}), 0.5))
                              for stage in stages.STAGE_NAMES]}
            for month, histograms in sorted(per_month.items())]


def stage_figures(period: Period) -> dict:
    """The Time Release Study for a period, port, grade and site: per stage (all modes, and per mode) the median,
    90th percentile and mean in hours, how many consignments had the stage timed, the share of the time at the
    port each stage takes, and the monthly trend of the medians. Unknown stages are left out, never counted zero."""
    cells = _stage_cells(period)
    overall = []
    for stage in stages.STAGE_NAMES:
        figure = _stage_figure(_merge(*(cells.get((mode, stage), {}) for mode in matrix.MODES)))
        overall.append({"stage": stage, "label": str(stages.STAGE_LABELS[stage]), **figure})
    all_minutes = sum(row["minutes"] for row in overall)
    for row in overall:
        row["share"] = _ratio(row["minutes"], all_minutes)
    by_mode = [{"mode": mode, "stages": [{"stage": stage, **_stage_figure(cells.get((mode, stage), {}))}
                                         for stage in stages.STAGE_NAMES]}
               for mode in matrix.MODES]
    return {"stages": overall, "by_mode": by_mode, "trend": stage_trend(period)}


def public_stage_statistics(*, months: int = 12) -> dict:
    """The stage medians and 90th percentiles per month for the public page: all ports, modes and enterprises."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    per_month: dict = {}
    for row in (StageBucketMonth.objects.filter(month__gte=first, month__lte=today)
                .values("month", "stage", "bucket").annotate(n=Sum("count")).order_by()):
        histogram = per_month.setdefault(row["month"], {}).setdefault(row["stage"], {})
        histogram[row["bucket"]] = histogram.get(row["bucket"], 0) + row["n"]
    return {"stages": [{"stage": stage, "label": str(stages.STAGE_LABELS[stage])} for stage in stages.STAGE_NAMES],
            "months": [{"month": month,
                        "stages": [{"median_hours": _hours(clearance.percentile(histograms.get(stage, {}), 0.5)),
                                    "p90_hours": _hours(clearance.percentile(histograms.get(stage, {}), 0.9))}
                                   for stage in stages.STAGE_NAMES]}
                       for month, histograms in sorted(per_month.items())]}


def stage_sites() -> list[str]:
    return sorted(set(StageBucketMonth.objects.exclude(site="").values_list("site", flat=True).distinct()))


def ports() -> list[str]:
    return sorted(set(DailyReleaseStat.objects.values_list("port", flat=True).distinct()))
