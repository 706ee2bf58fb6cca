from django.urls import path  # noqa: F401

from hearth.referrals import views  # noqa: F401

app_name = "referrals"

urlpatterns: list = []
