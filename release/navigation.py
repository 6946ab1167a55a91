from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

ITEMS = [
    NavItem(label=_("Release dashboard"), url_name="release:dashboard",
            roles=frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), order=50, home_for=frozenset({Role.SUPERVISOR})),
    NavItem(label=_("Releases"), url_name="release:list",
            roles=frozenset({Role.DECLARANT, Role.OFFICER, Role.SUPERVISOR}), order=51),
    NavItem(label=_("Report verification"), url_name="release:verification_queue",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=52),
    NavItem(label=_("Recalls"), url_name="release:recalls",
            roles=frozenset({Role.DECLARANT, Role.OFFICER, Role.SUPERVISOR}), order=53),
    NavItem(label=_("Release-mode matrix"), url_name="release:matrix",
            roles=frozenset({Role.SUPERVISOR, Role.RISK_ANALYST}), order=54),
    NavItem(label=_("Negative list"), url_name="release:negative_list",
            roles=frozenset({Role.SUPERVISOR, Role.OFFICER, Role.RISK_ANALYST}), order=55),
    NavItem(label=_("Risk targeting"), url_name="release:targeting",
            roles=frozenset({Role.SUPERVISOR, Role.RISK_ANALYST}), order=55),
    NavItem(label=_("Post-release checks"), url_name="release:post_checks",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=56),
    NavItem(label=_("Direct release"), url_name="release:direct_release",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=57),
]
