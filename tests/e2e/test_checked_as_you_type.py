"""A goods line's manufacturer and the report's laboratory, checked as the user types (htmx): the answer appears
under the field without a page load, in the page's language, and the field names it (aria-describedby)."""

import datetime

import pytest
from django.utils import timezone

from declarations.models import Registration

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _answer_of(page, field):
    described = field.get_attribute("aria-describedby") or ""
    check_id = next(part for part in described.split() if part.endswith("_check"))
    answer = page.locator(f"#{check_id}")
    return answer


def test_the_manufacturer_is_checked_as_the_declarant_types(browser_page, declarant_a, declarant_b, enterprise_a,
                                                            enterprise_b, shots):
    today = timezone.localdate()
    Registration.objects.create(enterprise=enterprise_a, kind="manufacturer_registration",
                                manufacturer_name="Ocean Foods Pty", registration_number="REG-OCEAN-1",
                                status="approved", valid_from=today - datetime.timedelta(days=1),
                                valid_until=today + datetime.timedelta(days=300))
    Registration.objects.create(enterprise=enterprise_b, kind="manufacturer_registration",
                                manufacturer_name="B's Secret Maker", registration_number="REG-B-1",
                                status="approved", valid_from=today - datetime.timedelta(days=1),
                                valid_until=today + datetime.timedelta(days=300))
    page = browser_page
    log_in(page, declarant_a.username)
    page.goto("/declarations/new/")
    loads = []
    page.on("load", lambda _page: loads.append(page.url))
    options = page.locator("datalist#registered-manufacturers option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == ["Ocean Foods Pty"]

    field = page.locator("input[name='lines-0-manufacturer_name']")
    answer = _answer_of(page, field)
    field.press_sequentially("Ocean Foods", delay=20)
    field.press_sequentially(" Pty", delay=20)
    page.wait_for_selector(f"#{answer.get_attribute('id')} .check-answer.ok")
    assert "REG-OCEAN-1" in answer.inner_text() and "已注册" in answer.inner_text()
    shots(page, "manufacturer-checked")

    field.fill("")
    field.press_sequentially("B's Secret Maker", delay=20)
    page.wait_for_selector(f"#{answer.get_attribute('id')} .check-answer.warn")
    assert "REG-B-1" not in answer.inner_text()

    # A line added without a reload is checked too.
    page.click("#add-line")
    added = page.locator("fieldset.goods-line").last.locator("input[name$='-manufacturer_name']")
    added.press_sequentially("Ocean Foods Pty", delay=20)
    page.wait_for_selector(f"#{_answer_of(page, added).get_attribute('id')} .check-answer.ok")
    assert loads == [], loads
