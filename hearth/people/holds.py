"""What stops a person's or a family's record from being changed, shared, erased or disposed of, and why: the one
place that answers it, for families (changing a person), sharing, rights requests, retention and subject access.

The facts belong to higher apps: a restriction in force and a rights request still to answer (`rights`), an open
subject access request (`subject_access`), a legal hold (`retention`). Each registers a `Source` with `sources` in
its `AppConfig.ready()`, saying which uses it stops, why (in plain English, for a person or a family), and, for
disposal, which of a council's families it holds."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from hearth.core.hooks import Hook


class Use(models.TextChoices):
    CHANGE = "change", "change a person's details"
    SHARE = "share", "share information"
    ERASE = "erase", "erase a person's information"
    DISPOSE = "dispose", "dispose of a family's records"
    MERGE = "merge", "merge two records of one person"


@dataclass(frozen=True)
class Scope:
    """What is asked about: one person (`person_id`), or a family and so each of its members (`family_id`)."""

    council_id: int
    person_id: int | None = None
    family_id: int | None = None


@dataclass(frozen=True)
class Source:
    uses: frozenset[Use]
    # Each reason the source holds the scope, a sentence each; [] when it holds nothing there.
    reasons: Callable[[Scope], list[str]]
    # For disposal: which of these families of the council it holds (one or two queries, whatever their number).
    held_families: Callable[[int, list[int]], set[int]]


sources = Hook("what holds a person's or a family's records", expects=("rights", "retention", "subject_access"))


def _scope(person, family) -> Scope:
    if (person is None) == (family is None):
        raise ValueError("Ask about a person or a family")
    record = person if person is not None else family
    return Scope(council_id=record.council_id, person_id=getattr(person, "pk", None),
                 family_id=getattr(family, "pk", None))


def reasons(use: Use, *, person=None, family=None) -> list[str]:
    """Every reason `use` is refused for this person, or this family and its members; [] if it is allowed."""
    scope = _scope(person, family)
    return [why for source in sources.items() if use in source.uses for why in source.reasons(scope)]


def refusal(use: Use, *, person=None, family=None) -> str:
    """The reasons as one message for a form's error summary; "" if `use` is allowed."""
    return " ".join(reasons(use, person=person, family=family))


def held_families(use: Use, council_id: int, family_ids: list[int]) -> set[int]:
    """Which of these families of the council `use` is refused for."""
    held: set[int] = set()
    for source in sources.items():
        if use in source.uses:
            held |= source.held_families(council_id, [pk for pk in family_ids if pk not in held])
    return held
