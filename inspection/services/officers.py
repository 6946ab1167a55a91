"""Officers' profiles: create (with the person's account), edit, deactivate and reactivate, one at a time or a whole
file at once. Staff are managed by the bureau's administrators."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.models import User
from ciq_portal.roles import Role, require_role
from declarations.choices import CommodityCategory

from ..models import InspectionSite, InspectionTask, OfficerProfile
from .queue import _tasks_back_to_pool

STAFF_MANAGERS = (Role.ADMINISTRATOR,)
BADGE_PATTERN = re.compile(r"^[A-Za-z0-9-]{2,16}$")
USERNAME_PATTERN = re.compile(r"^[\w.@+-]{2,150}$")


def require_staff_manager(actor) -> None:
    """Staff are changed by administrators (``actor=None``: the system, e.g. the demo)."""
    if actor is not None:
        require_role(actor, *STAFF_MANAGERS)


def _snapshot(profile: OfficerProfile) -> dict:
    user = profile.user
    return {"badge_no": profile.badge_no, "username": user.username, "family_name": user.last_name,
            "given_name": user.first_name, "email": user.email, "categories": list(profile.categories or []),
            "sites": sorted(site.code for site in profile.sites.all()), "active": profile.active}


def officer_clean(data: dict, *, officer: OfficerProfile | None = None, sites_by_code=None,
                  taken_badges=frozenset(), taken_usernames=frozenset()) -> tuple[dict, dict]:
    """Check an officer's data: ``badge_no``, ``username`` (new officers), ``family_name``, ``given_name``,
    ``email``, ``categories`` (codes) and ``sites`` (InspectionSite objects, or codes when ``sites_by_code`` is
    given). Returns (cleaned, errors by field); ``taken_*`` are values used earlier in the same file."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    badge = str(data.get("badge_no") or "").strip()
    if not BADGE_PATTERN.match(badge):
        errors["badge_no"] = [_("Enter the staff number: 2 to 16 letters, digits or hyphens.")]
    elif badge in taken_badges or OfficerProfile.objects.filter(badge_no=badge).exclude(
            pk=getattr(officer, "pk", None)).exists():
        errors["badge_no"] = [_("Another officer has this staff number.")]
    cleaned["badge_no"] = badge
    if officer is None:
        username = str(data.get("username") or "").strip()
        if not USERNAME_PATTERN.match(username):
            errors["username"] = [_("Enter a user name: letters, digits and @ . + - _ only.")]
        elif username in taken_usernames or OfficerProfile.objects.filter(user__username=username).exists():
            errors["username"] = [_("This user already has an officer profile.")]
        cleaned["username"] = username
    for field in ("family_name", "given_name"):
        cleaned[field] = str(data.get(field) or "").strip()[:150]
    if not cleaned["family_name"] and not cleaned["given_name"]:
        errors["family_name"] = [_("Enter the officer's name.")]
    email = str(data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    cleaned["email"] = email
    categories = data.get("categories") or []
    if isinstance(categories, str):
        categories = [c for c in re.split(r"[;,\s]+", categories) if c]
    unknown = [c for c in categories if c not in CommodityCategory.values]
    if unknown:
        errors["categories"] = [_("Unknown goods categories: %(c)s.") % {"c": ", ".join(unknown)}]
    cleaned["categories"] = sorted(set(categories))
    sites = data.get("sites") or []
    if sites_by_code is not None:
        codes = [c for c in re.split(r"[;,\s]+", sites) if c] if isinstance(sites, str) else list(sites)
        missing = [c for c in codes if c not in sites_by_code]
        if missing:
            errors["sites"] = [_("Unknown sites: %(s)s.") % {"s": ", ".join(missing)}]
        sites = [sites_by_code[c] for c in codes if c in sites_by_code]
    if any(not site.active for site in sites):
        errors["sites"] = [_("A closed site cannot be given to an officer.")]
    cleaned["sites"] = list({site.pk: site for site in sites}.values())
    return cleaned, errors


def _officer_role() -> Group:
    return Group.objects.get_or_create(name=Role.OFFICER)[0]


def _create(cleaned: dict, *, actor, password: str = "") -> OfficerProfile:
    user = User.objects.select_for_update().filter(username=cleaned["username"]).first()
    if user is None:
        user = User(username=cleaned["username"], first_name=cleaned["given_name"], last_name=cleaned["family_name"],
                    email=cleaned["email"])
        # Without a password the officer sets one through the password reset by e-mail.
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(actor=actor, action="user.create", obj=user,
                     after={"username": user.username, "role": Role.OFFICER})
    else:
        user.first_name, user.last_name = cleaned["given_name"], cleaned["family_name"]
        user.email = cleaned["email"] or user.email
        user.save(update_fields=["first_name", "last_name", "email"])
    user.groups.add(_officer_role())
    profile = OfficerProfile.objects.create(user=user, badge_no=cleaned["badge_no"], categories=cleaned["categories"])
    profile.sites.set(cleaned["sites"])
    audit_record(actor=actor, action="officer.create", obj=profile, after=_snapshot(profile),
                 personal={"name": user.get_full_name()})
    return profile


@transaction.atomic
def officer_create(*, actor, badge_no: str, username: str, family_name: str = "", given_name: str = "",
                   email: str = "", categories=(), sites=(), password: str = "") -> OfficerProfile:
    """An officer's profile, with the person's account (created with the officer role when it does not exist;
    an existing account gains the role)."""
    require_staff_manager(actor)
    cleaned, errors = officer_clean({"badge_no": badge_no, "username": username, "family_name": family_name,
                                     "given_name": given_name, "email": email, "categories": list(categories),
                                     "sites": list(sites)})
    if errors:
        raise ValidationError(errors)
    return _create(cleaned, actor=actor, password=password)


@transaction.atomic
def officer_update(*, actor, officer: OfficerProfile, badge_no: str, family_name: str = "", given_name: str = "",
                   email: str = "", categories=(), sites=()) -> OfficerProfile:
    require_staff_manager(actor)
    profile = OfficerProfile.objects.select_for_update().select_related("user").get(pk=officer.pk)
    cleaned, errors = officer_clean({"badge_no": badge_no, "family_name": family_name, "given_name": given_name,
                                     "email": email, "categories": list(categories), "sites": list(sites)},
                                    officer=profile)
    if errors:
        raise ValidationError(errors)
    before = _snapshot(profile)
    user = profile.user
    user.first_name, user.last_name, user.email = cleaned["given_name"], cleaned["family_name"], cleaned["email"]
    user.save(update_fields=["first_name", "last_name", "email"])
    profile.badge_no, profile.categories = cleaned["badge_no"], cleaned["categories"]
    profile.save(update_fields=["badge_no", "categories"])
    profile.sites.set(cleaned["sites"])
    after = _snapshot(profile)
    if after != before:
        audit_record(actor=actor, action="officer.update", obj=profile, before=before, after=after)
    return profile


def _set_active(officer, active: bool, *, actor, reason: str) -> OfficerProfile:
    require_staff_manager(actor)
    profile = OfficerProfile.objects.select_for_update().select_related("user").get(pk=officer.pk)
    if profile.active == active:
        return profile
    profile.active = active
    profile.save(update_fields=["active"])
    audit_record(actor=actor, action="officer.reactivate" if active else "officer.deactivate", obj=profile,
                 before={"active": not active}, after={"active": active, "reason": reason})
    return profile


@transaction.atomic
def officer_deactivate(*, actor, officer: OfficerProfile, reason: str = "") -> OfficerProfile:
    """Take the officer out of every draw and claim (the account and the history stay); the officer's open tasks go
    back to the pool and are drawn again."""
    profile = _set_active(officer, False, actor=actor, reason=reason)
    _tasks_back_to_pool(InspectionTask.objects.filter(assigned_to_id=profile.user_id), actor=actor,
                        reason=_("Officer deactivated."))
    return profile


@transaction.atomic
def officer_reactivate(*, actor, officer: OfficerProfile, reason: str = "") -> OfficerProfile:
    return _set_active(officer, True, actor=actor, reason=reason)


@transaction.atomic
def officer_profile_ensure(*, user, badge_no: str, categories=(), sites=(), actor=None) -> OfficerProfile:
    """The user's officer profile with these qualifications, created when absent (the demo's and tests' way)."""
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


# --- Bulk import ----------------------------------------------------------------------------------------------------

OFFICER_COLUMNS = ["badge_no", "username", "family_name", "given_name", "email", "categories", "sites"]
OFFICER_EXAMPLE = ["NB0101", "wangwei", "王", "伟", "wangwei@example.cn", "aquatic;meat;food", "NGB-G1;NGB-CC"]


@transaction.atomic
def officers_import(*, actor, rows: list[dict]) -> list[OfficerProfile]:
    """Create the officers of a file's rows (OFFICER_COLUMNS), all or none: with any bad row nothing is written
    and the ValidationError lists every row's errors under ``row <n>.<field>`` (the header is row 1)."""
    require_staff_manager(actor)
    sites_by_code = {site.code: site for site in InspectionSite.objects.all()}
    errors: dict[str, list[str]] = {}
    cleaned_rows, badges, usernames = [], set(), set()
    for number, row in enumerate(rows, start=2):
        if not any(str(v or "").strip() for v in row.values()):
            continue
        cleaned, row_errors = officer_clean(row, sites_by_code=sites_by_code, taken_badges=badges,
                                            taken_usernames=usernames)
        badges.add(cleaned["badge_no"])
        usernames.add(cleaned["username"])
        for field, messages in row_errors.items():
            errors[f"row {number}.{field}"] = messages
        cleaned_rows.append(cleaned)
    if not cleaned_rows and not errors:
        errors["file"] = [_("The file has no rows.")]
    if errors:
        raise ValidationError(errors)
    profiles = [_create(cleaned, actor=actor) for cleaned in cleaned_rows]
    audit_record(actor=actor, action="officer.import", object_type="inspection.officerprofile",
                 object_id=f"import:{len(profiles)}", after={"badges": [p.badge_no for p in profiles]})
    return profiles
