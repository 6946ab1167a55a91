from decimal import Decimal

from django.db import migrations

DEFAULTS = {"ratio_aa": Decimal("0.00480"), "ratio_a": Decimal("0.01220"), "ratio_b": Decimal("0.02440"),
            "ratio_c": Decimal("0.20000"), "ratio_d": Decimal("0.84760")}


def create_default(apps, schema_editor):
    InspectionPolicy = apps.get_model("credit", "InspectionPolicy")
    # Run again on today's model (tests reseed a flushed database), the row also needs its budgets: the ratios.
    fields = {field.name for field in InspectionPolicy._meta.get_fields()}
    budgets = {name.replace("ratio_", "budget_"): value for name, value in DEFAULTS.items()
               if name.replace("ratio_", "budget_") in fields}
    if not InspectionPolicy.objects.exists():
        InspectionPolicy.objects.create(version=1, note="按全国通行做法设定的默认值 / Defaults from national practice",
                                        **DEFAULTS, **budgets)


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_enterprise_credit_graded_at_and_more")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
