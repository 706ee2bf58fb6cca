"""The dashboard's list of families: each family's episode stage, status, next review and last activity, loaded for
a whole page in a fixed number of queries whatever the number of families."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateTimeField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from hearth.assessments.models import Assessment, AssessmentStatus, Section
from hearth.cases.models import CaseNote, Episode, EpisodeStatus
from hearth.core import keyset
from hearth.families import selectors as family_selectors
from hearth.people.models import Family, FamilyMember
from hearth.plans.models import Action, Meeting, PlanOutcome, Review


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


def _latest(queryset, field: str, family_path: str):
    """The latest `field` of the rows of one family (a correlated subquery on an indexed foreign key)."""
    return Subquery(queryset.filter(**{family_path: OuterRef("pk")}).order_by().values(family_path)
                    .annotate(latest=Max(field)).values("latest"), output_field=DateTimeField())


def last_activity():
    """The latest change to a family's record, as the greatest of each kind of record's own "changed" or
    "recorded" time.

    Why not a column kept by the services, or the audit log: a stored `last_activity_at` would have to be set by
    every service of seven apps that changes a record (and stay right as new ones are written), and the audit log
    has no index on (family, time), so finding a family's latest write would read every look at the record too.
    These tables already carry the time each row was recorded or changed, each under an index on its family or
    episode, and the dashboard computes them only for the page it shows (25 families), in one query. The
    demo backdates these times (hearth.demo.journeys), so its families show when their work really happened.
    Not counted: a change to an action's status alone, which keeps no time of its own.
    """
    sources = [
        _latest(CaseNote.objects, "updated_at", "family"),
        _latest(Episode.objects, "updated_at", "family"),
        _latest(Assessment.objects, "started_at", "family"),
        _latest(Assessment.objects, "completed_at", "family"),
        _latest(Section.objects, "updated_at", "assessment__family"),
        _latest(Meeting.objects, "recorded_at", "episode__family"),
        _latest(Review.objects, "recorded_at", "episode__family"),
        _latest(PlanOutcome.objects, "created_at", "episode__family"),
        _latest(Action.objects, "created_at", "episode__family"),
        _latest(FamilyMember.objects, "person__updated_at", "family"),
    ]
    # GREATEST is NULL on SQLite when any argument is: each source falls back to the family's own last change.
    return Greatest("updated_at", *[Coalesce(s, "updated_at") for s in sources])


def families_for_dashboard(user, *, after: str | None = None, before: str | None = None) -> keyset.Page:
    """The page of the user's families (families.selectors.families_for_dashboard: scoped by the access policy,
    keyset-paged), each with `row`: three queries for the page however many families the user may see."""
    page = family_selectors.families_for_dashboard(user, after=after, before=before)
    families = page.items
    if not families:
        return page
    ids = [f.pk for f in families]
    activity = dict(Family.objects.filter(pk__in=ids).annotate(last=last_activity()).values_list("pk", "last"))
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
        family.row = _row(episodes.get(family.pk), activity.get(family.pk) or family.updated_at, today)
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
