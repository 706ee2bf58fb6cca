from django.urls import path

from hearth.cases import views

app_name = "cases"

urlpatterns = [
    path("families/<int:family_id>/episodes/new", views.episode_start_view, name="episode_start"),
    path("families/<int:family_id>/notes", views.notes_view, name="notes"),
    path("families/<int:family_id>/chronology", views.chronology_view, name="chronology"),
    path("notes/<int:note_id>/edit", views.note_edit_view, name="note_edit"),
    path("notes/<int:note_id>/withdraw", views.note_withdraw_view, name="note_withdraw"),
    path("episodes/<int:episode_id>", views.episode_view, name="episode"),
    path("episodes/<int:episode_id>/level", views.episode_level_view, name="episode_level"),
    path("episodes/<int:episode_id>/lead", views.episode_lead_view, name="episode_lead"),
    path("episodes/<int:episode_id>/close", views.episode_close_view, name="episode_close"),
    path("episodes/<int:episode_id>/status/<slug:name>", views.episode_transition_view, name="episode_transition"),
    path("handovers/<int:handover_id>/<slug:action>", views.handover_view, name="handover"),
]
