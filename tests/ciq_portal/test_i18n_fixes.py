"""The agency API's refusal and the API guide's prose are in the reader's language."""

import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("language, text", [("zh-hans", "仅合作机构可使用此操作。"),
                                            ("en", "Only partner agencies use this operation.")])
def test_agency_only_operation_refuses_others_in_their_language(api_as, officer, language, text):
    response = api_as(officer).get("/api/v1/agency/me/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403 and response.json()["detail"] == text


@pytest.mark.django_db
def test_agency_guide_keeps_prose_out_of_the_code_samples(client, agency_user):
    client.force_login(agency_user)
    page = client.get(reverse("portal:agency_guide")).content.decode()
    samples = " ".join(re.findall(r"<pre[^>]*>(.*?)</pre>", page, flags=re.S))
    assert "de-duplicate" not in samples and "replays" not in samples
    assert "重试和重新投递时 X-CIQ-Event-Id 保持不变：请据此去重。" in page
