"""Personal data past its retention: buyers' contacts and who acknowledged a recall notice, masked."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ciq_portal.audit import audit_personal_mask, audit_record

from ..choices import RecallStatus
from ..models import DistributionRecord, Recall, RecallNotice


@transaction.atomic
def personal_data_mask(*, today: date | None = None, dry_run: bool = False) -> dict:
    """Mask the personal data kept past its retention (settings.CIQ["PERSONAL_DATA_RETENTION_DAYS"]): a buyer's
    contact (from the date of the sale) and who acknowledged a recall notice, with the note (from the
    acknowledgement), never while the lot's recall is open. The audit rows about them lose the values too; the chain
    covers only their digests, so it still verifies. Returns how many of each were (or, dry, would be) masked."""
    today = today or timezone.localdate()
    days = settings.CIQ["PERSONAL_DATA_RETENTION_DAYS"]
    contact_before = today - timedelta(days=days["buyer_contact"])
    acknowledged_before = timezone.now() - timedelta(days=days["recall_acknowledgement"])
    open_recall = Recall.objects.filter(status=RecallStatus.OPEN)
    distributions = (DistributionRecord.objects.select_for_update()
                     .filter(personal_data_masked_at__isnull=True, distributed_on__lt=contact_before)
                     .exclude(release__in=open_recall.values("release")))
    notices = (RecallNotice.objects.select_for_update()
               .filter(personal_data_masked_at__isnull=True, acknowledged_at__lt=acknowledged_before)
               .exclude(recall__in=open_recall))
    distribution_ids = list(distributions.values_list("pk", flat=True))
    notice_ids = list(notices.values_list("pk", flat=True))
    counts = {"buyer_contacts": len(distribution_ids), "recall_acknowledgements": len(notice_ids), "audit_rows": 0}
    if dry_run or not (distribution_ids or notice_ids):
        return counts
    now = timezone.now()
    DistributionRecord.objects.filter(pk__in=distribution_ids).update(buyer_contact="", personal_data_masked_at=now)
    RecallNotice.objects.filter(pk__in=notice_ids).update(acknowledged_by="", acknowledgement_note="",
                                                          personal_data_masked_at=now)
    counts["audit_rows"] = (
        audit_personal_mask(object_type=DistributionRecord._meta.label_lower, object_ids=distribution_ids)
        + audit_personal_mask(object_type=RecallNotice._meta.label_lower, object_ids=notice_ids))
    audit_record(actor=None, action="personal_data.mask", object_type="personal_data", object_id=str(today),
                 after={**counts, "retention_days": days})
    return counts
