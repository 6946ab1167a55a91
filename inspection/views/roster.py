"""Duty rosters: a site's week (officers × days), weekly duties, extra shifts and cancelled duties, and the bulk
upload with its template."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import has_role, require_role
from declarations import bulk

from .. import selectors, services, staff_files
from ..forms import DutyCancelForm, ExtraShiftForm, RosterPatternForm, UploadForm
from ..models import InspectionSite
from ..services.roster import ROSTER_KEEPERS, roster_example
from .officers import import_errors


def _week_url(site_id, monday) -> str:
    return f"{reverse('inspection:roster')}?site={site_id}&week={monday.isoformat()}"


def _monday(value) -> date:
    try:
        return selectors.week_start(date.fromisoformat(value))
    except (TypeError, ValueError):
        return selectors.week_start(timezone.localdate())


@login_required
def roster_week(request, pattern_form=None, shift_form=None):
    """A site's week; supervisors and administrators add weekly duties and extra shifts and cancel a duty here."""
    sites = list(InspectionSite.objects.filter(active=True))
    site = next((s for s in sites if str(s.pk) == request.GET.get("site", "")), sites[0] if sites else None)
    monday = _monday(request.GET.get("week"))
    week = selectors.roster_week(user=request.user, site=site, monday=monday) if site else None
    can_keep = has_role(request.user, *ROSTER_KEEPERS)
    return render(request, "inspection/roster_week.html", {
        "sites": sites, "site": site, "week": week, "can_keep": can_keep,
        "pattern_form": pattern_form or RosterPatternForm(initial={"site": site, "valid_from": monday}),
        "shift_form": shift_form or ExtraShiftForm(initial={"site": site}), "cancel_form": DutyCancelForm()})


def _back(request):
    """Back to the week the form was on (only a path of this site)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("inspection:roster")
    return redirect(target)


@login_required
@require_POST
def roster_pattern_add(request):
    require_role(request.user, *ROSTER_KEEPERS)
    form = RosterPatternForm(request.POST)
    if form.is_valid():
        try:
            pattern = services.roster_pattern_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Weekly duty added."))
            # The week the duty first falls in from today.
            return redirect(_week_url(pattern.site_id, max(pattern.valid_from, timezone.localdate())))
    return roster_week(request, pattern_form=form)


@login_required
@require_POST
def roster_shift_add(request):
    require_role(request.user, *ROSTER_KEEPERS)
    form = ExtraShiftForm(request.POST)
    if form.is_valid():
        try:
            shift = services.officer_shift_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Extra shift added."))
            return redirect(_week_url(shift.site_id, timezone.localdate(shift.starts_at)))
    return roster_week(request, shift_form=form)


@login_required
@require_POST
def roster_pattern_cancel(request, pk):
    require_role(request.user, *ROSTER_KEEPERS)
    pattern = selectors.roster_pattern_list(user=request.user).filter(pk=pk).first()
    form = DutyCancelForm(request.POST)
    if pattern is None:
        messages.error(request, _("No such weekly duty."))
    elif not form.is_valid():
        messages.error(request, _("Give the day to cancel."))
    else:
        try:
            services.roster_duty_cancel(actor=request.user, pattern=pattern, **form.cleaned_data)
            messages.success(request, _("The duty is cancelled on that day."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return _back(request)


@login_required
@require_POST
def roster_remove(request, kind, pk):
    """Remove a weekly duty, an extra shift, or a cancellation (the duty takes place after all)."""
    require_role(request.user, *ROSTER_KEEPERS)
    found = {
        "pattern": (selectors.roster_pattern_list, services.roster_pattern_remove),
        "shift": (selectors.officer_shift_list, services.officer_shift_remove),
        "cancellation": (selectors.roster_cancellation_list, services.roster_cancellation_remove),
    }.get(kind)
    if found is None:
        messages.error(request, _("Nothing to remove."))
        return _back(request)
    lister, service = found
    item = lister(user=request.user).filter(pk=pk).first()
    if item is None:
        messages.error(request, _("Nothing to remove."))
    else:
        service(actor=request.user, **{kind: item})
        messages.success(request, _("Removed from the roster."))
    return _back(request)


@login_required
def roster_import(request):
    require_role(request.user, *ROSTER_KEEPERS)
    form = UploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.roster_import(actor=request.user,
                                             rows=staff_files.upload_rows(form.cleaned_data["file"]))
        except ValidationError as exc:
            row_errors = import_errors(exc, form)
        else:
            messages.success(request, _("%(n)s weekly duties imported.") % {"n": len(created)})
            return redirect("inspection:roster")
    return render(request, "inspection/staff_import.html", {
        "form": form, "row_errors": row_errors, "columns": services.ROSTER_COLUMNS, "title": _("Upload rosters"),
        "template_url": "inspection:roster_import_template",
        "help": _("One row per weekly duty: weekday as mon…sun or 1…7, times as HH:MM (an end at or before the "
                  "start ends the next day), dates as YYYY-MM-DD; valid_until may stay empty.")})


@login_required
def roster_import_template(request, fmt):
    require_role(request.user, *ROSTER_KEEPERS)
    return bulk.template_response(fmt, name="roster", columns=services.ROSTER_COLUMNS,
                                  example=roster_example())
