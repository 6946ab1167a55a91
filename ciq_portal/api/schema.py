"""OpenAPI: every operation is tagged with its audience ("partner-agency", "declarant", "bureau").

Operations keep their resource tag and gain audience tags derived from their permissions: ``requires_scope``
(and ``role_required`` naming the partner_agency role) marks an operation for partner agencies; roles named in
``role_required`` map to "declarant" or "bureau"; an operation open to any authenticated user is for declarants
and the bureau. Views may still set tags explicitly with ``extend_schema(tags=[...])``.

The partner agencies' key scheme (``agencyApiKey``) lists, in each operation's security requirements, the scopes
the operation needs (``requires_scope``); an operation that admits no agency omits the scheme.
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


AGENCY_SCHEME = "agencyApiKey"


def _required_scopes(view) -> list[str]:
    return [scope for permission in view.get_permissions() for scope in getattr(permission, "required_scopes", ())]


class AudienceAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        scopes = _required_scopes(self.view)
        for_agencies = bool(scopes) or AGENCY in _audiences(self.view) or not self._role_limited()
        result = []
        for requirement in auths:
            if AGENCY_SCHEME in requirement:
                if not for_agencies:
                    continue
                requirement = {AGENCY_SCHEME: scopes}
            result.append(requirement)
        return result

    def _role_limited(self) -> bool:
        return any(getattr(permission, "roles", None) is not None for permission in self.view.get_permissions())

    def get_tags(self) -> list[str]:
        tags = super().get_tags()
        return tags + [a for a in _audiences(self.view) if a not in tags]


def language_neutral_names(result, generator, request, public):
    """A postprocessing hook: parameter schemas lose the ``title`` django-filter gives them from the filter's label,
    which follows the reader's language (``放行模式``) and which client generators turn into identifiers; the
    parameter's name and description stay."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                schema.pop("title", None)
                if isinstance(schema.get("items"), dict):
                    schema["items"].pop("title", None)
    return result


def closed_audience_variants(result, generator, request, public):
    """A postprocessing hook: the variants of an answer that depends on its reader (a ``oneOf`` of components, e.g.
    ``LabResultForAudience``: bureau staff's result adds why the consignment was inspected) each have exactly their
    fields, so each is closed (``additionalProperties: false``). Otherwise bureau staff's answer, a superset, is
    valid under both variants, which ``oneOf`` forbids."""
    components = result.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    for schema in list(components.values()):
        variants = schema.get("oneOf", [])
        if not variants or not all(set(variant) == {"$ref"} for variant in variants):
            continue
        for variant in variants:
            component = components.get(variant["$ref"].removeprefix(prefix), {})
            if component.get("type") == "object" and "properties" in component:
                component["additionalProperties"] = False
    return result
