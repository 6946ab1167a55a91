import pytest

pytestmark = pytest.mark.django_db


def test_declarant_gets_404_for_another_enterprise(api_as, declarant_a, enterprise_a, enterprise_b):
    client = api_as(declarant_a)
    assert client.get(f"/api/v1/enterprises/{enterprise_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/enterprises/{enterprise_b.pk}/").status_code == 404
    listed = [row["id"] for row in client.get("/api/v1/enterprises/").json()["results"]]
    assert listed == [enterprise_a.pk]
    filtered = client.get("/api/v1/enterprises/", {"uscc": enterprise_b.uscc}).json()["results"]
    assert filtered == []
