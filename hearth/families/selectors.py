"""Every read of people and families, scoped by the access policy and audited."""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hearth.access import policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core import keyset
from hearth.core.errors import NotPermitted
from hearth.core.models import Locality
from hearth.people import match_model
from hearth.people.models import Address, Family, FamilyMember, Person, Relationship
from hearth.people.search import Ranked, SearchQuery, rank_people

DASHBOARD_PAGE = 25


def families_for_dashboard(user, *, after: str | None = None, before: str | None = None) -> keyset.Page:
    """A page of the user's families, last activity first (the last change to anything in the family's record:
    hearth.families.activity), with member counts (one query, whose cost is the page's however many families the
    user may see; no total is counted)."""
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
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"members": person_ids})
    return family


def localities_of(family: Family) -> list[Locality]:
    """The localities of the family's council, to choose the family's from (no personal data)."""
    return list(Locality.objects.filter(council_id=family.council_id).order_by("name"))


def can_change_family(user, family: Family) -> bool:
    """Whether the user may change the family's record (its locality), from the access already loaded with it."""
    return policy.can_edit_family(user, family)


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
    trail.record(actor=user, action=AuditAction.VIEW, obj=person, person_id=person.pk)
    return person


@dataclass
class Match:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    # How sure the match model is (`match_model.Scored.strength`), and what differs.
    strength: str = ""
    against: list[str] = field(default_factory=list)
    visible: bool = True
    lead_professional: Involvement | None = None


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
    return [Match(person=by_pk[m.pk], score=m.score, reasons=m.reasons, strength=m.strength, against=m.against)
            for m in ranked]


def search_people(user, query: SearchQuery) -> list[Match]:
    """People search: only people the user may see, best match first. A fixed number of queries."""
    if query.is_empty:
        return []
    # The access filter as a CASE, which PostgreSQL evaluates row by row for the candidates: a bare EXISTS it may turn
    # into a join with everyone the user may see (a third of the council for a coordinator).
    visible = Person.objects.alias(_seen=Case(When(_visible(user), then=Value(1)), default=Value(0)))
    ranked = rank_people(query, visible.filter(_seen=1, council_id=user.agency.council_id),
                         match_model.for_council(user.agency.council_id))
    matches = _load(user, ranked)
    show_withheld = policy.can_see_withheld_address(user)
    for match in matches:
        if match.person.address_withheld and not show_withheld:
            match.person.current_addresses = []
            match.person.address_hidden = True
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
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
    council_id = user.agency.council_id
    matches = _load(user, rank_people(query, Person.objects.filter(council_id=council_id),
                                      match_model.for_council(council_id)))
    # Visible: a member of a family the user may see, from the page's memberships (each checked by `_load`).
    hidden_ids = [m.person.pk for m in matches if not m.person.visible_memberships]
    # One query for every hidden match's active lead professional, with their agency.
    leads: dict[int, Involvement] = {}
    lead_rows = (
        Involvement.objects.filter(family__members__person_id__in=hidden_ids,
                                   relationship=InvolvedAs.LEAD_PROFESSIONAL, ended_at__isnull=True)
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
    trail.record(actor=user, action=AuditAction.SEARCH, object_type="people.person",
                 detail={"find_before_create": True, "results": [m.person.pk for m in matches],
                         "not_visible": hidden_ids})
    return matches
