"""Every write of the risk app: assessments, rules, bulletins, the model registry, reassessment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciq_portal.activations import activation_announce
from ciq_portal.audit import audit_record
from ciq_portal.i18n import choice_label
from ciq_portal.models import EventType
from ciq_portal.notifications import notification_publish
from ciq_portal.reference import reference_forget
from ciq_portal.roles import Role, has_role
from credit.models import GradeChange
from declarations.models import Declaration
from declarations.services import declaration_event_add

from . import engine as risk_engine
from . import transitions
from .choices import BulletinStatus, RuleStatus, Tier
from .context import declaration_contexts
from .ml.dataset import historical_extra, line_row
from .models import (
    ActivationRequest,
    RiskAssessment,
    RiskBulletin,
    RiskModel,
    RiskRule,
    RiskRuleVersion,
    RulesetVersion,
)
from .rules import normalise
from .selectors import BULLETIN_HAZARDS_KEY
from .tasks import risk_reassess_pending_task

PENDING_STATUSES = ("submitted", "awaiting_documents", "awaiting_inspection", "under_inspection", "on_hold")
# Where a model registered by the weekly training came from (RiskModel.source; risk/model_list.html names it).
SOURCE_WEEKLY = "database (weekly)"

# Why pending declarations are reassessed: a reason is {"code": one of these, ...its values} (JSON, so the Celery
# task carries it), put into words in each language when the timeline stores the tier change (reason_text).
REASONS = {
    "credit_grade_change": gettext_lazy("a credit grade change"),
    "rule_changed": gettext_lazy("a change to rule %(rule)s"),
    "rule_activate": gettext_lazy("the activation of rule %(rule)s"),
    "rule_retire": gettext_lazy("the retirement of rule %(rule)s"),
    "bulletin_changed": gettext_lazy("a change to risk bulletin %(bulletin)s"),
    "bulletin_published": gettext_lazy("the publication of risk bulletin %(bulletin)s"),
    "bulletin_withdrawn": gettext_lazy("the withdrawal of risk bulletin %(bulletin)s"),
    "model_activated": gettext_lazy("the activation of risk model %(model)s"),
}


def reassessment_reason(code: str, **values) -> dict:
    """A reason for :func:`declarations_reassess_pending` (``code``: one of REASONS)."""
    if code not in REASONS:
        raise ValueError(f"unknown reassessment reason {code!r}")
    return {"code": code, **values}


def reason_text(reason) -> str:
    """A reassessment reason in the active language; any other text (a caller's own words) as given."""
    if isinstance(reason, dict) and reason.get("code") in REASONS:
        return str(REASONS[reason["code"]]) % {k: v for k, v in reason.items() if k != "code"}
    return str(reason)


# -- assessment ------------------------------------------------------------------------------------------------


def _outcome_for(engine, declaration, lines, model_part=None):
    if model_part is None:
        extra = historical_extra(declaration)
        model_part = engine.model_explain([[line_row(declaration, line, extra) for line in lines]])[0]
    contexts = declaration_contexts(declaration, lines, model=engine.model)
    return engine.combine(contexts, model_part)


def _assessment(declaration, engine, outcome, actor) -> RiskAssessment:
    return RiskAssessment(
        declaration=declaration, score=outcome.score, tier=outcome.tier, reasons=outcome.reasons,
        model_score=outcome.model_score, forced_release_mode=outcome.forced_release_mode,
        force_inspection=outcome.force_inspection, hold=outcome.hold, rules_version=engine.rules_version,
        model_version=engine.model_version, rule_codes=outcome.rule_codes, actor=actor)


def declaration_assess(*, declaration, actor=None) -> RiskAssessment:
    """Assess a declaration with the active rules and model; stores and returns a new RiskAssessment.

    Called by release.services.clearance_submit inside the submit request. No audit row of its own: the
    assessment row is itself the record (who, when, versions, reasons), and the submit is audited by its caller.
    """
    engine = risk_engine.get_engine()
    lines = list(declaration.lines.all())
    outcome = _outcome_for(engine, declaration, lines)
    assessment = _assessment(declaration, engine, outcome, actor)
    assessment.save()
    return assessment


def declarations_reassess_pending(*, reason, actor=None, batch_size: int = 2000, enterprise_ids=None) -> dict:
    """Reassess every pending (not released) declaration (of ``enterprise_ids`` if given); store a new assessment
    where anything changed and add an event on each declaration whose tier moved. Idempotent: a second run
    changes nothing. ``reason``: a :func:`reassessment_reason`, or a caller's own words."""
    engine = risk_engine.get_engine()
    qs = Declaration.objects.filter(status__in=PENDING_STATUSES)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    ids = list(qs.values_list("id", flat=True).order_by("id"))
    counts = {"pending": len(ids), "reassessed": 0, "moved": 0}
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        with transaction.atomic():
            counts_chunk = _reassess_chunk(engine, chunk, reason, actor)
        counts["reassessed"] += counts_chunk[0]
        counts["moved"] += counts_chunk[1]
    return counts


def _latest_assessments(ids):
    """The current (latest) assessment of each declaration in ``ids``: one query, one row per declaration."""
    latest_ids = RiskAssessment.objects.filter(declaration_id__in=ids).values("declaration_id") \
        .annotate(last=Max("id")).values("last")
    rows = RiskAssessment.objects.filter(id__in=latest_ids).only(
        "id", "declaration_id", "score", "tier", "reasons", "model_score", "forced_release_mode", "force_inspection",
        "hold", "model_version", "rule_codes", "created_at")
    return {a.declaration_id: a for a in rows}


def _reassess_chunk(engine, ids, reason, actor):
    declarations = list(Declaration.objects.filter(id__in=ids).select_related("enterprise")
                        .prefetch_related("lines"))
    latest = _latest_assessments(ids)
    # The model part is reused when neither the model nor the declaration changed since the last assessment.
    need_model = []
    for d in declarations:
        prev = latest.get(d.id)
        if not (prev and prev.model_version == engine.model_version and d.updated_at <= prev.created_at):
            need_model.append(d)
    explained = engine.model_explain([[line_row(d, line, historical_extra(d)) for line in d.lines.all()]
                                      for d in need_model])
    model_parts = dict(zip((d.id for d in need_model), explained, strict=True))
    new_rows, moved = [], []
    for d in declarations:
        prev = latest.get(d.id)
        part = model_parts.get(d.id)
        if part is None:
            factors = [{"family": r["code"].split(":", 1)[1], "label": r["label"], "contribution": r["weight"]}
                       for r in prev.reasons if r.get("kind") == "model_factor"]
            part = (prev.model_score, factors)
        outcome = _outcome_for(engine, d, list(d.lines.all()), part)
        if prev and (prev.score, prev.tier, prev.rule_codes, prev.forced_release_mode, prev.force_inspection,
                     prev.hold, prev.model_version) == (outcome.score, outcome.tier, outcome.rule_codes,
                                                        outcome.forced_release_mode, outcome.force_inspection,
                                                        outcome.hold, engine.model_version):
            continue
        new_rows.append(_assessment(d, engine, outcome, actor))
        if prev and prev.tier != outcome.tier:
            moved.append((d, prev.tier, outcome))
    RiskAssessment.objects.bulk_create(new_rows, batch_size=1000)
    for d, old_tier, outcome in moved:
        _tier_event(d, old_tier, outcome, reason, actor)
    return len(new_rows), len(moved)


def _tier_event(declaration, old_tier, outcome, reason, actor):
    data = {"from_tier": old_tier, "to_tier": outcome.tier, "score": outcome.score, "reason": reason}
    declaration_event_add(declaration=declaration, kind="risk_tier_changed", actor=actor, data=data,
                          visible_to_declarant=False,
                          message=lambda: _("Risk tier changed from %(old)s to %(new)s after %(reason)s.") % {
                              "old": choice_label(Tier, old_tier), "new": choice_label(Tier, outcome.tier),
                              "reason": reason_text(reason)})


def _queue_reassessment(reason: dict):
    risk_reassess_pending_task.delay_on_commit(reason)


def declarations_reassess_after_grade_changes(*, since, actor=None) -> dict:
    """Reassess the pending declarations of enterprises whose credit grade changed since ``since`` (the credit app
    is a lower layer and cannot call us: a beat task polls its GradeChange rows)."""
    enterprise_ids = set(GradeChange.objects.filter(changed_at__gte=since).values_list("enterprise_id", flat=True))
    if not enterprise_ids:
        return {"pending": 0, "reassessed": 0, "moved": 0}
    return declarations_reassess_pending(reason=reassessment_reason("credit_grade_change"), actor=actor,
                                         enterprise_ids=enterprise_ids)


# -- rules -----------------------------------------------------------------------------------------------------

RULE_FIELDS = ("code", "name", "description", "conditions", "add_score", "force_tier", "force_inspection",
               "force_release_mode", "hold", "valid_from", "valid_to")


def _rule_snapshot(rule) -> dict:
    data = {f: getattr(rule, f) for f in RULE_FIELDS}
    data.update(status=rule.status, version=rule.version, owner_id=rule.owner_id)
    for key in ("valid_from", "valid_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _check_rule(rule):
    rule.conditions = normalise(rule.conditions)
    if rule.valid_from and rule.valid_to and rule.valid_from > rule.valid_to:
        raise ValidationError({"valid_to": [_("The end of validity is before its start.")]})
    if not (rule.add_score or rule.force_tier or rule.force_inspection or rule.force_release_mode or rule.hold):
        raise ValidationError({"add_score": [_("A rule needs an effect: a score, a tier, inspection, a release "
                                               "mode or a hold.")]})
    if not -100 <= rule.add_score <= 100:
        raise ValidationError({"add_score": [_("The score to add must be between -100 and 100.")]})


def _new_ruleset_version(actor, note) -> RulesetVersion:
    reference_forget(risk_engine.VERSIONS_KEY)
    return RulesetVersion.objects.create(actor=actor if getattr(actor, "pk", None) else None, note=note[:200])


def _record_rule_version(rule, actor, note):
    rs = _new_ruleset_version(actor, note)
    RiskRuleVersion.objects.create(rule=rule, version=rule.version, snapshot=_rule_snapshot(rule),
                                   ruleset_version=rs, actor=actor if getattr(actor, "pk", None) else None)


@transaction.atomic
def rule_create(*, actor, **fields) -> RiskRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("Unknown field.")]})
    if RiskRule.objects.filter(code=fields.get("code", "")).exists():
        raise ValidationError({"code": [_("A rule with this code exists.")]})
    rule = RiskRule(**fields, owner=actor if getattr(actor, "pk", None) else None, status=RuleStatus.DRAFT)
    _check_rule(rule)
    rule.full_clean(exclude=["owner", "conditions"])
    rule.save()
    _record_rule_version(rule, actor, f"rule {rule.code} created")
    audit_record(actor=actor, action="riskrule.create", obj=rule, after=_rule_snapshot(rule))
    return rule


@transaction.atomic
def rule_update(*, rule, actor, **fields) -> RiskRule:
    rule = RiskRule.objects.select_for_update().get(pk=rule.pk)
    if not transitions.rule_allows("edit", rule.status):
        raise ValidationError({"status": [_("A retired rule cannot be changed.")]})
    before = _rule_snapshot(rule)
    for key, value in fields.items():
        if key not in RULE_FIELDS or key == "code":
            raise ValidationError({key: [_("This field cannot be changed.")]})
        setattr(rule, key, value)
    _check_rule(rule)
    rule.full_clean(exclude=["owner", "conditions"])
    rule.version += 1
    rule.save()
    _record_rule_version(rule, actor, f"rule {rule.code} v{rule.version}")
    audit_record(actor=actor, action="riskrule.update", obj=rule, before=before, after=_rule_snapshot(rule))
    if rule.status == RuleStatus.ACTIVE:
        _queue_reassessment(reassessment_reason("rule_changed", rule=rule.code))
    return rule


def _rule_move(rule, actor, verb):
    rule = RiskRule.objects.select_for_update().get(pk=rule.pk)
    to_status = transitions.RULE_MOVES[verb][1]
    if rule.status == to_status:
        return rule
    if not transitions.rule_allows(verb, rule.status):
        raise ValidationError({"status": [_("A retired rule cannot be changed.")]})
    before = _rule_snapshot(rule)
    rule.status = to_status
    rule.version += 1
    rule.save(update_fields=["status", "version", "updated_at"])
    _record_rule_version(rule, actor, f"rule {rule.code} {verb}")
    audit_record(actor=actor, action=f"riskrule.{verb}", obj=rule, before=before, after=_rule_snapshot(rule))
    _queue_reassessment(reassessment_reason(f"rule_{verb}", rule=rule.code))
    activation_announce(f"risk_rule_{verb}", rule.code)
    return rule


def _four_eyes(*, actor, rule=None, model=None) -> bool:
    """Whether the activation may happen now. The system (actor None: a bulletin's rules, the demo, a command) and a
    supervisor activate at once; an analyst's first activation is a request that a second analyst or a supervisor
    approves by activating in turn. Records the request or the approval."""
    if actor is None:
        return True
    target = {"rule": rule} if rule is not None else {"model": model}
    pending = (ActivationRequest.objects.select_for_update()
               .filter(status=ActivationRequest.Status.PENDING, **target).first())
    approver = has_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR) or (
        pending is not None and pending.requested_by_id != actor.pk)
    if approver:
        request = pending or ActivationRequest(requested_by=actor, **target)
        request.status, request.approved_by, request.approved_at = (ActivationRequest.Status.APPROVED, actor,
                                                                    timezone.now())
        request.save()
        audit_record(actor=actor, action="activation.approve", obj=request,
                     after={"rule": getattr(rule, "code", None), "model": getattr(model, "pk", None),
                            "requested_by": getattr(request.requested_by, "username", None)})
        return True
    if pending is not None:
        raise ValidationError({"status": [_("You asked for this activation: a second analyst or a supervisor "
                                            "approves it.")]})
    request = ActivationRequest.objects.create(requested_by=actor, **target)
    audit_record(actor=actor, action="activation.request", obj=request,
                 after={"rule": getattr(rule, "code", None), "model": getattr(model, "pk", None)})
    return False


def activation_pending(*, rule=None, model=None) -> ActivationRequest | None:
    target = {"rule": rule} if rule is not None else {"model": model}
    return ActivationRequest.objects.filter(status=ActivationRequest.Status.PENDING, **target).first()


@transaction.atomic
def rule_activate(*, rule, actor) -> RiskRule:
    """Activate a draft rule; an analyst's activation waits for a second analyst's or a supervisor's (the rule
    stays a draft until then)."""
    locked = RiskRule.objects.select_for_update().get(pk=rule.pk)
    if locked.status == RuleStatus.DRAFT and not _four_eyes(actor=actor, rule=locked):
        return locked
    return _rule_move(rule, actor, "activate")


@transaction.atomic
def rule_retire(*, rule, actor) -> RiskRule:
    return _rule_move(rule, actor, "retire")


# -- bulletins -------------------------------------------------------------------------------------------------

BULLETIN_FIELDS = ("title_zh", "title_en", "text_zh", "text_en", "hazard", "hs_prefixes", "countries",
                   "add_score", "valid_from", "valid_to")


def _bulletin_snapshot(b):
    data = {f: getattr(b, f) for f in BULLETIN_FIELDS}
    data["status"] = b.status
    data["rules"] = sorted(b.rules.values_list("code", flat=True)) if b.pk else []
    return data


def _check_bulletin(b):
    b.hs_prefixes = [str(p).strip() for p in (b.hs_prefixes or []) if str(p).strip()]
    b.countries = [str(c).strip().upper() for c in (b.countries or []) if str(c).strip()]
    for p in b.hs_prefixes:
        if not p.isdigit():
            raise ValidationError({"hs_prefixes": [_("HS prefixes are digits, e.g. 0306.")]})
    for c in b.countries:
        if len(c) != 2 or not c.isalpha():
            raise ValidationError({"countries": [_("Countries are two-letter ISO codes.")]})
    if b.valid_from and b.valid_to and b.valid_from > b.valid_to:
        raise ValidationError({"valid_to": [_("The end of validity is before its start.")]})
    b.full_clean(exclude=["owner"])


@transaction.atomic
def bulletin_create(*, actor, rules=(), **fields) -> RiskBulletin:
    bulletin = RiskBulletin(**fields, owner=actor if getattr(actor, "pk", None) else None)
    _check_bulletin(bulletin)
    bulletin.save()
    bulletin.rules.set(rules)
    audit_record(actor=actor, action="riskbulletin.create", obj=bulletin, after=_bulletin_snapshot(bulletin))
    return bulletin


@transaction.atomic
def bulletin_update(*, bulletin, actor, rules=None, **fields) -> RiskBulletin:
    bulletin = RiskBulletin.objects.select_for_update().get(pk=bulletin.pk)
    if not transitions.bulletin_allows("edit", bulletin.status):
        raise ValidationError({"status": [_("A withdrawn bulletin cannot be changed.")]})
    before = _bulletin_snapshot(bulletin)
    for key, value in fields.items():
        if key not in BULLETIN_FIELDS:
            raise ValidationError({key: [_("This field cannot be changed.")]})
        setattr(bulletin, key, value)
    _check_bulletin(bulletin)
    bulletin.save()
    if rules is not None:
        bulletin.rules.set(rules)
    audit_record(actor=actor, action="riskbulletin.update", obj=bulletin, before=before,
                 after=_bulletin_snapshot(bulletin))
    if bulletin.status == BulletinStatus.PUBLISHED:
        _new_ruleset_version(actor, f"bulletin {bulletin.pk} changed")
        _queue_reassessment(reassessment_reason("bulletin_changed", bulletin=bulletin.pk))
    return bulletin


@transaction.atomic
def bulletin_publish(*, bulletin, actor) -> RiskBulletin:
    """Publish a bulletin; its linked draft rules become active with it."""
    bulletin = RiskBulletin.objects.select_for_update().get(pk=bulletin.pk)
    if not transitions.bulletin_allows("publish", bulletin.status):
        raise ValidationError({"status": [_("Only a draft bulletin can be published.")]})
    before = _bulletin_snapshot(bulletin)
    bulletin.status, bulletin.published_at = BulletinStatus.PUBLISHED, timezone.now()
    bulletin.save(update_fields=["status", "published_at"])
    for rule in bulletin.rules.filter(status=RuleStatus.DRAFT):
        _rule_move(rule, actor, "activate")
    _new_ruleset_version(actor, f"bulletin {bulletin.pk} published")
    audit_record(actor=actor, action="riskbulletin.publish", obj=bulletin, before=before,
                 after=_bulletin_snapshot(bulletin))
    notification_publish(
        event_type=EventType.BULLETIN_PUBLISHED, audience=["agency", "bureau"], actor=actor,
        payload={"id": bulletin.pk, "title_zh": bulletin.title_zh, "title_en": bulletin.title_en,
                 "hazard": bulletin.hazard, "hs_prefixes": bulletin.hs_prefixes, "countries": bulletin.countries,
                 "valid_from": bulletin.valid_from, "valid_to": bulletin.valid_to},
        message=bulletin.title_zh, reference=f"bulletin {bulletin.pk}",
    )
    _queue_reassessment(reassessment_reason("bulletin_published", bulletin=bulletin.pk))
    reference_forget(BULLETIN_HAZARDS_KEY)
    activation_announce("risk_bulletin_published", bulletin.pk)
    return bulletin


@transaction.atomic
def bulletin_withdraw(*, bulletin, actor) -> RiskBulletin:
    """Withdraw a bulletin; its linked active rules retire with it."""
    bulletin = RiskBulletin.objects.select_for_update().get(pk=bulletin.pk)
    if not transitions.bulletin_allows("withdraw", bulletin.status):
        raise ValidationError({"status": [_("Only a published bulletin can be withdrawn.")]})
    before = _bulletin_snapshot(bulletin)
    bulletin.status = BulletinStatus.WITHDRAWN
    bulletin.save(update_fields=["status"])
    for rule in bulletin.rules.filter(status=RuleStatus.ACTIVE):
        _rule_move(rule, actor, "retire")
    _new_ruleset_version(actor, f"bulletin {bulletin.pk} withdrawn")
    audit_record(actor=actor, action="riskbulletin.withdraw", obj=bulletin, before=before,
                 after=_bulletin_snapshot(bulletin))
    _queue_reassessment(reassessment_reason("bulletin_withdrawn", bulletin=bulletin.pk))
    reference_forget(BULLETIN_HAZARDS_KEY)
    activation_announce("risk_bulletin_withdrawn", bulletin.pk)
    return bulletin


# -- model registry --------------------------------------------------------------------------------------------


@transaction.atomic
def model_register(*, result: dict, source: str, actor=None, name: str = "") -> RiskModel:
    """Store a trained model (``risk.training`` result) in the registry, inactive."""
    trained = result["model"]
    booster, encoding = trained.serialise()
    window = result.get("window") or (None, None)
    metrics = {"held_out": result.get("held_out", {}), "train_seconds": result.get("seconds"),
               "positive_rate": result.get("positive_rate")}
    if result.get("evaluation"):
        metrics["evaluation"] = result["evaluation"]
    row = RiskModel.objects.create(
        name=name or f"lightgbm {timezone.now():%Y-%m-%d %H:%M}", source=source[:200],
        trained_by=actor if getattr(actor, "pk", None) else None,
        train_from=window[0] or None, train_to=window[1] or None, train_rows=result.get("rows", 0),
        features=trained.feature_names, params=trained.params, metrics=metrics, booster=booster, encoding=encoding)
    audit_record(actor=actor, action="riskmodel.register", obj=row, after={"source": row.source, "metrics": metrics})
    return row


@transaction.atomic
def model_activate(*, model, actor=None) -> RiskModel:
    """Activate a model; an analyst's activation waits for a second analyst's or a supervisor's."""
    model = RiskModel.objects.select_for_update().get(pk=model.pk)
    if model.is_active:
        return model
    if not _four_eyes(actor=actor, model=model):
        return model
    previous = RiskModel.objects.select_for_update().filter(is_active=True).first()
    if previous:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    model.is_active, model.activated_at = True, timezone.now()
    model.activated_by = actor if getattr(actor, "pk", None) else None
    model.save(update_fields=["is_active", "activated_at", "activated_by"])
    audit_record(actor=actor, action="riskmodel.activate", obj=model,
                 before={"active": previous.version if previous else None}, after={"active": model.version})
    reference_forget(risk_engine.VERSIONS_KEY)
    _queue_reassessment(reassessment_reason("model_activated", model=model.version))
    activation_announce("risk_model", model.version)
    return model


def model_train_weekly(*, actor=None) -> RiskModel | None:
    """Train from the database (each inspection weighed by its inverse selection probability) and register the
    model; if it beats the active one, ask for its activation (an analyst or a supervisor approves it)."""
    # Imported when training: LightGBM and scikit-learn would cost every process about 3 s at start.
    from .training import NotEnoughHistory, rows_from_database, train_and_measure

    rows, labels, weights = rows_from_database(with_weights=True)
    try:
        result = train_and_measure(rows, labels, weights=weights)
    except NotEnoughHistory:
        return None
    row = model_register(result=result, source=SOURCE_WEEKLY, actor=actor)
    active = RiskModel.objects.filter(is_active=True).first()
    new_p5 = (result.get("held_out") or {}).get("precision_5") or 0
    old_p5 = ((active.metrics or {}).get("held_out") or {}).get("precision_5") or 0 if active else -1
    if new_p5 > old_p5:  # a better model: an analyst or a supervisor activates it after seeing its projection
        request = ActivationRequest.objects.create(model=row, requested_by=None)
        audit_record(actor=actor, action="activation.request", obj=request, after={"model": row.pk})
    return row
