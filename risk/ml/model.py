"""The learned model: LightGBM over ``FeatureEncoder`` features, its metrics and its serialised form."""

from __future__ import annotations

from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

from .features import FAMILY_LABELS, FeatureEncoder, family_of

PARAMS = {
    "objective": "binary", "learning_rate": 0.06, "num_leaves": 31, "min_data_in_leaf": 40,
    "feature_fraction": 0.7, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    # Two cores at most: the machines running the portal are shared.
    "num_threads": 2, "verbose": -1, "seed": 0, "deterministic": True,
}
NUM_ROUNDS = 250


def precision_at(scores, labels, fraction: float) -> float:
    """Share of positives among the top round(fraction × rows) rows by score, ties broken by row order."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels)
    n = int(round(fraction * len(scores)))
    if n <= 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    return float(labels[order[:n]].mean())


def auc(scores, labels) -> float:
    labels = np.asarray(labels)
    if labels.min() == labels.max():
        return float("nan")
    return float(roc_auc_score(labels, scores))


def metrics(scores, labels) -> dict:
    return {
        "rows": int(len(labels)),
        "positives": int(np.asarray(labels).sum()),
        "precision_1": precision_at(scores, labels, 0.01),
        "precision_2": precision_at(scores, labels, 0.02),
        "precision_5": precision_at(scores, labels, 0.05),
        "precision_10": precision_at(scores, labels, 0.10),
        "auc": auc(scores, labels),
    }


@dataclass
class TrainedModel:
    encoder: FeatureEncoder
    booster: lgb.Booster
    params: dict = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return self.encoder.feature_names

    def predict_rows(self, rows: list[dict]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        return self.booster.predict(self.encoder.transform(rows), num_threads=1)

    def serialise(self) -> tuple[str, dict]:
        return self.booster.model_to_string(), self.encoder.to_dict()

    @classmethod
    def load(cls, booster_text: str, encoding: dict, params: dict | None = None) -> TrainedModel:
        return cls(FeatureEncoder.from_dict(encoding), lgb.Booster(model_str=booster_text), params or {})


def train(rows: list[dict], labels, *, rounds: int = NUM_ROUNDS, params: dict | None = None,
          weights=None) -> TrainedModel:
    """``weights``: each row's weight in the loss (inverse selection probabilities), None for all equal."""
    labels = np.asarray(labels, dtype=int)
    encoder = FeatureEncoder()
    matrix = encoder.fit_transform(rows, labels)
    merged = {**PARAMS, **(params or {})}
    merged["num_threads"] = min(int(merged.get("num_threads", 2)), 2)
    dataset = lgb.Dataset(matrix, labels, feature_name=[n.replace(" ", "_") for n in encoder.feature_names],
                          weight=None if weights is None else np.asarray(weights, dtype=float), free_raw_data=True)
    booster = lgb.train(merged, dataset, num_boost_round=rounds)
    return TrainedModel(encoder, booster, {**merged, "rounds": rounds})


def explain_matrix(model: TrainedModel, matrix, top: int = 4) -> list[tuple[float, list[dict]]]:
    """Probability and main contributing factor families for each row of a feature matrix (one LightGBM call)."""
    if len(matrix) == 0:
        return []
    contrib = model.booster.predict(matrix, pred_contrib=True, num_threads=1)
    names = model.feature_names
    fams = [family_of(n) for n in names]
    out = []
    for row in contrib:
        probability = float(1.0 / (1.0 + np.exp(-row.sum())))
        families: dict[str, float] = {}
        for fam, value in zip(fams, row[:-1], strict=True):
            families[fam] = families.get(fam, 0.0) + float(value)
        ranked = sorted(families.items(), key=lambda kv: -abs(kv[1]))[:top]
        out.append((probability, [{"family": f, "label": FAMILY_LABELS.get(f, f), "contribution": round(v, 3)}
                                  for f, v in ranked if abs(v) >= 0.05]))
    return out
