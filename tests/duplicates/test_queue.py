"""Finding people recorded twice: the data protection officer's job finds the planted copies among a few hundred
synthetic people and not the twins; the queue lists them for the officer only; "not the same person" needs a reason,
records who and when, is audited, and a later run does not offer the pair again."""

import pytest
from django.urls import reverse

from hearth.audit.models import AuditAction, AuditEvent
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus, RunStatus
from hearth.people.models import Address, Person
from tests.duplicates import people
from tests.duplicates.conftest import pair_of
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _run(client) -> DuplicateRun:
    response = client.post(reverse("duplicates:run_start"))
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert run_jobs() == 1
    return DuplicateRun.objects.latest("pk")


def _waiting() -> set[tuple[int, int]]:
    return set(DuplicatePair.objects.filter(status=PairStatus.WAITING).values_list("person_a", "person_b"))


def test_the_run_finds_the_planted_copies_and_not_the_twins(client_for, dpo, population):
    run = _run(client_for(dpo))
    assert run.status == RunStatus.FINISHED and run.people == len(population.rows) and run.finished_at
    found = _waiting()
    planted = {pair_of(population, keys) for keys in population.copies}
    assert len(planted & found) >= len(planted) - 1  # at most one slip too many to see
    assert not {pair_of(population, keys) for keys in population.twins} & found
    assert len(found - planted) <= 3  # few pairs that are not copies
    # The model learned is probabilities only: Splink's, and the households'.
    assert set(run.trained_model) == {"probability_two_random_records_match", "comparisons", "household"}
    assert set(run.trained_model["household"]) == {"u", "u_dob"}
    assert run.trained_model["comparisons"]["nhs"]["exact"]["u_probability"] == 1e-8
    pair = DuplicatePair.objects.filter(status=PairStatus.WAITING).first()
    assert pair.person_a_id < pair.person_b_id and 0.5 <= pair.probability <= 1
    assert all(set(e) == {"reason", "for"} for e in pair.evidence)
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="duplicates.duplicaterun")
    assert audit.actor == dpo and audit.detail["people"] == len(population.rows) and audit.detail["pairs"] == run.pairs
    assert not any(r.family in str(audit.detail) for r in population.rows)  # counts only, never a name


def test_a_planted_copy_with_day_and_month_swapped_says_so(client_for, dpo, population):
    _run(client_for(dpo))
    swapped = pair_of(population, population.copies[2])  # the third slip: day and month swapped
    pair = DuplicatePair.objects.get(person_a=swapped[0], person_b=swapped[1])
    reasons = [e["reason"] for e in pair.evidence if e["for"]]
    assert "date of birth with day and month swapped" in reasons and "same family name" in reasons


def test_the_queue_lists_the_pairs_for_the_dpo_and_refuses_a_practitioner(client_for, dpo, practitioner,
                                                                          population):
    client = client_for(dpo)
    _run(client)
    page = client.get(reverse("duplicates:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    best = DuplicatePair.objects.filter(status=PairStatus.WAITING).order_by("-match_weight").first()
    assert f'id="pair-{best.pk}"' in html and best.person_a.full_name in html
    assert "probability" in html and "For: same" in html
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="duplicates.duplicatepair").latest("pk")
    assert best.pk in view.detail["pairs"] and best.person_a_id in view.detail["people"]
    assert client_for(practitioner).get(reverse("duplicates:queue")).status_code == 403
    assert client_for(practitioner).post(reverse("duplicates:run_start")).status_code == 403


def test_the_dpo_home_page_links_to_the_queue(client_for, dpo):
    html = client_for(dpo).get(reverse("dpo:home")).content.decode()
    assert reverse("duplicates:queue") in html


def test_not_the_same_person_needs_a_reason_and_is_recorded_and_audited(client_for, dpo, practitioner,
                                                                         population):
    client = client_for(dpo)
    _run(client)
    pair = DuplicatePair.objects.filter(status=PairStatus.WAITING).first()
    url = reverse("duplicates:pair", kwargs={"pair_id": pair.pk})
    page = client.get(url)
    assert page.status_code == 200 and pair.person_b.full_name in page.content.decode()
    looks = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="people.person",
                                      detail__pair=pair.pk)
    assert {e.person_id for e in looks} == {pair.person_a_id, pair.person_b_id}
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "Enter why they are not the same person" in html
    pair.refresh_from_db()
    assert pair.status == PairStatus.WAITING
    assert client_for(practitioner).post(url, {"reason": "Twins"}).status_code == 403
    done = client_for(dpo).post(url, {"reason": "Twins: different NHS numbers on the GP record"})
    assert done.status_code == 302 and done["Location"] == reverse("duplicates:queue")
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED and pair.decided_by == dpo and pair.decided_at
    assert pair.reason == "Twins: different NHS numbers on the GP record"
    audit = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="duplicates.duplicatepair",
                                   object_id=str(pair.pk))
    assert audit.actor == dpo and audit.detail["status"] == "rejected" and "Twins" not in str(audit.detail)
    again = client_for(dpo).post(url, {"reason": "Twins"})
    assert again.status_code == 200 and "already been decided" in again.content.decode()


def test_a_later_run_replaces_the_waiting_pairs_and_does_not_offer_a_rejected_pair_again(client_for, dpo,
                                                                                          population):
    client = client_for(dpo)
    first = _run(client)
    rejected = DuplicatePair.objects.filter(status=PairStatus.WAITING).order_by("-match_weight").first()
    client.post(reverse("duplicates:pair", kwargs={"pair_id": rejected.pk}), {"reason": "Checked with the school"})
    second = _run(client)
    assert not DuplicatePair.objects.filter(run=first, status=PairStatus.WAITING).exists()
    waiting = _waiting()
    assert (rejected.person_a_id, rejected.person_b_id) not in waiting
    assert second.pairs == first.pairs - 1 == len(waiting)
    audit = AuditEvent.objects.filter(object_type="duplicates.duplicaterun").latest("pk")
    assert audit.detail["not_offered_again"] == 1 and audit.detail["replaced"] == first.pairs - 1


def test_a_council_with_no_one_recorded_twice_gets_a_finished_run_and_an_empty_queue(client_for, dpo, council):
    """No pair is alike enough to be surely one person (the demo council, a small council): the run still learns and
    finishes, with nothing to check."""
    made = people.make(people=200, copies=0, seed=11)
    persons = Person.objects.bulk_create([
        Person(council=council, given_name=r.given, family_name=r.family, date_of_birth=r.dob,
               nhs_number=r.nhs or None) for r in made.rows])
    Address.objects.bulk_create([
        Address(person=p, line_1="1 Test Street", town="Testtown", postcode=r.postcode,
                postcode_key=r.postcode.replace(" ", "")) for p, r in zip(persons, made.rows, strict=True)])
    run = _run(client_for(dpo))
    assert run.status == RunStatus.FINISHED and run.people >= 200
    page = client_for(dpo).get(reverse("duplicates:queue")).content.decode()
    assert "found 0 pairs to check" in page or "No pairs are waiting" in page
