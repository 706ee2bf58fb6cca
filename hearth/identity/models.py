"""Council single sign-on (OpenID Connect): each council's identity provider as its system administrator sets it,
the rules that turn the provider's claims into roles, agency and team, and the link from a provider's account
(its `sub`) to a Hearth user."""

import os
import re

from django.db import models
from django.utils import timezone

from hearth.accounts.models import Agency, Role, Team, User
from hearth.core.models import Council

# The client secret is never in the database: the record names the environment variable that holds it. Only a
# variable named for the provider's own council may be named, HEARTH_OIDC_SECRET_<COUNCIL CODE>[_<anything>] (the
# code in capitals, anything not a letter or digit as _), so that neither another secret of the service nor another
# council's client secret can be sent to a token endpoint an administrator chose.
SECRET_PREFIX = "HEARTH_OIDC_SECRET_"  # noqa: S105
SECRET_VARIABLE = re.compile(r"HEARTH_OIDC_SECRET_[A-Z0-9_]{1,60}")


def secret_code(council: Council) -> str:
    """The council's part of its secrets' variable names: CAMBRIDGESHIRE_AND_PETERBOROUGH."""
    return re.sub(r"[^A-Z0-9]", "_", council.code.upper())


def secret_variable_fits(name: str, council: Council) -> bool:
    """Whether `name` may hold a client secret of `council`'s providers: HEARTH_OIDC_SECRET_<its code>, alone or
    followed by _ and anything, and not the name of another council whose code begins with this one's (a council
    `cambridgeshire` may not name HEARTH_OIDC_SECRET_CAMBRIDGESHIRE_AND_PETERBOROUGH)."""
    if not SECRET_VARIABLE.fullmatch(name or ""):
        return False
    own = SECRET_PREFIX + secret_code(council)
    if name != own and not name.startswith(own + "_"):
        return False
    for other in Council.objects.exclude(pk=council.pk).only("code"):
        theirs = SECRET_PREFIX + secret_code(other)
        if len(theirs) > len(own) and (name == theirs or name.startswith(theirs + "_")):
            return False
    return True


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text or "") if w]


class IdentityProvider(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="identity_providers")
    name = models.CharField(max_length=100)  # on the sign-in button: "Sign in with <name>"
    discovery_url = models.URLField(max_length=500)  # the issuer, or its .well-known/openid-configuration
    client_id = models.CharField(max_length=200)
    client_secret_variable = models.CharField(max_length=80)
    is_enabled = models.BooleanField(default=True)
    # Email domains whose addresses this provider vouches for: an account is matched or made by email only there.
    email_domains = models.CharField(max_length=500, blank=True)
    may_create_accounts = models.BooleanField(default=False)
    new_account_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    # "Accept the provider's MFA" (the form's label), not "require MFA": on, an ID token showing multi-factor
    # authentication (amr or acr) signs in without Hearth's own security code, and one not showing it is asked for
    # Hearth's code; off, Hearth's security code is always asked for. Nobody signs in with one factor either way.
    require_mfa = models.BooleanField(default=True)
    mfa_amr_values = models.CharField(max_length=200, default="mfa")
    mfa_acr_values = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="identity_provider_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return [d.lower().lstrip("@") for d in _words(self.email_domains)]

    @property
    def amr_values(self) -> set[str]:
        return set(_words(self.mfa_amr_values))

    @property
    def acr_values(self) -> set[str]:
        return set(_words(self.mfa_acr_values))

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret())

    def client_secret(self) -> str:
        """The secret, read only from a variable named for the provider's own council (checked again here, not only
        when the record was saved); "" otherwise."""
        if not secret_variable_fits(self.client_secret_variable, self.council):
            return ""
        return os.environ.get(self.client_secret_variable, "")


class ClaimRule(models.Model):
    """When the ID token's `claim` holds `value` (equals it, or a list containing it), the user has `role`, and
    belongs to `agency` or `team`."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="rules")
    claim = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.describe()

    def matches(self, claims: dict) -> bool:
        held = claims.get(self.claim)
        if isinstance(held, list | tuple):
            return self.value in [str(v) for v in held]
        return held is not None and str(held) == self.value

    def describe(self) -> str:
        gives = [g for g in (self.get_role_display() if self.role else "",
                             str(self.team) if self.team_id else "",
                             self.agency.name if self.agency_id else "") if g]
        return f"{self.claim} contains {self.value} → {', '.join(gives)}"


class ExternalIdentity(models.Model):
    """A provider's account (its subject, `sub`) linked to a Hearth user."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.PROTECT, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # An account the provider's sign-in created waits, inactive, for an administrator to approve or refuse it.
    awaiting_approval = models.BooleanField(default=False)
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.provider} account of user {self.user_id}"
