from django.urls import path

from hearth.referrals import views

app_name = "referrals"

urlpatterns = [
    path("request-support", views.public_request_view, name="public_request"),
    path("request-support/sent", views.public_sent_view, name="public_sent"),
    path("councils/<slug:code>/request-support", views.public_request_view, name="public_request_council"),
    path("families/<int:family_id>/referrals/new", views.request_new_view, name="practitioner_new"),
    path("families/<int:family_id>/step-down", views.step_down_view, name="step_down"),
    path("families/<int:family_id>/mash-contact", views.mash_contact_view, name="mash_contact"),
    path("episodes/<int:episode_id>/step-up", views.step_up_view, name="step_up"),
    path("referrals/", views.queue_view, name="queue"),
    path("referrals/<int:referral_id>", views.detail_view, name="detail"),
    path("referrals/<int:referral_id>/screen", views.screen_view, name="screen"),
    path("referrals/<int:referral_id>/link", views.link_view, name="link"),
]
