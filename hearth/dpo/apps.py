from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "hearth.dpo"
    label = "dpo"
