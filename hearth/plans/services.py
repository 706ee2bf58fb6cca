"""Every write to Team Around the Family meetings, the SMART plan and reviews.

Each function validates (every problem at once, in plain English), saves, audits, and where it sends
information records the disclosure. They run in the caller's transaction; the ones that make several
writes open their own atomic block so that nothing is half-saved.
"""

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency, User, UserRole
from hearth.assessments import journey as assessment_journey
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import services as cases
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core import dates
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.people.models import FamilyMember, Person
from hearth.plans.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeStatus,
    PlanOutcome,
)
from hearth.sharing import services as sharing

# Young people of this age or older are invited to their own Team Around the Family meeting.
YOUNG_PERSON_AGE = 11
RECORDED_ATTENDANCE = (Attendance.ATTENDED, Attendance.APOLOGIES, Attendance.ABSENT)


# --- helpers -------------------------------------------------------------------------------------------------


def require_open(episode: Episode) -> None:
    if not episode.is_open:
        raise cases.TransitionRefused("This episode is closed, so its plan can no longer change.")


def age_on(person: Person, on: date) -> int | None:
    return dates.age_on(person.date_of_birth, on)


def council_practitioners(council):
    """Active users of the council's agencies who work with families (not only system administrators or
    analysts, who have no case access by role)."""
    case_role = UserRole.objects.filter(user=OuterRef("pk")).exclude(role__in=policy.NO_CASE_ACCESS_ROLES)
    return (User.objects.filter(agency__council=council, is_active=True)
            .filter(Exists(case_role)).select_related("agency"))


def current_members(family):
    return FamilyMember.objects.filter(family=family, left_on__isnull=True).select_related("person")


MEETING_CHANGED = ("Someone else changed this meeting record while you were working on it. Your text is still in "
                   "the form: copy anything you need, then reload the page to see their changes.")


def lock_meeting(meeting: Meeting, version: int | None = None) -> Meeting:
    return locked(Meeting.objects.select_related("episode__family__council"), meeting.pk, version=version,
                  conflict=MEETING_CHANGED)


def basis(council, *, family_member: bool) -> str:
    if family_member:
        return "The family's own record: families get copies of all their planning and review records"
    if council.consent_model == "consent":
        return "The family's consent to share with the Team Around the Family"
    return "Public task (UK GDPR Article 6(1)(e)): delivering Early Help with the partners involved"


# --- the plan ------------------------------------------------------------------------------------------------


def plan_blockers(episode: Episode) -> list[str]:
    missing = []
    if assessment_journey.assessment_needed_for_plan(episode):
        missing.append("the Early Help Assessment is completed")
    if not PlanOutcome.objects.filter(episode=episode, status=OutcomeStatus.OPEN).exists():
        missing.append("the plan has at least one outcome")
    if not Action.objects.filter(episode=episode, status__in=OPEN_ACTION_STATUSES).exists():
        missing.append("the plan has at least one action")
    return missing


def agree_plan_if_ready(*, actor, episode: Episode) -> bool:
    """Agree the plan (assessment to plan) once everything it needs is there: a Team Around the Family
    meeting recorded, a completed assessment, an outcome and an action, in whichever order they came.

    The meeting is where the plan is agreed; recording it, or adding the missing piece afterwards, needs
    the right to edit the family's record, which the caller has checked."""
    episode = Episode.objects.get(pk=episode.pk)
    if episode.status != EpisodeStatus.ASSESSMENT or plan_blockers(episode):
        return False
    meeting = (Meeting.objects.filter(episode=episode, kind=MeetingKind.INITIAL, status=MeetingStatus.HELD)
               .order_by("-recorded_at").first())
    if meeting is None:
        return False
    cases.episode_transition_as_step(actor=actor, episode=episode, transition="plan_agreed",
                                     note=f"Meeting {meeting.pk}")
    sharing.plan_notice(actor=actor, episode=episode)
    return True



def outcome_add(*, actor, episode: Episode, description: str, area: str = "", meeting: Meeting | None = None
                ) -> PlanOutcome:
    family = episode.family
    policy.require_edit_family(actor, family)
    require_open(episode)
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Describe what the family wants to achieve"
    area = area or ""
    if area and area not in {a["code"] for a in family.council.outcome_areas or []}:
        errors["area"] = "Choose one of the council's outcome areas"
    if meeting is not None and meeting.episode_id != episode.pk:
        errors["meeting"] = "The meeting belongs to another episode"
    if errors:
        raise ValidationFailed(errors)
    outcome = PlanOutcome.objects.create(episode=episode, description=description, area=area, meeting=meeting,
                                         created_by=actor)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=outcome, family_id=family.pk)
    agree_plan_if_ready(actor=actor, episode=episode)
    return outcome


def action_add(*, actor, episode: Episode, what: str, due_on: date | None, owner_user=None,
               owner_agency: Agency | None = None, owner_person: Person | None = None,
               outcome: PlanOutcome | None = None, meeting: Meeting | None = None) -> Action:
    """A SMART action: what will be done, by exactly one owner (a practitioner, an agency or a family member),
    by when."""
    family = episode.family
    policy.require_edit_family(actor, family)
    require_open(episode)
    errors = {}
    what = (what or "").strip()
    if not what:
        errors["what"] = "Describe what will be done"
    owners = [o for o in (owner_user, owner_agency, owner_person) if o is not None]
    if len(owners) != 1:
        errors["owner"] = "Choose who will do this"
    elif owner_user is not None and (owner_user.agency.council_id != family.council_id or not owner_user.is_active):
        errors["owner"] = "Choose an active practitioner in this council"
    elif owner_agency is not None and (owner_agency.council_id != family.council_id or not owner_agency.is_active):
        errors["owner"] = "Choose an agency in this council"
    elif owner_person is not None and not current_members(family).filter(person=owner_person).exists():
        errors["owner"] = "Choose a member of this family"
    if due_on is None:
        errors["due_on"] = "Enter when it will be done by"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The date it will be done by must be today or in the future"
    if outcome is not None and outcome.episode_id != episode.pk:
        errors["outcome"] = "Choose an outcome of this plan"
    if meeting is not None and meeting.episode_id != episode.pk:
        errors["meeting"] = "The meeting belongs to another episode"
    if errors:
        raise ValidationFailed(errors)
    action = Action.objects.create(episode=episode, what=what, owner_user=owner_user, owner_agency=owner_agency,
                                   owner_person=owner_person, due_on=due_on, outcome=outcome, meeting=meeting,
                                   created_by=actor)
    if owner_user is not None and not Involvement.objects.filter(family=family, user=owner_user,
                                                                 ended_at__isnull=True).exists():
        # A practitioner given an action is part of the team around the family (and so can see it).
        cases.involve(actor=actor, family=family, user=owner_user, relationship=InvolvedAs.TAF_MEMBER)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=action, family_id=family.pk)
    agree_plan_if_ready(actor=actor, episode=episode)
    return action


ACTION_UPDATE_REFUSED = ("Only the lead professional, or the practitioner or agency this action is for, can update "
                         "it. Ask the lead professional to update it.")


def may_update_action(user, action: Action) -> bool:
    """The lead professional (or whoever may manage the episode for them) updates any action; any other member of
    the team around the family only the actions that are theirs or their agency's."""
    episode = action.episode
    if not policy.can_edit_family(user, episode.family):
        return False
    return policy.can_manage_episode(user, episode) or owns_action(user, action)


def owns_action(user, action: Action) -> bool:
    """The action is this practitioner's, or (given to an agency) their agency's."""
    if action.owner_user_id is not None:
        return action.owner_user_id == user.pk
    return action.owner_agency_id is not None and action.owner_agency_id == user.agency_id


def action_update_status(*, actor, action: Action, version: int, status: str, note: str = "") -> Action:
    episode = action.episode
    family = episode.family
    policy.require_edit_family(actor, family)
    if not may_update_action(actor, action):
        raise NotPermitted(ACTION_UPDATE_REFUSED, object_type="plans.action", object_id=action.pk)
    require_open(episode)
    if status not in ActionStatus.values:
        raise ValidationFailed({"status": "Choose how the action is going"})
    completed_on = timezone.localdate() if status == ActionStatus.DONE else None
    updated = Action.objects.filter(pk=action.pk, version=version).update(
        status=status, status_note=(note or "").strip(), completed_on=completed_on, version=version + 1)
    if not updated:
        raise Conflict("Someone else changed this action while you were working on it. Your note is still in "
                       "the form: check the action's current status, then try again.")
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=action, family_id=family.pk,
                 detail={"status": status})
    action.refresh_from_db()
    return action
