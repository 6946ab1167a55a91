from django.core.management.base import BaseCommand

from ciq_portal.services import roles_sync


class Command(BaseCommand):
    help = "Create the role groups and give each its permissions."

    def handle(self, *args, **options):
        roles_sync()
        self.stdout.write(self.style.SUCCESS("Role groups in sync."))
