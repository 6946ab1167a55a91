"""The materialised dashboard figures: rebuilt by a task, queued once per interval after releases."""

import time
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ciq_portal.journal import journal_follow_up

from .. import stats
from ..models import StatsRefresh
from ..tasks import release_stats_refresh_task

STATS_PENDING_KEY = "release:stats-refresh-pending"


def _queue_stats_refresh():
    # The dashboard shows a release within CIQ["STATS_FOLLOW_UP_SECONDS"], not at the beat's next sweep.
    journal_follow_up(STATS_PENDING_KEY, release_stats_refresh_task, seconds=settings.CIQ["STATS_FOLLOW_UP_SECONDS"])


def release_stats_refresh(*, first_day: date | None = None, last_day: date | None = None) -> int:
    """Recompute the dashboard's summary rows for [first_day, last_day] (default: yesterday and today) in one
    transaction; idempotent, so a task that runs twice leaves the same rows."""
    cache.delete(STATS_PENDING_KEY)  # a release committed from now on queues the next refresh
    today = timezone.localdate()
    last_day = last_day or today
    first_day = first_day or (last_day - timedelta(days=1))
    started = time.monotonic()
    with transaction.atomic():
        rows = stats.rebuild(first_day, last_day)
        StatsRefresh.objects.create(refreshed_at=timezone.now(), first_day=first_day, last_day=last_day, rows=rows,
                                    seconds=round(time.monotonic() - started, 3))
    return rows
