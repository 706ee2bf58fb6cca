"""The administrator's failed-jobs page, and the page of a long job that its owner can leave and come back to."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.core.errors import Conflict
from hearth.jobs import selectors, services


def failed_jobs(request):
    if not request.user.is_administrator:
        raise PermissionDenied
    return render(request, "jobs/failed.html", {
        "title": "Background jobs", "active": "admin", "failed": selectors.failed_jobs(),
        "waiting": selectors.waiting_count(), "retrying": selectors.retrying_count(),
        "running": selectors.running_count(), "oldest": selectors.oldest_waiting_seconds(),
        "worker_seen": selectors.worker_last_seen_seconds()})


@require_POST
def failed_job_action(request, task_id, action: str):
    if not request.user.is_administrator:
        raise PermissionDenied
    try:
        if action == "retry":
            services.retry(actor=request.user, task_id=task_id)
            messages.success(request, "The job is back in the queue and will run shortly.")
        else:
            services.discard(actor=request.user, task_id=task_id)
            messages.success(request, "The job is discarded and will not run again.")
    except Conflict as conflict:
        messages.error(request, conflict.message)
    return redirect("jobs:failed")


def job_page(request, task_id):
    job = selectors.job_for(request.user, task_id)
    if job is None:
        raise Http404
    return render(request, "jobs/job.html", {"title": job["progress"].title, "job": job})


def download(request, task_id):
    """The file a job made, for the person who started it (the app that made it records the download)."""
    result = selectors.result_file(request.user, task_id)
    if result is None:
        raise Http404
    response = HttpResponse(bytes(result.data), content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    return response
