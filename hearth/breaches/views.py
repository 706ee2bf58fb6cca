"""The breach log's pages: the council's incidents with their 72-hour clocks, logging one, the decision on reporting
it to the Information Commissioner, the report, who was told, closing it.

A form that fails its own checks is shown with the service's checks of the answers that passed (`show_checks`), so
a rule about two answers (a time it happened after the time it was discovered, a late report without its reasons)
is shown on the first submit with everything else.

Every page needs the council's data protection officer (`governance.can_do_governance`). Refusals are 403 pages
(NotPermitted)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from hearth.breaches import forms, selectors, services
from hearth.breaches.models import DataKind
from hearth.core.errors import Conflict, ValidationFailed
from hearth.web.once import submit_once
from hearth.web.refusals import run_on_form, show_checks

ACTIVE = "dpo"  # the navigation's "Data protection" section


def _render(request, template: str, context: dict):
    return render(request, f"breaches/{template}", {"active": ACTIVE, **context})


def incidents_view(request):
    board = selectors.incidents_dashboard(request.user)
    return _render(request, "incidents.html", {"board": board, "title": "Breach log"})


def _incident_input(data: dict) -> services.IncidentInput:
    """The incident's details from the form's answers (those that passed, when some did not)."""
    return services.IncidentInput(
        summary=data.get("summary", ""), what_happened=data.get("what_happened", ""),
        discovered_at=data.get("discovered_at"),
        occurred_at=data.get("occurred_at"), people_affected=data.get("people_affected", ""),
        family_ids=data.get("family_ids") or [], data_kinds=data.get("data_kinds") or [],
        data_kinds_other=data.get("data_kinds_other", ""), people_count=data.get("people_count"),
        people_count_estimated=data.get("people_count_estimated", False), containment=data.get("containment", ""))


@submit_once
def incident_new_view(request):
    selectors.require_governance(request.user)
    form = forms.IncidentForm(request.POST or None)
    created = {}
    if request.method == "POST" and form.is_valid():
        def call():
            created["incident"] = services.incident_record(actor=request.user,
                                                           data=_incident_input(form.cleaned_data))

        if run_on_form(form, call):
            incident = created["incident"]
            messages.success(request, f"Incident {incident.pk} has been logged. Decide whether to report it to the "
                                      "Information Commissioner within 72 hours of its discovery.")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        show_checks(form, services.incident_problems(actor=request.user, data=_incident_input(form.cleaned_data)))
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

        if run_on_form(form, call):
            messages.success(request, "The incident has been updated.")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        show_checks(form, services.incident_problems(actor=request.user, data=_incident_input(form.cleaned_data)))
    return _render(request, "incident_form.html", {"form": form, "incident": incident, "other_kind": DataKind.OTHER,
                                                   "title": f"Change incident {incident.pk}"})


def incident_link_family_view(request, incident_id: int, family_id: int):
    """From the data protection page's search (opened for this incident): link a family found there."""
    if request.method != "POST":
        raise Http404
    incident = selectors.incident_detail(request.user, incident_id, audited=False)
    try:
        linked = services.incident_link_family(actor=request.user, incident=incident, family_id=family_id)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Family record {family_id} is linked to incident {incident.pk}." if linked else
                         f"Family record {family_id} was already linked to incident {incident.pk}.")
    return redirect("breaches:incident", incident_id=incident.pk)


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

        if run_on_form(form, call):
            late = " The decision was made after the 72 hours: the delay is recorded." if incident.decided_late else ""
            messages.success(request, f"The decision has been recorded.{late}")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        data = form.cleaned_data
        show_checks(form, services.decision_problems(
            incident=incident, decision=data.get("decision", ""), reason=data.get("reason", ""),
            delay_reason=data.get("delay_reason", "")))
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

        if run_on_form(form, call):
            messages.success(request, "The report to the Information Commissioner has been recorded.")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        data = form.cleaned_data
        show_checks(form, services.report_problems(
            incident=incident, reported_at=data.get("reported_at"), ico_reference=data.get("ico_reference", ""),
            delay_reason=data.get("delay_reason", "")))
    return _render(request, "incident_report.html", {
        "form": form, "incident": incident, "clock": incident.clock(),
        "title": "Record the report to the Information Commissioner"})


@submit_once
def incident_notice_new_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            services.incident_notice_record(actor=request.user, incident=incident, audience=data["audience"],
                                            who=data["who"], told_at=data.get("told_at"), how=data["how"])

        if run_on_form(form, call):
            messages.success(request, "Who was told has been recorded.")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        data = form.cleaned_data
        show_checks(form, services.notice_problems(incident=incident, audience=data.get("audience", ""),
                                                   who=data.get("who", ""), told_at=data.get("told_at")))
    return _render(request, "incident_notice.html", {"form": form, "incident": incident,
                                                     "title": "Record who was told"})


def incident_close_view(request, incident_id: int):
    incident = selectors.incident_detail(request.user, incident_id)
    form = forms.CloseForm(request.POST or None, initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        def call():
            services.incident_close(actor=request.user, incident=incident, version=form.cleaned_data["version"],
                                    lessons=form.cleaned_data["lessons"])

        if run_on_form(form, call):
            messages.success(request, f"Incident {incident.pk} has been closed.")
            return redirect("breaches:incident", incident_id=incident.pk)
    elif request.method == "POST":
        show_checks(form, services.close_problems(incident=incident, lessons=form.cleaned_data.get("lessons", "")))
    return _render(request, "incident_close.html", {"form": form, "incident": incident,
                                                    "title": f"Close incident {incident.pk}"})
