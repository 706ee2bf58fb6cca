"""The outcome scores form: one agreed score and an optional family's own score per area of the council.

Other apps (assessments, reviews) embed `ScoresForm` in their pages with the partial
`outcomes/_score_fields.html` (pass the form as `scores_form`), then call
`hearth.outcomes.services.reading_record(..., scores=scores_form.scores())`.
"""

from django import forms

from hearth.web.forms import GovDateField, GovForm


def _score_field(*, label: str, help_text: str, required: bool, name: str, family: bool) -> forms.IntegerField:
    if family:
        whole = f"The family's own score for {name} must be a whole number from 1 to 10"
        messages = {"invalid": whole, "min_value": whole, "max_value": whole}
    else:
        whole = f"The score for {name} must be a whole number from 1 to 10"
        messages = {"required": f"Enter a score from 1 to 10 for {name}", "invalid": whole, "min_value": whole,
                    "max_value": whole}
    return forms.IntegerField(
        label=label, help_text=help_text, required=required, min_value=1, max_value=10,
        # GOV.UK: a text input with a numeric keyboard, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages=messages,
    )


class ScoresForm(GovForm):
    """Per outcome area of the council: `score_<code>` (required, 1 to 10) and `family_score_<code>` (optional)."""

    def __init__(self, council, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        self.areas = list(council.outcome_areas or [])
        for area in self.areas:
            code, name = area["code"], area["name"]
            self.fields[f"score_{code}"] = _score_field(
                label=name, help_text=area.get("description", ""), required=True, name=name, family=False)
            self.fields[f"family_score_{code}"] = _score_field(
                label="The family's own score, if different", help_text="", required=False, name=name, family=True)

    def area_fields(self) -> list[tuple[dict, forms.BoundField, forms.BoundField]]:
        """(area, score field, family's own score field) for each area, in the council's order."""
        return [(a, self[f"score_{a['code']}"], self[f"family_score_{a['code']}"]) for a in self.areas]

    def scores(self) -> dict[str, tuple[int, int | None]]:
        """The cleaned scores in the shape `reading_record` takes: {code: (score, family's score or None)}."""
        data = self.cleaned_data
        return {
            a["code"]: (data.get(f"score_{a['code']}"), data.get(f"family_score_{a['code']}"))
            for a in self.areas
        }


class ReadingForm(ScoresForm):
    """A standalone reading (for example at a check-in): the date the scores were taken, then the scores."""

    def __init__(self, council, *args, **kwargs):
        super().__init__(council, *args, **kwargs)
        taken_on = GovDateField(label="Date the scores were taken", past_only=True,
                                help_text="For example, 27 3 2026",
                                error_messages={"required": "Enter the date the scores were taken"})
        self.fields = {"taken_on": taken_on, **self.fields}
