"""The breach log's models moved to the breaches app, and those of requests to correct, erase or restrict to the
rights app (decision record 0010). Their tables keep their names and their rows: this removes the models from
dpo's state only, after breaches 0001 and rights 0001 have taken them over. Their content types follow them, so
they keep their ids."""

from django.db import migrations

MOVED = {
    "incident": "breaches",
    "incidentnotice": "breaches",
    "rightsrequest": "rights",
    "rectificationchange": "rights",
    "restriction": "rights",
}


def _relabel(apps, schema_editor, *, forwards: bool):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for model, app_label in MOVED.items():
        old, new = ("dpo", app_label) if forwards else (app_label, "dpo")
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)
    types.clear_cache()


def content_types_forwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=True)


def content_types_backwards(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ('dpo', '0002_restriction'),
        ('breaches', '0001_initial'),
        ('rights', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='IncidentNotice'),
                migrations.DeleteModel(name='Incident'),
                migrations.DeleteModel(name='RectificationChange'),
                migrations.DeleteModel(name='Restriction'),
                migrations.DeleteModel(name='RightsRequest'),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
