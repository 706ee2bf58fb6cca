from django.urls import path

from hearth.supporting_families import views

app_name = "supporting_families"

urlpatterns = [
    path("families/<int:family_id>/supporting-families", views.family_view, name="family"),
    path("families/<int:family_id>/supporting-families/needs/new", views.need_new_view, name="need_new"),
    path("families/<int:family_id>/supporting-families/needs/<int:need_id>/remove", views.need_remove_view,
         name="need_remove"),
    path("families/<int:family_id>/supporting-families/needs/<int:need_id>/progress", views.progress_new_view,
         name="progress_new"),
    path("families/<int:family_id>/supporting-families/claim", views.claim_check_view, name="claim_check"),
    path("supporting-families", views.programme_view, name="programme"),
    path("supporting-families/claims", views.claims_view, name="claims"),
    path("supporting-families/national-impact-study", views.share_start_view, name="share_start"),
]
