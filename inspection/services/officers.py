"""Officers: profiles (qualifications and sites), shifts, leave and declared conflicts of interest."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record

from ..models import ConflictOfInterest, OfficerLeave, OfficerProfile, OfficerShift


@transaction.atomic
def officer_profile_ensure(*, user, badge_no: str, categories=(), sites=(), actor=None) -> OfficerProfile:
    profile, created = OfficerProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"badge_no": badge_no, "categories": sorted(set(categories))})
    before = None if created else {"categories": profile.categories, "sites": sorted(s.pk for s in profile.sites.all())}
    after = {"categories": sorted(set(categories)), "sites": sorted(s.pk for s in sites)}
    if before == after:
        return profile
    profile.categories = after["categories"]
    profile.save(update_fields=["categories"])
    profile.sites.set(sites)
    audit_record(actor=actor, action="officer_profile.ensure", obj=profile, before=before,
                 after={"badge_no": profile.badge_no, **after})
    return profile


@transaction.atomic
def officer_shift_add(*, officer: OfficerProfile, starts_at: datetime, ends_at: datetime, actor=None) -> OfficerShift:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("A shift must end after it starts.")]})
    if officer.shifts.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": [_("This shift overlaps another shift of the officer.")]})
    shift = OfficerShift.objects.create(officer=officer, starts_at=starts_at, ends_at=ends_at)
    audit_record(actor=actor, action="officer_shift.add", obj=shift,
                 after={"officer": officer.pk, "starts_at": starts_at, "ends_at": ends_at})
    return shift


@transaction.atomic
def officer_leave_add(*, officer: OfficerProfile, first_day: date, last_day: date, reason="", actor=None):
    if last_day < first_day:
        raise ValidationError({"last_day": [_("The last day of leave cannot be before the first.")]})
    leave = OfficerLeave.objects.create(officer=officer, first_day=first_day, last_day=last_day, reason=reason)
    audit_record(actor=actor, action="officer_leave.add", obj=leave,
                 after={"officer": officer.pk, "first_day": first_day, "last_day": last_day})
    return leave


@transaction.atomic
def conflict_declare(*, officer: OfficerProfile, enterprise, reason: str, actor=None) -> ConflictOfInterest:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what the conflict of interest is.")]})
    conflict, _created = ConflictOfInterest.objects.get_or_create(officer=officer, enterprise=enterprise,
                                                                  defaults={"reason": reason.strip()})
    audit_record(actor=actor, action="conflict.declare", obj=conflict, enterprise_id=enterprise.pk,
                 after={"officer": officer.pk, "enterprise": enterprise.pk, "reason": conflict.reason})
    return conflict
