"""Field validation of declarations and goods lines: every message is translated and names its field."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.numbers import NumberError, column_decimal

from .choices import DangerousGoodsClass, InspectionPlace, TransportMode
from .models import GoodsLine
from .nomenclature import hs_code_known
from .reference import COUNTRIES, CURRENCIES, TRADE_TERMS, is_valid_container

HEADER_FIELDS = (
    "consignee", "consignor", "customs_broker", "port_of_entry", "transport_mode", "vessel_voyage", "bill_of_lading",
    "containers", "arrival_date", "departure_country", "use_of_goods", "inspection_place", "destination_office",
    "trade_terms",
)
LINE_FIELDS = (
    "hs_code", "description", "origin_country", "quantity", "unit", "net_weight_kg", "gross_weight_kg", "value",
    "currency", "manufacturer", "manufacturer_name", "lot_numbers", "un_number", "dg_class",
)
# UN0000 is no substance's number.
UN_NUMBER_RE = re.compile(r"^UN(?!0000)\d{4}$")
MAX_PAST_DAYS = 366
MAX_FUTURE_DAYS = 180


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def clean_header(data: dict, errors: dict, *, draft: bool = False) -> dict:
    """Normalise the header fields present in ``data``; add messages to ``errors`` (field -> [messages]). A
    ``draft`` may leave empty what only submission needs (the country of departure); what is given must be right."""
    out = {}
    for name in HEADER_FIELDS:
        if name in data:
            out[name] = data[name]
    for name in ("port_of_entry", "vessel_voyage", "bill_of_lading", "use_of_goods", "destination_office",
                 "trade_terms", "departure_country"):
        if name in out:
            out[name] = (out[name] or "").strip()
    for name in ("port_of_entry", "departure_country", "destination_office", "trade_terms"):
        if name in out:
            out[name] = out[name].upper()
    if "port_of_entry" in out and not out["port_of_entry"]:
        errors.setdefault("port_of_entry", []).append(_("Port / office of entry: this field is required."))
    if "departure_country" in out and not out["departure_country"]:
        if not draft:
            errors.setdefault("departure_country", []).append(_("Country of departure: this field is required."))
    elif "departure_country" in out and out["departure_country"] not in COUNTRIES:
        errors.setdefault("departure_country", []).append(
            _("Country of departure: “%(value)s” is not an ISO 3166 country code.")
            % {"value": out["departure_country"]})
    if "transport_mode" in out and out["transport_mode"] not in TransportMode.values:
        errors.setdefault("transport_mode", []).append(_("Transport mode: choose a valid mode."))
    if "inspection_place" in out and out["inspection_place"] not in InspectionPlace.values:
        errors.setdefault("inspection_place", []).append(_("Inspection place: choose port or destination."))
    if out.get("inspection_place") == InspectionPlace.DESTINATION and not out.get("destination_office"):
        errors.setdefault("destination_office", []).append(
            _("Destination office: required when inspection is at destination."))
    if out.get("trade_terms") and out["trade_terms"] not in TRADE_TERMS:
        errors.setdefault("trade_terms", []).append(
            _("Trade terms: “%(value)s” is not an Incoterms 2020 rule.") % {"value": out["trade_terms"]})
    if "containers" in out:
        raw = out["containers"] or []
        if isinstance(raw, str):
            raw = [part for part in raw.replace(",", " ").replace(";", " ").split()]
        containers = [str(c).strip().upper() for c in raw if str(c).strip()]
        bad = [c for c in containers if not is_valid_container(c)]
        if bad:
            errors.setdefault("containers", []).append(
                _("Containers: %(numbers)s failed the ISO 6346 check (owner code, category, serial, check digit).")
                % {"numbers": ", ".join(bad)})
        out["containers"] = containers
    if "arrival_date" in out:
        try:
            arrival = _date(out["arrival_date"])
        except ValueError:
            errors.setdefault("arrival_date", []).append(_("Date of arrival: enter a date as YYYY-MM-DD."))
        else:
            out["arrival_date"] = arrival
            if arrival:
                today = timezone.localdate()
                if arrival < today - datetime.timedelta(days=MAX_PAST_DAYS) or \
                        arrival > today + datetime.timedelta(days=MAX_FUTURE_DAYS):
                    errors.setdefault("arrival_date", []).append(
                        _("Date of arrival: %(date)s is not plausible (at most a year ago or six months ahead).")
                        % {"date": arrival.isoformat()})
    return out


def _number_message(refusal: NumberError, label: int, name: str) -> str:
    if refusal.reason == "digits":
        return (_("Line %(line)s, %(field)s: too large (at most %(digits)s digits before the decimal point).")
                % {"line": label, "field": name, "digits": refusal.max_integer_digits})
    if refusal.reason == "places":
        return (_("Line %(line)s, %(field)s: at most %(places)s decimal places.")
                % {"line": label, "field": name, "places": refusal.decimal_places})
    return _("Line %(line)s, %(field)s: enter a number.") % {"line": label, "field": name}


def clean_line(data: dict, index: int, errors: dict, *, draft: bool = False) -> dict:
    """Normalise one goods line; errors are keyed ``lines.<index>.<field>`` and name the line number. A ``draft``'s
    line may leave empty what only submission needs; what is given must be right."""
    out = {name: data[name] for name in LINE_FIELDS if name in data}
    label = index + 1

    def err(field, message):
        errors.setdefault(f"lines.{index}.{field}", []).append(message)

    code = str(out.get("hs_code") or "").strip().replace(".", "")
    out["hs_code"] = code
    if (code or not draft) and (not code.isdigit() or not 6 <= len(code) <= 10):
        err("hs_code", _("Line %(line)s, HS code: enter 6 to 10 digits.") % {"line": label})
    elif code and not hs_code_known(code):
        err("hs_code", _("Line %(line)s, HS code: %(code)s is not in the nomenclature.") % {"line": label,
                                                                                           "code": code})
    out["description"] = str(out.get("description") or "").strip()
    if not out["description"] and not draft:
        err("description", _("Line %(line)s, description: this field is required.") % {"line": label})
    out["origin_country"] = str(out.get("origin_country") or "").strip().upper()
    if out["origin_country"] not in COUNTRIES and (out["origin_country"] or not draft):
        err("origin_country", _("Line %(line)s, country of origin: “%(value)s” is not an ISO 3166 country code.")
            % {"line": label, "value": out["origin_country"]})
    out["currency"] = str(out.get("currency") or "USD").strip().upper()
    if out["currency"] not in CURRENCIES:
        err("currency", _("Line %(line)s, currency: “%(value)s” is not an ISO 4217 currency code.")
            % {"line": label, "value": out["currency"]})
    out["unit"] = str(out.get("unit") or "").strip()
    if not out["unit"] and not draft:
        err("unit", _("Line %(line)s, unit: this field is required.") % {"line": label})
    for field, name, required in (("quantity", _("quantity"), True), ("value", _("value"), True),
                                  ("net_weight_kg", _("net weight (kg)"), False),
                                  ("gross_weight_kg", _("gross weight (kg)"), False)):
        column = GoodsLine._meta.get_field(field)
        try:
            number = column_decimal(out.get(field), max_digits=column.max_digits,
                                    decimal_places=column.decimal_places)
        except NumberError as refusal:
            err(field, _number_message(refusal, label, name))
            continue
        if number is None:
            if required and not draft:
                err(field, _("Line %(line)s, %(field)s: this field is required.") % {"line": label, "field": name})
            out[field] = None
            continue
        if number <= 0:
            err(field, _("Line %(line)s, %(field)s: must be greater than zero.") % {"line": label, "field": name})
        out[field] = number
    net, gross = out.get("net_weight_kg"), out.get("gross_weight_kg")
    if isinstance(net, Decimal) and isinstance(gross, Decimal) and net > gross:
        err("net_weight_kg", _("Line %(line)s, net weight: cannot exceed the gross weight.") % {"line": label})
    for name in ("manufacturer_name", "lot_numbers"):
        out[name] = str(out.get(name) or "").strip()
    _clean_dangerous_goods(out, label, err)
    return out


def un_number_normalise(value) -> str:
    """"1203", "un 1203" and "UN1203" all mean UN1203; "" stays ""."""
    text = str(value or "").upper().replace(" ", "")
    return f"UN{text}" if text.isdigit() else text


def _clean_dangerous_goods(out: dict, label, err) -> None:
    out["un_number"] = un_number_normalise(out.get("un_number"))
    out["dg_class"] = str(out.get("dg_class") or "").strip()
    if out["un_number"] and not UN_NUMBER_RE.match(out["un_number"]):
        err("un_number", _("Line %(line)s, UN number: “%(value)s” is not a UN number (UN and four digits, e.g. "
                           "UN1203).") % {"line": label, "value": out["un_number"]})
    if out["dg_class"] and out["dg_class"] not in DangerousGoodsClass.values:
        err("dg_class", _("Line %(line)s, dangerous-goods class: “%(value)s” is not a UN hazard class or "
                          "division.") % {"line": label, "value": out["dg_class"]})
    elif out["dg_class"] and not out["un_number"]:
        err("un_number", _("Line %(line)s, UN number: required for goods of a dangerous-goods class.")
            % {"line": label})
