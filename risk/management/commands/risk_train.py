from django.core.management.base import BaseCommand, CommandError

from risk.ml.dataset import read_kcs
from risk.services import model_activate, model_register
from risk.training import rows_from_database, train_and_measure


class Command(BaseCommand):
    help = ("Train the learned risk model from the database's declarations with outcomes (or --format kcs FILE), "
            "report held-out metrics on the later period, register it; --activate makes it the active model.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="training file (with --format kcs)")
        parser.add_argument("--format", choices=["kcs"], help="train straight from a file of this format")
        parser.add_argument("--evaluate", metavar="FILE", help="also report metrics on this labelled KCS file")
        parser.add_argument("--activate", action="store_true", help="make the new model the active one")
        parser.add_argument("--name", default="")

    def handle(self, *args, **opts):
        if opts["file"] and not opts["format"]:
            raise CommandError("give --format kcs with a FILE")
        if opts["format"]:
            if not opts["file"]:
                raise CommandError("--format kcs needs a FILE")
            rows, labels = read_kcs(opts["file"], with_labels=True)
            source = f"kcs:{opts['file']}"
        else:
            rows, labels = rows_from_database()
            source = "database"
        ev_rows = ev_labels = None
        if opts["evaluate"]:
            ev_rows, ev_labels = read_kcs(opts["evaluate"], with_labels=True)
        try:
            result = train_and_measure(rows, labels, evaluate_rows=ev_rows, evaluate_labels=ev_labels)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        row = model_register(result=result, source=source, name=opts["name"])
        self.stdout.write(f"model {row.version}: {result['rows']} rows, window {result['window'][0]} … "
                          f"{result['window'][1]}, trained in {result['seconds']} s")
        for label, m in (("held-out later period", result["held_out"]), ("evaluation file", result.get("evaluation"))):
            if m:
                self.stdout.write(f"{label}: " + _fmt(m))
        if opts["activate"]:
            model_activate(model=row)
            self.stdout.write(f"model {row.version} is now active")


def _fmt(m):
    return (f"rows={m['rows']} precision@1%={m['precision_1']:.3f} @2%={m['precision_2']:.3f} "
            f"@5%={m['precision_5']:.3f} @10%={m['precision_10']:.3f} AUC={m['auc']:.3f}")
