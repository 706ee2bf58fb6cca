"""The person's details, names and addresses; their families and relationships."""

from collections import defaultdict

from django.db.models import Q

from hearth.people.models import FamilyMember, Relationship
from hearth.subject_access.bundle import Builder, Section, SectionSource, Subject, day, who, yes_no


def _person(subject: Subject) -> Section:
    p = subject.person  # loaded with its names and addresses by compile
    b = Builder(f"person:{p.pk}")
    dob = day(p.date_of_birth) + (" (estimated)" if p.date_of_birth and p.date_of_birth_estimated else "")
    (b.add("given_name", "Given name", p.given_name).add("family_name", "Family name", p.family_name)
     .add("date_of_birth", "Date of birth", dob).add("sex", "Sex", p.get_sex_display())
     .add("gender_identity", "Gender identity", p.gender_identity)
     .add("ethnicity", "Ethnicity", p.get_ethnicity_display())
     .add("first_language", "First language", p.first_language)
     .add("interpreter_needed", "Needs an interpreter", yes_no(p.interpreter_needed))
     .add("disability", "Disability", p.get_disability_display())
     .add("disability_details", "About the disability", p.disability_details, long=True)
     .add("nhs_number", "NHS number", p.nhs_number).add("upn", "Unique Pupil Number", p.upn)
     .add("ni_number", "National Insurance number", p.ni_number).add("email", "Email", p.email)
     .add("phone", "Phone", p.phone)
     .add("address_withheld", "Address kept from most staff for safety", "Yes" if p.address_withheld else "")
     .add("created", "Record started", f"{day(p.created_at)} by {who(p.created_by)}"))
    items = [b.item("Personal details")]
    for n in p.names.all():
        nb = Builder(f"personname:{n.pk}")
        nb.add("name", "Name", f"{n.given_name} {n.family_name}".strip())
        items.append(nb.item(n.get_kind_display()))
    for a in p.addresses.all():
        ab = Builder(f"address:{a.pk}")
        ab.add("address", "Address", str(a)).add("from_date", "From", a.from_date)
        ab.add("to_date", "Until", a.to_date if a.to_date else "Now (the current address)")
        items.append(ab.item("Current address" if a.is_current else "Previous address", on=a.from_date))
    return Section("person", f"About {p.full_name}", "The personal details, names and addresses on the record.",
                   "No personal details are held.", items)



def _families(subject: Subject) -> Section:
    members = (FamilyMember.objects.filter(family_id__in=subject.family_ids).exclude(person=subject.person)
               .select_related("person").order_by("family_id", "role", "person__date_of_birth", "pk"))
    relationships = (Relationship.objects.filter(Q(from_person=subject.person) | Q(to_person=subject.person))
                     .select_related("from_person", "to_person").order_by("pk"))
    by_family = defaultdict(list)
    for m in members:
        by_family[m.family_id].append(m)
    items = []
    for m in subject.memberships:
        family = m.family
        b = Builder(f"family:{family.pk}")
        b.add("name", "Family record", family.name).add("locality", "Locality", family.locality.name
                                                        if family.locality_id else "")
        b.add("role", f"{subject.person.given_name}'s place in the family", m.get_role_display())
        b.add("joined_on", "Joined", m.joined_on).add("left_on", "Left", m.left_on)
        b.add("started", "Family record started", family.created_at)
        for other in by_family[family.pk]:
            left = f", left {day(other.left_on)}" if other.left_on else ""
            b.add(f"member-{other.pk}", "Also in the family", f"{other.person.full_name}: "
                  f"{other.get_role_display().lower()}{left}")
        items.append(b.item("Family"))
    for r in relationships:
        b = Builder(f"relationship:{r.pk}")
        b.add("relationship", "Relationship", str(r) + (f" ({r.description})" if r.description else ""))
        items.append(b.item("Family relationship"))
    return Section("families", "Families and relationships", "The families and households on the record, who "
                   "else is in them, and recorded relationships.", "No family is recorded.", items)



PERSON = SectionSource("person", ("people.person", "people.personname", "people.address"), _person)
FAMILIES = SectionSource("families", ("people.family", "people.familymember", "people.relationship"), _families)
