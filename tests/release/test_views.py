"""Pages: the public trace and verification pages show nothing private; certificates verify only when genuine
and unchanged; the dashboard, exports, PDF and the release pages keep to each user's scope."""

import io

import pytest
from django.utils import timezone

from release import services
from release.models import Certificate, Release

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db
SECRET_REASON = "Origin on a secret watch list"


@pytest.fixture
def released(hs, draw, enterprise_a, declarant_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(
        tier="low", score=12.345, reasons=[{"code": "watch", "label": SECRET_REASON, "weight": 17}]))
    release = Release.objects.get(declaration=declaration)
    services.distribution_record_add(release=release, buyer_name="Secret Buyer Ltd", buyer_contact="secret@buyer.cn",
                                     quantity="10", unit="kg", distributed_on=timezone.localdate(), actor=declarant_a)
    return release


PRIVATE = ["12000", "12,000", SECRET_REASON, "12.345", "Secret Buyer", "secret@buyer.cn", "watch list"]


def test_trace_page_shows_the_record_and_nothing_private(client, released):
    response = client.get(f"/t/{released.trace_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Frozen shrimps" in html and released.enterprise.name_zh in html and released.certificate.number in html
    for private in PRIVATE:
        assert private not in html, private
    assert "banner-recalled" not in html
    assert client.get(f"/t/{released.trace_code}/qr.svg").content.startswith(b"<svg")
    assert client.get("/t/not-a-real-trace-code/").status_code == 404


def test_recalled_banner(client, released, officer):
    services.recall_open(release=released, source="manual", reason="Labels wrong", actor=officer)
    html = client.get(f"/t/{released.trace_code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "banner-recalled" in html and "RECALLED" in html
    for private in PRIVATE:
        assert private not in html, private


def test_verification_genuine_unknown_and_tampered(client, released):
    certificate = released.certificate
    genuine = client.get(f"/verify/{certificate.number}/", {"s": certificate.signature})
    assert genuine.status_code == 200 and genuine.context["result"].valid
    html = genuine.content.decode()
    for private in PRIVATE:
        assert private not in html, private
    assert client.get(f"/verify/{certificate.number}/").context["result"].genuine  # without the signature
    # An unknown or altered number
    altered = certificate.number[:-1] + ("X" if certificate.number[-1] != "X" else "Y")
    assert not client.get(f"/verify/{altered}/").context["result"].genuine
    assert client.get("/verify/IQCNGB20990101ABCDEFGH/").status_code == 404
    # A forged signature in the QR code
    forged = client.get(f"/verify/{certificate.number}/", {"s": "A" * 86})
    assert forged.status_code == 404 and forged.context["result"].reason == "signature_mismatch"
    # Facts changed after issue (e.g. someone edits the quantity in the database)
    facts = dict(certificate.facts)
    facts["lines"] = [{**facts["lines"][0], "quantity": "99999"}]
    Certificate.objects.filter(pk=certificate.pk).update(facts=facts)
    tampered = client.get(f"/verify/{certificate.number}/", {"s": certificate.signature})
    assert tampered.status_code == 404 and tampered.context["result"].reason == "altered"
    api = client.get(f"/api/v1/certificates/{certificate.number}/verify/")
    assert api.status_code == 404 and api.json()["genuine"] is False


def test_certificate_pdf_in_scope_only(client, released, declarant_a, declarant_b):
    number = released.certificate.number
    client.force_login(declarant_b)
    assert client.get(f"/release/certificates/{number}.pdf").status_code == 404
    client.force_login(declarant_a)
    response = client.get(f"/release/certificates/{number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"STSong-Light" in response.content


def test_release_pages_tenancy(client, released, declarant_a, declarant_b):
    client.force_login(declarant_b)
    assert client.get(f"/release/releases/{released.pk}/").status_code == 404
    assert client.get(f"/release/declarations/{released.declaration_id}/").status_code == 404
    assert released.declaration.number not in client.get("/release/releases/").content.decode()
    response = client.post(f"/release/releases/{released.pk}/distribution/", {
        "buyer_name": "X", "quantity": "1", "unit": "kg", "distributed_on": str(timezone.localdate())})
    assert response.status_code == 404 and released.distributions.count() == 1
    client.force_login(declarant_a)
    page = client.get(f"/release/declarations/{released.declaration_id}/").content.decode()
    assert SECRET_REASON not in page and "12.345" not in page
    assert client.get(f"/release/releases/{released.pk}/").status_code == 200
    bad = client.post(f"/release/releases/{released.pk}/distribution/", {
        "buyer_name": "Shop", "quantity": "-1", "unit": "kg", "distributed_on": "2001-01-01"})
    assert bad.status_code == 400 and released.distributions.count() == 1


def test_switching_language_on_a_form_error_returns_to_the_form_page(client, released, declarant_a):
    client.force_login(declarant_a)
    page_url = f"http://testserver/release/releases/{released.pk}/"
    bad = client.post(f"/release/releases/{released.pk}/distribution/", {"buyer_name": "", "quantity": "-1"},
                      HTTP_REFERER=page_url)
    assert bad.status_code == 400
    assert f'name="next" type="hidden" value="{page_url}"' in bad.content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": page_url})
    assert switched.status_code == 302 and switched["Location"] == page_url


def test_partner_agency_users_do_not_get_the_release_pages(client, released, agency_user):
    client.force_login(agency_user)
    assert client.get(f"/release/releases/{released.pk}/").status_code == 403
    assert client.get("/release/releases/").status_code == 403
    response = client.post(f"/release/releases/{released.pk}/distribution/", {
        "buyer_name": "X", "quantity": "1", "unit": "kg", "distributed_on": str(timezone.localdate())})
    assert response.status_code == 403 and released.distributions.count() == 1


def test_recall_acknowledgement_by_token(client, released, officer):
    recall = services.recall_open(release=released, source="manual", reason="Labels wrong", actor=officer)
    notice = recall.notices.get()
    page = client.get(f"/recall/ack/{notice.token}/")
    assert page.status_code == 200 and "Secret Buyer Ltd" in page.content.decode()
    assert client.post(f"/recall/ack/{notice.token}/", {"by_name": ""}).status_code == 200
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    client.post(f"/recall/ack/{notice.token}/", {"by_name": "Li Lei", "note": "Shelves cleared"})
    notice.refresh_from_db()
    assert notice.acknowledged_by == "Li Lei"
    assert client.get("/recall/ack/wrong-token/").status_code == 404


def test_dashboard_pages_and_exports(client, released, supervisor, declarant_a):
    services.release_stats_refresh()
    client.force_login(declarant_a)
    assert client.get("/release/dashboard/").status_code == 403
    client.force_login(supervisor)
    page = client.get("/release/dashboard/")
    assert page.status_code == 200 and page.content.decode().count("<svg") >= 5
    csv = client.get("/release/dashboard/export.csv?grade=A")
    assert csv.status_code == 200 and "text/csv" in csv["Content-Type"]
    xlsx = client.get("/release/dashboard/export.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "releases" in workbook.sheetnames and "clearance" in workbook.sheetnames
    assert client.get("/release/dashboard/export.pdf").status_code == 404
    public = client.get("/public/statistics/")
    assert public.status_code == 200 and "<svg" in public.content.decode()
    assert client.get("/release/dashboard/?first=2026-02-01&last=2026-01-01").status_code == 200


def test_supervisor_home_is_the_dashboard(client, supervisor):
    from ciq_portal.navigation import home_url_for

    assert home_url_for(supervisor) == "/release/dashboard/"


def test_the_inspection_task_is_a_link_only_for_those_who_may_open_it(client, hs, draw, enterprise_a, officer,
                                                                      analyst, declarant_a):
    declaration = submitted_declaration(enterprise_a)
    decision = services.release_decide(declaration=declaration, actor=None,
                                       assessment=FakeAssessment(tier="high", force_inspection=True))
    link = f'href="/inspection/tasks/{decision.task_id}/"'
    for user, linked in ((officer, True), (analyst, False), (declarant_a, False)):
        client.force_login(user)
        page = client.get(f"/release/declarations/{declaration.pk}/").content.decode()
        assert (link in page) is linked, user.username


def test_resume_from_the_desk(client, hs, draw, enterprise_a, officer, declarant_a):
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low", hold=True))
    client.force_login(declarant_a)
    assert client.post(f"/release/declarations/{declaration.pk}/resume/").status_code == 403
    client.force_login(officer)
    assert "Lift the hold" in client.get(f"/release/declarations/{declaration.pk}/",
                                         HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(f"/release/declarations/{declaration.pk}/resume/", {"note": "ok"})
    declaration.refresh_from_db()
    assert declaration.status != "on_hold"


def test_sample_release_without_an_inspection_is_refused_in_words(client, hs, draw, enterprise_a, officer):
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low", hold=True))
    client.force_login(officer)
    response = client.post(f"/release/declarations/{declaration.pk}/sample-release/", HTTP_ACCEPT_LANGUAGE="en",
                           follow=True)
    assert "Take and seal a sample first." in response.content.decode()
    assert not Release.objects.filter(declaration=declaration).exists()


def test_bad_filters_never_fail(client, supervisor):
    client.force_login(supervisor)
    for url in ("/release/releases/?released_from=abc&mode=zzz", "/release/dashboard/?first=abc&grade=Q&basis=x",
                "/release/dashboard/export.csv?first=abc", "/release/recalls/?status=zzz",
                "/release/post-checks/?status=zzz", "/release/direct/?office=%00",
                "/api/v1/releases/?released_from=abc", "/verify/%20/", "/t/%00/", "/verify/%00/",
                "/recall/ack/%00/", "/release/certificates/%00.pdf", "/api/v1/certificates/%00/verify/",
                "/release/releases/?number=%00"):
        r = client.get(url)
        assert r.status_code < 500, (url, r.status_code)


def test_declarant_finds_certificate_and_trace_page_on_the_declaration(client, released, declarant_a):
    client.force_login(declarant_a)
    page = client.get(f"/declarations/{released.declaration_id}/").content.decode()
    assert f"/release/certificates/{released.certificate.number}.pdf" in page
    assert f"/t/{released.trace_code}/" in page and f"/release/declarations/{released.declaration_id}/" in page


def test_declarant_supplies_a_report_with_several_results(client, hs, draw, enterprise_a, declarant_a):
    from tests.inspection.factories import LabFactory

    enterprise_a.credit_grade = "B"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    lab = LabFactory()
    client.force_login(declarant_a)
    page = client.get(f"/release/declarations/{declaration.pk}/").content.decode()
    assert 'name="results-0-test_item"' in page and 'name="results-__prefix__-test_item"' in page
    report = {"lab_accreditation_no": lab.accreditation_no, "report_no": "R-2",
              "issued_on": (timezone.localdate() - timezone.timedelta(days=3)).isoformat(), "hs_codes": "0306",
              "results-TOTAL_FORMS": "4", "results-INITIAL_FORMS": "0",
              "results-0-test_item": "lead", "results-0-value": "0.01", "results-0-unit": "mg/kg",
              "results-2-test_item": "chloramphenicol", "results-2-value": "0", "results-2-unit": "ug/kg",
              "results-3-value": "7"}  # row 1 removed in the browser; row 3 has a value and no test item
    response = client.post(f"/release/declarations/{declaration.pk}/report/", report)
    assert response.status_code == 400 and "检测项目：请写明该结果检测的项目。" in response.content.decode()
    assert not declaration.test_reports.exists()
    del report["results-3-value"]
    response = client.post(f"/release/declarations/{declaration.pk}/report/", report)
    assert response.status_code == 302
    assert [r["test_item"] for r in declaration.test_reports.get().results] == ["lead", "chloramphenicol"]
    page = client.get(f"/release/declarations/{declaration.pk}/").content.decode()
    assert "lead 0.01 mg/kg · chloramphenicol 0 ug/kg" in page
    # The same laboratory's report again: refused, named on its field; a report failing the checks says so.
    again = client.post(f"/release/declarations/{declaration.pk}/report/", report, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "report R-2 was already supplied" in again.content.decode()
    assert declaration.test_reports.count() == 1
    unknown_lab = {**report, "lab_accreditation_no": "CNAS NOSUCHLAB", "report_no": "R-3"}
    response = client.post(f"/release/declarations/{declaration.pk}/report/", unknown_lab, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "fails the automatic checks" in response.content.decode()
    assert "an officer will verify it" not in response.content.decode()


def test_release_page_offers_the_moves_its_tables_allow(client, released, officer):
    client.force_login(officer)
    url = f"/release/releases/{released.pk}/"
    recall_form = f'action="/release/releases/{released.pk}/recall/"'
    close_form = f'action="/release/releases/{released.pk}/recall/close/"'
    page = client.get(url).content.decode()
    assert recall_form in page and close_form not in page
    recall = services.recall_open(release=released, source="manual", reason="Labels wrong", actor=officer)
    page = client.get(url).content.decode()
    assert recall_form not in page and close_form in page
    services.recall_close(recall=recall, note="Buyers told by phone", actor=officer)
    page = client.get(url).content.decode()
    assert recall_form not in page and close_form not in page


def test_search_finds_a_certificate_for_its_owner_and_the_bureau_only(api_as, released, declarant_a, declarant_b,
                                                                       officer):
    number = released.certificate.number
    for user in (declarant_a, officer):
        groups = api_as(user).get("/api/v1/search/", {"q": number}).json()
        assert [group["kind"] for group in groups] == ["releases"]
        assert groups[0]["hits"][0]["url"] == f"/release/releases/{released.pk}/"
    assert api_as(declarant_b).get("/api/v1/search/", {"q": number}).json() == []
