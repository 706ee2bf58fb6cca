"""Where Early Help meets statutory services: the lead professional stepping a family up to MASH, a social worker
stepping a family down from a Child in Need plan to Early Help, and a practitioner's same-day contact with MASH when
a child may be at immediate risk."""


from collections.abc import Iterable
from dataclasses import dataclass
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
from hearth.referrals.models import (
    SCREENING_TOOL_IN_A_SENTENCE,
    ContactMethod,
    ImmediateRiskContact,
    Referral,
    ReferralKind,
    ScreeningTool,
    ScreeningToolKind,
    StepDown,
)
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosure_record

EARLY_HELP_LEVELS = (1, 2, 3)
# How far ahead of the server's clock a recorded contact time may be (clocks on phones and PCs drift).
CLOCK_TOLERANCE = timedelta(minutes=5)


# ---------------------------------------------------------------------------------------------------
# Screening tools sent with a step-up

# How long each answer about a screening tool may be.
TOOL_NAME_LENGTH = 200
COMPLETED_BY_LENGTH = 200
FINDINGS_LENGTH = 1_000


@dataclass
class ScreeningToolEntry:
    """One screening tool the referrer says was completed, as typed: which tool (a `ScreeningToolKind`, with its
    name for "Other"), the day it was completed, who completed it (blank: the referrer) and what it found. An entry
    with nothing in it is no entry."""

    tool: str = ""
    other_name: str = ""
    completed_on: date | None = None
    completed_by: str = ""
    findings: str = ""

    @property
    def empty(self) -> bool:
        return not (self.tool or (self.other_name or "").strip() or self.completed_on
                    or (self.completed_by or "").strip() or (self.findings or "").strip())

    def in_a_sentence(self) -> str:
        """The tool as a sentence names it: "the Neglect Toolkit", or the name given for another tool."""
        if self.tool == ScreeningToolKind.OTHER and (self.other_name or "").strip():
            return self.other_name.strip()
        return SCREENING_TOOL_IN_A_SENTENCE.get(self.tool, "the screening tool")


def screening_tool_problems(entries: Iterable[ScreeningToolEntry], *, today: date | None = None) -> dict[str, str]:
    """What is wrong with the screening tools given, as {field: message}, each entry's fields named by its place
    from 1 (`screening_2_completed_on`); writes nothing. An empty entry is skipped; one partly filled in is told
    what it lacks, naming the tool. The step-up page also shows these beside its own errors
    (`web.forms.show_checks`)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    for n, entry in enumerate(entries, start=1):
        if entry.empty:
            continue
        key = f"screening_{n}_"
        other_name = (entry.other_name or "").strip()
        if entry.tool not in ScreeningToolKind.values:
            errors[key + "tool"] = f"Choose which tool was completed for screening tool {n}"
        elif entry.tool == ScreeningToolKind.OTHER and not other_name:
            errors[key + "other_name"] = "Enter the name of the other screening tool"
        if len(other_name) > TOOL_NAME_LENGTH:
            errors[key + "other_name"] = f"The tool's name must be {TOOL_NAME_LENGTH:,} characters or fewer"
        tool = entry.in_a_sentence()
        if entry.completed_on is None:
            errors[key + "completed_on"] = f"Enter the date {tool} was completed"
        elif entry.completed_on > today:
            errors[key + "completed_on"] = f"The date {tool} was completed must be today or in the past"
        if len((entry.completed_by or "").strip()) > COMPLETED_BY_LENGTH:
            errors[key + "completed_by"] = (f"Who completed {tool} must be {COMPLETED_BY_LENGTH:,} characters "
                                            "or fewer")
        findings = (entry.findings or "").strip()
        if not findings:
            errors[key + "findings"] = f"Describe what {tool} found"
        elif len(findings) > FINDINGS_LENGTH:
            errors[key + "findings"] = f"What {tool} found must be {FINDINGS_LENGTH:,} characters or fewer"
    return errors


def _screening_tools_save(actor, referral: Referral, entries: Iterable[ScreeningToolEntry]) -> list[ScreeningTool]:
    """Save the entries that are not empty, in their order, each audited as part of the step-up. Checked already."""
    saved = []
    for entry in (e for e in entries if not e.empty):
        completed_by = (entry.completed_by or "").strip() or f"{actor.full_name} ({actor.agency.name})"
        tool = ScreeningTool.objects.create(
            referral=referral, position=len(saved) + 1, tool=entry.tool,
            other_name=entry.other_name.strip() if entry.tool == ScreeningToolKind.OTHER else "",
            completed_on=entry.completed_on, completed_by=completed_by[:COMPLETED_BY_LENGTH],
            findings=entry.findings.strip())
        trail.record(actor=actor, action=AuditAction.CREATE, obj=tool, family_id=referral.family_id,
                     detail={"referral": referral.pk, "tool": entry.tool})
        saved.append(tool)
    return saved


# ---------------------------------------------------------------------------------------------------
# Step up


def referral_step_up(*, actor, episode: Episode, concerns: str, consent_sought: bool | None,
                     consent_not_sought_reason: str = "", tried_already: str = "", hoped_for: str = "",
                     same_day_triggers=(), screening_tools: Iterable[ScreeningToolEntry] = ()) -> Referral:
    """The lead professional refers the family to MASH: a multi-agency referral with the family's documents and
    the screening tools completed that show the risk rising (`screening_tools`, each audited), as urgent as the
    same-working-day situations they say apply (within one working day when none does: `referrals.urgency`)."""
    if not policy.can_manage_episode(actor, episode):
        raise NotPermitted("Only the lead professional, the locality's coordinator or the lead's manager can step "
                           "a family up to MASH.", object_type="cases.episode", object_id=episode.pk)
    screening_tools = list(screening_tools)
    errors = {}
    urgent = services.triggers_and_urgency(ReferralKind.STEP_UP, same_day_triggers, errors)
    if not (concerns or "").strip():
        errors["concerns"] = "Describe why you are referring the family to MASH"
    if consent_sought is None:
        errors["consent_sought"] = "Say whether you sought the family's consent to this referral"
    elif not consent_sought and not (consent_not_sought_reason or "").strip():
        errors["consent_not_sought_reason"] = ("Say why consent was not sought, for example that seeking it would "
                                               "increase the risk to the child")
    errors.update(screening_tool_problems(screening_tools))
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
        tools = _screening_tools_save(actor, referral, screening_tools)
        trail.record(actor=actor, action=AuditAction.CREATE, obj=referral, family_id=family.pk,
                     detail={"kind": ReferralKind.STEP_UP, "consent_sought": consent_sought,
                             "urgency": referral.urgency, "screening_tools": [t.pk for t in tools]})
        disclosure_record(
            actor=actor, family=family, kind=DisclosureKind.STEP_UP_BUNDLE,
            what="Multi-agency referral with the latest assessment, plan, Team Around the Family minutes and "
                 "genogram" + (", and the screening tools completed" if tools else ""),
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
                                      due=review_dates.default_date(episode.family.council, episode=episode))
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
