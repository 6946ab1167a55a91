import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from credit.models import Enterprise
from declarations.bulk import (
    error_report,
    import_jobs_resume,
    import_kcs,
    import_rows,
    read_rows,
    template,
)
from declarations.choices import DeclarationSource, InspectionOutcome
from declarations.models import Declaration, GoodsLine, HistoricalAttributes, ImportJob

pytestmark = pytest.mark.django_db
KCS = settings.KCS_DATA_DIR / "df_syn_train_eng.csv"


def rows_csv(rows):
    example = list(csv.DictReader(io.StringIO(template("csv").content.decode("utf-8-sig"))))[0]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(example))
    writer.writeheader()
    for overrides in rows:
        writer.writerow({**example, **overrides})
    return out.getvalue().encode()


def test_templates_parse_back():
    rows = read_rows("t.csv", template("csv").content)
    assert rows[0]["hs_code"] == "0306170000"
    rows = read_rows("t.xlsx", template("xlsx").content)
    assert rows[0]["departure_country"] == "AU"


def test_good_file_groups_by_ref(enterprise_a, declarant_a):
    data = rows_csv([{"ref": "P1"}, {"ref": "P1", "hs_code": "3304990000"}, {"ref": "P2"}])
    result = import_rows(rows=read_rows("f.csv", data), enterprise=enterprise_a, actor=declarant_a)
    assert result.ok and len(result.imported) == 2
    first = Declaration.objects.get(declarant_ref="P1")
    assert first.lines.count() == 2 and first.source == DeclarationSource.BULK


def test_bad_rows_import_nothing(enterprise_a, declarant_a):
    data = rows_csv([{"ref": "P1"}, {"ref": "P2", "hs_code": "99"}, {"ref": "P3", "currency": "ZZZ"}])
    result = import_rows(rows=read_rows("f.csv", data), enterprise=enterprise_a, actor=declarant_a)
    assert not result.imported and not Declaration.objects.exists()
    assert [(e["row"], e["field"]) for e in result.errors] == [(3, "hs_code"), (4, "currency")]


def test_skip_invalid(enterprise_a, declarant_a):
    data = rows_csv([{"ref": "P1"}, {"ref": "P2", "quantity": "-1"}])
    result = import_rows(rows=read_rows("f.csv", data), enterprise=enterprise_a, actor=declarant_a,
                         skip_invalid=True)
    assert len(result.imported) == 1 and result.errors[0]["row"] == 3
    assert list(Declaration.objects.values_list("declarant_ref", flat=True)) == ["P1"]


def test_command(tmp_path, enterprise_a):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(rows_csv([{"ref": "P1"}, {"ref": "P2", "origin_country": "XX"}]))
    with pytest.raises(CommandError):
        call_command("import_declarations", str(bad), "--enterprise", enterprise_a.uscc)
    assert not Declaration.objects.exists()
    call_command("import_declarations", str(bad), "--enterprise", enterprise_a.uscc, "--skip-invalid")
    assert Declaration.objects.count() == 1


def test_browser_upload_with_progress(client, declarant_a, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(declarant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/declarations/import/",
                               {"file": SimpleUploadedFile("f.csv", rows_csv([{"ref": "W1"}]))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "done" and job.imported == 1
    status = client.get(f"/declarations/import/{job.pk}/?format=json").json()
    assert status["processed"] == 1
    assert client.get(f"/declarations/import/{job.pk}/", HTTP_HX_REQUEST="true").status_code == 200
    assert client.get("/declarations/import/template.xlsx").status_code == 200


@pytest.mark.skipif(not KCS.exists(), reason=f"KCS data not found at {KCS}")
def test_kcs_import_counts_rows_and_outcomes():
    result = import_kcs(path=KCS)
    assert result.rows == result.created == 37385
    assert result.non_conform == 8114
    assert Declaration.objects.filter(source=DeclarationSource.HISTORICAL).count() == 37385
    assert Declaration.objects.filter(inspection_outcome=InspectionOutcome.NON_CONFORM).count() == 8114
    assert Declaration.objects.filter(inspection_outcome=InspectionOutcome.CONFORM).count() == 37385 - 8114
    assert GoodsLine.objects.count() == HistoricalAttributes.objects.count() == 37385
    first = Declaration.objects.get(number="KCS97061800")
    assert first.enterprise.external_id == "KCS-IMP-QLRUBN9" and first.consignor.external_id == "KCS-SEL-0VKY2BR"
    assert first.declarant_ref == "ZZR1LT6" and first.lines.get().hs_code == "440890"
    assert first.historical.tax_type == "FEU1" and first.historical.office_id == "30"
    again = import_kcs(path=KCS)
    assert again.created == 0 and again.skipped == 37385
    assert Enterprise.objects.filter(external_id__startswith="KCS-").count() == result.enterprises_created


def test_import_errors_are_read_in_the_reader_s_language(client, declarant_a, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(declarant_a)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):  # uploaded from English
        client.post("/declarations/import/", {"file": SimpleUploadedFile("f.csv", rows_csv(
            [{"ref": "P1", "currency": "ZZZ"}]))})
    job = ImportJob.objects.get()
    [error] = job.errors
    assert error["row"] == 2 and error["field"] == "currency"
    assert set(error["message_translations"]) == {"zh-hans", "en"}
    english, chinese = error["message_translations"]["en"], error["message_translations"]["zh-hans"]
    assert english != chinese and error["message"] == chinese
    page = client.get(f"/declarations/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert chinese in page and english not in page
    page = client.get(f"/declarations/import/{job.pk}/", HTTP_HX_REQUEST="true",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english in page and chinese not in page
    status = client.get(f"/declarations/import/{job.pk}/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert status["errors"] == [{"row": 2, "field": "currency", "message": english}]
    with translation.override("en"):
        assert english in error_report(job.errors)


def test_an_upload_whose_worker_died_is_resumed_within_minutes_and_imported_once(declarant_a, settings):
    job = ImportJob(enterprise_id=declarant_a.enterprise_membership.enterprise_id, created_by=declarant_a,
                    original_name="f.csv", status="running", total=2)
    job.file.save("f.csv", ContentFile(rows_csv([{"ref": "R1"}, {"ref": "R2"}])), save=False)
    job.save()
    fresh = ImportJob.objects.create(enterprise_id=job.enterprise_id, created_by=declarant_a, original_name="g.csv",
                                     status="running", file=job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - settings.CIQ["IMPORT_RESUME_AFTER"]
                                               - timedelta(seconds=1))
    assert settings.CELERY_BEAT_SCHEDULE["declarations-import-resume"]["schedule"] <= timedelta(minutes=5)
    assert import_jobs_resume() == 1  # the one made minutes ago, not the one just made
    job.refresh_from_db()
    assert job.status == "done" and job.imported == 2
    assert import_jobs_resume() == 0
    assert Declaration.objects.filter(declarant_ref__in=["R1", "R2"]).count() == 2
    assert ImportJob.objects.get(pk=fresh.pk).status == "running"
