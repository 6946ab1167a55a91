"""The staff's bulk files (officers, rosters): blank templates to download and uploads read into rows, CSV (UTF-8)
or XLSX, with the declarations' reader (declarations/bulk.py)."""

import csv
import io

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from declarations.bulk import UnreadableFile, read_rows

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def template_response(fmt: str, *, name: str, columns: list[str], example: list[str]) -> HttpResponse:
    """The blank template: the header and one example row, as CSV (with a BOM, for Excel) or XLSX."""
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
    response["Content-Disposition"] = f'attachment; filename="{name}-template.{fmt}"'
    return response


def upload_rows(upload) -> list[dict]:
    """An uploaded file's rows keyed by its header; ValidationError on ``file`` when it cannot be read."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a CSV or XLSX file.")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]})
    try:
        return read_rows(upload.name, upload.read())
    except UnreadableFile:
        raise ValidationError({"file": [_("The file could not be read as CSV or XLSX.")]}) from None
