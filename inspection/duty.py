"""Who is on duty, and where: the weekly roster, its dated exceptions (extra shifts, cancelled duties) and approved
leave, read for the draw of people, the claim of a task, a reassignment and the week view of a site.

An officer is on duty at a site at a moment when a duty of the roster (a weekly duty not cancelled that day, or an
extra shift) at that site covers the moment and no approved leave covers its day (leave is taken in whole days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .choices import LeaveStatus
from .models import OfficerLeave, OfficerShift, RosterCancellation, RosterPattern

ANY_SITE = None  # an extra shift kept from before sites were rostered counts at every qualified site
# Rosters, shifts and leave are planned within these years (dates far outside cannot be a duty, and would overflow
# the date arithmetic of a week).
PLANNING_YEARS = range(2000, 2101)


def plannable(day) -> bool:
    return isinstance(day, date) and day.year in PLANNING_YEARS


@dataclass(frozen=True)
class Duty:
    """One time on duty: a weekly duty's occurrence on ``day`` (``pattern_id``) or an extra shift (``shift_id``)."""

    officer_id: int  # the OfficerProfile
    site_id: int | None
    starts_at: datetime
    ends_at: datetime
    day: date
    pattern_id: int | None = None
    shift_id: int | None = None

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def local_datetime(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_current_timezone())


def pattern_span(day: date, starts_at: time, ends_at: time) -> tuple[datetime, datetime]:
    """A weekly duty's start and end on ``day``: an end at or before the start is the next day's."""
    end_day = day if ends_at > starts_at else day + timedelta(days=1)
    return local_datetime(day, starts_at), local_datetime(end_day, ends_at)


def pattern_occurrences(pattern, first: date, last: date):
    """The days from ``first`` to ``last`` (inclusive) on which ``pattern`` falls, within its validity."""
    start = max(first, pattern.valid_from)
    end = min(last, pattern.valid_until) if pattern.valid_until else last
    day = start + timedelta(days=(pattern.weekday - start.weekday()) % 7)
    while day <= end:
        yield day
        day += timedelta(days=7)


def duties_between(start: datetime, end: datetime, *, officer_ids=None, site_id=None) -> list[Duty]:
    """Every duty overlapping [start, end), cancelled occurrences left out (leave is not applied here)."""
    first, last = timezone.localdate(start) - timedelta(days=1), timezone.localdate(end)
    patterns = RosterPattern.objects.filter(valid_from__lte=last).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first))
    shifts = OfficerShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
    cancellations = RosterCancellation.objects.filter(day__gte=first, day__lte=last)
    if officer_ids is not None:
        patterns = patterns.filter(officer_id__in=officer_ids)
        shifts = shifts.filter(officer_id__in=officer_ids)
        cancellations = cancellations.filter(pattern__officer_id__in=officer_ids)
    if site_id is not None:
        patterns = patterns.filter(site_id=site_id)
        shifts = shifts.filter(Q(site_id=site_id) | Q(site__isnull=True))
        cancellations = cancellations.filter(pattern__site_id=site_id)
    if (last - first).days < 6:
        weekdays = {(first + timedelta(days=n)).weekday() for n in range((last - first).days + 1)}
        patterns = patterns.filter(weekday__in=weekdays)
    cancelled = set(cancellations.values_list("pattern_id", "day"))
    duties = []
    for pattern in patterns.only("id", "officer_id", "site_id", "weekday", "starts_at", "ends_at", "valid_from",
                                 "valid_until"):
        for day in pattern_occurrences(pattern, first, last):
            if (pattern.pk, day) in cancelled:
                continue
            begins, ends = pattern_span(day, pattern.starts_at, pattern.ends_at)
            if begins < end and ends > start:
                duties.append(Duty(pattern.officer_id, pattern.site_id, begins, ends, day, pattern_id=pattern.pk))
    for shift in shifts.only("id", "officer_id", "site_id", "starts_at", "ends_at"):
        duties.append(Duty(shift.officer_id, shift.site_id, shift.starts_at, shift.ends_at,
                           timezone.localdate(shift.starts_at), shift_id=shift.pk))
    return sorted(duties, key=lambda d: (d.starts_at, d.officer_id))


def approved_leave(first: date, last: date, *, officer_ids=None) -> dict[int, list[tuple[date, date]]]:
    """Approved leave overlapping the days ``first`` to ``last``, by officer profile."""
    rows = OfficerLeave.objects.filter(status=LeaveStatus.APPROVED, first_day__lte=last, last_day__gte=first)
    if officer_ids is not None:
        rows = rows.filter(officer_id__in=officer_ids)
    leave: dict[int, list[tuple[date, date]]] = {}
    for officer_id, first_day, last_day in rows.values_list("officer_id", "first_day", "last_day"):
        leave.setdefault(officer_id, []).append((first_day, last_day))
    return leave


def on_leave(leave: list[tuple[date, date]], day: date) -> bool:
    return any(first <= day <= last for first, last in leave)


def duties_at(at: datetime, *, officer_ids=None) -> dict[int, list[Duty]]:
    """The duties covering ``at`` of each officer on duty then (no approved leave that day), by officer profile."""
    day = timezone.localdate(at)
    leave = approved_leave(day, day, officer_ids=officer_ids)
    found: dict[int, list[Duty]] = {}
    for duty in duties_between(at, at + timedelta(microseconds=1), officer_ids=officer_ids):
        if duty.covers(at) and not on_leave(leave.get(duty.officer_id, ()), day):
            found.setdefault(duty.officer_id, []).append(duty)
    return found


def on_duty_at_site(officer_id: int, site_id: int | None, start: datetime, end: datetime | None = None) -> bool:
    """Whether the officer is on duty at the site (any site when ``site_id`` is None) at ``start`` or, with ``end``,
    at some moment before ``end``."""
    if end is None or end <= start:
        duties = duties_at(start, officer_ids=[officer_id]).get(officer_id, [])
        return any(site_id is None or d.site_id in (site_id, ANY_SITE) for d in duties)
    leave = approved_leave(timezone.localdate(start), timezone.localdate(end), officer_ids=[officer_id])
    for duty in duties_between(start, end, officer_ids=[officer_id]):
        if site_id is not None and duty.site_id not in (site_id, ANY_SITE):
            continue
        # On duty at some moment of the duty within [start, end) that is not a day of leave.
        moment = max(duty.starts_at, start)
        while moment < min(duty.ends_at, end):
            day = timezone.localdate(moment)
            if not on_leave(leave.get(officer_id, ()), day):
                return True
            moment = local_datetime(day + timedelta(days=1), time(0))
    return False
