"""The lifecycles after release as pure tables: a released lot, its recall and its post-release checks. No database:
the services refuse what a table does not allow, and the pages offer only what it allows."""

from .choices import PostCheckStatus, RecallStatus, ReleaseStatus

# action -> (statuses it may start from, status it leads to)
RELEASE_MOVES = {"recall": (frozenset({ReleaseStatus.RELEASED}), ReleaseStatus.RECALLED)}
RECALL_MOVES = {"close": (frozenset({RecallStatus.OPEN}), RecallStatus.CLOSED)}
POST_CHECK_MOVES = {"record": (frozenset({PostCheckStatus.SCHEDULED}), PostCheckStatus.DONE)}


def allows(moves: dict, action: str, status: str) -> bool:
    """May ``action`` of the table ``moves`` be taken from ``status``?"""
    return status in moves[action][0]


def actions(moves: dict, status: str) -> list[str]:
    """The actions of the table ``moves`` open from ``status``."""
    return [action for action in moves if allows(moves, action, status)]
