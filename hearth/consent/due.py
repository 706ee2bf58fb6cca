"""Consents to share past their review-by date, for the reminders (`hearth.reminders`). A read for the system:
record numbers, dates and who is responsible, nothing about the family; not scoped by the access policy and not
audited. One set-based statement from the partial index over active consents with a review-by date
(`shareconsent_review_idx`)."""

from datetime import date

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from hearth.cases.models import Episode, EpisodeStatus
from hearth.consent.models import ShareConsent


def consents_past_review(today: date) -> QuerySet[ShareConsent]:
    """Active consents whose review-by date has passed, of families with an open episode, with who recorded each
    and the open episode's lead professional."""
    open_episodes = Episode.objects.filter(family_id=OuterRef("family_id")).exclude(status=EpisodeStatus.CLOSED)
    return (ShareConsent.objects.filter(withdrawn_on__isnull=True, review_by__isnull=False, review_by__lt=today)
            .filter(Exists(open_episodes))
            .annotate(due=F("review_by"), family_ref=F("family_id"), council_ref=F("family__council_id"),
                      recorder_ref=F("recorded_by_id"),
                      lead_ref=Subquery(open_episodes.values("lead_professional_id")[:1])))
