import pytest

from hearth.people.models import Address, Person
from tests.duplicates import people


@pytest.fixture
def population(council):
    """300 synthetic people of the council (15 of them copies of others), written straight to the tables the run
    reads; `ids` maps each synthetic key to the person's id."""
    made = people.make()
    persons = Person.objects.bulk_create([
        Person(council=council, given_name=r.given, family_name=r.family, date_of_birth=r.dob,
               nhs_number=r.nhs or None) for r in made.rows])
    Address.objects.bulk_create([
        Address(person=p, line_1="1 Test Street", town="Testtown", postcode=r.postcode,
                postcode_key=r.postcode.replace(" ", "")) for p, r in zip(persons, made.rows, strict=True)])
    made.ids = {r.key: p.pk for r, p in zip(made.rows, persons, strict=True)}
    return made


def pair_of(made, keys: tuple[int, int]) -> tuple[int, int]:
    a, b = made.ids[keys[0]], made.ids[keys[1]]
    return min(a, b), max(a, b)
