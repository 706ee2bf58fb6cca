from django.urls import path

from hearth.sharing import views

app_name = "sharing"

urlpatterns = [
    path("families/<int:family_id>/sharing", views.family_register_view, name="family"),
    path("families/<int:family_id>/sharing.csv", views.family_csv_view, name="family_csv"),
    path("families/<int:family_id>/sharing/new", views.entry_new_view, name="entry_new"),
    path("families/<int:family_id>/sharing/share", views.share_view, name="share"),
    path("families/<int:family_id>/sharing/for-family", views.for_family_view, name="for_family"),
    path("families/<int:family_id>/sharing/for-family.pdf", views.for_family_pdf_view, name="for_family_pdf"),
    path("sharing/entries/<int:entry_id>/unsafe", views.entry_unsafe_view, name="entry_unsafe"),
    path("people/<int:person_id>/sharing", views.person_register_view, name="person"),
    path("people/<int:person_id>/sharing.csv", views.person_csv_view, name="person_csv"),
]
