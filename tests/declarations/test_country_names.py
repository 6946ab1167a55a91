"""Countries by name in the reader's language (django-countries' ISO 3166 names), not by code, on the declarant's
and officer's pages and on the public trace page; the form suggests countries by name and stores the code."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_draft):
    return make_draft(departure_country="VN", lines=[{
        "hs_code": "0306170000", "description": "Frozen shrimps", "origin_country": "EC", "quantity": "10",
        "unit": "kg", "value": "100", "currency": "USD"}])


@pytest.mark.parametrize("language, departure, origin", [("zh-hans", "越南", "厄瓜多尔"), ("en", "Vietnam", "Ecuador")])
def test_the_declaration_page_names_the_countries(client, declarant_a, draft, language, departure, origin):
    client.force_login(declarant_a)
    html = client.get(f"/declarations/{draft.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<dd>{departure}</dd>" in html and f"<td>{origin}</td>" in html


def test_the_form_suggests_countries_by_name(client, declarant_a):
    client.force_login(declarant_a)
    html = client.get("/declarations/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="departure_country"' in html and 'list="iso-countries"' in html
    assert '<datalist id="iso-countries">' in html and '<option value="VN">越南</option>' in html


def test_the_country_codes_checked_are_the_packages(db):
    from django_countries.data import COUNTRIES as ISO

    from declarations.reference import COUNTRIES

    assert COUNTRIES == frozenset(ISO) and "VN" in COUNTRIES and "XX" not in COUNTRIES
