"""Enterprises (the tenants) and the users who act for them."""

from django.db import transaction

from ciq_portal.audit import audit_record

from ..choices import MembershipRole
from ..models import Enterprise, EnterpriseMembership

ENTERPRISE_AUDIT_FIELDS = ["uscc", "external_id", "name_zh", "name_en", "address", "country", "kind", "status",
                           "credit_grade"]


def _snapshot(enterprise: Enterprise) -> dict:
    return {field: getattr(enterprise, field) for field in ENTERPRISE_AUDIT_FIELDS}


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    audit_record(actor=actor, action="enterprise.create", obj=enterprise, after=_snapshot(enterprise),
                 enterprise_id=enterprise.pk)
    return enterprise


@transaction.atomic
def enterprise_ensure(*, actor, uscc: str | None = None, external_id: str | None = None, **fields) -> Enterprise:
    """The enterprise with this USCC (or external id), created with ``fields`` if it does not exist yet."""
    lookup = {"uscc": uscc} if uscc else {"external_id": external_id}
    existing = Enterprise.objects.filter(**lookup).first()
    if existing:
        return existing
    return enterprise_create(actor=actor, uscc=uscc, external_id=external_id, **fields)


@transaction.atomic
def membership_ensure(*, user, enterprise: Enterprise, actor=None,
                      role: str = MembershipRole.DECLARANT) -> EnterpriseMembership:
    membership, created = EnterpriseMembership.objects.get_or_create(user=user, defaults={"enterprise": enterprise,
                                                                                          "role": role})
    if created:
        audit_record(actor=actor, action="enterprise.membership_add", obj=membership,
                     after={"user": user.username, "enterprise": enterprise.pk, "role": role},
                     enterprise_id=enterprise.pk)
    return membership
