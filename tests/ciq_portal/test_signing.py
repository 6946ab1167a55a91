"""The bureau's signing key: where it comes from, what development and production do without one, the operator's
command to generate, rotate and show it."""

import json
import stat

import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from ciq_portal import signing
from ciq_portal.checks import signing_key_deploy_check, signing_key_development_check
from ciq_portal.models import AuditEntry


@pytest.fixture
def keys_in(settings, tmp_path):
    def configure(**ciq):
        settings.CIQ = {**settings.CIQ, "SIGNING_KEY": "", "SIGNING_KEY_FILE": "", "SIGNING_KEYRING": "",
                        "SIGNING_KEY_AUTOGENERATE": False, **ciq}
        return tmp_path

    return configure


def test_a_signed_payload_verifies_and_any_change_breaks_it(keys_in):
    path = keys_in(SIGNING_KEY_FILE=str(keys_in() / "k.pem")) / "k.pem"
    signing.key_generate(path)
    signed, signature = signing.sign_payload({"b": 2, "a": "证书"})
    assert signed["key_id"] == signing.public_keys()[0].key_id
    assert signing.payload_signature_valid(signed, signature)
    assert not signing.payload_signature_valid({**signed, "b": 3}, signature)
    assert not signing.payload_signature_valid({**signed, "key_id": "0" * 16}, signature)
    assert signing.canonical_json(signed) == json.dumps(signed, sort_keys=True, ensure_ascii=False,
                                                        separators=(",", ":")).encode()


def test_the_key_may_be_an_environment_secret(keys_in):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_key = Ed25519PrivateKey.generate()
    keys_in(SIGNING_KEY=signing.private_pem(private_key).decode())
    signed, signature = signing.sign_payload({"n": 1})
    assert signed["key_id"] == signing.key_id_of(private_key.public_key())
    assert signing.payload_signature_valid(signed, signature)


def test_development_generates_a_key_file_readable_by_its_owner_only(keys_in, settings, caplog):
    tmp = keys_in(SIGNING_KEY_AUTOGENERATE=True)
    settings.BASE_DIR = tmp
    assert [m.id for m in signing_key_development_check(None)] == ["ciq_portal.W101"]
    signing.sign_payload({"n": 1})
    path = tmp / "var" / "keys" / "signing-key.pem"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "generating a development key" in caplog.text


def test_without_a_key_production_refuses_to_sign_and_check_deploy_says_so(keys_in):
    keys_in()
    with pytest.raises(signing.SigningKeyMissing):
        signing.sign_payload({"n": 1})
    assert [m.id for m in signing_key_deploy_check(None)] == ["ciq_portal.E101"]
    assert signing_key_development_check(None) == []
    tmp = keys_in(SIGNING_KEY_FILE="/nonexistent/key.pem")
    errors = signing_key_deploy_check(None)
    assert [m.id for m in errors] == ["ciq_portal.E102"] and errors[0].level == checks.ERROR
    keys_in(SIGNING_KEY_FILE=str(tmp / "k.pem"))
    signing.key_generate(tmp / "k.pem")
    assert signing_key_deploy_check(None) == []


@pytest.mark.django_db
def test_the_operators_command_generates_rotates_and_shows_keys(keys_in, capsys):
    tmp = keys_in()
    path = tmp / "keys" / "signing-key.pem"
    keys_in(SIGNING_KEY_FILE=str(path))
    call_command("signing_key", "generate")
    first = signing.public_keys()[0].key_id
    with pytest.raises(CommandError, match="rotate the key instead"):
        call_command("signing_key", "generate")
    call_command("signing_key", "generate", "--if-missing")
    call_command("signing_key", "rotate")
    keys = signing.public_keys()
    assert [k.active for k in keys] == [True, False] and keys[1].key_id == first and keys[1].retired_at
    ring = json.loads((tmp / "keys" / "keyring.json").read_text())
    assert "PRIVATE" not in json.dumps(ring) and {e["key_id"] for e in ring["keys"]} == {k.key_id for k in keys}
    capsys.readouterr()
    call_command("signing_key", "show")
    shown = capsys.readouterr().out
    assert f"{keys[0].key_id} ed25519 active" in shown and f"{first} ed25519 retired" in shown
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"signing_key.generate", "signing_key.rotate"}


def test_a_tampered_key_ring_entry_is_refused(keys_in):
    tmp = keys_in()
    keys_in(SIGNING_KEY_FILE=str(tmp / "k.pem"))
    signing.key_generate(tmp / "k.pem")
    signing.key_rotate()
    ring = json.loads((tmp / "keyring.json").read_text())
    retired = next(e for e in ring["keys"] if e.get("retired_at"))
    active = next(e for e in ring["keys"] if not e.get("retired_at"))
    retired["public_key_pem"] = active["public_key_pem"]
    (tmp / "keyring.json").write_text(json.dumps(ring))
    with pytest.raises(ValueError, match="does not hold that key"):
        signing.public_keys()
