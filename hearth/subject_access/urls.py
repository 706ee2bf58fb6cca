from django.urls import path

from hearth.subject_access import views

app_name = "subject_access"

urlpatterns = [
    path("subject-access/", views.dashboard_view, name="dashboard"),
    path("subject-access/new", views.new_view, name="new"),
    path("subject-access/<int:sar_id>", views.workbench_view, name="workbench"),
    path("subject-access/<int:sar_id>/edit", views.edit_view, name="edit"),
    path("subject-access/<int:sar_id>/identity", views.verify_view, name="verify"),
    path("subject-access/<int:sar_id>/extend", views.extend_view, name="extend"),
    path("subject-access/<int:sar_id>/close", views.close_view, name="close"),
    path("subject-access/<int:sar_id>/withhold", views.withhold_view, name="withhold"),
    path("subject-access/<int:sar_id>/withholdings/<int:withholding_id>/remove", views.withholding_remove_view,
         name="withholding_remove"),
    path("subject-access/<int:sar_id>/release", views.release_view, name="release"),
    path("subject-access/<int:sar_id>/prepare-again", views.prepare_again_view, name="prepare_again"),
    path("subject-access/<int:sar_id>/bundle.pdf", views.bundle_pdf_view, name="bundle_pdf"),
    path("subject-access/<int:sar_id>/bundle.json", views.bundle_json_view, name="bundle_json"),
]
