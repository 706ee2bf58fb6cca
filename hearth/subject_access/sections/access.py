"""Who has looked at or changed the record: the audit log about the subject or their families, in plain English."""

from datetime import date

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from hearth.audit.models import AuditAction, AuditEvent
from hearth.core import personal_data
from hearth.people.models import Person
from hearth.subject_access.bundle import Item, Section, SectionSource, Subject, day

# What the audit log calls things that are not records of the register of personal data. Records are called what
# the register calls them (`Record.one`).
OTHER_PHRASES = {
    "sharing.register": "the information-sharing register",
    "sharing.transparency": "the list of what has been shared about the family",
}
VERBS = {
    AuditAction.VIEW: "viewed",
    AuditAction.SEARCH: "searched for",
    AuditAction.CREATE: "added",
    AuditAction.UPDATE: "changed",
    AuditAction.DELETE: "deleted",
    AuditAction.EXPORT: "downloaded a copy of",
    AuditAction.DISCLOSE: "recorded the sharing of",
    AuditAction.DENIED: "was refused access to",
    AuditAction.ADMIN: "made an administrative change to",
}
DETAIL_PHRASES = {"chronology": "the chronology"}


def _object_phrase(event: AuditEvent, subject: Person) -> str:
    detail = event.detail if isinstance(event.detail, dict) else {}
    if detail.get("view") in DETAIL_PHRASES:
        return DETAIL_PHRASES[detail["view"]]
    if event.object_type == "people.person":
        if event.object_id == str(subject.pk):
            return f"{subject.full_name}'s personal details"
        return "a family member's personal details"
    record = personal_data.record_for(event.object_type)
    if record is not None:
        return record.one
    if event.object_type in OTHER_PHRASES:
        return OTHER_PHRASES[event.object_type]
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return "a record"
    return personal_data.with_article(str(model._meta.verbose_name))


def _times(count: int) -> str:
    return "" if count == 1 else " twice" if count == 2 else f" {count} times"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def access_sentence(actor, did: list[tuple[str, str, int]], on: date) -> str:
    """What one person did to the record on one day, in plain English: `did` is (action, what, times) in the order
    they first did each ("Pat Practitioner of Hill School viewed the family record twice and a case note, and
    changed a review on 3 March 2026")."""
    who = f"{actor.full_name} of {actor.agency.name}" if actor is not None else "The system"
    break_glass = personal_data.record_for("access.breakglass").one
    by_verb: dict[str, list[str]] = {}
    for action, phrase, count in did:
        verb = VERBS.get(action, "used")
        if action == AuditAction.CREATE and phrase == break_glass:
            verb = "opened"
        by_verb.setdefault(verb, []).append(f"{phrase}{_times(count)}")
    parts = [f"{verb} {_and(things)}" for verb, things in by_verb.items()]
    done = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"{who} {done} on {day(on)}"


def _access(subject: Subject) -> Section:
    """The audit log about the subject or their families, one sentence for each person and day."""
    audit = (AuditEvent.objects.filter(Q(person_id=subject.person.pk) | Q(family_id__in=subject.family_ids))
             .select_related("actor__agency").order_by("at", "id"))
    days: dict[tuple, dict[tuple[str, str], int]] = {}
    actors = {}
    for event in audit:
        if event.action in (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT):
            continue
        on = timezone.localtime(event.at).date()
        actors.setdefault(event.actor_id, event.actor)
        did = days.setdefault((on, event.actor_id), {})
        what = (event.action, _object_phrase(event, subject.person))
        did[what] = did.get(what, 0) + 1
    items = []
    for (on, actor_id), did in days.items():
        sentence = access_sentence(actors[actor_id], [(a, p, n) for (a, p), n in did.items()], on)
        items.append(Item(key=f"access:{on.isoformat()}:{actor_id or 0}", title=sentence, on=on,
                          group=f"{on:%B %Y}"))
    return Section("access", "Who has looked at or changed the record", "Everything anyone did with the record, "
                   "from its audit log: who looked at, changed, downloaded or shared it, and when, oldest first.",
                   "No one has looked at the record.", items, grouped=True)


ACCESS = SectionSource("access", ("governance.auditevent",), _access)
