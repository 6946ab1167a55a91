"""The staff pages: officers, the week roster, leave and declared conflicts, each refused to declarants."""

import io
from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ciq_portal.roles import Role
from inspection import services
from inspection.models import ConflictOfInterest, OfficerLeave, OfficerProfile, RosterPattern
from tests.factories import UserFactory

from .factories import OfficerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(roles):
    return UserFactory(username="staff_admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def profile(roles, cold_site):
    return OfficerProfileFactory(user=UserFactory(username="insp_page", role=Role.OFFICER), sites=[cold_site],
                                 badge_no="NB0900", on_duty=False)


def _csv(text: str, name="file.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_administrator_creates_edits_and_deactivates_an_officer_by_page(client, admin, cold_site):
    client.force_login(admin)
    response = client.post(reverse("inspection:officer_create"), {
        "badge_no": "NB0301", "username": "zhaomin", "family_name": "赵", "given_name": "敏",
        "email": "zm@example.cn", "categories": ["aquatic", "meat"], "sites": [cold_site.pk]})
    officer = OfficerProfile.objects.get(badge_no="NB0301")
    assert response.status_code == 302 and officer.user.groups.filter(name=Role.OFFICER).exists()
    listing = client.get(reverse("inspection:officers"), {"q": "赵", "category": "aquatic"}).content.decode()
    assert "NB0301" in listing
    assert "NB0301" not in client.get(reverse("inspection:officers"), {"category": "toy"}).content.decode()
    client.post(reverse("inspection:officer", args=[officer.pk]), {
        "badge_no": "NB0302", "family_name": "赵", "given_name": "敏", "categories": ["aquatic"],
        "sites": [cold_site.pk]})
    officer.refresh_from_db()
    assert officer.badge_no == "NB0302" and officer.categories == ["aquatic"]
    client.post(reverse("inspection:officer_active", args=[officer.pk, "deactivate"]), {"reason": "transferred"})
    officer.refresh_from_db()
    assert not officer.active


def test_officer_form_shows_the_services_field_errors(client, admin, profile):
    client.force_login(admin)
    response = client.post(reverse("inspection:officer_create"), {"badge_no": profile.badge_no, "username": "x y"})
    assert response.status_code == 200
    form = response.context["form"]
    assert {"badge_no", "username", "family_name"} <= set(form.errors)


def test_officer_import_page_refuses_a_file_with_one_bad_row_and_writes_nothing(client, admin, cold_site):
    client.force_login(admin)
    body = ("badge_no,username,family_name,given_name,email,categories,sites\n"
            f"NB0401,imp1,孙,一,,aquatic,{cold_site.code}\n"
            f"NB0402,imp2,孙,二,bad-mail,aquatic,{cold_site.code}\n")
    response = client.post(reverse("inspection:officer_import"), {"file": _csv(body)})
    assert response.status_code == 200
    assert [(e["row"], e["field"]) for e in response.context["row_errors"]] == [(3, "email")]
    assert not OfficerProfile.objects.filter(badge_no__startswith="NB04").exists()
    response = client.post(reverse("inspection:officer_import"), {"file": _csv(body.rsplit("\n", 2)[0] + "\n")})
    assert response.status_code == 302 and OfficerProfile.objects.filter(badge_no="NB0401").exists()


def test_import_templates_download(client, admin):
    client.force_login(admin)
    csv_response = client.get(reverse("inspection:officer_import_template", args=["csv"]))
    assert csv_response.content.decode("utf-8-sig").startswith(",".join(services.OFFICER_COLUMNS))
    xlsx = client.get(reverse("inspection:roster_import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == services.ROSTER_COLUMNS


def test_roster_week_shows_duties_and_refuses_an_overlap_with_the_field_error(client, supervisor, profile, cold_site):
    client.force_login(supervisor)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    data = {"officer": profile.pk, "site": cold_site.pk, "weekday": 2, "starts_at": "08:00", "ends_at": "16:00",
            "valid_from": monday.isoformat()}
    assert client.post(reverse("inspection:roster_pattern_add"), data).status_code == 302
    week = client.get(reverse("inspection:roster"), {"site": cold_site.pk, "week": monday.isoformat()})
    assert "NB0900" in week.content.decode() and "08:00–16:00" in week.content.decode()
    response = client.post(reverse("inspection:roster_pattern_add"), {**data, "starts_at": "15:00",
                                                                      "ends_at": "18:00"})
    assert response.status_code == 200 and "starts_at" in response.context["pattern_form"].errors
    assert RosterPattern.objects.count() == 1


def test_roster_upload_with_one_bad_row_writes_nothing(client, supervisor, profile, cold_site):
    client.force_login(supervisor)
    body = ("badge_no,site,weekday,starts_at,ends_at,valid_from,valid_until\n"
            f"NB0900,{cold_site.code},mon,08:00,16:00,2026-12-07,\n"
            f"NB0900,{cold_site.code},fri,08:00,16:00,2026-12-07,2026-12-01\n")
    response = client.post(reverse("inspection:roster_import"), {"file": _csv(body)})
    assert [(e["row"], e["field"]) for e in response.context["row_errors"]] == [(3, "valid_until")]
    assert not RosterPattern.objects.exists()
    response = client.post(reverse("inspection:roster_import"), {"file": _csv("not,a\x00roster", name="x.xlsx")})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_officer_asks_for_leave_and_a_supervisor_approves_it(client, supervisor, profile):
    client.force_login(profile.user)
    day = timezone.localdate() + timedelta(days=10)
    client.post(reverse("inspection:leave"), {"first_day": day, "last_day": day + timedelta(days=2),
                                              "reason": "family"})
    leave = OfficerLeave.objects.get(officer=profile)
    assert leave.status == "requested"
    response = client.post(reverse("inspection:leave"), {"first_day": day + timedelta(days=1),
                                                         "last_day": day + timedelta(days=5)})
    assert "first_day" in response.context["form"].errors  # overlapping leave
    assert client.post(reverse("inspection:leave_decide", args=[leave.pk, "approve"])).status_code == 403
    client.force_login(supervisor)
    client.post(reverse("inspection:leave_decide", args=[leave.pk, "approve"]))
    leave.refresh_from_db()
    assert leave.status == "approved" and leave.decided_by == supervisor


def test_officer_declares_a_conflict_by_page_and_sees_only_their_own(client, supervisor, profile, enterprise_a,
                                                                     enterprise_b, roles):
    other = OfficerProfileFactory(user=UserFactory(role=Role.OFFICER), on_duty=False)
    services.conflict_declare(actor=other.user, officer=other, enterprise=enterprise_b, reason="OTHER-REASON")
    client.force_login(profile.user)
    response = client.post(reverse("inspection:conflicts"), {"enterprise": enterprise_a.uscc, "reason": "cousin"})
    assert response.status_code == 302
    page = client.get(reverse("inspection:conflicts")).content.decode()
    assert "cousin" in page and "OTHER-REASON" not in page
    response = client.post(reverse("inspection:conflicts"), {"enterprise": "nobody", "reason": "x"})
    assert "enterprise" in response.context["form"].errors
    client.force_login(supervisor)
    page = client.get(reverse("inspection:conflicts")).content.decode()
    assert "cousin" in page and "OTHER-REASON" in page
    conflict = ConflictOfInterest.objects.get(officer=profile)
    client.post(reverse("inspection:conflict_acknowledge", args=[conflict.pk]))
    conflict.refresh_from_db()
    assert conflict.acknowledged_by == supervisor


def test_declarants_are_refused_every_staff_page(client, declarant_a, profile, supervisor, enterprise_a):
    conflict = services.conflict_declare(actor=profile.user, officer=profile, enterprise=enterprise_a, reason="r")
    pattern = services.roster_pattern_add(actor=supervisor, officer=profile, site=profile.sites.first(), weekday=0,
                                          starts_at=time(8), ends_at=time(16), valid_from=timezone.localdate())
    client.force_login(declarant_a)
    for url in (reverse("inspection:officers"), reverse("inspection:officer", args=[profile.pk]),
                reverse("inspection:officer_create"), reverse("inspection:roster"), reverse("inspection:leave"),
                reverse("inspection:conflicts"), reverse("inspection:officer_import"),
                reverse("inspection:roster_import_template", args=["csv"])):
        assert client.get(url).status_code == 403, url
    for url in (reverse("inspection:conflict_acknowledge", args=[conflict.pk]),
                reverse("inspection:roster_remove", args=["pattern", pattern.pk]),
                reverse("inspection:officer_active", args=[profile.pk, "deactivate"])):
        assert client.post(url).status_code == 403, url
    assert conflict.acknowledged_at is None and RosterPattern.objects.filter(pk=pattern.pk).exists()


def test_staff_menu_entries_by_role(client, admin, profile):
    client.force_login(profile.user)
    page = client.get(reverse("inspection:leave")).content.decode()
    assert reverse("inspection:conflicts") in page and reverse("inspection:officers") not in page
    client.force_login(admin)
    page = client.get(reverse("inspection:officers")).content.decode()
    assert reverse("inspection:roster") in page and reverse("inspection:leave") in page


def test_roster_forms_go_back_only_to_a_page_of_the_portal(client, supervisor, profile, cold_site):
    pattern = services.roster_pattern_add(actor=supervisor, officer=profile, site=cold_site, weekday=0,
                                          starts_at=time(8), ends_at=time(16), valid_from=timezone.localdate())
    client.force_login(supervisor)
    response = client.post(reverse("inspection:roster_remove", args=["pattern", pattern.pk]),
                           {"next": "https://evil.example/"})
    assert response["Location"] == reverse("inspection:roster")
