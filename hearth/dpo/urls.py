from django.urls import path

from hearth.dpo import views

app_name = "dpo"

# The breach log (`hearth.breaches.urls`) and requests to correct, erase or restrict (`hearth.rights.urls`) are under
# /dpo/ too.
urlpatterns = [
    path("dpo", views.home_view, name="home"),
    # Audit review
    path("dpo/access/family/<int:family_id>", views.access_family_view, name="access_family"),
    path("dpo/access/person/<int:person_id>", views.access_person_view, name="access_person"),
    path("dpo/access/user/<int:user_id>", views.access_user_view, name="access_user"),
    path("dpo/unusual-access", views.unusual_access_view, name="unusual_access"),
    path("dpo/audit/verify", views.audit_verify_view, name="audit_verify"),
]
