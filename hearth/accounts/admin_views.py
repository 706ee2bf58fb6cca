"""System administration: users, agencies and the council profile. No case records are reachable here."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from hearth.accounts import services
from hearth.accounts.forms import AgencyForm, UserForm
from hearth.accounts.models import Agency, User
from hearth.core import services as core_services
from hearth.web.forms import GovForm, text_area
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on

# A missing or altered hidden version: the page the administrator had open cannot be trusted to be current.
VERSION_ERRORS = {"required": "This page was out of date. Reload the page and make your changes again",
                  "invalid": "This page was out of date. Reload the page and make your changes again"}


class UserEditForm(UserForm):
    """A user's account as an administrator changes it, with the version it was built from: saving it refuses a
    change someone else saved since (accounts.services.user_update)."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, council=council, editing=True, **kwargs)


class AgencyEditForm(AgencyForm):
    """An agency as an administrator changes it, with the version it was built from (accounts.services.agency_update).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


def _admin_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@_admin_only
def user_list(request):
    users = (
        User.objects.filter(agency__council=request.user.council)
        .select_related("agency", "team")
        .prefetch_related("roles")
        .order_by("full_name")
    )
    return render(request, "accounts/admin/users.html", {"users": users, "title": "Users", "active": "admin"})


@submit_once
@_admin_only
def user_new(request):
    form = UserForm(request.POST or None, council=request.user.council)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            user = services.user_create(actor=request.user, **{k: form.cleaned_data[k] for k in
                                        ("email", "full_name", "agency", "roles", "team", "job_title")})
        if attempt.ok:
            messages.success(request, f"Account created for {user.full_name}. They set a password with "
                                      "'Forgotten your password?' and set up two-factor authentication at first "
                                      "sign-in.")
            return redirect("accounts:admin_users")
    return render(request, "accounts/admin/user_form.html", {"form": form, "title": "Add a user", "active": "admin"})


@_admin_only
def user_edit(request, user_id: int):
    user = get_object_or_404(User, pk=user_id, agency__council=request.user.council)
    initial = {"version": user.version, "email": user.email, "full_name": user.full_name,
               "job_title": user.job_title, "agency": user.agency, "team": user.team, "roles": sorted(user.role_set),
               "is_active": user.is_active}
    action = request.POST.get("action")
    if request.method == "POST" and action in ("unlock", "reset_two_factor"):
        if action == "unlock":
            services.user_unlock(actor=request.user, user=user)
            messages.success(request, f"{user.full_name}'s account is unlocked.")
        else:
            services.user_reset_two_factor(actor=request.user, user=user)
            messages.success(request, f"{user.full_name} will set up two-factor authentication at their next sign-in.")
        return redirect("accounts:admin_user_edit", user_id=user.pk)
    form = UserEditForm(request.POST or None, initial=initial, council=request.user.council)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            user = services.user_update(actor=request.user, user=user, **{k: form.cleaned_data[k] for k in
                                        ("version", "full_name", "agency", "roles", "team", "job_title",
                                         "is_active")})
        if attempt.ok:
            messages.success(request, f"{user.full_name}'s account is updated.")
            return redirect("accounts:admin_users")
    return render(request, "accounts/admin/user_form.html", {
        "form": form, "title": f"Edit {user.full_name}", "edited": user, "active": "admin"})


@_admin_only
def agency_list(request):
    agencies = Agency.objects.filter(council=request.user.council).order_by("name")
    return render(request, "accounts/admin/agencies.html", {"agencies": agencies, "title": "Agencies",
                                                            "active": "admin"})


@submit_once
@_admin_only
def agency_new(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.agency_create(actor=request.user, council=request.user.council, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, "Agency added.")
            return redirect("accounts:admin_agencies")
    return render(request, "accounts/admin/agency_form.html", {"form": form, "title": "Add an agency",
                                                               "active": "admin"})


@_admin_only
def agency_edit(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id, council=request.user.council)
    initial = {"version": agency.version, "name": agency.name, "kind": agency.kind, "email": agency.email,
               "phone": agency.phone}
    form = AgencyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            agency = services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, f"{agency.name} is updated.")
            return redirect("accounts:admin_agencies")
    return render(request, "accounts/admin/agency_form.html", {"form": form, "title": f"Edit {agency.name}",
                                                               "active": "admin"})


class CouncilProfileForm(GovForm):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)
    service_name = forms.CharField(label="Name of the Early Help service", max_length=200)
    review_interval_weeks = forms.IntegerField(
        label="Review interval in weeks", min_value=1, max_value=26,
        error_messages={"required": "Enter the review interval in weeks",
                        "min_value": "The review interval must be at least 1 week",
                        "max_value": "The review interval must be 26 weeks or fewer",
                        "invalid": "Enter the review interval as a whole number of weeks"})
    mash_phone = forms.CharField(label="MASH phone number", required=False, max_length=40)
    mash_email = forms.EmailField(label="MASH email address", required=False)
    referral_panel_email = forms.EmailField(label="Mailbox for withdrawing consent", required=False)
    early_help_team_email = forms.EmailField(label="Early Help team email address", required=False)
    dpo_email = forms.EmailField(label="Data protection officer's email address", required=False)
    dpo_phone = forms.CharField(label="Data protection officer's phone number", required=False, max_length=40)
    privacy_explanation = text_area("What we record and share: the explanation for families", max_length=10_000,
                                    required=False, what="The explanation for families")


@_admin_only
def council_edit(request):
    council = request.user.council
    initial = {"version": council.version, "service_name": council.service_name,
               "review_interval_weeks": council.review_interval_weeks,
               "privacy_explanation": council.privacy_explanation,
               **{k: council.contact(k) for k in core_services.EDITABLE_CONTACTS}}
    form = CouncilProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            core_services.council_update_profile(actor=request.user, council=council, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, "The council profile is updated.")
            return redirect("accounts:admin_council")
    return render(request, "accounts/admin/council_form.html", {
        "form": form, "title": f"{council.short_name} profile", "council": council, "active": "admin"})
