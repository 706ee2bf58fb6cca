"""Every read of people and families, scoped by the access policy and audited."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from hearth.access import policy
from hearth.access.models import Involvement
from hearth.access.models import Relationship as Involved
from hearth.core import identifiers
from hearth.core.errors import NotPermitted
from hearth.governance import audit
from hearth.governance.models import AuditAction
from hearth.people import matching
from hearth.people.models import Address, Family, FamilyMember, Person, PersonName, Relationship

MAX_CANDIDATES = 400
MAX_RESULTS = 50


def families_for_dashboard(user) -> QuerySet[Family]:
    """The user's families, newest first, with member counts (one query)."""
    return (
        policy.families_visible_to(user)
        .annotate(member_count=Count("members", distinct=True))
        .select_related("locality")
        .order_by("-updated_at")
    )


def family_detail(user, family_id: int) -> Family:
    """A family with its members, their current addresses and relationships, in a fixed number of queries."""
    family = (
        policy.families_visible_to(user)
        .select_related("locality", "council")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=FamilyMember.objects.select_related("person").order_by(
                    "role", "person__date_of_birth", "person__pk"
                ),
            ),
            Prefetch(
                "involvements",
                queryset=Involvement.objects.filter(ended_at__isnull=True).select_related("user__agency"),
                to_attr="active_involvements",
            ),
        )
        .filter(pk=family_id)
        .first()
    )
    if family is None:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    person_ids = [m.person_id for m in family.members.all()]
    current = {a.person_id: a for a in Address.objects.filter(person_id__in=person_ids, to_date__isnull=True)}
    family.relationships = list(
        Relationship.objects.filter(from_person_id__in=person_ids, to_person_id__in=person_ids).order_by("pk")
    )
    show_withheld = policy.can_see_withheld_address(user)
    for member in family.members.all():
        address = current.get(member.person_id)
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


def _candidates(query: SearchQuery, people: QuerySet[Person]) -> dict[int, list[PersonName]]:
    """Person ids worth scoring, narrowed by indexed keys, with every name they have been known by."""
    routes = Q()
    gk, fk = matching.given_key(query.given_name), matching.family_key(query.family_name)
    if fk:
        names = PersonName.objects.filter(family_sound=matching.sound(fk))
        if gk:
            names = names.filter(given_sound=matching.sound(gk))
        routes |= Q(pk__in=names.values("person_id"))
        if gk and query.date_of_birth:
            # A changed family name: same given name and date of birth.
            routes |= Q(date_of_birth=query.date_of_birth, names__given_sound=matching.sound(gk))
    elif gk:
        routes |= Q(pk__in=PersonName.objects.filter(given_sound=matching.sound(gk)).values("person_id"))
    if query.date_of_birth and not (fk or gk):
        routes |= Q(date_of_birth=query.date_of_birth)
    if query.nhs_number:
        routes |= Q(nhs_number=query.nhs_number)
    if query.postcode:
        routes |= Q(
            pk__in=Address.objects.filter(
                postcode_key=identifiers.postcode_key(query.postcode), to_date__isnull=True
            ).values("person_id")
        )
    if not routes:
        return {}
    ids = list(people.filter(routes).values_list("pk", flat=True).distinct()[:MAX_CANDIDATES])
    by_person: dict[int, list[PersonName]] = {pk: [] for pk in ids}
    for name in PersonName.objects.filter(person_id__in=ids):
        by_person[name.person_id].append(name)
    return by_person


def _rank(query: SearchQuery, candidates: dict[int, list[PersonName]], people: dict[int, Person]) -> list[Match]:
    matches = []
    postcode = identifiers.postcode_key(query.postcode)
    for pk, names in candidates.items():
        person = people.get(pk)
        if person is None:
            continue
        name_score, reasons = 0.0, []
        for name in names:
            s, r = matching.score_name(query.given_name, query.family_name, name.given_name, name.family_name)
            if s > name_score:
                name_score = s
                label = {"previous": " (a previous name)", "other": " (another name they use)"}.get(name.kind, "")
                reasons = [reason + label for reason in r]
        has_name = bool(query.given_name or query.family_name)
        score = name_score * 0.6 if has_name else 0.0
        dob_points, dob_why = matching.dob_reason(query.date_of_birth, person.date_of_birth)
        score += dob_points
        if dob_why:
            reasons.append(dob_why)
        if query.nhs_number and person.nhs_number == query.nhs_number:
            score += 100
            reasons.insert(0, "same NHS number")
        if postcode and any(a.postcode_key == postcode for a in person.current_addresses):
            score += 15
            reasons.append("same postcode")
        strong = (has_name and name_score >= 70) or "same NHS number" in reasons
        if strong or (not has_name and (dob_why or "same postcode" in reasons)):
            matches.append(Match(person=person, score=round(score, 1), reasons=reasons))
    matches.sort(key=lambda m: (-m.score, m.person.family_name, m.person.given_name))
    return matches[:MAX_RESULTS]


def _load_people(ids) -> dict[int, Person]:
    people = Person.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.filter(to_date__isnull=True), to_attr="current_addresses"),
        Prefetch("memberships", queryset=FamilyMember.objects.select_related("family")),
    )
    return {p.pk: p for p in people}


def search_people(user, query: SearchQuery) -> list[Match]:
    """People search: only people the user may see, best match first. A fixed number of queries."""
    if query.is_empty:
        return []
    candidates = _candidates(query, policy.people_visible_to(user))
    matches = _rank(query, candidates, _load_people(candidates.keys()))
    show_withheld = policy.can_see_withheld_address(user)
    for match in matches:
        if match.person.address_withheld and not show_withheld:
            match.person.current_addresses = []
            match.person.address_hidden = True
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"results": [m.person.pk for m in matches]})
    return matches


def find_existing(user, query: SearchQuery) -> list[Match]:
    """Find-before-create: likely existing records across the user's council.

    For a person the user may not see, only the fact of a match, the reasons, and the lead
    professional and agency (if one is active) are returned; never their details.
    """
    if query.is_empty:
        return []
    council_people = Person.objects.filter(council_id=user.agency.council_id)
    candidates = _candidates(query, council_people)
    matches = _rank(query, candidates, _load_people(candidates.keys()))
    visible = set(policy.people_visible_to(user).filter(pk__in=[m.person.pk for m in matches]).values_list("pk", flat=True))
    hidden_ids = [m.person.pk for m in matches if m.person.pk not in visible]
    leads: dict[int, int] = {}
    lead_rows = Involvement.objects.filter(
        family__members__person_id__in=hidden_ids, relationship=Involved.LEAD_PROFESSIONAL, ended_at__isnull=True
    ).values_list("family__members__person_id", "pk")
    for person_id, involvement_id in lead_rows:
        leads.setdefault(person_id, involvement_id)
    lead_objects = {i.pk: i for i in Involvement.objects.filter(pk__in=leads.values()).select_related("user__agency")}
    for match in matches:
        if match.person.pk not in visible:
            match.visible = False
            match.lead_professional = lead_objects.get(leads.get(match.person.pk))
    audit.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"find_before_create": True, "results": [m.person.pk for m in matches],
                         "not_visible": hidden_ids})
    return matches
