"""Every write of the breach log.

Each function checks `hearth.access.governance.can_do_governance` (the DPO of the council), validates (raising
ValidationFailed with plain-English messages), saves with optimistic concurrency where a record is edited, and
records an audit event. `now` may be passed for tests; it defaults to the current time.

Each write's checks are a function of their own (`incident_problems`, `decision_problems`, `report_problems`,
`notice_problems`, `close_problems`) that writes nothing: a page whose form failed its own checks runs them on the
answers that passed and shows both at once (`web.forms.show_checks`), so no rule waits for a second submit.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.breaches.models import (
    DataKind,
    IcoDecision,
    Incident,
    IncidentNotice,
    IncidentStatus,
    NoticeAudience,
)
from hearth.core import dates
from hearth.core.errors import Conflict, ValidationFailed
from hearth.core.locking import update_if_unchanged

CLOSED = "This incident is closed and can no longer be changed"


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


def incident_problems(*, actor, data: IncidentInput, now: datetime.datetime | None = None) -> dict[str, str]:
    """What is wrong with an incident's details, as {field: message}; writes nothing. The form's page also shows
    these beside its own errors (`web.forms.show_checks`), given only the answers that passed, so that a time of
    discovery before the time it happened is pointed out on the first submit."""
    now = dates.now_or(now)
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
        found = set(governance.governance_families(actor).filter(pk__in=family_ids).values_list("pk", flat=True))
        missing = [str(i) for i in family_ids if i not in found]
        if missing:
            errors["family_ids"] = f"There is no family record {', '.join(missing)} in your council: check the numbers"
    return errors


def _clean_incident(actor, data: IncidentInput, now: datetime.datetime) -> dict:
    errors = incident_problems(actor=actor, data=data, now=now)
    if errors:
        raise ValidationFailed(errors)
    summary, what = data.summary.strip(), data.what_happened.strip()
    kinds = list(dict.fromkeys(data.data_kinds or []))
    other = (data.data_kinds_other or "").strip()
    family_ids = sorted(set(data.family_ids or []))
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
    governance.require_officer(actor, actor.agency.council_id, object_type="breaches.incident")
    cleaned = _clean_incident(actor, data, dates.now_or(now))
    family_ids = cleaned.pop("family_ids")
    incident = Incident.objects.create(council_id=actor.agency.council_id, created_by=actor,
                                       created_at=dates.now_or(now), **cleaned)
    incident.families.set(family_ids)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=incident, detail={"families": family_ids})
    return incident


@transaction.atomic
def incident_update(*, actor, incident: Incident, version: int, data: IncidentInput,
                    now: datetime.datetime | None = None) -> Incident:
    """Change what is known about an incident (what happened, whose information, containment)."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    if not incident.is_open:
        raise Conflict(CLOSED)
    cleaned = _clean_incident(actor, data, dates.now_or(now))
    family_ids = cleaned.pop("family_ids")
    if incident.decided_at is not None and cleaned["discovered_at"] != incident.discovered_at:
        raise ValidationFailed({"discovered_at": "The decision on reporting has been made, so the time of discovery "
                                                 "can no longer be changed"})
    update_if_unchanged(incident, version, what="incident", **cleaned)
    incident.families.set(family_ids)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"families": family_ids})
    return incident


@transaction.atomic
def incident_link_family(*, actor, incident: Incident, family_id: int) -> bool:
    """Add a family record, found by search, to the families an incident involved. Adding is idempotent and
    touches nothing else of the incident, so it needs no version check. False when it was linked already."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    if not incident.is_open:
        raise Conflict(CLOSED)
    if not governance.governance_families(actor).filter(pk=family_id).exists():
        raise ValidationFailed({"family": f"There is no family record {family_id} in your council"})
    if incident.families.filter(pk=family_id).exists():
        return False
    incident.families.add(family_id)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"family_linked": family_id})
    return True


def decision_problems(*, incident: Incident, decision: str, reason: str, delay_reason: str = "",
                      now: datetime.datetime | None = None) -> dict[str, str]:
    """What is wrong with a decision on reporting an incident, as {field: message}; writes nothing."""
    errors = {}
    if decision not in IcoDecision.values:
        errors["decision"] = "Choose whether to report the incident to the Information Commissioner"
    if not (reason or "").strip():
        errors["reason"] = {IcoDecision.REPORT: "Say why it must be reported",
                            IcoDecision.DO_NOT_REPORT: "Say why it does not need to be reported"}.get(
            decision, "Say why you decided as you did")
    if dates.now_or(now) > incident.deadline and not (delay_reason or "").strip():
        errors["delay_reason"] = "The 72 hours have passed: say why the decision was not made in time"
    return errors


@transaction.atomic
def incident_decide(*, actor, incident: Incident, version: int, decision: str, reason: str, delay_reason: str = "",
                    now: datetime.datetime | None = None) -> Incident:
    """Decide whether to report the incident to the Information Commissioner, and why. A decision made after the
    72 hours is recorded, with the reason for the delay. It may be changed until the report is made."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    now = dates.now_or(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    if incident.reported_at is not None:
        raise Conflict("The incident has been reported to the Information Commissioner: the decision can no longer "
                       "be changed")
    reason, delay_reason = (reason or "").strip(), (delay_reason or "").strip()
    errors = decision_problems(incident=incident, decision=decision, reason=reason, delay_reason=delay_reason,
                               now=now)
    if errors:
        raise ValidationFailed(errors)
    late = now > incident.deadline
    update_if_unchanged(incident, version, what="incident", decision=decision, decision_reason=reason,
                        decision_delay_reason=delay_reason if late else "", decided_at=now, decided_by=actor)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident,
                 detail={"ico_decision": decision, "late": late})
    return incident


def report_problems(*, incident: Incident, reported_at: datetime.datetime | None, ico_reference: str,
                    delay_reason: str = "", now: datetime.datetime | None = None) -> dict[str, str]:
    """What is wrong with the record of a report to the Information Commissioner, as {field: message}; writes
    nothing."""
    now = dates.now_or(now)
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
    if reported_at is not None and reported_at > incident.deadline and not delay_reason:
        errors["delay_reason"] = "It was reported after the 72 hours: give the reasons for the delay"
    return errors


@transaction.atomic
def incident_report(*, actor, incident: Incident, version: int, reported_at: datetime.datetime | None,
                    ico_reference: str, delay_reason: str = "", now: datetime.datetime | None = None) -> Incident:
    """Record the report made to the Information Commissioner: when, and the reference they gave. A report made
    after the 72 hours needs the reasons for the delay (UK GDPR Article 33(1))."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    now = dates.now_or(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    if incident.decision != IcoDecision.REPORT:
        raise ValidationFailed({"decision": "Record the decision to report the incident before recording the report"})
    ico_reference, delay_reason = (ico_reference or "").strip(), (delay_reason or "").strip()
    errors = report_problems(incident=incident, reported_at=reported_at, ico_reference=ico_reference,
                             delay_reason=delay_reason, now=now)
    if errors:
        raise ValidationFailed(errors)
    late = reported_at > incident.deadline
    update_if_unchanged(incident, version, what="incident", reported_at=reported_at, ico_reference=ico_reference,
                        report_delay_reason=delay_reason if late else "")
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"reported_to_ico": True, "late": late})
    return incident


def notice_problems(*, incident: Incident, audience: str, who: str, told_at: datetime.datetime | None,
                    now: datetime.datetime | None = None) -> dict[str, str]:
    """What is wrong with the record of who was told about an incident, as {field: message}; writes nothing."""
    now = dates.now_or(now)
    who = (who or "").strip()
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
    return errors


@transaction.atomic
def incident_notice_record(*, actor, incident: Incident, audience: str, who: str, told_at: datetime.datetime | None,
                           how: str = "", now: datetime.datetime | None = None) -> IncidentNotice:
    """Record who was told about the incident (the people whose information it was, a partner agency), when and
    how."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    now = dates.now_or(now)
    if not incident.is_open:
        raise Conflict(CLOSED)
    who, how = (who or "").strip(), (how or "").strip()
    errors = notice_problems(incident=incident, audience=audience, who=who, told_at=told_at, now=now)
    if errors:
        raise ValidationFailed(errors)
    notice = IncidentNotice.objects.create(incident=incident, audience=audience, who=who, told_at=told_at, how=how,
                                           recorded_by=actor, recorded_at=now)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"notice": notice.pk,
                                                                              "audience": audience})
    return notice


def close_problems(*, incident: Incident, lessons: str) -> dict[str, str]:
    """What stops an incident being closed, as {field: message}; writes nothing."""
    errors = {}
    if not incident.decision:
        errors["decision"] = "Record the decision on reporting to the Information Commissioner before closing"
    elif incident.decision == IcoDecision.REPORT and incident.reported_at is None:
        errors["decision"] = "Record the report to the Information Commissioner before closing"
    if not (lessons or "").strip():
        errors["lessons"] = "Say what was learned and what will change"
    return errors


@transaction.atomic
def incident_close(*, actor, incident: Incident, version: int, lessons: str,
                   now: datetime.datetime | None = None) -> Incident:
    """Close an incident once the decision on reporting (and any report) is recorded, with what was learned."""
    governance.require_officer(actor, incident.council_id, object_type="breaches.incident", object_id=incident.pk)
    if not incident.is_open:
        raise Conflict(CLOSED)
    lessons = (lessons or "").strip()
    errors = close_problems(incident=incident, lessons=lessons)
    if errors:
        raise ValidationFailed(errors)
    update_if_unchanged(incident, version, what="incident", status=IncidentStatus.CLOSED,
                        closed_at=dates.now_or(now), lessons=lessons)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=incident, detail={"closed": True})
    return incident
