"""The bureau's reference tables of declarations: the documents goods need and the HS nomenclature, each row with
its effective dates, a new HS edition imported whole (every row checked first, nothing written on an error), and the
ports with their names."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_forget
from ciq_portal.roles import Role, has_role

from ..choices import CommodityCategory, DocumentKind
from ..models import DocumentRequirement, HSCode, HSEdition, Port
from ..nomenclature import NOMENCLATURE_KEY
from ..ports import PORTS_KEY
from .documents import DOCUMENT_RULES_KEY

HS_CODE_LENGTHS = (2, 4, 6, 8, 10)
HS_EDITION_COLUMNS = ["code", "name_zh", "name_en", "category"]


def _require_administrator(actor) -> None:
    if not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only a bureau administrator changes the reference tables."))


def _check_dates(valid_from, valid_until, errors: dict) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("Validity cannot end before it starts."))


def _requirement_clean(data: dict) -> dict:
    errors: dict = {}
    out = {"kind": data.get("kind") or "", "hs_prefix": str(data.get("hs_prefix") or "").strip().replace(".", ""),
           "category": str(data.get("category") or "").strip(), "note": str(data.get("note") or "").strip(),
           "valid_from": data.get("valid_from"), "valid_until": data.get("valid_until")}
    if out["kind"] not in DocumentKind.values:
        errors["kind"] = [_("Choose a document type.")]
    if out["hs_prefix"] and not (out["hs_prefix"].isdigit() and 2 <= len(out["hs_prefix"]) <= 10):
        errors["hs_prefix"] = [_("An HS code prefix is 2 to 10 digits.")]
    if out["category"] and out["category"] not in CommodityCategory.values:
        errors["category"] = [_("Choose a commodity category.")]
    if not out["hs_prefix"] and not out["category"]:
        errors["hs_prefix"] = [_("Name the goods: an HS code prefix or a category.")]
    _check_dates(out["valid_from"], out["valid_until"], errors)
    if errors:
        raise ValidationError(errors)
    return out


def _requirement_snapshot(requirement: DocumentRequirement) -> dict:
    return {name: getattr(requirement, name) for name in ("kind", "hs_prefix", "category", "note", "valid_from",
                                                          "valid_until")}


@transaction.atomic
def document_requirement_create(*, actor, kind, hs_prefix="", category="", note="", valid_from=None,
                                valid_until=None) -> DocumentRequirement:
    _require_administrator(actor)
    data = _requirement_clean({"kind": kind, "hs_prefix": hs_prefix, "category": category, "note": note,
                               "valid_from": valid_from, "valid_until": valid_until})
    requirement = DocumentRequirement.objects.create(**data)
    audit_record(actor=actor, action="document_requirement.create", obj=requirement,
                 after=_requirement_snapshot(requirement))
    reference_forget(DOCUMENT_RULES_KEY)
    return requirement


@transaction.atomic
def document_requirement_update(*, requirement, actor, **fields) -> DocumentRequirement:
    _require_administrator(actor)
    requirement = DocumentRequirement.objects.select_for_update().get(pk=requirement.pk)
    before = _requirement_snapshot(requirement)
    data = _requirement_clean({**before, **fields})
    for name, value in data.items():
        setattr(requirement, name, value)
    requirement.save()
    audit_record(actor=actor, action="document_requirement.update", obj=requirement, before=before,
                 after=_requirement_snapshot(requirement))
    reference_forget(DOCUMENT_RULES_KEY)
    return requirement


def _hs_row_errors(row: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code = row["code"]
    if not (code.isdigit() and len(code) in HS_CODE_LENGTHS):
        errors["code"] = [_("An HS code is 2, 4, 6, 8 or 10 digits.")]
    if not row["name_zh"]:
        errors["name_zh"] = [_("Give the Chinese name.")]
    if row["category"] and row["category"] not in CommodityCategory.values:
        errors["category"] = [_("“%(value)s” is not a commodity category.") % {"value": row["category"]}]
    return errors


def _hs_clean(data: dict) -> dict:
    return {"code": str(data.get("code") or "").strip().replace(".", ""),
            "name_zh": str(data.get("name_zh") or "").strip()[:300],
            "name_en": str(data.get("name_en") or "").strip()[:300],
            "category": str(data.get("category") or "").strip()}


def _hs_snapshot(hs_code: HSCode) -> dict:
    return {name: getattr(hs_code, name) for name in ("name_zh", "name_en", "category", "valid_from",
                                                      "valid_until")}


@transaction.atomic
def hs_code_create(*, actor, code, name_zh, name_en="", category="", valid_from=None, valid_until=None) -> HSCode:
    _require_administrator(actor)
    row = _hs_clean({"code": code, "name_zh": name_zh, "name_en": name_en, "category": category})
    errors = _hs_row_errors(row)
    if "code" not in errors and HSCode.objects.filter(code=row["code"]).exists():
        errors["code"] = [_("This HS code is in the table: edit it.")]
    _check_dates(valid_from, valid_until, errors)
    if errors:
        raise ValidationError(errors)
    hs_code = HSCode.objects.create(**row, valid_from=valid_from, valid_until=valid_until)
    audit_record(actor=actor, action="hs_code.create", obj=hs_code, after=_hs_snapshot(hs_code))
    reference_forget(NOMENCLATURE_KEY)
    return hs_code


@transaction.atomic
def hs_code_update(*, hs_code, actor, **fields) -> HSCode:
    _require_administrator(actor)
    hs_code = HSCode.objects.select_for_update().get(pk=hs_code.pk)
    before = _hs_snapshot(hs_code)
    current = {**before, **fields, "code": hs_code.code}
    row = _hs_clean(current)
    errors = _hs_row_errors(row)
    _check_dates(current.get("valid_from"), current.get("valid_until"), errors)
    if errors:
        raise ValidationError(errors)
    hs_code.name_zh, hs_code.name_en, hs_code.category = row["name_zh"], row["name_en"], row["category"]
    hs_code.valid_from, hs_code.valid_until = current.get("valid_from"), current.get("valid_until")
    hs_code.save()
    audit_record(actor=actor, action="hs_code.update", obj=hs_code, before=before, after=_hs_snapshot(hs_code))
    reference_forget(NOMENCLATURE_KEY)
    return hs_code


def hs_edition_errors(rows: list[dict]) -> list[dict]:
    """Every error of every row ({"row", "field", "message"}; the header is row 1)."""
    errors, seen = [], {}
    for number, raw in enumerate(rows, start=2):
        row = _hs_clean(raw)
        for field, messages in _hs_row_errors(row).items():
            errors.extend({"row": number, "field": field, "message": message} for message in messages)
        if row["code"] in seen:
            errors.append({"row": number, "field": "code", "message": _("HS code %(code)s is already on row "
                                                                          "%(row)s.") % {"code": row["code"],
                                                                                         "row": seen[row["code"]]}})
        seen.setdefault(row["code"], number)
    if not rows:
        errors.append({"row": 1, "field": "file", "message": _("The file has no codes.")})
    return errors


@transaction.atomic
def hs_edition_import(*, actor, name, effective_from: date, rows: list[dict], original_name="") -> HSEdition:
    """Make the file the nomenclature from ``effective_from``: its new codes start then, its changed names and
    categories apply now, and the codes it lacks end the day before. Nothing is written when a row is wrong: the
    ValidationError lists every row's errors on ``file``."""
    _require_administrator(actor)
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Name the edition.")]
    if effective_from is None or effective_from < timezone.localdate():
        errors["effective_from"] = [_("An edition takes effect today or later.")]
    rows = [row for row in rows if any(str(value or "").strip() for value in row.values())]
    row_errors = hs_edition_errors(rows)
    if row_errors:
        errors["file"] = [_("Row %(row)s, %(field)s: %(message)s") % error for error in row_errors]
    if errors:
        raise ValidationError(errors)
    table = {hs_code.code: hs_code for hs_code in HSCode.objects.select_for_update()}
    new, changed, in_file = [], [], set()
    for row in map(_hs_clean, rows):
        in_file.add(row["code"])
        current = table.get(row["code"])
        if current is None:
            new.append(HSCode(**row, valid_from=effective_from))
            continue
        values = (row["name_zh"], row["name_en"], row["category"], None)
        if (current.name_zh, current.name_en, current.category, current.valid_until) != values:
            current.name_zh, current.name_en, current.category, current.valid_until = values
            changed.append(current)
    last_day = effective_from - timedelta(days=1)
    retired = [hs_code for code, hs_code in table.items() if code not in in_file
               and (hs_code.valid_until is None or hs_code.valid_until > last_day)]
    for hs_code in retired:
        hs_code.valid_until = last_day
    HSCode.objects.bulk_create(new, batch_size=1000)
    HSCode.objects.bulk_update(changed, ["name_zh", "name_en", "category", "valid_until"], batch_size=1000)
    HSCode.objects.bulk_update(retired, ["valid_until"], batch_size=1000)
    edition = HSEdition.objects.create(name=name.strip(), effective_from=effective_from,
                                       original_name=(original_name or "")[:255], codes=len(rows), added=len(new),
                                       changed=len(changed), retired=len(retired), imported_by=actor)
    audit_record(actor=actor, action="hs_edition.import", obj=edition,
                 after={"name": edition.name, "effective_from": effective_from, "file": edition.original_name,
                        "codes": edition.codes, "added": [c.code for c in new][:1000],
                        "changed": [c.code for c in changed][:1000], "retired": [c.code for c in retired][:1000]})
    reference_forget(NOMENCLATURE_KEY)
    return edition


PORT_CODE = re.compile(r"^[A-Z0-9]{2,16}$")
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def _port_clean(data: dict) -> dict:
    out = {"code": str(data.get("code") or "").strip().upper(), "locode": str(data.get("locode") or "").strip().upper(),
           "name_zh": str(data.get("name_zh") or "").strip()[:100],
           "name_en": str(data.get("name_en") or "").strip()[:100]}
    errors: dict[str, list[str]] = {}
    if not PORT_CODE.match(out["code"]):
        errors["code"] = [_("Office code: 2 to 16 letters or digits, as declarations give it (e.g. NGB).")]
    if not LOCODE.match(out["locode"]):
        errors["locode"] = [_("UN/LOCODE: the country's two letters and the place's three (e.g. CNNGB).")]
    if not out["name_zh"]:
        errors["name_zh"] = [_("Give the Chinese name.")]
    if not out["name_en"]:
        errors["name_en"] = [_("Give the English name.")]
    if errors:
        raise ValidationError(errors)
    return out


def _port_snapshot(port: Port) -> dict:
    return {name: getattr(port, name) for name in ("locode", "name_zh", "name_en")}


@transaction.atomic
def port_create(*, actor, code, locode, name_zh, name_en) -> Port:
    _require_administrator(actor)
    data = _port_clean({"code": code, "locode": locode, "name_zh": name_zh, "name_en": name_en})
    if Port.objects.filter(code=data["code"]).exists():
        raise ValidationError({"code": [_("This port is in the table: edit it.")]})
    port = Port.objects.create(**data)
    audit_record(actor=actor, action="port.create", obj=port, after=_port_snapshot(port))
    reference_forget(PORTS_KEY)
    return port


@transaction.atomic
def port_update(*, port, actor, **fields) -> Port:
    """The names and UN/LOCODE change; the office code, which declarations store, does not."""
    _require_administrator(actor)
    port = Port.objects.select_for_update().get(pk=port.pk)
    before = _port_snapshot(port)
    data = _port_clean({**before, **fields, "code": port.code})
    port.locode, port.name_zh, port.name_en = data["locode"], data["name_zh"], data["name_en"]
    port.save()
    audit_record(actor=actor, action="port.update", obj=port, before=before, after=_port_snapshot(port))
    reference_forget(PORTS_KEY)
    return port
