"""The bureau's reference tables of declarations: document requirements, the HS nomenclature and the ports (lists
with filters, forms, change log), and a new HS edition imported from a file. Bureau staff read; administrators
change."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_trail
from ciq_portal.forms import errors_to_forms, form_save, instance_form
from ciq_portal.roles import Role, has_role, require_role

from .. import selectors, services
from ..bulk import template_response, upload_rows
from ..filtersets import DocumentRequirementFilterSet, HSCodeFilterSet, PortFilterSet
from ..forms import DocumentRequirementForm, HSCodeForm, HSEditionForm, PortForm

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def document_requirement_list(request):
    requirements = selectors.document_requirement_list(user=request.user, filters=request.GET)
    return render(request, "declarations/reference/document_requirements.html", {
        "page_obj": _page(request, requirements), "filter": DocumentRequirementFilterSet(request.GET),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def document_requirement_form(request, pk=None):
    require_role(request.user, Role.ADMINISTRATOR)
    requirement = selectors.document_requirement_get(user=request.user, pk=pk) if pk else None
    form = instance_form(DocumentRequirementForm, request, requirement)
    saved = form_save(request, form, partial(services.document_requirement_update, requirement=requirement,
                                             actor=request.user) if requirement
                      else partial(services.document_requirement_create, actor=request.user))
    if saved:
        messages.success(request, _("Document requirement saved."))
        return redirect("declarations:document_requirement_edit", pk=saved.pk)
    return render(request, "declarations/reference/document_requirement_form.html", {
        "form": form, "requirement": requirement, "change_log": audit_trail(requirement) if requirement else ()})


@login_required
def hs_code_list(request):
    codes = selectors.hs_code_list(user=request.user, filters=request.GET)
    return render(request, "declarations/reference/hs_codes.html", {
        "page_obj": _page(request, codes), "filter": HSCodeFilterSet(request.GET),
        "editions": selectors.hs_edition_list(user=request.user)[:10],
        "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def hs_code_form(request, code=None):
    require_role(request.user, Role.ADMINISTRATOR)
    hs_code = selectors.hs_code_get(user=request.user, code=code) if code else None
    form = instance_form(HSCodeForm, request, hs_code, fixed=("code",))
    saved = form_save(request, form, partial(services.hs_code_update, hs_code=hs_code, actor=request.user) if hs_code
                      else partial(services.hs_code_create, actor=request.user))
    if saved:
        messages.success(request, _("HS code saved."))
        return redirect("declarations:hs_code_edit", code=saved.code)
    return render(request, "declarations/reference/hs_code_form.html", {
        "form": form, "hs_code": hs_code, "change_log": audit_trail(hs_code) if hs_code else ()})


@login_required
def hs_edition_import(request):
    require_role(request.user, Role.ADMINISTRATOR)
    form = HSEditionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            edition = services.hs_edition_import(actor=request.user, name=form.cleaned_data["name"],
                                                 effective_from=form.cleaned_data["effective_from"],
                                                 rows=upload_rows(upload), original_name=upload.name)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Edition %(name)s imported: %(added)s added, %(changed)s changed, "
                                        "%(retired)s retired.") % {"name": edition.name, "added": edition.added,
                                                                   "changed": edition.changed,
                                                                   "retired": edition.retired})
            return redirect("declarations:hs_codes")
    return render(request, "declarations/reference/hs_edition_import.html", {"form": form})


@login_required
def hs_edition_template(request):
    require_role(request.user, Role.ADMINISTRATOR)
    return template_response("csv", name="hs-edition", filename="hs-edition", columns=services.HS_EDITION_COLUMNS,
                             example=["0306", "甲壳动物", "Crustaceans", "aquatic"])


@login_required
def port_list(request):
    return render(request, "declarations/reference/ports.html", {
        "page_obj": _page(request, selectors.port_list(user=request.user, filters=request.GET)),
        "filter": PortFilterSet(request.GET), "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def port_form(request, code=None):
    require_role(request.user, Role.ADMINISTRATOR)
    port = selectors.port_get(user=request.user, code=code) if code else None
    form = instance_form(PortForm, request, port, fixed=("code",))
    saved = form_save(request, form, partial(services.port_update, port=port, actor=request.user) if port
                      else partial(services.port_create, actor=request.user))
    if saved:
        messages.success(request, _("Port saved."))
        return redirect("declarations:port_edit", code=saved.code)
    return render(request, "declarations/reference/port_form.html", {
        "form": form, "port": port, "change_log": audit_trail(port) if port else ()})
