"""Bulk submit: drafts submitted together, each through the clearance pipeline; a refused one stays a draft with its
errors while the others are submitted; the page follows it live and the API offers the same as a job."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.models import Declaration, ImportJob
from release.models import BulkSubmission, ReleaseDecision
from release.services import bulk_submission_run, bulk_submission_start
from tests.declarations.test_bulk import rows_csv

from .test_pipeline import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(hs, draw, enterprise_a):
    good = [draft(enterprise_a), draft(enterprise_a)]
    bad = draft(enterprise_a, arrival_date=None)
    return good, bad


def test_one_bad_draft_the_others_submitted_its_errors_kept(drafts, declarant_a, django_capture_on_commit_callbacks):
    good, bad = drafts
    with django_capture_on_commit_callbacks(execute=True):
        submission = bulk_submission_start(actor=declarant_a, declaration_ids=[good[0].pk, bad.pk, good[1].pk])
    submission.refresh_from_db()
    assert (submission.status, submission.total, submission.processed) == ("done", 3, 3)
    assert (submission.submitted, submission.refused) == (2, 1)
    items = {item.declaration_id: item for item in submission.items.all()}
    for declaration in good:
        assert items[declaration.pk].status == "submitted"
        assert items[declaration.pk].release_mode == ReleaseDecision.objects.get(declaration=declaration).mode
        assert Declaration.objects.get(pk=declaration.pk).status != "draft"
    assert items[bad.pk].status == "refused" and "arrival_date" in items[bad.pk].errors
    # Nothing half-submitted: the refused draft is still a draft with no decision.
    assert Declaration.objects.get(pk=bad.pk).status == "draft"
    assert not ReleaseDecision.objects.filter(declaration=bad).exists()


def test_running_again_changes_nothing(drafts, declarant_a, django_capture_on_commit_callbacks):
    good, _bad = drafts
    with django_capture_on_commit_callbacks(execute=True):
        submission = bulk_submission_start(actor=declarant_a, declaration_ids=[good[0].pk])
    again = bulk_submission_run(submission_id=submission.pk)
    assert (again.processed, again.submitted) == (1, 1)
    assert ReleaseDecision.objects.filter(declaration=good[0]).count() == 1


def test_another_enterprises_draft_is_refused_and_nothing_queued(drafts, enterprise_b, declarant_b):
    good, _bad = drafts
    with pytest.raises(ValidationError) as exc:
        bulk_submission_start(actor=declarant_b, declaration_ids=[good[0].pk])
    assert "declarations" in exc.value.message_dict
    assert not BulkSubmission.objects.exists()


def test_nothing_chosen_is_an_error(declarant_a):
    with pytest.raises(ValidationError) as exc:
        bulk_submission_start(actor=declarant_a, declaration_ids=[])
    assert "declarations" in exc.value.message_dict


def test_an_officer_cannot_submit_for_a_declarant(drafts, officer):
    good, _bad = drafts
    with pytest.raises(ValidationError):
        bulk_submission_start(actor=officer, declaration_ids=[good[0].pk])


def test_page_submits_all_drafts_of_an_import_with_live_progress(hs, draw, client, declarant_a,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(declarant_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/declarations/import/", {"file": SimpleUploadedFile("f.csv", rows_csv([{"ref": "W1"},
                                                                                          {"ref": "W2"}]))})
    job = ImportJob.objects.get()
    assert job.declarations.filter(status="draft").count() == 2
    assert "/declarations/submit-together/?job=" in client.get(f"/declarations/import/{job.pk}/").content.decode()
    page = client.get(f"/declarations/submit-together/?job={job.pk}")
    assert page.status_code == 200
    for declaration in job.declarations.all():
        assert declaration.number in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/declarations/submit-together/", {"import_job": job.pk, "all": "1"})
    submission = BulkSubmission.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/submit-together/{submission.pk}/")
    assert submission.import_job == job and submission.total == 2
    progress = client.get(f"/declarations/submit-together/{submission.pk}/", HTTP_HX_REQUEST="true")
    assert 'id="bulk-progress"' in progress.content.decode()
    assert not job.declarations.filter(status="draft").exists()


def test_page_shows_a_refused_drafts_errors(drafts, client, declarant_a, django_capture_on_commit_callbacks):
    good, bad = drafts
    client.force_login(declarant_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/declarations/submit-together/", {"declarations": [good[0].pk, bad.pk]})
    submission = BulkSubmission.objects.get()
    page = client.get(f"/declarations/submit-together/{submission.pk}/").content.decode()
    assert "arrival_date" in page and 'hx-trigger' not in page  # done: the page stops polling


def test_page_refuses_a_draft_that_is_not_offered(drafts, client, declarant_b):
    good, _bad = drafts
    client.force_login(declarant_b)
    response = client.post("/declarations/submit-together/", {"declarations": [good[0].pk]})
    assert response.status_code == 400 and not BulkSubmission.objects.exists()


def test_other_enterprises_submission_and_import_are_404(drafts, client, declarant_a, declarant_b):
    good, _bad = drafts
    submission = bulk_submission_start(actor=declarant_a, declaration_ids=[good[0].pk])
    client.force_login(declarant_b)
    assert client.get(f"/declarations/submit-together/{submission.pk}/").status_code == 404
    assert client.get(f"/api/v1/bulk-submissions/{submission.pk}/").status_code == 404
    assert client.get("/api/v1/bulk-submissions/").json()["count"] == 0


def test_api_job_idempotent_and_followed(drafts, client, declarant_a, django_capture_on_commit_callbacks):
    good, bad = drafts
    client.force_login(declarant_a)
    body = {"declarations": [good[0].pk, bad.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/bulk-submissions/", body, content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert first.status_code == 202
    replay = client.post("/api/v1/bulk-submissions/", body, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert replay.status_code == 202 and replay["Idempotent-Replayed"] == "true"
    assert BulkSubmission.objects.count() == 1
    job = client.get(f"/api/v1/bulk-submissions/{first.json()['id']}/").json()
    assert job["status"] == "done" and (job["submitted"], job["refused"]) == (1, 1)
    refused = next(item for item in job["items"] if item["declaration"] == bad.pk)
    assert refused["status"] == "refused" and "arrival_date" in refused["errors"]


def test_api_refuses_both_or_neither(client, declarant_a):
    client.force_login(declarant_a)
    assert client.post("/api/v1/bulk-submissions/", {}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/bulk-submissions/", {"declarations": [1], "import_job": 1},
                       content_type="application/json").status_code == 400


def test_api_another_enterprises_import_is_404(client, declarant_a, declarant_b, enterprise_a):
    job = ImportJob.objects.create(enterprise=enterprise_a, created_by=declarant_a, original_name="a.csv",
                                   status="done", file="imports/a.csv")
    client.force_login(declarant_b)
    response = client.post("/api/v1/bulk-submissions/", {"import_job": job.pk}, content_type="application/json")
    assert response.status_code == 404 and not BulkSubmission.objects.exists()
