"""Accessibility: axe-core (vendored from the npm registry under tests/e2e/vendor/, never a CDN) on every page each
role's menu offers, and the public pages, at desk and phone widths, in Chinese and English: no serious or critical
violation."""

from pathlib import Path

import pytest
from django.urls import reverse

from ciq_portal.navigation import nav_for

from ..factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
PUBLIC_PAGES = ["/accounts/login/", "/public/statistics/", "/public/draws/", "/public/results/", "/public/audit/",
                "/public/keys/", "/verify/"]
SERIOUS = {"serious", "critical"}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"], runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{item['id']} ({item['impact']}) at {', '.join(item['targets'])}" for item in found
            if item["impact"] in SERIOUS]


def _pages_of(user) -> list[str]:
    return [item["url"] for group in nav_for(user) for item in group["items"]]


def _walk(browser, live_server, urls, username=None) -> list[str]:
    problems = []
    for language, locale in LANGUAGES.items():
        # The portal's Content-Security-Policy refuses inline scripts, which is how axe is put into the page.
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=WIDTHS["desk"],
                                      bypass_csp=True)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_load_state("networkidle")
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            for width_name, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                problems += [f"{url} [{language}, {width_name}]: {problem}" for problem in _violations(page)]
            page.set_viewport_size(WIDTHS["desk"])
        context.close()
    return problems


@pytest.mark.parametrize("role", ["declarant_a", "officer", "analyst", "supervisor"])
def test_every_page_of_each_role_has_no_serious_violation(role, request, _playwright_browser, live_server,
                                                          reference_data):
    user = request.getfixturevalue(role)
    urls = _pages_of(user)
    if role == "declarant_a":
        urls.append(reverse("search") + "?q=NGB")
    problems = _walk(_playwright_browser, live_server, urls, username=user.username)
    assert not problems, "\n".join(problems)


def test_the_public_pages_have_no_serious_violation(_playwright_browser, live_server, reference_data):
    problems = _walk(_playwright_browser, live_server, PUBLIC_PAGES)
    assert not problems, "\n".join(problems)
