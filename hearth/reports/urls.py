from django.urls import path

from hearth.reports import views

app_name = "reports"

urlpatterns = [
    path("reports", views.home_view, name="home"),
    path("reports/caseload", views.caseload_view, name="caseload"),
    path("reports/caseload/families", views.caseload_families_view, name="caseload_families"),
    path("reports/flow", views.flow_view, name="flow"),
    path("reports/timeliness", views.timeliness_view, name="timeliness"),
    path("reports/outcomes", views.outcomes_view, name="outcomes"),
    path("reports/equality", views.equality_view, name="equality"),
    path("reports/extracts", views.extracts_view, name="extracts"),
    path("reports/extracts/<slug:kind>", views.extract_start_view, name="extract_start"),
]
