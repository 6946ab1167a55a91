"""Every read of the risk app. Risk reasons are for bureau staff only: declarants see no assessment at all."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from ciq_portal.reference import reference_cached
from ciq_portal.roles import Role, has_role, is_bureau_user
from declarations.models import Declaration

from . import engine as risk_engine
from .choices import BulletinStatus, RuleStatus, Tier
from .context import declaration_contexts
from .filtersets import RiskAssessmentFilterSet, RiskBulletinFilterSet, RiskRuleFilterSet
from .ml.dataset import historical_extra, line_row
from .models import RiskAssessment, RiskBulletin, RiskModel, RiskRule
from .rules import matches, normalise

ANALYSTS = (Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _filter(filterset_class, queryset, filters):
    if filters is None:
        return queryset
    fs = filterset_class(filters, queryset=queryset)
    return fs.qs if fs.is_valid() else queryset.none()


# -- assessments: bureau staff only ----------------------------------------------------------------------------


def assessment_list(*, user, filters=None):
    qs = RiskAssessment.objects.select_related("declaration")
    if not is_bureau_user(user):
        return qs.none()
    return _filter(RiskAssessmentFilterSet, qs, filters)


def assessment_latest(*, user, declaration):
    """The current assessment of a declaration for a bureau user; None for anyone else (never the reasons)."""
    if not is_bureau_user(user):
        return None
    return RiskAssessment.objects.filter(declaration=declaration).order_by("-id").first()


# -- rules -----------------------------------------------------------------------------------------------------


def rule_list(*, user, filters=None):
    if not is_bureau_user(user):
        return RiskRule.objects.none()
    return _filter(RiskRuleFilterSet, RiskRule.objects.select_related("owner"), filters)


def rule_get(*, user, pk):
    try:
        return rule_list(user=user).get(pk=pk)
    except RiskRule.DoesNotExist as exc:
        raise Http404 from exc


# -- bulletins -------------------------------------------------------------------------------------------------


def bulletin_list(*, user, filters=None):
    """Analysts see every bulletin; other bureau staff and partner agencies the published ones."""
    qs = RiskBulletin.objects.prefetch_related("rules")
    if has_role(user, *ANALYSTS):
        pass
    elif is_bureau_user(user) or has_role(user, Role.PARTNER_AGENCY):
        qs = qs.filter(status=BulletinStatus.PUBLISHED)
    else:
        qs = qs.none()
    return _filter(RiskBulletinFilterSet, qs, filters)


def bulletin_get(*, user, pk):
    try:
        return bulletin_list(user=user).get(pk=pk)
    except RiskBulletin.DoesNotExist as exc:
        raise Http404 from exc


def bulletins_active(day=None):
    day = day or timezone.localdate()
    return RiskBulletin.objects.filter(status=BulletinStatus.PUBLISHED, valid_from__lte=day) \
        .filter(Q(valid_to=None) | Q(valid_to__gte=day))


BULLETIN_HAZARDS_KEY = "risk-bulletin-hazards"


def bulletin_hazards() -> dict[int, str]:
    """{bulletin id: hazard} of the published bulletins (every submission's expected harm reads it; remembered per
    process, forgotten when a bulletin is published or withdrawn)."""
    return reference_cached(BULLETIN_HAZARDS_KEY, lambda: dict(
        RiskBulletin.objects.filter(status=BulletinStatus.PUBLISHED).values_list("pk", "hazard")))


def bulletins_public():
    """Titles and dates only, for the public page."""
    return RiskBulletin.objects.filter(status__in=[BulletinStatus.PUBLISHED, BulletinStatus.WITHDRAWN]) \
        .exclude(published_at=None).only("title_zh", "title_en", "hazard", "valid_from", "valid_to", "published_at",
                                         "status")


# -- models ----------------------------------------------------------------------------------------------------


def model_list(*, user):
    if not is_bureau_user(user):
        return RiskModel.objects.none()
    return RiskModel.objects.defer("booster", "encoding").select_related("activated_by")


def model_get(*, user, pk) -> RiskModel:
    model = model_list(user=user).filter(pk=pk).first()
    if model is None:
        raise Http404
    return model


# -- what-if and performance -----------------------------------------------------------------------------------


def model_whatif(*, model, declaration_ids) -> dict[int, tuple[float, str]]:
    """{declaration id: (probability of non-conformity, risk tier)} had ``model`` assessed the declarations: the
    model's highest line probability, and the tier of the score the latest assessment would have had with it in
    place of its model's part (a tier a rule forced stays)."""
    from .ml.model import TrainedModel  # LightGBM: loaded when a model is asked for

    trained = TrainedModel.load(model.booster, model.encoding, model.params)
    declarations = list(Declaration.objects.filter(pk__in=list(declaration_ids)).select_related("enterprise")
                        .prefetch_related("lines").order_by("pk"))
    rows = [[line_row(d, line, historical_extra(d)) for line in d.lines.all()] for d in declarations]
    probabilities = trained.predict_rows([row for lines in rows for row in lines])
    latest = {}
    for assessment in RiskAssessment.objects.filter(declaration_id__in=[d.pk for d in declarations]) \
            .order_by("declaration_id", "-id").only("declaration_id", "score", "tier", "model_score"):
        latest.setdefault(assessment.declaration_id, assessment)
    answer, position = {}, 0
    for declaration, lines in zip(declarations, rows, strict=True):
        probability = float(max(probabilities[position:position + len(lines)], default=0.0))
        position += len(lines)
        before = latest.get(declaration.pk)
        if before is None:
            answer[declaration.pk] = (probability, risk_engine.tier_for(100 * probability))
            continue
        score = max(0.0, min(100.0, before.score - 100 * (before.model_score or 0.0) + 100 * probability))
        forced_tier = before.tier != risk_engine.tier_for(before.score)
        answer[declaration.pk] = (probability, before.tier if forced_tier else risk_engine.tier_for(score))
    return answer


def _history(days, now=None):
    now = now or timezone.now()
    return Declaration.objects.filter(submitted_at__gte=now - timedelta(days=days), submitted_at__lte=now) \
        .select_related("enterprise").prefetch_related("lines")


STRICT_MODES = ("sample", "supervised")


def rule_whatif(*, conditions, days: int = 30, force_inspection=False, force_tier="", force_release_mode="",
                now=None) -> dict:
    """Replay conditions on the last ``days`` days of submitted declarations.

    inspected_ids: the hits the rule would inspect (it forces inspection, a high tier or an inspecting mode).
    hits: declarations matched; extra_inspections_per_day: hits that the rule would send to inspection (it
    forces inspection, a high tier or a sampling/supervised mode) and whose current assessment did not already;
    hit_rate: non-conformities / inspected among the hits with a known outcome.
    """
    conditions = normalise(conditions)
    engine = risk_engine.get_engine()
    declarations = list(_history(days, now))
    latest = {}
    for a in RiskAssessment.objects.filter(declaration__in=[d.pk for d in declarations]).order_by("-id") \
            .only("declaration_id", "force_inspection", "tier", "forced_release_mode"):
        latest.setdefault(a.declaration_id, a)
    inspects = force_inspection or force_tier in (Tier.HIGH, Tier.VERY_HIGH) or force_release_mode in STRICT_MODES
    hits = extra = known = bad = 0
    inspected_ids = []
    for d in declarations:
        contexts = declaration_contexts(d, list(d.lines.all()), model=engine.model)
        if not any(matches(conditions, ctx) for ctx in contexts):
            continue
        hits += 1
        if inspects:
            inspected_ids.append(d.pk)
        prev = latest.get(d.pk)
        already = prev is not None and (prev.force_inspection or prev.tier in (Tier.HIGH, Tier.VERY_HIGH)
                                        or prev.forced_release_mode in STRICT_MODES)
        if inspects and not already:
            extra += 1
        if d.inspection_outcome:
            known += 1
            bad += d.inspection_outcome == "non_conform"
    return {"days": days, "declarations": len(declarations), "hits": hits, "extra_inspections": extra,
            "extra_inspections_per_day": round(extra / days, 2) if days else 0.0, "known_outcomes": known,
            "non_conformities": bad, "hit_rate": (bad / known) if known else None,
            # The hits the rule would inspect whatever else decides (the release app projects the budget from them).
            "inspected_ids": inspected_ids}


# Hook for the random control sample (dual-random draw of objects, owned by the inspection app, a higher layer):
# the inspection app registers ``fn(since, until) -> iterable of declaration ids drawn at random``, e.g. in its
# AppConfig.ready(): ``risk.selectors.set_control_sample_provider(inspection.selectors.control_sample_ids)``.
_control_sample_provider = None


def set_control_sample_provider(fn):
    global _control_sample_provider
    _control_sample_provider = fn


# Hook for each inspection's selection probability (the release decision, a higher layer, knows it): the release app
# registers ``fn(declaration_ids) -> {declaration id: probability}`` in its AppConfig.ready().
_selection_probability_provider = None


def set_selection_probability_provider(fn):
    global _selection_probability_provider
    _selection_probability_provider = fn


def selection_probabilities(declaration_ids) -> dict[int, float]:
    """{declaration id: the probability its inspection was selected with}; empty without a provider."""
    return _selection_probability_provider(declaration_ids) if _selection_probability_provider else {}


def _outcome_counts(ids):
    rows = Declaration.objects.filter(pk__in=list(ids)).exclude(inspection_outcome="") \
        .values_list("inspection_outcome", flat=True)
    outcomes = list(rows)
    known, bad = len(outcomes), sum(1 for o in outcomes if o == "non_conform")
    return known, bad


def control_sample_scores(*, days: int = 90, now=None) -> tuple[list[float], list[int]]:
    """(score at assessment, non-conform 0/1) of the random control sample's declarations with an outcome over the
    last ``days`` days: the one sample the selection did not choose, so the unbiased check of the model."""
    now = now or timezone.now()
    if _control_sample_provider is None:
        return [], []
    ids = set(_control_sample_provider(now - timedelta(days=days), now))
    outcomes = dict(Declaration.objects.filter(pk__in=list(ids)).exclude(inspection_outcome="")
                    .values_list("pk", "inspection_outcome"))
    scores: dict[int, float] = {}
    for declaration_id, score in (RiskAssessment.objects.filter(declaration_id__in=list(outcomes))
                                  .order_by("declaration_id", "id").values_list("declaration_id", "score")):
        scores.setdefault(declaration_id, score)  # the assessment the decision was made on (the first)
    ordered = sorted(scores)
    return [scores[pk] for pk in ordered], [int(outcomes[pk] == "non_conform") for pk in ordered]


def rule_performance(*, days: int = 90, now=None) -> dict:
    """Per rule: declarations hit, inspected, non-conformities, hit rate; beside the random control sample."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    hits: dict[str, set] = {}
    for decl_id, codes in RiskAssessment.objects.filter(created_at__gte=since, created_at__lte=now) \
            .values_list("declaration_id", "rule_codes").iterator(chunk_size=5000):
        for code in codes or ():
            hits.setdefault(code, set()).add(decl_id)
    rules = {r.code: r for r in RiskRule.objects.exclude(status=RuleStatus.DRAFT)}
    rows = []
    for code in sorted(set(rules) | set(hits)):
        ids = hits.get(code, set())
        known, bad = _outcome_counts(ids) if ids else (0, 0)
        rule = rules.get(code)
        rows.append({"code": code, "rule": rule, "name": rule.name if rule else code, "hits": len(ids),
                     "inspections": known, "non_conformities": bad, "hit_rate": (bad / known) if known else None})
    control = None
    if _control_sample_provider is not None:
        ids = set(_control_sample_provider(since, now))
        known, bad = _outcome_counts(ids) if ids else (0, 0)
        control = {"drawn": len(ids), "inspections": known, "non_conformities": bad,
                   "hit_rate": (bad / known) if known else None}
    return {"since": since, "until": now, "days": days, "rules": rows, "control": control}
