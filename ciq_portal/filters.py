"""Filters shared by the apps' FilterSets."""

from datetime import UTC

import django_filters


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that compares in UTC.

    ISO 8601 allows offsets (up to ±23:59) that PostgreSQL refuses (beyond ±15:59); the instant is the same in UTC.
    """

    def filter(self, qs, value):
        return super().filter(qs, value.astimezone(UTC) if value else value)
