import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings

from ciq_portal.models import AuditEntry
from ciq_portal.reference import reference_forget
from declarations import services
from declarations.choices import DeclarationStatus as S
from declarations.choices import DocumentKind, ReleaseMode
from declarations.models import Declaration, DeclarationEvent, DocumentRequirement, HSCode
from declarations.reference import is_valid_container

from .conftest import PDF, PNG, line

pytestmark = pytest.mark.django_db


def test_hs_seed_covers_all_chapters():
    chapters = set(HSCode.objects.filter(code__regex=r"^\d{2}$").values_list("code", flat=True))
    assert chapters == {f"{n:02d}" for n in range(1, 98)}
    shrimp = HSCode.objects.get(code="0306")
    assert shrimp.category == "aquatic" and shrimp.name_en and shrimp.name_zh
    assert HSCode.objects.get(code="33").category == "cosmetics"


def test_container_check_digit():
    assert is_valid_container("CSQU3054383")
    assert is_valid_container("MSKU1234565")
    assert not is_valid_container("CSQU3054384")
    assert not is_valid_container("CSQ3054383")


def test_create_numbers_and_records(make_draft, declarant_a):
    first, second = make_draft(), make_draft()
    assert re.fullmatch(r"NGB\d{8}\d{6}", first.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert first.lines.count() == 1 and first.status == S.DRAFT
    assert DeclarationEvent.objects.filter(declaration=first, kind="created").exists()
    assert AuditEntry.objects.filter(action="declaration.create", object_id=str(first.pk)).exists()


@pytest.mark.parametrize("field,value,key", [
    ("hs_code", "9999999999", "lines.0.hs_code"),
    ("hs_code", "03A6", "lines.0.hs_code"),
    ("origin_country", "XX", "lines.0.origin_country"),
    ("currency", "ABC", "lines.0.currency"),
    ("quantity", "0", "lines.0.quantity"),
    ("quantity", "-5", "lines.0.quantity"),
    ("value", "abc", "lines.0.value"),
    ("net_weight_kg", "2000", "lines.0.net_weight_kg"),
])
def test_line_validation_names_the_field(make_draft, field, value, key):
    from django.utils import translation

    before = Declaration.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        make_draft(lines=[line(**{field: value})])
    assert key in exc.value.message_dict
    assert "Line 1" in exc.value.message_dict[key][0]
    assert Declaration.objects.count() == before


@pytest.mark.parametrize("field,value", [
    ("containers", ["CSQU3054384"]),
    ("departure_country", "QQ"),
    ("arrival_date", datetime.date(1999, 1, 1)),
    ("arrival_date", "not-a-date"),
    ("trade_terms", "XYZ"),
    ("port_of_entry", ""),
])
def test_header_validation(make_draft, field, value):
    with pytest.raises(ValidationError) as exc:
        make_draft(**{field: value})
    assert field in exc.value.message_dict


def test_a_missing_country_of_departure_is_called_missing_at_submission(make_draft, declarant_a, no_requirements):
    from django.utils import translation

    draft = make_draft(departure_country="")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=draft, actor=declarant_a)
    assert exc.value.message_dict["departure_country"] == ["Country of departure: this field is required."]


def test_a_draft_is_saved_incomplete_and_submission_names_every_gap(make_draft, declarant_a, no_requirements):
    """A draft may lack what only submission needs; submission then names every gap in one answer."""
    from django.utils import translation

    draft = make_draft(departure_country="", arrival_date=None,
                       lines=[{"description": "Frozen shrimps"}, {"hs_code": "0306170000", "quantity": "5"}])
    first, second = draft.lines.order_by("line_no")
    assert first.quantity is None and first.value is None and first.hs_code == "" and second.quantity == 5
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=draft, actor=declarant_a)
    errors = exc.value.message_dict
    assert {"departure_country", "arrival_date", "lines.0.hs_code", "lines.0.quantity", "lines.0.value",
            "lines.0.unit", "lines.0.origin_country", "lines.1.description", "lines.1.value"} <= set(errors), errors
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_draft_still_refuses_what_is_wrong(make_draft):
    """Incomplete is not wrong: a value given must still be right."""
    with pytest.raises(ValidationError) as exc:
        make_draft(departure_country="QQ", lines=[{"hs_code": "12", "origin_country": "XX", "quantity": "-1"}])
    assert {"departure_country", "lines.0.hs_code", "lines.0.origin_country", "lines.0.quantity"} <= set(
        exc.value.message_dict)
    assert not Declaration.objects.exists()


def test_translated_message(make_draft):
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            make_draft(lines=[line(currency="ABC")])
    assert "ISO 4217" in exc.value.message_dict["lines.0.currency"][0]
    assert "币" in exc.value.message_dict["lines.0.currency"][0]


def test_update_replaces_lines_and_only_drafts(make_draft, declarant_a, no_requirements):
    draft = make_draft()
    services.declaration_update(declaration=draft, actor=declarant_a, lines=[line(), line(hs_code="3304990000")],
                                vessel_voyage="X 1")
    assert list(draft.lines.values_list("line_no", flat=True)) == [1, 2]
    services.declaration_submit(declaration=draft, actor=declarant_a)
    with pytest.raises(ValidationError):
        services.declaration_update(declaration=draft, actor=declarant_a, vessel_voyage="Y")
    with pytest.raises(ValidationError):
        services.declaration_delete(declaration=draft, actor=declarant_a)


def test_goods_line_services(make_draft, declarant_a):
    draft = make_draft()
    added = services.goods_line_add(declaration=draft, actor=declarant_a, **line(hs_code="3304990000"))
    assert added.line_no == 2
    services.goods_line_update(line=added, actor=declarant_a, quantity="5")
    added.refresh_from_db()
    assert added.quantity == 5
    services.goods_line_delete(line=added, actor=declarant_a)
    assert draft.lines.count() == 1


def test_delete_draft(make_draft, declarant_a):
    draft = make_draft()
    services.declaration_delete(declaration=draft, actor=declarant_a)
    assert not Declaration.objects.filter(pk=draft.pk).exists()


def test_submit_requires_lines_and_documents(make_draft, declarant_a):
    empty = make_draft(lines=[])
    with pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=empty, actor=declarant_a)
    assert "lines" in exc.value.message_dict
    DocumentRequirement.objects.create(category="aquatic", kind=DocumentKind.HEALTH_CERTIFICATE)
    reference_forget(services.DOCUMENT_RULES_KEY)  # written to the table directly: this process forgets its copy
    draft = make_draft()
    with pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=draft, actor=declarant_a)
    assert "documents" in exc.value.message_dict
    services.document_upload(declaration=draft, kind=DocumentKind.HEALTH_CERTIFICATE, actor=declarant_a,
                             file=ContentFile(PDF, name="cert.pdf"))
    done = services.declaration_submit(declaration=draft, actor=declarant_a)
    assert done.status == S.SUBMITTED and done.submitted_at


def test_lifecycle_moves_write_events_and_audit(make_draft, declarant_a, officer, no_requirements):
    d = make_draft()
    services.declaration_submit(declaration=d, actor=declarant_a)
    services.declaration_request_documents(declaration=d, actor=officer, message="Send the health certificate",
                                           kinds=[DocumentKind.HEALTH_CERTIFICATE])
    services.declaration_answer(declaration=d, actor=declarant_a, message="Uploaded")
    services.declaration_hold(declaration=d, actor=officer, message="Bulletin check")
    services.declaration_await_inspection(declaration=d, actor=None)
    services.declaration_start_inspection(declaration=d, actor=officer)
    d = services.declaration_release(declaration=d, actor=officer, release_mode=ReleaseMode.SAMPLE)
    assert d.status == S.RELEASED and d.release_mode == ReleaseMode.SAMPLE and d.released_at
    kinds = list(d.events.values_list("kind", flat=True))
    assert kinds == ["created", "submit", "request_documents", "answer", "hold", "await_inspection",
                     "start_inspection", "release"]
    actions = set(AuditEntry.objects.filter(object_id=str(d.pk)).values_list("action", flat=True))
    assert {"declaration.submit", "declaration.release", "declaration.hold"} <= actions
    with pytest.raises(ValidationError):
        services.declaration_withdraw(declaration=d, actor=declarant_a)


def test_roles_enforced_by_services(make_draft, declarant_a, officer, no_requirements):
    d = make_draft()
    with pytest.raises(ValidationError):
        services.declaration_release(declaration=d, actor=officer, release_mode=ReleaseMode.DECLARE)
    services.declaration_submit(declaration=d, actor=declarant_a)
    with pytest.raises(ValidationError):
        services.declaration_release(declaration=d, actor=declarant_a, release_mode=ReleaseMode.DECLARE)
    with pytest.raises(ValidationError):
        services.declaration_withdraw(declaration=d, actor=officer)
    services.declaration_withdraw(declaration=d, actor=declarant_a)
    d.refresh_from_db()
    assert d.status == S.WITHDRAWN


def test_other_declarant_cannot_act(make_draft, declarant_b):
    d = make_draft()
    with pytest.raises(ValidationError):
        services.declaration_update(declaration=d, actor=declarant_b, vessel_voyage="hack")
    d.refresh_from_db()
    assert d.vessel_voyage == ""


def test_document_sniffing_and_limit(make_draft, declarant_a):
    d = make_draft()
    doc = services.document_upload(declaration=d, kind=DocumentKind.INVOICE, actor=declarant_a,
                                   file=ContentFile(PNG, name="invoice.pdf"))
    assert doc.content_type == "image/png" and doc.size == len(PNG) and len(doc.sha256) == 64
    with pytest.raises(ValidationError) as exc:
        services.document_upload(declaration=d, kind=DocumentKind.INVOICE, actor=declarant_a,
                                 file=ContentFile(b"MZ\x90\x00 not a pdf", name="evil.pdf"))
    assert "file" in exc.value.message_dict
    with override_settings(DOCUMENT_MAX_BYTES=10):
        with pytest.raises(ValidationError):
            services.document_upload(declaration=d, kind=DocumentKind.INVOICE, actor=declarant_a,
                                     file=ContentFile(PDF, name="big.pdf"))
    assert d.documents.count() == 1


def test_duplicate_warning(make_draft, declarant_a, no_requirements):
    first = make_draft()
    services.declaration_submit(declaration=first, actor=declarant_a)
    second = make_draft()
    assert services.declaration_duplicates(declaration=second) == [first.number]
    other = make_draft(bill_of_lading="OTHER123")
    assert services.declaration_duplicates(declaration=other) == []
    done = services.declaration_submit(declaration=second, actor=declarant_a)
    assert done.events.get(kind="submit").data["duplicates"] == [first.number]


def test_the_move_after_submission_records_the_release_mode(make_draft, declarant_a, no_requirements):
    d = make_draft()
    services.declaration_submit(declaration=d, actor=declarant_a)
    d = services.declaration_request_documents(declaration=d, actor=None, message="Test report, please.",
                                               kinds=["test_report"], release_mode=ReleaseMode.VERIFY)
    assert d.release_mode == ReleaseMode.VERIFY and d.status == S.AWAITING_DOCUMENTS
    with pytest.raises(ValidationError):
        services.declaration_hold(declaration=d, actor=None, release_mode="fast")


@pytest.mark.django_db(transaction=True)
def test_numbers_unique_under_concurrency(enterprise_a):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers anyway)")
    numbers, errors = [], []

    def work():
        try:
            for _ in range(10):
                numbers.append(services.declaration_number_next())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(numbers) == len(set(numbers)) == 40
