"""The equality report: the children in Early Help by ethnicity, sex, age band or disability, so that a council can
see whether its help reaches every group and ends as well for each.

Children are the members of a family in the role of child, counted once in each column however many episodes they
had: in Early Help now (an open episode), starting in the period, whose Early Help closed in the period, and whose
Early Help closed in the period with its outcomes achieved. The columns overlap, so a row has no total; each
column's total is the children in it. Age bands are worked out on the page's day. People left out of extracts
(erased, restricted) are left out here too. One statement whatever the council's size."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from hearth.core.working_days import add_months
from hearth.people.models import Disability, Ethnicity, FamilyMember, MemberRole, Sex
from hearth.reports.ages import AGE_BANDS, born
from hearth.reports.caseload import OPEN_STAGES
from hearth.reports.left_out import restricted_people
from hearth.reports.periods import Period
from hearth.reports.suppression import protect
from hearth.reports.tables import Table

OUTCOMES_ACHIEVED = "outcomes_achieved"
BREAKDOWNS = {"ethnicity": "Ethnicity", "sex": "Sex", "age_band": "Age band", "disability": "Disability"}
COLUMNS = ["In Early Help now", "Started in the period", "Closed in the period", "Closed with outcomes achieved"]


@dataclass(frozen=True)
class Equality:
    period: Period
    by: str
    table: Table
    as_at: datetime.datetime


def _age_band(today: datetime.date):
    """The age band as SQL: a date of birth after the day a band's oldest turned its upper age plus one."""
    whens = [When(person__date_of_birth__gt=add_months(today, -12 * (high + 1)), then=Value(label))
             for _, high, label in AGE_BANDS]
    return Case(When(person__date_of_birth__isnull=True, then=Value("")), *whens, default=Value(""),
                output_field=CharField())


def equality(council, filters: dict, period: Period, *, by: str, threshold: int,
             today: datetime.date | None = None) -> Equality:
    today = today or timezone.localdate()
    # The people left out of extracts are left out here too, by conditions on the person the query joins already.
    children = (FamilyMember.objects.filter(family__council=council, role=MemberRole.CHILD,
                                            person__erased_at__isnull=True)
                .exclude(person_id__in=restricted_people()))
    if filters.get("locality"):
        children = children.filter(family__locality=filters["locality"])
    if filters.get("age_band"):
        children = children.filter(born(filters["age_band"], today, "person__date_of_birth"))
    level = Q(family__episodes__level=filters["level"]) if filters.get("level") else Q()
    if by == "age_band":
        children = children.annotate(group=_age_band(today))
        labels = {label: label for _, _, label in AGE_BANDS} | {"": "Date of birth not known"}
    else:
        field = {"ethnicity": "person__ethnicity", "sex": "person__sex", "disability": "person__disability"}[by]
        children = children.annotate(group=F(field))
        labels = dict({"ethnicity": Ethnicity.choices, "sex": Sex.choices, "disability": Disability.choices}[by])
    in_period = Q(family__episodes__started_on__range=(period.start, period.end))
    closed = Q(family__episodes__closed_on__range=(period.start, period.end))
    columns = [Q(family__episodes__status__in=OPEN_STAGES), in_period,
               closed, closed & Q(family__episodes__end_reason=OUTCOMES_ACHIEVED)]
    # One statement: each column a count of distinct children over the same join to the family's episodes.
    any_column = columns[0] | columns[1] | columns[2]
    rows = (children.filter(any_column & level).values("group")
            .annotate(**{f"c{i}": Count("person_id", distinct=True, filter=c) for i, c in enumerate(columns)})
            .order_by())
    counts: dict[str, list[int]] = {row["group"]: [row[f"c{i}"] for i in range(len(columns))] for row in rows}
    keys = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
    protected = protect([counts[k] for k in keys], threshold=threshold, row_totals=False)
    table = Table(key="equality", title=f"Children in Early Help by {BREAKDOWNS[by].lower()}",
                  row_heading=BREAKDOWNS[by], rows=[labels.get(k, k) for k in keys], columns=COLUMNS,
                  table=protected)
    return Equality(period=period, by=by, table=table, as_at=timezone.localtime())
