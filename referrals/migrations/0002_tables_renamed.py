# The tables taken over from the inspection app get this app's names (rows, keys and sequences stay), and their
# content types follow them, so that permissions and admin history granted on case referrals still apply.

from django.db import migrations


def content_types_follow(apps, schema_editor):
    _content_types_move(apps, "inspection", "referrals")


def content_types_back(apps, schema_editor):
    _content_types_move(apps, "referrals", "inspection")


def _content_types_move(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("casereferral", "caseevidence"):
        if not ContentType.objects.filter(app_label=to_label, model=model).exists():
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('inspection', '0007_case_referrals_moved_to_referrals'),
        ('referrals', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='casereferral', table=None),
        migrations.AlterModelTable(name='caseevidence', table=None),
        migrations.RenameIndex(model_name='casereferral', new_name='referrals_c_agency__f4f5da_idx',
                               old_name='inspection__agency__4a0e36_idx'),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
