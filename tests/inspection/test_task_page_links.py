"""From the inspection task, the officer opens what they need: the declaration, its documents (through the
declaration's own download, with its access checks) and the enterprise's earlier inspections."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.services import document_upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def task_with_document(declaration, officers, create_task, declarant_a):
    declaration.status = "submitted"
    declaration.save(update_fields=["status"])
    document = document_upload(declaration=declaration, kind="invoice", actor=declarant_a,
                               file=SimpleUploadedFile("invoice-42.pdf", PDF, content_type="application/pdf"))
    declaration.status = "awaiting_inspection"
    declaration.save(update_fields=["status"])
    return create_task(declaration), document


def test_the_officer_opens_the_consignments_documents_from_the_task(client, task_with_document):
    task, document = task_with_document
    client.force_login(task.assigned_to)
    html = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    url = f"/declarations/{task.declaration_id}/documents/{document.pk}/"
    assert f'<a href="{url}">invoice-42.pdf</a>' in html
    assert f'href="/declarations/{task.declaration_id}/"' in html
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_document_link_keeps_its_access_checks(client, task_with_document, declarant_b):
    task, document = task_with_document
    client.force_login(declarant_b)
    assert client.get(f"/declarations/{task.declaration_id}/documents/{document.pk}/").status_code == 404


def test_the_enterprise_history_links_to_each_earlier_inspection(client, declaration, make_declaration, officers,
                                                                 create_task):
    earlier = create_task(make_declaration())
    task = create_task(declaration)
    client.force_login(task.assigned_to)
    html = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert f'<a href="/inspection/tasks/{earlier.pk}/">{earlier.declaration.number}</a>' in html
    assert client.get(f"/inspection/tasks/{earlier.pk}/").status_code == 200
