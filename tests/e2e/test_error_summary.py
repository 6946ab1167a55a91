"""Errors a reader cannot miss (the GOV.UK error summary): a refused step answers with a summary that takes focus
where the reader is, lists every error as a link to its field, and each field names its error (aria-describedby)."""

from datetime import date, timedelta

import pytest

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def focused_summary_in_view(page) -> bool:
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || !el.matches('[data-error-summary]')) return false;
        const box = el.getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
    }""")


def test_a_refused_conclusion_is_shown_where_the_officer_is(browser_page, shots, officer, enterprise_a,
                                                              django_capture_on_commit_callbacks):
    from inspection.services import inspection_task_claim, inspection_task_create
    from tests.factories import DeclarationFactory, GoodsLineFactory
    from tests.inspection.factories import InspectionSiteFactory, OfficerProfileFactory

    site = InspectionSiteFactory(code="NGB-CC", kind="cold_chain")
    OfficerProfileFactory(user=officer, categories=["aquatic"], sites=[site])
    declaration = DeclarationFactory(enterprise=enterprise_a, status="awaiting_inspection",
                                     release_mode="supervised")
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code="0306170000")
    task = inspection_task_create(declaration=declaration, reason="risk", mode="supervised")
    inspection_task_claim(task=task, actor=officer)

    page = browser_page
    log_in(page, officer.username)
    page.goto(f"/inspection/tasks/{task.pk}/")
    conclude = page.locator("form[action$='/conclude/']")
    conclude.locator("[name=conclusion][value=conform]").check()
    conclude.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    shots(page, "conclusion-refused")
    assert page.locator("[data-error-summary]").count() == 1
    assert focused_summary_in_view(page), "the refusal is not where the officer is looking"
    assert "请先抽样加封再作结论" in page.inner_text("[data-error-summary]")


def test_the_error_summary_links_each_error_to_its_field(browser_page, shots, declarant_a):
    page = browser_page
    log_in(page, declarant_a.username)
    page.goto("/declarations/new/")
    page.fill("input[name=bill_of_lading]", "BLE2E000002")
    page.fill("input[name=arrival_date]", (date.today() + timedelta(days=2)).isoformat())
    page.fill("input[name=departure_country]", "DE")
    page.fill("input[name='lines-0-hs_code']", "0306170000")
    page.fill("input[name='lines-0-origin_country']", "DE")
    page.fill("input[name='lines-0-quantity']", "abc")
    page.fill("input[name='lines-0-unit']", "kg")
    page.fill("input[name='lines-0-value']", "100")
    page.click("form.form button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    shots(page, "declaration-refused")
    assert focused_summary_in_view(page)
    links = page.locator("[data-error-summary] a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#id_lines-0-quantity" in targets and "#id_lines-0-description" in targets, targets
    for href in targets:
        field = page.locator(href)
        described = field.get_attribute("aria-describedby") or ""
        assert f"{href[1:]}_error" in described.split(), (href, described)
        assert page.locator(f"#{href[1:]}_error").inner_text().strip()
    assert "数量：" in page.inner_text("[data-error-summary] a[href='#id_lines-0-quantity']")  # names its field
    page.click("[data-error-summary] a[href='#id_lines-0-description']")
    assert page.evaluate("document.activeElement.id") == "id_lines-0-description"
