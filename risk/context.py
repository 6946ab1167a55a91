"""What rules read: one mapping per goods line, with its declaration and enterprise; costly fields are lazy."""

from __future__ import annotations

import math

from declarations.models import Declaration, Document, GoodsLine
from declarations.nomenclature import hs_category

KCS_TRANSPORT = {"10": "sea", "20": "rail", "30": "road", "40": "air", "50": "post"}


class LineContext(dict):
    """A dict whose missing keys are computed on first use by ``providers[key]()`` (database reads)."""
    def __init__(self, data, providers=None):
        super().__init__(data)
        self._providers = providers or {}

    def __missing__(self, key):
        provider = self._providers.get(key)
        value = provider() if provider else None
        self[key] = value
        return value


def _ratio(unit_price, median):
    if unit_price is None or not median:
        return None
    return unit_price / median


def _num(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def declaration_contexts(declaration, lines, *, model=None) -> list[LineContext]:
    """Contexts of a portal declaration's goods lines (``lines`` already loaded)."""
    total = sum(float(line.value or 0) for line in lines)
    cache = {}

    def new_importer():
        if "new_importer" not in cache:
            cache["new_importer"] = not Declaration.objects.filter(enterprise_id=declaration.enterprise_id) \
                .exclude(pk=declaration.pk).exclude(submitted_at=None).exists()
        return cache["new_importer"]

    def documents():
        if "documents" not in cache:
            cache["documents"] = set(Document.objects.filter(declaration_id=declaration.pk)
                                     .values_list("kind", flat=True)) if declaration.pk else set()
        return cache["documents"]

    def grade():
        return getattr(declaration.enterprise, "credit_grade", None)

    out = []
    for line in lines:
        weight = _num(line.net_weight_kg)
        value = _num(line.value)
        unit_price = value / weight if value is not None and weight else None
        median = model.encoder.hs6_unit_value(line.hs_code) if model is not None else None
        hs = line.hs_code or ""

        def new_commodity(hs=hs):
            return not GoodsLine.objects.filter(declaration__enterprise_id=declaration.enterprise_id,
                                                hs_code__startswith=hs[:6]) \
                .exclude(declaration_id=declaration.pk).exclude(declaration__submitted_at=None).exists()

        def category(hs=hs):
            return hs_category(hs)

        out.append(LineContext({
            "hs_code": hs,
            "origin_country": line.origin_country,
            "departure_country": declaration.departure_country,
            "port": declaration.port_of_entry,
            "transport_mode": declaration.transport_mode,
            "inspection_place": declaration.inspection_place,
            "value": value,
            "declaration_value": total,
            "net_weight": weight,
            "unit_price": unit_price,
            "unit_price_ratio": _ratio(unit_price, median),
        }, {"new_importer": new_importer, "new_commodity_for_importer": new_commodity, "documents": documents,
            "hs_category": category, "enterprise_grade": grade}))
    return out


def kcs_context(row: dict, *, model=None) -> LineContext:
    """Context of one KCS row (a declaration with one goods line); history comes from the model's tables."""
    weight, value = _num(row.get("Net Mass")), _num(row.get("Item Price"))
    unit_price = value / weight if value is not None and weight else None
    hs = str(row.get("HS6 Code") or "")
    median = model.encoder.hs6_unit_value(hs) if model is not None else None
    data = {
        "hs_code": hs,
        "origin_country": row.get("Country of Origin") or None,
        "departure_country": row.get("Country of Departure") or None,
        "port": row.get("Office ID") or None,
        "transport_mode": KCS_TRANSPORT.get(str(row.get("Mode of Transport")), "other"),
        "inspection_place": None,
        "enterprise_grade": None,
        "value": value,
        "declaration_value": value,
        "net_weight": weight,
        "unit_price": unit_price,
        "unit_price_ratio": _ratio(unit_price, median),
        "documents": None,
        "hs_category": None,
    }
    if model is not None:
        data["new_importer"] = model.encoder.history_count("importer", row) == 0
        data["new_commodity_for_importer"] = model.encoder.history_count("importer_hs6", row) == 0
    return LineContext(data)
