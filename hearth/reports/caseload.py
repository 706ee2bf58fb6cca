"""The caseload report: Early Help episodes open now, counted by team, agency, locality, lead professional or
level of need, across the stages of the journey, with the families that have no lead professional and the plans
whose review is out of date. Counted live when the page opens (two statements, whatever the council's size: one
for the table, one for the key figures) and protected by small-number suppression before anything is returned."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from hearth.access.policy import visible_through
from hearth.accounts.models import User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import Episode, EpisodeStatus
from hearth.reports.ages import with_child_aged
from hearth.reports.suppression import one_way, protect
from hearth.reports.tables import Table

OPEN_STAGES = [EpisodeStatus.ASSESSMENT, EpisodeStatus.PLAN, EpisodeStatus.STEPPED_UP, EpisodeStatus.SOCIAL_WORK]
STAGE_HEADINGS = ["Assessment", "Plan in place", "Stepped up, waiting for MASH", "Social-work assessment under way"]
# Stages in which the plan is in force and is reviewed every few weeks.
REVIEWED_STAGES = [EpisodeStatus.PLAN, EpisodeStatus.SOCIAL_WORK]

BREAKDOWNS = {
    "team": "Team of the lead professional",
    "agency": "Agency of the lead professional",
    "locality": "Locality",
    "level": "Level of need",
    "lead": "Lead professional",
}
_FIELD = {"team": "lead_professional__team_id", "agency": "lead_professional__agency_id",
          "locality": "family__locality_id", "level": "level", "lead": "lead_professional_id"}
_NONE = {"team": "No team recorded", "agency": "No lead professional", "locality": "No locality recorded",
         "lead": "No lead professional"}


@dataclass(frozen=True)
class Caseload:
    by: str
    table: Table  # by stage; one column (open episodes) when by lead professional
    keys: list[str]  # each row's key for the drill-down ("none" for the row of records with none)
    without_lead: int | None
    reviews_out_of_date: int | None
    as_at: object  # when it was counted


def open_episodes(council, filters: dict):
    episodes = Episode.objects.filter(family__council=council, status__in=OPEN_STAGES)
    if filters.get("locality"):
        episodes = episodes.filter(family__locality=filters["locality"])
    if filters.get("team"):
        episodes = episodes.filter(lead_professional__team=filters["team"])
    if filters.get("agency"):
        episodes = episodes.filter(lead_professional__agency=filters["agency"])
    if filters.get("level"):
        episodes = episodes.filter(level=filters["level"])
    if filters.get("age_band"):
        episodes = episodes.filter(with_child_aged(filters["age_band"], timezone.localdate()))
    return episodes


def caseload(council, filters: dict, *, by: str, names: dict, threshold: int,
             today: date | None = None) -> Caseload:
    """`names`: {breakdown: {id as text: name}} for the council's teams, agencies and localities (the filter
    form has them loaded)."""
    today = today or timezone.localdate()
    episodes = open_episodes(council, filters)
    field = _FIELD[by]
    counts: dict = {}
    for row in episodes.values(field, "status").annotate(n=Count("id")).order_by():
        counts.setdefault(row[field], {})[row["status"]] = row["n"]
    labels = _labels(by, counts.keys(), names)
    keys = sorted(counts, key=lambda k: (k is None, labels[k].lower()))
    figures = episodes.aggregate(
        without_lead=Count("id", filter=Q(lead_professional__isnull=True)),
        out_of_date=Count("id", filter=Q(status__in=REVIEWED_STAGES) & (
            Q(next_review_due__isnull=True) | Q(next_review_due__lt=today))))
    if by == "lead":
        protected = protect([[sum(counts[k].values())] for k in keys], threshold=threshold)
        columns = []
    else:
        protected = protect([[counts[k].get(stage, 0) for stage in OPEN_STAGES] for k in keys], threshold=threshold)
        columns = STAGE_HEADINGS
    table = Table(key="caseload", title=f"Open episodes by {BREAKDOWNS[by].lower()}", row_heading=BREAKDOWNS[by],
                  rows=[labels[k] for k in keys], columns=columns, table=protected,
                  columns_are="stage" if columns else "", count_heading="Open episodes")
    return Caseload(by=by, table=table, keys=["none" if k is None else str(k) for k in keys],
                    without_lead=one_way([figures["without_lead"]], threshold=threshold)[1],
                    reviews_out_of_date=one_way([figures["out_of_date"]], threshold=threshold)[1],
                    as_at=timezone.localtime())


def _labels(by: str, keys, names: dict) -> dict:
    if by == "level":
        return {k: f"Level {k}" for k in keys}
    if by == "lead":
        found = dict(User.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "full_name"))
    else:
        found = {int(k): v for k, v in names.get(by, {}).items()}
    return {k: (found.get(k, "Not known") if k is not None else _NONE[by]) for k in keys}


DRILL_LIMIT = 200


def families_in_row(user, council, filters: dict, *, by: str, key: str) -> dict:
    """The families behind one row of the table that the access policy lets `user` see (the first DRILL_LIMIT, by
    name), with their episodes: for a manager or coordinator to act on a number. The count of the others is never
    given. Audited as a search with the families shown."""
    episodes = open_episodes(council, filters).filter(
        visible_through(user, "family_id"),
        **({f"{_FIELD[by]}__isnull": True} if key == "none" else {_FIELD[by]: int(key)}))
    shown = list(episodes.select_related("family", "lead_professional").order_by("family__name", "pk")
                 [:DRILL_LIMIT + 1])
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="reports.caseload",
                 detail={"purpose": "caseload_row", "by": by, "results": [e.family_id for e in shown[:DRILL_LIMIT]]})
    return {"episodes": shown[:DRILL_LIMIT], "more": len(shown) > DRILL_LIMIT}
