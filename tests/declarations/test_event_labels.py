import subprocess

import pytest
from django.utils import translation

from declarations.choices import EventKind
from declarations.templatetags.declaration_events import event_kind_label, status_label

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def kinds_written_in_code() -> set[str]:
    """Literal kinds passed to declaration_event_add / the apps' _event helpers / _move actions."""
    out = subprocess.run(
        ["grep", "-rhoE", r"(_event|declaration_event_add|DeclarationEvent)\((declaration|d)?[^)]*kind=\"[a-z_]+\"",
         "declarations", "risk", "inspection", "release", "ciq_portal", "--include=*.py"],
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
