"""A declarant without a mouse files and submits a declaration: log-in, the skip link, the new-declaration form with
every header field, two goods lines (one added and one removed again) and a document attached on the same form (the
file chooser opened with the Space key), and the submission from that form, then reads the release mode, all with
Tab, Shift-Tab, Enter, Space, the arrow keys and typing. Every stop of the focus must show a visible focus indicator
(tests/e2e/keyboard.py).

The key-walk is a few small steps (header, goods line, document) so that a change of the form changes one of them.
"""

from datetime import date, timedelta

import pytest
from django.utils import translation

from declarations.models import Declaration

from ..factories import TEST_PASSWORD
from .helpers import LINES, PDF, set_matrix
from .keyboard import activate, assert_visible_focus, choose, fill_by_tab, press, tab_to, type_date

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]

LINE_FIELDS = ("hs_code", "description", "origin_country", "quantity", "unit", "net_weight_kg", "gross_weight_kg",
               "value", "currency", "manufacturer_name", "lot_numbers")


def log_in_by_keyboard(page, username):
    page.goto("/accounts/login/")
    fill_by_tab(page, "input[name=username]", username)
    fill_by_tab(page, "input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, page.inner_text("main")[:300]


def skip_to_content(page):
    """The first Tab shows the skip link; Enter on it makes the next Tab land in the page's content, past the
    header's navigation."""
    press(page, "Tab")
    assert page.evaluate("document.activeElement.matches('.skip-link')"), "the first Tab is not the skip link"
    page.keyboard.press("Enter")
    press(page, "Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "the skip link does not skip the navigation"


def fill_header(page, arrival):
    fill_by_tab(page, "input[name=port_of_entry]", "NGB")
    choose(page, "select[name=transport_mode]", "sea")
    fill_by_tab(page, "input[name=vessel_voyage]", "MV E2E 002E")
    fill_by_tab(page, "input[name=bill_of_lading]", "BLKEY000001")
    fill_by_tab(page, "input[name=containers]", "CSQU3054383")
    type_date(page, "input[name=arrival_date]", arrival)
    fill_by_tab(page, "input[name=departure_country]", "DE")
    fill_by_tab(page, "input[name=use_of_goods]", "retail")
    choose(page, "select[name=inspection_place]", "port")
    fill_by_tab(page, "input[name=destination_office]", "NGB")
    fill_by_tab(page, "input[name=trade_terms]", "CIF")


def fill_line(page, index, line):
    """One goods line, from its HS code to its lot numbers (the UN number and class are for dangerous goods only:
    the walk passes them)."""
    hs, description, origin, quantity, unit, weight, value, lots = line
    values = (hs, description, origin, quantity, unit, weight, weight, value, "USD", "Maker GmbH", lots)
    for name, text in zip(LINE_FIELDS, values, strict=True):
        fill_by_tab(page, f"input[name='lines-{index}-{name}']", text)


def add_line(page) -> str:
    """Enter on "Add a goods line": the new line's first field takes the focus; its index is returned."""
    activate(page, "#add-line")
    stop = assert_visible_focus(page)
    assert stop["name"].endswith("-hs_code"), f"the new line did not take the focus: {stop}"
    return stop["name"].split("-")[1]


def attach_document(page, kind, name):
    """The document row of the form: its kind chosen with the arrow keys, the file chooser opened with Space."""
    choose(page, "select[name='documents-0-kind']", kind)
    tab_to(page, "input[name='documents-0-file']")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}])


def test_a_declarant_files_and_submits_a_declaration_by_keyboard_alone(browser_page, shots, declarant_a, supervisor,
                                                                       clearance_setup):
    set_matrix("declare", supervisor)
    page = browser_page
    log_in_by_keyboard(page, declarant_a.username)
    page.goto("/declarations/")
    skip_to_content(page)
    shots(page, "skip-link-used")
    activate(page, "main a[href$='/declarations/new/']", navigates=True)

    fill_header(page, date.today() + timedelta(days=2))
    fill_line(page, "0", LINES[0])
    second = add_line(page)
    fill_line(page, second, LINES[1])
    extra = add_line(page)  # one line too many, removed again: the focus goes back to "Add a goods line"
    activate(page, f"fieldset[data-index='{extra}'] [data-formset-remove]")
    assert page.locator("fieldset.goods-line").count() == len(LINES)
    assert assert_visible_focus(page)["id"] == "add-line", "removing a line lost the focus"
    tab_to(page, f"input[name='lines-{second}-lot_numbers']", backwards=True)
    assert page.evaluate("document.activeElement.value") == LINES[1][7]
    attach_document(page, "invoice", "invoice-keyboard.pdf")
    shots(page, "form-filled-by-keyboard")
    activate(page, "#submit-declaration", navigates=True)
    assert "/declarations/new/" not in page.url, page.locator(".error").all_inner_texts()
    shots(page, "submitted-by-keyboard")

    declaration = Declaration.objects.get(bill_of_lading="BLKEY000001")
    assert declaration.status != "draft" and declaration.release_mode == "declare", declaration.status
    assert declaration.lines.count() == len(LINES) and declaration.documents.count() == 1
    assert declaration.containers == ["CSQU3054383"] and declaration.destination_office == "NGB"
    with translation.override("zh-hans"):
        mode = str(declaration.get_release_mode_display())
    assert mode in page.inner_text("#next-steps"), page.inner_text("#next-steps")
