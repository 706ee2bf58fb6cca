import datetime

import pytest
from django.urls import reverse

from hearth.families import services
from hearth.people.models import FamilyMember, Person, RelationshipKind, Sex


def _post_person(client, url, **overrides):
    data = {
        "given_name": "Amelia", "family_name": "Testfamily", "date_of_birth-day": "3", "date_of_birth-month": "4",
        "date_of_birth-year": "2016", "sex": Sex.FEMALE, "ethnicity": "WBRI", "disability": "no",
        "nhs_number": "", "upn": "", "ni_number": "", "role": "child",
    }
    data.update(overrides)
    return client.post(url, data)


@pytest.mark.django_db
def test_family_page_shows_members_genogram_and_text_alternative(client_for, practitioner, family):
    mum = services.person_create(actor=practitioner, family=family, role="parent_pr",
                                 data={"given_name": "Jo", "family_name": "Testfamily", "sex": Sex.FEMALE})
    kid = services.person_create(actor=practitioner, family=family, role="child",
                                 data={"given_name": "Max", "family_name": "Testfamily", "sex": Sex.MALE,
                                       "date_of_birth": datetime.date(2015, 5, 1)})
    services.relationship_add(actor=practitioner, family=family, from_person=mum, to_person=kid,
                              kind=RelationshipKind.MOTHER)
    response = client_for(practitioner).get(reverse("families:family", args=[family.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and 'role="img"' in body
    assert "Jo Testfamily is the mother of Max Testfamily" in body
    assert "Call the Multi-Agency Safeguarding Hub" in body or "Contact your Multi-Agency Safeguarding Hub" in body


@pytest.mark.django_db
def test_family_page_is_refused_to_a_practitioner_not_involved(client_for, other_practitioner, family):
    response = client_for(other_practitioner).get(reverse("families:family", args=[family.pk]))
    assert response.status_code == 403
    assert "You do not have access" in response.content.decode()
    assert "Testfamily" not in response.content.decode()


@pytest.mark.django_db
def test_adding_a_child_with_a_future_date_of_birth_shows_the_error_summary(client_for, practitioner, family):
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = _post_person(client_for(practitioner), reverse("families:member_new", args=[family.pk]),
                            **{"date_of_birth-day": future.day, "date_of_birth-month": future.month,
                               "date_of_birth-year": future.year})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Date of birth must be today or in the past" in body
    assert not Person.objects.filter(given_name="Amelia").exists()


@pytest.mark.django_db
def test_invalid_nhs_number_and_postcode_are_refused_in_plain_english(client_for, practitioner, family):
    response = _post_person(client_for(practitioner), reverse("families:member_new", args=[family.pk]),
                            nhs_number="9434765918", **{"address-line_1": "1 High St", "address-town": "Oxford",
                                                        "address-postcode": "OX4 3LI"})
    body = response.content.decode()
    assert "the last digit does not match the check digit" in body
    assert "Enter a real UK postcode" in body
    assert not Person.objects.filter(given_name="Amelia").exists()


@pytest.mark.django_db
def test_nhs_number_held_by_another_person_is_refused(client_for, practitioner, family):
    services.person_create(actor=practitioner, family=family, role="parent_pr",
                           data={"given_name": "Jo", "family_name": "Other", "nhs_number": "9434765919"})
    response = _post_person(client_for(practitioner), reverse("families:member_new", args=[family.pk]),
                            nhs_number="943 476 5919", confirm_not_duplicate="on")
    assert "already held by another person" in response.content.decode()
    assert FamilyMember.objects.filter(family=family).count() == 1


@pytest.mark.django_db
def test_new_family_is_created_with_its_first_member_and_address(client_for, practitioner):
    response = _post_person(client_for(practitioner), reverse("families:family_new"),
                            **{"family-family_name": "The Newfamily family", "family-role": "parent_pr"},
                            **{"address-line_1": "12 Mill Lane", "address-town": "Banbury",
                               "address-postcode": "ox16 5au"})
    assert response.status_code == 302
    person = Person.objects.get(given_name="Amelia")
    assert person.addresses.get().postcode == "OX16 5AU"
    page = client_for(practitioner).get(response["Location"]).content.decode()
    assert "The Newfamily family" in page and "12 Mill Lane" in page
