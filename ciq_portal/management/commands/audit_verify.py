import json
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ciq_portal import signing
from ciq_portal.audit import audit_seal, audit_verify, audit_verify_against


def _load(source: str):
    """A JSON document from a file or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - the auditor's own URL
            return json.load(response)
    return json.loads(Path(source).read_text())


def _kept_heads(document) -> list[dict]:
    """Heads as kept: the published file ({"heads": [...], "latest": {...}}), a list of heads, one head, or the
    webhook deliveries of the event "audit.head_published" (their "data")."""
    items = document if isinstance(document, list) else [document]
    heads = []
    for item in items:
        if "heads" in item:
            heads += item["heads"] + ([item["latest"]] if item.get("latest") else [])
        elif "data" in item:
            heads.append(item["data"])
        else:
            heads.append(item)
    return heads


class Command(BaseCommand):
    help = ("Verify the audit log: the hash chain, the bureau's signatures of its heads and, with --against, the heads "
            "an outsider kept; exits non-zero naming the first bad row.")

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="Seal pending rows before verifying.")
        parser.add_argument("--against", metavar="FILE_OR_URL",
                            help="heads kept outside the bureau (/public/audit/heads.json, or pushed heads)")
        parser.add_argument("--keys", metavar="FILE_OR_URL",
                            help="the public keys to trust (/public/keys/keys.json as kept); default: the key ring")

    def _read(self, source):
        try:
            return _load(source)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc

    def handle(self, *args, seal=False, against=None, keys=None, **options):
        if seal:
            audit_seal()
        trusted = signing.public_keys_from_json(self._read(keys)) if keys else None
        kept = _kept_heads(self._read(against)) if against else None
        report = audit_verify_against(kept, keys=trusted) if kept is not None else audit_verify(keys=trusted)
        if not report.ok:
            raise CommandError(f"Audit chain broken after {report.checked} good rows: {report.problem}")
        against_text = f", and it matches the {len(kept)} head(s) kept outside" if kept is not None else ""
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {report.checked} sealed rows, signed heads verified{against_text}; "
            f"{report.unsealed} waiting to be sealed."
        ))
