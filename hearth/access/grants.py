"""Stored access decisions: who may reach which family, by which route, with which limits, until when.

The access policy (`hearth.access.policy`) is decided here once, when something it depends on changes, and
stored as `Grant` rows that every read joins on one index. What a grant derives from:

- an active involvement: the lead professional, MASH and social work reach the family's record; a Team Around
  the Family member only while consent or a lawful basis covers their agency (`hearth.access.coverage`) or
  they started the record; an invited contributor, covered the same way, reaches only their own part;
- a manager's grant through each practitioner of a team they manage, limited to exactly what that
  practitioner's grant gives (a contributor's manager sees that contribution, not the family; an uncovered
  team member confers nothing);
- break-glass: read-only, until it expires.

The Early Help coordinator's route is the family's locality, a column of the family itself, and is read there.

Services call `refresh_family` (or `refresh_user`, `refresh_team`) in the same transaction as a change to
involvements, consent, lawful bases, break-glass, a user's team, agency or roles, or a team's manager; a grant
that cannot be written rolls the change back with it. `drift` recomputes every decision from the source records
and lists any difference from the stored ones (`hearth access-check`). Expiry needs no job: every read ignores a
grant whose `expires_at` has passed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hearth.access import coverage
from hearth.access.models import BreakGlass, Grant, InvolvedAs, Involvement, Route
from hearth.accounts.models import Role, User
from hearth.people.models import Family

BATCH = 2000

# Involvements that reach the record whatever consent says: the lead professional (to close safely), MASH and
# social work (statutory duties). The others need their agency covered.
UNGATED = frozenset({InvolvedAs.LEAD_PROFESSIONAL, InvolvedAs.MASH, InvolvedAs.SOCIAL_WORK})
PART_ONLY = frozenset({InvolvedAs.CONTRIBUTOR})
BREAK_GLASS_ROLES = frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER})

# Bumped by every write of grants in this process, so decisions cached for a request are never reused after.
_generation = 0


def generation() -> int:
    return _generation


def changed() -> None:
    """Drop the decisions cached for requests in this process: grants were written (or, in tests, moved in time)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class Row:
    user_id: int
    family_id: int
    route: str
    via_user_id: int
    part_only: bool
    read_only: bool
    expires_at: datetime | None

    @property
    def key(self) -> tuple:
        return self.user_id, self.family_id, self.route, self.via_user_id

    def describe(self) -> str:
        limits = [w for w, on in (("part only", self.part_only), ("read only", self.read_only)) if on]
        until = f" until {self.expires_at:%Y-%m-%d %H:%M}" if self.expires_at else ""
        via = f" through user {self.via_user_id}" if self.via_user_id != self.user_id else ""
        return (f"user {self.user_id}, family {self.family_id}: {self.route}{via}"
                f"{' (' + ', '.join(limits) + ')' if limits else ''}{until}")


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return None if a is None or b is None else max(a, b)


def _add(rows: dict, row: Row) -> None:
    """Two sources of the same grant (a lead who is also a team member) make one row: the wider of the two."""
    held = rows.get(row.key)
    if held is None:
        rows[row.key] = row
        return
    rows[row.key] = Row(*row.key, held.part_only and row.part_only, held.read_only and row.read_only,
                        _later(held.expires_at, row.expires_at))


def compute(family_ids: Iterable[int], *, now: datetime | None = None) -> dict[tuple, Row]:
    """The grants the source records give now, for these families, in seven queries however many families."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    family_ids = list(family_ids)
    families = dict((pk, (council, creator)) for pk, council, creator in
                    Family.objects.filter(pk__in=family_ids).values_list("pk", "council_id", "created_by_id"))
    facts = coverage.load(families)
    involvements = list(
        Involvement.objects.filter(family_id__in=families, ended_at__isnull=True).values_list(
            "family_id", "user_id", "relationship", "user__agency_id", "user__agency__kind",
            "user__agency__council_id", "user__team__manager_id"))
    managers = dict(User.objects.filter(pk__in={i[6] for i in involvements if i[6]}, roles__role=Role.MANAGER)
                    .values_list("pk", "agency__council_id"))
    rows: dict[tuple, Row] = {}
    for family_id, user_id, relationship, agency_id, kind, user_council, manager_id in involvements:
        council, creator = families[family_id]
        if user_council != council:
            continue
        until = None
        if relationship not in UNGATED:
            cover = coverage.COVERED if creator == user_id else coverage.agency_coverage(
                facts[family_id], agency_id, kind, today=today)
            if not cover.covered:
                continue
            until = cover.until
        part = relationship in PART_ONLY
        route = Route.CONTRIBUTOR if part else Route.INVOLVED
        _add(rows, Row(user_id, family_id, route, user_id, part, False, until))
        if manager_id and manager_id != user_id and managers.get(manager_id) == council:
            _add(rows, Row(manager_id, family_id, Route.MANAGER, user_id, part, False, until))
    uses = BreakGlass.objects.filter(family_id__in=families, expires_at__gt=now,
                                     user__roles__role__in=BREAK_GLASS_ROLES).distinct()
    for family_id, user_id, user_council, expires_at in uses.values_list(
            "family_id", "user_id", "user__agency__council_id", "expires_at"):
        if user_council == families[family_id][0]:
            _add(rows, Row(user_id, family_id, Route.BREAK_GLASS, user_id, False, True, expires_at))
    return rows


def _stored(family_ids: list[int]) -> dict[tuple, tuple[int, Row]]:
    found = Grant.objects.filter(family_id__in=family_ids).values_list(
        "pk", "user_id", "family_id", "route", "via_user_id", "part_only", "read_only", "expires_at")
    return {(r := Row(*values[1:])).key: (values[0], r) for values in found}


def _live(row: Row, now: datetime) -> bool:
    return row.expires_at is None or row.expires_at > now


def _write(family_ids: list[int], *, lock: bool = True) -> None:
    if not family_ids:
        return
    if lock:
        # Two changes to one family at once: the second waits here, then computes from what the first committed.
        list(Family.objects.select_for_update().filter(pk__in=family_ids).order_by("pk").values_list("pk"))
    wanted = compute(family_ids)
    stored = _stored(family_ids)
    stale = [pk for key, (pk, row) in stored.items() if wanted.get(key) != row]
    if stale:
        Grant.objects.filter(pk__in=stale).delete()
    fresh = [row for key, row in wanted.items() if key not in stored or stored[key][0] in stale]
    Grant.objects.bulk_create([Grant(user_id=r.user_id, family_id=r.family_id, route=r.route,
                                     via_user_id=r.via_user_id, part_only=r.part_only, read_only=r.read_only,
                                     expires_at=r.expires_at) for r in fresh])
    changed()


@transaction.atomic
def refresh_family(family) -> None:
    """Recompute and store one family's grants (a Family or its id)."""
    _write([getattr(family, "pk", family)])


@transaction.atomic
def refresh_families(family_ids: Iterable[int]) -> None:
    _write(sorted(set(family_ids)))


def _families_of(user_ids: list[int]) -> set[int]:
    """Families whose grants depend on these users: where they are involved, hold a grant, or give one."""
    involved = Involvement.objects.filter(user_id__in=user_ids, ended_at__isnull=True)
    ids = set(involved.values_list("family_id", flat=True))
    ids |= set(Grant.objects.filter(Q(user_id__in=user_ids) | Q(via_user_id__in=user_ids))
               .values_list("family_id", flat=True))
    ids |= set(BreakGlass.objects.filter(user_id__in=user_ids, expires_at__gt=timezone.now())
               .values_list("family_id", flat=True))
    return ids


@transaction.atomic
def refresh_user(user) -> None:
    """After a user's team, agency, roles or active state change: every family their grants, or the grants of
    the practitioners they manage, depend on."""
    user_ids = [user.pk, *User.objects.filter(team__manager_id=user.pk).values_list("pk", flat=True)]
    _write(sorted(_families_of(user_ids)))


@transaction.atomic
def refresh_team(team) -> None:
    """After a team's manager changes: every family its members work with."""
    _write(sorted(_families_of(list(team.members.values_list("pk", flat=True)))))


def refresh_council(council, *, progress: Callable[[int], None] | None = None) -> None:
    """After a council's consent model changes (its profile): every family of the council, a batch at a time."""
    rebuild(family_ids=Family.objects.filter(council=council).order_by("pk").values_list("pk", flat=True).iterator(),
            progress=progress)


def _batches(family_ids: Iterable[int], size: int):
    it = iter(family_ids)
    while batch := list(islice(it, size)):
        yield batch


def _all_family_ids() -> Iterable[int]:
    return Family.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH)


def rebuild(*, family_ids: Iterable[int] | None = None, progress: Callable[[int], None] | None = None) -> None:
    """Recompute and store the grants of these families (every family when None), a batch per transaction.
    For bulk loads that write involvements without the services, and for `hearth access-check --fix`."""
    for batch in _batches(_all_family_ids() if family_ids is None else family_ids, BATCH):
        with transaction.atomic():
            _write(batch, lock=False)
        if progress:
            progress(len(batch))


def drift(*, family_ids: Iterable[int] | None = None,
          progress: Callable[[int], None] | None = None) -> list[tuple[str, Row]]:
    """Every difference between the stored grants and the ones recomputed from the source records now:
    ("missing", row) for a grant the records give but the store lacks, ("stale", row) for a stored grant they
    no longer give. Expired grants are ignored on both sides (no read trusts them)."""
    differences = []
    for batch in _batches(_all_family_ids() if family_ids is None else family_ids, BATCH):
        now = timezone.now()
        wanted = {k: r for k, r in compute(batch, now=now).items() if _live(r, now)}
        stored = {k: r for k, (_, r) in _stored(batch).items() if _live(r, now)}
        differences += [("missing", r) for k, r in wanted.items() if stored.get(k) != r]
        differences += [("stale", r) for k, r in stored.items() if wanted.get(k) != r]
        if progress:
            progress(len(batch))
    return differences
