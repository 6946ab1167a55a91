"""The outbox, who receives which event (tenancy, scopes, audience), subscriptions API, in-app notifications."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from ciq_portal.models import (
    AgencyScope,
    EventType,
    Notification,
    OutboxEvent,
    Subscription,
    WebhookDelivery,
)
from ciq_portal.notifications import notification_publish, subscription_create

from .factories import Receiver, make_agency, make_client, make_key

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_secret_0123456789"


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.CIQ = {**settings.CIQ, "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True, "WEBHOOK_MAX_ATTEMPTS": 2}
    cache.clear()


def key_api(raw):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_the_event_exists_only_if_the_change_commits(enterprise_a, declarant_a, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscription_create(actor=declarant_a, url=receiver.url, event_types=[EventType.RELEASED], secret=SECRET)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
                    raise RuntimeError("the caller's change failed")
            except RuntimeError:
                pass
        assert callbacks == []
    assert not OutboxEvent.objects.exists() and not Notification.objects.exists() and receiver.requests == []


def test_unknown_event_types_and_audiences_are_programming_errors(enterprise_a):
    with pytest.raises(ValueError):
        notification_publish(event_type="nope", payload={})
    with pytest.raises(ValueError):
        notification_publish(event_type=EventType.RELEASED, payload={}, audience=["public"])


def test_who_receives_what(roles, enterprise_a, enterprise_b, declarant_a, declarant_b, supervisor,
                           django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        url = receiver.url
        mine, _ = subscription_create(actor=declarant_a, url=url + "?a", event_types=list(EventType.values[:6]),
                                      secret=SECRET)
        theirs, _ = subscription_create(actor=declarant_b, url=url + "?b", event_types=[EventType.RELEASED],
                                        secret=SECRET)
        bureau, _ = subscription_create(actor=supervisor, url=url + "?s", event_types=list(EventType.values),
                                        secret=SECRET)
        customs = make_client(make_agency("customs"), username="customs-gw",
                              scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.CASE_REFERRAL])
        customs_sub, _ = subscription_create(actor=customs.user, url=url + "?c",
                                             event_types=[EventType.RELEASED, EventType.CASE_REFERRAL],
                                             secret=SECRET)
        port = make_client(make_agency("port", "port_operator",
                                       scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.CASE_REFERRAL]),
                           username="port-gw", scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.CASE_REFERRAL])
        port_sub, _ = subscription_create(actor=port.user, url=url + "?p",
                                          event_types=[EventType.RELEASED, EventType.CASE_REFERRAL], secret=SECRET)
        with django_capture_on_commit_callbacks(execute=True):
            released_a = notification_publish(event_type=EventType.RELEASED, payload={"n": 1},
                                              enterprise_id=enterprise_a.pk)
            bureau_only = notification_publish(event_type=EventType.RELEASED, payload={"n": 2},
                                               enterprise_id=enterprise_a.pk, audience=["bureau"])
            referral = notification_publish(event_type=EventType.CASE_REFERRAL, payload={"case": 9},
                                            enterprise_id=enterprise_a.pk, audience=["agency", "bureau"],
                                            agency_id=customs.agency_id)
        # The agency loses the scope: it stops receiving those events.
        customs.scopes = [AgencyScope.CASE_REFERRAL]
        customs.save()
        with django_capture_on_commit_callbacks(execute=True):
            later = notification_publish(event_type=EventType.RELEASED, payload={"n": 3}, enterprise_id=enterprise_b.pk)

    def receivers(event):
        return set(WebhookDelivery.objects.filter(event=event).values_list("subscription_id", flat=True))

    assert receivers(released_a) == {mine.pk, bureau.pk, customs_sub.pk, port_sub.pk}
    assert receivers(bureau_only) == {bureau.pk}
    assert receivers(referral) == {bureau.pk, customs_sub.pk}  # addressed to customs, never to declarants
    assert receivers(later) == {theirs.pk, bureau.pk, port_sub.pk}
    assert all(d.status == "succeeded" for d in WebhookDelivery.objects.all())


def test_in_app_notifications_for_declarants_and_named_officers(roles, client, enterprise_a, declarant_a, declarant_b,
                                                                 officer):
    notification_publish(event_type=EventType.DOCUMENTS_REQUESTED, payload={}, enterprise_id=enterprise_a.pk,
                         reference="NGB000001", message="Upload the health certificate", link="/declarations/1/")
    notification_publish(event_type=EventType.INSPECTION_SCHEDULED, payload={}, enterprise_id=enterprise_a.pk,
                         recipients=[officer], reference="NGB000001")
    assert Notification.objects.filter(user=declarant_a).count() == 2
    assert Notification.objects.filter(user=declarant_b).count() == 0
    assert list(Notification.objects.filter(user=officer).values_list("event_type", flat=True)) == [
        EventType.INSPECTION_SCHEDULED]

    client.force_login(declarant_a)
    page = client.get(reverse("portal:notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "NGB000001" in page and "Upload the health certificate" in page
    assert 'class="bell-count"' in page and ">2</span>" in page
    first = Notification.objects.filter(user=declarant_a).first()
    client.post(reverse("portal:notifications_mark_read"), {"id": first.pk})
    assert Notification.objects.filter(user=declarant_a, read_at__isnull=True).count() == 1
    client.post(reverse("portal:notifications_mark_read"), {"next": "https://evil.example/"})
    assert Notification.objects.filter(user=declarant_a, read_at__isnull=True).count() == 0
    page = client.get(reverse("portal:notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="bell-count"' not in page

    client.force_login(declarant_b)
    assert "NGB000001" not in client.get(reverse("portal:notifications")).content.decode()


def test_notifications_api(api_as, enterprise_a, declarant_a, declarant_b):
    notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk, reference="X1")
    rows = api_as(declarant_a).get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [r["reference"] for r in rows] == ["X1"] and rows[0]["read_at"] is None
    assert api_as(declarant_b).get(f"/api/v1/notifications/{rows[0]['id']}/").status_code == 404
    marked = api_as(declarant_a).post("/api/v1/notifications/mark-read/", {}, format="json").json()
    assert marked == {"marked": 1, "unread": 0}


# --- the subscriptions API -------------------------------------------------------------------------------------


def test_declarant_subscribes_and_sees_the_secret_once(api_as, declarant_a, declarant_b, enterprise_a):
    api = api_as(declarant_a)
    response = api.post("/api/v1/subscriptions/", {"url": "https://erp.example.com/ciq", "name": "ERP",
                                                   "event_types": ["declaration.released", "recall.issued"]},
                        format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["kind"] == "declarant"
    assert body["enterprise_id"] == enterprise_a.pk
    again = api.post("/api/v1/subscriptions/", {"url": "https://erp.example.com/ciq", "name": "ERP",
                                                "event_types": ["declaration.released", "recall.issued"]},
                     format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert again.json()["id"] == body["id"] and Subscription.objects.count() == 1
    listed = api.get("/api/v1/subscriptions/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]
    assert api_as(declarant_b).get("/api/v1/subscriptions/").json()["results"] == []
    assert api_as(declarant_b).get(f"/api/v1/subscriptions/{body['id']}/").status_code == 404
    assert api_as(declarant_b).delete(f"/api/v1/subscriptions/{body['id']}/").status_code == 404
    patched = api.patch(f"/api/v1/subscriptions/{body['id']}/", {"is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert api.delete(f"/api/v1/subscriptions/{body['id']}/").status_code == 204


@pytest.mark.parametrize("payload, field", [
    ({"url": "ftp://x.example/", "event_types": ["declaration.released"]}, "url"),
    ({"url": "https://x.example/", "event_types": []}, "event_types"),
    ({"url": "https://x.example/", "event_types": ["nope"]}, "event_types"),
    ({"url": "https://x.example/", "event_types": ["case_referral.updated"]}, "event_types"),
    ({"url": "https://x.example/", "event_types": ["declaration.released"], "secret": "short"}, "secret"),
])
def test_declarant_subscription_errors_name_the_field(api_as, declarant_a, payload, field):
    response = api_as(declarant_a).post("/api/v1/subscriptions/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_officers_do_not_subscribe(api_as, officer):
    response = api_as(officer).post("/api/v1/subscriptions/", {"url": "https://x.example/",
                                                               "event_types": ["declaration.released"]}, format="json")
    assert response.status_code == 403


# Each event type needs the agency scope in EVENT_SCOPES: without it, 403 naming the scope.
@pytest.mark.parametrize("event_type, scope", [
    (EventType.STATUS_CHANGED, AgencyScope.RELEASE_STATUS_READ),
    (EventType.RELEASED, AgencyScope.RELEASE_STATUS_READ),
    (EventType.DOCUMENTS_REQUESTED, AgencyScope.RELEASE_STATUS_READ),
    (EventType.RECALL, AgencyScope.RELEASE_STATUS_READ),
    (EventType.INSPECTION_SCHEDULED, AgencyScope.JOINT_INSPECTION),
    (EventType.BULLETIN_PUBLISHED, AgencyScope.BULLETINS_READ),
    (EventType.LOGISTICS, AgencyScope.LOGISTICS_PUSH),
    (EventType.CASE_REFERRAL, AgencyScope.CASE_REFERRAL),
])
def test_agency_subscriptions_need_the_event_types_scope(roles, event_type, scope):
    others = [s for s in AgencyScope.values if s != scope]
    _, _, without = make_key(make_client(username="without", scopes=others))
    refused = key_api(without).post("/api/v1/subscriptions/", {"url": "https://agency.example/hook",
                                                               "event_types": [event_type]}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope" and scope in refused.json()["detail"]
    _, _, with_scope = make_key(make_client(username="with", scopes=[scope]))
    accepted = key_api(with_scope).post("/api/v1/subscriptions/", {"url": "https://agency.example/hook",
                                                                   "event_types": [event_type]}, format="json")
    assert accepted.status_code == 201 and accepted.json()["kind"] == "agency"


def test_the_budget_deviation_is_for_the_bureaus_own_systems(roles, api_as, declarant_a):
    _, _, key = make_key(make_client(username="all-scopes", scopes=list(AgencyScope.values)))
    body = {"url": "https://agency.example/hook", "event_types": [EventType.BUDGET_DEVIATION]}
    refused = key_api(key).post("/api/v1/subscriptions/", body, format="json")
    assert refused.status_code == 400 and "event_types" in refused.json()["errors"]
    assert api_as(declarant_a).post("/api/v1/subscriptions/", body, format="json").status_code == 400


def test_supervisor_sees_every_subscription(api_as, declarant_a, supervisor):
    subscription_create(actor=declarant_a, url="https://a.example/", event_types=[EventType.RELEASED])
    assert len(api_as(supervisor).get("/api/v1/subscriptions/").json()["results"]) == 1


def test_subscriptions_page(client, declarant_a, enterprise_a):
    client.force_login(declarant_a)
    page = client.get(reverse("portal:subscriptions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "case_referral.updated" not in page  # not offered to declarants
    response = client.post(reverse("portal:subscriptions"), {"url": "https://erp.example.com/hook",
                                                             "event_types": ["declaration.released"]}, follow=True)
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.enterprise_id == enterprise_a.pk
    assert subscription.secret in response.content.decode()  # shown once, in the message
    client.post(reverse("portal:subscription_toggle", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.is_active is False
    bad = client.post(reverse("portal:subscriptions"), {"url": "https://erp.example.com/hook", "secret": "short",
                                                        "event_types": ["declaration.released"]},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert "at least 16 characters" in bad.content.decode()


def test_deliveries_page_lists_only_ones_own(client, declarant_a, declarant_b, enterprise_a, supervisor,
                                             django_capture_on_commit_callbacks):
    with Receiver(statuses=[500]) as receiver:
        subscription_create(actor=declarant_a, url=receiver.url, event_types=[EventType.RELEASED], secret=SECRET)
        with django_capture_on_commit_callbacks(execute=True):
            notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
    delivery = WebhookDelivery.objects.get()
    client.force_login(declarant_b)
    assert str(receiver.url) not in client.get(reverse("portal:deliveries")).content.decode()
    assert client.get(reverse("portal:delivery_detail", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("portal:delivery_replay", args=[delivery.pk])).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("portal:delivery_detail", args=[delivery.pk])).status_code == 200


def test_in_app_can_be_off_and_the_actor_is_not_notified(roles, enterprise_a, declarant_a, officer):
    from tests.factories import UserFactory

    colleague = UserFactory(username="declarant_a2", role="declarant", enterprise=enterprise_a)
    notification_publish(event_type=EventType.STATUS_CHANGED, payload={}, enterprise_id=enterprise_a.pk,
                         in_app=False, recipients=[officer])
    assert not Notification.objects.exists() and OutboxEvent.objects.count() == 1
    notification_publish(event_type=EventType.STATUS_CHANGED, payload={}, enterprise_id=enterprise_a.pk,
                         actor=declarant_a)
    assert list(Notification.objects.values_list("user__username", flat=True)) == [colleague.username]


def test_in_app_bulk(officer, declarant_a):
    from ciq_portal.notifications import notification_in_app_bulk

    made = notification_in_app_bulk(items=[
        {"user_id": officer.pk, "event_type": EventType.INSPECTION_SCHEDULED, "reference": "NGB1", "link": "/x/"},
        {"user_id": declarant_a.pk, "event_type": EventType.RELEASED, "message": "ok"},
        {"user_id": None, "event_type": EventType.RELEASED},
        {"user_id": officer.pk, "event_type": "bogus"},
    ])
    assert made == 2 and not OutboxEvent.objects.exists()
    assert Notification.objects.get(user=officer).reference == "NGB1"


def test_one_dispatch_message_while_one_is_pending(enterprise_a, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from ciq_portal import tasks
    from ciq_portal.notifications import DISPATCH_PENDING_KEY, outbox_dispatch_due

    cache.delete(DISPATCH_PENDING_KEY)
    sent = []
    monkeypatch.setattr(tasks.outbox_dispatch_due_task, "apply_async", lambda countdown: sent.append(countdown))
    for _commit in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notification_publish(event_type=EventType.STATUS_CHANGED, payload={}, enterprise_id=enterprise_a.pk)
            notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
    interval = settings.CIQ["JOURNAL_FOLLOW_UP_SECONDS"]
    assert sent == [interval]  # two commits, four events: one task queued, to start after the interval
    outbox_dispatch_due()  # the task runs: every event fanned out, and the next commit queues a task again
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        notification_publish(event_type=EventType.RELEASED, payload={}, enterprise_id=enterprise_a.pk)
    assert sent == [interval, interval]


def test_declarant_accounts_are_remembered_briefly(settings, enterprise_a, declarant_a, django_assert_num_queries):
    from ciq_portal.reference import reference_forget

    settings.CIQ = {**settings.CIQ, "NOTIFY_DECLARANT_CACHE_SECONDS": 30}
    try:
        notification_publish(event_type=EventType.STATUS_CHANGED, payload={}, enterprise_id=enterprise_a.pk)
        with django_assert_num_queries(2):  # outbox row, notification: no account lookup
            notification_publish(event_type=EventType.STATUS_CHANGED, payload={}, enterprise_id=enterprise_a.pk)
        assert Notification.objects.filter(user=declarant_a).count() == 2
    finally:
        reference_forget()
