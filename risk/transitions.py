"""The lifecycles of risk rules and bulletins as pure tables. No database: the services refuse what a table does not
allow, and the pages offer only what it allows."""

from .choices import BulletinStatus, RuleStatus

# action -> statuses it may start from (a move also names where it leads; a change keeps the status)
RULE_MOVES = {
    "activate": (frozenset({RuleStatus.DRAFT}), RuleStatus.ACTIVE),
    "retire": (frozenset({RuleStatus.DRAFT, RuleStatus.ACTIVE}), RuleStatus.RETIRED),
}
RULE_CHANGES = {"edit": frozenset({RuleStatus.DRAFT, RuleStatus.ACTIVE})}

BULLETIN_MOVES = {
    "publish": (frozenset({BulletinStatus.DRAFT}), BulletinStatus.PUBLISHED),
    "withdraw": (frozenset({BulletinStatus.PUBLISHED}), BulletinStatus.WITHDRAWN),
}
BULLETIN_CHANGES = {"edit": frozenset({BulletinStatus.DRAFT, BulletinStatus.PUBLISHED})}


def rule_allows(action: str, status: str) -> bool:
    sources = RULE_MOVES[action][0] if action in RULE_MOVES else RULE_CHANGES[action]
    return status in sources


def bulletin_allows(action: str, status: str) -> bool:
    sources = BULLETIN_MOVES[action][0] if action in BULLETIN_MOVES else BULLETIN_CHANGES[action]
    return status in sources


def rule_actions(status: str) -> list[str]:
    """What may be done to a rule in ``status`` (the analysts' page offers these)."""
    return [action for action in (*RULE_CHANGES, *RULE_MOVES) if rule_allows(action, status)]


def bulletin_actions(status: str) -> list[str]:
    """What may be done to a bulletin in ``status``."""
    return [action for action in (*BULLETIN_CHANGES, *BULLETIN_MOVES) if bulletin_allows(action, status)]
