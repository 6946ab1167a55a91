"""Features of the learned model, computed the same way for training, batch scoring and one declaration.

Rows are plain dicts with the KCS column names (see ``KCS_COLUMNS``); declarations of the portal are mapped to
that shape by ``risk.ml.dataset``. Historical non-conformity rates (smoothed target encoding) are computed
out-of-fold on the training rows (no row sees its own outcome) and from the whole training history for rows
scored later. The outcome labels are never part of a row: training receives them as a separate array.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from django.utils.translation import gettext_noop

KCS_COLUMNS = [
    "Declaration ID", "Date", "Office ID", "Process Type", "Import Type", "Import Use", "Payment Type",
    "Mode of Transport", "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code",
    "Country of Departure", "Country of Origin", "Tax Rate", "Tax Type", "Country of Origin Indicator",
    "Net Mass", "Item Price",
]
# Label columns of a labelled file. "Critical Fraud" is never read; "Fraud" only as the training target.
LABEL = "Fraud"
NEVER_READ = ("Fraud", "Critical Fraud")

NUMERIC = ["Net Mass", "Item Price", "Tax Rate"]
CATEGORICAL = ["Office ID", "Process Type", "Import Type", "Import Use", "Payment Type", "Mode of Transport",
               "Tax Type", "Country of Origin Indicator"]


def _s(row, key):
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _f(row, key):
    try:
        value = float(row.get(key))
    except (TypeError, ValueError):
        return float("nan")
    return value


# Keys of the encoded groups: name -> function(row) -> str. Commodity x origin and its route/tax variants carry
# most of the signal on the KCS data; parties and offices add some.
def _hs(row, n):
    return _s(row, "HS6 Code")[:n]


GROUPS = {
    "hs6": lambda r: _hs(r, 6),
    "hs4": lambda r: _hs(r, 4),
    "hs2": lambda r: _hs(r, 2),
    "origin": lambda r: _s(r, "Country of Origin"),
    "departure": lambda r: _s(r, "Country of Departure"),
    "importer": lambda r: _s(r, "Importer ID"),
    "declarant": lambda r: _s(r, "Declarant ID"),
    "seller": lambda r: _s(r, "Seller ID"),
    "office": lambda r: _s(r, "Office ID"),
    "tax_type": lambda r: _s(r, "Tax Type"),
    "route": lambda r: _s(r, "Country of Departure") + "|" + _s(r, "Country of Origin"),
    "hs6_origin": lambda r: _hs(r, 6) + "|" + _s(r, "Country of Origin"),
    "hs6_departure": lambda r: _hs(r, 6) + "|" + _s(r, "Country of Departure"),
    "hs4_origin": lambda r: _hs(r, 4) + "|" + _s(r, "Country of Origin"),
    "hs6_route": lambda r: _hs(r, 6) + "|" + _s(r, "Country of Departure") + "|" + _s(r, "Country of Origin"),
    "hs6_tax_type": lambda r: _hs(r, 6) + "|" + _s(r, "Tax Type"),
    "hs6_origin_rate": lambda r: _hs(r, 6) + "|" + _s(r, "Country of Origin") + "|" + _rate(r),
    "hs6_transport": lambda r: _hs(r, 6) + "|" + _s(r, "Mode of Transport"),
    "importer_hs6": lambda r: _s(r, "Importer ID") + "|" + _hs(r, 6),
}


def _rate(row):
    value = _f(row, "Tax Rate")
    return "" if math.isnan(value) else repr(float(value))


# Human labels of the feature families, for the reasons shown to officers.
FAMILY_LABELS = {
    "hs6": gettext_noop("commodity (HS6) history"),
    "hs4": gettext_noop("HS4 heading history"),
    "hs2": gettext_noop("HS chapter history"),
    "origin": gettext_noop("country of origin history"),
    "departure": gettext_noop("country of departure history"),
    "importer": gettext_noop("importer history"),
    "declarant": gettext_noop("declarant history"),
    "seller": gettext_noop("seller history"),
    "office": gettext_noop("office history"),
    "tax_type": gettext_noop("tax type history"),
    "route": gettext_noop("route history"),
    "hs6_origin": gettext_noop("commodity × origin history"),
    "hs6_departure": gettext_noop("commodity × departure history"),
    "hs4_origin": gettext_noop("heading × origin history"),
    "hs6_route": gettext_noop("commodity × route history"),
    "hs6_tax_type": gettext_noop("commodity × tax type history"),
    "hs6_origin_rate": gettext_noop("commodity × origin × tax rate history"),
    "hs6_transport": gettext_noop("commodity × transport history"),
    "importer_hs6": gettext_noop("importer × commodity history"),
    "unit_value": gettext_noop("declared unit value"),
    "value": gettext_noop("declared value"),
    "mass": gettext_noop("net mass"),
    "tax_rate": gettext_noop("tax rate"),
    "codes": gettext_noop("declaration codes"),
}


def family_of(feature: str) -> str:
    if feature.startswith(("te_", "n_")):
        return feature.split("_", 1)[1]
    if feature in ("uv", "log_uv", "rel_uv"):
        return "unit_value"
    if feature in ("Item Price", "log_price"):
        return "value"
    if feature in ("Net Mass", "log_mass"):
        return "mass"
    if feature == "Tax Rate":
        return "tax_rate"
    return "codes"


class FeatureEncoder:
    """Fits the encoding tables on training rows and turns rows into the model's feature matrix."""

    def __init__(self, *, alpha: float = 5.0, folds: int = 5, seed: int = 0):
        self.alpha, self.folds, self.seed = alpha, folds, seed
        self.prior = 0.0
        self.tables: dict[str, dict[str, list[float]]] = {}
        self.categories: dict[str, dict[str, int]] = {}
        self.hs6_log_uv: dict[str, float] = {}

    # -- names -------------------------------------------------------------------------------------------------
    @property
    def feature_names(self) -> list[str]:
        names = []
        for group in GROUPS:
            names += [f"te_{group}", f"n_{group}"]
        names += NUMERIC + ["uv", "log_uv", "log_price", "log_mass", "rel_uv"]
        names += [f"c_{c}" for c in CATEGORICAL]
        return names

    # -- fitting -----------------------------------------------------------------------------------------------
    def fit_transform(self, rows: list[dict], y: np.ndarray) -> np.ndarray:
        """Fit on ``rows`` with outcomes ``y``; return their features with the rates computed out-of-fold."""
        y = np.asarray(y, dtype=float)
        n = len(rows)
        self.prior = float(y.mean()) if n else 0.0
        keys = {g: np.array([fn(r) for r in rows], dtype=object) for g, fn in GROUPS.items()}
        rng = np.random.default_rng(self.seed)
        fold = rng.permutation(n) % self.folds
        oof = {}
        for group, k in keys.items():
            frame = pd.DataFrame({"k": k, "y": y, "f": fold})
            total = frame.groupby("k")["y"].agg(["sum", "count"])
            per_fold = frame.groupby(["f", "k"])["y"].agg(["sum", "count"])
            tot_s = total["sum"].reindex(k).to_numpy()
            tot_n = total["count"].reindex(k).to_numpy()
            idx = pd.MultiIndex.from_arrays([fold, k])
            in_s = per_fold["sum"].reindex(idx).to_numpy()
            in_n = per_fold["count"].reindex(idx).to_numpy()
            s, c = tot_s - in_s, tot_n - in_n
            oof[group] = ((s + self.alpha * self.prior) / (c + self.alpha), c * self.folds / (self.folds - 1))
            self.tables[group] = {key: [float(a), int(b)] for key, a, b in
                                  zip(total.index, total["sum"], total["count"], strict=True)}
        for column in CATEGORICAL:
            values = pd.Series([_s(r, column) for r in rows]).value_counts()
            self.categories[column] = {v: i for i, v in enumerate(values.index)}
        luv = np.array([self._log_uv(r) for r in rows])
        frame = pd.DataFrame({"k": keys["hs6"], "v": luv}).dropna()
        self.hs6_log_uv = {k: float(v) for k, v in frame.groupby("k")["v"].median().items()}
        matrix = self._base_matrix(rows)
        for i, group in enumerate(GROUPS):
            matrix[:, 2 * i], matrix[:, 2 * i + 1] = oof[group]
        return matrix

    @staticmethod
    def _log_uv(row):
        price, mass = _f(row, "Item Price"), _f(row, "Net Mass")
        if not mass or math.isnan(mass) or math.isnan(price) or price / mass < 0:
            return float("nan")
        return math.log1p(price / mass)

    # -- transforming ------------------------------------------------------------------------------------------
    def _base_matrix(self, rows: list[dict]) -> np.ndarray:
        names = self.feature_names
        matrix = np.full((len(rows), len(names)), np.nan)
        base = 2 * len(GROUPS)
        cat_maps = [self.categories.get(c, {}) for c in CATEGORICAL]
        for j, row in enumerate(rows):
            mass, price, rate = _f(row, "Net Mass"), _f(row, "Item Price"), _f(row, "Tax Rate")
            uv = price / mass if mass and not math.isnan(mass) else float("nan")
            log_uv = math.log1p(uv) if not math.isnan(uv) and uv >= 0 else float("nan")
            median = self.hs6_log_uv.get(_hs(row, 6))
            out = matrix[j]
            out[base:base + 8] = (
                mass, price, rate, uv, log_uv,
                math.log1p(price) if price >= 0 else float("nan"),
                math.log1p(mass) if mass >= 0 else float("nan"),
                log_uv - median if median is not None else float("nan"),
            )
            for i, column in enumerate(CATEGORICAL):
                out[base + 8 + i] = cat_maps[i].get(_s(row, column), -1)
        return matrix

    def transform(self, rows: list[dict]) -> np.ndarray:
        """Features of rows scored after training: rates from the whole training history."""
        matrix = self._base_matrix(rows)
        a, prior = self.alpha, self.prior
        for i, (group, fn) in enumerate(GROUPS.items()):
            table = self.tables.get(group, {})
            col_te, col_n = matrix[:, 2 * i], matrix[:, 2 * i + 1]
            for j, row in enumerate(rows):
                s, c = table.get(fn(row), (0.0, 0))
                col_te[j] = (s + a * prior) / (c + a)
                col_n[j] = c
        return matrix

    def history_count(self, group: str, row: dict) -> int:
        return int(self.tables.get(group, {}).get(GROUPS[group](row), (0, 0))[1])

    def hs6_unit_value(self, hs6: str) -> float | None:
        value = self.hs6_log_uv.get(hs6[:6])
        return None if value is None else math.expm1(value)

    # -- storage -----------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"alpha": self.alpha, "folds": self.folds, "seed": self.seed, "prior": self.prior,
                "tables": self.tables, "categories": self.categories, "hs6_log_uv": self.hs6_log_uv}

    @classmethod
    def from_dict(cls, data: dict) -> FeatureEncoder:
        encoder = cls(alpha=data["alpha"], folds=data["folds"], seed=data["seed"])
        encoder.prior = data["prior"]
        encoder.tables = {g: {k: tuple(v) for k, v in t.items()} for g, t in data["tables"].items()}
        encoder.categories = data["categories"]
        encoder.hs6_log_uv = data["hs6_log_uv"]
        return encoder
