"""Finding (and deleting) everything that belongs to a batch of families, read from Django's model registry.

Starting from the families, every model that refers to them is followed, and every model that refers to
those, whatever its `on_delete` (a PROTECT that guards a record against a careless delete does not stop a
disposal of the whole family: the protected rows go too). `SET_NULL` references are emptied instead. So a
model another app adds later is disposed of with the family without a change here.

People are different, because one person may belong to several families. A member is disposed of only if
every other family they belong to is disposed of in this run before them (see `disposable_people`), and only
if no record that stays still refers to them through a PROTECT reference (a kept family's meeting invitation,
say). Their names, addresses, relationships and memberships go with them.

Rows are deleted with plain DELETE statements in one transaction per batch. Django creates foreign keys as
DEFERRABLE INITIALLY DEFERRED (SQLite and PostgreSQL), so the database checks at commit that nothing was
left pointing at a deleted row: a mistake here fails the batch rather than leaving a dangling reference.

Memory is bounded by the batch: the ids of the rows that other rows refer to are held (a few per family
member and episode); rows nothing refers to and that hang off one parent (scores, sections, names,
addresses) are deleted or counted by their parent's id without being read.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import connection, models

from hearth.people.models import Family, FamilyMember, Person

CHUNK = 1000
NULLING = (models.SET_NULL,)
BLOCKING = (models.PROTECT, models.RESTRICT)


@dataclass(frozen=True)
class Edge:
    """`model.column` refers to `target`."""

    model: type[models.Model]
    column: str  # attname, e.g. "family_id"
    target: type[models.Model]
    on_delete: object

    @property
    def nulls(self) -> bool:
        return self.on_delete in NULLING


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and not m._meta.swapped]


@cache
def edges_to(target: type[models.Model]) -> tuple[Edge, ...]:
    found = []
    for model in _models():
        for f in model._meta.concrete_fields:
            if (f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
                    and f.related_model._meta.concrete_model is target):
                found.append(Edge(model, f.attname, target, f.remote_field.on_delete))
    return tuple(found)


@cache
def reachable() -> frozenset[type[models.Model]]:
    """Every model whose rows can be disposed of with a family or a person."""
    seen = {Family, Person}
    queue = deque(seen)
    while queue:
        target = queue.popleft()
        for edge in edges_to(target):
            if not edge.nulls and edge.model not in seen:
                seen.add(edge.model)
                queue.append(edge.model)
    return frozenset(seen)


@cache
def simple_leaf_edge(model: type[models.Model]) -> Edge | None:
    """For a model nothing refers to, and that refers to exactly one disposable model, that one reference:
    its rows can be deleted (or counted) by their parent's ids without being read."""
    if model in (Family, Person) or edges_to(model):
        return None
    inward = [e for target in reachable() for e in edges_to(target) if e.model is model and not e.nulls]
    return inward[0] if len(inward) == 1 else None


def chunks(values: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ids_referring(edge: Edge, ids: Iterable[int]) -> set[int]:
    found = set()
    manager = edge.model._base_manager
    for chunk in chunks(ids):
        found.update(manager.filter(**{f"{edge.column}__in": chunk}).values_list("pk", flat=True))
    return found


@dataclass
class Found:
    """Rows to dispose of: ids by model, and the parents whose single-parent leaves go with them."""

    rows: dict[type[models.Model], set[int]]

    def leaf_parents(self) -> Iterator[tuple[Edge, set[int]]]:
        for model in reachable():
            edge = simple_leaf_edge(model)
            if edge is not None and self.rows.get(edge.target):
                yield edge, self.rows[edge.target]


def collect(roots: dict[type[models.Model], set[int]], found: dict | None = None) -> dict:
    """The ids of every row (other than single-parent leaves) that refers, directly or not, to the roots."""
    rows: dict = found if found is not None else defaultdict(set)
    queue = deque()
    for model, ids in roots.items():
        new = set(ids) - rows[model]
        if new:
            rows[model] |= new
            queue.append((model, new))
    while queue:
        model, ids = queue.popleft()
        for edge in edges_to(model):
            if edge.nulls or simple_leaf_edge(edge.model) is not None:
                continue
            new = _ids_referring(edge, ids) - rows[edge.model]
            if new:
                rows[edge.model] |= new
                queue.append((edge.model, new))
    return rows


def disposable_people(family_ids: list[int], *, gone_elsewhere: set[int], covered: list[dict]) -> tuple[set[int], int]:
    """The members of these families to dispose of, and how many members are kept.

    A member is kept if they belong to a family outside the batch that is not itself disposed of before
    them (`gone_elsewhere` lists the other families that are), or if a record that stays refers to them
    through a PROTECT reference. `covered` holds rows that do not stay: the families' own disposal, and (in a
    dry run) the disposal of `gone_elsewhere`.
    """
    members = set(FamilyMember.objects.filter(family_id__in=family_ids).values_list("person_id", flat=True))
    if not members:
        return set(), 0
    kept = set()
    for chunk in chunks(members):
        others = (FamilyMember.objects.filter(person_id__in=chunk).exclude(family_id__in=family_ids)
                  .values_list("person_id", "family_id"))
        kept.update(person for person, family in others if family not in gone_elsewhere)
    candidates = members - kept
    candidates -= still_referred(candidates, covered)
    return candidates, len(members - candidates)


def still_referred(people: set[int], covered: list[dict]) -> set[int]:
    """Which of these people a record that stays refers to through a PROTECT reference (`covered` holds the rows
    that do not stay)."""
    kept: set[int] = set()
    for edge in edges_to(Person):
        if edge.on_delete not in BLOCKING or not people - kept:
            continue
        going = [rows.get(edge.model, set()) for rows in covered]
        manager = edge.model._base_manager
        for chunk in chunks(people - kept):
            for pk, person in manager.filter(**{f"{edge.column}__in": chunk}).values_list("pk", edge.column):
                if not any(pk in ids for ids in going):
                    kept.add(person)
    return kept


def unattached(people: Iterable[int]) -> set[int]:
    """Which of these people belong to no family."""
    people = set(people)
    for chunk in chunks(list(people)):
        people -= set(FamilyMember.objects.filter(person_id__in=chunk).values_list("person_id", flat=True))
    return people


def families_of(people: Iterable[int], *, excluding: list[int]) -> set[int]:
    """The other families these people belong to."""
    found = set()
    for chunk in chunks(people):
        found.update(FamilyMember.objects.filter(person_id__in=chunk).exclude(family_id__in=excluding)
                     .values_list("family_id", flat=True))
    return found


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def count(rows: dict) -> dict[str, int]:
    """How many rows of each model `rows` and its single-parent leaves hold (many-to-many links left out)."""
    counts: dict[str, int] = defaultdict(int)
    for model, ids in rows.items():
        if ids and not model._meta.auto_created:
            counts[label(model)] += len(ids)
    for edge, parents in Found(rows).leaf_parents():
        if edge.model._meta.auto_created:
            continue
        manager = edge.model._base_manager
        for chunk in chunks(parents):
            n = manager.filter(**{f"{edge.column}__in": chunk}).count()
            if n:
                counts[label(edge.model)] += n
    return dict(counts)


def _delete_where(model: type[models.Model], column: str, ids: list[int]) -> int:
    """A plain DELETE (no cascade, no signals): the table and column names come from the model's metadata,
    quoted; the ids are parameters."""
    qn = connection.ops.quote_name
    sql = (f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.get_field(column).column)} "  # noqa: S608
           f"IN ({', '.join(['%s'] * len(ids))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.rowcount


def delete(rows: dict) -> dict[str, int]:
    """Delete the rows and their single-parent leaves; empty SET_NULL references to them. Call inside a
    transaction: the database checks the deferred foreign keys at commit."""
    counts: dict[str, int] = defaultdict(int)
    for edge, parents in list(Found(rows).leaf_parents()):
        for chunk in chunks(parents):
            n = _delete_where(edge.model, edge.column, chunk)
            if n and not edge.model._meta.auto_created:
                counts[label(edge.model)] += n
    for model, ids in rows.items():
        pk = model._meta.pk.attname
        for chunk in chunks(ids):
            n = _delete_where(model, pk, chunk)
            if n and not model._meta.auto_created:
                counts[label(model)] += n
    for model, ids in rows.items():
        for edge in edges_to(model):
            if edge.nulls:
                for chunk in chunks(ids):
                    edge.model._base_manager.filter(**{f"{edge.column}__in": chunk}).update(**{edge.column: None})
    return dict(counts)
