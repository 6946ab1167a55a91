from django.utils.translation import gettext_lazy as _

from ciq_portal.navigation import NavItem
from ciq_portal.roles import Role

ITEMS = [
    NavItem(label=_("My declarations"), url_name="declarations:list", roles=frozenset({Role.DECLARANT}), order=10,
            home_for=frozenset({Role.DECLARANT})),
    NavItem(label=_("Bulk import"), url_name="declarations:import", roles=frozenset({Role.DECLARANT}), order=15),
    NavItem(label=_("All declarations"), url_name="declarations:all",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=20),
    NavItem(label=_("Filings and registrations"), url_name="declarations:registrations",
            roles=frozenset({Role.DECLARANT, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}), order=25),
    NavItem(label=_("Document requirements"), url_name="declarations:document_requirements",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=60),
    NavItem(label=_("HS nomenclature"), url_name="declarations:hs_codes",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=61),
    NavItem(label=_("Ports"), url_name="declarations:ports",
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR}), order=62),
]
