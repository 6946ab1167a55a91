"""The staff's bulk files (officers, rosters): uploads read into rows, CSV (UTF-8) or XLSX, with the declarations'
reader (declarations/bulk.py), up to a size."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from declarations import bulk

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def upload_rows(upload) -> list[dict]:
    """An uploaded file's rows keyed by its header; ValidationError on ``file`` when it cannot be read."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a CSV or XLSX file.")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]})
    return bulk.upload_rows(upload)
