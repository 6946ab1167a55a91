"""Partner agencies of the single window (guidance §6): agencies, their clients, API keys, scopes.

An *agency* (customs, maritime, border, port operator) is granted a set of scopes by the bureau. Each agency has
several *clients*, each with its own user account (role ``partner_agency``), its own scopes (within the
agency's) and rate limit, and any number of *API keys*. A key looks like ``ciq_<prefix>_<secret>``; only the
SHA-256 of the whole key is stored, so a lost key cannot be recovered, only replaced.

Keys are rotated (a new key is issued and the old one keeps working for a grace period) or revoked (stops at
once). Revoking a client stops all its keys and its log-ins.

Scopes of a request (see :func:`principal_scopes`):
- an API key: its client's scopes ∩ the agency's granted scopes (nothing if the client or agency is inactive);
- a person of role ``partner_agency`` who logs in (session or ``Token``): the same, through the agency client
  linked to their account (``AgencyClient.user``); a ``partner_agency`` user linked to no client gets only the
  read scopes in :data:`UNLINKED_USER_SCOPES`;
- anyone else is not an agency principal: scopes do not apply to them (roles and scoping do).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import Agency, AgencyApiKey, AgencyClient, AgencyScope, User
from .roles import Role, has_role

KEY_PREFIX = "ciq"
ROTATION_GRACE = timedelta(hours=24)
ALL_SCOPES = frozenset(AgencyScope.values)
UNLINKED_USER_SCOPES = frozenset({AgencyScope.RELEASE_STATUS_READ, AgencyScope.BULLETINS_READ})


# --- keys ------------------------------------------------------------------------------------------------------


def key_hash(raw_key: str) -> str:
    """SHA-256 of the whole key. Keys carry 256 bits of randomness, so a plain digest is enough (no salt, no
    slow hash): nobody can guess a pre-image, and lookups stay cheap on every request."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def key_split(raw_key: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    parts = raw_key.strip().split("_", 2)  # the secret part may itself contain "_"
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def key_authenticate(raw_key: str) -> AgencyApiKey | None:
    """The usable key row for ``raw_key`` (active client and agency), or None. Records when it was last used."""
    prefix = key_split(raw_key)
    if prefix is None:
        return None
    key = AgencyApiKey.objects.select_related("client__agency", "client__user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, key_hash(raw_key.strip())):
        return None
    now = timezone.now()
    if not key.is_usable(now) or not key.client.is_active or not key.client.agency.is_active:
        return None
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        # At most one write a minute per key, so busy clients do not write on every request.
        AgencyApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def _new_raw_key() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


# --- scopes ----------------------------------------------------------------------------------------------------


def scopes_validate(scopes, *, field: str = "scopes") -> list[str]:
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise ValidationError({field: [_("Unknown scope: %(scope)s.") % {"scope": ", ".join(unknown)}]})
    return scopes


def client_effective_scopes(client: AgencyClient | None) -> frozenset[str]:
    if client is None or not client.is_active or not client.agency.is_active:
        return frozenset()
    return frozenset(client.scopes) & frozenset(client.agency.scopes)


def is_agency_principal(user, auth=None) -> bool:
    """True for requests made with an agency API key or by a user of role partner_agency."""
    return isinstance(auth, AgencyApiKey) or (getattr(user, "is_authenticated", False)
                                              and has_role(user, Role.PARTNER_AGENCY))


def user_agency_client(user) -> AgencyClient | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_ciq_agency_client"):
        user._ciq_agency_client = (AgencyClient.objects.select_related("agency").filter(user=user).first()
                                   if has_role(user, Role.PARTNER_AGENCY) else None)
    return user._ciq_agency_client


def principal_scopes(user, auth=None) -> frozenset[str]:
    """The scopes of a request's principal (see the module docstring); empty for non-agency users."""
    if isinstance(auth, AgencyApiKey):
        return client_effective_scopes(auth.client)
    if not is_agency_principal(user):
        return frozenset()
    client = user_agency_client(user)
    if client is None:
        return UNLINKED_USER_SCOPES
    return client_effective_scopes(client)


def principal_agency(user, auth=None) -> Agency | None:
    """The agency a request acts for, or None."""
    if isinstance(auth, AgencyApiKey):
        return auth.client.agency
    client = user_agency_client(user)
    return client.agency if client else None


# --- services --------------------------------------------------------------------------------------------------


def _agency_state(agency: Agency) -> dict:
    return {"code": agency.code, "kind": agency.kind, "scopes": agency.scopes, "is_active": agency.is_active}


def _client_state(client: AgencyClient) -> dict:
    return {"name": client.name, "scopes": client.scopes, "rate_limit": client.rate_limit,
            "is_active": client.is_active, "agency": client.agency.code}


@transaction.atomic
def agency_ensure(*, code: str, name_zh: str, kind: str, scopes, name_en: str = "", actor=None) -> Agency:
    """Create the agency if absent (an existing one is left as it is)."""
    scopes = scopes_validate(scopes)
    agency, created = Agency.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en, "kind": kind, "scopes": scopes})
    if created:
        audit_record(actor=actor, action="agency.create", obj=agency, after=_agency_state(agency))
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, actor, scopes=None, is_active=None) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _agency_state(agency)
    if scopes is not None:
        agency.scopes = scopes_validate(scopes)
    if is_active is not None:
        agency.is_active = is_active
    agency.save()
    audit_record(actor=actor, action="agency.update", obj=agency, before=before, after=_agency_state(agency))
    return agency


@transaction.atomic
def agency_client_create(*, agency: Agency, name: str, scopes, actor, rate_limit: str = "",
                         user: User | None = None, username: str = "") -> AgencyClient:
    """A new client of ``agency``. Without ``user``, a service account without password is created for it."""
    scopes = scopes_validate(scopes)
    outside = sorted(set(scopes) - set(agency.scopes))
    if outside:
        raise ValidationError({"scopes": [_("Not granted to the agency: %(scope)s.") % {"scope": ", ".join(outside)}]})
    if rate_limit:
        _rate_validate(rate_limit)
    if user is None:
        username = username or f"agency-{agency.code}-{secrets.token_hex(3)}"
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": [_("A user with this name already exists.")]})
        user = User(username=username, first_name=name[:150])
        user.set_unusable_password()
        user.save()
    elif AgencyClient.objects.filter(user=user).exists():
        raise ValidationError({"user": [_("This user already acts for an agency.")]})
    user.groups.add(Group.objects.get_or_create(name=Role.PARTNER_AGENCY)[0])
    client = AgencyClient.objects.create(agency=agency, user=user, name=name, scopes=scopes, rate_limit=rate_limit)
    audit_record(actor=actor, action="agency_client.create", obj=client, after=_client_state(client))
    return client


def _rate_validate(rate: str) -> None:
    try:
        count, period = rate.split("/")
        if int(count) <= 0 or period[0] not in "smhd":
            raise ValueError
    except (ValueError, IndexError):
        raise ValidationError({"rate_limit": [_("Use a rate such as 600/min.")]}) from None


@transaction.atomic
def agency_client_update(*, client: AgencyClient, actor, scopes=None, rate_limit=None,
                         is_active=None) -> AgencyClient:
    client = AgencyClient.objects.select_for_update().select_related("agency").get(pk=client.pk)
    before = _client_state(client)
    if scopes is not None:
        scopes = scopes_validate(scopes)
        outside = sorted(set(scopes) - set(client.agency.scopes))
        if outside:
            raise ValidationError({"scopes": [_("Not granted to the agency: %(scope)s.")
                                              % {"scope": ", ".join(outside)}]})
        client.scopes = scopes
    if rate_limit is not None:
        if rate_limit:
            _rate_validate(rate_limit)
        client.rate_limit = rate_limit
    if is_active is not None:
        client.is_active = is_active
    client.save()
    audit_record(actor=actor, action="agency_client.update", obj=client, before=before, after=_client_state(client))
    return client


@transaction.atomic
def agency_api_key_issue(*, client: AgencyClient, actor, label: str = "") -> tuple[AgencyApiKey, str]:
    """A new key for ``client``; returns the row and the raw key, which is never stored and shown only now."""
    AgencyClient.objects.select_for_update().get(pk=client.pk)
    prefix, raw = _new_raw_key()
    key = AgencyApiKey.objects.create(client=client, prefix=prefix, key_hash=key_hash(raw), label=label,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="agency_api_key.issue", obj=key, after={"client": client.pk, "prefix": prefix})
    return key, raw


@transaction.atomic
def agency_api_key_rotate(*, key: AgencyApiKey, actor, grace: timedelta = ROTATION_GRACE) -> tuple[AgencyApiKey, str]:
    """Issue a replacement for ``key``; the old key keeps working for ``grace`` (zero: stops at once)."""
    key = AgencyApiKey.objects.select_for_update().get(pk=key.pk)
    if not key.is_usable():
        raise ValidationError({"key": [_("This key is already revoked or expired.")]})
    new_key, raw = agency_api_key_issue(client=key.client, actor=actor, label=key.label)
    before = {"expires_at": key.expires_at}
    key.expires_at = timezone.now() + grace
    key.save(update_fields=["expires_at"])
    audit_record(actor=actor, action="agency_api_key.rotate", obj=key, before=before,
                 after={"expires_at": key.expires_at, "replaced_by": new_key.prefix})
    return new_key, raw


@transaction.atomic
def agency_api_key_revoke(*, key: AgencyApiKey, actor) -> AgencyApiKey:
    key = AgencyApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="agency_api_key.revoke", obj=key, before={"revoked_at": None},
                     after={"revoked_at": key.revoked_at})
    return key
