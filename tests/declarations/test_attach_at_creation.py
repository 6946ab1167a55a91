"""Documents attached on the declaration's form itself: saved with the draft in one transaction, or not at all."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import Declaration, Document

from .conftest import PDF, header, line
from .test_views import _field_block, form_data

pytestmark = pytest.mark.django_db


def _stored_files() -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def _with_documents(*rows):
    data = form_data(**{"documents-TOTAL_FORMS": str(len(rows)), "documents-INITIAL_FORMS": "0"})
    for index, (kind, upload) in enumerate(rows):
        data[f"documents-{index}-kind"] = kind
        if upload is not None:
            data[f"documents-{index}-file"] = upload
    return data


def test_the_new_declaration_page_takes_documents(client, declarant_a):
    client.force_login(declarant_a)
    page = client.get("/declarations/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="documents-0-file"' in page
    response = client.post("/declarations/new/", _with_documents(
        ("invoice", SimpleUploadedFile("invoice.pdf", PDF, "application/pdf")), ("packing_list", None)))
    assert response.status_code == 302
    draft = Declaration.objects.get()
    assert list(draft.documents.values_list("kind", "original_name")) == [("invoice", "invoice.pdf")]
    assert draft.events.filter(kind="document_uploaded").count() == 1


def test_a_bad_document_keeps_nothing_and_says_which_file_to_pick_again(client, declarant_a):
    client.force_login(declarant_a)
    before = _stored_files()
    response = client.post("/declarations/new/", _with_documents(
        ("invoice", SimpleUploadedFile("invoice.pdf", PDF, "application/pdf")),
        ("packing_list", SimpleUploadedFile("list.pdf", b"<html>not a pdf</html>", "application/pdf"))),
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "only PDF, JPEG and PNG" in _field_block(page, "documents-1-file")
    assert "Choose “invoice.pdf” again" in _field_block(page, "documents-0-file")
    assert not Declaration.objects.exists() and not Document.objects.exists()
    assert _stored_files() == before


def test_a_failure_while_storing_removes_the_files_already_stored(declarant_a, enterprise_a, monkeypatch):
    from declarations.services import declaration_create
    from declarations.services import documents as document_services

    store = document_services.file_store
    calls = []

    def store_then_fail(record, file, **kwargs):
        calls.append(file.name)
        if len(calls) == 2:
            raise OSError("disk full")
        return store(record, file, **kwargs)

    monkeypatch.setattr(document_services, "file_store", store_then_fail)
    before = _stored_files()
    with pytest.raises(OSError):
        declaration_create(enterprise=enterprise_a, actor=declarant_a, lines=[line()], **header(), documents=[
            {"kind": "invoice", "file": SimpleUploadedFile("a.pdf", PDF)},
            {"kind": "packing_list", "file": SimpleUploadedFile("b.pdf", PDF)}])
    assert calls == ["a.pdf", "b.pdf"]
    assert not Declaration.objects.exists() and not Document.objects.exists()
    assert _stored_files() == before


def test_submit_from_the_form_files_and_submits_in_one_step(client, declarant_a, no_requirements):
    client.force_login(declarant_a)
    page = client.get("/declarations/new/").content.decode()
    assert 'formaction="/declarations/new/submit/"' in page
    response = client.post("/declarations/new/submit/", _with_documents(
        ("invoice", SimpleUploadedFile("invoice.pdf", PDF, "application/pdf"))))
    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/declarations/{declaration.pk}/"
    assert declaration.status != "draft" and declaration.documents.count() == 1


def test_submit_from_the_form_keeps_the_draft_and_marks_every_gap(client, declarant_a, no_requirements):
    client.force_login(declarant_a)
    response = client.post("/declarations/new/submit/", _with_documents(
        ("invoice", SimpleUploadedFile("invoice.pdf", PDF, "application/pdf")))
        | {"departure_country": "", "arrival_date": "", "lines-3-value": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    draft = Declaration.objects.get()
    assert draft.status == "draft" and draft.documents.count() == 1
    page = response.content.decode()
    for name in ("departure_country", "arrival_date", "lines-1-value"):
        assert "has-error" in _field_block(page, name), name
    assert f'action="/declarations/{draft.pk}/edit/"' in page and "invoice.pdf" in page
