"""The staff resources over /api/v1/: the same services and rules as the pages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ciq_portal.roles import Role
from inspection.models import ConflictOfInterest, OfficerLeave, OfficerProfile, RosterPattern
from tests.factories import UserFactory

from .factories import OfficerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(roles):
    return UserFactory(username="staff_admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def profile(roles, cold_site):
    return OfficerProfileFactory(user=UserFactory(username="insp_api", role=Role.OFFICER), sites=[cold_site],
                                 badge_no="NB0950", on_duty=False)


def test_officers_created_edited_and_deactivated_over_the_api(api_as, admin, cold_site):
    client = api_as(admin)
    response = client.post("/api/v1/officers/", {"badge_no": "NB0501", "username": "qianli", "family_name": "钱",
                                                 "given_name": "力", "categories": ["meat"], "sites": [cold_site.code]},
                           format="json")
    assert response.status_code == 201, response.content
    pk = response.data["id"]
    assert response.data["sites"] == [cold_site.code] and response.data["name"] == "钱力"
    response = client.patch(f"/api/v1/officers/{pk}/", {"categories": ["meat", "aquatic"]}, format="json")
    assert response.status_code == 200 and response.data["categories"] == ["aquatic", "meat"]
    assert client.post(f"/api/v1/officers/{pk}/deactivate/", {"reason": "left"}, format="json").data["active"] is False
    assert client.get("/api/v1/officers/", {"active": "false"}).data["results"][0]["badge_no"] == "NB0501"
    response = client.post("/api/v1/officers/", {"badge_no": "NB0501", "username": "x", "sites": ["NOPE"]},
                           format="json")
    assert response.status_code == 400


def test_supervisors_read_officers_but_only_administrators_write(api_as, supervisor, profile):
    client = api_as(supervisor)
    assert client.get("/api/v1/officers/").status_code == 200
    assert client.post("/api/v1/officers/", {"badge_no": "NB0502", "username": "y"}, format="json").status_code == 403
    assert client.post(f"/api/v1/officers/{profile.pk}/deactivate/", {}, format="json").status_code == 403


def test_officer_import_over_the_api_is_all_or_nothing(api_as, admin, cold_site):
    body = ("badge_no,username,family_name,given_name,email,categories,sites\n"
            f"NB0601,api1,周,一,,aquatic,{cold_site.code}\n"
            "NB0602,api2,,,,aquatic,\n")
    response = api_as(admin).post("/api/v1/officers/import/",
                                  {"file": SimpleUploadedFile("o.csv", body.encode(), content_type="text/csv")},
                                  format="multipart")
    assert response.status_code == 400 and "row 3.family_name" in str(response.content.decode())
    assert not OfficerProfile.objects.filter(badge_no__startswith="NB06").exists()


def test_roster_over_the_api_refuses_overlaps_and_shows_the_week(api_as, supervisor, profile, cold_site):
    client = api_as(supervisor)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    duty = {"officer": profile.pk, "site": cold_site.pk, "weekday": 0, "starts_at": "22:00", "ends_at": "06:00",
            "valid_from": monday.isoformat()}
    assert client.post("/api/v1/roster-duties/", duty, format="json").status_code == 201
    response = client.post("/api/v1/roster-duties/", {**duty, "weekday": 1, "starts_at": "05:00", "ends_at": "09:00"},
                           format="json")
    assert response.status_code == 400 and "starts_at" in response.content.decode()
    pattern = RosterPattern.objects.get()
    response = client.post(f"/api/v1/roster-duties/{pattern.pk}/cancel/", {"day": monday.isoformat()}, format="json")
    assert response.status_code == 201
    week = client.get("/api/v1/roster-week/", {"site": cold_site.pk, "week": monday.isoformat()}).data
    assert week["officers"][0]["badge_no"] == "NB0950"
    assert week["officers"][0]["days"][0]["duties"][0]["cancelled"] is True
    assert api_as(profile.user).post("/api/v1/roster-duties/", duty, format="json").status_code == 403


def test_leave_and_conflicts_over_the_api(api_as, supervisor, profile, enterprise_a, declarant_a):
    officer_client = api_as(profile.user)
    day = timezone.localdate() + timedelta(days=20)
    response = officer_client.post("/api/v1/officer-leave/", {"first_day": day, "last_day": day}, format="json")
    assert response.status_code == 201 and response.data["status"] == "requested"
    leave = OfficerLeave.objects.get()
    assert officer_client.post(f"/api/v1/officer-leave/{leave.pk}/approve/", {}, format="json").status_code == 403
    response = api_as(supervisor).post(f"/api/v1/officer-leave/{leave.pk}/refuse/", {"note": ""}, format="json")
    assert response.status_code == 400 and "decision_note" in response.content.decode()
    assert api_as(supervisor).post(f"/api/v1/officer-leave/{leave.pk}/approve/", {},
                                   format="json").data["status"] == "approved"
    response = officer_client.post("/api/v1/conflicts-of-interest/", {"enterprise": enterprise_a.pk,
                                                                      "reason": "cousin"}, format="json")
    assert response.status_code == 201
    conflict = ConflictOfInterest.objects.get()
    declarant = api_as(declarant_a)
    assert declarant.get("/api/v1/conflicts-of-interest/").status_code == 403
    assert declarant.get(f"/api/v1/conflicts-of-interest/{conflict.pk}/").status_code == 403
    assert declarant.get("/api/v1/officer-leave/").status_code == 403
    assert declarant.get("/api/v1/officers/").status_code == 403
    response = api_as(supervisor).post(f"/api/v1/conflicts-of-interest/{conflict.pk}/acknowledge/", format="json")
    assert response.status_code == 200 and response.data["acknowledged_by"] == supervisor.pk
