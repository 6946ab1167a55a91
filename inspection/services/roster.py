"""Duty rosters: each officer's weekly duties at a site, with dated exceptions (an extra shift, a cancelled duty),
one at a time or a whole file at once. Rosters are kept by supervisors and administrators."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, require_role

from .. import duty
from ..choices import LeaveStatus
from ..models import InspectionSite, OfficerLeave, OfficerProfile, OfficerShift, RosterCancellation, RosterPattern

ROSTER_KEEPERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
# Two weekly duties repeat every seven days: comparing a fortnight of their shifts decides whether they ever meet.
_COMPARE_DAYS = 14


def require_roster_keeper(actor) -> None:
    if actor is not None:
        require_role(actor, *ROSTER_KEEPERS)


def _spans(weekday, starts_at, ends_at, valid_from, valid_until, first: date, last: date):
    start = max(first, valid_from)
    end = min(last, valid_until) if valid_until else last
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day <= end:
        yield duty.pattern_span(day, starts_at, ends_at)
        day += timedelta(days=7)


_WEEK_MINUTES = 7 * 24 * 60


def _week_minutes(p: dict) -> list[tuple[int, int]]:
    """A weekly duty as minutes of the week from Monday 00:00, split where it runs past Sunday midnight."""
    start = p["weekday"] * 1440 + p["starts_at"].hour * 60 + p["starts_at"].minute
    length = (p["ends_at"].hour * 60 + p["ends_at"].minute - start % 1440) % 1440 or 1440
    end = start + length
    return [(start, end)] if end <= _WEEK_MINUTES else [(start, _WEEK_MINUTES), (0, end - _WEEK_MINUTES)]


def patterns_meet(a: dict, b: dict) -> bool:
    """Whether two weekly duties (dicts of weekday, starts_at, ends_at, valid_from, valid_until) ever overlap."""
    if not any(s < e2 and s2 < e for s, e in _week_minutes(a) for s2, e2 in _week_minutes(b)):
        return False  # never the same hours of the week (the usual case, decided without dates)
    first = max(a["valid_from"], b["valid_from"]) - timedelta(days=1)
    ends = [v for v in (a["valid_until"], b["valid_until"]) if v]
    last = min(min(ends) + timedelta(days=1) if ends else first + timedelta(days=_COMPARE_DAYS),
               first + timedelta(days=_COMPARE_DAYS))
    if last < first:
        return False
    spans_b = list(_spans(b["weekday"], b["starts_at"], b["ends_at"], b["valid_from"], b["valid_until"], first, last))
    return any(s < e2 and s2 < e for s, e in _spans(a["weekday"], a["starts_at"], a["ends_at"], a["valid_from"],
                                                     a["valid_until"], first, last) for s2, e2 in spans_b)


def _pattern_fields(pattern) -> dict:
    return {"weekday": pattern.weekday, "starts_at": pattern.starts_at, "ends_at": pattern.ends_at,
            "valid_from": pattern.valid_from, "valid_until": pattern.valid_until}


def officer_site_errors(officer: OfficerProfile | None, site: InspectionSite | None) -> dict:
    """The officer must be active, the site open and one the officer is qualified for."""
    errors: dict[str, list[str]] = {}
    if officer is None:
        errors["officer"] = [_("Choose the officer.")]
    elif not officer.active:
        errors["officer"] = [_("This officer is deactivated.")]
    if site is None:
        errors["site"] = [_("Choose the site.")]
    elif not site.active:
        errors["site"] = [_("This site is closed.")]
    elif officer is not None and not officer.sites.filter(pk=site.pk).exists():
        errors["site"] = [_("The officer is not qualified for this site.")]
    return errors


def pattern_clean(data: dict, *, others=()) -> tuple[dict, dict]:
    """Check a weekly duty's weekday, times and validity, and that it meets none of the officer's other weekly
    duties ``others`` (dicts as patterns_meet takes). Returns (cleaned, errors by field)."""
    errors: dict[str, list[str]] = {}
    cleaned = {"weekday": data.get("weekday"), "starts_at": data.get("starts_at"), "ends_at": data.get("ends_at"),
               "valid_from": data.get("valid_from"), "valid_until": data.get("valid_until")}
    if cleaned["weekday"] not in range(7):
        errors["weekday"] = [_("Choose a weekday.")]
    for field in ("starts_at", "ends_at"):
        if not isinstance(cleaned[field], time):
            errors[field] = [_("Enter a time (HH:MM).")]
    if not errors.get("starts_at") and not errors.get("ends_at") and cleaned["starts_at"] == cleaned["ends_at"]:
        errors["ends_at"] = [_("A shift must end at another time than it starts.")]
    if not duty.plannable(cleaned["valid_from"]):
        errors["valid_from"] = [_("Enter the first day the duty applies (YYYY-MM-DD, years 2000 to 2100).")]
    elif cleaned["valid_until"] is not None and not duty.plannable(cleaned["valid_until"]):
        errors["valid_until"] = [_("Enter a date (YYYY-MM-DD, years 2000 to 2100).")]
    elif cleaned["valid_until"] is not None and cleaned["valid_until"] < cleaned["valid_from"]:
        errors["valid_until"] = [_("The last day cannot be before the first.")]
    if not errors and any(patterns_meet(cleaned, other) for other in others):
        errors["starts_at"] = [_("This shift overlaps another shift of the officer.")]
    return cleaned, errors


def _pattern_after(pattern: RosterPattern) -> dict:
    return {"officer": pattern.officer_id, "site": pattern.site_id, **_pattern_fields(pattern)}


@transaction.atomic
def roster_pattern_add(*, actor, officer: OfficerProfile | None, site: InspectionSite | None, weekday: int,
                       starts_at: time, ends_at: time, valid_from: date, valid_until: date | None = None
                       ) -> RosterPattern:
    """A weekly duty of the officer at the site (an end at or before the start is the next morning's)."""
    require_roster_keeper(actor)
    if officer is not None:
        officer = OfficerProfile.objects.select_for_update().get(pk=officer.pk)  # one roster change at a time
    errors = officer_site_errors(officer, site)
    others = [_pattern_fields(p) for p in RosterPattern.objects.filter(officer=officer)] if officer else []
    cleaned, field_errors = pattern_clean({"weekday": weekday, "starts_at": starts_at, "ends_at": ends_at,
                                           "valid_from": valid_from, "valid_until": valid_until}, others=others)
    errors.update(field_errors)
    if not errors:
        errors = _extra_shifts_met(officer, [cleaned])
    if errors:
        raise ValidationError(errors)
    pattern = RosterPattern.objects.create(officer=officer, site=site, **cleaned)
    audit_record(actor=actor, action="roster.pattern_add", obj=pattern, after=_pattern_after(pattern))
    return pattern


def _extra_shifts_met(officer, patterns: list[dict]) -> dict:
    """A weekly duty meeting one of the officer's extra shifts is an overlap too."""
    for shift in OfficerShift.objects.filter(officer=officer, ends_at__gt=timezone.now() - timedelta(days=1)):
        first, last = timezone.localdate(shift.starts_at) - timedelta(days=1), timezone.localdate(shift.ends_at)
        for p in patterns:
            for begins, ends in _spans(p["weekday"], p["starts_at"], p["ends_at"], p["valid_from"], p["valid_until"],
                                       first, last):
                if begins < shift.ends_at and shift.starts_at < ends:
                    return {"starts_at": [_("This shift overlaps another shift of the officer.")]}
    return {}


@transaction.atomic
def roster_pattern_remove(*, actor, pattern: RosterPattern) -> None:
    require_roster_keeper(actor)
    pattern = RosterPattern.objects.select_for_update().get(pk=pattern.pk)
    before = _pattern_after(pattern)
    audit_record(actor=actor, action="roster.pattern_remove", obj=pattern, before=before)
    pattern.delete()


@transaction.atomic
def officer_shift_add(*, officer: OfficerProfile, site: InspectionSite | None, starts_at: datetime,
                      ends_at: datetime, reason: str = "", actor=None) -> OfficerShift:
    """A dated extra shift of the officer at the site, beside the weekly roster."""
    require_roster_keeper(actor)
    officer = OfficerProfile.objects.select_for_update().get(pk=officer.pk)
    errors: dict[str, list[str]] = {}
    if site is None:
        errors["site"] = [_("Choose the site.")]
    elif not site.active:
        errors["site"] = [_("This site is closed.")]
    elif not officer.sites.filter(pk=site.pk).exists():
        errors["site"] = [_("The officer is not qualified for this site.")]
    if not duty.plannable(timezone.localdate(starts_at)) or not duty.plannable(timezone.localdate(ends_at)):
        errors["starts_at"] = [_("Enter a date (YYYY-MM-DD, years 2000 to 2100).")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("A shift must end after it starts.")]
    elif ends_at - starts_at > timedelta(hours=24):
        errors["ends_at"] = [_("A shift lasts at most 24 hours.")]
    if errors:
        raise ValidationError(errors)
    if any(d.starts_at < ends_at and starts_at < d.ends_at
           for d in duty.duties_between(starts_at, ends_at, officer_ids=[officer.pk])):
        raise ValidationError({"starts_at": [_("This shift overlaps another shift of the officer.")]})
    if OfficerLeave.objects.filter(officer=officer, status=LeaveStatus.APPROVED,
                                   first_day__lte=timezone.localdate(ends_at),
                                   last_day__gte=timezone.localdate(starts_at)).exists():
        raise ValidationError({"starts_at": [_("The officer is on approved leave then.")]})
    shift = OfficerShift.objects.create(officer=officer, site=site, starts_at=starts_at, ends_at=ends_at,
                                        reason=(reason or "").strip()[:200])
    audit_record(actor=actor, action="roster.shift_add", obj=shift,
                 after={"officer": officer.pk, "site": site.pk, "starts_at": starts_at, "ends_at": ends_at})
    return shift


@transaction.atomic
def officer_shift_remove(*, actor, shift: OfficerShift) -> None:
    require_roster_keeper(actor)
    shift = OfficerShift.objects.select_for_update().get(pk=shift.pk)
    audit_record(actor=actor, action="roster.shift_remove", obj=shift,
                 before={"officer": shift.officer_id, "site": shift.site_id, "starts_at": shift.starts_at,
                         "ends_at": shift.ends_at})
    shift.delete()


@transaction.atomic
def roster_duty_cancel(*, actor, pattern: RosterPattern, day: date, reason: str = "") -> RosterCancellation:
    """The weekly duty does not take place on ``day`` (a dated exception)."""
    require_roster_keeper(actor)
    pattern = RosterPattern.objects.select_for_update().get(pk=pattern.pk)
    if not duty.plannable(day) or day not in set(duty.pattern_occurrences(pattern, day, day)):
        raise ValidationError({"day": [_("The duty does not fall on this day.")]})
    cancellation, created = RosterCancellation.objects.get_or_create(pattern=pattern, day=day,
                                                                     defaults={"reason": (reason or "")[:200]})
    if created:
        audit_record(actor=actor, action="roster.duty_cancel", obj=cancellation,
                     after={"pattern": pattern.pk, "officer": pattern.officer_id, "day": day, "reason": reason})
    return cancellation


@transaction.atomic
def roster_cancellation_remove(*, actor, cancellation: RosterCancellation) -> None:
    """The cancelled duty takes place after all."""
    require_roster_keeper(actor)
    cancellation = RosterCancellation.objects.select_for_update().get(pk=cancellation.pk)
    audit_record(actor=actor, action="roster.cancellation_remove", obj=cancellation,
                 before={"pattern": cancellation.pattern_id, "day": cancellation.day})
    cancellation.delete()


# --- Bulk upload ----------------------------------------------------------------------------------------------------

ROSTER_COLUMNS = ["badge_no", "site", "weekday", "starts_at", "ends_at", "valid_from", "valid_until"]
WEEKDAY_NAMES = {name: n for n, names in enumerate([
    ("mon", "monday", "周一", "星期一"), ("tue", "tuesday", "周二", "星期二"), ("wed", "wednesday", "周三", "星期三"),
    ("thu", "thursday", "周四", "星期四"), ("fri", "friday", "周五", "星期五"), ("sat", "saturday", "周六", "星期六"),
    ("sun", "sunday", "周日", "星期日")]) for name in names}


def roster_example() -> list[str]:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)
    return ["NB0001", "NGB-G1", "mon", "08:00", "16:00", monday.isoformat(), (monday + timedelta(days=27)).isoformat()]


def _parse_weekday(value: str):
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 7:
        return int(value) - 1  # 1 = Monday, as ISO 8601 counts
    return WEEKDAY_NAMES.get(value)


def _parse_time(value: str):
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _parse_date(value: str):
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@transaction.atomic
def roster_import(*, actor, rows: list[dict]) -> list[RosterPattern]:
    """Add the weekly duties of a file's rows (ROSTER_COLUMNS: weekday as mon…sun or 1…7, times HH:MM, ISO dates),
    all or none: with any bad row nothing is written and the ValidationError lists every row's errors under
    ``row <n>.<field>`` (the header is row 1). Rows are checked against each other and the roster already kept."""
    require_roster_keeper(actor)
    badges = {str(r.get("badge_no") or "").strip() for r in rows}
    officers = {p.badge_no: p for p in OfficerProfile.objects.select_for_update().filter(badge_no__in=badges)}
    sites = {s.code: s for s in InspectionSite.objects.all()}
    qualified: dict[int, set[int]] = {}
    for officer_id, site_id in OfficerProfile.sites.through.objects.filter(
            officerprofile__in=officers.values()).values_list("officerprofile_id", "inspectionsite_id"):
        qualified.setdefault(officer_id, set()).add(site_id)
    kept: dict[int, list[dict]] = {}
    for pattern in RosterPattern.objects.filter(officer__in=officers.values()):
        kept.setdefault(pattern.officer_id, []).append(_pattern_fields(pattern))
    errors: dict[str, list[str]] = {}
    new: list[RosterPattern] = []
    for number, row in enumerate(rows, start=2):
        row = {k: str(v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        row_errors: dict[str, list[str]] = {}
        officer = officers.get(row.get("badge_no", ""))
        site = sites.get(row.get("site", ""))
        if officer is None:
            row_errors["badge_no"] = [_("No officer has this staff number.")]
        elif not officer.active:
            row_errors["badge_no"] = [_("This officer is deactivated.")]
        if site is None:
            row_errors["site"] = [_("No site has this code.")]
        elif not site.active:
            row_errors["site"] = [_("This site is closed.")]
        elif officer is not None and site.pk not in qualified.get(officer.pk, ()):
            row_errors["site"] = [_("The officer is not qualified for this site.")]
        values = {"weekday": _parse_weekday(row.get("weekday", "")), "starts_at": _parse_time(row.get("starts_at", "")),
                  "ends_at": _parse_time(row.get("ends_at", "")), "valid_from": _parse_date(row.get("valid_from", "")),
                  "valid_until": _parse_date(row["valid_until"]) if row.get("valid_until") else None}
        if row.get("valid_until") and values["valid_until"] is None:
            row_errors["valid_until"] = [_("Enter a date (YYYY-MM-DD).")]
        _cleaned, field_errors = pattern_clean(values, others=kept.get(officer.pk, []) if not row_errors else ())
        row_errors.update(field_errors)
        if row_errors:
            for field, messages in row_errors.items():
                errors[f"row {number}.{field}"] = messages
            continue
        kept.setdefault(officer.pk, []).append(values)
        new.append(RosterPattern(officer=officer, site=site, **values))
    if not new and not errors:
        errors["file"] = [_("The file has no rows.")]
    if errors:
        raise ValidationError(errors)
    created = RosterPattern.objects.bulk_create(new, batch_size=2000)
    audit_record(actor=actor, action="roster.import", object_type="inspection.rosterpattern",
                 object_id=f"import:{len(created)}",
                 after={"patterns": len(created), "officers": sorted({p.officer.badge_no for p in created})})
    return created
