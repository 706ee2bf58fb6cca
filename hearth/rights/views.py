"""The pages for requests to correct, erase or restrict: finding the person, logging and deciding a request,
correcting, erasing or restricting as it asks, lifting a restriction, and telling the recipients.

Every page needs the council's data protection officer (`governance.can_do_governance`). Refusals are 403 pages
(NotPermitted)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from hearth.families.services import PERSON_FIELDS
from hearth.rights import forms, selectors, services
from hearth.rights.models import RequestDecision, RequestKind
from hearth.web.forms import record_number
from hearth.web.once import submit_once
from hearth.web.refusals import run_on_form

ACTIVE = "dpo"  # the navigation's "Data protection" section


def _render(request, template: str, context: dict):
    return render(request, f"rights/{template}", {"active": ACTIVE, **context})


def requests_view(request):
    return _render(request, "requests.html", {"requests": selectors.requests_list(request.user),
                                              "today": timezone.localdate(),
                                              "title": "Requests to correct, erase or restrict"})


def request_find_view(request):
    selectors.require_governance(request.user)
    submitted = bool(request.GET)
    form = forms.PersonSearchForm(request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        results = selectors.find_people(request.user, given_name=data["given_name"], family_name=data["family_name"],
                                        date_of_birth=data["date_of_birth"], person_id=data["person_id"])
    return _render(request, "request_find.html", {"form": form, "results": results,
                                                  "title": "Find the person the request is about"})


@submit_once
def request_new_view(request):
    selectors.require_governance(request.user)
    person = selectors.person_for_request(request.user, record_number(request.GET.get("person")))
    form = forms.RequestForm(request.POST or None)
    created = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            created["request"] = services.request_record(actor=request.user, person=person, kind=data["kind"],
                                                           asked=data["asked"], received_on=data["received_on"])

        if run_on_form(form, call):
            rights_request = created["request"]
            messages.success(request, f"Request {rights_request.pk} has been logged. The answer is due by "
                                      f"{rights_request.due_on:%-d %B %Y}.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "request_new.html", {"form": form, "person": person,
                                                 "title": "Log a request to correct, erase or restrict"})


def request_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    recipients = selectors.correction_recipients(rights_request) if rights_request.decision != "refused" else []
    return _render(request, "request.html", {"rq": rights_request, "recipients": recipients,
                                             "title": f"Request {rights_request.pk}"})


def request_decide_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    form = forms.RequestDecisionForm(request.POST or None, initial={"version": rights_request.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reason = data["reason"].strip()
        if data["use_standard_reason"] and data["decision"] == RequestDecision.REFUSED:
            reason = "\n\n".join(p for p in (services.ERASURE_PUBLIC_TASK_REASON, reason) if p)

        def call():
            services.request_decide(actor=request.user, rights_request=rights_request, version=data["version"],
                                    decision=data["decision"], reason=reason)

        if run_on_form(form, call):
            messages.success(request, f"Your decision on request {rights_request.pk} has been recorded.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "request_decide.html", {
        "form": form, "rq": rights_request, "standard_reason": services.ERASURE_PUBLIC_TASK_REASON,
        "is_erasure": rights_request.kind == RequestKind.ERASURE,
        "title": f"Decide request {rights_request.pk}"})


def request_apply_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    person = rights_request.person
    initial = {k: getattr(person, k) for k in PERSON_FIELDS}
    initial.update(version=person.version, request_version=rights_request.version)
    form = forms.ApplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.rectification_apply(
                actor=request.user, rights_request=rights_request, version=data["request_version"],
                person_version=data["version"],
                data={k: v for k, v in data.items() if k not in ("version", "request_version")})

        if run_on_form(form, call):
            messages.success(request, "The person's details have been corrected and the old values kept. Now tell "
                                      "the people the information was shared with.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "request_apply.html", {"form": form, "person_form": form, "rq": rights_request,
                                                   "title": f"Correct the record for request {rights_request.pk}"})


def request_erase_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    found = selectors.erasable(rights_request)
    form = forms.ErasureForm(request.POST or None, details=found.details, names=found.names,
                             addresses=found.addresses,
                             initial={"version": rights_request.version,
                                      "person_version": rights_request.person.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        whole = data["scope"] == forms.WHOLE

        def call():
            services.erasure_apply(actor=request.user, rights_request=rights_request, version=data["version"],
                                   person_version=data["person_version"], whole=whole,
                                   details=[] if whole else data["details"], name_ids=[] if whole else data["names"],
                                   address_ids=[] if whole else data["addresses"], note=data["note"])

        if run_on_form(form, call):
            messages.success(request, "The information has been erased. Now tell the people it was shared with.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "request_erase.html", {"form": form, "rq": rights_request, "found": found,
                                                   "title": f"Erase information for request {rights_request.pk}"})


def request_restrict_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    form = forms.RestrictForm(request.POST or None, initial={"version": rights_request.version})
    if request.method == "POST" and form.is_valid():
        def call():
            services.restriction_apply(actor=request.user, rights_request=rights_request,
                                       version=form.cleaned_data["version"], what=form.cleaned_data["what"])

        if run_on_form(form, call):
            messages.success(request, f"The use of {rights_request.person.full_name}'s information is restricted. "
                                      "Now tell the people it was shared with.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "request_restrict.html", {"form": form, "rq": rights_request,
                                                      "title": f"Restrict the use of information for request "
                                                               f"{rights_request.pk}"})


def restriction_lift_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    restriction = rights_request.restriction_record
    if restriction is None or not restriction.in_force:
        messages.info(request, "There is no restriction in force for this request.")
        return redirect("rights:request", rights_request_id=rights_request.pk)
    form = forms.LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def call():
            services.restriction_lift(actor=request.user, restriction=restriction,
                                      reason=form.cleaned_data["reason"], person_told=form.cleaned_data["person_told"])

        if run_on_form(form, call):
            messages.success(request, "The restriction has been lifted.")
            return redirect("rights:request", rights_request_id=rights_request.pk)
    return _render(request, "restriction_lift.html", {"form": form, "rq": rights_request,
                                                      "title": f"Lift the restriction of request {rights_request.pk}"})


@submit_once
def request_recipients_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    recipients = selectors.correction_recipients(rights_request)
    action = request.POST.get("action") if request.method == "POST" else None
    tell_form = forms.TellForm(request.POST if action == "email" else None, recipients=recipients,
                               initial={"recipients": [r.key for r in recipients if r.email and not r.told]})
    told_form = forms.ToldForm(request.POST if action == "told" else None, recipients=recipients)
    if action == "email" and tell_form.is_valid():
        def call():
            told = services.tell_recipients(actor=request.user, rights_request=rights_request,
                                            keys=tell_form.cleaned_data["recipients"])
            messages.success(request, f"{len(told)} recipient{'s' if len(told) != 1 else ''} emailed. Each email is "
                                      "recorded in the information-sharing register.")

        if run_on_form(tell_form, call):
            return redirect("rights:request_recipients", rights_request_id=rights_request.pk)
    if action == "told" and told_form.is_valid():
        def call():
            services.record_told(actor=request.user, rights_request=rights_request,
                                 key=told_form.cleaned_data["key"], how=told_form.cleaned_data["how"])

        if run_on_form(told_form, call):
            messages.success(request, "It has been recorded in the information-sharing register.")
            return redirect("rights:request_recipients", rights_request_id=rights_request.pk)
    return _render(request, "request_recipients.html", {
        "rq": rights_request, "recipients": recipients, "tell_form": tell_form, "told_form": told_form,
        "form": tell_form if tell_form.errors else told_form,
        "title": f"Tell the recipients of the information (request {rights_request.pk})"})
