"""Risk targeting within each grade's inspection budget: the cut-offs, recomputed by the beat and after every
activation of a model, a rule, a bulletin, the matrix or the inspection policy (``release.targeting`` says how)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_forget
from credit.selectors import inspection_policy_current

from .. import targeting
from ..choices import Selection
from ..models import ReleaseDecision, SelectionCutoffs
from ..selectors import CUTOFFS_KEY
from ..tasks import selection_cutoffs_compute_task

logger = logging.getLogger(__name__)

WINDOW_DAYS = 28


@transaction.atomic
def selection_cutoffs_compute(*, trigger: str = "periodic", actor=None, today=None) -> SelectionCutoffs:
    """A new version of the cut-offs over the decisions of the last WINDOW_DAYS days (judged on their expected
    harm), for the budgets and random ratios of the policy in force."""
    today = today or timezone.localdate()
    first = today - timedelta(days=WINDOW_DAYS - 1)
    policy = inspection_policy_current()
    past: dict[str, list[targeting.PastDecision]] = {}
    rows = (ReleaseDecision.objects.filter(decided_on__gte=first, decided_on__lte=today, harm__isnull=False,
                                           on_hold=False)
            .values_list("grade", "harm", "hit_probability", "selection", "cutoffs_version", "inspection_required",
                         "decided_on").order_by())
    days = set()
    for grade, harm, probability, selection, cutoffs_version, inspected, decided_on in rows.iterator(chunk_size=5000):
        days.add(decided_on)
        past.setdefault(grade, []).append(targeting.PastDecision(
            harm=harm, probability=probability or 0.0, forced=selection == Selection.FORCED,
            under_cutoffs=cutoffs_version is not None, inspected=inspected))
    cutoffs = targeting.cutoffs_for(past, budgets=policy["budgets"], ratios=policy["ratios"], days=len(days))
    last = SelectionCutoffs.objects.select_for_update().order_by("-version").first()
    row = SelectionCutoffs.objects.create(
        version=(last.version if last else 0) + 1, trigger=trigger[:32], window_first=first, window_last=today,
        policy_version=policy["version"], grades={grade: cut.as_dict() for grade, cut in cutoffs.items()})
    audit_record(actor=actor, action="selection_cutoffs.compute", obj=row,
                 after={"version": row.version, "trigger": row.trigger, "policy_version": row.policy_version,
                        "cutoffs": {grade: cut.cutoff for grade, cut in cutoffs.items()}})
    reference_forget(CUTOFFS_KEY)
    return row


def selection_cutoffs_queue(kind: str, version=None) -> None:
    """An activation listener (after its commit): recompute the cut-offs in a worker. A broker outage is logged and
    the beat's periodic run recomputes them."""
    try:
        selection_cutoffs_compute_task.delay(trigger=kind)
    except Exception:  # the activation committed; nothing may turn its answer into an error now
        logger.exception("Cut-offs recomputation after %s %s not queued", kind, version)
