import datetime

import pytest
from django.utils import timezone

from declarations.models import Declaration

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": "COSU1", "containers": "CSQU3054383",
            "arrival_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "departure_country": "AU", "inspection_place": "port", "trade_terms": "CIF",
            "lines-0-hs_code": "0306170000", "lines-0-description": "Shrimps", "lines-0-origin_country": "AU",
            "lines-0-quantity": "10", "lines-0-unit": "kg", "lines-0-value": "100", "lines-0-currency": "USD",
            "lines-3-hs_code": "3304990000", "lines-3-description": "Cream", "lines-3-origin_country": "FR",
            "lines-3-quantity": "5", "lines-3-unit": "pcs", "lines-3-value": "50", "lines-3-currency": "EUR"}
    data.update(extra)
    return data


def test_pages_flow(client, declarant_a, no_requirements):
    client.force_login(declarant_a)
    assert client.get("/declarations/").status_code == 200
    assert client.get("/declarations/new/").status_code == 200
    new_page = client.get("/declarations/new/").content.decode()
    assert 'name="lines-__prefix__-hs_code"' in new_page and 'name="lines-__prefix__-currency" value="USD"' in new_page
    response = client.post("/declarations/new/", form_data())
    d = Declaration.objects.get()
    assert response.status_code == 302 and d.lines.count() == 2
    page = client.get(f"/declarations/{d.pk}/").content.decode()
    assert d.number in page and "next-steps" in page
    assert client.post(f"/declarations/{d.pk}/edit/", form_data(vessel_voyage="V1")).status_code == 302
    client.post(f"/declarations/{d.pk}/submit/")
    d.refresh_from_db()
    assert d.status != "draft"


def test_form_errors_next_to_fields(client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/declarations/new/", form_data(**{"containers": "ABCU1234567", "lines-0-currency": "QQQ"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ISO 6346" in page and "ISO 4217" in page
    assert not Declaration.objects.exists()


def test_officer_all_list_and_actions(client, officer, declarant_a, enterprise_a, no_requirements):
    from declarations.services import declaration_create, declaration_submit

    from .conftest import header, line

    d = declaration_create(enterprise=enterprise_a, actor=declarant_a, lines=[line()], **header())
    declaration_submit(declaration=d, actor=declarant_a)
    client.force_login(officer)
    assert d.number in client.get("/declarations/all/").content.decode()
    # The declarant's guidance is theirs: the officer's page has the bureau's actions instead.
    page = client.get(f"/declarations/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You can withdraw it" not in page
    assert '<button class="button" type="submit">Request documents</button>' in page  # each button says what it does
    client.post(f"/declarations/{d.pk}/officer/request_documents/", {"message": "Send the certificate"})
    d.refresh_from_db()
    assert d.status == "awaiting_documents"
    client.force_login(declarant_a)
    page = client.get(f"/declarations/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send the certificate" in page and "Upload what the bureau asked for" in page
    client.post(f"/declarations/{d.pk}/answer/", {"message": "done"})
    d.refresh_from_db()
    assert d.status == "submitted"


def _field_block(page, name):
    """The markup of the partials/field.html block holding input ``name``."""
    at = page.index(f'name="{name}"')
    start = page.rindex('<div class="field', 0, at)
    end = page.index("</div>", at)
    return page[start:end]


def test_service_errors_sit_next_to_their_fields(client, declarant_a):
    client.force_login(declarant_a)
    data = form_data(**{"containers": "ABCU1234567", "lines-3-currency": "QQQ", "lines-TOTAL_FORMS": "4",
                        "lines-INITIAL_FORMS": "0"})
    response = client.post("/declarations/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "has-error" in _field_block(page, "containers") and "ISO 6346" in _field_block(page, "containers")
    # service line 1 (the second non-blank row) is the formset's row 3
    assert "ISO 4217" in _field_block(page, "lines-3-currency")
    assert "ISO 4217" not in _field_block(page, "lines-0-currency")
    assert 'name="lines-TOTAL_FORMS"' in page and 'value="4"' in page


def test_type_error_shown_without_calling_the_service(client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/declarations/new/", form_data(**{"lines-0-quantity": "ten"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "has-error" in _field_block(response.content.decode(), "lines-0-quantity")
    assert not Declaration.objects.exists()


def test_edit_form_prefilled_and_lines_replaced(client, declarant_a, make_draft):
    d = make_draft()
    client.force_login(declarant_a)
    page = client.get(f"/declarations/{d.pk}/edit/").content.decode()
    assert 'value="0306170000"' in page and 'name="lines-TOTAL_FORMS"' in page
    response = client.post(f"/declarations/{d.pk}/edit/", form_data())
    assert response.status_code == 302
    assert list(d.lines.values_list("hs_code", flat=True)) == ["0306170000", "3304990000"]


def test_submit_errors_shown_on_the_draft_form(client, declarant_a, make_draft, no_requirements):
    d = make_draft(arrival_date=None, bill_of_lading="")
    client.force_login(declarant_a)
    response = client.post(f"/declarations/{d.pk}/submit/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "has-error" in _field_block(page, "arrival_date") and "has-error" in _field_block(page, "bill_of_lading")
    assert f'action="/declarations/{d.pk}/edit/"' in page
    d.refresh_from_db()
    assert d.status == "draft"


def test_upload_error_next_to_the_file_field(client, declarant_a, make_draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = make_draft()
    client.force_login(declarant_a)
    response = client.post(f"/declarations/{d.pk}/documents/",
                           {"kind": "invoice", "file": SimpleUploadedFile("a.txt", b"hello")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "only PDF, JPEG and PNG" in _field_block(response.content.decode(), "file")
    assert not d.documents.exists()


def test_officer_reject_needs_a_message(client, officer, declarant_a, make_draft, no_requirements):
    from declarations.services import declaration_submit

    d = make_draft()
    declaration_submit(declaration=d, actor=declarant_a)
    client.force_login(officer)
    response = client.post(f"/declarations/{d.pk}/officer/reject/", {"reject-message": "  "},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "give the reason" in _field_block(response.content.decode(), "reject-message")
    d.refresh_from_db()
    assert d.status == "submitted"
    client.post(f"/declarations/{d.pk}/officer/hold/", {"hold-message": "Wait"})
    d.refresh_from_db()
    assert d.status == "on_hold"


def test_import_without_file_error_on_field(client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/declarations/import/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "has-error" in _field_block(response.content.decode(), "file")


def test_a_type_error_does_not_hide_the_other_errors(client, declarant_a):
    """One round of corrections: "abc" as a quantity is shown, on "Submit", beside every rule the rest of the form
    breaks, what only submission needs included."""
    client.force_login(declarant_a)
    response = client.post("/declarations/new/submit/", form_data(**{
        "lines-0-quantity": "abc", "lines-0-description": "", "containers": "ABCU1234567", "departure_country": "",
        "arrival_date": "not a date", "lines-3-currency": "QQQ"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    quantity = _field_block(page, "lines-0-quantity")
    assert "has-error" in quantity and quantity.count('class="error"') == 1
    assert "has-error" in _field_block(page, "arrival_date")
    assert "description: this field is required" in _field_block(page, "lines-0-description")
    assert "ISO 6346" in _field_block(page, "containers")
    assert "this field is required" in _field_block(page, "departure_country")
    assert "ISO 4217" in _field_block(page, "lines-3-currency")
    assert not Declaration.objects.exists()


def test_a_draft_is_saved_incomplete_from_its_form(client, declarant_a):
    """"Save draft" keeps what is typed so far; only what is wrong is refused."""
    client.force_login(declarant_a)
    response = client.post("/declarations/new/", {"port_of_entry": "NGB", "transport_mode": "sea",
                                                   "inspection_place": "port", "lines-0-description": "Shrimps",
                                                   "lines-0-currency": "USD"})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = Declaration.objects.get()
    assert draft.status == "draft" and draft.departure_country == "" and draft.arrival_date is None
    assert list(draft.lines.values_list("description", "hs_code", "quantity")) == [("Shrimps", "", None)]
    page = client.get(f"/declarations/{draft.pk}/edit/").content.decode()
    assert 'value="Shrimps"' in page


def test_saving_a_draft_names_what_is_wrong_not_what_is_missing(client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/declarations/new/", form_data(**{
        "lines-0-quantity": "abc", "lines-0-description": "", "departure_country": "", "lines-3-currency": "QQQ"}),
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "has-error" in _field_block(page, "lines-0-quantity")
    assert "ISO 4217" in _field_block(page, "lines-3-currency")
    assert "has-error" not in _field_block(page, "lines-0-description")
    assert "has-error" not in _field_block(page, "departure_country")
    assert not Declaration.objects.exists()
