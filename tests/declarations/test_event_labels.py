import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.choices import EventKind
from declarations.templatetags.declaration_events import event_kind_label, status_label

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def kinds_written_in_code() -> set[str]:
    """Literal kinds passed to declaration_event_add / the apps' _event helpers / _move actions."""
    out = subprocess.run(
        ["grep", "-rhoE", r"(_event|declaration_event_add|DeclarationEvent)\((declaration|d)?[^)]*kind=\"[a-z_]+\"",
         "declarations", "risk", "inspection", "referrals", "release", "ciq_portal", "--include=*.py"],
        cwd=ROOT, capture_output=True, text=True).stdout
    import re

    return set(re.findall(r'kind="([a-z_]+)"', out))


def test_every_kind_used_in_code_has_a_label():
    from declarations.transitions import ACTIONS

    used = kinds_written_in_code() | set(ACTIONS)
    missing = sorted(used - set(EventKind.values))
    assert not missing, missing


def test_labels_are_translated_and_unknown_kinds_fall_back():
    with translation.override("zh-hans"):
        assert event_kind_label("recalled") == "已召回"
        assert event_kind_label("risk_tier_changed") == "风险等级变更"
        assert event_kind_label("some_future_kind") == "其他事件"
        assert status_label("awaiting_documents") == "待补充单证"
    with translation.override("en"):
        assert event_kind_label("recalled") == "Recalled"
        assert event_kind_label("") == ""
        assert status_label("nonsense") == "nonsense"


@pytest.mark.django_db
def test_timeline_shows_labels_not_codes(client, declarant_a, make_draft):
    from declarations.services import declaration_event_add

    d = make_draft()
    declaration_event_add(declaration=d, kind="risk_tier_changed", message="m")
    client.force_login(declarant_a)
    page = client.get(f"/declarations/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Risk tier changed<" in page and ">Draft created<" in page


@pytest.mark.django_db
def test_the_bureau_s_messages_read_in_the_reader_s_language(client, declarant_a, officer, make_draft,
                                                            no_requirements):
    """A move made from a Chinese page reads in English on an English page and in the API, and the reverse; the
    words a person typed read as typed in both."""
    from declarations import services

    d = make_draft()
    with translation.override("zh-hans"):
        services.declaration_submit(declaration=d, actor=declarant_a)
        services.declaration_request_documents(declaration=d, actor=officer, message="请补充卫生证书")
    with translation.override("en"):
        services.declaration_answer(declaration=d, actor=declarant_a)
    client.force_login(declarant_a)
    english = client.get(f"/declarations/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(f"/declarations/{d.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Declaration submitted." in english and "Answered." in english and "报检单已申报。" not in english
    assert "报检单已申报。" in chinese and "Answered." not in chinese
    assert "请补充卫生证书" in english and "请补充卫生证书" in chinese
    events = client.get(f"/api/v1/declarations/{d.pk}/events/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [e["message"] for e in events if e["kind"] == "submit"] == ["Declaration submitted."]
    stored = d.events.get(kind="submit")
    assert stored.message == "报检单已申报。"  # the default language, for exports and search
    assert d.events.get(kind="request_documents").message_translations == {}


@pytest.mark.django_db
def test_notifications_of_the_bureau_read_in_the_reader_s_language(client, declarant_a, officer, make_draft,
                                                                   no_requirements):
    from declarations import services

    d = make_draft()
    services.declaration_submit(declaration=d, actor=declarant_a)
    with translation.override("en"):
        services.declaration_hold(declaration=d, actor=officer)
    client.force_login(declarant_a)
    chinese = client.get(reverse("portal:notifications"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已暂停。" in chinese and "Put on hold." not in chinese
    rows = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [r["message"] for r in rows] == ["Put on hold."]
