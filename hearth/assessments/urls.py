from django.urls import path  # noqa: F401

from hearth.assessments import views  # noqa: F401

app_name = "assessments"

urlpatterns: list = []
