"""Certificates anyone can check offline: signed with the bureau's Ed25519 key over their canonical content; the
QR code carries the number and the signature; the README's ten-line check (standard library and `cryptography`)
tells a genuine certificate from one with a changed line; revoked and recalled certificates say so."""

import json
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from ciq_portal import signing
from release import certificates, services
from release.models import Certificate, Release

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(hs, draw, enterprise_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    return Release.objects.get(declaration=declaration).certificate


def readme_check(tmp_path) -> Path:
    """The offline check exactly as the README gives it."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    code = re.search(r"```python\n(# check_certificate\.py.*?)```", readme, re.S).group(1)
    assert len(code.strip().splitlines()) <= 11, "the README promises about ten lines"
    path = tmp_path / "check_certificate.py"
    path.write_text(code)
    return path


def run_check(tmp_path, client, number, *extra, record=None):
    record = record or client.get(f"/verify/{number}/certificate.json").json()
    (tmp_path / "certificate.json").write_text(json.dumps(record, ensure_ascii=False))
    (tmp_path / "keys.json").write_bytes(client.get("/public/keys/keys.json").content)
    # -I: no project on the path, only the interpreter's packages (cryptography); run away from the project.
    return subprocess.run([sys.executable, "-I", str(readme_check(tmp_path)), "certificate.json", "keys.json", *extra],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_the_certificate_is_signed_with_the_bureaus_key_over_its_canonical_content(certificate):
    active = signing.public_keys()[0]
    assert certificate.key_id == active.key_id and len(certificate.signature) == 86
    message = signing.canonical_json({"type": "ciq-certificate/v1", "facts": certificate.facts,
                                      "key_id": certificate.key_id})
    assert signing.signature_valid(message, key_id=certificate.key_id, signature=certificate.signature)


def test_the_qr_code_carries_the_number_and_the_signature(client, certificate, declarant_a):
    client.force_login(declarant_a)
    with mock.patch.object(certificates, "render_pdf", wraps=certificates.render_pdf) as render:
        assert client.get(f"/release/certificates/{certificate.number}.pdf").status_code == 200
    url = render.call_args.kwargs["verify_url"]
    assert url == f"http://testserver/verify/{certificate.number}/?s={certificate.signature}"
    client.logout()
    page = client.get(url)
    assert page.status_code == 200 and page.context["result"].valid


def test_the_readme_check_accepts_a_genuine_certificate_and_refuses_one_changed_line(client, certificate, tmp_path):
    genuine = run_check(tmp_path, client, certificate.number, certificate.signature)
    assert genuine.returncode == 0, genuine.stderr
    assert f"genuine: {certificate.number} status: valid" in genuine.stdout
    record = client.get(f"/verify/{certificate.number}/certificate.json").json()
    record["signed"]["facts"]["lines"][0]["quantity"] = "1"  # one changed line on a copy
    forged = run_check(tmp_path, client, certificate.number, record=record)
    assert forged.returncode != 0 and "InvalidSignature" in forged.stderr
    wrong_qr = run_check(tmp_path, client, certificate.number, "A" * 86)
    assert wrong_qr.returncode != 0 and "not the signature of the QR code" in wrong_qr.stderr


def test_a_line_changed_in_the_database_is_not_genuine_anywhere(client, certificate, tmp_path):
    facts = dict(certificate.facts)
    facts["lines"] = [{**facts["lines"][0], "description": "Something else"}]
    Certificate.objects.filter(pk=certificate.pk).update(facts=facts)
    page = client.get(f"/verify/{certificate.number}/", {"s": certificate.signature}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404 and "Not genuine" in page.content.decode()
    offline = run_check(tmp_path, client, certificate.number)
    assert offline.returncode != 0 and "InvalidSignature" in offline.stderr


def test_a_key_rotation_keeps_earlier_certificates_genuine(client, hs, draw, enterprise_a, settings, tmp_path):
    settings.CIQ = {**settings.CIQ, "SIGNING_KEY": "", "SIGNING_KEY_FILE": str(tmp_path / "signing.pem"),
                    "SIGNING_KEYRING": str(tmp_path / "keyring.json")}
    signing.key_generate(tmp_path / "signing.pem")
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    earlier = Release.objects.get(declaration=declaration).certificate
    old_id, new = signing.key_rotate()
    assert earlier.key_id == old_id != new.key_id
    assert client.get(f"/verify/{earlier.number}/").context["result"].valid
    (tmp_path / "keyring.json").unlink()  # a key the bureau never published cannot vouch for anything
    assert client.get(f"/verify/{earlier.number}/").context["result"].reason == "altered"


@pytest.mark.parametrize("language, revoked_words", [("en", "Revoked"), ("zh-hans", "证书已撤销")])
def test_revoked_and_recalled_certificates_say_so(client, certificate, supervisor, officer, declarant_a, language,
                                                  revoked_words):
    release = certificate.release
    services.recall_open(release=release, source="manual", reason="Labels wrong", actor=officer)
    recalled = client.get(f"/verify/{certificate.number}/", HTTP_ACCEPT_LANGUAGE=language)
    assert recalled.status_code == 200 and recalled.context["result"].status == "recalled"
    assert "banner-recalled" in recalled.content.decode()
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, reason="Issued in error", actor=declarant_a)
    client.force_login(supervisor)
    response = client.post(f"/release/releases/{release.pk}/certificate/revoke/", {"reason": "Issued in error"})
    assert response.status_code == 302
    client.logout()
    revoked = client.get(f"/verify/{certificate.number}/", HTTP_ACCEPT_LANGUAGE=language)
    assert revoked.context["result"].status == "revoked" and not revoked.context["result"].valid
    assert revoked_words in revoked.content.decode() and "Issued in error" in revoked.content.decode()
    record = client.get(f"/verify/{certificate.number}/certificate.json").json()
    assert record["status"] == "revoked" and record["genuine"] is True
