from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "hearth.governance"
    label = "governance"
    verbose_name = "Information governance and audit"
