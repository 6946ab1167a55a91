"""OpenAPI: every operation is tagged with its audience ("partner-agency", "declarant", "bureau").

Operations keep their resource tag and gain audience tags derived from their permissions: ``requires_scope``
(and ``role_required`` naming the partner_agency role) marks an operation for partner agencies; roles named in
``role_required`` map to "declarant" or "bureau"; an operation open to any authenticated user is for declarants
and the bureau. Views may still set tags explicitly with ``extend_schema(tags=[...])``.
"""

from drf_spectacular.openapi import AutoSchema

from ..roles import BUREAU_ROLES, Role

AGENCY, DECLARANT, BUREAU = "partner-agency", "declarant", "bureau"


def _audiences(view) -> list[str]:
    # No fallback: drf-spectacular gives the view a mock request (the operation's method) and sets
    # ``swagger_fake_view`` before it asks for tags, so get_permissions runs as for a call; an error there is a bug.
    permissions = view.get_permissions()
    audiences: set[str] = set()
    role_limited = False
    for permission in permissions:
        roles = getattr(permission, "roles", None)
        if roles is not None:
            role_limited = True
            names = set(roles)
            if Role.PARTNER_AGENCY in names:
                audiences.add(AGENCY)
            if Role.DECLARANT in names:
                audiences.add(DECLARANT)
            if names & BUREAU_ROLES:
                audiences.add(BUREAU)
        if getattr(permission, "required_scopes", None):
            audiences.add(AGENCY)
            allowed = getattr(permission, "allowed_roles", None)
            if allowed is not None:
                role_limited = True
                if Role.DECLARANT in allowed:
                    audiences.add(DECLARANT)
                if set(allowed) & BUREAU_ROLES:
                    audiences.add(BUREAU)
    if not role_limited:
        audiences |= {DECLARANT, BUREAU}
    return [a for a in (AGENCY, DECLARANT, BUREAU) if a in audiences]


class AudienceAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        tags = super().get_tags()
        return tags + [a for a in _audiences(self.view) if a not in tags]
