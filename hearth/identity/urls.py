from django.urls import path

from hearth.identity import views

app_name = "identity"

urlpatterns = [
    path("sign-in/council/callback", views.callback, name="callback"),
    path("sign-in/council/<int:provider_id>", views.start, name="start"),
    path("admin/sign-in-providers", views.provider_list, name="admin_providers"),
    path("admin/sign-in-providers/new", views.provider_new, name="admin_provider_new"),
    path("admin/sign-in-providers/waiting", views.waiting_list, name="admin_waiting"),
    path("admin/sign-in-providers/<int:provider_id>", views.provider_edit, name="admin_provider_edit"),
    path("admin/sign-in-providers/<int:provider_id>/rules/new", views.rule_new, name="admin_rule_new"),
]
