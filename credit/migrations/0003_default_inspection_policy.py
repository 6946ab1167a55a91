from decimal import Decimal

from django.db import migrations

DEFAULTS = {"ratio_aa": Decimal("0.00480"), "ratio_a": Decimal("0.01220"), "ratio_b": Decimal("0.02440"),
            "ratio_c": Decimal("0.20000"), "ratio_d": Decimal("0.84760")}


def create_default(apps, schema_editor):
    InspectionPolicy = apps.get_model("credit", "InspectionPolicy")
    if not InspectionPolicy.objects.exists():
        InspectionPolicy.objects.create(version=1, note="按全国通行做法设定的默认值 / Defaults from national practice", **DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_enterprise_credit_graded_at_and_more")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
