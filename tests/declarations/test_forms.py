import pytest
from django.core.exceptions import ValidationError

from ciq_portal.forms import errors_to_forms
from declarations.forms import DeclarationHeaderForm, DocumentUploadForm, line_formset

pytestmark = pytest.mark.django_db


def post(**extra):
    data = {"port_of_entry": "NGB", "transport_mode": "sea", "departure_country": "AU",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
            "lines-0-hs_code": "0306170000", "lines-0-description": "Shrimps", "lines-0-quantity": "10",
            "lines-1-currency": "USD",  # a blank row (the default currency alone)
            "lines-2-hs_code": "3304990000", "lines-2-description": "Cream", "lines-2-quantity": "5"}
    data.update(extra)
    return data


def test_forms_parse_types_only():
    header, formset = DeclarationHeaderForm(post(departure_country="ZZ")), line_formset(post())
    # "ZZ" is not a country, but the form does not judge that: the service does.
    assert header.is_valid() and formset.is_valid()
    lines, used = formset.lines()
    assert [line["hs_code"] for line in lines] == ["0306170000", "3304990000"]
    assert lines[0]["currency"] == "USD" and str(lines[0]["quantity"]) == "10"
    assert [form.prefix for form in used] == ["lines-0", "lines-2"]


def test_type_errors_stay_on_their_field():
    header, formset = DeclarationHeaderForm(post(arrival_date="31/02/2026")), line_formset(
        post(**{"lines-2-quantity": "five"}))
    assert not header.is_valid() and "arrival_date" in header.errors
    assert not formset.is_valid() and "quantity" in formset.forms[2].errors


def test_service_errors_mapped_onto_fields_and_lines():
    header, formset = DeclarationHeaderForm(post()), line_formset(post())
    assert header.is_valid() and formset.is_valid()
    _lines, used = formset.lines()
    exc = ValidationError({"containers": ["bad check digit"], "lines.1.hs_code": ["not in the nomenclature"],
                           "lines.0.manufacturer": ["no such field"], "documents": ["need an invoice"]})
    errors_to_forms(exc, header, line_forms=used)
    assert header.errors["containers"] == ["bad check digit"]
    # line 1 of the service is the third row of the formset (the blank row was skipped)
    assert formset.forms[2].errors["hs_code"] == ["not in the nomenclature"]
    assert formset.forms[0].non_field_errors() == ["no such field"]
    assert "need an invoice" in header.non_field_errors()


def test_message_only_validation_error_is_non_field():
    form = DocumentUploadForm({"kind": "invoice"})
    assert form.is_valid()
    errors_to_forms(ValidationError("Closed."), form)
    assert form.non_field_errors() == ["Closed."]


def test_post_without_management_form_is_read_by_row_numbers():
    data = {k: v for k, v in post().items() if "FORMS" not in k}
    formset = line_formset(data)
    assert formset.is_valid() and len(formset.forms) == 3
