"""What three daily journeys cost their user, counted in a real browser: clicks (a button, a link, a choice from a
list, picking a file; typing is not counted) and pages loaded, from the user's home page after logging in.

The counts are printed and must not grow past the figures in README § Daily work (the issue's goal: a third fewer
than before the pages were reworked)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from declarations.models import Declaration

from .helpers import LINES, PDF, log_in, set_matrix

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]

# journey -> (clicks, page loads) at most
BUDGET = {
    "declarant files and submits a declaration": (5, 2),
    "declarant supplies a verify-release report": (2, 2),
    "officer releases a sample-release consignment": (2, 2),
}


@dataclass
class Journey:
    """A user's page that counts what the user does on it."""

    page: object
    name: str
    clicks: int = 0
    loads: int = 0
    steps: list = field(default_factory=list)

    def __post_init__(self):
        self.page.on("load", lambda _page: self._loaded())

    def _loaded(self):
        self.loads += 1

    def click(self, locator, why):
        self.clicks += 1
        self.steps.append(why)
        locator.click()
        self.page.wait_for_load_state("networkidle")

    def choose(self, locator, value, why):
        self.clicks += 1
        self.steps.append(why)
        locator.select_option(value)

    def attach(self, locator, files, why):
        self.clicks += 1
        self.steps.append(why)
        locator.set_input_files(files=files)

    def report(self, capsys):
        clicks, loads = BUDGET[self.name]
        with capsys.disabled():
            print(f"\n[journey] {self.name}: {self.clicks} clicks, {self.loads} page loads ({'; '.join(self.steps)})")
        assert self.clicks <= clicks and self.loads <= loads, (self.name, self.clicks, self.loads, BUDGET[self.name])


def _file_and_submit(page, capsys) -> int:
    journey = Journey(page, "declarant files and submits a declaration")
    journey.click(page.locator("main a[href$='/declarations/new/']").first, "new declaration")
    for name, value in (("port_of_entry", "NGB"), ("vessel_voyage", "MV E2E 001E"), ("bill_of_lading", "BLE2E0001"),
                        ("arrival_date", (date.today() + timedelta(days=2)).isoformat()),
                        ("departure_country", "DE"), ("use_of_goods", "retail"), ("trade_terms", "CIF")):
        page.fill(f"input[name={name}]", value)
    while page.locator("fieldset.goods-line").count() < len(LINES):
        before = page.locator("fieldset.goods-line").count()
        journey.click(page.locator("#add-line"), "add a goods line")
        page.wait_for_function(f"document.querySelectorAll('fieldset.goods-line').length > {before}")
    for (hs, desc, origin, qty, unit, weight, value, lots), fieldset in zip(
            LINES, page.locator("fieldset.goods-line").all(), strict=True):
        index = fieldset.get_attribute("data-index")
        for name, text in (("hs_code", hs), ("description", desc), ("origin_country", origin), ("quantity", qty),
                           ("unit", unit), ("net_weight_kg", weight), ("gross_weight_kg", weight),
                           ("value", value), ("currency", "USD"), ("manufacturer_name", "Maker GmbH"),
                           ("lot_numbers", lots)):
            page.fill(f"input[name='lines-{index}-{name}']", text)
    journey.choose(page.locator("select[name='documents-0-kind']"), "invoice", "document kind")
    journey.attach(page.locator("input[name='documents-0-file']"),
                   [{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}], "pick the file")
    journey.click(page.locator("#submit-declaration"), "submit")
    assert "/edit/" not in page.url and "/new/" not in page.url, page.locator(".error").all_inner_texts()
    journey.report(capsys)
    return Declaration.objects.filter(status__in=["submitted", "awaiting_documents", "awaiting_inspection",
                                                  "under_inspection", "released"]).latest("id").pk


def test_declarant_files_and_supplies_a_report(browser_page, clearance_setup, declarant_a, supervisor, capsys):
    set_matrix("verify", supervisor)
    page = browser_page
    log_in(page, declarant_a.username)
    pk = _file_and_submit(page, capsys)
    declaration = Declaration.objects.get(pk=pk)
    assert declaration.release_mode == "verify", declaration.release_mode

    page.goto("/")
    journey = Journey(page, "declarant supplies a verify-release report")
    journey.click(page.locator(f"main a:has-text('{declaration.number}')").first, "open the declaration")
    form = page.locator("form[action$='/report/']")
    if not form.count():
        journey.click(page.locator(f"main a[href$='/release/declarations/{pk}/']").first, "release details and steps")
    form.locator("[name=lab_accreditation_no]").fill(clearance_setup["lab"].accreditation_no)
    form.locator("[name=report_no]").fill("TR-E2E-0001")
    form.locator("[name=issued_on]").fill((date.today() - timedelta(days=5)).isoformat())
    form.locator("[name=hs_codes]").fill("847130 950300")
    if form.locator("[name=lot_numbers]").count():
        form.locator("[name=lot_numbers]").fill("Lot-E2E-1, Lot-E2E-2")
    form.locator("[name=results-0-test_item]").fill("lead")
    form.locator("[name=results-0-value]").fill("0.01")
    form.locator("[name=results-0-unit]").fill("mg/kg")
    journey.click(form.locator("button[type=submit]"), "send the report")
    journey.report(capsys)
    assert declaration.test_reports.count() == 1


def test_officer_releases_a_sample_release_consignment(browser_page, new_page, clearance_setup, declarant_a, officer,
                                                       supervisor, capsys):
    set_matrix("sample", supervisor)
    log_in(browser_page, declarant_a.username)
    pk = _file_and_submit(browser_page, capsys)
    declaration = Declaration.objects.get(pk=pk)
    assert declaration.release_mode == "sample", declaration.release_mode

    page = new_page()
    log_in(page, officer.username)
    journey = Journey(page, "officer releases a sample-release consignment")
    journey.click(page.locator(f"main tr:has-text('{declaration.number}') a").first, "open the task")
    claim = page.locator("form[action$='/claim/'] button")
    if claim.count():
        journey.click(claim, "claim")
    form = page.locator("form[action$='/samples/']")
    form.locator("[name=description]").fill("2 cartons, sealed")
    form.locator("[name=quantity]").fill("2")
    form.locator("[name=unit]").fill("carton")
    form.locator("[name=seal_no]").fill("SEAL-E2E-1")
    journey.click(form.locator("button[type=submit]"), "take the sample")
    journey.report(capsys)
    declaration.refresh_from_db()
    assert declaration.status == "released", declaration.status
