from django.urls import path  # noqa: F401

from hearth.plans import views  # noqa: F401

app_name = "plans"

urlpatterns: list = []
