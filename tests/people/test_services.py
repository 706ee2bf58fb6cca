import pytest

from hearth.core.errors import Conflict, NotPermitted, ValidationFailed
from hearth.families import services
from hearth.people import genogram
from hearth.people.models import Address, RelationshipKind, Sex
from tests.factories import ParentFactory


@pytest.fixture
def jo(family):
    return ParentFactory(family=family, family_name="Bloggs", date_of_birth=None)


@pytest.mark.django_db
def test_two_people_editing_the_same_person_do_not_overwrite_each_other(practitioner, jo):
    version = jo.version
    services.person_update(actor=practitioner, person=jo, version=version, data={"phone": "01632 960100"})
    with pytest.raises(Conflict, match="Someone else changed"):
        services.person_update(actor=practitioner, person=jo, version=version, data={"phone": "01632 960200"})
    jo.refresh_from_db()
    assert jo.phone == "01632 960100"


@pytest.mark.django_db
def test_a_person_cannot_be_added_to_a_family_the_user_cannot_see(other_practitioner, family):
    with pytest.raises(NotPermitted):
        services.person_create(actor=other_practitioner, family=family, role="child",
                               data={"given_name": "A", "family_name": "B"})


@pytest.mark.django_db
def test_invalid_details_are_all_reported_and_nothing_is_saved(practitioner, family):
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(actor=practitioner, family=family, role="child",
                               data={"given_name": "", "family_name": "", "nhs_number": "123", "upn": "X"})
    assert set(caught.value.errors) == {"given_name", "family_name", "nhs_number", "upn"}
    assert not family.members.exists()


@pytest.mark.django_db
def test_moving_house_keeps_the_address_history(practitioner, jo):
    services.person_move_address(actor=practitioner, person=jo,
                                 address=services.AddressInput(line_1="1 Old Road", town="Oxford", postcode="OX1 1AA"))
    services.person_move_address(actor=practitioner, person=jo,
                                 address=services.AddressInput(line_1="2 New Road", town="Oxford", postcode="OX2 2BB"))
    current = Address.objects.get(person=jo, to_date__isnull=True)
    assert current.line_1 == "2 New Road"
    assert Address.objects.filter(person=jo).count() == 2


@pytest.mark.django_db
def test_a_relationship_needs_two_different_members_and_is_not_recorded_twice(practitioner, family, jo):
    kid = services.person_create(actor=practitioner, family=family, role="child",
                                 data={"given_name": "Kid", "family_name": "Bloggs"})
    services.relationship_add(actor=practitioner, family=family, from_person=jo, to_person=kid,
                              kind=RelationshipKind.MOTHER)
    with pytest.raises(ValidationFailed, match="already recorded"):
        services.relationship_add(actor=practitioner, family=family, from_person=jo, to_person=kid,
                                  kind=RelationshipKind.MOTHER)
    with pytest.raises(ValidationFailed, match="two different people"):
        services.relationship_add(actor=practitioner, family=family, from_person=jo, to_person=jo,
                                  kind=RelationshipKind.SIBLING)


@pytest.mark.django_db
def test_genogram_puts_grandparents_above_parents_above_children(practitioner, family, jo):
    kid = services.person_create(actor=practitioner, family=family, role="child",
                                 data={"given_name": "Kid", "family_name": "Bloggs", "sex": Sex.MALE})
    gran = services.person_create(actor=practitioner, family=family, role="other_adult",
                                  data={"given_name": "Gran", "family_name": "Bloggs", "sex": Sex.FEMALE})
    rels = [
        services.relationship_add(actor=practitioner, family=family, from_person=jo, to_person=kid,
                                  kind=RelationshipKind.MOTHER),
        services.relationship_add(actor=practitioner, family=family, from_person=gran, to_person=kid,
                                  kind=RelationshipKind.GRANDPARENT),
    ]
    svg, text = genogram.build(list(family.members.select_related("person")), rels)
    assert "Gran Bloggs is the grandparent of Kid Bloggs" in text
    # Three rows: the grandparent's shape is drawn highest, the child's lowest.
    import re

    ys = {name: int(y) for y, name in re.findall(r'<text x="\d+" y="(\d+)"[^>]*>([A-Za-z ]+)</text>', svg)}
    assert ys["Gran Bloggs"] < ys["Jo Bloggs"] < ys["Kid Bloggs"]
    assert '<circle' in svg and '<rect' in svg
