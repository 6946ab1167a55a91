import csv

from django.core.management.base import BaseCommand, CommandError

from risk.batch import score_kcs_rows
from risk.ml.dataset import read_kcs


class Command(BaseCommand):
    help = ("Score every row of a KCS file with the active model and rules; writes 'Declaration ID,score' "
            "(higher = riskier). Label columns are never read.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["kcs"], required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, **opts):
        try:
            rows, _ = read_kcs(opts["file"], with_labels=False)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        scores, info = score_kcs_rows(rows)
        with open(opts["output"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Declaration ID", "score"])
            for row, score in zip(rows, scores, strict=True):
                writer.writerow([row["Declaration ID"], f"{score:.6f}"])
        self.stdout.write(f"scored {len(rows)} rows with model {info['model_version'] or '(none)'} and rules "
                          f"version {info['rules_version']} -> {opts['output']}")
