from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hearth.reports"
    label = "reports"
    verbose_name = "Management information and returns"
