"""Bulk import of declarations (CSV/XLSX, one row per goods line) and of the KCS historical set."""

import csv
import datetime
import io
import zipfile
from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ciq_portal.audit import audit_record
from ciq_portal.i18n import message_for_reader, stored_text
from credit.choices import EnterpriseKind
from credit.models import Enterprise
from credit.services import credit_event_record

from .choices import DeclarationSource, DeclarationStatus, InspectionOutcome, TransportMode
from .models import Declaration, DeclarationEvent, GoodsLine, HistoricalAttributes, ImportJob
from .services import declaration_create
from .tasks import import_job_run_task
from .validation import clean_header, clean_line

# The documented column set: one row per goods line; rows sharing a `ref` form one declaration.
COLUMNS = [
    "ref", "port_of_entry", "transport_mode", "vessel_voyage", "bill_of_lading", "containers", "arrival_date",
    "departure_country", "use_of_goods", "inspection_place", "destination_office", "trade_terms",
    "hs_code", "description", "origin_country", "quantity", "unit", "net_weight_kg", "gross_weight_kg", "value",
    "currency", "manufacturer_name", "lot_numbers", "un_number", "dg_class",
]
HEADER_COLUMNS = [c for c in COLUMNS[1:12]]
LINE_COLUMNS = COLUMNS[12:]
EXAMPLE = ["PO-2026-001", "NGB", "sea", "COSCO TAURUS 051E", "COSU6301234567", "CSQU3054383",
           "", "AU", "food", "port", "", "CIF", "0306170000",
           "Frozen shrimps", "AU", "12000", "kg", "12000", "12600", "96000", "USD", "Sea Harvest Pty", "L2401", "", ""]


def template(fmt: str) -> HttpResponse:
    """The declarations' import template, its example row arriving today."""
    example = list(EXAMPLE)
    example[6] = timezone.localdate().isoformat()
    return template_response(fmt, name="declarations", columns=COLUMNS, example=example)


class UnreadableFile(ValueError):
    """The file is not a CSV (UTF-8) or XLSX file :func:`read_rows` can read."""


def read_rows(name: str, data: bytes) -> list[dict]:
    """Rows as dicts keyed by the documented columns (unknown columns ignored); :class:`UnreadableFile` when the
    content is not a readable CSV or XLSX file."""
    if name.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = list(book.active.iter_rows(values_only=True))
        except (zipfile.BadZipFile, InvalidFileException, ElementTree.ParseError, KeyError) as exc:
            # Not a zip archive; a zip without a workbook's parts (KeyError from the archive); a part not XML.
            raise UnreadableFile(str(exc)) from exc
        if not rows:
            return []
        header = [str(c or "").strip() for c in rows[0]]
        result = []
        for raw in rows[1:]:
            values = {}
            for key, value in zip(header, raw, strict=False):
                if isinstance(value, datetime.datetime):
                    value = value.date().isoformat()
                elif isinstance(value, datetime.date):
                    value = value.isoformat()
                values[key] = "" if value is None else str(value).strip()
            result.append(values)
        return result
    try:
        text = data.decode("utf-8-sig")
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(io.StringIO(text))]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFile(str(exc)) from exc


def template_response(fmt: str, *, name: str, columns: list[str], example: list[str],
                      filename: str = "") -> HttpResponse:
    """An import's blank template: the header and one example row, as CSV (with a BOM, for Excel) or XLSX (its sheet
    named ``name``), downloaded as ``filename`` (``<name>-template``) with the format's extension."""
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = name
        sheet.append(columns)
        sheet.append(example)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerow(example)
        response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename or f"{name}-template"}.{fmt}"'
    return response


def upload_rows(upload) -> list[dict]:
    """An uploaded file's rows (:func:`read_rows`); ValidationError on ``file`` when it cannot be read."""
    try:
        return read_rows(upload.name, upload.read())
    except UnreadableFile:
        raise ValidationError({"file": [_("The file could not be read as CSV or XLSX.")]}) from None


class BulkResult:
    def __init__(self):
        self.errors: list[dict] = []  # {"row": n, "field": name, "message": text, "message_translations": {...}}
        self.imported: list[str] = []
        self.total_rows = 0

    @property
    def ok(self):
        return not self.errors


def validate_rows(rows: list[dict]) -> tuple[OrderedDict, list[dict]]:
    """Group rows by ``ref`` and validate them; returns (groups, errors). Row numbers count the header as row 1."""
    errors = []
    groups: OrderedDict = OrderedDict()
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        row_errors: dict = {}
        ref = row.get("ref", "") or f"row-{number}"
        header_data = {c: row.get(c, "") for c in HEADER_COLUMNS}
        header_data["transport_mode"] = header_data["transport_mode"] or TransportMode.SEA
        header_data["inspection_place"] = header_data["inspection_place"] or "port"
        header_data["arrival_date"] = header_data["arrival_date"] or None
        line_data = {c: row.get(c, "") for c in LINE_COLUMNS}
        header = clean_header(dict(header_data), row_errors)
        line = clean_line(dict(line_data), 0, row_errors)
        if row_errors:
            errors.extend(_errors_in_every_language(number, header_data, line_data))
        group = groups.setdefault(ref, {"header": header, "lines": [], "rows": [], "invalid": False})
        group["lines"].append(line)
        group["rows"].append(number)
        group["invalid"] = group["invalid"] or bool(row_errors)
    return groups, errors


def _errors_in_every_language(number: int, header_data: dict, line_data: dict) -> list[dict]:
    """A row's errors with their message in every language of the portal (ciq_portal.i18n): the report is read
    later, by whoever opens the job, in their language. The validators run again in each language, for bad rows
    only."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = {}
            clean_header(dict(header_data), found[code])
            clean_line(dict(line_data), 0, found[code])
    default = found[settings.LANGUAGE_CODE]
    return [{"row": number, "field": field.replace("lines.0.", ""), "message": message,
             "message_translations": {code: errors[field][i] for code, errors in found.items()}}
            for field, messages in default.items() for i, message in enumerate(messages)]


def import_rows(*, rows, enterprise, actor, skip_invalid=False, progress=None) -> BulkResult:
    """Import validated groups through declaration_create; nothing at all when a row is invalid unless
    ``skip_invalid`` (then every declaration with an invalid row is left out and reported)."""
    result = BulkResult()
    result.total_rows = len(rows)
    groups, errors = validate_rows(rows)
    result.errors = errors
    if errors and not skip_invalid:
        return result
    valid = [(ref, g) for ref, g in groups.items() if not g["invalid"]]
    with transaction.atomic():
        for done, (ref, group) in enumerate(valid, start=1):
            try:
                declaration = declaration_create(enterprise=enterprise, actor=actor, lines=group["lines"],
                                                 source=DeclarationSource.BULK, declarant_ref=ref[:64],
                                                 **group["header"])
            except ValidationError as exc:  # defensive: validated above
                for field, messages in exc.message_dict.items():
                    result.errors.append({"row": group["rows"][0], "field": field, "message": "; ".join(messages)})
                if not skip_invalid:
                    transaction.set_rollback(True)
                    result.imported = []
                    return result
                continue
            result.imported.append(declaration.number)
            if progress:
                progress(done, len(valid))
    return result


def error_report(errors: list[dict]) -> str:
    return "\n".join(_("Row %(row)s, %(field)s: %(message)s") % {**e, "message": message_for_reader(e)}
                     for e in errors)


UNFINISHED = ("pending", "running")


def import_job_start(*, enterprise_id, actor, file, skip_invalid) -> ImportJob:
    with transaction.atomic():
        job = ImportJob(enterprise_id=enterprise_id, created_by=actor, original_name=file.name[:255],
                        skip_invalid=skip_invalid)
        job.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{Path(file.name).name}", file, save=False)
        job.save()
        audit_record(actor=actor, action="import_job.start", obj=job, after={"file": job.original_name},
                     enterprise_id=enterprise_id)
        import_job_run_task.delay_on_commit(job.pk)
    return job


def import_job_run(job_id: int) -> None:
    """Work one upload, exactly once: a finished job is left alone, and the import and its "done" commit together
    under the job's row lock, so a second run (the resume sweep's, or a redelivery) skips a job that is running and
    redoes one whose worker died (its transaction rolled back with it)."""
    job = ImportJob.objects.select_related("enterprise", "created_by").get(pk=job_id)
    if job.status in ("done", "failed"):
        return
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        rows = read_rows(job.original_name, data)
    except UnreadableFile:
        message, translations = stored_text(lambda: _("The file could not be read as CSV or XLSX."))
        ImportJob.objects.filter(pk=job.pk).update(status="failed", errors=[
            {"row": 0, "field": "file", "message": message, "message_translations": translations}])
        return
    ImportJob.objects.filter(pk=job.pk, status__in=UNFINISHED).update(status="running", total=len(rows))

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(processed=done)

    with transaction.atomic():
        held = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk, status__in=UNFINISHED)
        if held.first() is None:
            return  # another run holds the job, or finished it meanwhile
        result = import_rows(rows=rows, enterprise=job.enterprise, actor=job.created_by,
                             skip_invalid=job.skip_invalid, progress=progress)
        Declaration.objects.filter(enterprise=job.enterprise, number__in=result.imported).update(import_job=job)
        ImportJob.objects.filter(pk=job.pk).update(
            status="done" if result.imported or result.ok else "failed", processed=len(rows),
            imported=len(result.imported), errors=result.errors[:500])


def import_jobs_resume() -> int:
    """Queue again every upload still unfinished ``IMPORT_RESUME_AFTER`` after it was made: its message was lost or
    its worker died. A job still running is skipped by its run (the row lock). Returns how many were queued."""
    started_before = timezone.now() - settings.CIQ["IMPORT_RESUME_AFTER"]
    job_ids = list(ImportJob.objects.filter(status__in=UNFINISHED, created_at__lt=started_before)
                   .values_list("pk", flat=True))
    for job_id in job_ids:
        import_job_run_task.delay(job_id)
    return len(job_ids)


# --- KCS historical set -------------------------------------------------------------------------------------

KCS_TRANSPORT = {"10": TransportMode.SEA, "20": TransportMode.RAIL, "30": TransportMode.ROAD, "40": TransportMode.AIR,
                 "50": TransportMode.POST, "90": TransportMode.OTHER}
# Columns read (by name). `Critical Fraud` is deliberately absent: it is a second label, never a feature.
KCS_COLUMNS = ("Declaration ID", "Date", "Office ID", "Process Type", "Import Type", "Import Use", "Payment Type",
               "Mode of Transport", "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code",
               "Country of Departure", "Country of Origin", "Tax Rate", "Tax Type", "Country of Origin Indicator",
               "Net Mass", "Item Price", "Fraud")


def _float(value):
    try:
        return float(value) if value not in ("", None) else None
    except ValueError:
        return None


def _dec(value):
    try:
        return Decimal(value) if value not in ("", None) else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


class KcsResult:
    def __init__(self):
        self.rows = self.created = self.skipped = self.non_conform = 0
        self.enterprises_created = 0


def import_kcs(*, path, actor=None, batch_size=2000, credit_events=False) -> KcsResult:
    """Import the KCS rows as historical, cleared declarations with their outcome (Fraud=1 -> non_conform).

    Bulk inserts only (no per-row queries); re-running skips declarations already imported (number KCS<id>).
    """
    result = KcsResult()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        index = {name: header.index(name) for name in KCS_COLUMNS}
        rows = [{name: raw[i] for name, i in index.items()} for raw in reader]
    result.rows = len(rows)
    with transaction.atomic():
        enterprises = _kcs_enterprises(rows, result)
        existing = set()
        numbers = [f"KCS{r['Declaration ID']}" for r in rows]
        for start in range(0, len(numbers), 5000):
            existing.update(Declaration.objects.filter(number__in=numbers[start:start + 5000])
                            .values_list("number", flat=True))
        tz = timezone.get_current_timezone()
        declarations, lines_by_number, attrs_by_number = [], {}, {}
        for row in rows:
            number = f"KCS{row['Declaration ID']}"
            if number in existing:
                result.skipped += 1
                continue
            existing.add(number)
            day = datetime.date.fromisoformat(row["Date"])
            moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz)
            non_conform = row["Fraud"].strip() == "1"
            result.non_conform += non_conform
            declarations.append(Declaration(
                number=number, enterprise_id=enterprises[("imp", row["Importer ID"])],
                consignor_id=enterprises.get(("sel", row["Seller ID"])), declarant_ref=row["Declarant ID"][:64],
                source=DeclarationSource.HISTORICAL, status=DeclarationStatus.RELEASED,
                port_of_entry=f"KCS{row['Office ID']}"[:16],
                transport_mode=KCS_TRANSPORT.get(row["Mode of Transport"], TransportMode.OTHER),
                arrival_date=day, departure_country=row["Country of Departure"][:2],
                inspection_outcome=InspectionOutcome.NON_CONFORM if non_conform else InspectionOutcome.CONFORM,
                submitted_at=moment, released_at=moment))
            lines_by_number[number] = GoodsLine(
                line_no=1, hs_code=row["HS6 Code"].zfill(6), description=f"HS {row['HS6 Code'].zfill(6)}",
                origin_country=row["Country of Origin"][:2], quantity=_dec(row["Net Mass"]), unit="kg",
                net_weight_kg=_dec(row["Net Mass"]), value=_dec(row["Item Price"]), currency="KRW")
            attrs_by_number[number] = HistoricalAttributes(
                office_id=row["Office ID"], process_type=row["Process Type"], import_type=row["Import Type"],
                import_use=row["Import Use"], payment_type=row["Payment Type"],
                transport_mode_code=row["Mode of Transport"], courier_id=row["Courier ID"],
                tax_rate=_float(row["Tax Rate"]), tax_type=row["Tax Type"],
                origin_indicator=row["Country of Origin Indicator"], net_mass=_float(row["Net Mass"]),
                item_price=_float(row["Item Price"]))
        Declaration.objects.bulk_create(declarations, batch_size=batch_size)
        ids = {}
        created_numbers = list(lines_by_number)
        for start in range(0, len(created_numbers), 5000):
            ids.update(Declaration.objects.filter(number__in=created_numbers[start:start + 5000])
                       .values_list("number", "id"))
        lines, attrs, events = [], [], []
        imported, imported_translations = stored_text(lambda: _("Imported from the KCS historical set."))
        for number, line in lines_by_number.items():
            pk = ids[number]
            line.declaration_id = pk
            lines.append(line)
            attr = attrs_by_number[number]
            attr.declaration_id = pk
            attrs.append(attr)
            events.append(DeclarationEvent(declaration_id=pk, kind="historical_import",
                                           to_status=DeclarationStatus.RELEASED,
                                           message=imported, message_translations=imported_translations))
        GoodsLine.objects.bulk_create(lines, batch_size=batch_size)
        HistoricalAttributes.objects.bulk_create(attrs, batch_size=batch_size)
        DeclarationEvent.objects.bulk_create(events, batch_size=batch_size)
        result.created = len(declarations)
        audit_record(actor=actor, action="declaration.import_historical", object_type="declarations.declaration",
                     object_id="kcs", after={"file": Path(path).name, "rows": result.rows,
                                             "created": result.created, "skipped": result.skipped,
                                             "non_conform": result.non_conform})
    if credit_events:
        _kcs_credit_events(rows, enterprises, actor)
    return result


def _kcs_enterprises(rows, result) -> dict:
    wanted = {}
    for row in rows:
        wanted.setdefault(("imp", row["Importer ID"]), "KR")
        if row["Seller ID"]:
            wanted.setdefault(("sel", row["Seller ID"]), row["Country of Departure"][:2] or "ZZ")
    external = {key: f"KCS-{'IMP' if key[0] == 'imp' else 'SEL'}-{key[1]}" for key in wanted}
    found = {}
    values = list(external.values())
    for start in range(0, len(values), 5000):
        found.update(Enterprise.objects.filter(external_id__in=values[start:start + 5000])
                     .values_list("external_id", "id"))
    new = []
    for key, country in wanted.items():
        ext = external[key]
        if ext in found:
            continue
        importer = key[0] == "imp"
        new.append(Enterprise(external_id=ext, country=country,
                              kind=EnterpriseKind.IMPORTER if importer else EnterpriseKind.OVERSEAS_SELLER,
                              name_zh=f"{'进口商' if importer else '境外卖方'} {key[1]}",
                              name_en=f"{'Importer' if importer else 'Seller'} {key[1]}"))
    Enterprise.objects.bulk_create(new, batch_size=2000)
    result.enterprises_created = len(new)
    created = [e.external_id for e in new]
    for start in range(0, len(created), 5000):
        found.update(Enterprise.objects.filter(external_id__in=created[start:start + 5000])
                     .values_list("external_id", "id"))
    return {key: found[ext] for key, ext in external.items()}


def _kcs_credit_events(rows, enterprises, actor) -> int:
    """Optional (slow: one service call per non-conformity): record each as a credit event of the importer."""
    count = 0
    objects = Enterprise.objects.in_bulk({enterprises[("imp", r["Importer ID"])] for r in rows
                                          if r["Fraud"].strip() == "1"})
    for row in rows:
        if row["Fraud"].strip() != "1":
            continue
        credit_event_record(enterprise=objects[enterprises[("imp", row["Importer ID"])]], kind="non_conformity",
                            source="system", occurred_on=datetime.date.fromisoformat(row["Date"]),
                            evidence_type="declaration", evidence_id=f"KCS{row['Declaration ID']}",
                            external_reference=f"KCS-{row['Declaration ID']}", actor=actor,
                            note=lambda: _("KCS historical inspection outcome"))
        count += 1
    return count
