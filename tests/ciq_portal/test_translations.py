from pathlib import Path

import polib
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + [
    Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"
]


def test_every_message_has_a_chinese_translation():
    untranslated = {}
    for path in CATALOGUES:
        catalogue = polib.pofile(str(path))
        missing = [entry.msgid for entry in catalogue if not entry.obsolete and (not entry.translated())]
        if missing:
            untranslated[str(path.relative_to(settings.BASE_DIR))] = missing
    assert not untranslated


def test_compiled_catalogues_are_up_to_date():
    stale = []
    for path in CATALOGUES:
        compiled = path.with_suffix(".mo")
        expected = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path))
                    if e.translated() and not e.msgid_plural}
        actual = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(compiled))} if compiled.exists() else {}
        if any(actual.get(k) != v for k, v in expected.items()):
            stale.append(str(compiled.relative_to(settings.BASE_DIR)))
    assert not stale, "run `make messages` (or compilemessages) and commit the .mo files"


def test_date_pickers_hold_iso_dates_in_chinese_pages_too():
    """The browser's pickers read only ISO 8601: the Chinese locale's own format would show them blank."""
    from datetime import date, datetime

    from django.utils import translation

    from ciq_portal.forms import DatePicker, DateTimePicker
    from release.forms import DistributionForm

    with translation.override("zh-hans"):
        assert 'value="2026-01-05"' in DatePicker().render("day", date(2026, 1, 5))
        assert 'value="2026-01-05T08:30"' in DateTimePicker().render("at", datetime(2026, 1, 5, 8, 30))
        page = str(DistributionForm(initial={"distributed_on": date(2026, 11, 28)}))
    assert 'type="date"' in page and 'value="2026-11-28"' in page


def test_one_english_word_with_two_meanings_gets_each_its_chinese():
    """Django keeps one translation per message across every app: a word with two meanings needs a context."""
    from django.utils import translation

    from credit.choices import ObjectionStatus
    from declarations.choices import DeclarationStatus
    from release.choices import RecallStatus
    from risk.choices import RuleStatus

    with translation.override("zh-hans"):
        assert str(DeclarationStatus.REJECTED.label) == "已退单"
        assert str(ObjectionStatus.REJECTED.label) == "异议不成立"
        assert str(RecallStatus.OPEN.label) == "进行中" and translation.gettext("Open") == "打开"
        assert str(RuleStatus.ACTIVE.label) == "生效"
        assert translation.pgettext("goods", "Description") == "货物描述"
        assert translation.gettext("Description") == "描述"
        assert translation.gettext("Release mode") == "放行模式"
