from django.urls import path

from hearth.breaches import views

app_name = "breaches"

# Under /dpo/, the data protection officer's section.
urlpatterns = [
    path("dpo/incidents", views.incidents_view, name="incidents"),
    path("dpo/incidents/new", views.incident_new_view, name="incident_new"),
    path("dpo/incidents/<int:incident_id>", views.incident_view, name="incident"),
    path("dpo/incidents/<int:incident_id>/edit", views.incident_edit_view, name="incident_edit"),
    path("dpo/incidents/<int:incident_id>/families/<int:family_id>", views.incident_link_family_view,
         name="incident_link_family"),
    path("dpo/incidents/<int:incident_id>/decision", views.incident_decide_view, name="incident_decide"),
    path("dpo/incidents/<int:incident_id>/report", views.incident_report_view, name="incident_report"),
    path("dpo/incidents/<int:incident_id>/told", views.incident_notice_new_view, name="incident_notice_new"),
    path("dpo/incidents/<int:incident_id>/close", views.incident_close_view, name="incident_close"),
]
