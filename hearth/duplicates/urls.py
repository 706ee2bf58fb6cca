from django.urls import path

from hearth.duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("dpo/duplicates", views.queue_view, name="queue"),
    path("dpo/duplicates/run", views.run_start_view, name="run_start"),
    path("dpo/duplicates/<int:pair_id>", views.pair_view, name="pair"),
]
