"""The plan's outcomes and actions, Team Around the Family meetings and reviews; outcome scores."""

from django.db.models import Prefetch
from django.utils import timezone

from hearth.outcomes.models import Reading
from hearth.plans.models import (
    Action,
    ChildMeetingView,
    Correction,
    CorrectionKind,
    Invitation,
    Meeting,
    OutcomeProgress,
    PlanOutcome,
    Review,
)
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who


def _owner(action: Action) -> str:
    if action.owner_user_id:
        return who(action.owner_user)
    if action.owner_agency_id:
        return action.owner_agency.name
    return action.owner_person.full_name if action.owner_person_id else ""



def _history(b: Builder, item, corrections: list[Correction]) -> None:
    """What is still held about an item beyond its present wording: each earlier wording, with when and why it was
    corrected, and its withdrawal. The bundle holds all of it, since all of it is still held."""
    for c in corrections:
        if c.earlier:
            wording = "; ".join(f"{label}: {text}" for label, text in c.earlier)
            b.add(f"correction-{c.pk}", f"Earlier wording (corrected on {day(c.made_at)}: {c.reason.strip()})",
                  wording, long=True)
    if item.withdrawn_at:
        b.add("withdrawn", "Withdrawn", f"On {day(item.withdrawn_at)}: {item.withdrawn_reason.strip()}", long=True)


def _plans(subject: Subject) -> Section:
    areas = {a["code"]: a["name"] for a in subject.council.outcome_areas or []}
    episode_ids = subject.episode_ids
    # Withdrawn items are still held, so they are in the bundle too (`all_objects`), with their earlier wordings.
    outcomes = PlanOutcome.all_objects.filter(episode_id__in=episode_ids).order_by("pk")
    actions = (Action.all_objects.filter(episode_id__in=episode_ids)
               .select_related("owner_user__agency", "owner_agency", "owner_person").order_by("due_on", "pk"))
    corrections: dict[tuple[str, int], list[Correction]] = {}
    for c in Correction.objects.filter(episode_id__in=episode_ids):
        corrections.setdefault((c.kind, c.object_id), []).append(c)
    meetings = (
        Meeting.all_objects.filter(episode_id__in=episode_ids).select_related("agreed_lead__agency")
        .prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.select_related("user__agency", "person")),
            Prefetch("child_views", queryset=ChildMeetingView.objects.filter(child=subject.person),
                     to_attr="subject_views"),
        ).order_by("scheduled_for", "pk"))
    reviews = (
        Review.objects.filter(episode_id__in=episode_ids).select_related("recorded_by__agency")
        .prefetch_related(Prefetch("progress", queryset=OutcomeProgress.objects.select_related("outcome")
                                   .order_by("outcome_id")))
        .order_by("held_on", "pk"))
    items = []
    for o in outcomes:
        b = Builder(f"planoutcome:{o.pk}")
        b.add("description", "What we hope for", o.description, long=True)
        b.add("area", "Area", areas.get(o.area, o.area)).add("status", "Status", o.get_status_display())
        _history(b, o, corrections.get((CorrectionKind.OUTCOME, o.pk), []))
        items.append(b.item("Outcome in the plan", on=o.created_at, group="The plan"))
    for a in actions:
        b = Builder(f"action:{a.pk}")
        b.add("what", "What", a.what, long=True).add("owner", "Who", _owner(a)).add("due_on", "By", a.due_on)
        b.add("status", "Status", a.get_status_display()).add("completed_on", "Done on", a.completed_on)
        b.add("status_note", "Note", a.status_note, long=True)
        _history(b, a, corrections.get((CorrectionKind.ACTION, a.pk), []))
        items.append(b.item("Action", on=a.created_at, group="The plan"))
    for m in meetings:
        b = Builder(f"meeting:{m.pk}")
        b.add("when", "When", timezone.localtime(m.scheduled_for).strftime("%-d %B %Y at %-I:%M%p")
              .replace("AM", "am").replace("PM", "pm"))
        b.add("location", "Where", m.location).add("status", "Status", m.get_status_display())
        for inv in m.invitations.all():
            invited = who(inv.user) if inv.user_id else inv.person.full_name
            b.add(f"invitation-{inv.pk}", "Invited", f"{invited}: {inv.get_attendance_display().lower()}")
        b.add("family_views", "The family's views", m.family_views, long=True)
        b.add("strengths", "Strengths", m.strengths, long=True).add("needs", "Needs", m.needs, long=True)
        b.add("minutes", "Minutes", m.minutes, long=True)
        b.add("agreed_lead", "Lead professional agreed", who(m.agreed_lead) if m.agreed_lead_id else "")
        b.add("next_review_on", "Next review", m.next_review_on).add("notes_sent_at", "Notes sent", m.notes_sent_at)
        _history(b, m, corrections.get((CorrectionKind.MEETING, m.pk), []))
        items.append(b.item(m.get_kind_display(), on=m.scheduled_for, group="Meetings"))
        for v in m.subject_views:
            vb = Builder(f"childmeetingview:{v.pk}")
            vb.add("views", "What they said", v.views, long=True)
            items.append(vb.item(f"{subject.person.given_name}'s view at the meeting", on=m.scheduled_for,
                                 group="Meetings"))
    for r in reviews:
        b = Builder(f"review:{r.pk}")
        b.add("held_on", "Held", r.held_on).add("summary", "Summary", r.summary, long=True)
        b.add("family_views", "The family's views", r.family_views, long=True)
        b.add("decision", "Decision", r.get_decision_display())
        b.add("new_level", "New level of need", subject.council.level_name(r.new_level) if r.new_level else "")
        b.add("next_review_on", "Next review", r.next_review_on)
        for p in r.progress.all():
            comment = f": {p.comment.strip()}" if p.comment.strip() else ""
            b.add(f"progress-{p.pk}", f"Progress towards “{p.outcome.description.strip()[:80]}”",
                  f"{p.get_progress_display()}{comment}")
        b.add("recorded_by", "Recorded by", who(r.recorded_by))
        items.append(b.item("Review", on=r.held_on, group="Reviews"))
    return Section("plans", "Plans, meetings and reviews", "The plan's hoped-for outcomes and actions, Team Around "
                   "the Family meetings and reviews.", "No plan, meeting or review has been recorded.", items,
                   grouped=True)



def _outcomes(subject: Subject) -> Section:
    areas = {a["code"]: a["name"] for a in subject.council.outcome_areas or []}
    readings = (Reading.objects.filter(episode_id__in=subject.episode_ids).select_related("recorded_by__agency")
                .prefetch_related("scores").order_by("taken_on", "pk"))
    items = []
    for r in readings:
        b = Builder(f"reading:{r.pk}")
        for s in r.scores.all():
            family = f" (the family's own score: {s.family_score})" if s.family_score else ""
            b.add(f"score-{s.area}", areas.get(s.area, s.area), f"{s.score} out of 10{family}")
        b.add("recorded_by", "Recorded by", who(r.recorded_by))
        items.append(b.item(f"Outcome scores at {r.get_context_display().lower()}", on=r.taken_on))
    return Section("outcomes", "Outcome scores", "Scores from 1 to 10 for each area, taken with the family at the "
                   "assessment and at each review.", "No outcome scores have been recorded.", items)



PLANS = SectionSource("plans", ("plans.planoutcome", "plans.action", "plans.meeting", "plans.invitation",
                                "plans.childmeetingview", "plans.review", "plans.outcomeprogress",
                                "plans.correction"), _plans)
OUTCOMES = SectionSource("outcomes", ("outcomes.reading", "outcomes.score"), _outcomes)
