"""Training runs: rows from a KCS file or from the database's declarations with outcomes -> a registered model."""

from __future__ import annotations

import time

import numpy as np

from declarations.choices import InspectionOutcome
from declarations.models import Declaration

from .ml.dataset import historical_extra, line_row, read_kcs
from .ml.model import metrics, train
from .selectors import selection_probabilities


class NotEnoughHistory(ValueError):
    """Too few rows with outcomes, or only one outcome, to train a model (a ValueError, as callers caught before)."""


def rows_from_database(*, since=None, with_weights: bool = False):
    """(rows, labels) of inspected declarations (one row per goods line), oldest first; with ``with_weights``
    also each row's inverse-propensity weight: only inspected consignments have outcomes, so each counts for the
    consignments its selection stands for (1 / its selection probability: a random control inspection drawn at
    1 % stands for 100, a targeted one for itself), and the model does not learn the old selection."""
    qs = Declaration.objects.filter(inspection_outcome__in=[InspectionOutcome.CONFORM, InspectionOutcome.NON_CONFORM])
    if since:
        qs = qs.filter(submitted_at__gte=since)
    qs = (qs.select_related("enterprise", "consignor", "historical").prefetch_related("lines")
          .order_by("submitted_at", "id"))
    rows, labels, ids = [], [], []
    for declaration in qs.iterator(chunk_size=2000):
        extra = historical_extra(declaration)
        label = int(declaration.inspection_outcome == InspectionOutcome.NON_CONFORM)
        for line in declaration.lines.all():
            rows.append(line_row(declaration, line, extra))
            labels.append(label)
            ids.append(declaration.pk)
    if not with_weights:
        return rows, labels
    probabilities = selection_probabilities(set(ids))
    weights = [1.0 / p if (p := probabilities.get(pk)) else 1.0 for pk in ids]
    return rows, labels, weights


def split_by_date(rows, labels, holdout: float = 0.2, weights=None):
    """Earlier (1 - holdout) of the rows by date for training, the later period for held-out metrics (with
    ``weights``, also the training part's weights as a fifth item)."""
    order = sorted(range(len(rows)), key=lambda i: (str(rows[i].get("Date") or ""), i))
    cut = int(len(order) * (1 - holdout))
    head, tail = order[:cut], order[cut:]
    split = ([rows[i] for i in head], [labels[i] for i in head], [rows[i] for i in tail], [labels[i] for i in tail])
    return split if weights is None else (*split, [weights[i] for i in head])


def train_and_measure(rows, labels, *, holdout: float = 0.2, evaluate_rows=None, evaluate_labels=None,
                      final_on_all: bool = True, weights=None) -> dict:
    """Held-out metrics from a model trained on the earlier period; the returned model is trained on all rows
    (or, with ``final_on_all=False``, is that earlier-period model itself: one training instead of two). With
    ``weights`` (inverse selection probabilities) both trainings weigh each row by them."""
    if len(rows) < 50 or len(set(labels)) < 2:
        raise NotEnoughHistory("not enough history with outcomes to train (need both outcomes and at least 50 rows)")
    started = time.monotonic()
    train_rows, train_labels, test_rows, test_labels, *train_weights = split_by_date(rows, labels, holdout, weights)
    train_weights = train_weights[0] if train_weights else None
    held_out, probe = {}, None
    if test_rows and len(set(test_labels)) == 2:
        probe = train(train_rows, train_labels, weights=train_weights)
        held_out = metrics(probe.predict_rows(test_rows), test_labels)
        held_out["period"] = [str(test_rows[0].get("Date", "")), str(test_rows[-1].get("Date", ""))]
    if probe is not None and not final_on_all:
        model, rows, labels = probe, train_rows, train_labels
    else:
        model = train(rows, labels, weights=weights)
    result = {"model": model, "held_out": held_out, "seconds": round(time.monotonic() - started, 1)}
    if evaluate_rows is not None:
        result["evaluation"] = metrics(model.predict_rows(evaluate_rows), evaluate_labels)
    dates = sorted(str(r.get("Date") or "") for r in rows if r.get("Date"))
    result["window"] = (dates[0][:10], dates[-1][:10]) if dates else (None, None)
    result["rows"] = len(rows)
    result["positive_rate"] = float(np.mean(labels))
    return result


def train_from_kcs(path, **kwargs) -> dict:
    rows, labels = read_kcs(path, with_labels=True)
    return train_and_measure(rows, labels, **kwargs)
