"""The lifecycle of a grade objection as a pure table of allowed moves and who may make them; no database.

filed ──start_review──► under_review ──uphold──► upheld
  │                          └─────────reject──► rejected
  └──────────uphold / reject (decided straight away)
"""

from ciq_portal.roles import Role

from .choices import ObjectionStatus as S

# An objection may be filed within this many days of the grade change.
OBJECTION_FILING_DAYS = 30
# The bureau decides within this many days of filing.
OBJECTION_REVIEW_DAYS = 20

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})

# action -> (allowed from, to, roles)
OBJECTION_TRANSITIONS: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "start_review": (frozenset({S.FILED}), S.UNDER_REVIEW, SUPERVISORS),
    "uphold": (frozenset({S.FILED, S.UNDER_REVIEW}), S.UPHELD, SUPERVISORS),
    "reject": (frozenset({S.FILED, S.UNDER_REVIEW}), S.REJECTED, SUPERVISORS),
}


def objection_target(action: str, status: str) -> str | None:
    """The status ``action`` leads to from ``status``, or None when the move is not allowed."""
    allowed_from, target, _roles = OBJECTION_TRANSITIONS[action]
    return target if status in allowed_from else None


def objection_actions(status: str, roles: frozenset[str]) -> list[str]:
    return [action for action, (allowed_from, _t, who) in OBJECTION_TRANSITIONS.items()
            if status in allowed_from and who & roles]
