"""The production stack (docker-compose.yml) as a bureau starts it: no demo data unless asked, the first
administrator from the environment, mail to Mailpit, and the portal's production settings passing
`check --deploy` behind the stack's TLS proxy."""

import os
import re
import subprocess
import sys

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
SECRET = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
HOST_ENV = {"SECRET_KEY": SECRET}


def interpolate(value, host_env):
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} with ``host_env`` as the shell's environment."""

    def one(match):
        name, operator, rest = match.group(1), match.group(2), match.group(3) or ""
        if host_env.get(name):
            return host_env[name]
        if operator == ":?":
            raise LookupError(rest)
        return rest if operator == ":-" else ""

    return re.sub(r"\$\{([A-Z_]+)(?:(:-|:\?)([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def stack():
    return yaml.safe_load(COMPOSE.read_text())


def environment(stack, service, host_env=HOST_ENV):
    return {key: interpolate(str(value), host_env) for key, value in stack["services"][service]["environment"].items()}


def test_no_demo_data_unless_the_demo_profile_is_asked_for(stack):
    default = {name: service for name, service in stack["services"].items() if not service.get("profiles")}
    assert not [name for name, service in default.items() if "seed_demo" in str(service.get("command", ""))]
    assert stack["services"]["demo"]["profiles"] == ["demo"]
    assert "seed_demo" in stack["services"]["demo"]["command"]


def test_the_first_administrator_comes_from_the_environment(stack):
    migrate = stack["services"]["migrate"]
    assert migrate["command"].endswith('python manage.py bootstrap_admin"')
    env = environment(stack, "migrate", {**HOST_ENV, "ADMIN_USERNAME": "chief", "ADMIN_PASSWORD": "x" * 12})
    assert (env["ADMIN_USERNAME"], env["ADMIN_PASSWORD"]) == ("chief", "x" * 12)


def test_a_secret_key_is_required(stack):
    with pytest.raises(LookupError, match="set SECRET_KEY"):
        environment(stack, "web", {})


def test_mail_goes_to_mailpit_until_the_bureau_names_its_server(stack):
    assert stack["services"]["mailpit"]["image"].startswith("axllent/mailpit:")
    assert environment(stack, "web")["EMAIL_URL"] == "smtp://mailpit:1025"
    named = environment(stack, "web", {**HOST_ENV, "EMAIL_URL": "smtp+tls://ciq:pw@mail.bureau.example:587"})
    assert named["EMAIL_URL"] == "smtp+tls://ciq:pw@mail.bureau.example:587"


def test_only_the_proxy_is_published_and_it_forwards_to_gunicorn(stack):
    published = {name for name, service in stack["services"].items() if service.get("ports")}
    assert published == {"proxy", "mailpit"}
    assert stack["services"]["mailpit"]["ports"] == ["127.0.0.1:8025:8025"]
    [caddyfile] = [volume.split(":")[0] for volume in stack["services"]["proxy"]["volumes"] if "Caddyfile" in volume]
    assert "reverse_proxy web:8000" in (settings.BASE_DIR / caddyfile).read_text()


BEHIND_THE_PROXY = """
from django.test import Client
client = Client(HTTP_HOST="localhost")
print("plain", client.get("/accounts/login/").status_code)
print("forwarded", client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"}).status_code)
"""


def test_production_settings_pass_check_deploy_behind_the_proxy(stack, tmp_path):
    env = {**{key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DEBUG")},
           **environment(stack, "web"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "MEDIA_ROOT": str(tmp_path / "media"), "CIQ_SIGNING_KEY_FILE": str(tmp_path / "keys" / "signing-key.pem")}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    # The bureau's signing key, a file outside the database as on the stack's keys volume.
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "signing-key.pem").write_bytes(Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    check = subprocess.run([*manage, "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True,
                           text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    # Plain HTTP reaching gunicorn is sent to HTTPS; what the proxy forwards as HTTPS is served.
    served = subprocess.run([*manage, "shell", "-c", BEHIND_THE_PROXY], env=env, capture_output=True, text=True,
                            cwd=tmp_path)
    assert "plain 301" in served.stdout and "forwarded 200" in served.stdout, served.stdout + served.stderr


ONE_OFF_JOBS = {"migrate", "demo"}


def test_every_long_running_service_restarts_by_itself_and_has_a_healthcheck(stack):
    for name, service in stack["services"].items():
        if name in ONE_OFF_JOBS:
            assert service.get("restart") == "on-failure", name
            continue
        assert service.get("restart") in ("unless-stopped", "always"), f"{name}: no restart policy"
        assert service.get("healthcheck", {}).get("test"), f"{name}: no healthcheck"


def test_the_worker_keeps_reconnecting_to_the_broker(stack):
    assert settings.CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP is True
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
