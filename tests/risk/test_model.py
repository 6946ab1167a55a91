"""The learned model: out-of-fold encodings, labels never read when scoring, and the figures on the public
validation file (trained on the public training file)."""

import csv
import io

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from risk.ml.dataset import read_kcs
from risk.ml.features import FeatureEncoder
from risk.ml.model import metrics, precision_at

DATA = f"{settings.KCS_DATA_DIR}/"


def test_precision_at_definition_breaks_ties_by_row_order():
    scores = [0.9, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    labels = [1, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    assert precision_at(scores, labels, 0.2) == 0.5  # top 2: row 0 and row 1 (first of the tied rows)
    assert precision_at(scores, labels, 0.1) == 1.0


def test_encodings_are_out_of_fold():
    # Each key seen once: out-of-fold, a row's own outcome never enters its rate, so every rate is the prior.
    rows = [{"HS6 Code": f"{i:06d}", "Country of Origin": "CN", "Importer ID": f"I{i}"} for i in range(50)]
    labels = np.array([i % 2 for i in range(50)])
    encoder = FeatureEncoder(alpha=1.0)
    matrix = encoder.fit_transform(rows, labels)
    te_hs6 = matrix[:, encoder.feature_names.index("te_hs6")]
    assert np.allclose(te_hs6, encoder.prior)
    # Scored later, the rates come from the whole history.
    later = encoder.transform(rows[:2])[:, encoder.feature_names.index("te_hs6")]
    assert later[0] < encoder.prior < later[1]


def test_label_columns_are_never_read(tmp_path):
    source = tmp_path / "labelled.csv"
    source.write_text("Declaration ID,HS6 Code,Fraud,Critical Fraud\n1,030617,1,2\n")
    rows, labels = read_kcs(source)
    assert labels is None and rows == [{"Declaration ID": "1", "HS6 Code": "030617"}]
    rows, labels = read_kcs(source, with_labels=True)
    assert labels == [1] and "Critical Fraud" not in rows[0] and "Fraud" not in rows[0]


@pytest.mark.slow
@pytest.mark.django_db
def test_figures_on_the_public_validation_file(tmp_path):
    """Train on the public training file, judge on the validation file: precision@5 % must stay >= 0.85."""
    out = io.StringIO()
    call_command("risk_train", DATA + "df_syn_train_eng.csv", format="kcs", activate=True, stdout=out)
    assert "is now active" in out.getvalue()
    out = io.StringIO()
    call_command("risk_evaluate", DATA + "df_syn_valid_eng.csv", format="kcs", stdout=out)
    figures = dict(line.split(": ") for line in out.getvalue().splitlines() if line.startswith(("precision", "AUC")))
    assert float(figures["precision@5%"]) >= 0.85, out.getvalue()
    assert float(figures["precision@10%"]) >= 0.80, out.getvalue()
    assert float(figures["AUC"]) >= 0.85, out.getvalue()

    # risk_score writes every row, and its scores do not depend on the label columns.
    scored, blind = tmp_path / "scores.csv", tmp_path / "blind.csv"
    call_command("risk_score", DATA + "df_syn_valid_eng.csv", format="kcs", output=str(scored), stdout=io.StringIO())
    with open(DATA + "df_syn_valid_eng.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(blind, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "Fraud": "0", "Critical Fraud": "0"})
    blind_scores = tmp_path / "blind_scores.csv"
    call_command("risk_score", str(blind), format="kcs", output=str(blind_scores), stdout=io.StringIO())
    first, second = scored.read_text().splitlines(), blind_scores.read_text().splitlines()
    assert first[0] == "Declaration ID,score" and len(first) == len(rows) + 1 and first == second
    labels = [int(r["Fraud"]) for r in rows]
    assert metrics([float(line.split(",")[1]) for line in first[1:]], labels)["precision_5"] >= 0.85


@pytest.mark.django_db
def test_risk_evaluate_reports_critical_fraud_and_the_random_control_sample(tmp_path):
    source = tmp_path / "labelled.csv"
    lines = ["Declaration ID,Date,HS6 Code,Country of Origin,Fraud,Critical Fraud"]
    lines += [f"{n},2021-01-01,030617,VN,{int(n % 4 == 0)},{(n % 4 == 0) + (n % 8 == 0)}" for n in range(40)]
    source.write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    call_command("risk_evaluate", str(source), format="kcs", stdout=out)
    text = out.getvalue()
    assert "precision@5% on Critical Fraud: " in text and "(5 critical frauds, " in text  # level 2 only
    assert "random control sample (90 days): no inspection with an outcome" in text
    without = tmp_path / "no-critical.csv"
    without.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    out = io.StringIO()
    call_command("risk_evaluate", str(without), format="kcs", stdout=out)
    assert "(the file has no Critical Fraud column)" in out.getvalue()
