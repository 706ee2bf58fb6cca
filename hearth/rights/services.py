"""Every write for a person's requests to correct, erase or restrict their information (UK GDPR Articles 16 to 19).

A request is logged, then accepted or refused with the reason, then applied:

- rectification corrects the person's details, keeping each old value (`rectification_apply`);
- erasure removes chosen details, other names and addresses, or the whole person record, irreversibly, keeping a
  list of what was erased but never its values (`erasure_apply`);
- restriction keeps the record but stops it being changed or shared until the restriction is lifted, and the
  person must be told before it is (`restriction_apply`, `restriction_lift`).

Once applied, everyone the information was shared with (from the information-sharing register) is told, by email
or another way, and each notice is recorded in the register (`tell_recipients`, `record_told`).

Only the data protection officer of the request's council may do any of it (`governance.can_do_governance`).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import dates
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.locking import update_if_unchanged
from hearth.families import display, erasure
from hearth.families import services as people_services
from hearth.outbox import services as outbox
from hearth.people import holds
from hearth.people.models import Family, FamilyMember, Person
from hearth.rights import selectors
from hearth.rights.models import RectificationChange, RequestDecision, RequestKind, Restriction, RightsRequest
from hearth.sharing import services as sharing_services
from hearth.sharing.models import DisclosureKind

# The standard reason for refusing erasure where the council holds the information for its public task.
ERASURE_PUBLIC_TASK_REASON = (
    "The council holds this information to carry out a task in the public interest (UK GDPR Article 6(1)(e)): its "
    "duty under section 10 of the Children Act 2004 to safeguard and promote the welfare of children, including "
    "sharing information with partner agencies. The right to erasure does not apply where the information is needed "
    "for that task (UK GDPR Article 17(3)(b)). The record will be kept for the council's retention period and then "
    "destroyed. You can ask for any mistake in it to be corrected, and you can complain to the Information "
    "Commissioner's Office."
)

NOTICE_PURPOSE = ("To tell a recipient of information that it has been corrected, erased or restricted "
                  "(UK GDPR Article 19)")
NOTICE_BASIS = ("UK GDPR Article 19: everyone the information was shared with must be told of a correction, an "
                "erasure or a restriction")
RESTRICTED_USE = "the use of the person's information"

def _require_request(actor, rights_request: RightsRequest) -> None:
    governance.require_officer(actor, rights_request.council_id, object_type="rights.rightsrequest",
                       object_id=rights_request.pk)


def _require_accepted(actor, rights_request: RightsRequest, kind: str, what: str) -> Person:
    """The request's person, once the request is of `kind`, accepted and not yet applied."""
    _require_request(actor, rights_request)
    person = Person.objects.get(pk=rights_request.person_id)
    if not governance.can_rectify_person(actor, person):
        raise NotPermitted(object_type="people.person", object_id=person.pk)
    if rights_request.kind != kind:
        raise ValidationFailed({"kind": f"Only a request for {WORDS[kind].name} {what}"})
    if rights_request.decision != RequestDecision.ACCEPTED:
        raise ValidationFailed({"decision": "Accept the request before applying it"})
    if rights_request.applied_at is not None:
        raise Conflict("This request has already been applied")
    return person


def _families_of(person: Person) -> list[int]:
    return sorted(FamilyMember.objects.filter(person=person).values_list("family_id", flat=True))


@transaction.atomic
def request_record(*, actor, person: Person | None, kind: str, asked: str, received_on: datetime.date | None,
                   now: datetime.datetime | None = None) -> RightsRequest:
    """Log a request for rectification, erasure or restriction from (or for) a person of the council."""
    governance.require_officer(actor, actor.agency.council_id, object_type="rights.rightsrequest")
    now = dates.now_or(now)
    asked = (asked or "").strip()
    errors = {}
    if person is None or not governance.governance_people(actor).filter(pk=person.pk).exists():
        errors["person"] = "Choose a person of your council"
    elif person.erased_at is not None:
        errors["person"] = "This person's record has been erased: there is nothing left to correct, erase or restrict"
    if kind not in RequestKind.values:
        errors["kind"] = "Choose what the person is asking for"
    if not asked:
        errors["asked"] = "Say what the person is asking for, in their words where possible"
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received"
    elif received_on > timezone.localdate(now):
        errors["received_on"] = "The date it was received must be today or in the past"
    if errors:
        raise ValidationFailed(errors)
    rights_request = RightsRequest.objects.create(council_id=actor.agency.council_id, person=person, kind=kind,
                                                  asked=asked, received_on=received_on, created_by=actor,
                                                  created_at=now)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=rights_request, person_id=person.pk,
                 detail={"kind": kind})
    return rights_request


@transaction.atomic
def request_decide(*, actor, rights_request: RightsRequest, version: int, decision: str, reason: str,
                   now: datetime.datetime | None = None) -> RightsRequest:
    """Accept or refuse a request. A refusal needs the reason, which the person is told (for erasure, usually that
    the council holds the information for its public task: ERASURE_PUBLIC_TASK_REASON)."""
    _require_request(actor, rights_request)
    if rights_request.decision:
        raise Conflict(f"This request was already {rights_request.get_decision_display().lower()} on "
                       f"{timezone.localtime(rights_request.decided_at):%-d %B %Y}")
    reason = (reason or "").strip()
    errors = {}
    if decision not in RequestDecision.values:
        errors["decision"] = "Choose whether to accept or refuse the request"
    elif decision == RequestDecision.REFUSED and not reason:
        errors["reason"] = "Say why the request is refused: the person will be told"
    if errors:
        raise ValidationFailed(errors)
    update_if_unchanged(rights_request, version, what="request", decision=decision, decision_reason=reason,
                        decided_at=dates.now_or(now), decided_by=actor)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=rights_request.person_id,
                 detail={"decision": decision})
    return rights_request


# Rectification -------------------------------------------------------------------------------------------------


@transaction.atomic
def rectification_apply(*, actor, rights_request: RightsRequest, version: int, person_version: int, data: dict,
                        now: datetime.datetime | None = None) -> list[RectificationChange]:
    """Correct the person's details as an accepted rectification request asks, keeping every old value.

    The person is saved by `hearth.families.services.person_correct`, the people app's write for the data protection
    officer's route to a person (`governance.can_rectify_person`)."""
    person = _require_accepted(actor, rights_request, RequestKind.RECTIFICATION, "changes the person's details")
    now = dates.now_or(now)
    changed = people_services.person_correct(actor=actor, person=person, version=person_version, data=data,
                                             rectification_id=rights_request.pk)
    changes = RectificationChange.objects.bulk_create([
        RectificationChange(request=rights_request, person=person, field=k, label=display.field_label(k),
                            before=display.show_value(k, before), after=display.show_value(k, after), changed_at=now,
                            changed_by=actor)
        for k, (before, after) in changed.items()
    ])
    update_if_unchanged(rights_request, version, what="request", applied_at=now, applied_by=actor,
                        family_ids=_families_of(person),
                        applied_note="Corrected: " + ", ".join(c.label.lower() for c in changes))
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=person.pk,
                 detail={"applied": True, "fields": list(changed)})
    return changes


# Erasure -------------------------------------------------------------------------------------------------------


def erasure_blockers(person: Person) -> list[str]:
    """Why the person's information may not be erased now (`hearth.people.holds`): an open subject access request
    about them (which must be answered from the information as it stood), or an active legal hold over a family
    they belong to."""
    return holds.reasons(holds.Use.ERASE, person=person)


@transaction.atomic
def erasure_apply(*, actor, rights_request: RightsRequest, version: int, person_version: int,
                  details: list[str] = (), name_ids: list[int] = (), address_ids: list[int] = (),
                  whole: bool = False, note: str = "", now: datetime.datetime | None = None) -> list[str]:
    """Erase what an accepted erasure request asks: chosen details, other names and addresses, or the whole person
    record (`hearth.families.erasure.person_erase`). What was erased is listed on the request, never its value.
    Refused while a subject access request about the person is open, or a legal hold covers their family.
    `note` says what else was done by hand (a name removed from a case note, say). Returns the labels erased."""
    person = _require_accepted(actor, rights_request, RequestKind.ERASURE, "erases the person's information")
    blockers = erasure_blockers(person)
    if blockers:
        raise ValidationFailed({"details": blockers[0]})
    now = dates.now_or(now)
    family_ids = _families_of(person)
    erased = erasure.person_erase(actor=actor, person=person, version=person_version, details=list(details),
                                  name_ids=list(name_ids), address_ids=list(address_ids), whole=whole,
                                  erasure_id=rights_request.pk)
    RectificationChange.objects.bulk_create([
        RectificationChange(request=rights_request, person=person, field="erased", label=label, changed_at=now,
                            changed_by=actor) for label in erased
    ])
    note = (note or "").strip()
    applied = "Erased: " + ", ".join(label[0].lower() + label[1:] for label in erased)
    update_if_unchanged(rights_request, version, what="request", applied_at=now, applied_by=actor,
                        family_ids=family_ids, applied_note=f"{applied}\n\n{note}" if note else applied)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=person.pk,
                 detail={"applied": True, "whole": whole})
    return erased


# Restriction ---------------------------------------------------------------------------------------------------


def active_restriction(person_id: int) -> Restriction | None:
    """The restriction in force on the person, if any."""
    return (Restriction.objects.filter(person_id=person_id, lifted_at__isnull=True)
            .select_related("request").first())


@transaction.atomic
def restriction_apply(*, actor, rights_request: RightsRequest, version: int, what: str,
                      now: datetime.datetime | None = None) -> Restriction:
    """Restrict the use of the person's information as an accepted request asks: from now on the record is kept
    but practitioners cannot change it, and nothing about the person is shared, until the restriction is lifted.
    `what` says what is restricted and why, as practitioners will read it."""
    person = _require_accepted(actor, rights_request, RequestKind.RESTRICTION, "restricts the use of information")
    what = (what or "").strip()
    if not what:
        raise ValidationFailed({"what": "Say what is restricted and why, as practitioners will read it"})
    if active_restriction(person.pk) is not None:
        raise Conflict("The use of this person's information is already restricted")
    now = dates.now_or(now)
    restriction = Restriction.objects.create(request=rights_request, person=person, what=what, started_at=now,
                                             started_by=actor)
    update_if_unchanged(rights_request, version, what="request", applied_at=now, applied_by=actor,
                        family_ids=_families_of(person), applied_note=f"Restricted: {what}")
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=person.pk,
                 detail={"applied": True, "restriction": restriction.pk})
    return restriction


@transaction.atomic
def restriction_lift(*, actor, restriction: Restriction, reason: str, person_told: str,
                     now: datetime.datetime | None = None) -> Restriction:
    """Lift a restriction, with the reason. The person must have been told before it is lifted (Article 18(3)):
    `person_told` says how and when."""
    rights_request = restriction.request
    _require_request(actor, rights_request)
    locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if locked.lifted_at is not None:
        raise Conflict(f"This restriction was already lifted on {timezone.localtime(locked.lifted_at):%-d %B %Y}")
    reason, person_told = (reason or "").strip(), (person_told or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why the restriction is lifted"
    if not person_told:
        errors["person_told"] = "Say how and when the person was told it would be lifted: they must be told first"
    if errors:
        raise ValidationFailed(errors)
    now = dates.now_or(now)
    Restriction.objects.filter(pk=locked.pk).update(lifted_at=now, lifted_by=actor, lifted_reason=reason,
                                                    person_told=person_told)
    restriction.refresh_from_db()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=restriction.person_id,
                 detail={"restriction": restriction.pk, "lifted": True})
    return restriction


# Telling the recipients (Article 19) -----------------------------------------------------------------------------


def notice_labels(rights_request: RightsRequest) -> list[str]:
    """What the recipients are told was corrected, erased or restricted."""
    if rights_request.is_restriction:
        return [RESTRICTED_USE]
    return list(rights_request.changes.values_list("label", flat=True))


@dataclass(frozen=True)
class KindWords:
    """How each kind of request is named in notices: "rectification", "Correction", "Correction to", "has
    corrected", and what the recipient is asked to do with their copy."""

    name: str
    noun: str
    subject: str
    done: str
    ask: str


WORDS = {
    RequestKind.RECTIFICATION: KindWords(
        "rectification", "Correction", "Correction to", "has corrected",
        "Please correct the copies you hold. For the corrected details, contact the data protection officer"),
    RequestKind.ERASURE: KindWords(
        "erasure", "Erasure", "Erasure of", "has erased",
        "Please erase the copies you hold, unless you have your own lawful reason to keep them. For more, contact "
        "the data protection officer"),
    RequestKind.RESTRICTION: KindWords(
        "restriction", "Restriction", "Restriction of", "has restricted the use of",
        "Please keep the copies you hold but do not use or share them, except with the person's consent, for legal "
        "claims, to protect another person or for an important public interest, until we tell you the restriction "
        "has ended. For more, contact the data protection officer"),
}


def notice_what(rights_request: RightsRequest, labels: list[str], how: str = "") -> str:
    """The register's description of a notice ("Correction of phone number (request for rectification 4)")."""
    words = WORDS[rights_request.kind]
    fields = ", ".join(label.lower() for label in labels) or "the person's details"
    text = f"{words.noun} of {fields} (request for {words.name} {rights_request.pk})"
    return f"{text}, told {how}" if how else text


def _email_body(rights_request: RightsRequest, recipient, labels: list[str]) -> str:
    """Only what the recipient needs to find their copy: no names, nothing about the family."""
    council = rights_request.council
    contact = " ".join(c for c in (council.contact("dpo_email"), council.contact("dpo_phone")) if c)
    dates = ", ".join(f"{d:%-d %B %Y}" for d in recipient.dates)
    words = WORDS[rights_request.kind]
    return (
        f"{council.name} {words.done} information about a person that it shared with {recipient.name}"
        f"{f' on {dates}' if dates else ''}.\n\n"
        f"What: {', '.join(label.lower() for label in labels)}.\n\n"
        f"{words.ask}{f' ({contact})' if contact else ''}, quoting this reference.\n\n"
        f"Reference: {words.name} {rights_request.pk}"
    )


def _require_applied(actor, rights_request: RightsRequest) -> list[str]:
    _require_request(actor, rights_request)
    if rights_request.applied_at is None:
        raise ValidationFailed({"recipients": "Apply the request before telling the recipients"})
    return notice_labels(rights_request)


def _recipients(rights_request: RightsRequest) -> dict:
    return {r.key: r for r in selectors.correction_recipients(rights_request)}


@transaction.atomic
def tell_recipients(*, actor, rights_request: RightsRequest, keys: list[str]) -> list:
    """Email each chosen recipient of the information that has an address (the agency's email, or the address it
    was sent to), and record each notice in the information-sharing register of the family it was shared from.
    Returns the recipients told."""
    labels = _require_applied(actor, rights_request)
    recipients = _recipients(rights_request)
    chosen = [recipients[k] for k in dict.fromkeys(keys or []) if k in recipients]
    if not chosen:
        raise ValidationFailed({"recipients": "Choose the recipients to tell"})
    without = [r.name for r in chosen if not r.email]
    if without:
        raise ValidationFailed({"recipients": f"No email address is known for {', '.join(without)}: tell them "
                                              "another way and record it below"})
    subject = f"{WORDS[rights_request.kind].subject} information shared with you by " \
              f"{rights_request.council.service_name}"
    for recipient in chosen:
        entries = _record_told(actor, rights_request, recipient, labels, how=f"by email to {recipient.email}",
                               by_email=True)
        outbox.send(to=recipient.email, subject=subject, body=_email_body(rights_request, recipient, labels),
                    kind="rights.notice", about=entries[0] if entries else None)
    return chosen


@transaction.atomic
def record_told(*, actor, rights_request: RightsRequest, key: str, how: str) -> None:
    """Record that a recipient was told another way (a phone call, a letter, secure email)."""
    labels = _require_applied(actor, rights_request)
    recipients = _recipients(rights_request)
    how = (how or "").strip()
    errors = {}
    if key not in recipients:
        errors["key"] = "Choose the recipient you told"
    if not how:
        errors["how"] = "Say how they were told, like 'by phone to the practice manager'"
    elif len(how) > 200:
        errors["how"] = "Say how they were told in 200 characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    _record_told(actor, rights_request, recipients[key], labels, how=how)


def _record_told(actor, rights_request: RightsRequest, recipient, labels: list[str], *, how: str,
                 by_email: bool = False) -> list:
    what = notice_what(rights_request, labels, how)
    return [sharing_services.disclosure_record(
        actor=actor, family=family, kind=DisclosureKind.RIGHTS_NOTICE, what=what,
        recipient=recipient.recipient_text, recipient_agency=recipient.agency, purpose=NOTICE_PURPOSE,
        basis=NOTICE_BASIS, person=rights_request.person, obj=rights_request, by_email=by_email)
        for family in Family.objects.filter(pk__in=sorted(recipient.family_ids))]
