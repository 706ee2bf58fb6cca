"""The data protection officer's pages: the breach log, requests to correct, erase or restrict, and the audit review.

Every page needs the council's data protection officer (`governance.can_do_governance`), except the unusual-access
report, which managers also see for their own teams. Refusals are 403 pages (NotPermitted)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from hearth.access import governance
from hearth.core.errors import NotPermitted
from hearth.dpo import audit_review, forms, rights, selectors, services, unusual_access
from hearth.dpo.models import DataKind, RequestDecision, RequestKind
from hearth.families.services import PERSON_FIELDS
from hearth.web.forms import refusal_on

ACTIVE = "dpo"


def _render(request, template: str, context: dict):
    return render(request, f"dpo/{template}", {"active": ACTIVE, **context})


def _attempt(form, call) -> bool:
    """Run a service (`refusal_on`); show a refusal on the form. NotPermitted is a 403 page."""
    with refusal_on(form, passthrough=(NotPermitted,)) as attempt:
        call()
    return attempt.ok


def home_view(request):
    summary = selectors.home_summary(request.user)
    return _render(request, "home.html", {"summary": summary, "title": "Data protection"})


# The breach log -----------------------------------------------------------------------------------------------


def incidents_view(request):
    board = selectors.incidents_dashboard(request.user)
    return _render(request, "incidents.html", {"board": board, "title": "Breach log"})


def _incident_input(data: dict) -> services.IncidentInput:
    return services.IncidentInput(
        summary=data["summary"], what_happened=data["what_happened"], discovered_at=data.get("discovered_at"),
        occurred_at=data.get("occurred_at"), people_affected=data.get("people_affected", ""),
        family_ids=data.get("family_ids") or [], data_kinds=data.get("data_kinds") or [],
        data_kinds_other=data.get("data_kinds_other", ""), people_count=data.get("people_count"),
        people_count_estimated=data.get("people_count_estimated", False), containment=data.get("containment", ""))


def incident_new_view(request):
    selectors.require_governance(request.user)
    form = forms.IncidentForm(request.POST or None)
    created = {}
    if request.method == "POST" and form.is_valid():
        def call():
            created["incident"] = services.incident_record(actor=request.user,
                                                           data=_incident_input(form.cleaned_data))

        if _attempt(form, call):
            incident = created["incident"]
            messages.success(request, f"Incident {incident.pk} has been logged. Decide whether to report it to the "
                                      "Information Commissioner within 72 hours of its discovery.")
            return redirect("dpo:incident", incident_id=incident.pk)
    return _render(request, "incident_form.html", {"form": form, "incident": None, "title": "Log a data breach",
                                                   "other_kind": DataKind.OTHER})


def _local(value):
    return timezone.localtime(value) if value else None


def _incident_initial(incident) -> dict:
    initial = {
        "summary": incident.summary, "what_happened": incident.what_happened,
        "people_affected": incident.people_affected, "family_ids": ", ".join(str(i) for i in incident.family_ids),
        "data_kinds": incident.data_kinds, "data_kinds_other": incident.data_kinds_other,
        "people_count": incident.people_count, "people_count_estimated": incident.people_count_estimated,
        "containment": incident.containment, "version": incident.version,
    }
    for name in ("discovered_at", "occurred_at"):
        value = _local(getattr(incident, name))
        if value:
            initial[name] = value.date()
            initial[f"{name}_time"] = f"{value:%H:%M}"
    return initial


def incident_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    return _render(request, "incident.html", {"incident": incident, "clock": incident.clock(),
                                              "title": f"Incident {incident.pk}: {incident.summary}"})


def incident_edit_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.IncidentForm(request.POST or None, initial=_incident_initial(incident))
    if request.method == "POST" and form.is_valid():
        def call():
            services.incident_update(actor=request.user, incident=incident, version=form.cleaned_data["version"] or 0,
                                     data=_incident_input(form.cleaned_data))

        if _attempt(form, call):
            messages.success(request, "The incident has been updated.")
            return redirect("dpo:incident", incident_id=incident.pk)
    return _render(request, "incident_form.html", {"form": form, "incident": incident, "other_kind": DataKind.OTHER,
                                                   "title": f"Change incident {incident.pk}"})


def incident_decide_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    initial = {"version": incident.version, "decision": incident.decision, "reason": incident.decision_reason}
    form = forms.DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.incident_decide(actor=request.user, incident=incident, version=data["version"],
                                     decision=data["decision"], reason=data["reason"],
                                     delay_reason=data["delay_reason"])

        if _attempt(form, call):
            late = " The decision was made after the 72 hours: the delay is recorded." if incident.decided_late else ""
            messages.success(request, f"The decision has been recorded.{late}")
            return redirect("dpo:incident", incident_id=incident.pk)
    clock = incident.clock()
    return _render(request, "incident_decide.html", {
        "form": form, "incident": incident, "clock": clock, "late_now": clock.now > incident.deadline,
        "title": "Decide whether to report to the Information Commissioner"})


def incident_report_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.ReportForm(request.POST or None, initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.incident_report(actor=request.user, incident=incident, version=data["version"],
                                     reported_at=data.get("reported_at"), ico_reference=data["ico_reference"],
                                     delay_reason=data["delay_reason"])

        if _attempt(form, call):
            messages.success(request, "The report to the Information Commissioner has been recorded.")
            return redirect("dpo:incident", incident_id=incident.pk)
    return _render(request, "incident_report.html", {
        "form": form, "incident": incident, "clock": incident.clock(),
        "title": "Record the report to the Information Commissioner"})


def incident_notice_new_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.incident_notice_record(actor=request.user, incident=incident, audience=data["audience"],
                                            who=data["who"], told_at=data.get("told_at"), how=data["how"])

        if _attempt(form, call):
            messages.success(request, "Who was told has been recorded.")
            return redirect("dpo:incident", incident_id=incident.pk)
    return _render(request, "incident_notice.html", {"form": form, "incident": incident,
                                                     "title": "Record who was told"})


def incident_close_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.CloseForm(request.POST or None, initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        def call():
            services.incident_close(actor=request.user, incident=incident, version=form.cleaned_data["version"],
                                    lessons=form.cleaned_data["lessons"])

        if _attempt(form, call):
            messages.success(request, f"Incident {incident.pk} has been closed.")
            return redirect("dpo:incident", incident_id=incident.pk)
    return _render(request, "incident_close.html", {"form": form, "incident": incident,
                                                    "title": f"Close incident {incident.pk}"})


# Requests to correct, erase or restrict ------------------------------------------------------------------------


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


def request_new_view(request):
    selectors.require_governance(request.user)
    person_id = request.GET.get("person", "")
    person = selectors.person_for_request(request.user, int(person_id) if person_id.isdigit() else None)
    form = forms.RequestForm(request.POST or None)
    created = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            created["request"] = rights.request_record(actor=request.user, person=person, kind=data["kind"],
                                                         asked=data["asked"], received_on=data["received_on"])

        if _attempt(form, call):
            rights_request = created["request"]
            messages.success(request, f"Request {rights_request.pk} has been logged. The answer is due by "
                                      f"{rights_request.due_on:%-d %B %Y}.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
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
            reason = "\n\n".join(p for p in (rights.ERASURE_PUBLIC_TASK_REASON, reason) if p)

        def call():
            rights.request_decide(actor=request.user, rights_request=rights_request, version=data["version"],
                                    decision=data["decision"], reason=reason)

        if _attempt(form, call):
            messages.success(request, f"Your decision on request {rights_request.pk} has been recorded.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
    return _render(request, "request_decide.html", {
        "form": form, "rq": rights_request, "standard_reason": rights.ERASURE_PUBLIC_TASK_REASON,
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
            rights.rectification_apply(
                actor=request.user, rights_request=rights_request, version=data["request_version"],
                person_version=data["version"],
                data={k: v for k, v in data.items() if k not in ("version", "request_version")})

        if _attempt(form, call):
            messages.success(request, "The person's details have been corrected and the old values kept. Now tell "
                                      "the people the information was shared with.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
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
            rights.erasure_apply(actor=request.user, rights_request=rights_request, version=data["version"],
                                 person_version=data["person_version"], whole=whole,
                                 details=[] if whole else data["details"], name_ids=[] if whole else data["names"],
                                 address_ids=[] if whole else data["addresses"], note=data["note"])

        if _attempt(form, call):
            messages.success(request, "The information has been erased. Now tell the people it was shared with.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
    return _render(request, "request_erase.html", {"form": form, "rq": rights_request, "found": found,
                                                   "title": f"Erase information for request {rights_request.pk}"})


def request_restrict_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    form = forms.RestrictForm(request.POST or None, initial={"version": rights_request.version})
    if request.method == "POST" and form.is_valid():
        def call():
            rights.restriction_apply(actor=request.user, rights_request=rights_request,
                                     version=form.cleaned_data["version"], what=form.cleaned_data["what"])

        if _attempt(form, call):
            messages.success(request, f"The use of {rights_request.person.full_name}'s information is restricted. "
                                      "Now tell the people it was shared with.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
    return _render(request, "request_restrict.html", {"form": form, "rq": rights_request,
                                                      "title": f"Restrict the use of information for request "
                                                               f"{rights_request.pk}"})


def restriction_lift_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    restriction = rights_request.restriction_record
    if restriction is None or not restriction.in_force:
        messages.info(request, "There is no restriction in force for this request.")
        return redirect("dpo:request", rights_request_id=rights_request.pk)
    form = forms.LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def call():
            rights.restriction_lift(actor=request.user, restriction=restriction, reason=form.cleaned_data["reason"],
                                    person_told=form.cleaned_data["person_told"])

        if _attempt(form, call):
            messages.success(request, "The restriction has been lifted.")
            return redirect("dpo:request", rights_request_id=rights_request.pk)
    return _render(request, "restriction_lift.html", {"form": form, "rq": rights_request,
                                                      "title": f"Lift the restriction of request {rights_request.pk}"})


def request_recipients_view(request, rights_request_id: int):
    rights_request = selectors.request_detail(request.user, rights_request_id)
    recipients = selectors.correction_recipients(rights_request)
    action = request.POST.get("action") if request.method == "POST" else None
    tell_form = forms.TellForm(request.POST if action == "email" else None, recipients=recipients,
                               initial={"recipients": [r.key for r in recipients if r.email and not r.told]})
    told_form = forms.ToldForm(request.POST if action == "told" else None, recipients=recipients)
    if action == "email" and tell_form.is_valid():
        def call():
            told = rights.tell_recipients(actor=request.user, rights_request=rights_request,
                                                          keys=tell_form.cleaned_data["recipients"])
            messages.success(request, f"{len(told)} recipient{'s' if len(told) != 1 else ''} emailed. Each email is "
                                      "recorded in the information-sharing register.")

        if _attempt(tell_form, call):
            return redirect("dpo:request_recipients", rights_request_id=rights_request.pk)
    if action == "told" and told_form.is_valid():
        def call():
            rights.record_told(actor=request.user, rights_request=rights_request,
                                               key=told_form.cleaned_data["key"], how=told_form.cleaned_data["how"])

        if _attempt(told_form, call):
            messages.success(request, "It has been recorded in the information-sharing register.")
            return redirect("dpo:request_recipients", rights_request_id=rights_request.pk)
    return _render(request, "request_recipients.html", {
        "rq": rights_request, "recipients": recipients, "tell_form": tell_form, "told_form": told_form,
        "form": tell_form if tell_form.errors else told_form,
        "title": f"Tell the recipients of the information (request {rights_request.pk})"})


# Audit review --------------------------------------------------------------------------------------------------


def _access_page(request, **subject):
    selectors.require_governance(request.user)
    form = forms.DateRangeForm(request.GET if any(k.startswith("date_") for k in request.GET) else None)
    log = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        dates = audit_review.DateRange(data.get("date_from"), data.get("date_to"))
        log = audit_review.access_log(request.user, dates=dates, page=request.GET.get("page"), **subject)
    query = request.GET.copy()
    query.pop("page", None)
    kind = next(iter(subject)).removesuffix("_id")
    titles = {"family": f"Who has accessed family record {subject.get('family_id')}",
              "person": f"Who has accessed person record {subject.get('person_id')}",
              "user": "What a user has accessed"}
    return _render(request, "access_log.html", {"form": form, "log": log, "kind": kind, "query": query.urlencode(),
                                                "title": titles[kind]})


def access_family_view(request, family_id: int):
    return _access_page(request, family_id=family_id)


def access_person_view(request, person_id: int):
    return _access_page(request, person_id=person_id)


def access_user_view(request, user_id: int):
    return _access_page(request, user_id=user_id)


def unusual_access_view(request):
    form = forms.UnusualAccessForm(request.GET or None)
    report = None
    params = unusual_access.UnusualParams()
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        params = unusual_access.UnusualParams(records=data.get("records") or unusual_access.DEFAULT_RECORDS,
                                         minutes=data.get("minutes") or unusual_access.DEFAULT_MINUTES,
                                         date_from=data.get("date_from"), date_to=data.get("date_to"))
        report = unusual_access.unusual_access(request.user, params)
    elif not governance.can_review_unusual_access(request.user):
        raise NotPermitted(object_type="dpo.unusual_access")
    if not form.is_bound:
        form = forms.UnusualAccessForm(initial={"records": params.records, "minutes": params.minutes})
    return _render(request, "unusual_access.html", {"form": form, "report": report, "params": params,
                                                    "title": "Unusual access"})


def audit_verify_view(request):
    selectors.require_governance(request.user)
    check = audit_review.audit_chain_check(request.user) if request.method == "POST" else None
    return _render(request, "audit_verify.html", {"check": check, "title": "Check the audit log"})
