from django.urls import path

from hearth.retention import views

app_name = "retention"

urlpatterns = [
    path("retention/", views.rules_view, name="rules"),
    path("retention/holds", views.holds_view, name="holds"),
    path("retention/holds/new", views.hold_new_view, name="hold_new"),
    path("retention/holds/<int:hold_id>", views.hold_view, name="hold"),
    path("retention/runs", views.runs_view, name="runs"),
    path("retention/runs/new", views.run_new_view, name="run_new"),
    path("retention/runs/<int:run_id>", views.run_view, name="run"),
    path("retention/runs/<int:run_id>/approve", views.run_approve_view, name="run_approve"),
    path("retention/runs/<int:run_id>/run", views.run_start_view, name="run_start"),
    path("retention/runs/<int:run_id>/cancel", views.run_cancel_view, name="run_cancel"),
    path("retention/runs/<int:run_id>/certificate", views.certificate_view, name="certificate"),
]
