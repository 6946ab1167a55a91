"""Clearance time (the WCO Time Release Study measure): from arrival, or from submission, to release.

Times are kept in minutes on each release and summarised as histograms (``BUCKET_EDGES``) so that the dashboard
can give the median and the 90th percentile over any period, port and grade from a few hundred rows.
"""

import bisect
from datetime import datetime, time

from django.utils import timezone

# Bucket i holds minutes in [BUCKET_EDGES[i], BUCKET_EDGES[i + 1]); the last bucket is open-ended.
BUCKET_EDGES = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720, 960, 1200, 1440, 1800,
                2160, 2880, 3600, 4320, 5760, 7200, 8640, 10080, 14400, 20160, 30240, 43200)
LAST_BUCKET_WIDTH = 43200


def arrival_time(declaration) -> datetime | None:
    """When the goods arrived: the logistics arrival (``Declaration.arrived_at``, set by the first "vessel
    berthed" or "container discharged" event) when one was recorded; otherwise the declared date of arrival, taken
    as the start of that day at the port (local time). The one place that decides it."""
    arrived_at = getattr(declaration, "arrived_at", None)
    if arrived_at is not None:
        return arrived_at
    if declaration.arrival_date is None:
        return None
    return timezone.make_aware(datetime.combine(declaration.arrival_date, time.min))


def minutes_between(start: datetime | None, end: datetime) -> int | None:
    if start is None:
        return None
    return max(0, int((end - start).total_seconds() // 60))


def bucket_of(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    return bisect.bisect_right(BUCKET_EDGES, minutes) - 1


def percentile(histogram: dict[int, int], q: float) -> float | None:
    """The q-quantile (0..1) in minutes of a bucket histogram, interpolating linearly inside the bucket."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = q * total
    seen = 0
    for bucket in sorted(histogram):
        count = histogram[bucket]
        if count and seen + count >= rank:
            low = BUCKET_EDGES[bucket]
            width = (BUCKET_EDGES[bucket + 1] - low) if bucket + 1 < len(BUCKET_EDGES) else LAST_BUCKET_WIDTH
            return low + width * max(0.0, rank - seen) / count
        seen += count
    return float(BUCKET_EDGES[max(histogram)])
