from django.urls import path

from hearth.families import views

app_name = "families"

urlpatterns = [
    path("people/search", views.search_view, name="search"),
    path("people/<int:person_id>", views.person_view, name="person"),
    path("people/<int:person_id>/edit", views.person_edit_view, name="person_edit"),
    path("people/<int:person_id>/names/new", views.person_name_new_view, name="person_name_new"),
    path("people/<int:person_id>/addresses/new", views.person_address_new_view, name="person_address_new"),
    path("families/start", views.find_view, name="family_start"),
    path("families/new", views.family_new_view, name="family_new"),
    path("families/<int:family_id>", views.family_view, name="family"),
    path("families/<int:family_id>/members/find", views.find_view, name="member_find"),
    path("families/<int:family_id>/members/new", views.member_new_view, name="member_new"),
    path("families/<int:family_id>/members/add/<int:person_id>", views.member_add_existing_view,
         name="member_add_existing"),
    path("families/<int:family_id>/locality", views.family_locality_view, name="family_locality"),
    path("families/<int:family_id>/relationships/new", views.relationship_new_view, name="relationship_new"),
]
