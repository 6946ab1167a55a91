from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ciq_portal.agencies import (
    agency_api_key_issue,
    agency_api_key_revoke,
    agency_api_key_rotate,
    agency_client_create,
    agency_client_update,
)
from ciq_portal.models import Agency, AgencyApiKey, AgencyClient


class Command(BaseCommand):
    help = ("Partner-agency API clients and keys: create a client, issue, rotate or revoke a key, list them. "
            "Keys are printed once and never stored in the clear.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="a new client (service account) of an agency")
        create.add_argument("agency", help="agency code")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument("--scopes", default="", help="comma-separated; default: all the agency's scopes")
        create.add_argument("--rate-limit", default="")
        issue = sub.add_parser("issue-key", help="a new key for a client")
        issue.add_argument("username")
        issue.add_argument("--label", default="")
        rotate = sub.add_parser("rotate-key", help="replace a key; the old one works for --grace-hours")
        rotate.add_argument("prefix")
        rotate.add_argument("--grace-hours", type=int, default=24)
        revoke = sub.add_parser("revoke-key", help="stop a key at once")
        revoke.add_argument("prefix")
        disable = sub.add_parser("disable", help="stop a client and all its keys")
        disable.add_argument("username")
        sub.add_parser("list", help="agencies, clients and key prefixes")

    def handle(self, *args, op, **options):
        try:
            if op == "create":
                agency = Agency.objects.get(code=options["agency"])
                scopes = [s for s in options["scopes"].split(",") if s] or agency.scopes
                client = agency_client_create(agency=agency, name=options["name"] or options["username"],
                                              username=options["username"], scopes=scopes,
                                              rate_limit=options["rate_limit"], actor=None)
                self.stdout.write(f"client {client} created with scopes {', '.join(client.scopes)}")
            elif op == "issue-key":
                client = AgencyClient.objects.get(user__username=options["username"])
                key, raw = agency_api_key_issue(client=client, actor=None, label=options["label"])
                self.stdout.write(raw)
            elif op == "rotate-key":
                key = AgencyApiKey.objects.get(prefix=options["prefix"])
                new, raw = agency_api_key_rotate(key=key, actor=None, grace=timedelta(hours=options["grace_hours"]))
                self.stdout.write(raw)
            elif op == "revoke-key":
                agency_api_key_revoke(key=AgencyApiKey.objects.get(prefix=options["prefix"]), actor=None)
                self.stdout.write("revoked")
            elif op == "disable":
                agency_client_update(client=AgencyClient.objects.get(user__username=options["username"]),
                                     actor=None, is_active=False)
                self.stdout.write("disabled")
            else:
                for agency in Agency.objects.prefetch_related("clients__keys", "clients__user"):
                    self.stdout.write(f"{agency.code} ({agency.kind}) scopes={','.join(agency.scopes)}")
                    for client in agency.clients.all():
                        self.stdout.write(f"  {client.user.username} active={client.is_active} "
                                          f"scopes={','.join(client.scopes)} rate={client.rate_limit or 'default'}")
                        for key in client.keys.all():
                            state = "revoked" if key.revoked_at else ("usable" if key.is_usable() else "expired")
                            self.stdout.write(f"    {key.prefix} {state} expires={key.expires_at or '-'}")
        except (Agency.DoesNotExist, AgencyClient.DoesNotExist, AgencyApiKey.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
