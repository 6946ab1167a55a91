"""Batch scoring of KCS rows (files): the active model + rules, no per-row database access."""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from .context import kcs_context
from .engine import get_engine, thresholds


def score_kcs_rows(rows: list[dict], *, day=None) -> tuple[np.ndarray, dict]:
    """Score 0–100 per row: 100 × model probability + rule additions, clipped (same as an assessment).

    Forced tiers are mapped onto the score as their tier's lower threshold so that the ordering respects them.
    """
    engine = get_engine()
    day = day or timezone.localdate()
    scores = engine.model_scores(rows) * 100.0
    if engine.index.rules:
        floors = {"medium": thresholds()["medium"], "high": thresholds()["high"],
                  "very_high": thresholds()["very_high"], "low": 0.0}
        for i, row in enumerate(rows):
            ctx = kcs_context(row, model=engine.model)
            hits = engine.index.evaluate([ctx], day)
            if hits:
                s = scores[i] + sum(r.add_score for r in hits)
                for r in hits:
                    if r.force_tier:
                        s = max(s, floors[r.force_tier])
                scores[i] = s
        np.clip(scores, 0.0, 100.0, out=scores)
    return scores, {"model_version": engine.model_version, "rules_version": engine.rules_version}
