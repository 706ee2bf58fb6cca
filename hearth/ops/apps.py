from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "hearth.ops"
    label = "ops"
    verbose_name = "Signals for operators: metrics and readiness"
