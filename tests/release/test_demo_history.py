"""The demo's months of history come through the clearance pipeline, so the dashboard shows what the engine did:
each past consignment filed by its enterprise's declarant, assessed, decided under the cut-offs the beat computed
the night before, drawn in its day's period, and settled as it ended; nothing written as a figure. (The test suite
seeds a tenth of the demo's daily volume, CIQ["DEMO_HISTORY_SCALE"]; benchmarks/bench_demo_budget.py measures the
full demo against the budgets.)"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from declarations.models import DeclarationEvent
from release.demo import A_USCC, HISTORY_DAYS, PREFIX
from release.models import Release, ReleaseDecision, SelectionCutoffs
from release.selectors import Period, budget_by_grade

pytestmark = pytest.mark.django_db


def test_the_demo_history_is_what_the_pipeline_decided(settings, demo_follow_ups_released):
    settings.DEBUG = True
    call_command("seed_demo")
    today = timezone.localdate()
    first = today - timedelta(days=HISTORY_DAYS)
    # (Enterprise A's released consignments of every mode are the storyline's: their modes are stated.)
    history = ReleaseDecision.objects.filter(declaration__number__startswith=PREFIX,
                                             decided_on__lt=today).exclude(enterprise__uscc=A_USCC)

    # Every day of the history, every grade; each consignment submitted by its enterprise's declarant on its day.
    assert set(history.values_list("decided_on", flat=True)) == {first + timedelta(days=n)
                                                                 for n in range(HISTORY_DAYS)}
    assert set(history.values_list("grade", flat=True)) == {"AA", "A", "B", "C", "D"}
    submitted = DeclarationEvent.objects.filter(declaration__release_decision__in=history, kind="submit")
    assert submitted.count() == history.count()
    assert not submitted.filter(Q(actor__isnull=True) | ~Q(actor__enterprise_membership__enterprise=F(
        "declaration__enterprise"))).exists()
    assert not history.exclude(declaration__submitted_at__date=F("decided_on")).exists()

    # Assessed by the risk engine, drawn, and decided under the cut-offs of the night before (but the first day).
    assert not history.annotate(n=Count("declaration__risk_assessments")).filter(n=0).exists()
    assert not history.annotate(n=Count("declaration__inspection_draws")).filter(n=0).exists()
    assert not history.filter(harm__isnull=True).exists()
    nightly = set(SelectionCutoffs.objects.filter(trigger="periodic").values_list("window_last", flat=True))
    assert {first + timedelta(days=n) for n in range(HISTORY_DAYS)} <= nightly
    assert not history.filter(decided_on__gt=first, cutoffs_version__isnull=True).exists()
    # Whatever inspects says why, as the budget counts it; the engine's choices, not the demo's.
    inspected = history.filter(inspection_required=True)
    assert inspected.exists() and not inspected.filter(selection="").exists()
    assert {"targeted", "random", "forced"} <= set(inspected.values_list("selection", flat=True))
    assert not history.filter(inspection_required=False).exclude(selection="").exists()

    # Settled as they ended: released with a certificate, or refused after a failed inspection; none left waiting.
    assert not history.filter(declaration__status__in=["submitted", "awaiting_documents", "awaiting_inspection",
                                                       "under_inspection", "on_hold"]).exists()
    released = Release.objects.filter(decision__in=history)
    assert released.count() >= 0.9 * history.count()
    assert not released.filter(certificate__isnull=True).exists()
    assert not released.filter(released_at__lt=F("decision__decided_at")).exists()

    # The dashboard counts them: every grade's month has decisions, its inspections split by selection.
    rows = {row["grade"]: row for row in budget_by_grade(Period(first=today - timedelta(days=29), last=today))}
    assert all(rows[grade]["decided"] > 0 for grade in rows)
    assert all(row["inspected"] == row["forced"] + row["targeted"] + row["random"] + row["by_matrix"]
               for row in rows.values())
