"""The limits table: test items (with their unit) and each item's limits per commodity category in versions,
a list with filters, forms, the change log and a CSV/XLSX import. Bureau staff read; administrators change."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.audit import audit_trail
from ciq_portal.forms import errors_to_forms, form_save, instance_form
from ciq_portal.roles import Role, has_role, require_role
from declarations.bulk import template_response, upload_rows

from .. import selectors, services
from ..filtersets import TestItemFilterSet, TestLimitFilterSet
from ..forms import TestItemForm, TestLimitForm, TestLimitImportForm

PAGE_SIZE = 50


@login_required
def test_item_list(request):
    items = selectors.test_item_list(user=request.user, filters=request.GET)
    return render(request, "inspection/test_items.html", {
        "items": items, "filter": TestItemFilterSet(request.GET),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def test_item_form(request, pk=None):
    require_role(request.user, Role.ADMINISTRATOR)
    item = selectors.test_item_get(user=request.user, pk=pk) if pk else None
    form = instance_form(TestItemForm, request, item)
    saved = form_save(request, form, partial(services.test_item_update, item=item, actor=request.user) if item
                      else partial(services.test_item_create, actor=request.user))
    if saved:
        messages.success(request, _("Test item saved."))
        return redirect("inspection:test_item", pk=saved.pk)
    return render(request, "inspection/test_item_form.html", {"form": form, "item": item})


@login_required
def test_item_detail(request, pk, limit_form=None):
    item = selectors.test_item_get(user=request.user, pk=pk)
    return render(request, "inspection/test_item.html", {
        "item": item, "limits": item.limits.select_related("created_by").order_by("category", "-version"),
        "limit_form": limit_form or TestLimitForm(initial={"unit": item.unit}),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR), "change_log": audit_trail(item)})


@login_required
@require_POST
def test_limit_add(request, pk):
    require_role(request.user, Role.ADMINISTRATOR)
    item = selectors.test_item_get(user=request.user, pk=pk)
    form = TestLimitForm(request.POST)
    if form.is_valid():
        try:
            limit = services.test_limit_set(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Limit version %(v)s saved.") % {"v": limit.version})
            return redirect("inspection:test_item", pk=item.pk)
    return test_item_detail(request, pk, limit_form=form)


@login_required
def test_limit_list(request):
    limits = selectors.test_limit_list(user=request.user, filters=request.GET)
    return render(request, "inspection/test_limits.html", {
        "page_obj": Paginator(limits, PAGE_SIZE).get_page(request.GET.get("page")),
        "filter": TestLimitFilterSet(request.GET), "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def test_limit_import(request):
    require_role(request.user, Role.ADMINISTRATOR)
    form = TestLimitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            limits = services.test_limits_import(actor=request.user, rows=upload_rows(form.cleaned_data["file"]))
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("%(n)s limit(s) imported.") % {"n": len(limits)})
            return redirect("inspection:test_limits")
    return render(request, "inspection/test_limit_import.html", {"form": form})


@login_required
def test_limit_template(request):
    require_role(request.user, Role.ADMINISTRATOR)
    return template_response("csv", name="limits", filename="limits", columns=services.LIMIT_IMPORT_COLUMNS,
                             example=["lead", "aquatic", "", "0.5", "mg/kg", "2027-01-01", "GB 2762-2022"])
