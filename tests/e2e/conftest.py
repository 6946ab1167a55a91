"""Playwright (sync API) driving Debian's chromium against pytest-django's live server (transactional database).

Never downloads a browser: chromium is launched from CHROMIUM_PATH (default /usr/bin/chromium); the tests are
marked ``browser`` and skip without it (CI installs it and forbids skips). Each test saves a screenshot per step
under a folder it prints (CIQ_E2E_SHOTS, default /tmp/ciq-e2e-shots/<test name>/).
"""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from inspection.services import officer_profile_ensure, officer_shift_add

from ..conftest import CHROMIUM
from ..inspection.factories import InspectionSiteFactory, LabFactory

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SHOTS_ROOT = Path(os.environ.get("CIQ_E2E_SHOTS", "/tmp/ciq-e2e-shots"))


@pytest.fixture
def _playwright_browser(reference_data, live_server, monkeypatch):
    """Per test (the live server's database is transactional and flushed after each test; ``reference_data``
    puts back what the migrations seed, such as the HS code table). The sync API keeps an event loop running in
    this thread while it lives, which Django's ORM refuses outside DJANGO_ALLOW_ASYNC_UNSAFE; started after the
    database and live server, stopped with the test."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def browser_page(_playwright_browser, live_server, monkeypatch):
    """A fresh browser context (no cookies) on the live server; Chinese first, as the portal's default."""
    # The sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = _playwright_browser.new_context(base_url=live_server.url, locale="zh-CN",
                                              viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def new_page(_playwright_browser, live_server, monkeypatch):
    """``new_page()``: another independent browser session (a second user) on the live server."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    contexts = []

    def make(locale="zh-CN"):
        context = _playwright_browser.new_context(base_url=live_server.url, locale=locale,
                                                  viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shots(request, capsys):
    """``shots(page, "step")`` saves NN-step.png in the test's folder; the folder is printed at the start."""
    folder = SHOTS_ROOT / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    with capsys.disabled():
        print(f"\n[e2e] screenshots of {request.node.name}: {folder}")
    counter = {"n": 0}

    def shot(page, name):
        counter["n"] += 1
        safe = re.sub(r"[^\w.-]+", "_", name)
        path = folder / f"{counter['n']:02d}-{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    shot.folder = folder
    return shot


@pytest.fixture
def clearance_setup(supervisor, officer, monkeypatch):
    """An on-duty officer qualified for the goods at an NGB site, an accredited lab, no random control sample."""
    site = InspectionSiteFactory(port="NGB")
    profile = officer_profile_ensure(user=officer, badge_no="E2E001", categories=["machinery", "toy"], sites=[site],
                                     actor=supervisor)
    now = timezone.now()
    officer_shift_add(officer=profile, site=site, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=10),
                      actor=supervisor)
    lab = LabFactory(scope_categories=["machinery", "toy"], scope_test_items=["lead", "phthalates"])
    monkeypatch.setattr("inspection.services.draw_periods._grade_ratio", lambda grade: (0.0, 1))
    return {"site": site, "lab": lab}
