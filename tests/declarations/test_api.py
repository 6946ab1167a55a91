import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from declarations.choices import DeclarationStatus as S
from declarations.choices import DocumentKind
from declarations.models import Declaration, Document
from tests.factories import DeclarationFactory, GoodsLineFactory

from .conftest import PDF, line

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"


def body(**overrides):
    data = {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": "COSU6301234567",
            "containers": ["CSQU3054383"],
            "arrival_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "departure_country": "AU", "lines": [line() for _ in range(5)]}
    data.update(overrides)
    return data


def test_create_submit_flow(api_as, declarant_a, no_requirements):
    client = api_as(declarant_a)
    created = client.post(URL, body(), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert len(data["lines"]) == 5 and data["status"] == "draft" and "release_mode" in data
    pk = data["id"]
    upload = client.post(f"{URL}{pk}/documents/", {"kind": DocumentKind.INVOICE,
                                                    "file": SimpleUploadedFile("inv.pdf", PDF)}, format="multipart")
    assert upload.status_code == 201, upload.json()
    download = client.get(f"{URL}{pk}/documents/{upload.json()['id']}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    submitted = client.post(f"{URL}{pk}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] != "draft"
    events = client.get(f"{URL}{pk}/events/").json()
    assert [e["kind"] for e in events][:2] == ["created", "document_uploaded"]


def test_validation_error_body(api_as, declarant_a):
    response = api_as(declarant_a).post(URL, body(lines=[line(hs_code="12"), line(currency="XXX")]), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "lines.0.hs_code" in errors and "lines.1.currency" in errors
    assert not Declaration.objects.exists()


def test_lines_nested(api_as, declarant_a):
    client = api_as(declarant_a)
    pk = client.post(URL, body(lines=[line()]), format="json").json()["id"]
    added = client.post(f"{URL}{pk}/lines/", line(hs_code="3304990000"), format="json")
    assert added.status_code == 201
    patched = client.patch(f"{URL}{pk}/lines/{added.json()['id']}/", {"quantity": "7"}, format="json")
    assert patched.status_code == 200 and patched.json()["quantity"] == "7.000"
    assert client.delete(f"{URL}{pk}/lines/{added.json()['id']}/").status_code == 204
    assert len(client.get(f"{URL}{pk}/lines/").json()) == 1


class TestIdempotency:
    def test_same_key_same_body_replays(self, api_as, declarant_a):
        client = api_as(declarant_a)
        first = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        again = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        assert Declaration.objects.count() == 1

    def test_same_key_different_body_422(self, api_as, declarant_a):
        client = api_as(declarant_a)
        client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k2")
        other = client.post(URL, body(vessel_voyage="OTHER"), format="json", HTTP_IDEMPOTENCY_KEY="k2")
        assert other.status_code == 422
        assert Declaration.objects.count() == 1

    def test_key_private_to_enterprise(self, api_as, declarant_a, declarant_b):
        a = api_as(declarant_a).post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
        b = api_as(declarant_b).post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
        assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]
        assert Declaration.objects.count() == 2

    def test_submit_replays(self, api_as, declarant_a, no_requirements):
        client = api_as(declarant_a)
        pk = client.post(URL, body(), format="json").json()["id"]
        first = client.post(f"{URL}{pk}/submit/", format="json", HTTP_IDEMPOTENCY_KEY="s1")
        again = client.post(f"{URL}{pk}/submit/", format="json", HTTP_IDEMPOTENCY_KEY="s1")
        assert first.status_code == again.status_code == 200 and again.json() == first.json()
        assert Declaration.objects.get(pk=pk).events.filter(kind="submit").count() == 1


class TestTenancy:
    @pytest.fixture
    def a_decl(self, enterprise_a, declarant_a, tmp_path):
        from django.core.files.base import ContentFile

        from declarations.services import document_upload

        d = DeclarationFactory(enterprise=enterprise_a)
        GoodsLineFactory(declaration=d, line_no=1)
        document_upload(declaration=d, kind=DocumentKind.INVOICE, actor=declarant_a, file=ContentFile(PDF, "a.pdf"))
        return d

    def test_b_sees_nothing(self, api_as, declarant_b, a_decl):
        client = api_as(declarant_b)
        assert client.get(URL).json()["count"] == 0
        doc = a_decl.documents.get()
        line_pk = a_decl.lines.get().pk
        for method, url, data in [
            ("get", f"{URL}{a_decl.pk}/", None), ("patch", f"{URL}{a_decl.pk}/", {"vessel_voyage": "X"}),
            ("put", f"{URL}{a_decl.pk}/", {"vessel_voyage": "X"}), ("delete", f"{URL}{a_decl.pk}/", None),
            ("post", f"{URL}{a_decl.pk}/submit/", {}), ("post", f"{URL}{a_decl.pk}/withdraw/", {}),
            ("post", f"{URL}{a_decl.pk}/answer/", {}), ("get", f"{URL}{a_decl.pk}/events/", None),
            ("get", f"{URL}{a_decl.pk}/lines/", None), ("post", f"{URL}{a_decl.pk}/lines/", line()),
            ("patch", f"{URL}{a_decl.pk}/lines/{line_pk}/", {"quantity": "1"}),
            ("delete", f"{URL}{a_decl.pk}/lines/{line_pk}/", None),
            ("get", f"{URL}{a_decl.pk}/documents/", None),
            ("get", f"{URL}{a_decl.pk}/documents/{doc.pk}/download/", None),
        ]:
            response = getattr(client, method)(url, data, format="json")
            assert response.status_code == 404, (method, url, response.status_code)
        a_decl.refresh_from_db()
        assert a_decl.status == S.DRAFT and a_decl.vessel_voyage == "" and a_decl.lines.count() == 1
        assert Document.objects.filter(declaration=a_decl).count() == 1

    def test_b_pages_404(self, client, declarant_b, a_decl):
        client.force_login(declarant_b)
        doc = a_decl.documents.get()
        for url in [f"/declarations/{a_decl.pk}/", f"/declarations/{a_decl.pk}/edit/",
                    f"/declarations/{a_decl.pk}/documents/{doc.pk}/"]:
            assert client.get(url).status_code == 404, url
        for url in [f"/declarations/{a_decl.pk}/submit/", f"/declarations/{a_decl.pk}/withdraw/",
                    f"/declarations/{a_decl.pk}/delete/", f"/declarations/{a_decl.pk}/documents/"]:
            assert client.post(url).status_code == 404, url
        a_decl.refresh_from_db()
        assert a_decl.status == S.DRAFT
        assert a_decl.number not in client.get("/declarations/").content.decode()

    def test_officer_sees_all(self, api_as, officer, a_decl):
        assert api_as(officer).get(URL).json()["count"] == 1


def test_list_constant_queries(api_as, client, declarant_a, enterprise_a):
    for _ in range(30):
        d = DeclarationFactory(enterprise=enterprise_a)
        GoodsLineFactory(declaration=d, line_no=1)
    api = api_as(declarant_a)
    client.force_login(declarant_a)
    api.get(URL)
    client.get("/declarations/")
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL, {"page_size": size}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    page_counts = []
    for n in (3, 30):
        Declaration.objects.filter(pk__in=list(Declaration.objects.values_list("pk", flat=True)[n:])).update(
            port_of_entry="SHA")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/declarations/", {"port": "NGB"}).status_code == 200
        page_counts.append(len(ctx))
    assert page_counts[0] == page_counts[1]


def test_filters(api_as, declarant_a, enterprise_a):
    d1 = DeclarationFactory(enterprise=enterprise_a, port_of_entry="NGB")
    GoodsLineFactory(declaration=d1, line_no=1, hs_code="0306170000")
    d2 = DeclarationFactory(enterprise=enterprise_a, port_of_entry="SHA", status=S.SUBMITTED)
    GoodsLineFactory(declaration=d2, line_no=1, hs_code="3304990000")
    client = api_as(declarant_a)

    def numbers(**params):
        return {row["number"] for row in client.get(URL, params).json()["results"]}

    assert numbers(hs_code="0306") == {d1.number}
    assert numbers(port="sha") == {d2.number}
    assert numbers(status="submitted") == {d2.number}
    assert numbers(number=d1.number[-4:]) == {d1.number}
    ordered = [row["number"] for row in client.get(URL, {"sort": "number"}).json()["results"]]
    assert ordered == sorted(ordered)


def test_representation_fields_are_built_once_per_class_and_bound_to_each_serializer():
    from declarations.api.serializers import DeclarationSerializer

    first, second = DeclarationSerializer(), DeclarationSerializer()
    assert list(first.fields) == list(second.fields) == DeclarationSerializer.Meta.fields
    assert first.fields["lines"] is not second.fields["lines"]
    assert first.fields["lines"].parent is first and second.fields["number"].parent is second


@pytest.mark.parametrize(("name", "expected"), [("x.html", "x.pdf"), ("invoice.PDF", "invoice.PDF"),
                                                ("noextension", "noextension.pdf"), (".htaccess", ".htaccess.pdf")])
def test_a_document_downloads_with_the_extension_of_its_bytes(api_as, declarant_a, name, expected):
    client = api_as(declarant_a)
    pk = client.post(URL, body(lines=[line()]), format="json").json()["id"]
    upload = client.post(f"{URL}{pk}/documents/", {"kind": DocumentKind.INVOICE,
                                                    "file": SimpleUploadedFile(name, PDF)}, format="multipart")
    assert upload.status_code == 201 and upload.json()["original_name"] == expected
    Document.objects.filter(pk=upload.json()["id"]).update(original_name=name)  # stored before names were checked
    download = client.get(f"{URL}{pk}/documents/{upload.json()['id']}/download/")
    assert f'filename="{expected}"' in download["Content-Disposition"]
