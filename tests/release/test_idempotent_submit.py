"""Duplicates of one submit sent with one Idempotency-Key at once: each gets the first answer (replayed) or 409
with Retry-After while the first runs, never an error about its own success ("only a draft can be changed")."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from ciq_portal.idempotency import IN_FLIGHT, IN_FLIGHT_SECONDS, _scope
from ciq_portal.models import IdempotencyRecord
from declarations.models import DeclarationEvent
from tests.release.test_pipeline import draft

URL = "/api/v1/declarations/{}/submit/"


def grade_aa(enterprise):
    enterprise.credit_grade = "AA"
    enterprise.save(update_fields=["credit_grade"])
    return enterprise


@pytest.mark.django_db
def test_a_key_in_flight_answers_409_with_retry_after(hs, draw, api_as, enterprise_a, declarant_a):
    declaration = draft(grade_aa(enterprise_a))
    IdempotencyRecord.objects.create(scope=_scope(declarant_a), key="k-1", request_fingerprint="x" * 64,
                                     response_status=IN_FLIGHT, response_body={})
    client = api_as(declarant_a)
    busy = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert busy.status_code in (409, 422)
    IdempotencyRecord.objects.all().delete()
    first = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="k-2")
    assert first.status_code == 200
    IdempotencyRecord.objects.filter(key="k-2").update(response_status=IN_FLIGHT)
    in_flight = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="k-2")
    assert in_flight.status_code == 409 and in_flight["Retry-After"] == "1"
    assert in_flight.json()["code"] == "idempotency_key_in_flight"


@pytest.mark.django_db
def test_a_claim_whose_request_died_is_taken_over(hs, draw, api_as, enterprise_a, declarant_a):
    declaration = draft(grade_aa(enterprise_a))
    client = api_as(declarant_a)
    refused = client.post(URL.format(declaration.pk + 999), HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 404 and not IdempotencyRecord.objects.exists()  # a refusal gives its claim up
    submitted = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="k-4")
    record = IdempotencyRecord.objects.get(key="k-4")
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=IN_FLIGHT, created_at=timezone.now() - timedelta(seconds=IN_FLIGHT_SECONDS + 1))
    again = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="k-4")
    assert submitted.status_code == 200 and again.status_code == 400  # taken over: the submit itself answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_duplicates_never_report_their_own_success_as_an_error(hs, draw, enterprise_a, declarant_a):
    declaration = draft(grade_aa(enterprise_a))
    answers, errors = [], []
    start = threading.Barrier(8)

    def send():
        client = APIClient()
        client.force_authenticate(declarant_a)
        try:
            start.wait()
            response = client.post(URL.format(declaration.pk), HTTP_IDEMPOTENCY_KEY="same-key")
            answers.append((response.status_code, response.json()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = sorted(status for status, _ in answers)
    assert set(statuses) <= {200, 409} and statuses.count(200) >= 1, answers
    bodies = [body for status, body in answers if status == 200]
    assert all(body == bodies[0] for body in bodies)
    assert DeclarationEvent.objects.filter(declaration=declaration, from_status="draft").count() == 1
