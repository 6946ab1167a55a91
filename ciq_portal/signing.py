"""The bureau's Ed25519 signing key, which the database never holds.

The private key is read from ``CIQ["SIGNING_KEY"]`` (its PEM text, e.g. an environment secret) or from the PEM file
``CIQ["SIGNING_KEY_FILE"]``. The public keys of earlier keys, kept when a key is rotated, are in the key ring
``CIQ["SIGNING_KEYRING"]`` (a JSON file), so what was signed before a rotation stays verifiable. Someone who can
write to the database can therefore neither sign nor slip in a key of their own: audit heads and certificates
carry the id of the key that signed them, and ``/public/keys/`` publishes every public key for outsiders to keep.

With no key configured, development (``DEBUG``, or ``CIQ["SIGNING_KEY_AUTOGENERATE"]``) generates one at
``var/keys/signing-key.pem`` with a warning; anywhere else signing fails and ``check --deploy`` reports it
(ciq_portal/checks.py). ``manage.py signing_key`` generates, rotates and shows keys.

Signatures are Ed25519 (RFC 8032) over the exact bytes of a canonical message, written base64url without padding.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

ALGORITHM = "ed25519"
logger = logging.getLogger(__name__)


class SigningKeyMissing(RuntimeError):
    """No signing key is configured (and this is not a development setup that may generate one)."""


def _config(name: str, default=None):
    return settings.CIQ.get(name, default)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The key's id: the first 16 hex digits of the SHA-256 of its 32 raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


# --- where the key lives ----------------------------------------------------------------------------------------


def development_key_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "keys" / "signing-key.pem"


def autogenerate_allowed() -> bool:
    return bool(_config("SIGNING_KEY_AUTOGENERATE", settings.DEBUG))


def key_configured() -> bool:
    return bool(_config("SIGNING_KEY") or _config("SIGNING_KEY_FILE"))


def key_file() -> Path | None:
    """The private key's file: the configured one, or in development the generated one; None when the key is the
    PEM text of CIQ["SIGNING_KEY"] or when nothing is configured."""
    if _config("SIGNING_KEY"):
        return None
    if _config("SIGNING_KEY_FILE"):
        return Path(_config("SIGNING_KEY_FILE"))
    return development_key_path() if autogenerate_allowed() else None


def keyring_path() -> Path:
    if _config("SIGNING_KEYRING"):
        return Path(_config("SIGNING_KEYRING"))
    path = key_file() or development_key_path()
    return path.with_name("keyring.json")


def write_private_key(path: Path, private_key: Ed25519PrivateKey, *, replace: bool = False) -> None:
    """Write the key readable by its owner only. Without ``replace`` an existing file is kept (several processes
    may race to create the development key: the first one wins and the others read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem(private_key))
        os.chmod(temporary, 0o600)
        if replace:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _load_private(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing("the signing key is not an Ed25519 key")
    return key


_loaded: dict = {}


def active_private_key() -> Ed25519PrivateKey:
    """The key that signs now (read again when its file changes, so a rotation needs no restart)."""
    text = _config("SIGNING_KEY")
    if text:
        cache_key = ("env", hashlib.sha256(text.encode()).hexdigest())
        if cache_key not in _loaded:
            _loaded.clear()
            _loaded[cache_key] = _load_private(text.encode())
        return _loaded[cache_key]
    path = key_file()
    if path is None:
        raise SigningKeyMissing("no signing key: set CIQ_SIGNING_KEY_FILE (a PEM file) or CIQ_SIGNING_KEY "
                                "(its text); `manage.py signing_key generate` makes one")
    if not path.exists():
        if _config("SIGNING_KEY_FILE") and not autogenerate_allowed():
            raise SigningKeyMissing(f"the signing key file {path} does not exist")
        logger.warning("No signing key configured: generating a development key at %s. Configure "
                       "CIQ_SIGNING_KEY_FILE or CIQ_SIGNING_KEY outside development.", path)
        write_private_key(path, Ed25519PrivateKey.generate())
    stat = path.stat()
    cache_key = ("file", str(path), stat.st_mtime_ns, stat.st_size)
    if cache_key not in _loaded:
        _loaded.clear()
        _loaded[cache_key] = _load_private(path.read_bytes())
    return _loaded[cache_key]


# --- the key ring -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    key: Ed25519PublicKey
    created_at: str = ""
    retired_at: str = ""
    active: bool = False

    @property
    def pem(self) -> str:
        return public_pem(self.key)

    @property
    def raw(self) -> str:
        return _b64(self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    def as_json(self) -> dict:
        return {"key_id": self.key_id, "algorithm": ALGORITHM, "status": "active" if self.active else "retired",
                "created_at": self.created_at or None, "retired_at": self.retired_at or None,
                "public_key_pem": self.pem, "public_key": self.raw}


def _ring_read() -> list[dict]:
    path = keyring_path()
    if not path.exists():
        return []
    return json.loads(path.read_text()).get("keys", [])


def _ring_write(entries: list[dict]) -> None:
    path = keyring_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keyring-")
    with os.fdopen(fd, "w") as handle:
        json.dump({"keys": entries}, handle, indent=1)
    os.replace(temporary, path)


def public_keys() -> list[PublicKey]:
    """Every key that may have signed something: the active one first, then the retired ones, newest first."""
    ring = {entry["key_id"]: entry for entry in _ring_read()}
    keys = []
    try:
        active = active_private_key().public_key()
    except SigningKeyMissing:
        active = None
    if active is not None:
        key_id = key_id_of(active)
        entry = ring.pop(key_id, {})
        keys.append(PublicKey(key_id, active, entry.get("created_at", ""), "", active=True))
    retired = []
    for key_id, entry in ring.items():
        key = serialization.load_pem_public_key(entry["public_key_pem"].encode())
        if not isinstance(key, Ed25519PublicKey) or key_id_of(key) != key_id:
            raise ValueError(f"key ring {keyring_path()}: the entry {key_id} does not hold that key")
        retired.append(PublicKey(key_id, key, entry.get("created_at", ""), entry.get("retired_at", "")))
    retired.sort(key=lambda k: k.retired_at, reverse=True)
    return keys + retired


def public_key_get(key_id: str) -> PublicKey | None:
    return next((key for key in public_keys() if key.key_id == key_id), None)


def key_generate(path: Path) -> PublicKey:
    """A new key at ``path`` (refused if the file exists), recorded in the key ring as active."""
    if path.exists():
        raise FileExistsError(f"{path} exists; rotate the key instead")
    private_key = Ed25519PrivateKey.generate()
    write_private_key(path, private_key)
    _ring_record(private_key.public_key(), retire=None)
    return PublicKey(key_id_of(private_key.public_key()), private_key.public_key(), active=True)


def key_rotate(*, out: Path | None = None) -> tuple[str, PublicKey]:
    """Replace the active key by a new one; the old public key stays in the key ring as retired. Returns the old
    key's id and the new key. With the key in CIQ["SIGNING_KEY"] the new key is written to ``out`` (to be put in
    the secret's place); otherwise the key file is replaced."""
    old = active_private_key().public_key()
    path = out or key_file()
    if path is None:
        raise SigningKeyMissing("the key is given as text (CIQ_SIGNING_KEY): name a file for the new key")
    private_key = Ed25519PrivateKey.generate()
    _ring_record(private_key.public_key(), retire=old)
    write_private_key(path, private_key, replace=True)
    return key_id_of(old), PublicKey(key_id_of(private_key.public_key()), private_key.public_key(), active=True)


def _ring_record(new: Ed25519PublicKey, *, retire: Ed25519PublicKey | None) -> None:
    now = timezone.now().isoformat(timespec="seconds")
    entries = {entry["key_id"]: entry for entry in _ring_read()}
    if retire is not None:
        old_id = key_id_of(retire)
        entries.setdefault(old_id, {"key_id": old_id, "public_key_pem": public_pem(retire), "created_at": ""})
        entries[old_id]["retired_at"] = now
    new_id = key_id_of(new)
    entries[new_id] = {"key_id": new_id, "public_key_pem": public_pem(new), "created_at": now}
    _ring_write(list(entries.values()))


# --- signing and checking ---------------------------------------------------------------------------------------


def canonical_json(payload) -> bytes:
    """The one byte form that is signed: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign_payload(payload: dict) -> tuple[dict, str]:
    """Sign a JSON payload: the id of the signing key is added to it, and the signature is over the canonical JSON
    of the result. Returns the signed payload and the signature."""
    private_key = active_private_key()
    signed = {**payload, "key_id": key_id_of(private_key.public_key())}
    return signed, _b64(private_key.sign(canonical_json(signed)))


def payload_signature_valid(signed: dict, signature: str, keys: list[PublicKey] | None = None) -> bool:
    return signature_valid(canonical_json(signed), key_id=str(signed.get("key_id", "")), signature=signature,
                           keys=keys)


def signature_valid(message: bytes, *, key_id: str, signature: str, keys: list[PublicKey] | None = None) -> bool:
    """Whether ``signature`` is the signature of ``message`` by the key ``key_id`` (among ``keys``, by default the
    configured key ring: never keys read from the database)."""
    key = next((k for k in (keys if keys is not None else public_keys()) if k.key_id == key_id), None)
    if key is None or not signature:
        return False
    try:
        key.key.verify(_unb64(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_keys_from_json(data: dict) -> list[PublicKey]:
    """Keys as published at /public/keys/keys.json (e.g. a copy an outsider kept)."""
    keys = []
    for entry in data.get("keys", []):
        key = serialization.load_pem_public_key(entry["public_key_pem"].encode())
        if isinstance(key, Ed25519PublicKey) and key_id_of(key) == entry["key_id"]:
            keys.append(PublicKey(entry["key_id"], key, entry.get("created_at") or "", entry.get("retired_at") or "",
                                  active=entry.get("status") == "active"))
    return keys


# --- partners' signatures (their own keys, registered with the bureau) -------------------------------------------


def partner_public_key_load(pem: str) -> Ed25519PublicKey | None:
    """A partner's Ed25519 public key from its PEM text, or None when the text is not one."""
    try:
        key = serialization.load_pem_public_key((pem or "").strip().encode())
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def partner_signature_valid(public_key_pem: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64url) is the Ed25519 signature of ``message`` by the partner's registered key."""
    key = partner_public_key_load(public_key_pem)
    if key is None or not signature:
        return False
    try:
        key.verify(_unb64(signature.strip()), message)
    except (InvalidSignature, ValueError):
        return False
    return True
