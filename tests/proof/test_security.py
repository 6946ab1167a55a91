"""Security checks that are not elsewhere in the suite.

Login lock-out across client addresses is tests/ciq_portal/test_auth.py::test_lockout_holds_across_client_addresses
(and the token endpoint's next to it); uploads outside the caller's scope are walked by the tenancy matrix
(tests/proof/test_tenancy_matrix.py) and the media folder is never served (test_uploaded_files_are_not_served_...).
"""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authentication import SessionAuthentication

from .routes import all_routes

ROOT = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ciq_portal.settings.production",
    "SECRET_KEY": "proof-" + "k" * 60 + "-x7Qz9",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/ciq-proof-deploy.sqlite3"),
}


@pytest.fixture(scope="module")
def production_key(tmp_path_factory):
    """The signing key production reads from a file (ciq_portal/signing.py); check --deploy fails without one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ciq_portal.signing import write_private_key

    path = tmp_path_factory.mktemp("production-key") / "signing-key.pem"
    write_private_key(path, Ed25519PrivateKey.generate())
    return path


def _production(*args, code=None, key=None):
    # DEBUG too: importing the local settings (a test may) sets it in this process's environment.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CIQ_SIGNING_KEY_FILE",
                                                            "CIQ_SIGNING_KEY", "DEBUG")} | PRODUCTION_ENV
    if key is not None:
        env["CIQ_SIGNING_KEY_FILE"] = str(key)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_in_production_settings(production_key):
    result = _production("check", "--deploy", "--fail-level", "WARNING", key=production_key)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_a_signing_key(tmp_path):
    result = _production("check", "--deploy")
    assert result.returncode != 0 and "ciq_portal.E101" in result.stderr, result.stdout + result.stderr
    result = _production("check", "--deploy", key=tmp_path / "absent.pem")
    assert result.returncode != 0 and "ciq_portal.E102" in result.stderr, result.stdout + result.stderr


def test_production_cookies_are_secure_and_http_only():
    code = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
      "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DEBUG", "X_FRAME_OPTIONS")}))
"""
    result = _production(code=code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True and values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["DEBUG"] is False
    assert values["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.django_db
def test_the_session_cookie_sent_at_log_in_carries_the_production_flags(client, officer, settings):
    from ..factories import TEST_PASSWORD

    settings.SESSION_COOKIE_SECURE = True  # as in ciq_portal.settings.production (checked above)
    response = client.post("/accounts/login/", {"username": officer.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"].lower() == "lax"


def _dummy_kwargs(route):
    return {name: ("2026-11-27" if name == "day" else "x" if name in ("action",) else 1) for name in route.converters}


def _unsafe_page_routes():
    return [route for route in all_routes() if not route.is_api]


@pytest.mark.django_db
def test_csrf_is_enforced_on_every_unsafe_page_route(declarant_a, officer, supervisor, caplog):
    """A logged-in user's POST without the CSRF token is refused before any view runs, on every page route."""
    refused, problems = 0, []
    for user in (declarant_a, officer, supervisor):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.force_login(user)
        for route in _unsafe_page_routes():
            url = route.url(**_dummy_kwargs(route))
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                caplog.clear()
                with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
                    response = client.generic(method, url, "a=1", content_type="application/x-www-form-urlencoded")
                csrf_refused = response.status_code == 403 and any("CSRF" in r.getMessage() for r in caplog.records)
                if csrf_refused:
                    refused += 1
                else:
                    problems.append(f"{user.username} {method} {url}: {response.status_code} without a CSRF token")
    assert refused and not problems, "\n".join(problems)


@pytest.mark.django_db
def test_csrf_is_enforced_on_the_api_for_session_users(declarant_a, officer):
    """The API under session authentication (the browser's) needs the CSRF token for unsafe methods too."""
    problems, refused = [], 0
    for user in (declarant_a, officer):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.force_login(user)
        for route in all_routes():
            if not route.is_api:
                continue
            view_class = getattr(route.callback, "cls", None)
            auth_classes = getattr(view_class, "authentication_classes", []) if view_class else []
            if not any(issubclass(a, SessionAuthentication) for a in auth_classes):
                continue  # e.g. the token exchange, which takes no session
            url = route.url(**_dummy_kwargs(route))
            for method in route.methods():
                if method == "GET":
                    continue
                response = client.generic(method, url, "{}", content_type="application/json")
                if response.status_code == 403 and "CSRF" in response.content.decode():
                    refused += 1
                else:
                    problems.append(f"{user.username} {method} {url}: {response.status_code} without a CSRF token")
    assert refused and not problems, "\n".join(problems)


# --- raw SQL --------------------------------------------------------------------------------------------------

RAW_SQL = re.compile(r"\.raw\(|cursor\.execute|executemany\(|RawSQL|\.extra\(|connection\.cursor\(|RunSQL|"
                     r"\.copy\(\s*f?[\"']COPY")

# Reviewed uses of raw SQL in the product, as "path::function": why each is needed. Keep it short.
RAW_SQL_ALLOWED = {
    "ciq_portal/views.py::_database_status": "health probe: SELECT 1, no input",
    "inspection/services/dispatch.py::_draws_insert": "dispatch batches: COPY of the draw records (write_row binds "
                                                      "every value; table and column names from the model), "
                                                      "PostgreSQL only",
    "inspection/services/dispatch.py::_assignments_write": "dispatch batches: one UPDATE ... FROM unnest() of the "
                                                           "task and inspector ids (bound as parameters; table name "
                                                           "from model meta), PostgreSQL only",
    "ciq_portal/notifications.py::_notifications_copy": "in-app notifications of a dispatch batch: COPY (write_row "
                                                        "binds every value; table name from model meta), PostgreSQL "
                                                        "only",
    "credit/services/__init__.py::_bulk_set_grades": "nightly regrade of 50k enterprises: one UPDATE ... FROM "
                                                      "unnest() per 10k rows; values bound as parameters, table "
                                                      "name from model meta",
    "ciq_portal/audit.py::_chain_write": "audit sealing: one UPDATE per sealed row run with executemany (values "
                                         "bound as parameters, quoted table name from model meta)",
    "release/stats.py::_insert_many": "stage histograms of a year's rebuild: one prepared INSERT run with executemany "
                                      "(values bound as parameters, quoted table and column names from model meta)",
}
SCANNED = ["ciq_portal", "credit", "declarations", "risk", "inspection", "referrals", "release"]


def _enclosing_function(lines, index):
    for line in reversed(lines[: index + 1]):
        match = re.match(r"\s*(?:async\s+)?def\s+(\w+)", line)
        if match:
            return match.group(1)
    return "<module>"


def test_no_raw_sql_outside_the_reviewed_list():
    found = {}
    for app in SCANNED:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for n, line in enumerate(lines):
                if RAW_SQL.search(line) and not line.lstrip().startswith("#"):
                    key = f"{path.relative_to(ROOT).as_posix()}::{_enclosing_function(lines, n)}"
                    found.setdefault(key, []).append(f"{path.relative_to(ROOT)}:{n + 1}: {line.strip()}")
    unreviewed = {key: hits for key, hits in found.items() if key not in RAW_SQL_ALLOWED}
    assert not unreviewed, ("raw SQL outside tests/proof/test_security.py::RAW_SQL_ALLOWED (use the ORM, or isolate "
                            "it in one function with a comment and have it reviewed):\n"
                            + "\n".join(h for hits in unreviewed.values() for h in hits))


def test_the_raw_sql_allowlist_has_no_stale_entries():
    for key in RAW_SQL_ALLOWED:
        path, function = key.split("::")
        text = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"def {function}\b", text), f"{key}: no such function any more; drop the entry"


@pytest.mark.django_db
def test_media_is_not_served_even_to_anonymous_users(client):
    response = client.get(settings.MEDIA_URL + "documents/1/1/invoice.pdf")
    assert response.status_code == 404


@pytest.mark.django_db
def test_uploads_and_certificates_are_not_fetchable_without_scope(client, declarant_a, declarant_b, officer,
                                                                  supervisor, enterprise_a):
    """Anonymous users and another enterprise's declarant get no uploaded file and no certificate PDF; the owner
    does (so the routes tested are the real ones). Photos of inspections are for bureau staff only."""
    from django.urls import reverse

    from .world import build_world

    world = build_world(enterprise_a=enterprise_a, declarant_a=declarant_a, officer=officer, supervisor=supervisor)
    urls = [
        reverse("declarations:document_download", args=[world.need("draft").pk, world.need("document").pk]),
        reverse("declaration-document-download", args=[world.need("draft").pk, world.need("document").pk]),
        reverse("release:certificate_pdf", args=[world.need("certificate").number]),
    ]
    for url in urls:
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code in (302, 401, 403, 404), (url, anonymous.status_code)
        assert not anonymous.get("Content-Disposition") and b"%PDF" not in anonymous.content[:10], url
        client.force_login(declarant_b)
        other = client.get(url)
        assert other.status_code == 404, (url, other.status_code)
        client.force_login(declarant_a)
        own = client.get(url)
        assert own.status_code == 200, (url, own.status_code)
        body = b"".join(own.streaming_content) if own.streaming else own.content
        assert body[:5] == b"%PDF-", url


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=\"", re.IGNORECASE)


def test_templates_hold_no_inline_script_or_style():
    roots = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
    found = [f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
             for root in roots for path in root.rglob("*.html")
             for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/docs/", "/public/audit/"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in policy and directives["object-src"] == "'none'"
