"""Erasure of a person's information for an accepted erasure request (`person_erase`): irreversible, audited, and
leaving a placeholder when the whole record goes (decision record 0008)."""

from django.db import transaction
from django.utils import timezone

from hearth.access import governance
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import personal_data
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.core.personal_data import Erasure
from hearth.families import display
from hearth.families.services import refresh_current_name
from hearth.people.models import Address, Disability, Ethnicity, NameKind, Person, PersonName, Sex

# Details an erasure can remove one by one, and the value each is left with. Names stay: the record must still
# be found (erase the whole person to remove them).
ERASABLE_DETAILS = {
    "date_of_birth": None, "gender_identity": "", "first_language": "", "disability_details": "",
    "nhs_number": None, "upn": None, "ni_number": None, "email": "", "phone": "",
}
# What the whole person record is left with: a placeholder that names no one.
ERASED_PERSON = {
    **ERASABLE_DETAILS, "given_name": "Erased", "family_name": "person", "date_of_birth_estimated": False,
    "sex": Sex.NOT_KNOWN, "ethnicity": Ethnicity.NOBT, "interpreter_needed": False,
    "disability": Disability.NOT_KNOWN, "address_withheld": False,
}
WHOLE_PERSON = "The whole person record: names, details, addresses, relationships and family memberships"


def _erase_with_person(person: Person) -> None:
    """Delete every record that the register of personal data says goes with the whole person (`Erasure.ERASED`:
    their names, addresses, relationships and family memberships)."""
    for record in personal_data.with_erasure(Erasure.ERASED):
        record.rows_about(person).delete()


@transaction.atomic
def person_erase(*, actor, person: Person, version: int, details: list[str], name_ids: list[int],
                 address_ids: list[int], whole: bool, erasure_id: int) -> list[str]:
    """Erase a person's information for an accepted erasure request, irreversibly: the chosen details, other
    names and addresses, or (`whole`) the whole record, which leaves a placeholder named "Erased person" with no
    details, names, addresses, relationships or family memberships, so that records referring to it still hold
    together. The data protection officer's route (`governance.can_rectify_person`). Returns what was erased, as
    labels; the values are not kept anywhere."""
    if not governance.can_rectify_person(actor, person):
        raise NotPermitted(object_type="people.person", object_id=person.pk)
    if person.erased_at is not None:
        raise Conflict("This person's record has already been erased")
    names = PersonName.objects.filter(person=person).exclude(kind=NameKind.CURRENT)
    addresses = Address.objects.filter(person=person)
    if whole:
        fields, erased = ERASED_PERSON, [WHOLE_PERSON]
    else:
        fields = {k: ERASABLE_DETAILS[k] for k in details if k in ERASABLE_DETAILS
                  and getattr(person, k) not in (None, "")}
        names = names.filter(pk__in=name_ids)
        addresses = addresses.filter(pk__in=address_ids)
        erased = [display.field_label(k) for k in fields]
        erased += [f"{dict(NameKind.choices)[kind]} {n}" for n, kind in
                   enumerate(names.order_by("pk").values_list("kind", flat=True), start=1)]
        erased += [("Current address" if a.to_date is None else f"Previous address {n}")
                   for n, a in enumerate(addresses.order_by("pk"), start=1)]
        if not erased:
            raise ValidationFailed({"details": "Choose what to erase"})
    updated = Person.objects.filter(pk=person.pk, version=version).update(
        version=version + 1, updated_at=timezone.now(), **fields,
        **({"erased_at": timezone.now()} if whole else {}))
    if not updated:
        raise Conflict("Someone else changed this person's details while you were deciding. Nothing has been "
                       "erased: check the latest details and choose again.")
    if whole:
        _erase_with_person(person)
    else:
        names.delete()
        addresses.delete()
    person.refresh_from_db()
    if whole:
        refresh_current_name(person)
    trail.record(actor=actor, action=AuditAction.DELETE if whole else AuditAction.UPDATE, obj=person,
                 person_id=person.pk, detail={"erasure": erasure_id, "whole": whole, "fields": sorted(fields)})
    return erased
