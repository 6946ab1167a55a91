"""Small things a daily user notices: the portal has an icon (no request for it fails) and the dashboard's filters
stay on one row on a 1366 px laptop screen."""

import pytest

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_no_request_fails_and_the_page_has_an_icon(browser_page, live_server, officer):
    page = browser_page
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/accounts/login/")
    log_in(page, officer.username)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and page.request.get(icon).status == 200
    assert page.request.get("/favicon.ico").status == 200
    page.wait_for_timeout(300)
    assert not failed, failed


def test_the_dashboard_filters_fit_one_row_at_1366_px(browser_page, shots, supervisor):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, supervisor.username)
    for language in ("zh-CN", "en"):
        page.goto("/release/dashboard/")
        if language == "en":
            page.click(".lang-switch button[value='en']")
            page.wait_for_load_state("networkidle")
        shots(page, f"dashboard-1366-{language}")
        tops = page.evaluate("""() => [...document.querySelectorAll('form.filters > *')]
            .filter((el) => el.offsetParent !== null).map((el) => Math.round(el.getBoundingClientRect().bottom))""")
        assert max(tops) - min(tops) <= 2, f"the filter row wraps ({language}): {tops}"
