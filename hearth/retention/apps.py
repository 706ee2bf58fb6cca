from datetime import time

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "hearth.retention"
    label = "retention"

    def ready(self):
        from hearth.core import personal_data
        from hearth.jobs import access as job_access
        from hearth.jobs import schedules
        from hearth.people import holds
        from hearth.retention import personal_data as retention_records
        from hearth.retention import selectors, tasks
        from hearth.retention.holds import LEGAL_HOLD

        holds.sources.register("retention", LEGAL_HOLD, key="legal_hold")
        personal_data.declare("retention", retention_records.RECORDS)
        job_access.viewers.register("retention", selectors.may_see_job, key="retention")
        # Every approved disposal whose date has come starts at 02:15 (`hearth disposal --run-due` does the same).
        schedules.daily("retention.run_due", tasks.run_due, at=time(2, 15))
