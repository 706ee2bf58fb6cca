"""The breach log's models, moved here from the dpo app (decision record 0010): the tables stay as they were."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('dpo', '0002_restriction'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables are dpo's, created by dpo 0001 and 0002 and kept with their names and data: only
        # Django's record of which app holds the models changes (dpo 0003 removes them from dpo).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Incident',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('summary', models.CharField(max_length=200)),
                        ('what_happened', models.TextField()),
                        ('occurred_at', models.DateTimeField(blank=True, null=True)),
                        ('discovered_at', models.DateTimeField()),
                        ('people_affected', models.TextField(blank=True)),
                        ('data_kinds', models.JSONField(default=list)),
                        ('data_kinds_other', models.CharField(blank=True, max_length=200)),
                        ('people_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('people_count_estimated', models.BooleanField(default=False)),
                        ('containment', models.TextField(blank=True)),
                        ('decision', models.CharField(blank=True, choices=[('report', 'Report to the Information Commissioner'), ('do_not_report', 'Do not report')], max_length=20)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('decision_delay_reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('reported_at', models.DateTimeField(blank=True, null=True)),
                        ('ico_reference', models.CharField(blank=True, max_length=100)),
                        ('report_delay_reason', models.TextField(blank=True)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=20)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('lessons', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('council', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('families', models.ManyToManyField(blank=True, related_name='+', to='people.family')),
                    ],
                    options={
                        'db_table': 'dpo_incident',
                        'ordering': ['-discovered_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='IncidentNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('audience', models.CharField(choices=[('data_subjects', 'The people whose information it was'), ('partner', 'A partner agency'), ('police', 'The police'), ('other', 'Someone else')], max_length=20)),
                        ('who', models.CharField(max_length=300)),
                        ('told_at', models.DateTimeField()),
                        ('how', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='breaches.incident')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'dpo_incidentnotice',
                        'ordering': ['told_at', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='incident',
                    index=models.Index(fields=['council', 'status', 'discovered_at'], name='dpo_incident_status_idx'),
                ),
                migrations.AddConstraint(
                    model_name='incident',
                    constraint=models.CheckConstraint(condition=models.Q(('decision', ''), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='dpo_incident_decision_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='incident',
                    constraint=models.CheckConstraint(condition=models.Q(('reported_at__isnull', True), ('decision', 'report'), _connector='OR'), name='dpo_incident_report_needs_decision'),
                ),
            ],
            database_operations=[],
        ),
    ]
