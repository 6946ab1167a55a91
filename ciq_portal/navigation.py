"""Per-role navigation. Each domain app lists its menu entries in its own ``navigation.py`` as ``ITEMS``.

Entries are grouped by app in the menu; an app's group is labelled with its ``navigation.GROUP`` or, failing
that, its AppConfig's verbose name.
"""

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    # Roles for which this entry is the landing page after login.
    home_for: frozenset[str] = field(default_factory=frozenset)
    # The menu group (set from the app the entry comes from).
    group: str = ""


@cache
def all_items() -> tuple[NavItem, ...]:
    items = []
    for app in settings.DOMAIN_APPS:
        try:
            module = import_module(f"{app}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
            continue
        group = getattr(module, "GROUP", None) or apps.get_app_config(app).verbose_name
        items.extend(replace(item, group=group) for item in getattr(module, "ITEMS", ()))
    return tuple(sorted(items, key=lambda item: item.order))


def nav_for(user) -> list[dict]:
    """The user's menu: groups in order, each with its entries (label, url, url_name)."""
    roles = user_roles(user)
    groups: dict[str, dict] = {}
    for item in all_items():
        if not item.roles & roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        group = groups.setdefault(str(item.group), {"label": item.group, "items": []})
        group["items"].append({"label": item.label, "url": url, "url_name": item.url_name})
    return list(groups.values())


def home_url_for(user) -> str:
    roles = user_roles(user)
    for item in all_items():
        if item.home_for & roles:
            try:
                return reverse(item.url_name)
            except NoReverseMatch:
                continue
    return reverse("portal_home")


# The portal's own entries (ciq_portal is the first of settings.DOMAIN_APPS, so all_items() reads these too).
def _portal_group():
    return _("Single window")


def _portal_items():
    return [
        NavItem(label=_("API guide"), url_name="portal:agency_guide", roles=frozenset({Role.PARTNER_AGENCY}),
                order=900, home_for=frozenset({Role.PARTNER_AGENCY})),
        NavItem(label=_("Webhooks"), url_name="portal:subscriptions",
                roles=frozenset({Role.DECLARANT, Role.PARTNER_AGENCY, Role.SUPERVISOR, Role.ADMINISTRATOR}),
                order=910),
        NavItem(label=_("Mail and SMS"), url_name="portal:message_deliveries",
                roles=frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), order=915),
        NavItem(label=_("Bureau staff"), url_name="portal:staff", roles=frozenset({Role.ADMINISTRATOR}),
                order=918),
        NavItem(label=_("Partner agencies"), url_name="portal:agencies", roles=frozenset({Role.ADMINISTRATOR}),
                order=920),
        NavItem(label=_("Working calendar"), url_name="portal:calendar", roles=frozenset({Role.ADMINISTRATOR}),
                order=925),
    ]


GROUP = _portal_group()
ITEMS = _portal_items()
