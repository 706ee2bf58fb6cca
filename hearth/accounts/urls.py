from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from hearth.accounts import admin_views, views

app_name = "accounts"


def _public(view):
    return login_not_required(view)


urlpatterns = [
    path("sign-in", views.login_view, name="login"),
    path("sign-in/two-factor", views.two_factor_view, name="two_factor"),
    path("sign-in/set-up-two-factor", views.enrol_view, name="enrol"),
    path("account/recovery-codes", views.recovery_codes_view, name="recovery_codes"),
    path("account", views.security_view, name="security"),
    path("sign-out", views.logout_confirm_view, name="logout_confirm"),
    path("session/keep-alive", views.keepalive_view, name="keepalive"),
    path("password-reset", views.password_reset_view, name="password_reset"),
    path(
        "password-reset/sent",
        _public(auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html", extra_context={"title": "Check your email"})),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>",
        _public(auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"title": "Choose a new password"},
        )),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done",
        _public(auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html", extra_context={"title": "Password changed"})),
        name="password_reset_complete",
    ),
    path("admin/users", admin_views.user_list, name="admin_users"),
    path("admin/users/new", admin_views.user_new, name="admin_user_new"),
    path("admin/users/<int:user_id>", admin_views.user_edit, name="admin_user_edit"),
    path("admin/agencies", admin_views.agency_list, name="admin_agencies"),
    path("admin/agencies/new", admin_views.agency_new, name="admin_agency_new"),
    path("admin/agencies/<int:agency_id>", admin_views.agency_edit, name="admin_agency_edit"),
    path("admin/council", admin_views.council_edit, name="admin_council"),
]
