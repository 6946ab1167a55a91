"""The limits table: test items with their unit, and each item's limits per commodity category in versions (a new
version takes over from the day it starts); lab results are judged by the version in force."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, has_role
from declarations.choices import CommodityCategory

from ..models import TestItem, TestLimit
from ._common import _decimal

LIMIT_IMPORT_COLUMNS = ["item", "category", "limit_min", "limit_max", "unit", "valid_from", "basis"]
_ITEM_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _require_administrator(actor) -> None:
    if not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only a bureau administrator changes the limits table."))


def _item_snapshot(item: TestItem) -> dict:
    return {"code": item.code, "name": item.name, "name_en": item.name_en, "unit": item.unit, "active": item.active}


def _item_clean(data: dict, *, item: TestItem | None = None) -> dict:
    out = {"code": str(data.get("code") or "").strip().lower(), "name": str(data.get("name") or "").strip(),
           "name_en": str(data.get("name_en") or "").strip(), "unit": str(data.get("unit") or "").strip(),
           "active": bool(data.get("active", True))}
    errors = {}
    if not _ITEM_CODE_RE.match(out["code"]):
        errors["code"] = [_("A code is lower-case letters, digits, - and _ (e.g. lead).")]
    elif TestItem.objects.filter(code=out["code"]).exclude(pk=getattr(item, "pk", None)).exists():
        errors["code"] = [_("Another test item has this code.")]
    if not out["name"]:
        errors["name"] = [_("This field is required.")]
    if not out["unit"]:
        errors["unit"] = [_("Give the unit the item is measured in (e.g. mg/kg).")]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def test_item_create(*, actor, code, name, unit, name_en="", active=True) -> TestItem:
    """Register a test item (bureau administrators; the demo calls it without an actor)."""
    if actor is not None:
        _require_administrator(actor)
    item = TestItem.objects.create(**_item_clean({"code": code, "name": name, "name_en": name_en, "unit": unit,
                                                  "active": active}))
    audit_record(actor=actor, action="test_item.create", obj=item, after=_item_snapshot(item))
    return item


@transaction.atomic
def test_item_update(*, item, actor, **fields) -> TestItem:
    """Rename or retire an item. Its unit is fixed once a limit uses it: the limits are in that unit."""
    _require_administrator(actor)
    item = TestItem.objects.select_for_update().get(pk=item.pk)
    before = _item_snapshot(item)
    data = _item_clean({**before, **fields}, item=item)
    if data["code"] != item.code and item.limits.exists():
        raise ValidationError({"code": [_("The code of an item with limits stays as it is.")]})
    if data["unit"] != item.unit and item.limits.exists():
        raise ValidationError({"unit": [_("The unit of an item with limits stays as it is: register a new item.")]})
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    audit_record(actor=actor, action="test_item.update", obj=item, before=before, after=_item_snapshot(item))
    return item


def _bound(value, field, errors):
    if value in (None, ""):
        return None
    try:
        return _decimal(value, field, TestLimit, field)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def _limit_errors(*, item, category, limit_min, limit_max, unit, valid_from) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    low, high = _bound(limit_min, "limit_min", errors), _bound(limit_max, "limit_max", errors)
    if item is None:
        errors["item"] = [_("Choose a registered test item.")]
    elif (unit or "").strip() != item.unit:
        errors["unit"] = [_("%(item)s is measured in %(unit)s: give the limit in %(unit)s.") % {
            "item": item.code, "unit": item.unit}]
    if category not in CommodityCategory.values:
        errors["category"] = [_("Choose a commodity category.")]
    if low is None and high is None and "limit_min" not in errors and "limit_max" not in errors:
        errors["limit_max"] = [_("Give a lower or an upper limit.")]
    elif low is not None and high is not None and low > high:
        errors["limit_max"] = [_("The upper limit is below the lower limit.")]
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("Give the day the limit takes effect.")]
    elif valid_from < timezone.localdate():
        errors["valid_from"] = [_("A limit takes effect today or later: results already judged keep theirs.")]
    return errors, {"limit_min": low, "limit_max": high}


def _limit_snapshot(limit: TestLimit) -> dict:
    return {"item": limit.item.code, "category": limit.category, "version": limit.version,
            "limit_min": limit.limit_min, "limit_max": limit.limit_max, "unit": limit.unit, "basis": limit.basis,
            "valid_from": limit.valid_from, "valid_until": limit.valid_until}


def _limit_write(*, actor, item, category, bounds, unit, valid_from, basis) -> TestLimit:
    current = list(TestLimit.objects.select_for_update().filter(item=item, category=category).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)))
    version = (TestLimit.objects.filter(item=item, category=category).aggregate(n=Max("version"))["n"] or 0) + 1
    for previous in current:
        before = _limit_snapshot(previous)
        # A version not yet in force when the new one starts is voided (it ends before it starts).
        ends = valid_from if previous.valid_from < valid_from else previous.valid_from
        previous.valid_until = ends - timedelta(days=1)
        previous.save(update_fields=["valid_until"])
        audit_record(actor=actor, action="test_limit.supersede", obj=previous, before=before,
                     after=_limit_snapshot(previous))
    limit = TestLimit.objects.create(item=item, category=category, version=version, unit=unit.strip(),
                                     valid_from=valid_from, basis=(basis or "").strip()[:120], created_by=actor,
                                     **bounds)
    audit_record(actor=actor, action="test_limit.set", obj=limit, after=_limit_snapshot(limit))
    return limit


@transaction.atomic
def test_limit_set(*, actor, item, category, unit, valid_from, limit_min=None, limit_max=None,
                   basis="") -> TestLimit:
    """A new version of ``item``'s limit for ``category`` from ``valid_from``; the version in force ends the day
    before. The unit must be the item's. Bureau administrators (the demo calls it without an actor)."""
    if actor is not None:
        _require_administrator(actor)
    errors, bounds = _limit_errors(item=item, category=category, limit_min=limit_min, limit_max=limit_max,
                                   unit=unit, valid_from=valid_from)
    if errors:
        raise ValidationError(errors)
    return _limit_write(actor=actor, item=TestItem.objects.select_for_update().get(pk=item.pk), category=category,
                        bounds=bounds, unit=unit, valid_from=valid_from, basis=basis)


def _row_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def test_limits_import_errors(rows: list[dict]) -> list[dict]:
    """Every error of every row ({"row", "field", "message"}; the header is row 1)."""
    items = {item.code: item for item in TestItem.objects.all()}
    errors, seen = [], {}
    for number, row in enumerate(rows, start=2):
        code = str(row.get("item") or "").strip().lower()
        category = str(row.get("category") or "").strip()
        found, _bounds = _limit_errors(item=items.get(code), category=category, limit_min=row.get("limit_min"),
                                       limit_max=row.get("limit_max"), unit=str(row.get("unit") or ""),
                                       valid_from=_row_date(row.get("valid_from")))
        for field, messages in found.items():
            errors.extend({"row": number, "field": field, "message": message} for message in messages)
        if (code, category) in seen:
            errors.append({"row": number, "field": "item", "message": _(
                "%(item)s for %(category)s is already on row %(row)s.") % {"item": code, "category": category,
                                                                        "row": seen[(code, category)]}})
        seen.setdefault((code, category), number)
    if not rows:
        errors.append({"row": 1, "field": "file", "message": _("The file has no limits.")})
    return errors


@transaction.atomic
def test_limits_import(*, actor, rows: list[dict]) -> list[TestLimit]:
    """A new version of each row's limit (columns LIMIT_IMPORT_COLUMNS). Nothing is written when a row is wrong:
    the ValidationError lists every row's errors on ``file``."""
    _require_administrator(actor)
    rows = [row for row in rows if any(str(value or "").strip() for value in row.values())]
    errors = test_limits_import_errors(rows)
    if errors:
        raise ValidationError({"file": [_("Row %(row)s, %(field)s: %(message)s") % error for error in errors]})
    items = {item.code: item for item in TestItem.objects.select_for_update()}
    limits = []
    for row in rows:
        item = items[str(row["item"]).strip().lower()]
        limits.append(_limit_write(
            actor=actor, item=item, category=str(row["category"]).strip(), unit=str(row["unit"]),
            bounds={"limit_min": _bound(row.get("limit_min"), "limit_min", {}),
                    "limit_max": _bound(row.get("limit_max"), "limit_max", {})},
            valid_from=_row_date(row["valid_from"]), basis=str(row.get("basis") or "")))
    return limits
