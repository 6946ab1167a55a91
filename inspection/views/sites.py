"""Inspection sites: the list with filters, a site's form, its page (closures, change log) and its closure for a
period, which re-routes its open tasks. Bureau staff read; administrators change; supervisors close too."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.audit import audit_trail
from ciq_portal.forms import errors_to_forms, form_save, instance_form
from ciq_portal.roles import Role, has_role, require_role

from .. import selectors, services
from ..filtersets import InspectionSiteFilterSet
from ..forms import SiteCloseForm, SiteForm


@login_required
def site_list(request):
    sites = selectors.site_list(user=request.user, filters=request.GET)
    return render(request, "inspection/sites.html", {
        "sites": sites, "filter": InspectionSiteFilterSet(request.GET),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR)})


@login_required
def site_detail(request, pk, close_form=None):
    site = selectors.site_get(user=request.user, pk=pk)
    return render(request, "inspection/site.html", {
        "site": site, "closures": site.closures.select_related("closed_by")[:20],
        "open_tasks": selectors.site_open_task_count(site), "close_form": close_form or SiteCloseForm(),
        "can_edit": has_role(request.user, Role.ADMINISTRATOR),
        "can_close": has_role(request.user, Role.ADMINISTRATOR, Role.SUPERVISOR), "change_log": audit_trail(site)})


@login_required
def site_form(request, pk=None):
    require_role(request.user, Role.ADMINISTRATOR)
    site = selectors.site_get(user=request.user, pk=pk) if pk else None
    form = instance_form(SiteForm, request, site)

    def site_create(*, active, **data):  # a new site starts active; the box is for edits
        return services.site_create(actor=request.user, **data)

    saved = form_save(request, form, partial(services.site_update, site=site, actor=request.user) if site
                      else site_create)
    if saved:
        messages.success(request, _("Site saved."))
        return redirect("inspection:site", pk=saved.pk)
    return render(request, "inspection/site_form.html", {"form": form, "site": site})


@login_required
@require_POST
def site_close(request, pk):
    require_role(request.user, Role.ADMINISTRATOR, Role.SUPERVISOR)
    site = selectors.site_get(user=request.user, pk=pk)
    form = SiteCloseForm(request.POST)
    if form.is_valid():
        try:
            closure = services.site_close(site=site, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Site closed; %(n)s open task(s) re-routed.") % {"n": closure.rerouted})
            return redirect("inspection:site", pk=site.pk)
    return site_detail(request, pk, close_form=form)
