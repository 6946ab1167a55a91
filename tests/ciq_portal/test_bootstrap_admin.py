"""manage.py bootstrap_admin: the first administrator of an empty database from the environment, idempotently."""

import pytest
from django.core.management import CommandError, call_command

from ciq_portal.models import AuditEntry, User
from ciq_portal.roles import Role, has_role

pytestmark = pytest.mark.django_db

STRONG = "a-long-bureau-passphrase-2026"


def test_creates_the_administrator_once_and_keeps_its_password(monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_USERNAME", "chief")
    monkeypatch.setenv("ADMIN_EMAIL", "chief@bureau.example")
    monkeypatch.setenv("ADMIN_PASSWORD", STRONG)
    call_command("bootstrap_admin")
    user = User.objects.get(username="chief")
    assert user.is_superuser and user.is_staff and user.email == "chief@bureau.example"
    assert user.groups.filter(name=Role.ADMINISTRATOR).exists() and has_role(user, Role.ADMINISTRATOR)
    assert User.objects.get(username="chief").check_password(STRONG)

    # At the next start, with another password in the environment: nothing changes.
    monkeypatch.setenv("ADMIN_PASSWORD", "another-passphrase-entirely")
    call_command("bootstrap_admin")
    assert User.objects.filter(username="chief").count() == 1
    assert User.objects.get(username="chief").check_password(STRONG)
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).count() == 1
    assert "exists; its password is unchanged" in capsys.readouterr().out


def test_the_password_may_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "admin_password"
    secret.write_text(STRONG + "\n")
    monkeypatch.setenv("ADMIN_USERNAME", "chief")
    monkeypatch.setenv("ADMIN_PASSWORD_FILE", str(secret))
    call_command("bootstrap_admin")
    assert User.objects.get(username="chief").check_password(STRONG)


def test_without_a_username_nothing_is_done(monkeypatch, capsys):
    monkeypatch.delenv("ADMIN_USERNAME", raising=False)
    call_command("bootstrap_admin")
    assert not User.objects.exists()
    assert "no administrator created" in capsys.readouterr().out


@pytest.mark.parametrize(("password", "email", "says"), [
    (None, "", "Set ADMIN_PASSWORD"),
    ("12345", "", "ADMIN_PASSWORD: "),
    (STRONG, "not-an-address", "ADMIN_EMAIL is not an e-mail address"),
])
def test_bad_settings_are_refused_and_nothing_is_written(monkeypatch, password, email, says):
    monkeypatch.setenv("ADMIN_USERNAME", "chief")
    monkeypatch.setenv("ADMIN_EMAIL", email)
    monkeypatch.delenv("ADMIN_PASSWORD_FILE", raising=False)
    if password is None:
        monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=says):
        call_command("bootstrap_admin")
    assert not User.objects.exists()
