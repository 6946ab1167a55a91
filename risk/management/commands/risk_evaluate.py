from django.core.management.base import BaseCommand, CommandError

from risk.batch import score_kcs_rows
from risk.ml.dataset import read_kcs
from risk.ml.model import metrics


class Command(BaseCommand):
    help = "Precision at 1, 2, 5 and 10 % and AUC of the active model and rules on a labelled KCS file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["kcs"], required=True)

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
