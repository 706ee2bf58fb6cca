import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0002_submission_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='PostcodeDistrict',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('district', models.CharField(max_length=4)),
                ('council', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                              to='core.council')),
                ('locality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                               to='core.locality')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('council', 'district'),
                                                        name='postcode_district_unique')],
            },
        ),
    ]
