"""The bureau's port table, seeded with the ports the demo and the office code default (CIQ_OFFICE_CODE) name."""

from django.db import migrations, models

SEED = [("NGB", "CNNGB", "宁波", "Ningbo"), ("ZOS", "CNZOS", "舟山", "Zhoushan")]


def seed(apps, schema_editor):
    Port = apps.get_model("declarations", "Port")
    for code, locode, name_zh, name_en in SEED:
        Port.objects.get_or_create(code=code, defaults={"locode": locode, "name_zh": name_zh, "name_en": name_en})


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0013_timeline_in_occurrence_order'),
    ]

    operations = [
        migrations.CreateModel(
            name='Port',
            fields=[
                ('code', models.CharField(max_length=16, primary_key=True, serialize=False, verbose_name='office code')),
                ('locode', models.CharField(max_length=5, verbose_name='UN/LOCODE')),
                ('name_zh', models.CharField(max_length=100, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(max_length=100, verbose_name='name (English)')),
            ],
            options={
                'verbose_name': 'port',
                'verbose_name_plural': 'ports',
                'ordering': ['code'],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
