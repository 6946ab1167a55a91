"""The transition table, exhaustively: every (from, to) pair and every role."""

import itertools

import pytest

from ciq_portal.roles import Role
from declarations import transitions
from declarations.choices import DeclarationStatus as S

ROLES = [*Role.values, transitions.SYSTEM]
BUREAU = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, transitions.SYSTEM}
STAFF = {Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR}
D = {Role.DECLARANT}

EXPECTED = {
    (S.DRAFT, S.SUBMITTED): D,
    (S.AWAITING_DOCUMENTS, S.SUBMITTED): D,
    (S.SUBMITTED, S.AWAITING_DOCUMENTS): BUREAU,
    (S.AWAITING_INSPECTION, S.AWAITING_DOCUMENTS): BUREAU,
    (S.UNDER_INSPECTION, S.AWAITING_DOCUMENTS): BUREAU,
    (S.ON_HOLD, S.AWAITING_DOCUMENTS): BUREAU,
    (S.SUBMITTED, S.AWAITING_INSPECTION): BUREAU,
    (S.ON_HOLD, S.AWAITING_INSPECTION): BUREAU,
    (S.AWAITING_INSPECTION, S.UNDER_INSPECTION): BUREAU,
    (S.SUBMITTED, S.RELEASED): BUREAU,
    (S.AWAITING_INSPECTION, S.RELEASED): BUREAU,
    (S.UNDER_INSPECTION, S.RELEASED): BUREAU,
    (S.ON_HOLD, S.RELEASED): BUREAU,
    (S.SUBMITTED, S.REJECTED): STAFF,
    (S.AWAITING_DOCUMENTS, S.REJECTED): STAFF,
    (S.AWAITING_INSPECTION, S.REJECTED): STAFF,
    (S.UNDER_INSPECTION, S.REJECTED): STAFF,
    (S.ON_HOLD, S.REJECTED): STAFF,
    (S.SUBMITTED, S.WITHDRAWN): D,
    (S.AWAITING_DOCUMENTS, S.WITHDRAWN): D,
    (S.AWAITING_INSPECTION, S.WITHDRAWN): D,
    (S.SUBMITTED, S.ON_HOLD): BUREAU,
    (S.AWAITING_DOCUMENTS, S.ON_HOLD): BUREAU,
    (S.AWAITING_INSPECTION, S.ON_HOLD): BUREAU,
    (S.UNDER_INSPECTION, S.ON_HOLD): BUREAU,
}


@pytest.mark.parametrize("source,target,role", list(itertools.product(S.values, S.values, ROLES)))
def test_every_pair_every_role(source, target, role):
    assert transitions.can_move(source, target, role) == (role in EXPECTED.get((source, target), set()))


def test_table_has_no_moves_beyond_expected():
    assert set(transitions.TRANSITIONS) == set(EXPECTED)


def test_terminal_statuses_have_no_exit():
    for source, _target in transitions.TRANSITIONS:
        assert source not in transitions.TERMINAL


@pytest.mark.parametrize("action", list(transitions.ACTIONS))
def test_actions_match_pairs(action):
    sources, target, roles = transitions.ACTIONS[action]
    for source in S.values:
        for role in ROLES:
            assert transitions.allowed(action, source, {role}) == (source in sources and role in roles)
    assert transitions.target(action) == target


def test_risk_analyst_and_agency_move_nothing():
    for source, target in itertools.product(S.values, S.values):
        assert not transitions.can_move(source, target, Role.RISK_ANALYST)
        assert not transitions.can_move(source, target, Role.PARTNER_AGENCY)


@pytest.mark.parametrize("status", S.values)
def test_only_a_draft_is_edited_or_deleted_and_a_closed_declaration_takes_no_documents(status):
    declarant = {Role.DECLARANT}
    assert transitions.may_change("edit", status, declarant) == (status == S.DRAFT)
    assert transitions.may_change("delete", status, declarant) == (status == S.DRAFT)
    assert transitions.may_change("attach_documents", status, declarant) == (status not in transitions.TERMINAL)
    assert not any(transitions.may_change(change, status, {Role.OFFICER}) for change in transitions.CHANGES)
    assert set(transitions.CHANGES) & set(transitions.actions_for(status, declarant)) == {
        change for change in transitions.CHANGES if transitions.may_change(change, status, declarant)}
