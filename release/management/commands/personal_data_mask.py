from django.conf import settings
from django.core.management.base import BaseCommand

from release.services import personal_data_mask


class Command(BaseCommand):
    help = ("Mask the personal data kept past its retention (buyers' contacts, who acknowledged a recall notice); "
            "the audit chain still verifies. The beat runs it nightly.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be masked; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        counts = personal_data_mask(dry_run=dry_run)
        days = settings.CIQ["PERSONAL_DATA_RETENTION_DAYS"]
        verb = "would mask" if dry_run else "masked"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}: {counts['buyer_contacts']} buyer contact(s) older than {days['buyer_contact']} days, "
            f"{counts['recall_acknowledgements']} recall acknowledgement(s) older than "
            f"{days['recall_acknowledgement']} days, {counts['audit_rows']} audit row(s)"))
