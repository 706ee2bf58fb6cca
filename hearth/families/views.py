"""People search, find-before-create, family and person pages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from hearth.access import services as access_services
from hearth.families import panels, selectors, services
from hearth.families.forms import (
    AddressForm,
    EditPersonForm,
    LocalityForm,
    MemberRoleForm,
    NameForm,
    NewFamilyForm,
    PersonForm,
    RelationshipForm,
    SearchForm,
)
from hearth.families.services import AddressInput, person_create
from hearth.people import genogram
from hearth.people.search import SearchQuery
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on, run_on_form

SEARCH_FIELDS = ("given_name", "family_name", "nhs_number", "postcode")


def _query(data: dict) -> SearchQuery:
    return SearchQuery(**{k: data.get(k) or ("" if k != "date_of_birth" else None)
                          for k in (*SEARCH_FIELDS, "date_of_birth")})


def search_view(request):
    submitted = any(k in request.GET for k in SEARCH_FIELDS) or "date_of_birth-year" in request.GET
    form = SearchForm(request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        results = selectors.search_people(request.user, _query(form.cleaned_data))
    return render(request, "families/search.html", {
        "form": form, "results": results, "title": "Search people", "active": "search"})


def find_view(request, family_id: int | None = None):
    """Find before you create: search the council's records before adding a person."""
    selectors.require_find_before_create(request.user)
    family = selectors.family_detail(request.user, family_id) if family_id else None
    submitted = any(k in request.GET for k in SEARCH_FIELDS) or "date_of_birth-year" in request.GET
    form = SearchForm(request.GET if submitted else None)
    matches = None
    create_url = None
    if submitted and form.is_valid():
        matches = selectors.find_existing(request.user, _query(form.cleaned_data))
        params = {k: request.GET.get(k, "") for k in (*SEARCH_FIELDS, "date_of_birth-day", "date_of_birth-month",
                                                      "date_of_birth-year") if request.GET.get(k)}
        target = reverse("families:member_new", args=[family.pk]) if family else reverse("families:family_new")
        create_url = f"{target}?{urlencode(params)}"
    title = f"Add a person to {family.name}" if family else "Start a new family record"
    return render(request, "families/find.html", {
        "form": form, "matches": matches, "family": family, "create_url": create_url, "title": title,
        "active": "new",
    })


def _initial_from_query(request) -> dict:
    initial = {k: request.GET.get(k) for k in ("given_name", "family_name", "nhs_number") if request.GET.get(k)}
    parts = [request.GET.get(f"date_of_birth-{p}", "") for p in ("day", "month", "year")]
    if all(parts):
        initial["date_of_birth"] = tuple(parts)
    return initial


def _address_input(form: AddressForm) -> AddressInput | None:
    data = form.cleaned_data
    if not data.get("has_address"):
        return None
    return AddressInput(line_1=data["line_1"], line_2=data["line_2"], town=data["town"], postcode=data["postcode"],
                        from_date=data.get("from_date"))


def _person_data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version",)}


def _possible_duplicates(request, person_form, extra_form):
    """Matches for the details about to be saved, unless the user has confirmed it is a different person."""
    if extra_form.cleaned_data.get("confirm_not_duplicate"):
        return []
    data = person_form.cleaned_data
    matches = selectors.find_existing(request.user, SearchQuery(
        given_name=data["given_name"], family_name=data["family_name"], date_of_birth=data.get("date_of_birth"),
        nhs_number=data.get("nhs_number") or ""))
    strong = [m for m in matches if m.score >= 60]
    if strong:
        extra_form.add_error("confirm_not_duplicate", "Check the possible matches below. If none is this person, "
                                                      "confirm it is a different person")
    return strong


@submit_once
def family_new_view(request):
    """Create a family with its first member (after find-before-create)."""
    person_form = PersonForm(request.POST or None, initial=_initial_from_query(request), prefix=None)
    address_form = AddressForm(request.POST or None, prefix="address",
                               initial={"postcode": request.GET.get("postcode", "")})
    family_form = NewFamilyForm(request.POST or None, prefix="family",
                                initial={"family_name": f"The {request.GET.get('family_name', '').strip()} family"
                                         if request.GET.get("family_name") else ""})
    duplicates = []
    if request.method == "POST" and all(f.is_valid() for f in (person_form, address_form, family_form)):
        duplicates = _possible_duplicates(request, person_form, family_form)
        if not duplicates:
            with refusal_on(person_form, address_form, family_form) as attempt:
                family = services.family_create(actor=request.user, name=family_form.cleaned_data["family_name"])
                person = person_create(actor=request.user, family=family, role=family_form.cleaned_data["role"],
                              data=_person_data(person_form), address=_address_input(address_form))
            if attempt.ok:
                messages.success(request, _with_locality(f"{family.name} has been created.",
                                                         person.locality_notices))
                return redirect("families:family", family_id=family.pk)
    return render(request, "families/person_new.html", {
        "person_form": person_form, "address_form": address_form, "extra_form": family_form,
        "duplicates": duplicates, "family": None, "title": "Start a new family record", "active": "new",
        "form": _FormGroup(person_form, address_form, family_form),
    })


@submit_once
def member_new_view(request, family_id: int):
    family = selectors.family_detail(request.user, family_id)
    person_form = PersonForm(request.POST or None, initial=_initial_from_query(request))
    address_form = AddressForm(request.POST or None, prefix="address",
                               initial={"postcode": request.GET.get("postcode", "")})
    role_form = MemberRoleForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and all(f.is_valid() for f in (person_form, address_form, role_form)):
        duplicates = _possible_duplicates(request, person_form, role_form)
        if not duplicates:
            with refusal_on(person_form, address_form, role_form) as attempt:
                person = person_create(actor=request.user, family=family, role=role_form.cleaned_data["role"],
                                       data=_person_data(person_form), address=_address_input(address_form))
            if attempt.ok:
                messages.success(request, _with_locality(f"{person.full_name} has been added to {family.name}.",
                                                         person.locality_notices))
                return redirect("families:family", family_id=family.pk)
    return render(request, "families/person_new.html", {
        "person_form": person_form, "address_form": address_form, "extra_form": role_form,
        "duplicates": duplicates, "family": family, "title": f"Add a person to {family.name}", "active": "new",
        "form": _FormGroup(person_form, address_form, role_form),
    })


@submit_once
def member_add_existing_view(request, family_id: int, person_id: int):
    """Add a person found by search (and visible to the user) to this family."""
    family = selectors.family_detail(request.user, family_id)
    person = selectors.person_detail(request.user, person_id)
    form = MemberRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.family_add_member(actor=request.user, family=family, person=person,
                                       role=form.cleaned_data["role"])
        if attempt.ok:
            messages.success(request, f"{person.full_name} has been added to {family.name}.")
            return redirect("families:family", family_id=family.pk)
    return render(request, "families/member_existing.html", {
        "form": form, "family": family, "person": person, "title": f"Add {person.full_name} to {family.name}"})


def _with_locality(text: str, notices) -> str:
    """The success message, with what recording an address did to the families' localities
    (families.services.LocalityNotice): one banner on the next page."""
    return " ".join([text, *(notice.message for notice in notices)])


@submit_once
def family_locality_view(request, family_id: int):
    """Choose the family's locality by hand, with a reason (a repeat of the same form is answered as the first)."""
    family = selectors.family_detail(request.user, family_id)
    form = LocalityForm(request.POST or None, localities=selectors.localities_of(family),
                        initial={"locality": family.locality_id, "version": family.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_on_form(form, lambda: services.family_change_locality(
                actor=request.user, family=family, version=data["version"], locality_id=data["locality"],
                reason=data["reason"])):
            messages.success(request, f"{family.name}'s locality has been changed.")
            return redirect("families:family", family_id=family.pk)
    return render(request, "families/locality.html", {
        "form": form, "family": family, "title": f"Change {family.name}'s locality"})


class _FormGroup:
    """Lets the error summary list the errors of several forms on one page."""

    def __init__(self, *forms):
        self.forms = forms

    @property
    def errors(self):
        return any(f.errors for f in self.forms)


def family_view(request, family_id: int):
    family = selectors.family_detail(request.user, family_id)
    members = list(family.members.all())
    svg, text = genogram.build(members, family.relationships)
    return render(request, "families/family.html", {
        "family": family, "members": members, "genogram_svg": svg, "genogram_text": text,
        "title": family.name, "council": family.council,
        "can_change_locality": selectors.can_change_family(request.user, family),
        "break_glass": access_services.break_glass_panel(request.user, family),
        "panels": panels.family_page.panels(request.user, family),
    })


@submit_once
def relationship_new_view(request, family_id: int):
    family = selectors.family_detail(request.user, family_id)
    members = list(family.members.all())
    form = RelationshipForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        people = {m.person.pk: m.person for m in members}
        with refusal_on(form) as attempt:
            services.relationship_add(
                actor=request.user, family=family, from_person=people[form.cleaned_data["from_person"]],
                to_person=people[form.cleaned_data["to_person"]], kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"])
        if attempt.ok:
            messages.success(request, "The relationship has been recorded.")
            return redirect("families:family", family_id=family.pk)
    return render(request, "families/relationship_new.html", {
        "form": form, "family": family, "title": f"Record a relationship in {family.name}"})


def person_view(request, person_id: int):
    person = selectors.person_detail(request.user, person_id)
    return render(request, "families/person.html", {
        "person": person, "title": person.full_name, "panels": panels.person_page.panels(request.user, person)})


def person_edit_view(request, person_id: int):
    person = selectors.person_detail(request.user, person_id)
    initial = {k: getattr(person, k) for k in services.PERSON_FIELDS}
    initial["version"] = person.version
    form = EditPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.person_update(actor=request.user, person=person, version=form.cleaned_data["version"],
                                   data=_person_data(form))
        if attempt.ok:
            messages.success(request, "The person's details have been saved.")
            return redirect("families:person", person_id=person.pk)
    return render(request, "families/person_edit.html", {
        "form": form, "person": person, "title": f"Change {person.full_name}'s details"})


@submit_once
def person_name_new_view(request, person_id: int):
    person = selectors.person_detail(request.user, person_id)
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.person_add_name(actor=request.user, person=person, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, "The name has been added.")
            return redirect("families:person", person_id=person.pk)
    return render(request, "families/name_new.html", {"form": form, "person": person, "title": "Add a name"})


@submit_once
def person_address_new_view(request, person_id: int):
    person = selectors.person_detail(request.user, person_id)
    form = AddressForm(request.POST or None, required=True)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            address = services.person_move_address(actor=request.user, person=person, address=_address_input(form))
        if attempt.ok:
            messages.success(request, _with_locality(
                "The new address has been recorded. The previous one is kept in the history.",
                address.locality_notices))
            return redirect("families:person", person_id=person.pk)
    return render(request, "families/address_new.html",
                  {"form": form, "person": person, "title": "Record a new address"})


