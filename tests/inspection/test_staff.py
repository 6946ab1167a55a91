"""Bureau staff: officers' profiles, weekly rosters with exceptions, leave and declared conflicts, and how the draw
of people, claims and reassignments follow them."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ciq_portal.models import AuditEntry, User
from ciq_portal.roles import Role
from inspection import duty, services
from inspection.models import InspectionTask, OfficerProfile, OfficerShift, RosterPattern
from tests.factories import UserFactory

from .factories import OfficerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(roles):
    return UserFactory(username="staff_admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def rostered(roles, cold_site, general_site):
    """An officer qualified for aquatic goods at both sites, with no shift at all."""
    return OfficerProfileFactory(user=UserFactory(username="rostered", role=Role.OFFICER),
                                 sites=[cold_site, general_site], on_duty=False)


def _now_pattern(officer, site, actor, *, hours_before=2, hours_after=6):
    """A weekly duty covering the present moment (today's weekday), valid from last week."""
    now = timezone.localtime()
    starts = (now - timedelta(hours=hours_before)).time().replace(second=0, microsecond=0)
    ends = (now + timedelta(hours=hours_after)).time().replace(second=0, microsecond=0)
    weekday = (now - timedelta(hours=hours_before)).weekday()
    return services.roster_pattern_add(actor=actor, officer=officer, site=site, weekday=weekday, starts_at=starts,
                                       ends_at=ends, valid_from=now.date() - timedelta(days=7))


# --- Officers -------------------------------------------------------------------------------------------------------


def test_administrator_creates_an_officer_with_an_account_in_the_officer_role(admin, cold_site):
    profile = services.officer_create(actor=admin, badge_no="NB0101", username="wangwei", family_name="王",
                                      given_name="伟", email="ww@example.cn", categories=["aquatic", "meat"],
                                      sites=[cold_site])
    user = User.objects.get(username="wangwei")
    assert profile.user == user and user.groups.filter(name=Role.OFFICER).exists()
    assert user.get_full_name() == "王伟" and not user.has_usable_password()
    assert AuditEntry.objects.filter(action="officer.create", object_id=str(profile.pk)).exists()


def test_only_administrators_manage_staff(supervisor, officer, cold_site):
    for actor in (supervisor, officer):
        with pytest.raises(PermissionDenied):
            services.officer_create(actor=actor, badge_no="NB0102", username="x1", family_name="X")


def test_officer_create_names_each_bad_field(admin, cold_site):
    OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), badge_no="TAKEN1", on_duty=False)
    with pytest.raises(ValidationError) as exc:
        services.officer_create(actor=admin, badge_no="TAKEN1", username="bad name!", email="not-mail",
                                categories=["aquatic", "unicorns"])
    assert set(exc.value.message_dict) == {"badge_no", "username", "family_name", "email", "categories"}
    assert not OfficerProfile.objects.filter(user__username="bad name!").exists()


def test_deactivated_officer_is_never_drawn(admin, officers, make_declaration, create_task):
    for profile in officers[1:]:
        services.officer_deactivate(actor=admin, officer=profile, reason="retired")
    task = create_task(make_declaration())
    assert task.assigned_to_id == officers[0].user_id


def test_officer_import_with_one_bad_row_writes_nothing_and_names_every_row(admin, cold_site):
    rows = [
        {"badge_no": "NB0201", "username": "li1", "family_name": "李", "given_name": "一", "categories": "aquatic",
         "sites": cold_site.code},
        {"badge_no": "NB0202", "username": "li2", "family_name": "李", "given_name": "二", "categories": "aquatic",
         "sites": "NOPE"},
        {"badge_no": "NB0201", "username": "li3", "family_name": "", "given_name": "", "categories": "x"},
    ]
    with pytest.raises(ValidationError) as exc:
        services.officers_import(actor=admin, rows=rows)
    assert set(exc.value.message_dict) == {"row 3.sites", "row 4.badge_no", "row 4.family_name", "row 4.categories"}
    assert not OfficerProfile.objects.exists() and not User.objects.filter(username__startswith="li").exists()
    created = services.officers_import(actor=admin, rows=rows[:1])
    assert [p.badge_no for p in created] == ["NB0201"]


# --- Rosters --------------------------------------------------------------------------------------------------------


def test_weekly_duty_puts_the_officer_on_duty_at_its_site_only(supervisor, rostered, cold_site, general_site):
    _now_pattern(rostered, cold_site, supervisor)
    now = timezone.now()
    assert duty.on_duty_at_site(rostered.pk, cold_site.pk, now)
    assert not duty.on_duty_at_site(rostered.pk, general_site.pk, now)


def test_overlapping_weekly_duties_are_refused(supervisor, rostered, cold_site, general_site):
    monday = date(2026, 11, 30)
    services.roster_pattern_add(actor=supervisor, officer=rostered, site=cold_site, weekday=0, starts_at=time(20),
                                ends_at=time(8), valid_from=monday)
    with pytest.raises(ValidationError) as exc:  # Tuesday 07:00 is still Monday's night shift, even at another site
        services.roster_pattern_add(actor=supervisor, officer=rostered, site=general_site, weekday=1,
                                    starts_at=time(7), ends_at=time(15), valid_from=monday)
    assert "starts_at" in exc.value.message_dict
    services.roster_pattern_add(actor=supervisor, officer=rostered, site=general_site, weekday=1, starts_at=time(8),
                                ends_at=time(16), valid_from=monday)
    # The same hours in a following week are no overlap.
    services.roster_pattern_add(actor=supervisor, officer=rostered, site=general_site, weekday=0, starts_at=time(20),
                                ends_at=time(8), valid_from=monday - timedelta(days=7),
                                valid_until=monday - timedelta(days=1))
    assert RosterPattern.objects.filter(officer=rostered).count() == 3


def test_bad_weekly_duty_names_its_fields(supervisor, rostered, cold_site, roles):
    closed_to_officer = OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), on_duty=False)
    with pytest.raises(ValidationError) as exc:
        services.roster_pattern_add(actor=supervisor, officer=closed_to_officer, site=cold_site, weekday=9,
                                    starts_at=time(8), ends_at=time(8), valid_from=date(2026, 12, 7),
                                    valid_until=date(2026, 12, 1))
    assert set(exc.value.message_dict) == {"site", "weekday", "ends_at", "valid_until"}


def test_only_supervisors_and_administrators_keep_rosters(officer, rostered, cold_site):
    with pytest.raises(PermissionDenied):
        services.roster_pattern_add(actor=officer, officer=rostered, site=cold_site, weekday=0, starts_at=time(8),
                                    ends_at=time(16), valid_from=date(2026, 12, 7))


def test_extra_shift_overlapping_a_duty_is_refused_and_a_cancelled_duty_is_off_duty(supervisor, rostered, cold_site):
    pattern = _now_pattern(rostered, cold_site, supervisor)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.officer_shift_add(actor=supervisor, officer=rostered, site=cold_site, starts_at=now,
                                   ends_at=now + timedelta(hours=1))
    assert "starts_at" in exc.value.message_dict
    occurrence = duty.duties_at(now, officer_ids=[rostered.pk])[rostered.pk][0].day
    services.roster_duty_cancel(actor=supervisor, pattern=pattern, day=occurrence, reason="training")
    assert not duty.on_duty_at_site(rostered.pk, cold_site.pk, now)
    with pytest.raises(ValidationError) as exc:
        services.roster_duty_cancel(actor=supervisor, pattern=pattern, day=occurrence + timedelta(days=1))
    assert "day" in exc.value.message_dict
    services.officer_shift_add(actor=supervisor, officer=rostered, site=cold_site, starts_at=now - timedelta(hours=1),
                               ends_at=now + timedelta(hours=1))  # the cancelled duty's hours are free
    assert duty.on_duty_at_site(rostered.pk, cold_site.pk, now)


def test_roster_import_with_one_bad_row_writes_nothing(supervisor, rostered, cold_site):
    good = {"badge_no": rostered.badge_no, "site": cold_site.code, "weekday": "mon", "starts_at": "08:00",
            "ends_at": "16:00", "valid_from": "2026-12-07", "valid_until": "2027-01-03"}
    rows = [good, {**good, "weekday": "tue"}, {**good, "weekday": "1", "starts_at": "12:00", "ends_at": "20:00"},
            {**good, "badge_no": "NOBODY", "starts_at": "25:00"}]
    with pytest.raises(ValidationError) as exc:
        services.roster_import(actor=supervisor, rows=rows)
    assert set(exc.value.message_dict) == {"row 4.starts_at", "row 5.badge_no", "row 5.starts_at"}
    assert not RosterPattern.objects.exists()
    assert len(services.roster_import(actor=supervisor, rows=rows[:2])) == 2


# --- Leave ----------------------------------------------------------------------------------------------------------


def test_leave_is_requested_by_the_officer_and_only_approved_leave_takes_them_off_duty(supervisor, rostered,
                                                                                      cold_site):
    _now_pattern(rostered, cold_site, supervisor)
    today = timezone.localdate()
    leave = services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=today, last_day=today)
    assert duty.on_duty_at_site(rostered.pk, cold_site.pk, timezone.now())  # requested, not approved
    with pytest.raises(PermissionDenied):
        services.officer_leave_approve(actor=rostered.user, leave=leave)
    services.officer_leave_approve(actor=supervisor, leave=leave)
    assert not duty.on_duty_at_site(rostered.pk, cold_site.pk, timezone.now())  # a shift inside leave is off duty


def test_leave_overlapping_other_leave_is_refused(supervisor, rostered):
    day = date(2026, 12, 14)
    leave = services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=day,
                                           last_day=day + timedelta(days=4))
    services.officer_leave_approve(actor=supervisor, leave=leave)
    with pytest.raises(ValidationError) as exc:
        services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=day + timedelta(days=4),
                                       last_day=day + timedelta(days=6))
    assert "first_day" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=day,
                                       last_day=day - timedelta(days=1))
    assert "last_day" in exc.value.message_dict


def test_extra_shift_inside_approved_leave_is_refused(supervisor, rostered, cold_site):
    day = timezone.localdate() + timedelta(days=3)
    leave = services.officer_leave_request(actor=supervisor, officer=rostered, first_day=day, last_day=day)
    services.officer_leave_approve(actor=supervisor, leave=services.officer_leave_request(
        actor=rostered.user, officer=rostered, first_day=day + timedelta(days=2), last_day=day + timedelta(days=2)))
    services.officer_leave_refuse(actor=supervisor, leave=leave, note="busy week")
    starts = duty.local_datetime(day + timedelta(days=2), time(9))
    with pytest.raises(ValidationError) as exc:
        services.officer_shift_add(actor=supervisor, officer=rostered, site=cold_site, starts_at=starts,
                                   ends_at=starts + timedelta(hours=8))
    assert "starts_at" in exc.value.message_dict
    services.officer_shift_add(actor=supervisor, officer=rostered, site=cold_site,
                               starts_at=duty.local_datetime(day, time(9)),
                               ends_at=duty.local_datetime(day, time(17)))  # the refused leave leaves the day free


def test_refusing_leave_needs_a_reason(supervisor, rostered):
    leave = services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=date(2027, 1, 4),
                                           last_day=date(2027, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.officer_leave_refuse(actor=supervisor, leave=leave, note=" ")
    assert "decision_note" in exc.value.message_dict


# --- Dispatch, claim and reassignment follow the roster -----------------------------------------------------------


def test_dispatch_goes_only_to_an_officer_on_duty_at_the_tasks_site(supervisor, rostered, cold_site, general_site,
                                                                    make_declaration, create_task):
    _now_pattern(rostered, general_site, supervisor)
    task = create_task(make_declaration())  # shrimps: the cold-chain site, where nobody is on duty
    assert task.site == cold_site and task.status == "queued"
    _now_pattern(OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), sites=[cold_site], on_duty=False),
                 cold_site, supervisor)
    services.inspection_tasks_dispatch(task_ids=[task.pk])
    task.refresh_from_db()
    assert task.status == "assigned" and task.assigned_to_id != rostered.user_id


def test_dispatch_skips_an_officer_whose_rostered_shift_falls_in_approved_leave(supervisor, rostered, cold_site,
                                                                               make_declaration, create_task):
    _now_pattern(rostered, cold_site, supervisor)
    today = timezone.localdate()
    services.officer_leave_approve(actor=supervisor, leave=services.officer_leave_request(
        actor=rostered.user, officer=rostered, first_day=today - timedelta(days=1), last_day=today + timedelta(days=1)))
    task = create_task(make_declaration())
    assert task.status == "queued"


def test_claim_next_needs_the_roster(supervisor, rostered, cold_site, make_declaration, create_task):
    task = create_task(make_declaration())
    assert task.status == "queued"
    with pytest.raises(ValidationError) as exc:
        services.inspection_task_claim_next(actor=rostered.user)
    assert "task" in exc.value.message_dict
    _now_pattern(rostered, cold_site, supervisor)
    assert services.inspection_task_claim_next(actor=rostered.user).pk == task.pk


def test_reassign_needs_the_officer_on_duty_before_the_task_is_due(supervisor, officers, rostered, cold_site,
                                                                   make_declaration, create_task):
    task = create_task(make_declaration())
    with pytest.raises(ValidationError) as exc:
        services.inspection_task_reassign(task=task, officer=rostered.user, reason="workload", actor=supervisor)
    assert "officer" in exc.value.message_dict
    later = timezone.localtime() + timedelta(hours=3)
    services.officer_shift_add(actor=supervisor, officer=rostered, site=cold_site, starts_at=later,
                               ends_at=later + timedelta(hours=4))  # before the urgent task is due (4 hours)
    task = services.inspection_task_reassign(task=task, officer=rostered.user, reason="workload", actor=supervisor)
    assert task.assigned_to_id == rostered.user_id


# --- Conflicts of interest ------------------------------------------------------------------------------------------


def test_declared_conflict_is_honoured_at_once_by_dispatch_claim_and_reassign(supervisor, officers, enterprise_a,
                                                                              make_declaration, create_task):
    holder_task = create_task(make_declaration())
    holder = OfficerProfile.objects.get(user_id=holder_task.assigned_to_id)
    conflict = services.conflict_declare(actor=holder.user, officer=holder, enterprise=enterprise_a,
                                         reason="my brother works there")
    assert conflict.acknowledged_at is None  # not yet acknowledged, honoured all the same
    holder_task.refresh_from_db()
    assert holder_task.status == "queued" and holder_task.assigned_to is None  # back to the pool
    with pytest.raises(ValidationError):
        services.inspection_task_claim(task=holder_task, actor=holder.user)
    with pytest.raises(ValidationError) as exc:
        services.inspection_task_reassign(task=holder_task, officer=holder.user, reason="x", actor=supervisor)
    assert "officer" in exc.value.message_dict
    for _n in range(4):
        task = create_task(make_declaration())
        assert task.assigned_to_id != holder.user_id
    assert services.inspection_task_claim_next(actor=holder.user) is None
    assert not InspectionTask.objects.filter(assigned_to_id=holder.user_id, enterprise=enterprise_a).exists()
    services.conflict_acknowledge(actor=supervisor, conflict=conflict)
    conflict.refresh_from_db()
    assert conflict.acknowledged_by == supervisor


def test_only_the_officer_declares_and_only_supervisors_acknowledge(officers, officer, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.conflict_declare(actor=officer, officer=officers[0], enterprise=enterprise_a, reason="x")
    conflict = services.conflict_declare(actor=officers[0].user, officer=officers[0], enterprise=enterprise_a,
                                         reason="former employer")
    with pytest.raises(PermissionDenied):
        services.conflict_acknowledge(actor=officers[0].user, conflict=conflict)
    with pytest.raises(ValidationError) as exc:
        services.conflict_declare(actor=officers[0].user, officer=officers[0], enterprise=enterprise_a, reason=" ")
    assert "reason" in exc.value.message_dict


def test_legacy_shift_without_a_site_counts_at_every_qualified_site(rostered, cold_site, general_site):
    now = timezone.now()
    OfficerShift.objects.create(officer=rostered, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    assert duty.on_duty_at_site(rostered.pk, cold_site.pk, now)
    assert duty.on_duty_at_site(rostered.pk, general_site.pk, now)


def test_night_duty_covers_the_next_morning(supervisor, rostered, cold_site):
    monday = date(2026, 11, 30)
    services.roster_pattern_add(actor=supervisor, officer=rostered, site=cold_site, weekday=0, starts_at=time(20),
                                ends_at=time(8), valid_from=monday)
    tz = timezone.get_current_timezone()
    assert duty.on_duty_at_site(rostered.pk, cold_site.pk, datetime(2026, 12, 1, 7, 30, tzinfo=tz))
    assert not duty.on_duty_at_site(rostered.pk, cold_site.pk, datetime(2026, 12, 1, 8, 30, tzinfo=tz))
    assert not duty.on_duty_at_site(rostered.pk, cold_site.pk, datetime(2026, 11, 30, 7, 30, tzinfo=tz))


def test_dates_outside_the_planning_years_are_refused(supervisor, rostered, cold_site):
    with pytest.raises(ValidationError) as exc:
        services.roster_pattern_add(actor=supervisor, officer=rostered, site=cold_site, weekday=4, starts_at=time(8),
                                    ends_at=time(16), valid_from=date(9999, 12, 31))
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.officer_leave_request(actor=rostered.user, officer=rostered, first_day=date(1, 1, 1),
                                       last_day=date(1, 1, 2))
    assert "first_day" in exc.value.message_dict


def test_deactivating_an_officer_gives_their_open_tasks_back_to_the_pool(admin, officers, make_declaration,
                                                                         create_task):
    task = create_task(make_declaration())
    holder = OfficerProfile.objects.get(user_id=task.assigned_to_id)
    services.officer_deactivate(actor=admin, officer=holder, reason="transferred")
    task.refresh_from_db()
    assert task.status == "queued" and task.assigned_to is None and task.notes.filter(kind="release").exists()
