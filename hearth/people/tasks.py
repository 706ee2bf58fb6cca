"""The council's own match model, learned in the worker every night from its records (`hearth.people.training`):
how common each name is there, how often two of its people share a date of birth, a postcode or a home, and how
its records disagree at random. How records of the same person differ (m) is the shipped model's, drawn towards
what the council's own pairs known to be one person show (`same_person`: its merges).

`hearth train-matching` runs the same job in its own process. Training reads no more than a sample of SAMPLE people
into memory; everything else is counted in the database.
"""

import logging
import random
from collections import Counter

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from hearth.core.hooks import Hook
from hearth.core.models import Council
from hearth.jobs import queue
from hearth.people import comparisons as cmp
from hearth.people import match_model, training
from hearth.people.models import Address, MatchModel, NameKind, Person, PersonName

logger = logging.getLogger(__name__)

SAMPLE = 20_000
# Below this many people, a council keeps the shipped model: too few records to say how common a name is.
MIN_PEOPLE = 1_000


# Pairs of records known to be one person, the first as if typed and the second as held: the apps that know some (the
# data protection officer's merges) each register a function (council_id) -> [(Held, Held)]. How the records of one
# person differ (m) is learned from them, drawn towards the shipped model's.
same_person = Hook("pairs of records known to be one person", expects=("merges",))


def _sample(council_id: int, size: int, seed: int) -> list[match_model.Held]:
    """Up to `size` of the council's people, drawn at random by id, as the model's records."""
    ids = list(Person.objects.filter(council_id=council_id, erased_at__isnull=True).order_by()
               .values_list("pk", flat=True))
    chosen = sorted(random.Random(seed).sample(ids, min(size, len(ids))))
    return list(_records(chosen).values())


def _records(chosen: list[int]) -> dict[int, match_model.Held]:
    """The people as the model's records, by id: every name, the date of birth, NHS number and postcodes."""
    people = {pk: [dob, nhs or "", "", []] for pk, dob, nhs in (
        Person.objects.filter(pk__in=chosen).order_by().values_list("pk", "date_of_birth", "nhs_number"))}
    names: dict[int, list] = {pk: [] for pk in people}
    for pk, kind, given, family in (PersonName.objects.filter(person_id__in=chosen).order_by("person_id", "pk")
                                    .values_list("person_id", "kind", "given_name", "family_name")):
        entry = (kind, cmp.Name.of(given, given=True), cmp.Name.of(family, given=False))
        names[pk].insert(0, entry) if kind == NameKind.CURRENT else names[pk].append(entry)
    for pk, key, ended in (Address.objects.filter(person_id__in=chosen).order_by()
                           .values_list("person_id", "postcode_key", "to_date")):
        if ended is None:
            people[pk][2] = key
        else:
            people[pk][3].append(key)
    return {pk: match_model.Held(names[pk], dob, nhs, postcode, tuple(former))
            for pk, (dob, nhs, postcode, former) in people.items()}


def _same(sql: str, params: list) -> tuple[int, int]:
    """(ordered pairs that share the grouped detail, people who have it), from a GROUP BY of counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(n * (n - 1)), 0), COALESCE(SUM(n), 0) FROM ({sql}) AS groups",  # noqa: S608
                       params)
        same, people = cursor.fetchone()
    return int(same), int(people)


def _counts(council_id: int) -> training.Counts:
    """The council's counts, in the database."""
    people = Person.objects.filter(council_id=council_id, erased_at__isnull=True)
    current_names = PersonName.objects.filter(kind=NameKind.CURRENT, person__in=people)
    current_addresses = Address.objects.filter(to_date__isnull=True, person__in=people)

    def grouped(queryset, *fields) -> tuple[int, int]:
        sql, params = queryset.order_by().values(*fields).annotate(n=Count("pk")).values("n").query.sql_with_params()
        return _same(sql, list(params))

    # Each person's current name beside their current address: a family name and a postcode, a home.
    at_home = current_names.filter(person__addresses__to_date__isnull=True)
    names, distinct = {}, {}
    for part, column in (("given", "given_key"), ("family", "family_key")):
        named = current_names.exclude(**{column: ""})
        names[part] = Counter(dict(
            named.order_by().values(column).annotate(n=Count("pk"))
            .filter(n__gte=training.MIN_NAME_PEOPLE).order_by("-n").values_list(column, "n")[:training.TF_NAMES]))
        names[part][""] = named.count() - sum(names[part].values())
        distinct[part] = named.order_by().values(column).distinct().count()
    return training.Counts(
        people=people.count(),
        dob=grouped(people.filter(date_of_birth__isnull=False), "date_of_birth"),
        postcode=grouped(current_addresses, "postcode_key"),
        homes=grouped(at_home, "family_key", "person__addresses__postcode_key"),
        home_births=grouped(at_home.filter(person__date_of_birth__isnull=False), "family_key",
                            "person__addresses__postcode_key", "person__date_of_birth"),
        given=names["given"], family=names["family"], distinct=distinct)


def train_council(council_id: int, *, seed: int = 1) -> MatchModel | None:
    """Learn the council's model and keep it; None (and the shipped model kept) for a council with too few
    people."""
    counts = _counts(council_id)
    if counts.people < MIN_PEOPLE:
        return None
    pairs = [pair for entry in same_person.entries for pair in entry.item(council_id)]
    model = training.train(_sample(council_id, SAMPLE, seed), counts, start=match_model.default(),
                           same_person=pairs, seed=seed)
    model.about["trained"] = timezone.now().isoformat(timespec="seconds")
    kept, _ = MatchModel.objects.update_or_create(
        council_id=council_id, defaults={"parameters": model.as_dict(), "people": counts.people,
                                         "trained_at": timezone.now()})
    match_model.forget(council_id)
    return kept


@queue.job("Learn each council's people-matching model", retries=1, atomic=False)
def train_all(slot: str | None = None) -> str:
    trained = 0
    councils = list(Council.objects.order_by("pk").values_list("pk", flat=True))
    for i, council_id in enumerate(councils):
        queue.report(i, len(councils), "Learning from the council's records")
        if train_council(council_id) is not None:
            trained += 1
    logger.info("matching models trained", extra={"councils": trained})
    return f"{trained} of {len(councils)} councils' models learned"
