"""The demo holds one person recorded twice, as councils do: a child the school recorded again in a second family
record, the given name spelt another way, with the same family name, date of birth and home. The data protection
officer's "Look for people recorded twice" over the loaded demo finds that pair, and only real pairs."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from hearth.accounts.models import User
from hearth.demo import generator
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus, RunStatus
from hearth.people.models import Address, Family, FamilyMember, Person
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def test_the_demo_child_recorded_twice_is_found_by_the_officers_run(client_for):
    call_command("load_demo")
    run_jobs()  # the demo's own queued work (emails to send) first
    (copy,) = [m.person for m in Family.objects.latest("pk").members.select_related("person")]  # the school's
    assert copy.nhs_number is None
    child = Person.objects.exclude(pk=copy.pk).get(family_name=copy.family_name, date_of_birth=copy.date_of_birth,
                                                   addresses__postcode=copy.addresses.get().postcode)
    assert child.given_name != copy.given_name and generator.RESPELT[child.given_name] == copy.given_name
    families = set(FamilyMember.objects.filter(person__in=[child, copy]).values_list("family", flat=True))
    assert len(families) == 2  # the same child, in two family records
    assert Address.objects.get(person=copy).postcode == Address.objects.get(person=child).postcode

    client = client_for(User.objects.get(email=f"dpo@{generator.DEMO_DOMAIN}"))
    assert client.post(reverse("duplicates:run_start")).status_code == 302
    assert run_jobs() == 1
    run = DuplicateRun.objects.get()
    assert run.status == RunStatus.FINISHED and not run.notes
    pair = DuplicatePair.objects.get(status=PairStatus.WAITING,
                                     person_a=min(child.pk, copy.pk), person_b=max(child.pk, copy.pk))
    page = client.get(reverse("duplicates:queue")).content.decode()
    assert f'id="pair-{pair.pk}"' in page
    assert f"{child.full_name} and {copy.full_name}" in page or f"{copy.full_name} and {child.full_name}" in page
    assert "For: same date of birth" in page and "For: same postcode" in page
    assert "For: given name spelt a little differently" in page
    assert run.pairs == 1, "the demo holds one person recorded twice"
