"""Requests for support (from practitioners and from families), the screening queue and decisions,
step up to MASH, step down from social care, and immediate-risk contacts with MASH."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from hearth.audit.middleware import client_ip
from hearth.core import limits
from hearth.families import selectors as people_selectors
from hearth.families.forms import SearchForm
from hearth.people.search import SearchQuery
from hearth.referrals import selectors, services, statutory, urgency
from hearth.referrals.forms import (
    LinkExistingForm,
    LinkNewFamilyForm,
    MashContactForm,
    PublicRequestForm,
    RequestForm,
    ScreeningForm,
    StepDownForm,
    StepUpForm,
    start_token,
    token_age,
)
from hearth.referrals.models import Decision, ReferralKind, ReferralStatus, Urgency
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on, show_checks

PUBLIC_SENT_KEY = "referrals_public_sent"


class _FormGroup:
    """Lets the error summary list the errors of several forms on one page."""

    def __init__(self, *forms):
        self.forms = [f for f in forms if f is not None]

    @property
    def errors(self):
        return any(f.errors for f in self.forms)


def _phone_mash_too(referral) -> str:
    """The council's guidance asks for a call to MASH straight away when a same-working-day situation applies."""
    if referral.urgency != Urgency.SAME_DAY:
        return ""
    return (" You said a child may be in a situation that needs a response today: phone MASH now as well, if you "
            "have not already.")


# ---------------------------------------------------------------------------------------------------
# A practitioner's request for support


@submit_once
def request_new_view(request, family_id: int):
    family = selectors.family_for_request(request.user, family_id)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            referral = services.referral_request_create(
                actor=request.user, family=family, concerns=data["concerns"], tried_already=data["tried_already"],
                hoped_for=data["hoped_for"], family_agrees=data["family_agrees"],
                agreement_method=data["agreement_method"], agreement_given_by=data["agreement_given_by"],
                same_day_triggers=data["same_day_triggers"])
        if attempt.ok:
            messages.success(request, f"Your request for support has been sent to the Early Help team. Its reference "
                                      f"is {referral.reference}. You will be emailed the outcome."
                                      f"{_phone_mash_too(referral)}")
            return redirect("families:family", family_id=family.pk)
    return render(request, "referrals/request_new.html", {
        "form": form, "family": family, "council": family.council,
        "title": f"Request support for {family.name}"})


# ---------------------------------------------------------------------------------------------------
# The public request for support


PUBLIC_SCOPE = "public-request"


def _address(request) -> str:
    return client_ip(request) or "unknown"


def _window() -> int:
    return int(getattr(settings, "HEARTH_PUBLIC_REQUEST_WINDOW_SECONDS", 60 * 60))


def _rate_exceeded(request) -> bool:
    """Requests from one address are limited, counted in the store every web worker shares (hearth.core.limits)."""
    return limits.reached(PUBLIC_SCOPE, _address(request), int(getattr(settings, "HEARTH_PUBLIC_REQUEST_LIMIT", 5)),
                          window_seconds=_window())


def _rate_hit(request) -> None:
    limits.hit(PUBLIC_SCOPE, _address(request), window_seconds=_window())


@submit_once
@login_not_required
def public_request_view(request, code: str | None = None):
    """A parent, carer or young person asks for support. No sign-in; protected from spam and abuse."""
    council = selectors.public_council(code)
    if council is None:
        if code:
            return render(request, "web/error.html", {
                "title": "Page not found", "message": "There is no council with that address. Check the web address."},
                status=404)
        return render(request, "referrals/public_choose.html", {
            "councils": selectors.all_councils(), "title": "Ask for support for your family"})
    limited = request.method == "POST" and _rate_exceeded(request)
    if limited:
        return render(request, "referrals/public_limited.html", {
            "for_council": council, "title": "You have sent several requests"}, status=429)
    form = PublicRequestForm(request.POST or None)
    posted_token = request.POST.get("started", "") if request.method == "POST" else ""
    token = posted_token if token_age(posted_token) is not None else start_token()
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with refusal_on(form) as attempt:
                referral = services.referral_public_create(council=council, request=services.PublicRequest(
                    requester_kind=data["requester_kind"], name=data["name"], email=data["email"],
                    phone=data["phone"], relationship=data["relationship"], family_details=data["family_details"],
                    address=data["address"], postcode=data["postcode"], concerns=data["concerns"],
                    tried_already=data["tried_already"], hoped_for=data["hoped_for"], agrees=data["agrees"],
                    same_day_triggers=tuple(data["same_day_triggers"])))
            if attempt.ok:
                _rate_hit(request)
                due = urgency.due_on(referral.urgency, referral.received_at)
                request.session[PUBLIC_SENT_KEY] = {"reference": referral.reference, "council": council.code,
                                                    "email": bool(referral.requester_email),
                                                    "due": due.isoformat() if due else ""}
                return redirect("referrals:public_sent")
        elif form.looks_automated:
            _rate_hit(request)
    return render(request, "referrals/public_request.html", {
        "form": form, "for_council": council, "started_token": token,
        "title": f"Ask {council.short_name} for support for your family"})


@login_not_required
def public_sent_view(request):
    sent = request.session.get(PUBLIC_SENT_KEY)
    if not sent:
        return redirect("referrals:public_request")
    council = selectors.public_council(sent["council"])
    return render(request, "referrals/public_sent.html", {
        "reference": sent["reference"], "by_email": sent.get("email"), "for_council": council,
        "read_by": date.fromisoformat(sent["due"]) if sent.get("due") else None,
        "today": timezone.localdate(), "title": "Your request for support has been sent"})


# ---------------------------------------------------------------------------------------------------
# Screening


def queue_view(request):
    queue = selectors.screening_queue(request.user, request.GET.get("page"))
    return render(request, "referrals/queue.html", {
        "page": queue["page"], "recent": queue["recent"], "today": queue["today"],
        "title": "Requests for support and referrals", "active": "referrals"})


def detail_view(request, referral_id: int):
    referral = selectors.referral_detail(request.user, referral_id)
    return render(request, "referrals/detail.html", {
        "referral": referral, "council": referral.council, "title": f"Referral {referral.reference}",
        "active": "referrals"})


def screen_view(request, referral_id: int):
    referral = selectors.referral_detail(request.user, referral_id)
    if referral.status == ReferralStatus.DECIDED and request.method != "POST":
        messages.info(request, f"{referral.reference} has already been screened.")
        return redirect("referrals:detail", referral_id=referral.pk)
    council = referral.council
    initial = {"version": referral.version}
    if referral.kind == ReferralKind.STEP_UP and referral.episode:
        initial["named_lead"] = referral.episode.lead_professional_id
        initial["level"] = referral.episode.level
    form = ScreeningForm(council, referral, selectors.lead_candidates(council), request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            decided = services.referral_decide(
                actor=request.user, referral=referral, version=data["version"],
                screening=services.Screening(
                    level=data["level"], level_reasons=data["level_reasons"], decision=data["decision"],
                    outcome_message=data["outcome_message"], decision_notes=data["decision_notes"],
                    named_lead=data.get("named_lead"), reason=data.get("reason", ""),
                    told_by_phone=data.get("told_by_phone", False)))
        if attempt.ok:
            messages.success(request, f"The decision on {decided.reference} has been recorded: "
                                      f"{Decision(decided.decision).label.lower()}.")
            return redirect("referrals:queue")
    return render(request, "referrals/screen.html", {
        "form": form, "referral": referral, "council": council, "title": f"Screen {referral.reference}",
        "active": "referrals"})


def link_view(request, referral_id: int):
    """Link a request with no family record to one: an existing family the screener can see, or a new one."""
    referral = selectors.referral_detail(request.user, referral_id)
    if referral.family_id:
        return redirect("referrals:screen", referral_id=referral.pk)
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {"version": referral.version}
    existing_form = LinkExistingForm(request.POST if action == "existing" else None, initial=initial)
    # Its own ids: the search form above has fields with the same names, and a label must find its own input.
    new_form = LinkNewFamilyForm(request.POST if action == "new" else None, initial=initial, auto_id="id_new_%s")
    if action == "existing" and existing_form.is_valid():
        data = existing_form.cleaned_data
        with refusal_on(existing_form) as attempt:
            family = selectors.family_for_link(request.user, data["family_id"], referral.council_id)
            services.referral_link_family(actor=request.user, referral=referral, version=data["version"],
                                          family=family)
        if attempt.ok:
            messages.success(request, f"{referral.reference} is now linked to {family.name}.")
            return redirect("referrals:screen", referral_id=referral.pk)
    elif action == "new" and new_form.is_valid():
        data = new_form.cleaned_data
        with refusal_on(new_form) as attempt:
            linked = services.referral_link_family(
                actor=request.user, referral=referral, version=data["version"],
                new_family=services.NewFamily(name=data["name"], role=data["role"], given_name=data["given_name"],
                                              family_name=data["family_name"],
                                              date_of_birth=data["date_of_birth"]))
        if attempt.ok:
            messages.success(request, f"{linked.family.name} has been created and {referral.reference} linked to it.")
            return redirect("referrals:screen", referral_id=referral.pk)
    search_fields = ("given_name", "family_name", "postcode", "nhs_number", "date_of_birth-year")
    submitted = any(k in request.GET for k in search_fields)
    search_form = SearchForm(request.GET if submitted else None, initial={"postcode": referral.postcode})
    matches = None
    if submitted and search_form.is_valid():
        data = search_form.cleaned_data
        matches = people_selectors.find_existing(request.user, SearchQuery(
            given_name=data.get("given_name") or "", family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"), nhs_number=data.get("nhs_number") or "",
            postcode=data.get("postcode") or ""))
    return render(request, "referrals/link.html", {
        "referral": referral, "search_form": search_form, "matches": matches, "existing_form": existing_form,
        "new_form": new_form, "form": _FormGroup(existing_form, new_form), "council": referral.council,
        "title": f"Link {referral.reference} to a family record", "active": "referrals"})


# ---------------------------------------------------------------------------------------------------
# Step up and step down


@submit_once
def step_up_view(request, episode_id: int):
    episode, context = selectors.step_up_context(request.user, episode_id)
    form = StepUpForm(request.POST or None, initial={"concerns": context["concerns"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            referral = statutory.referral_step_up(
                actor=request.user, episode=episode, concerns=data["concerns"],
                tried_already=data["tried_already"], hoped_for=data["hoped_for"],
                consent_sought=data["consent_sought"],
                consent_not_sought_reason=data["consent_not_sought_reason"],
                same_day_triggers=data["same_day_triggers"], screening_tools=form.screening_tools())
        if attempt.ok:
            messages.success(request, f"The family has been referred to MASH. The reference is {referral.reference}."
                                      f"{_phone_mash_too(referral)}")
            return redirect(reverse("cases:episode", args=[episode.pk]))
    elif request.method == "POST":
        show_checks(form, statutory.screening_tool_problems(form.screening_tools()))
    return render(request, "referrals/step_up.html", {
        "form": form, "episode": episode, "family": episode.family, "council": episode.family.council, **context,
        "title": f"Step up {episode.family.name} to MASH"})


@submit_once
def step_down_view(request, family_id: int):
    family = selectors.family_for_step_down(request.user, family_id)
    form = StepDownForm(family.council, selectors.lead_candidates(family.council), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            step_down = statutory.step_down_record(
                actor=request.user, family=family, new_lead=data["new_lead"], level=data["level"],
                reason=data["reason"], cin_plan_ended_on=data["cin_plan_ended_on"],
                single_assessment=data["single_assessment"], cin_plan=data["cin_plan"],
                handover_meeting_on=data["handover_meeting_on"])
        if attempt.ok:
            messages.success(request, f"{family.name} has been stepped down to Early Help. "
                                      f"{step_down.new_lead.full_name} is the lead professional.")
            return redirect(reverse("cases:episode", args=[step_down.episode_id]))
    return render(request, "referrals/step_down.html", {
        "form": form, "family": family, "council": family.council,
        "title": f"Step {family.name} down to Early Help"})


# ---------------------------------------------------------------------------------------------------
# Immediate risk


@submit_once
def mash_contact_view(request, family_id: int):
    """The MASH number and same-day guidance, a short record of the contact, and the contacts so far."""
    family = people_selectors.family_detail(request.user, family_id)
    form = MashContactForm(request.POST or None, initial=MashContactForm.initial_now())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            statutory.mash_contact_record(
                actor=request.user, family=family, contacted_at=data["contacted_at"], method=data["method"],
                concern=data["concern"], spoke_to=data["spoke_to"], advice=data["advice"],
                mash_reference=data["mash_reference"])
        if attempt.ok:
            messages.success(request, "Your contact with MASH has been recorded.")
            return redirect("referrals:mash_contact", family_id=family.pk)
    contacts = selectors.mash_contacts(request.user, family)
    return render(request, "referrals/mash_contact.html", {
        "form": form, "family": family, "council": family.council, "contacts": contacts,
        "title": f"Contact MASH about {family.name}"})
