# Case referrals were a part of the inspection app: its tables (inspection_casereferral, inspection_caseevidence)
# become this app's models without touching the database; 0002 then gives them this app's names.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ciq_portal', '0003_notification_message_translations'),
        ('credit', '0004_grade_change_mode_label'),
        ('declarations', '0010_declaration_indexes_in_use'),
        ('inspection', '0006_task_note_kind_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CaseReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=32, unique=True, verbose_name='number')),
                        ('direction', models.CharField(choices=[('to_agency', 'Referred by the bureau to an agency'), ('from_agency', 'Referred by an agency to the bureau')], max_length=16, verbose_name='direction')),
                        ('kind', models.CharField(choices=[('suspected_violation', 'Suspected violation'), ('counterfeit', 'Counterfeit goods'), ('evasion_of_inspection', 'Evasion of inspection'), ('smuggling', 'Suspected smuggling'), ('other', 'Other')], max_length=32, verbose_name='kind')),
                        ('status', models.CharField(choices=[('referred', 'Referred'), ('acknowledged', 'Acknowledged'), ('closed', 'Outcome reported'), ('withdrawn', 'Withdrawn')], db_index=True, default='referred', max_length=16, verbose_name='status')),
                        ('container_no', models.CharField(blank=True, max_length=16, verbose_name='container number')),
                        ('summary', models.CharField(max_length=300, verbose_name='summary')),
                        ('details', models.TextField(blank=True, verbose_name='details')),
                        ('external_reference', models.CharField(blank=True, max_length=64, verbose_name="agency's reference")),
                        ('referred_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='referred at')),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged at')),
                        ('acknowledgement_note', models.TextField(blank=True, verbose_name='acknowledgement note')),
                        ('outcome', models.CharField(blank=True, choices=[('violation_confirmed', 'Violation confirmed'), ('penalty_imposed', 'Administrative penalty imposed'), ('transferred_judicial', 'Transferred to the judicial authorities'), ('no_violation', 'No violation found'), ('not_pursued', 'Not pursued')], max_length=24, verbose_name='outcome')),
                        ('outcome_detail', models.TextField(blank=True, verbose_name='outcome detail')),
                        ('outcome_at', models.DateTimeField(blank=True, null=True, verbose_name='outcome reported at')),
                        ('withdrawn_reason', models.TextField(blank=True, verbose_name='reason for withdrawal')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acknowledged by')),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ciq_portal.agency', verbose_name='partner agency')),
                        ('declaration', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case_referrals', to='declarations.declaration', verbose_name='declaration')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='credit.enterprise', verbose_name='enterprise')),
                        ('outcome_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='outcome reported by')),
                        ('referred_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='referred by')),
                    ],
                    options={
                        'verbose_name': 'case referral',
                        'verbose_name_plural': 'case referrals',
                        'ordering': ['-referred_at', '-id'],
                        'db_table': 'inspection_casereferral',
                    },
                ),
                migrations.CreateModel(
                    name='CaseEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.CharField(max_length=300, verbose_name='description')),
                        ('reference', models.CharField(blank=True, max_length=200, verbose_name='reference')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                        ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                        ('document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='declarations.document', verbose_name='declaration document')),
                        ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='referrals.casereferral', verbose_name='case referral')),
                    ],
                    options={
                        'verbose_name': 'evidence',
                        'verbose_name_plural': 'evidence',
                        'ordering': ['added_at', 'id'],
                        'db_table': 'inspection_caseevidence',
                    },
                ),
                migrations.AddIndex(
                    model_name='casereferral',
                    index=models.Index(fields=['agency', '-referred_at'], name='inspection__agency__4a0e36_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
