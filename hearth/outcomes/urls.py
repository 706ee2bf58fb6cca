from django.urls import path  # noqa: F401

from hearth.outcomes import views  # noqa: F401

app_name = "outcomes"

urlpatterns: list = []
