"""The audit log: append-only, and chained by hash so that a changed or removed row is detectable."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DISCLOSE = "disclose", "Disclosed"
    DENIED = "denied", "Refused access"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed to sign in"
    LOGOUT = "logout", "Signed out"
    ADMIN = "admin", "Administration"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit rows cannot be changed.")

    def delete(self):
        raise PermissionError("Audit rows cannot be deleted.")


class AuditEvent(models.Model):
    """One read or change of personal data (or a sign-in event): who, when, what, from where.

    `detail` holds identifiers and counts only, never personal data. Rows are sealed into the hash
    chain just after they commit (governance.audit.seal_pending); a database trigger refuses any
    change to a sealed row and any delete.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", db_index=True
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    family_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not getattr(self, "_sealing", False):
            raise PermissionError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit rows cannot be deleted.")


class AuditChainHead(models.Model):
    """A single row holding the end of the hash chain; locked while sealing."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
