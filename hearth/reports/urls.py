from django.urls import path

from hearth.reports import views

app_name = "reports"

urlpatterns = [
    path("reports", views.home_view, name="home"),
    path("reports/caseload", views.caseload_view, name="caseload"),
    path("reports/flow", views.flow_view, name="flow"),
]
