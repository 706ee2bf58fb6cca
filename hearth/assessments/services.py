"""Every write to an Early Help Assessment: starting it, its sections, each child's view, professional
views from other agencies, the outcome scores taken with it, completing it and starting a new version.

Each validates, saves and audits in the caller's transaction. Texts are saved with optimistic concurrency
(`UPDATE ... WHERE version = v`): a save based on an old version is refused with `EditConflict`, which
carries what is saved now so the page can show both texts and nothing is lost.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import InvolvedAs
from hearth.assessments import events, selectors
from hearth.assessments.models import (
    REQUIRED_SECTIONS,
    Assessment,
    AssessmentStatus,
    ChildView,
    Contribution,
    ContributionStatus,
    Section,
    SectionKey,
    ViewMethod,
)
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases import services as cases_services
from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from hearth.outbox import services as outbox
from hearth.outcomes import services as outcome_services
from hearth.sharing import services as sharing

LOCKED_MESSAGE = "This assessment is completed. Start a new version to make changes."
SECTION_CONFLICT_MESSAGE = (
    "Someone else saved this section while you were editing. Your text has not been saved yet: it is still in "
    "the form below, and what they saved is shown above it. Combine the two, then save again."
)
CHILD_VIEW_CONFLICT_MESSAGE = (
    "Someone else saved this child's view while you were editing. Your text has not been saved yet: it is still "
    "in the form below, and what they saved is shown above it. Combine the two, then save again."
)
CONTRIBUTION_CONFLICT_MESSAGE = (
    "This part was saved from another window while you were editing. Your text has not been saved yet: it is "
    "still in the form below, and what was saved is shown above it. Combine the two, then save again."
)
INVITATION_SUBJECT = "You have been asked to contribute to an Early Help Assessment"
INVITATION_BODY = (
    "You have been asked to contribute to an Early Help Assessment.\n\n"
    "Sign in to Hearth to see the request and write your part.\n"
)


class AssessmentLocked(DomainError):
    """A completed assessment cannot change; a new version can be started from it."""

    def __init__(self, message: str = LOCKED_MESSAGE):
        super().__init__(message, code="locked")


class AssessmentRefused(DomainError):
    """The assessment cannot do this now (closed episode, newer version exists...). The message says why."""

    def __init__(self, message: str):
        super().__init__(message, code="refused")


class EditConflict(Conflict):
    """Someone else saved since the form was opened. `current` is what is saved now (with its new version)."""

    def __init__(self, message: str, *, current):
        super().__init__(message)
        self.current = current


# --- access -------------------------------------------------------------------------------------


def _require_writer(actor, family, episode) -> None:
    if not selectors.can_write(actor, family, episode):
        raise NotPermitted("Only practitioners working with the family can change the assessment. If you were "
                           "asked for your professional view, write it in your own part.",
                           object_type="people.family", object_id=family.pk)


def _require_draft(assessment: Assessment) -> None:
    """Read from the database, not the instance: someone may have completed it since it was loaded."""
    if not Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.DRAFT).exists():
        raise AssessmentLocked()


# --- starting -----------------------------------------------------------------------------------


def draft_for_family(family) -> Assessment | None:
    return (
        Assessment.objects.filter(family=family, status=AssessmentStatus.DRAFT)
        .select_related("episode__lead_professional__agency")
        .first()
    )


def held_by_message(draft: Assessment | None) -> str:
    """The refusal when a family already has an assessment in progress: who to contact instead."""
    start = "This family already has an Early Help Assessment in progress. There can only be one at a time."
    lead = draft.episode.lead_professional if draft else None
    if lead is None:
        return f"{start} It has no lead professional yet: contact the Early Help team."
    return f"{start} Contact its lead professional, {lead.full_name} ({lead.agency.name})."


def _create_version(*, actor, episode, number: int, previous: Assessment | None) -> Assessment:
    try:
        with transaction.atomic():
            return Assessment.objects.create(episode=episode, family=episode.family, number=number,
                                             previous=previous, started_by=actor)
    except IntegrityError as exc:
        # Another request started one between our checks and our insert: the database decided.
        draft = draft_for_family(episode.family)
        if draft is not None:
            raise Conflict(held_by_message(draft)) from exc
        raise Conflict("Someone else has just started this assessment. Open it from the episode page.") from exc


@transaction.atomic
def assessment_start(*, actor, episode) -> Assessment:
    """Start the family's assessment (version 1) in an open episode: every section, and a view per child."""
    family = episode.family
    _require_writer(actor, family, episode)
    if not episode.is_open:
        raise AssessmentRefused("This episode is closed, so an assessment cannot be started in it.")
    draft = draft_for_family(family)
    if draft is not None:
        raise Conflict(held_by_message(draft))
    if Assessment.objects.filter(episode=episode).exists():
        raise Conflict("This episode already has an assessment. To change it, start a new version from the "
                       "latest one.")
    assessment = _create_version(actor=actor, episode=episode, number=1, previous=None)
    Section.objects.bulk_create([Section(assessment=assessment, key=key) for key in SectionKey.values])
    children = selectors.family_children(family)
    ChildView.objects.bulk_create([ChildView(assessment=assessment, child=child) for child in children])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=assessment, family_id=family.pk,
                 detail={"number": 1, "episode": episode.pk})
    return assessment


@transaction.atomic
def child_views_add_missing(*, actor, assessment: Assessment) -> int:
    """Add a view for each child who joined the family after the assessment started. Returns how many."""
    _require_writer(actor, assessment.family, assessment.episode)
    _require_draft(assessment)
    have = set(ChildView.objects.filter(assessment=assessment).values_list("child_id", flat=True))
    missing = [c for c in selectors.family_children(assessment.family) if c.pk not in have]
    if missing:
        try:
            with transaction.atomic():
                ChildView.objects.bulk_create([ChildView(assessment=assessment, child=c) for c in missing])
        except IntegrityError as exc:
            raise Conflict("Someone else has just added these children's views. Reload the assessment.") from exc
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=assessment, family_id=assessment.family_id,
                     detail={"child_views_added": [c.pk for c in missing]})
    return len(missing)


# --- sections and children's views ---------------------------------------------------------------


@transaction.atomic
def section_save(*, actor, section: Section, version: int, facts: str, opinions: str) -> Section:
    """Save a section's facts and opinions if nobody else saved it since `version` was read."""
    assessment = section.assessment
    _require_writer(actor, assessment.family, assessment.episode)
    _require_draft(assessment)
    facts, opinions = (facts or "").strip(), (opinions or "").strip()
    updated = Section.objects.filter(pk=section.pk, version=version, assessment__status=AssessmentStatus.DRAFT).update(
        facts=facts, opinions=opinions, version=version + 1, updated_by=actor, updated_at=timezone.now())
    if not updated:
        current = Section.objects.select_related("assessment", "updated_by__agency").get(pk=section.pk)
        if current.assessment.is_locked:
            raise AssessmentLocked()
        raise EditConflict(SECTION_CONFLICT_MESSAGE, current=current)
    section.refresh_from_db()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=section, family_id=assessment.family_id,
                 detail={"assessment": assessment.pk, "section": section.key})
    return section


@transaction.atomic
def child_view_save(*, actor, child_view: ChildView, version: int, method: str, in_their_words: str,
                    worker_reflection: str) -> ChildView:
    """Save one child's view (how it was gathered, their words, what the practitioner makes of it)."""
    assessment = child_view.assessment
    _require_writer(actor, assessment.family, assessment.episode)
    _require_draft(assessment)
    method = method or ""
    in_their_words, worker_reflection = (in_their_words or "").strip(), (worker_reflection or "").strip()
    if method and method not in ViewMethod.values:
        raise ValidationFailed({"method": "Choose how the child's view was gathered"})
    if (in_their_words or worker_reflection) and not method:
        raise ValidationFailed({"method": "Choose how the child's view was gathered"})
    updated = ChildView.objects.filter(
        pk=child_view.pk, version=version, assessment__status=AssessmentStatus.DRAFT
    ).update(method=method, in_their_words=in_their_words, worker_reflection=worker_reflection,
             version=version + 1, updated_by=actor, updated_at=timezone.now())
    if not updated:
        current = ChildView.objects.select_related("assessment", "child", "updated_by__agency").get(pk=child_view.pk)
        if current.assessment.is_locked:
            raise AssessmentLocked()
        raise EditConflict(CHILD_VIEW_CONFLICT_MESSAGE, current=current)
    child_view.refresh_from_db()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=child_view, family_id=assessment.family_id,
                 person_id=child_view.child_id, detail={"assessment": assessment.pk})
    return child_view


# --- professional views ----------------------------------------------------------------------------


def _notify(user, subject: str, body: str) -> None:
    if user is not None and user.email:
        outbox.send(to=user.email, subject=subject, body=body, kind="assessment.contribution")


@transaction.atomic
def contribution_invite(*, actor, assessment: Assessment, invitee, request_note: str = "") -> Contribution:
    """Ask a named practitioner of another agency in the council for their professional view.

    They are involved with the family as a contributor (so they can reach the assessment) and emailed,
    with nothing about the family in the email. Their agency must be covered by the family's consent to
    share or by a lawful basis (the access policy).
    """
    family = assessment.family
    _require_writer(actor, family, assessment.episode)
    _require_draft(assessment)
    errors = {}
    if invitee is None or not invitee.is_active or invitee.agency.council_id != family.council_id:
        errors["invitee"] = "Choose an active practitioner in this council"
    elif invitee.agency_id == actor.agency_id:
        errors["invitee"] = "Choose a practitioner from another agency"
    elif not policy.can_create_records(invitee):
        errors["invitee"] = "Choose a practitioner who works with families"
    if "invitee" not in errors and not policy.is_covered(invitee, family):
        errors["invitee"] = (f"The family's consent to share does not cover {invitee.agency.name}. Record their "
                             "consent to share with this agency, or a lawful basis, before asking for a view")
    existing = None
    if "invitee" not in errors:
        existing = Contribution.objects.filter(assessment=assessment, author=invitee).first()
        if existing is not None and existing.status != ContributionStatus.DECLINED:
            errors["invitee"] = f"{invitee.full_name} has already been asked to contribute to this assessment"
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    if existing is not None:  # asked again after declining
        existing.status = ContributionStatus.INVITED
        existing.invited_by, existing.invited_at = actor, now
        existing.request_note = (request_note or "").strip()
        existing.agency_name = invitee.agency.name
        existing.version += 1
        existing.save()
        contribution = existing
    else:
        try:
            with transaction.atomic():
                contribution = Contribution.objects.create(
                    assessment=assessment, author=invitee, agency_name=invitee.agency.name, invited_by=actor,
                    invited_at=now, request_note=(request_note or "").strip())
        except IntegrityError as exc:
            raise ValidationFailed(
                {"invitee": f"{invitee.full_name} has already been asked to contribute to this assessment"}
            ) from exc
    cases_services.involve(actor=actor, family=family, user=invitee, relationship=InvolvedAs.CONTRIBUTOR)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=contribution, family_id=family.pk,
                 detail={"assessment": assessment.pk, "invitee": invitee.pk})
    _notify(invitee, INVITATION_SUBJECT, INVITATION_BODY)
    return contribution


def _require_author(actor, contribution: Contribution) -> None:
    if not policy.can_write_contribution(actor, contribution):
        raise NotPermitted("Only the practitioner who was asked for this view can write or change it.",
                           object_type="assessments.contribution", object_id=contribution.pk)


@transaction.atomic
def contribution_save(*, actor, contribution: Contribution, version: int, facts: str, opinions: str,
                      submit: bool = False) -> Contribution:
    """The author saves their own part; with `submit`, it is sent and shown on the assessment."""
    assessment = contribution.assessment
    _require_author(actor, contribution)
    _require_draft(assessment)
    if Contribution.objects.filter(pk=contribution.pk, status=ContributionStatus.DECLINED).exists():
        raise AssessmentRefused("You declined this request, so you cannot write this part. Ask the lead "
                                "professional to ask you again.")
    facts, opinions = (facts or "").strip(), (opinions or "").strip()
    if submit and not (facts or opinions):
        raise ValidationFailed({"facts": "Write your view before sending it"})
    now = timezone.now()
    fields = {"facts": facts, "opinions": opinions, "version": version + 1}
    if submit:
        fields.update(status=ContributionStatus.SUBMITTED, submitted_at=now)
    updated = (
        Contribution.objects.filter(pk=contribution.pk, version=version, assessment__status=AssessmentStatus.DRAFT)
        .exclude(status=ContributionStatus.DECLINED)
        .update(**fields)
    )
    if not updated:
        current = Contribution.objects.select_related("assessment", "author__agency").get(pk=contribution.pk)
        if current.assessment.is_locked:
            raise AssessmentLocked()
        raise EditConflict(CONTRIBUTION_CONFLICT_MESSAGE, current=current)
    was_submitted = contribution.status == ContributionStatus.SUBMITTED
    contribution.refresh_from_db()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=contribution, family_id=assessment.family_id,
                 detail={"assessment": assessment.pk, "submitted": bool(submit)})
    if submit and not was_submitted:
        _notify(contribution.invited_by, "A professional view has been added to an Early Help Assessment",
                "A practitioner you asked has added their view to an Early Help Assessment.\n\n"
                "Sign in to Hearth to read it.\n")
    return contribution


@transaction.atomic
def contribution_decline(*, actor, contribution: Contribution) -> Contribution:
    """The invitee declines to contribute (for example, they no longer work with the family)."""
    assessment = contribution.assessment
    _require_author(actor, contribution)
    _require_draft(assessment)
    updated = Contribution.objects.filter(pk=contribution.pk, status=ContributionStatus.INVITED).update(
        status=ContributionStatus.DECLINED, version=contribution.version + 1)
    if not updated:
        raise AssessmentRefused("You have already sent or declined this request, so it cannot be declined now.")
    contribution.refresh_from_db()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=contribution, family_id=assessment.family_id,
                 detail={"assessment": assessment.pk, "declined": True})
    _notify(contribution.invited_by, "A request for a professional view was declined",
            "A practitioner you asked for their view on an Early Help Assessment has declined.\n\n"
            "Sign in to Hearth to see who, and to ask someone else if needed.\n")
    return contribution


# --- outcome scores ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_scores_record(*, actor, assessment: Assessment, taken_on: datetime.date, scores: dict):
    """Record the outcome scores taken with the family as part of this assessment (an outcomes Reading)."""
    _require_writer(actor, assessment.family, assessment.episode)
    _require_draft(assessment)
    return outcome_services.reading_record(actor=actor, episode=assessment.episode, taken_on=taken_on,
                                           scores=scores, context="assessment", assessment=assessment)


# --- completing and new versions -----------------------------------------------------------------


def _locked_row(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("episode__family", "episode__lead_professional__team", "family__council")
        .get(pk=assessment.pk)
    )


def completion_problems(assessment: Assessment) -> dict[str, str]:
    """What must be done before the assessment can be completed: {field: plain-English message}."""
    errors = {}
    sections = {s.key: s for s in Section.objects.filter(assessment=assessment, key__in=REQUIRED_SECTIONS)}
    for key in REQUIRED_SECTIONS:
        section = sections.get(key)
        if section is None or not (section.facts.strip() or section.opinions.strip()):
            errors[key] = f"Complete '{SectionKey(key).label}' before completing the assessment"
    if not assessment.readings.exists():
        errors["scores"] = "Record the outcome scores with the family before completing the assessment"
    return errors


@transaction.atomic
def assessment_complete(*, actor, assessment: Assessment) -> Assessment:
    """Complete (lock) the assessment. Needs the family background and at least one outcome reading."""
    _require_writer(actor, assessment.family, assessment.episode)
    assessment = _locked_row(assessment)
    if assessment.is_locked:
        raise AssessmentLocked("This assessment is already completed.")
    errors = completion_problems(assessment)
    if errors:
        raise ValidationFailed(errors)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_by = actor
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["status", "completed_by", "completed_at"])
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=assessment, family_id=assessment.family_id,
                 detail={"completed": True, "number": assessment.number})
    sharing.assessment_notice(actor=actor, assessment=assessment)
    # If the Team Around the Family has already met and set out the plan, completing the assessment may be
    # the last thing the plan was waiting for.
    events.assessment_completed.call(actor=actor, episode=assessment.episode)
    return assessment


@transaction.atomic
def assessment_new_version(*, actor, assessment: Assessment) -> Assessment:
    """Start version number+1 from a completed assessment, copying every section, child's view and sent
    professional view (each keeping its author). The completed version stays locked and viewable."""
    _require_writer(actor, assessment.family, assessment.episode)
    assessment = _locked_row(assessment)
    episode = assessment.episode
    if not episode.is_open:
        raise AssessmentRefused("This episode is closed, so its assessment cannot have a new version.")
    if not assessment.is_locked:
        raise AssessmentRefused("This assessment is still a draft: change it directly. A new version can only "
                                "be started from a completed assessment.")
    if Assessment.objects.filter(previous=assessment).exists():
        raise Conflict("A newer version of this assessment already exists. Open the latest version instead.")
    draft = draft_for_family(assessment.family)
    if draft is not None:
        raise Conflict(held_by_message(draft))
    new = _create_version(actor=actor, episode=episode, number=assessment.number + 1, previous=assessment)
    now = timezone.now()
    old_sections = {s.key: s for s in assessment.sections.all()}
    Section.objects.bulk_create([
        Section(assessment=new, key=key, facts=getattr(old_sections.get(key), "facts", ""),
                opinions=getattr(old_sections.get(key), "opinions", ""), updated_by=actor, updated_at=now)
        for key in SectionKey.values
    ])
    old_views = list(assessment.child_views.all())
    seen = {v.child_id for v in old_views}
    new_children = [c for c in selectors.family_children(assessment.family) if c.pk not in seen]
    ChildView.objects.bulk_create(
        [ChildView(assessment=new, child_id=v.child_id, method=v.method, in_their_words=v.in_their_words,
                   worker_reflection=v.worker_reflection, updated_by=actor, updated_at=now) for v in old_views]
        + [ChildView(assessment=new, child=c) for c in new_children]
    )
    Contribution.objects.bulk_create([
        Contribution(assessment=new, author_id=c.author_id, agency_name=c.agency_name, invited_by_id=c.invited_by_id,
                     invited_at=c.invited_at, request_note=c.request_note, status=ContributionStatus.SUBMITTED,
                     facts=c.facts, opinions=c.opinions, submitted_at=c.submitted_at)
        for c in assessment.contributions.filter(status=ContributionStatus.SUBMITTED)
    ])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=new, family_id=new.family_id,
                 detail={"number": new.number, "previous": assessment.pk})
    return new
