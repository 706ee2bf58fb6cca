from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_personname_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='family',
            name='locality_by_hand',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='family',
            name='locality_reason',
            field=models.CharField(blank=True, max_length=500),
        ),
    ]
