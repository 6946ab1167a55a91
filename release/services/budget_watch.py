"""Watching the inspection budget after the fact: supervisors are told when a grade's achieved inspection rate has
left ±20 % of its budget on each of the last three days, with what moved it."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.models import EventType, Notification
from ciq_portal.notifications import notification_publish
from ciq_portal.roles import Role
from credit.selectors import inspection_budget_for_grade

from .. import matrix
from ..models import ReleaseDecision
from ..selectors import within_budget

DAYS_RUNNING = 3
MIN_DECISIONS_PER_DAY = 20  # fewer decisions in a day say nothing about the rate
HIGH_TIERS = ("high", "very_high")


def _daily(grade, days):
    rows = (ReleaseDecision.objects.filter(grade=grade, decided_on__in=days, on_hold=False).values("decided_on")
            .annotate(n=Count("id"), inspected=Count("id", filter=Q(inspection_required=True))).order_by())
    return {row["decided_on"]: (row["n"], row["inspected"]) for row in rows}


def deviation_cause(grade, first, last) -> dict:
    """What inspected the grade's consignments over [first, last] (shares of its decisions), the constraints behind
    the forced inspections (rule, bulletin, negative list, tightening) and how the share of high risk tiers moved
    against the 28 days before."""
    decisions = ReleaseDecision.objects.filter(grade=grade, decided_on__gte=first, decided_on__lte=last, on_hold=False)
    total = decisions.count() or 1
    shares = {row["selection"] or "none": row["n"] / total for row in decisions.filter(inspection_required=True)
              .values("selection").annotate(n=Count("id")).order_by()}
    constraints: dict[str, int] = {}
    for forced_by in decisions.filter(selection="forced").values_list("forced_by", flat=True):
        for entry in forced_by or []:
            key = entry.get("code", "")
            if entry.get("code") == "negative_list":
                key = f"negative_list:{entry.get('value', '')}"
            constraints[key] = constraints.get(key, 0) + 1
    before = ReleaseDecision.objects.filter(grade=grade, decided_on__gte=first - timedelta(days=28),
                                            decided_on__lt=first, on_hold=False)
    before_total = before.count()
    high_now = decisions.filter(tier__in=HIGH_TIERS).count() / total
    high_before = before.filter(tier__in=HIGH_TIERS).count() / before_total if before_total else None
    main = max(shares, key=shares.get) if shares else ""
    top = dict(sorted(constraints.items(), key=lambda kv: -kv[1])[:5])
    return {"shares": shares, "main": main, "constraints": top, "high_tier_share": high_now,
            "high_tier_share_before": high_before}


@transaction.atomic
def budget_deviations_notify(*, today=None) -> list[str]:
    """Notify the supervisors of each grade whose achieved rate was outside ±20 % of its budget on each of the last
    DAYS_RUNNING days (each with at least MIN_DECISIONS_PER_DAY decisions); once a day per grade. Returns the
    grades notified."""
    today = today or timezone.localdate()
    days = [today - timedelta(days=n) for n in range(DAYS_RUNNING, 0, -1)]
    supervisors = list(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
                       .values_list("pk", flat=True))
    notified = []
    for grade in matrix.GRADES:
        budget = inspection_budget_for_grade(grade)[0]
        daily = _daily(grade, days)
        rates = []
        for day in days:
            decided, inspected = daily.get(day, (0, 0))
            if decided < MIN_DECISIONS_PER_DAY:
                break
            rates.append(inspected / decided)
        if len(rates) < DAYS_RUNNING or any(within_budget(rate, budget) for rate in rates):
            continue
        reference = f"budget:{grade}:{today.isoformat()}"
        if Notification.objects.filter(event_type=EventType.BUDGET_DEVIATION, reference=reference).exists():
            continue
        cause = deviation_cause(grade, days[0], days[-1])
        notification_publish(
            event_type=EventType.BUDGET_DEVIATION, audience=["bureau"], recipients=supervisors,
            payload={"grade": grade, "budget": budget, "days": [d.isoformat() for d in days],
                     "achieved": [round(r, 5) for r in rates], "cause": cause},
            reference=reference, link="/release/dashboard/",
            message=lambda grade=grade, budget=budget, rates=rates, cause=cause: _deviation_text(
                grade, budget, rates, cause))
        notified.append(grade)
    return notified


def _deviation_text(grade, budget, rates, cause) -> str:
    labels = {"forced": _("forced inspections (negative list, forced modes, tightening, rules)"),
              "targeted": _("risk-targeted inspections"), "random": _("the random control sample"),
              "matrix": _("the matrix's inspecting modes (no cut-off yet)"), "none": _("older decisions")}
    text = _("Grade %(grade)s inspected %(rates)s on the last %(n)d days against a budget of %(budget)s.") % {
        "grade": grade, "rates": ", ".join(f"{100 * r:.1f} %" for r in rates), "n": len(rates),
        "budget": f"{100 * budget:.2f} %"}
    if cause["main"]:
        text += " " + _("Most came from %(what)s (%(share)s of the decisions).") % {
            "what": labels.get(cause["main"], cause["main"]), "share": f"{100 * cause['shares'][cause['main']]:.1f} %"}
    if cause["constraints"]:
        text += " " + _("Forced by: %(list)s.") % {
            "list": ", ".join(f"{code} ({n})" for code, n in cause["constraints"].items())}
    if cause["high_tier_share_before"] is not None:
        text += " " + _("High-risk tiers: %(now)s of the decisions, %(before)s in the 28 days before.") % {
            "now": f"{100 * cause['high_tier_share']:.1f} %",
            "before": f"{100 * cause['high_tier_share_before']:.1f} %"}
    return text
