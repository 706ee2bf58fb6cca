"""Who every extract leaves out, and counts: people whose information was erased (only a placeholder remains) and
people whose information's use is restricted at their request (UK GDPR Article 18), while the restriction is in
force. One rule for every extract, so that no extract holds someone another leaves out."""

from dataclasses import dataclass

from hearth.people.models import Person
from hearth.rights.models import Restriction


@dataclass(frozen=True)
class LeftOut:
    erased: int
    restricted: int

    def as_dict(self) -> dict:
        return {"erased": self.erased, "restricted": self.restricted}


def restricted_people():
    """The ids of the people whose information's use is restricted now (a few rows: for a NOT IN)."""
    return Restriction.objects.filter(lifted_at__isnull=True).values("person_id")


def people_included(council):
    """The council's people an extract may hold."""
    return Person.objects.filter(council=council, erased_at__isnull=True).exclude(pk__in=restricted_people())


def left_out(council) -> LeftOut:
    return LeftOut(erased=Person.objects.filter(council=council, erased_at__isnull=False).count(),
                   restricted=Person.objects.filter(council=council, erased_at__isnull=True,
                                                    pk__in=restricted_people()).count())
