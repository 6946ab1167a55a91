"""Inspection task lifecycle and the steps of an inspection record, as pure tables. No database."""

from ciq_portal.roles import Role

QUEUED, ASSIGNED, CLAIMED, CONCLUDED, CANCELLED = "queued", "assigned", "claimed", "concluded", "cancelled"
OPEN_STATUSES = (QUEUED, ASSIGNED, CLAIMED)

# move -> (allowed from, to, roles)
TASK_MOVES = {
    "dispatch": ({QUEUED}, ASSIGNED, frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})),
    "claim": ({QUEUED, ASSIGNED}, CLAIMED, frozenset({Role.OFFICER, Role.SUPERVISOR})),
    "release": ({CLAIMED, ASSIGNED}, QUEUED, frozenset({Role.OFFICER, Role.SUPERVISOR})),
    "reassign": ({QUEUED, ASSIGNED, CLAIMED}, ASSIGNED, frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})),
    "conclude": ({CLAIMED}, CONCLUDED, frozenset({Role.OFFICER, Role.SUPERVISOR})),
    "cancel": ({QUEUED, ASSIGNED, CLAIMED}, CANCELLED, frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})),
}


def can_move(move: str, status: str) -> bool:
    allowed, _to, _roles = TASK_MOVES[move]
    return status in allowed


def roles_for(move: str) -> frozenset:
    return TASK_MOVES[move][2]


def moves_for(status: str, roles) -> list[str]:
    """The moves a user holding ``roles`` may make on a task in ``status``."""
    return [move for move, (sources, _to, allowed) in TASK_MOVES.items() if status in sources and set(roles) & allowed]


# Joint inspections with partner agencies: action -> statuses it may start from. An appointment may be moved until
# the inspection is done; findings are recorded on a scheduled one (the last party's completes it).
JOINT_ACTIONS = {
    "schedule": frozenset({"requested", "scheduled"}),
    "record_finding": frozenset({"scheduled"}),
}


def joint_allows(action: str, status: str) -> bool:
    return status in JOINT_ACTIONS[action]


# A laboratory's register entry: action -> statuses it may start from (a revoked laboratory stays revoked).
LAB_ACTIONS = {
    "suspend": frozenset({"active"}),
    "reinstate": frozenset({"suspended"}),
    "revoke": frozenset({"active", "suspended"}),
}


def lab_actions(status: str) -> list[str]:
    """What may be done to a laboratory in ``status`` (its page offers these to supervisors)."""
    return [action for action, sources in LAB_ACTIONS.items() if status in sources]


# Steps of the inspection record and what must come before each.
STEP_REQUIRES = {
    "checklist": (),
    "finding": (),
    "photo": (),
    "sample": (),
    "lab_order": ("sample",),
    "lab_result": ("lab_order",),
    "conclusion": (),  # plus: sampling when the task requires it; every lab order resulted (service checks)
}
