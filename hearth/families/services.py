"""Every write to people, families, addresses and relationships. Each validates, saves and audits."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from hearth.access import governance, policy
from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import identifiers, locking
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.models import Locality
from hearth.families import localities
from hearth.people import holds, matching
from hearth.people.models import (
    SYMMETRIC_KINDS,
    Address,
    Family,
    FamilyMember,
    MemberRole,
    NameKind,
    Person,
    PersonName,
    Relationship,
)

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "sex",
    "gender_identity",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "disability",
    "disability_details",
    "nhs_number",
    "upn",
    "ni_number",
    "email",
    "phone",
    "address_withheld",
)


@dataclass
class AddressInput:
    line_1: str
    town: str
    postcode: str
    line_2: str = ""
    from_date: date | None = None


@dataclass(frozen=True)
class LocalityNotice:
    """What recording an address did to a family's locality, to tell the practitioner who recorded it."""

    family: Family
    postcode: str
    locality: Locality  # the locality whose area the postcode is in
    previous: Locality | None
    kept: bool  # the family's locality was chosen by hand, so it stays

    @property
    def message(self) -> str:
        if self.kept:
            return (f"The postcode {self.postcode} is in {self.locality.name}'s area. {self.family.name}'s locality "
                    f"stays {self.previous.name if self.previous else 'as it is'}, because it was chosen by hand: "
                    "change it on the family's page if the family's team should change.")
        if self.previous is None:
            return f"{self.family.name}'s locality is now {self.locality.name}, from the postcode {self.postcode}."
        return (f"{self.family.name}'s locality has changed from {self.previous.name} to {self.locality.name}, from "
                f"the postcode {self.postcode}. Change it on the family's page if that is wrong.")


def _clean_person(data: dict, *, exclude_pk: int | None = None) -> dict:
    """Validate and normalise person fields; raise ValidationFailed with every problem at once."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    for name in ("given_name", "family_name"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    if not cleaned["given_name"]:
        errors["given_name"] = "Enter the person's given name"
    if not cleaned["family_name"]:
        errors["family_name"] = "Enter the person's family name"
    dob = cleaned.get("date_of_birth")
    if dob and dob > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    cleaners = {
        "nhs_number": identifiers.clean_nhs_number,
        "upn": identifiers.clean_upn,
        "ni_number": identifiers.clean_ni_number,
    }
    labels = {"nhs_number": "NHS number", "upn": "Unique Pupil Number", "ni_number": "National Insurance number"}
    for name, clean in cleaners.items():
        raw = (cleaned.get(name) or "").strip()
        if not raw:
            cleaned[name] = None
            continue
        try:
            cleaned[name] = clean(raw)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        clash = Person.objects.filter(**{name: cleaned[name]}).exclude(pk=exclude_pk)
        if clash.exists():
            errors[name] = f"This {labels[name]} is already held by another person. Search for them instead"
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _clean_address(address: AddressInput) -> dict:
    errors = {}
    if not address.line_1.strip():
        errors["line_1"] = "Enter the first line of the address"
    if not address.town.strip():
        errors["town"] = "Enter the town or city"
    postcode = ""
    try:
        postcode = identifiers.clean_postcode(address.postcode)
    except ValueError as exc:
        errors["postcode"] = str(exc)
    if address.from_date and address.from_date > timezone.localdate():
        errors["from_date"] = "The date they moved in must be today or in the past"
    if errors:
        raise ValidationFailed(errors)
    return {
        "line_1": address.line_1.strip(),
        "line_2": address.line_2.strip(),
        "town": address.town.strip(),
        "postcode": postcode,
        "postcode_key": identifiers.postcode_key(postcode),
        "from_date": address.from_date,
    }


def _index_name(person: Person, kind: str, given: str, family: str) -> PersonName:
    return PersonName(person=person, kind=kind, given_name=given, family_name=family,
                      **matching.name_keys(given, family))


def refresh_current_name(person: Person) -> None:
    PersonName.objects.filter(person=person, kind=NameKind.CURRENT).delete()
    _index_name(person, NameKind.CURRENT, person.given_name, person.family_name).save()


@transaction.atomic
def person_create(*, actor, family: Family, role: str, data: dict, address: AddressInput | None = None) -> Person:
    """Create a person as a member of a family the actor may edit."""
    if not policy.can_edit_family(actor, family):
        raise NotPermitted()
    cleaned = _clean_person(data)
    address_fields = _clean_address(address) if address else None
    person = Person(council=family.council, created_by=actor,
                    **{k: cleaned.get(k) for k in PERSON_FIELDS if k in cleaned})
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        # Two people saved at once with the same identifier: the database's unique constraint decides.
        raise ValidationFailed({"identifiers": "An identifier given is already held by another person. "
                                               "Search for them instead"}) from exc
    refresh_current_name(person)
    if address_fields:
        Address.objects.create(person=person, **address_fields)
    FamilyMember.objects.create(family=family, person=person, role=role, joined_on=timezone.localdate())
    trail.record(actor=actor, action=AuditAction.CREATE, obj=person, person_id=person.pk, family_id=family.pk)
    person.locality_notices = _follow_address(actor, person, address_fields["postcode"]) if address_fields else []
    return person


@transaction.atomic
def _save_person_changes(*, actor, person: Person, version: int, data: dict, detail: dict | None = None,
                         require_change: bool = False) -> dict[str, tuple]:
    """Validate and save changes to a person's details if nobody else saved since `version` was read; keep the
    name index up to date and audit. Returns {field: (before, after)} for what changed."""
    cleaned = _clean_person({**{k: getattr(person, k) for k in PERSON_FIELDS}, **data}, exclude_pk=person.pk)
    changed = [k for k in PERSON_FIELDS if k in data and getattr(person, k) != cleaned[k]]
    if require_change and not changed:
        raise ValidationFailed({"__all__": "Change at least one of the person's details, or go back"})
    before = {k: getattr(person, k) for k in changed}
    try:
        with transaction.atomic():
            updated = Person.objects.filter(pk=person.pk, version=version).update(
                version=version + 1, updated_at=timezone.now(), **{k: cleaned[k] for k in changed})
    except IntegrityError as exc:
        raise ValidationFailed({"__all__": "An identifier given is already held by another person"}) from exc
    if not updated:
        raise Conflict(
            "Someone else changed this person's details while you were editing. "
            "Your changes have not been saved: check the latest details and make your changes again."
        )
    person.refresh_from_db()
    if {"given_name", "family_name"} & set(changed):
        refresh_current_name(person)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=person, person_id=person.pk,
                 detail={"fields": changed, **(detail or {})})
    return {k: (before[k], getattr(person, k)) for k in changed}


def _require_unrestricted(person: Person) -> None:
    """A practitioner may not change the details of a person whose information is restricted at their request
    (the data protection officer may still correct them: `person_correct`)."""
    refusal = holds.refusal(holds.Use.CHANGE, person=person)
    if refusal:
        raise ValidationFailed({"__all__": refusal})


def person_update(*, actor, person: Person, version: int, data: dict) -> Person:
    """Update a person's details, refusing if someone else saved since `version` was read."""
    if not policy.can_edit_person(actor, person):
        raise NotPermitted()
    _require_unrestricted(person)
    _save_person_changes(actor=actor, person=person, version=version, data=data)
    return person


def person_correct(*, actor, person: Person, version: int, data: dict, rectification_id: int) -> dict[str, tuple]:
    """Correct a person's details for an accepted rectification request: the data protection officer's route
    (`governance.can_rectify_person`), not the family policy. Returns {field: (before, after)}."""
    if not governance.can_rectify_person(actor, person):
        raise NotPermitted(object_type="people.person", object_id=person.pk)
    return _save_person_changes(actor=actor, person=person, version=version,
                                data={k: v for k, v in data.items() if k in PERSON_FIELDS},
                                detail={"rectification": rectification_id}, require_change=True)


@transaction.atomic
def person_add_name(*, actor, person: Person, kind: str, given_name: str, family_name: str) -> PersonName:
    if not policy.can_edit_person(actor, person):
        raise NotPermitted()
    _require_unrestricted(person)
    if kind not in (NameKind.PREVIOUS, NameKind.OTHER):
        raise ValidationFailed({"kind": "Choose whether this is a previous name or another name"})
    if not (given_name.strip() or family_name.strip()):
        raise ValidationFailed({"family_name": "Enter a given name or a family name"})
    name = _index_name(person, kind, given_name.strip(), family_name.strip())
    name.save()
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=person, person_id=person.pk, detail={"added": kind})
    return name


@transaction.atomic
def person_move_address(*, actor, person: Person, address: AddressInput) -> Address:
    """Record a new current address; the previous one is kept in the history."""
    if not policy.can_edit_person(actor, person):
        raise NotPermitted()
    _require_unrestricted(person)
    fields = _clean_address(address)
    moved_on = fields["from_date"] or timezone.localdate()
    # One move at a time: a second waits here, then ends the address the first made current.
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()
    person.addresses.filter(to_date__isnull=True).update(to_date=moved_on)
    new = Address.objects.create(person=person, **fields)
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=person, person_id=person.pk, detail={"address": new.pk})
    new.locality_notices = _follow_address(actor, person, fields["postcode"])
    return new


# Whose address is the family's: a parent or carer with parental responsibility's, or, in a family with none, any
# member's (a young person living alone, a family started from a child's record).
ADDRESS_ROLES = (MemberRole.PARENT_WITH_PR,)


def _families_at_address_of(person: Person) -> list[int]:
    """The families whose address is the person's (ADDRESS_ROLES), by id."""
    others_hold_it = Exists(FamilyMember.objects.filter(family=OuterRef("family"), role__in=ADDRESS_ROLES,
                                                        left_on__isnull=True))
    return list(FamilyMember.objects.filter(person=person, left_on__isnull=True)
                .filter(Q(role__in=ADDRESS_ROLES) | ~others_hold_it)
                .order_by("family_id").values_list("family_id", flat=True))


def _follow_address(actor, person: Person, postcode: str) -> list[LocalityNotice]:
    """Set the locality of the families at the person's new address from its postcode, where the council's profile
    says which locality covers it: "every assessment and TAF record goes to the locality's team". A locality chosen
    by hand stays; the practitioner is told either way. Part of the service that recorded the address."""
    locality = localities.locality_for_postcode(person.council_id, postcode)
    if locality is None:
        return []
    notices = []
    for family_id in _families_at_address_of(person):
        family = locking.locked(Family.objects.select_related("locality"), family_id)
        if family.locality_id == locality.pk:
            continue
        previous = family.locality
        if family.locality_by_hand:
            notices.append(LocalityNotice(family=family, postcode=postcode, locality=locality, previous=previous,
                                          kept=True))
            continue
        Family.objects.filter(pk=family.pk).update(locality=locality, version=F("version") + 1,
                                                   updated_at=timezone.now())
        trail.record(actor=actor, action=AuditAction.UPDATE, obj=family, family_id=family.pk, person_id=person.pk,
                     detail={"locality": locality.pk, "previous_locality": family.locality_id,
                             "from_postcode": True})
        notices.append(LocalityNotice(family=family, postcode=postcode, locality=locality, previous=previous,
                                      kept=False))
    return notices


LOCALITY_REASON_LENGTH = 500


@transaction.atomic
def family_change_locality(*, actor, family: Family, version: int, locality_id: int | None, reason: str) -> Family:
    """Choose the family's locality by hand, with the reason: it then stays when an address is recorded. Refused if
    anyone changed the family since `version` was read."""
    if not policy.can_edit_family(actor, family):
        raise NotPermitted()
    errors = {}
    locality = Locality.objects.filter(pk=locality_id, council_id=family.council_id).first() if locality_id else None
    if locality is None:
        errors["locality"] = "Choose the family's locality"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why you are changing the family's locality"
    elif len(reason) > LOCALITY_REASON_LENGTH:
        errors["reason"] = f"The reason must be {LOCALITY_REASON_LENGTH} characters or fewer"
    if errors:
        raise ValidationFailed(errors)
    fresh = locking.locked(Family.objects, family.pk, version=version, conflict=(
        "Someone else changed this family's record while you were choosing its locality. Nothing has been saved: "
        "check the family's locality now and choose again."))
    previous_id = fresh.locality_id
    locking.update_if_unchanged(fresh, version, what="family's record", locality=locality, locality_by_hand=True,
                                locality_reason=reason, updated_at=timezone.now())
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=fresh, family_id=fresh.pk,
                 detail={"locality": locality.pk, "previous_locality": previous_id, "by_hand": True})
    return fresh


@transaction.atomic
def family_create(*, actor, name: str, locality=None) -> Family:
    """Create a family record; its creator is recorded as involved with it."""
    if not policy.can_create_records(actor):
        raise NotPermitted("Your role cannot create family records.")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Enter a name for the family, like the Smith family"})
    council = actor.agency.council
    if locality is not None and locality.council_id != council.pk:
        raise ValidationFailed({"locality": "Choose a locality of your council"})
    if locality is None and actor.team_id and actor.team.locality_id:
        locality = actor.team.locality
    family = Family.objects.create(council=council, name=name, locality=locality, created_by=actor)
    access_services.involvement_start(actor=actor, family=family, user=actor, relationship=InvolvedAs.TAF_MEMBER)
    trail.record(actor=actor, action=AuditAction.CREATE, obj=family, family_id=family.pk)
    return family


@transaction.atomic
def family_add_member(*, actor, family: Family, person: Person, role: str) -> FamilyMember:
    """Add an existing person (found by search) to a family."""
    if not policy.can_edit_family(actor, family):
        raise NotPermitted()
    if FamilyMember.objects.filter(family=family, person=person).exists():
        raise ValidationFailed({"person": f"{person.full_name} is already a member of this family"})
    member = FamilyMember.objects.create(family=family, person=person, role=role, joined_on=timezone.localdate())
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=family, family_id=family.pk, person_id=person.pk,
                 detail={"member_added": person.pk})
    return member


@transaction.atomic
def relationship_add(*, actor, family: Family, from_person: Person, to_person: Person, kind: str,
                     description: str = "") -> Relationship:
    if not policy.can_edit_family(actor, family):
        raise NotPermitted()
    member_ids = set(family.members.values_list("person_id", flat=True))
    if from_person.pk not in member_ids or to_person.pk not in member_ids:
        raise ValidationFailed({"to_person": "Both people must be members of this family"})
    if from_person.pk == to_person.pk:
        raise ValidationFailed({"to_person": "Choose two different people"})
    same = Relationship.objects.filter(from_person=from_person, to_person=to_person, kind=kind)
    reverse = Relationship.objects.filter(from_person=to_person, to_person=from_person, kind=kind)
    if same.exists() or (kind in SYMMETRIC_KINDS and reverse.exists()):
        raise ValidationFailed({"kind": "This relationship is already recorded"})
    rel = Relationship.objects.create(
        from_person=from_person, to_person=to_person, kind=kind, description=description.strip()
    )
    trail.record(actor=actor, action=AuditAction.UPDATE, obj=family, family_id=family.pk,
                 detail={"relationship_added": rel.pk})
    return rel
