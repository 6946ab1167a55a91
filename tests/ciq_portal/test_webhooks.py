"""Signed webhooks: the signature (known vector), backoff, retries against a local receiver, dead letter, replay."""

import json
import random
import socket
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ciq_portal import webhooks
from ciq_portal.models import (
    AuditEntry,
    DeliveryAttempt,
    DeliveryStatus,
    EventType,
    Subscription,
    WebhookDelivery,
)
from ciq_portal.notifications import notification_publish, subscription_create, subscription_update, webhook_attempt
from ciq_portal.tasks import webhook_deliver_task

from .factories import Receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret_0123456789"
# printf '%s' '1700000000.{"id":"evt_1","type":"declaration.released"}' \
#   | openssl dgst -sha256 -hmac 'whsec_test_secret_0123456789'
VECTOR_BODY = b'{"id":"evt_1","type":"declaration.released"}'
VECTOR_SIGNATURE = "e3d1b1a23aafeb31c6b9a40e233d64f1b6b9432f794a71ea2b51c78748a25c35"


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True, "WEBHOOK_MAX_ATTEMPTS": 3,
                    "WEBHOOK_TIMEOUT_SECONDS": 5}


def test_signature_matches_the_known_vector():
    assert webhooks.signature(SECRET, 1700000000, VECTOR_BODY) == VECTOR_SIGNATURE
    assert webhooks.signature_header(SECRET, 1700000000, VECTOR_BODY) == f"t=1700000000,v1={VECTOR_SIGNATURE}"


def test_signature_verification():
    header = f"t=1700000000,v1={VECTOR_SIGNATURE}"
    assert webhooks.signature_verify(SECRET, header, VECTOR_BODY, now=1700000100)
    assert not webhooks.signature_verify(SECRET, header, VECTOR_BODY + b" ", now=1700000100)  # body changed
    assert not webhooks.signature_verify("another-secret-0123456", header, VECTOR_BODY, now=1700000100)
    assert not webhooks.signature_verify(SECRET, header, VECTOR_BODY, now=1700000000 + 301)  # too old
    assert not webhooks.signature_verify(SECRET, "t=1700000000,v1=00", VECTOR_BODY, now=1700000000)
    assert not webhooks.signature_verify(SECRET, "garbage", VECTOR_BODY, now=1700000000)


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.CIQ = {**settings.CIQ, "WEBHOOK_BACKOFF_BASE_SECONDS": 30, "WEBHOOK_BACKOFF_CAP_SECONDS": 1800}
    rng = random.Random(7)
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (6, 960), (7, 1800), (12, 1800)]:
        delays = {webhooks.backoff_seconds(attempt, rng=rng) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter: not all the same


@pytest.fixture
def declarant_subscription(declarant_a):
    def make(url, types=(EventType.RELEASED,)):
        subscription, _ = subscription_create(actor=declarant_a, url=url, event_types=list(types), secret=SECRET)
        return subscription

    return make


def publish(enterprise, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return notification_publish(event_type=EventType.RELEASED, payload={"number": "NGB1", "mode": "declare"},
                                    enterprise_id=enterprise.pk, reference="NGB1", **extra)


def test_delivery_retries_until_the_receiver_answers(declarant_subscription, enterprise_a,
                                                     django_capture_on_commit_callbacks):
    with Receiver(statuses=[500, 503, 200]) as receiver:
        subscription = declarant_subscription(receiver.url)
        event = publish(enterprise_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(subscription=subscription, event=event)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert len(receiver.requests) == 3
    log = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.ok) for a in log] == [(1, 500, False), (2, 503, False), (3, 200, True)]
    assert log[0].retry_in and log[1].retry_in and log[2].retry_in is None
    assert log[0].error == "HTTP 500"
    # Every request is signed, carries the same event id and a growing attempt number.
    event_ids = {r["headers"]["X-CIQ-Event-Id"] for r in receiver.requests}
    assert event_ids == {str(event.event_id)}
    assert [r["headers"]["X-CIQ-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    for request in receiver.requests:
        assert webhooks.signature_verify(SECRET, request["headers"]["X-CIQ-Signature"], request["body"])
        assert request["headers"]["Content-Type"] == "application/json"
    body = json.loads(receiver.requests[-1]["body"])
    assert body["type"] == "declaration.released" and body["data"]["number"] == "NGB1"
    assert body["id"] == str(event.event_id) and body["enterprise_id"] == enterprise_a.pk


def test_retry_is_scheduled_with_a_countdown(declarant_subscription, enterprise_a, monkeypatch):
    """Outside eager mode the task re-queues itself with Celery retry(countdown=backoff)."""
    with Receiver(statuses=[500]) as receiver:
        subscription = declarant_subscription(receiver.url)
        event = notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
        from ciq_portal.notifications import outbox_dispatch

        [delivery_pk] = outbox_dispatch(event_pk=event.pk)
        calls = {}

        class Stop(Exception):
            pass

        def fake_retry(*, args, countdown, **kwargs):
            calls.update(args=args, countdown=countdown)
            return Stop()

        monkeypatch.setattr(webhooks, "backoff_seconds", lambda attempt, rng=None: 42)
        monkeypatch.setattr(webhook_deliver_task, "retry", fake_retry)
        with pytest.raises(Stop):
            webhook_deliver_task.run(delivery_pk, 1)
    assert calls == {"args": (delivery_pk, 2), "countdown": 42}
    delivery = WebhookDelivery.objects.get(pk=delivery_pk)
    assert delivery.status == DeliveryStatus.RETRYING and delivery.subscription == subscription
    assert 40 <= (delivery.next_attempt_at - delivery.attempt_log.get().started_at).total_seconds() <= 44


def test_dead_letter_after_the_last_attempt_then_replay(client, declarant_a, declarant_subscription, enterprise_a,
                                                        django_capture_on_commit_callbacks):
    with Receiver(statuses=[500]) as receiver:
        subscription = declarant_subscription(receiver.url)
        event = publish(enterprise_a, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 3 and delivery.dead_at
        assert len(receiver.requests) == 3
        assert delivery.attempt_log.order_by("-number").first().retry_in is None

        # The receiver is fixed; the declarant replays the dead letter from the browser.
        receiver.statuses = [200]
        client.force_login(declarant_a)
        page = client.get(reverse("portal:deliveries"), {"status": "dead"}).content.decode()
        assert reverse("portal:delivery_replay", args=[delivery.pk]) in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:delivery_replay", args=[delivery.pk]))
        assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 4
    assert receiver.requests[-1]["headers"]["X-CIQ-Event-Id"] == str(event.event_id)
    assert AuditEntry.objects.filter(action="webhook_delivery.replay", object_id=str(delivery.pk)).exists()
    detail = client.get(reverse("portal:delivery_detail", args=[delivery.pk])).content.decode()
    assert "HTTP 500" in detail


def test_replay_over_the_api_and_its_tenancy(api_as, declarant_a, declarant_b, supervisor, declarant_subscription,
                                             enterprise_a, django_capture_on_commit_callbacks):
    with Receiver(statuses=[500, 500, 500, 200]) as receiver:
        declarant_subscription(receiver.url)
        publish(enterprise_a, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.DEAD
        assert api_as(declarant_b).post(f"/api/v1/webhook-deliveries/{delivery.pk}/replay/").status_code == 404
        assert api_as(declarant_b).get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404
        assert api_as(declarant_b).get("/api/v1/webhook-deliveries/").json()["results"] == []
        with django_capture_on_commit_callbacks(execute=True):
            response = api_as(supervisor).post(f"/api/v1/webhook-deliveries/{delivery.pk}/replay/")
        assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    detail = api_as(declarant_a).get(f"/api/v1/webhook-deliveries/{delivery.pk}/").json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [500, 500, 500, 200]
    listed = api_as(declarant_a).get("/api/v1/webhook-deliveries/", {"status": "succeeded"}).json()["results"]
    assert [row["id"] for row in listed] == [delivery.pk]


def test_an_attempt_runs_once_even_if_the_task_runs_twice(declarant_subscription, enterprise_a):
    with Receiver(statuses=[200]) as receiver:
        declarant_subscription(receiver.url)
        event = notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
        from ciq_portal.notifications import outbox_dispatch

        [pk] = outbox_dispatch(event_pk=event.pk)
        assert outbox_dispatch(event_pk=event.pk) == [pk]  # a second dispatch adds no delivery
        assert WebhookDelivery.objects.count() == 1
        assert webhook_attempt(delivery_pk=pk, attempt=1) is None
        assert webhook_attempt(delivery_pk=pk, attempt=1) is None  # duplicate message: no second POST
        assert webhook_attempt(delivery_pk=pk, attempt=2) is None  # already delivered
    assert len(receiver.requests) == 1
    assert DeliveryAttempt.objects.filter(delivery_id=pk).count() == 1


def test_unreachable_receiver_is_logged_as_an_error(declarant_subscription, enterprise_a,
                                                    django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        url = receiver.url
    declarant_subscription(url)  # the server is gone: connection refused
    publish(enterprise_a, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD and delivery.last_status_code is None
    assert "URLError" in delivery.last_error or "Connection" in delivery.last_error


def test_redirects_are_not_followed_and_private_addresses_refused(settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        result = webhooks.send(url=url, body=b"{}", headers={})
        assert not result.ok and result.status_code == 302
        settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": False}
        refused = webhooks.send(url=url, body=b"{}", headers={})
        assert not refused.ok and "private" in refused.error
    finally:
        server.shutdown()
        server.server_close()


# --- private-network targets refused when a subscription is saved --------------------------------------------

PRIVATE_TARGETS = ["http://127.0.0.1/hook", "http://10.0.0.5/hook", "http://[::1]/hook"]


@pytest.fixture
def private_refused(settings):
    settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": False}


@pytest.fixture
def resolve_to(monkeypatch):
    """``resolve_to(*addresses)``: every host name resolves to ``addresses`` (no DNS query leaves the test)."""
    def install(*addresses):
        def getaddrinfo(host, port, *args, **kwargs):
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0))
                    for a in addresses]

        monkeypatch.setattr(webhooks.socket, "getaddrinfo", getaddrinfo)

    return install


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_the_service_refuses_a_private_target(private_refused, declarant_a, url):
    with pytest.raises(ValidationError) as refused:
        subscription_create(actor=declarant_a, url=url, event_types=[EventType.RELEASED], secret=SECRET)
    assert "url" in refused.value.message_dict
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_the_api_refuses_a_private_target(private_refused, api_as, declarant_a, url):
    response = api_as(declarant_a).post("/api/v1/subscriptions/", {"url": url, "event_types": [EventType.RELEASED]},
                                        format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["url"]
    assert not Subscription.objects.exists()


def test_the_page_refuses_a_private_target_on_the_url_field(private_refused, client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/portal/subscriptions/", {"url": "http://10.0.0.5/hook",
                                                      "event_types": [EventType.RELEASED]})
    assert response.status_code == 200 and "url" in response.context["form"].errors
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("addresses", [("10.1.2.3",), ("169.254.169.254",), ("93.184.216.34", "192.168.0.7")])
def test_a_name_resolving_to_a_private_address_is_refused(private_refused, resolve_to, declarant_a, addresses):
    resolve_to(*addresses)
    with pytest.raises(ValidationError):
        subscription_create(actor=declarant_a, url="https://erp.example.com/ciq", event_types=[EventType.RELEASED])


def test_a_public_name_is_accepted(private_refused, resolve_to, api_as, declarant_a):
    resolve_to("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    response = api_as(declarant_a).post("/api/v1/subscriptions/", {
        "url": "https://erp.example.com/ciq", "event_types": [EventType.RELEASED]}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("allow", [{"WEBHOOK_ALLOW_PRIVATE_NETWORKS": True}, {"DEBUG": True}])
def test_private_targets_are_accepted_when_the_settings_allow(settings, declarant_a, allow):
    settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": allow.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS",
                                                                                 False)}
    settings.DEBUG = allow.get("DEBUG", False)
    for url in PRIVATE_TARGETS:
        subscription_create(actor=declarant_a, url=url, event_types=[EventType.RELEASED], secret=SECRET)
    assert Subscription.objects.count() == len(PRIVATE_TARGETS)


def test_an_update_to_a_private_target_is_refused_but_other_changes_are_not(settings, resolve_to, api_as,
                                                                            declarant_a):
    subscription, _ = subscription_create(actor=declarant_a, url="http://10.0.0.5/old",
                                          event_types=[EventType.RELEASED], secret=SECRET)
    settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": False}
    api = api_as(declarant_a)
    moved = api.patch(f"/api/v1/subscriptions/{subscription.pk}/", {"url": "http://127.0.0.1/new"}, format="json")
    assert moved.status_code == 400 and list(moved.json()["errors"]) == ["url"]
    with pytest.raises(ValidationError):
        subscription_update(subscription=subscription, actor=declarant_a, url="http://[::1]/new")
    subscription.refresh_from_db()
    assert subscription.url == "http://10.0.0.5/old"
    # The URL already saved is not re-checked by a change that keeps it; deliveries still refuse it.
    paused = api.patch(f"/api/v1/subscriptions/{subscription.pk}/", {"is_active": False}, format="json")
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    resolve_to("93.184.216.34")
    public = api.patch(f"/api/v1/subscriptions/{subscription.pk}/", {"url": "https://erp.example.com/ciq"},
                       format="json")
    assert public.status_code == 200 and public.json()["url"] == "https://erp.example.com/ciq"


def test_sweep_requeues_events_whose_dispatch_was_lost(declarant_subscription, enterprise_a):
    from datetime import timedelta

    from django.utils import timezone

    from ciq_portal.models import OutboxEvent
    from ciq_portal.notifications import notifications_sweep

    with Receiver(statuses=[200]) as receiver:
        declarant_subscription(receiver.url)
        # Published, but the on-commit queueing never happened (e.g. the broker was down).
        event = notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
        OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=10))
        assert notifications_sweep() == {"events": 1, "deliveries": 0}
        for _ in range(50):
            if receiver.requests:
                break
            time.sleep(0.05)
    event.refresh_from_db()
    assert event.dispatched_at is not None and len(receiver.requests) == 1
    assert notifications_sweep() == {"events": 0, "deliveries": 0}


@pytest.fixture
def fast_backoff_env(monkeypatch):
    """Settings for the worker process (it reads them from the environment): short backoff, local receivers."""
    monkeypatch.setenv("WEBHOOK_BACKOFF_BASE_SECONDS", "1")
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("WEBHOOK_MAX_ATTEMPTS", "3")


@pytest.mark.worker
@pytest.mark.redis
def test_a_real_worker_delivers_after_a_failure(fast_backoff_env, celery_worker_process, roles, settings):
    """A real worker on Redis: the first attempt fails, the Celery retry delivers, both attempts are logged.

    (The countdown itself is checked in test_retry_is_scheduled_with_a_countdown: the worker under test loads the
    test settings, whose always-eager mode runs the retry message at once.)"""
    from ciq_portal.roles import Role
    from tests.factories import EnterpriseFactory, UserFactory

    enterprise = EnterpriseFactory()
    user = UserFactory(username="declarant_worker", role=Role.DECLARANT, enterprise=enterprise)
    with Receiver(statuses=[500, 200]) as receiver:
        subscription, _ = subscription_create(actor=user, url=receiver.url, event_types=[EventType.RELEASED],
                                              secret=SECRET)
        event = notification_publish(event_type=EventType.RELEASED, payload={"n": 1}, enterprise_id=enterprise.pk)
        # Queue the delivery from here: inside the worker under test, test settings run nested .delay() eagerly.
        from ciq_portal.notifications import outbox_dispatch

        for pk in outbox_dispatch(event_pk=event.pk):
            webhook_deliver_task.delay(pk, 1)
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        for _ in range(50):
            delivery = WebhookDelivery.objects.filter(subscription=subscription).first()
            if delivery and delivery.status == DeliveryStatus.SUCCEEDED:
                break
            time.sleep(0.1)
    assert len(receiver.requests) == 2, celery_worker_process["log"].read_text()[-3000:]
    log = list(delivery.attempt_log.order_by("number"))
    assert [a.ok for a in log] == [False, True] and log[0].retry_in == 1
    assert {r["headers"]["X-CIQ-Event-Id"] for r in receiver.requests} == {str(event.event_id)}
