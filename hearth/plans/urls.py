from django.urls import path

from hearth.plans import meeting_views, views

app_name = "plans"

urlpatterns = [
    path("episodes/<int:episode_id>/meetings/new", meeting_views.meeting_new_view, name="meeting_new"),
    path("meetings/<int:meeting_id>", meeting_views.meeting_view, name="meeting"),
    path("meetings/<int:meeting_id>/record", meeting_views.meeting_record_view, name="meeting_record"),
    path("meetings/<int:meeting_id>/send", meeting_views.meeting_send_view, name="meeting_send"),
    path("episodes/<int:episode_id>/plan", views.plan_view, name="plan"),
    path("episodes/<int:episode_id>/plan/outcomes/new", views.outcome_new_view, name="outcome_new"),
    path("episodes/<int:episode_id>/plan/actions/new", views.action_new_view, name="action_new"),
    path("episodes/<int:episode_id>/plan/outcomes/final", views.outcomes_final_view, name="outcomes_final"),
    path("actions/<int:action_id>/status", views.action_status_view, name="action_status"),
    path("actions/<int:action_id>/correct", views.action_edit_view, name="action_edit"),
    path("actions/<int:action_id>/withdraw", views.action_withdraw_view, name="action_withdraw"),
    path("outcomes/<int:outcome_id>/change", views.outcome_edit_view, name="outcome_edit"),
    path("outcomes/<int:outcome_id>/withdraw", views.outcome_withdraw_view, name="outcome_withdraw"),
    path("meetings/<int:meeting_id>/withdraw", meeting_views.meeting_withdraw_view, name="meeting_withdraw"),
    path("episodes/<int:episode_id>/reviews/new", views.review_new_view, name="review_new"),
    path("reviews/<int:review_id>", views.review_view, name="review"),
    path("work/due", views.due_work_view, name="due_work"),
]
