from django.urls import path

from hearth.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("episodes/<int:episode_id>/outcomes", views.episode_outcomes_view, name="episode"),
    path("episodes/<int:episode_id>/outcomes/new", views.reading_new_view, name="reading_new"),
]
