from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

BUREAU = frozenset({Role.OFFICER, Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})

ITEMS = [
    NavItem(label=_("My credit"), url_name="credit:my_credit", roles=frozenset({Role.DECLARANT}), order=30),
    NavItem(label=_("Customs brokers"), url_name="credit:delegations", roles=frozenset({Role.DECLARANT}), order=31),
    NavItem(label=_("Applications"), url_name="credit:applications", roles=frozenset({Role.ADMINISTRATOR}),
            order=59),
    NavItem(label=_("Enterprises"), url_name="credit:enterprise_list", roles=BUREAU, order=60),
    NavItem(label=_("Credit overview"), url_name="credit:overview", roles=SUPERVISORS, order=61),
    NavItem(label=_("Objections"), url_name="credit:objection_queue", roles=SUPERVISORS, order=62),
    NavItem(label=_("Inspection policy"), url_name="credit:policy", roles=SUPERVISORS, order=63),
]
