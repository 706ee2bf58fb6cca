"""Every read of people and families, scoped by the access policy and audited."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hearth.access import policy
from hearth.access.models import Involvement
from hearth.access.models import Relationship as Involved
from hearth.core import identifiers, keyset
from hearth.core.errors import NotPermitted
from hearth.governance import audit
from hearth.governance.models import AuditAction
from hearth.people import matching
from hearth.people.models import Address, Family, FamilyMember, Person, PersonName, Relationship

# A family name or a given name on its own: at most this many people are ranked, the closest names first.
BROAD_ROUTE_LIMIT = 1_000
MAX_RESULTS = 50


DASHBOARD_PAGE = 25


def families_for_dashboard(user, *, after: str | None = None, before: str | None = None) -> keyset.Page:
    """A page of the user's families, most recently updated first, with member counts (one query, whose cost is
    the page's however many families the user may see; no total is counted)."""
    members = (FamilyMember.objects.filter(family=OuterRef("pk")).order_by().values("family")
               .annotate(n=Count("pk")).values("n"))
    families = (policy.families_visible_to(user).select_related("locality")
                .annotate(member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0))))
    return keyset.page(families, field="updated_at", descending=True, kind="datetime", size=DASHBOARD_PAGE,
                       after=after, before=before)


def family_detail(user, family_id: int) -> Family:
    """A family with the user's access to it, its members with their current addresses, its active involvements
    and its relationships: four queries and the audit row, whatever the family's size."""
    family = (
        policy.with_decision(Family.objects.filter(pk=family_id), user)
        .select_related("locality", "council")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.annotate(
                    current=FilteredRelation("person__addresses",
                                             condition=Q(person__addresses__to_date__isnull=True)))
                .select_related("person", "current").order_by("role", "person__date_of_birth", "person__pk"),
            ),
            Prefetch(
                "involvements",
                queryset=Involvement.objects.filter(ended_at__isnull=True).select_related("user__agency"),
                to_attr="active_involvements",
            ),
        )
        .first()
    )
    if family is None or not policy.remember_decision(user, family, family).view:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    members = list(family.members.all())
    person_ids = [m.person_id for m in members]
    family.relationships = list(
        Relationship.objects.filter(from_person_id__in=person_ids, to_person_id__in=person_ids).order_by("pk")
    )
    # Both ends are members already loaded: attach them so str(relationship) queries nothing.
    people_by_id = {m.person_id: m.person for m in members}
    for rel in family.relationships:
        rel.from_person = people_by_id[rel.from_person_id]
        rel.to_person = people_by_id[rel.to_person_id]
    show_withheld = policy.can_see_withheld_address(user)
    for member in members:
        # At most one current address a person (people.Address's constraint); no attribute when there is none.
        address = getattr(member, "current", None)
        member.person.current_address = (
            address if address and (show_withheld or not member.person.address_withheld) else None
        )
        member.person.address_hidden = bool(address and member.person.address_withheld and not show_withheld)
    audit.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"members": person_ids})
    return family


def person_detail(user, person_id: int) -> Person:
    person = (
        policy.people_visible_to(user)
        .prefetch_related(
            "names",
            Prefetch("addresses", queryset=Address.objects.order_by("to_date", "-from_date")),
            Prefetch(
                "memberships",
                queryset=FamilyMember.objects.filter(family__in=policy.families_visible_to(user)).select_related(
                    "family"
                ),
                to_attr="visible_memberships",
            ),
        )
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotPermitted(object_type="people.person", object_id=person_id)
    person.address_hidden = person.address_withheld and not policy.can_see_withheld_address(user)
    audit.record(actor=user, action=AuditAction.VIEW, obj=person, person_id=person.pk)
    return person


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
class Match:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    visible: bool = True
    lead_professional: Involvement | None = None


# People search, in the database, in a fixed number of statements whatever the size of the council:
#
# 1. Candidates: the routes of `_candidates`, each an indexed lookup, combined by one UNION that the ranking
#    statement reads as a subquery (no list of ids travels to Python and back).
# 2. One statement keeps the council's candidates the caller may consider (for people search, the access policy row
#    by row: a member of a family the user may see), scores each coarsely from the evidence (`_coarse_score`: the
#    matching.coarse_* expressions), and returns the best RANK_LIMIT people, with their names (a second statement).
# 3. Python scores those few exactly, with the reasons (matching.NameScorer, matching.dob_reason), and keeps the best
#    MAX_RESULTS; their current addresses and families are loaded (two statements).

# The coarse score only orders candidates; the exact score of the best RANK_LIMIT of them decides the page.
RANK_LIMIT = 3 * MAX_RESULTS


def _letter_range(key: str) -> tuple[str, str]:
    """Keys starting with the same letter, as an index range."""
    return key[0], chr(ord(key[0]) + 1)


def _candidates(query: SearchQuery) -> QuerySet | None:
    """The ids of the people worth ranking (any council: the ranking statement keeps the caller's), as one UNION of
    indexed lookups; None when nothing was searched for that could find anyone.

    Names are narrowed by their phonetic codes (typos that sound alike, previous names, nicknames as their full form),
    and by one name exactly with the other starting with the same letter (a typo that changes how the other name
    sounds). A date of birth is tried as given and with day and month swapped. A family or given name on its own keeps
    the BROAD_ROUTE_LIMIT names that sound alike and are closest to it (same key first, then the nearest length).
    """
    gk, fk = matching.given_key(query.given_name), matching.family_key(query.family_name)
    gs, fs = matching.sound(gk), matching.sound(fk)
    dobs = matching.dob_variants(query.date_of_birth)
    people, names = Person.objects.order_by(), PersonName.objects.order_by()
    routes = []
    if query.nhs_number:
        routes.append(people.filter(nhs_number=query.nhs_number).values("pk"))
    if query.postcode:
        routes.append(Address.objects.order_by().filter(postcode_key=identifiers.postcode_key(query.postcode),
                                                        to_date__isnull=True).values("person_id"))
    if dobs:
        born = people.filter(date_of_birth__in=dobs)
        named = names.filter(person=OuterRef("pk"))
        if gk:  # a changed family name: the given name and date of birth
            routes.append(born.filter(Exists(named.filter(given_sound=gs))).values("pk"))
        if fk:
            routes.append(born.filter(Exists(named.filter(family_sound=fs))).values("pk"))
        if not (gk or fk):
            routes.append(born.values("pk"))
    if fk and gk:
        g_low, g_high = _letter_range(gk)
        f_low, f_high = _letter_range(fk)
        routes += [
            names.filter(family_sound=fs, given_sound=gs).values("person_id"),
            names.filter(family_key=fk, given_key__gte=g_low, given_key__lt=g_high).values("person_id"),
            names.filter(given_key=gk, family_key__gte=f_low, family_key__lt=f_high).values("person_id"),
        ]
    elif fk or gk:
        column = "family_sound" if fk else "given_sound"
        closest = matching.coarse_name_points(query.given_name, query.family_name)
        broad = names.filter(**{column: fs or gs}).order_by(closest.desc(), "pk")
        if connection.features.supports_slicing_ordering_in_compound:
            routes.append(broad.values("person_id")[:BROAD_ROUTE_LIMIT])
        else:  # SQLite allows no LIMIT in a part of a UNION: there the bounded names are a subquery
            routes.append(names.filter(pk__in=broad.values("pk")[:BROAD_ROUTE_LIMIT]).values("person_id"))
    if not routes:
        return None
    return routes[0].union(*routes[1:])


def _coarse_score(query: SearchQuery):
    """An expression over Person: about the score `_exact` will give, from the same evidence."""
    has_name = bool(query.given_name or query.family_name)
    score = matching.coarse_dob_points(query.date_of_birth)
    name = matching.coarse_name_points(query.given_name, query.family_name)
    if has_name and name is not None:
        best = (PersonName.objects.filter(person_id=OuterRef("pk")).order_by().values("person_id")
                .annotate(best=Max(name)).values("best"))
        score = score + Value(0.6) * Coalesce(Subquery(best, output_field=FloatField()), Value(0.0))
    if query.nhs_number:
        score = score + Case(When(nhs_number=query.nhs_number, then=Value(100.0)), default=Value(0.0))
    if query.postcode:
        score = score + Case(When(_at_postcode(query), then=Value(15.0)), default=Value(0.0))
    return ExpressionWrapper(score, output_field=FloatField())


def _at_postcode(query: SearchQuery) -> Exists:
    return Exists(Address.objects.filter(person_id=OuterRef("pk"), to_date__isnull=True,
                                         postcode_key=identifiers.postcode_key(query.postcode)))


@dataclass
class Ranked:
    """A person found by `rank_people`: their id, the exact score and the reasons, in plain English."""

    pk: int
    score: float
    reasons: list[str]
    family_name: str
    given_name: str


@dataclass
class _Candidate:
    """What the exact score reads of one of the best RANK_LIMIT candidates (plain values: no model instances)."""

    pk: int
    date_of_birth: date | None
    nhs_number: str
    family_name: str
    given_name: str
    at_postcode: bool
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, given name, family name)


def rank_people(query: SearchQuery, people: QuerySet[Person]) -> list[Ranked]:
    """The best MAX_RESULTS matches for the query among `people` (the caller's scope, such as the council's people
    or those the user may see), best first. Two statements: the ranking (candidates, scope and coarse score in the
    database, RANK_LIMIT rows of plain values) and the names of those rows."""
    candidates = None if query.is_empty else _candidates(query)
    if candidates is None:
        return []
    rows = people.filter(pk__in=candidates).annotate(
        _coarse=_coarse_score(query),
        _at_postcode=_at_postcode(query) if query.postcode else Value(False, output_field=BooleanField()))
    found = {row[0]: _Candidate(*row) for row in (
        rows.order_by("-_coarse", "family_name", "given_name", "pk")
        .values_list("pk", "date_of_birth", "nhs_number", "family_name", "given_name", "_at_postcode")[:RANK_LIMIT])}
    if not found:
        return []
    for person_id, kind, given, family in (PersonName.objects.filter(person_id__in=list(found)).order_by("pk")
                                           .values_list("person_id", "kind", "given_name", "family_name")):
        found[person_id].names.append((kind, given, family))
    scorer = matching.NameScorer(query.given_name, query.family_name)
    matches = [m for m in (_exact(query, scorer, c) for c in found.values()) if m is not None]
    matches.sort(key=lambda m: (-m.score, m.family_name, m.given_name, m.pk))
    return matches[:MAX_RESULTS]


def _exact(query: SearchQuery, scorer: matching.NameScorer, candidate: _Candidate) -> Ranked | None:
    """The exact score of one candidate on every name they have been known by, with the reasons; None when the
    evidence is too weak to show."""
    name_score, reasons = 0.0, []
    for kind, given, family in candidate.names:
        s, r = scorer.score(given, family)
        if s > name_score:
            label = {"previous": " (a previous name)", "other": " (another name they use)"}.get(kind, "")
            name_score, reasons = s, [reason + label for reason in r]
    has_name = bool(query.given_name or query.family_name)
    score = name_score * 0.6 if has_name else 0.0
    dob_points, dob_why = matching.dob_reason(query.date_of_birth, candidate.date_of_birth)
    score += dob_points
    if dob_why:
        reasons.append(dob_why)
    if query.nhs_number and candidate.nhs_number == query.nhs_number:
        score += 100
        reasons.insert(0, "same NHS number")
    if candidate.at_postcode:
        score += 15
        reasons.append("same postcode")
    strong = (has_name and name_score >= 70) or "same NHS number" in reasons
    if strong or (not has_name and (dob_why or "same postcode" in reasons)):
        return Ranked(candidate.pk, round(score, 1), reasons, candidate.family_name, candidate.given_name)
    return None


def _visible(user) -> Exists:
    """Over Person: a member of a family the user may see (`policy.people_visible_to`), checked row by row through
    the person's memberships and the grants index, never by listing the families a coordinator may see."""
    return Exists(FamilyMember.objects.filter(policy.visible_through(user, "family_id"), person_id=OuterRef("pk")))


def _load(user, ranked: list[Ranked]) -> list[Match]:
    """The matches' people, with their current addresses and the families the user may see (three statements)."""
    people = Person.objects.filter(pk__in=[m.pk for m in ranked]).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.filter(to_date__isnull=True), to_attr="current_addresses"),
        Prefetch("memberships", queryset=FamilyMember.objects.select_related("family").annotate(
            visible=ExpressionWrapper(policy.visible_through(user, "family_id"), output_field=BooleanField()))),
    )
    by_pk = {person.pk: person for person in people}
    for person in by_pk.values():
        person.visible_memberships = [m for m in person.memberships.all() if m.visible]
    return [Match(person=by_pk[m.pk], score=m.score, reasons=m.reasons) for m in ranked]


def search_people(user, query: SearchQuery) -> list[Match]:
    """People search: only people the user may see, best match first. A fixed number of queries."""
    if query.is_empty:
        return []
    # The access filter as a CASE, which PostgreSQL evaluates row by row for the candidates: a bare EXISTS it may turn
    # into a join with everyone the user may see (a third of the council for a coordinator).
    visible = Person.objects.alias(_seen=Case(When(_visible(user), then=Value(1)), default=Value(0)))
    ranked = rank_people(query, visible.filter(_seen=1, council_id=user.agency.council_id))
    matches = _load(user, ranked)
    show_withheld = policy.can_see_withheld_address(user)
    for match in matches:
        if match.person.address_withheld and not show_withheld:
            match.person.current_addresses = []
            match.person.address_hidden = True
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"results": [m.person.pk for m in matches]})
    return matches


def require_find_before_create(user) -> None:
    """Find-before-create is for roles that may create records: for anyone else, telling that a named person is
    known to Early Help, and who works with them, would itself be a disclosure."""
    if not policy.can_create_records(user):
        raise NotPermitted("Your role cannot add people to records, so it cannot check whether a person is already "
                           "known.", object_type="people.person")


def find_existing(user, query: SearchQuery) -> list[Match]:
    """Find-before-create: likely existing records across the user's council.

    For a person the user may not see, only the fact of a match, the reasons, and the lead
    professional and agency (if one is active) are returned; never their details. Only for roles that may create
    records (`require_find_before_create`).
    """
    require_find_before_create(user)
    if query.is_empty:
        return []
    matches = _load(user, rank_people(query, Person.objects.filter(council_id=user.agency.council_id)))
    # Visible: a member of a family the user may see, from the page's memberships (each checked by `_load`).
    hidden_ids = [m.person.pk for m in matches if not m.person.visible_memberships]
    # One query for every hidden match's active lead professional, with their agency.
    leads: dict[int, Involvement] = {}
    lead_rows = (
        Involvement.objects.filter(family__members__person_id__in=hidden_ids,
                                   relationship=Involved.LEAD_PROFESSIONAL, ended_at__isnull=True)
        .select_related("user__agency")
        .annotate(member_person_id=F("family__members__person_id"))
        .order_by("pk")
    )
    for involvement in lead_rows:
        leads.setdefault(involvement.member_person_id, involvement)
    for match in matches:
        if not match.person.visible_memberships:
            match.visible = False
            match.lead_professional = leads.get(match.person.pk)
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"find_before_create": True, "results": [m.person.pk for m in matches],
                         "not_visible": hidden_ids})
    return matches
