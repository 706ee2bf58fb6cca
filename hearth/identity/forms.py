from django import forms

from hearth.accounts.models import Agency, Role, Team
from hearth.web.forms import GovForm, text_field

VERSION_ERRORS = {"required": "This page was out of date. Reload the page and make your changes again",
                  "invalid": "This page was out of date. Reload the page and make your changes again"}


class ProviderForm(GovForm):
    name = text_field("Name on the sign-in button", max_length=100, what="The name",
                      help_text="People see 'Sign in with' and this name, such as Cambridgeshire County Council",
                      message="Enter the name on the sign-in button")
    discovery_url = forms.URLField(
        label="Issuer URL", max_length=500, assume_scheme="https",
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/your-tenant-id/v2.0",
        error_messages={"required": "Enter the issuer URL", "invalid": "Enter the issuer URL, starting https://"})
    client_id = text_field("Application (client) ID", what="The client ID", message="Enter the client ID")
    client_secret_variable = text_field(
        "Environment variable holding the client secret", max_length=80, what="The variable's name",
        help_text="Its name: HEARTH_OIDC_SECRET_, your council's code in capitals, then _ and any name, such as "
                  "HEARTH_OIDC_SECRET_CAMBRIDGESHIRE_AND_PETERBOROUGH_ENTRA. The secret itself is set where the "
                  "service runs and is never entered or shown here",
        message="Enter the name of the environment variable holding the client secret")
    email_domains = text_field("Email domains", max_length=500, required=False,
                               help_text="The council's email domains, separated by spaces, such as "
                                         "cambridgeshire.gov.uk. Accounts are matched by email only in these")
    is_enabled = forms.BooleanField(label="Offer this sign-in on the sign-in page", required=False, initial=True)
    may_create_accounts = forms.BooleanField(
        label="Create an account for someone signing in for the first time, to wait for approval", required=False)
    new_account_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency of new accounts",
                                                required=False,
                                                help_text="Unless a rule below gives another")
    # The model's field is require_mfa, but it means this: accept the provider's MFA (models.IdentityProvider).
    require_mfa = forms.BooleanField(
        label="Accept the provider's multi-factor authentication", required=False, initial=True,
        help_text="When the ID token shows it, people sign in without Hearth's security code. Otherwise, and "
                  "always when this is not ticked, they enter Hearth's security code too")
    mfa_amr_values = text_field("amr values that show multi-factor authentication", required=False,
                                help_text="Separated by spaces. Microsoft Entra ID sends mfa")
    mfa_acr_values = text_field("acr values that show multi-factor authentication", required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_account_agency"].queryset = Agency.objects.filter(council=council, is_active=True)


class ProviderEditForm(ProviderForm):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_ERRORS)


class RuleForm(GovForm):
    claim = text_field("Claim", max_length=100, help_text="Such as groups or roles", message="Enter the claim")
    value = text_field("Value", help_text="For Entra ID groups, the group's object ID",
                       message="Enter the value the claim must hold")
    role = forms.ChoiceField(label="Role it gives", choices=[("", "No role"), *Role.choices], required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency it gives", required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team it gives", required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(council=council, is_active=True)
        self.fields["team"].queryset = Team.objects.filter(agency__council=council).select_related("agency")
