"""Small steps shared by the end-to-end tests."""

import re

from release.matrix import DEFAULT_CELLS
from release.services import release_matrix_update

from ..factories import TEST_PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
LINES = [("847130", "Portable computers, 14 inch", "DE", "200", "pcs", "420", "42000", "Lot-E2E-1"),
         ("950300", "Building-block toys", "DE", "800", "sets", "640", "12800", "Lot-E2E-2")]


def log_in(page, username, password=TEST_PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"log-in as {username} failed: {page.inner_text('main')[:300]}"


def log_out(page):
    page.click("header form[action$='/logout/'] button")
    page.wait_for_load_state("networkidle")


def switch_language(page, code):
    """Click the header's language switch (English / 中文) and wait for the page to come back."""
    page.click(f".lang-switch button[value='{code}']")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == code, page.url


def main_text(page) -> str:
    return page.inner_text("main")


def assert_language(page, code):
    """The page's <html lang> and its visible chrome are in ``code``: Chinese has CJK text, English little."""
    assert page.locator("html").get_attribute("lang") == code
    chrome = page.inner_text("header") + page.inner_text("footer") + page.inner_text("main h1") if page.locator(
        "main h1").count() else page.inner_text("header") + page.inner_text("footer")
    if code == "en":
        # Data (names of Chinese enterprises, goods) may stay Chinese; headings, navigation and footer may not.
        leftovers = [c for c in CJK.findall(page.inner_text("header nav") if page.locator("header nav").count()
                                            else "")]
        assert not leftovers, f"untranslated navigation on {page.url}: {''.join(leftovers)}"
        assert "Inspection" in chrome or "CIQ" in chrome
    else:
        assert CJK.search(chrome), f"no Chinese on {page.url}"


def both_languages(page, shots, name):
    """Screenshot the page in Chinese, switch it to English (checked), screenshot, switch back (checked)."""
    assert_language(page, "zh-hans")
    shots(page, f"{name}-zh")
    switch_language(page, "en")
    assert_language(page, "en")
    shots(page, f"{name}-en")
    switch_language(page, "zh-hans")
    assert_language(page, "zh-hans")


def set_matrix(mode, supervisor):
    """Every cell that may hold ``mode`` holds it (very high risk and grade D stay supervised)."""
    cells = {tier: {grade: ("supervised" if tier == "very_high" or grade == "D" else mode) for grade in row}
             for tier, row in DEFAULT_CELLS.items()}
    if mode in ("declare", "verify"):
        cells["very_high"] = {grade: "supervised" for grade in cells["very_high"]}
    release_matrix_update(cells=cells, note=f"e2e: {mode}", actor=supervisor)
