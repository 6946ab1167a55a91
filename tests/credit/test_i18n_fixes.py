"""Evidence the bureau's own services write (an inspection task, a released lot) is shown to the enterprise and named
for everyone; a note the bureau writes is kept in the portal's default language, whoever's request wrote it."""

import pytest
from django.utils import translation

from credit.choices import CreditEventKind as K
from credit.choices import CreditEventSource as S
from credit.models import CreditEvent, GradeChange
from credit.selectors import evidence_visible
from credit.services import credit_event_record, grade_objection_file, grade_objection_uphold

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_events(enterprise_a):
    # As inspection.services (an inspection's conclusion) and release.services (a recall) record them.
    inspected = credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.SYSTEM,
                                    evidence_type="inspection_task", evidence_id="4711")
    recalled = credit_event_record(enterprise=enterprise_a, kind=K.RECALL, source=S.OFFICER,
                                   evidence_type="release", evidence_id="NGB20260000123")
    return inspected, recalled


def test_declarants_see_the_bureau_s_own_evidence(client, declarant_a, bureau_events):
    client.force_login(declarant_a)
    for event in bureau_events:
        assert evidence_visible(event, declarant_a)
    body = client.get("/credit/mine/").content.decode()
    assert "查验任务 4711" in body and "放行记录 NGB20260000123" in body
    assert "inspection_task" not in body


def test_agency_evidence_stays_with_the_agency(declarant_a, enterprise_a):
    case = credit_event_record(enterprise=enterprise_a, kind=K.PENALTY, source=S.PARTNER_AGENCY, amount="5000",
                               evidence_type="customs_case", evidence_id="HG-1", external_reference="CUS-HG-1")
    assert not evidence_visible(case, declarant_a)


def test_staff_see_evidence_labels_not_keys(client, supervisor, enterprise_a, bureau_events):
    client.force_login(supervisor)
    body = client.get(f"/credit/enterprises/{enterprise_a.pk}/").content.decode()
    assert "查验任务 4711" in body and "放行记录 NGB20260000123" in body
    assert "inspection_task 4711" not in body and "release NGB20260000123" not in body


def test_upheld_objection_note_is_in_the_default_language(enterprise_a, officer, declarant_a, supervisor):
    credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.OFFICER, actor=officer, weight=-40)
    change = GradeChange.objects.get(enterprise=enterprise_a)
    objection = grade_objection_file(grade_change=change, reason="Not our lot.", actor=declarant_a)
    with translation.override("en"):  # a supervisor reading the portal in English decides
        grade_objection_uphold(objection=objection, note="Lot mix-up confirmed.", actor=supervisor)
    correction = CreditEvent.objects.get(corrects__isnull=False)
    assert correction.note == f"异议 #{objection.pk} 成立：Lot mix-up confirmed."


def test_a_typed_note_is_kept_as_typed(enterprise_a, officer):
    event = credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.OFFICER, actor=officer,
                                note="Lead above the limit")
    assert event.note == "Lead above the limit"
    generated = credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.OFFICER, actor=officer,
                                    note=lambda: translation.gettext("Credit event"))
    assert generated.note == "信用事件"
