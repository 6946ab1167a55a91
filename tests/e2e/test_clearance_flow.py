"""End to end in a real browser (Playwright + Debian's chromium, live server on PostgreSQL), once per release mode:

a declarant logs in, files a declaration with two goods lines and a document, submits it and sees the release
mode; the mode's steps are done by the people who do them (verify: the declarant supplies a third-party report
and an officer verifies it; sample: an officer claims the task, takes a sample and releases; supervised: an
officer claims the task, records findings and a sample and concludes); the declarant downloads the certificate;
the trace page opens from the link the QR code encodes; a supervisor opens the dashboard and reads the consignment's
time per stage (the Time Release Study). Every page is checked
in Chinese, switched to English and back. Screenshots of each step go to the folder the test prints.

The mode is chosen by the supervisor's matrix (set for the test), and the random control sample is off (ratio 0):
otherwise a declare- or verify-release could be drawn for inspection at random and change the flow.
"""

import re
from datetime import date, timedelta

import pytest

from release.services import release_stats_refresh
from release.stages import STAGE_NAMES

from ..factories import TEST_PASSWORD
from .helpers import LINES, PDF, both_languages, log_in, log_out, set_matrix

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]

MODE_LABEL = {"declare": "Declare-release", "verify": "Verify-release", "sample": "Sample-release",
              "supervised": "Supervised-release"}


def file_declaration(page, shots):
    page.goto("/declarations/")
    both_languages(page, shots, "declarant-list")
    page.goto("/declarations/new/")
    page.fill("input[name=port_of_entry]", "NGB")
    page.fill("input[name=vessel_voyage]", "MV E2E 001E")
    page.fill("input[name=bill_of_lading]", "BLE2E000001")
    page.fill("input[name=arrival_date]", (date.today() + timedelta(days=2)).isoformat())
    page.fill("input[name=departure_country]", "DE")
    page.fill("input[name=use_of_goods]", "retail")
    page.fill("input[name=trade_terms]", "CIF")
    while page.locator("fieldset.goods-line").count() < len(LINES):
        before = page.locator("fieldset.goods-line").count()
        page.click("#add-line")
        page.wait_for_function(f"document.querySelectorAll('fieldset.goods-line').length > {before}")
    page.click("#add-line")  # one row too many, removed again: the saved draft has no gap or blank line
    page.locator("fieldset.goods-line").last.locator("[data-formset-remove]").click()
    assert page.locator("fieldset.goods-line").count() == len(LINES)
    for (hs, desc, origin, qty, unit, weight, value, lots), fieldset in zip(
            LINES, page.locator("fieldset.goods-line").all(), strict=True):
        index = fieldset.get_attribute("data-index")
        for name, text in (("hs_code", hs), ("description", desc), ("origin_country", origin), ("quantity", qty),
                           ("unit", unit), ("net_weight_kg", weight), ("gross_weight_kg", weight),
                           ("value", value), ("currency", "USD"), ("manufacturer_name", "Maker GmbH"),
                           ("lot_numbers", lots)):
            page.fill(f"input[name='lines-{index}-{name}']", text)
    shots(page, "declaration-form-filled")
    page.click("#save-draft")
    page.wait_for_load_state("networkidle")
    match = re.search(r"/declarations/(\d+)/$", page.url)
    assert match, f"the draft was not saved: {page.url}: {page.locator('.error').all_inner_texts()}"
    shots(page, "draft-saved")
    upload = page.locator("form[action$='/documents/']")
    upload.locator("select[name=kind]").select_option("invoice")
    upload.locator("input[name=file]").set_input_files(
        files=[{"name": "invoice-e2e.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    upload.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "invoice-e2e.pdf" in page.inner_text("main"), page.inner_text("main")[:800]
    assert page.locator("fieldset.goods-line").count() == 0
    assert all(desc in page.inner_text("main") for _, desc, *_ in LINES)
    shots(page, "document-uploaded")
    page.click("form[action$='/submit/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    shots(page, "submitted")
    return int(match.group(1))


def declaration_mode(page, pk):
    page.goto(f"/declarations/{pk}/")
    from .helpers import switch_language

    switch_language(page, "en")
    text = page.inner_text("#next-steps")
    switch_language(page, "zh-hans")
    return text


def officer_takes_task(officer_page, shots, number):
    officer_page.goto("/inspection/")
    both_languages(officer_page, shots, "officer-queue")
    officer_page.click(f"main tr:has-text('{number}') a")
    officer_page.wait_for_load_state("networkidle")
    claim = officer_page.locator("form[action$='/claim/'] button")
    if claim.count():
        claim.click()
        officer_page.wait_for_load_state("networkidle")
    shots(officer_page, "officer-task-claimed")
    both_languages(officer_page, shots, "officer-task")
    return officer_page.url


def officer_samples(officer_page, shots):
    form = officer_page.locator("form[action$='/samples/']")
    form.locator("[name=description]").fill("2 cartons, sealed")
    form.locator("[name=quantity]").fill("2")
    form.locator("[name=unit]").fill("carton")
    form.locator("[name=seal_no]").fill("SEAL-E2E-1")
    form.locator("button[type=submit]").click()
    officer_page.wait_for_load_state("networkidle")
    assert "SEAL-E2E-1" in officer_page.inner_text("main"), officer_page.inner_text("main")[:600]
    shots(officer_page, "officer-sample-taken")


def declarant_gets_certificate_and_trace(page, new_page, shots, pk, mode):
    page.goto(f"/release/declarations/{pk}/")
    both_languages(page, shots, "declarant-release-decision")
    page.click("main a.button[href*='/release/releases/']")
    page.wait_for_load_state("networkidle")
    both_languages(page, shots, "declarant-release")
    # The link serves the PDF inline (the browser's viewer would show it): fetched with the browser's own session.
    href = page.locator("a[href$='.pdf']").first.get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"].startswith("application/pdf"), response.status
    assert response.body()[:5] == b"%PDF-", "the certificate is not a PDF"
    (shots.folder / "certificate.pdf").write_bytes(response.body())
    shots(page, "certificate-downloaded")
    trace_url = page.locator(".qr-inline + p a, section a[href*='/t/']").first.get_attribute("href")
    svg = page.locator(".qr-inline svg").first.evaluate("e => e.outerHTML")
    from release.certificates import qr_svg

    expected = re.search(r' d="([^"]+)"', qr_svg(trace_url)).group(1)
    assert re.search(r' d="([^"]+)"', svg).group(1) == expected, "the QR code does not encode the trace link"
    public = new_page()
    public.goto(trace_url)
    public.wait_for_load_state("networkidle")
    assert public.url.rstrip("/").endswith(trace_url.rstrip("/").split("/", 3)[3])
    both_languages(public, shots, "public-trace-page")
    from .helpers import switch_language

    switch_language(public, "en")
    assert MODE_LABEL[mode] in public.inner_text("main")
    switch_language(public, "zh-hans")


@pytest.mark.parametrize("mode", ["declare", "verify", "sample", "supervised"])
def test_clearance_in_the_browser(mode, browser_page, new_page, shots, clearance_setup, declarant_a, officer,
                                  supervisor, live_server):
    from declarations.models import Declaration

    set_matrix(mode, supervisor)
    page = browser_page
    log_in(page, declarant_a.username)
    both_languages(page, shots, "declarant-home")
    pk = file_declaration(page, shots)
    declaration = Declaration.objects.get(pk=pk)
    assert declaration.lines.count() == 2 and declaration.documents.count() == 1
    next_steps = declaration_mode(page, pk)
    assert MODE_LABEL[mode] in next_steps, f"expected {mode}: {next_steps}\n(status {declaration.status})"
    both_languages(page, shots, "declarant-sees-mode")

    if mode != "declare":
        officer_page = new_page()
        log_in(officer_page, officer.username, TEST_PASSWORD)
    if mode == "verify":
        # The report is asked for, and supplied, on the declaration's own page, where it says what to do next.
        page.goto(f"/declarations/{pk}/")
        form = page.locator("#next-steps form[action$='/report/']")
        form.locator("[name=lab_accreditation_no]").fill(clearance_setup["lab"].accreditation_no)
        form.locator("[name=report_no]").fill("TR-E2E-0001")
        form.locator("[name=issued_on]").fill((date.today() - timedelta(days=5)).isoformat())
        form.locator("[name=hs_codes]").fill("847130 950300")
        if form.locator("[name=lot_numbers]").count():
            form.locator("[name=lot_numbers]").fill("Lot-E2E-1, Lot-E2E-2")
        form.locator("[name=results-0-test_item]").fill("lead")
        form.locator("[name=results-0-value]").fill("0.01")
        form.locator("[name=results-0-unit]").fill("mg/kg")
        form.locator("[data-formset-add]").click()  # a second result row, added without a page reload
        form.locator("[name=results-1-test_item]").fill("phthalates")
        form.locator("[name=results-1-value]").fill("0.02")
        form.locator("[name=results-1-unit]").fill("%")
        shots(page, "declarant-supplies-report")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        shots(page, "report-supplied")
        assert page.url.endswith(f"/declarations/{pk}/") and "TR-E2E-0001" in page.inner_text("#next-steps")
        assert [(r["test_item"], r["value"]) for r in declaration.test_reports.get().results] == [
            ("lead", "0.01"), ("phthalates", "0.02")]
        officer_page.goto("/release/verification/")
        both_languages(officer_page, shots, "officer-verification-queue")
        officer_page.goto(f"/release/declarations/{pk}/")
        verify = officer_page.locator("form[action*='/verify/']")
        verify.locator("input[name=decision][value=accept]").check()
        shots(officer_page, "officer-verifies")
        verify.locator("button[type=submit]").click()
        officer_page.wait_for_load_state("networkidle")
    elif mode == "sample":
        number = declaration.number
        officer_takes_task(officer_page, shots, number)
        officer_samples(officer_page, shots)
        officer_page.goto(f"/release/declarations/{pk}/")
        both_languages(officer_page, shots, "officer-release-decision")
        # Released right after sampling: by taking the sample itself, or by the desk's "release now" button.
        release_now = officer_page.locator("form[action$='/sample-release/'] button")
        if release_now.count():
            release_now.click()
            officer_page.wait_for_load_state("networkidle")
        shots(officer_page, "officer-sample-released")
    elif mode == "supervised":
        number = declaration.number
        officer_takes_task(officer_page, shots, number)
        findings = officer_page.locator("form[action$='/findings/']")
        findings.locator("[name=findings]").fill("Goods match the declaration; markings and packaging in order.")
        findings.locator("button[type=submit]").click()
        officer_page.wait_for_load_state("networkidle")
        officer_samples(officer_page, shots)
        officer_page.goto(f"/release/declarations/{pk}/")
        conclude = officer_page.locator("form[action$='/conclude/']")
        conclude.locator("input[name=conclusion][value=conform]").check()
        shots(officer_page, "officer-concludes")
        conclude.locator("button[type=submit]").click()
        officer_page.wait_for_load_state("networkidle")
        shots(officer_page, "officer-concluded")

    declaration.refresh_from_db()
    assert declaration.status == "released", f"{mode}: the declaration is {declaration.status}, not released"
    assert declaration.release_mode == mode
    declarant_gets_certificate_and_trace(page, new_page, shots, pk, mode)
    log_out(page)

    release_stats_refresh()  # the dashboard's summary rows, as the refresh queued by the release makes them
    boss = new_page()
    log_in(boss, supervisor.username)
    boss.goto("/release/dashboard/")
    stage_rows = boss.locator("#stages tbody tr")
    assert stage_rows.count() == len(STAGE_NAMES)
    released = stage_rows.nth(STAGE_NAMES.index("released")).locator("td")
    assert int(released.last.inner_text()) >= 1, "the time to release of the consignment is on the dashboard"
    assert released.nth(1).inner_text() != "—"
    both_languages(boss, shots, "supervisor-dashboard")
    assert not page.js_errors, page.js_errors
