"""Learning the match model: the council's counts taken in the database agree with the same counts taken in memory,
the nightly job keeps the council's own model, and people search then uses it."""

import datetime
import random

import pytest
from django.core.management import call_command

from hearth.families import services
from hearth.jobs import schedules
from hearth.people import match_model, tasks, training
from hearth.people.models import MatchModel, NameKind, Sex
from hearth.people.search import SearchQuery, rank_people

D = datetime.date


@pytest.fixture
def households(practitioner):
    """Three homes: twins, a mother with a previous name, and two people of one name in different homes."""
    rows = [
        ("Okafor", "OX4 1AA", [("Ada", D(2019, 5, 2)), ("Ava", D(2019, 5, 2)), ("Grace", D(1988, 1, 3))]),
        ("Smith", "OX4 2BB", [("Liam", D(2015, 3, 7)), ("Amy", D(1990, 7, 3)), ("Liam", D(1989, 9, 9))]),
        ("Smith", "OX5 3DD", [("Liam", D(2015, 3, 8)), ("Zara", None)]),
    ]
    for family_name, postcode, members in rows:
        family = services.family_create(actor=practitioner, name=f"The {family_name} family")
        for given, dob in members:
            person = services.person_create(
                actor=practitioner, family=family, role="child",
                data={"given_name": given, "family_name": family_name, "sex": Sex.NOT_KNOWN, "date_of_birth": dob},
                address=services.AddressInput(line_1="1 Lane", town="Oxford", postcode=postcode))
            if given == "Amy":
                services.person_add_name(actor=practitioner, person=person, kind=NameKind.PREVIOUS,
                                         given_name="Amy", family_name="Jones")
    return practitioner.agency.council_id


@pytest.mark.django_db
def test_the_database_counts_are_the_counts_of_the_records(households):
    in_database = tasks._counts(households)
    in_memory = training.counts_of(tasks._sample(households, 1_000, seed=1))

    assert in_database.people == in_memory.people == 8
    assert in_database.dob == in_memory.dob == (2, 7)  # the twins, both ways round; seven known dates
    assert in_database.postcode == in_memory.postcode == (2 * 3 + 2 * 3 + 2 * 1, 8)
    assert in_database.homes == in_memory.homes
    assert in_database.home_births == in_memory.home_births == (2, 7)
    # Names held by fewer than MIN_NAME_PEOPLE are counted together, never listed.
    assert dict(in_database.family) == {"": 8}
    assert sum(in_memory.family.values()) == 8


@pytest.mark.django_db
def test_the_nightly_job_keeps_the_councils_model_and_search_uses_it(households, monkeypatch, practitioner):
    monkeypatch.setattr(tasks, "MIN_PEOPLE", 5)
    assert match_model.for_council(households) is match_model.default()

    kept = tasks.train_council(households)

    assert kept.people == 8
    model = match_model.for_council(households)
    assert model is not match_model.default()
    assert model.people == 8
    assert model.household["u_dob"] > 0  # twins share a home and a date of birth
    assert model.m == match_model.default().m  # no pairs confirmed as one person yet: the shipped m
    assert "people.train_matching" in schedules.SCHEDULES

    # Searching with the council's model: one in eight people is a far likelier prior than the shipped model's one
    # in a hundred thousand.
    query = SearchQuery(given_name="Grace", family_name="Okafor", date_of_birth=D(1988, 1, 3))
    found = rank_people(query, practitioner.agency.council.people.all(), model)
    shipped = rank_people(query, practitioner.agency.council.people.all())
    assert [m.given_name for m in found[:1]] == [m.given_name for m in shipped[:1]] == ["Grace"]
    assert found[0].score != shipped[0].score


@pytest.mark.django_db
def test_a_small_council_keeps_the_shipped_model(households, capsys):
    call_command("train_matching")
    assert not MatchModel.objects.exists()
    assert "the shipped model kept" in capsys.readouterr().out


def test_u_is_counted_exactly_for_details_that_agree_by_equality():
    people = [match_model.Held([("current", None, None)], D(2015, 1, 1 + i % 2), "", f"OX{i % 4}1AA")
              for i in range(40)]
    counts = training.counts_of(people)
    u = training.estimate_u(people, counts, random.Random(1), pairs=2_000)
    # 40 people in two dates of birth: 2 * 20 * 19 ordered pairs agree of 40 * 39.
    assert u["dob"][0] == pytest.approx(2 * 20 * 19 / (40 * 39))
    assert u["postcode"][0] == pytest.approx(4 * 10 * 9 / (40 * 39))
    assert sum(u["dob"]) == pytest.approx(1)
