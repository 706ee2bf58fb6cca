from django.urls import path

from hearth.web import views

app_name = "web"

urlpatterns = [
    path("healthz", views.healthz_view, name="healthz"),
    path("privacy", views.privacy_view, name="privacy"),
    path("accessibility", views.accessibility_view, name="accessibility"),
]
