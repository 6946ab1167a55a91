from django.db import migrations, models

GRADES = ("aa", "a", "b", "c", "d")


def budgets_from_ratios(apps, schema_editor):
    """Until a supervisor sets budgets, each grade's budget is the rate it was inspected at: its random ratio."""
    InspectionPolicy = apps.get_model("credit", "InspectionPolicy")
    for policy in InspectionPolicy.objects.all():
        for grade in GRADES:
            setattr(policy, f"budget_{grade}", getattr(policy, f"ratio_{grade}"))
        policy.save(update_fields=[f"budget_{grade}" for grade in GRADES])


class Migration(migrations.Migration):
    dependencies = [("credit", "0006_enterprise_applications")]
    operations = [
        *(migrations.AddField(
            model_name="inspectionpolicy", name=f"budget_{grade}",
            field=models.DecimalField(decimal_places=5, default=0, max_digits=6,
                                      verbose_name=f"{grade.upper()} budget"), preserve_default=False)
          for grade in GRADES),
        migrations.RunPython(budgets_from_ratios, migrations.RunPython.noop),
    ]
