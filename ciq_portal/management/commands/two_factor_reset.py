"""A member of staff lost the phone with their authenticator app: forget it, so they set up a new one at their
next log-in (the admin shows authenticators read-only)."""

from django.core.management.base import BaseCommand, CommandError

from ciq_portal.accounts import two_factor_reset
from ciq_portal.models import User


class Command(BaseCommand):
    help = "Forget a user's authenticator apps; at the next log-in they scan a new QR code."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        removed = two_factor_reset(user=user)
        self.stdout.write(f"{username}: {removed} authenticator(s) forgotten; a new one is set up at the next log-in.")
