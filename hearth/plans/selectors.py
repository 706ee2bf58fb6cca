"""Every read of meetings, the plan, reviews and due work, scoped by the access policy.

Selectors that return a family's personal data record an audit VIEW row. Lists are loaded in a fixed number
of queries whatever the history's size (select_related / prefetch; no per-row queries).
"""


from django.db.models import Count, F, Prefetch, Q, Window
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import Involvement
from hearth.accounts.models import Agency, Role
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import review_dates
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core import keyset
from hearth.core.errors import NotPermitted
from hearth.outcomes.models import Reading
from hearth.people.models import MemberRole
from hearth.plans import services
from hearth.plans.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ChildMeetingView,
    Correction,
    CorrectionKind,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeProgress,
    OutcomeStatus,
    PlanOutcome,
    Review,
)
from hearth.plans.services import YOUNG_PERSON_AGE, age_on, council_practitioners, current_members

DUE_WORK_LIMIT = 50
PANEL_ITEMS = 10
PANEL_HISTORY = 3
ACTION_RELATED = ("owner_user__agency", "owner_agency", "owner_person", "outcome")


def _visible_episodes(user):
    return Episode.objects.filter(family__in=policy.families_visible_to(user))


def episode_for_plan(user, episode_id: int) -> Episode:
    """An episode the user may see, for the plan's pages and writes (the services check what they may do)."""
    episode = (_visible_episodes(user)
               .select_related("family__council", "family__locality", "lead_professional__agency")
               .filter(pk=episode_id).first())
    if episode is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode_id)
    return episode


def _invitations():
    """Practitioners first, then family members, each in the order they were invited."""
    return Invitation.objects.select_related("user__agency", "person").order_by(
        F("person_id").asc(nulls_first=True), "pk")


def _meetings(user):
    return Meeting.objects.filter(episode__family__in=policy.families_visible_to(user)).select_related(
        "episode__family__council", "episode__lead_professional__agency", "agreed_lead__agency")


def meeting_for_update(user, meeting_id: int) -> Meeting:
    meeting = _meetings(user).prefetch_related(Prefetch("invitations", queryset=_invitations())).filter(
        pk=meeting_id).first()
    if meeting is None:
        raise NotPermitted(object_type="plans.meeting", object_id=meeting_id)
    return meeting


def meeting_detail(user, meeting_id: int) -> Meeting:
    """A meeting with its invitations, each child's view and its corrections; a withdrawn meeting too (shown as
    withdrawn)."""
    meeting = (Meeting.all_objects.filter(episode__family__in=policy.families_visible_to(user))
               .select_related("episode__family__council", "episode__lead_professional__agency",
                               "agreed_lead__agency", "withdrawn_by__agency")
               .prefetch_related(Prefetch("invitations", queryset=_invitations()),
                                 Prefetch("child_views", queryset=ChildMeetingView.objects.select_related("child")
                                          .order_by("child__date_of_birth", "pk")))
               .filter(pk=meeting_id).first())
    if meeting is None:
        raise NotPermitted(object_type="plans.meeting", object_id=meeting_id)
    meeting.history = list(Correction.objects.filter(kind=CorrectionKind.MEETING, object_id=meeting.pk)
                           .select_related("made_by__agency"))
    trail.record(actor=user, action=AuditAction.VIEW, obj=meeting, family_id=meeting.episode.family_id)
    return meeting


ROLE_ORDER = {MemberRole.PARENT_WITH_PR: 0, MemberRole.PARENT_WITHOUT_PR: 1, MemberRole.CHILD: 2,
              MemberRole.OTHER_ADULT: 3}


def _members(family) -> list:
    """Current members: parents and carers first, then children oldest first, then other adults."""
    members = list(current_members(family).order_by("person__date_of_birth", "pk"))
    return sorted(members, key=lambda m: ROLE_ORDER.get(m.role, 9))


def _involved_ids(family):
    return Involvement.objects.filter(family=family, ended_at__isnull=True).values("user_id")


def schedule_choices(user, episode: Episode) -> dict:
    """Whom a meeting can invite: the practitioners already involved (first), the council's other
    practitioners, and the family's current members, with young people (11 and over) and parents preselected."""
    family = episode.family
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    practitioners = council_practitioners(family.council).order_by("full_name", "pk")
    involved = list(practitioners.filter(pk__in=_involved_ids(family)))
    others = list(practitioners.exclude(pk__in=_involved_ids(family)))
    members = _members(family)
    today = timezone.localdate()
    preselected = []
    for m in members:
        m.age = age_on(m.person, today)
        if m.role in (MemberRole.PARENT_WITH_PR, MemberRole.PARENT_WITHOUT_PR) or (
                m.role == MemberRole.CHILD and m.age is not None and m.age >= YOUNG_PERSON_AGE):
            preselected.append(m.person_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"view": "meeting_invitees"})
    return {"involved": involved, "others": others, "members": members, "preselected_members": preselected}


def record_choices(user, meeting: Meeting) -> dict:
    """For recording a meeting: the children of the family (one view each) and who could be agreed as lead."""
    episode = meeting.episode
    family = episode.family
    children = list(current_members(family).filter(role=MemberRole.CHILD).order_by("person__date_of_birth", "pk"))
    on = timezone.localtime(meeting.scheduled_for).date()
    for c in children:
        c.age = age_on(c.person, on)
    invited = [i.user_id for i in meeting.invitations.all() if i.user_id]
    leads = list(council_practitioners(family.council).filter(
        Q(pk__in=invited) | Q(pk__in=_involved_ids(family)) | Q(pk=episode.lead_professional_id or 0))
        .order_by("full_name", "pk"))
    views = {v.child_id: v.views for v in ChildMeetingView.objects.filter(meeting=meeting)}
    return {"children": children, "leads": leads, "child_views": views}


def owner_choices(user, episode: Episode) -> dict:
    """Who can own an action: a practitioner (those involved first), an agency of the council, or a family member."""
    family = episode.family
    practitioners = council_practitioners(family.council).order_by("full_name", "pk")
    involved = list(practitioners.filter(pk__in=_involved_ids(family)))
    involved_ids = {u.pk for u in involved}
    others = [u for u in practitioners if u.pk not in involved_ids]
    agencies = list(Agency.objects.filter(council=family.council, is_active=True).order_by("name"))
    members = _members(family)
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN))
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"view": "action_owners"})
    return {"practitioners": involved + others, "agencies": agencies, "members": members, "outcomes": outcomes}


def corrections_of(episode: Episode, kind: str) -> dict[int, list[Correction]]:
    """The corrections and withdrawals of the episode's items of one kind, oldest first, by item."""
    found: dict[int, list[Correction]] = {}
    for c in Correction.objects.filter(episode=episode, kind=kind).select_related("made_by__agency"):
        found.setdefault(c.object_id, []).append(c)
    return found


def plan_detail(user, episode: Episode) -> dict:
    """The whole plan: every outcome still standing with its actions, the actions not tied to an outcome, each
    with its corrections, what the user may do with each, and the items withdrawn (shown as withdrawn)."""
    if not policy.can_view_family(user, episode.family):
        raise NotPermitted(object_type="people.family", object_id=episode.family_id)
    actions = Action.objects.select_related(*ACTION_RELATED).order_by("due_on", "pk")
    outcomes = list(PlanOutcome.objects.filter(episode=episode).prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="plan_actions")).order_by("pk"))
    unlinked = list(actions.filter(episode=episode, outcome__isnull=True))
    withdrawn_outcomes = list(PlanOutcome.all_objects.filter(episode=episode, withdrawn_at__isnull=False)
                              .select_related("withdrawn_by__agency").order_by("pk"))
    withdrawn_actions = list(Action.all_objects.filter(episode=episode, withdrawn_at__isnull=False)
                             .select_related("withdrawn_by__agency", *ACTION_RELATED).order_by("pk"))
    areas = {a["code"]: a["name"] for a in episode.family.council.outcome_areas or []}
    outcome_history = corrections_of(episode, CorrectionKind.OUTCOME)
    action_history = corrections_of(episode, CorrectionKind.ACTION)
    may_change = episode.is_open and policy.can_edit_family(user, episode.family)
    manages = may_change and policy.can_manage_episode(user, episode)
    for o in [*outcomes, *withdrawn_outcomes]:
        o.area_name = areas.get(o.area, "")
        o.history = outcome_history.get(o.pk, [])
        o.may_correct = may_change and (manages or o.created_by_id == user.pk)
    for a in [*unlinked, *withdrawn_actions, *(a for o in outcomes for a in o.plan_actions)]:
        a.history = action_history.get(a.pk, [])
        a.may_correct = may_change and (manages or a.created_by_id == user.pk)
        a.may_update = may_change and (manages or services.owns_action(user, a))
    trail.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id,
                 detail={"view": "plan"})
    return {"episode": episode, "outcomes": outcomes, "unlinked_actions": unlinked,
            "open_outcomes": [o for o in outcomes if o.status == OutcomeStatus.OPEN],
            "closed_outcomes": [o for o in outcomes if o.status != OutcomeStatus.OPEN],
            "withdrawn_outcomes": withdrawn_outcomes, "withdrawn_actions": withdrawn_actions, "manages": manages}


def open_outcomes(episode: Episode) -> list[PlanOutcome]:
    """The outcomes still being worked towards (for the episode the page has loaded through the policy)."""
    return list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).order_by("pk"))


def action_for_update(user, action_id: int) -> Action:
    action = (Action.objects.filter(episode__family__in=policy.families_visible_to(user))
              .select_related("episode__family__council", "episode__lead_professional", *ACTION_RELATED)
              .filter(pk=action_id).first())
    if action is None:
        raise NotPermitted(object_type="plans.action", object_id=action_id)
    return action


def outcome_for_update(user, outcome_id: int) -> PlanOutcome:
    outcome = (PlanOutcome.objects.filter(episode__family__in=policy.families_visible_to(user))
               .select_related("episode__family__council", "episode__lead_professional")
               .annotate(action_count=Count("actions", filter=Q(actions__withdrawn_at__isnull=True)))
               .filter(pk=outcome_id).first())
    if outcome is None:
        raise NotPermitted(object_type="plans.planoutcome", object_id=outcome_id)
    return outcome


def review_choices(user, episode: Episode) -> dict:
    """For recording a review: the open outcomes (progress is needed for each) and the review meetings not yet
    linked to a review."""
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).order_by("pk"))
    meetings = list(Meeting.objects.filter(episode=episode, kind=MeetingKind.REVIEW, review__isnull=True)
                    .exclude(status=MeetingStatus.CANCELLED).order_by("-scheduled_for"))
    trail.record(actor=user, action=AuditAction.VIEW, obj=episode, family_id=episode.family_id,
                 detail={"view": "review_form"})
    return {"outcomes": outcomes, "meetings": meetings}


def wording_at_review(review: Review, progress: list[OutcomeProgress]) -> None:
    """Each outcome as it was worded when the review was recorded (`p.wording`): a review stays as it was made,
    even after the outcome is corrected. The wording is the earlier text kept by the first correction made since."""
    later = (Correction.objects.filter(kind=CorrectionKind.OUTCOME, change="corrected", made_at__gt=review.recorded_at,
                                       object_id__in=[p.outcome_id for p in progress]).order_by("made_at", "pk"))
    first: dict[int, str] = {}
    for c in later:
        said = dict((label, text) for label, text in c.earlier)
        if c.object_id not in first and "What the family wants to achieve" in said:
            first[c.object_id] = said["What the family wants to achieve"]
    for p in progress:
        p.wording = first.get(p.outcome_id, p.outcome.description)


def _review_bundle(review: Review) -> dict:
    council = review.episode.family.council
    progress = list(OutcomeProgress.objects.filter(review=review).select_related("outcome").order_by("outcome_id"))
    wording_at_review(review, progress)
    reading = Reading.objects.filter(review=review).prefetch_related("scores").first()
    previous = None
    if reading is not None:
        earlier = Q(taken_on__lt=reading.taken_on) | Q(taken_on=reading.taken_on, pk__lt=reading.pk)
        previous = (Reading.objects.filter(earlier, episode=review.episode).prefetch_related("scores")
                    .order_by("-taken_on", "-pk").first())
    previous_by_area = {s.area: s for s in previous.scores.all()} if previous else {}
    rows = []
    if reading is not None:
        by_area = {s.area: s for s in reading.scores.all()}
        for area in council.outcome_areas or []:
            score = by_area.get(area["code"])
            if score is None:
                continue
            before = previous_by_area.get(area["code"])
            rows.append({"code": area["code"], "name": area["name"], "score": score.score,
                         "family_score": score.family_score, "previous": before.score if before else None})
    return {"review": review, "episode": review.episode, "family": review.episode.family, "council": council,
            "progress": progress, "reading": reading, "previous_reading": previous, "scores": rows}


def _reviews(user):
    return Review.objects.filter(episode__family__in=policy.families_visible_to(user)).select_related(
        "episode__family__council", "episode__lead_professional__agency", "meeting", "recorded_by__agency")


def review_detail(user, review_id: int) -> dict:
    review = _reviews(user).filter(pk=review_id).first()
    if review is None:
        raise NotPermitted(object_type="plans.review", object_id=review_id)
    trail.record(actor=user, action=AuditAction.VIEW, obj=review, family_id=review.episode.family_id)
    return _review_bundle(review)


def review_for_print(user, review: Review) -> dict:
    """Everything a PDF copy of a review needs, loaded: the review, its progress rows (with outcomes), the
    scores of its reading by the council's areas (with the previous reading's score beside each)."""
    fresh = _reviews(user).filter(pk=review.pk).first()
    if fresh is None:
        raise NotPermitted(object_type="plans.review", object_id=review.pk)
    trail.record(actor=user, action=AuditAction.VIEW, obj=fresh, family_id=fresh.episode.family_id,
                 detail={"view": "print"})
    return _review_bundle(fresh)


def plan_for_print(user, episode: Episode) -> dict:
    """Everything a PDF copy of the plan needs, loaded: the episode (family, council, lead), the outcomes with
    their actions and owners, the actions not tied to an outcome, and the latest held meeting with its
    attendance and each child's view."""
    fresh = (_visible_episodes(user).select_related("family__council", "family__locality",
                                                     "lead_professional__agency")
             .filter(pk=episode.pk).first())
    if fresh is None:
        raise NotPermitted(object_type="cases.episode", object_id=episode.pk)
    actions = Action.objects.select_related(*ACTION_RELATED).order_by("due_on", "pk")
    outcomes = list(PlanOutcome.objects.filter(episode=fresh).prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="plan_actions")).order_by("pk"))
    areas = {a["code"]: a["name"] for a in fresh.family.council.outcome_areas or []}
    for o in outcomes:
        o.area_name = areas.get(o.area, "")
    all_actions = list(actions.filter(episode=fresh))
    latest = (Meeting.objects.filter(episode=fresh, status=MeetingStatus.HELD)
              .select_related("agreed_lead__agency", "recorded_by")
              .prefetch_related(Prefetch("invitations", queryset=_invitations()),
                                Prefetch("child_views", queryset=ChildMeetingView.objects.select_related("child")
                                         .order_by("child__date_of_birth", "pk")))
              .order_by("-scheduled_for", "-pk").first())
    trail.record(actor=user, action=AuditAction.VIEW, obj=fresh, family_id=fresh.family_id,
                 detail={"view": "plan_print"})
    return {"episode": fresh, "family": fresh.family, "council": fresh.family.council, "outcomes": outcomes,
            "actions": all_actions, "unlinked_actions": [a for a in all_actions if a.outcome_id is None],
            "latest_meeting": latest, "next_review_due": fresh.next_review_due}


# --- the episode page's panel ----------------------------------------------------------------------------------


def _first_and_total(queryset, limit: int) -> tuple[list, int]:
    """The queryset's first `limit` rows and how many rows it has in all, in one query: a window count over every
    row, taken before the limit (and 0 when there are none)."""
    rows = list(queryset.annotate(panel_total=Window(Count("pk")))[:limit])
    return rows, rows[0].panel_total if rows else 0


def episode_panel(user, episode: Episode) -> dict:
    """The plan on the episode page: the next review, open outcomes and actions, the latest meetings and
    reviews, with counts of all. Four queries (each list with its count) whatever the history's length, and the
    access decision if the request has not made it already."""
    family = episode.family
    can_edit = policy.can_edit_family(user, family)
    if not can_edit and not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    latest_outcomes, open_outcomes = _first_and_total(
        PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).order_by("-pk"), PANEL_ITEMS)
    actions, open_actions = _first_and_total(
        Action.objects.filter(episode=episode, status__in=OPEN_ACTION_STATUSES)
        .select_related(*ACTION_RELATED).order_by("due_on", "pk"), PANEL_ITEMS)
    meetings, n_meetings = _first_and_total(
        Meeting.objects.filter(episode=episode).order_by("-scheduled_for", "-pk"), PANEL_HISTORY)
    reviews, n_reviews = _first_and_total(
        Review.objects.filter(episode=episode).order_by("-held_on", "-pk"), PANEL_HISTORY)
    counts = {"open_outcomes": open_outcomes, "open_actions": open_actions, "meetings": n_meetings,
              "reviews": n_reviews}
    # Why the next review is later than the council's interval, from the meeting or review that set it (one of the
    # latest, already loaded).
    setters = [r for r in (*meetings, *reviews)
               if episode.next_review_due and r.next_review_on == episode.next_review_due and r.review_date_reason]
    review_date_reason = setters[0].review_date_reason if setters else ""
    today = timezone.localdate()
    for a in actions:
        a.is_overdue = a.due_on < today
    return {
        "today": today,
        "next_review_due": episode.next_review_due,
        "review_overdue": review_dates.is_overdue(episode.next_review_due, today),
        "review_date_reason": review_date_reason,
        "outcomes": latest_outcomes[::-1], "actions": actions, "meetings": meetings, "reviews": reviews,
        "counts": counts, "can_edit": can_edit and episode.is_open,
    }


# --- due work --------------------------------------------------------------------------------------------------


def _scope(user, lead: str, *, own: str | None = None) -> Q:
    """Whose work this user oversees: episodes they lead (and actions they own), their locality's episodes for
    an Early Help coordinator, and episodes led by members of the teams they manage for a manager."""
    scope = Q(**{lead: user})
    if own:
        scope |= Q(**{own: user})
    if user.has_role(Role.COORDINATOR) and user.team_id and user.team.locality_id:
        family = "episode__family" if lead.startswith("episode__") else "family"
        scope |= Q(**{f"{family}__locality_id": user.team.locality_id})
    if user.has_role(Role.MANAGER):
        scope |= Q(**{f"{lead}__team__manager": user})
    return scope


def due_work(user, *, limit: int = DUE_WORK_LIMIT, reviews_after: str | None = None,
             reviews_before: str | None = None, actions_after: str | None = None,
             actions_before: str | None = None) -> dict:
    """Reviews due within 14 days or overdue, and open actions due within 14 days or overdue, for the families
    the user may see and whose work they lead, coordinate or manage. Overdue first (earliest date first).

    Each list is a keyset page (`hearth.core.keyset`) of at most `limit` items, walked in due-date order from an
    index, so its cost is the page's however much is due in a locality; nothing is counted. Returns {"today",
    "horizon", "limit", "reviews", "actions" (lists; each item has `is_overdue`), "reviews_page", "actions_page"
    (the pages, with their cursors)}."""
    today = timezone.localdate()
    horizon = review_dates.due_soon_horizon(today)
    episodes = (Episode.objects.filter(policy.visible_through(user, "family_id"), next_review_due__lte=horizon)
                .exclude(status=EpisodeStatus.CLOSED).filter(_scope(user, "lead_professional"))
                .select_related("family", "lead_professional__agency"))
    reviews = keyset.page(episodes, field="next_review_due", descending=False, kind="date", size=limit,
                          after=reviews_after, before=reviews_before)
    actions_qs = (Action.objects.filter(policy.visible_through(user, "episode__family_id"),
                                        status__in=OPEN_ACTION_STATUSES, due_on__lte=horizon)
                  .exclude(episode__status=EpisodeStatus.CLOSED)
                  .filter(_scope(user, "episode__lead_professional", own="owner_user"))
                  .select_related("episode__family", *ACTION_RELATED))
    actions = keyset.page(actions_qs, field="due_on", descending=False, kind="date", size=limit,
                          after=actions_after, before=actions_before)
    for e in reviews.items:
        e.is_overdue = review_dates.is_overdue(e.next_review_due, today)
    for a in actions.items:
        a.is_overdue = a.due_on < today
    if reviews.items or actions.items:
        trail.record(actor=user, action=AuditAction.VIEW, object_type="plans.due_work", object_id=user.pk,
                     detail={"episodes": [e.pk for e in reviews.items], "actions": [a.pk for a in actions.items]})
    return {
        "today": today, "horizon": horizon, "limit": limit,
        "reviews": reviews.items, "actions": actions.items, "reviews_page": reviews, "actions_page": actions,
    }
