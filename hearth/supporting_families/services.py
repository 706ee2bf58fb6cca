"""Writing the programme's records: a family's headline needs, the judgements of progress against them, and the
council team's check of each claim. Every write is checked against the access policy and audited."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.cases.models import Episode, EpisodeStatus
from hearth.core.dates import add_months
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.programme import HEADLINE_NEEDS
from hearth.people.models import FamilyMember
from hearth.supporting_families import rules
from hearth.supporting_families.models import Claim, ClaimDecision, Need, Progress, Stage
from hearth.supporting_families.selectors import claim_state, may_check_claims

NOT_TAKING_PART = "This council does not take part in the Supporting Families programme"


def _check_day(errors: dict, field: str, day: date | None, what: str) -> None:
    if day is None:
        errors[field] = f"Enter the date {what}"
    elif day > timezone.localdate():
        errors[field] = f"The date {what} must be today or in the past"


def _text(errors: dict, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


@transaction.atomic
def need_record(*, actor, family, need: str, descriptor: str, person, evidence: str,
                identified_on: date | None) -> Need:
    """Record that one of the ten headline needs applies to the family, with the evidence."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    council = family.council
    if not rules.takes_part(council):
        errors["need"] = NOT_TAKING_PART
    elif need not in HEADLINE_NEEDS:
        errors["need"] = "Choose the headline need"
    elif Need.objects.filter(family=family, need=need, removed_on__isnull=True).exists():
        errors["need"] = f"“{HEADLINE_NEEDS[need]}” is already recorded for this family"
    elif descriptor and not rules.descriptor_text(council, need, descriptor):
        errors["descriptor"] = "Choose one of the council's descriptors of this need"
    elif not descriptor and rules.descriptors(council).get(need):
        errors["descriptor"] = "Choose which of the council's descriptors shows the need"
    if person is not None and not FamilyMember.objects.filter(family=family, person=person).exists():
        errors["person"] = "Choose someone in the family"
    evidence = _text(errors, "evidence", evidence, "Enter the evidence of the need")
    _check_day(errors, "identified_on", identified_on, "the need was identified")
    if errors:
        raise ValidationFailed(errors)
    episode = Episode.objects.filter(family=family).order_by("-started_on", "-pk").first()
    try:
        with transaction.atomic():
            record = Need.objects.create(family=family, episode=episode, need=need, descriptor=descriptor,
                                         person=person, evidence=evidence, identified_on=identified_on,
                                         recorded_by=actor)
    except IntegrityError as exc:  # someone recorded the same need a moment ago
        raise ValidationFailed({"need": f"“{HEADLINE_NEEDS[need]}” is already recorded for this family"}) from exc
    trail.record(actor=actor, action=AuditAction.CREATE, obj=record, family_id=family.pk,
                 person_id=person.pk if person else None, detail={"need": need})
    return record


@transaction.atomic
def need_remove(*, actor, need: Need, reason: str, removed_on: date | None = None) -> Need:
    """Take a need off the family's record (recorded in error, or it no longer applies), with the reason: it is kept,
    marked removed."""
    need = Need.objects.select_for_update().select_related("family__council").get(pk=need.pk)
    policy.require_edit_family(actor, need.family)
    errors: dict[str, str] = {}
    if need.removed_on is not None:
        errors["reason"] = "This need was already taken off the record"
    elif any(need.need in claim.needs for claim in
             Claim.objects.filter(family=need.family, decision=ClaimDecision.ACCEPTED)):
        errors["reason"] = "This need is part of a claim the council has accepted, so it stays on the record"
    reason = _text(errors, "reason", reason, "Enter why the need is being taken off the record")
    if errors:
        raise ValidationFailed(errors)
    need.removed_on = removed_on or timezone.localdate()
    need.removed_reason = reason
    need.removed_by = actor
    need.save(update_fields=["removed_on", "removed_reason", "removed_by"])
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=need, family_id=need.family_id,
                 detail={"need": need.need, "removed": True})
    return need


def _episodes(family) -> list[Episode]:
    return list(Episode.objects.filter(family=family).only("status", "started_on", "closed_on")
                .order_by("started_on", "pk"))


@transaction.atomic
def progress_record(*, actor, need: Need, stage: str, made: bool | None, evidence: str, confirmed_by: str,
                    judged_on: date | None) -> Progress:
    """Judge whether the family made significant and sustained progress against a need: when its episode closed, or
    again once the council's sustained period has passed since that judgement. The latest judgement counts."""
    need = Need.objects.select_for_update().select_related("family__council").get(pk=need.pk)
    family = need.family
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    episodes = _episodes(family)
    if need.removed_on is not None:
        errors["stage"] = "This need was taken off the record"
    elif stage not in Stage.values:
        errors["stage"] = "Choose when the progress is being judged"
    elif any(e.status != EpisodeStatus.CLOSED for e in episodes):
        errors["stage"] = "The family's Early Help is still open: judge progress once it has closed"
    elif not any(e.closed_on for e in episodes):
        errors["stage"] = "The family has no closed Early Help episode to judge progress at"
    elif stage == Stage.SUSTAINED and need.progress_at_closure is not True:
        errors["stage"] = "Judge the progress when the episode closed first: it must show progress to be sustained"
    if made is None:
        errors["made"] = "Say whether the family made significant and sustained progress"
    evidence = _text(errors, "evidence", evidence, "Enter the evidence of the progress")
    confirmed_by = _text(errors, "confirmed_by", confirmed_by, "Enter who confirmed it, and from what source")
    _check_day(errors, "judged_on", judged_on, "of the judgement")
    if not errors:
        closed_on = max(e.closed_on for e in episodes if e.closed_on)
        if judged_on < closed_on:
            errors["judged_on"] = f"The judgement must be on or after the episode closed ({closed_on:%-d %B %Y})"
        elif stage == Stage.SUSTAINED:
            closure = (need.progress.filter(stage=Stage.CLOSURE).order_by("-recorded_at", "-pk").first())
            months = rules.sustained_months(family.council)
            from_day = add_months(closure.judged_on, months)
            if judged_on < from_day:
                errors["judged_on"] = (f"Progress can be judged sustained from {from_day:%-d %B %Y}, {months} months "
                                       "after the judgement at closure")
            elif made and any(e.started_on > closure.judged_on for e in episodes):
                errors["made"] = ("The family came back to Early Help after the judgement at closure, so the progress "
                                  "was not sustained")
    if errors:
        raise ValidationFailed(errors)
    record = Progress.objects.create(need=need, stage=stage, made=made, evidence=evidence, confirmed_by=confirmed_by,
                                     judged_on=judged_on, recorded_by=actor)
    if stage == Stage.CLOSURE:
        need.progress_at_closure, need.progress_sustained, need.sustained_on = made, None, None
    else:
        need.progress_sustained, need.sustained_on = made, judged_on
    need.judged_at = record.recorded_at
    need.save(update_fields=["progress_at_closure", "progress_sustained", "sustained_on", "judged_at"])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=record, family_id=family.pk,
                 detail={"need": need.need, "stage": stage, "made": made})
    return record


@transaction.atomic
def claim_check(*, actor, family, decision: str, reason: str = "") -> Claim:
    """The council team's check of a family ready to claim: accepted, to be claimed in this quarter, or rejected with
    the reason. Checked by someone who recorded none of the progress it rests on."""
    if not may_check_claims(actor) or not policy.can_view_family(actor, family):
        raise NotPermitted("Only managers and Early Help coordinators who may see the family can check its claim.",
                           object_type="people.family", object_id=family.pk)
    family = type(family).objects.select_for_update().get(pk=family.pk)
    state = claim_state(family)
    errors: dict[str, str] = {}
    if not state.ready:
        errors["decision"] = state.not_ready
    elif actor.pk in state.judged_by:
        errors["decision"] = ("You recorded some of the progress this claim rests on: someone else must check it")
    if decision not in ClaimDecision.values:
        errors.setdefault("decision", "Choose whether to accept or reject the claim")
    reason = (reason or "").strip()
    if decision == ClaimDecision.REJECTED and not reason:
        errors["reason"] = "Enter why the claim is rejected"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(family=family, needs=state.needs, decision=decision, reason=reason,
                                         checked_by=actor, checked_on=timezone.localdate())
    except IntegrityError as exc:  # another check accepted it a moment ago
        raise ValidationFailed({"decision": "The council has already accepted this family's claim"}) from exc
    trail.record(actor=actor, action=AuditAction.CREATE, obj=claim, family_id=family.pk,
                 detail={"decision": decision, "needs": len(state.needs)})
    return claim
