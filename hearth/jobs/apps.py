from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hearth.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # Retries and the scrubbing of failures hang off the queue library's signals.
        from hearth.jobs import queue, schedules, tasks

        queue.connect()
        schedules.every("jobs.clear_expired_files", tasks.clear_expired_files, minutes=60)
