import os
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ciq_portal.demo import demo_history_read


class Command(BaseCommand):
    help = "Load the demo data (idempotent): every app's demo.seed in dependency order."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password; with DEBUG off pass --force.")
        password = os.environ.get("DEMO_PASSWORD") or "demo-pass-2026"
        with transaction.atomic():
            for app in settings.DOMAIN_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                self.stdout.write(f"{app}:")
                module.seed(password=password, stdout=self.stdout)
            marked = demo_history_read()
            self.stdout.write(f"notifications: {marked} of the seeded history marked read")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
