from django.urls import path

from hearth.ops import views

app_name = "ops"

urlpatterns = [
    path("readyz", views.readyz_view, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
