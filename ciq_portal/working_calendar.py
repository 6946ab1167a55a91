"""The bureau's working calendar: working hours, the weekly days off, public holidays and the weekends worked in
exchange for them (China's 调休), kept per year by administrators; deadlines count working time only.

:func:`working_deadline` adds working hours to a moment, skipping nights, days off and holidays; a year with no
calendar counts Monday to Friday, 08:30 to 17:30. :func:`official_days` gives the State Council's arrangement of a
year as the ``chinese_calendar`` package knows it, for an administrator to load (or the demo to seed).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import CalendarDay, CalendarDayKind, CalendarYear
from .reference import reference_cached, reference_forget
from .roles import Role, has_role

DEFAULT_WORK_STARTS = time(8, 30)
DEFAULT_WORK_ENDS = time(17, 30)
DEFAULT_WEEKEND = (6, 7)
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A deadline further than this many calendar days away is a calendar with no working time: refused, not looped on.
SEARCH_DAYS = 366


@dataclass(frozen=True)
class YearRules:
    work_starts: time
    work_ends: time
    weekend: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.isoweekday() not in self.weekend


DEFAULT_RULES = YearRules(DEFAULT_WORK_STARTS, DEFAULT_WORK_ENDS, frozenset(DEFAULT_WEEKEND), frozenset(), frozenset())


def _cache_key(year: int) -> str:
    return f"working-calendar:{year}"


def _load_rules(year: int) -> YearRules:
    calendar = CalendarYear.objects.filter(year=year).first()
    if calendar is None:
        return DEFAULT_RULES
    days = list(calendar.days.values_list("day", "kind"))
    return YearRules(calendar.work_starts, calendar.work_ends, frozenset(calendar.weekend_days),
                     frozenset(d for d, kind in days if kind == CalendarDayKind.HOLIDAY),
                     frozenset(d for d, kind in days if kind == CalendarDayKind.WORKDAY))


def rules_for(year: int) -> YearRules:
    return reference_cached(_cache_key(year), lambda: _load_rules(year))


def is_working_day(day: date) -> bool:
    return rules_for(day.year).is_working_day(day)


def working_deadline(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` of working time after ``start`` (local time of the bureau): time outside the working
    hours of working days does not count, so a deadline started on Friday evening runs from Monday morning, or
    from the adjusted working Saturday before a holiday week."""
    remaining = timedelta(hours=hours)
    moment = timezone.localtime(start)
    zone = moment.tzinfo
    for _day in range(SEARCH_DAYS):
        day = moment.date()
        rules = rules_for(day.year)
        if rules.is_working_day(day):
            opens = datetime.combine(day, rules.work_starts, tzinfo=zone)
            closes = datetime.combine(day, rules.work_ends, tzinfo=zone)
            begin = max(moment, opens)
            if begin < closes:
                if begin + remaining <= closes:
                    return begin + remaining
                remaining -= closes - begin
        moment = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    raise ValueError("no working time within a year of the start")


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0.0
    total = timedelta()
    moment = timezone.localtime(start)
    end = timezone.localtime(end)
    zone = moment.tzinfo
    while moment < end:
        day = moment.date()
        rules = rules_for(day.year)
        if rules.is_working_day(day):
            begin = max(moment, datetime.combine(day, rules.work_starts, tzinfo=zone))
            finish = min(end, datetime.combine(day, rules.work_ends, tzinfo=zone))
            if begin < finish:
                total += finish - begin
        moment = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return total.total_seconds() / 3600


# --- Reads ----------------------------------------------------------------------------------------------------------


def calendar_year_list():
    return CalendarYear.objects.annotate(
        holiday_count=Count("days", filter=Q(days__kind=CalendarDayKind.HOLIDAY)),
        workday_count=Count("days", filter=Q(days__kind=CalendarDayKind.WORKDAY))).order_by("year")


def calendar_year_get(year: int) -> CalendarYear | None:
    return CalendarYear.objects.prefetch_related("days").filter(year=year).first()


def official_days(year: int) -> list[dict]:
    """The State Council's holidays and adjusted working days of ``year`` (empty when the installed
    ``chinese_calendar`` does not know that year yet: the arrangement is published each November)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    try:
        chinese_calendar.is_holiday(first)
    except NotImplementedError:
        return []
    days = []
    day = first
    while day <= last:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:  # a named holiday, also where it falls on a weekend (the calendar shows it)
            days.append({"day": day, "kind": CalendarDayKind.HOLIDAY, "name": str(name)})
        elif not on_holiday and day.isoweekday() in DEFAULT_WEEKEND:  # a weekend worked in exchange (调休)
            days.append({"day": day, "kind": CalendarDayKind.WORKDAY, "name": str(name or "")})
        day += timedelta(days=1)
    return days


# --- Writes ---------------------------------------------------------------------------------------------------------


def _validate(year, work_starts, work_ends, weekend_days, days) -> None:
    errors = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [_("Give a year from %(a)s to %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR}]
    if work_starts >= work_ends:
        errors["work_ends"] = [_("The working day must end after it starts.")]
    if not set(weekend_days) <= set(range(1, 8)) or len(set(weekend_days)) > 6:
        errors["weekend_days"] = [_("Choose the days off among Monday to Sunday, leaving at least one working day.")]
    problems, seen = [], set()
    for entry in days:
        day = entry["day"]
        if day.year != year:
            problems.append(_("%(d)s is not in %(y)s.") % {"d": day, "y": year})
        elif day in seen:
            problems.append(_("%(d)s is given twice.") % {"d": day})
        elif entry["kind"] not in CalendarDayKind.values:
            problems.append(_("%(d)s: unknown kind %(k)s.") % {"d": day, "k": entry["kind"]})
        elif entry["kind"] == CalendarDayKind.WORKDAY and day.isoweekday() not in weekend_days:
            problems.append(_("%(d)s is a working day anyway: only a day off can be an adjusted working day.")
                            % {"d": day})
        seen.add(day)
    if problems:
        errors["days"] = problems
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def calendar_year_save(*, actor, year: int, work_starts: time = DEFAULT_WORK_STARTS,
                       work_ends: time = DEFAULT_WORK_ENDS, weekend_days=DEFAULT_WEEKEND, days=()) -> CalendarYear:
    """Create or replace the calendar of ``year``: its working hours, weekly days off and exceptional days
    (``days``: dicts of ``day``, ``kind`` "holiday" or "workday", ``name``). Administrators only. Deadlines set
    from now on count by it; those already set keep their time."""
    if actor is None or not has_role(actor, Role.ADMINISTRATOR):
        raise ValidationError({"year": [_("Only an administrator may change the working calendar.")]})
    weekend_days = sorted({int(d) for d in weekend_days})
    days = sorted(days, key=lambda entry: entry["day"])
    _validate(year, work_starts, work_ends, weekend_days, days)
    calendar = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = None
    if calendar is None:
        calendar = CalendarYear(year=year)
    else:
        before = {"work_starts": calendar.work_starts, "work_ends": calendar.work_ends,
                  "weekend_days": calendar.weekend_days,
                  "days": [[str(d), k] for d, k in calendar.days.values_list("day", "kind")]}
    calendar.work_starts, calendar.work_ends, calendar.weekend_days = work_starts, work_ends, weekend_days
    calendar.updated_by = actor
    calendar.save()
    calendar.days.all().delete()
    CalendarDay.objects.bulk_create([CalendarDay(calendar=calendar, day=entry["day"], kind=entry["kind"],
                                                 name=(entry.get("name") or "")[:60]) for entry in days])
    audit_record(actor=actor, action="calendar_year.save", obj=calendar, before=before,
                 after={"work_starts": work_starts, "work_ends": work_ends, "weekend_days": weekend_days,
                        "days": [[str(e["day"]), e["kind"]] for e in days]})
    reference_forget(_cache_key(year))
    return calendar
