"""The filters the management-information pages offer: a period, the council's own localities, teams and agencies,
the level of need, and the age of a child in the family. A choice that is not one of the council's (another council's
team, a made-up number) or a period that ends before it starts is refused with a message, and nothing is counted."""

import datetime

from django import forms
from django.utils import timezone

from hearth.accounts.models import Agency, Team
from hearth.core.models import Locality
from hearth.reports.ages import CHILD_BANDS
from hearth.reports.periods import Period, financial_year_to_date
from hearth.web.forms import GovDateField, GovForm

AREAS = ("locality", "team", "agency", "level", "age_band")

LEVELS = [("", "All levels"), *((str(n), f"Level {n}") for n in range(1, 5))]


def _choice(label: str, what: str, council_name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False,
        error_messages={"invalid_choice": f"Choose {what} from the list: the one asked for is not one of "
                                          f"{council_name}'s"})


class FiltersForm(GovForm):
    """Read from the page's query string; an empty answer means "all". `areas`: the filters the report can apply;
    `period`: whether it counts what happened in a period (from and to, both days included)."""

    def __init__(self, councils, data=None, *, breakdowns: dict[str, str] | None = None, areas=AREAS,
                 period: bool = False):
        """`councils`: those the user may report on (`access.reportable_councils`), their own first; the council
        asked for (`council`, its code) is the one counted, and its localities, teams and agencies are offered."""
        super().__init__(data)
        self.has_period = period
        by_code = {c.code: c for c in councils}
        council = by_code.get((data or {}).get("council") or "") or councils[0]
        if len(councils) > 1:
            self.fields["council"] = forms.ChoiceField(
                label="Council", required=False, choices=[(c.code, c.name) for c in councils],
                error_messages={"invalid_choice": "Choose a council from the list: you may report on the councils "
                                                  "of your Early Help service only"})
        if period:
            self.fields["date_from"] = GovDateField(label="From", required=False)
            self.fields["date_to"] = GovDateField(label="To", required=False)
        self.council = council
        self.localities = {str(x.pk): x for x in Locality.objects.filter(council=council).order_by("name")}
        self.teams = {str(t.pk): t for t in Team.objects.filter(agency__council=council)
                      .select_related("agency").order_by("agency__name", "name")}
        self.agencies = {str(a.pk): a for a in Agency.objects.filter(council=council).order_by("name")}
        name = council.short_name or council.name
        self.fields["locality"] = _choice("Locality", "a locality", name)
        self.fields["locality"].choices = [("", "All localities"), *((k, x.name) for k, x in self.localities.items())]
        self.fields["team"] = _choice("Team of the lead professional", "a team", name)
        self.fields["team"].choices = [("", "All teams"), *((k, f"{t.name} ({t.agency.name})")
                                                           for k, t in self.teams.items())]
        self.fields["agency"] = _choice("Agency of the lead professional", "an agency", name)
        self.fields["agency"].choices = [("", "All agencies"), *((k, a.name) for k, a in self.agencies.items())]
        self.fields["level"] = _choice("Level of need", "a level of need", name)
        self.fields["level"].choices = LEVELS
        self.fields["age_band"] = _choice("Age of a child in the family, today", "an age band", name)
        self.fields["age_band"].choices = [("", "All ages"), *((label, label) for _, _, label in CHILD_BANDS)]
        for name in AREAS:
            if name not in areas:
                del self.fields[name]
        if breakdowns:
            self.fields["by"] = forms.ChoiceField(
                label="Count by", required=False, choices=list(breakdowns.items()),
                error_messages={"invalid_choice": "Choose what to count by from the list"})
        self.order_fields(["council", "by"])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("date_from", "The start of the period must be today or in the past")
        if end and start and end < start:
            self.add_error("date_to", "The end of the period must be the same as or after its start")
        return data

    def period(self, today: datetime.date | None = None) -> Period:
        """The period asked for, after `is_valid()`: the financial year so far when no date is given, an open start
        from the beginning of that year, an open end today (and never later than today)."""
        today = today or timezone.localdate()
        default = financial_year_to_date(today)
        data = self.cleaned_data if self.is_bound else {}
        return Period(data.get("date_from") or default.start, min(data.get("date_to") or today, today))

    def chosen(self) -> dict:
        """The filters as records (None for "all"), after `is_valid()` (all of them when nothing was asked)."""
        data = self.cleaned_data if self.is_bound else {}
        return {"locality": self.localities.get(data.get("locality") or ""),
                "team": self.teams.get(data.get("team") or ""),
                "agency": self.agencies.get(data.get("agency") or ""),
                "level": int(data["level"]) if data.get("level") else None,
                "age_band": next((b for b in CHILD_BANDS if b[2] == data.get("age_band")), None)}
