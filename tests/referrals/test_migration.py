"""Case referrals left the inspection app for their own: the cases recorded before the move are there after it,
in tables with the new app's names, and new cases are numbered after them."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from referrals.models import CaseEvidence, CaseReferral
from tests.ciq_portal.factories import make_agency
from tests.factories import UserFactory

LAST_BEFORE_THE_MOVE = ("inspection", "0006_task_note_kind_choices")


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_move(transactional_db):
    """The database as it was before the move; the historical models of then. Migrated to the latest afterwards,
    whatever the test found, so that the tests after it (and a reused test database) find the current schema."""
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([LAST_BEFORE_THE_MOVE, ("referrals", None)])
        yield executor.loader.project_state(LAST_BEFORE_THE_MOVE).apps
    finally:
        _migrate_to_latest()


def test_cases_recorded_before_the_move_survive_it(before_the_move):
    assert "inspection_casereferral" in connection.introspection.table_names()
    officer, agency = UserFactory(username="referrer"), make_agency("customs")
    # As a database of that time has them: the content types are the inspection app's, with a permission granted.
    ContentType.objects.filter(model__in=("casereferral", "caseevidence")).delete()
    content_type = ContentType.objects.create(app_label="inspection", model="casereferral")
    Permission.objects.create(content_type=content_type, codename="view_casereferral", name="Can view")
    case = before_the_move.get_model("inspection", "CaseReferral").objects.create(
        number="CR20261201ABC123", direction="to_agency", kind="counterfeit", agency_id=agency.pk,
        summary="Fake labels", referred_by_id=officer.pk)
    before_the_move.get_model("inspection", "CaseEvidence").objects.create(
        referral_id=case.pk, description="Photos", added_by_id=officer.pk)

    _migrate_to_latest()

    tables = set(connection.introspection.table_names())
    assert {"referrals_casereferral", "referrals_caseevidence"} <= tables
    assert not {"inspection_casereferral", "inspection_caseevidence"} & tables
    moved = CaseReferral.objects.get(number="CR20261201ABC123")
    assert moved.pk == case.pk and moved.agency == agency and moved.status == "referred"
    assert [e.description for e in moved.evidence.all()] == ["Photos"]
    assert Permission.objects.get(codename="view_casereferral").content_type.app_label == "referrals"
    later = CaseReferral.objects.create(number="CR20261202DEF456", direction="to_agency", kind="other",
                                        agency=agency, summary="Another", referred_by=officer)
    assert later.pk > moved.pk
    assert CaseEvidence.objects.create(referral=later, description="Log", added_by=officer).referral == later
