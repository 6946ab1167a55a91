"""Laboratories: the register (list with filters, form, change log), a laboratory's suspension and reinstatement,
the officers' re-test comparisons and the bureau's re-test rule (supervisors)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.audit import audit_trail
from ciq_portal.forms import errors_to_forms, form_save, instance_form
from ciq_portal.roles import Role, has_role, require_role

from .. import selectors, services, transitions
from ..filtersets import LabFilterSet
from ..forms import LabForm, LabPolicyForm, LabRetestForm, LabStatusForm
from .tasks import BUREAU_INSPECTION_ROLES

LAB_READERS = (*BUREAU_INSPECTION_ROLES, Role.RISK_ANALYST, Role.ADMINISTRATOR)


def _policy_initial(policy) -> dict:
    return {"disagreement_limit": policy.disagreement_limit, "window_days": policy.window_days,
            "tolerance": policy.tolerance}


@login_required
def lab_list(request, policy_form=None):
    require_role(request.user, *LAB_READERS)
    labs = selectors.lab_list(user=request.user, filters=request.GET)
    policy = services.lab_policy_current()
    return render(request, "inspection/labs.html", {
        "labs": labs, "filter": LabFilterSet(request.GET), "policy": policy,
        "policy_form": policy_form or LabPolicyForm(initial=_policy_initial(policy)),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)})


@login_required
def lab_detail(request, pk, retest_form=None):
    require_role(request.user, *LAB_READERS)
    lab = selectors.lab_get(user=request.user, pk=pk)
    policy = services.lab_policy_current()
    return render(request, "inspection/lab.html", {
        "lab": lab, "changes": lab.status_changes.select_related("actor"),
        "last_change": lab.status_changes.order_by("-at", "-id").first(),
        "comparisons": lab.comparisons.select_related("report")[:50], "form": LabStatusForm(),
        "policy": policy, "disagreements": services.lab_disagreements(lab, policy),
        "retest_form": retest_form or LabRetestForm(lab=lab),
        "can_retest": has_role(request.user, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR), "change_log": audit_trail(lab),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "actions": transitions.lab_actions(lab.status)})


@login_required
def lab_form(request, pk=None):
    require_role(request.user, Role.ADMINISTRATOR)
    lab = selectors.lab_get(user=request.user, pk=pk) if pk else None
    form = instance_form(LabForm, request, lab)
    saved = form_save(request, form, partial(services.lab_update, lab=lab, actor=request.user) if lab
                      else partial(services.lab_register, actor=request.user))
    if saved:
        messages.success(request, _("Laboratory saved."))
        return redirect("inspection:lab", pk=saved.pk)
    return render(request, "inspection/lab_form.html", {"form": form, "lab": lab})


@login_required
@require_POST
def lab_retest(request, pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
    lab = selectors.lab_get(user=request.user, pk=pk)
    form = LabRetestForm(request.POST, lab=lab)
    if form.is_valid():
        try:
            comparison = services.lab_retest_compare(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            if comparison.agrees:
                messages.success(request, _("Re-test recorded: it agrees with the laboratory's result."))
            else:
                messages.warning(request, _("Re-test recorded: it disagrees with the laboratory's result."))
            return redirect("inspection:lab", pk=lab.pk)
    return lab_detail(request, pk, retest_form=form)


@login_required
@require_POST
def lab_policy(request):
    require_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)
    form = LabPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.lab_policy_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Re-test rule saved."))
            return redirect("inspection:labs")
    return lab_list(request, policy_form=form)


@login_required
@require_POST
def lab_status(request, pk, action):
    require_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)
    lab = selectors.lab_get(user=request.user, pk=pk)
    service = {"suspend": services.lab_suspend, "reinstate": services.lab_reinstate,
               "revoke": services.lab_revoke}.get(action)
    if service is None:
        raise Http404
    form = LabStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        try:
            service(lab=lab, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("Laboratory status changed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("inspection:lab", pk=pk)
