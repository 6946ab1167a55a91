"""The public pages on a phone (390 px): charts keep readable labels, table headings stay whole, the draw record says
in plain words what happened and its hashes take one line, and each public page links to the others."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def smallest_chart_text(page) -> float:
    """The smallest font size of a chart's text as drawn on the screen (its size times the SVG's scale)."""
    return page.evaluate("""() => Math.min(...[...document.querySelectorAll('svg.chart text')]
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""")


def headings_on_more_than_one_line(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.table-wrap th')].filter((th) => {
        const style = getComputedStyle(th);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.55;
        return th.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
            > line * 1.5;
    }).map((th) => th.innerText)""")


def test_public_statistics_on_a_phone(browser_page, shots):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/public/statistics/")
    shots(page, "statistics-phone")
    assert smallest_chart_text(page) >= 10, "chart labels too small to read"
    assert not headings_on_more_than_one_line(page)
    nav = page.locator("nav.public-nav")
    assert nav.count() == 1 and nav.locator("a[href='/public/draws/']").count() == 1


def test_the_draw_record_on_a_phone(browser_page, shots, enterprise_a):
    from inspection import services
    from tests.factories import DeclarationFactory, GoodsLineFactory

    yesterday = timezone.localdate() - timedelta(days=1)
    services.draw_period_commit(day=yesterday)
    for _ in range(3):
        declaration = DeclarationFactory(enterprise=enterprise_a, status="awaiting_inspection",
                                         release_mode="supervised")
        GoodsLineFactory(declaration=declaration, line_no=1, hs_code="0306170000")
        services.object_draw_for_declaration(declaration=declaration, at=timezone.now() - timedelta(days=1))
    services.draw_period_reveal(day=yesterday)

    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"/public/draws/{yesterday}/")
    shots(page, "draw-day-phone")
    summary = page.inner_text(".draw-summary")
    assert "3" in summary and "verify.py" in summary
    heights = page.evaluate(
        "() => [...document.querySelectorAll('code.hash')].map((c) => c.getBoundingClientRect().height)")
    assert heights and max(heights) < 30, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
