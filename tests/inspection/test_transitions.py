"""The task lifecycle table: what each role may do to a task in each status (the task page shows only these)."""

import pytest

from ciq_portal.roles import Role
from inspection import transitions

STATUSES = [transitions.QUEUED, transitions.ASSIGNED, transitions.CLAIMED, transitions.CONCLUDED,
            transitions.CANCELLED]


@pytest.mark.parametrize("status", STATUSES)
def test_moves_for_a_role_are_the_table_rows_it_may_make_from_the_status(status):
    for role in Role.values:
        expected = [move for move, (sources, _to, roles) in transitions.TASK_MOVES.items()
                    if status in sources and role in roles]
        assert transitions.moves_for(status, {role}) == expected


def test_a_closed_task_has_no_move_and_an_officer_never_reassigns():
    for status in (transitions.CONCLUDED, transitions.CANCELLED):
        assert transitions.moves_for(status, set(Role.values)) == []
    assert "reassign" not in transitions.moves_for(transitions.ASSIGNED, {Role.OFFICER})
    assert transitions.moves_for(transitions.QUEUED, {Role.DECLARANT}) == []


def test_joint_inspections_are_scheduled_until_done_and_findings_need_an_appointment():
    assert transitions.joint_allows("schedule", "requested") and transitions.joint_allows("schedule", "scheduled")
    assert not any(transitions.joint_allows("schedule", closed) for closed in ("completed", "cancelled"))
    assert transitions.joint_allows("record_finding", "scheduled")
    assert not transitions.joint_allows("record_finding", "requested")
