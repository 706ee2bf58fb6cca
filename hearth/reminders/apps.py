from datetime import time

from django.apps import AppConfig

# When the day's reminders go (Europe/London, the project's TIME_ZONE): before the working day starts.
DAILY_AT = time(7, 0)


class RemindersConfig(AppConfig):
    name = "hearth.reminders"
    label = "reminders"
    verbose_name = "Reminders of due work"

    def ready(self):
        from hearth.jobs import schedules
        from hearth.reminders import tasks

        schedules.daily("reminders.daily", tasks.send_due, at=DAILY_AT)
