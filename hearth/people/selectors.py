"""Every read of people and families, scoped by the access policy and audited."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
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

# A family name or a given name on its own: at most this many people are scored.
BROAD_ROUTE_LIMIT = 10_000
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


# People search: candidates are gathered across the council by indexed routes (each a simple lookup
# that SQLite and PostgreSQL both plan well), scored in Python, scoped by the access policy, and only
# the best are loaded in full. The number of queries depends on which fields were filled in, never on
# the number of candidates or results.


def _letter_range(key: str) -> tuple[str, str]:
    """Keys starting with the same letter, as an index range."""
    return key[0], chr(ord(key[0]) + 1)


def _candidate_ids(query: SearchQuery, council_id: int) -> tuple[list[int], set[int]]:
    """Ids of people worth scoring, and of the council's people living at the postcode.

    Names are narrowed by their phonetic codes (typos that sound alike, previous names, nicknames as
    their full form), and by one name exactly with the other starting with the same letter (a typo
    that changes how the other name sounds). A date of birth is tried as given and with day and month
    swapped. A family or given name on its own reads at most BROAD_ROUTE_LIMIT names. Name routes are
    not joined to the council (a join that PostgreSQL may answer by reading every person): `_rank`
    keeps only the council's people.
    """
    gk, fk = matching.given_key(query.given_name), matching.family_key(query.family_name)
    gs, fs = matching.sound(gk), matching.sound(fk)
    dobs = matching.dob_variants(query.date_of_birth)
    people = Person.objects.filter(council_id=council_id).order_by()
    routes = []
    if query.nhs_number:
        routes.append(people.filter(nhs_number=query.nhs_number))
    postcode_ids: set[int] = set()
    if query.postcode:
        postcode_ids = set(
            Address.objects.filter(
                postcode_key=identifiers.postcode_key(query.postcode), to_date__isnull=True,
                person__council_id=council_id,
            ).order_by().values_list("person_id", flat=True)
        )
    if dobs:
        born = people.filter(date_of_birth__in=dobs)
        named = PersonName.objects.filter(person=OuterRef("pk"))
        if gk:  # a changed family name: the given name and date of birth
            routes.append(born.filter(Exists(named.filter(given_sound=gs))))
        if fk:
            routes.append(born.filter(Exists(named.filter(family_sound=fs))))
        if not (gk or fk):
            routes.append(born)
    if fk and gk:
        g_low, g_high = _letter_range(gk)
        f_low, f_high = _letter_range(fk)
        routes += [
            PersonName.objects.filter(family_sound=fs, given_sound=gs),
            PersonName.objects.filter(family_key=fk, given_key__gte=g_low, given_key__lt=g_high),
            PersonName.objects.filter(given_key=gk, family_key__gte=f_low, family_key__lt=f_high),
        ]
    elif fk or gk:
        names = PersonName.objects.filter(**({"family_sound": fs} if fk else {"given_sound": gs}))
        routes.append(names[:BROAD_ROUTE_LIMIT])
    ids = dict.fromkeys(postcode_ids)
    for route in routes:
        column = "person_id" if route.model is PersonName else "pk"
        ids.update(dict.fromkeys(route.values_list(column, flat=True)))
    return list(ids), postcode_ids


@dataclass
class _Scored:
    pk: int
    score: float
    reasons: list[str]
    family_name: str
    given_name: str


def _rank(query: SearchQuery, council_id: int, ids: list[int], postcode_ids: set[int]) -> list[_Scored]:
    """Score the council's candidates on every name they have been known by; the matches, best first."""
    if not ids:
        return []
    rows = (
        Person.objects.filter(pk__in=ids, council_id=council_id).order_by()
        .values_list("pk", "family_name", "given_name", "date_of_birth", "nhs_number",
                     "names__kind", "names__given_name", "names__family_name")
    )
    people: dict[int, dict] = {}
    scorer = matching.NameScorer(query.given_name, query.family_name)
    for pk, family_name, given_name, dob, nhs, kind, name_given, name_family in rows:
        person = people.get(pk)
        if person is None:
            person = people[pk] = {"family_name": family_name, "given_name": given_name, "dob": dob,
                                   "nhs": nhs, "name_score": 0.0, "reasons": []}
        if kind is None:
            continue
        s, r = scorer.score(name_given, name_family)
        if s > person["name_score"]:
            label = {"previous": " (a previous name)", "other": " (another name they use)"}.get(kind, "")
            person["name_score"], person["reasons"] = s, [reason + label for reason in r]
    has_name = bool(query.given_name or query.family_name)
    matches = []
    for pk, person in people.items():
        name_score, reasons = person["name_score"], person["reasons"]
        score = name_score * 0.6 if has_name else 0.0
        dob_points, dob_why = matching.dob_reason(query.date_of_birth, person["dob"])
        score += dob_points
        if dob_why:
            reasons.append(dob_why)
        if query.nhs_number and person["nhs"] == query.nhs_number:
            score += 100
            reasons.insert(0, "same NHS number")
        if pk in postcode_ids:
            score += 15
            reasons.append("same postcode")
        strong = (has_name and name_score >= 70) or "same NHS number" in reasons
        if strong or (not has_name and (dob_why or "same postcode" in reasons)):
            matches.append(_Scored(pk, round(score, 1), reasons, person["family_name"], person["given_name"]))
    matches.sort(key=lambda m: (-m.score, m.family_name, m.given_name, m.pk))
    return matches


def _visible_ids(user, ids) -> tuple[set[int], set[int]]:
    """Which of these people the user may see, and which of their families: `policy.people_visible_to`
    (a member of a family the user may see), asked from the families of just these people so that no
    database has to list every family the user may see."""
    if not ids:
        return set(), set()
    memberships = list(FamilyMember.objects.filter(person_id__in=ids).values_list("person_id", "family_id"))
    family_ids = {family_id for _, family_id in memberships}
    families = set(policy.families_visible_to(user).filter(pk__in=family_ids).values_list("pk", flat=True))
    return {person_id for person_id, family_id in memberships if family_id in families}, families


def _matches(scored: list[_Scored], visible_families: set[int]) -> list[Match]:
    """The matches with their people loaded: current addresses and the families the user may see
    (three queries)."""
    people = Person.objects.filter(pk__in=[m.pk for m in scored]).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.filter(to_date__isnull=True), to_attr="current_addresses"),
        Prefetch("memberships", queryset=FamilyMember.objects.select_related("family")),
    )
    by_pk = {p.pk: p for p in people}
    for person in by_pk.values():
        person.visible_memberships = [m for m in person.memberships.all() if m.family_id in visible_families]
    return [Match(person=by_pk[m.pk], score=m.score, reasons=m.reasons) for m in scored]


def search_people(user, query: SearchQuery) -> list[Match]:
    """People search: only people the user may see, best match first. A fixed number of queries."""
    if query.is_empty:
        return []
    ids, postcode_ids = _candidate_ids(query, user.agency.council_id)
    visible, visible_families = _visible_ids(user, ids)
    ranked = _rank(query, user.agency.council_id, [pk for pk in ids if pk in visible], postcode_ids)
    matches = _matches(ranked[:MAX_RESULTS], visible_families)
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
    ids, postcode_ids = _candidate_ids(query, user.agency.council_id)
    ranked = _rank(query, user.agency.council_id, ids, postcode_ids)[:MAX_RESULTS]
    visible, visible_families = _visible_ids(user, [m.pk for m in ranked])
    matches = _matches(ranked, visible_families)
    hidden_ids = [m.person.pk for m in matches if m.person.pk not in visible]
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
        if match.person.pk not in visible:
            match.visible = False
            match.lead_professional = leads.get(match.person.pk)
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"find_before_create": True, "results": [m.person.pk for m in matches],
                         "not_visible": hidden_ids})
    return matches
