"""The declaration lifecycle as a pure table: every allowed move and the roles allowed to make it. No database."""

from ciq_portal.roles import Role

from .choices import DeclarationStatus as S

DECLARANT = Role.DECLARANT
OFFICER = Role.OFFICER
SUPERVISOR = Role.SUPERVISOR
ADMIN = Role.ADMINISTRATOR
# "system": the clearance pipeline acting on its own (risk, dual-random draw, dispatch).
SYSTEM = "system"

BUREAU = frozenset({OFFICER, SUPERVISOR, ADMIN, SYSTEM})

# action -> (allowed source statuses, target status, roles allowed)
ACTIONS: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED, frozenset({DECLARANT})),
    "request_documents": (frozenset({S.SUBMITTED, S.AWAITING_INSPECTION, S.UNDER_INSPECTION, S.ON_HOLD}),
                          S.AWAITING_DOCUMENTS, BUREAU),
    "answer": (frozenset({S.AWAITING_DOCUMENTS}), S.SUBMITTED, frozenset({DECLARANT})),
    "await_inspection": (frozenset({S.SUBMITTED, S.ON_HOLD}), S.AWAITING_INSPECTION, BUREAU),
    "start_inspection": (frozenset({S.AWAITING_INSPECTION}), S.UNDER_INSPECTION, BUREAU),
    "release": (frozenset({S.SUBMITTED, S.AWAITING_INSPECTION, S.UNDER_INSPECTION, S.ON_HOLD}), S.RELEASED, BUREAU),
    "reject": (frozenset({S.SUBMITTED, S.AWAITING_DOCUMENTS, S.AWAITING_INSPECTION, S.UNDER_INSPECTION, S.ON_HOLD}),
               S.REJECTED, frozenset({OFFICER, SUPERVISOR, ADMIN})),
    "withdraw": (frozenset({S.SUBMITTED, S.AWAITING_DOCUMENTS, S.AWAITING_INSPECTION}), S.WITHDRAWN,
                 frozenset({DECLARANT})),
    "hold": (frozenset({S.SUBMITTED, S.AWAITING_DOCUMENTS, S.AWAITING_INSPECTION, S.UNDER_INSPECTION}), S.ON_HOLD,
             BUREAU),
}

# (from, to) -> roles, derived from ACTIONS (several actions never share a pair).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {}
for _name, (_sources, _target, _roles) in ACTIONS.items():
    for _source in _sources:
        TRANSITIONS[(_source, _target)] = TRANSITIONS.get((_source, _target), frozenset()) | _roles

TERMINAL = frozenset({S.RELEASED, S.REJECTED, S.WITHDRAWN})

# Changes that keep the status: what may still be done to a declaration, by status and role.
CHANGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "edit": (frozenset({S.DRAFT}), frozenset({DECLARANT})),
    "delete": (frozenset({S.DRAFT}), frozenset({DECLARANT})),
    "attach_documents": (frozenset(S.values) - TERMINAL, frozenset({DECLARANT})),
}


def can_move(from_status: str, to_status: str, role: str) -> bool:
    return role in TRANSITIONS.get((from_status, to_status), frozenset())


def allowed(action: str, from_status: str, roles) -> bool:
    """May a user holding ``roles`` (an iterable of role names) make ``action`` from ``from_status``?"""
    sources, _target, allowed_roles = ACTIONS[action]
    return from_status in sources and bool(set(roles) & allowed_roles)


def target(action: str) -> str:
    return ACTIONS[action][1]


def may_change(change: str, status: str, roles=None) -> bool:
    """May ``change`` be made to a declaration in ``status`` (by a user holding ``roles``, when given)?"""
    statuses, allowed_roles = CHANGES[change]
    return status in statuses and (roles is None or bool(set(roles) & allowed_roles))


def actions_for(from_status: str, roles) -> list[str]:
    """The moves and the changes a user holding ``roles`` may make from ``from_status``."""
    return [name for name in ACTIONS if allowed(name, from_status, roles)] + \
        [name for name in CHANGES if may_change(name, from_status, roles)]
