from django.urls import path

from hearth.merges import views

app_name = "merges"

# Under /dpo/, the data protection officer's section.
urlpatterns = [
    path("dpo/merge", views.compare_view, name="compare"),
    path("dpo/merges/<int:merge_id>", views.merge_view, name="merge"),
    path("dpo/merges/<int:merge_id>/unmerge", views.unmerge_view, name="unmerge"),
    path("dpo/merges/<int:merge_id>/told", views.told_view, name="told"),
]
