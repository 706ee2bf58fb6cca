"""People search's ranking statement as SQL text (`hearth.people.search` runs it): the candidate routes, each an
indexed lookup, combined by one UNION, and the coarse weight of a candidate.

Written as text with its parameters, not as ORM expressions: Django took longer to build the statement's many CASE
expressions and routes (about 10 ms a search) than PostgreSQL took to run it. What differs between the two databases
(the greatest of two values, a date's month and day) comes from Django's own backend operations.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import connection

from hearth.core import identifiers
from hearth.people import comparisons as cmp
from hearth.people import match_model, matching
from hearth.people.models import Address, Person, PersonName

# A family name or a given name on its own: at most this many people are ranked, the closest names first; with a
# date of birth, NHS number or postcode typed too, only people of exactly that name, at most this many of them.
BROAD_ROUTE_LIMIT = 1_000
BROAD_ROUTE_LIMIT_WITH_DETAILS = 100
# Both names typed: everyone holding the given name exactly, when so few names held have it (a person's current and
# former names each count) that it alone may point at a person whose family name has changed.
RARE_NAME_HELD = 20


@dataclass
class SearchQuery:
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    postcode: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.given_name or self.family_name or self.date_of_birth or self.nhs_number or self.postcode)


@dataclass
class Sql:
    """A piece of SQL and its parameters, in order."""

    text: str
    params: list


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _greatest(*terms: str) -> str:
    """The greatest of the terms: GREATEST on PostgreSQL, SQLite's MAX of several values."""
    return ("MAX" if connection.vendor == "sqlite" else "GREATEST") + f"({', '.join(terms)})"


def _date(value: date):
    return connection.ops.adapt_datefield_value(value)


def _letters(key: str, *, last: bool) -> int:
    """How many letters the route of a name's first letters, or of its last, needs. After one typo (a letter wrong,
    added, left out, or two side by side swapped), a name of seven letters or more still has the same first three, one
    of five or six the same first two, a shorter one the same first letter. The route of the last letters is for a
    typo among those first letters (or swapping the last of them with the next): all the letters after it are the
    same, so it takes all but that many and one more, two at least. More letters fetch far fewer people for a common
    name (Robinson ends in nson, not just son)."""
    first = 3 if len(key) >= 7 else 2 if len(key) >= 5 else 1
    return max(2, len(key) - first - 1) if last else first


def _letter_range(key: str, column: str, *, last: bool = False) -> Sql:
    """Held keys one slip from `key` by their first letters: the same first letters (`_letters` of them, an index
    range) and a length one shorter, the same or one longer (read from the index, a common name's range being
    large; a name of several words typed in part or joined is `_part_routes`'); with `last`, `key` and `column` are
    the names reversed."""
    start = key[:_letters(key, last=last)]
    return Sql(f"{column} >= %s AND {column} < %s AND LENGTH({column}) BETWEEN %s AND %s",
               [start, _after(start), len(key) - 1, len(key) + 1])


def _after(start: str) -> str:
    """The first key after every key that starts with `start`: the end of its index range."""
    return start[:-1] + chr(ord(start[-1]) + 1)


def _stands_for(key: str) -> list[str]:
    """A given name's key is the name a short form stands for (Liam is held as william): the keys of the short forms
    starting with the letters `_letter_range` looks for, which that range cannot find."""
    start = key[:_letters(key, last=False)]
    return sorted({full for short, full in matching.NICKNAMES.items() if short != full and short.startswith(start)})


@dataclass(frozen=True)
class _Keys:
    """The typed names as the PersonName key columns hold them."""

    given_key: str
    given_first: str
    given_meta: str
    given_sound: str
    family_key: str
    family_meta: str
    family_sound: str

    @classmethod
    def of(cls, query: SearchQuery) -> "_Keys":
        g_first, f_key = matching.given_first(query.given_name), matching.family_key(query.family_name)
        g_key = matching.given_key(query.given_name)
        return cls(g_key, g_first, matching.metaphone(g_first), matching.sound(g_key),
                   f_key, matching.metaphone(f_key), matching.sound(f_key))


def near_dates(typed: date) -> list[date]:
    """Dates of birth one slip away from the one typed: a year out by one or ten, or one digit of the day or the
    month mistyped (the day and month swapped is `dob_variants`)."""
    found = set()
    for year in (typed.year - 1, typed.year + 1, typed.year - 10, typed.year + 10):
        found.add((year, typed.month, typed.day))
    for digit in "0123456789":
        day, month = f"{typed.day:02d}", f"{typed.month:02d}"
        for d in (digit + day[1], day[0] + digit):
            found.add((typed.year, typed.month, int(d)))
        for mo in (digit + month[1], month[0] + digit):
            found.add((typed.year, int(mo), typed.day))
    dates = []
    for year, month, day in found:
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and 1900 <= year <= 2100:
            dates.append(date(year, month, day))
    return sorted(set(dates) - set(dob_variants(typed)))


def dob_variants(typed: date | None) -> list[date]:
    """The date of birth as typed and, where it is a real date, with day and month swapped."""
    if not typed:
        return []
    if typed.day <= 12 and typed.day != typed.month:
        return [typed, date(typed.year, typed.day, typed.month)]
    return [typed]


def _names_where(where: Sql) -> Sql:
    return Sql(f"SELECT person_id FROM {_table(PersonName)} WHERE {where.text}", where.params)


def _name_routes(k: _Keys) -> list[Sql]:
    """Both names typed: the held names that agree on enough of both, as typed and the other way round."""
    routes = []
    swapped_key = matching.given_key(k.family_key)
    for as_typed, (gk, g_first, gm, gs, fk, fm, fs) in (
            (True, (k.given_key, k.given_first, k.given_meta, k.given_sound,
                    k.family_key, k.family_meta, k.family_sound)),
            # swapped: the typed family name held as a given name, and the other way round
            (False, (swapped_key, k.family_key, k.family_meta, matching.sound(swapped_key),
                     k.given_first, k.given_meta, matching.sound(k.given_first)))):
        given_letters, family_letters, stands_for = _letter_range(gk, "given_key"), _letter_range(fk, "family_key"), \
            _stands_for(gk)
        routes += [
            Sql("family_sound = %s AND given_sound = %s", [fs, gs]),
            Sql("family_meta = %s AND given_meta = %s", [fm, gm]),
            Sql(f"family_key = %s AND {given_letters.text}", [fk, *given_letters.params]),
            Sql(f"given_key = %s AND {family_letters.text}", [gk, *family_letters.params]),
        ]
        if stands_for:  # a route of its own: beside the range in one condition, it would stop the index using either
            routes.append(Sql(f"family_key = %s AND given_key IN ({_marks(stands_for)})", [fk, *stands_for]))
        if as_typed:  # a typo at the start of one name: the other exact, and the same last letters
            given_last = _letter_range(g_first[::-1], "given_rev", last=True)
            family_last = _letter_range(fk[::-1], "family_rev", last=True)
            routes += [Sql(f"family_key = %s AND {given_last.text}", [fk, *given_last.params]),
                       Sql(f"given_key = %s AND {family_last.text}", [gk, *family_last.params])]
            routes += _part_routes(fk, gk, g_first)
    return [_names_where(route) for route in routes]


def _rare_given_name(given_key: str) -> Sql:
    """Both names typed: the people of exactly the given name typed, when at most RARE_NAME_HELD names held have it
    (in the whole database, as the other routes' limits count). It reads at most one more than that from the index,
    however common the name. Not the family name: a family shares it, and every search for one of them would bring
    the rest."""
    names = _table(PersonName)
    return Sql(f"SELECT person_id FROM (SELECT person_id FROM {names} WHERE given_key = %s "
               f"LIMIT {RARE_NAME_HELD + 1}) held "
               f"WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM {names} WHERE given_key = %s "
               f"LIMIT {RARE_NAME_HELD + 1}) few) <= {RARE_NAME_HELD}", [given_key, given_key])


def _part_routes(fk: str, gk: str, g_first: str) -> list[Sql]:
    """A name of several words typed in part or joined, the other name exact (`_in_part`): the held name starting
    with the whole name typed, as an index range, or being one of its starts, as an index list."""
    routes = []
    for exact_column, exact, pieces in (("given_key", gk, (("family_key", fk), ("family_rev", fk[::-1]))),
                                        ("family_key", fk, (("given_key", g_first),))):
        for column, typed in pieces:
            if exact and len(typed) >= 3:
                routes.append(Sql(f"{exact_column} = %s AND {column} >= %s AND {column} < %s",
                                  [exact, typed, _after(typed)]))
                if starts := _starts(typed):
                    # A given name is held by its first word: only one of several words was typed joined (Sarah
                    # Jane, not every Sarah, for Sarahjane).
                    several = " AND LENGTH(given_name) > LENGTH(given_key)" if column == "given_key" else ""
                    routes.append(Sql(f"{exact_column} = %s AND {column} IN ({_marks(starts)}){several}",
                                      [exact, *starts]))
    return routes


def candidates(query: SearchQuery, model: match_model.Model) -> Sql | None:
    """The ids of the people worth ranking (any council: the ranking statement keeps the caller's), as one UNION of
    indexed lookups; None when nothing was searched for that could find anyone.

    - Everyone born on the day typed (or with day and month swapped): a date of birth carries a name typed badly,
      changed or missing.
    - Born on a day one slip from the one typed, with a name that agrees on a key (`near_dates`).
    - Both names: the routes of `_name_routes`, as typed and swapped, and a name of several words typed in part or
      joined (`_part_routes`); and the given name on its own where it is rare (`_rare_given_name`): a child's
      family name changes, and a rare given name may be all that is left to find them by.
    - One name on its own: the names that sound alike and are closest to it (BROAD_ROUTE_LIMIT of them); beside
      the routes of a date of birth, NHS number or postcode, that name exactly (BROAD_ROUTE_LIMIT_WITH_DETAILS).
    """
    k = _Keys.of(query)
    people, names = _table(Person), _table(PersonName)
    routes: list[Sql] = []
    if query.nhs_number:
        routes.append(Sql(f"SELECT id FROM {people} WHERE nhs_number = %s", [query.nhs_number]))
    if query.postcode:
        routes.append(Sql(f"SELECT person_id FROM {_table(Address)} WHERE postcode_key = %s AND to_date IS NULL",
                          [identifiers.postcode_key(query.postcode)]))
    if query.date_of_birth:
        dobs = [_date(d) for d in dob_variants(query.date_of_birth)]
        routes.append(Sql(f"SELECT id FROM {people} WHERE date_of_birth IN ({_marks(dobs)})", dobs))
        agrees = [(column, value) for column, value in (
            ("family_key", k.family_key), ("family_meta", k.family_meta), ("given_key", k.given_key),
            ("given_meta", k.given_meta), ("family_key", k.given_first),
            ("given_key", matching.given_key(k.family_key))) if value]
        if agrees:
            near = [_date(d) for d in near_dates(query.date_of_birth)]
            routes.append(Sql(
                f"SELECT p.id FROM {people} p WHERE p.date_of_birth IN ({_marks(near)}) AND EXISTS "
                f"(SELECT 1 FROM {names} n WHERE n.person_id = p.id AND "
                f"({' OR '.join(f'n.{column} = %s' for column, _ in agrees)}))",
                near + [value for _, value in agrees]))
    if k.family_key and k.given_key:
        routes += [*_name_routes(k), _rare_given_name(k.given_key)]
    elif routes and (k.family_key or k.given_key):
        # Beside a date of birth, NHS number or postcode, whose own routes find the people they fit, a name on its own
        # brings only the people of exactly that name: a name that merely sounds alike, with those details
        # different, never weighs enough to be shown, and only a rare exact name can. The index's order.
        column, other = ("family_key", "given_key") if k.family_key else ("given_key", "family_key")
        routes.append(Sql(f"SELECT person_id FROM (SELECT n.person_id FROM {names} n WHERE n.{column} = %s "
                          f"ORDER BY n.{other}, n.person_id LIMIT {BROAD_ROUTE_LIMIT_WITH_DETAILS}) same_name",
                          [k.family_key or k.given_key]))
    elif k.family_key or k.given_key:
        column = "family_sound" if k.family_key else "given_sound"
        closest = coarse_name(query, model, "n")
        routes.append(Sql(f"SELECT person_id FROM (SELECT n.person_id FROM {names} n WHERE n.{column} = %s "
                          f"ORDER BY {closest.text} DESC, n.person_id LIMIT {BROAD_ROUTE_LIMIT}) closest",
                          [k.family_sound or k.given_sound, *closest.params]))
    if not routes:
        return None
    return Sql(" UNION ".join(r.text for r in routes), [p for r in routes for p in r.params])


# The coarse weight: the model's weights on the levels the indexed key columns can tell (exact, a known short form,
# part of a name of several words, sounds alike, the same first or last letter), so that the candidates the exact
# weight would put first are among the ranking statement's rows.


def _part(model: match_model.Model, part: str, alias: str, name: cmp.Name | None, tf_value: str) -> Sql:
    """About the weight of the `part` name columns of the PersonName row `alias` against a typed name."""
    if name is None:
        return Sql("0.0", [])
    levels = cmp.GIVEN_LEVELS if part == "given" else cmp.FAMILY_LEVELS
    exact = model.weight(part, 0, tf_value)
    w = {level: min(model.weight(part, i), exact) for i, level in enumerate(levels)}  # as `Model.weights` caps them
    key = name.key if part == "given" else name.norm
    first = name.first if part == "given" else name.norm
    col_key, col_rev, col_meta, col_sound = (f"{alias}.{part}_{c}" for c in ("key", "rev", "meta", "sound"))
    starts, ends = f"substr({col_key}, 1, 1) = %s", f"substr({col_rev}, 1, 1) = %s"

    # A name of the typed length first: a typo keeps the length, or changes it by one.
    close = _greatest("%s", f"%s - 0.5 * ABS(LENGTH({col_key}) - %s)")

    text = f"CASE WHEN {col_key} = %s AND {col_rev} = %s THEN %s "
    params = [key, first[::-1], exact]
    if part == "given":
        text += f"WHEN {col_key} = %s THEN %s "
        params += [key, w["short form"]]
    in_part = _in_part(first, col_key, col_rev if part == "family" else "")
    if in_part:  # a name of several words, typed in part or joined (`_part_routes`)
        text += f"WHEN {' OR '.join(c.text for c in in_part)} THEN %s "
        params += [*(p for c in in_part for p in c.params), w["part"]]
    # Sounding alike is what a typo usually leaves (Watts typed Wtts): weighed as the typo it may be, so that the
    # many names that merely start with the same letter do not crowd it out of the ranking statement's rows.
    text += f"WHEN {col_meta} = %s OR {col_sound} = %s THEN %s "
    params += [name.meta, matching.sound(key), max(w["close"], w["sounds"])]
    # The same first and last letters before only one of them (Jenkis: Jenkins before Harris).
    text += f"WHEN {starts} AND {ends} THEN {close} WHEN {starts} OR {ends} THEN {close} ELSE %s END"
    params += [key[0], first[-1], w["other"], w["similar"], len(key),
               key[0], first[-1], w["other"], w["similar"] - 1.5, len(key), w["other"]]
    return Sql(text, params)


def _starts(word: str) -> list[str]:
    """The starts of a word that leave at least two letters of it, of three letters or more (sar, sara, sarah, sarahj
    and sarahja of sarahjane): what a name of several words, typed joined, is held by (its first word)."""
    return [word[:n] for n in range(3, len(word) - 1)]


def _in_part(word: str, col_key: str, col_rev: str = "") -> list[Sql]:
    """A held name (its key, and with `col_rev` its reversed key too) that starts with the whole of `word` (typed in
    part: Mary for Maryann, Jones for Jones-Thomas), or is the start of it (typed joined: Sarahjane for Sarah Jane,
    held by its first word); with `col_rev`, the same of its end (Thomas for Jones-Thomas). Nothing for a word of
    fewer than three letters."""
    if len(word) < 3:
        return []
    found = []
    for column, typed in ((col_key, word), (col_rev, word[::-1])):
        if column:
            found.append(Sql(f"substr({column}, 1, %s) = %s", [len(typed), typed]))
            if starts := _starts(typed):
                found.append(Sql(f"{column} IN ({_marks(starts)})", starts))
    return found


def coarse_name(query: SearchQuery, model: match_model.Model, alias: str) -> Sql:
    """About the weight of the names of the PersonName row `alias`, as typed or swapped."""
    given = cmp.Name.of(query.given_name, given=True)
    family = cmp.Name.of(query.family_name, given=False)
    g = _part(model, "given", alias, given, given.key if given else "")
    f = _part(model, "family", alias, family, family.norm if family else "")
    if given is None or family is None:
        return Sql(f"({g.text}) + ({f.text})", g.params + f.params)
    as_given = cmp.Name.of(query.family_name, given=True)
    as_family = cmp.Name.of(query.given_name, given=False)
    sg = _part(model, "given", alias, as_given, as_given.key)
    sf = _part(model, "family", alias, as_family, as_family.norm)
    return Sql(_greatest(f"({g.text}) + ({f.text})", f"({sg.text}) + ({sf.text}) + %s"),
               g.params + f.params + sg.params + sf.params + [model.weight("order", 1)])


def coarse_weight(query: SearchQuery, model: match_model.Model) -> Sql:
    """Over the Person row of the caller's statement (the ORM names it after its table): about the evidence
    `match_model.score` will find, from the same details."""
    person = _table(Person)
    terms: list[Sql] = []
    if query.given_name or query.family_name:
        # The best of the person's names: an index-only read of the person's names (their keys are in the index).
        name = coarse_name(query, model, "n")
        terms.append(Sql(f"COALESCE((SELECT MAX({name.text}) FROM {_table(PersonName)} n "
                         f"WHERE n.person_id = {person}.id), 0.0)", name.params))
    if query.date_of_birth:
        terms.append(_dob_weight(query.date_of_birth, model, f"{person}.date_of_birth"))
    if query.nhs_number:
        terms.append(Sql(f"CASE WHEN {person}.nhs_number = %s THEN %s "
                         f"WHEN {person}.nhs_number IS NOT NULL THEN %s ELSE 0.0 END",
                         [query.nhs_number, model.weight("nhs", 0), model.weight("nhs", 1)]))
    if query.postcode:
        terms.append(Sql(f"CASE WHEN EXISTS (SELECT 1 FROM {_table(Address)} a WHERE a.person_id = {person}.id "
                         "AND a.to_date IS NULL AND a.postcode_key = %s) THEN %s ELSE 0.0 END",
                         [identifiers.postcode_key(query.postcode), model.weight("postcode", 0)]))
    if not terms:
        return Sql("0.0", [])
    return Sql(" + ".join(f"({t.text})" for t in terms), [p for t in terms for p in t.params])


def length_gap(query: SearchQuery) -> Sql:
    """Over the Person row of the caller's statement: how far the lengths of its names are from those typed. Of
    equal coarse weights, the names nearer the typed length are ranked first: a person's key holds only the first
    word of a given name, so every Sarah weighs as Sarah Jane does against Sarahjane."""
    person = _table(Person)
    return Sql(f"ABS(LENGTH({person}.given_name) - %s) + ABS(LENGTH({person}.family_name) - %s)",
               [len(query.given_name.strip()), len(query.family_name.strip())])


def _dob_weight(typed: date, model: match_model.Model, column: str) -> Sql:
    """The date of birth's weight: the same day, day and month swapped, two of its three parts the same, or none."""
    month, month_params = connection.ops.date_extract_sql("month", column, ())
    day, day_params = connection.ops.date_extract_sql("day", column, ())
    year_from, year_to = _date(date(typed.year, 1, 1)), _date(date(typed.year, 12, 31))
    swapped = dob_variants(typed)[1:]
    text = f"CASE WHEN {column} IS NULL THEN 0.0 WHEN {column} = %s THEN %s "
    params = [_date(typed), model.weight("dob", 0)]
    for d in swapped:
        text += f"WHEN {column} = %s THEN %s "
        params += [_date(d), model.weight("dob", 1)]
    text += (f"WHEN ({column} BETWEEN %s AND %s AND {month} = %s) OR ({column} BETWEEN %s AND %s AND {day} = %s) "
             f"OR ({month} = %s AND {day} = %s) THEN %s ELSE %s END")
    params += [year_from, year_to, *month_params, typed.month, year_from, year_to, *day_params, typed.day,
               *month_params, typed.month, *day_params, typed.day, model.weight("dob", 2), model.weight("dob", 3)]
    return Sql(text, params)
