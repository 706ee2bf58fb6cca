"""The synthetic person-matching corpus: repeatable, valid, and each probe carries the mistake its label says."""

import collections
from datetime import date
from functools import cache

from rapidfuzz.distance import DamerauLevenshtein

from benchmarks import matching_names
from benchmarks.matching_corpus import KINDS, NEW_KINDS, Held, Probe, name_parts, population, probes
from hearth.core.identifiers import clean_postcode, nhs_check_digit

DATE_KINDS = {
    "date of birth missing", "day and month swapped", "a digit of the date of birth mistyped",
    "year of birth out by one", "name typo and date of birth mistyped", "family name changed and date of birth missing",
}


@cache
def corpus() -> tuple[list[Held], list[Probe]]:
    people = population(5000)
    return people, probes(people, 4000)


def edits(a: str, b: str) -> int:
    return DamerauLevenshtein.distance(a.lower(), b.lower())


def digits(day: date) -> str:
    return day.strftime("%d%m%Y")


def one_digit_apart(a: date, b: date) -> bool:
    return sum(x != y for x, y in zip(digits(a), digits(b), strict=True)) == 1


def nicknames(a: str, b: str) -> bool:
    return a != b and any(a in group and b in group for group in matching_names.NICKNAMES)


def test_the_same_seed_gives_the_same_corpus_and_another_seed_a_different_one():
    assert population(400, seed=5) == population(400, seed=5)
    assert population(400, seed=5) != population(400, seed=6)
    people = population(400, seed=5)
    assert probes(people, 300, seed=9) == probes(people, 300, seed=9)
    assert probes(people, 300, seed=9) != probes(people, 300, seed=10)


def test_people_have_unique_keys_valid_postcodes_and_valid_unique_nhs_numbers():
    people, _ = corpus()
    assert [p.key for p in people] == list(range(5000))
    for person in people:
        assert clean_postcode(person.postcode)
        assert not person.previous_postcode or clean_postcode(person.previous_postcode)
        assert person.sex in ("female", "male")
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert len(numbers) == len(set(numbers))
    assert 0.7 < len(numbers) / len(people) < 0.8
    for number in numbers:
        assert len(number) == 10 and number.startswith("999")
        assert nhs_check_digit(number[:9]) == int(number[9])
    households = collections.defaultdict(set)
    for person in people:
        households[person.household].add(person.postcode)
    assert all(len(postcodes) == 1 for postcodes in households.values())


def test_names_are_heavy_tailed():
    people, _ = corpus()
    families = collections.Counter(p.family_name for p in people)
    assert families.most_common(1)[0][1] > 50
    assert sum(count == 1 for count in families.values()) > 150
    assert any("-" in p.family_name for p in people) and any("'" in p.family_name for p in people)
    assert any(" " in p.given_name for p in people) and any("-" in p.given_name for p in people)


def test_twins_and_same_name_relatives_are_there_to_be_told_apart():
    people, _ = corpus()
    by_household = collections.defaultdict(list)
    for person in people:
        by_household[person.household].append(person)
    twins = juniors = 0
    for members in by_household.values():
        for a in members:
            for b in members:
                if a.key < b.key and a.date_of_birth and a.date_of_birth == b.date_of_birth:
                    assert a.given_name != b.given_name
                    twins += 1
                if a.key < b.key and (a.given_name, a.family_name) == (b.given_name, b.family_name):
                    assert a.date_of_birth != b.date_of_birth
                    juniors += 1
    by_name = collections.defaultdict(set)
    for person in people:
        by_name[person.given_name, person.family_name].add(person.household)
    assert twins >= 10 and juniors >= 10
    assert sum(len(households) > 1 for households in by_name.values()) >= 20


def test_every_kind_occurs_and_a_fifth_of_probes_are_new_people():
    _, found = corpus()
    kinds = collections.Counter(p.kind for p in found)
    assert set(kinds) == set(KINDS) | set(NEW_KINDS)
    assert sum(p.truth is None for p in found) == 800
    assert all((p.truth is None) == (p.kind in NEW_KINDS) for p in found)


def test_each_probe_differs_from_its_person_as_its_kind_says():
    people, found = corpus()
    for probe in found:
        if probe.truth is None:
            continue
        held = people[probe.truth]
        given, family, dob = held.given_name, held.family_name, held.date_of_birth
        same_names = (probe.given_name, probe.family_name) == (given, family)
        assert probe.nhs_number in ("", held.nhs_number)
        if probe.kind == "moved address":
            assert probe.postcode and probe.postcode not in (held.postcode, held.previous_postcode)
            assert same_names and probe.date_of_birth == dob
            continue
        assert probe.postcode in ("", held.postcode)
        match probe.kind:
            case "exact":
                assert same_names and probe.date_of_birth == dob
            case "typo in given name":
                assert edits(probe.given_name, given) == 1 and probe.family_name == family
            case "typo in family name":
                assert probe.given_name == given and edits(probe.family_name, family) == 1
            case "typos in both names":
                assert edits(probe.given_name, given) == 1 and edits(probe.family_name, family) == 1
            case "two typos in one name":
                assert sorted([edits(probe.given_name, given), edits(probe.family_name, family)]) == [0, 2]
            case "names swapped":
                assert (probe.given_name, probe.family_name) == (family, given)
            case "nickname or short form":
                assert nicknames(probe.given_name.split(" ")[0], given.split(" ")[0])
            case "family name changed":
                assert probe.given_name == given and probe.date_of_birth == dob
                assert probe.family_name not in (family, held.previous_family_name)
            case "previous family name typed":
                assert held.previous_family_name and probe.family_name == held.previous_family_name
            case "given name missing, family name misspelt":
                assert probe.given_name == "" and edits(probe.family_name, family) == 1
            case "family name missing, given name misspelt":
                assert probe.family_name == "" and edits(probe.given_name, given) == 1
            case "date of birth missing":
                assert same_names and dob and probe.date_of_birth is None
            case "day and month swapped":
                assert dob.day != dob.month and probe.date_of_birth == date(dob.year, dob.day, dob.month)
            case "a digit of the date of birth mistyped":
                assert same_names and one_digit_apart(probe.date_of_birth, dob)
            case "year of birth out by one":
                assert abs(probe.date_of_birth.year - dob.year) == 1
                assert (probe.date_of_birth.month, probe.date_of_birth.day) == (dob.month, dob.day)
            case "multi-word name joined or split":
                changed = [(t, h) for t, h in ((probe.given_name, given), (probe.family_name, family)) if t != h]
                assert len(changed) == 1
                typed, recorded = changed[0]
                assert typed in name_parts(recorded) or "".join(name_parts(typed)).lower() == "".join(
                    name_parts(recorded)).lower()
            case "name typo and date of birth mistyped":
                assert sorted([edits(probe.given_name, given), edits(probe.family_name, family)]) == [0, 1]
                assert one_digit_apart(probe.date_of_birth, dob)
            case "family name changed and date of birth missing":
                assert probe.given_name == given and dob and probe.date_of_birth is None
                assert probe.family_name not in (family, held.previous_family_name)
            case _:
                raise AssertionError(f"Unchecked kind: {probe.kind}")
        if probe.kind not in DATE_KINDS:
            assert probe.date_of_birth == dob


def test_new_people_are_not_on_record():
    people, found = corpus()
    known = {(p.given_name.lower(), p.family_name.lower(), p.date_of_birth) for p in people}
    by_name = collections.defaultdict(list)
    for person in people:
        by_name[person.given_name, person.family_name].append(person)
    for probe in found:
        if probe.truth is not None:
            continue
        assert (probe.given_name.lower(), probe.family_name.lower(), probe.date_of_birth) not in known
        assert not probe.nhs_number or nhs_check_digit(probe.nhs_number[:9]) == int(probe.nhs_number[9])
        if probe.kind == "same name, different person":
            namesakes = by_name[probe.given_name, probe.family_name]
            assert any(p.postcode != probe.postcode and (
                p.date_of_birth is None or abs((p.date_of_birth - probe.date_of_birth).days) > 366) for p in namesakes)
        if probe.kind == "twin not yet recorded":
            assert any(p.family_name == probe.family_name and p.postcode == probe.postcode
                       and p.date_of_birth == probe.date_of_birth for p in people)


def test_nhs_numbers_are_typed_in_about_one_search_in_seven():
    people, found = corpus()
    could = [p for p in found if p.truth is not None and people[p.truth].nhs_number]
    assert 0.1 < sum(bool(p.nhs_number) for p in could) / len(could) < 0.2
