"""Laboratories: the register and a laboratory's suspension and reinstatement."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.roles import Role, has_role, require_role

from .. import selectors, services
from ..forms import (
    LabStatusForm,
)
from .tasks import BUREAU_INSPECTION_ROLES


@login_required
def lab_list(request):
    require_role(request.user, *BUREAU_INSPECTION_ROLES, Role.RISK_ANALYST)
    labs = selectors.lab_list(user=request.user, filters=request.GET)
    return render(request, "inspection/labs.html", {"labs": labs,
                                                    "is_supervisor": has_role(request.user, Role.SUPERVISOR)})


@login_required
def lab_detail(request, pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES, Role.RISK_ANALYST)
    lab = selectors.lab_get(user=request.user, pk=pk)
    return render(request, "inspection/lab.html", {
        "lab": lab, "changes": lab.status_changes.select_related("actor"),
        "comparisons": lab.comparisons.select_related("report")[:50], "form": LabStatusForm(),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)})


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
