from django.urls import path

from hearth.jobs import views

app_name = "jobs"

urlpatterns = [
    path("admin/jobs", views.failed_jobs, name="failed"),
    path("admin/jobs/<uuid:task_id>/retry", views.failed_job_action, {"action": "retry"}, name="retry"),
    path("admin/jobs/<uuid:task_id>/discard", views.failed_job_action, {"action": "discard"}, name="discard"),
    path("jobs/<uuid:task_id>", views.job_page, name="job"),
    path("jobs/<uuid:task_id>/download", views.download, name="download"),
]
