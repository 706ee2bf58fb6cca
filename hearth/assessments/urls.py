from django.urls import path

from hearth.assessments import views

app_name = "assessments"

urlpatterns = [
    path("episodes/<int:episode_id>/assessment/start", views.start_view, name="start"),
    path("assessments/<int:assessment_id>", views.assessment_view, name="assessment"),
    path("assessments/<int:assessment_id>/sections/<str:key>", views.section_view, name="section"),
    path("assessments/<int:assessment_id>/children/add-missing", views.children_add_missing_view,
         name="children_add_missing"),
    path("assessments/<int:assessment_id>/children/<int:child_view_id>", views.child_view_view, name="child_view"),
    path("assessments/<int:assessment_id>/contributions/invite", views.invite_view, name="invite"),
    path("assessments/<int:assessment_id>/contributions/<int:contribution_id>", views.contribution_view,
         name="contribution"),
    path("assessments/<int:assessment_id>/contributions/<int:contribution_id>/decline",
         views.contribution_decline_view, name="contribution_decline"),
    path("assessments/<int:assessment_id>/scores", views.scores_view, name="scores"),
    path("assessments/<int:assessment_id>/complete", views.complete_view, name="complete"),
    path("assessments/<int:assessment_id>/new-version", views.new_version_view, name="new_version"),
]
