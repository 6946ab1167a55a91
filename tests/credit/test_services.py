import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from credit.choices import CreditEventKind as K
from credit.choices import CreditEventSource as S
from credit.choices import CreditGrade as G
from credit.choices import GradeChangeMode, ObjectionStatus
from credit.grading import EventFact, aggregate_events
from credit.models import CreditEvent, Enterprise, GradeChange, InspectionPolicy
from credit.selectors import inspection_budget_for_grade, inspection_ratio_for_grade
from credit.services import (
    credit_event_correct,
    credit_event_record,
    credit_grades_recompute,
    enterprise_facts,
    enterprise_regrade,
    grade_objection_file,
    grade_objection_reject,
    grade_objection_start_review,
    grade_objection_uphold,
    grading_aggregates,
    inspection_policy_update,
)

from ..factories import EnterpriseFactory
from .factories import CreditEventFactory

pytestmark = pytest.mark.django_db


def test_severe_event_regrades_immediately_with_a_record(enterprise_a, officer):
    event = credit_event_record(enterprise=enterprise_a, kind=K.SMUGGLING, source=S.OFFICER, actor=officer,
                                evidence_type="declaration", evidence_id="NGB1")
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.D
    change = GradeChange.objects.get(enterprise=enterprise_a)
    assert (change.old_grade, change.new_grade, change.mode) == (G.B, G.D, GradeChangeMode.IMMEDIATE)
    assert (change.score_before, change.score_after) == (Decimal("70"), Decimal("10"))
    assert list(change.events.all()) == [event]


def test_minor_event_waits_for_the_nightly_run(enterprise_a):
    for _ in range(3):
        credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.SYSTEM)
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.B and not GradeChange.objects.exists()
    result = credit_grades_recompute()
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.C and result.grades_changed == 1
    change = GradeChange.objects.get()
    assert change.mode == GradeChangeMode.NIGHTLY and change.events.count() == 3
    assert credit_grades_recompute().grades_changed == 0  # idempotent


def test_event_validation_names_fields(enterprise_a):
    with pytest.raises(ValidationError) as exc:
        credit_event_record(enterprise=enterprise_a, kind=K.PENALTY, source=S.SYSTEM,
                            occurred_on=timezone.localdate() + timedelta(days=1), weight=500)
    assert set(exc.value.message_dict) == {"amount", "occurred_on", "weight"}


def test_an_agency_event_needs_the_agency_reference(enterprise_a, agency_user):
    with pytest.raises(ValidationError) as error:
        credit_event_record(enterprise=enterprise_a, kind=K.AGENCY_INFORMATION, source=S.PARTNER_AGENCY,
                            actor=agency_user)
    assert "external_reference" in error.value.message_dict and not CreditEvent.objects.exists()


def test_idempotent_by_external_reference(enterprise_a, enterprise_b, agency_user):
    first = credit_event_record(enterprise=enterprise_a, kind=K.AGENCY_INFORMATION, source=S.PARTNER_AGENCY,
                                external_reference="CUS-1", actor=agency_user)
    again = credit_event_record(enterprise=enterprise_a, kind=K.AGENCY_INFORMATION, source=S.PARTNER_AGENCY,
                                external_reference="CUS-1", actor=agency_user)
    assert first.pk == again.pk and first.created and not again.created
    with pytest.raises(ValidationError):
        credit_event_record(enterprise=enterprise_b, kind=K.AGENCY_INFORMATION, source=S.PARTNER_AGENCY,
                            external_reference="CUS-1", actor=agency_user)
    assert CreditEvent.objects.count() == 1


def test_correction_voids_the_event_and_regrades(enterprise_a, officer):
    event = credit_event_record(enterprise=enterprise_a, kind=K.FALSIFICATION, source=S.OFFICER, actor=officer)
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.D
    credit_event_correct(event=event, note="wrong enterprise", actor=officer)
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.B  # leaving D lands on B
    with pytest.raises(ValidationError):
        credit_event_correct(event=event, note="again", actor=officer)


def _random_history(enterprises, rng, today):
    kinds = [K.INSPECTION_PASSED] * 12 + [K.NON_CONFORMITY, K.LAB_FAILURE, K.RECALL, K.AGENCY_INFORMATION,
                                          K.CERTIFICATION, K.PENALTY, K.SMUGGLING, K.FALSIFICATION]
    for enterprise in enterprises:
        for _ in range(rng.randint(0, 25)):
            kind = rng.choice(kinds)
            if kind in (K.SMUGGLING, K.FALSIFICATION) and rng.random() < 0.7:
                kind = K.INSPECTION_PASSED
            CreditEventFactory(enterprise=enterprise, kind=kind,
                               occurred_on=today - timedelta(days=rng.randint(0, 1200)),
                               amount=Decimal(rng.choice([20000, 60000, 150000])) if kind == K.PENALTY else None)


def test_sql_aggregates_equal_python_aggregates():
    rng, today = random.Random(7), timezone.localdate()
    enterprises = EnterpriseFactory.create_batch(25)
    _random_history(enterprises, rng, today)
    CreditEventFactory(enterprise=enterprises[0], kind=K.SMUGGLING, occurred_on=today)
    credit_event_correct(event=CreditEvent.objects.filter(kind=K.SMUGGLING).first(), note="x", actor=None)
    sql = grading_aggregates(today)
    for enterprise in enterprises:
        python = aggregate_events(enterprise_facts(enterprise.pk, today), today)
        if python.points_centi or python.adverse_recent or python.certified:
            assert sql[enterprise.pk] == python


def test_full_recompute_equals_incremental_regrades():
    rng, today = random.Random(11), timezone.localdate()
    enterprises = EnterpriseFactory.create_batch(40)
    # Some start at D so that the "two clean years" rule is exercised by both paths.
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises[:8]]).update(credit_grade=G.D)
    _random_history(enterprises, rng, today)
    start = {e.pk: (e.credit_grade, e.credit_score) for e in Enterprise.objects.all()}

    for enterprise in Enterprise.objects.all():
        enterprise_regrade(enterprise=enterprise, as_of=today)
    incremental = dict(Enterprise.objects.values_list("pk", "credit_grade"))
    incremental_scores = dict(Enterprise.objects.values_list("pk", "credit_score"))

    for pk, (grade, score) in start.items():
        Enterprise.objects.filter(pk=pk).update(credit_grade=grade, credit_score=score)
    credit_grades_recompute(as_of=today)
    assert dict(Enterprise.objects.values_list("pk", "credit_grade")) == incremental
    assert dict(Enterprise.objects.values_list("pk", "credit_score")) == incremental_scores
    assert len(set(incremental.values())) >= 3


# --- differentiated supervision ---------------------------------------------------------------------------------

def test_defaults_follow_national_practice():
    assert inspection_ratio_for_grade(G.B) == (0.0244, 1)
    assert inspection_ratio_for_grade(G.D) == (0.8476, 1)
    assert inspection_ratio_for_grade(G.A)[0] <= 0.0244 * 0.5
    assert inspection_ratio_for_grade(G.AA)[0] <= 0.0244 * 0.2


GOOD = {"AA": "0.004", "A": "0.01", "B": "0.03", "C": "0.2", "D": "0.9"}


@pytest.mark.parametrize(("change", "field"), [
    ({"A": "0.0151"}, "ratio_a"),
    ({"AA": "0.0061"}, "ratio_aa"),
    ({"D": "0.79"}, "ratio_d"),
    ({"C": "0.95"}, "ratio_c"),
    ({"B": "1.5"}, "ratio_b"),
    ({"B": "x"}, "ratio_b"),
])
def test_policy_validation_refuses_rule_breaks(supervisor, change, field):
    with pytest.raises(ValidationError) as exc:
        inspection_policy_update(ratios={**GOOD, **change}, actor=supervisor)
    assert field in exc.value.message_dict
    assert inspection_ratio_for_grade(G.B) == (0.0244, 1)


BUDGETS = {"AA": "0.006", "A": "0.015", "B": "0.03", "C": "0.2", "D": "0.9"}
RANDOM = {"AA": "0.002", "A": "0.005", "B": "0.01", "C": "0.05", "D": "0.1"}


@pytest.mark.parametrize(("ratios", "budgets", "field"), [
    ({**RANDOM, "B": "0.04"}, BUDGETS, "ratio_b"),  # the random share above the budget
    (RANDOM, {**BUDGETS, "AA": "0.016"}, "budget_aa"),  # a better grade above a worse one (and above B's 20 %)
    (RANDOM, {**BUDGETS, "C": "0.95"}, "budget_c"),  # C above D
    (RANDOM, {**BUDGETS, "A": "0.016"}, "budget_a"),  # A above 50 % of B
    (RANDOM, {**BUDGETS, "D": "0.79"}, "budget_d"),  # the national floor holds for the budget
    (RANDOM, {**BUDGETS, "B": "x"}, "budget_b"),
    (RANDOM, {**BUDGETS, "B": "1.5"}, "budget_b"),
])
def test_budget_validation_names_the_field(supervisor, ratios, budgets, field):
    with pytest.raises(ValidationError) as exc:
        inspection_policy_update(ratios=ratios, budgets=budgets, actor=supervisor)
    assert field in exc.value.message_dict
    assert InspectionPolicy.objects.count() == 1


def test_budget_and_random_ratio_are_versioned_and_audited(supervisor, django_capture_on_commit_callbacks):
    from ciq_portal.models import AuditEntry

    assert inspection_budget_for_grade(G.B) == (0.0244, 0.0244, 1)  # the migration: budget = today's ratio
    with django_capture_on_commit_callbacks(execute=True):
        policy = inspection_policy_update(ratios=RANDOM, budgets=BUDGETS, note="budgets", actor=supervisor)
    assert inspection_budget_for_grade(G.B) == (0.03, 0.01, 2)
    assert inspection_ratio_for_grade(G.B) == (0.01, 2)
    entry = AuditEntry.objects.get(action="inspection_policy.update", object_id=str(policy.pk))
    assert entry.after["budgets"]["B"] == "0.03000" and entry.before["budgets"]["B"] == "0.02440"


def test_policy_edit_is_a_new_audited_version(supervisor, django_capture_on_commit_callbacks):
    from ciq_portal.models import AuditEntry

    inspection_ratio_for_grade(G.B)  # warm the cache
    with django_capture_on_commit_callbacks(execute=True):
        policy = inspection_policy_update(ratios={**GOOD, "A": "0.015", "AA": "0.006"}, note="2027",
                                          actor=supervisor)
    assert policy.version == 2
    assert inspection_ratio_for_grade(G.B) == (0.03, 2)  # the cache was cleared on commit
    assert AuditEntry.objects.filter(action="inspection_policy.update", object_id=str(policy.pk)).exists()


# --- objections -------------------------------------------------------------------------------------------------

@pytest.fixture
def downgrade(enterprise_a, officer):
    credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.OFFICER, actor=officer, weight=-40)
    return GradeChange.objects.get(enterprise=enterprise_a)


def test_objection_deadline_and_review(downgrade, declarant_a, supervisor):
    objection = grade_objection_file(grade_change=downgrade, reason="The lab sampled the wrong lot.",
                                     actor=declarant_a)
    assert objection.due_on == timezone.localdate() + timedelta(days=20)
    assert not objection.is_overdue()
    assert objection.is_overdue(today=timezone.localdate() + timedelta(days=21))
    with pytest.raises(ValidationError):
        grade_objection_file(grade_change=downgrade, reason="again", actor=declarant_a)
    objection = grade_objection_start_review(objection=objection, actor=supervisor)
    assert objection.status == ObjectionStatus.UNDER_REVIEW
    with pytest.raises(ValidationError):
        grade_objection_start_review(objection=objection, actor=supervisor)
    with pytest.raises(ValidationError):
        grade_objection_reject(objection=objection, note="", actor=supervisor)
    objection = grade_objection_reject(objection=objection, note="Sampling was correct.", actor=supervisor)
    assert objection.status == ObjectionStatus.REJECTED and objection.decided_at


def test_objection_filing_window(downgrade, declarant_a):
    GradeChange.objects.filter(pk=downgrade.pk).update(changed_at=timezone.now() - timedelta(days=31))
    downgrade.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        grade_objection_file(grade_change=downgrade, reason="late", actor=declarant_a)
    assert "grade_change" in exc.value.message_dict


def test_upheld_objection_voids_the_events_and_regrades(downgrade, declarant_a, supervisor, enterprise_a):
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.D
    objection = grade_objection_file(grade_change=downgrade, reason="Not our lot.", actor=declarant_a)
    grade_objection_uphold(objection=objection, note="Lot mix-up confirmed.", actor=supervisor)
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.B
    assert GradeChange.objects.filter(enterprise=enterprise_a, mode=GradeChangeMode.REVIEW).exists()


def test_transitions_table():
    from ciq_portal.roles import Role
    from credit.transitions import objection_actions, objection_target

    assert objection_target("start_review", ObjectionStatus.FILED) == ObjectionStatus.UNDER_REVIEW
    assert objection_target("uphold", ObjectionStatus.REJECTED) is None
    assert objection_actions(ObjectionStatus.FILED, frozenset({Role.DECLARANT})) == []
    assert set(objection_actions(ObjectionStatus.UNDER_REVIEW, frozenset({Role.SUPERVISOR}))) == {"uphold", "reject"}


def test_event_fact_ignores_unknown_live_flag():
    assert aggregate_events([EventFact(K.RECALL, timezone.localdate(), -15, live=False)],
                            timezone.localdate()).points_centi == 0


def test_nightly_changes_name_only_events_since_the_previous_change(enterprise_a):
    from ciq_portal.models import AuditEntry

    for _ in range(3):
        credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.SYSTEM)
    credit_grades_recompute()
    newer = [credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.SYSTEM) for _ in range(2)]
    assert credit_grades_recompute().grades_changed == 1  # C → D
    latest = GradeChange.objects.filter(enterprise=enterprise_a).order_by("-id").first()
    assert (latest.old_grade, latest.new_grade) == (G.C, G.D)
    assert set(latest.events.all()) == set(newer)
    assert AuditEntry.objects.filter(action="enterprise.regrade", object_id=str(enterprise_a.pk)).count() == 2


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400", "1e-400", "1" * 32])
def test_penalty_amount_beyond_its_column_refused_on_its_field(enterprise_a, officer, amount):
    with pytest.raises(ValidationError) as error:
        credit_event_record(enterprise=enterprise_a, kind=K.PENALTY, source=S.OFFICER, actor=officer, amount=amount)
    assert "amount" in error.value.message_dict
    assert not CreditEvent.objects.exists()


@pytest.mark.parametrize("ratio", ["NaN", "sNaN", "-Infinity"])
def test_policy_ratio_not_a_number_refused_on_its_field(supervisor, ratio):
    with pytest.raises(ValidationError) as error:
        inspection_policy_update(ratios={**GOOD, "A": ratio}, actor=supervisor)
    assert "ratio_a" in error.value.message_dict
