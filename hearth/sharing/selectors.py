"""Reading the information-sharing register, scoped by the access policy and audited.

Every function loads what it returns in a fixed number of queries, whatever the size of the register.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from hearth.access import policy
from hearth.accounts.models import Agency
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.consent.models import LawfulBasis, ShareConsent
from hearth.core import identifiers
from hearth.core.errors import NotPermitted
from hearth.people.models import Family, FamilyMember, Person
from hearth.sharing.models import Decision, Disclosure, DisclosureKind

PANEL_SIZE = 5


# Recipients of a person's information (to tell them of a correction, an erasure, a restriction or a merge) ----------

# Copies given to the person or the family themselves, and notices to recipients, are not recipients to tell.
NOT_RECIPIENTS = (DisclosureKind.TRANSPARENCY_COPY, DisclosureKind.SUBJECT_ACCESS, DisclosureKind.RIGHTS_NOTICE,
                  DisclosureKind.MERGE_NOTICE)


@dataclass
class Recipient:
    """Someone the person's information was shared with: an agency, or the person or address written down."""

    key: str
    name: str
    recipient_text: str
    agency: object = None
    email: str = ""
    family_ids: set[int] = field(default_factory=set)
    dates: list[date] = field(default_factory=list)
    count: int = 0
    told: list[str] = field(default_factory=list)


def recipient_key(entry: Disclosure) -> str:
    if entry.recipient_agency_id:
        return f"agency-{entry.recipient_agency_id}"
    return "to-" + hashlib.sha256(entry.recipient.strip().lower().encode()).hexdigest()[:16]


def group_recipients(entries: Iterable[Disclosure], *, told: Callable[[Disclosure], str | None]) -> list[Recipient]:
    """The register's entries (with their recipient agencies) as the recipients to tell, by name: each with the
    families and dates it was shared on, and the notices already recorded (`told(entry)` says, for an entry that
    is such a notice, what it told)."""
    recipients: dict[str, Recipient] = {}
    for entry in entries:
        key = recipient_key(entry)
        agency = entry.recipient_agency
        recipient = recipients.get(key)
        if recipient is None:
            recipient = recipients[key] = Recipient(
                key=key, name=agency.name if agency else entry.recipient,
                recipient_text=agency.name if agency else entry.recipient, agency=agency,
                email=agency.email if agency and agency.email else "")
        notice = told(entry)
        if notice is not None:
            recipient.told.append(notice)
            continue
        if not recipient.email and identifiers.is_email(entry.recipient.strip()):
            recipient.email = entry.recipient.strip()
        recipient.family_ids.add(entry.family_id)
        if entry.occurred_on not in recipient.dates:
            recipient.dates.append(entry.occurred_on)
        recipient.count += 1
    return sorted((r for r in recipients.values() if r.count), key=lambda r: r.name.lower())


@dataclass
class RegisterFilter:
    decision: str = ""
    kind: str = ""
    origin: str = ""
    agency_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.decision or self.kind or self.origin or self.agency_id or self.date_from or self.date_to)

    def apply(self, entries: QuerySet) -> QuerySet:
        if self.decision:
            entries = entries.filter(decision=self.decision)
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.origin:
            entries = entries.filter(origin=self.origin)
        if self.agency_id:
            entries = entries.filter(recipient_agency_id=self.agency_id)
        if self.date_from:
            entries = entries.filter(occurred_on__gte=self.date_from)
        if self.date_to:
            entries = entries.filter(occurred_on__lte=self.date_to)
        return entries

    def detail(self) -> dict:
        """For the audit log: which filters were used (no personal data)."""
        return {k: str(v) for k, v in vars(self).items() if v}


def _entries() -> QuerySet[Disclosure]:
    return Disclosure.objects.select_related("recipient_agency", "person", "disclosed_by__agency", "family")


def visible_family(user, family_id: int) -> Family:
    """The family with its council, if the user may see it; otherwise NotPermitted (a 403 page)."""
    family = policy.families_visible_to(user).select_related("council").filter(pk=family_id).first()
    if family is None:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    return family


def visible_person(user, person_id: int) -> Person:
    person = policy.people_visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise NotPermitted(object_type="people.person", object_id=person_id)
    return person


def family_register(user, family: Family, filters: RegisterFilter | None = None) -> list[Disclosure]:
    """Every entry of the family's register, newest first, filtered (two queries with the audit row)."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    filters = filters or RegisterFilter()
    entries = list(filters.apply(_entries().filter(family=family)))
    trail.record(actor=user, action=AuditAction.VIEW, object_type="sharing.register", object_id=family.pk,
                 family_id=family.pk, detail={"entries": len(entries), "filters": filters.detail()})
    return entries


@dataclass
class PersonRegister:
    person: Person
    families: list[Family]
    entries: list[Disclosure]


def person_register(user, person: Person, filters: RegisterFilter | None = None) -> PersonRegister:
    """Entries about the person, and entries about the whole of each family of theirs the user may see."""
    if not policy.can_view_person(user, person):
        raise NotPermitted(object_type="people.person", object_id=person.pk)
    filters = filters or RegisterFilter()
    families = list(policy.families_visible_to(user).filter(members__person=person).select_related("council")
                    .distinct().order_by("name", "pk"))
    about = Q(person=person) | Q(person__isnull=True)
    entries = list(filters.apply(_entries().filter(about, family__in=[f.pk for f in families])))
    trail.record(actor=user, action=AuditAction.VIEW, object_type="sharing.register", object_id=person.pk,
                 person_id=person.pk, detail={"entries": len(entries), "filters": filters.detail()})
    return PersonRegister(person=person, families=families, entries=entries)


def agencies_for(council) -> list[Agency]:
    """The council's agencies, for choosing who information went to, and for filtering by it."""
    return list(Agency.objects.filter(council=council).order_by("name"))


@dataclass
class Bases:
    consents: list[ShareConsent]
    lawful_bases: list[LawfulBasis]


def bases_for(family: Family) -> Bases:
    """The family's active consents to share and its confirmed, unexpired lawful bases (two queries)."""
    return Bases(
        consents=list(ShareConsent.objects.filter(family=family, withdrawn_on__isnull=True)
                      .select_related("person", "given_by").order_by("-given_on", "-pk")),
        lawful_bases=list(LawfulBasis.objects.filter(family=family, confirmed_by__isnull=False)
                          .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))
                          .select_related("person").order_by("-decided_at", "-pk")),
    )


def members_of(family: Family) -> list[FamilyMember]:
    return list(FamilyMember.objects.filter(family=family, left_on__isnull=True).select_related("person")
                .order_by("role", "person__date_of_birth", "person__pk"))


def entry_for_update(user, entry_id: int) -> Disclosure:
    entry = _entries().filter(pk=entry_id).first()
    if entry is None or not policy.can_edit_family(user, entry.family):
        raise NotPermitted(object_type="sharing.disclosure", object_id=entry_id)
    return entry


@dataclass
class Transparency:
    family: Family
    entries: list[Disclosure]  # shared, not marked unsafe to disclose
    hidden: int  # shared entries left out because they are marked unsafe to disclose


def transparency(user, family: Family) -> Transparency:
    """What the family may be shown: every share except those marked unsafe to disclose to them (two queries)."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    shared = list(_entries().filter(family=family, decision=Decision.SHARED))
    entries = [e for e in shared if not e.unsafe_to_disclose]
    trail.record(actor=user, action=AuditAction.VIEW, object_type="sharing.transparency", object_id=family.pk,
                 family_id=family.pk, detail={"entries": len(entries), "hidden": len(shared) - len(entries)})
    return Transparency(family=family, entries=entries, hidden=len(shared) - len(entries))


def family_panel(user, family: Family) -> dict:
    """The family page's panel: the latest entries and the register's size, in one query. The family page's
    own audit row covers it."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    latest = list(_entries().filter(family=family).annotate(register_size=Window(Count("pk")))[:PANEL_SIZE])
    total = latest[0].register_size if latest else 0
    return {"latest": latest, "total": total, "more": total > len(latest),
            "can_record": policy.can_edit_family(user, family)}
