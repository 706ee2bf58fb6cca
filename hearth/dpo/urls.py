from django.urls import path

from hearth.dpo import views

app_name = "dpo"

urlpatterns = [
    path("dpo", views.home_view, name="home"),
    # The breach log
    path("dpo/incidents", views.incidents_view, name="incidents"),
    path("dpo/incidents/new", views.incident_new_view, name="incident_new"),
    path("dpo/incidents/<int:incident_id>", views.incident_view, name="incident"),
    path("dpo/incidents/<int:incident_id>/edit", views.incident_edit_view, name="incident_edit"),
    path("dpo/incidents/<int:incident_id>/decision", views.incident_decide_view, name="incident_decide"),
    path("dpo/incidents/<int:incident_id>/report", views.incident_report_view, name="incident_report"),
    path("dpo/incidents/<int:incident_id>/told", views.incident_notice_new_view, name="incident_notice_new"),
    path("dpo/incidents/<int:incident_id>/close", views.incident_close_view, name="incident_close"),
    # Requests to correct, erase or restrict
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
    # Audit review
    path("dpo/access/family/<int:family_id>", views.access_family_view, name="access_family"),
    path("dpo/access/person/<int:person_id>", views.access_person_view, name="access_person"),
    path("dpo/access/user/<int:user_id>", views.access_user_view, name="access_user"),
    path("dpo/unusual-access", views.unusual_access_view, name="unusual_access"),
    path("dpo/audit/verify", views.audit_verify_view, name="audit_verify"),
]
