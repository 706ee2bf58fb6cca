from datetime import time

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "hearth.outbox"
    label = "outbox"
    verbose_name = "Emails waiting and sent"

    def ready(self):
        from hearth.jobs import schedules
        from hearth.outbox import tasks

        schedules.daily("outbox.clear_sent", tasks.clear_sent, at=time(2, 30))
