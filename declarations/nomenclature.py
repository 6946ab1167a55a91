"""The HS nomenclature as every app reads it: whether a code is known, and its commodity category (the most
specific code in the table that has one). One in-process copy of the table (ciq_portal.reference)."""

from django.db.models import Q
from django.utils import timezone

from ciq_portal.reference import reference_cached

from .models import HSCode

KNOWN_LENGTHS = (10, 8, 6, 4)  # a goods line's code is known when one of these prefixes is in the nomenclature
CATEGORY_LENGTHS = (10, 8, 6, 4, 2)
NOMENCLATURE_KEY = "hs-nomenclature"


def in_force(day) -> Q:
    """Rows (HS codes, document requirements) whose effective dates include ``day``; an open end is no limit."""
    return ((Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


def _nomenclature() -> dict[str, str]:
    """Today's codes (an edition's retired codes end, its new ones start, on their dates)."""
    return reference_cached(NOMENCLATURE_KEY, lambda: dict(
        HSCode.objects.filter(in_force(timezone.localdate())).values_list("code", "category")))


def hs_prefixes(code: str, lengths=CATEGORY_LENGTHS) -> list[str]:
    return [code[:n] for n in lengths if len(code) >= n]


def hs_code_known(code: str) -> bool:
    table = _nomenclature()
    return any(prefix in table for prefix in hs_prefixes(code, KNOWN_LENGTHS))


def hs_category(code: str) -> str:
    table = _nomenclature()
    return next((table[prefix] for prefix in hs_prefixes(code or "") if table.get(prefix)), "")


def hs_categories(code: str) -> set[str]:
    """The categories of every level of ``code`` (chapter, heading, subheading...) that has one."""
    table = _nomenclature()
    return {table[prefix] for prefix in hs_prefixes(code or "") if table.get(prefix)}
