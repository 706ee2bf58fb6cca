"""Every write to an episode: opening it, its named status transitions, level, lead professional,
handovers, closure, and case notes. Each validates, saves and audits in the caller's transaction."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import journey, review_dates
from hearth.cases.models import (
    Episode,
    EpisodeOrigin,
    EpisodeReason,
    EpisodeStatus,
    Handover,
    HandoverStatus,
    LeadAssignment,
    LevelChange,
    LevelSource,
    StatusChange,
)
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.core.locking import locked

S = EpisodeStatus
OPEN_STATUSES = (S.ASSESSMENT, S.PLAN, S.STEPPED_UP, S.SOCIAL_WORK)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: decided by the service (returning to where the episode was)


# The named transitions of an episode. Closing has its own service (it needs a reason and more).
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("plan_agreed", "Plan agreed at a Team Around the Family meeting", (S.ASSESSMENT,), S.PLAN),
        Transition("step_up_sent", "Stepped up to MASH", (S.ASSESSMENT, S.PLAN, S.SOCIAL_WORK), S.STEPPED_UP),
        Transition("mash_returned", "MASH returned the family to Early Help", (S.STEPPED_UP,), None),
        Transition("social_work_started", "Social-work assessment started; Early Help continues",
                   (S.STEPPED_UP,), S.SOCIAL_WORK),
        Transition("social_work_concluded", "Social-work assessment concluded; Early Help continues",
                   (S.SOCIAL_WORK,), None),
        Transition("closed", "Closed", OPEN_STATUSES, S.CLOSED),
    )
}


class TransitionRefused(DomainError):
    def __init__(self, message: str):
        super().__init__(message, code="transition_refused")


def _require_manage(actor, episode: Episode) -> None:
    if not policy.can_manage_episode(actor, episode):
        raise NotPermitted("Only the lead professional, the locality's coordinator or the lead's manager can do this.",
                           object_type="cases.episode", object_id=episode.pk)


def open_episode_for(family) -> Episode | None:
    return Episode.objects.filter(family=family).exclude(status=S.CLOSED).select_related(
        "lead_professional__agency").first()


def _describe_holder(episode: Episode) -> str:
    lead = episode.lead_professional
    if lead is None:
        return "It has no lead professional yet; contact the Early Help team."
    return f"Contact its lead professional, {lead.full_name} ({lead.agency.name})."


def _ensure_no_open_episode(family) -> None:
    existing = open_episode_for(family)
    if existing:
        raise Conflict(f"This family already has an open Early Help episode. {_describe_holder(existing)}")


def _set_involvement(*, family, user, relationship: str, actor) -> None:
    access_services.involvement_start(actor=actor, family=family, user=user, relationship=relationship)


def involve(*, actor, family, user, relationship: str) -> None:
    """Give a practitioner an active involvement with the family (the basis of the access policy)."""
    _set_involvement(family=family, user=user, relationship=relationship, actor=actor)


def end_involvement(*, actor, family, user, relationship: str) -> None:
    """End a practitioner's involvement (for example a contributor who declined): access ends with it."""
    _end_involvement(family=family, user=user, relationship=relationship)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=family, family_id=family.pk,
                 detail={"involvement_ended": relationship, "user": user.pk})


def _end_involvement(*, family, user, relationship: str) -> None:
    access_services.involvement_end(family=family, user=user, relationship=relationship)


def _validate_level(level) -> None:
    if level not in (1, 2, 3, 4):
        raise ValidationFailed({"level": "Choose a level of need from 1 to 4"})


# Each change below comes in two forms: `episode_<verb>` checks that the actor may make it, and is what views call;
# `episode_<verb>_as_step` makes the same change as one step of another app's service that has already checked its
# actor's right to the whole of what it does (MASH's screening decision opening an episode and naming its lead, a
# Team Around the Family meeting agreeing the plan and setting the next review).


def episode_open(*, actor, family, **details) -> Episode:
    """Open a family's Early Help episode, for someone who may change the family (`episode_open_as_step`)."""
    policy.require_edit_family(actor, family)
    return episode_open_as_step(actor=actor, family=family, **details)


def episode_open_as_step(*, actor, family, reason: str, level: int, lead=None,
                         origin: str = EpisodeOrigin.PRACTITIONER, level_reasons: str = "",
                         source: str = LevelSource.START, started_on: date | None = None,
                         status: str = S.ASSESSMENT) -> Episode:
    """Open a family's Early Help episode. Refused, naming the holder, when one is already open."""
    errors = {}
    if reason not in EpisodeReason.values:
        errors["reason"] = "Choose the main reason for Early Help"
    if level not in (1, 2, 3, 4):
        errors["level"] = "Choose a level of need from 1 to 4"
    if lead is not None and lead.agency.council_id != family.council_id:
        errors["lead"] = "The lead professional must work for an agency in this council"
    if errors:
        raise ValidationFailed(errors)
    _ensure_no_open_episode(family)
    now = timezone.now()
    try:
        with transaction.atomic():
            episode = Episode.objects.create(
                family=family, status=status, origin=origin, reason=reason, level=level, lead_professional=lead,
                started_on=started_on or timezone.localdate(), created_by=actor)
    except IntegrityError as exc:  # another request opened one between our check and our insert
        raise Conflict(f"This family already has an open Early Help episode. "
                       f"{_describe_holder(open_episode_for(family))}") from exc
    LevelChange.objects.create(episode=episode, level=level, reasons=level_reasons, source=source, decided_by=actor,
                               decided_at=now)
    StatusChange.objects.create(episode=episode, transition="opened", from_status="", to_status=status,
                                note=EpisodeOrigin(origin).label, changed_by=actor, changed_at=now)
    if lead is not None:
        LeadAssignment.objects.create(episode=episode, user=lead, assigned_by=actor, started_at=now)
        _set_involvement(family=family, user=lead, relationship=InvolvedAs.LEAD_PROFESSIONAL, actor=actor)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=episode, family_id=family.pk,
                 detail={"level": level, "origin": origin})
    return episode


def _lock(episode: Episode, version: int | None = None) -> Episode:
    return locked(Episode.objects.select_related("family", "lead_professional"), episode.pk, version=version,
                  what="this episode")


def _previous_early_help_status(episode: Episode) -> str:
    """Where the episode returns to after MASH or social work: the plan if one was agreed, else assessment."""
    agreed = StatusChange.objects.filter(episode=episode, to_status=S.PLAN).exists()
    return S.PLAN if agreed else S.ASSESSMENT


def _refusal(transition: Transition, episode: Episode) -> str:
    allowed = ", ".join(S(s).label.lower() for s in transition.sources)
    return (f"You cannot record '{transition.label.lower()}' because this episode's status is "
            f"'{episode.get_status_display().lower()}'. It is only possible when the status is: {allowed}.")


def episode_transition(*, actor, episode: Episode, transition: str, note: str = "") -> Episode:
    """Apply a named transition, for someone who may make it: MASH and social work for their own transitions, the
    episode's managers for the rest."""
    with transaction.atomic():
        episode = _lock(episode)
        if transition in ("mash_returned", "social_work_started", "social_work_concluded"):
            if not (policy.can_screen_referrals(actor) or policy.can_step_down(actor)
                    or policy.can_manage_episode(actor, episode)):
                raise NotPermitted(object_type="cases.episode", object_id=episode.pk)
        else:
            _require_manage(actor, episode)
        return episode_transition_as_step(actor=actor, episode=episode, transition=transition, note=note)


def episode_transition_as_step(*, actor, episode: Episode, transition: str, note: str = "") -> Episode:
    """Apply a named transition, or refuse it with the reason."""
    if transition not in TRANSITIONS or transition == "closed":
        raise ValueError(f"Unknown transition {transition!r}")
    t = TRANSITIONS[transition]
    with transaction.atomic():
        episode = _lock(episode)
        if episode.status not in t.sources:
            raise TransitionRefused(_refusal(t, episode))
        if why := journey.refusal(episode, transition):
            raise TransitionRefused(why)
        target = t.target or _previous_early_help_status(episode)
        StatusChange.objects.create(episode=episode, transition=transition, from_status=episode.status,
                                    to_status=target, note=note, changed_by=actor)
        episode.status = target
        episode.version += 1
        episode.save(update_fields=["status", "version", "updated_at"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=episode, family_id=episode.family_id,
                     detail={"transition": transition})
    return episode


def allowed_transitions(episode: Episode) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if episode.status in t.sources]


def episode_change_level(*, actor, episode: Episode, level: int, reasons: str,
                         source: str = LevelSource.REVIEW) -> Episode:
    """Change the level of need, for the episode's managers."""
    with transaction.atomic():
        episode = _lock(episode)
        _require_manage(actor, episode)
        return episode_change_level_as_step(actor=actor, episode=episode, level=level, reasons=reasons, source=source)


def episode_change_level_as_step(*, actor, episode: Episode, level: int, reasons: str,
                                 source: str = LevelSource.REVIEW) -> Episode:
    _validate_level(level)
    if not reasons.strip():
        raise ValidationFailed({"reasons": "Give the reasons for the level of need"})
    with transaction.atomic():
        episode = _lock(episode)
        if not episode.is_open:
            raise TransitionRefused("This episode is closed; its level of need can no longer change.")
        LevelChange.objects.create(episode=episode, level=level, reasons=reasons.strip(), source=source,
                                   decided_by=actor)
        before, episode.level = episode.level, level
        episode.version += 1
        episode.save(update_fields=["level", "version", "updated_at"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=episode, family_id=episode.family_id,
                     detail={"level": level})
        if level != before:
            journey.level_changed.call(actor=actor, episode=episode, before=before)
    return episode


def _assign_lead(*, actor, episode: Episode, user, note: str = "") -> None:
    now = timezone.now()
    current = LeadAssignment.objects.filter(episode=episode, ended_at__isnull=True).first()
    if current and current.user_id == user.pk:
        return
    if current:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        _end_involvement(family=episode.family, user=current.user, relationship=InvolvedAs.LEAD_PROFESSIONAL)
        # The previous lead usually stays in the team around the family; the team can remove them.
        _set_involvement(family=episode.family, user=current.user, relationship=InvolvedAs.TAF_MEMBER, actor=actor)
    LeadAssignment.objects.create(episode=episode, user=user, assigned_by=actor, started_at=now, note=note)
    _set_involvement(family=episode.family, user=user, relationship=InvolvedAs.LEAD_PROFESSIONAL, actor=actor)
    episode.lead_professional = user


def episode_assign_lead(*, actor, episode: Episode, user, note: str = "") -> Episode:
    """Make `user` the lead professional now, for the episode's managers (or, while it has no lead, anyone who may
    change the family)."""
    with transaction.atomic():
        episode = _lock(episode)
        if episode.lead_professional_id is not None:
            _require_manage(actor, episode)
        else:
            policy.require_edit_family(actor, episode.family)
        return episode_assign_lead_as_step(actor=actor, episode=episode, user=user, note=note)


def episode_assign_lead_as_step(*, actor, episode: Episode, user, note: str = "") -> Episode:
    """Make `user` the lead professional now (agreed at a meeting, or after a planned handover)."""
    if user.agency.council_id != episode.family.council_id or not user.is_active:
        raise ValidationFailed({"lead": "Choose an active practitioner in this council"})
    with transaction.atomic():
        episode = _lock(episode)
        if not episode.is_open:
            raise TransitionRefused("This episode is closed; its lead professional can no longer change.")
        _assign_lead(actor=actor, episode=episode, user=user, note=note)
        episode.version += 1
        episode.save(update_fields=["lead_professional", "version", "updated_at"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=episode, family_id=episode.family_id,
                     detail={"lead_professional": user.pk})
    return episode


def handover_plan(*, actor, episode: Episode, to_user, planned_for: date, notes: str = "") -> Handover:
    errors = {}
    if to_user.agency.council_id != episode.family.council_id or not to_user.is_active:
        errors["to_user"] = "Choose an active practitioner in this council"
    elif to_user.pk == episode.lead_professional_id:
        errors["to_user"] = "Choose someone other than the current lead professional"
    if planned_for < timezone.localdate():
        errors["planned_for"] = "The handover date must be today or in the future"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        episode = _lock(episode)
        _require_manage(actor, episode)
        if not episode.is_open:
            raise TransitionRefused("This episode is closed.")
        if Handover.objects.filter(episode=episode, status=HandoverStatus.PLANNED).exists():
            raise Conflict("A handover is already planned. Complete or cancel it first.")
        handover = Handover.objects.create(episode=episode, from_user=episode.lead_professional, to_user=to_user,
                                           planned_for=planned_for, notes=notes.strip(), recorded_by=actor)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=handover, family_id=episode.family_id)
    return handover


def handover_complete(*, actor, handover: Handover) -> Episode:
    with transaction.atomic():
        episode = _lock(handover.episode)
        _require_manage(actor, episode)
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.status != HandoverStatus.PLANNED:
            raise TransitionRefused("This handover is no longer planned.")
        _assign_lead(actor=actor, episode=episode, user=handover.to_user, note=f"Planned handover {handover.pk}")
        handover.status = HandoverStatus.COMPLETED
        handover.completed_at = timezone.now()
        handover.save(update_fields=["status", "completed_at"])
        episode.version += 1
        episode.save(update_fields=["lead_professional", "version", "updated_at"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=handover, family_id=episode.family_id,
                     detail={"completed": True})
    return episode


def handover_cancel(*, actor, handover: Handover) -> Handover:
    with transaction.atomic():
        episode = _lock(handover.episode)
        _require_manage(actor, episode)
        if handover.status != HandoverStatus.PLANNED:
            raise TransitionRefused("This handover is no longer planned.")
        handover.status = HandoverStatus.CANCELLED
        handover.save(update_fields=["status"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=handover, family_id=episode.family_id,
                     detail={"cancelled": True})
    return handover


def episode_set_next_review(*, actor, episode: Episode, due: date) -> Episode:
    """Set the next review date, for someone who may change the family."""
    policy.require_edit_family(actor, episode.family)
    return episode_set_next_review_as_step(actor=actor, episode=episode, due=due)


def episode_set_next_review_as_step(*, actor, episode: Episode, due: date) -> Episode:
    if problem := review_dates.date_problem(due):
        raise ValidationFailed({"next_review_on": problem})
    Episode.objects.filter(pk=episode.pk).update(next_review_due=due)
    episode.next_review_due = due
    return episode


# What may happen to actions still open when an episode closes.
OPEN_ACTION_CHOICES = {
    "cancel": "Cancel them",
    "transfer": "Pass them to universal or another service",
    "complete": "Mark them done",
}


@dataclass
class Closure:
    reason: str
    family_comments: str = ""
    evaluation_rating: int | None = None
    evaluation: str = ""
    detail: str = ""
    new_area: str = ""
    new_area_consent: bool | None = None
    open_actions: str = ""  # a key of OPEN_ACTION_CHOICES; required when actions are open
    closed_on: date | None = None


class OpenActionsNeedDecision(DomainError):
    """Closing with open actions: the user must say what happens to them."""

    def __init__(self, count: int):
        super().__init__(f"This episode has {count} open action{'s' if count != 1 else ''}. "
                         "Say what should happen to them before closing.", field="open_actions",
                         code="open_actions")
        self.count = count


def episode_close(*, actor, episode: Episode, closure: Closure) -> Episode:
    """Close the episode with a reason from the council's profile; the journey apps act on it (`cases.journey`:
    open plan actions as the person closing decided, a draft assessment marked not completed, the council's Early
    Help team told)."""
    council = episode.family.council
    reasons = {r["code"] for r in council.closure_reasons}
    errors = {}
    if closure.reason not in reasons:
        errors["reason"] = "Choose why Early Help is closing"
    if closure.reason == "other" and not closure.detail.strip():
        errors["detail"] = "Say why Early Help is closing"
    if closure.reason == "moved_out_of_area":
        if not closure.new_area.strip():
            errors["new_area"] = "Enter the area the family has moved to"
        if closure.new_area_consent is None:
            errors["new_area_consent"] = "Say whether the family agreed to share information with the new area"
    if closure.evaluation_rating is not None and closure.evaluation_rating not in range(1, 6):
        errors["evaluation_rating"] = "Choose a rating from 1 to 5"
    closed_on = closure.closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        errors["closed_on"] = "The closure date must be today or in the past"
    elif closed_on < episode.started_on:
        errors["closed_on"] = "The closure date must be on or after the date the episode started"
    if closure.open_actions and closure.open_actions not in OPEN_ACTION_CHOICES:
        errors["open_actions"] = "Choose what happens to the open actions"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        episode = _lock(episode)
        _require_manage(actor, episode)
        if not episode.is_open:
            raise TransitionRefused("This episode is already closed.")
        open_work = journey.open_items(episode)
        count = len(open_work)
        if count and not closure.open_actions:
            raise OpenActionsNeedDecision(count)
        StatusChange.objects.create(episode=episode, transition="closed", from_status=episode.status,
                                    to_status=S.CLOSED, note=closure.reason, changed_by=actor)
        episode.status = S.CLOSED
        episode.closed_on = closed_on
        episode.end_reason = closure.reason
        episode.end_reason_detail = closure.detail.strip()
        episode.family_comments = closure.family_comments.strip()
        episode.evaluation_rating = closure.evaluation_rating
        episode.evaluation = closure.evaluation.strip()
        episode.new_area = closure.new_area.strip()
        episode.new_area_consent = closure.new_area_consent
        episode.open_actions_outcome = (f"{count} open action(s): {OPEN_ACTION_CHOICES[closure.open_actions]}"
                                        if count else "")
        episode.next_review_due = None
        episode.version += 1
        episode.save()
        Handover.objects.filter(episode=episode, status=HandoverStatus.PLANNED).update(
            status=HandoverStatus.CANCELLED)
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=episode, family_id=episode.family_id,
                     detail={"transition": "closed", "reason": closure.reason})
        journey.episode_closed.call(actor=actor, episode=episode, closure=closure, open_work=open_work)
    return episode
