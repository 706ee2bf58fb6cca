"""Consent forms. They only read what was entered; the services decide what is valid and say so in plain
English, so every problem with a form shows at once in the error summary."""

import datetime

from django import forms

from hearth.accounts.models import AgencyKind
from hearth.consent.models import BasisKind, GiverKind, Method
from hearth.web.forms import LONG_TEXT, GovDateField, GovForm, text_area


def one_year_on(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _member_choices(members) -> list[tuple[int, str]]:
    return [(m.person.pk, f"{m.person.full_name} ({m.get_role_display().lower()})") for m in members]


class _GivingForm(GovForm):
    """Who gave it, of what kind, when and how (shared by agreement, consent to share and research opt-out)."""

    given_by = forms.TypedChoiceField(label="Who gave it", coerce=int, required=False, widget=forms.RadioSelect,
                                      help_text="A member of the family")
    giver_kind = forms.ChoiceField(label="They are", choices=GiverKind.choices, required=False,
                                   widget=forms.RadioSelect)
    given_on = GovDateField(label="Date it was given", required=False, help_text="For example, 27 3 2025")
    method = forms.ChoiceField(label="How it was given", choices=Method.choices, required=False,
                               widget=forms.RadioSelect)
    form_reference = forms.CharField(
        label="Reference of the signed form (if in writing)", required=False, max_length=100,
        help_text="For example, the form's number, or 'signed consent held by Hill School'")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].choices = _member_choices(members)


class _OwnDecisionForm(_GivingForm):
    """When a young person decides for themselves, what their age calls for (`hearth.consent.own_decision`): the
    service asks for it, so it is enforced without JavaScript."""

    competence_judged = forms.BooleanField(
        label="I judged them able to understand and decide for themselves (Gillick competence)", required=False,
        help_text="Needed for a young person aged 12 to 15, or whose date of birth is not recorded")
    own_decision_note = text_area(
        "How you judged it, or why a child under 12 decides for themselves", max_length=2_000, required=False,
        help_text="For a young person aged 12 to 15, or of unknown age: what they understood and how you judged "
                  "it. For a child under 12: the reason. Not needed for a young person aged 16 or over",
        what="Your note")


class AgreementForm(_OwnDecisionForm):
    # The page asks what a young person's age calls for straight after "They are" (consent/_own_decision.html).
    field_order = ["given_by", "giver_kind", "competence_judged", "own_decision_note", "given_on", "method",
                   "form_reference"]


def _agency_groups(agencies) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The council's agencies grouped by kind, in the order of the kinds: (kind, its name, [(id, agency name)]); a
    kind with no agency yet is in a group of its own, so that "any agency of this kind" can still be chosen."""
    by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in AgencyKind.values}
    for agency in agencies:
        by_kind.setdefault(agency.kind, []).append((str(agency.pk), agency.name))
    return [(kind, str(AgencyKind(kind).label), named) for kind, named in by_kind.items() if kind in AgencyKind.values]


class FamilyConsentForm(GovForm):
    """Consent to share for several family members in one pass (`services.share_consents_record`): who, for each
    child who gave it, when and how, for what, and with whom, grouped by kind of agency so the page stays short."""

    people = forms.MultipleChoiceField(label="Whose consent are you recording?", required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text="Tick everyone who gave consent, or had consent given for them. "
                                                 "Each person gets their own record")
    given_on = GovDateField(label="Date consent was given", required=False, help_text="For example, 27 3 2025")
    method = forms.ChoiceField(label="How consent was given", choices=Method.choices, required=False,
                               widget=forms.RadioSelect)
    form_reference = forms.CharField(
        label="Reference of the signed form (if in writing)", required=False, max_length=100,
        help_text="For example, the form's number, or 'signed consent held by Hill School'")
    purposes = forms.MultipleChoiceField(label="What they agreed to", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    research_opt_outs = forms.MultipleChoiceField(
        label="Who opted out of national research linking (if anyone)", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Anonymised information linked by the Office for National Statistics for the national evaluation. "
                  "This is an opt-out: tick only those who said no")
    team = forms.BooleanField(label="Every agency in the Team Around the Family", required=False)
    agencies = forms.MultipleChoiceField(label="Agencies they agreed to share with", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    agency_kinds = forms.MultipleChoiceField(label="Kinds of agency they agreed to share with", required=False,
                                             choices=AgencyKind.choices, widget=forms.CheckboxSelectMultiple)
    excluded_agencies = forms.MultipleChoiceField(label="Agencies they do not want information shared with",
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    excluded_kinds = forms.MultipleChoiceField(label="Kinds of agency they do not want information shared with",
                                               required=False, choices=AgencyKind.choices,
                                               widget=forms.CheckboxSelectMultiple)
    limits = text_area("Any limits they set (optional)", max_length=2_000, required=False,
                       help_text="For example, 'not the history of the older children's father'", what="The limits")
    review_by = GovDateField(label="Review by", required=False,
                             help_text="When to check the consent with the family again. Usually a year on")

    def __init__(self, *args, members=(), agencies=(), team=(), purposes=(), ask_research=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.team_agencies = list(team)
        self.fields["people"].choices = [(str(m.person.pk), m.person.full_name) for m in self.members]
        self.fields["purposes"].choices = list(purposes)
        agency_choices = [(str(a.pk), a.name) for a in agencies]
        self.fields["agencies"].choices = agency_choices
        self.fields["excluded_agencies"].choices = agency_choices
        self.agency_groups = _agency_groups(agencies)
        if ask_research:
            self.fields["research_opt_outs"].choices = self.fields["people"].choices
        else:
            del self.fields["research_opt_outs"]
        if not self.team_agencies:
            del self.fields["team"]
        carers = [m for m in self.members if m.is_carer]
        self.children = [m for m in self.members if m.is_child]
        for child in self.children:
            pk, name = child.person.pk, child.person.given_name
            self.fields[f"given_by_{pk}"] = forms.TypedChoiceField(
                label=f"Who gave consent for {child.person.full_name}?", coerce=int, required=False,
                widget=forms.RadioSelect,
                choices=[(str(c.person.pk), f"{c.person.full_name}, on {name}'s behalf") for c in carers]
                + [(str(pk), f"{name}, deciding for themselves")])
            self.fields[f"competence_judged_{pk}"] = forms.BooleanField(
                label=f"I judged {name} able to understand and decide for themselves (Gillick competence)",
                required=False)
            self.fields[f"own_decision_note_{pk}"] = text_area(
                f"How you judged it, or why {name} decides for themselves", max_length=2_000, required=False,
                what="Your note")
        # Each child's question follows the people on the page, so its errors come in the same order in the summary.
        self.order_fields(["people", *(n for n in self.fields if n.rsplit("_", 1)[-1].isdigit())])

    def chosen_people(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("people") or []]


class ResearchOptOutForm(_GivingForm):
    person = forms.TypedChoiceField(label="Who opted out?", coerce=int, required=False, widget=forms.RadioSelect)

    field_order = ["person", "given_by", "giver_kind", "given_on", "method", "form_reference"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, members=members, **kwargs)
        self.fields["person"].choices = _member_choices(members)
        self.fields["given_by"].label = "Who told you"


class WithdrawForm(GovForm):
    withdrawn_on = GovDateField(label="Date it was withdrawn", required=False, help_text="For example, 27 3 2025")
    withdrawn_how = text_area("How it was withdrawn", max_length=2_000, required=False,
                              help_text="For example, by phone to the lead professional, or by email to the Early Help "
                                        "team")


class LawfulBasisForm(GovForm):
    kind = forms.ChoiceField(label="The lawful basis", choices=BasisKind.choices, required=False,
                             widget=forms.RadioSelect)
    reason = text_area("Why information is shared without consent", max_length=LONG_TEXT, required=False,
                       help_text="The facts that make it necessary, in plain words", what="The reason")
    person = forms.TypedChoiceField(label="Who it is about (optional)", coerce=int, required=False, empty_value=None)
    scope = forms.ChoiceField(label="Which agencies it covers", required=False, widget=forms.RadioSelect,
                              choices=[("all", "Every agency working with the family"),
                                       ("chosen", "Only the agencies chosen below")])
    agencies = forms.MultipleChoiceField(label="Agencies", required=False, widget=forms.CheckboxSelectMultiple)
    ends_on = GovDateField(label="End date (optional)", required=False,
                           help_text="Leave blank if it lasts until it is reviewed")

    def __init__(self, *args, members=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The whole family")] + _member_choices(members)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]


class NotSoughtForm(GovForm):
    reason = text_area("Why seeking consent would increase the risk to the child", max_length=LONG_TEXT, required=False,
                       help_text="For example, asking would alert the person posing the risk, or could lose evidence. "
                                 "Seek your manager's advice",
                       what="The reason")
    manager = forms.TypedChoiceField(label="The manager whose advice you took", coerce=int, required=False,
                                     empty_value=None)
    manager_name = forms.CharField(label="Or their name, if they are not on the list", required=False,
                                   max_length=200)
    advised_on = GovDateField(label="Date they gave their advice", required=False,
                              help_text="For example, 27 3 2025")
    advice = text_area("What the manager advised", max_length=LONG_TEXT, required=False, what="The advice")

    field_order = ["reason", "manager", "manager_name", "advised_on", "advice"]

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "Choose a manager")] + [
            (str(m.pk), f"{m.full_name}, {m.agency.name}") for m in managers]
