from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "hearth.outcomes"
    label = "outcomes"
