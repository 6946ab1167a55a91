"""Declared conflicts of interest: an officer declares one; supervisors see the list and acknowledge it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, require_role

from .. import selectors, services
from ..filtersets import ConflictFilterSet
from ..forms import ConflictForm
from ..services.conflicts import CONFLICT_ACKNOWLEDGERS


@login_required
def conflict_list(request):
    filterset = ConflictFilterSet(request.GET, queryset=selectors.conflict_list(user=request.user))
    profile = selectors.officer_own(user=request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST":
        require_role(request.user, Role.OFFICER)
        if profile is None:
            raise Http404
        if form.is_valid():
            enterprise = selectors.enterprise_find(form.cleaned_data["enterprise"])
            try:
                services.conflict_declare(actor=request.user, officer=profile, enterprise=enterprise,
                                          reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("Conflict of interest declared: you will not be given this "
                                            "enterprise's inspections."))
                return redirect("inspection:conflicts")
    return render(request, "inspection/conflicts.html", {
        "filterset": filterset, "page_obj": Paginator(filterset.qs, 50).get_page(request.GET.get("page")),
        "form": form if profile is not None else None,
        "can_acknowledge": has_role(request.user, *CONFLICT_ACKNOWLEDGERS)})


@login_required
@require_POST
def conflict_acknowledge(request, pk):
    require_role(request.user, *CONFLICT_ACKNOWLEDGERS)
    conflict = selectors.conflict_get(user=request.user, pk=pk)
    services.conflict_acknowledge(actor=request.user, conflict=conflict)
    messages.success(request, _("Conflict of interest acknowledged."))
    return redirect("inspection:conflicts")
