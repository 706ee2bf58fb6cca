"""The pieces every copy shares: the access check and the EXPORT audit row, the family's members in the order
copies list them (with addresses only where the reader may see them), outcome scores by area, and the context
every document template reads."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from hearth.access import policy
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.outcomes.models import Reading
from hearth.people.models import Address, Family, FamilyMember, MemberRole

ROLE_ORDER = [MemberRole.PARENT_WITH_PR, MemberRole.PARENT_WITHOUT_PR, MemberRole.OTHER_ADULT, MemberRole.CHILD]


def require_view(user, family: Family, obj) -> None:
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type=obj._meta.label_lower, object_id=obj.pk)


def export(user, obj, family: Family, document: str) -> None:
    trail.record(actor=user, action=AuditAction.EXPORT, obj=obj, family_id=family.pk, detail={"document": document})


def may_print_address(user, person, *, for_family: bool) -> bool:
    if not person.address_withheld:
        return True
    return not for_family and policy.can_see_withheld_address(user)


@dataclass
class MemberRow:
    name: str
    role: str
    date_of_birth: date | None
    date_of_birth_estimated: bool
    address: str
    address_hidden: bool


def member_order(member: FamilyMember) -> tuple:
    """Parents and carers first, then other adults, then children; oldest first within each."""
    role = ROLE_ORDER.index(member.role) if member.role in ROLE_ORDER else len(ROLE_ORDER)
    return role, member.person.date_of_birth or date.max, member.person.pk


def members(family: Family) -> list[FamilyMember]:
    """Current members with their people, in `member_order` (one query)."""
    members = list(FamilyMember.objects.filter(family=family, left_on__isnull=True).select_related("person"))
    return sorted(members, key=member_order)


def member_rows(user, members: list[FamilyMember], *, for_family: bool) -> list[MemberRow]:
    """Who is in the family, with current addresses where they may be printed (one query)."""
    current = {a.person_id: a for a in
               Address.objects.filter(person_id__in=[m.person_id for m in members], to_date__isnull=True)}
    rows = []
    for m in members:
        person, address = m.person, current.get(m.person_id)
        printable = may_print_address(user, person, for_family=for_family)
        rows.append(MemberRow(
            name=person.full_name, role=m.get_role_display(), date_of_birth=person.date_of_birth,
            date_of_birth_estimated=person.date_of_birth_estimated,
            address=str(address) if address and printable else "",
            address_hidden=bool(address and not printable)))
    return rows


def area_names(council) -> dict[str, str]:
    return {a["code"]: a["name"] for a in council.outcome_areas or []}


@dataclass
class ScoreRow:
    area: str
    score: int | None = None
    family_score: int | None = None
    first: int | None = None

    @property
    def change(self) -> str:
        if self.first is None or self.score is None:
            return "Not scored both times"
        difference = self.score - self.first
        if difference > 0:
            return f"Up {difference}"
        if difference < 0:
            return f"Down {-difference}"
        return "No change"


def score_rows(council, reading: Reading | None, first: Reading | None = None) -> list[ScoreRow]:
    """One row per outcome area scored in either reading, in the council's order."""
    names = area_names(council)
    now = {s.area: s for s in reading.scores.all()} if reading else {}
    before = {s.area: s for s in first.scores.all()} if first else {}
    codes = [c for c in names if c in now or c in before]
    codes += sorted(c for c in {*now, *before} if c not in names)
    rows = []
    for code in codes:
        row = ScoreRow(area=names.get(code, code.replace("_", " ").capitalize()))
        if code in now:
            row.score, row.family_score = now[code].score, now[code].family_score
        if code in before:
            row.first = before[code].score
        rows.append(row)
    return rows


def person_and_agency(user) -> str:
    """"Name, agency", or "" for no one: the templates leave out a line whose person was not recorded."""
    if user is None:
        return ""
    return f"{user.full_name}, {user.agency.name}"


MASH = "the Multi-Agency Safeguarding Hub (MASH)"


def own_use(user) -> str:
    """Who a practitioner's own copy (not given to anyone) is prepared for."""
    return f"{person_and_agency(user)}, for their own work with the family"


def base_context(user, family: Family, *, prepared_for: str = "") -> dict:
    """What every document's base template reads: the council (its name and logo in the masthead), when and by
    whom the copy was made, and who it was prepared for (the recipient recorded in the sharing register)."""
    return {"family": family, "council": family.council, "printed_on": timezone.localdate(), "printed_by": user,
            "prepared_for": prepared_for}
