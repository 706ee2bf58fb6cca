"""Recording and withdrawing consent, lawful bases and decisions not to seek consent. Each validates, saves
and audits; withdrawal takes effect in the access policy at once (it is read at query time)."""

from dataclasses import dataclass
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
from hearth.people.models import FamilyMember, MemberRole

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


def _check_scope(errors: dict, *, family, agencies, agency_kinds, excluded_agencies, excluded_kinds) -> None:
    if any(a.council_id != family.council_id for a in (*agencies, *excluded_agencies)):
        errors["agencies"] = "Choose agencies of this council"
    if any(k not in AgencyKind.values for k in (*agency_kinds, *excluded_kinds)):
        errors["agency_kinds"] = "Choose kinds of agency from the list"
    if not agencies and not agency_kinds:
        errors["agencies"] = "Choose the agencies, or kinds of agency, the family agreed to share with"


def _check_purposes(errors: dict, purposes) -> None:
    unknown = set(purposes) - set(PURPOSES)
    if unknown or not purposes:
        errors["purposes"] = "Choose at least one purpose the family agreed to"


def _save_consent(*, actor, family, person, given_by, giver_kind, given_on, method, form_reference, own: dict,
                  purposes, research_opt_out, agencies, agency_kinds, excluded_agencies, excluded_kinds, limits,
                  review_by) -> ShareConsent:
    consent = ShareConsent.objects.create(
        family=family, person=person, given_by=given_by, giver_kind=giver_kind, given_on=given_on, method=method,
        form_reference=form_reference.strip(), research_opt_out=research_opt_out, limits=limits.strip(),
        review_by=review_by, recorded_by=actor, **own, **{p: p in purposes for p in PURPOSES})
    ConsentScope.objects.bulk_create(
        [ConsentScope(consent=consent, agency=a) for a in agencies]
        + [ConsentScope(consent=consent, agency_kind=k) for k in agency_kinds]
        + [ConsentScope(consent=consent, agency=a, excluded=True) for a in excluded_agencies]
        + [ConsentScope(consent=consent, agency_kind=k, excluded=True) for k in excluded_kinds])
    trail.record(actor=actor, action=AuditAction.CREATE, obj=consent, family_id=family.pk, person_id=person.pk)
    return consent


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
    _check_purposes(errors, purposes)
    _check_scope(errors, family=family, agencies=agencies, agency_kinds=agency_kinds,
                 excluded_agencies=excluded_agencies, excluded_kinds=excluded_kinds)
    if review_by is not None and given_on is not None and review_by <= given_on:
        errors["review_by"] = "The review-by date must be after the date consent was given"
    if errors:
        raise ValidationFailed(errors)
    consent = _save_consent(
        actor=actor, family=family, person=person, given_by=given_by, giver_kind=giver_kind, given_on=given_on,
        method=method, form_reference=form_reference, own=own, purposes=purposes, research_opt_out=research_opt_out,
        agencies=agencies, agency_kinds=agency_kinds, excluded_agencies=excluded_agencies,
        excluded_kinds=excluded_kinds, limits=limits, review_by=review_by)
    grants.refresh_family(family)
    return consent


@dataclass(frozen=True)
class PersonGiving:
    """One family member in a consent recorded for several at once: whose information (`person`), who gave it
    (`given_by`: the person themself, or a parent or carer of the family on a child's behalf), and, for a young
    person deciding for themselves, what their age calls for (`hearth.consent.own_decision`)."""

    person: object
    given_by: object = None
    competence_judged: bool = False
    own_decision_note: str = ""


CARER_ROLES = (MemberRole.PARENT_WITH_PR, MemberRole.PARENT_WITHOUT_PR)


def giver_kind_for(person_role: str, giver_role: str, *, own: bool) -> str:
    """What kind of giver the giving makes: a child deciding for themselves is a young person; a parent or carer
    (for themselves or on a child's behalf) is of their role; any other adult gives only their own consent."""
    if own and person_role == MemberRole.CHILD:
        return GiverKind.YOUNG_PERSON
    if giver_role in CARER_ROLES:
        return giver_role
    return GiverKind.ADULT


def _check_person_giving(errors: dict, *, actor, entry: PersonGiving, roles: dict[int, str], given_on) -> tuple:
    """One member's giving in a consent for several: its errors under keys ending in the person's record number
    (`given_by_12`), and (giver kind, own-decision fields)."""
    person, giver = entry.person, entry.given_by
    pk, name = person.pk, person.given_name
    role = roles.get(pk)
    if giver is None:
        errors[f"given_by_{pk}"] = f"Choose who gave consent for {name}"
        return "", {}
    own = giver.pk == pk
    if not own:
        if role != MemberRole.CHILD:
            errors[f"given_by_{pk}"] = (f"{name} is an adult, so only {name} can give consent to share their "
                                        f"information")
            return "", {}
        if roles.get(giver.pk) not in CARER_ROLES:
            errors[f"given_by_{pk}"] = f"Choose {name} or a parent or carer of the family to give consent for them"
            return "", {}
    kind = giver_kind_for(role, roles.get(giver.pk), own=own)
    found: dict[str, str] = {}
    fields = _own_decision(found, actor=actor, given_by=giver, giver_kind=kind, given_on=given_on,
                           competence_judged=entry.competence_judged, own_decision_note=entry.own_decision_note,
                           what="consent")
    errors.update({f"{key}_{pk}": message for key, message in found.items()})
    return kind, fields


@transaction.atomic
def share_consents_record(*, actor, family, people: list[PersonGiving], given_on: date | None, method: str,
                          form_reference: str = "", purposes: set[str] = frozenset(),
                          research_opt_outs: set[int] = frozenset(), agencies: list[Agency] = (),
                          agency_kinds: list[str] = (), excluded_agencies: list[Agency] = (),
                          excluded_kinds: list[str] = (), limits: str = "",
                          review_by: date | None = None) -> list[ShareConsent]:
    """Consent to share recorded for several family members in one pass, with one purpose, scope and review-by date:
    one consent record per person, so each person's coverage, review and withdrawal stand on their own. An adult
    gives their own consent; a child's is given by a parent or carer of the family on their behalf, or by the child
    as their age allows (`hearth.consent.own_decision`). All are saved or none."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    roles = dict(FamilyMember.objects.filter(family=family, left_on__isnull=True).values_list("person_id", "role"))
    chosen = [e for e in people if e.person is not None]
    if not chosen:
        errors["people"] = "Choose whose consent you are recording"
    elif any(e.person.pk not in roles for e in chosen) or len({e.person.pk for e in chosen}) != len(chosen):
        errors["people"] = "Choose members of this family"
    if given_on is None:
        errors["given_on"] = "Enter the date consent was given"
    elif given_on > timezone.localdate():
        errors["given_on"] = "The date consent was given must be today or in the past"
    if method not in Method.values:
        errors["method"] = "Say whether consent was given in writing or verbally"
    elif method == Method.WRITTEN and not (form_reference or "").strip():
        errors["form_reference"] = "Enter the reference of the signed form"
    givings = {}
    if "people" not in errors:
        for entry in chosen:
            givings[entry.person.pk] = _check_person_giving(errors, actor=actor, entry=entry, roles=roles,
                                                            given_on=given_on)
    _check_purposes(errors, purposes)
    _check_scope(errors, family=family, agencies=agencies, agency_kinds=agency_kinds,
                 excluded_agencies=excluded_agencies, excluded_kinds=excluded_kinds)
    if set(research_opt_outs) - {e.person.pk for e in chosen}:
        errors["research_opt_outs"] = "Choose only people whose consent you are recording"
    if review_by is not None and given_on is not None and review_by <= given_on:
        errors["review_by"] = "The review-by date must be after the date consent was given"
    if errors:
        raise ValidationFailed(errors)
    consents = [
        _save_consent(
            actor=actor, family=family, person=entry.person, given_by=entry.given_by,
            giver_kind=givings[entry.person.pk][0], given_on=given_on, method=method, form_reference=form_reference,
            own=givings[entry.person.pk][1], purposes=purposes,
            research_opt_out=entry.person.pk in research_opt_outs, agencies=agencies, agency_kinds=agency_kinds,
            excluded_agencies=excluded_agencies, excluded_kinds=excluded_kinds, limits=limits, review_by=review_by)
        for entry in chosen]
    grants.refresh_family(family)
    return consents


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


def needs_manager_advice(council) -> bool:
    """Whether the council's profile says a decision not to seek consent is taken with a manager's advice, recorded
    (`consent_questions.no_consent_needs_manager_advice`)."""
    return bool((council.consent_questions or {}).get("no_consent_needs_manager_advice"))


def not_sought_record(*, actor, family, reason: str, manager=None, manager_name: str = "",
                      advised_on: date | None = None, advice: str = "") -> NotSoughtDecision:
    """Consent was not sought because seeking it would increase the risk to the child, with the advice of the
    manager consulted: a manager of the council (`manager`), or the name of someone not on the list
    (`manager_name`), the day they advised and what they said. Where the council's profile asks for it
    (`needs_manager_advice`), the decision is refused without it."""
    policy.require_edit_family(actor, family)
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why seeking consent would increase the risk to the child"
    name, said = (manager_name or "").strip(), (advice or "").strip()
    if manager is not None and name:
        errors["manager_name"] = "Choose a manager from the list or give a name, not both"
    elif manager is not None and not (manager.is_active and manager.has_role(Role.MANAGER)
                                      and manager.agency.council_id == family.council_id):
        errors["manager"] = "Choose a manager of this council"
    elif manager is not None and manager.pk == actor.pk:
        errors["manager"] = "Choose the manager whose advice you took, not yourself"
    consulted = manager is not None or bool(name)
    if needs_manager_advice(family.council) or consulted or said:
        if not consulted:
            errors["manager"] = ("Choose the manager whose advice you took, or give their name: a decision not "
                                 "to seek consent is taken with a manager's advice")
        if advised_on is None:
            errors["advised_on"] = "Enter the date the manager gave their advice"
        elif advised_on > timezone.localdate():
            errors["advised_on"] = "The date of the manager's advice must be today or in the past"
        if not said:
            errors["advice"] = "Say what the manager advised"
    if errors:
        raise ValidationFailed(errors)
    decision = NotSoughtDecision.objects.create(family=family, reason=reason.strip(), decided_by=actor,
                                                manager=manager, manager_name=name, advised_on=advised_on,
                                                advice=said)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=decision, family_id=family.pk,
                 detail={"manager_advice": consulted})
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
