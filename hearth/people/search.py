"""People search without the access policy: the candidates worth ranking for what was typed, ranked by the match
model (`hearth.people.match_model`), best first. The caller narrows the people considered (the access policy for
people search, the council for find-before-create and subject access) and loads what it shows
(`hearth.families.selectors`)."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Abs, Coalesce, Greatest, Length

from hearth.core import identifiers
from hearth.people import comparisons as cmp
from hearth.people import match_model, matching
from hearth.people.models import Address, NameKind, Person, PersonName

# A family name or a given name on its own: at most this many people are ranked, the closest names first; fewer
# when a date of birth, NHS number or postcode was typed too. Their own routes find the people they fit, and of the
# rest, who differ on them, only the rarest names close to the one typed could weigh enough to be shown.
BROAD_ROUTE_LIMIT = 1_000
BROAD_ROUTE_LIMIT_WITH_DETAILS = 100
MAX_RESULTS = 50


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


# People search, in the database, in a fixed number of statements whatever the size of the council:
#
# 1. Candidates: the routes of `_candidates`, each an indexed lookup, combined by one UNION that the ranking
#    statement reads as a subquery (no list of ids travels to Python and back).
# 2. One statement keeps the council's candidates the caller may consider (for people search, the access policy row
#    by row: a member of a family the user may see), weighs each coarsely with the model on the indexed keys
#    (`_coarse_weight`), and returns the best RANK_LIMIT people; a second statement reads their names, and a third
#    their postcodes when a postcode was typed.
# 3. Python weighs those few exactly with the model (`match_model.score`), with the reasons, and keeps the best
#    MAX_RESULTS; their current addresses and families are loaded by the caller.

# The coarse weight only orders candidates; the exact weight of the best RANK_LIMIT of them decides the page.
RANK_LIMIT = 3 * MAX_RESULTS


def _letters(key: str, *, last: bool) -> int:
    """How many letters the route of a name's first letters, or of its last, needs: after one typo (a letter wrong,
    added, left out, or two swapped), a name of seven letters or more still has the same first three or last three; of
    five or more, the same first two or last two; a shorter one, the same first letter or last two. More letters fetch
    far fewer people for a common name."""
    return 3 if len(key) >= 7 else 2 if len(key) >= 5 or last else 1


def _letter_range(key: str, column: str, *, last: bool = False) -> Q:
    """Held keys starting with the same letters as `key`, as an index range (`_letters` of them); with `last`, `key`
    and `column` are the names reversed."""
    start = key[:_letters(key, last=last)]
    return Q(**{f"{column}__gte": start, f"{column}__lt": start[:-1] + chr(ord(start[-1]) + 1)})


def _given_letters(key: str) -> Q:
    """Held given names starting with the same letters as `key`: a given name's key is the name a short form stands
    for (Liam is held as william), so the keys of the short forms starting with those letters are looked up too."""
    start = key[:_letters(key, last=False)]
    stands_for = sorted({full for short, full in matching.NICKNAMES.items()
                         if short != full and short.startswith(start)})
    held = _letter_range(key, "given_key")
    return held | Q(given_key__in=stands_for) if stands_for else held


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


def _name_routes(k: _Keys) -> list[QuerySet]:
    """Both names typed: the held names that agree on enough of both, as typed and the other way round."""
    names = PersonName.objects.order_by()
    routes = []
    swapped_key = matching.given_key(k.family_key)
    for as_typed, (gk, g_first, gm, gs, fk, fm, fs) in (
            (True, (k.given_key, k.given_first, k.given_meta, k.given_sound,
                    k.family_key, k.family_meta, k.family_sound)),
            # swapped: the typed family name held as a given name, and the other way round
            (False, (swapped_key, k.family_key, k.family_meta, matching.sound(swapped_key),
                     k.given_first, k.given_meta, matching.sound(k.given_first)))):
        routes += [
            names.filter(family_sound=fs, given_sound=gs),
            names.filter(family_meta=fm, given_meta=gm),
            names.filter(Q(family_key=fk) & _given_letters(gk)),
            names.filter(Q(given_key=gk) & _letter_range(fk, "family_key")),
        ]
        if as_typed:  # a typo at the start of one name: the other exact, and the same last letters
            routes += [
                names.filter(Q(family_key=fk) & _letter_range(g_first[::-1], "given_rev", last=True)),
                names.filter(Q(given_key=gk) & _letter_range(fk[::-1], "family_rev", last=True)),
            ]
    return [r.values("person_id") for r in routes]


def _candidates(query: SearchQuery, model: match_model.Model) -> QuerySet | None:
    """The ids of the people worth ranking (any council: the ranking statement keeps the caller's), as one UNION of
    indexed lookups; None when nothing was searched for that could find anyone.

    - Everyone born on the day typed (or with day and month swapped): a date of birth carries a name typed badly,
      changed or missing.
    - Born on a day one slip from the one typed, with a name that agrees on a key (`near_dates`).
    - Both names: the routes of `_name_routes`, as typed and swapped.
    - One name on its own: the names that sound alike and are closest to it (BROAD_ROUTE_LIMIT of them, or
      BROAD_ROUTE_LIMIT_WITH_DETAILS beside the routes of a date of birth, NHS number or postcode).
    """
    k = _Keys.of(query)
    people, names = Person.objects.order_by(), PersonName.objects.order_by()
    routes = []
    if query.nhs_number:
        routes.append(people.filter(nhs_number=query.nhs_number).values("pk"))
    if query.postcode:
        routes.append(Address.objects.order_by().filter(postcode_key=identifiers.postcode_key(query.postcode),
                                                        to_date__isnull=True).values("person_id"))
    if query.date_of_birth:
        routes.append(people.filter(date_of_birth__in=dob_variants(query.date_of_birth)).values("pk"))
        agrees = Q()
        for column, value in (("family_key", k.family_key), ("family_meta", k.family_meta),
                              ("given_key", k.given_key), ("given_meta", k.given_meta),
                              ("family_key", k.given_first), ("given_key", matching.given_key(k.family_key))):
            if value:
                agrees |= Q(**{column: value})
        if agrees:
            routes.append(people.filter(date_of_birth__in=near_dates(query.date_of_birth))
                          .filter(Exists(names.filter(agrees, person=OuterRef("pk")))).values("pk"))
    if k.family_key and k.given_key:
        routes += _name_routes(k)
    elif k.family_key or k.given_key:
        column = "family_sound" if k.family_key else "given_sound"
        closest = _coarse_name(query, model)
        broad = names.filter(**{column: k.family_sound or k.given_sound}).order_by(closest.desc(), "pk")
        limit = BROAD_ROUTE_LIMIT_WITH_DETAILS if routes else BROAD_ROUTE_LIMIT
        if connection.features.supports_slicing_ordering_in_compound:
            routes.append(broad.values("person_id")[:limit])
        else:  # SQLite allows no LIMIT in a part of a UNION: there the bounded names are a subquery
            routes.append(names.filter(pk__in=broad.values("pk")[:limit]).values("person_id"))
    if not routes:
        return None
    return routes[0].union(*routes[1:])


# The coarse weight, in SQL: the model's weights on the levels the indexed key columns can tell (exact, a known short
# form, sounds alike, the same first or last letter), so that the candidates the exact weight would put first are
# among the RANK_LIMIT kept.


def _part(model: match_model.Model, part: str, prefix: str, name: cmp.Name | None, tf_value: str):
    """An expression over a PersonName row: about the weight of the `prefix` name columns against a typed name."""
    if name is None:
        return Value(0.0)
    levels = cmp.GIVEN_LEVELS if part == "given" else cmp.FAMILY_LEVELS
    exact = model.weight(part, 0, tf_value)
    w = {level: min(model.weight(part, i), exact) for i, level in enumerate(levels)}  # as `Model.weights` caps them
    key = name.key if part == "given" else name.norm
    first = name.first if part == "given" else name.norm

    def close(penalty: float):  # a name of the typed length first: a typo keeps the length, or changes it by one
        return Greatest(Value(w["other"]), Value(w["similar"] - penalty)
                        - Value(0.5) * Abs(Length(f"{prefix}_key") - len(key)), output_field=FloatField())

    starts, ends = Q(**{f"{prefix}_key__startswith": key[0]}), Q(**{f"{prefix}_rev__startswith": first[-1]})
    whens = [When(**{f"{prefix}_key": key, f"{prefix}_rev": first[::-1]}, then=Value(exact))]
    if part == "given":
        whens.append(When(**{f"{prefix}_key": key}, then=Value(w["short form"])))
    whens += [
        # Sounding alike is what a typo usually leaves (Watts typed Wtts): weighed as the typo it may be, so that
        # the many names that merely start with the same letter do not crowd it out of the RANK_LIMIT.
        When(Q(**{f"{prefix}_meta": name.meta}) | Q(**{f"{prefix}_sound": matching.sound(key)}),
             then=Value(max(w["close"], w["sounds"]))),
        # The same first and last letters before only one of them (Jenkis: Jenkins before Harris).
        When(starts & ends, then=close(0.0)),
        When(starts | ends, then=close(1.5)),
    ]
    return Case(*whens, default=Value(w["other"]), output_field=FloatField())


def _coarse_name(query: SearchQuery, model: match_model.Model, path: str = ""):
    """An expression over a PersonName row (or, with `path`, the rows a relation reaches): about the weight of its
    names, as typed or swapped."""
    given = cmp.Name.of(query.given_name, given=True)
    family = cmp.Name.of(query.family_name, given=False)
    direct = _part(model, "given", f"{path}given", given, given.key if given else "") + \
        _part(model, "family", f"{path}family", family, family.norm if family else "")
    if given is None or family is None:
        return direct
    as_given = cmp.Name.of(query.family_name, given=True)
    as_family = cmp.Name.of(query.given_name, given=False)
    swapped = _part(model, "given", f"{path}given", as_given, as_given.key) + \
        _part(model, "family", f"{path}family", as_family, as_family.norm) + Value(model.weight("order", 1))
    return Greatest(direct, swapped, output_field=FloatField())


def _coarse_weight(query: SearchQuery, model: match_model.Model):
    """An expression over Person: about the evidence `match_model.score` will find, from the same details."""
    weight = Value(0.0, output_field=FloatField())
    if query.given_name or query.family_name:
        # The best of the person's names, by a join and a GROUP BY (a subquery per candidate costs more).
        weight = weight + Coalesce(Max(_coarse_name(query, model, "names__")), Value(0.0))
    if query.date_of_birth:
        typed = query.date_of_birth
        swapped = [When(date_of_birth=d, then=Value(model.weight("dob", 1))) for d in dob_variants(typed)[1:]]
        one_part = (Q(date_of_birth__year=typed.year, date_of_birth__month=typed.month)
                    | Q(date_of_birth__year=typed.year, date_of_birth__day=typed.day)
                    | Q(date_of_birth__month=typed.month, date_of_birth__day=typed.day))
        weight = weight + Case(When(date_of_birth__isnull=True, then=Value(0.0)),
                               When(date_of_birth=typed, then=Value(model.weight("dob", 0))), *swapped,
                               When(one_part, then=Value(model.weight("dob", 2))),
                               default=Value(model.weight("dob", 3)), output_field=FloatField())
    if query.nhs_number:
        weight = weight + Case(When(nhs_number=query.nhs_number, then=Value(model.weight("nhs", 0))),
                               When(nhs_number__isnull=False, then=Value(model.weight("nhs", 1))),
                               default=Value(0.0), output_field=FloatField())
    if query.postcode:
        weight = weight + Case(When(_at_postcode(query), then=Value(model.weight("postcode", 0))),
                               default=Value(0.0), output_field=FloatField())
    return weight


def _at_postcode(query: SearchQuery) -> Exists:
    return Exists(Address.objects.filter(person_id=OuterRef("pk"), to_date__isnull=True,
                                         postcode_key=identifiers.postcode_key(query.postcode)))


@dataclass
class Ranked:
    """A person found by `rank_people`: their id, the match weight and probability, and the reasons for and
    against, in plain English."""

    pk: int
    score: float
    probability: float
    strength: str
    reasons: list[str]
    against: list[str]
    family_name: str
    given_name: str
    on_current_name: bool = True


@dataclass
class _Candidate:
    pk: int
    date_of_birth: date | None
    nhs_number: str
    family_name: str
    given_name: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, given name, family name)
    postcode: str = ""
    former_postcodes: list[str] = field(default_factory=list)


def rank_people(query: SearchQuery, people: QuerySet[Person], model: match_model.Model | None = None) -> list[Ranked]:
    """The best MAX_RESULTS matches for the query among `people` (the caller's scope, such as the council's people
    or those the user may see), best first. Two statements, three with a postcode: the ranking (candidates, scope and
    coarse weight in the database, RANK_LIMIT rows of plain values), the names of those rows and their postcodes."""
    model = model or match_model.default()
    candidates = None if query.is_empty else _candidates(query, model)
    if candidates is None:
        return []
    # A record merged into another is found as the one it was merged into (its names went there too).
    rows = people.filter(pk__in=candidates, merged_into__isnull=True).annotate(_coarse=_coarse_weight(query, model))
    found = {row[0]: _Candidate(*row) for row in (
        rows.order_by(F("_coarse").desc(), "family_name", "given_name", "pk")
        .values_list("pk", "date_of_birth", "nhs_number", "family_name", "given_name")[:RANK_LIMIT])}
    if not found:
        return []
    for person_id, kind, given, family in (PersonName.objects.filter(person_id__in=list(found)).order_by("pk")
                                           .values_list("person_id", "kind", "given_name", "family_name")):
        found[person_id].names.append((kind, given, family))
    if query.postcode:
        for person_id, key, ended in (Address.objects.filter(person_id__in=list(found)).order_by()
                                      .values_list("person_id", "postcode_key", "to_date")):
            if ended is None:
                found[person_id].postcode = key
            else:
                found[person_id].former_postcodes.append(key)
    typed = match_model.Typed.of(query.given_name, query.family_name, query.date_of_birth, query.nhs_number,
                                 identifiers.postcode_key(query.postcode) if query.postcode else "")
    matches = [m for m in (_exact(model, typed, c) for c in found.values()) if m is not None]
    # Of equal weights, a person whose current name agrees comes before one whose former name does: a name is typed
    # as the person is known now far more often.
    matches.sort(key=lambda m: (-m.score, not m.on_current_name, m.family_name, m.given_name, m.pk))
    return matches[:MAX_RESULTS]


def _exact(model: match_model.Model, typed: match_model.Typed, candidate: _Candidate) -> Ranked | None:
    """The model's weight of one candidate, with the reasons; None when the evidence is too weak to show."""
    held = match_model.Held(
        names=[(kind, cmp.Name.of(g, given=True), cmp.Name.of(f, given=False)) for kind, g, f in candidate.names],
        date_of_birth=candidate.date_of_birth, nhs_number=candidate.nhs_number or "",
        postcode=candidate.postcode, former_postcodes=tuple(candidate.former_postcodes))
    scored = match_model.score(model, typed, held)
    if scored.evidence < model.show_from or not scored.reasons:
        return None
    return Ranked(candidate.pk, scored.weight, scored.probability, scored.strength, scored.reasons, scored.against,
                  candidate.family_name, candidate.given_name, scored.name_kind == NameKind.CURRENT)
