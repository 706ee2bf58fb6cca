"""Team Around the Family meetings: arranging them and inviting the family and practitioners, recording what
happened (attendance, views, minutes, the agreed lead professional and next review), and sending the notes."""


from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core.errors import Conflict, DomainError, ValidationFailed
from hearth.outbox import services as outbox
from hearth.people.models import MemberRole
from hearth.plans import corrections
from hearth.plans.models import (
    OPEN_ACTION_STATUSES,
    Action,
    Attendance,
    ChildMeetingView,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeStatus,
    PlanOutcome,
)

# Young people of this age or older are invited to their own Team Around the Family meeting.
from hearth.plans.services import (
    MEETING_CHANGED,
    RECORDED_ATTENDANCE,
    age_on,
    agree_plan_if_ready,
    basis,
    council_practitioners,
    current_members,
    lock_meeting,
    plan_blockers,
    require_open,
)
from hearth.sharing import services as sharing
from hearth.sharing.services import disclosure_record


def meeting_schedule(*, actor, episode: Episode, kind: str, scheduled_for: datetime, location: str,
                     practitioners: list | tuple = (), family_members: list | tuple = ()) -> Meeting:
    """Arrange a Team Around the Family (or review) meeting, invite practitioners and family members, make
    each invited practitioner a member of the team around the family, and email the invitations."""
    family = episode.family
    policy.require_edit_family(actor, family)
    require_open(episode)
    council = family.council
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "Choose the kind of meeting"
    if scheduled_for is None:
        errors["date"] = "Enter the date of the meeting"
    elif timezone.localtime(scheduled_for).date() < timezone.localdate():
        errors["date"] = "The meeting date must be today or in the future"
    location = (location or "").strip()
    if not location:
        errors["location"] = "Enter where the meeting will be held"
    elif len(location) > 200:
        errors["location"] = "The place must be 200 characters or fewer"
    users = list(dict.fromkeys(practitioners))
    allowed = set(council_practitioners(council).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in users):
        errors["practitioners"] = "Choose practitioners who work in this council"
    people = list(dict.fromkeys(family_members))
    members = set(current_members(family).filter(person__in=people).values_list("person_id", flat=True))
    if any(p.pk not in members for p in people):
        errors["family_members"] = "Choose people who are members of this family"
    if not users and not people:
        errors["practitioners"] = "Invite at least one person"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(episode=episode, kind=kind, scheduled_for=scheduled_for,
                                         location=location, scheduled_by=actor)
        Invitation.objects.bulk_create([Invitation(meeting=meeting, user=u) for u in users]
                                       + [Invitation(meeting=meeting, person=p) for p in people])
        already = set(Involvement.objects.filter(family=family, user__in=users, ended_at__isnull=True)
                      .values_list("user_id", flat=True))
        for user in users:
            if user.pk not in already:
                cases.involve(actor=actor, family=family, user=user, relationship=InvolvedAs.TAF_MEMBER)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=meeting, family_id=family.pk,
                     detail={"kind": kind, "practitioners": [u.pk for u in users],
                             "family_members": [p.pk for p in people]})
        _send_invitations(actor=actor, meeting=meeting, users=users, people=people)
    return meeting


KIND_PHRASE = {MeetingKind.INITIAL: "Team Around the Family meeting",
               MeetingKind.REVIEW: "Team Around the Family review meeting"}


def kind_phrase(meeting: Meeting) -> str:
    """The kind of meeting as it reads inside a sentence ("a Team Around the Family review meeting")."""
    return KIND_PHRASE.get(meeting.kind, "meeting")


def _when(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.scheduled_for)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def _send_invitations(*, actor, meeting: Meeting, users: list, people: list) -> None:
    """Only what the recipient needs: the kind of meeting, when and where. No names of family members."""
    family = meeting.episode.family
    council = family.council
    what = kind_phrase(meeting)
    subject = f"Invitation: {what} on {_when(meeting)}"
    for user in users:
        if not user.email:
            continue
        body = (f"You are invited to a {what} for a family you work with.\n\n"
                f"When: {_when(meeting)}\nWhere: {meeting.location}\n"
                f"Family record number: {family.pk}\n\n"
                f"Sign in to {council.service_name} to see the family's record and the plan.")
        entry = disclosure_record(actor=actor, family=family, kind="taf_invitation",
                                  what="Invitation to a Team Around the Family meeting: when and where (no names)",
                                  recipient=user.email, recipient_agency=user.agency, purpose="Invite to the meeting",
                                  basis=basis(council, family_member=False), obj=meeting, by_email=True)
        outbox.send(to=user.email, subject=subject, body=body, kind="meeting.invitation", about=entry)
    for person in people:
        if not person.email:
            continue
        body = (f"You are invited to a {what} about your family's Early Help.\n\n"
                f"When: {_when(meeting)}\nWhere: {meeting.location}\n\n"
                "The people who work with your family will be there. You can bring someone to support you. "
                "If you cannot come, please tell your lead professional.")
        entry = disclosure_record(actor=actor, family=family, person=person, kind="taf_invitation", by_email=True,
                          what="Invitation to a Team Around the Family meeting: when and where",
                          recipient=person.email, purpose="Invite to the meeting",
                          basis=basis(council, family_member=True), obj=meeting)
        outbox.send(to=person.email, subject=subject, body=body, kind="meeting.invitation", about=entry)


@dataclass
class MeetingRecorded:
    meeting: Meeting
    plan_agreed: bool = False
    plan_waiting: str = ""  # why the plan is not yet active, in plain English, when it is not


def meeting_record(*, actor, meeting: Meeting, version: int, attendance: dict[int, str], minutes: str,
                   family_views: str = "", strengths: str = "", needs: str = "",
                   child_views: dict[int, str] | None = None, agreed_lead=None,
                   next_review_on: date | None = None, review_date_reason: str = "",
                   reason: str = "") -> MeetingRecorded:
    """Record what happened at a meeting: who came, the views of the family and of each child, strengths,
    needs, the minutes, the agreed lead professional and the next review date.

    At the first Team Around the Family meeting, the plan is agreed (the episode moves from assessment to
    plan) when the assessment is completed and the plan has an outcome and an action; otherwise the meeting
    is saved and the result says what is still needed.

    A meeting already recorded is corrected: that needs a reason, and the record's earlier wording is kept
    (`corrections`). A next review later than the council's interval from the meeting needs a reason too.
    """
    episode = meeting.episode
    family = episode.family
    policy.require_edit_family(actor, family)
    require_open(episode)
    child_views = child_views or {}
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if meeting.is_withdrawn:
        raise DomainError("This meeting record was withdrawn, so it can no longer be changed.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("This meeting was cancelled, so it cannot be recorded.")
    if timezone.localtime(meeting.scheduled_for).date() > today:
        raise DomainError("This meeting has not happened yet. Record it on or after the day it takes place.")
    invitations = list(meeting.invitations.all())
    for inv in invitations:
        if attendance.get(inv.pk) not in RECORDED_ATTENDANCE:
            errors[f"attendance_{inv.pk}"] = "Say whether this person attended, sent apologies or did not attend"
    children = {m.person_id for m in current_members(family).filter(role=MemberRole.CHILD)}
    for person_id in child_views:
        if person_id not in children:
            errors[f"child_view_{person_id}"] = "Record views only for the children of this family"
    if not (minutes or "").strip():
        errors["minutes"] = "Enter the minutes of the meeting"
    lead_changes = agreed_lead is not None and agreed_lead.pk != episode.lead_professional_id
    if agreed_lead is None and meeting.kind == MeetingKind.INITIAL and episode.lead_professional_id is None:
        errors["agreed_lead"] = "Choose the lead professional agreed at the meeting"
    elif lead_changes:
        if agreed_lead.agency.council_id != family.council_id or not agreed_lead.is_active:
            errors["agreed_lead"] = "Choose an active practitioner in this council"
        elif episode.lead_professional_id is not None and not policy.can_manage_episode(actor, episode):
            errors["agreed_lead"] = ("Only the lead professional, the locality's Early Help coordinator or the "
                                     "lead's manager can change the lead professional")
    if problem := review_dates.date_problem(next_review_on, today=today):
        errors["next_review_on"] = problem
    elif problem := review_dates.reason_problem(family.council, next_review_on, review_date_reason,
                                                from_date=timezone.localtime(meeting.scheduled_for).date(),
                                                episode=episode):
        errors["review_date_reason"] = problem
    correcting = meeting.recorded_at is not None
    if correcting:
        corrections.require_may_correct_meeting(actor, meeting)
        if version != meeting.version:  # a stale form says so before anything else about it
            raise Conflict(MEETING_CHANGED)
        reason = corrections.reason_given(reason, errors, what="the correction")
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        meeting = lock_meeting(meeting, version)
        episode = meeting.episode
        if correcting:
            corrections.meeting_correction_keep(actor=actor, meeting=meeting, earlier=corrections.meeting_earlier(
                meeting), reason=reason)
        by_pk = {inv.pk: inv for inv in invitations}
        for pk, inv in by_pk.items():
            inv.attendance = attendance[pk]
        Invitation.objects.bulk_update(list(by_pk.values()), ["attendance"])
        existing = {v.child_id: v for v in ChildMeetingView.objects.filter(meeting=meeting)}
        for person_id, text in child_views.items():
            text = (text or "").strip()
            view = existing.get(person_id)
            if text and view:
                if view.views != text:
                    view.views = text
                    view.save(update_fields=["views"])
            elif text:
                ChildMeetingView.objects.create(meeting=meeting, child_id=person_id, views=text)
            elif view:
                view.delete()
        meeting.family_views = (family_views or "").strip()
        meeting.strengths = (strengths or "").strip()
        meeting.needs = (needs or "").strip()
        meeting.minutes = minutes.strip()
        meeting.agreed_lead = agreed_lead or episode.lead_professional
        meeting.next_review_on = next_review_on
        meeting.review_date_reason = (review_date_reason or "").strip() if next_review_on else ""
        meeting.status = MeetingStatus.HELD
        meeting.recorded_by = actor
        meeting.recorded_at = timezone.now()
        meeting.version += 1
        meeting.save()
        if lead_changes:
            local = timezone.localtime(meeting.scheduled_for)
            episode = cases.episode_assign_lead(
                actor=actor, episode=episode, user=agreed_lead,
                note=f"Agreed at the {kind_phrase(meeting)} on {local.day} {local:%B %Y}")
        cases.episode_set_next_review_as_step(actor=actor, episode=episode, due=next_review_on)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=meeting, family_id=family.pk,
                     detail={"recorded": True, "lead_changed": lead_changes, "corrected": correcting})
        if not correcting:
            sharing.meeting_notice(actor=actor, meeting=meeting)
        result = MeetingRecorded(meeting=meeting)
        if meeting.kind == MeetingKind.INITIAL and episode.status == EpisodeStatus.ASSESSMENT:
            missing = plan_blockers(episode)
            if missing:
                result.plan_waiting = ("The meeting has been saved. The plan becomes active once "
                                       + " and ".join(missing) + ".")
            else:
                result.plan_agreed = agree_plan_if_ready(actor=actor, episode=episode)
    return result


def _person_label(inv: Invitation) -> str:
    if inv.user_id:
        return f"{inv.user.full_name}, {inv.user.agency.name}"
    return "Family member"


def _owner_label(action: Action) -> str:
    if action.owner_user_id:
        return f"{action.owner_user.full_name}, {action.owner_user.agency.name}"
    if action.owner_agency_id:
        return action.owner_agency.name
    return "Family member"


def notes_text(meeting: Meeting) -> str:
    """The meeting's notes as plain text: everything the team needs and, of the family, only what the record says."""
    episode = meeting.episode
    invitations = list(meeting.invitations.select_related("user__agency", "person"))
    lines = [f"Notes of the {kind_phrase(meeting)}", "",
             f"Date: {_when(meeting)}", f"Place: {meeting.location}", f"Family record number: {episode.family_id}",
             ""]
    for status, heading in ((Attendance.ATTENDED, "Attended"), (Attendance.APOLOGIES, "Sent apologies"),
                            (Attendance.ABSENT, "Did not attend")):
        names = [_person_label(i) for i in invitations if i.attendance == status]
        if names:
            lines += [f"{heading}:"] + [f"- {n}" for n in names] + [""]
    if meeting.agreed_lead_id:
        lead = meeting.agreed_lead
        lines += [f"Lead professional: {lead.full_name}, {lead.agency.name}", ""]
    on = timezone.localtime(meeting.scheduled_for).date()
    sections = [("The family's views", meeting.family_views)]
    for view in meeting.child_views.select_related("child").order_by("child__date_of_birth", "pk"):
        age = age_on(view.child, on)
        who = f"A child or young person aged {age}" if age is not None else "A child or young person"
        sections.append((f"{who}: their views", view.views))
    sections += [("Strengths", meeting.strengths), ("Needs", meeting.needs), ("Minutes", meeting.minutes)]
    for heading, text in sections:
        if text:
            lines += [f"{heading}:", text, ""]
    outcomes = list(PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN))
    actions = list(Action.objects.filter(episode=episode, status__in=OPEN_ACTION_STATUSES)
                   .select_related("owner_user__agency", "owner_agency"))
    lines.append("The plan")
    if outcomes:
        lines.append("What we want to achieve:")
        lines += [f"- {o.description}" for o in outcomes]
    if actions:
        lines.append("What will be done, by whom and by when:")
        lines += [f"- {a.what} (who: {_owner_label(a)}; by {a.due_on.day} {a.due_on:%B %Y}; "
                  f"{a.get_status_display().lower()})" for a in actions]
    if not outcomes and not actions:
        lines.append("No outcomes or actions recorded yet.")
    lines.append("")
    if meeting.next_review_on:
        lines.append(f"Next review: {meeting.next_review_on.day} {meeting.next_review_on:%B %Y}")
    return "\n".join(lines)


def notes_send(*, actor, meeting: Meeting) -> int:
    """Email the notes to everyone invited who has an email address, practitioners and family members, and
    record one disclosure per recipient. Returns the number of recipients."""
    episode = meeting.episode
    family = episode.family
    policy.require_edit_family(actor, family)
    if meeting.status != MeetingStatus.HELD or meeting.recorded_at is None:
        raise DomainError("Record the meeting before sending its notes.", code="not_recorded")
    council = family.council
    body = notes_text(meeting)
    local = timezone.localtime(meeting.scheduled_for)
    subject = f"Notes of the {kind_phrase(meeting)} on {local.day} {local:%B %Y}"
    sent = 0
    with transaction.atomic():
        for inv in meeting.invitations.select_related("user__agency", "person"):
            address = inv.user.email if inv.user_id else inv.person.email
            if not address:
                continue
            entry = disclosure_record(by_email=True,
                actor=actor, family=family, kind="taf_notes", person=inv.person if inv.person_id else None,
                recipient_agency=inv.user.agency if inv.user_id else None, recipient=address,
                what=f"Notes of the {kind_phrase(meeting)} on {local.day} {local:%B %Y}, with the plan",
                purpose="Notes go to everyone invited to the meeting",
                basis=basis(council, family_member=bool(inv.person_id)), obj=meeting)
            outbox.send(to=address, subject=subject, body=body, kind="meeting.notes", about=entry)
            sent += 1
        meeting.notes_sent_at = timezone.now()
        Meeting.objects.filter(pk=meeting.pk).update(notes_sent_at=meeting.notes_sent_at)
        trail.record(actor=actor, action=AuditAction.DISCLOSE, obj=meeting, family_id=family.pk,
                     detail={"notes_sent_to": sent})
    return sent
