"""The credit pages: the declarant's own grade, and the supervisors' directory, overview, objections and policy."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.accounts import portal_site_url
from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import BUREAU_ROLES, Role, has_role, require_role, user_roles
from ciq_portal.scoping import user_enterprise_id

from . import selectors, services
from .charts import GRADE_COLOURS, bar_chart_svg, grade_history_svg
from .choices import EVIDENCE_LABELS, CreditGrade, ObjectionStatus
from .filtersets import EnterpriseFilterSet, GradeObjectionFilterSet
from .forms import (
    ApplicationForm,
    DelegationForm,
    InvitationForm,
    ObjectionDecisionForm,
    ObjectionForm,
    PolicyForm,
    RefusalForm,
)
from .policy import BUDGET_FIELD_FOR_GRADE, FIELD_FOR_GRADE, policy_validate
from .tasks import credit_grades_recompute_task
from .transitions import OBJECTION_FILING_DAYS, objection_actions

SUPERVISORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
HISTORY_DAYS = 3 * 365


def _credit_context(request, enterprise) -> dict:
    user = request.user
    today = timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS)
    changes = list(selectors.grade_change_list(user=user, enterprise_id=enterprise.pk))
    points, first_grade = [], changes[-1].old_grade if changes else enterprise.credit_grade
    points.append((start, first_grade))
    for change in reversed(changes):
        points.append((max(timezone.localtime(change.changed_at).date(), start), change.new_grade))
    events = list(selectors.credit_event_list(user=user, filters={"enterprise": enterprise.pk})[:100])
    for event in events:
        event.evidence_shown = selectors.evidence_visible(event, user)
        event.evidence_label = EVIDENCE_LABELS.get(event.evidence_type, event.evidence_type)
    objections = list(selectors.grade_objection_list(user=user, filters={"enterprise": enterprise.pk}))
    open_changes = {o.grade_change_id for o in objections if o.is_open}
    deadline = timezone.now() - timedelta(days=OBJECTION_FILING_DAYS)
    for change in changes:
        change.can_object = (has_role(user, Role.DECLARANT) and change.changed_at >= deadline
                             and change.pk not in open_changes)
    ratio, version = selectors.inspection_ratio_for_grade(enterprise.credit_grade)
    return {
        "enterprise": enterprise, "ratio": ratio, "ratio_percent": ratio * 100, "policy_version": version,
        "general_ratio_percent": selectors.inspection_ratio_for_grade(CreditGrade.B)[0] * 100,
        "events": events, "changes": changes, "objections": objections, "today": today,
        "chart": grade_history_svg(points, start=start, end=today, title=_("Credit grade over the last three years")),
        "filing_days": OBJECTION_FILING_DAYS,
    }


@login_required
def my_credit(request):
    enterprise_id = user_enterprise_id(request.user)
    if enterprise_id is None:
        raise Http404
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    return render(request, "credit/my_credit.html", _credit_context(request, enterprise))


@login_required
def objection_new(request, change_pk):
    require_role(request.user, Role.DECLARANT)
    change = selectors.grade_change_get(user=request.user, pk=change_pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_objection_file(grade_change=change, reason=form.cleaned_data["reason"],
                                          actor=request.user)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Your objection was filed. The bureau decides within 20 days."))
            return redirect("credit:my_credit")
    return render(request, "credit/objection_form.html", {"form": form, "change": change})


@login_required
def enterprise_list(request):
    require_role(request.user, *BUREAU_ROLES)
    filterset = EnterpriseFilterSet(request.GET or None, queryset=selectors.enterprise_list(user=request.user))
    page = Paginator(filterset.qs.order_by("name_zh"), 50).get_page(request.GET.get("page"))
    return render(request, "credit/enterprise_list.html", {"filter": filterset, "page_obj": page})


@login_required
def enterprise_detail(request, pk):
    require_role(request.user, *BUREAU_ROLES)
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(request, "credit/enterprise_detail.html", _credit_context(request, enterprise))


@login_required
def overview(request):
    require_role(request.user, *BUREAU_ROLES)
    distribution = selectors.grade_distribution()
    movements = selectors.grade_movements(months=12)
    distribution_chart = bar_chart_svg([(row["grade"], row["count"], GRADE_COLOURS[row["grade"]])
                                        for row in distribution], title=_("Enterprises per grade"))
    bars = []
    for row in movements:
        label = row["month"].strftime("%Y-%m")
        bars += [(f"{label} ↑", row["up"], "#1e7b3c"), (f"{label} ↓", row["down"], "#b3261e")]
    movement_chart = bar_chart_svg(bars, title=_("Upgrades and downgrades per month"), width=900) if bars else ""
    ratios = [(grade, label, selectors.inspection_ratio_for_grade(grade)[0] * 100)
              for grade, label in CreditGrade.choices]
    return render(request, "credit/overview.html", {
        "distribution": distribution, "movements": movements, "distribution_chart": distribution_chart,
        "movement_chart": movement_chart, "ratios": ratios,
    })


@login_required
def objection_queue(request):
    require_role(request.user, *SUPERVISORS)
    filterset = GradeObjectionFilterSet(request.GET or None, queryset=selectors.grade_objection_list(user=request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "credit/objection_queue.html", {"filter": filterset, "page_obj": page,
                                                           "today": timezone.localdate()})


@login_required
def objection_detail(request, pk):
    objection = selectors.grade_objection_get(user=request.user, pk=pk)
    actions = objection_actions(objection.status, user_roles(request.user))
    form = ObjectionDecisionForm(request.POST or None) if actions else None
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        if form is not None and form.is_valid():
            decision, note = form.cleaned_data["decision"], form.cleaned_data["decision_note"]
            try:
                if decision == "start_review":
                    services.grade_objection_start_review(objection=objection, actor=request.user)
                elif decision == ObjectionStatus.UPHELD:
                    services.grade_objection_uphold(objection=objection, note=note, actor=request.user)
                else:
                    services.grade_objection_reject(objection=objection, note=note, actor=request.user)
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("The objection was updated."))
                return redirect("credit:objection_detail", pk=objection.pk)
    change = objection.grade_change
    return render(request, "credit/objection_detail.html", {
        "objection": objection, "change": change, "events": change.events.all(), "form": form,
        "today": timezone.localdate(),
    })


@login_required
def policy(request):
    require_role(request.user, *BUREAU_ROLES)
    current = selectors.inspection_policy_versions().first()
    can_edit = has_role(request.user, *SUPERVISORS)
    fields = [*FIELD_FOR_GRADE.values(), *BUDGET_FIELD_FOR_GRADE.values()]
    initial = {field: getattr(current, field) for field in fields} if current else None
    form = PolicyForm(request.POST or None, initial=initial) if can_edit else None
    proposed = None
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        if form.is_valid() and "project" in request.POST:
            proposed = _proposed_policy(form)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                created = services.inspection_policy_update(
                    ratios={field: data[field] for field in FIELD_FOR_GRADE.values()},
                    budgets={field: data[field] for field in BUDGET_FIELD_FOR_GRADE.values()}, note=data["note"],
                    actor=request.user)
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("Version %(v)d of the inspection policy is now in force.")
                                 % {"v": created.version})
                return redirect("credit:policy")
    versions = list(selectors.inspection_policy_versions()[:20])
    return render(request, "credit/policy.html", {"current": current, "versions": versions, "form": form,
                                                  "grades": CreditGrade.choices, "proposed": proposed})


def _proposed_policy(form) -> dict | None:
    """The form's budgets and ratios ({"budgets", "ratios"}: {grade: float}) for a projection, or None with the
    rules' errors on the form (nothing is saved)."""
    data = form.cleaned_data
    ratios = {grade: data[field] for grade, field in FIELD_FOR_GRADE.items()}
    budgets = {grade: data[field] for grade, field in BUDGET_FIELD_FOR_GRADE.items()}
    try:
        policy_validate(ratios, budgets)
    except ValidationError as exc:
        errors_to_forms(exc, form)
        return None
    return {"budgets": {g: float(v) for g, v in budgets.items()}, "ratios": {g: float(v) for g, v in ratios.items()}}


@require_POST
@login_required
def recompute_now(request):
    """Supervisors may run the nightly recomputation at once (queued to the worker)."""
    require_role(request.user, *SUPERVISORS)

    credit_grades_recompute_task.delay()
    messages.success(request, _("The recomputation of all grades was started."))
    return redirect("credit:overview")


@login_required
def delegations(request):
    """An importer's administrator grants and revokes delegations to customs brokers; a broker's declarants see the
    delegations their enterprise holds."""
    if user_enterprise_id(request.user) is None:
        raise Http404
    administers = selectors.administered_enterprise_id(request.user) is not None
    form = DelegationForm(request.POST or None) if administers else None
    if request.method == "POST":
        selectors.require_enterprise_administrator(request.user)
        if form.is_valid():
            try:
                services.delegation_grant(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("The delegation was granted."))
                return redirect("credit:delegations")
    enterprise_id = user_enterprise_id(request.user)
    listed = list(selectors.delegation_list(user=request.user))
    today = timezone.localdate()
    return render(request, "credit/delegations.html", {
        "form": form, "today": today,
        "granted": [d for d in listed if d.importer_id == enterprise_id],
        "received": [d for d in listed if d.broker_id == enterprise_id]},
        status=400 if form is not None and form.errors else 200)


@require_POST
@login_required
def delegation_revoke(request, pk):
    delegation = selectors.delegation_get_granted(user=request.user, pk=pk)
    try:
        services.delegation_revoke(actor=request.user, delegation=delegation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The delegation was revoked; the broker can no longer file or see it."))
    return redirect("credit:delegations")


# --- enterprises joining online ------------------------------------------------------------------------------------


def apply(request):
    """An enterprise applies for an account, without one."""
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_application_submit(**form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            return redirect("credit:apply_done")
    return render(request, "credit/apply.html", {"form": form}, status=400 if form.errors else 200)


def apply_done(request):
    return render(request, "credit/apply_done.html")


@login_required
def applications(request):
    shown = request.GET.get("status", "pending")
    listed = selectors.enterprise_application_list(user=request.user, status=shown if shown != "all" else None)
    return render(request, "credit/applications.html", {"applications": listed[:200], "shown": shown})


@login_required
def application_detail(request, pk):
    application = selectors.enterprise_application_get(user=request.user, pk=pk)
    refusal = RefusalForm(request.POST if request.POST.get("decision") == "refuse" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.enterprise_application_approve(actor=request.user, application=application,
                                                        site_url=portal_site_url(request))
                messages.success(request, _("Approved: the enterprise and its administrator's account exist, and "
                                            "the administrator was mailed a link to set a password."))
                return redirect("credit:applications")
            if refusal.is_valid():
                services.enterprise_application_refuse(actor=request.user, application=application,
                                                       reason=refusal.cleaned_data["reason"])
                messages.success(request, _("Refused: the applicant was mailed the reason."))
                return redirect("credit:applications")
        except ValidationError as exc:
            errors_to_forms(exc, refusal)
    return render(request, "credit/application_detail.html", {"application": application, "refusal": refusal},
                  status=400 if refusal.errors else 200)


@login_required
def application_licence(request, pk):
    application = selectors.enterprise_application_get(user=request.user, pk=pk)
    return FileResponse(application.file.open("rb"), as_attachment=True, filename=application.original_name,
                        content_type=application.content_type)


@login_required
def members(request):
    """The enterprise's administrator invites its declarants (each mailed a link to set a password) and removes
    them."""
    form = InvitationForm(request.POST or None)
    listed = selectors.member_list(user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(actor=request.user, site_url=portal_site_url(request),
                                                **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("%(name)s was invited by mail.") % {"name": membership.user.display_name})
            return redirect("credit:members")
    return render(request, "credit/members.html", {"form": form, "members": listed},
                  status=400 if form.errors else 200)


@require_POST
@login_required
def member_remove(request, pk):
    membership = selectors.member_get(user=request.user, pk=pk)
    try:
        services.member_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s can no longer log in.") % {"name": membership.user.display_name})
    return redirect("credit:members")
