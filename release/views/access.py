"""Who may open the release pages."""

from ciq_portal.roles import Role

SUPERVISORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
BUREAU_DESK = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
# A partner agency reads releases over the API (the paperless release order), never these pages: they show the
# importer's buyers and the recall's acknowledgement links.
RELEASE_PAGE_ROLES = (*BUREAU_DESK, Role.DECLARANT, Role.RISK_ANALYST)
