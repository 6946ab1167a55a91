"""Bureau staff through the pages: an administrator creates an officer and gives them a weekly duty on a site's
roster, the week view shows it, and a consignment filed now is dispatched to that officer; the officer declares a
conflict of interest and the next consignment of that enterprise goes to someone else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ciq_portal.roles import Role

from ..factories import TEST_PASSWORD, UserFactory
from ..inspection.factories import InspectionSiteFactory, OfficerProfileFactory
from .helpers import both_languages, log_in, log_out, main_text

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]


def _declaration_with_a_task(enterprise):
    from inspection.services import inspection_task_create, inspection_tasks_dispatch

    from ..factories import DeclarationFactory, GoodsLineFactory

    declaration = DeclarationFactory(enterprise=enterprise, status="awaiting_inspection", release_mode="supervised")
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code="0306170000")
    task = inspection_task_create(declaration=declaration, reason="random", mode="supervised")
    inspection_tasks_dispatch(task_ids=[task.pk])
    task.refresh_from_db()
    return task


def test_administrator_rosters_a_new_officer_who_is_dispatched_then_declares_a_conflict(
        browser_page, shots, roles, enterprise_a, supervisor):
    page = browser_page
    site = InspectionSiteFactory(code="NGB-CC", kind="cold_chain", name="冷链查验中心", name_en="Cold-chain centre")
    OfficerProfileFactory(user=UserFactory(username="colleague", role=Role.OFFICER), sites=[site], on_duty=False)
    admin = UserFactory(username="bureau_admin", role=Role.ADMINISTRATOR)
    log_in(page, admin.username)
    page.goto("/inspection/staff/officers/new/")
    page.fill("[name=badge_no]", "NB0777")
    page.fill("[name=username]", "chenjing")
    page.fill("[name=family_name]", "陈")
    page.fill("[name=given_name]", "静")
    page.fill("[name=password]", TEST_PASSWORD)
    page.check("input[name=categories][value=aquatic]")
    page.check(f"input[name=sites][value='{site.pk}']")
    shots(page, "officer-form")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "NB0777" in main_text(page)

    # A weekly duty on today's weekday covering the present hours, at the cold-chain site.
    now = timezone.localtime()
    start, end = now - timedelta(hours=1), now + timedelta(hours=2)
    if start.date() != now.date() or end.date() != now.date():
        start, end = now.replace(hour=0, minute=0), now.replace(hour=23, minute=59)
    page.goto(f"/inspection/staff/roster/?site={site.pk}")
    form = page.locator("form[action$='/staff/roster/duties/']")
    form.locator("[name=officer]").select_option(label="NB0777 陈静")
    form.locator("[name=site]").select_option(str(site.pk))
    form.locator("[name=weekday]").select_option(str(now.weekday()))
    form.locator("[name=starts_at]").fill(start.strftime("%H:%M"))
    form.locator("[name=ends_at]").fill(end.strftime("%H:%M"))
    form.locator("[name=valid_from]").fill((now.date() - timedelta(days=7)).isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    week = page.inner_text("table.roster")
    assert "NB0777" in week and f"{start:%H:%M}–{end:%H:%M}" in week
    both_languages(page, shots, "roster-week")
    log_out(page)

    task = _declaration_with_a_task(enterprise_a)
    assert task.assigned_to.username == "chenjing"  # the only officer on duty at the site

    log_in(page, "chenjing")
    page.goto("/inspection/staff/conflicts/")
    page.fill("[name=enterprise]", enterprise_a.uscc)
    page.fill("[name=reason]", "我的表弟在该企业任职")
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    shots(page, "conflict-declared")
    task.refresh_from_db()
    assert task.assigned_to is None  # back to the pool at once
    log_out(page)

    assert _declaration_with_a_task(enterprise_a).assigned_to_id is None  # nobody else on duty: the pool
    log_in(page, supervisor.username)
    page.goto("/inspection/staff/conflicts/")
    assert "我的表弟在该企业任职" in main_text(page)
    page.click("form[action$='/acknowledge/'] button")
    page.wait_for_load_state("networkidle")
    shots(page, "conflict-acknowledged")
    assert not page.js_errors, page.js_errors
