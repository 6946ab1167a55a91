import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from credit.models import Enterprise

from ...bulk import error_report, import_kcs, import_rows, read_rows


class Command(BaseCommand):
    help = ("Import declarations from a CSV/XLSX file (one row per goods line, see the template) for an enterprise, "
            "or the KCS historical set with --format kcs.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["portal", "kcs"], default="portal")
        parser.add_argument("--enterprise", help="USCC or id of the declaring enterprise (portal format)")
        parser.add_argument("--user", help="username recorded as the actor")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="import the valid declarations and report the invalid rows")
        parser.add_argument("--credit-events", action="store_true",
                            help="kcs: also record every non-conformity as a credit event (slow)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
        started = time.monotonic()
        if options["format"] == "kcs":
            result = import_kcs(path=path, actor=actor, credit_events=options["credit_events"])
            self.stdout.write(f"KCS rows {result.rows}, declarations created {result.created}, already there "
                              f"{result.skipped}, non-conformities {result.non_conform}, enterprises created "
                              f"{result.enterprises_created} in {time.monotonic() - started:.1f} s")
            return
        if not options["enterprise"]:
            raise CommandError("--enterprise is required for the portal format")
        key = options["enterprise"]
        enterprise = Enterprise.objects.filter(uscc=key).first() or (
            Enterprise.objects.filter(pk=int(key)).first() if key.isdigit() else None)
        if enterprise is None:
            raise CommandError(f"enterprise {key}: not found")
        rows = read_rows(path.name, path.read_bytes())
        result = import_rows(rows=rows, enterprise=enterprise, actor=actor, skip_invalid=options["skip_invalid"])
        if result.errors:
            self.stderr.write(error_report(result.errors))
        if result.errors and not options["skip_invalid"]:
            raise CommandError(f"{len(result.errors)} error(s): nothing imported (use --skip-invalid to import the "
                               "valid declarations)")
        self.stdout.write(f"imported {len(result.imported)} declaration(s) from {len(rows)} row(s) in "
                          f"{time.monotonic() - started:.1f} s")
