"""Every write of the data protection officer's tools: the breach log and requests to correct, erase or restrict.

Each function checks `hearth.access.policy.can_do_governance` (the DPO of the council), validates (raising
ValidationFailed with plain-English messages), saves with optimistic concurrency where a record is edited, and
records an audit event. `now` may be passed for tests; it defaults to the current time.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from hearth.access import policy
from hearth.core import notify
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.dpo.models import (
    DataKind,
    IcoDecision,
    Incident,
    IncidentNotice,
    IncidentStatus,
    NoticeAudience,
    RectificationChange,
    RequestDecision,
    RequestKind,
    RightsRequest,
)
from hearth.governance import audit
from hearth.governance.models import AuditAction
from hearth.people import services as people_services
from hearth.people.models import Disability, Ethnicity, Family, Person, Sex
from hearth.sharing import services as sharing_services
from hearth.sharing.models import DisclosureKind

CLOSED = "This incident is closed and can no longer be changed"
CHANGED_ELSEWHERE = ("Someone else changed this {what} while you were working on it. Your changes have not been "
                     "saved: check the latest details and make your changes again.")

# The standard reason for refusing erasure where the council holds the information for its public task.
ERASURE_PUBLIC_TASK_REASON = (
    "The council holds this information to carry out a task in the public interest (UK GDPR Article 6(1)(e)): its "
    "duty under section 10 of the Children Act 2004 to safeguard and promote the welfare of children, including "
    "sharing information with partner agencies. The right to erasure does not apply where the information is needed "
    "for that task (UK GDPR Article 17(3)(b)). The record will be kept for the council's retention period and then "
    "destroyed. You can ask for any mistake in it to be corrected, and you can complain to the Information "
    "Commissioner's Office."
)

CORRECTION_PURPOSE = "To tell a recipient of information that it has been corrected (UK GDPR Article 19)"
CORRECTION_BASIS = "The right to rectification: everyone the information was shared with must be told of a correction"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _require_governance(actor, council_id: int, *, object_type: str, object_id="") -> None:
    if not policy.can_do_governance(actor, council_id):
        raise NotPermitted("Only the council's data protection officer can do this.", object_type=object_type,
                           object_id=object_id)


def _bump(model, obj, version: int, what: str, **fields) -> None:
    """Save `fields` if nobody saved since `version`; otherwise Conflict, with nothing saved."""
    updated = model.objects.filter(pk=obj.pk, version=version).update(version=version + 1, **fields)
    if not updated:
        raise Conflict(CHANGED_ELSEWHERE.format(what=what))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = version + 1


# ---------------------------------------------------------------------------------------------------------
# The breach log


@dataclass
class IncidentInput:
    summary: str = ""
    what_happened: str = ""
    discovered_at: datetime.datetime | None = None
    occurred_at: datetime.datetime | None = None
    people_affected: str = ""
    family_ids: list[int] = field(default_factory=list)
    data_kinds: list[str] = field(default_factory=list)
    data_kinds_other: str = ""
    people_count: int | None = None
    people_count_estimated: bool = False
    containment: str = ""


def _clean_incident(actor, data: IncidentInput, now: datetime.datetime) -> dict:
    errors: dict[str, str] = {}
    summary, what = (data.summary or "").strip(), (data.what_happened or "").strip()
    if not summary:
        errors["summary"] = "Give the incident a short title, like 'Assessment emailed to the wrong school'"
    elif len(summary) > 200:
        errors["summary"] = "Give a title of 200 characters or fewer"
    if not what:
        errors["what_happened"] = "Say what happened"
    if data.discovered_at is None:
        errors["discovered_at"] = "Enter the date and time the breach was discovered"
    elif data.discovered_at > now:
        errors["discovered_at"] = "The time it was discovered must be now or in the past"
    if data.occurred_at is not None:
        if data.occurred_at > now:
            errors["occurred_at"] = "The time it happened must be now or in the past"
        elif data.discovered_at is not None and data.occurred_at > data.discovered_at:
            errors["occurred_at"] = "The time it happened must be before the time it was discovered"
    kinds = list(dict.fromkeys(data.data_kinds or []))
    other = (data.data_kinds_other or "").strip()
    if not kinds:
        errors["data_kinds"] = "Choose the kinds of information involved"
    elif any(k not in DataKind.values for k in kinds):
        errors["data_kinds"] = "Choose the kinds of information from the list"
    elif DataKind.OTHER in kinds and not other:
        errors["data_kinds_other"] = "Say what other kind of information was involved"
    if len(other) > 200:
        errors["data_kinds_other"] = "Describe the other information in 200 characters or fewer"
    if data.people_count is not None and data.people_count < 0:
        errors["people_count"] = "The number of people must be 0 or more"
    family_ids = sorted(set(data.family_ids or []))
    if family_ids:
        found = set(policy.governance_families(actor).filter(pk__in=family_ids).values_list("pk", flat=True))
        missing = [str(i) for i in family_ids if i not in found]
        if missing:
            errors["family_ids"] = f"There is no family record {', '.join(missing)} in your council: check the numbers"
    if errors:
        raise ValidationFailed(errors)
    return {
        "summary": summary, "what_happened": what, "discovered_at": data.discovered_at,
        "occurred_at": data.occurred_at, "people_affected": (data.people_affected or "").strip(),
        "data_kinds": [k for k in DataKind.values if k in kinds],
        "data_kinds_other": other if DataKind.OTHER in kinds else "",
        "people_count": data.people_count, "people_count_estimated": bool(data.people_count_estimated),
        "containment": (data.containment or "").strip(), "family_ids": family_ids,
    }


@transaction.atomic
def incident_record(*, actor, data: IncidentInput, now: datetime.datetime | None = None) -> Incident:
    """Start the breach log entry for an incident. The 72-hour clock runs from `discovered_at`."""
    _require_governance(actor, actor.agency.council_id, object_type="dpo.incident")
    cleaned = _clean_incident(actor, data, _now(now))
    family_ids = cleaned.pop("family_ids")
    incident = Incident.objects.create(council_id=actor.agency.council_id, created_by=actor, created_at=_now(now),
                                       **cleaned)
    incident.families.set(family_ids)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=incident, detail={"families": family_ids})
    return incident


@transaction.atomic
def incident_update(*, actor, incident: Incident, version: int, data: IncidentInput,
                    now: datetime.datetime | None = None) -> Incident:
    """Change what is known about an incident (what happened, whose information, containment)."""
    _require_governance(actor, incident.council_id, object_type="dpo.incident", object_id=incident.pk)
    if not incident.is_open:
        raise Conflict(CLOSED)
    cleaned = _clean_incident(actor, data, _now(now))
    family_ids = cleaned.pop("family_ids")
    if incident.decided_at is not None and cleaned["discovered_at"] != incident.discovered_at:
        raise ValidationFailed({"discovered_at": "The decision on reporting has been made, so the time of discovery "
                                                 "can no longer be changed"})
    _bump(Incident, incident, version, "incident", **cleaned)
    incident.families.set(family_ids)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"families": family_ids})
    return incident


@transaction.atomic
def incident_decide(*, actor, incident: Incident, version: int, decision: str, reason: str, delay_reason: str = "",
                    now: datetime.datetime | None = None) -> Incident:
    """Decide whether to report the incident to the Information Commissioner, and why. A decision made after the
    72 hours is recorded, with the reason for the delay. It may be changed until the report is made."""
    _require_governance(actor, incident.council_id, object_type="dpo.incident", object_id=incident.pk)
    now = _now(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    if incident.reported_at is not None:
        raise Conflict("The incident has been reported to the Information Commissioner: the decision can no longer "
                       "be changed")
    reason, delay_reason = (reason or "").strip(), (delay_reason or "").strip()
    errors = {}
    if decision not in IcoDecision.values:
        errors["decision"] = "Choose whether to report the incident to the Information Commissioner"
    if not reason:
        errors["reason"] = ("Say why it must be reported" if decision == IcoDecision.REPORT
                            else "Say why it does not need to be reported")
    late = now > incident.deadline
    if late and not delay_reason:
        errors["delay_reason"] = "The 72 hours have passed: say why the decision was not made in time"
    if errors:
        raise ValidationFailed(errors)
    _bump(Incident, incident, version, "incident", decision=decision, decision_reason=reason,
          decision_delay_reason=delay_reason if late else "", decided_at=now, decided_by=actor)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=incident,
                 detail={"ico_decision": decision, "late": late})
    return incident


@transaction.atomic
def incident_report(*, actor, incident: Incident, version: int, reported_at: datetime.datetime | None,
                    ico_reference: str, delay_reason: str = "", now: datetime.datetime | None = None) -> Incident:
    """Record the report made to the Information Commissioner: when, and the reference they gave. A report made
    after the 72 hours needs the reasons for the delay (UK GDPR Article 33(1))."""
    _require_governance(actor, incident.council_id, object_type="dpo.incident", object_id=incident.pk)
    now = _now(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    if incident.decision != IcoDecision.REPORT:
        raise ValidationFailed({"decision": "Record the decision to report the incident before recording the report"})
    ico_reference, delay_reason = (ico_reference or "").strip(), (delay_reason or "").strip()
    errors = {}
    if reported_at is None:
        errors["reported_at"] = "Enter the date and time the incident was reported"
    elif reported_at > now:
        errors["reported_at"] = "The time it was reported must be now or in the past"
    elif reported_at < incident.discovered_at:
        errors["reported_at"] = "The time it was reported must be after the time it was discovered"
    if not ico_reference:
        errors["ico_reference"] = "Enter the reference the Information Commissioner's Office gave"
    elif len(ico_reference) > 100:
        errors["ico_reference"] = "Enter a reference of 100 characters or fewer"
    late = reported_at is not None and reported_at > incident.deadline
    if late and not delay_reason:
        errors["delay_reason"] = "It was reported after the 72 hours: give the reasons for the delay"
    if errors:
        raise ValidationFailed(errors)
    _bump(Incident, incident, version, "incident", reported_at=reported_at, ico_reference=ico_reference,
          report_delay_reason=delay_reason if late else "")
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"reported_to_ico": True, "late": late})
    return incident


@transaction.atomic
def incident_notice_record(*, actor, incident: Incident, audience: str, who: str, told_at: datetime.datetime | None,
                           how: str = "", now: datetime.datetime | None = None) -> IncidentNotice:
    """Record who was told about the incident (the people whose information it was, a partner agency), when and
    how."""
    _require_governance(actor, incident.council_id, object_type="dpo.incident", object_id=incident.pk)
    now = _now(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    who, how = (who or "").strip(), (how or "").strip()
    errors = {}
    if audience not in NoticeAudience.values:
        errors["audience"] = "Choose who was told"
    if not who:
        errors["who"] = "Say who was told, like 'the 3 families' or 'Hill School'"
    elif len(who) > 300:
        errors["who"] = "Say who was told in 300 characters or fewer"
    if told_at is None:
        errors["told_at"] = "Enter the date and time they were told"
    elif told_at > now:
        errors["told_at"] = "The time they were told must be now or in the past"
    elif told_at < incident.discovered_at:
        errors["told_at"] = "The time they were told must be after the time the breach was discovered"
    if errors:
        raise ValidationFailed(errors)
    notice = IncidentNotice.objects.create(incident=incident, audience=audience, who=who, told_at=told_at, how=how,
                                           recorded_by=actor, recorded_at=now)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"notice": notice.pk,
                                                                              "audience": audience})
    return notice


@transaction.atomic
def incident_close(*, actor, incident: Incident, version: int, lessons: str,
                   now: datetime.datetime | None = None) -> Incident:
    """Close an incident once the decision on reporting (and any report) is recorded, with what was learned."""
    _require_governance(actor, incident.council_id, object_type="dpo.incident", object_id=incident.pk)
    if not incident.is_open:
        raise Conflict(CLOSED)
    lessons = (lessons or "").strip()
    errors = {}
    if not incident.decision:
        errors["decision"] = "Record the decision on reporting to the Information Commissioner before closing"
    elif incident.decision == IcoDecision.REPORT and incident.reported_at is None:
        errors["decision"] = "Record the report to the Information Commissioner before closing"
    if not lessons:
        errors["lessons"] = "Say what was learned and what will change"
    if errors:
        raise ValidationFailed(errors)
    _bump(Incident, incident, version, "incident", status=IncidentStatus.CLOSED, closed_at=_now(now), lessons=lessons)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"closed": True})
    return incident


# ---------------------------------------------------------------------------------------------------------
# Requests to correct, erase or restrict


@transaction.atomic
def request_record(*, actor, person: Person | None, kind: str, asked: str, received_on: datetime.date | None,
                   now: datetime.datetime | None = None) -> RightsRequest:
    """Log a request for rectification, erasure or restriction from (or for) a person of the council."""
    _require_governance(actor, actor.agency.council_id, object_type="dpo.rightsrequest")
    now = _now(now)
    asked = (asked or "").strip()
    errors = {}
    if person is None or not policy.governance_people(actor).filter(pk=person.pk).exists():
        errors["person"] = "Choose a person of your council"
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
    audit.record(actor=actor, action=AuditAction.CREATE, obj=rights_request, person_id=person.pk,
                 detail={"kind": kind})
    return rights_request


def _require_request(actor, rights_request: RightsRequest) -> None:
    _require_governance(actor, rights_request.council_id, object_type="dpo.rightsrequest",
                        object_id=rights_request.pk)


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
    _bump(RightsRequest, rights_request, version, "request", decision=decision, decision_reason=reason,
          decided_at=_now(now), decided_by=actor)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=rights_request.person_id,
                 detail={"decision": decision})
    return rights_request


def _show(name: str, value) -> str:
    """A person's field as a person reads it, for the change log."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    choices = {"sex": Sex, "ethnicity": Ethnicity, "disability": Disability}
    if name in choices:
        return str(dict(choices[name].choices).get(value, value))
    return str(value)


def field_label(name: str) -> str:
    """The label the person form gives the field ("Phone number", "Date of birth")."""
    from hearth.people.forms import PersonForm

    field = PersonForm.base_fields.get(name)
    return str(field.label) if field is not None else str(Person._meta.get_field(name).verbose_name).capitalize()


@transaction.atomic
def rectification_apply(*, actor, rights_request: RightsRequest, version: int, person_version: int, data: dict,
                        now: datetime.datetime | None = None) -> list[RectificationChange]:
    """Correct the person's details as an accepted rectification request asks, keeping every old value.

    The person is saved by `hearth.people.services.person_correct`, the people app's write for the data protection
    officer's route to a person (`policy.can_rectify_person`)."""
    _require_request(actor, rights_request)
    now = _now(now)
    person = Person.objects.get(pk=rights_request.person_id)
    if not policy.can_rectify_person(actor, person):
        raise NotPermitted(object_type="people.person", object_id=person.pk)
    if rights_request.kind != RequestKind.RECTIFICATION:
        raise ValidationFailed({"kind": "Only a request for rectification changes the person's details"})
    if rights_request.decision != RequestDecision.ACCEPTED:
        raise ValidationFailed({"decision": "Accept the request before correcting the record"})
    if rights_request.applied_at is not None:
        raise Conflict("This correction has already been made")
    changed = people_services.person_correct(actor=actor, person=person, version=person_version, data=data,
                                             rectification_id=rights_request.pk)
    changes = RectificationChange.objects.bulk_create([
        RectificationChange(request=rights_request, person=person, field=k, label=field_label(k),
                            before=_show(k, before), after=_show(k, after), changed_at=now, changed_by=actor)
        for k, (before, after) in changed.items()
    ])
    _bump(RightsRequest, rights_request, version, "request", applied_at=now, applied_by=actor,
          applied_note="Corrected: " + ", ".join(c.label.lower() for c in changes))
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=person.pk,
                 detail={"applied": True, "fields": list(changed)})
    return changes


@transaction.atomic
def request_complete(*, actor, rights_request: RightsRequest, version: int, note: str,
                     now: datetime.datetime | None = None) -> RightsRequest:
    """Record what was done for an accepted request to erase or restrict (rectification is `rectification_apply`)."""
    _require_request(actor, rights_request)
    if rights_request.kind == RequestKind.RECTIFICATION:
        raise ValidationFailed({"note": "Correct the person's details to complete a rectification"})
    if rights_request.decision != RequestDecision.ACCEPTED:
        raise ValidationFailed({"note": "Accept the request before recording what was done"})
    if rights_request.applied_at is not None:
        raise Conflict("What was done has already been recorded")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": "Say what was done"})
    _bump(RightsRequest, rights_request, version, "request", applied_at=_now(now), applied_by=actor,
          applied_note=note)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=rights_request, person_id=rights_request.person_id,
                 detail={"applied": True})
    return rights_request


# Telling the recipients of corrected information (Article 19)


def correction_what(rights_request: RightsRequest, labels: list[str], how: str = "") -> str:
    fields = ", ".join(label.lower() for label in labels) or "the person's details"
    text = f"Correction of {fields} (request for rectification {rights_request.pk})"
    return f"{text}, told {how}" if how else text


def _email_body(rights_request: RightsRequest, recipient, labels: list[str]) -> str:
    """Only what the recipient needs to find and correct their copy: no names, nothing about the family."""
    council = rights_request.council
    contact = " ".join(c for c in (council.contact("dpo_email"), council.contact("dpo_phone")) if c)
    dates = ", ".join(f"{d:%-d %B %Y}" for d in recipient.dates)
    return (
        f"{council.name} has corrected information about a person that it shared with {recipient.name}"
        f"{f' on {dates}' if dates else ''}.\n\n"
        f"What was corrected: {', '.join(label.lower() for label in labels)}.\n\n"
        "Please correct the copies you hold. For the corrected details, contact the data protection officer"
        f"{f' ({contact})' if contact else ''}, quoting this reference.\n\n"
        f"Reference: correction {rights_request.pk}"
    )


def _require_applied_rectification(actor, rights_request: RightsRequest) -> list[str]:
    _require_request(actor, rights_request)
    if rights_request.kind != RequestKind.RECTIFICATION or rights_request.applied_at is None:
        raise ValidationFailed({"recipients": "Correct the person's details before telling the recipients"})
    return list(rights_request.changes.values_list("label", flat=True))


@transaction.atomic
def rectification_tell_recipients(*, actor, rights_request: RightsRequest, keys: list[str]) -> list:
    """Email each chosen recipient of the corrected information that has an address (the agency's email, or the
    address it was sent to), and record each notice in the information-sharing register of the family it was shared
    from. Returns the recipients told."""
    from hearth.dpo import selectors

    labels = _require_applied_rectification(actor, rights_request)
    recipients = {r.key: r for r in selectors.correction_recipients(rights_request)}
    chosen = [recipients[k] for k in dict.fromkeys(keys or []) if k in recipients]
    if not chosen:
        raise ValidationFailed({"recipients": "Choose the recipients to tell"})
    without = [r.name for r in chosen if not r.email]
    if without:
        raise ValidationFailed({"recipients": f"No email address is known for {', '.join(without)}: tell them "
                                              "another way and record it below"})
    subject = f"Correction to information shared with you by {rights_request.council.service_name}"
    for recipient in chosen:
        notify.send_email(to=[recipient.email], subject=subject, body=_email_body(rights_request, recipient, labels))
        _record_told(actor, rights_request, recipient, labels, how=f"by email to {recipient.email}")
    return chosen


@transaction.atomic
def rectification_record_told(*, actor, rights_request: RightsRequest, key: str, how: str) -> None:
    """Record that a recipient was told of the correction another way (a phone call, a letter, secure email)."""
    from hearth.dpo import selectors

    labels = _require_applied_rectification(actor, rights_request)
    recipients = {r.key: r for r in selectors.correction_recipients(rights_request)}
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


def _record_told(actor, rights_request: RightsRequest, recipient, labels: list[str], *, how: str) -> None:
    what = correction_what(rights_request, labels, how)
    for family in Family.objects.filter(pk__in=sorted(recipient.family_ids)):
        sharing_services.disclosure_record(
            actor=actor, family=family, kind=DisclosureKind.OTHER, what=what, recipient=recipient.recipient_text,
            recipient_agency=recipient.agency, purpose=CORRECTION_PURPOSE, basis=CORRECTION_BASIS,
            person=rights_request.person, obj=rights_request)


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
