"""The search half of the benchmark: repeatable queries drawn from generated people, timed in-process."""

import json
import math
import os
import random
import statistics
import time
from pathlib import Path

from benchmarks.settings import COORDINATOR, FINDER, KINDS, WARM_UP


def _typo(rng: random.Random, word: str) -> str:
    """One adjacent pair of letters swapped or one letter dropped, never the first letter."""
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        if rng.random() < 0.5 and word[i] != word[i + 1]:
            changed = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            changed = word[:i] + word[i + 1:]
        if changed.lower() != word.lower():
            return changed
    return word[:-1]


def build_queries(rng: random.Random, council, count: int) -> list[tuple[str, int, object]]:
    """(kind, target person id, SearchQuery), drawn repeatably from the generated people."""
    from hearth.people.matching import NICKNAMES
    from hearth.people.models import Address, Person
    from hearth.people.search import SearchQuery

    people = Person.objects.filter(council=council)
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    short_forms: dict[str, list[str]] = {}
    for short, canonical in NICKNAMES.items():
        if short != canonical:
            short_forms.setdefault(canonical, []).append(short)
    nickname_ids = list(people.filter(given_name__in=[n.title() for n in short_forms]).order_by("pk")
                        .values_list("pk", flat=True))

    def pick(pool, ok=lambda p: True):
        while True:
            person = Person.objects.get(pk=rng.choice(pool))
            if ok(person):
                return person

    queries = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "exact name":
            p = pick(ids)
            q = SearchQuery(given_name=p.given_name, family_name=p.family_name)
        elif kind == "name with a typo":
            p = pick(ids, lambda p: len(p.family_name) >= 4 and len(p.given_name) >= 4)
            if (i // len(KINDS)) % 2:
                q = SearchQuery(given_name=_typo(rng, p.given_name), family_name=p.family_name)
            else:
                q = SearchQuery(given_name=p.given_name, family_name=_typo(rng, p.family_name))
        elif kind == "nickname":
            p = pick(nickname_ids)
            q = SearchQuery(given_name=rng.choice(sorted(short_forms[p.given_name.lower()])).title(),
                            family_name=p.family_name)
        elif kind == "family name and date of birth":
            p = pick(ids, lambda p: p.date_of_birth is not None)
            q = SearchQuery(family_name=p.family_name, date_of_birth=p.date_of_birth)
        elif kind == "NHS number":
            p = pick(ids, lambda p: bool(p.nhs_number))
            q = SearchQuery(nhs_number=p.nhs_number)
        else:
            p = pick(ids, lambda p: Address.objects.filter(person=p, to_date__isnull=True).exists())
            address = Address.objects.filter(person=p, to_date__isnull=True).first()
            q = SearchQuery(postcode=address.postcode)
        queries.append((kind, p.pk, q))
    return queries


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "median": None, "p95": None, "max": None}
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {"n": len(ordered), "median": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from hearth.access import policy
    from hearth.accounts.models import User
    from hearth.core import serving
    from hearth.core.models import Council
    from hearth.families import selectors
    from hearth.people.models import Family, Person

    council = Council.objects.get(code="hearthshire")
    coordinator = User.objects.select_related("agency", "team").get(email=COORDINATOR)
    finder = User.objects.select_related("agency", "team").get(email=FINDER)
    rng = random.Random(args.seed)
    queries = build_queries(rng, council, args.queries)
    targets = [target for _, target, _ in queries]
    visible_to_coordinator = set(
        policy.people_visible_to(coordinator).filter(pk__in=targets).values_list("pk", flat=True))
    visible_families = policy.families_visible_to(coordinator).count()

    def call(fn, user, query):
        started = time.perf_counter()
        with transaction.atomic():  # as in a request: the audit row commits, then is sealed
            matches = fn(user, query)
        return (time.perf_counter() - started) * 1000, matches

    for _kind, _target, query in queries[:WARM_UP]:
        call(selectors.search_people, coordinator, query)
        call(selectors.find_existing, finder, query)
    serving.freeze_loaded()  # as `hearth serve`'s workers do once loaded (hearth/web/gunicorn_conf.py)

    timings = {"search": {k: [] for k in KINDS}, "find": {k: [] for k in KINDS}}
    found = {"search": {k: [0, 0] for k in KINDS}, "find": {k: [0, 0] for k in KINDS}}
    results = {"search": [], "find": []}
    for kind, target, query in queries:
        for label, fn, user in (("search", selectors.search_people, coordinator),
                                ("find", selectors.find_existing, finder)):
            ms, matches = call(fn, user, query)
            timings[label][kind].append(ms)
            results[label].append(len(matches))
            if label == "find" or target in visible_to_coordinator:
                found[label][kind][1] += 1
                found[label][kind][0] += any(m.person.pk == target for m in matches)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
            version, size = cursor.fetchone()
        server = f"PostgreSQL {version}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
        size = sum(p.stat().st_size for p in Path(connection.settings_dict["NAME"]).parent.glob(
            Path(connection.settings_dict["NAME"]).name + "*"))
    out = {
        "server": server,
        "db_size_mb": round(size / 1024 / 1024),
        "families": Family.objects.filter(council=council).count(),
        "people": Person.objects.filter(council=council).count(),
        "coordinator_families": visible_families,
        "queries": len(queries),
        "search": {
            label: {"all": _stats([t for k in KINDS for t in timings[label][k]]),
                    "by_kind": {k: _stats(timings[label][k]) for k in KINDS},
                    "found": found[label],
                    "mean_results": round(statistics.mean(results[label]), 1) if results[label] else 0}
            for label in ("search", "find")
        },
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The report.
