from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hearth.reports"
    label = "reports"
    verbose_name = "Management information and returns"

    def ready(self):
        from hearth.jobs import access as job_access
        from hearth.reports import tasks

        job_access.downloads.register("reports", tasks.may_download, key="reports")
