from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ciq_portal import signing
from ciq_portal.audit import audit_record


class Command(BaseCommand):
    help = ("The bureau's Ed25519 signing key (audit heads, certificates): generate one, rotate it (earlier public "
            "keys stay in the key ring, so what they signed stays verifiable), or show the public keys.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="write a new private key to PATH (never over an existing file)")
        generate.add_argument("path", nargs="?", help="default: CIQ_SIGNING_KEY_FILE")
        generate.add_argument("--if-missing", action="store_true", help="do nothing when the file exists")
        rotate = sub.add_parser("rotate", help="replace the active key; the old public key is kept as retired")
        rotate.add_argument("--out", help="where to write the new key when the active one is CIQ_SIGNING_KEY text")
        sub.add_parser("show", help="every public key (PEM) with its id and status")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (signing.SigningKeyMissing, FileExistsError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc

    def _generate(self, path=None, if_missing=False, **options):
        target = Path(path) if path else signing.key_file()
        if target is None:
            raise CommandError("name the file, or set CIQ_SIGNING_KEY_FILE")
        if target.exists() and if_missing:
            self.stdout.write(f"{target} exists: kept")
            return
        key = signing.key_generate(target)
        audit_record(actor=None, action="signing_key.generate", object_type="signing_key", object_id=key.key_id,
                     after={"key_id": key.key_id})
        self.stdout.write(self.style.SUCCESS(f"key {key.key_id} written to {target} (readable by its owner only); "
                                             f"key ring {signing.keyring_path()}"))

    def _rotate(self, out=None, **options):
        old_id, key = signing.key_rotate(out=Path(out) if out else None)
        audit_record(actor=None, action="signing_key.rotate", object_type="signing_key", object_id=key.key_id,
                     before={"key_id": old_id}, after={"key_id": key.key_id})
        where = out or signing.key_file()
        self.stdout.write(self.style.SUCCESS(f"key {old_id} retired (its public key stays in "
                                             f"{signing.keyring_path()}); new key {key.key_id} in {where}"))

    def _show(self, **options):
        for key in signing.public_keys():
            status = "active" if key.active else f"retired {key.retired_at}"
            self.stdout.write(f"{key.key_id} {signing.ALGORITHM} {status}\n{key.pem}")
