"""The filters every management-information page offers: the council's own localities, teams and agencies, and
the level of need. A choice that is not one of the council's (another council's team, a made-up number) is refused
with a message, and nothing is counted."""

from django import forms

from hearth.accounts.models import Agency, Team
from hearth.core.models import Locality
from hearth.web.forms import GovForm

LEVELS = [("", "All levels"), *((str(n), f"Level {n}") for n in range(1, 5))]


def _choice(label: str, what: str, council_name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False,
        error_messages={"invalid_choice": f"Choose {what} from the list: the one asked for is not one of "
                                          f"{council_name}'s"})


class FiltersForm(GovForm):
    """Read from the page's query string; an empty answer means "all"."""

    def __init__(self, council, data=None, *, breakdowns: dict[str, str] | None = None):
        super().__init__(data)
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
        if breakdowns:
            self.fields["by"] = forms.ChoiceField(
                label="Count by", required=False, choices=list(breakdowns.items()),
                error_messages={"invalid_choice": "Choose what to count by from the list"})

    def chosen(self) -> dict:
        """The filters as records (None for "all"), after `is_valid()`."""
        data = self.cleaned_data
        return {"locality": self.localities.get(data.get("locality") or ""),
                "team": self.teams.get(data.get("team") or ""),
                "agency": self.agencies.get(data.get("agency") or ""),
                "level": int(data["level"]) if data.get("level") else None}
