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

    `detail` holds identifiers and counts only, never personal data. Rows are written unsealed in the
    request's transaction and sealed into the hash chain in batches by `hearth audit-seal`
    (audit.trail.seal_batch, decision record 0004); a database trigger refuses any change to a
    sealed row and any delete.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed with `at` (below): one user's events in a period, for the audit review and its reports.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
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
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            # The rows still to be sealed, in id order: small, whatever the size of the log.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit rows cannot be deleted.")


class AuditChainHead(models.Model):
    """A single row holding the end of the hash chain; locked while sealing."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain head at {self.last_seq}"


# The DPO's own look at an access log (dpo.audit_review): not a look at a record, so left out of the
# record-view summary and of the unusual-access reports built on it.
ACCESS_REVIEW = "dpo.access_review"


class RecordViewDay(models.Model):
    """How often one user looked at one family or person record on one day (the council's local date),
    and when first and last: the summary the unusual-access reports read instead of the audit log.

    Derived from the sealed audit rows whose action is "view", with an actor and a family or person,
    other than the DPO's access reviews. The sealer adds each batch in the transaction that seals it,
    so the counts always equal the sealed rows (`governance.summary.rebuild` recomputes them); rows not
    yet sealed are read from the audit log itself. `family_id` and `person_id` are 0 for none, so that
    the unique key holds (NULLs never conflict).

    `colleague` and `same_surname` are decided when the looks are sealed, from the record as it was then:
    someone in the record had the name or email address of a user of the council, or (had) the family
    name of the user who looked. Once true, they stay true.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              db_index=False, related_name="+")
    day = models.DateField()
    family_id = models.BigIntegerField(default=0)
    person_id = models.BigIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    colleague = models.BooleanField(default=False)
    same_surname = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "day", "family_id", "person_id"], name="record_view_day_key"),
        ]
        indexes = [
            models.Index(fields=["day", "actor"], name="record_view_day_idx"),
            models.Index(fields=["family_id", "day"], name="record_view_family_idx"),
            models.Index(fields=["person_id", "day"], name="record_view_person_idx"),
            # A user's spans on given days, read from the index alone (PostgreSQL) by "many records".
            models.Index(fields=["actor", "day"], include=["first_at", "last_at"], name="record_view_spans_idx"),
            models.Index(fields=["day"], condition=models.Q(colleague=True), name="record_view_colleague_idx"),
            models.Index(fields=["day"], condition=models.Q(same_surname=True), name="record_view_surname_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} user {self.actor_id} family {self.family_id} person {self.person_id}: {self.views}"


class ViewerDay(models.Model):
    """Per user and day: how many records they looked at (summary rows), when first and last, how close to
    midnight (whole minutes after the day's start to the first look, and from the last look to the next day's
    start), and how many at most within an hour. Kept by the sealer with `RecordViewDay`, so "many records in a
    short time" can pass over the ordinary days of the period without reading their looks."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              db_index=False, related_name="+")
    day = models.DateField()
    records = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    early_minutes = models.PositiveIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)
    # At most this many records can be looked at within any hour of the day: the most first looked at in three
    # consecutive clock hours, plus those looked at over more than 59 minutes (summary.LONG_SPAN).
    peak = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "day"], name="viewer_day_key")]
        indexes = [models.Index(fields=["day", "records"], name="viewer_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} user {self.actor_id}: {self.records} records"
