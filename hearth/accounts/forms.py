from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from hearth.accounts.models import Agency, AgencyKind, ReminderDelivery, Role, Team
from hearth.outbox import services as outbox
from hearth.web.forms import GovForm


class LoginForm(GovForm):
    email = forms.EmailField(label="Email address", error_messages={
        "required": "Enter your email address",
        "invalid": "Enter an email address in the correct format, like name@example.org"})
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False,
                               error_messages={"required": "Enter your password"})


class PasswordResetRequestForm(GovForm):
    email = forms.EmailField(label="Email address", max_length=254, error_messages={
        "required": "Enter your email address",
        "invalid": "Enter an email address in the correct format, like name@example.org",
        "max_length": "Email address must be 254 characters or fewer"})


class CodeForm(GovForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        max_length=20,
        error_messages={"required": "Enter the security code from your authenticator app"},
    )


class EnrolForm(GovForm):
    code = forms.CharField(label="Code from the app", max_length=10,
                           help_text="Enter the 6-digit code your authenticator app shows for Hearth",
                           error_messages={"required": "Enter the 6-digit code shown in your authenticator app"})


class UserForm(GovForm):
    email = forms.EmailField(label="Email address", error_messages={"required": "Enter an email address"})
    full_name = forms.CharField(label="Full name", max_length=200,
                                error_messages={"required": "Enter the user's full name"})
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency",
                                    error_messages={"required": "Choose the user's agency"})
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team", required=False)
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple, label="Roles",
                                      error_messages={"required": "Choose at least one role"})
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)

    def __init__(self, *args, council, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(council=council)
        self.fields["team"].queryset = Team.objects.filter(agency__council=council).select_related("agency")
        if editing:
            self.fields["email"].disabled = True
        else:
            del self.fields["is_active"]


class AgencyForm(GovForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the agency's name"})
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of agency"})
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email written to the outbox (sent by the worker, with retries) instead of
    sent inside the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox.send(to=to_email, subject=subject, body=body, kind="account.password_reset")


class ReminderDeliveryForm(GovForm):
    delivery = forms.ChoiceField(
        label="How do you want to get reminders?", choices=ReminderDelivery.choices, widget=forms.RadioSelect,
        help_text="Reminders of reviews and actions due, consents to review and other work waiting for you. They "
                  "give record numbers only, never a family member's name.",
        error_messages={"required": "Choose how you want to get reminders",
                        "invalid_choice": "Choose how you want to get reminders"})
