"""Mail and SMS through ciq_portal.messaging: a delivery record for each message, sent to a real SMTP server in the
test process (aiosmtpd) or a real HTTP gateway, retried with Celery's backoff, failed visibly, sent again."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sms
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ciq_portal import messaging
from ciq_portal.messaging import (
    message_channel_for,
    message_delivery_list,
    message_delivery_retry,
    message_send,
    message_sent_handler_register,
    messages_sweep,
    phone_number_normalise,
)
from ciq_portal.models import AuditEntry, MessageChannel, MessageDelivery, MessagePurpose, MessageStatus
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


def send_email(commit, recipient="buyer@example.com", **extra):
    with commit(execute=True):
        return message_send(channel=MessageChannel.EMAIL, recipient=recipient, subject="召回通知 Recall",
                            body="请停止销售。Stop selling.", purpose=MessagePurpose.RECALL_NOTICE,
                            reference="RC-1", **extra)


def test_an_accepted_email_is_sent_once_and_recorded(smtp_server, django_capture_on_commit_callbacks):
    delivery = send_email(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (MessageStatus.SENT, 1, "")
    assert delivery.sent_at is not None
    [received] = smtp_server.messages
    assert received["To"] == "buyer@example.com"
    assert received["Subject"] == "召回通知 Recall"
    assert "Stop selling." in received.get_content()
    assert received["From"] == settings.DEFAULT_FROM_EMAIL


def test_a_refusing_server_fails_the_delivery_at_once_and_a_supervisor_sends_it_again(
        smtp_server, supervisor, django_capture_on_commit_callbacks):
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    delivery = send_email(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    # A refusal for good is not retried: sending the same message again would get the same answer.
    assert (delivery.status, delivery.attempts) == (MessageStatus.FAILED, 1)
    assert delivery.last_error == "SMTP 550 5.1.1 No such mailbox"
    assert smtp_server.messages == []
    assert delivery in message_delivery_list(user=supervisor).filter(status=MessageStatus.FAILED)

    smtp_server.refuse = ""
    with django_capture_on_commit_callbacks(execute=True):
        message_delivery_retry(delivery=delivery, actor=supervisor)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (MessageStatus.SENT, 2)
    assert len(smtp_server.messages) == 1
    entry = AuditEntry.objects.get(action="message.retry")
    assert entry.actor_id == supervisor.pk and entry.before["status"] == MessageStatus.FAILED


def test_a_server_that_defers_is_retried_by_celery_until_it_accepts(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.defer = 2
    delivery = send_email(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (MessageStatus.SENT, 3)
    assert delivery.last_error.startswith("SMTP 451")  # what the last failure was, kept for the record
    assert len(smtp_server.messages) == 1


def test_no_mail_server_fails_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    delivery = send_email(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == MessageStatus.FAILED
    assert delivery.attempts == settings.CIQ["MESSAGE_MAX_ATTEMPTS"]
    assert "ConnectionRefusedError" in delivery.last_error


def test_the_sent_handler_is_called_only_when_the_server_accepted(smtp_server, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    heard = []
    monkeypatch.setattr(messaging, "_sent_handlers", {})
    message_sent_handler_register(MessagePurpose.RECALL_NOTICE, lambda *, delivery: heard.append((delivery.pk,
                                                                                          delivery.status)))
    smtp_server.refuse = "554 5.7.1 Relaying denied"
    refused = send_email(django_capture_on_commit_callbacks)
    smtp_server.refuse = ""
    accepted = send_email(django_capture_on_commit_callbacks)
    assert heard == [(accepted.pk, MessageStatus.SENT)]
    assert MessageDelivery.objects.get(pk=refused.pk).status == MessageStatus.FAILED


def test_bad_recipients_are_refused_on_their_field_and_nothing_is_written():
    with pytest.raises(ValidationError) as email_error:
        message_send(channel=MessageChannel.EMAIL, recipient="not-an-address", subject="s", body="b",
                     purpose=MessagePurpose.OTHER)
    with pytest.raises(ValidationError) as sms_error:
        message_send(channel=MessageChannel.SMS, recipient="call 0574-1234", body="b", purpose=MessagePurpose.OTHER)
    with pytest.raises(ValidationError) as subject_error:
        message_send(channel=MessageChannel.EMAIL, recipient="a@example.com", subject=" ", body="b",
                     purpose=MessagePurpose.OTHER)
    assert set(email_error.value.message_dict) == {"recipient"}
    assert set(sms_error.value.message_dict) == {"recipient"}
    assert set(subject_error.value.message_dict) == {"subject"}
    assert not MessageDelivery.objects.exists()


def test_contacts_find_their_channel():
    assert message_channel_for(" buyer@example.com ") == (MessageChannel.EMAIL, "buyer@example.com")
    assert message_channel_for("138 0013 8000") == (MessageChannel.SMS, "+8613800138000")
    assert message_channel_for("+86-138-0013-8000") == (MessageChannel.SMS, "+8613800138000")
    assert message_channel_for("+44 20 7946 0958") == (MessageChannel.SMS, "+442079460958")
    assert message_channel_for("0574-8765 4321") is None  # a landline: the importer calls
    assert phone_number_normalise("") is None


def test_sms_through_the_configured_backend(django_capture_on_commit_callbacks):
    sms.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        delivery = message_send(channel=MessageChannel.SMS, recipient="13800138000", body="检验通知",
                                purpose=MessagePurpose.OVERDUE_REMINDER)
    delivery.refresh_from_db()
    assert (delivery.recipient, delivery.status) == ("+8613800138000", MessageStatus.SENT)
    [message] = sms.outbox
    assert (message.recipients, message.body, message.originator) == (["+8613800138000"], "检验通知", "CIQ")


def test_the_sms_file_backend_writes_the_message(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "sms.backends.filebased.SmsBackend", str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(channel=MessageChannel.SMS, recipient="+8613800138000", body="overdue",
                     purpose=MessagePurpose.OTHER)
    [written] = tmp_path.iterdir()
    assert "to: +8613800138000\noverdue" in written.read_text()


def test_with_no_sms_gateway_configured_an_sms_fails_visibly(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "ciq_portal.sms.UnconfiguredBackend"
    with django_capture_on_commit_callbacks(execute=True):
        delivery = message_send(channel=MessageChannel.SMS, recipient="+8613800138000", body="b",
                                purpose=MessagePurpose.OTHER)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (MessageStatus.FAILED, 1)
    assert "SMS_URL" in delivery.last_error


class Gateway:
    """A real HTTP server in this process standing for an SMS gateway: it answers with ``statuses`` in turn (then
    200) and keeps what it was sent."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((dict(self.headers), json.loads(body)))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"error": "invalid number"}' if status == 400 else b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    made = []

    def start(statuses=()):
        server = Gateway(statuses)
        made.append(server)
        settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "ciq_portal.sms.HttpGatewayBackend", server.url
        settings.SMS_GATEWAY_TOKEN = "gw-token"
        return server

    yield start
    for server in made:
        server.stop()


def send_sms(commit):
    with commit(execute=True):
        delivery = message_send(channel=MessageChannel.SMS, recipient="+8613800138000", body="召回",
                                purpose=MessagePurpose.RECALL_NOTICE)
    delivery.refresh_from_db()
    return delivery


def test_the_http_gateway_accepts_with_the_token(gateway, django_capture_on_commit_callbacks):
    server = gateway()
    delivery = send_sms(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (MessageStatus.SENT, 1)
    [(headers, document)] = server.requests
    assert headers["Authorization"] == "Bearer gw-token"
    assert document == {"to": "+8613800138000", "from": "CIQ", "text": "召回"}


def test_the_http_gateway_unavailable_is_retried(gateway, django_capture_on_commit_callbacks):
    server = gateway([503, 429])
    delivery = send_sms(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (MessageStatus.SENT, 3)
    assert len(server.requests) == 3


def test_the_http_gateway_refusing_fails_at_once(gateway, django_capture_on_commit_callbacks):
    gateway([400])
    delivery = send_sms(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (MessageStatus.FAILED, 1)
    assert delivery.last_error == 'HTTP 400 {"error": "invalid number"}'


def test_retry_is_for_supervisors_and_failed_deliveries_only(officer, supervisor, django_capture_on_commit_callbacks):
    delivery = send_email(django_capture_on_commit_callbacks)  # the in-memory backend accepts it
    with pytest.raises(PermissionDenied):
        message_delivery_retry(delivery=delivery, actor=officer)
    with pytest.raises(ValidationError) as error:
        message_delivery_retry(delivery=delivery, actor=supervisor)
    assert set(error.value.message_dict) == {"status"}
    assert not message_delivery_list(user=officer).exists()
    assert len(mail.outbox) == 1


def test_the_sweep_queues_only_deliveries_whose_task_was_lost(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # committed, but the task's message is lost
        lost = message_send(channel=MessageChannel.EMAIL, recipient="a@example.com", subject="s", body="b",
                            purpose=MessagePurpose.OTHER)
        recent = message_send(channel=MessageChannel.EMAIL, recipient="b@example.com", subject="s", body="b",
                              purpose=MessagePurpose.OTHER)
    MessageDelivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert messages_sweep() == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.status, recent.status) == (MessageStatus.SENT, MessageStatus.PENDING)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_the_bureau_page_shows_a_refused_message_and_sends_it_again(
        client, smtp_server, supervisor, officer, declarant_a, django_capture_on_commit_callbacks):
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    delivery = send_email(django_capture_on_commit_callbacks)
    client.force_login(supervisor)
    page = client.get("/portal/messages/", {"status": "failed"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "buyer@example.com" in html and "550 5.1.1 No such mailbox" in html and "Send again" in html

    smtp_server.refuse = ""
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/portal/messages/{delivery.pk}/retry/", {"next": "/portal/messages/?status=failed"})
    assert answer.status_code == 302 and answer["Location"] == "/portal/messages/?status=failed"
    delivery.refresh_from_db()
    assert delivery.status == MessageStatus.SENT and len(smtp_server.messages) == 1
    assert "buyer@example.com" not in client.get("/portal/messages/", {"status": "failed"}).content.decode()

    for outsider in (officer, declarant_a):
        client.force_login(outsider)
        assert client.get("/portal/messages/").status_code == 403
        assert client.post(f"/portal/messages/{delivery.pk}/retry/").status_code == 403


def test_the_api_lists_failed_messages_and_sends_one_again(
        api_as, smtp_server, supervisor, declarant_a, django_capture_on_commit_callbacks):
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    failed = send_email(django_capture_on_commit_callbacks)
    smtp_server.refuse = ""
    sent = send_email(django_capture_on_commit_callbacks, recipient="other@example.com")
    api = api_as(supervisor)
    listed = api.get("/api/v1/message-deliveries/", {"status": "failed"}).json()
    assert [row["id"] for row in listed["results"]] == [failed.pk]
    assert listed["results"][0]["last_error"] == "SMTP 550 5.1.1 No such mailbox"
    refused = api.post(f"/api/v1/message-deliveries/{sent.pk}/retry/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "status" in refused.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/message-deliveries/{failed.pk}/retry/")
    assert answer.status_code == 202
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
    assert api_as(declarant_a).get("/api/v1/message-deliveries/").status_code == 403


def test_the_admin_lists_deliveries_read_only(admin_client, django_capture_on_commit_callbacks):
    delivery = send_email(django_capture_on_commit_callbacks)
    listing = admin_client.get("/admin/ciq_portal/messagedelivery/")
    assert listing.status_code == 200 and "buyer@example.com" in listing.content.decode()
    assert admin_client.get("/admin/ciq_portal/messagedelivery/add/").status_code == 403
    assert admin_client.post(f"/admin/ciq_portal/messagedelivery/{delivery.pk}/change/",
                             {"status": "pending"}).status_code == 403
