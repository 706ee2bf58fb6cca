"""The data protection officer's queue of people who may be recorded twice: start a run (a job with its own page),
read the waiting pairs best first, and look at one pair side by side to decide "not the same person" with a reason.
Every page is the council's data protection officer's only; refusals are 403 pages (NotPermitted)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.duplicates import selectors, services, tasks
from hearth.duplicates.forms import RejectForm
from hearth.jobs import selectors as job_selectors
from hearth.web.once import submit_once
from hearth.web.refusals import run_on_form

ACTIVE = "dpo"


def queue_view(request):
    page = selectors.waiting_page(request.user, request.GET.get("page"))
    council_id = request.user.agency.council_id
    return render(request, "duplicates/queue.html", {
        "active": ACTIVE, "page": page, "run": selectors.latest_run(request.user),
        "latest_job": job_selectors.latest_owned(request.user, tasks.about(council_id)),
        "threshold": tasks.THRESHOLD, "title": "People who may be recorded twice"})


@submit_once
@require_POST
def run_start_view(request):
    task_id = tasks.start(request.user)  # refused (403) for anyone but the data protection officer
    return redirect("jobs:job", task_id=task_id)


def pair_view(request, pair_id: int):
    """One pair side by side; a POST decides they are not the same person (a reason is needed)."""
    form = RejectForm(request.POST or None)
    if request.method == "POST":
        pair = selectors.pair_for(request.user, pair_id)
        if form.is_valid() and run_on_form(form, lambda: services.pair_reject(
                actor=request.user, pair=pair, reason=form.cleaned_data.get("reason") or "")):
            messages.success(request, "The two records are marked as not the same person.")
            return redirect("duplicates:queue")
    detail = selectors.pair_detail(request.user, pair_id)
    return render(request, "duplicates/pair.html", {
        "active": ACTIVE, "detail": detail, "pair": detail.pair, "form": form,
        "title": "Are these the same person?"})
