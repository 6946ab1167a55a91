"""The first administrator of a new installation, from the environment; safe to run at every start."""

import os
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from ciq_portal.models import User
from ciq_portal.roles import Role
from ciq_portal.services import roles_sync, user_ensure


class Command(BaseCommand):
    help = ("Create the first administrator from ADMIN_USERNAME, ADMIN_EMAIL and ADMIN_PASSWORD (or "
            "ADMIN_PASSWORD_FILE, e.g. a Docker secret). Idempotent: an existing account keeps its password and "
            "is given the administrator role; without ADMIN_USERNAME nothing is done.")

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", "").strip()
        email = os.environ.get("ADMIN_EMAIL", "").strip()
        if not username:
            self.stdout.write("ADMIN_USERNAME is not set: no administrator created.")
            return
        roles_sync()
        if User.objects.filter(username=username).exists():
            user_ensure(username=username, password="", role=Role.ADMINISTRATOR)
            self.stdout.write(f"Administrator {username} exists; its password is unchanged.")
            return
        password = self._password()
        problems = []
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"ADMIN_EMAIL is not an e-mail address: {email}")
        try:
            validate_password(password, user=User(username=username, email=email))
        except ValidationError as exc:
            problems += [f"ADMIN_PASSWORD: {message}" for message in exc.messages]
        if problems:
            raise CommandError("\n".join(problems))
        user_ensure(username=username, password=password, role=Role.ADMINISTRATOR, email=email)
        self.stdout.write(self.style.SUCCESS(f"Administrator {username} created."))

    def _password(self) -> str:
        if path := os.environ.get("ADMIN_PASSWORD_FILE", "").strip():
            try:
                return Path(path).read_text().strip()
            except OSError as exc:
                raise CommandError(f"ADMIN_PASSWORD_FILE cannot be read: {exc}") from exc
        if password := os.environ.get("ADMIN_PASSWORD", ""):
            return password
        raise CommandError("Set ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) to create the first administrator.")
