from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

ITEMS = [
    NavItem(label=_("My inspection queue"), url_name="inspection:queue",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=30, home_for=frozenset({Role.OFFICER})),
    NavItem(label=_("All inspection tasks"), url_name="inspection:task_list",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=31),
    NavItem(label=_("Laboratories"), url_name="inspection:labs",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=32),
    NavItem(label=_("Joint inspections"), url_name="inspection:joint_list",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR}), order=33),
    NavItem(label=_("Draw record"), url_name="draws_public:index",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST}), order=34),
    NavItem(label=_("Officers"), url_name="inspection:officers",
            roles=frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), order=35),
    NavItem(label=_("Duty roster"), url_name="inspection:roster",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}), order=36),
    NavItem(label=_("Leave"), url_name="inspection:leave",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}), order=37),
    NavItem(label=_("Conflicts of interest"), url_name="inspection:conflicts",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}), order=38),
    NavItem(label=_("Inspection sites"), url_name="inspection:sites",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}), order=39),
    NavItem(label=_("Limits table"), url_name="inspection:test_limits",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=40),
]
