"""The data protection officer's retention pages: the rules, legal holds, and disposal runs."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.retention import selectors, services, tasks
from hearth.retention.forms import SCOPE_ALL, ApproveForm, CancelForm, HoldForm, LiftForm, PrepareForm, RunForm
from hearth.retention.models import RunStatus
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on

ACTIVE = "retention"


def rules_view(request):
    rule_list = selectors.council_rules(request.user)
    return render(request, "retention/rules.html", {
        "rules": rule_list, "active_holds": selectors.active_hold_count(request.user),
        "title": "Retention and disposal", "active": ACTIVE, "section": "rules",
    })


def holds_view(request):
    return render(request, "retention/holds.html", {
        "holds": list(selectors.holds(request.user)), "title": "Legal holds", "active": ACTIVE, "section": "holds",
    })


@submit_once
def hold_new_view(request):
    selectors.council_rules(request.user)  # the DPO only
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            hold = services.legal_hold_place(actor=request.user, name=data["name"], reason=data["reason"],
                                             all_families=data["scope"] == SCOPE_ALL,
                                             family_ids=data["family_ids"])
        if attempt.ok:
            messages.success(request, f"The legal hold “{hold.name}” has been placed. The families it covers will "
                                      "not be disposed of while it is in place.")
            return redirect("retention:hold", hold_id=hold.pk)
    return render(request, "retention/hold_new.html", {
        "form": form, "title": "Place a legal hold", "active": ACTIVE, "section": "holds",
    })


def hold_view(request, hold_id: int):
    hold, family_ids, total = selectors.hold_detail(request.user, hold_id)
    form = LiftForm(request.POST if request.method == "POST" else None, initial={"version": hold.version})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.legal_hold_lift(actor=request.user, hold=hold, reason=form.cleaned_data["reason"],
                                     version=form.cleaned_data["version"])
        if attempt.ok:
            messages.success(request, f"The legal hold “{hold.name}” has been lifted.")
            return redirect("retention:hold", hold_id=hold.pk)
    return render(request, "retention/hold.html", {
        "hold": hold, "family_ids": family_ids, "family_total": total, "form": form,
        "title": f"Legal hold: {hold.name}", "active": ACTIVE, "section": "holds",
    })


def runs_view(request):
    return render(request, "retention/runs.html", {
        "runs": list(selectors.runs(request.user)[:100]), "title": "Disposal runs", "active": ACTIVE,
        "section": "runs",
    })


@submit_once
def run_new_view(request):
    """Prepare a disposal: the dry run over every family of the council runs as a job, with its own page."""
    selectors.council_rules(request.user)  # the DPO only
    form = PrepareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            run, _ = tasks.begin_count(actor=request.user, as_of=form.cleaned_data["as_of"])
        if attempt.ok:
            messages.success(request, f"Disposal {run.reference} is counting what is due. Nothing will be "
                                      "deleted. You can leave this page and come back: the counts appear here "
                                      "when they are ready.")
            return redirect("retention:run", run_id=run.pk)
    return render(request, "retention/run_new.html", {
        "form": form, "title": "Prepare a disposal", "active": ACTIVE, "section": "runs",
    })


def _run_page(request, run, *, approve_form=None, run_form=None, cancel_form=None, status=200):
    initial = {"version": run.version}
    return render(request, "retention/run.html", {
        "run": run, "job": selectors.run_job(request.user, run), "rule_rows": selectors.rule_rows(run),
        "states": selectors.state_rows(run.counts),
        "result_states": selectors.state_rows(run.results) if run.results else None,
        "approve_form": approve_form or ApproveForm(initial=initial),
        "run_form": run_form or RunForm(initial=initial), "cancel_form": cancel_form or CancelForm(initial=initial),
        "own": run.prepared_by_id == request.user.pk, "statuses": RunStatus,
        "title": f"Disposal {run.reference}", "active": ACTIVE, "section": "runs",
        "form": approve_form or run_form or cancel_form,
    }, status=status)


def run_view(request, run_id: int):
    return _run_page(request, selectors.run_detail(request.user, run_id))


@require_POST
def run_approve_view(request, run_id: int):
    run = selectors.run_detail(request.user, run_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        with refusal_on(form) as attempt:
            services.disposal_approve(actor=request.user, run=run, version=form.cleaned_data["version"])
        if attempt.ok:
            messages.success(request, f"Disposal {run.reference} has been approved. It runs tonight, or you can "
                                      "run it now.")
            return redirect("retention:run", run_id=run.pk)
    return _run_page(request, run, approve_form=form)


@require_POST
def run_start_view(request, run_id: int):
    """Run an approved disposal now: it runs as a job (each batch commits on its own), with its own page."""
    run = selectors.run_detail(request.user, run_id)
    form = RunForm(request.POST)
    if form.is_valid():
        with refusal_on(form) as attempt:
            tasks.begin_run(actor=request.user, run=run, version=form.cleaned_data["version"])
        if attempt.ok:
            messages.success(request, f"Disposal {run.reference} is running. You can leave this page and come "
                                      "back: its certificate appears here when it has finished.")
            return redirect("retention:run", run_id=run.pk)
    return _run_page(request, selectors.run_detail(request.user, run_id), run_form=form)


@require_POST
def run_cancel_view(request, run_id: int):
    run = selectors.run_detail(request.user, run_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        with refusal_on(form) as attempt:
            services.disposal_cancel(actor=request.user, run=run, version=form.cleaned_data["version"])
        if attempt.ok:
            messages.success(request, f"Disposal {run.reference} has been cancelled. Nothing was deleted.")
            return redirect("retention:run", run_id=run.pk)
    return _run_page(request, run, cancel_form=form)


def certificate_view(request, run_id: int):
    cert = selectors.certificate(request.user, run_id)
    return render(request, "retention/certificate.html", {
        "certificate": cert, "title": f"Disposal certificate {cert.reference}", "active": ACTIVE, "section": "runs",
    })
