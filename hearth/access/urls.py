from django.urls import path

from hearth.access import views

app_name = "access"

urlpatterns = [
    path("families/<int:family_id>/break-glass", views.break_glass_open_view, name="break_glass_open"),
    path("break-glass/reviews", views.break_glass_reviews_view, name="break_glass_reviews"),
    path("break-glass/<int:break_glass_id>/review", views.break_glass_review_view, name="break_glass_review"),
]
