"""A detail no two people have cannot be compared (Splink would learn nothing from it, and its training blocks would
be empty): a run over people with no postcodes goes on without the postcode comparison and says so on the queue's
page; a run over people with no dates of birth is not run, says why, and finds no pairs."""

import pytest
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.duplicates import batch
from hearth.duplicates.models import DuplicatePair, DuplicateRun, RunStatus
from hearth.people.models import Address, Person
from tests.duplicates import people
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _people(council, *, postcodes=True, dates_of_birth=True):
    """200 unrelated synthetic people, none recorded twice."""
    made = people.make(people=200, copies=0, seed=11)
    persons = Person.objects.bulk_create([
        Person(council=council, given_name=r.given, family_name=r.family,
               date_of_birth=r.dob if dates_of_birth else None, nhs_number=r.nhs or None) for r in made.rows])
    if postcodes:
        Address.objects.bulk_create([
            Address(person=p, line_1="1 Test Street", town="Testtown", postcode=r.postcode,
                    postcode_key=r.postcode.replace(" ", "")) for p, r in zip(persons, made.rows, strict=True)])
    else:
        Address.objects.filter(person__council=council).delete()  # the fixtures' people too
    if not dates_of_birth:
        Person.objects.filter(council=council).update(date_of_birth=None)
    return made


def _run(client) -> tuple[DuplicateRun, str]:
    response = client.post(reverse("duplicates:run_start"))
    assert response.status_code == 302
    assert run_jobs() == 1
    page = client.get(reverse("duplicates:queue"))
    assert page.status_code == 200
    return DuplicateRun.objects.latest("pk"), page.content.decode()


def test_a_run_over_people_with_no_postcodes_says_the_postcode_was_not_used(client_for, dpo, council):
    _people(council, postcodes=False)
    run, page = _run(client_for(dpo))
    assert run.status == RunStatus.FINISHED and run.people >= 200
    assert "The postcode comparison was not used: no one in the council&#39;s records has a current postcode" in page
    # The names, date of birth and NHS number are still compared, and 200 different people are not taken for copies.
    assert set(run.trained_model["comparisons"]) == {"given", "family", "dob", "nhs"}
    assert run.pairs == 0 and not DuplicatePair.objects.exists()
    assert "found 0 pairs to check" in page


def test_a_run_over_people_with_no_dates_of_birth_is_not_run_and_says_why(client_for, dpo, council):
    _people(council, dates_of_birth=False)
    run, page = _run(client_for(dpo))
    assert run.status == RunStatus.REFUSED and run.pairs == 0 and not DuplicatePair.objects.exists()
    assert "was not run, and found no pairs" in page
    assert "Not run: no one in the council&#39;s records has a date of birth." in page
    assert "Hearth needs everyone&#39;s names and dates of birth" in page
    assert "No pairs are waiting" in page
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL  # the job ended as it should


def test_an_empty_training_block_leaves_the_model_whole():
    """Splink's training takes a block's comparisons out of the model while it trains: a block with no pairs (no one
    has a postcode, and the postcode comparison kept) must not leave the model without the names."""
    made = people.make(people=200, copies=0, seed=11)
    table = batch.rows_table((i, r.given, r.family, r.dob, r.nhs or None, None) for i, r in enumerate(made.rows))
    assert batch.unusable(table) == {"postcode": 0}
    trained = batch.train(batch.duckdb_linker(table), people=len(table))
    assert set(trained["comparisons"]) == {"given", "family", "dob", "nhs", "postcode"}
