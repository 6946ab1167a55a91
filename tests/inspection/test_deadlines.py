"""Working-day deadlines: the bureau's calendar (hours, weekends, holidays, adjusted working weekends) drives the
inspections' due times, and overdue inspections escalate to the site's supervisor."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ciq_portal.models import CalendarDay, Notification
from ciq_portal.roles import Role
from ciq_portal.working_calendar import (
    calendar_year_save,
    official_days,
    working_deadline,
    working_hours_between,
)
from inspection.choices import Priority
from inspection.models import InspectionTask
from inspection.services import inspection_overdue_escalate, site_supervisor_set, task_due_at
from tests.factories import DeclarationFactory, UserFactory
from tests.inspection.factories import InspectionSiteFactory

pytestmark = pytest.mark.django_db


def at(y, m, d, hh, mm=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm))


@pytest.fixture
def administrator(roles):
    return UserFactory(username="calendar-admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def calendar_2026(administrator):
    return calendar_year_save(actor=administrator, year=2026, days=official_days(2026))


def test_the_official_2026_arrangement_is_known():
    days = {entry["day"]: entry["kind"] for entry in official_days(2026)}
    assert days[datetime(2026, 10, 1).date()] == "holiday"
    assert days[datetime(2026, 10, 10).date()] == "workday"  # the adjusted working Saturday
    assert days[datetime(2026, 2, 14).date()] == "workday"
    assert datetime(2026, 3, 3).date() not in days


def test_without_a_calendar_weekends_and_nights_do_not_count():
    # Friday 17:00 + 4 working hours: half an hour on Friday, the rest on Monday from 08:30.
    assert working_deadline(at(2030, 3, 1, 17), 4) == at(2030, 3, 4, 12)
    # Before the day starts: the clock starts at 08:30.
    assert working_deadline(at(2030, 3, 4, 7), 2) == at(2030, 3, 4, 10, 30)


def test_deadline_across_a_holiday_weekend(calendar_2026):
    # Qingming: Saturday 4 to Monday 6 April 2026 off. Friday 16:30 + 16 working hours: one hour on Friday, nine on
    # Tuesday, six on Wednesday.
    assert working_deadline(at(2026, 4, 3, 16, 30), 16) == at(2026, 4, 8, 14, 30)
    # National Day week: Wednesday 30 September 16:30 + 8 hours runs on Thursday 8 October.
    assert working_deadline(at(2026, 9, 30, 16, 30), 8) == at(2026, 10, 8, 15, 30)


def test_deadline_on_an_adjusted_working_saturday(calendar_2026):
    # Saturday 10 October 2026 is worked: Friday 15:30 + 8 hours ends on Saturday, not on Monday.
    assert working_deadline(at(2026, 10, 9, 15, 30), 8) == at(2026, 10, 10, 14, 30)
    assert working_hours_between(at(2026, 10, 9, 15, 30), at(2026, 10, 12, 8, 30)) == 11.0


def test_an_inspection_is_due_in_working_hours(calendar_2026, enterprise_a):
    from inspection.services import inspection_task_create

    declaration = DeclarationFactory(enterprise=enterprise_a, status="submitted")
    task = inspection_task_create(declaration=declaration, reason="risk", mode="supervised")
    assert task.priority == Priority.URGENT
    # Counted from the moment the service took, a hair before the row's creation stamp.
    assert abs(task.due_at - task_due_at(created_at=task.created_at, priority=Priority.URGENT)) < timedelta(seconds=1)


def test_saving_a_year_replaces_its_days_and_counts_at_once(administrator, calendar_2026):
    assert working_deadline(at(2026, 10, 9, 15, 30), 8) == at(2026, 10, 10, 14, 30)
    calendar_year_save(actor=administrator, year=2026, work_starts=time(9), work_ends=time(17),
                       days=[{"day": datetime(2026, 10, 1).date(), "kind": "holiday", "name": "国庆节"}])
    assert CalendarDay.objects.filter(calendar__year=2026).count() == 1
    # 10 October is an ordinary Saturday now, and the day runs 09:00 to 17:00.
    assert working_deadline(at(2026, 10, 9, 15, 30), 8) == at(2026, 10, 12, 15, 30)


@pytest.mark.parametrize("changes, field", [
    ({"work_starts": time(18), "work_ends": time(9)}, "work_ends"),
    ({"weekend_days": [1, 2, 3, 4, 5, 6, 7]}, "weekend_days"),
    ({"year": 1999}, "year"),
    ({"days": [{"day": datetime(2027, 1, 1).date(), "kind": "holiday"}]}, "days"),
    ({"days": [{"day": datetime(2026, 3, 3).date(), "kind": "workday"}]}, "days"),  # a Tuesday
    ({"days": [{"day": datetime(2026, 3, 3).date(), "kind": "holiday"},
               {"day": datetime(2026, 3, 3).date(), "kind": "holiday"}]}, "days"),
    ({"days": [{"day": datetime(2026, 3, 3).date(), "kind": "festival"}]}, "days"),
])
def test_bad_calendars_are_refused_naming_the_field(administrator, changes, field):
    arguments = {"year": 2026, **changes}
    with pytest.raises(ValidationError) as exc:
        calendar_year_save(actor=administrator, **arguments)
    assert field in exc.value.message_dict


def test_only_an_administrator_edits_the_calendar(supervisor):
    with pytest.raises(ValidationError):
        calendar_year_save(actor=supervisor, year=2026)


@pytest.fixture
def overdue(enterprise_a, supervisor):
    site = InspectionSiteFactory(code="NGB-ESC", port="NGB")
    declaration = DeclarationFactory(enterprise=enterprise_a, status="under_inspection")
    task = InspectionTask.objects.create(declaration=declaration, enterprise=enterprise_a, reason="risk",
                                         site=site, due_at=at(2030, 3, 4, 10))  # a Monday
    return task, site


def test_overdue_inspection_escalates_once_to_the_site_supervisor(overdue, supervisor, roles, settings):
    task, site = overdue
    other = UserFactory(username="other-supervisor", role=Role.SUPERVISOR)
    site_supervisor_set(site=site, supervisor=supervisor, actor=supervisor)
    settings.CIQ = {**settings.CIQ, "OVERDUE_ESCALATION_WORKING_HOURS": 4}
    # Three working hours past due: not yet.
    assert inspection_overdue_escalate(now=at(2030, 3, 4, 13)) == 0
    assert inspection_overdue_escalate(now=at(2030, 3, 4, 14, 1)) == 1
    assert inspection_overdue_escalate(now=at(2030, 3, 4, 16)) == 0
    task.refresh_from_db()
    assert task.escalated_at == at(2030, 3, 4, 14, 1)
    notes = Notification.objects.filter(event_type="inspection.overdue")
    assert [n.user_id for n in notes] == [supervisor.pk]
    assert other.pk not in {n.user_id for n in notes}


def test_a_site_without_supervisor_escalates_to_the_bureaus_supervisors(overdue, supervisor, roles):
    other = UserFactory(username="other-supervisor", role=Role.SUPERVISOR)
    assert inspection_overdue_escalate(now=at(2030, 3, 6, 12)) == 1
    assert set(Notification.objects.filter(event_type="inspection.overdue").values_list("user_id", flat=True)) == {
        supervisor.pk, other.pk}


def test_concluded_inspections_do_not_escalate(overdue):
    task, _site = overdue
    InspectionTask.objects.filter(pk=task.pk).update(status="concluded", concluded_at=at(2030, 3, 4, 11))
    assert inspection_overdue_escalate(now=at(2030, 3, 6, 12)) == 0


def test_only_a_supervisor_can_be_named(overdue, officer, supervisor):
    _task, site = overdue
    with pytest.raises(ValidationError):
        site_supervisor_set(site=site, supervisor=officer, actor=supervisor)
    with pytest.raises(ValidationError):
        site_supervisor_set(site=site, supervisor=supervisor, actor=officer)


# --- The calendar's page and API, and the dashboard's overdue count ------------------------------------------------


def test_administrator_edits_a_year_on_the_page(client, administrator):
    client.force_login(administrator)
    page = client.get("/portal/calendar/2026/?official=1")
    assert page.status_code == 200 and "2026-10-10 workday" in page.content.decode()
    response = client.post("/portal/calendar/2026/", {
        "year": 2026, "work_starts": "09:00", "work_ends": "17:00", "weekend_days": ["6", "7"],
        "days": "2026-10-01 holiday 国庆节\n2026-10-10 workday 国庆节"})
    assert response.status_code == 302
    assert working_deadline(at(2026, 10, 9, 16), 3) == at(2026, 10, 10, 11)
    assert "2026" in client.get("/portal/calendar/").content.decode()


def test_the_page_puts_the_services_errors_next_to_the_field(client, administrator):
    client.force_login(administrator)
    response = client.post("/portal/calendar/2026/", {
        "year": 2026, "work_starts": "09:00", "work_ends": "17:00", "weekend_days": ["6", "7"],
        "days": "2026-03-03 workday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "only a day off can be an adjusted working day" in response.content.decode()
    bad_line = client.post("/portal/calendar/2026/", {"year": 2026, "work_starts": "09:00", "work_ends": "17:00",
                                                      "days": "2026-13-40 holiday"})
    assert bad_line.status_code == 400


def test_only_administrators_open_the_calendar_page(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/portal/calendar/").status_code == 403


def test_calendar_api_put_by_administrators_read_by_staff(client, administrator, officer):
    client.force_login(administrator)
    body = {"work_starts": "08:30", "work_ends": "17:30", "weekend_days": [6, 7],
            "days": [{"day": "2026-10-01", "kind": "holiday", "name": "国庆节"},
                     {"day": "2026-10-10", "kind": "workday", "name": "国庆节"}]}
    response = client.put("/api/v1/calendar-years/2026/", body, content_type="application/json")
    assert response.status_code == 200 and len(response.json()["days"]) == 2
    bad = client.put("/api/v1/calendar-years/2026/", {**body, "work_ends": "07:00"},
                     content_type="application/json")
    assert bad.status_code == 400 and "work_ends" in str(bad.json())
    client.force_login(officer)
    assert client.get("/api/v1/calendar-years/2026/").json()["days"][1]["kind"] == "workday"
    assert client.put("/api/v1/calendar-years/2026/", body, content_type="application/json").status_code == 403
    assert client.get("/api/v1/calendar-years/2027/").status_code == 404


def test_dashboard_shows_overdue_by_site(client, supervisor, overdue):
    task, site = overdue
    InspectionTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(days=2),
                                                     escalated_at=timezone.now() - timedelta(days=1))
    client.force_login(supervisor)
    page = client.get("/release/dashboard/").content.decode()
    assert 'id="overdue_by_site"' in page and "NGB-ESC" in page
    data = client.get("/release/dashboard/export.json").json()
    assert data["tables"]["overdue_by_site"]["rows"][0][1:] == [1, 1]


@pytest.mark.parametrize("who", ["agency_user", "declarant_a"])
def test_escalations_are_the_bureaus_own_no_agency_or_declarant_subscribes(request, who):
    from ciq_portal.notifications import subscription_create

    with pytest.raises(ValidationError) as exc:
        subscription_create(actor=request.getfixturevalue(who), url="https://example.org/hook",
                            event_types=["inspection.overdue"])
    assert "event_types" in exc.value.message_dict


def test_the_agency_guide_lists_no_bureau_only_event(client, agency_user):
    client.force_login(agency_user)
    page = client.get("/portal/agency-guide/")
    assert page.status_code == 200 and "inspection.overdue" not in page.content.decode()
