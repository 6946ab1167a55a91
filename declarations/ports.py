"""Ports by their names: ``port_label("NGB")`` is 宁波 (CNNGB) to a Chinese reader and Ningbo (CNNGB) to an English
one, from the bureau's port table (one in-process copy, ciq_portal.reference). A code the table lacks is shown as
given (a KCS office of a bulk import, an old declaration's office)."""

from django.utils.translation import get_language

from ciq_portal.reference import reference_cached

from .models import Port

PORTS_KEY = "ports"


def _ports() -> dict[str, tuple[str, str, str]]:
    return reference_cached(PORTS_KEY, lambda: {
        code: (locode, name_zh, name_en)
        for code, locode, name_zh, name_en in Port.objects.values_list("code", "locode", "name_zh", "name_en")})


def port_name(code) -> str:
    """The port's name in the active language (its Chinese name when it has no English one)."""
    code = (code or "").strip().upper()
    port = _ports().get(code)
    if port is None:
        return code
    _locode, name_zh, name_en = port
    return name_zh if (get_language() or "").startswith("zh") or not name_en else name_en


def port_label(code) -> str:
    """The name with the UN/LOCODE that identifies the port everywhere, 宁波 (CNNGB); an unknown code as given."""
    code = (code or "").strip().upper()
    port = _ports().get(code)
    return f"{port_name(code)} ({port[0] or code})" if port else code


def port_choices() -> list[tuple[str, str]]:
    """(code, label) of every port in the table, for a field's suggestions."""
    return [(code, port_label(code)) for code in sorted(_ports())]
