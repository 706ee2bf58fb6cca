import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.core import identifiers
from hearth.people.models import Family, Person


@pytest.mark.django_db
def test_generation_is_repeatable_from_a_seed_and_identifiers_are_valid():
    call_command("generate", "--families", "30", "--seed", "7", "--no-progress")
    first = list(Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth"))
    assert Family.objects.count() == 30
    for person in Person.objects.exclude(nhs_number=None):
        assert identifiers.clean_nhs_number(person.nhs_number) == person.nhs_number
    for person in Person.objects.exclude(upn=None):
        assert identifiers.clean_upn(person.upn) == person.upn
    for postcode in Person.objects.values_list("addresses__postcode", flat=True):
        assert identifiers.clean_postcode(postcode) == postcode
    Person.objects.all().delete()
    Family.objects.all().delete()
    call_command("generate", "--families", "30", "--seed", "7", "--no-progress")
    again = list(Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth"))
    assert again == first


@pytest.mark.django_db
def test_generating_for_an_unknown_council_is_refused():
    with pytest.raises(CommandError, match="There is no council with code 'atlantis'"):
        call_command("generate", "--families", "5", "--council", "atlantis", "--no-progress")


@pytest.mark.django_db
def test_load_demo_creates_users_of_every_role_and_families():
    from hearth.accounts.models import Role, UserRole

    call_command("load_demo")
    assert set(UserRole.objects.values_list("role", flat=True)) == set(Role.values)
    assert Family.objects.count() > 0
    call_command("load_demo")  # a second run reuses what is there
    assert UserRole.objects.filter(role=Role.SYSADMIN).count() == 1
