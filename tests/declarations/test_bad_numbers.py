"""Numbers a hostile or careless client sends: each is refused on its field (400), never a server error."""

import pytest

from declarations.models import Declaration, GoodsLine

from .conftest import line
from .test_api import URL, body

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["NaN", "nan", "-nan", "sNaN", "Infinity", "-Infinity", "inf", "1e400", "1e30", "1e-400",
               "0.0001", "12345678901234567890123456789012", "1e20"]


@pytest.mark.parametrize("field", ["quantity", "value", "net_weight_kg", "gross_weight_kg"])
@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_create_refuses_the_number_on_its_field(api_as, declarant_a, field, number):
    response = api_as(declarant_a).post(URL, body(lines=[line(**{field: number})]), format="json")
    assert response.status_code == 400, response.content
    assert f"lines.0.{field}" in response.json()["errors"]
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("number", [1e308, 10 ** 31, float("1e-300")])
def test_json_numbers_beyond_the_column_are_refused(api_as, declarant_a, number):
    response = api_as(declarant_a).post(URL, body(lines=[line(quantity=number)]), format="json")
    assert response.status_code == 400, response.content
    assert "lines.0.quantity" in response.json()["errors"]


def test_value_has_two_places_and_eighteen_digits(api_as, declarant_a):
    client = api_as(declarant_a)
    assert client.post(URL, body(lines=[line(value="12.345")]), format="json").status_code == 400
    assert client.post(URL, body(lines=[line(value="1" * 17)]), format="json").status_code == 400
    accepted = client.post(URL, body(lines=[line(value="1" * 16 + ".25")]), format="json")
    assert accepted.status_code == 201, accepted.json()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e400", "1e20"])
def test_added_and_changed_lines_refuse_the_number(api_as, declarant_a, number):
    client = api_as(declarant_a)
    pk = client.post(URL, body(lines=[line()]), format="json").json()["id"]
    added = client.post(f"{URL}{pk}/lines/", line(quantity=number), format="json")
    assert added.status_code == 400, added.content
    assert "quantity" in str(added.json()["errors"])
    line_pk = GoodsLine.objects.get().pk
    patched = client.patch(f"{URL}{pk}/lines/{line_pk}/", {"net_weight_kg": number}, format="json")
    assert patched.status_code == 400, patched.content
    assert "net_weight_kg" in str(patched.json()["errors"])
    replaced = client.put(f"{URL}{pk}/", body(lines=[line(value=number)]), format="json")
    assert replaced.status_code == 400, replaced.content
    assert "lines.0.value" in replaced.json()["errors"]
    assert GoodsLine.objects.get().quantity == 1000


def test_a_declaration_holds_a_bounded_number_of_goods_lines(api_as, declarant_a, settings):
    settings.CIQ = {**settings.CIQ, "MAX_GOODS_LINES": 3}
    client = api_as(declarant_a)
    refused = client.post(URL, body(lines=[line() for _ in range(4)]), format="json")
    assert refused.status_code == 400 and "lines" in refused.json()["errors"]
    assert not Declaration.objects.exists()
    pk = client.post(URL, body(lines=[line() for _ in range(3)]), format="json").json()["id"]
    added = client.post(f"{URL}{pk}/lines/", line(), format="json")
    assert added.status_code == 400 and "lines" in added.json()["errors"]
    assert GoodsLine.objects.count() == 3
