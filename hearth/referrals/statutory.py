"""Where Early Help meets statutory services: the lead professional stepping a family up to MASH, a social worker
stepping a family down from a Child in Need plan to Early Help, and a practitioner's same-day contact with MASH when
a child may be at immediate risk."""


from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import review_dates
from hearth.cases import services as cases
from hearth.cases.models import Episode, EpisodeOrigin, EpisodeReason, EpisodeStatus, LevelSource
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.people.models import Family
from hearth.referrals import services
from hearth.referrals.models import ContactMethod, ImmediateRiskContact, Referral, ReferralKind, StepDown
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosure_record

EARLY_HELP_LEVELS = (1, 2, 3)
# How far ahead of the server's clock a recorded contact time may be (clocks on phones and PCs drift).
CLOCK_TOLERANCE = timedelta(minutes=5)


# ---------------------------------------------------------------------------------------------------
# Step up


def referral_step_up(*, actor, episode: Episode, concerns: str, consent_sought: bool | None,
                     consent_not_sought_reason: str = "", tried_already: str = "", hoped_for: str = "",
                     same_day_triggers=()) -> Referral:
    """The lead professional refers the family to MASH: a multi-agency referral with the family's documents, as
    urgent as the same-working-day situations they say apply (within one working day when none does:
    `referrals.urgency`)."""
    if not policy.can_manage_episode(actor, episode):
        raise NotPermitted("Only the lead professional, the locality's coordinator or the lead's manager can step "
                           "a family up to MASH.", object_type="cases.episode", object_id=episode.pk)
    errors = {}
    urgent = services.triggers_and_urgency(ReferralKind.STEP_UP, same_day_triggers, errors)
    if not (concerns or "").strip():
        errors["concerns"] = "Describe why you are referring the family to MASH"
    if consent_sought is None:
        errors["consent_sought"] = "Say whether you sought the family's consent to this referral"
    elif not consent_sought and not (consent_not_sought_reason or "").strip():
        errors["consent_not_sought_reason"] = ("Say why consent was not sought, for example that seeking it would "
                                               "increase the risk to the child")
    if errors:
        raise ValidationFailed(errors)
    family = episode.family
    with transaction.atomic():
        referral = Referral(
            council_id=family.council_id, kind=ReferralKind.STEP_UP, family=family, episode=episode,
            **services.requester_from(actor), family_details=services.members_text(family), **urgent,
            concerns=concerns.strip(),
            tried_already=(tried_already or "").strip(), hoped_for=(hoped_for or "").strip(),
            consent_sought=consent_sought,
            consent_not_sought_reason="" if consent_sought else consent_not_sought_reason.strip(),
        )
        services.save_with_reference(referral)
        referral.episode = cases.episode_transition(actor=actor, episode=episode, transition="step_up_sent",
                                                    note=referral.reference)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=referral, family_id=family.pk,
                     detail={"kind": ReferralKind.STEP_UP, "consent_sought": consent_sought,
                             "urgency": referral.urgency})
        disclosure_record(
            actor=actor, family=family, kind=DisclosureKind.STEP_UP_BUNDLE,
            what="Multi-agency referral with the latest assessment, plan, Team Around the Family minutes and "
                 "genogram",
            recipient=family.council.contact("mash_email") or "Multi-Agency Safeguarding Hub (MASH)",
            purpose="Step up: ask MASH for a statutory response",
            basis=("With the family's consent" if consent_sought
                   else "Safeguarding (public task): consent not sought; the reason is recorded on the referral"),
            obj=referral)
    return referral


# ---------------------------------------------------------------------------------------------------
# Step down


def step_down_record(*, actor, family: Family, new_lead, level: int | None, reason: str,
                     cin_plan_ended_on: date | None, single_assessment: str, cin_plan: str,
                     handover_meeting_on: date | None = None) -> StepDown:
    """A social worker steps a family down from a Child in Need plan to Early Help: a new episode with a
    plan already in place, the new lead professional, and the social-work history handed over."""
    if not policy.can_step_down(actor):
        raise NotPermitted("Only a social worker can step a family down to Early Help.",
                           object_type="people.family", object_id=family.pk)
    if not policy.can_view_family(actor, family):
        raise NotPermitted("You can step down only a family you are involved with as its social worker.",
                           object_type="people.family", object_id=family.pk)
    errors = {}
    if new_lead is None:
        errors["new_lead"] = "Choose the new lead professional"
    elif not services.valid_lead(new_lead, family.council_id):
        errors["new_lead"] = "Choose an active practitioner in this council"
    if level not in EARLY_HELP_LEVELS:
        errors["level"] = "Choose a level from 1 to 3: a family stepping down returns to Early Help"
    if reason not in EpisodeReason.values:
        errors["reason"] = "Choose the main reason for Early Help"
    if cin_plan_ended_on is None:
        errors["cin_plan_ended_on"] = "Enter the date the Child in Need plan ended"
    elif cin_plan_ended_on > timezone.localdate():
        errors["cin_plan_ended_on"] = "The date the Child in Need plan ended must be today or in the past"
    if not (single_assessment or "").strip():
        errors["single_assessment"] = "Paste the single assessment"
    if not (cin_plan or "").strip():
        errors["cin_plan"] = "Paste the Child in Need plan"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        episode = cases.episode_open_as_step(
            actor=actor, family=family, reason=reason, level=level, lead=new_lead, origin=EpisodeOrigin.STEP_DOWN,
            level_reasons=f"Stepped down from a Child in Need plan that ended on {cin_plan_ended_on:%-d %B %Y}",
            source=LevelSource.STEP_DOWN, status=EpisodeStatus.PLAN)
        cases.episode_set_next_review_as_step(actor=actor, episode=episode,
                                      due=review_dates.default_date(episode.family.council))
        step_down = StepDown.objects.create(
            family=family, episode=episode, social_worker=actor, new_lead=new_lead, level=level,
            cin_plan_ended_on=cin_plan_ended_on, single_assessment=single_assessment.strip(),
            cin_plan=cin_plan.strip(), handover_meeting_on=handover_meeting_on)
        cases.involve(actor=actor, family=family, user=new_lead, relationship=InvolvedAs.LEAD_PROFESSIONAL)
        cases.involve(actor=actor, family=family, user=actor, relationship=InvolvedAs.SOCIAL_WORK)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=step_down, family_id=family.pk,
                     detail={"episode": episode.pk, "level": level})
    return step_down


# ---------------------------------------------------------------------------------------------------
# Immediate risk: contacts with MASH


def mash_contact_record(*, actor, family: Family, contacted_at: datetime | None, method: str, concern: str,
                        spoke_to: str = "", advice: str = "", mash_reference: str = "") -> ImmediateRiskContact:
    """Record a same-day contact with MASH. Never blocked by consent, an incomplete record or a missing
    episode: anyone who can see the family may record it."""
    if not policy.can_view_family(actor, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    errors = {}
    if contacted_at is None:
        errors["contacted_on"] = "Enter when you contacted MASH"
    elif contacted_at > timezone.now() + CLOCK_TOLERANCE:
        errors["contacted_on"] = "The time you contacted MASH must be now or in the past"
    if method not in ContactMethod.values:
        errors["method"] = "Choose how you contacted MASH"
    if not (concern or "").strip():
        errors["concern"] = "Describe the concern you raised with MASH"
    if errors:
        raise ValidationFailed(errors)
    contact = ImmediateRiskContact.objects.create(
        family=family, contacted_at=contacted_at, method=method, spoke_to=(spoke_to or "").strip(),
        concern=concern.strip(), advice=(advice or "").strip(), mash_reference=(mash_reference or "").strip(),
        recorded_by=actor)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=contact, family_id=family.pk,
                 detail={"method": method})
    return contact
