from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "hearth.audit"
    label = "governance"
    verbose_name = "The audit log"
