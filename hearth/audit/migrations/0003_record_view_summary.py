"""The record-view summary the unusual-access reports read (decision record 0004), an index on (actor, at) in place
of the one on actor alone, and a small index of the rows still to be sealed. Existing sealed rows are summarised
here; rows sealed from now on are added by the sealer."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

VIEW, ACCESS_REVIEW = "view", "dpo.access_review"


def drop_actor_index(apps, schema_editor):
    """The index on actor alone is covered by (actor, at). Dropped by name as introspected (altering the field
    would rebuild the table on SQLite, and with it lose the append-only triggers)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "governance_auditevent")
    for name, info in constraints.items():
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == ["actor_id"]:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_actor_index(apps, schema_editor):
    schema_editor.execute("CREATE INDEX governance_auditevent_actor_id_idx ON governance_auditevent (actor_id)")


def summarise_sealed_rows(apps, schema_editor):
    """The summary of the rows sealed before this migration (none in a new database). On PostgreSQL in set-based
    SQL (`summary.rebuild`, as of this migration); elsewhere a batch at a time, with this point's models."""
    from hearth.audit import summary

    AuditEvent = apps.get_model("governance", "AuditEvent")
    if not AuditEvent.objects.filter(seq__isnull=False, action=VIEW).exists():
        return
    if schema_editor.connection.vendor == "postgresql":
        summary.rebuild()
        return
    RecordViewDay = apps.get_model("governance", "RecordViewDay")
    ViewerDay = apps.get_model("governance", "ViewerDay")
    models_now = (apps.get_model("people", "FamilyMember"), apps.get_model("people", "PersonName"),
                  apps.get_model("accounts", "User"))
    sealed = (AuditEvent.objects.filter(seq__isnull=False, action=VIEW, actor__isnull=False)
              .filter(models.Q(family_id__isnull=False) | models.Q(person_id__isnull=False))
              .exclude(object_type=ACCESS_REVIEW))
    rows: dict[tuple, list] = {}
    last_id = 0
    while True:
        events = list(sealed.filter(id__gt=last_id).order_by("id")[:2000])
        if not events:
            break
        last_id = events[-1].id
        for key, (views, first, last) in summary.aggregate(events).items():
            row = rows.setdefault(key, [0, first, last])
            row[0] += views
            row[1], row[2] = min(row[1], first), max(row[2], last)
    keys = list(rows)
    marks = {}
    for i in range(0, len(keys), 2000):
        marks.update(summary.flags(keys[i:i + 2000], models_now))
    RecordViewDay.objects.bulk_create(
        [RecordViewDay(actor_id=a, day=d, family_id=f, person_id=p, views=n, first_at=first, last_at=last,
                       colleague=marks[(a, d, f, p)][0], same_surname=marks[(a, d, f, p)][1])
         for (a, d, f, p), (n, first, last) in rows.items()], batch_size=2000)
    per_day: dict[tuple, list] = {}
    hours: dict[tuple, dict] = {}
    for (a, d, _, _), (_, first, last) in rows.items():
        row = per_day.setdefault((a, d), [0, first, last, 0])
        row[0] += 1
        row[1], row[2] = min(row[1], first), max(row[2], last)
        if last > first + summary.LONG_SPAN:
            row[3] += 1
        else:
            counts = hours.setdefault((a, d), {})
            counts[int(first.timestamp() // 3600)] = counts.get(int(first.timestamp() // 3600), 0) + 1
    viewer_days = []
    for (a, d), (n, first, last, long) in per_day.items():
        counts = hours.get((a, d), {})
        peak = max([sum(counts.get(h + i, 0) for i in (-1, 0, 1)) for h in counts] or [0]) + long
        early, late = summary.edge_minutes(d, first, last)
        viewer_days.append(ViewerDay(actor_id=a, day=d, records=n, first_at=first, last_at=last,
                                     early_minutes=early, late_minutes=late, peak=peak))
    ViewerDay.objects.bulk_create(viewer_days, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0002_append_only_triggers'),
        ('people', '0003_family_family_recent_idx_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RecordViewDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('family_id', models.BigIntegerField(default=0)),
                ('person_id', models.BigIntegerField(default=0)),
                ('views', models.PositiveIntegerField(default=0)),
                ('first_at', models.DateTimeField()),
                ('last_at', models.DateTimeField()),
                ('colleague', models.BooleanField(default=False)),
                ('same_surname', models.BooleanField(default=False)),
            ],
        ),
        migrations.CreateModel(
            name='ViewerDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('records', models.PositiveIntegerField(default=0)),
                ('first_at', models.DateTimeField()),
                ('last_at', models.DateTimeField()),
                ('early_minutes', models.PositiveIntegerField(default=0)),
                ('late_minutes', models.PositiveIntegerField(default=0)),
                ('peak', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='auditevent',
                name='actor',
                field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
            )],
            database_operations=[migrations.RunPython(drop_actor_index, restore_actor_index)],
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor', 'at'], name='audit_actor_at_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed_idx'),
        ),
        migrations.AddField(
            model_name='recordviewday',
            name='actor',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='viewerday',
            name='actor',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(fields=['day', 'actor'], name='record_view_day_idx'),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(fields=['family_id', 'day'], name='record_view_family_idx'),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(fields=['person_id', 'day'], name='record_view_person_idx'),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(fields=['actor', 'day'], include=('first_at', 'last_at'), name='record_view_spans_idx'),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(condition=models.Q(('colleague', True)), fields=['day'], name='record_view_colleague_idx'),
        ),
        migrations.AddIndex(
            model_name='recordviewday',
            index=models.Index(condition=models.Q(('same_surname', True)), fields=['day'], name='record_view_surname_idx'),
        ),
        migrations.AddConstraint(
            model_name='recordviewday',
            constraint=models.UniqueConstraint(fields=('actor', 'day', 'family_id', 'person_id'), name='record_view_day_key'),
        ),
        migrations.AddIndex(
            model_name='viewerday',
            index=models.Index(fields=['day', 'records'], name='viewer_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='viewerday',
            constraint=models.UniqueConstraint(fields=('actor', 'day'), name='viewer_day_key'),
        ),
        migrations.RunPython(summarise_sealed_rows, migrations.RunPython.noop),
    ]
