"""Officers' profiles: the list, create, edit, deactivate and reactivate, and the bulk import with its template."""

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
from declarations import bulk

from .. import selectors, services, staff_files
from ..filtersets import OfficerFilterSet
from ..forms import OfficerActiveForm, OfficerForm, UploadForm
from ..services.officers import OFFICER_EXAMPLE, STAFF_MANAGERS


@login_required
def officer_list(request):
    filterset = OfficerFilterSet(request.GET, queryset=selectors.officer_list(user=request.user))
    return render(request, "inspection/officers.html", {
        "filterset": filterset, "page_obj": Paginator(filterset.qs, 50).get_page(request.GET.get("page")),
        "can_manage": has_role(request.user, *STAFF_MANAGERS)})


def _officer_data(form):
    data = dict(form.cleaned_data)
    data["sites"] = list(data.get("sites") or [])
    return data


@login_required
def officer_create(request):
    require_role(request.user, *STAFF_MANAGERS)
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.officer_create(actor=request.user, **_officer_data(form))
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Officer %(badge)s created.") % {"badge": profile.badge_no})
            return redirect("inspection:officer", pk=profile.pk)
    return render(request, "inspection/officer_form.html", {"form": form, "officer": None})


@login_required
def officer_edit(request, pk):
    require_role(request.user, Role.SUPERVISOR, *STAFF_MANAGERS)
    profile = selectors.officer_get(user=request.user, pk=pk)
    can_manage = has_role(request.user, *STAFF_MANAGERS)
    user = profile.user
    initial = {"badge_no": profile.badge_no, "family_name": user.last_name, "given_name": user.first_name,
               "email": user.email, "categories": profile.categories, "sites": list(profile.sites.all())}
    form = OfficerForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        require_role(request.user, *STAFF_MANAGERS)
        if form.is_valid():
            try:
                services.officer_update(actor=request.user, officer=profile, **_officer_data(form))
            except ValidationError as exc:
                errors_to_forms(exc, form)
            else:
                messages.success(request, _("Officer saved."))
                return redirect("inspection:officer", pk=profile.pk)
    return render(request, "inspection/officer_form.html", {
        "form": form, "officer": profile, "can_manage": can_manage, "active_form": OfficerActiveForm(),
        "patterns": profile.roster.select_related("site").order_by("weekday", "starts_at")})


@login_required
@require_POST
def officer_active(request, pk, action):
    require_role(request.user, *STAFF_MANAGERS)
    profile = selectors.officer_get(user=request.user, pk=pk)
    service = {"deactivate": services.officer_deactivate, "reactivate": services.officer_reactivate}.get(action)
    if service is None:
        raise Http404
    form = OfficerActiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    service(actor=request.user, officer=profile, reason=reason)
    messages.success(request, _("Officer deactivated.") if action == "deactivate" else _("Officer reactivated."))
    return redirect("inspection:officer", pk=profile.pk)


@login_required
def officer_import(request):
    require_role(request.user, *STAFF_MANAGERS)
    form = UploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.officers_import(actor=request.user,
                                               rows=staff_files.upload_rows(form.cleaned_data["file"]))
        except ValidationError as exc:
            row_errors = import_errors(exc, form)
        else:
            messages.success(request, _("%(n)s officers imported.") % {"n": len(created)})
            return redirect("inspection:officers")
    return render(request, "inspection/staff_import.html", {
        "form": form, "row_errors": row_errors, "columns": services.OFFICER_COLUMNS,
        "title": _("Import officers"), "template_url": "inspection:officer_import_template"})


def import_errors(exc: ValidationError, form) -> list[dict]:
    """A refused file's errors as rows of (row, field, message); an error on the file itself next to its field."""
    rows = []
    for key, messages_ in exc.message_dict.items():
        if key.startswith("row "):
            row, _dot, field = key[4:].partition(".")
            rows.extend({"row": int(row), "field": field, "message": message} for message in messages_)
        else:
            for message in messages_:
                form.add_error("file", message)
    return sorted(rows, key=lambda error: error["row"])


@login_required
def officer_import_template(request, fmt):
    require_role(request.user, *STAFF_MANAGERS)
    return bulk.template_response(fmt, name="officers", columns=services.OFFICER_COLUMNS,
                                  example=OFFICER_EXAMPLE)
