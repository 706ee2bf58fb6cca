"""The demo's families were all written on the day the demo was loaded; this gives each the time of its last real
change, so the dashboard's "Last activity" shows when each family's work actually happened (varied and
plausible), not the load date.

A family whose journey was staged keeps the day of the latest thing that happened in it (a case note's date, a
review held, the episode's start or close); any other family was last changed on a day drawn from the past four
months. Every time that the dashboard reads as a change to the record (home.selectors.last_activity) and that is
later than that moment is moved back to it; nothing earlier is changed."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hearth.assessments.models import Assessment, Section
from hearth.cases.models import CaseNote, Episode
from hearth.people.models import Family, Person
from hearth.plans.models import Action, Meeting, PlanOutcome, Review


def _latest_day(family: Family):
    days = [
        CaseNote.objects.filter(family=family).aggregate(d=Max("occurred_on"))["d"],
        Review.objects.filter(episode__family=family).aggregate(d=Max("held_on"))["d"],
        Episode.objects.filter(family=family).aggregate(d=Max("started_on"))["d"],
        Episode.objects.filter(family=family).aggregate(d=Max("closed_on"))["d"],
    ]
    return max((d for d in days if d), default=None)


@transaction.atomic
def backdate(council, *, seed: int) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    for family in Family.objects.filter(council=council).order_by("pk"):
        day = _latest_day(family) or today - timedelta(days=rng.randint(1, 120))
        when = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59))))
        if when > timezone.now():
            continue  # something happened today: today is its last activity
        for queryset, field in (
            (Family.objects.filter(pk=family.pk), "updated_at"),
            (Person.objects.filter(memberships__family=family), "updated_at"),
            (CaseNote.objects.filter(family=family), "created_at"),
            (CaseNote.objects.filter(family=family), "updated_at"),
            (Episode.objects.filter(family=family), "updated_at"),
            (Assessment.objects.filter(family=family), "started_at"),
            (Assessment.objects.filter(family=family), "completed_at"),
            (Section.objects.filter(assessment__family=family), "updated_at"),
            (Meeting.objects.filter(episode__family=family), "recorded_at"),
            (Review.objects.filter(episode__family=family), "recorded_at"),
            (PlanOutcome.objects.filter(episode__family=family), "created_at"),
            (Action.objects.filter(episode__family=family), "created_at"),
        ):
            queryset.filter(**{f"{field}__gt": when}).update(**{field: when})
