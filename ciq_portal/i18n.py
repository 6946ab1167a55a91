"""Texts the bureau's services write for people to read later (a declaration's timeline, in-app notifications), kept
in every language of the portal so that each reader sees them in their own, whoever's request wrote them.

A service passes such a text as a function that builds it with ``gettext``, e.g.
``message=lambda: _("Inspection scheduled at %(site)s.") % {"site": site.display_name}``; a text a person typed is
passed as the string it is and shown as typed.

Proper names kept in Chinese and, optionally, in English (enterprises, inspection sites, laboratories) are shown
with :func:`name_for_reader`.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import translation


def stored_text(text: str | Callable[[], str]) -> tuple[str, dict[str, str]]:
    """``text`` as a service stores it: the text in the default language, and the text in every language of the
    portal when ``text`` is a function that builds it (a person's words come without translations)."""
    if not callable(text):
        return str(text or ""), {}
    translations = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translations[code] = str(text())
    return translations[settings.LANGUAGE_CODE], translations


def text_for_reader(default: str, translations: dict[str, str]) -> str:
    """The stored text in the active language, or ``default`` where it was not stored in it."""
    return translations.get(translation.get_language(), default) if translations else default


def message_for_reader(item: dict) -> str:
    """The ``message`` of a stored dict that keeps ``message_translations`` beside it (a report check's reasons), in
    the reader's language."""
    return text_for_reader(item.get("message", ""), item.get("message_translations") or {})


def name_for_reader(name_zh: str, name_en: str) -> str:
    """A proper name in the reader's language: the English name for an English reader where there is one."""
    return name_en if name_en and (translation.get_language() or "").startswith("en") else name_zh


def choice_label(choices, value: str) -> str:
    """The label of ``value`` among ``choices`` (a TextChoices class) in the active language; a value that is not
    one of them (a code stored before the choices changed), as it is."""
    return str(dict(choices.choices).get(value, value))
