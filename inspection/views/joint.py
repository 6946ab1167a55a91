"""Joint inspections with partner agencies: the list and scheduling."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.roles import Role, require_role

from .. import selectors, services, transitions
from ..forms import (
    JointScheduleForm,
)
from .tasks import BUREAU_INSPECTION_ROLES


@login_required
def joint_list(request):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    joints = list(selectors.joint_inspection_list(user=request.user, filters=request.GET)[:200])
    return render(request, "inspection/joint_list.html", {
        "joints": joints, "form": JointScheduleForm(),
        "schedulable": {joint.pk for joint in joints if transitions.joint_allows("schedule", joint.status)}})


@login_required
@require_POST
def joint_schedule(request, pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
    joint = selectors.joint_inspection_get(user=request.user, pk=pk)
    form = JointScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.joint_inspection_schedule(joint=joint, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Joint inspection scheduled."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose a site and an appointment."))
    return redirect("inspection:joint_list")
