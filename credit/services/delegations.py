"""Delegations to customs brokers: an importer's administrator grants one (goods, ports, dates) and revokes it."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record

from ..choices import EnterpriseKind, EnterpriseStatus
from ..models import BrokerDelegation, Enterprise
from ..selectors import require_enterprise_administrator

_CHAPTER = re.compile(r"[0-9]{2}")
_PORT = re.compile(r"[A-Z0-9]{2,16}")


def _snapshot(delegation: BrokerDelegation) -> dict:
    return {"importer": delegation.importer_id, "broker": delegation.broker_id, "hs_chapters": delegation.hs_chapters,
            "ports": delegation.ports, "valid_from": delegation.valid_from, "valid_until": delegation.valid_until,
            "revoked_at": delegation.revoked_at}


def _codes(values, pattern, errors, field, message) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[\s,;]+", values)
    codes = sorted({str(v).strip().upper() for v in values or () if str(v).strip()})
    bad = [code for code in codes if not pattern.fullmatch(code)]
    if bad:
        errors[field] = [message % {"codes": ", ".join(bad)}]
    return codes


@transaction.atomic
def delegation_grant(*, actor, broker_uscc: str, hs_chapters=(), ports=(), valid_from: date | None,
                     valid_until: date | None) -> BrokerDelegation:
    """The importer ``actor`` administers lets the customs broker with USCC ``broker_uscc`` file for it: for the
    listed HS chapters (none: all goods), at the listed ports (none: every port), from ``valid_from`` to
    ``valid_until`` inclusive."""
    importer_id = require_enterprise_administrator(actor)
    errors: dict[str, list[str]] = {}
    broker = Enterprise.objects.filter(uscc=(broker_uscc or "").strip().upper()).first()
    if broker is None:
        errors["broker_uscc"] = [_("Customs broker: no enterprise has this unified social credit code.")]
    elif broker.pk == importer_id:
        errors["broker_uscc"] = [_("Customs broker: an enterprise does not delegate to itself.")]
    elif broker.kind != EnterpriseKind.CUSTOMS_BROKER or broker.status != EnterpriseStatus.ACTIVE:
        errors["broker_uscc"] = [_("Customs broker: this enterprise is not an active customs broker.")]
    chapters = _codes(hs_chapters, _CHAPTER, errors, "hs_chapters",
                      _("HS chapters: two digits each (e.g. 03, 84); not %(codes)s."))
    if any(not 1 <= int(code) <= 97 for code in chapters if _CHAPTER.fullmatch(code)):
        errors["hs_chapters"] = [_("HS chapters: chapters run from 01 to 97.")]
    port_codes = _codes(ports, _PORT, errors, "ports", _("Ports: office codes of letters and digits; not %(codes)s."))
    if valid_from is None:
        errors["valid_from"] = [_("Valid from: enter a date.")]
    if valid_until is None:
        errors["valid_until"] = [_("Valid until: enter a date.")]
    elif valid_until < timezone.localdate():
        errors["valid_until"] = [_("Valid until: the date has passed.")]
    elif valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = [_("Valid until: on or after the first day.")]
    if errors:
        raise ValidationError(errors)
    delegation = BrokerDelegation.objects.create(importer_id=importer_id, broker=broker, hs_chapters=chapters,
                                                 ports=port_codes, valid_from=valid_from, valid_until=valid_until,
                                                 granted_by=actor)
    audit_record(actor=actor, action="delegation.grant", obj=delegation, after=_snapshot(delegation),
                 enterprise_id=importer_id)
    return delegation


@transaction.atomic
def delegation_revoke(*, actor, delegation: BrokerDelegation) -> BrokerDelegation:
    """End a delegation now: from the next request the broker neither files for the importer nor sees its
    declarations."""
    importer_id = require_enterprise_administrator(actor)
    delegation = BrokerDelegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.importer_id != importer_id:
        raise ValidationError({"delegation": [_("This delegation is not your enterprise's.")]})
    if delegation.revoked_at is not None:
        raise ValidationError({"delegation": [_("This delegation was already revoked.")]})
    before = _snapshot(delegation)
    delegation.revoked_at, delegation.revoked_by = timezone.now(), actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="delegation.revoke", obj=delegation, before=before, after=_snapshot(delegation),
                 enterprise_id=importer_id)
    return delegation
