from django.core.management.base import BaseCommand, CommandError

from ciq_portal.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero naming the first bad row."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="Seal pending rows before verifying.")

    def handle(self, *args, seal=False, **options):
        if seal:
            audit_seal()
        report = audit_verify()
        if not report.ok:
            raise CommandError(f"Audit chain broken after {report.checked} good rows: {report.problem}")
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {report.checked} sealed rows, {report.unsealed} waiting to be sealed."
        ))
