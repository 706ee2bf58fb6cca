"""A family's last activity: the time of the last change to anything in its record, kept on the family
(`Family.updated_at`), which the dashboard lists families by from its index.

Every change to a family's record is audited in the same transaction (`audit.trail.record`), by every app's
services, so the audit write is the one place that sees them all: each audited change to a record of the family's
work (its members, episode, notes, consent, sharing, scores, assessments, plan, actions, meetings, reviews, requests
for support) moves the family's time on. A change about a person alone (their details, names, address) moves on the
families they belong to. Looks and searches are not activity, and neither is governance's work on the record
(access, retention, subject access, breaches): a legal hold or a disposal count must not make a family look worked
on, nor move the date its retention counts from."""

from django.db.models.signals import post_save
from django.utils import timezone

from hearth.audit.models import AuditAction, AuditEvent
from hearth.people.models import Family

CHANGES = frozenset({AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE})
# The apps (by their Django label) whose records are the family's work.
WORK = frozenset({"people", "cases", "consent", "sharing", "outcomes", "assessments", "plans", "referrals",
                  "supporting_families"})


def counts(event: AuditEvent) -> bool:
    """Whether the audited event is activity in a family's record."""
    return (event.action in CHANGES and bool(event.family_id or event.person_id)
            and event.object_type.split(".", 1)[0] in WORK)


def touch(event: AuditEvent) -> None:
    """Move the family's (or the person's families') last activity to now, if the event is activity."""
    if not counts(event):
        return
    families = (Family.objects.filter(pk=event.family_id) if event.family_id
                else Family.objects.filter(members__person_id=event.person_id))
    families.update(updated_at=timezone.now())


def on_audit_row(sender, instance: AuditEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        touch(instance)


def connect() -> None:
    """Listen to the audit log's writes (called once, from the app's `ready()`)."""
    post_save.connect(on_audit_row, sender=AuditEvent, dispatch_uid="families.activity")
