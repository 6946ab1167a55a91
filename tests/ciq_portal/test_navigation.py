import pytest
from django.urls import reverse

from ciq_portal.navigation import home_url_for, nav_for

pytestmark = pytest.mark.django_db


def test_menu_groups_entries_by_app(supervisor):
    groups = nav_for(supervisor)
    labels = [str(group["label"]) for group in groups]
    assert len(labels) == len(set(labels)) and all(group["items"] for group in groups)
    assert sum(len(group["items"]) for group in groups) > len(groups)


def test_every_role_lands_on_a_page_of_its_own(client, declarant_a, officer, analyst, supervisor, agency_user):
    homes = set()
    for user in (declarant_a, officer, analyst, supervisor, agency_user):
        client.force_login(user)
        home = home_url_for(user)
        assert client.get(home).status_code == 200
        assert client.get(reverse("home")).url == home
        homes.add(home)
    assert len(homes) == 5


def test_menu_renders_for_every_role(client, declarant_a, officer, analyst, supervisor, agency_user):
    for user in (declarant_a, officer, analyst, supervisor, agency_user):
        client.force_login(user)
        page = client.get(reverse("portal_home")).content.decode()
        for group in nav_for(user):
            for item in group["items"]:
                assert f'href="{item["url"]}"' in page
