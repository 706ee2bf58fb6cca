from django.urls import path

from hearth.documents import views

app_name = "documents"

urlpatterns = [
    path("assessments/<int:assessment_id>/copy", views.assessment_copy_view, name="assessment_copy"),
    path("episodes/<int:episode_id>/plan/copy", views.plan_copy_view, name="plan_copy"),
    path("reviews/<int:review_id>/copy", views.review_copy_view, name="review_copy"),
    path("referrals/<int:referral_id>/bundle.pdf", views.step_up_bundle_view, name="step_up_bundle"),
    path("families/<int:family_id>/chronology.pdf", views.chronology_pdf_view, name="chronology_pdf"),
    path("families/<int:family_id>/chronology/copy", views.chronology_copy_view, name="chronology_copy"),
]
