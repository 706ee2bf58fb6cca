"""Age bands, one list for every report and extract, and the reports' age filter: families with a child of that age
today (a current member of the family in the role of child)."""

import datetime

from django.db.models import Exists, OuterRef, Q

from hearth.core.dates import add_months
from hearth.people.models import FamilyMember, MemberRole

AGE_BANDS = ((0, 4, "0-4"), (5, 10, "5-10"), (11, 15, "11-15"), (16, 17, "16-17"), (18, 24, "18-24"),
             (25, 200, "25 and over"))
CHILD_BANDS = tuple(band for band in AGE_BANDS if band[1] < 18)


def born(band: tuple, today: datetime.date, field: str = "date_of_birth") -> Q:
    """Whose date of birth puts them in the band today."""
    low, high, _ = band
    return Q(**{f"{field}__gt": add_months(today, -12 * (high + 1)), f"{field}__lte": add_months(today, -12 * low)})


def with_child_aged(band: tuple, today: datetime.date, family: str = "family") -> Q:
    """Records (through `family`) of families with a current child member of that age today."""
    return Q(Exists(FamilyMember.objects.filter(born(band, today, "person__date_of_birth"), family=OuterRef(family),
                                                role=MemberRole.CHILD, left_on__isnull=True)))
