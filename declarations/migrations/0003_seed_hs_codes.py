"""Seed the HS nomenclature: all 97 chapters, the headings and subheadings used by demo and KCS data."""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "data" / "hs_seed.json"


def seed(apps, schema_editor):
    HSCode = apps.get_model("declarations", "HSCode")
    rows = json.loads(SEED.read_text(encoding="utf-8"))
    existing = set(HSCode.objects.values_list("code", flat=True))
    HSCode.objects.bulk_create([HSCode(**row) for row in rows if row["code"] not in existing], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0002_documentrequirement_historicalattributes_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
