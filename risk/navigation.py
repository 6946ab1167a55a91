from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

ANALYSTS = frozenset({Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR})

ITEMS = [
    NavItem(label=_("Risk"), url_name="risk:home", roles=ANALYSTS, order=40,
            home_for=frozenset({Role.RISK_ANALYST})),
    NavItem(label=_("Risk rules"), url_name="risk:rule_list", roles=ANALYSTS, order=41),
    NavItem(label=_("Rule performance"), url_name="risk:performance", roles=ANALYSTS, order=42),
    NavItem(label=_("Risk bulletins"), url_name="risk:bulletin_list",
            roles=ANALYSTS | frozenset({Role.OFFICER}), order=43),
    NavItem(label=_("Risk models"), url_name="risk:model_list", roles=ANALYSTS, order=44),
]
