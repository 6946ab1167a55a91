"""The inspection budget read from the summary rows equals the budget counted on the decisions themselves: per grade
(selections, random draws, capacity moves, the daily trend) and per site, with port and grade filters."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection.models import InspectionTask
from release import matrix
from release.models import DailySiteStat, ReleaseDecision
from release.selectors import Period, budget_by_grade, budget_by_site
from release.services import release_stats_refresh
from tests.factories import DeclarationFactory, EnterpriseFactory
from tests.inspection.factories import InspectionSiteFactory

pytestmark = pytest.mark.django_db

SELECTIONS = ("", "forced", "targeted", "random", "matrix", "targeted", "")
DAYS = 12


@pytest.fixture
def decisions():
    """90 decisions over DAYS days, two ports and five grades, inspected by every selection at three sites (and one
    without a site), some on hold, drawn at random or moved by capacity."""
    enterprise = EnterpriseFactory()
    sites = [InspectionSiteFactory(code="NGB-CC", port="NGB", kind="cold_chain"),
             InspectionSiteFactory(code="NGB-GEN", port="NGB", kind="general"),
             InspectionSiteFactory(code="ZOS-GEN", port="ZOS", kind="general")]
    today = timezone.localdate()
    for n in range(90):
        port = ("NGB", "NGB", "ZOS")[n % 3]
        selection = SELECTIONS[n % len(SELECTIONS)]
        declaration = DeclarationFactory(enterprise=enterprise, status="submitted", port_of_entry=port)
        decision = ReleaseDecision.objects.create(
            declaration=declaration, enterprise=enterprise, decided_at=timezone.now(),
            decided_on=today - timedelta(days=n % DAYS), port=port, grade=matrix.GRADES[n % 5], tier="low",
            matrix_version=0, matrix_mode="verify", mode="sample" if selection else "verify",
            random_selected=selection == "random" or n % 11 == 0, inspection_required=bool(selection),
            selection=selection, capacity_moved="verify" if n % 4 == 0 else "", on_hold=n % 13 == 0,
            inspection_reason="random" if selection == "random" else ("release_mode" if selection else ""),
            next_step="none")
        if selection:
            site = None if n % 17 == 0 else (sites[n % 2] if port == "NGB" else sites[2])
            decision.task = InspectionTask.objects.create(
                declaration=declaration, enterprise=enterprise, site=site, reason=decision.inspection_reason,
                mode=decision.mode, due_at=timezone.now() + timedelta(days=1))
            decision.save(update_fields=["task"])
    release_stats_refresh(first_day=today - timedelta(days=DAYS + 2), last_day=today)
    return sites


def _in(period: Period, **extra):
    queryset = ReleaseDecision.objects.filter(decided_on__gte=period.first, decided_on__lte=period.last, **extra)
    if period.port:
        queryset = queryset.filter(port=period.port)
    if period.grade:
        queryset = queryset.filter(grade=period.grade)
    return list(queryset.values("decided_on", "grade", "selection", "inspection_required", "random_selected",
                                "capacity_moved", "task__site__code"))


def grades_from_decisions(period: Period) -> dict[str, dict]:
    """What budget_by_grade reports, counted one decision at a time."""
    expected = {}
    rows = _in(period, on_hold=False)
    trend_first = max(period.first, period.last - timedelta(days=6))
    for grade in matrix.GRADES:
        if period.grade and grade != period.grade:
            continue
        mine = [r for r in rows if r["grade"] == grade]
        inspected = [r for r in mine if r["inspection_required"]]
        by = Counter(r["selection"] for r in inspected)
        trend = []
        for n in range((period.last - trend_first).days + 1):
            day = [r for r in mine if r["decided_on"] == trend_first + timedelta(days=n)]
            hit = sum(r["inspection_required"] for r in day)
            trend.append({"day": trend_first + timedelta(days=n), "decided": len(day),
                          "achieved": hit / len(day) if day else None})
        expected[grade] = {
            "decided": len(mine), "inspected": len(inspected),
            "achieved": len(inspected) / len(mine) if mine else None,
            "random_ratio": sum(r["random_selected"] for r in mine) / len(mine) if mine else None,
            "forced": by["forced"], "targeted": by["targeted"], "random": by["random"], "by_matrix": by["matrix"],
            "capacity_moved": sum(bool(r["capacity_moved"]) for r in mine), "trend": trend}
    return expected


def sites_from_decisions(period: Period) -> list[dict]:
    """What budget_by_site reports, counted one decision at a time (the sites' capacity aside)."""
    counts: dict[str, Counter] = {}
    for r in _in(period, task__site__isnull=False):
        if period.port and not r["task__site__code"].startswith(period.port):
            continue
        count = counts.setdefault(r["task__site__code"], Counter())
        count["inspections"] += 1
        count[r["selection"]] += 1
    return [{"site": code, "inspections": c["inspections"], "forced": c["forced"], "targeted": c["targeted"],
             "random": c["random"]} for code, c in sorted(counts.items())]


PERIODS = [(DAYS - 1, 0), (1, 0), (9, 4), (60, 0), (0, 0)]


@pytest.mark.parametrize(("port", "grade"), [(None, None), ("NGB", None), ("ZOS", "B"), (None, "D")])
def test_budget_from_summaries_equals_budget_from_decisions(decisions, port, grade):
    today = timezone.localdate()
    for back_first, back_last in PERIODS:
        period = Period(today - timedelta(days=back_first), today - timedelta(days=back_last), port=port, grade=grade)
        expected = grades_from_decisions(period)
        got = {row["grade"]: {key: row[key] for key in expected[row["grade"]]} for row in budget_by_grade(period)}
        assert got == expected, period
        sites = [{key: row[key] for key in ("site", "inspections", "forced", "targeted", "random")}
                 for row in budget_by_site(period)]
        assert sites == sites_from_decisions(period), period


def test_the_figures_are_not_empty_and_cover_every_selection(decisions):
    today = timezone.localdate()
    rows = budget_by_grade(Period(today - timedelta(days=DAYS - 1), today))
    assert sum(r["decided"] for r in rows) == ReleaseDecision.objects.filter(on_hold=False).count()
    assert all(sum(r[key] for r in rows) for key in ("forced", "targeted", "random", "by_matrix", "capacity_moved"))
    assert len(rows[0]["trend"]) == 7
    by_site = budget_by_site(Period(today - timedelta(days=DAYS - 1), today))
    assert [r["site"] for r in by_site] == ["NGB-CC", "NGB-GEN", "ZOS-GEN"]
    assert by_site[0]["capacity"] == decisions[0].capacity_per_day * DAYS


def test_a_refresh_twice_leaves_the_same_site_rows(decisions):
    today = timezone.localdate()
    before = sorted(DailySiteStat.objects.values_list("day", "port", "grade", "site_id", "inspections"))
    release_stats_refresh(first_day=today - timedelta(days=3), last_day=today)
    assert sorted(DailySiteStat.objects.values_list("day", "port", "grade", "site_id", "inspections")) == before
