"""The timeliness report: how long the journey's steps took, for steps finished in a period. Each measure is a list
of counts by how long (bands chosen so that the councils' own timescales fall on a boundary: six weeks to a first
review, three months to a completed assessment), with its median, which is hidden as a small count is when fewer
than the threshold's worth of steps make it up.

- request to decision: requests for support and step-ups decided in the period, in working days from arrival;
- episode start to completed assessment: assessments completed in the period, in days;
- completed assessment to the first Team Around the Family meeting: first meetings held in the period, in days;
- reviews held on time: reviews held in the period against the date set for them (at the meeting that agreed the
  plan or at the review before);
- episode length: episodes closed in the period, in weeks.

Counted live, in one statement for each measure, filtered by the family's locality and the episode's level."""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models.functions import TruncDate
from django.utils import timezone

from hearth.assessments.models import Assessment, AssessmentStatus
from hearth.cases.models import Episode
from hearth.core import working_days
from hearth.plans.models import Meeting, MeetingKind, MeetingStatus, Review
from hearth.referrals.models import Referral
from hearth.reports.flow import filtered
from hearth.reports.periods import Period, window
from hearth.reports.suppression import Protected, one_way
from hearth.reports.tables import Table


@dataclass(frozen=True)
class Measure:
    table: Table
    median: str  # "12 days", "[c]", or "" when there is nothing to measure


@dataclass(frozen=True)
class Timeliness:
    period: Period
    measures: list[Measure]
    as_at: datetime.datetime


def _banded(key: str, title: str, counted: str, values: list[float], bands: list[tuple[float, str]],
            unit: str, threshold: int) -> Measure:
    """`bands`: (upper bound included, label), in order; the last catches the rest."""
    counts = Counter()
    for value in values:
        counts[next(label for upper, label in bands if value <= upper)] += 1
    labels = [label for _, label in bands]
    shown, total = one_way([counts[label] for label in labels], threshold=threshold)
    table = Table(key=key, title=title, row_heading="How long", rows=labels, columns=[],
                  table=Protected(cells=[[v] for v in shown], row_totals=[], column_totals=[total], total=total),
                  count_heading=counted)
    if not values:
        median = ""
    elif len(values) <= threshold:
        median = "[c]"
    else:
        middle = statistics.median(values)
        median = f"{middle:g} {unit if middle == 1 else unit + 's'}"
    return Measure(table=table, median=median)


FOREVER = float("inf")


def timeliness(council, filters: dict, period: Period, *, threshold: int) -> Timeliness:
    start, end = window(period)
    measures = []

    referrals = filtered(Referral.objects.filter(council=council, screened_at__gte=start, screened_at__lt=end),
                          filters, level="level")
    # Each day in the council's time zone, by the database; the working days between, by NumPy.
    waits = working_days.working_days_after(list(
        referrals.annotate(received_on=TruncDate("received_at"), screened_on=TruncDate("screened_at"))
        .values_list("received_on", "screened_on").iterator()))
    measures.append(_banded(
        "decision", "From a request or referral arriving to the front door's decision", "Decisions", waits,
        [(0, "The same working day"), (1, "The next working day"), (5, "2 to 5 working days"),
         (10, "6 to 10 working days"), (FOREVER, "More than 10 working days")], "working day", threshold))

    episodes = filtered(Episode.objects.filter(family__council=council), filters)
    assessments = Assessment.objects.filter(episode__in=episodes, status=AssessmentStatus.COMPLETED, number=1,
                                            completed_at__gte=start, completed_at__lt=end)
    to_assess = [(timezone.localdate(done) - started).days
                 for done, started in assessments.values_list("completed_at", "episode__started_on").iterator()]
    measures.append(_banded(
        "assessment", "From Early Help starting to its assessment being completed", "Assessments", to_assess,
        [(28, "Within 4 weeks"), (42, "5 to 6 weeks"), (91, "7 weeks to 3 months"),
         (FOREVER, "More than 3 months")], "day", threshold))

    measures.append(_banded(
        "first_meeting", "From the assessment being completed to the first Team Around the Family meeting",
        "Meetings", _to_first_meeting(episodes, start, end),
        [(10, "Within 10 days"), (20, "11 to 20 days"), (42, "3 to 6 weeks"), (FOREVER, "More than 6 weeks")],
        "day", threshold))

    measures.append(_banded(
        "reviews", "Reviews held, against the date set for them", "Reviews", _review_lateness(episodes, period),
        [(0, "On or before the date set"), (14, "Up to 2 weeks late"), (FOREVER, "More than 2 weeks late")],
        "day late", threshold))

    closed = episodes.filter(closed_on__range=(period.start, period.end))
    lengths = [(ended - began).days / 7 for began, ended in closed.values_list("started_on", "closed_on").iterator()]
    measures.append(_banded(
        "length", "How long Early Help lasted, for episodes closed", "Episodes", lengths,
        [(13, "Up to 3 months"), (26, "3 to 6 months"), (52, "6 months to a year"), (FOREVER, "More than a year")],
        "week", threshold))
    return Timeliness(period=period, measures=measures, as_at=timezone.localtime())


def _to_first_meeting(episodes, start, end) -> list[int]:
    """Days from each episode's first completed assessment to its first Team Around the Family meeting, for first
    meetings held in the window."""
    completed = dict(Assessment.objects.filter(episode__in=episodes, status=AssessmentStatus.COMPLETED, number=1)
                     .values_list("episode_id", "completed_at"))
    firsts: dict[int, datetime.datetime] = {}
    for episode_id, held in (Meeting.objects.filter(episode__in=episodes, kind=MeetingKind.INITIAL,
                                                    status=MeetingStatus.HELD)
                             .order_by("episode_id", "scheduled_for").values_list("episode_id", "scheduled_for")):
        firsts.setdefault(episode_id, held)
    return [max((timezone.localdate(held) - timezone.localdate(completed[e])).days, 0)
            for e, held in firsts.items() if start <= held < end and e in completed]


def _review_lateness(episodes, period: Period) -> list[int]:
    """Days late (0 when on time) for each review held in the period: against the date the review before set, or
    for a first review the date the meeting that agreed the plan set."""
    held = list(Review.objects.filter(episode__in=episodes, held_on__range=(period.start, period.end))
                .values_list("episode_id", "held_on"))
    if not held:
        return []
    episode_ids = {e for e, _ in held}
    set_dates: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for episode_id, on, next_on in (Review.objects.filter(episode_id__in=episode_ids, next_review_on__isnull=False)
                                    .values_list("episode_id", "held_on", "next_review_on")):
        set_dates.setdefault(episode_id, []).append((on, next_on))
    for episode_id, at, next_on in (Meeting.objects.filter(episode_id__in=episode_ids, kind=MeetingKind.INITIAL,
                                                           status=MeetingStatus.HELD, next_review_on__isnull=False)
                                    .values_list("episode_id", "scheduled_for", "next_review_on")):
        set_dates.setdefault(episode_id, []).append((timezone.localdate(at), next_on))
    lateness = []
    for episode_id, on in held:
        before = [(set_on, due) for set_on, due in set_dates.get(episode_id, ()) if set_on < on]
        if before:
            due = max(before)[1]
            lateness.append(max((on - due).days, 0))
    return lateness
