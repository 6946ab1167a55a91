from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ciq_portal.models import EventType, OutboxEvent
from declarations.models import DeclarationEvent
from risk import services
from risk.choices import RuleStatus
from risk.models import RiskAssessment, RiskRuleVersion, RulesetVersion
from risk.tasks import risk_reassess_pending_task

from .factories import VN_SHRIMP, submitted_declaration


@pytest.mark.django_db
def test_assessment_without_model_uses_rules_and_explains(vn_rule):
    declaration = submitted_declaration(origin="VN")
    a = services.declaration_assess(declaration=declaration)
    assert a.score == 40 and a.tier == "medium"
    assert a.forced_release_mode == "sample" and not a.force_inspection and not a.hold
    assert a.reasons == [{"code": "vn-shrimp", "kind": "rule", "label": "Shrimps from Viet Nam", "weight": 40.0,
                          "effects": {"force_release_mode": "sample"}}]
    assert a.rules_version == RulesetVersion.objects.latest("id").id and a.model_version == ""
    other = services.declaration_assess(declaration=submitted_declaration(origin="AU"))
    assert other.score == 0 and other.tier == "low" and other.reasons == []


@pytest.mark.django_db
def test_assessment_with_model_lists_model_factors(active_model, vn_rule):
    a = services.declaration_assess(declaration=submitted_declaration(origin="VN"))
    kinds = [r["kind"] for r in a.reasons]
    assert kinds[0] == "model" and "model_factor" in kinds and kinds[-1] == "rule"
    assert a.model_version == active_model.version
    assert a.score == pytest.approx(min(100, 100 * a.model_score + 40), abs=0.01)
    for reason in a.reasons:
        assert {"code", "label", "weight"} <= set(reason)


@pytest.mark.django_db
def test_forced_tier_inspection_and_hold(analyst, supervisor):
    rule = services.rule_create(actor=analyst, code="grade-d", name="Grade D",
                                conditions=[{"field": "enterprise_grade", "op": "in", "value": ["D"]}],
                                force_tier="very_high", force_inspection=True, hold=True)
    services.rule_activate(rule=rule, actor=supervisor)
    declaration = submitted_declaration()
    declaration.enterprise.credit_grade = "D"
    declaration.enterprise.save()
    a = services.declaration_assess(declaration=declaration)
    assert (a.tier, a.force_inspection, a.hold) == ("very_high", True, True)


@pytest.mark.django_db
def test_rule_versioning_and_refusal(analyst, vn_rule):
    start = RulesetVersion.objects.latest("id").id
    services.rule_update(rule=vn_rule, actor=analyst, add_score=30)
    vn_rule.refresh_from_db()
    assert vn_rule.version == 3  # created, activated, updated
    assert list(RiskRuleVersion.objects.filter(rule=vn_rule).values_list("version", flat=True)) == [3, 2, 1]
    assert RiskRuleVersion.objects.get(rule=vn_rule, version=3).snapshot["add_score"] == 30
    assert RulesetVersion.objects.latest("id").id > start
    with pytest.raises(ValidationError) as err:
        services.rule_update(rule=vn_rule, actor=analyst, conditions=[{"field": "colour", "op": "eq", "value": 1}])
    assert "colour" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.rule_create(actor=analyst, code="no-effect", name="x", conditions=VN_SHRIMP)
    assert "add_score" in err.value.message_dict


@pytest.mark.django_db
def test_reassessment_adds_new_assessment_and_versions(analyst, vn_rule):
    declaration = submitted_declaration(origin="VN")
    first = services.declaration_assess(declaration=declaration)
    services.rule_update(rule=vn_rule, actor=analyst, add_score=60)
    second = services.declaration_assess(declaration=declaration)
    assert second.pk != first.pk and second.rules_version > first.rules_version
    assert (first.tier, second.tier) == ("medium", "high")
    assert RiskAssessment.objects.filter(declaration=declaration).count() == 2


@pytest.mark.django_db
def test_reassessment_task_moves_tiers_with_events(analyst, vn_rule):
    pending = submitted_declaration(origin="VN")
    released = submitted_declaration(origin="VN", status="released")
    untouched = submitted_declaration(origin="AU")
    for d in (pending, released, untouched):
        services.declaration_assess(declaration=d)
    services.rule_update(rule=vn_rule, actor=analyst, add_score=90)
    result = risk_reassess_pending_task.apply(args=["rule vn-shrimp changed"]).get()
    assert result == {"pending": 2, "reassessed": 1, "moved": 1}
    assert RiskAssessment.objects.filter(declaration=pending).order_by("-id").first().tier == "very_high"
    assert RiskAssessment.objects.filter(declaration=released).count() == 1
    event = DeclarationEvent.objects.get(declaration=pending, kind="risk_tier_changed")
    assert event.visible_to_declarant is False and event.data["to_tier"] == "very_high"
    # Idempotent: a second run changes nothing.
    assert risk_reassess_pending_task.apply(args=["again"]).get()["reassessed"] == 0


@pytest.mark.django_db
def test_bulletin_publish_activates_and_withdraw_retires_linked_rules(analyst):
    rule = services.rule_create(actor=analyst, code="asf", name="ASF pork",
                                conditions=[{"field": "hs_code", "op": "prefix", "value": ["0203"]}], add_score=30)
    bulletin = services.bulletin_create(actor=analyst, rules=[rule], title_zh="非洲猪瘟", title_en="ASF",
                                        hazard="animal_disease", hs_prefixes=["0203"], countries=["be"],
                                        valid_from=timezone.localdate() - timedelta(days=1))
    assert bulletin.countries == ["BE"]
    services.bulletin_publish(bulletin=bulletin, actor=analyst)
    rule.refresh_from_db()
    assert rule.status == RuleStatus.ACTIVE
    a = services.declaration_assess(declaration=submitted_declaration(hs_code="0203290000", origin="BE"))
    assert {r["code"] for r in a.reasons} == {"asf", f"bulletin-{bulletin.pk}"}
    assert a.score == 45
    published = OutboxEvent.objects.get(event_type=EventType.BULLETIN_PUBLISHED)
    assert published.payload["id"] == bulletin.pk and "declarant" not in published.audience
    services.bulletin_withdraw(bulletin=bulletin, actor=analyst)
    rule.refresh_from_db()
    assert rule.status == RuleStatus.RETIRED
    with pytest.raises(ValidationError):
        services.bulletin_create(actor=analyst, title_zh="x", title_en="x", hazard="fraud", countries=["BEL"],
                                 valid_from=timezone.localdate())


@pytest.mark.django_db
def test_model_registry_activation(small_training, supervisor):
    first = services.model_register(result=small_training, source="kcs:test")
    second = services.model_register(result=small_training, source="kcs:test")
    services.model_activate(model=first, actor=supervisor)
    services.model_activate(model=second, actor=supervisor)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_active and second.is_active and second.activated_by == supervisor
    assert second.metrics["held_out"]["rows"] > 0 and second.train_rows == 4000
    assert "te_hs6_origin" in second.features


@pytest.mark.django_db
def test_grade_change_reassesses_that_enterprise_only(analyst, supervisor):
    from credit.models import GradeChange
    from risk.tasks import risk_reassess_grade_changes_task

    rule = services.rule_create(actor=analyst, code="grade-d", name="Grade D",
                                conditions=[{"field": "enterprise_grade", "op": "in", "value": ["D"]}], add_score=60)
    services.rule_activate(rule=rule, actor=supervisor)
    changed, other = submitted_declaration(), submitted_declaration()
    for d in (changed, other):
        services.declaration_assess(declaration=d)
    for d in (changed, other):
        d.enterprise.credit_grade = "D"
        d.enterprise.save()
    GradeChange.objects.create(enterprise=changed.enterprise, old_grade="B", new_grade="D", score_before=70,
                               score_after=10, reason="test", mode="nightly", as_of=timezone.localdate())
    result = risk_reassess_grade_changes_task.apply().get()
    assert result == {"pending": 1, "reassessed": 1, "moved": 1}
    assert RiskAssessment.objects.filter(declaration=changed).order_by("-id").first().tier == "high"
    assert RiskAssessment.objects.filter(declaration=other).count() == 1


@pytest.mark.django_db
def test_an_analysts_activation_waits_for_a_second_analyst_or_a_supervisor(analyst, supervisor, roles):
    from ciq_portal.models import AuditEntry
    from ciq_portal.roles import Role
    from risk.models import ActivationRequest
    from tests.factories import UserFactory

    second = UserFactory(username="analyst2", role=Role.RISK_ANALYST)
    rule = services.rule_create(actor=analyst, code="four-eyes", name="Four eyes", conditions=VN_SHRIMP, add_score=5)
    assert services.rule_activate(rule=rule, actor=analyst).status == "draft"
    assert services.activation_pending(rule=rule).requested_by == analyst
    with pytest.raises(ValidationError) as own:
        services.rule_activate(rule=rule, actor=analyst)  # nobody approves their own request
    assert "status" in own.value.message_dict
    assert services.rule_activate(rule=rule, actor=second).status == "active"
    request = ActivationRequest.objects.get(rule=rule)
    assert request.status == "approved" and request.approved_by == second
    assert AuditEntry.objects.filter(action="activation.approve", object_id=str(request.pk)).exists()
    other = services.rule_create(actor=analyst, code="alone", name="Supervisor alone", conditions=VN_SHRIMP,
                                 add_score=5)
    assert services.rule_activate(rule=other, actor=supervisor).status == "active"


@pytest.mark.django_db
def test_an_emergency_bulletin_activates_its_rules_at_once(analyst):
    rule = services.rule_create(actor=analyst, code="asf", name="ASF", conditions=VN_SHRIMP, force_inspection=True)
    bulletin = services.bulletin_create(actor=analyst, rules=[rule], title_zh="非洲猪瘟", title_en="ASF",
                                        hazard="animal_disease", countries=["VN"], valid_from=timezone.localdate())
    services.bulletin_publish(bulletin=bulletin, actor=analyst)
    rule.refresh_from_db()
    assert rule.status == "active"  # reviewed after: its what-if and the budget dashboard show what it adds
