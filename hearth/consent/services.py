"""Recording and withdrawing consent, lawful bases and decisions not to seek consent. Each validates, saves
and audits; withdrawal takes effect in the access policy at once (it is read at query time)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from hearth.access import grants, policy
from hearth.accounts.models import Agency, AgencyKind, Role
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.consent.models import (
    Agreement,
    BasisKind,
    ConsentScope,
    GiverKind,
    LawfulBasis,
    Method,
    NotSoughtDecision,
    OwnDecision,
    ShareConsent,
)
from hearth.consent.own_decision import check_own_decision
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.people.models import FamilyMember

PURPOSES = ("for_assessment_planning", "for_named_partners", "for_council_storage", "for_supporting_families")


def _is_member(family, person) -> bool:
    return person is not None and FamilyMember.objects.filter(family=family, person=person).exists()


def _check_giving(errors: dict, *, family, given_by, giver_kind, given_on, method, form_reference) -> None:
    if given_by is None:
        errors["given_by"] = "Choose who gave their consent"
    elif not _is_member(family, given_by):
        errors["given_by"] = "The person giving consent must be a member of this family"
    if giver_kind not in GiverKind.values:
        errors["giver_kind"] = "Say whether they are a parent or carer, or a young person able to decide"
    if given_on is None:
        errors["given_on"] = "Enter the date consent was given"
    elif given_on > timezone.localdate():
        errors["given_on"] = "The date consent was given must be today or in the past"
    if method not in Method.values:
        errors["method"] = "Say whether consent was given in writing or verbally"
    elif method == Method.WRITTEN and not (form_reference or "").strip():
        errors["form_reference"] = "Enter the reference of the signed form"


def _own_decision(errors: dict, *, actor, given_by, giver_kind: str, given_on: date | None, competence_judged: bool,
                  own_decision_note: str, what: str) -> dict:
    """A young person deciding for themselves: what their age calls for (`own_decision.own_decision_rule`), and
    the fields kept with the record (the basis, the practitioner's note, who judged and on what day)."""
    if giver_kind != GiverKind.YOUNG_PERSON:
        return {}
    basis = check_own_decision(errors, person=given_by, on_date=given_on, competence_judged=competence_judged,
                               own_decision_note=own_decision_note, what=what)
    if not basis:
        return {}
    note = (own_decision_note or "").strip() if basis != OwnDecision.PRESUMED else ""
    return {"own_decision": basis, "own_decision_note": note,
            "own_decision_by": actor if basis != OwnDecision.PRESUMED else None,
            "own_decision_on": given_on if basis != OwnDecision.PRESUMED else None}


def agreement_record(*, actor, family, given_by, giver_kind: str, given_on: date | None, method: str,
                     form_reference: str = "", competence_judged: bool = False,
                     own_decision_note: str = "") -> Agreement:
    """The family's agreement to receive Early Help. A young person's own agreement counts only as their age
    allows (`hearth.consent.own_decision`)."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    _check_giving(errors, family=family, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                  method=method, form_reference=form_reference)
    own = _own_decision(errors, actor=actor, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                        competence_judged=competence_judged, own_decision_note=own_decision_note,
                        what="agreement")
    if errors:
        raise ValidationFailed(errors)
    agreement = Agreement.objects.create(family=family, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                                         method=method, form_reference=form_reference.strip(), recorded_by=actor,
                                         **own)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=agreement, family_id=family.pk)
    return agreement


def _check_withdrawal(given_on: date, withdrawn_on: date | None, how: str) -> None:
    errors = {}
    if withdrawn_on is None:
        errors["withdrawn_on"] = "Enter the date it was withdrawn"
    elif withdrawn_on < given_on:
        errors["withdrawn_on"] = f"The withdrawal cannot be dated before it was given ({given_on:%-d %B %Y})"
    elif withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = "The date of withdrawal must be today or in the past"
    if not (how or "").strip():
        errors["withdrawn_how"] = "Say how it was withdrawn (for example, by phone to the lead professional)"
    if errors:
        raise ValidationFailed(errors)


def agreement_withdraw(*, actor, agreement: Agreement, withdrawn_on: date | None, how: str) -> Agreement:
    policy.require_edit_family(actor, agreement.family)
    _check_withdrawal(agreement.given_on, withdrawn_on, how)
    updated = Agreement.objects.filter(pk=agreement.pk, withdrawn_on__isnull=True).update(
        withdrawn_on=withdrawn_on, withdrawn_how=how.strip(), version=agreement.version + 1)
    if not updated:
        raise Conflict("This agreement has already been withdrawn.")
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=agreement, family_id=agreement.family_id,
                 detail={"withdrawn": True})
    agreement.refresh_from_db()
    return agreement


@transaction.atomic
def share_consent_record(*, actor, family, person, given_by, giver_kind: str, given_on: date | None, method: str,
                         form_reference: str = "", purposes: set[str] = frozenset(), research_opt_out: bool = False,
                         agencies: list[Agency] = (), agency_kinds: list[str] = (),
                         excluded_agencies: list[Agency] = (), excluded_kinds: list[str] = (), limits: str = "",
                         review_by: date | None = None, competence_judged: bool = False,
                         own_decision_note: str = "") -> ShareConsent:
    """One person's consent to share their information, with its scope and a review-by date. A young person's
    own consent counts only as their age allows (`hearth.consent.own_decision`)."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    if not _is_member(family, person):
        errors["person"] = "Choose whose information this consent is about"
    _check_giving(errors, family=family, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                  method=method, form_reference=form_reference)
    own = _own_decision(errors, actor=actor, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                        competence_judged=competence_judged, own_decision_note=own_decision_note, what="consent")
    unknown = set(purposes) - set(PURPOSES)
    if unknown or not purposes:
        errors["purposes"] = "Choose at least one purpose the family agreed to"
    if any(a.council_id != family.council_id for a in (*agencies, *excluded_agencies)):
        errors["agencies"] = "Choose agencies of this council"
    if any(k not in AgencyKind.values for k in (*agency_kinds, *excluded_kinds)):
        errors["agency_kinds"] = "Choose kinds of agency from the list"
    if not agencies and not agency_kinds:
        errors["agencies"] = "Choose the agencies, or kinds of agency, the family agreed to share with"
    if review_by is not None and given_on is not None and review_by <= given_on:
        errors["review_by"] = "The review-by date must be after the date consent was given"
    if errors:
        raise ValidationFailed(errors)
    consent = ShareConsent.objects.create(
        family=family, person=person, given_by=given_by, giver_kind=giver_kind, given_on=given_on, method=method,
        form_reference=form_reference.strip(), research_opt_out=research_opt_out, limits=limits.strip(),
        review_by=review_by, recorded_by=actor, **own, **{p: p in purposes for p in PURPOSES})
    ConsentScope.objects.bulk_create(
        [ConsentScope(consent=consent, agency=a) for a in agencies]
        + [ConsentScope(consent=consent, agency_kind=k) for k in agency_kinds]
        + [ConsentScope(consent=consent, agency=a, excluded=True) for a in excluded_agencies]
        + [ConsentScope(consent=consent, agency_kind=k, excluded=True) for k in excluded_kinds])
    grants.refresh_family(family)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=consent, family_id=family.pk, person_id=person.pk)
    return consent


def share_consent_withdraw(*, actor, consent: ShareConsent, withdrawn_on: date | None, how: str) -> ShareConsent:
    """Withdrawal removes the covered agencies' access at once (the policy reads it on every request)."""
    policy.require_edit_family(actor, consent.family)
    _check_withdrawal(consent.given_on, withdrawn_on, how)
    updated = ShareConsent.objects.filter(pk=consent.pk, withdrawn_on__isnull=True).update(
        withdrawn_on=withdrawn_on, withdrawn_how=how.strip(), version=consent.version + 1)
    if not updated:
        raise Conflict("This consent has already been withdrawn.")
    grants.refresh_family(consent.family_id)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=consent, family_id=consent.family_id,
                 person_id=consent.person_id, detail={"withdrawn": True})
    consent.refresh_from_db()
    return consent


@transaction.atomic
def lawful_basis_record(*, actor, family, kind: str, reason: str, agencies: list[Agency] = (),
                        all_agencies: bool = False, person=None, ends_on: date | None = None) -> LawfulBasis:
    """Sharing without consent: the basis, the reason and who decided. It takes effect once a manager confirms."""
    policy.require_edit_family(actor, family)
    errors = {}
    if kind not in BasisKind.values:
        errors["kind"] = "Choose the lawful basis"
    if not (reason or "").strip():
        errors["reason"] = "Give the reason for sharing without consent"
    if not all_agencies and not agencies:
        errors["agencies"] = "Choose the agencies this basis covers"
    if person is not None and not _is_member(family, person):
        errors["person"] = "Choose a member of this family"
    if ends_on is not None and ends_on < timezone.localdate():
        errors["ends_on"] = "The end date must be today or in the future"
    if errors:
        raise ValidationFailed(errors)
    basis = LawfulBasis.objects.create(family=family, person=person, kind=kind, reason=reason.strip(),
                                       all_agencies=all_agencies, decided_by=actor, ends_on=ends_on)
    basis.agencies.set(agencies)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=basis, family_id=family.pk)
    return basis


def lawful_basis_confirm(*, actor, basis: LawfulBasis) -> LawfulBasis:
    """A manager confirms a lawful basis; nobody confirms their own decision."""
    if not actor.has_role(Role.MANAGER):
        raise NotPermitted("Only a manager can confirm a lawful basis for sharing without consent.",
                           object_type="consent.lawfulbasis", object_id=basis.pk)
    if basis.decided_by_id == actor.pk:
        raise ValidationFailed({"confirmed_by": "A manager other than the person who decided must confirm it"})
    if actor.agency.council_id != basis.family.council_id:
        raise NotPermitted(object_type="consent.lawfulbasis", object_id=basis.pk)
    updated = LawfulBasis.objects.filter(pk=basis.pk, confirmed_by__isnull=True).update(
        confirmed_by=actor, confirmed_at=timezone.now())
    if not updated:
        raise Conflict("This lawful basis has already been confirmed.")
    grants.refresh_family(basis.family_id)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=basis, family_id=basis.family_id,
                 detail={"confirmed": True})
    basis.refresh_from_db()
    return basis


def not_sought_record(*, actor, family, reason: str) -> NotSoughtDecision:
    """Consent was not sought because seeking it would increase the risk to the child."""
    policy.require_edit_family(actor, family)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why seeking consent would increase the risk to the child"})
    decision = NotSoughtDecision.objects.create(family=family, reason=reason.strip(), decided_by=actor)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=decision, family_id=family.pk)
    return decision


def research_opt_out_record(*, actor, family, person, given_by, giver_kind: str, given_on: date | None,
                            method: str, form_reference: str = "") -> ShareConsent:
    """A family member opted out of national research linking, recorded on its own (for councils that ask the
    question but do not seek consent to share, such as those working under public task). The record has no
    purpose and no scope, so it lets no one see anything."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    if not (family.council.consent_questions or {}).get("research_opt_out"):
        errors["research_opt_out"] = "This council does not ask families about national research linking"
    if not _is_member(family, person):
        errors["person"] = "Choose who opted out"
    _check_giving(errors, family=family, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
                  method=method, form_reference=form_reference)
    if errors:
        raise ValidationFailed(errors)
    record = ShareConsent.objects.create(
        family=family, person=person, given_by=given_by, giver_kind=giver_kind, given_on=given_on, method=method,
        form_reference=form_reference.strip(), research_opt_out=True, recorded_by=actor,
        **{p: False for p in PURPOSES})
    trail.record(actor=actor, action=AuditAction.CREATE, obj=record, family_id=family.pk, person_id=person.pk,
                 detail={"research_opt_out": True})
    return record
