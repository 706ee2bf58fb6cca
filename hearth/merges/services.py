"""Merging two records of one person, and undoing it. The data protection officer's work (`governance`).

A merge keeps one record (the survivor) and retires the other (the merged record):

- the survivor takes, detail by detail, what the officer chose from the merged record;
- every row of the register of personal data (`hearth.core.personal_data`) that refers to the merged record moves to
  the survivor, by each of its references to a person. A row the survivor already has one like (the same family
  membership, a relationship between the two) cannot move: a row nothing else refers to is kept in the merge, to be
  put back on an unmerge, and removed; any other stays with the merged record, and the merge lists it;
- the merged record's current address becomes a previous address of the survivor (or its current one, if chosen),
  and its current name another name of the survivor;
- the merged record stays, marked `merged_into`, with no family memberships: search leaves it out and its page says
  where it went;
- access follows at once (the stored decisions of both records' families are refreshed in the same transaction),
  the merge is audited on both records, and each recipient in the sharing register who had the merged record's
  information and has an email address is told.

Refused while either record is restricted or under a legal hold (`holds.Use.MERGE`), and when either was changed
since the officer compared them. An unmerge puts back every row that moved, every row removed, the addresses ended
and the details the survivor took (those not changed since); what was added to the survivor since the merge stays
with it.
"""

from dataclasses import dataclass
from datetime import date

from django.core import serializers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hearth.access import governance, grants
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import personal_data
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.duplicates.models import DuplicatePair, PairStatus
from hearth.families.services import PERSON_FIELDS, refresh_current_name
from hearth.merges.models import Merge
from hearth.outbox import services as outbox
from hearth.people import holds, matching
from hearth.people.models import Address, Family, FamilyMember, NameKind, Person, PersonName
from hearth.sharing import selectors as sharing_selectors
from hearth.sharing import services as sharing_services
from hearth.sharing.models import Decision, Disclosure, DisclosureKind

CURRENT_ADDRESS = "current_address"
CHOOSABLE = (*PERSON_FIELDS, CURRENT_ADDRESS)
IDENTIFIERS = ("nhs_number", "upn", "ni_number")  # unique to one record
# The merge's own records, which say which records are which, never move.
NOT_MOVED = frozenset({"merges.merge", "duplicates.duplicatepair"})
NOTICE_PURPOSE = "To tell a recipient of information that two records of one person were merged, or unmerged"
NOTICE_BASIS = "UK GDPR Article 5(1)(d): accuracy"
LABEL = "merges.merge"
TOLD_HOW_LENGTH = 200


def _refuse_held(survivor: Person, merged: Person, verb: str) -> None:
    reasons = holds.reasons(holds.Use.MERGE, person=survivor) + holds.reasons(holds.Use.MERGE, person=merged)
    if reasons:
        raise ValidationFailed({"merge": f"These records cannot be {verb} now. " + " ".join(dict.fromkeys(reasons))})


def _lock(*people: Person) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[p.pk for p in people])}


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def from_json(name: str, value):
    """A detail as a merge keeps it (`Merge.survivor_before`, `merged_before`), as the model field holds it."""
    if value is not None and name == "date_of_birth":
        return date.fromisoformat(value)
    return value


def _family_ids(*people: Person) -> set[int]:
    return set(FamilyMember.objects.filter(person__in=people).values_list("family_id", flat=True))


# Rows that only link a person to something, removed (and kept in the merge, to be put back) when the survivor
# already has the same link. Any other row that cannot move stays with the merged record.
LINKS = frozenset({"people.familymember", "people.relationship"})


@transaction.atomic
def merge(*, actor, survivor: Person, merged: Person, versions: tuple[int, int], take: list[str],
          reason: str) -> Merge:
    """Merge `merged` into `survivor`, taking the details named in `take` from the merged record."""
    if not governance.can_do_governance(actor, survivor.council_id) or merged.council_id != survivor.council_id:
        raise NotPermitted(object_type=LABEL, object_id=f"{survivor.pk}-{merged.pk}")
    reason = (reason or "").strip()
    errors = {}
    if survivor.pk == merged.pk:
        errors["merge"] = "Choose two different records"
    if not reason:
        errors["reason"] = "Say why these two records are the same person"
    unknown = [f for f in take if f not in CHOOSABLE]
    if unknown:
        errors["merge"] = "Choose each detail from one record or the other"
    if errors:
        raise ValidationFailed(errors)
    locked = _lock(survivor, merged)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if (survivor.version, merged.version) != tuple(versions):
        raise Conflict("One of these records was changed while you were comparing them. Nothing has been merged: "
                       "compare them again.")
    for person in (survivor, merged):
        if person.erased_at is not None or person.merged_into_id is not None:
            raise ValidationFailed({"merge": f"Record {person.pk} has been erased or merged already"})
    _refuse_held(survivor, merged, "merged")
    families = _family_ids(survivor, merged)
    recipients = _recipients(merged, families)
    today = timezone.localdate()
    record = Merge(council_id=survivor.council_id, survivor=survivor, merged=merged, reason=reason, merged_by=actor)

    # The details the survivor takes; a unique identifier leaves the merged record first. An address that must not
    # be disclosed on either record stays withheld, whatever was chosen.
    take = [*take, "address_withheld"] if merged.address_withheld else take
    taken = [f for f in PERSON_FIELDS if f in take and getattr(merged, f) != getattr(survivor, f)]
    freed = {f: getattr(merged, f) for f in taken if f in IDENTIFIERS and getattr(merged, f)}
    if freed:
        Person.objects.filter(pk=merged.pk).update(**dict.fromkeys(freed))
    record.merged_before = {f: _json(v) for f, v in freed.items()}
    record.survivor_before = {f: _json(getattr(survivor, f)) for f in taken}
    for f in taken:
        setattr(survivor, f, getattr(merged, f))

    # Addresses: one current address for the survivor, the other ended today.
    ended = Address.objects.filter(person=survivor if CURRENT_ADDRESS in take else merged, to_date__isnull=True)
    record.ended = [[pk, None] for pk in ended.values_list("pk", flat=True)]
    ended.update(to_date=today)

    # Every row that refers to the merged record.
    moved, removed, kept = [], [], []
    for entry in personal_data.records():
        if entry.model in NOT_MOVED:
            continue
        model = entry.model_class
        for field in entry.person_fields():
            rows = model._base_manager.filter(**{field: merged})
            if model is PersonName:
                rows = rows.exclude(kind=NameKind.CURRENT)
            for pk in list(rows.values_list("pk", flat=True)):
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{field: survivor})
                    moved.append([entry.model, pk, field])
                except IntegrityError:
                    if entry.model in LINKS:
                        row = model._base_manager.filter(pk=pk)
                        removed.append([entry.model, serializers.serialize("json", row)])
                        row.delete()
                    else:
                        kept.append([entry.model, pk, field])
    record.moved, record.removed, record.kept = moved, removed, kept

    # The merged record's current name, as another name of the survivor.
    record.save()
    name_changed = {"given_name", "family_name"} & set(taken)
    survivor.version += 1
    survivor.save()
    if name_changed:
        refresh_current_name(survivor)
    if (merged.given_name, merged.family_name) != (survivor.given_name, survivor.family_name):
        other = PersonName.objects.create(person=survivor, kind=NameKind.OTHER, given_name=merged.given_name,
                                          family_name=merged.family_name,
                                          **matching.name_keys(merged.given_name, merged.family_name))
        record.added = [["people.personname", other.pk]]
        record.save(update_fields=["added"])
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor, version=merged.version + 1,
                                               updated_at=timezone.now())
    grants.refresh_families(families)
    _decide_pairs(actor, survivor, merged, PairStatus.MERGED, reason)
    detail = {"merge": record.pk, "survivor": survivor.pk, "merged": merged.pk, "taken": taken,
              "moved": len(moved), "removed": len(removed), "kept": len(kept)}
    for person in (survivor, merged):
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=record, person_id=person.pk, detail=detail)
    _tell(actor, record, recipients, undone=False)
    return record


@transaction.atomic
def unmerge(*, actor, merge_record: Merge, reason: str) -> dict[str, list[str]]:
    """Put both records back as they were before the merge. Returns what could not be put back, by kind: details
    the survivor has changed since (kept), rows deleted since."""
    merge_record = Merge.objects.select_for_update().get(pk=merge_record.pk)
    if not governance.can_do_governance(actor, merge_record.council_id):
        raise NotPermitted(object_type=LABEL, object_id=merge_record.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why these records are two people after all"})
    if merge_record.is_undone:
        raise Conflict("This merge has already been undone")
    locked = _lock(merge_record.survivor, merge_record.merged)
    survivor, merged = locked[merge_record.survivor_id], locked[merge_record.merged_id]
    _refuse_held(survivor, merged, "unmerged")
    gone: list[str] = []
    for label, pk, field in merge_record.moved:
        model = personal_data.record_for(label).model_class
        if not model._base_manager.filter(pk=pk).update(**{field: merged}):
            gone.append(f"{personal_data.record_for(label).one} (deleted since the merge)")
    for label, pk in merge_record.added:
        personal_data.record_for(label).model_class._base_manager.filter(pk=pk).delete()
    for _label, data in merge_record.removed:
        for obj in serializers.deserialize("json", data):
            obj.save()
    # The survivor's details back, unless changed since; the merged record's identifiers back.
    kept_since = []
    for f, before in merge_record.survivor_before.items():
        value = from_json(f, before)
        taken = from_json(f, merge_record.merged_before.get(f, _json(getattr(merged, f))))
        if getattr(survivor, f) == taken:
            setattr(survivor, f, value)
        else:
            kept_since.append(f)
    survivor.version += 1
    survivor.save()
    refresh_current_name(survivor)
    Person.objects.filter(pk=merged.pk).update(
        merged_into=None, version=merged.version + 1, updated_at=timezone.now(),
        **{f: from_json(f, v) for f, v in merge_record.merged_before.items()})
    for pk, to_date in merge_record.ended:
        try:
            with transaction.atomic():
                Address.objects.filter(pk=pk).update(to_date=to_date)
        except IntegrityError:  # a current address was recorded since: the one the merge ended stays ended
            gone.append("a current address the merge ended (another has been recorded since)")
    merge_record.unmerged_by, merge_record.unmerged_at = actor, timezone.now()
    merge_record.unmerge_reason = reason
    merge_record.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    families = _family_ids(survivor, merged)
    grants.refresh_families(families)
    _decide_pairs(actor, survivor, merged, PairStatus.REJECTED, reason, status=PairStatus.MERGED)
    detail = {"merge": merge_record.pk, "unmerged": True, "kept_since": kept_since, "gone": len(gone)}
    for person in (survivor, merged):
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=merge_record, person_id=person.pk, detail=detail)
    _tell(actor, merge_record, _recipients(merged, families, merge_record), undone=True)
    return {"kept_since": kept_since, "gone": gone}


def _decide_pairs(actor, one: Person, other: Person, decision: str, reason: str,
                  status: str = PairStatus.WAITING) -> None:
    """The batch de-duplication's queue, told: the pair of these two records is merged (or, once unmerged, not the
    same person, so that a later run does not offer it again)."""
    DuplicatePair.objects.filter(Q(person_a=one, person_b=other) | Q(person_a=other, person_b=one),
                                 status=status).update(status=decision, decided_by=actor,
                                                       decided_at=timezone.now(), reason=reason[:2_000])


# Telling the recipients --------------------------------------------------------------------------------------------


@dataclass
class Recipients:
    """The recipients of the merged record's information, and the keys of those told of the merge (or, once it is
    undone, of the unmerge)."""

    all: list[sharing_selectors.Recipient]
    told_now: set[str]


def _is_notice_of(entry: Disclosure, merge_record: Merge | None) -> bool:
    return (merge_record is not None and entry.kind == DisclosureKind.MERGE_NOTICE and entry.object_type == LABEL
            and entry.object_id == str(merge_record.pk))


def _recipients(person: Person, family_ids: set[int], merge_record: Merge | None = None) -> Recipients:
    """Who had the record's information, from the sharing register: entries about the person (those the merge moved
    to the survivor included), or about a whole family of theirs, that were shared. Notices of the merge (or its
    undoing) already recorded are listed against each recipient (`told`). One query."""
    about = Q(person=person) | Q(person__isnull=True, family_id__in=family_ids)
    not_recipients = Q(kind__in=sharing_selectors.NOT_RECIPIENTS)
    if merge_record is not None:
        moved = [pk for label, pk, _field in merge_record.moved if label == Disclosure._meta.label_lower]
        this = Q(kind=DisclosureKind.MERGE_NOTICE, object_type=LABEL, object_id=str(merge_record.pk))
        about |= Q(pk__in=moved) | this
        not_recipients &= ~this
    entries = (Disclosure.objects.filter(about, decision=Decision.SHARED).exclude(not_recipients)
               .select_related("recipient_agency").order_by("occurred_on", "pk"))
    told_now: set[str] = set()

    def told(entry: Disclosure) -> str | None:
        if not _is_notice_of(entry, merge_record):
            return None
        # Told of what happened last: the merge, or once it is undone, the unmerge.
        if not merge_record.is_undone or entry.disclosed_at >= merge_record.unmerged_at:
            told_now.add(sharing_selectors.recipient_key(entry))
        return f"{entry.occurred_on:%-d %B %Y}: {entry.what}"

    return Recipients(sharing_selectors.group_recipients(entries, told=told), told_now)


def recipients_of(merge_record: Merge) -> Recipients:
    return _recipients(merge_record.merged, _family_ids(merge_record.survivor, merge_record.merged), merge_record)


def _notice_what(merge_record: Merge, *, undone: bool, how: str) -> str:
    return f"{'Unmerge' if undone else 'Merge'} of two records of one person (merge {merge_record.pk}), told {how}"


def _record_notice(actor, merge_record: Merge, recipient: sharing_selectors.Recipient, *, undone: bool, how: str,
                   by_email: bool = False) -> list[Disclosure]:
    """The notice, in the sharing register of each family the recipient had the information from."""
    return [sharing_services.disclosure_record(
        actor=actor, family=family, kind=DisclosureKind.MERGE_NOTICE,
        what=_notice_what(merge_record, undone=undone, how=how), recipient=recipient.recipient_text,
        recipient_agency=recipient.agency, purpose=NOTICE_PURPOSE, basis=NOTICE_BASIS, person=merge_record.survivor,
        obj=merge_record, by_email=by_email)
        for family in Family.objects.filter(pk__in=sorted(recipient.family_ids))]


def _tell(actor, merge_record: Merge, recipients: Recipients, *, undone: bool) -> None:
    """Email each recipient with an address, with only what they need to find their copy, and record the notice in
    the register of each family it was shared from."""
    council = merge_record.council
    done = "found that two records it held were not the same person, and separated them" if undone else \
        "found that two records it held were the same person, and merged them"
    for recipient in recipients.all:
        if not recipient.email:
            continue
        dates = ", ".join(f"{d:%-d %B %Y}" for d in recipient.dates)
        body = (f"{council.name} {done}. It shared information from one of them with {recipient.name}"
                f"{f' on {dates}' if dates else ''}.\n\nPlease check the copies you hold, and contact the data "
                f"protection officer for the details, quoting this reference.\n\nReference: merge {merge_record.pk}")
        entries = _record_notice(actor, merge_record, recipient, undone=undone, how="by email", by_email=True)
        outbox.send(to=recipient.email, subject=f"Records merged by {council.service_name}", body=body,
                    kind="merges.notice", about=entries[0] if entries else None)


@transaction.atomic
def record_told(*, actor, merge_record: Merge, key: str, how: str) -> None:
    """Record that a recipient was told of the merge (or, once it is undone, of the unmerge) another way: a phone
    call, a letter. A notice in the sharing register of each family they had the information from."""
    merge_record = Merge.objects.select_for_update().filter(pk=merge_record.pk).first()
    if merge_record is None or not governance.can_do_governance(actor, merge_record.council_id):
        raise NotPermitted(object_type=LABEL, object_id=getattr(merge_record, "pk", ""))
    recipients = {r.key: r for r in recipients_of(merge_record).all}
    how = (how or "").strip()
    errors = {}
    if key not in recipients:
        errors["key"] = "Choose the recipient you told"
    if not how:
        errors["how"] = "Say how they were told, like 'by phone to the practice manager'"
    elif len(how) > TOLD_HOW_LENGTH:
        errors["how"] = f"Say how they were told in {TOLD_HOW_LENGTH} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    _record_notice(actor, merge_record, recipients[key], undone=merge_record.is_undone, how=how)
