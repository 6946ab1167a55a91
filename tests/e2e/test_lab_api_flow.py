"""End to end: a laboratory's own system posts a result over the API for a sample-release consignment.

A declarant files and submits in the browser (the supervisor's matrix gives sample-release); an officer takes a
sample in the browser, which releases the goods, and sends it to the laboratory; the laboratory's system, with its
own API key, posts the result through the live server, signed with its Ed25519 key; the officer sees the result
(outside its limit) on the task's page, and the declarant sees it on the declaration's timeline.
"""

import base64
import json
import urllib.error
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
from ciq_portal.models import AgencyScope
from ciq_portal.roles import Role
from ciq_portal.signing import public_pem
from inspection import services as inspection_services
from inspection.models import InspectionTask, LabResult

from ..factories import TEST_PASSWORD, UserFactory
from .helpers import both_languages, log_in, set_matrix
from .test_clearance_flow import file_declaration, officer_samples, officer_takes_task

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]


def _post(url, body: bytes, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live server's own URL
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_lab_system_posts_a_result_for_a_sample_release_consignment(
        browser_page, new_page, shots, clearance_setup, declarant_a, officer, supervisor, live_server):
    from declarations.models import Declaration

    administrator = UserFactory(username="e2e-admin", role=Role.ADMINISTRATOR)
    lab = clearance_setup["lab"]
    scopes = [AgencyScope.LAB_WORK_READ, AgencyScope.LAB_RESULTS_POST]
    agency = agency_ensure(code="lab-e2e", name_zh="检测实验室", kind="laboratory", scopes=scopes,
                           actor=administrator)
    client = agency_client_create(agency=agency, name="LIMS", scopes=scopes, actor=administrator)
    raw_key = agency_api_key_issue(client=client, actor=administrator)[1]
    private_key = Ed25519PrivateKey.generate()
    inspection_services.lab_api_access_set(lab=lab, client=client, actor=administrator,
                                           signing_public_key=public_pem(private_key.public_key()))

    set_matrix("sample", supervisor)
    page = browser_page
    log_in(page, declarant_a.username)
    pk = file_declaration(page, shots)
    declaration = Declaration.objects.get(pk=pk)
    officer_page = new_page()
    log_in(officer_page, officer.username, TEST_PASSWORD)
    officer_takes_task(officer_page, shots, declaration.number)
    task_url = officer_page.url
    officer_samples(officer_page, shots)
    declaration.refresh_from_db()
    assert declaration.status == "released", declaration.status

    task = InspectionTask.objects.get(declaration=declaration)
    item = inspection_services.test_item_create(actor=administrator, code="lead", name="铅", name_en="Lead",
                                                unit="mg/kg")
    inspection_services.test_limit_set(actor=administrator, item=item, category=task.category, limit_max="0.5",
                                       unit="mg/kg", valid_from=timezone.localdate(), basis="GB 6675")
    order = inspection_services.lab_order_create(task=task, sample=task.samples.get(), lab=lab, test_items=["lead"],
                                                 actor=officer)

    # The laboratory's system, over HTTP with its own key, signing the exact body it sends.
    body = json.dumps({"order": order.pk, "results": [{"test_item": "lead", "value": "0.9", "unit": "mg/kg"}]})
    signature = base64.urlsafe_b64encode(private_key.sign(body.encode())).rstrip(b"=").decode()
    headers = {"Authorization": f"Api-Key {raw_key}", "X-CIQ-Lab-Signature": signature,
               "Idempotency-Key": f"lims-{order.pk}"}
    status, answer = _post(f"{live_server.url}/api/v1/lab-results/", body.encode(), headers)
    assert status == 201, answer
    assert answer["conformity"] == "non_conform"
    replay_status, replay = _post(f"{live_server.url}/api/v1/lab-results/", body.encode(), headers)
    assert (replay_status, replay) == (status, answer)
    assert LabResult.objects.filter(order=order).count() == 1

    officer_page.goto(task_url)
    officer_page.wait_for_load_state("networkidle")
    results = officer_page.locator("main table:has-text('lead')").last.inner_text()
    assert "0.9" in results, results
    both_languages(officer_page, shots, "officer-sees-lab-result")

    page.goto(f"/declarations/{pk}/")
    page.wait_for_load_state("networkidle")
    from .helpers import switch_language

    switch_language(page, "en")
    assert "Laboratory results recorded: 1 item(s) outside limits." in page.inner_text("main")
    shots(page, "declarant-sees-lab-result")
    switch_language(page, "zh-hans")
    assert not page.js_errors, page.js_errors
