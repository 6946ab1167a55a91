# Case referrals moved to the referrals app (referrals/migrations/0001_initial.py takes the tables over): they leave
# this app's state only; the tables stay, with their rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspection', '0006_task_note_kind_choices'),
        ('referrals', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CaseEvidence'),
                migrations.DeleteModel(name='CaseReferral'),
            ],
            database_operations=[],
        ),
    ]
