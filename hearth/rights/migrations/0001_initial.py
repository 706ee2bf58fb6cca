"""The models of requests to correct, erase or restrict, moved here from the dpo app (decision record 0010): the
tables stay as they were."""

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
                    name='RightsRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('rectification', 'Rectification (correct their information)'), ('erasure', 'Erasure (delete their information)'), ('restriction', 'Restriction (stop using their information for now)')], max_length=20)),
                        ('asked', models.TextField()),
                        ('received_on', models.DateField()),
                        ('decision', models.CharField(blank=True, choices=[('accepted', 'Accepted'), ('refused', 'Refused')], max_length=20)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('applied_at', models.DateTimeField(blank=True, null=True)),
                        ('applied_note', models.TextField(blank=True)),
                        ('family_ids', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('applied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('council', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                    ],
                    options={
                        'db_table': 'dpo_rightsrequest',
                        'ordering': ['-received_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Restriction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('what', models.TextField()),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('lifted_at', models.DateTimeField(blank=True, null=True)),
                        ('lifted_reason', models.TextField(blank=True)),
                        ('person_told', models.TextField(blank=True)),
                        ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                        ('started_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='restriction', to='rights.rightsrequest')),
                    ],
                    options={
                        'db_table': 'dpo_restriction',
                        'ordering': ['-started_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RectificationChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('field', models.CharField(max_length=60)),
                        ('label', models.CharField(max_length=100)),
                        ('before', models.TextField(blank=True)),
                        ('after', models.TextField(blank=True)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='changes', to='rights.rightsrequest')),
                    ],
                    options={
                        'db_table': 'dpo_rectificationchange',
                        'ordering': ['changed_at', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='rightsrequest',
                    index=models.Index(fields=['council', 'received_on'], name='dpo_request_council_idx'),
                ),
                migrations.AddConstraint(
                    model_name='rightsrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'refused'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='dpo_request_refusal_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='rightsrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('applied_at__isnull', True), ('decision', 'accepted'), _connector='OR'), name='dpo_request_applied_only_if_accepted'),
                ),
                migrations.AddIndex(
                    model_name='restriction',
                    index=models.Index(fields=['person', 'lifted_at'], name='dpo_restriction_person_idx'),
                ),
                migrations.AddConstraint(
                    model_name='restriction',
                    constraint=models.CheckConstraint(condition=models.Q(('lifted_at__isnull', True), models.Q(models.Q(('lifted_reason', ''), _negated=True), models.Q(('person_told', ''), _negated=True)), _connector='OR'), name='dpo_restriction_lift_needs_reason'),
                ),
            ],
            database_operations=[],
        ),
    ]
