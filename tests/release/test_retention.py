"""Personal data past its retention (buyers' contacts, who acknowledged a recall notice) is masked by a command,
and the audit chain, which covers only a salted digest of it, still verifies."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from ciq_portal.audit import audit_seal, audit_verify
from ciq_portal.models import AuditEntry
from release import services
from release.models import DistributionRecord, Release

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(hs, draw, enterprise_a):
    enterprise_a.credit_grade = "A"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = submitted_declaration(enterprise_a)
    services.release_decide(declaration=declaration, actor=None, assessment=FakeAssessment(tier="low"))
    release = Release.objects.get(declaration=declaration)
    Release.objects.filter(pk=release.pk).update(released_on=timezone.localdate() - timedelta(days=1000))
    release.refresh_from_db()
    return release


def _sale(release, declarant, contact, days_ago):
    return services.distribution_record_add(release=release, buyer_name="Ningbo Supermarket", buyer_contact=contact,
                                            quantity="5", unit="kg", actor=declarant,
                                            distributed_on=timezone.localdate() - timedelta(days=days_ago))


def test_contacts_past_retention_are_masked_and_the_chain_still_verifies(release, declarant_a, settings):
    old = _sale(release, declarant_a, "13800000001", days_ago=800)
    recent = _sale(release, declarant_a, "13800000002", days_ago=10)
    audit_seal()
    row = AuditEntry.objects.get(action="distribution.add", object_id=str(old.pk))
    assert row.personal["buyer_contact"]["value"] == "13800000001" and "13800000001" not in str(row.after)
    assert audit_verify().ok

    assert services.personal_data_mask(dry_run=True)["buyer_contacts"] == 1
    assert DistributionRecord.objects.get(pk=old.pk).buyer_contact == "13800000001"
    call_command("personal_data_mask")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.buyer_contact == "" and old.personal_data_masked_at is not None
    assert recent.buyer_contact == "13800000002" and recent.personal_data_masked_at is None
    row.refresh_from_db()
    assert "13800000001" not in str(row.personal) and "masked_at" in row.personal["buyer_contact"]
    assert row.personal_digests["buyer_contact"]  # the chain keeps the digest
    audit_seal()
    report = audit_verify()
    assert report.ok, report.problem
    assert services.personal_data_mask()["buyer_contacts"] == 0  # once

    settings.CIQ = {**settings.CIQ, "PERSONAL_DATA_RETENTION_DAYS": {"buyer_contact": 5,
                                                                     "recall_acknowledgement": 730}}
    assert services.personal_data_mask()["buyer_contacts"] == 1  # configurable


def test_nothing_is_masked_while_the_recall_is_open_and_acknowledgements_follow_their_own_retention(
        release, declarant_a, officer, settings):
    sale = _sale(release, declarant_a, "buyer@example.cn", days_ago=800)
    recall = services.recall_open(release=release, source="manual", reason="Labels", actor=officer)
    notice = recall.notices.get()
    services.recall_notice_acknowledge(notice=notice, by_name="Wang Li", note="call 13900000000")
    assert services.personal_data_mask()["buyer_contacts"] == 0  # the recall still needs the buyer
    services.recall_close(recall=recall, note="", actor=officer)
    settings.CIQ = {**settings.CIQ, "PERSONAL_DATA_RETENTION_DAYS": {"buyer_contact": 730,
                                                                     "recall_acknowledgement": 0}}
    counts = services.personal_data_mask()
    assert counts["buyer_contacts"] == 1 and counts["recall_acknowledgements"] == 1 and counts["audit_rows"] == 2
    notice.refresh_from_db()
    sale.refresh_from_db()
    assert notice.acknowledged_by == notice.acknowledgement_note == "" and sale.buyer_contact == ""
    ack = AuditEntry.objects.get(action="recall_notice.acknowledge")
    assert "Wang Li" not in str(ack.personal) + str(ack.after)
    assert AuditEntry.objects.filter(action="personal_data.mask").exists()
    audit_seal()
    assert audit_verify().ok


def test_a_personal_value_changed_in_the_audit_row_is_detected(release, declarant_a):
    sale = _sale(release, declarant_a, "13800000003", days_ago=1)
    audit_seal()
    row = AuditEntry.objects.get(action="distribution.add", object_id=str(sale.pk))
    personal = row.personal
    personal["buyer_contact"]["value"] = "13800000009"
    AuditEntry.objects.filter(pk=row.pk).update(personal=personal)
    report = audit_verify()
    assert not report.ok and f"row id={row.pk}" in report.problem and "personal data" in report.problem


def test_the_release_page_says_a_contact_was_masked(client, release, declarant_a, settings):
    _sale(release, declarant_a, "13800000004", days_ago=800)
    services.personal_data_mask()
    client.force_login(declarant_a)
    page = client.get(f"/release/releases/{release.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "13800000004" not in page and "masked after its retention" in page


@pytest.mark.parametrize("quantity", ["NaN", "Infinity", "1e400", "1e-400", "1" * 32])
def test_sale_quantity_beyond_its_column_refused_on_its_field(release, declarant_a, quantity):
    with pytest.raises(ValidationError) as error:
        services.distribution_record_add(release=release, buyer_name="Ningbo Supermarket", quantity=quantity,
                                         unit="kg", actor=declarant_a, distributed_on=timezone.localdate())
    assert "quantity" in error.value.message_dict
    assert not DistributionRecord.objects.exists()
