from django.urls import path

from hearth.consent import views

app_name = "consent"

urlpatterns = [
    path("families/<int:family_id>/consent", views.family_consent_view, name="family"),
    path("families/<int:family_id>/consent/agreements/new", views.agreement_new_view, name="agreement_new"),
    path("families/<int:family_id>/consent/agreements/<int:agreement_id>/withdraw", views.agreement_withdraw_view,
         name="agreement_withdraw"),
    path("families/<int:family_id>/consent/share/new", views.share_consent_new_view, name="share_new"),
    path("families/<int:family_id>/consent/share/<int:consent_id>/withdraw", views.share_consent_withdraw_view,
         name="share_withdraw"),
    path("families/<int:family_id>/consent/research-opt-out/new", views.research_opt_out_new_view,
         name="research_opt_out_new"),
    path("families/<int:family_id>/consent/lawful-bases/new", views.lawful_basis_new_view, name="basis_new"),
    path("families/<int:family_id>/consent/lawful-bases/<int:basis_id>/confirm", views.lawful_basis_confirm_view,
         name="basis_confirm"),
    path("families/<int:family_id>/consent/not-sought/new", views.not_sought_new_view, name="not_sought_new"),
]
