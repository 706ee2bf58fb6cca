"""The unusual-access reports for the data protection officer: many records in a short time (`hearth.dpo.bursts`),
colleagues' records, records holding the user's own family name, break-glass use. Scoped by `hearth.access.policy`
and audited; they aggregate in SQL, reading looks as `hearth.dpo.looks` does."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import CharField, Exists, F, Func, OuterRef, Q
from django.db.models.functions import Lower, Trim

from hearth.access import governance, policy
from hearth.access.models import BreakGlass, Involvement
from hearth.accounts.models import User
from hearth.audit import summary as view_summary
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted
from hearth.dpo import bursts
from hearth.dpo.looks import REPORT_ROW_LIMIT, UnusualParams, grouped, no_jit
from hearth.people.models import FamilyMember, PersonName

NO_LONGER_MATCHES = "no longer in the record"  # a look matched when sealed; the record has changed since
_name_parts = view_summary.name_parts  # the sealer matches names by the same rule


@dataclass
class RecordRow:
    user: User
    family_id: int | None
    person_id: int | None
    count: int
    first: datetime
    last: datetime
    whose: list[str] = field(default_factory=list)
    involved: bool = False
    own: bool = False


class _Words(Func):
    """The first or last space-separated word of a text column, lower-cased (as `_name_parts` splits a user's
    full name), in SQL that PostgreSQL and SQLite both run."""

    output_field = CharField()
    LAST = "LOWER(SUBSTR({e}, LENGTH(RTRIM({e}, REPLACE({e}, ' ', ''))) + 1))"
    FIRST = {"postgresql": "LOWER(SUBSTR({e}, 1, STRPOS({e} || ' ', ' ') - 1))",
             "sqlite": "LOWER(SUBSTR({e}, 1, INSTR({e} || ' ', ' ') - 1))"}

    def __init__(self, expression, *, last: bool):
        super().__init__(Trim(expression))
        self.last = last

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        template = self.LAST if self.last else self.FIRST[connection.vendor]
        return template.format(e=sql), [*params] * template.count("{e}")


def _last_word(column: str) -> _Words:
    return _Words(F(column), last=True)


def _first_word(column: str) -> _Words:
    return _Words(F(column), last=False)


def _involved_pairs(rows: list[dict]) -> set[tuple[int, int]]:
    family_ids = {r["family_id"] for r in rows if r["family_id"]}
    actor_ids = {r["actor_id"] for r in rows}
    if not family_ids:
        return set()
    return set(Involvement.objects.filter(family_id__in=family_ids, user_id__in=actor_ids)
               .values_list("user_id", "family_id"))


def colleagues_records(user, params: UnusualParams) -> list[RecordRow]:
    """Looks at a family or person record in which someone has the name (given and family name) or email address of
    a user of the council: a colleague's record, or the user's own. Sealed looks were matched when they were sealed
    (the summary's `colleague`); looks not yet sealed are matched in the database now. The names shown are the
    record's now. Five queries."""
    start, end = params.period()
    council_id = user.agency.council_id
    staff = list(User.objects.filter(agency__council_id=council_id).values_list("pk", "full_name", "email"))
    if not staff:
        return []
    by_name: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    by_email: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, full_name, email in staff:
        given, family = _name_parts(full_name)
        if family:
            by_name[(given, family)].append((pk, full_name))
        if email:
            by_email[email.lower()].append((pk, full_name))
    council_staff = User.objects.filter(agency__council_id=council_id)
    same_name = (council_staff.filter(full_name__contains=" ")
                 .annotate(g=_first_word("full_name"), f=_last_word("full_name"))
                 .filter(g=OuterRef("g"), f=OuterRef("f")))
    same_email = council_staff.annotate(e=Lower("email")).filter(e=OuterRef("e"))
    # Looks not yet sealed are matched against the records now; sealed ones were matched when they were sealed.
    members = (FamilyMember.objects.filter(person__council_id=council_id)
               .annotate(g=Lower("person__given_name"), f=Lower("person__family_name"), e=Lower("person__email"))
               .filter(Exists(same_name) | (~Q(e="") & Exists(same_email))))
    no_jit()
    rows = grouped(user, params,
                    family_rows=(Q(colleague=True), Q(family_id__in=members.values("family_id"))),
                    person_rows=(Q(colleague=True), Q(person_id__in=members.values("person_id"))))
    if not rows:
        return []
    matched_family: dict[int, set[tuple[int, str]]] = defaultdict(set)
    matched_person: dict[int, set[tuple[int, str]]] = defaultdict(set)
    shown = (FamilyMember.objects.filter(Q(family_id__in={r["family_id"] for r in rows if r["family_id"]})
                                         | Q(person_id__in={r["person_id"] for r in rows if not r["family_id"]}))
             .annotate(g=Lower("person__given_name"), f=Lower("person__family_name"), e=Lower("person__email"))
             .values_list("family_id", "person_id", "g", "f", "e"))
    for family_id, person_id, g, f, e in shown:
        hits = set(by_name.get((g, f), [])) | set(by_email.get(e or "", []))
        matched_family[family_id] |= hits
        matched_person[person_id] |= hits
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    out = []
    for r in rows:
        hits = matched_family[r["family_id"]] if r["family_id"] else matched_person[r["person_id"]]
        own = any(pk == r["actor_id"] for pk, _ in hits)
        whose = sorted({name if pk != r["actor_id"] else f"{name} (their own)" for pk, name in hits}) or [
            NO_LONGER_MATCHES]
        out.append(RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"],
                             count=r["n"], first=r["first"], last=r["last"], whose=whose, own=own,
                             involved=(r["actor_id"], r["family_id"]) in involved))
    return out


def shared_surname_records(user, params: UnusualParams) -> list[RecordRow]:
    """Looks at a family or person record in which someone has (or had) the viewer's own family name (the last word
    of their name). Sealed looks were matched when they were sealed (the summary's `same_surname`); looks not yet
    sealed are matched against every name of the record's people in the database now. Five queries."""
    council_id = user.agency.council_id
    reviewed = list(User.objects.filter(governance.access_reviewed_users(user)).values_list("pk", "full_name"))
    surname_of = {pk: _name_parts(name)[1] for pk, name in reviewed if _name_parts(name)[1]}
    if not surname_of:
        return []
    names = PersonName.objects.filter(person__council_id=council_id).annotate(f=Lower("family_name"))
    in_family = names.filter(person__memberships__family_id=OuterRef("family_id"), f=OuterRef("surname"))
    of_person = names.filter(person_id=OuterRef("person_id"), person__memberships__isnull=False,
                             f=OuterRef("surname"))
    surname = {"surname": _last_word("actor__full_name")}
    actors = Q(actor_id__in=list(surname_of))
    no_jit()
    rows = grouped(user, params, raw_annotations=surname,
                    family_rows=(actors & Q(same_surname=True), actors & Q(Exists(in_family))),
                    person_rows=(actors & Q(same_surname=True), actors & Q(Exists(of_person))))
    if not rows:
        return []
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    return [RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"], count=r["n"],
                      first=r["first"], last=r["last"], whose=[surname_of[r["actor_id"]].title()],
                      involved=(r["actor_id"], r["family_id"]) in involved)
            for r in rows]


def break_glass_uses(user, params: UnusualParams) -> list[BreakGlass]:
    start, end = params.period()
    return list(BreakGlass.objects.filter(policy.break_glass_overseen_by(user), started_at__gte=start,
                                          started_at__lt=end)
                .select_related("user__agency", "reviewed_by").order_by("-started_at", "-pk")[:REPORT_ROW_LIMIT])


def unusual_access(user, params: UnusualParams) -> dict:
    """The four unusual-access reports for the council (the DPO) or the reviewer's teams (a manager)."""
    if not governance.can_review_unusual_access(user):
        raise NotPermitted("Only the data protection officer and managers can see this report.",
                           object_type="dpo.unusual_access")
    found, truncated = bursts.many_records(user, params)
    report = {
        "bursts": found, "bursts_truncated": truncated,
        "colleagues": colleagues_records(user, params),
        "surnames": shared_surname_records(user, params),
        "break_glass": break_glass_uses(user, params),
        "start": params.period()[0], "end": params.period()[1] - timedelta(microseconds=1),
        "is_dpo": governance.can_do_governance(user),
    }
    trail.record(actor=user, action=AuditAction.VIEW, object_type="dpo.unusual_access",
                 detail={"records": params.records, "minutes": params.minutes,
                         "bursts": len(found), "colleagues": len(report["colleagues"]),
                         "surnames": len(report["surnames"]), "break_glass": len(report["break_glass"])})
    return report
