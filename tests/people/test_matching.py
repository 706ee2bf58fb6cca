"""The match model: how two records compare, what the weights make of it, and people search finding the person in
each of the ways the old matcher missed them (issue 16), with the reasons in plain English."""

import datetime

import pytest

from hearth.families import selectors, services
from hearth.people import comparisons as cmp
from hearth.people import match_model, matching, search, search_sql
from hearth.people.match_model import Held, Typed
from hearth.people.models import Person, PersonName, Sex
from hearth.people.search import SearchQuery
from hearth.people.search_sql import near_dates

D = datetime.date


def _name(given, family):
    return ("current", cmp.Name.of(given, given=True), cmp.Name.of(family, given=False))


def _levels(given, family, held_given, held_family):
    return cmp.names_level(cmp.Name.of(given, given=True), cmp.Name.of(family, given=False),
                           cmp.Name.of(held_given, given=True), cmp.Name.of(held_family, given=False))


@pytest.mark.parametrize(("typed", "held", "given", "family", "order"), [
    (("Liam", "Smith"), ("Liam", "Smith"), "exact", "exact", "as typed"),
    (("Ilam", "Smiht"), ("Liam", "Smith"), "close", "close", "as typed"),  # a slip at the first letter, and another
    (("Smith", "Liam"), ("Liam", "Smith"), "exact", "exact", "swapped"),
    (("Bill", "Smith"), ("William", "Smith"), "short form", "exact", "as typed"),
    (("Maryjane", "Smith"), ("Mary Jane", "Smith"), "exact", "exact", "as typed"),
    (("Mary", "Smith"), ("Mary-Jane", "Smith"), "part", "exact", "as typed"),
    (("Katie", "Smith-Jones"), ("Katie", "Jones"), "exact", "part", "as typed"),
    (("Catherine", "Philips"), ("Katherine", "Phillips"), "short form", "close", "as typed"),
    (("Jhon", "Philips"), ("John", "Phillips"), "close", "close", "as typed"),
    (("Liam", "Smith"), ("Oliver", "Okafor"), "other", "other", "as typed"),
])
def test_names_compare_at_the_level_a_person_would_expect(typed, held, given, family, order):
    g, f, o = _levels(*typed, *held)
    assert (cmp.GIVEN_LEVELS[g], cmp.FAMILY_LEVELS[f], cmp.ORDER_LEVELS[o]) == (given, family, order)


@pytest.mark.parametrize(("typed", "held", "level"), [
    (D(2015, 3, 27), D(2015, 3, 27), "exact"),
    (D(2015, 3, 7), D(2015, 7, 3), "swapped"),
    (D(2014, 3, 27), D(2015, 3, 27), "one part"),
    (D(2015, 3, 17), D(2015, 3, 27), "one part"),
    (D(2012, 11, 2), D(2015, 3, 27), "other"),
])
def test_dates_of_birth_compare_by_the_slips_people_make(typed, held, level):
    assert cmp.DOB_LEVELS[cmp.dob_level(typed, held)] == level


def test_a_date_one_slip_away_is_among_the_near_dates_and_the_date_itself_is_not():
    near = near_dates(D(2015, 3, 27))
    assert {D(2014, 3, 27), D(2016, 3, 27), D(2005, 3, 27), D(2015, 3, 17), D(2015, 3, 28), D(2015, 8, 27)} <= set(near)
    assert D(2015, 3, 27) not in near
    assert all(d.year == 2015 or (d.month, d.day) == (3, 27) for d in near)


def _held(given, family, dob, *, nhs="", postcode="OX41AA", previous=None):
    names = [_name(given, family)]
    if previous:
        names.append(("previous", cmp.Name.of(given, given=True), cmp.Name.of(previous, given=False)))
    return Held(names, dob, nhs, postcode)


def test_a_twin_not_yet_recorded_is_not_taken_for_the_one_who_is():
    """Same family name, date of birth and home, another given name: the household is counted as one piece of
    evidence, not three, and the different given name weighs against."""
    model = match_model.default()
    twin = match_model.score(model, Typed.of("Ava", "Okafor", D(2019, 5, 2), postcode="OX4 1AA"),
                             _held("Noah", "Okafor", D(2019, 5, 2)))
    same = match_model.score(model, Typed.of("Noah", "Okafor", D(2019, 5, 2), postcode="OX4 1AA"),
                             _held("Noah", "Okafor", D(2019, 5, 2)))
    assert twin.probability < match_model.LIKELY
    assert "a different given name" in twin.against
    assert same.strength == "Very likely the same person"
    assert same.reasons == ["same given name", "same family name", "same date of birth", "same postcode"]


def test_a_rare_family_name_weighs_more_than_a_common_one():
    model = match_model.default()
    common = model.weight("family", 0, "smith")
    rare = model.weight("family", 0, "quennell")
    assert rare > common > 0


def test_a_changed_family_name_is_carried_by_the_given_name_and_date_of_birth():
    model = match_model.default()
    scored = match_model.score(model, Typed.of("Chantelle", "Baker", D(1994, 2, 11)),
                               _held("Chantelle", "Morris", D(1994, 2, 11)))
    assert scored.probability >= match_model.LIKELY
    assert scored.reasons == ["same given name", "same date of birth"]
    assert scored.against == ["a different family name"]


@pytest.mark.parametrize("near", ["Williamson", "Willis", "Wiliams"])
def test_a_name_a_little_different_from_a_common_one_never_outweighs_the_common_one_itself(near):
    """Typed Williams: a Williams is at least as likely the one meant as a Williamson, however common Williams is."""
    model = match_model.default()
    typed = Typed.of("Christine", "Williams", None)
    exact = match_model.score(model, typed, _held("Christine", "Williams", None))
    close = match_model.score(model, typed, _held("Christine", near, None))
    assert exact.weight >= close.weight


def test_names_typed_the_other_way_round_weigh_less_than_typed_right_but_still_find_the_person():
    model = match_model.default()
    held = _held("Christine", "Okafor", D(1990, 5, 1))
    right = match_model.score(model, Typed.of("Christine", "Okafor", None), held)
    swapped = match_model.score(model, Typed.of("Okafor", "Christine", None), held)
    assert right.weight > swapped.weight
    assert swapped.evidence >= model.show_from
    assert "given and family names typed the other way round" in swapped.reasons


# People search, through the page's selector, for the kinds of miss the old matcher made.


@pytest.fixture
def people(practitioner, family):
    def add(given, family_name, dob, postcode="OX16 5AU"):
        return services.person_create(
            actor=practitioner, family=family, role="child",
            data={"given_name": given, "family_name": family_name, "sex": Sex.NOT_KNOWN, "date_of_birth": dob},
            address=services.AddressInput(line_1="4 Mill Lane", town="Banbury", postcode=postcode))

    liam = add("Liam", "Harrington", D(2016, 4, 9))
    add("Sophie", "Harrington", D(2012, 1, 30))
    add("Jack", "Harrington", D(2010, 8, 21))
    return liam


def _top(user, **query):
    matches = selectors.search_people(user, SearchQuery(**query))
    return matches[0] if matches else None


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "reason"), [
    # found, then dropped by the name score: a changed family name, with the given name and date of birth
    ({"given_name": "Liam", "family_name": "Okonjo", "date_of_birth": D(2016, 4, 9)}, "same date of birth"),
    # both names sound different (a slip at the first letter)
    ({"given_name": "Ilam", "family_name": "Harirngton", "date_of_birth": D(2016, 4, 9)},
     "given name spelt a little differently"),
    ({"given_name": "Ilam", "family_name": "Harrington"}, "given name spelt a little differently"),
    # given name and family name swapped
    ({"given_name": "Harrington", "family_name": "Liam"}, "given and family names typed the other way round"),
    # one name missing and the other misspelt
    ({"family_name": "Harringtn", "date_of_birth": D(2016, 4, 9)}, "family name spelt a little differently"),
    # one name changed and the date of birth a slip away
    ({"given_name": "Liam", "family_name": "Okonjo", "date_of_birth": D(2016, 4, 8)},
     "date of birth differs by one part"),
    ({"given_name": "Liam", "family_name": "Harrington", "date_of_birth": D(2016, 9, 4)},
     "date of birth with day and month swapped"),
])
def test_search_finds_the_person_first_whichever_way_they_were_mistyped(practitioner, people, query, reason):
    top = _top(practitioner, **query)
    assert top is not None and top.person.pk == people.pk
    assert reason in top.reasons


def _one_slip(name: str) -> list[str]:
    """Every way of mistyping one letter of `name`: each letter made a 'q', left out, or with a 'q' added after it
    (or before the first), and each two side by side swapped."""
    wrong = [name[:i] + "q" + name[i + 1:] for i in range(len(name))]
    left_out = [name[:i] + name[i + 1:] for i in range(len(name))]
    added = [name[:i] + "q" + name[i:] for i in range(len(name) + 1)]
    swapped = [name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(len(name) - 1) if name[i] != name[i + 1]]
    return wrong + left_out + added + swapped


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["Liam", "Amara", "Oliver", "Matilda", "Penelope"])
def test_one_slip_anywhere_in_a_name_finds_the_person_with_the_other_name_alone(practitioner, family, given):
    """The routes of a name's first and last letters take more letters for longer names (fewer people to weigh for a
    common name), and still leave no single slip in a name of four letters or more that the other name, typed
    exactly, cannot carry; Liam is held as William, and found by its own first letter."""
    person = services.person_create(actor=practitioner, family=family, role="child",
                                    data={"given_name": given, "family_name": "Harrington", "sex": Sex.NOT_KNOWN,
                                          "date_of_birth": D(2016, 4, 9)})
    missed = [(typed, "Harrington") for typed in _one_slip(given)
              if person.pk not in [m.person.pk for m in
                                   selectors.search_people(practitioner, SearchQuery(given_name=typed,
                                                                                     family_name="Harrington"))]]
    missed += [(given, typed) for typed in _one_slip("Harrington")
               if person.pk not in [m.person.pk for m in
                                    selectors.search_people(practitioner, SearchQuery(given_name=given,
                                                                                      family_name=typed))]]
    assert missed == []


def _crowd(council, given, families):
    """Many people of one given name, with the family names given, as rows (what search reads)."""
    people = Person.objects.bulk_create(Person(council=council, given_name=given, family_name=f) for f in families)
    PersonName.objects.bulk_create(
        PersonName(person=p, kind="current", given_name=given, family_name=p.family_name,
                   **matching.name_keys(given, p.family_name)) for p in people)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "held", "crowd"), [
    # more than RANK_LIMIT names that start with the same letter and have the typed length, none sounding alike
    ("Wtts", "Watts", [f"W{v}{a}{b}" for v in "aeiou" for a in "bflmnr" for b in "bflmnr"]),
    # more than RANK_LIMIT names that end with the same letters and have the typed length, none starting alike
    ("Jenkis", "Jenkins", [f"{c}{v}{m}ris" for c in "BDFHKMNPRT" for v in "aeou" for m in "bdlr"]),
])
def test_a_typo_is_not_crowded_out_by_names_that_only_share_a_letter(practitioner, family, typed, held, crowd):
    assert len(crowd) > search.RANK_LIMIT
    _crowd(family.council, "Willow", crowd)
    person = services.person_create(actor=practitioner, family=family, role="child",
                                    data={"given_name": "Willow", "family_name": held, "sex": Sex.NOT_KNOWN})
    ranked = search.rank_people(SearchQuery(given_name="Willow", family_name=typed), Person.objects.all())
    assert ranked[0].pk == person.pk
    assert "family name spelt a little differently" in ranked[0].reasons


@pytest.mark.django_db
def test_of_equal_matches_the_person_known_by_that_name_now_comes_first(practitioner, family):
    """Two people named as typed, one now and one before marriage: the page lists the one whose current name it is
    first, whatever the alphabet says."""
    def add(given, family_name):
        return services.person_create(actor=practitioner, family=family, role="parent",
                                      data={"given_name": given, "family_name": family_name, "sex": Sex.FEMALE})

    before = add("Christine", "Abbott")
    services.person_add_name(actor=practitioner, person=before, kind="previous", given_name="Christine",
                             family_name="Williams")
    now = add("Christine", "Williams")
    matches = selectors.search_people(practitioner, SearchQuery(given_name="Christine", family_name="Williams"))
    assert [m.person.pk for m in matches[:2]] == [now.pk, before.pk]
    assert matches[0].score == matches[1].score
    assert "same family name (a previous name)" in matches[1].reasons


@pytest.mark.django_db
def test_a_sibling_is_not_offered_as_likely_the_same_person(practitioner, people):
    """A new baby in a held family: same family name and home, another given name and date of birth."""
    matches = selectors.search_people(practitioner, SearchQuery(given_name="Ruby", family_name="Harrington",
                                                               date_of_birth=D(2025, 11, 2), postcode="OX16 5AU"))
    assert all(m.strength == "Possibly the same person" for m in matches)


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), [
    ({"given_name": "   "}, "Enter a name, date of birth, NHS number or postcode to search for"),
    ({"family_name": "S"}, "Enter at least 2 letters of the family name to search for it"),
    ({"given_name": "J.", "family_name": "Harrington"}, "Enter at least 2 letters of the given name to search for it"),
    ({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2016"}, "Date of birth"),
    ({"nhs_number": "9434765918"}, "NHS number"),
])
def test_bad_searches_get_a_clear_message_and_search_nothing(client_for, practitioner, people, params, message):
    from django.urls import reverse

    response = client_for(practitioner).get(reverse("families:search"), params)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert "person found" not in body and "people found" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "held", "crowd"), [
    # joined: held by the first word of the given name, shorter than any route of letters looks for
    (("Sarahjane", "Jones"), ("Sarah Jane", "Jones"),
     [("Sa" + a + b + c + "jm", "Jones") for a in "bdfgkl" for b in "lmnprt" for c in "tvwxy"]),
    # joined, among more people of its first word alone than the ranking statement returns
    (("Sarahjane", "Jones"), ("Sarah Jane", "Jones"), [("Sarah", "Jones")] * 160),
    # in part: the first word of a given name held joined
    (("Mary Ann", "Smith"), ("Maryann", "Smith"),
     [("Ma" + a + b, "Smith") for a in "bcdfghklmnpr" for b in "bcdfgklmnpstvz"]),
    # in part: either half of a double-barrelled family name
    (("Amelia", "Jones"), ("Amelia", "Jones-Thomas"),
     [("Amelia", "Jo" + a + b + "s") for a in "bcdfghklmprstvwz" for b in "bcdfgkltxz"]),
    (("Amelia", "Thomas"), ("Amelia", "Jones-Thomas"),
     [("Amelia", a.upper() + b + c + "mas") for a in "bcdfgklmnprsvwz" for b in "aei" for c in "bdgkp"]),
])
def test_a_name_of_several_words_typed_in_part_or_joined_is_found_first(practitioner, family, typed, held, crowd):
    """Among more people than the ranking statement returns whose names share the typed name's first or last
    letters, the person whose name of several words was typed in part, or joined, comes first."""
    assert len(crowd) > search.RANK_LIMIT
    people = Person.objects.bulk_create(Person(council=family.council, given_name=g, family_name=f) for g, f in crowd)
    PersonName.objects.bulk_create(PersonName(person=p, kind="current", given_name=p.given_name,
                                              family_name=p.family_name,
                                              **matching.name_keys(p.given_name, p.family_name)) for p in people)
    person = services.person_create(actor=practitioner, family=family, role="child",
                                    data={"given_name": held[0], "family_name": held[1], "sex": Sex.NOT_KNOWN})

    ranked = search.rank_people(SearchQuery(given_name=typed[0], family_name=typed[1]), Person.objects.all())

    assert ranked[0].pk == person.pk


@pytest.mark.django_db
@pytest.mark.parametrize("others", [0, search_sql.RARE_NAME_HELD - 1])
def test_a_rare_given_name_finds_the_child_whose_family_name_has_changed(practitioner, family, others):
    """Typed with the family name the child is known by now, nothing else: the only given name left to go on is rare
    enough to bring everyone who holds it."""
    _crowd(family.council, "Eleanor-Grace", [f"Dalby{chr(97 + i)}" for i in range(others)])
    child = services.person_create(actor=practitioner, family=family, role="child",
                                   data={"given_name": "Eleanor-Grace", "family_name": "Dalley", "sex": Sex.FEMALE})
    ranked = search.rank_people(SearchQuery(given_name="Eleanor-Grace", family_name="Patel"), Person.objects.all())
    assert child.pk in [r.pk for r in ranked]
    shown = next(r for r in ranked if r.pk == child.pk)
    assert "same given name" in shown.reasons and "a different family name" in shown.against


@pytest.mark.django_db
def test_a_rare_family_name_does_not_bring_the_rest_of_the_family(practitioner, family):
    """A family shares its family name: a search for one of them, however rare the name, does not list the others."""
    mother = services.person_create(actor=practitioner, family=family, role="parent_with_pr",
                                    data={"given_name": "Maud", "family_name": "Quennell", "sex": Sex.FEMALE})
    services.person_create(actor=practitioner, family=family, role="child",
                           data={"given_name": "Tessa", "family_name": "Quennell", "sex": Sex.FEMALE})
    ranked = search.rank_people(SearchQuery(given_name="Maud", family_name="Quennell"), Person.objects.all())
    assert [r.pk for r in ranked] == [mother.pk]


@pytest.mark.django_db
def test_a_given_name_held_by_more_than_a_few_brings_none_of_them_on_its_own(practitioner, family):
    """Beside a family name that fits none of its holders, a given name held more often than the route takes finds
    nobody by itself: each of them would be as likely as the next, and the route reads no more of the index."""
    _crowd(family.council, "Eleanor-Grace", [f"Dalby{chr(97 + i % 26)}{chr(97 + i // 26)}"
                                             for i in range(search_sql.RARE_NAME_HELD + 1)])
    ranked = search.rank_people(SearchQuery(given_name="Eleanor-Grace", family_name="Patel"), Person.objects.all())
    assert ranked == []
