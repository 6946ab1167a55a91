"""Leave: an officer asks for it; supervisors approve or refuse it."""

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
from ..filtersets import LeaveFilterSet
from ..forms import LeaveDecisionForm, LeaveRequestForm
from ..services.leave import LEAVE_DECIDERS


@login_required
def leave_list(request):
    """The officer's own leave and a request form; for supervisors, everyone's leave to decide."""
    filterset = LeaveFilterSet(request.GET, queryset=selectors.leave_list(user=request.user))
    profile = selectors.officer_own(user=request.user)
    form = LeaveRequestForm(request.POST or None)
    if request.method == "POST":
        require_role(request.user, Role.OFFICER)
        if profile is None:
            raise Http404
        if form.is_valid():
            try:
                services.officer_leave_request(actor=request.user, officer=profile, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("Leave requested: a supervisor will decide."))
                return redirect("inspection:leave")
    return render(request, "inspection/leave.html", {
        "filterset": filterset, "page_obj": Paginator(filterset.qs, 50).get_page(request.GET.get("page")),
        "form": form if profile is not None else None, "decision_form": LeaveDecisionForm(),
        "can_decide": has_role(request.user, *LEAVE_DECIDERS)})


@login_required
@require_POST
def leave_decide(request, pk, action):
    require_role(request.user, *LEAVE_DECIDERS)
    leave = selectors.leave_get(user=request.user, pk=pk)
    service = {"approve": services.officer_leave_approve, "refuse": services.officer_leave_refuse}.get(action)
    if service is None:
        raise Http404
    form = LeaveDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(actor=request.user, leave=leave, note=note)
        messages.success(request, _("Leave approved.") if action == "approve" else _("Leave refused."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspection:leave")
