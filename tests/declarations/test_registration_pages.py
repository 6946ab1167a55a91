import datetime

import pytest
from django.utils import timezone

from declarations import services
from declarations.models import Registration

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def apply_data(**extra):
    today = timezone.localdate()
    data = {"kind": "manufacturer_registration", "manufacturer_name": "Dermalys SA", "registration_number": "FR-1",
            "categories": ["cosmetics", "food"], "valid_from": today.isoformat(),
            "valid_until": (today + datetime.timedelta(days=365)).isoformat(), "note": "scan attached by mail"}
    data.update(extra)
    return data


def make(enterprise, actor, **kw):
    today = timezone.localdate()
    return services.registration_apply(enterprise=enterprise, actor=actor, kind="importer_filing",
                                       valid_from=today, valid_until=today + datetime.timedelta(days=30), **kw)


def test_declarant_applies_and_sees_status(client, declarant_a, enterprise_a):
    client.force_login(declarant_a)
    assert client.get("/declarations/registrations/", **EN).status_code == 200
    assert client.get("/declarations/registrations/apply/", **EN).status_code == 200
    response = client.post("/declarations/registrations/apply/", apply_data())
    registration = Registration.objects.get()
    assert response.status_code == 302 and registration.enterprise == enterprise_a
    assert registration.categories == ["cosmetics", "food"] and registration.status == "pending"
    page = client.get("/declarations/registrations/", **EN).content.decode()
    assert "Dermalys SA" in page and "Pending" in page and "Cosmetics" in page
    assert "Dermalys SA" in client.get(f"/declarations/registrations/{registration.pk}/", **EN).content.decode()


def test_service_errors_next_to_fields(client, declarant_a):
    client.force_login(declarant_a)
    today = timezone.localdate()
    before = (today - datetime.timedelta(days=1)).isoformat()
    response = client.post("/declarations/registrations/apply/", apply_data(manufacturer_name="", valid_until=before),
                           **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "required for a manufacturer registration" in page and "must not be before" in page
    assert page.count("has-error") >= 2
    assert not Registration.objects.exists()


def test_other_enterprise_registration_is_404(client, declarant_a, declarant_b, enterprise_a, enterprise_b):
    theirs = make(enterprise_b, declarant_b, registration_number="B-SECRET")
    client.force_login(declarant_a)
    assert client.get(f"/declarations/registrations/{theirs.pk}/").status_code == 404
    assert "B-SECRET" not in client.get("/declarations/registrations/").content.decode()
    assert client.post(f"/declarations/registrations/{theirs.pk}/approve/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_officer_approves_refuses_suspends(client, officer, declarant_a, enterprise_a):
    first, second = make(enterprise_a, declarant_a), make(enterprise_a, declarant_a)
    client.force_login(officer)
    page = client.get("/declarations/registrations/", **EN).content.decode()  # pending first
    assert f"/declarations/registrations/{first.pk}/" in page
    detail = client.get(f"/declarations/registrations/{first.pk}/", **EN).content.decode()
    assert "/approve/" in detail and "/refuse/" in detail and "/suspend/" not in detail
    assert client.post(f"/declarations/registrations/{first.pk}/approve/", {"note": "ok"}).status_code == 302
    assert client.post(f"/declarations/registrations/{second.pk}/refuse/").status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.note, second.status) == ("approved", "ok", "refused")
    # a move not allowed from the current state: the page again with the service's message (400)
    response = client.post(f"/declarations/registrations/{second.pk}/suspend/", **EN)
    assert response.status_code == 400 and "not allowed" in response.content.decode()
    assert client.post(f"/declarations/registrations/{first.pk}/suspend/").status_code == 302
    first.refresh_from_db()
    assert first.status == "suspended"
    assert client.post(f"/declarations/registrations/{first.pk}/delete/").status_code == 403


def test_declarant_cannot_decide(client, declarant_a, enterprise_a):
    mine = make(enterprise_a, declarant_a)
    client.force_login(declarant_a)
    assert "/approve/" not in client.get(f"/declarations/registrations/{mine.pk}/").content.decode()
    assert client.post(f"/declarations/registrations/{mine.pk}/approve/").status_code == 403
    mine.refresh_from_db()
    assert mine.status == "pending"


def test_officer_cannot_apply(client, officer):
    client.force_login(officer)
    assert client.get("/declarations/registrations/apply/").status_code == 403


def test_documents_filed_with_the_application_and_later(client, declarant_a, declarant_b, enterprise_b, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF

    client.force_login(declarant_a)
    response = client.post("/declarations/registrations/apply/",
                           apply_data(file=SimpleUploadedFile("licence.pdf", PDF, "application/pdf")))
    registration = Registration.objects.get()
    assert response.status_code == 302 and registration.documents.count() == 1
    detail = client.get(f"/declarations/registrations/{registration.pk}/", **EN).content.decode()
    assert "licence.pdf" in detail
    document = registration.documents.get()
    url = f"/declarations/registrations/{registration.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 200
    # a bad file: the message next to the file field, nothing stored
    response = client.post(f"/declarations/registrations/{registration.pk}/documents/",
                           {"title": "scan", "file": SimpleUploadedFile("x.txt", b"hello")}, **EN)
    assert response.status_code == 400 and "only PDF, JPEG and PNG" in response.content.decode()
    assert registration.documents.count() == 1
    # an application whose document is refused is not filed either
    response = client.post("/declarations/registrations/apply/",
                           apply_data(file=SimpleUploadedFile("x.txt", b"hello")), **EN)
    assert response.status_code == 400 and Registration.objects.count() == 1
    # another enterprise: 404 for the document and the upload
    client.force_login(declarant_b)
    assert client.get(url).status_code == 404
    assert client.post(f"/declarations/registrations/{registration.pk}/documents/",
                       {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 404
    assert registration.documents.count() == 1
    # the officer reads it
    client.force_login(officer)
    assert client.get(url).status_code == 200
