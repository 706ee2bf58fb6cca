"""Every write for requests for support, step-up referrals, screening decisions, step down from social care
and immediate-risk contacts with MASH. Each validates, saves and audits in the caller's transaction."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import services as cases
from hearth.cases.models import Episode, EpisodeOrigin, EpisodeReason, LevelSource
from hearth.core import identifiers
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.locking import locked
from hearth.families import services as people
from hearth.outbox import services as outbox
from hearth.people.models import Family, FamilyMember, MemberRole
from hearth.referrals import urgency
from hearth.referrals.models import (
    AgreementMethod,
    Decision,
    Referral,
    ReferralKind,
    ReferralStatus,
    RequesterKind,
)
from hearth.sharing.models import DisclosureKind
from hearth.sharing.services import disclosure_record

REFERENCE_PREFIX = "RFS"
REFERENCE_ATTEMPTS = 5
# Decisions after which a stepped-up family returns to Early Help; the others start social work.
RETURN_TO_EARLY_HELP = (Decision.ADVICE, Decision.CONSENT_FIRST, Decision.EARLY_HELP_PLAN)


# ---------------------------------------------------------------------------------------------------
# Helpers


def _next_reference(year: int) -> str:
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = (Referral.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    try:
        number = int(last[len(prefix):]) + 1 if last else 1
    except ValueError:
        number = Referral.objects.filter(reference__startswith=prefix).count() + 1
    return f"{prefix}{number:06d}"


def save_with_reference(referral: Referral) -> Referral:
    """Give the referral the next reference of the year, like RFS-2026-000042, and save it.

    The reference is unique in the database: when two requests arrive at once, the second insert fails
    on the unique index (inside its own savepoint) and takes the next number.
    """
    year = timezone.localdate().year
    for _ in range(REFERENCE_ATTEMPTS):
        referral.reference = _next_reference(year)
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError:
            referral.pk = None
            continue
        return referral
    raise Conflict("Several requests arrived at the same moment and this one could not be given a reference. "
                   "Send it again: nothing has been saved.")


def requester_from(user) -> dict:
    return {
        "requester_kind": RequesterKind.PRACTITIONER,
        "requester_user": user,
        "requester_name": user.full_name,
        "requester_email": user.email,
        "requester_phone": user.phone,
        "requester_agency": user.agency.name,
        "requester_relationship": user.job_title,
    }


def triggers_and_urgency(kind: str, triggers, errors: dict) -> dict:
    """The same-working-day situations the referrer ticked and the urgency they give (`referrals.urgency`), as the
    referral's fields; an error in `errors` for a situation that is not one of the guidance's."""
    try:
        cleaned = urgency.clean_triggers(triggers)
    except ValueError as exc:
        errors["same_day_triggers"] = str(exc)
        cleaned = []
    return {"same_day_triggers": cleaned, "urgency": urgency.urgency_for(kind, cleaned)}


def _holder(episode: Episode) -> str:
    lead = episode.lead_professional
    if lead is None:
        return "It has no lead professional yet: contact the Early Help team."
    return f"Contact its lead professional, {lead.full_name} ({lead.agency.name})."


def _require_screener(actor, referral: Referral) -> None:
    """MASH screeners and coordinators of the referral's own council."""
    if not policy.can_screen_referral(actor, referral):
        raise NotPermitted(object_type="referrals.referral", object_id=referral.pk)


CHANGED_ELSEWHERE = ("Someone else changed this referral while you were working on it. Your text is still below: "
                     "check the latest details, then try again.")


def _lock(referral: Referral) -> Referral:
    return locked(Referral.objects.select_related("council", "family", "episode", "requester_user__agency"),
                  referral.pk)


def _check_version(fresh: Referral, version: int | None) -> None:
    """After the already-screened check, so that its message wins (`core.locking` for the lock itself)."""
    if version is not None and fresh.version != version:
        raise Conflict(CHANGED_ELSEWHERE)


def valid_lead(user, council_id: int) -> bool:
    return bool(user and user.is_active and user.agency.council_id == council_id)


def members_text(family: Family) -> str:
    """Who is in the family, as a snapshot written into the referral."""
    lines = []
    members = (FamilyMember.objects.filter(family=family, left_on__isnull=True).select_related("person")
               .order_by("role", "person__date_of_birth", "person__pk"))
    for member in members:
        person = member.person
        born = f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""
        lines.append(f"{person.given_name} {person.family_name} ({member.get_role_display()}{born})")
    return "\n".join(lines)


_PHONE = re.compile(r"[0-9+()\-\s]{7,25}")


def _clean_phone(value: str) -> str:
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    if not _PHONE.fullmatch(value) or not 10 <= len(digits) <= 15:
        raise ValueError("Enter a phone number, like 01632 960 001 or 07700 900 982")
    return value


# ---------------------------------------------------------------------------------------------------
# Requests for support


def _ensure_no_open_request(family: Family) -> None:
    episode = cases.open_episode_for(family)
    if episode:
        raise Conflict(f"This family already has an open Early Help episode. {_holder(episode)}")
    waiting = (Referral.objects.filter(family=family, status=ReferralStatus.AWAITING_SCREENING)
               .values_list("reference", flat=True).first())
    if waiting:
        raise Conflict(f"A request for support for this family ({waiting}) is already waiting for screening. "
                       "Contact the Early Help team to add to it.")


def referral_request_create(*, actor, family: Family, concerns: str, family_agrees: bool | None,
                            tried_already: str = "", hoped_for: str = "", agreement_method: str = "",
                            agreement_given_by: str = "", same_day_triggers=()) -> Referral:
    """A practitioner asks for support on a family's behalf. It lands in the council's screening queue, as urgent
    as the same-working-day situations they say apply (`referrals.urgency`), naming the family's members then."""
    if not policy.can_edit_family(actor, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    errors = {}
    urgent = triggers_and_urgency(ReferralKind.REQUEST, same_day_triggers, errors)
    if not (concerns or "").strip():
        errors["concerns"] = "Describe your concerns for the family"
    if family_agrees is None:
        errors["family_agrees"] = "Say whether the family agrees to this request for support"
    elif family_agrees:
        if agreement_method not in (AgreementMethod.WRITTEN, AgreementMethod.VERBAL):
            errors["agreement_method"] = "Say how the family gave their agreement: in writing or verbally"
        if not (agreement_given_by or "").strip():
            errors["agreement_given_by"] = "Enter who in the family gave their agreement"
    if errors:
        raise ValidationFailed(errors)
    _ensure_no_open_request(family)
    referral = Referral(
        council_id=family.council_id, kind=ReferralKind.REQUEST, family=family, **requester_from(actor),
        family_details=members_text(family), **urgent, concerns=concerns.strip(),
        tried_already=(tried_already or "").strip(), hoped_for=(hoped_for or "").strip(),
        family_agrees=family_agrees,
        agreement_method=agreement_method if family_agrees else AgreementMethod.NOT_YET,
        agreement_given_by=(agreement_given_by or "").strip() if family_agrees else "",
    )
    save_with_reference(referral)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=referral, family_id=family.pk,
                 detail={"kind": ReferralKind.REQUEST, "urgency": referral.urgency})
    return referral


@dataclass
class PublicRequest:
    """What a parent, carer or young person tells us on the public request-for-support page."""

    requester_kind: str
    name: str
    concerns: str
    email: str = ""
    phone: str = ""
    relationship: str = ""
    family_details: str = ""
    address: str = ""
    postcode: str = ""
    tried_already: str = ""
    hoped_for: str = ""
    agrees: bool = False
    same_day_triggers: tuple = ()


def referral_public_create(*, council, request: PublicRequest) -> Referral:
    """A request for support from the family itself (no sign-in). Audited with no actor."""
    errors = {}
    if request.requester_kind not in (RequesterKind.PARENT, RequesterKind.YOUNG_PERSON):
        errors["requester_kind"] = "Say whether you are a parent or carer, or a young person"
    name = (request.name or "").strip()
    if not name:
        errors["name"] = "Enter your name"
    email = (request.email or "").strip()
    phone = (request.phone or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if phone:
        try:
            phone = _clean_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if not email and not phone:
        errors["email"] = "Enter an email address or a phone number, so that we can tell you what happens next"
    if not (request.family_details or "").strip():
        errors["family_details"] = "Tell us who is in your family"
    postcode = ""
    if (request.postcode or "").strip():
        try:
            postcode = identifiers.clean_postcode(request.postcode)
        except ValueError as exc:
            errors["postcode"] = str(exc)
    if not (request.concerns or "").strip():
        errors["concerns"] = "Tell us what you would like help with"
    if not request.agrees:
        errors["agrees"] = "Confirm that you agree to this request for support"
    urgent = triggers_and_urgency(ReferralKind.REQUEST, request.same_day_triggers, errors)
    if errors:
        raise ValidationFailed(errors)
    referral = Referral(
        council=council, kind=ReferralKind.REQUEST, requester_kind=request.requester_kind, requester_name=name,
        requester_email=email, requester_phone=phone, requester_relationship=(request.relationship or "").strip(),
        family_details=request.family_details.strip(), address=(request.address or "").strip(), postcode=postcode,
        concerns=request.concerns.strip(), tried_already=(request.tried_already or "").strip(),
        hoped_for=(request.hoped_for or "").strip(), family_agrees=True, agreement_method=AgreementMethod.WRITTEN,
        agreement_given_by=name, **urgent,
    )
    save_with_reference(referral)
    trail.record(actor=None, action=AuditAction.CREATE, obj=referral,
                 detail={"kind": ReferralKind.REQUEST, "requester_kind": request.requester_kind, "public": True,
                         "urgency": referral.urgency})
    return referral


# ---------------------------------------------------------------------------------------------------
# Linking a request to a family record


@dataclass
class NewFamily:
    """A new family record made from a request, with its first member."""

    name: str
    role: str
    given_name: str
    family_name: str
    date_of_birth: date | None = None


def referral_link_family(*, actor, referral: Referral, version: int, family: Family | None = None,
                         new_family: NewFamily | None = None) -> Referral:
    """Attach a request to a family record the screener can see, or to a new one made from the request.
    The screener then holds the family through a MASH involvement."""
    _require_screener(actor, referral)
    if (family is None) == (new_family is None):
        raise ValidationFailed({"family": "Choose an existing family record or create a new one"})
    if new_family is not None:
        errors = {}
        if not new_family.name.strip():
            errors["name"] = "Enter a name for the family, like the Smith family"
        if new_family.role not in MemberRole.values:
            errors["role"] = "Choose the person's role in the family"
        if errors:
            raise ValidationFailed(errors)
    with transaction.atomic():
        fresh = _lock(referral)
        _check_version(fresh, version)
        if fresh.family_id:
            raise Conflict("This request is already linked to a family record.")
        if family is not None:
            if family.council_id != fresh.council_id or not policy.can_view_family(actor, family):
                raise NotPermitted(object_type="people.family", object_id=family.pk)
        else:
            family = people.family_create(actor=actor, name=new_family.name)
            people.person_create(actor=actor, family=family, role=new_family.role,
                                 data={"given_name": new_family.given_name, "family_name": new_family.family_name,
                                       "date_of_birth": new_family.date_of_birth})
        cases.involve(actor=actor, family=family, user=actor, relationship=InvolvedAs.MASH)
        fresh.family = family
        fresh.version += 1
        fresh.save(update_fields=["family", "version"])
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=family.pk,
                     detail={"linked_family": family.pk, "new_family": new_family is not None})
    return fresh


# ---------------------------------------------------------------------------------------------------
# Screening


@dataclass
class Screening:
    """A screening decision on a request for support or a step-up referral."""

    level: int | None
    level_reasons: str
    decision: str
    outcome_message: str
    decision_notes: str = ""
    named_lead: object = None  # a User: the lead professional when an Early Help plan is needed
    reason: str = ""  # the main reason for Early Help (EpisodeReason), when a request opens an episode
    told_by_phone: bool = False


def _validate_screening(referral: Referral, s: Screening) -> None:
    errors = {}
    if s.level not in (1, 2, 3, 4):
        errors["level"] = "Choose a level of need"
    if not (s.level_reasons or "").strip():
        errors["level_reasons"] = "Give the reasons for the level of need"
    if s.decision not in Decision.values:
        errors["decision"] = "Choose the decision"
    if not (s.outcome_message or "").strip():
        errors["outcome_message"] = "Write the message that tells the person who asked what will happen"
    if s.decision == Decision.EARLY_HELP_PLAN:
        if s.level == 4:
            errors["level"] = ("An Early Help plan is for levels 1 to 3. At level 4 choose a social-work "
                               "assessment or an emergency response")
        if s.named_lead is None:
            errors["named_lead"] = "Choose the lead professional for the Early Help plan"
        elif not valid_lead(s.named_lead, referral.council_id):
            errors["named_lead"] = "Choose an active practitioner in this council"
        if referral.kind == ReferralKind.REQUEST:
            if referral.family_id is None:
                errors["family"] = "Link this request to a family record before deciding that a plan is needed"
            if s.reason not in EpisodeReason.values:
                errors["reason"] = "Choose the main reason for Early Help"
    if not referral.requester_email and referral.requester_phone and not s.told_by_phone:
        errors["told_by_phone"] = ("The person who asked gave only a phone number. Phone them to tell them the "
                                   "outcome, then confirm that you have")
    if errors:
        raise ValidationFailed(errors)


def _apply_to_episode(*, actor, referral: Referral, s: Screening) -> Episode | None:
    """The decision's effect on the family's Early Help episode."""
    label = Decision(s.decision).label
    if referral.kind == ReferralKind.REQUEST:
        if s.decision != Decision.EARLY_HELP_PLAN:
            return referral.episode
        return cases.episode_open_as_step(
            actor=actor, family=referral.family, reason=s.reason, level=s.level, lead=s.named_lead,
            origin=EpisodeOrigin.REQUEST, level_reasons=s.level_reasons.strip(), source=LevelSource.SCREENING)
    transition = "mash_returned" if s.decision in RETURN_TO_EARLY_HELP else "social_work_started"
    episode = cases.episode_transition(actor=actor, episode=referral.episode, transition=transition,
                                       note=f"{referral.reference}: {label}")
    if episode.level != s.level:
        episode = cases.episode_change_level_as_step(actor=actor, episode=episode, level=s.level,
                                             reasons=s.level_reasons, source=LevelSource.SCREENING)
    if s.decision == Decision.EARLY_HELP_PLAN and s.named_lead.pk != episode.lead_professional_id:
        episode = cases.episode_assign_lead_as_step(actor=actor, episode=episode, user=s.named_lead,
                                            note=f"Named by MASH screening, {referral.reference}")
    return episode


def referral_decide(*, actor, referral: Referral, version: int, screening: Screening) -> Referral:
    """Record the screening decision, apply it to the family's episode and tell the person who asked.

    A request for support decided as needing an Early Help plan opens an episode led by the named lead.
    A step-up returns to Early Help (advice, consent first, a plan) or moves to social work (a social-work
    assessment, an emergency response; Early Help continues).
    """
    _require_screener(actor, referral)
    with transaction.atomic():
        fresh = _lock(referral)
        if fresh.status == ReferralStatus.DECIDED:
            raise Conflict(f"This referral has already been screened: {fresh.get_decision_display().lower()}, "
                           f"on {timezone.localtime(fresh.screened_at):%-d %B %Y}.")
        _check_version(fresh, version)
        _validate_screening(fresh, screening)
        episode = _apply_to_episode(actor=actor, referral=fresh, s=screening)
        now = timezone.now()
        if fresh.requester_email:
            told_how, told_at = "email", now
        elif fresh.requester_phone:
            told_how, told_at = "phone", now
        else:
            told_how, told_at = "", None
        fresh.status = ReferralStatus.DECIDED
        fresh.episode = episode
        fresh.screened_by = actor
        fresh.screened_at = now
        fresh.level = screening.level
        fresh.level_reasons = screening.level_reasons.strip()
        fresh.decision = screening.decision
        fresh.decision_notes = (screening.decision_notes or "").strip()
        fresh.named_lead = screening.named_lead if screening.decision == Decision.EARLY_HELP_PLAN else None
        fresh.outcome_message = screening.outcome_message.strip()
        fresh.outcome_told_at = told_at
        fresh.outcome_told_how = told_how
        fresh.version += 1
        fresh.save()
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=fresh.family_id,
                     detail={"decision": screening.decision, "level": screening.level})
        entry = None
        if fresh.family_id:
            cases.involve(actor=actor, family=fresh.family, user=actor, relationship=InvolvedAs.MASH)
            if told_how:
                entry = disclosure_record(by_email=told_how == "email",
                    actor=actor, family=fresh.family, kind=DisclosureKind.REFERRAL_OUTCOME,
                    what="The screening decision and the outcome message written for the person who asked",
                    recipient=f"{fresh.requester_name}, by {told_how}",
                    recipient_agency=fresh.requester_user.agency if fresh.requester_user_id else None,
                    purpose="Tell the person who asked for support what will happen",
                    basis="Public task: responding to a request for support", obj=fresh)
        if told_how == "email":
            outbox.send(
                to=fresh.requester_email, subject=f"Your request for support: {fresh.reference}",
                body=f"{fresh.outcome_message}\n\nYour reference is {fresh.reference}.\n\n"
                     f"{fresh.council.service_name}", kind="referral.outcome", about=entry)
    return fresh
