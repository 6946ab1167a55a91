"""The browser harness itself: chromium starts, the live server answers on PostgreSQL, log-in and the language
switch work, the pages use no resource from outside the portal."""

import pytest

from .helpers import both_languages, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_login_home_and_language_switch(browser_page, shots, officer, live_server):
    page = browser_page
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto("/accounts/login/")
    shots(page, "login")
    both_languages(page, shots, "login")
    log_in(page, officer.username)
    shots(page, "officer-home")
    both_languages(page, shots, "officer-home")
    assert not outside, f"the portal fetched from outside itself: {outside}"
    assert not page.js_errors, page.js_errors
