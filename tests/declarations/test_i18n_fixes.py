"""A rejection the pipeline writes and the KCS import's timeline entry are kept in every language; an upload is
reported as unreadable only for what reading a bad file raises, not for a bug."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from declarations import bulk, services
from declarations.models import DeclarationEvent

pytestmark = pytest.mark.django_db


def test_reject_takes_a_function_and_stores_both_languages(make_draft, declarant_a, officer, no_requirements):
    d = make_draft()
    services.declaration_submit(declaration=d, actor=declarant_a)
    with translation.override("en"):
        services.declaration_reject(declaration=d, actor=officer,
                                    message=lambda: translation.gettext("Declaration submitted."))
    event = DeclarationEvent.objects.get(declaration=d, kind="reject")
    assert set(event.message_translations) == {"zh-hans", "en"}
    assert event.message_translations["en"] == "Declaration submitted."
    assert event.message == event.message_translations["zh-hans"] != "Declaration submitted."


def test_reject_still_needs_a_typed_reason(make_draft, declarant_a, officer, no_requirements):
    d = make_draft()
    services.declaration_submit(declaration=d, actor=declarant_a)
    with pytest.raises(ValidationError) as exc:
        services.declaration_reject(declaration=d, actor=officer, message="   ")
    assert "message" in exc.value.message_dict
    services.declaration_reject(declaration=d, actor=officer, message="  Wrong goods  ")
    event = DeclarationEvent.objects.get(declaration=d, kind="reject")
    assert event.message == "Wrong goods" and event.message_translations == {}


KCS_HEADER = list(bulk.KCS_COLUMNS) + ["Critical Fraud"]


def test_kcs_import_event_is_stored_in_both_languages(tmp_path):
    path = tmp_path / "kcs.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=KCS_HEADER)
    writer.writeheader()
    writer.writerow({"Declaration ID": "1001", "Date": "2024-03-01", "Office ID": "30", "Process Type": "B",
                     "Import Type": "11", "Import Use": "21", "Payment Type": "11", "Mode of Transport": "10",
                     "Declarant ID": "D1", "Importer ID": "I1", "Seller ID": "S1", "Courier ID": "",
                     "HS6 Code": "30617", "Country of Departure": "VN", "Country of Origin": "VN",
                     "Tax Rate": "8", "Tax Type": "A", "Country of Origin Indicator": "G", "Net Mass": "100",
                     "Item Price": "5000", "Fraud": "1", "Critical Fraud": "0"})
    path.write_text(out.getvalue(), encoding="utf-8")
    with translation.override("en"):
        result = bulk.import_kcs(path=path)
    assert result.created == 1
    event = DeclarationEvent.objects.get(kind="historical_import")
    assert event.message_translations["en"] == "Imported from the KCS historical set."
    assert event.message == event.message_translations["zh-hans"] == "从 KCS 历史数据集导入。"


def _job(enterprise_a, declarant_a, name, content):
    return bulk.import_job_start(enterprise_id=enterprise_a.pk, actor=declarant_a,
                                 file=SimpleUploadedFile(name, content), skip_invalid=False)


def _not_a_workbook():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return data.getvalue()


@pytest.mark.parametrize("name, content", [
    ("f.xlsx", b"not a zip archive"),
    ("f.xlsx", _not_a_workbook()),
    ("f.csv", b"\xff\xfe\x00\x00 utf-32, not utf-8"),
])
def test_unreadable_files_are_reported(enterprise_a, declarant_a, name, content):
    job = _job(enterprise_a, declarant_a, name, content)
    bulk.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["field"] == "file"
    assert job.errors[0]["message_translations"]["en"] == "The file could not be read as CSV or XLSX."


def test_read_rows_says_what_it_cannot_read():
    with pytest.raises(bulk.UnreadableFile):
        bulk.read_rows("f.xlsx", b"garbage")
    with pytest.raises(bulk.UnreadableFile):
        bulk.read_rows("f.csv", b"\xff\xfe bad")


def test_a_bug_while_reading_is_raised_not_reported_as_an_unreadable_file(enterprise_a, declarant_a, monkeypatch):
    job = _job(enterprise_a, declarant_a, "f.csv", bulk.template("csv").content)

    def broken(name, data):
        raise TypeError("a bug")

    monkeypatch.setattr(bulk, "read_rows", broken)
    with pytest.raises(TypeError):
        bulk.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status != "failed" and job.errors == []
