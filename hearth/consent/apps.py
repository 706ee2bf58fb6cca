from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "hearth.consent"
    label = "consent"
