"""The same-working-day situations a referrer ticks and the urgency derived from them (hearth.referrals.urgency).

Referrals made before: none ticked, so a request for support is routine and a step-up referral to MASH is due within
one working day, the rule's answer for them."""

from django.db import migrations, models


def step_ups_within_a_working_day(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(kind="step_up").update(urgency=2)


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0002_requester_agency"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="same_day_triggers",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="referral",
            name="urgency",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Same working day"), (2, "Within 1 working day"), (3, "Routine")], default=3),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["council", "status", "urgency", "received_at"], name="referral_urgency_idx"),
        ),
        migrations.RunPython(step_ups_within_a_working_day, migrations.RunPython.noop, elidable=True),
    ]
