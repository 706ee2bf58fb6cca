from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hearth.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # Retries and the scrubbing of failures hang off the queue library's signals.
        from django.conf import settings

        from hearth.jobs import queue, schedules, tasks

        queue.connect()
        schedules.every("jobs.clear_expired_files", tasks.clear_expired_files, minutes=60)
        # The audit chain's anchor (docs/deploy.md): off when a systemd timer writes it instead.
        if settings.HEARTH_AUDIT_ANCHOR_MINUTES:
            schedules.every("audit.anchor", tasks.write_audit_anchor, minutes=settings.HEARTH_AUDIT_ANCHOR_MINUTES)
