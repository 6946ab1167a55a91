import numpy as np
from django.core.management.base import BaseCommand, CommandError

from risk.batch import score_kcs_rows
from risk.ml.dataset import read_kcs, read_kcs_label
from risk.ml.model import metrics, precision_at
from risk.selectors import control_sample_scores

CRITICAL = "Critical Fraud"
CRITICAL_LEVEL = 2


class Command(BaseCommand):
    help = ("Precision at 1, 2, 5 and 10 % and AUC of the active model and rules on a labelled KCS file, precision at "
            "5 % on its Critical Fraud label, and the precision and hit rate on the database's random control "
            "sample (the inspections the selection did not choose).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["kcs"], required=True)
        parser.add_argument("--control-days", type=int, default=90,
                            help="days of the random control sample to check (default 90)")

    def handle(self, *args, **opts):
        try:
            rows, labels = read_kcs(opts["file"], with_labels=True)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        # The scorer receives the rows without their labels; the labels are only compared afterwards.
        scores, info = score_kcs_rows(rows)
        m = metrics(scores, labels)
        self.stdout.write(f"model {info['model_version'] or '(none)'}, rules version {info['rules_version']}, "
                          f"{m['rows']} rows, {m['positives']} non-conformities")
        for key, label in (("precision_1", "precision@1%"), ("precision_2", "precision@2%"),
                           ("precision_5", "precision@5%"), ("precision_10", "precision@10%"), ("auc", "AUC")):
            self.stdout.write(f"{label}: {m[key]:.4f}")
        try:
            levels = read_kcs_label(opts["file"], CRITICAL)
        except ValueError:
            self.stdout.write(f"precision@5% on {CRITICAL}: (the file has no {CRITICAL} column)")
        else:
            # The label is 0, or the fraud's level (1, 2) where Fraud is 1: critical is the highest level.
            critical = [int(level >= CRITICAL_LEVEL) for level in levels]
            top = int(round(0.05 * len(scores)))
            caught = sum(critical[i] for i in np.argsort(-np.asarray(scores), kind="stable")[:top])
            self.stdout.write(f"precision@5% on {CRITICAL}: {precision_at(scores, critical, 0.05):.4f} "
                              f"({sum(critical)} critical frauds, {caught} of them in the top 5 %)")
        control_scores, control_labels = control_sample_scores(days=opts["control_days"])
        if not control_labels:
            self.stdout.write(f"random control sample ({opts['control_days']} days): no inspection with an outcome")
            return
        hits = sum(control_labels)
        c = metrics(control_scores, control_labels)
        self.stdout.write(
            f"random control sample ({opts['control_days']} days): {c['rows']} inspections, {hits} non-conformities, "
            f"hit rate {hits / c['rows']:.4f}, precision@5% {c['precision_5']:.4f}, "
            f"precision@10% {c['precision_10']:.4f}, AUC {c['auc']:.4f}")
