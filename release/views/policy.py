"""The supervisors' policy tables: the release-mode matrix and the negative list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, require_role

from .. import forms, matrix, selectors, services
from ..choices import RiskTier
from ..extensions import projection_shown
from ..models import NegativeListEntry
from .access import BUREAU_DESK, SUPERVISORS


@login_required
def matrix_edit(request):
    require_role(request.user, *SUPERVISORS, Role.OFFICER, Role.RISK_ANALYST)
    version, cells = selectors.release_matrix_current()
    can_edit = has_role(request.user, *SUPERVISORS)
    form = forms.MatrixForm(cells=cells)
    status, projection = 200, None
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        form = forms.MatrixForm(request.POST, cells=cells)
        if form.is_valid() and "project" in request.POST:
            projection = _matrix_projection(form)
        elif form.is_valid():
            try:
                new = services.release_matrix_update(cells=form.cells(), note=form.cleaned_data["note"],
                                                     actor=request.user)
                messages.success(request, _("Matrix version %(v)s is now in force.") % {"v": new.version})
                return redirect("release:matrix")
            except ValidationError as exc:
                errors_to_forms(exc, form)
        status = 200 if projection is not None else 400
    return render(request, "release/matrix.html", {
        "form": form, "version": version, "cells": cells, "can_edit": can_edit, "grades": matrix.GRADES,
        "tiers": [(t, RiskTier(t).label) for t in matrix.TIERS], "projection": projection,
        "versions": selectors.release_matrix_versions()[:20]}, status=status)


def _matrix_projection(form) -> list | None:
    """The proposed matrix's projection (nothing is saved), or None with the matrix rules' errors on the form."""
    errors = matrix.validate_cells(form.cells())
    if errors:
        errors_to_forms(ValidationError(errors), form)
        return None
    return projection_shown(selectors.budget_projection(cells=matrix.normalise_cells(form.cells())))["projection"]


@login_required
def negative_list(request):
    require_role(request.user, *BUREAU_DESK, Role.RISK_ANALYST)
    can_edit = has_role(request.user, *SUPERVISORS)
    form = forms.NegativeListForm()
    status = 200
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        form = forms.NegativeListForm(request.POST)
        if form.is_valid():
            try:
                services.negative_list_add(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Added to the negative list."))
                return redirect("release:negative_list")
            except ValidationError as exc:
                errors_to_forms(exc, form)
        status = 400
    return render(request, "release/negative_list.html", {
        "form": form, "entries": selectors.negative_list(), "can_edit": can_edit,
        "retired": selectors.negative_list(active_only=False).filter(active=False)[:20]}, status=status)


@login_required
@require_POST
def negative_list_retire(request, pk):
    require_role(request.user, *SUPERVISORS)
    entry = NegativeListEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.negative_list_retire(entry=entry, actor=request.user)
    messages.success(request, _("Removed from the negative list."))
    return redirect("release:negative_list")
