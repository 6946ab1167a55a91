"""Declaration numbers: ``<office><yyyymmdd><6-digit sequence>`` from a locked per-office-per-day counter."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import DeclarationSequence


def declaration_number_next(*, office: str | None = None, day: datetime.date | None = None) -> str:
    """``<office><yyyymmdd><6-digit sequence>``, e.g. NGB20261127000042. The sequence row is locked, so
    concurrent callers never get the same number; call inside the transaction that saves the declaration."""
    office = (office or settings.CIQ["OFFICE_CODE"]).upper()
    day = day or timezone.localdate()
    with transaction.atomic():
        row = DeclarationSequence.objects.select_for_update().filter(office=office, day=day).first()
        if row is None:
            try:
                with transaction.atomic():
                    DeclarationSequence.objects.create(office=office, day=day, last=0)
            except IntegrityError:
                pass
            row = DeclarationSequence.objects.select_for_update().get(office=office, day=day)
        row.last += 1
        row.save(update_fields=["last"])
    return f"{office}{day:%Y%m%d}{row.last:06d}"
