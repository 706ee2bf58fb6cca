"""Agencies, teams, users and their roles."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from hearth.core.models import Council, Locality


class AgencyKind(models.TextChoices):
    SCHOOL = "school", "School or college"
    EARLY_YEARS = "early_years", "Early years setting"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    GP = "gp", "GP practice"
    CAMHS = "camhs", "Child and adolescent mental health service (CAMHS)"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    YOUTH_SERVICE = "youth_service", "Youth service"
    VOLUNTARY = "voluntary", "Voluntary or community sector"
    EARLY_HELP_TEAM = "early_help_team", "Council Early Help team"
    SOCIAL_CARE = "social_care", "Children's social care"


class Agency(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    # Moved on by each administrator's save: a save from a page built on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="agency_name_unique")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams")
    manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return f"{self.name}, {self.agency.name}"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    COORDINATOR = "coordinator", "Early Help coordinator"
    MASH_SCREENER = "mash_screener", "MASH screener"
    SOCIAL_WORKER = "social_worker", "Social worker"
    MANAGER = "manager", "Manager"
    DPO = "dpo", "Data protection officer"
    ANALYST = "analyst", "Analyst"
    SYSADMIN = "sysadmin", "System administrator"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class ReminderDelivery(models.TextChoices):
    DIGEST = "digest", "One email a day listing everything due"
    IMMEDIATE = "immediate", "A separate email for each reminder, as soon as it is due"


class User(AbstractBaseUser):
    """A person who signs in. Belongs to one agency; holds one or more roles."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    # Two-factor authentication (TOTP) and lockout.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    # Honoured only while the deployment's demo setting is on (settings.DEMO_MODE).
    mfa_exempt_in_demo = models.BooleanField(default=False)
    # Until when django-axes has paused signing in to the account (hearth.accounts.lockout), for the administrator's
    # list of users; axes' own count decides.
    locked_until = models.DateTimeField(null=True, blank=True)
    # How reminders of due work reach the user (hearth.reminders): one daily digest, or each at once.
    reminder_delivery = models.CharField(max_length=10, choices=ReminderDelivery.choices,
                                         default=ReminderDelivery.DIGEST)
    # Moved on by each administrator's save (accounts.services.user_update), which refuses a form built from an
    # older one: two administrators editing the same user never undo each other's change.
    version = models.PositiveIntegerField(default=1)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def council(self) -> Council:
        return self.agency.council

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def remember_roles(self, roles) -> None:
        """The user's roles as loaded with the user (accounts.backends), so `role_set` asks nothing more."""
        self._role_cache = frozenset(roles)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        """Manages users, agencies and the council profile; reaches no case record by it."""
        return self.has_role(Role.SYSADMIN)

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class RecoveryCode(models.Model):
    """A one-use code for signing in without the authenticator app. Only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "A used recovery code" if self.used_at else "A recovery code"
