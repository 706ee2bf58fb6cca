from django.urls import include, path

urlpatterns = [
    path("", include("hearth.home.urls")),
    path("", include("hearth.web.urls")),
    path("", include("hearth.ops.urls")),
    path("", include("hearth.accounts.urls")),
    path("", include("hearth.identity.urls")),
    path("", include("hearth.families.urls")),
    path("", include("hearth.cases.urls")),
    path("", include("hearth.referrals.urls")),
    path("", include("hearth.assessments.urls")),
    path("", include("hearth.outcomes.urls")),
    path("", include("hearth.plans.urls")),
    path("", include("hearth.documents.urls")),
    path("", include("hearth.consent.urls")),
    path("", include("hearth.access.urls")),
    path("", include("hearth.sharing.urls")),
    path("", include("hearth.subject_access.urls")),
    path("", include("hearth.retention.urls")),
    path("", include("hearth.breaches.urls")),
    path("", include("hearth.rights.urls")),
    path("", include("hearth.merges.urls")),
    path("", include("hearth.dpo.urls")),
    path("", include("hearth.reports.urls")),
    path("", include("hearth.supporting_families.urls")),
    path("", include("hearth.duplicates.urls")),
    path("", include("hearth.jobs.urls")),
]

handler403 = "hearth.web.views.forbidden"
handler404 = "hearth.web.views.not_found"
handler500 = "hearth.web.views.server_error"
