"""The scoring engine: active model + rule index, cached in-process and rebuilt when their versions change.

Pure computation (reads only): services.py stores what this returns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Max, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from ciq_portal.reference import reference_cached

from .choices import TIER_ORDER, BulletinStatus, RuleStatus, Tier
from .models import RiskBulletin, RiskModel, RiskRule, RulesetVersion
from .rules import CompiledRule, RuleIndex

MODE_ORDER = ["", "declare", "verify", "sample", "supervised"]
DEFAULT_THRESHOLDS = {"medium": 30.0, "high": 55.0, "very_high": 80.0}


def thresholds() -> dict:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "RISK_TIER_THRESHOLDS", {})}


def tier_for(score: float) -> str:
    t = thresholds()
    if score >= t["very_high"]:
        return Tier.VERY_HIGH
    if score >= t["high"]:
        return Tier.HIGH
    if score >= t["medium"]:
        return Tier.MEDIUM
    return Tier.LOW


@dataclass
class Outcome:
    score: float
    tier: str
    reasons: list
    model_score: float | None
    forced_release_mode: str = ""
    force_inspection: bool = False
    hold: bool = False
    rule_codes: list = field(default_factory=list)


def compile_rule(rule) -> CompiledRule:
    return CompiledRule(rule.pk, rule.code, rule.name, rule.conditions, rule.add_score, rule.force_tier,
                        rule.force_inspection, rule.force_release_mode, rule.hold, rule.valid_from, rule.valid_to)


def bulletin_rule(bulletin) -> CompiledRule | None:
    conds = []
    if bulletin.hs_prefixes:
        conds.append({"field": "hs_code", "op": "prefix", "value": [str(p) for p in bulletin.hs_prefixes]})
    if bulletin.countries:
        conds.append({"any": [{"field": "origin_country", "op": "in", "value": list(bulletin.countries)},
                              {"field": "departure_country", "op": "in", "value": list(bulletin.countries)}]})
    if not conds:
        return None
    return CompiledRule(-bulletin.pk, f"bulletin-{bulletin.pk}", bulletin.title_en, {"all": conds},
                        bulletin.add_score, "", False, "", False, bulletin.valid_from, bulletin.valid_to,
                        bulletin_id=bulletin.pk)


class Engine:
    def __init__(self, *, rules_version: int, model_row=None, rules: list[CompiledRule] | None = None):
        # Imported with the first engine: LightGBM and scikit-learn would cost every process about 3 s at start.
        from .ml.model import TrainedModel

        self.rules_version = rules_version
        self.model_version = model_row.version if model_row is not None else ""
        self.model = TrainedModel.load(model_row.booster, model_row.encoding, model_row.params) \
            if model_row is not None else None
        self.index = RuleIndex(rules or [])

    # -- model -------------------------------------------------------------------------------------------------
    def model_explain(self, rows_per_item: list[list[dict]]) -> list[tuple[float | None, list]]:
        """For each item (a declaration's line rows): the highest line probability and that line's factors."""
        from .ml.model import explain_matrix  # loaded with the first engine (above)

        if self.model is None:
            return [(None, []) for _ in rows_per_item]
        flat = [row for rows in rows_per_item for row in rows]
        matrix = self.model.encoder.transform(flat)
        probs = self.model.booster.predict(matrix, num_threads=1) if len(flat) else np.zeros(0)
        picks, pos = [], 0
        for rows in rows_per_item:
            if not rows:
                picks.append(None)
                continue
            best = pos + int(np.argmax(probs[pos:pos + len(rows)]))
            picks.append(best)
            pos += len(rows)
        chosen = [p for p in picks if p is not None]
        explained = dict(zip(chosen, explain_matrix(self.model, matrix[chosen]), strict=True)) if chosen else {}
        return [explained[p] if p is not None else (None, []) for p in picks]

    def model_scores(self, rows: list[dict]) -> np.ndarray:
        if self.model is None:
            return np.zeros(len(rows))
        return self.model.predict_rows(rows)

    # -- combining ---------------------------------------------------------------------------------------------
    def combine(self, contexts, model_part, day=None) -> Outcome:
        """Rules over the line contexts + the model's (probability, factors) -> score, tier, effects, reasons."""
        day = day or timezone.localdate()
        probability, factors = model_part
        reasons = []
        score = 0.0
        if probability is not None:
            score = 100.0 * probability
            # Labels are stored in English (source strings) and translated when shown.
            reasons.append({"code": "model", "kind": "model", "label": gettext_noop("Learned model"),
                            "model_version": self.model_version, "weight": round(score, 1)})
            for f in factors:
                reasons.append({"code": f"model:{f['family']}", "kind": "model_factor", "label": f["label"],
                                "weight": f["contribution"]})
        hits = self.index.evaluate(contexts, day)
        forced_tier, mode, inspect, hold = "", "", False, False
        for rule in hits:
            score += rule.add_score
            effects = {}
            if rule.force_tier:
                effects["force_tier"] = rule.force_tier
                if not forced_tier or TIER_ORDER.index(rule.force_tier) > TIER_ORDER.index(forced_tier):
                    forced_tier = rule.force_tier
            if rule.force_release_mode:
                effects["force_release_mode"] = rule.force_release_mode
                if MODE_ORDER.index(rule.force_release_mode) > MODE_ORDER.index(mode):
                    mode = rule.force_release_mode
            if rule.force_inspection:
                effects["force_inspection"] = True
                inspect = True
            if rule.hold:
                effects["hold"] = True
                hold = True
            reasons.append({"code": rule.code, "kind": "bulletin" if rule.bulletin_id else "rule",
                            "label": rule.name, "weight": rule.add_score, "effects": effects})
        score = max(0.0, min(100.0, score))
        tier = forced_tier or tier_for(score)
        return Outcome(round(score, 2), tier, reasons, probability, mode, inspect, hold, [r.code for r in hits])


_lock = threading.Lock()
_cached: Engine | None = None
VERSIONS_KEY = "risk-versions"


def current_versions() -> tuple[int, int | None]:
    """(rules version, active model id) in one small query."""
    active = RiskModel.objects.filter(is_active=True).values("id")[:1]
    row = RulesetVersion.objects.aggregate(v=Max("id"), m=Max(Subquery(active)))
    if row["v"] is None and row["m"] is None:
        # No rule set change yet: the aggregate over an empty table has no row to carry the model id.
        return 0, RiskModel.objects.filter(is_active=True).values_list("id", flat=True).first()
    return row["v"] or 0, row["m"]


def load_rules(day=None) -> list[CompiledRule]:
    rules = [compile_rule(r) for r in RiskRule.objects.filter(status=RuleStatus.ACTIVE).order_by("code")]
    for bulletin in RiskBulletin.objects.filter(status=BulletinStatus.PUBLISHED):
        compiled = bulletin_rule(bulletin)
        if compiled:
            rules.append(compiled)
    return rules


def get_engine() -> Engine:
    """The engine for the current rules and model versions (rebuilt only on change; the versions are read through
    ciq_portal.reference)."""
    global _cached
    rules_version, model_id = reference_cached(VERSIONS_KEY, current_versions)
    engine = _cached
    if engine is not None and engine.rules_version == rules_version and \
            engine.model_version == (f"m{model_id}" if model_id else ""):
        return engine
    with _lock:
        model_row = RiskModel.objects.filter(pk=model_id).first() if model_id else None
        if engine is not None and engine.model_version == (model_row.version if model_row else ""):
            new = Engine.__new__(Engine)
            new.model, new.model_version = engine.model, engine.model_version
            new.rules_version = rules_version
            new.index = RuleIndex(load_rules())
        else:
            new = Engine(rules_version=rules_version, model_row=model_row, rules=load_rules())
        _cached = new
        return new


def reset_cache():
    global _cached
    _cached = None
