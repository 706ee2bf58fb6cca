from django.urls import path

from hearth.rights import views

app_name = "rights"

# Under /dpo/, the data protection officer's section.
urlpatterns = [
    path("dpo/requests", views.requests_view, name="requests"),
    path("dpo/requests/find-person", views.request_find_view, name="request_find"),
    path("dpo/requests/new", views.request_new_view, name="request_new"),
    path("dpo/requests/<int:rights_request_id>", views.request_view, name="request"),
    path("dpo/requests/<int:rights_request_id>/decision", views.request_decide_view, name="request_decide"),
    path("dpo/requests/<int:rights_request_id>/correct", views.request_apply_view, name="request_apply"),
    path("dpo/requests/<int:rights_request_id>/erase", views.request_erase_view, name="request_erase"),
    path("dpo/requests/<int:rights_request_id>/restrict", views.request_restrict_view, name="request_restrict"),
    path("dpo/requests/<int:rights_request_id>/restriction/lift", views.restriction_lift_view,
         name="restriction_lift"),
    path("dpo/requests/<int:rights_request_id>/recipients", views.request_recipients_view,
         name="request_recipients"),
]
