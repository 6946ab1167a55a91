from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

# Listed in the menu with the inspection pages, where officers have always found it.
GROUP = _("Inspection")
ITEMS = [
    NavItem(label=_("Case referrals"), url_name="referrals:list",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=33.5),
]
