from datetime import date

from django.core.management.base import BaseCommand, CommandError

from inspection.models import DrawPeriod
from inspection.selectors import draw_period_verify


class Command(BaseCommand):
    help = "Re-run every draw of revealed periods from the recorded inputs and the revealed seed; exit 1 on mismatch."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="one day (YYYY-MM-DD); default: every revealed day")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
            periods = list(DrawPeriod.objects.filter(day=day))
            if not periods:
                raise CommandError(f"no draw period for {day}")
            if periods[0].revealed_at is None:
                raise CommandError(f"the seed of {day} is not revealed yet")
        else:
            periods = list(DrawPeriod.objects.filter(revealed_at__isnull=False).order_by("day"))
        problems, checked = [], 0
        for period in periods:
            report = draw_period_verify(period)
            checked += report.checked
            problems.extend(report.mismatches)
            self.stdout.write(f"{period.day}: {report.checked} draw(s), "
                              f"{'OK' if report.ok else f'{len(report.mismatches)} MISMATCH(ES)'}")
        for problem in problems:
            self.stderr.write(f"MISMATCH {problem}")
        if problems:
            raise CommandError(f"{len(problems)} mismatch(es) in {checked} draw(s)", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"all {checked} draw(s) of {len(periods)} period(s) re-run and match"))
