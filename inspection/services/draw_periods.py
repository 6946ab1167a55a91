"""Dual-random, the draw of objects: each day's secret seed (committed in advance, revealed once the
day has ended, rotated hourly) and the random control sample drawn with it."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.journal import batch_atomic
from ciq_portal.reference import reference_cached, reference_forget
from credit.selectors import inspection_ratio_for_grade

from .. import draws
from ..choices import DrawKind
from ..models import DrawPeriod, ObjectDraw
from ._common import _event


@transaction.atomic
def draw_period_commit(*, day: date, actor=None) -> DrawPeriod:
    """Create ``day``'s secret seed and publish its commitment (idempotent)."""
    period = DrawPeriod.objects.select_for_update().filter(day=day).first()
    if period:
        return period
    seed = secrets.token_hex(32)
    try:
        with transaction.atomic():
            period = DrawPeriod.objects.create(day=day, seed=seed, commitment=draws.commitment_of(seed),
                                               algorithm=draws.ALGORITHM, committed_at=timezone.now())
    except IntegrityError:  # the day's first submissions raced: the one that committed first made the seed
        return DrawPeriod.objects.select_for_update().get(day=day)
    audit_record(actor=actor, action="draw_period.commit", obj=period,
                 after={"day": day, "commitment": period.commitment})
    return period


@transaction.atomic
def draw_period_reveal(*, day: date, actor=None) -> DrawPeriod:
    """Publish the seed of a period that has ended (idempotent)."""
    if day >= timezone.localdate():
        raise ValidationError({"day": [_("A seed is revealed only after its day has ended.")]})
    period = DrawPeriod.objects.select_for_update().filter(day=day).first()
    if period is None:
        raise ValidationError({"day": [_("No seed was committed for this day.")]})
    if period.revealed_at is None:
        period.revealed_at = timezone.now()
        period.save(update_fields=["revealed_at"])
        audit_record(actor=actor, action="draw_period.reveal", obj=period,
                     after={"day": day, "seed": period.seed, "commitment": period.commitment})
    return period


def draw_periods_rotate() -> dict:
    """The hourly rotation (idempotent): today's and tomorrow's seeds committed, every ended day's seed revealed."""
    today = timezone.localdate()
    draw_period_commit(day=today)
    draw_period_commit(day=today + timedelta(days=1))
    revealed = []
    for day in DrawPeriod.objects.filter(day__lt=today, revealed_at__isnull=True).values_list("day", flat=True):
        draw_period_reveal(day=day)
        revealed.append(str(day))
    return {"committed": str(today + timedelta(days=1)), "revealed": revealed}


def _period_for(at: datetime) -> DrawPeriod:
    """The period a draw for ``at`` is made in, open: its seed committed and not yet revealed. A draw after the
    reveal could be chosen knowing its outcome, so it is refused (and the public verifier flags one)."""
    day = timezone.localdate(at)
    key = f"draw-period:{day}"
    # What a draw reads of its period (id, seed, algorithm) never changes once committed.
    period = reference_cached(key, lambda: DrawPeriod.objects.filter(day=day).first())
    if period is None:
        period = draw_period_commit(day=day)  # committed now, before the draw
        reference_forget(key)
    if day < timezone.localdate():
        # An ended day's seed may be revealed at any moment: read the period again, locked, so that a reveal waits
        # for this draw. Today's cannot be revealed (draw_period_reveal), so the submit pays no query for it.
        period = DrawPeriod.objects.select_for_update().get(pk=period.pk)
    if period.revealed_at is not None:
        raise ValidationError({"period": [
            _("No draw for %(day)s any more: its seed was revealed at %(at)s, and a draw is made only after its "
              "seed is committed and before it is revealed.") % {
                "day": day, "at": timezone.localtime(period.revealed_at).strftime("%Y-%m-%d %H:%M")}]})
    return period


def _grade_ratio(grade: str) -> tuple[float, int]:
    ratio, version = inspection_ratio_for_grade(grade)
    return float(ratio), int(version)


@batch_atomic
def object_draw_for_declaration(*, declaration, at: datetime | None = None) -> ObjectDraw:
    """The draw of objects (random control sample) for one declaration; drawn once, later calls return it."""
    subject = f"declaration:{declaration.pk}"
    existing = ObjectDraw.objects.filter(subject=subject).first()
    if existing:
        return existing
    at = at or timezone.now()
    period = _period_for(at)
    grade = declaration.enterprise.credit_grade
    ratio, policy_version = _grade_ratio(grade)
    inputs = {"ratio": ratio, "grade": grade, "policy_version": policy_version, "algorithm": period.algorithm}
    result = draws.rerun(DrawKind.OBJECT, period.seed, subject, inputs)
    draw = ObjectDraw.objects.create(period=period, kind=DrawKind.OBJECT, subject=subject, declaration=declaration,
                                     inputs=inputs, result=result, selected=result["selected"])
    audit_record(actor=None, action="draw.object", obj=draw, enterprise_id=declaration.enterprise_id,
                 after={"subject": subject, "inputs": inputs, "result": result})
    _event(declaration=declaration, kind="random_draw",
           message=lambda: _("Drawn for the random control sample.") if draw.selected
           else _("Not drawn for the random control sample."),
           data={"draw": draw.pk, "selected": draw.selected}, visible_to_declarant=False)
    return draw
