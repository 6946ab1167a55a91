"""The public record of the dual-random draws and of the random inspections' outcomes (双随机一公开): the draw record
names enterprises and goods (never what the bureau marks confidential), the standalone verifier (standard library
only) checks the commitment, the order commit ≤ draw < reveal and every draw, and the outcomes page publishes random
inspections only."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection import services
from inspection.models import ConfidentialMark, Draw, DrawPeriod, InspectionTask, ObjectDraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def revealed_day(make_declaration, supervisor):
    """Yesterday's period with the object draws of two declarations (one of them marked confidential), revealed."""
    yesterday = timezone.localdate() - timedelta(days=1)
    services.draw_period_commit(day=yesterday)
    public, secret = make_declaration(), make_declaration(hs_code="3304990000")
    for declaration in (public, secret):
        services.object_draw_for_declaration(declaration=declaration, at=timezone.now() - timedelta(days=1))
    ConfidentialMark.objects.create(declaration=secret, reason="case under investigation", marked_by=supervisor)
    services.draw_period_reveal(day=yesterday)
    return yesterday, public, secret


def run_verifier(tmp_path, client, *sources):
    """The published verify.py, run with `python3 -I -S`: no project and no installed package on the path."""
    script = tmp_path / "verify.py"
    script.write_bytes(client.get("/public/draws/verify.py").content)
    return subprocess.run([sys.executable, "-I", "-S", str(script), *sources], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)


def test_the_draw_record_shows_enterprise_names_and_goods_and_withholds_confidential_ones(client, revealed_day):
    day, public, secret = revealed_day
    record = client.get(f"/public/draws/{day}.json").json()
    by_subject = {row["subject"]: row for row in record["draws"]}
    shown = by_subject[f"declaration:{public.pk}"]["declaration"]
    assert shown["enterprise"] == public.enterprise.name_zh and shown["enterprise_en"] == public.enterprise.name_en
    assert shown["goods"] == [{"hs_heading": "0306", "heading": "甲壳动物", "heading_en": "Crustaceans",
                               "description": public.lines.get().description}]
    assert by_subject[f"declaration:{secret.pk}"]["declaration"] == {"confidential": True}
    assert secret.enterprise.name_zh not in json.dumps(by_subject[f"declaration:{secret.pk}"], ensure_ascii=False)
    page = client.get(f"/public/draws/{day}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert public.enterprise.name_en in page and "0306" in page and "Confidential" in page
    assert "/public/results/" in page and "/public/audit/" in page


def test_the_published_verifier_passes_the_record_from_a_file_and_from_its_url(client, revealed_day, tmp_path,
                                                                               live_server):
    day, _public, _secret = revealed_day
    (tmp_path / "day.json").write_bytes(client.get(f"/public/draws/{day}.json").content)
    result = run_verifier(tmp_path, client, "day.json", f"{live_server.url}/public/draws/{day}.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(f"{day}: 2 draw(s), OK") == 2


def test_a_draw_made_after_the_reveal_is_flagged_by_both_verifiers(client, revealed_day, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    day, public, _secret = revealed_day
    period = DrawPeriod.objects.get(day=day)
    late = Draw.objects.get(subject=f"declaration:{public.pk}")
    Draw.objects.filter(pk=late.pk).update(created_at=period.revealed_at + timedelta(minutes=3))
    (tmp_path / "day.json").write_bytes(client.get(f"/public/draws/{day}.json").content)
    result = run_verifier(tmp_path, client, "day.json")
    assert result.returncode == 1
    assert f"MISMATCH {day}: draw {late.pk} (declaration:{public.pk}): drawn at" in result.stdout
    assert "after the seed was revealed" in result.stdout
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("draw_verify", "--date", str(day), stdout=StringIO(), stderr=err)
    assert f"draw {late.pk} (declaration:{public.pk})" in err.getvalue() and "after the seed was revealed" in \
        err.getvalue()


def test_the_verifier_names_each_mismatch(client, revealed_day, tmp_path):
    day, public, secret = revealed_day
    record = client.get(f"/public/draws/{day}.json").json()
    record["draws"][0]["result"]["selected"] = not record["draws"][0]["result"]["selected"]
    record["draws"][1]["drawn_at"] = "2000-01-01T00:00:00+00:00"
    (tmp_path / "day.json").write_text(json.dumps(record))
    result = run_verifier(tmp_path, client, "day.json")
    assert result.returncode == 1
    assert "re-run gives" in result.stdout and "before the seed was committed" in result.stdout
    record["seed"] = "0" * 64
    (tmp_path / "day.json").write_text(json.dumps(record))
    assert "does not match the commitment" in run_verifier(tmp_path, client, "day.json").stdout
    assert run_verifier(tmp_path, client).returncode == 2  # no file: usage


def _concluded(declaration, reason, *, conclusion="conform", disposition="", selected=True):
    period = services.draw_period_commit(day=timezone.localdate())
    ObjectDraw.objects.create(period=period, kind="object", subject=f"declaration:{declaration.pk}",
                              declaration=declaration, inputs={"ratio": 1.0}, result={"selected": selected},
                              selected=selected)
    return InspectionTask.objects.create(
        declaration=declaration, enterprise=declaration.enterprise, reason=reason, mode="supervised",
        category="aquatic", scheduled_for=timezone.localdate(), status="concluded", concluded_at=timezone.now(),
        due_at=timezone.now(), conclusion=conclusion, disposition=disposition)


def test_outcomes_of_random_inspections_are_published_and_nothing_else(client, make_declaration, supervisor):
    random_conform = make_declaration()
    random_rejected = make_declaration(hs_code="3304990000", release_mode="sample")
    targeted = make_declaration()
    confidential = make_declaration()
    _concluded(random_conform, "random")
    _concluded(random_rejected, "random", conclusion="non_conform", disposition="destroy")
    _concluded(targeted, "risk", conclusion="non_conform", disposition="return", selected=False)
    _concluded(confidential, "random")
    ConfidentialMark.objects.create(declaration=confidential, reason="referred to customs", marked_by=supervisor)
    body = client.get("/public/results/results.json").json()
    assert "risk" in body["rule"] or "风险" in body["rule"]
    published = {(r["goods"][0]["hs_heading"], r["outcome"], r["disposition"], r["release_mode"])
                 for r in body["results"]}
    assert published == {("0306", "conform", None, "supervised"), ("3304", "non_conform", "destroy", "sample")}
    draw = ObjectDraw.objects.get(declaration=random_conform)
    row = next(r for r in body["results"] if r["goods"][0]["hs_heading"] == "0306")
    assert row["draw"]["url"] == f"/public/draws/{draw.period.day}/#draw-{draw.pk}"
    assert row["enterprise"] == random_conform.enterprise.name_zh
    page = client.get("/public/results/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Non-conform" in page and "Destroy" in page and "Supervised-release" in page
    assert "targeted by risk" in page and "confidential" in page  # the rule, on the page
    csv_text = b"".join(client.get("/public/results/results.csv").streaming_content).decode()
    assert csv_text.startswith("date,enterprise") and len(csv_text.strip().splitlines()) == 3
    for hidden in (targeted, confidential):
        assert hidden.number not in page
    chinese = client.get("/public/results/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "随机" in chinese and "/public/draws/" in chinese


def test_a_draw_after_the_reveal_is_refused_by_the_service(make_declaration, create_task, officers):
    from django.core.exceptions import ValidationError

    yesterday_noon = timezone.now() - timedelta(days=1)
    day = timezone.localdate(yesterday_noon)
    services.draw_period_commit(day=day)
    drawn = services.object_draw_for_declaration(declaration=make_declaration(), at=yesterday_noon)
    assert drawn.period.day == day  # open: committed, not revealed
    services.draw_period_reveal(day=day)
    late = make_declaration()
    with pytest.raises(ValidationError) as refused:
        services.object_draw_for_declaration(declaration=late, at=yesterday_noon)
    assert "period" in refused.value.message_dict and str(day) in refused.value.message_dict["period"][0]
    assert not ObjectDraw.objects.filter(declaration=late).exists()
    task = create_task(make_declaration(), reason="risk")
    InspectionTask.objects.filter(pk=task.pk).update(status="queued", assigned_to=None)
    before = Draw.objects.filter(kind="people").count()
    with pytest.raises(ValidationError):
        services.inspection_tasks_dispatch(task_ids=[task.pk], at=yesterday_noon)
    assert Draw.objects.filter(kind="people").count() == before
    assert services.object_draw_for_declaration(declaration=late).period.day == timezone.localdate()  # today's: open


def test_a_supervisor_keeps_a_declaration_out_of_the_public_record_and_it_is_audited(
        client, make_declaration, create_task, supervisor, officer, officers):
    from django.core.exceptions import ValidationError

    from ciq_portal.models import AuditEntry

    declaration = make_declaration()
    task = create_task(declaration, reason="random")
    with pytest.raises(ValidationError):
        services.declaration_confidential_mark(declaration=declaration, reason="case", actor=officer)
    client.force_login(supervisor)
    refused = client.post(f"/inspection/tasks/{task.pk}/confidential/", {"action": "mark", "reason": ""})
    assert refused.status_code == 400 and not ConfidentialMark.objects.exists()
    marked = client.post(f"/inspection/tasks/{task.pk}/confidential/", {"action": "mark",
                                                                         "reason": "referred to customs"})
    assert marked.status_code == 302 and ConfidentialMark.objects.get().reason == "referred to customs"
    assert AuditEntry.objects.filter(action="declaration.confidential_mark", actor_id=supervisor.pk).exists()
    assert "referred to customs" in client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    client.post(f"/inspection/tasks/{task.pk}/confidential/", {"action": "unmark"})
    assert not ConfidentialMark.objects.exists()
    assert AuditEntry.objects.filter(action="declaration.confidential_unmark").exists()
    client.force_login(officer)
    assert client.post(f"/inspection/tasks/{task.pk}/confidential/", {"action": "mark", "reason": "x"}).status_code \
        == 403
