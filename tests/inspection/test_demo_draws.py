"""The demo's draws as an outsider sees them: every draw made between its seed's commitment and its reveal, the
published verifier (run with `python3 -I -S`: no project, no package) passes every revealed day's file, and the
published outcomes of random inspections each link to the draw that selected them."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from inspection.models import Draw, DrawPeriod, ObjectDraw

pytestmark = pytest.mark.django_db


def test_the_demo_draws_verify_with_the_published_verifier(settings, client, tmp_path, demo_follow_ups_released):
    settings.DEBUG = True
    call_command("seed_demo")
    today = timezone.localdate()
    assert DrawPeriod.objects.filter(day=today, revealed_at__isnull=True).exists()
    assert not DrawPeriod.objects.filter(day__lt=today, revealed_at__isnull=True).exists()  # every ended day revealed
    assert not Draw.objects.filter(created_at__gte=F("period__revealed_at")).exists()
    assert not Draw.objects.filter(created_at__lt=F("period__committed_at")).exists()
    call_command("draw_verify")

    script = tmp_path / "verify.py"
    script.write_bytes(client.get("/public/draws/verify.py").content)
    files = []
    for day in DrawPeriod.objects.filter(revealed_at__isnull=False).values_list("day", flat=True):
        path = tmp_path / f"{day}.json"
        path.write_bytes(client.get(f"/public/draws/{day}.json").content)
        files.append(path.name)
    assert len(files) >= 100
    result = subprocess.run([sys.executable, "-I", "-S", str(script), *files], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "MISMATCH" not in result.stdout

    results = client.get("/public/results/results.json").json()["results"]
    assert results, "the demo has concluded random inspections"
    for row in results:
        draw = ObjectDraw.objects.get(pk=row["draw"]["id"])
        assert draw.selected and str(draw.period.day) == row["draw"]["day"]
