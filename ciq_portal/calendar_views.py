"""The bureau's working calendar, kept per year by administrators (ciq_portal.working_calendar)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import CalendarYearForm, errors_to_forms
from .roles import Role, require_role
from .working_calendar import (
    DEFAULT_WEEKEND,
    DEFAULT_WORK_ENDS,
    DEFAULT_WORK_STARTS,
    FIRST_YEAR,
    LAST_YEAR,
    calendar_year_get,
    calendar_year_list,
    calendar_year_save,
    official_days,
)


@login_required
def calendar_years(request):
    require_role(request.user, Role.ADMINISTRATOR)
    this_year = timezone.localdate().year
    return render(request, "portal/calendar.html", {"years": calendar_year_list(),
                                                    "suggested": [this_year, this_year + 1]})


def _initial(year: int, *, official: bool) -> dict:
    calendar = calendar_year_get(year)
    if calendar is None:
        initial = {"year": year, "work_starts": DEFAULT_WORK_STARTS, "work_ends": DEFAULT_WORK_ENDS,
                   "weekend_days": list(DEFAULT_WEEKEND), "days": []}
    else:
        initial = {"year": year, "work_starts": calendar.work_starts, "work_ends": calendar.work_ends,
                   "weekend_days": calendar.weekend_days,
                   "days": [{"day": d.day, "kind": d.kind, "name": d.name} for d in calendar.days.all()]}
    if official:
        initial["days"] = official_days(year)
    return initial


@login_required
def calendar_year_edit(request, year):
    """A year's hours, days off and exceptional days; ``?official=1`` fills in the State Council's arrangement as
    far as it is known, for the administrator to check and save."""
    require_role(request.user, Role.ADMINISTRATOR)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    official = request.GET.get("official") == "1"
    form = CalendarYearForm(request.POST or None, initial=_initial(year, official=official))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calendar_year_save(actor=request.user, year=year, work_starts=data["work_starts"],
                               work_ends=data["work_ends"], weekend_days=data["weekend_days"], days=data["days"])
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("The working calendar of %(y)s is saved.") % {"y": year})
            return redirect("portal:calendar_year", year=year)
    return render(request, "portal/calendar_year.html", {
        "form": form, "year": year, "calendar": calendar_year_get(year),
        "official_known": bool(official_days(year)), "official": official},
        status=400 if form.errors else 200)
