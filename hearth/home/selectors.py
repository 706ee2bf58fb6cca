"""The dashboard's list of families: each family's episode stage, status, next review and last activity, loaded for
a whole page in a fixed number of queries whatever the number of families.

A family's last activity is the last change to anything in its record, kept on the family itself
(`Family.updated_at`, moved on by every audited change: hearth.families.activity), so the list is walked in that
order from its index, and the time shown is the one it is ordered by."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from hearth.assessments.models import AssessmentStatus
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core import keyset
from hearth.families import selectors as family_selectors


@dataclass(frozen=True)
class Row:
    """What the dashboard shows of one family's Early Help."""

    stage: str  # "" when there is no open episode
    status: str
    status_colour: str  # a GOV.UK tag modifier ("" for the default blue)
    next_review: date | None
    overdue: bool
    last_activity: date


STATUS = {
    EpisodeStatus.ASSESSMENT: ("Open", ""),
    EpisodeStatus.PLAN: ("Open", ""),
    EpisodeStatus.STEPPED_UP: ("Stepped up", "orange"),
    EpisodeStatus.SOCIAL_WORK: ("Social work", "purple"),
    EpisodeStatus.CLOSED: ("Closed", "grey"),
}


def families_for_dashboard(user, *, after: str | None = None, before: str | None = None) -> keyset.Page:
    """The page of the user's families (families.selectors.families_for_dashboard: scoped by the access policy,
    keyset-paged, last activity first), each with `row`: two queries for the page however many families the user may
    see."""
    page = family_selectors.families_for_dashboard(user, after=after, before=before)
    families = page.items
    if not families:
        return page
    ids = [f.pk for f in families]
    # The family's current episode: the open one (at most one, a constraint), else the latest closed one.
    episodes: dict[int, Episode] = {}
    for episode in (Episode.objects.filter(family__in=ids)
                    .annotate(reviews_held=Count("reviews", distinct=True),
                              assessments_completed=Count("assessments", distinct=True,
                                                          filter=Q(assessments__status=AssessmentStatus.COMPLETED)),
                              assessments_draft=Count("assessments", distinct=True,
                                                      filter=Q(assessments__status=AssessmentStatus.DRAFT)))
                    .order_by("family_id", "-started_on", "-pk")):
        current = episodes.get(episode.family_id)
        if current is None or (not current.is_open and episode.is_open):
            episodes[episode.family_id] = episode
    today = timezone.localdate()
    for family in families:
        family.row = _row(episodes.get(family.pk), family.updated_at, today)
    return page


def _stage(episode: Episode) -> str:
    if episode.status == EpisodeStatus.CLOSED:
        return ""
    if episode.status == EpisodeStatus.ASSESSMENT:
        if episode.assessments_draft:
            return "Assessment in progress"
        return "Assessment completed" if episode.assessments_completed else "Assessment not started"
    if episode.reviews_held:
        return "Review"
    if episode.status == EpisodeStatus.PLAN:
        return "Plan"
    return "Plan" if episode.assessments_completed else "Assessment"


def _row(episode: Episode | None, last_change, today: date) -> Row:
    activity = timezone.localdate(last_change)
    if episode is None:
        return Row(stage="", status="No episode", status_colour="grey", next_review=None, overdue=False,
                   last_activity=activity)
    status, colour = STATUS[episode.status]
    review = episode.next_review_due if episode.is_open else None
    return Row(stage=_stage(episode), status=status, status_colour=colour, next_review=review,
               overdue=bool(review and review < today), last_activity=activity)
